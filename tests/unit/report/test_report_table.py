"""ReportTable: a table that carries its labels, recorded so every format prints the same headers."""

import io
import json
import re
from unittest import mock

import openpyxl
import pandas as pd

from threec_helpers.batch.briefing import compose_briefing
from threec_helpers.batch.publish import xlsx_bytes
from threec_helpers.report import context as nb
from threec_helpers.report.tables import ReportTable


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
    ws = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(data, "zh")))["tiers"]
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
