"""The CRM chain told link by link (report/chain.py) and how the 3C briefing shows it.

Hand-checked data: the Spearman reference pair (1..10 against 1..10 with neighbours swapped)
has rho = 1 - 6 * sum(d^2) / (n (n^2 - 1)) = 1 - 6 * 10 / 990 = 0.939 (every d = 1).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from threec_helpers.batch.briefing import compose_briefing
from threec_helpers.i18n import t
from threec_helpers.measures.stats import spearman_ci
from threec_helpers.report.chain import CHAIN_LINK_COLUMNS, chain_links, rho_reading


def _corr(**rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, index=["n", "rho", "ci_low", "ci_high"]).T
    frame.index.name = "measure"
    return frame


class _Chain:
    def __init__(self, correlations):
        self.correlations = correlations


def test_rho_reading_follows_the_interval_not_the_point_estimate():
    r = spearman_ci(np.arange(1, 11), [2, 1, 4, 3, 6, 5, 8, 7, 10, 9])
    assert round(float(r["rho"]), 3) == 0.939
    assert rho_reading(r["rho"], r["ci_low"], r["ci_high"], "en") == "Positive (strong); the interval excludes 0"
    # a point estimate of 0.08 whose interval reaches below 0 is no link
    assert rho_reading(0.08, -0.004, 0.17, "zh") == "与 0 无法区分：本期数据未显示关联"
    assert rho_reading(0.16, 0.08, 0.25, "en") == "Positive (weak); the interval excludes 0"
    assert rho_reading(-0.05, -0.09, -0.01, "en") == "Negative (negligible); the interval excludes 0"
    assert rho_reading(0.9, np.nan, np.nan, "en") == "Too few customers to judge"


def test_links_in_the_seeds_order_each_once():
    corr = _corr(retained=[548, 0.08, -0.004, 0.17], revenue_change_pct=[548, 0.08, -0.01, 0.16],
                 share_of_customer=[573, 0.65, 0.60, 0.70], net_profit=[541, 0.16, 0.08, 0.25])
    fp = pd.DataFrame({"round": ["2025", "2026"], "focus": [0.42, 0.55], "satisfaction": [3.69, 3.77]})
    effect = pd.DataFrame({"customers": [90, 2181, 73, 172, 184],
                           "profit_change": [1638126.0, 598175.0, -1275500.0, 1625548.0, -755555.0]},
                          index=["up", "stay", "down", "new", "lost"])
    dec = pd.Series({"profit_from_profitable": 23957993.0, "loss_from_unprofitable": 508084.0,
                     "operating_profit": 23449909.0})
    links = chain_links(_Chain(corr), fp, effect, dec, "en")
    assert list(links.columns) == list(CHAIN_LINK_COLUMNS)
    assert links["link"].tolist() == ["Focus → satisfaction"] + ["Satisfaction → behavior"] * 3 + [
        "Satisfaction → value", "Behavior → value", "Value → operating profit"]
    focus = links.iloc[0]
    assert focus["result"] == "round 2025: 42.00% (CSAT 3.69) → round 2026: 55.00% (CSAT 3.77)"
    assert focus["reading"] == "Both moved the same way; 2 audit rounds show a direction, not a correlation"
    assert links.iloc[1]["measure"] == "Spearman correlation of satisfaction with Share of customer (573 customers)"
    assert links.iloc[2]["reading"].startswith("Not distinguishable from 0")
    # every class, so the parts add up: 1,638,126 + 598,175 - 1,275,500 + 1,625,548 - 755,555 = 1,830,794
    # (90 + 2,181 + 73 + 172 + 184 = 2,700 customers)
    assert links.iloc[5]["result"] == (
        "90 moved up +¥1,638,126; 2,181 unchanged +¥598,175; 73 moved down -¥1,275,500; 172 new +¥1,625,548; "
        "184 lost -¥755,555; total 2,700 +¥1,830,794 (the parts add up to the whole base's profit change)")
    # an association and a decomposition, never "behavior changes profit directly"
    assert "not proof of cause" in links.iloc[5]["reading"] and "directly" not in links.iloc[5]["reading"]
    # a CI bound that rounds to zero prints 0.00, never -0.00; each row states its n and whom it counts
    assert links.iloc[2]["result"] == (
        "0.08 (95% interval 0.00 to 0.17; n = 548, surveyed customers active in the previous period)")
    assert "n = 541, surveyed customers active in this period" in links.iloc[4]["result"]
    assert "-0.00" not in " ".join(links["result"])
    # 508,084 / 23,957,993 = 2.12%
    assert links.iloc[6]["result"] == "¥23,957,993 − ¥508,084 = ¥23,449,909"
    assert links.iloc[6]["reading"] == "Unprofitable customers cancel 2.1% of the profit from profitable customers"


def test_share_of_customer_row_says_when_it_comes_from_the_satisfaction_survey():
    corr = _corr(share_of_customer=[4, 0.65, 0.60, 0.70])
    # 3 of the 4 known sources are the survey's own answer: 75%
    sources = pd.Series(["survey", "survey", "potential", "survey", None])
    row = chain_links(_Chain(corr), lang="en", share_sources=sources).iloc[0]
    assert row["reading"].endswith("for 75% of the customers the share of customer is their own answer in the same "
                                   "survey as satisfaction, so both come from one questionnaire and the correlation "
                                   "may be inflated")
    row = chain_links(_Chain(corr), lang="en", share_sources=["potential", "potential"]).iloc[0]
    assert row["reading"].endswith("not taken from the satisfaction survey")
    assert "may come from the same survey" in chain_links(_Chain(corr), lang="en").iloc[0]["reading"]
    assert "同一" in chain_links(_Chain(corr), lang="zh", share_sources=sources).iloc[0]["reading"]


def test_signed_zero_in_chinese():
    corr = _corr(retained=[548, 0.08, -0.004, 0.17])
    assert chain_links(_Chain(corr), lang="zh").iloc[0]["result"] == "0.08（95% 区间 0.00 至 0.17；n = 548，上期活跃的受访客户）"


def test_missing_inputs_leave_their_links_out_and_one_round_is_not_measured():
    assert chain_links(None, None, None, None, "en").empty
    one = pd.DataFrame({"round": ["2025", "2026"], "focus": [0.42, 0.55], "satisfaction": [np.nan, 3.77]})
    links = chain_links(focus_perf=one, lang="zh")
    assert links["link"].tolist() == ["客户关注 → 满意度"]
    assert links.iloc[0]["reading"] == "只有一轮审计有所属期间的满意度，这一环节尚无法测量"
    # opposite moves are said as such
    opp = pd.DataFrame({"round": ["a", "b"], "focus": [0.5, 0.6], "satisfaction": [3.9, 3.7]})
    assert chain_links(focus_perf=opp, lang="en").iloc[0]["reading"].startswith("They moved in opposite directions")


def test_gross_margin_link_says_so():
    dec = pd.Series({"profit_from_profitable": 100.0, "loss_from_unprofitable": 0.0, "operating_profit": 100.0})
    row = chain_links(decomposition=dec, lang="zh", gross=True).iloc[0]
    assert row["link"] == "价值 → 毛利（无服务成本数据）" and row["measure"].startswith("毛利 =")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chain_sentence_exists_in_both_languages(lang):
    for key in ("phases.h.chain", "phases.n.chain", "phases.link.value_profit_gross", "phases.read.focus_flat",
                "phases.read.no_profitable", "col.link", "col.reading", "result_table.crm_links"):
        assert t(key, lang) and t(key, lang) != key


def _results(with_links: bool) -> dict:
    scorecard = [{"key": "satisfaction", "label": "CSAT", "value": 3.77, "text": "3.77", "status": "bad",
                  "dimension": "satisfaction"},
                 {"key": "retention", "label": "Retention", "value": 0.8769, "text": "87.69%", "status": "warn",
                  "dimension": "behavior"},
                 {"key": "operating_margin", "label": "Operating margin", "value": 0.2685, "text": "26.85%",
                  "status": "good", "dimension": "value"}]
    tables = {"crm_chain": [{"measure": "Retained", "n": 548, "rho": 0.08, "ci_low": -0.0, "ci_high": 0.17}]}
    if with_links:
        tables["crm_links"] = [{"link": "Satisfaction → behavior", "measure": "Spearman ... retained (548 customers)",
                                "result": "0.08 (95% interval -0.00 to 0.17)", "reading": "Not distinguishable from 0"}]
    return {"02_analysis": {"title": "Analysis", "headline": scorecard, "tables": tables}}


def test_briefing_chain_shows_the_links_not_the_scorecard_again():
    brief = compose_briefing(_results(True), "3c", "en")
    by = {s["id"]: s for s in brief["sections"]}
    chain = by["chain"]
    assert [tb["title"] for tb in chain["tables"]] == ["The measured links of the CRM chain"]
    assert [c["label"] for c in chain["tables"][0]["columns"]] == ["Link", "Measure", "Result", "What it says"]
    cells = {c["text"] for tb in chain["tables"] for row in tb["rows"] for c in row}
    scorecard = {c["text"] for row in by["scorecard"]["tables"][0]["rows"] for c in row}
    # no value of the scorecard is restated in the chain
    assert not ({"3.77", "87.69%", "26.85%"} & cells) and {"3.77", "87.69%", "26.85%"} <= scorecard
    # the Spearman table is told by the links: not shown again under "other results"
    assert "other" not in by
    assert chain["paragraphs"][0].startswith("The 3C CRM model") and "scorecard above gives each step" in chain["paragraphs"][0]
