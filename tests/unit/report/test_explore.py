"""Explorers: static render in batch mode, re-render on control changes."""

import pandas as pd
import pytest

from threec_helpers.report import explore


def base():
    return pd.DataFrame({"customer_id": list("ABCD"), "tier": ["top", "big", "medium", "small"],
                         "revenue": [500.0, 300.0, 150.0, 50.0], "net_profit": [50.0, 30.0, 15.0, 5.0]})


def test_batch_mode_detection(monkeypatch):
    monkeypatch.setenv("THREEC_BATCH", "1")
    assert explore.is_batch()
    monkeypatch.setenv("THREEC_BATCH", "")
    assert not explore.is_batch()


def test_planning_explorer_rerenders_with_new_values(monkeypatch):
    seen = []
    e = explore.planning_explorer(base(), {"revenue_growth": 0.1}, lang="en")
    render = e.render
    e.render = lambda **v: (seen.append(v), render(**v))
    e.show(interactive=False)
    e.widget()
    e.controls["growth_top"].value = 0.5
    assert seen[0]["growth_top"] == pytest.approx(0.1)
    assert seen[-1]["growth_top"] == pytest.approx(0.5)
    assert len(seen) >= 3  # static render, first widget render, the update
    assert e.last_render_seconds > 0
