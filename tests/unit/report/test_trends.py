"""Trends over a client's periods: words by good direction, targets, pyramid migration (hand-checked data)."""

from __future__ import annotations

import json

from threec_helpers.batch.history import read_history, trend_section
from threec_helpers.plots.trends import small_multiples_html, sparkline_svg
from threec_helpers.report.trends import (
    figure_trends,
    pyramid_migration,
    streak,
    trend_words,
)


def _h(nb, key, values, tiers=None):
    out = []
    for i, v in enumerate(values):
        payload = {"headline": [{"key": key, "label": key.title(), "value": v, "text": str(v)}]}
        if tiers:
            payload["tables"] = {"tiers": [{"tier": "top", "label": "Top", "customers": tiers[i]},
                                           {"tier": "small", "label": "Small", "customers": 100 - tiers[i]}]}
        out.append((f"FY{2024 + i}", {nb: payload}))
    return out


def test_third_year_of_decline_in_both_languages():
    # value destroying share: good is down, so a rise three years running is "worse"
    assert trend_words([0.1, 0.2, 0.3, 0.4], "down", "year", "en") == "third year of rise (worse)"
    assert trend_words([0.9, 0.8, 0.7, 0.6], "up", "year", "zh") == "连续第三年下降（变差）"
    assert trend_words([5, 6, 7], "up", "month", "zh") == "连续第二个月上升（变好）"
    assert trend_words([3, 3, 2], "none", "year", "en") == "down since the last year"
    assert streak([1, 2, 2, 2]) == (0, 2)


def test_target_figures_are_better_higher_and_carry_their_target():
    # CSAT target 4.2 is a floor (status rule: >= target good), so a fall is worse even above it
    tr = figure_trends(_h("02_analysis", "satisfaction", [4.5, 4.3]), "en", targets={"satisfaction": 4.2},
                       unit="year")[0]
    assert tr["target"] == 4.2 and tr["verdict"] == -1 and tr["words"] == "down since the last year (worse)"
    focus = figure_trends(_h("02_analysis", "organization", [0.5, 0.6]), "en", unit="year")[0]
    assert focus["target"] == 0.75 and focus["verdict"] == 1


def test_gaps_and_single_periods():
    h = _h("02_analysis", "retention", [0.9, 0.8, 0.85])
    h[1][1]["02_analysis"]["headline"][0]["value"] = None  # FY2025 did not record it
    tr = figure_trends(h, "en", unit="year")[0]
    assert tr["periods"] == ["FY2024", "FY2026"] and tr["values"] == [0.9, 0.85]
    assert figure_trends(h[:1], "en") == []  # one period: no trend


def test_pyramid_migration_counts_per_pair():
    rows = pyramid_migration(_h("02_analysis", "revenue", [1, 2, 3], tiers=[10, 12, 9]), "en")
    assert rows[0] == {"tier": "Top", "FY2024": 10, "FY2025": 12, "FY2026": 9, "FY2024 → FY2025": "+2",
                       "FY2025 → FY2026": "-3"}
    assert rows[1]["FY2025 → FY2026"] == "+3"


def test_sparkline_and_cards_escape_labels():
    svg = sparkline_svg([1.0, 2.0], None, title="<a>")
    assert "&lt;a&gt;" in svg and "<a>" not in svg
    html = small_multiples_html([{"key": "x", "label": "<b>", "values": [1, 2], "texts": ["1", "2"],
                                  "periods": ["A", "B"], "target": 2.5, "verdict": 1, "words": "up"}],
                                "target {value}")
    assert "&lt;b&gt;" in html and "target 2.5" in html and "trend-card better" in html


def test_history_from_sibling_folders_of_the_demo_manufacturer(tmp_path):
    client = tmp_path / "demo_manufacturer"
    for period, value in (("FY2024", 0.95), ("FY2025", 0.92), ("FY2026", 0.88)):
        (client / period).mkdir(parents=True)
        (client / period / "02_analysis.results.json").write_text(json.dumps(
            {"notebook": "02_analysis", "headline": [{"key": "retention", "label": "Retention", "value": value,
                                                      "text": f"{value:.0%}"}]}), encoding="utf-8")
    history, unit, targets = read_history(client / "FY2026", "demo_manufacturer")
    assert [p for p, _ in history] == ["FY2024", "FY2025", "FY2026"] and unit == "year"
    assert targets["retention"] == 0.9
    sec = trend_section(history, unit, targets, "zh")
    assert "连续第二年下降（变差）" in sec["html"] and "FY2024" in sec["paragraphs"][0]
    # the earliest period has no history
    history, _, _ = read_history(client / "FY2024", "demo_manufacturer")
    assert [p for p, _ in history] == ["FY2024"]
