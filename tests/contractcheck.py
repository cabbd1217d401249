"""Checks a notebook's results file against the results contract (:mod:`threec_helpers.report.catalog`)."""

from __future__ import annotations

from threec_helpers.report import catalog


def check_contract(notebook: str, results: dict) -> None:
    """Every recorded figure and table is declared for ``notebook``, with its declared 3C dimension."""
    contract = catalog.NOTEBOOKS[notebook]
    keys = [h["key"] for h in results["headline"]]
    assert set(keys) <= set(contract.figures), f"{notebook}: undeclared figures {set(keys) - set(contract.figures)}"
    for h in results["headline"]:
        assert h.get("dimension") == contract.figures[h["key"]].dimension, (notebook, h["key"])
    tables = set(results.get("tables") or {})
    assert tables <= set(contract.tables), f"{notebook}: undeclared tables {tables - set(contract.tables)}"
