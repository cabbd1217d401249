"""Word and PowerPoint files on small hand-made inputs: structure, fonts, native charts and tables."""

from __future__ import annotations

import base64
import io

import nbformat
import pytest

from threec_helpers.batch import powerpoint, word
from threec_helpers.batch.briefing import compose_briefing
from threec_helpers.batch.office import EAST_ASIAN_FONT, Grid, html_table, is_numeric_text
from threec_helpers.plots.chartdata import panel

docx = pytest.importorskip("docx")
pptx = pytest.importorskip("pptx")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
BRAND = {"firm": "某某咨询", "confidentiality": "保密", "logo": None, "colors": {"primary": "#0B3C5D"}}


def _png(width=330, height=200) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width / 100, height / 100), dpi=100)
    fig.subplots().bar(["a", "b"], [1, 2])
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return buf.getvalue()


def _notebook():
    nb = nbformat.v4.new_notebook()
    table = ("<table><thead><tr><th>指标</th><th>实际</th></tr></thead><tbody>"
             + "".join(f"<tr><td>目标{i}</td><td>{i},084</td></tr>" for i in range(30)) + "</tbody></table>")
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", {"text/markdown": "# 审核汇报"}),
                    nbformat.v4.new_output("display_data", {"text/markdown": "期间 2026-10"}),
                    nbformat.v4.new_output("display_data", {"text/markdown": "## 一、概况\n\n交换机实装率 92.42%。"}),
                    nbformat.v4.new_output("display_data", {"text/html": table}),
                    nbformat.v4.new_output("display_data", {"image/png": base64.b64encode(_png()).decode()})]
    nb.cells = [cell]
    return nb


META = {"title": "审核汇报", "client_id": "demo_telecom", "client_name": "XX县通信分公司", "period": "2026-10",
        "lang": "zh", "masked": False, "branding": None, "provenance": {"finished": "2026-11-01T00:00:00"}}


def _runs_without_east_asian_font(element, tag_run, tag_props, tag_fonts, attr) -> int:
    bad = 0
    for r in element.iter(tag_run):
        props = r.find(tag_props)
        fonts = props.find(tag_fonts) if props is not None else None
        if fonts is None or fonts.get(attr) != EAST_ASIAN_FONT:
            bad += 1
    return bad


def test_numeric_text_and_html_table():
    assert is_numeric_text("51,084") and is_numeric_text("-3.5 pp") and not is_numeric_text("ISO 9001 条款")
    g = html_table("<table><tr><th>a</th><th>n</th></tr><tr><td>x</td><td>1,200</td></tr></table>")
    assert g.headers == ["a", "n"] and g.rows == [["x", "1,200"]] and g.numeric == [False, True]
    assert [len(p.rows) for p in Grid(["a"], [["1"]] * 5).split(2)] == [2, 2, 1]


def test_report_docx_structure_fonts_tables_and_figures():
    from threec_helpers.batch.branding import load_branding

    meta = {**META, "branding": load_branding(data_root="/nonexistent/clients")}
    data = word.report_docx(_notebook(), meta, {"charts": [{"title": "发现项分布", "panels": []}]},
                            commentary={"风险": "关注 4.1 条款。"}, brand=meta["branding"].context("zh"),
                            date="2026-11-01")
    doc = docx.Document(io.BytesIO(data))
    assert [p.text for p in doc.paragraphs if p.style.name == "Title"] == ["审核汇报"]
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"][:2] == ["一、概况", "顾问评述"]
    assert any(p.style.name == "Caption" and "发现项分布" in p.text for p in doc.paragraphs)
    assert any("关注 4.1 条款。" in p.text for p in doc.paragraphs)
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["指标", "实际"] and len(table.rows) == 31
    assert table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None  # header repeats on each page
    assert table.rows[1].cells[1].paragraphs[0].alignment == 2  # numbers right-aligned
    assert len(doc.inline_shapes) == 1
    assert doc.inline_shapes[0].width.inches == pytest.approx(330 / word.MIN_DPI, rel=0.01)
    footer = doc.sections[0].footer._element
    assert "NUMPAGES" in "".join(footer.itertext()) and "XX县通信分公司" in "".join(footer.itertext())
    for part in (doc.element, footer):
        assert _runs_without_east_asian_font(part, f"{W}r", f"{W}rPr", f"{W}rFonts", f"{W}eastAsia") == 0


def test_briefing_docx_holds_the_briefing():
    results = {"iso9001_certification_audit": {"headline": [{"key": "utilisation", "label": "交换机实装率",
                                                             "value": 0.9242, "text": "92.42%", "status": "good"}],
                                               "tables": {"objectives": [{"objective": "电路开通率", "target": ">98%",
                                                                          "actual": "100%", "met": True}]},
                                               "conclusion": "8 项质量目标全部达成。"}}
    model = compose_briefing(results, "iso9001", "zh")
    data = word.briefing_docx(model, title="认证简报", client_id="t", client_name="XX县通信分公司", period="2026-10",
                              lang="zh", brand=BRAND, date="2026-11-01", commentary="顾问：进展良好。")
    doc = docx.Document(io.BytesIO(data))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(c.text for t in doc.tables for r in t.rows
                                                                 for c in r.cells)
    for expected in ("92.42%", "电路开通率", "8 项质量目标全部达成。", "顾问：进展良好。", "保密"):
        assert expected in text
    assert [p.style.name for p in doc.paragraphs if p.style.name.startswith("Heading 1")]


CHARTS = [{"title": "控制图", "panels": [panel("line", ["1月", "2月", "3月"],
                                             [("观测值", [1, 2, 3]), ("中心线", [2, 2, 2]), ("控制上限", [4, 4, 4]),
                                              ("控制下限", [0, 0, 0])])]},
          {"title": "金字塔", "panels": [panel("bar", ["顶级", "大"], [("客户数", [3, 12])])]},
          {"title": "份额", "panels": [panel("pie", ["a", "b"], [("s", [0.25, 0.75])], percent=True)]},
          {"title": "雷达", "panels": [panel("radar", ["x", "y", "z"], [("本期", [1, 2, 3])])]},
          {"title": "堆叠", "panels": [panel("column", ["4", "5"], [("严重", [1, 0]), ("一般", [2, 3])], stacked=True)]},
          {"title": "散点", "panels": [{"kind": "scatter", "title": "", "categories": [], "percent": False,
                                       "stacked": False, "series": [{"name": "p", "x": [1.0, 2.0], "values": [3.0, 4.0]}]}]}]


def _deck_results():
    rows = [{"objective": f"目标{i}", "actual": i * 1.5, "met": True, "hidden": "x"} for i in range(30)]
    return {"nb": {"title": "审核", "headline": [{"key": "u", "label": "交换机实装率", "text": "92.42%", "status": "good"}],
                   "charts": CHARTS, "tables": {"objectives": rows},
                   "shown_columns": {"objectives": ["objective", "actual", "met"]}, "conclusion": "全部达成。"}}


def test_deck_native_charts_tables_notes_and_fonts():
    data = powerpoint.deck_pptx(_deck_results(), {"sections": []}, title="汇报", client_id="c", client_name="客户",
                                period="2026-10", lang="zh", brand=BRAND, date="2026-11-01", commentary="评述一句。")
    prs = pptx.Presentation(io.BytesIO(data))
    slides = list(prs.slides)
    charts = [sh.chart for s in slides for sh in s.shapes if sh.has_chart]
    assert not [sh for s in slides for sh in s.shapes if sh.shape_type == 13]  # no pictures of charts
    assert len(charts) == len(CHARTS)
    for chart, spec in zip(charts, CHARTS):
        recorded = spec["panels"][0]["series"]
        got = [list(s.values) for p in chart.plots for s in p.series]
        assert got == [[float(v) for v in s["values"]] for s in recorded]
        assert chart.part.partname.startswith("/ppt/charts/chart")
        assert chart.part.chart_workbook.xlsx_part is not None  # the data are embedded, so "Edit Data" works
    names = [type(c.plots[0]).__name__ for c in charts]
    assert names == ["LinePlot", "BarPlot", "PiePlot", "RadarPlot", "BarPlot", "XyPlot"]
    tables = [(s, sh.table) for s in slides for sh in s.shapes if sh.has_table]
    assert len(tables) == 3  # 30 rows over 12-row slides
    assert len(tables[0][1].columns) == 3  # the columns the report showed, not "hidden"
    assert "（续）" in tables[1][0].shapes.title.text
    assert slides[-1].notes_slide.notes_text_frame.text == "评述一句。"
    for s in slides:
        for r in s.shapes._spTree.iter(f"{A}r"):
            ea = r.find(f"{A}rPr/{A}ea")
            assert ea is not None and ea.get("typeface") == EAST_ASIAN_FONT


def test_deck_uses_the_template_named_in_branding(tmp_path):
    from threec_helpers.batch.branding import BrandingError, load_branding

    root = tmp_path / "clients"
    (root / "c").mkdir(parents=True)
    (tmp_path / "branding.yaml").write_text("pptx_template: missing.pptx\n", encoding="utf-8")
    with pytest.raises(BrandingError, match="pptx_template"):
        load_branding("c", root)
    prs = pptx.Presentation(str(powerpoint.TEMPLATE))
    prs.slide_width = 9144000  # a 4:3 "firm" template
    prs.save(str(tmp_path / "firm.pptx"))
    (tmp_path / "branding.yaml").write_text("pptx_template: firm.pptx\n", encoding="utf-8")
    brand = load_branding("c", root).context("en")
    data = powerpoint.deck_pptx(_deck_results(), {"sections": []}, title="Review", client_id="c", client_name="C",
                                period="2026-10", lang="en", brand=brand, date="2026-11-01")
    assert pptx.Presentation(io.BytesIO(data)).slide_width == 9144000


def test_bundled_template_is_16_9():
    prs = pptx.Presentation(str(powerpoint.TEMPLATE))
    assert (prs.slide_width, prs.slide_height) == (powerpoint.SLIDE_W, powerpoint.SLIDE_H)


def test_masked_word_report_and_deck_hold_no_customer_name():
    """Under --mask the Word report is made from the scrubbed notebook and the deck from scrubbed results."""
    from threec_helpers.batch.publish import clean_notebook

    nb = _notebook()
    nb.cells[0].outputs.append(nbformat.v4.new_output("display_data", {"text/markdown": "最大客户 Alpha Hotel"}))
    scrub = lambda s: s.replace("Alpha Hotel", "客户-3F9A2C")  # noqa: E731 - the runner's scrubber, in small
    data = word.report_docx(clean_notebook(nb, scrub=scrub), META, brand=BRAND, date="2026-11-01")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "客户-3F9A2C" in text and "Alpha Hotel" not in text


def test_what_changed_is_one_slide_with_the_worse_first_and_the_rest_in_the_notes():
    """A panel hears what got worse, then what got better, on one slide; the briefing keeps the
    whole comparison, and the slide's notes name every figure left out."""
    def row(name, assessment):
        return [{"text": name, "cls": ""}, {"text": "1", "cls": "num"}, {"text": "↑", "cls": f"direction {assessment}"}]

    rows = [row(f"持平{i}", "neutral") for i in range(10)] + [row("利润", "better"), row("保留率", "worse")] \
        + [row(f"无上期{i}", "none") for i in range(5)] + [row("满意度", "worse")]
    table = {"columns": [{"label": "指标"}, {"label": "本期"}, {"label": "方向"}], "rows": rows}
    sections = {"sections": [{"id": "changes", "title": "变化", "tables": [table]}]}
    data = powerpoint.deck_pptx({}, sections, title="汇报", client_id="c", client_name="客户", period="2026-10",
                                lang="zh", brand=BRAND, date="2026-11-01")
    prs = pptx.Presentation(io.BytesIO(data))
    slides = [s for s in prs.slides if any(sh.has_table for sh in s.shapes)]
    assert len(slides) == 1
    shown = [r.cells[0].text for r in list(next(sh.table for sh in slides[0].shapes if sh.has_table).rows)[1:]]
    assert shown[:3] == ["保留率", "满意度", "利润"] and len(shown) == powerpoint.ROWS_PER_SLIDE
    assert "共 18 项" in slides[0].shapes.title.text
    notes = slides[0].notes_slide.notes_text_frame.text
    assert "另有 6 项" in notes and "无上期4" in notes and "保留率" not in notes


def test_briefing_docx_draws_the_trend_charts_and_ends_with_its_provenance():
    """The Word briefing is not poorer than the PDF: the objectives' trend charts (inline SVG in
    HTML) are drawn as a picture, and an appendix says which data and which code made it."""
    from docx import Document

    chart = {"title": "接通率（%）", "values": [97.0, None, 99.5], "target": 98.0, "met": [False, None, True],
             "months": ["2026-08", "2026-09", "2026-10"], "svg": "<svg/>"}
    model = {"sections": [{"id": "objectives", "title": "质量目标", "paragraphs": ["达标 1/1。"],
                           "charts": [chart], "charts_title": "近 12 个月趋势", "charts_note": "虚线为目标值。"}]}
    prov = {"threec_version": "1.2.3", "git_commit": "abc1234", "run_id": "r1",
            "inputs": {"quality_objectives": {"file": "quality_objectives.xlsx", "sha256": "f" * 64}}}
    data = word.briefing_docx(model, title="简报", client_id="c", client_name="客户", period="2026-10", lang="zh",
                              brand=BRAND, date="2026-11-01", provenance=prov)
    doc = Document(io.BytesIO(data))
    assert len(doc.inline_shapes) == 1
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "近 12 个月趋势" in text and "虚线为目标值。" in text
    cells = " ".join(c.text for tb in doc.tables for row in tb.rows for c in row.cells)
    assert "abc1234" in cells and "quality_objectives.xlsx" in cells and "1.2.3" in cells

def _demo_like_results():
    """A 3C-like period in small: long money figures, a wide audit table, a table with its report view."""
    findings = [{"finding_id": f"IA2-0{i}", "clause": "6.2", "grade": "一般不符合", "department": "营销部",
                 "description": "质量目标考核不规范：大客户流失率未分解到各乡镇支局考核" * 2,
                 "corrective_action": "纠正质量目标考核方法，将大客户流失率分解到各支局按月考核",
                 "owner": "营销部主任", "due": "2026-10-20", "days_open": 8, "overdue": False} for i in range(3)]
    tiers = [{"tier": "top", "base_revenue": 22381433.72, "gap_pct": -0.02},
             {"tier": "total", "base_revenue": 87332251.51, "gap_pct": -0.086}]
    view = {"columns": ["tier", "base_revenue", "gap_pct"], "headers": {"tier": "层级", "base_revenue": "基期收入",
                                                                        "gap_pct": "差距占比"},
            "rows": [["顶级客户", "¥22,381,434", "-2.0%"], ["合计", "¥87,332,252", "-8.6%"]]}
    headline = [{"key": "revenue", "label": "收入", "text": "¥87,332,252", "status": "neutral"},
                {"key": "profit", "label": "经营利润", "text": "¥23,449,909", "status": "good"},
                {"key": "margin", "label": "经营利润率", "text": "26.85%", "status": "good"},
                {"key": "whales", "label": "盈利客户的利润", "text": "¥23,957,993", "status": "neutral"},
                {"key": "retention", "label": "客户保留率", "text": "87.69%", "status": "warn"}]  # 4 cards a row
    return {"analysis": {"title": "3C 第二阶段：分析", "headline": headline, "charts": CHARTS[:1],
                         "tables": {"reconciliation": tiers, "open_findings": findings},
                         "views": {"reconciliation": view},
                         "formats": {"reconciliation": {"base_revenue": "money", "gap_pct": "pct1"}}}}


def _demo_like_deck():
    changes = {"columns": [{"label": "指标"}, {"label": "本期"}, {"label": "上期"}, {"label": "方向"}],
               "rows": [[{"text": "客户保留率", "cls": ""}, {"text": "87.69%", "cls": "num"},
                         {"text": "90.12%", "cls": "num"}, {"text": "↓ 变差", "cls": "direction worse"}]]}
    model = {"sections": [{"id": "changes", "title": "变化", "tables": [changes]}]}
    data = powerpoint.deck_pptx(_demo_like_results(), model, title="3C 客户绩效与客户关注记分卡", client_id="c",
                                client_name="华美窗饰有限公司", period="FY2026", lang="zh", brand=BRAND,
                                date="2026-11-01", commentary="评述一句。")
    return pptx.Presentation(io.BytesIO(data))


def test_every_shape_of_a_deck_has_a_width_and_lies_within_its_slide():
    """The panel saw every title clipped: the title placeholder was saved with width 0."""
    prs = _demo_like_deck()
    w, h = prs.slide_width, prs.slide_height
    for n, slide in enumerate(prs.slides, 1):
        assert slide.shapes.title is not None
        for sh in slide.shapes:
            assert sh.width > 0 and sh.height > 0, (n, sh.name)
            assert sh.left >= 0 and sh.top >= 0 and sh.left + sh.width <= w and sh.top + sh.height <= h, (n, sh.name)
        # as saved, not as python-pptx inherits it from the layout
        for ext in slide.shapes._spTree.iter(f"{A}ext"):
            if ext.get("cx") is not None:
                assert int(ext.get("cx")) > 0 and int(ext.get("cy")) > 0, n
    assert all(s.shapes.title.width >= 0.9 * w for s in list(prs.slides)[1:])


def test_a_long_money_figure_fits_on_one_line_of_its_card():
    prs = _demo_like_deck()
    slide = next(s for s in prs.slides if s.shapes.title.text == "计分卡")
    cards = [sh for sh in slide.shapes if sh.has_text_frame and sh.text_frame.text.startswith("¥87,332,252")]
    assert cards
    card = cards[0]
    run = card.text_frame.paragraphs[0].runs[0]
    inner = card.width - card.text_frame.margin_left - card.text_frame.margin_right
    assert run.font.size.pt < 28  # smaller than a short figure's
    assert powerpoint.text_ems(run.text, bold=True) * run.font.size.pt * 12700 <= inner
    short = next(sh for sh in slide.shapes if sh.has_text_frame and sh.text_frame.text.startswith("26.85%"))
    assert short.text_frame.paragraphs[0].runs[0].font.size.pt == 28


def _table_of(prs, title_part):
    slide = next(s for s in prs.slides if title_part in s.shapes.title.text)
    return next(sh.table for sh in slide.shapes if sh.has_table)


def _font_size(table) -> float:
    return table.cell(1, 0).text_frame.paragraphs[0].runs[0].font.size.pt


def test_table_columns_are_never_narrower_than_their_header_or_a_short_word():
    """Telecom slide 21 showed 等级/部门 one character a line, the changes slide "↓ 变/差"."""
    prs = _demo_like_deck()
    for title_part in ("未关闭的审核发现", "与上期相比", "预算核对"):
        slides = [s for s in prs.slides if title_part in s.shapes.title.text]
        for slide in slides:
            table = next(sh.table for sh in slide.shapes if sh.has_table)
            size = _font_size(table)
            for j in range(len(table.columns)):
                room = (table.columns[j].width - 2 * powerpoint.CELL_MARGIN) / 12700
                header = table.cell(0, j).text
                assert powerpoint.text_ems(header, bold=True) * size <= room, header
                for i in range(1, len(table.rows)):
                    text = table.cell(i, j).text
                    if powerpoint.text_ems(text) <= powerpoint.SHORT_EMS:  # a word or a short label: one line
                        assert powerpoint.text_ems(text) * size <= room, text
                    else:  # a long text wraps, but never below two CJK characters a line
                        assert 2 * size <= room, text
    assert _table_of(prs, "与上期相比").cell(1, 3).text == "↓ 变差"
    findings = _table_of(prs, "未关闭的审核发现")
    assert [findings.cell(0, j).text for j in (2, 3)] == ["等级", "部门"] or len(findings.columns) == powerpoint.MAX_COLUMNS


def test_a_table_too_wide_for_the_slide_gets_a_smaller_font():
    headers = [f"列{j}" for j in range(6)]
    rows = [[f"surveys.share_of_need_{j}" for j in range(6)]]  # words that cannot break
    size, widths = powerpoint.column_widths(headers, rows, 11216640, 12)
    assert size < 12 and sum(widths) == 11216640
    assert all(w / 12700 >= powerpoint.text_ems(rows[0][0]) * size for w in widths)


def test_deck_tables_are_worded_as_the_report_showed_them():
    """Codes, raw floats and money without its sign were in the Chinese deck; the report's view is shown."""
    prs = _demo_like_deck()
    cells = [[c.text for c in r.cells] for r in _table_of(prs, "预算核对").rows]
    assert cells == [["层级", "基期收入", "差距占比"], ["顶级客户", "¥22,381,434", "-2.0%"], ["合计", "¥87,332,252", "-8.6%"]]
    # without a view (an older results file): the records formatted through the report's own path
    g = powerpoint.records_table([{"tier": "medium", "revenue": 24876270.74, "customers": 172.0, "rag": "amber",
                                   "attainment": 0.363, "status": "good"}], "zh")
    assert g.rows == [["中型客户", "¥24,876,271", "172", "黄", "36.3%", "良好"]]


def test_xlsx_summary_holds_key_figures_as_numbers_shown_as_the_report_shows_them():
    """NPS was written as the text "'-5.0" and every key figure of the summary sheet as text."""
    import openpyxl

    from threec_helpers.batch.publish import xlsx_bytes
    from threec_helpers.i18n import t

    headline = [{"key": "nps", "label": "净推荐值（NPS）", "value": -4.9910873440285215, "text": "-5.0", "status": "bad"},
                {"key": "revenue", "label": "收入", "value": 87332251.51, "text": "¥87,332,252", "status": "neutral"},
                {"key": "margin", "label": "经营利润率", "value": 0.2685137324933718, "text": "26.85%", "status": "good"},
                {"key": "csat", "label": "顾客综合满意度", "value": 81.3, "text": "81.3分", "status": "good"},
                {"key": "met", "label": "质量目标达标", "value": 8, "text": "8/8", "status": "good"},
                {"key": "readiness", "label": "认证准备结论", "value": "ready", "text": "有条件具备认证条件", "status": "warn"}]
    data = xlsx_bytes({"title": "分析", "client_id": "c", "period": "FY2026", "headline": headline}, "zh", currency="CNY")
    ws = openpyxl.load_workbook(io.BytesIO(data))[t("batch.xlsx.summary", "zh")]
    got = {ws.cell(r, 1).value: (ws.cell(r, 2).value, ws.cell(r, 2).number_format) for r in range(1, ws.max_row + 1)}
    assert got["净推荐值（NPS）"] == (-4.99108734403, "0.0")  # a number: no apostrophe, shows -5.0
    assert got["收入"] == (87332251.51, '"¥"#,##0')
    assert got["经营利润率"] == (0.268513732493, "0.00%")
    assert got["顾客综合满意度"] == (81.3, '0.0"分"')
    assert got["质量目标达标"] == ("8/8", "General") and got["认证准备结论"] == ("有条件具备认证条件", "General")
    assert not [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("'")]
