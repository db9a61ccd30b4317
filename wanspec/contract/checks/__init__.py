"""Checks over recorded cassettes: ``verify`` (each interaction against its provider's contract),
``drift`` (two recordings of the same scenarios compared) and ``audit`` (secrets left in files)."""
