"""Charts a board can read: words not codes, no negative counts, colour by good direction, area names."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from threec_helpers import spc  # noqa: E402
from threec_helpers.plots.audits import plot_area_radar, plot_objective_chart  # noqa: E402
from threec_helpers.plots.spc import VERDICT_COLORS, plot_control_chart  # noqa: E402
from threec_helpers.spc.signals import board_signals, direction_from_comparator, verdict  # noqa: E402

MONTHS = [f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 13)]
#: complaints: 9 months around 30, then 15 months falling to around 15 (hand-made)
FALLING = [30, 28, 33, 31, 29, 32, 30, 27, 31, 22, 21, 20, 19, 18, 17, 18, 16, 15, 17, 16, 14, 15, 13, 14]
CODES = re.compile(r"\b(WE[1-4]|N[1-8]|D1|UCL|LCL)\b|σ|sigma|Laney|[a-z]+_[a-z_]+")


def _texts(fig) -> list[str]:
    """Every text a reader sees except the small technical footnote (the last figure text)."""
    out = [t.get_text() for t in fig.texts if not t.get_text().startswith(("技术说明", "Technical note"))]
    for ax in fig.axes:
        out += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        out += [t.get_text() for t in ax.texts]
        leg = ax.get_legend()
        if leg:
            out += [t.get_text() for t in leg.get_texts()]
    return [s for s in out if s]


def _chart(values, good_direction, lang="en"):
    f = spc.c(pd.Series(values, index=MONTHS[:len(values)]))
    return plot_control_chart(f, title="Complaints" if lang == "en" else "投诉", lang=lang,
                              good_direction=good_direction, source="hand-made")


def _signal_colours(fig) -> set[str]:
    """Face colours of the signal markers (upper case hex, as in VERDICT_COLORS)."""
    return {to_hex(c).upper() for coll in fig.axes[0].collections
            if isinstance(coll, PathCollection) and len(coll.get_offsets())
            for c in np.atleast_2d(coll.get_facecolor())}


def _colour_at(fig, x: float) -> str | None:
    """Colour of the signal marker drawn at position ``x`` (None if the point is not a signal)."""
    for coll in fig.axes[0].collections:
        off = np.asarray(coll.get_offsets())
        if isinstance(coll, PathCollection) and len(off) and np.isclose(off[:, 0], x).any():
            return to_hex(np.atleast_2d(coll.get_facecolor())[0]).upper()
    return None


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_rule_codes_sigma_or_field_names_in_visible_text(lang):
    fig = _chart(FALLING, "down", lang)
    texts = _texts(fig)
    assert all(not CODES.search(s) for s in texts), [s for s in texts if CODES.search(s)]
    assert fig.axes[0].get_ylabel() not in ("Value", "数值")
    # the sentence under the chart tells the run in words
    body = "\n".join(texts)
    assert ("连续" in body and "个月低于中心线" in body) if lang == "zh" else "months in a row below the centre line" in body
    # the technical name survives only as a small footnote
    foot = [t for t in fig.texts if t.get_text().startswith(("技术说明", "Technical note"))]
    assert len(foot) == 1 and foot[0].get_fontsize() < 8
    plt.close(fig)


def test_improvement_and_deterioration_are_coloured_apart():
    better = _chart(FALLING, "down")     # complaints falling, lower is better
    worse = _chart(FALLING, "up")        # same shape, but higher would be better
    cb, cw = _signal_colours(better), _signal_colours(worse)
    # the last run (the recent 15 months) is green in one, the alarm colour in the other
    last_b = board_signals(spc.c(pd.Series(FALLING, index=MONTHS)), "down", "en").iloc[-1]
    last_w = board_signals(spc.c(pd.Series(FALLING, index=MONTHS)), "up", "en").iloc[-1]
    assert last_b["verdict"] == "better" and last_w["verdict"] == "worse"
    assert "better" in last_b["sentence"] and "worse" in last_w["sentence"]
    assert VERDICT_COLORS["better"] in cb and VERDICT_COLORS["worse"] in cw
    last = len(FALLING) - 1
    assert _colour_at(better, last) == VERDICT_COLORS["better"]
    assert _colour_at(worse, last) == VERDICT_COLORS["worse"]
    # mirrored shape (rising complaints where lower is better) is drawn like the fall where higher is better
    mirrored = _chart(FALLING[::-1], "down")
    assert _colour_at(mirrored, last) == _colour_at(worse, last) == VERDICT_COLORS["worse"]
    assert _colour_at(mirrored, 0) == _colour_at(worse, 0) == VERDICT_COLORS["better"]
    assert VERDICT_COLORS["better"] != VERDICT_COLORS["worse"]
    for f in (better, worse, mirrored):
        plt.close(f)


def test_no_direction_declared_is_neither_good_nor_bad():
    told = board_signals(spc.c(pd.Series(FALLING, index=MONTHS)), None, "en")
    assert set(told["verdict"]) == {"unclear"}
    assert direction_from_comparator("<=") == "down" and direction_from_comparator(">=") == "up"
    assert direction_from_comparator("=") is None
    assert verdict("up", "up") == "better" and verdict("", "up") == "unclear"


@pytest.mark.parametrize("make", [lambda: spc.c([1, 0, 2, 0, 1, 0, 0, 3, 1, 0]),
                                  lambda: spc.u([1, 0, 2, 0, 1, 0, 0, 3], [1, 1, 2, 1, 1, 1, 2, 1]),
                                  lambda: spc.p([1, 0, 2, 0, 1, 0, 0, 3], [20] * 8),
                                  lambda: spc.np_chart([1, 0, 2, 0, 1, 0, 0, 3], 20)])
def test_count_and_rate_axes_never_go_below_zero(make):
    fig = plot_control_chart(make(), lang="en")
    assert fig.axes[0].get_ylim()[0] >= 0
    for line in fig.axes[0].get_lines():
        y = np.asarray(line.get_ydata(), dtype=float)
        assert np.nanmin(y) >= 0 if len(y) else True
    plt.close(fig)


def test_xmr_of_a_rate_is_clipped_when_declared_nonnegative():
    fig = plot_control_chart(spc.xmr(pd.Series([0.5, 0.1, 2.5, 0.2, 0.1, 3.0, 0.2, 0.1], index=MONTHS[:8])),
                             lang="en", nonnegative=True, ylabel="Falls per 1,000 bed-days")
    assert fig.axes[0].get_ylim()[0] >= 0 and fig.axes[0].get_ylabel().startswith("Falls")
    plt.close(fig)


def test_objective_chart_says_name_unit_and_reads_direction_from_the_comparator():
    obj = pd.DataFrame({"objective_id": ["CSR"], "name_zh": ["剖宫产率"], "name_en": ["Caesarean section rate"],
                        "unit": ["%"], "comparator": ["<="], "target": [40.0]})
    num = [48, 47, 49, 46, 48, 47, 49, 48, 38, 37, 36, 35, 36, 34, 35, 34]
    kpi = pd.DataFrame({"objective_id": "CSR", "period": MONTHS[:16], "numerator": num, "denominator": 100.0})
    from threec_helpers.audit.objective_charts import objective_charts

    ch = objective_charts(obj, kpi, None, "en")[0]
    fig = plot_objective_chart(ch, "en")
    texts = _texts(fig)
    assert "CSR" not in " ".join(texts)
    assert fig.texts[0].get_text().startswith("Caesarean section rate")
    assert "Caesarean section rate" in fig.axes[0].get_ylabel() and "%" in fig.axes[0].get_ylabel()
    assert fig.axes[0].get_ylim()[0] >= 0
    assert VERDICT_COLORS["better"] in _signal_colours(fig)  # the recent fall of a "<=" rate is an improvement
    plt.close(fig)


def test_radar_axes_are_the_area_titles():
    areas = pd.DataFrame({"area_id": ["OB.1", "OB.2", "OB.3", "OB.4"],
                          "area_title_en": ["Antenatal care", "Delivery", "Newborn safety",
                                            "Maternal safety and emergency response"],
                          "area_title_zh": ["产前保健", "分娩", "新生儿安全", "孕产妇安全与急救响应体系建设"],
                          "score": [0.6, 0.7, 0.8, 0.5], "target": 0.75})
    for lang in ("en", "zh"):
        fig = plot_area_radar(areas, lang=lang)
        ticks = [t.get_text().replace("\n", "" if lang == "zh" else " ") for t in fig.axes[0].get_xticklabels()]
        assert ticks == list(areas[f"area_title_{lang}"])
        assert not any(t.startswith("OB.") for t in ticks)
        plt.close(fig)
