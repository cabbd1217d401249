"""Trends and the portfolio on the demo clients, end to end.

A three-period run of the demo manufacturer (``periods: all``: FY2024, FY2025, FY2026) shows
in its FY2026 briefing the trend of every key figure back to FY2024 and the pyramid
migration; the batch index opens with one portfolio row per client (and portfolio.xlsx).
Only ``02_analysis`` and the customer-focus audit run, HTML only, to keep the test short.
"""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

from threec_helpers.batch.orchestrate import run_batch
from threec_helpers.batch.plan import parse_batch, plan_batch
from threec_helpers.paths import project_root


@pytest.fixture(scope="module")
def three_periods(tmp_path_factory):
    out = tmp_path_factory.mktemp("trend")
    spec = parse_batch({"name": "trend", "clients": ["demo_manufacturer"], "periods": "all",
                        "notebooks": ["02_analysis", "customer_focus_audit"], "formats": ["html"], "timeout": 600,
                        "notebooks_dir": str(project_root() / "notebooks")}, "trend.yaml", base=out)
    plan = plan_batch(spec, out)
    result = run_batch(plan, workers=2, lang="en", progress=False)
    return out / "trend", plan, result


def test_the_run_covers_every_fiscal_year(three_periods):
    _, plan, result = three_periods
    assert sorted({j.period for j in plan.jobs}) == ["FY2024", "FY2025", "FY2026"]
    assert result.ok, result.failed


def test_fy2026_briefing_shows_the_trend_back_to_fy2024(three_periods):
    folder, _, _ = three_periods
    html = (folder / "demo_manufacturer" / "FY2026" / "briefing.html").read_text(encoding="utf-8")
    section = html[html.index('id="trends"'):html.index('id="changes"')]
    assert "FY2024" in section and "FY2026" in section and "3" in section  # "... from FY2024 to FY2026 (3 periods)"
    assert section.count('class="sparkline"') >= 5  # revenue, operating profit, retention, CSAT, NPS, ...
    # words in the client's language (zh), by the figure's good direction
    assert re.search(r"(连续第[二三]年|较上年)(上升|下降)", section)
    assert 'data-key="operating_profit"' in section and 'data-key="retention"' in section
    # pyramid migration: tiers per year and the change across FY2024 → FY2025 → FY2026
    assert "FY2024 → FY2025" in section and "FY2025 → FY2026" in section
    # the earliest period has no trend, and says how to get one
    first = (folder / "demo_manufacturer" / "FY2024" / "briefing.html").read_text(encoding="utf-8")
    assert "periods: all" in first[first.index('id="trends"'):]


def test_index_opens_with_the_portfolio(three_periods):
    folder, _, _ = three_periods
    index = (folder / "index.html").read_text(encoding="utf-8")
    portfolio = index[index.index('id="portfolio-section"'):index.index("</section>")]
    row = portfolio[portfolio.index('<tr data-engagement="3c">'):]
    assert "demo_manufacturer" in row and "FY2026" in row
    for label in ("Revenue", "Operating profit", "Customer retention", "Customer-focus score"):
        assert label in row
    assert "since FY2025" in row  # change since the last period
    for period in ("FY2024", "FY2025", "FY2026"):  # every period's reports stay reachable
        assert f'href="demo_manufacturer/{period}/briefing.html"' in row
    assert "<script>" in portfolio and "src=" not in portfolio.split("<script>")[1]  # inline, offline
    ws = load_workbook(folder / "portfolio.xlsx").active
    rows = list(ws.values)
    assert rows[1][1] == "demo_manufacturer" and rows[1][3] == "FY2026" and len(rows) == 2


def test_fy2026_report_shows_the_trend_back_to_fy2024(three_periods):
    folder, _, _ = three_periods
    html = (folder / "demo_manufacturer" / "FY2026" / "02_analysis.html").read_text(encoding="utf-8")
    assert "FY2024" in html and html.count('class="sparkline"') >= 5
    assert "FY2024 → FY2025" in html and "FY2025 → FY2026" in html  # pyramid migration
    # the runs were ordered: each period's analysis ran after the one before (it read its results file)
    first = (folder / "demo_manufacturer" / "FY2024" / "02_analysis.html").read_text(encoding="utf-8")
    assert 'class="sparkline"' not in first
