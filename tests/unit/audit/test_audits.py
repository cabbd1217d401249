"""The scoring engine, checked against scores computed by hand on a tiny checklist."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from threec_helpers.audit.scoring import compare_rounds, score_responses, score_rounds, validate_responses
from threec_helpers.audit.checklists import load_checklist
from threec_helpers.errors import InputError, ParameterError





def _answers() -> pd.DataFrame:
    rows = [
        # round R1: three respondents (m = manager, s = sales, v = service)
        ("m", "manager", "A1", 5, "R1"), ("s", "sales", "A1", 3, "R1"), ("v", "service", "A1", 2, "R1"),
        ("m", "manager", "A2", 8, "R1"), ("s", "sales", "A2", 6, "R1"),
        ("m", "manager", "B1", 1, "R1"), ("s", "sales", "B1", 0.5, "R1"),
        ("m", "manager", "B2", 4, "R1"), ("s", "sales", "B2", 2, "R1"),
        ("v", "service", "B2", None, "R1"),  # not answered: left out
        # round R2
        ("m", "manager", "A1", 4, "R2"), ("s", "sales", "A1", 4, "R2"),
        ("m", "manager", "A2", 8, "R2"), ("s", "sales", "A2", 8, "R2"),
        ("m", "manager", "B1", 1, "R2"),
        ("m", "manager", "B2", 4, "R2"),
    ]
    df = pd.DataFrame(rows, columns=["respondent_id", "role", "item_id", "score", "round"])
    df["score"] = df["score"].astype(float)
    df.index = df.index + 2  # source row numbers (header is row 1)
    return df


def test_item_scores_by_hand(tiny):
    res = score_responses(tiny, _answers(), "R1")
    it = res.items.set_index("item_id")
    # A1: scores 5, 3, 2 -> mean 10/3; normalised (10/3 - 1) / 4 = 7/12 = 0.58333
    assert it.loc["A1", "n"] == 3
    assert it.loc["A1", "mean"] == pytest.approx(10 / 3)
    assert it.loc["A1", "norm"] == pytest.approx(7 / 12)
    # sample std of 5, 3, 2: deviations 5/3, -1/3, -4/3 -> (25 + 1 + 16)/9 / 2 = 7/3 -> sqrt = 1.5275
    assert it.loc["A1", "std"] == pytest.approx(math.sqrt(7 / 3))
    assert (it.loc["A1", "min"], it.loc["A1", "max"]) == (2, 5)
    # A2 points: 8, 6 -> 7 -> 7/10; B1 yes/partial: 1, 0.5 -> 0.75; B2 maturity 4, 2 (one blank) -> 3 -> 0.5
    assert it.loc["A2", "norm"] == pytest.approx(0.7)
    assert it.loc["B1", "norm"] == pytest.approx(0.75)
    assert it.loc["B2", "norm"] == pytest.approx(0.5) and it.loc["B2", "n"] == 2
    # targets: A1 4 -> 0.75; A2 8 -> 0.8; B1 1 -> 1; B2 (item target 5) -> 1
    assert it["target_norm"].tolist() == pytest.approx([0.75, 0.8, 1.0, 1.0])
    # gaps: 0.75 - 7/12 = 1/6; 0.8 - 0.7 = 0.1; 1 - 0.75 = 0.25; 1 - 0.5 = 0.5
    assert it["gap"].tolist() == pytest.approx([1 / 6, 0.1, 0.25, 0.5])
    assert it.loc["B2", "gap_points"] == pytest.approx(2.0)  # 5 - 3 on the maturity scale
    # overall weight = area share x item share: A1 2/3*1/4 = 1/6, A2 2/3*3/4 = 1/2, B1 = B2 = 1/3*1/2 = 1/6
    assert it["overall_weight"].tolist() == pytest.approx([1 / 6, 1 / 2, 1 / 6, 1 / 6])
    # priority = overall weight x gap: 1/36, 0.05, 1/24, 1/12 -> ranks 4, 2, 3, 1
    assert it["priority"].tolist() == pytest.approx([1 / 36, 0.05, 1 / 24, 1 / 12])
    assert it["priority_rank"].tolist() == [4, 2, 3, 1]
    assert res.top_priorities(1)["item_id"].tolist() == ["B2"]


def test_area_overall_band_and_veto_by_hand(tiny):
    res = score_responses(tiny, _answers(), "R1")
    ar = res.areas.set_index("area_id")
    # area A = (1 * 7/12 + 3 * 0.7) / 4 = 0.6708333; area B = (0.75 + 0.5) / 2 = 0.625
    assert ar.loc["A", "score"] == pytest.approx((7 / 12 + 2.1) / 4)
    assert ar.loc["B", "score"] == pytest.approx(0.625)
    # overall = (2 * 0.6708333 + 1 * 0.625) / 3 = 0.6555556 -> band "established" (60-80%)
    assert res.score == pytest.approx((2 * (7 / 12 + 2.1) / 4 + 0.625) / 3)
    assert res.score == pytest.approx(0.655556, abs=1e-6)
    assert res.band == "established"
    # targets: A = (0.75 + 3 * 0.8) / 4 = 0.7875; B = 1; overall = (2 * 0.7875 + 1) / 3 = 0.858333
    assert ar.loc["A", "target"] == pytest.approx(0.7875)
    assert res.overall["target"] == pytest.approx(2.575 / 3)
    assert res.overall["gap"] == pytest.approx(2.575 / 3 - res.score)
    # veto B1: mean 0.75 < veto_min 1 -> the assessment fails whatever the score
    assert res.vetoes[["item_id", "state"]].values.tolist() == [["B1", "failed"]]
    assert res.status == "failed" and res.overall["vetoes_failed"] == ["B1"]
    assert res.overall["n_responses"] == 9 and res.overall["n_respondents"] == 3
    assert res.round == "R1"


def test_management_vs_front_line_by_hand(tiny):
    res = score_responses(tiny, _answers(), "R1")
    d = res.disagreement.set_index("item_id")
    # A1: manager 5 -> 1.0; front line 3 and 2 -> (0.5 + 0.25) / 2 = 0.375; difference 0.625 (flagged)
    assert d.loc["A1", "norm_management"] == pytest.approx(1.0)
    assert d.loc["A1", "norm_front_line"] == pytest.approx(0.375)
    assert d.loc["A1", ["n_management", "n_front_line"]].tolist() == [1, 2]
    # A2: 0.8 - 0.6 = 0.2 (below the 0.25 threshold); B1: 1 - 0.5; B2: 0.75 - 0.25
    assert d["difference"].tolist() == pytest.approx([0.625, 0.2, 0.5, 0.5])
    assert d["flag"].tolist() == [True, False, True, True]
    # overall scores of each group, rolled up like the total:
    # management: A = (1 + 3 * 0.8) / 4 = 0.85, B = (1 + 0.75) / 2 = 0.875 -> (1.7 + 0.875) / 3 = 0.858333
    # front line: A = (0.375 + 3 * 0.6) / 4 = 0.54375, B = (0.5 + 0.25) / 2 = 0.375 -> 1.4625 / 3 = 0.4875
    assert res.overall["score_management"] == pytest.approx(2.575 / 3)
    assert res.overall["score_front_line"] == pytest.approx(0.4875)
    roles = res.roles.set_index(["item_id", "role"])
    assert roles.loc[("A1", "service"), "norm"] == pytest.approx(0.25)
    assert roles.loc[("A1", "manager"), "role_group"] == "management"
    # a custom set of management roles: nobody is management -> no management scores
    res2 = score_responses(tiny, _answers(), "R1", management_roles={"ceo"})
    assert res2.disagreement["n_management"].sum() == 0
    assert np.isnan(res2.overall["score_management"])


def test_rounds_and_change_since_previous(tiny):
    results = score_rounds(tiny, _answers())
    assert list(results) == ["R1", "R2"]
    r2 = results["R2"]
    # R2: A1 4,4 -> 0.75; A2 8,8 -> 0.8; B1 1 -> 1; B2 4 -> 0.75
    # A = (0.75 + 2.4) / 4 = 0.7875; B = (1 + 0.75) / 2 = 0.875; overall = (1.575 + 0.875) / 3 = 0.816667
    assert r2.score == pytest.approx(2.45 / 3)
    assert r2.band == "leading" and r2.status == "passed"
    # default round = the latest one
    assert score_responses(tiny, _answers()).round == "R2"
    ch = compare_rounds(r2, results["R1"]).set_index(["level", "id"])
    assert ch.loc[("overall", "overall"), "change"] == pytest.approx(2.45 / 3 - 1.966667 / 3, abs=1e-6)
    assert ch.loc[("overall", "overall"), ["band_previous", "band_current"]].tolist() == ["established", "leading"]
    assert ch.loc[("area", "A"), "change"] == pytest.approx(0.7875 - 2.683333 / 4, abs=1e-6)
    assert ch.loc[("item", "B2"), "change"] == pytest.approx(0.25)  # 0.5 -> 0.75
    assert ch.loc[("item", "A2"), "direction"] == "up"  # 0.7 -> 0.8
    # order: overall, then areas and items in checklist order
    assert ch.index.get_level_values("id").tolist() == ["overall", "A", "B", "A1", "A2", "B1", "B2"]


def test_unanswered_items_and_missing_veto(tiny):
    df = pd.DataFrame({"round": "R3", "item_id": ["A1"], "score": [5.0]})
    res = score_responses(tiny, df)
    ar = res.areas.set_index("area_id")
    # only A1 answered: area A = 1.0 over a quarter of its weight, area B unscored, overall = A
    assert ar.loc["A", "score"] == 1.0 and ar.loc["A", "coverage"] == pytest.approx(0.25)
    assert np.isnan(ar.loc["B", "score"])
    assert res.score == 1.0
    assert res.overall["coverage"] == pytest.approx(1 / 6)
    assert res.vetoes["state"].tolist() == ["missing"]
    assert res.status == "incomplete"
    assert res.disagreement.empty  # no role column


def test_summary_sentence(tiny):
    res = score_responses(tiny, _answers(), "R1")
    zh, en = res.summary("zh"), res.summary("en")
    assert "65.56%" in zh and "规范级" in zh and "B1" in zh and "不通过" in zh
    assert en.startswith("Tiny checklist: overall score 65.56% (Established), target 85.83%")
    assert "veto item(s) B1 failed" in en and "B2" in en and en.endswith(".")
    assert "managers score 85.8%, front-line staff 48.8%" in en


def test_unknown_item_is_an_error_naming_table_and_row(tiny):
    df = _answers()
    df.loc[7, "item_id"] = "ORG.99"
    with pytest.raises(InputError) as err:
        score_responses(tiny, df, "R1")
    msg = str(err.value)
    assert msg.startswith("focus_responses: 1 row(s) name an item that is not in checklist 'tiny'")
    assert "row 7: 'ORG.99'" in msg


def test_score_outside_scale_is_an_error_naming_row_and_value(tiny):
    df = _answers()
    df.loc[3, "score"] = 7.0  # A1 on the 1-5 maturity scale
    with pytest.raises(InputError, match=r"row 3: item 'A1' score 7 is outside the maturity scale \(1\.\.5\)"):
        score_responses(tiny, df, "R1")
    df = _answers()
    df.loc[8, "score"] = 0.7  # B1 is yes / partial / no
    with pytest.raises(InputError, match=r"row 8: item 'B1' score 0.7 is outside the yes_partial_no scale "
                                         r"\(one of 1 \(yes\), 0.5 \(partial\), 0 \(no\)\)"):
        score_responses(tiny, df, "R1")


def test_other_bad_input(tiny):
    with pytest.raises(ParameterError, match="round 'R9' has no answers"):
        score_responses(tiny, _answers(), "R9")
    with pytest.raises(InputError, match="column 'score' is missing"):
        score_responses(tiny, _answers().drop(columns="score"))
    df = pd.DataFrame({"round": ["1"], "item_id": ["A1"], "score": ["high"]}, index=[5])
    with pytest.raises(InputError, match=r"assessment_scores|responses"):
        validate_responses(tiny, df.assign(assessor="x"))


def test_shipped_obstetrics_veto_fails_the_assessment():
    cl = load_checklist("obstetrics_quality")
    scores = {i: 10.0 for i in cl.item_ids}
    scores.update({"OB.2.3": 1.0, "OB.3.1": 0.5, "OB.4.3": 1.0})  # the rescue system only partly in place
    df = pd.DataFrame({"round": "2025", "item_id": list(scores), "score": list(scores.values()),
                       "assessor": "head nurse", "role": "head_nurse"})
    res = score_responses(cl, df)
    # area OB.3 = (0.5 + 4 * 1.0) / 5 = 0.9; other areas 1.0 -> overall = (4 + 0.9) / 5 = 0.98 ("excellent")
    assert res.areas.set_index("area_id").loc["OB.3", "score"] == pytest.approx(0.9)
    assert res.score == pytest.approx(0.98)
    assert res.band == "excellent"
    assert res.status == "failed" and res.overall["vetoes_failed"] == ["OB.3.1"]
    assert "OB.3.1" in res.summary("zh")


def test_iso_veto_min_half_passes_partial():
    cl = load_checklist("iso9001_2015")
    df = pd.DataFrame({"round": "1", "item_id": cl.item_ids, "score": 1.0})
    df.loc[df["item_id"] == "ISO.9.3", "score"] = 0.5  # management review partly done: veto_min 0.5 passes
    assert score_responses(cl, df).status == "passed"
    df.loc[df["item_id"] == "ISO.9.2", "score"] = 0.0  # no internal audit at all: fails
    assert score_responses(cl, df).overall["vetoes_failed"] == ["ISO.9.2"]


def test_customer_focus_without_vetoes_has_no_pass_fail():
    df = pd.DataFrame({"respondent_id": ["a", "b"], "role": ["经理", "客服"], "item_id": "ORG.1",
                       "score": [5.0, 1.0]})
    res = score_responses("customer_focus", df)
    assert res.status == "not_applicable"
    # Chinese role names count: 经理 is management, 客服 front line
    assert res.disagreement.set_index("item_id").loc["ORG.1", "difference"] == pytest.approx(1.0)


def test_plots_return_figures(tiny):
    from matplotlib.figure import Figure

    from threec_helpers.plots.audits import (
        plot_area_radar,
        plot_disagreement,
        plot_gaps,
        plot_priorities,
        plot_role_heatmap,
    )

    res = score_responses(tiny, _answers(), "R1")
    for fig in (plot_role_heatmap(res.roles, lang="en"), plot_priorities(res.items, lang="zh"),
                plot_gaps(res.items, lang="en"), plot_disagreement(res.disagreement, lang="zh")):
        assert isinstance(fig, Figure)
        assert any("Source" in t.get_text() or "数据来源" in t.get_text() for t in fig.texts)
    with pytest.raises(ParameterError, match="at least 3 areas"):
        plot_area_radar(res.areas)
