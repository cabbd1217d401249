"""Portfolio rows from hand-made results files: figures by engagement, findings, change by good direction."""

from __future__ import annotations

import json

from openpyxl import load_workbook

from threec_helpers.batch.portfolio import portfolio_html, portfolio_rows, portfolio_xlsx
from threec_helpers.i18n import t


def _write(folder, notebook, headline, tables=None, lang="en"):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{notebook}.results.json").write_text(json.dumps(
        {"notebook": notebook, "lang": lang, "headline": headline, "tables": tables or {}}), encoding="utf-8")


def _job(client, period, notebook, engagement, status="ok"):
    return {"client_id": client, "client_name": client.upper(), "period": period, "notebook": notebook,
            "title": notebook, "engagement": engagement, "order": 0, "status": status,
            "outputs": {"html": f"{client}/{period}/{notebook}.html"}}


def test_rows(tmp_path):
    iso = "iso9001_certification_audit"
    for period, util, met in (("2026-09", 0.90, 7), ("2026-10", 0.93, 6)):
        _write(tmp_path / "tel" / period, iso, [
            {"key": "utilisation", "label": "U", "value": util, "text": f"{util:.0%}", "status": "neutral"},
            {"key": "objectives_met", "label": "O", "value": met, "text": f"{met}/8", "status": "warn"}],
            {"open_findings": [{"finding_id": "A", "overdue": True}, {"finding_id": "B", "overdue": False}]})
    # a 3C client without cost-to-serve data: operating profit is labelled as gross margin
    _write(tmp_path / "mfg" / "FY2026", "02_analysis", [
        {"key": "operating_profit", "label": t("phases.kf.operating_profit_gross", "zh"), "value": 5.0,
         "text": "¥5", "status": "neutral"}], lang="zh")
    jobs = [_job("tel", "2026-09", iso, "iso9001"), _job("tel", "2026-10", iso, "iso9001"),
            _job("mfg", "FY2026", "02_analysis", "3c"), _job("bad", "P1", "x", "clinical", status="failed")]
    briefings = [{"client_id": "tel", "period": p, "outputs": {"html": f"tel/{p}/briefing.html"}}
                 for p in ("2026-09", "2026-10")]
    rows = {r["client_id"]: r for r in portfolio_rows(tmp_path, jobs, briefings, "en")}
    tel = rows["tel"]
    assert tel["period"] == "2026-10" and tel["previous_period"] == "2026-09"
    assert [c["label"] for c in tel["figures"]] == [t("audit_report.kf.utilisation", "en"),
                                                   t("audit_report.kf.objectives_met", "en")]
    assert [c["verdict"] for c in tel["figures"]] == [1, -1]  # utilisation up (good up), objectives met down
    assert (tel["open_findings"], tel["overdue_findings"]) == (2, 1)
    assert tel["status"] == "warn" and (tel["better"], tel["worse"]) == (1, 1)
    assert [p["href"] for p in tel["periods"]] == ["tel/2026-09/briefing.html", "tel/2026-10/briefing.html"]
    mfg = rows["mfg"]
    assert mfg["figures"][1]["label"] == t("phases.kf.operating_profit_gross", "en")
    assert mfg["figures"][0]["text"] == "" and mfg["previous_period"] == ""
    assert rows["bad"]["status"] == "failed"
    html = portfolio_html(list(rows.values()), "zh")
    assert html.count("<tr data-engagement=") == 3 and "客户总览" in html and "<script>" in html
    (tmp_path / "p.xlsx").write_bytes(portfolio_xlsx(list(rows.values()), "en"))
    ws = load_workbook(tmp_path / "p.xlsx").active
    assert ws.cell(1, 1).value == "Client" and ws.max_row == 4
