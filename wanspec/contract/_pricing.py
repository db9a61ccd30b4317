"""What a request will cost, from the pricing data in its model schema (``x-wanspec.pricing``).

A schema's pricing block names a currency, a unit (``per``: ``second``), where the quantity
is in the request (a JSON pointer, with the documented default) and an ordered list of
rates, each with an optional ``when`` JSON Schema; the first rate whose ``when`` the request
satisfies applies. ``multipliers`` name further request values the price scales with (Runware's
``numberResults``: every result is billed), each a pointer with its documented default.
Estimates err on the high side: the schemas order their rates so that a request that does
not say which tier it wants is priced at the dearest tier it may get.
"""

from __future__ import annotations

from typing import Any

from ..catalog.store import catalog
from ..jsontools import MISSING, resolve
from ..lint.run import choose_schema, lint_payload
from ..records import Severity
from ..recordtype import recordclass


@recordclass
class Estimate:
    """The estimated price of one request, in USD (``amount``) and in the provider's currency."""

    schema: str | None
    amount: float | None  # USD; None when the model has no pricing data
    currency: str = "USD"
    native: float | None = None
    basis: str = ""  # e.g. "10 s × 0.15 USD/s (1080p)", or why it is unknown / zero
    rejected: bool = False  # the linter finds errors: the API is expected to reject it, for free

    @property
    def known(self) -> bool:
        return self.amount is not None


def _pointer_get(doc: Any, pointer: str) -> Any:
    value = resolve(doc, pointer)
    return None if value is MISSING else value


def price(task: dict[str, Any], pricing: dict[str, Any]) -> tuple[float, str]:
    """(amount in the pricing's currency, basis) for one task under one pricing block."""
    import jsonschema_rs

    quantity = _pointer_get(task, pricing.get("quantity", "/duration"))
    if not isinstance(quantity, int | float) or isinstance(quantity, bool):
        quantity = pricing.get("quantityDefault", 1)
    factor, times = 1.0, ""
    for multiplier in pricing.get("multipliers", ()):
        value = _pointer_get(task, multiplier["pointer"])
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 1:
            value = multiplier.get("default", 1)
        factor *= float(value)
        if value != 1:
            times += f" × {value:g} ({multiplier['pointer'].lstrip('/')})"
    for rate in pricing["rates"]:
        when = rate.get("when")
        if when is None or jsonschema_rs.is_valid(when, task):
            amount = float(quantity) * float(rate["rate"]) * factor
            unit = pricing.get("per", "unit")
            label = f" ({rate['label']})" if rate.get("label") else ""
            basis = f"{quantity:g} {unit}{'s' * (quantity != 1)} × {rate['rate']:g} {pricing['currency']}/{unit}{label}"
            return amount, basis + times
    raise ValueError("no rate applies and the pricing block has no default rate")


def estimate_cost(task: dict[str, Any], schema: str | None = None) -> Estimate:
    """Estimate what the provider will charge for ``task`` (one request body).

    A request the linter finds errors in is expected to be rejected by the API, which
    charges nothing for it: its estimate is 0 with ``rejected`` set. A model without pricing
    data gets ``amount=None``: callers that enforce a budget must treat that as unknown.
    """
    if not isinstance(task, dict):
        raise TypeError(f"estimate_cost takes one task (a dict), not {type(task).__name__}")
    errors = [d for d in lint_payload(task, schema) if d.severity is Severity.ERROR]
    schema_id, _ = choose_schema(task, schema)
    if errors:
        codes = ", ".join(sorted({d.code for d in errors}))
        return Estimate(schema_id, 0.0, basis=f"expected to be rejected ({codes}): free", rejected=True)
    entry = catalog().entries.get(schema_id or "")
    pricing = entry.raw.get("x-wanspec", {}).get("pricing") if entry else None
    if not pricing:
        return Estimate(schema_id, None, basis="no pricing data for this model")
    native, basis = price(task, pricing)
    currency = pricing["currency"]
    usd = native if currency == "USD" else native * float(pricing["usdPerUnit"])
    if currency != "USD":
        basis += f" ≈ {usd:.4f} USD at {pricing['usdPerUnit']} USD/{currency}"
    return Estimate(schema_id, round(usd, 6), currency, round(native, 6), basis)
