"""Word (.docx) versions of the briefing and of every report, for a consultant to edit.

Made with python-docx (:func:`report_docx`, :func:`briefing_docx`):

- a **cover page** from the branding (logo, firm, title, client, period, date,
  confidentiality line), then a **table of contents** field that Word and WPS fill in
  (the file asks to update fields when opened; LibreOffice: Tools > Update);
- headings in Word's built-in **Heading 1-3** styles (what a table of contents lists),
  coloured in the brand's primary colour;
- **real Word tables**: the header row repeats on every page (``w:tblHeader``), numbers are
  right-aligned, header cells shaded;
- **charts** as the report's images (placed at 150 dpi or finer), each with a numbered
  caption in Word's Caption style (a ``SEQ`` field, so a table of figures works);
- the consultant's **commentary** when given (:func:`threec_helpers.batch.office.commentary_sections`);
- a **footer** on every page: client, period, confidentiality line and "page n / N";
- the East Asian font on **every run** (``w:eastAsia``, :data:`~threec_helpers.batch.office.EAST_ASIAN_FONT`)
  and the document language zh-CN / en-US.

Text comes from the cleaned notebook (so masking applies: :func:`threec_helpers.batch.publish.clean_notebook`)
or the briefing's sections (:func:`threec_helpers.batch.briefing.compose_briefing`).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from typing import Any, Mapping, Sequence

from ..i18n import t
from .office import (EAST_ASIAN_FONT, LATIN_FONT, STATUS_COLOURS, Grid, block_paragraphs, colours,
                     commentary_sections, html_table, logo_image, rgb)

#: text width of an A4 page with 2 cm margins, in cm; pictures are at most this wide
TEXT_WIDTH_CM = 17.0
#: a chart is placed at this resolution or finer (dots per inch)
MIN_DPI = 150


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


class WordDocument:
    """A branded Word document being written (cover, contents, body, footer).

    Parameters
    ----------
    lang : {"zh", "en"}
    brand : dict
        The branding (its ``colors`` and ``logo``).

    Examples
    --------
    >>> from threec_helpers.batch.office import Grid
    >>> doc = WordDocument("en", {})
    >>> doc.heading("Revenue")
    >>> doc.table(Grid(["Tier", "Customers"], [["Top", "12"]]))
    >>> len(doc.doc.tables), doc.doc.paragraphs[0].text
    (1, 'Revenue')
    """

    def __init__(self, lang: str, brand: Mapping[str, Any]):
        import docx
        from docx.shared import Cm, Pt, RGBColor

        self.lang = lang
        self.brand = brand
        self.colours = colours(brand)
        self.doc = docx.Document()
        self.figures = 0
        self.tables = 0
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2.0))
        styles = self.doc.styles
        normal = styles["Normal"]
        normal.font.name = LATIN_FONT
        normal.font.size = Pt(10.5)
        self._fonts(normal.element.get_or_add_rPr())
        self._defaults()
        primary = RGBColor(*rgb(self.colours["primary"]))
        for name, size in (("Title", 26), ("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 11.5), ("Caption", 9)):
            style = styles[name]
            style.font.name = LATIN_FONT
            style.font.size = Pt(size)
            if name != "Caption":
                style.font.color.rgb = primary
            self._fonts(style.element.get_or_add_rPr())

    # ---------------------------------------------------------------- fonts and fields

    def _fonts(self, rpr) -> None:
        """Name the Latin and East Asian fonts (and the language) in a run's properties."""
        fonts = rpr.find(_qn("w:rFonts"))
        if fonts is None:
            from docx.oxml import OxmlElement

            fonts = OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:cs"):
            fonts.set(_qn(attr), LATIN_FONT)
        fonts.set(_qn("w:eastAsia"), EAST_ASIAN_FONT)
        if self.lang == "zh":
            fonts.set(_qn("w:hint"), "eastAsia")

    def _defaults(self) -> None:
        """The document defaults: fonts and language (so a run the writer did not make is set too)."""
        from docx.oxml import OxmlElement

        styles = self.doc.styles.element
        defaults = styles.find(_qn("w:docDefaults"))
        rpr = defaults.find(_qn("w:rPrDefault")).find(_qn("w:rPr"))
        self._fonts(rpr)
        lang = rpr.find(_qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(_qn("w:val"), "zh-CN" if self.lang == "zh" else "en-US")
        lang.set(_qn("w:eastAsia"), "zh-CN")
        settings = self.doc.settings.element
        update = OxmlElement("w:updateFields")
        update.set(_qn("w:val"), "true")
        settings.append(update)

    def run(self, paragraph, text: str, *, bold: bool = False, size: float | None = None,
            colour: str | None = None):
        """Add a run of text with its fonts set."""
        from docx.shared import Pt, RGBColor

        r = paragraph.add_run(text)
        r.bold = bold or None
        if size:
            r.font.size = Pt(size)
        if colour:
            r.font.color.rgb = RGBColor(*rgb(colour))
        self._fonts(r._r.get_or_add_rPr())  # noqa: SLF001 - python-docx exposes the element this way only
        return r

    def field(self, paragraph, instruction: str, shown: str = "") -> None:
        """A Word field (``PAGE``, ``NUMPAGES``, ``SEQ``, ``TOC``) with its last shown text."""
        from docx.oxml import OxmlElement

        def char(kind: str):
            r = OxmlElement("w:r")
            fc = OxmlElement("w:fldChar")
            fc.set(_qn("w:fldCharType"), kind)
            r.append(fc)
            return r

        p = paragraph._p  # noqa: SLF001
        p.append(char("begin"))
        r = OxmlElement("w:r")
        instr = OxmlElement("w:instrText")
        instr.set(_qn("xml:space"), "preserve")
        instr.text = f" {instruction} "
        r.append(instr)
        p.append(r)
        p.append(char("separate"))
        self.run(paragraph, shown or "1")
        p.append(char("end"))

    # ---------------------------------------------------------------- structure

    def cover(self, title: str, client: str, period: str, date: str, masked: bool = False) -> None:
        """The cover page (a page break after it)."""
        from docx.enum.text import WD_BREAK
        from docx.shared import Cm

        logo = logo_image(self.brand)
        if logo:
            self.doc.add_picture(io.BytesIO(logo), height=Cm(1.6))
        firm = self.doc.add_paragraph()
        self.run(firm, str(self.brand.get("firm") or ""), bold=True, size=12, colour=self.colours["primary"])
        for _ in range(4):
            self.doc.add_paragraph()
        heading = self.doc.add_paragraph(style="Title")
        self.run(heading, title)
        for label, value in ((t("batch.label.client", self.lang), client), (t("batch.label.period", self.lang), period),
                             (t("panel.cover.prepared_by", self.lang), str(self.brand.get("firm") or "")),
                             (t("panel.cover.date", self.lang), date)):
            p = self.doc.add_paragraph()
            self.run(p, f"{label}：" if self.lang == "zh" else f"{label}: ", bold=True)
            self.run(p, value)
        if masked:
            p = self.doc.add_paragraph()
            self.run(p, t("batch.report.masked", self.lang), colour=self.colours["muted"])
        for _ in range(3):
            self.doc.add_paragraph()
        conf = self.doc.add_paragraph()
        self.run(conf, str(self.brand.get("confidentiality") or ""), size=9, colour=self.colours["muted"])
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def contents(self) -> None:
        """A table-of-contents field (headings 1-3), filled in when the reader updates fields."""
        from docx.enum.text import WD_BREAK

        p = self.doc.add_paragraph()
        self.run(p, t("panel.contents", self.lang), bold=True, size=14, colour=self.colours["primary"])
        self.field(self.doc.add_paragraph(), 'TOC \\o "1-3" \\h \\z \\u', t("office.toc_hint", self.lang))
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def footer(self, client: str, period: str) -> None:
        """Client, period, confidentiality line and "page n / N" at the foot of every page."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        footer = self.doc.sections[0].footer
        p = footer.paragraphs[0]
        self.run(p, f"{client} · {period}", size=8, colour=self.colours["muted"])
        conf = str(self.brand.get("confidentiality") or "")
        if conf:
            self.run(p, f" · {conf}", size=8, colour=self.colours["muted"])
        right = footer.add_paragraph()
        right.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        self.run(right, t("office.page", self.lang), size=8, colour=self.colours["muted"])
        self.field(right, "PAGE")
        self.run(right, " / ", size=8, colour=self.colours["muted"])
        self.field(right, "NUMPAGES")

    def heading(self, text: str, level: int = 1) -> None:
        self.run(self.doc.add_paragraph(style=f"Heading {min(max(level, 1), 3)}"), text)

    def paragraph(self, text: str, *, kind: str = "p", colour: str | None = None) -> None:
        style = "List Bullet" if kind == "li" else None
        p = self.doc.add_paragraph(style=style) if style else self.doc.add_paragraph()
        self.run(p, text, colour=colour)

    def table(self, grid: Grid, caption: str = "") -> None:
        """A Word table: header row repeated on each page, numbers right-aligned, header shaded."""
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.shared import Pt

        if caption:
            self.tables += 1
            p = self.doc.add_paragraph(style="Caption")
            self.run(p, t("office.table", self.lang))
            self.field(p, f"SEQ {t('office.table_seq', self.lang)} \\* ARABIC", str(self.tables))
            self.run(p, f"  {caption}")
            p.paragraph_format.keep_with_next = True
        ncols = max(len(grid.headers), 1)
        table = self.doc.add_table(rows=1, cols=ncols)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        size = 9 if ncols < 6 else 8 if ncols < 9 else 7
        head = table.rows[0]
        trpr = head._tr.get_or_add_trPr()  # noqa: SLF001
        repeat = OxmlElement("w:tblHeader")
        repeat.set(_qn("w:val"), "true")
        trpr.append(repeat)
        for j, text in enumerate(grid.headers):
            cell = head.cells[j]
            self._shade(cell, self.colours["primary"])
            p = cell.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if grid.numeric[j] else None
            self.run(p, text, bold=True, size=size, colour="#FFFFFF")
        for row in grid.rows:
            cells = table.add_row().cells
            for j, text in enumerate(row[:ncols]):
                p = cells[j].paragraphs[0]
                if grid.numeric[j]:
                    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                self.run(p, text, size=size)
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    p.paragraph_format.space_after = Pt(0)
        self.doc.add_paragraph()

    def _shade(self, cell, colour: str) -> None:
        from docx.oxml import OxmlElement

        shd = OxmlElement("w:shd")
        shd.set(_qn("w:val"), "clear")
        shd.set(_qn("w:color"), "auto")
        shd.set(_qn("w:fill"), colour.lstrip("#"))
        cell._tc.get_or_add_tcPr().append(shd)  # noqa: SLF001

    def figure(self, png: bytes, caption: str = "") -> None:
        """A chart image (at :data:`MIN_DPI` or finer, at most the text width) and its numbered caption."""
        from docx.shared import Cm, Inches
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        width_px = _png_width(png)
        width = min(Cm(TEXT_WIDTH_CM), Inches(width_px / MIN_DPI)) if width_px else Cm(TEXT_WIDTH_CM)
        self.doc.add_picture(io.BytesIO(png), width=width)
        self.doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.doc.paragraphs[-1].paragraph_format.keep_with_next = True
        self.figures += 1
        p = self.doc.add_paragraph(style="Caption")
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.run(p, t("office.figure", self.lang))
        self.field(p, f"SEQ {t('office.figure_seq', self.lang)} \\* ARABIC", str(self.figures))
        if caption:
            self.run(p, f"  {caption}")

    def cards(self, cards: Sequence[Mapping[str, Any]]) -> None:
        """Key figures as a table: indicator, value, status (the status cell coloured)."""
        if not cards:
            return
        grid = Grid([t("office.indicator", self.lang), t("office.value", self.lang),
                     t("batch.index.status", self.lang)],
                    [[str(c.get("label") or c.get("key") or ""), str(c.get("text") or ""),
                      t(f"batch.status.{c.get('status', 'neutral')}", self.lang)] for c in cards],
                    [False, True, False])
        self.table(grid)
        table = self.doc.tables[-1]
        for row, card in zip(table.rows[1:], cards):
            status = str(card.get("status") or "neutral")
            if status != "neutral":
                self._shade(row.cells[2], _tint(STATUS_COLOURS.get(status, "#59636E")))

    def commentary(self, commentary: Any) -> None:
        """The consultant's commentary sections (see :func:`~threec_helpers.batch.office.commentary_sections`)."""
        sections = commentary_sections(commentary, self.lang)
        if not sections:
            return
        self.heading(t("office.commentary", self.lang), 1)
        for heading, text in sections:
            if heading:
                self.heading(heading, 2)
            for para in [p.strip() for p in text.split("\n\n") if p.strip()]:
                if para.startswith("#"):
                    self.heading(para.lstrip("#").strip(), 2)
                elif all(line.lstrip().startswith(("- ", "* ")) for line in para.splitlines()):
                    for line in para.splitlines():
                        self.paragraph(line.lstrip()[2:].strip(), kind="li")
                else:
                    self.paragraph(" ".join(para.split("\n")))

    def to_bytes(self, title: str) -> bytes:
        """The document, its runs' East Asian fonts checked once more (headers, footers, body)."""
        props = self.doc.core_properties
        props.title = title
        props.author = str(self.brand.get("firm") or "threec")
        props.created = props.modified = dt.datetime(2000, 1, 1)
        parts = [self.doc.element] + [s.footer._element for s in self.doc.sections]  # noqa: SLF001
        for part in parts:
            for r in part.iter(_qn("w:r")):
                rpr = r.find(_qn("w:rPr"))
                if rpr is None:
                    from docx.oxml import OxmlElement

                    rpr = OxmlElement("w:rPr")
                    r.insert(0, rpr)
                self._fonts(rpr)
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()


def _tint(hex_colour: str) -> str:
    r, g, b = rgb(hex_colour)
    return "#{:02X}{:02X}{:02X}".format(*(int(c + (255 - c) * 0.75) for c in (r, g, b)))


def _png_width(data: bytes) -> int:
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return int.from_bytes(data[16:20], "big")
    return 0


# --------------------------------------------------------------------------- a report


def report_docx(nb, meta: Mapping[str, Any], results: Mapping[str, Any] | None = None,
                commentary: Any = None, *, brand: Mapping[str, Any], date: str) -> bytes:
    """The Word version of one report, from its cleaned notebook.

    Parameters
    ----------
    nb : NotebookNode
        The cleaned notebook (:func:`threec_helpers.batch.publish.clean_notebook`; masked when
        the run is).
    meta : mapping
        title, client_id, client_name, period, lang, masked, provenance (as for the HTML report).
    results : mapping, optional
        The results file: its ``charts`` give the figures' captions.
    commentary : str, mapping or sequence of pairs, optional
        The consultant's commentary, placed before the appendix.
    brand : mapping
        :meth:`threec_helpers.batch.branding.Branding.context` of the client.
    date : str
        The date on the cover (:func:`threec_helpers.batch.publish.report_date`).

    Returns
    -------
    bytes

    Examples
    --------
    >>> import io
    >>> import docx
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Revenue\\n\\nUp 3%.")])
    >>> meta = {"title": "Analysis", "client_id": "acme", "period": "FY2026", "lang": "en"}
    >>> data = report_docx(nb, meta, brand={}, date="2026-11-30")
    >>> [p.text for p in docx.Document(io.BytesIO(data)).paragraphs][-2:]
    ['Revenue', 'Up 3%.']
    """
    from .layout import notebook_blocks, split_title

    lang = meta["lang"]
    doc = WordDocument(lang, brand)
    client = meta.get("client_name") or meta["client_id"]
    doc.cover(meta["title"], client, meta["period"], date, bool(meta.get("masked")))
    doc.footer(client, meta["period"])
    nb, _, data_line = split_title(nb)
    blocks = notebook_blocks(nb)
    if sum(1 for b in blocks if b.kind == "heading" and b.level <= 2) >= 3:
        doc.contents()
    titles = [str(c.get("title") or "") for c in ((results or {}).get("charts") or [])]
    figures = sum(1 for b in blocks if b.kind == "figure")
    captions = titles if len(titles) == figures else [""] * figures
    heading = ""
    for block in blocks:
        if block.kind == "heading":
            heading = block.text
            doc.heading(block.text, 1 if block.level <= 2 else 2 if block.level == 3 else 3)
        elif block.kind == "text":
            for kind, text in block_paragraphs(block.html):
                doc.heading(text, 3) if kind == "h" else doc.paragraph(text, kind=kind)
        elif block.kind == "pre":
            doc.paragraph(block.text.strip())
        elif block.kind == "table":
            grid = html_table(block.html)
            if grid is not None:
                doc.table(grid, heading)
        elif block.kind == "figure":
            png = _figure_png(block.html)
            caption = captions[doc.figures] if doc.figures < len(captions) else ""
            if png:
                doc.figure(png, caption or heading)
    doc.commentary(commentary)
    _appendix(doc, meta, data_line)
    return doc.to_bytes(meta["title"])


def _figure_png(html: str) -> bytes | None:
    import re

    m = re.search(r'src="data:image/(?:png|jpeg);base64,([^"]+)"', html)
    return base64.b64decode(m.group(1)) if m else None


def _appendix(doc: WordDocument, meta: Mapping[str, Any], data_line: str) -> None:
    from .layout import plain

    prov = meta.get("provenance") or {}
    if not prov and not data_line:
        return
    doc.heading(t("batch.prov.title", doc.lang), 1)
    if data_line:
        doc.paragraph(plain(data_line), colour=doc.colours["muted"])
    rows = [[k, str(prov.get(k))] for k in ("notebook", "notebook_sha256", "threec_version", "git_commit", "run_id",
                                            "started", "finished") if prov.get(k)]
    rows += [[f"{name}", f"{v.get('file', '')} sha256={str(v.get('sha256', ''))[:16]}…"]
             for name, v in sorted((prov.get("inputs") or {}).items())]
    if rows:
        doc.table(Grid(["", ""], rows, [False, False]))


# --------------------------------------------------------------------------- the briefing


def briefing_docx(model: Mapping[str, Any], *, title: str, client_id: str, client_name: str, period: str,
                  lang: str, brand: Mapping[str, Any], date: str, masked: bool = False,
                  commentary: Any = None, provenance: Mapping[str, Any] | None = None) -> bytes:
    """The Word version of a briefing, from its sections (:func:`threec_helpers.batch.briefing.compose_briefing`).

    Parameters
    ----------
    model : mapping
        The briefing's ``sections`` (``id``, ``title``, ``paragraphs``, tables, subsections) and ``banners``.
    title, client_id, client_name, period, lang, date : str
    brand : mapping
        :meth:`threec_helpers.batch.branding.Branding.context`.
    masked : bool
        Say on the cover that names are masked.
    commentary : str, mapping or sequence of pairs, optional
        Shown before the conclusion section.
    provenance : mapping, optional
        Which data and which code made it (``threec_version``, ``git_commit``, ``run_id``,
        ``finished``, ``notebook``, ``inputs``: name -> file and SHA-256), as the HTML
        briefing's appendix shows them; an appendix "报告来源" / "Provenance" closes the file.

    Returns
    -------
    bytes

    Examples
    --------
    >>> import io
    >>> import docx
    >>> model = {"sections": [{"id": "value", "title": "Value", "paragraphs": ["Up 3%."]}]}
    >>> data = briefing_docx(model, title="Briefing", client_id="acme", client_name="Acme", period="FY2026",
    ...                      lang="en", brand={}, date="2026-11-30")
    >>> [p.text for p in docx.Document(io.BytesIO(data)).paragraphs][-2:]
    ['Value', 'Up 3%.']
    """
    doc = WordDocument(lang, brand)
    client = client_name or client_id
    doc.cover(title, client, period, date, masked)
    doc.footer(client, period)
    sections = list(model.get("sections") or [])
    if len(sections) >= 3:
        doc.contents()
    for banner in model.get("banners") or []:
        doc.paragraph(str(banner), colour=STATUS_COLOURS["bad"])
    for sec in sections:
        if sec.get("id") == "conclusion":
            doc.commentary(commentary)
        doc.heading(str(sec.get("title") or ""), 1)
        _briefing_part(doc, sec)
        for sub in sec.get("subsections") or []:
            doc.heading(str(sub.get("title") or ""), 2)
            _briefing_part(doc, sub)
    if provenance:
        _appendix(doc, {"provenance": provenance}, "")
    return doc.to_bytes(title)


def _briefing_part(doc: WordDocument, part: Mapping[str, Any]) -> None:
    for text in part.get("paragraphs") or []:
        doc.paragraph(str(text))
    doc.cards(part.get("cards") or [])
    for table in part.get("tables") or []:
        grid = Grid([c["label"] for c in table["columns"]], [[c["text"] for c in row] for row in table["rows"]])
        doc.table(grid, str(table.get("title") or ""))
    for text in part.get("bullets") or []:
        doc.paragraph(str(text), kind="li")
    charts = [c for c in part.get("charts") or [] if c.get("values")]
    if charts:
        png = _trends_png(charts, doc.lang)
        if png:
            if part.get("charts_note"):
                doc.paragraph(str(part["charts_note"]), colour=doc.colours["muted"])
            doc.figure(png, str(part.get("charts_title") or ""))


def _trends_png(charts: Sequence[Mapping[str, Any]], lang: str) -> bytes | None:
    """The briefing's trend charts drawn as one picture (Word cannot show the HTML's inline SVG)."""
    from ..plots.trends import objective_trends_figure

    fig = objective_trends_figure(list(charts), target_label=t("audits.label.target", lang))
    if fig is None:
        return None
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=MIN_DPI)
    return buf.getvalue()

