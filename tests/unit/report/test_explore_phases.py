"""Explorers of the phase notebooks: controls set to values, the render receives and shows them."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from threec_helpers.report import explore
from threec_helpers.measures.pyramid import tier_summary


@pytest.fixture
def shown(monkeypatch):
    """Capture what the explorers display: HTML tables and figures."""
    out = {"html": [], "figures": []}
    monkeypatch.setattr(explore, "display_html", lambda html: out["html"].append(html))
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda *objs, **_: out["figures"].extend(objs))
    monkeypatch.setattr(explore, "show_figure", lambda fig: out["figures"].append(fig))
    return out


def _cells(html: str) -> list[list[str]]:
    rows = re.findall(r"<tr.*?>(.*?)</tr>", html, flags=re.S)
    return [[re.sub(r"<.*?>", "", c).strip() for c in re.findall(r"<t[dh].*?>(.*?)</t[dh]>", r, flags=re.S)]
            for r in rows]


def test_completeness_explorer_filters_the_chosen_table(shown):
    columns = pd.DataFrame({"table": ["customers", "customers", "transactions"],
                            "column": ["customer_id", "segment", "amount"], "required": [True, False, True],
                            "provided": [True, True, True], "filled": [1.0, 0.5, 0.25]})
    ex = explore.completeness_explorer(columns, "en")
    assert [v for _, v in ex.controls["table"].options] == ["customers", "transactions"]
    ex.controls["table"].value = "transactions"
    ex.render(**ex.values())
    rows = _cells(shown["html"][-1])
    assert rows[0] == ["Column", "Required", "Provided", "Filled"]
    assert rows[1:] == [["amount", "yes", "yes", "25.0%"]]


def _customer_table(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 400
    tiers = rng.choice(["top", "big", "medium", "small", "inactive", "prospect"], n, p=[.02, .05, .15, .5, .2, .08])
    return pd.DataFrame({
        "customer_id": [f"C{i:04d}" for i in range(n)],
        "tier": pd.Categorical(tiers, categories=["top", "big", "medium", "small", "inactive", "prospect", "suspect"],
                               ordered=True),
        "segment": rng.choice(["hotel", "retail", None], n, p=[.5, .45, .05]),
        "region": rng.choice(["east", "south"], n),
        "revenue": np.where(np.isin(tiers, ["inactive", "prospect"]), 0.0, rng.gamma(2.0, 1000.0, n).round(2)),
        "net_profit": rng.normal(100, 300, n).round(2),
        "satisfaction": np.where(rng.random(n) < 0.3, rng.integers(1, 6, n), np.nan),
    })


def test_summary_from_groups_equals_tier_summary_on_the_filtered_table():
    tb = _customer_table(1)
    g = explore.tier_groups(tb)
    keep = (g["segment"] == "hotel") & (g["region"] == "east")
    fast = explore.summary_from_groups(g.loc[keep], "en")
    sub = tb.loc[(tb["segment"] == "hotel") & (tb["region"] == "east")]
    slow = tier_summary(sub, lang="en")
    pd.testing.assert_frame_equal(fast[slow.columns], slow, check_dtype=False)


def test_analysis_explorer_render_receives_the_control_values(shown):
    by_period = {"FY2025": _customer_table(2), "FY2026": _customer_table(3)}
    ex = explore.analysis_explorer(by_period, "en", period="FY2026")
    assert ex.values() == {"period": "FY2026", "segment": "__all__", "region": "__all__"}
    assert [v for _, v in ex.controls["segment"].options] == ["__all__", "hotel", "retail"]
    ex.controls["period"].value = "FY2025"
    ex.controls["segment"].value = "retail"
    ex.controls["region"].value = "south"
    ex.render(**ex.values())
    tb = by_period["FY2025"]
    sub = tb.loc[(tb["segment"] == "retail") & (tb["region"] == "south")]
    rows = {r[0]: r for r in _cells(shown["html"][-1])[1:]}
    assert rows["Small"][1] == f"{int((sub['tier'] == 'small').sum()):,}"
    assert rows["Small"][2] == f"¥{sub.loc[sub['tier'] == 'small', 'revenue'].sum():,.0f}"
    assert len(shown["figures"]) == 1  # the pyramid of the filtered customers
    assert "FY2025" in shown["figures"][0].axes[0].get_title()


def test_realization_explorer_shows_the_chosen_tier(shown):
    monthly = pd.DataFrame({"group": ["top", "top", "total", "total"], "month": ["2026-01", "2026-02"] * 2,
                            "plan": [10.0, 20.0, 30.0, 40.0], "actual": [12.0, 18.0, 33.0, 35.0]})
    monthly["cum_plan"] = monthly.groupby("group")["plan"].cumsum()
    monthly["cum_actual"] = monthly.groupby("group")["actual"].cumsum()
    monthly["attainment"] = monthly["cum_actual"] / monthly["cum_plan"]
    monthly["rag"] = ["green", "green", "green", "amber"]
    ex = explore.realization_explorer(monthly, "en")
    assert [v for _, v in ex.controls["group"].options] == ["total", "top"]
    assert ex.values() == {"group": "total"}
    ex.controls["group"].value = "top"
    ex.render(**ex.values())
    rows = _cells(shown["html"][-1])
    assert rows[1] == ["2026-01", "¥10", "¥12", "¥10", "¥12", "120.0%", "green"]
    assert rows[2][-2:] == ["100.0%", "green"]  # cumulative 30 / 30
    assert len(shown["figures"]) == 1


def test_batch_show_renders_the_default_without_widgets(shown, monkeypatch):
    monkeypatch.setenv("THREEC_BATCH", "1")
    columns = pd.DataFrame({"table": ["customers"], "column": ["customer_id"], "required": [True],
                            "provided": [True], "filled": [1.0]})
    ex = explore.completeness_explorer(columns, "zh")
    ex.show()
    assert len(shown["html"]) == 1 and "customer_id" in shown["html"][0]
    assert not any(type(o).__module__.startswith("ipywidgets") for o in shown["figures"])
