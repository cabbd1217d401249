"""The results contract: every recorded figure declared, the scorecard by declared meaning only."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from testpaths import ROOT

from threec_helpers.batch.briefing import LAYOUTS, compose_briefing
from threec_helpers.report import catalog, figures as kf, phases as pr
from threec_helpers.report.audits import VIEWS
from threec_helpers.report.results import headline

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*/*.ipynb"))


def _source(path) -> str:
    return "\n".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"])


def test_every_notebook_has_a_contract_and_every_table_it_writes_is_declared():
    assert {p.stem for p in NOTEBOOKS} == set(catalog.NOTEBOOKS)
    for path in NOTEBOOKS:
        source = _source(path)  # tables are recorded by ctx.table: show(..., name=...) or an audit view with a name
        written = set(re.findall(r'\bname="(\w+)"', source))
        written |= {VIEWS[v][3] for v in re.findall(r'report_table\("(\w+)"', source)} - {None}
        assert written == set(catalog.NOTEBOOKS[path.stem].tables), path.stem


def test_every_figure_a_demo_run_records_is_declared():
    """The demo runs' results files, when present, against the contract (the notebook tests
    check every run they make the same way: tests/contractcheck.py)."""
    for path in sorted((ROOT / "reports").glob("**/*.results.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("notebook") in catalog.NOTEBOOKS:
            keys = {h["key"] for h in data["headline"]}
            assert keys <= set(catalog.NOTEBOOKS[data["notebook"]].figures), path


def test_layouts_name_only_tables_some_notebook_writes():
    written = catalog.table_names()
    for engagement, sections in LAYOUTS.items():
        for _, names in sections:
            assert set(names) <= written, engagement


def test_figure_declarations_are_consistent():
    for nb, contract in catalog.NOTEBOOKS.items():
        for key, f in contract.figures.items():
            assert f.key == key and f.good in catalog.GOOD_DIRECTIONS and f.rule in catalog.RULES
    dims = {(nb, f.dimension) for nb, c in catalog.NOTEBOOKS.items() for f in c.figures.values() if f.dimension}
    # each dimension declared by exactly one figure of one notebook
    assert sorted(d for _, d in dims) == sorted(catalog.DIMENSIONS)
    assert ("02_analysis", "value") in dims and ("customer_focus_audit", "information") in dims


def _demo_3c() -> dict:
    """The demo manufacturer's FY2026 figures as the notebooks record them (texts from its briefing)."""
    return {
        "01_registration": {"title": "Registration", "headline": [
            headline("information_score", "Customer-data quality score", 93.0, "93.0", "good")]},
        "02_analysis": {"title": "Analysis", "headline": [
            headline("value_destroying_share", "Value destroyers", 0.2598, "25.98%", "bad"),
            headline("operating_profit", "Operating profit", 23449908.82, "¥23,449,909", "good"),
            headline("operating_margin", "Operating margin", 0.2685, "26.85%", "good", "value"),
            headline("retention", "Retention", 0.8769, "87.69%", "warn", "behavior"),
            headline("satisfaction", "CSAT", 3.77, "3.77", "bad", "satisfaction"),
            headline("information", "Focus: information (analysis)", 0.3839, "38.39% (analysis)", "bad")]},
        "customer_focus_audit": {"title": "Focus audit", "headline": [
            headline("organization", "Organization", 0.6042, "60.42%", "warn", "organization"),
            headline("communications", "Communications", 0.5224, "52.24%", "warn", "communications"),
            headline("information", "Information", 0.3839, "38.39%", "bad", "information")],
            "tables": {"areas": [{"area_id": "INF", "code": "information", "score": 0.3839, "target": 0.75}]}},
    }


#: the demo manufacturer's client.yaml targets
TARGETS = {"revenue_growth": 0.08, "profit_margin": 0.12, "satisfaction": 4.2, "nps": 30, "retention": 0.9}


def _card(results: dict, targets=None) -> list[list[str]]:
    return [[c["text"] for c in row] for row in
            compose_briefing(results, "3c", "en", targets=targets)["sections"][0]["tables"][0]["rows"]]


def test_scorecard_value_row_is_the_declared_margin_not_the_destroyers_share():
    rows = _card(_demo_3c(), TARGETS)
    assert rows[0][1:5] == ["Customer value", "Operating margin", "26.85%", "≥ 12.00%"]
    assert rows[0][6] == "Analysis"


def test_scorecard_shows_each_performance_figure_against_the_clients_target():
    rows = _card(_demo_3c(), TARGETS)
    assert [r[4] for r in rows[:3]] == ["≥ 12.00%", "≥ 90.00%", "≥ 4.20"]
    assert [r[5] for r in rows[:3]] == ["good", "watch", "below target"]
    # the focus factors against the customer-focus checklist's target (the audit's areas table)
    assert rows[5][4] == "≥ 75.00%"
    # a client without targets: the figure is shown, its target is said to be missing
    assert _card(_demo_3c())[1][4] == "no target set"


def test_scorecard_information_row_is_the_focus_audits_information_score():
    rows = _card(_demo_3c())
    assert rows[5][1:4] == ["Information", "Information", "38.39%"] and rows[5][6] == "Focus audit"
    assert not any("93.0" in cell for row in rows for cell in row)


def test_a_dimension_without_data_says_no_data_never_zero_or_good():
    results = _demo_3c()
    results["02_analysis"]["headline"] = [h for h in results["02_analysis"]["headline"] if h["key"] not in ("satisfaction", "retention")]
    results["02_analysis"]["headline"].append(headline("retention", "Retention", None, "–", "neutral", "behavior"))
    rows = _card(results, TARGETS)
    for row in rows[1:3]:
        assert row[3] == "no data" and row[5] == "—" and "0" not in row[3]


def test_a_figure_without_a_declared_dimension_never_appears_on_the_scorecard():
    results = {"some_notebook": {"title": "X", "headline": [
        headline("value", "Value", 1.0, "1.0", "good"), headline("information_score", "Info", 93.0, "93.0", "good"),
        headline("satisfaction_mean", "Sat", 4.1, "4.1", "good")]}}
    rows = _card(results)
    assert [r[3] for r in rows] == ["no data"] * 6


def test_old_results_files_without_the_field_use_the_contract():
    old = {nb: {**p, "headline": [{k: v for k, v in h.items() if k != "dimension"} for h in p["headline"]]}
           for nb, p in _demo_3c().items()}
    assert _card(old) == _card(_demo_3c())


def _analysis_inputs(cost: float):
    table = pd.DataFrame({"revenue": [100.0, 50.0], "cost_to_serve": [cost, 0.0], "previous_tier": [None, None]})
    summary = pd.DataFrame({"revenue_share": [0.5, 0.2, 0.1]}, index=["top", "big", "medium"])
    dec = pd.Series({"operating_profit": 40.0, "profit_from_profitable": 45.0, "loss_from_unprofitable": 5.0})
    whale = pd.Series({"value_destroyer_share": 0.5})
    return table, summary, dec, whale


def test_without_cost_to_serve_the_value_figure_says_gross_margin_and_judges_nothing():
    with_cost = pr.analysis_figures(*_analysis_inputs(3.0), None, None, 0, None, {}, "en")
    without = pr.analysis_figures(*_analysis_inputs(0.0), None, None, 0, None, {}, "en")
    a = next(f for f in with_cost if f["key"] == "operating_profit")
    b = next(f for f in without if f["key"] == "operating_profit")
    assert (a["label"], a["status"]) == ("Operating profit", "good")
    assert b["label"].startswith("Gross margin") and "not operating profit" in b["label"] and b["status"] == "neutral"
    m = next(f for f in without if f["key"] == "operating_margin")
    assert m["label"].startswith("Gross margin rate") and m["status"] == "neutral" and m["text"] == "26.67%"


def test_without_cost_to_serve_every_sentence_says_gross_margin_and_what_would_complete_it():
    table, summary, dec, whale = _analysis_inputs(0.0)
    figures = pr.analysis_figures(table, summary, dec, whale, None, None, 0, None, {}, "zh")
    sentence = kf.conclusion("analysis", figures, "zh")
    assert sentence.startswith("毛利") and "经营利润" in sentence and "并非经营利润" in sentence
    assert kf.conclusion("analysis", pr.analysis_figures(*_analysis_inputs(3.0), None, None, 0, None, {}, "zh"),
                         "zh").startswith("经营利润")
    note = pr.value_note(dec, pd.Series({"value_destroyer_share": 0.5, "peak_pct": 1.1}), table, "en")
    assert note.startswith("Gross margin") and "cost-to-serve table" in note
    full = pd.concat([dec, pd.Series({"n_profitable": 1, "n_unprofitable": 1, "n_zero": 0})])
    assert pr.decomposition_table(full, "en", gross=True)["measure"].iloc[-1].startswith("Gross margin")
    # the briefing's scorecard says it too, in words (no table name)
    results = {"02_analysis": {"title": "Analysis", "headline": figures}}
    card = compose_briefing(results, "3c", "zh")["sections"][0]
    assert any("服务成本表" in p and "cost_to_serve" not in p for p in card["paragraphs"])
    assert card["tables"][0]["rows"][0][5]["text"] == "—"  # the gross margin rate is not judged


@pytest.mark.parametrize("key, value, targets, ratio, expected", [
    ("information_score", 79.9, None, None, "warn"),
    ("operating_profit", -1.0, None, None, "bad"),
    ("value_destroying_share", 0.26, None, None, "bad"),
    ("retention", 0.90, {"retention": 0.9}, None, "good"),
    ("satisfaction", 3.8, {"satisfaction": 4.2}, None, "bad"),
    ("nps", 5.0, {"nps": 10}, None, "warn"),
    ("preferred_supplier", 0.5, None, None, "neutral"),
    ("information", 0.3839, None, None, "bad"),
    ("plan_gap", -1.0, None, -0.04, "warn"),
    ("attainment", 0.98, None, None, "good"),
    ("variance", 5.0, None, 0.95, "warn"),
    ("rag", "amber", None, None, "warn"),
    ("focus_actions_done", 0, None, 0.0, "bad"),
    ("customers", 10, None, None, "neutral"),
])
def test_each_status_rule_of_the_contract(key, value, targets, ratio, expected):
    assert catalog.PHASE_FIGURES[key].status(value, targets, ratio) == expected


def test_audit_figures_keep_the_callers_status():
    f = catalog.figure("customer_focus_audit", "information")
    assert f.rule == "caller" and f.status(0.2) == "neutral"


# -- "what changed" (issue 15 item 3) --------------------------------------------------------

def _changes(cur: list, prev: list, nb: str = "iso9001_certification_audit", lang: str = "en"):
    from threec_helpers.batch.briefing import compare_headlines

    return compare_headlines({nb: {"headline": cur}}, {nb: {"headline": prev}}, lang)


def test_more_problems_is_worse_not_a_green_rise():
    row, = _changes([headline("open_findings", "Open findings", 5, "5", "warn")],
                    [headline("open_findings", "Open findings", 1, "1", "warn")])
    assert (row["change"], row["direction"], row["assessment"]) == ("+4", "up", "worse")
    row, = _changes([headline("closure_rate", "Closure", 0.9, "90.0%", "neutral")],
                    [headline("closure_rate", "Closure", 0.8, "80.0%", "neutral")])
    assert (row["change"], row["assessment"]) == ("+10.0 pp", "better")


def test_a_status_change_is_a_change():
    row, = _changes([headline("rag", "RAG", "amber", "Amber", "warn")], [headline("rag", "RAG", "green", "Green", "good")],
                    nb="04_realization")
    # a figure in words shows its change in its own words, not the scorecard's status words besides
    assert row["change"] == "Green → Amber" and row["assessment"] == "worse"
    assert row["direction"] != "same"
    row, = _changes([headline("rag", "RAG", "green", "绿", "good")], [headline("rag", "RAG", "green", "绿", "good")],
                    nb="04_realization", lang="zh")
    assert row["direction"] == "same" and row["change"] == "—"


def test_a_change_is_written_like_its_figure():
    # the panel read "-0.46 pp" in a Chinese briefing and "+8,174,230.06" (cents, no ¥) for revenue
    row, = _changes([headline("operating_margin", "经营利润率", 0.2685, "26.85%", "warn")],
                    [headline("operating_margin", "经营利润率", 0.2731, "27.31%", "warn")], nb="02_analysis", lang="zh")
    assert row["change"] == "-0.46 个百分点"
    row, = _changes([headline("revenue", "收入", 87332251.06, "¥87,332,252", "neutral")],
                    [headline("revenue", "收入", 79158021.0, "¥79,158,021", "neutral")], nb="02_analysis", lang="zh")
    assert row["change"] == "+¥8,174,230"
    # a number whose status changed: the status in the scorecard's words (良好 / 注意 / 未达标)
    row, = _changes([headline("retention", "客户保留率", 0.8769, "87.69%", "warn")],
                    [headline("retention", "客户保留率", 0.7959, "79.59%", "bad")], nb="02_analysis", lang="zh")
    assert row["change"] == "+8.10 个百分点 (未达标 → 注意)"
    # the readiness verdict in words: no "(未达标 → 注意)" after it
    row, = _changes([headline("readiness", "认证准备结论", "ready_with_conditions", "有条件具备认证条件", "warn")],
                    [headline("readiness", "认证准备结论", "not_ready", "尚不具备认证条件", "bad")], lang="zh")
    assert row["change"] == "尚不具备认证条件 → 有条件具备认证条件" and row["assessment"] == "better"


def test_no_comparable_earlier_value_shows_a_dash_and_each_figure_once():
    from threec_helpers.batch.briefing import compare_headlines

    cur = {"01_registration": {"headline": [headline("revenue", "Revenue", 10.0, "¥10", "neutral")]},
           "02_analysis": {"headline": [headline("revenue", "Revenue", 10.0, "¥10", "neutral"),
                                        headline("retention", "Retention", 0.8, "80.00%", "warn")]}}
    prev = {"01_registration": {"headline": [headline("revenue", "Revenue", 8.0, "¥8", "neutral")]},
            "02_analysis": {"headline": [headline("revenue", "Revenue", 8.0, "¥8", "neutral")]}}
    rows = compare_headlines(cur, prev, "en")
    assert [r["indicator"] for r in rows] == ["Revenue", "Retention"]
    assert (rows[1]["previous"], rows[1]["change"], rows[1]["assessment"]) == ("—", "—", "neutral")
    # an earlier value that is missing (a first period without history) is no comparison either
    prev["02_analysis"]["headline"].append(headline("retention", "Retention", None, "–", "neutral"))
    assert compare_headlines(cur, prev, "en")[1]["change"] == "—"


def test_the_change_table_shows_arrow_and_meaning_in_words():
    from threec_helpers.batch.briefing import compose_briefing

    cur = {"iso9001_certification_audit": {"headline": [headline("open_findings", "Open findings", 5, "5", "warn")]}}
    prev = {"iso9001_certification_audit": {"headline": [headline("open_findings", "Open findings", 1, "1", "warn")]}}
    sec = next(s for s in compose_briefing(cur, "iso9001", "zh", previous=prev)["sections"] if s["id"] == "changes")
    cell = sec["tables"][0]["rows"][0][-1]
    assert cell["text"] == "↑ 变差" and cell["cls"] == "direction worse"
    assert [c["label"] for c in sec["tables"][0]["columns"]] == ["指标", "上期", "本期", "变化", "方向"]
