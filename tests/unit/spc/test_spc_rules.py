"""Run rules: each rule on a constructed series whose answer is known by construction."""

import numpy as np
import pandas as pd
import pytest

from threec_helpers import spc
from threec_helpers.errors import ParameterError
from threec_helpers.spc import evaluate_rules, resolve_rules, signals


def fired(z, rule):
    return np.flatnonzero(evaluate_rules(np.asarray(z, dtype=float), [rule])[rule]).tolist()


def test_rule_sets():
    assert resolve_rules("nelson") == ("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8")
    assert resolve_rules("western_electric") == ("WE1", "WE2", "WE3", "WE4")
    assert resolve_rules("WE") == resolve_rules("western_electric")
    assert resolve_rules(None) == () and resolve_rules("none") == ()
    assert resolve_rules(["n1", "WE2", "N1"]) == ("N1", "WE2")
    with pytest.raises(ParameterError, match="unknown run rule"):
        resolve_rules(["N9"])
    with pytest.raises(ParameterError):
        resolve_rules(3.5)


def test_beyond_three_sigma():
    assert fired([0, 3.0, 3.01, -3.2, np.nan], "N1") == [2, 3]  # exactly 3 is not beyond
    assert fired([0, 3.01], "WE1") == [1]


def test_two_of_three_beyond_two_sigma_same_side():
    assert fired([2.5, 0, 2.5, 0, 0], "WE2") == [2]
    assert fired([2.5, 0, -2.5, 0, 0], "N5") == []        # opposite sides
    assert fired([2.5, 2.5], "N5") == [1]                  # the first two points already
    assert fired([2.5, 0, 0, 2.5], "N5") == []             # 4 apart: not 2 of 3
    assert fired([2.5, 2.5, 0.0], "N5") == [1]             # flagged at the completing point


def test_four_of_five_beyond_one_sigma():
    assert fired([1.5, 1.5, 0, 1.5, 1.5], "WE3") == [4]
    assert fired([1.5, 1.5, 0, 0, 1.5, 1.5], "N6") == []


def test_runs_on_one_side():
    z = [0.5] * 8 + [-0.5]
    assert fired(z, "WE4") == [7]
    assert fired(z, "N2") == []
    assert fired([0.5] * 10, "N2") == [8, 9]
    assert fired([0.5] * 4 + [np.nan] + [0.5] * 5, "WE4") == []   # a gap breaks the run
    assert fired([0.5] * 4 + [0.0] + [0.5] * 5, "WE4") == []      # on the line breaks it too


def test_trend_and_alternation():
    assert fired([0, 1, 2, 3, 4, 5], "N3") == [5]
    assert fired([0, 1, 2, 3, 4], "N3") == []
    assert fired([5, 4, 3, 2, 1, 0, -1], "N3") == [5, 6]
    assert fired([0, 1, 1, 2, 3, 4, 5], "N3") == []               # a tie breaks a trend
    alt = np.tile([1.0, -1.0], 7)                                  # 14 points
    assert fired(alt, "N4") == [13]
    assert fired(alt[:13], "N4") == []


def test_stratification_and_mixture():
    assert fired([0.1] * 15, "N7") == [14]
    assert fired([0.1] * 14 + [1.2], "N7") == []
    assert fired([1.5, -1.5] * 4, "N8") == [7]
    assert fired([1.5, -1.5] * 3 + [0.5, 1.5], "N8") == []


def test_rule_8_needs_points_on_both_sides():
    """Nelson (1984), "The Shewhart control chart - tests for special causes", J. Quality
    Technology 16(4), 237-239, test 8: "eight points in a row on both sides of the centerline
    with none in zone C". A one-sided run beyond 1 sigma is a shift (tests 5/6), not a mixture."""
    one_sided = [1.5] * 8
    assert fired(one_sided, "N8") == []
    assert fired([-1.5] * 12, "N8") == []
    assert fired(one_sided, "N6") != []                          # caught as a shift instead
    assert fired([1.5] * 7 + [-1.5], "N8") == [7]                # one point across suffices
    assert fired([-1.5] * 3 + [1.5] * 10, "N8") == [7, 8, 9]     # until the window is one-sided
    assert fired([1.5, -1.5] * 3 + [1.5, 0.9], "N8") == []        # one point in zone C breaks it
    both = np.array([[1.5] * 8, [1.5, -1.5] * 4])                 # rows judged independently
    assert evaluate_rules(both, ["N8"])["N8"][:, -1].tolist() == [False, True]
    from threec_helpers import i18n
    for lang, words in (("en", "both sides"), ("zh", "两侧都有")):
        assert words in i18n.t("spc.rule.N8.name", lang)
        assert words in i18n.t("spc.rule.N8.message", lang, first=1, last=8, count=8)


def test_vectorised_rows_are_independent():
    z = np.array([[0, 3.5, 0], [0, 0, -4.0]])
    out = evaluate_rules(z, ["N1"])["N1"]
    assert out.tolist() == [[False, True, False], [False, False, True]]


def test_signals_table_merges_runs_and_speaks_both_languages():
    values = pd.Series([10.0, 10.5, 9.5, 10.0, 10.2, 9.8, 10.1, 9.9] + [11.0] * 10,
                       index=pd.period_range("2023-01", periods=18, freq="M"))
    f = spc.xmr(values, baseline=8, rules="nelson")
    assert f["rule_N2"].sum() >= 1
    sig = signals(f)
    assert {"rule", "rule_name", "first_point", "last_point", "points", "message_zh", "message_en"} <= set(sig.columns)
    run = sig[sig["rule"] == "N2"]
    assert len(run) == 1                                           # merged into one signal
    row = run.iloc[0]
    assert str(row["first_point"]) == "2023-09" and str(row["last_point"]) == "2024-06"
    assert len(row["points"]) == 10
    assert "2023-09" in row["message_en"] and "2024-06" in row["message_zh"]
    assert "upper" in row["message_en"]
    en = signals(f, lang="en")
    assert "message" in en.columns and "message_zh" not in en.columns
    # per-point columns agree with the table
    assert f.loc[f["signal"], "rules"].str.len().gt(0).all()
    assert (f["rules"] == "").sum() == (~f["signal"]).sum()


def test_signals_of_a_quiet_chart_is_empty():
    f = spc.c([5, 6, 5, 4, 6, 5], rules="nelson")
    s = signals(f, lang="zh")
    assert len(s) == 0 and "message" in s.columns


def test_dispersion_rule_d1():
    x = [10, 10.2, 9.9, 10.1, 10.0, 14.0, 10.1, 9.9, 10.0, 10.2, 9.8, 10.1]
    f = spc.xmr(x, rules="western_electric")
    assert f["rule_D1"].any() and f["mr_beyond"].any()
    sig = signals(f, "en")
    assert "moving range chart" in sig.loc[sig["rule"] == "D1", "message"].iloc[0]


def test_rules_on_standardized_values_for_variable_sizes():
    # the same proportion is a signal with a big sample and not with a small one
    counts = [50, 50, 50, 50, 50, 50, 50, 50, 75, 15]
    sizes = [1000] * 9 + [200]
    f = spc.p(counts, sizes, baseline=8, rules="western_electric")
    assert bool(f["beyond"].iloc[8]) and not bool(f["beyond"].iloc[9])
    assert f["value"].iloc[8] == f["value"].iloc[9]
