"""wanspec.contract: clients, cassettes, verification, drift and recording (placeholder until merge)."""

from __future__ import annotations

from ._pricing import Estimate, estimate_cost

__all__ = ["Estimate", "estimate_cost"]
