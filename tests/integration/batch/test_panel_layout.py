"""Panel layout of the static outputs (issue 15 items 5, 6, 9): cover, contents, running footer,
no interactive section, provenance appendix, slide decks that never scroll, branding.

PDFs are read with tests/pdfcheck.py (pypdfium2), so the checks are on what a reader sees.
"""

from __future__ import annotations

import base64
import re

import nbformat
import pytest
from pdfcheck import pdf_text

from threec_helpers.batch import layout
from threec_helpers.batch.branding import BrandingError, load_branding, read_branding_file
from threec_helpers.batch.publish import clean_notebook, export_html, export_slides, html_to_pdf

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def _md(text):
    return nbformat.v4.new_output("display_data", data={"text/markdown": text, "text/plain": "<Markdown>"})


def _html(text):
    return nbformat.v4.new_output("display_data", data={"text/html": text, "text/plain": "<HTML>"})


def _table(rows: int, cols: int = 3) -> str:
    head = "".join(f"<th>列{j}</th>" for j in range(cols))
    body = "".join("<tr>" + "".join(f"<td>{i}-{j}</td>" for j in range(cols)) + "</tr>" for i in range(rows))
    return f'<table class="dataframe threec-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _notebook(sections: int = 4, rows: int = 5):
    cells = []
    title = nbformat.v4.new_code_cell("ctx = nb.start(...)")
    title.outputs = [_md("# 质量审核汇报 — 测试公司"), _md("期间：FY2025 · threec 0 · 输入数据指纹 deadbeefcafe1234")]
    cells.append(title)
    for i in range(sections):
        c = nbformat.v4.new_code_cell(f"section {i}")
        c.outputs = [_md(f"## 第{i + 1}节"), _md("说明文字。"), _html(_table(rows))]
        cells.append(c)
    explore = nbformat.v4.new_code_cell('ctx.heading(ctx.t("phases.h.explore"))\nexplore.analysis_explorer(x).show()')
    explore.outputs = [_md("## 交互探索"), _html(_table(2))]
    cells.append(explore)
    conclusion = nbformat.v4.new_code_cell("conclusion")
    conclusion.outputs = [_md("## 结论"), _md("目标全部达成。")]
    cells.append(conclusion)
    return nbformat.v4.new_notebook(cells=cells)


META = {"title": "质量审核汇报", "client_id": "acme", "client_name": "测试公司", "period": "FY2025", "lang": "zh",
        "data_root": "/nonexistent/clients",
        "provenance": {"client_id": "acme", "period": "FY2025", "notebook": "ok", "notebook_sha256": "ab" * 32,
                       "parameters": {"lang": "zh"}, "inputs": {"customers": {"file": "c.csv", "sha256": "cd" * 32}},
                       "threec_version": "0", "git_commit": "abc", "run_id": "r1", "started": "s",
                       "finished": "2026-11-30T10:00:00+00:00", "duration_s": 1.5}}


# --------------------------------------------------------------------------- HTML


def test_report_html_has_cover_contents_and_appendix_without_explore():
    html = export_html(clean_notebook(_notebook()), META)
    cover = html[html.index('<header class="report-header cover">'):html.index("</header>")]
    for text in ("质量审核汇报", "测试公司", "FY2025", "编制单位", "2026-11-30", "保密"):
        assert text in cover
    assert '<nav class="contents">' in html and 'href="#sec-1"' in html and 'id="sec-4"' in html
    assert "交互探索" not in html  # the interactive section never reaches a static output
    assert html.count("质量审核汇报 — 测试公司") == 0  # the notebook's own title block is replaced by the cover
    body = html[html.index("</header>"):html.index('<footer class="provenance appendix">')]
    assert "deadbeefcafe1234" not in body  # the data fingerprint is in the appendix only
    assert "deadbeefcafe1234" in html[html.index('<footer class="provenance appendix">'):]


def test_short_report_has_no_contents():
    html = export_html(clean_notebook(_notebook(sections=1)), META)
    assert '<nav class="contents">' not in html


def test_print_css_has_running_footer_contents_pages_and_keeps():
    from threec_helpers.batch.publish import asset

    css = asset("print.css")
    assert 'counter(page) " / " counter(pages)' in css and "string(client)" in css
    assert "target-counter(attr(href), page)" in css
    assert re.search(r"h1, h2, h3, h4 \{[^}]*break-after: avoid", css)
    assert "break-before: page" in css  # the provenance appendix


def test_mark_tables_classes_wide_and_long():
    marked = layout.mark_tables(_table(30, 12) + _table(3, 2))
    assert 'class="many wide long dataframe threec-table"' in marked
    assert marked.count("many") == 1


def test_explore_cells_removed_by_tag_or_call():
    nb = _notebook()
    tagged = nbformat.v4.new_code_cell("x")
    tagged.metadata["tags"] = ["threec-explore"]
    tagged.outputs = [_md("探索")]
    nb.cells.append(tagged)
    text = str(clean_notebook(nb))
    assert "交互探索" not in text and "探索" not in text


def test_bundled_notebooks_tag_their_explore_cells():
    from testpaths import ROOT

    for path in sorted((ROOT / "notebooks" / "phases").glob("*.ipynb")):
        nb = nbformat.read(str(path), as_version=4)
        explore = [c for c in nb.cells if "phases.h.explore" in c.source]
        assert explore and all("threec-explore" in c.metadata.get("tags", []) for c in explore), path.name


# --------------------------------------------------------------------------- PDF


def test_pdf_cover_footer_and_provenance_appendix():
    pdf = html_to_pdf(export_html(clean_notebook(_notebook(sections=5, rows=12)), META))
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf)
    pages = [p.get_textpage().get_text_range() for p in doc]
    n = len(pages)
    assert n >= 4  # cover, contents, body, appendix
    assert "测试公司" in pages[0] and "质量审核汇报" in pages[0] and "编制单位" in pages[0]
    assert f"1 / {n}" in pages[0] and f"{n} / {n}" in pages[-1]  # running footer: page n / N
    assert "测试公司" in pages[2]  # the client in every page's footer
    assert "deadbeefcafe1234" not in pages[0] and "cdcdcdcd" not in pages[0]
    assert "cdcdcdcd" in pages[-1]  # input hashes in the appendix
    assert "目录" in pages[1] and re.search(r"第1节\s*\.*\s*\d", pages[1].replace("\r", ""))
    assert "交互探索" not in pdf_text(pdf)


# --------------------------------------------------------------------------- slides


def test_split_table_repeats_header():
    parts = layout.split_table(_table(10), 4)
    assert [p.count("<tr>") - 1 for p in parts] == [4, 4, 2]
    assert all("<th>列0</th>" in p for p in parts)


def test_deck_has_title_sections_continued_tables_and_conclusion():
    results = {"conclusion": "目标全部达成。", "headline": [{"label": "达标率", "text": "100%", "status": "good"}]}
    html = export_slides(clean_notebook(_notebook(sections=3, rows=60)), META, results)
    sections = re.findall(r'<section class="([^"]+)"', html)
    assert sections[0] == "title-slide" and "conclusion-slide" in sections
    assert len(sections) > 3
    assert "（续）" in html  # a 60-row table goes on over slides
    assert "overflow-y: auto" not in html and "交互探索" not in html
    assert html.count("目标全部达成。") == 1  # the conclusion once, on the conclusion slide
    assert "测试公司" in html.split("</section>")[0] and "threec" in html.split("</section>")[0]


def test_paginate_estimates_keep_tables_inside_the_slide():
    blocks = [layout.Block("heading", level=2, text="表"), layout.Block("table", _table(80))]
    slides = layout.paginate(blocks, "en")
    assert len(slides) > 2 and slides[1].title.endswith("(cont.)")
    for s in slides:
        head, rows = layout.row_heights(s.html)
        assert head + sum(rows) <= layout.CONTENT_H


# --------------------------------------------------------------------------- branding


def _png(path):
    path.write_bytes(PNG)
    return path


def test_branding_default_firm_and_client_override(tmp_path):
    root = tmp_path / "clients"
    (root / "acme").mkdir(parents=True)
    _png(tmp_path / "logo.png")
    (tmp_path / "branding.yaml").write_text(
        "firm: {zh: 示例咨询, en: Example Consulting}\nlogo: logo.png\ncolors: {primary: '#0B3C5D'}\n",
        encoding="utf-8")
    (root / "acme" / "branding.yaml").write_text("colors: {accent: '#D9A21B'}\nconfidentiality: 仅供内部\n",
                                                 encoding="utf-8")
    default = load_branding("other", tmp_path / "empty" / "clients")
    assert default.logo is None and default.text("firm", "en") == "threec consulting"
    firm = load_branding("other", root)
    assert firm.text("firm", "zh") == "示例咨询" and firm.logo.startswith("data:image/png;base64,")
    acme = load_branding("acme", root)
    assert acme.colors["primary"] == "#0B3C5D" and acme.colors["accent"] == "#D9A21B"
    assert acme.text("confidentiality", "en") == "仅供内部" and acme.text("firm", "en") == "Example Consulting"
    assert "--primary: #0B3C5D;" in acme.css()
    html = export_html(clean_notebook(_notebook(1)), {**META, "client_id": "acme", "data_root": str(root)})
    assert "示例咨询" in html and "仅供内部" in html and "data:image/png;base64," in html and "#D9A21B" in html
    deck = export_slides(clean_notebook(_notebook(1)), {**META, "client_id": "acme", "data_root": str(root)})
    assert "示例咨询" in deck and "#0B3C5D" in deck


@pytest.mark.parametrize("text, key", [
    ("colors: {primary: blue}\n", "bad_colour"),
    ("colors: {link: '#000000'}\n", "unknown_colour"),
    ("logo: missing.png\n", "missing_logo"),
    ("slogan: hi\n", "unknown_key"),
    ("firm: [a, b]\n", "bad_text"),
    ("firm: {zh: a\n", "unreadable"),
])
def test_branding_errors_are_bilingual(tmp_path, text, key):
    path = tmp_path / "branding.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BrandingError) as info:
        read_branding_file(path)
    exc = info.value
    assert exc.key == f"panel.brand.error.{key}"
    assert str(path) in exc.message("zh") and str(path) in exc.message("en") or key == "bad_logo"
    assert re.search(r"[\u4e00-\u9fff]", exc.message("zh")) and not re.search(r"[\u4e00-\u9fff]", exc.message("en"))


def test_logo_that_is_not_an_image(tmp_path):
    (tmp_path / "logo.png").write_text("not an image", encoding="utf-8")
    (tmp_path / "branding.yaml").write_text("logo: logo.png\n", encoding="utf-8")
    with pytest.raises(BrandingError) as info:
        read_branding_file(tmp_path / "branding.yaml")
    assert info.value.key == "panel.brand.error.bad_logo"


def test_long_table_starts_under_its_heading_in_pdf():
    # The panel's hospital briefing had pages holding only a heading ("Item scores by area"): the
    # page's own report.css keeps every table whole and WeasyPrint ranks print.css (a user style
    # sheet) below it, so table.long could not break and moved to the next page without its heading.
    import pypdfium2

    from threec_helpers.batch.publish import asset

    rows = "".join(f"<tr><td>row {i:02d} with some text that wraps</td><td>{i}</td></tr>" for i in range(60))
    body = ("<p>filler paragraph</p>" * 30 + "<h3>Heading kept</h3>"
            + f"<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody>{rows}</tbody></table>")
    html = f"<html><head><style>{asset('report.css')}</style></head><body>{layout.mark_tables(body)}</body></html>"
    pages = [p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(html_to_pdf(html))]
    at = [i for i, text in enumerate(pages) if "Heading kept" in text]
    assert at and "row 00" in pages[at[0]]
    assert "row 59" in pages[-1] and len(pages) >= 2  # and the table did break
