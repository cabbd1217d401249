"""ReportTable: a table that carries its labels, recorded so every format prints the same headers."""

import html
import io
import json
import re
from unittest import mock

import matplotlib.pyplot as plt
import openpyxl
import pandas as pd
import pytest
from testpaths import ROOT

from threec_helpers.batch.briefing import SUPERSEDED_BY, compose_briefing
from threec_helpers.batch.publish import xlsx_bytes
from threec_helpers.report import context as nb
from threec_helpers.i18n import catalog, has_key
from threec_helpers.report.audits import VIEWS
from threec_helpers.report.tables import ReportTable, column_label, table_title


def _table() -> ReportTable:
    frame = pd.DataFrame({"tier": ["top", "big"], "attainment": [1.02, 0.91], "plan": [100.0, 50.0]})
    return ReportTable(frame, {"tier": "col.tier", "attainment": "col.attainment",
                               "plan": "Plan (own words)"}, {"attainment": "pct1", "plan": "money"}, name="tiers")


def test_html_report_xlsx_and_briefing_carry_identical_headers(client_root, tmp_path):
    ctx = nb.start("04_realization", client_id="acme", period="", lang="zh", output_dir=str(tmp_path / "out"),
                   data_root=str(client_root), comparison_period="")
    shown = []
    with mock.patch.object(nb, "_display_html", shown.append):
        ctx.table(_table())
    html_headers = re.findall(r"<th>(.*?)</th>", shown[0])
    assert len(html_headers) == 3 and html_headers[2] == "Plan (own words)" and "tier" not in html_headers
    data = json.loads(ctx.finish("").read_text(encoding="utf-8"))
    assert data["columns"]["tiers"] == dict(zip(["tier", "attainment", "plan"], html_headers))
    ws = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(data, "zh")))[table_title("tiers", "zh")]  # sheets named by title
    assert [c.value for c in ws[1]] == html_headers
    brief = compose_briefing({"04_realization": data}, "3c", "zh")
    other = next(s for s in brief["sections"] if s["id"] == "other")
    assert [c["label"] for c in other["tables"][0]["columns"]] == html_headers


def test_a_table_without_a_name_is_shown_not_recorded(client_root, tmp_path):
    ctx = nb.start("02_analysis", client_id="acme", period="", lang="en", output_dir=str(tmp_path / "out"),
                   data_root=str(client_root))
    rt = _table()
    rt.name = None
    with mock.patch.object(nb, "_display_html", lambda html: None):
        ctx.table(rt)
    assert ctx.tables == {} and "columns" not in ctx.extra


# ---------------------------------------------------------------- every table of every demo notebook

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*/*.ipynb"))


def _code_cells(path):
    return [("".join(c["source"]), c["metadata"].get("tags") or []) for c in
            json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_recorded_table_has_the_same_headers_in_html_xlsx_and_briefing(path, tmp_path, monkeypatch):
    """Run the demo notebook in-process; for every table it records, the headers its HTML report
    showed are the XLSX's (the shown columns, as the report showed them), and the briefing shows the columns the report showed with the same
    headers (one column-label namespace, carried by ReportTable)."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    shown: list[str] = []
    named: dict[str, tuple[str, list[str]]] = {}
    original = nb.NotebookContext.table

    def table(self, frame, *args, **kwargs):
        before = len(shown)
        original(self, frame, *args, **kwargs)
        if isinstance(frame, ReportTable) and frame.name:
            named[frame.name] = (shown[before], list(frame.shown().columns))

    monkeypatch.setattr(nb, "_display_html", shown.append)
    monkeypatch.setattr(nb.NotebookContext, "table", table)
    monkeypatch.setattr(nb, "show_figure", lambda fig, dpi=110: plt.close(fig))
    monkeypatch.setattr("threec_helpers.report.explore.Explorer.show", lambda self, interactive=None: None)
    scope: dict = {}
    for source, tags in _code_cells(path):
        exec(compile(source, str(path), "exec"), scope)  # noqa: S102 - our own notebooks
        if "parameters" in tags:
            scope["output_dir"] = str(tmp_path / "out")
    data = json.loads((tmp_path / "out" / f"{path.stem}.results.json").read_text(encoding="utf-8"))
    lang = data["lang"]
    assert set(data["tables"]) == set(named) and set(data["columns"]) == set(named)
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(data, lang)))
    brief = compose_briefing({path.stem: data}, data.get("engagement") or "3c", lang)
    brief_tables = [tb for s in brief["sections"] for tb in s["tables"]]
    for name, (page, shown_columns) in named.items():
        headers = data["columns"][name]
        html_headers = dict(zip(shown_columns, re.findall(r"<th>(.*?)</th>", page), strict=True))
        both = [c for c in shown_columns if c in headers]
        assert both and [html_headers[c] for c in both] == [html.escape(headers[c]) for c in both], name
        rows = data["tables"][name]
        if not rows:
            continue
        # the workbook shows the table as the report showed it too (its ``views`` entry): the shown
        # columns, the same headers
        view = data["views"][name]
        assert view["columns"] == [str(c) for c in shown_columns], name
        expected = [html.unescape(html_headers[c]) for c in shown_columns]
        sheets = [ws for ws in book.worksheets if [c.value for c in ws[1]] == expected]
        assert sheets, (name, expected)
        # the briefing shows the table as the report showed it: the same columns, the same headers
        # (unless a table recorded beside it tells the same, as the chain's links tell its Spearman table)
        if SUPERSEDED_BY.get(name) in data["tables"]:
            continue
        shown_headers = [html.unescape(html_headers[c]) for c in shown_columns]
        assert any([c["label"] for c in tb["columns"]] == shown_headers for tb in brief_tables), (name, shown_headers)


def test_no_notebook_cell_carries_labels_or_records_by_hand():
    for path in NOTEBOOKS:
        for source, _ in _code_cells(path):
            assert "labels=" not in source, path.name
            assert "ctx.tables[" not in source, path.name  # tables are recorded by ctx.table(ReportTable)


def test_one_column_namespace_with_both_languages():
    cat = catalog()
    cols = [k for k in cat if k.startswith("col.")]
    assert len(cols) > 150
    assert all(cat[k]["zh"].strip() and cat[k]["en"].strip() for k in cols)
    old = ("batch.col.", "phases.col.", "audit_report.col.", "explore.col.")
    assert not [k for k in cat if k.startswith(old)]
    for path in (ROOT / "threec_helpers").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not any(p in text for p in old), path
    assert column_label("attainment", "zh") == "达成率" and column_label("actual", "zh") == "实际值"


def test_audit_views_name_only_translated_headers():
    for view, (columns, labels, _, _, _) in VIEWS.items():
        assert all(has_key(k) and k.startswith("col.") for k in labels.values()), view
        for c in columns or ():
            assert c in labels or has_key(f"col.{c}"), (view, c)
