"""The consultant's words in every format (issue 15 item 8): HTML report, PDF, slide deck and
briefing show the executive summary and the section notes, escaped."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from pdfcheck import pdf_text

from threec_helpers.batch.briefing import write_briefing
from threec_helpers.batch.publish import publish_notebook
from threec_helpers.i18n import t
from threec_helpers.report.results import write_results

COMMENTARY = """## summary
利润集中在前 20% 的客户，建议<script>alert(1)</script>优先维护。

## value
**尾部客户**侵蚀了 18% 的利润。

## scorecard
六个维度中两个无数据。
"""


def _md(text):
    return nbformat.v4.new_output("display_data", data={"text/markdown": text, "text/plain": "<Markdown>"})


def _executed(path: Path) -> Path:
    title = nbformat.v4.new_code_cell("ctx = nb.start(...)")
    title.outputs = [_md("# 客户分析 — 测试公司"), _md("期间：FY2025 · threec 0 · 输入数据指纹 deadbeef")]
    value = nbformat.v4.new_code_cell("")
    value.outputs = [_md("## " + t("phases.h.value", "zh")), _md("利润分解如下。")]
    other = nbformat.v4.new_code_cell("")
    other.outputs = [_md("## " + t("phases.h.behavior", "zh")), _md("行为如下。")]
    nb = nbformat.v4.new_notebook(cells=[title, value, other])
    nbformat.write(nb, str(path))
    return path


@pytest.fixture
def client_with_commentary(tmp_path):
    root = tmp_path / "clients"
    (root / "acme" / "commentary").mkdir(parents=True)
    (root / "acme" / "commentary" / "FY2025.md").write_text(COMMENTARY, encoding="utf-8")
    return root


def _meta(root: Path) -> dict:
    return {"title": "客户分析", "client_id": "acme", "client_name": "测试公司", "period": "FY2025", "lang": "zh",
            "notebook": "02_analysis", "data_root": str(root),
            "provenance": {"client_id": "acme", "period": "FY2025", "notebook": "02_analysis",
                           "notebook_sha256": "ab" * 32, "parameters": {"lang": "zh"}, "inputs": {},
                           "threec_version": "0", "git_commit": "abc", "run_id": "r1", "started": "s",
                           "finished": "2026-11-30T10:00:00+00:00", "duration_s": 1.0}}


def test_report_formats_show_summary_and_section_notes(tmp_path, client_with_commentary):
    folder = tmp_path / "out"
    folder.mkdir()
    executed = _executed(folder / "02_analysis.ipynb")
    written = publish_notebook(executed, folder / "02_analysis", _meta(client_with_commentary),
                               ("html", "pdf", "slides"))
    assert set(written) == {"html", "pdf", "slides"}
    html = (folder / "02_analysis.html").read_text(encoding="utf-8")
    assert "执行摘要" in html and "利润集中在前 20% 的客户" in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    # the value note sits under the value heading, before the section's own text
    assert html.index("客户价值：") < html.index("尾部客户") < html.index("利润分解如下")
    assert html.index("执行摘要") < html.index("客户价值")
    assert html.count("尾部客户") == 1  # not under the behaviour heading
    assert "六个维度" not in html  # a briefing-only section
    text = pdf_text(folder / "02_analysis.pdf")
    assert "执行摘要" in text and "尾部客户" in text and "<script>alert(1)</script>" in text
    slides = (folder / "02_analysis.slides.html").read_text(encoding="utf-8")
    assert "执行摘要" in slides and "尾部客户" in slides and "<script>alert(1)" not in slides


def test_briefing_shows_the_summary_first_and_section_notes(tmp_path, client_with_commentary):
    folder = tmp_path / "out"
    write_results(folder, "02_analysis", {"title": "客户分析", "headline": [], "tables": {}, "conclusion": "完成。"})
    write_briefing(folder, "acme", "FY2025", "zh", formats=("html", "pdf"), engagement="3c", client_name="测试公司",
                   data_root=client_with_commentary)
    html = (folder / "briefing.html").read_text(encoding="utf-8")
    body = html[html.index("</header>"):]
    assert body.index("执行摘要") < body.index("3C 记分卡")  # first, before every section
    assert body.index("3C 记分卡") < body.index("六个维度中两个无数据")
    assert "<script>alert(1)" not in html
    assert "尾部客户" not in html  # a report-only section
    assert "执行摘要" in pdf_text(folder / "briefing.pdf")


def test_no_commentary_file_changes_nothing(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    executed = _executed(folder / "02_analysis.ipynb")
    publish_notebook(executed, folder / "02_analysis", _meta(tmp_path / "none"), ("html",))
    html = (folder / "02_analysis.html").read_text(encoding="utf-8")
    assert "执行摘要" not in html and 'class="commentary' not in html
