"""The PowerPoint deck of one client and period: editable, with native charts.

Made with python-pptx from the period's results files (:func:`deck_pptx`), so a consultant
can add slides, change a sentence and restyle a chart before the meeting:

1. a **title slide** (firm, title, client, period, date, confidentiality line);
2. the **scorecard**: the 3C scorecard of a 3C engagement, else every notebook's key
   figures as coloured cards;
3. per notebook: its **key figures** (cards, up to :data:`CARDS_PER_SLIDE` a slide), one
   slide per **chart** - a native PowerPoint chart with its data embedded (column, bar,
   line, pie, radar, scatter; a control chart is a line chart with its centre line and
   limits as series, the customer pyramid a bar chart), from the ``charts`` the notebook
   recorded (:mod:`threec_helpers.plots.chartdata`) - and one per **table**, as a native
   table continued on the next slide "(续)"/"(cont.)" when long;
4. **what changed** since the previous period, and the **conclusion** with the consultant's
   commentary when given.

Every slide's speaker notes say where its content comes from (and the commentary on the
conclusion). Layouts come from a template ``.pptx``: ``pptx_template`` of ``branding.yaml``, else
the bundled ``templates/office/default.pptx`` (16:9, made by :func:`build_default_template`);
colours from the branding. Every text run names the East Asian font (``a:ea``).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from pathlib import Path
from typing import Any, Mapping, Sequence

from ..i18n import has_key, t
from .office import (EAST_ASIAN_FONT, LATIN_FONT, STATUS_COLOURS, Grid, colours, commentary_sections, is_numeric_text,
                     logo_image, rgb)
from .publish import format_cell, table_header

TEMPLATE = Path(__file__).resolve().parent / "templates" / "office" / "default.pptx"
CARDS_PER_SLIDE = 8
ROWS_PER_SLIDE = 12
MAX_COLUMNS = 8
#: slide size of the bundled template (16:9), EMU
SLIDE_W, SLIDE_H = 12192000, 6858000
_PALETTE_EXTRA = ("#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")
#: left and right inset of a key-figure card's text, and of a table cell's, EMU
CARD_INSET, CELL_MARGIN = 91440, 45720
#: EMU in a point
EMU_PER_PT = 12700
#: advance of a Latin character in ems (plain, bold): room for a wider fallback face than Arial
#: (DejaVu Sans where Arial is missing); a CJK character is one em, two half-width characters
#: as :func:`threec_helpers.spreadsheet.text_width` counts them
LATIN_EM = (0.6, 0.7)
#: a text up to this many ems stays on one line in a table column (a word, a short label)
SHORT_EMS = 6.0
#: a column's wanted width, at most this many ems (longer texts wrap)
LONGEST_EMS = 24.0
_CJK_RUN = re.compile(r"[\u2e80-\U0010ffff]")


def text_ems(text: Any, bold: bool = False) -> float:
    """Width of one line of ``text`` in ems of its font size (CJK one em, other characters
    :data:`LATIN_EM`; the same rule as :func:`threec_helpers.spreadsheet.text_width`, where a CJK
    character counts two).

    Parameters
    ----------
    text : object
    bold : bool

    Returns
    -------
    float

    Examples
    --------
    >>> text_ems("营收"), text_ems("¥87,332,252"), text_ems("12", bold=True)
    (2.0, 6.6, 1.4)
    """
    latin = LATIN_EM[1 if bold else 0]
    return round(sum(1.0 if ord(ch) >= 0x2E80 else latin for ch in str(text)), 6)


def fit_size(text: Any, width: int, largest: float, smallest: float = 10, bold: bool = False) -> float:
    """The largest font size (points, in half points) at which ``text`` fits on one line ``width`` EMU wide.

    Parameters
    ----------
    text : object
    width : int
        The width of the line, EMU.
    largest, smallest : float
        The size when it fits, and the least size given whatever the text's length.
    bold : bool

    Returns
    -------
    float

    Examples
    --------
    >>> fit_size("¥87,332,252", 2438400, 28, bold=True)  # a 192-point card
    24.5
    >>> fit_size("12%", 2438400, 28, bold=True)
    28
    """
    ems = text_ems(text, bold)
    if not ems:
        return largest
    return max(smallest, min(largest, math.floor(width / EMU_PER_PT / ems * 2) / 2))


def least_ems(text: Any, bold: bool = False) -> float:
    """The narrowest a table column may be for ``text``, in ems: a short text (up to
    :data:`SHORT_EMS`) on one line, a longer one its longest word (Latin run) or two CJK characters.

    Parameters
    ----------
    text : object
    bold : bool

    Returns
    -------
    float

    Examples
    --------
    >>> least_ems("↓ 变差"), least_ems("持续改进并验证有效的措施"), least_ems("customers.potential_revenue x")
    (3.2, 2.0, 16.2)
    """
    text = str(text)
    if text_ems(text, bold) <= SHORT_EMS:
        return text_ems(text, bold)
    parts = [p for word in text.split() for p in _CJK_RUN.split(word)]
    longest = max((text_ems(p, bold) for p in parts), default=0.0)
    return max(longest, 2.0 if _CJK_RUN.search(text) else 0.0)


def column_widths(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int, largest: float,
                  smallest: float = 7) -> tuple[float, list[int]]:
    """A table's font size and column widths (EMU) on a slide ``width`` EMU wide: every column
    at least as wide as its header and its short texts on one line (:func:`least_ems`), the
    font made smaller (to ``smallest``) until those fit, and the width left shared out by how
    much more each column's longest text wants (up to :data:`LONGEST_EMS`).

    Parameters
    ----------
    headers : sequence of str
    rows : sequence of sequence of str
    width : int
        The table's width, EMU.
    largest, smallest : float
        Font sizes, points.

    Returns
    -------
    size : float
    widths : list of int
        Summing to ``width``.

    Examples
    --------
    >>> size, widths = column_widths(["等级", "部门", "描述"], [["一般不符合", "营销部", "长" * 60]], 11216640, 12)
    >>> size, [round(w / 12700) for w in widths]
    (12, [150, 98, 635])
    """
    n = len(headers)
    if not n:
        return largest, []
    least = [max([least_ems(headers[j], True)] + [least_ems(r[j]) for r in rows if j < len(r)]) for j in range(n)]
    wanted = [min(LONGEST_EMS, max([text_ems(headers[j], True)] + [text_ems(r[j]) for r in rows if j < len(r)]))
              for j in range(n)]
    wanted = [max(w, m) for w, m in zip(wanted, least)]
    pad = 2 * CELL_MARGIN / EMU_PER_PT + 3  # the cell's margins and a little air, points
    total = width / EMU_PER_PT
    size = largest
    while size > smallest and sum(m * size + pad for m in least) > total:
        size -= 0.5
    lo = [m * size + pad for m in least]
    hi = [w * size + pad for w in wanted]
    if sum(hi) <= total:
        pts = [h * total / sum(hi) for h in hi]
    elif sum(lo) <= total:
        extra, more = total - sum(lo), sum(h - m for h, m in zip(hi, lo))
        pts = [m + extra * (h - m) / more if more else m for h, m in zip(hi, lo)]
    else:  # too many columns even at the least size: shrink them alike
        pts = [m * total / sum(lo) for m in lo]
    widths = [int(p * EMU_PER_PT) for p in pts]
    widths[-1] += width - sum(widths)
    return size, widths


def build_default_template(path: Path = TEMPLATE) -> Path:
    """Write the bundled template: python-pptx's default layouts on a 16:9 slide (placeholders
    scaled to the wider slide). Run once by the developers; the file is in the package.

    Parameters
    ----------
    path : Path
        Where to write it (default: the bundled template's place).

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile
    >>> build_default_template(Path(tempfile.mkdtemp()) / "template.pptx").is_file()
    True
    """
    from pptx import Presentation

    prs = Presentation()
    scale = SLIDE_W / prs.slide_width
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    for holder in [*prs.slide_master.placeholders, *(p for lay in prs.slide_layouts for p in lay.placeholders)]:
        holder.left, holder.width = int(holder.left * scale), int(holder.width * scale)
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    prs.save(buf)
    from ..storage import write_bytes_atomic

    write_bytes_atomic(path, buf.getvalue())
    return path


def _layout(prs, names: Sequence[str], index: int):
    for lay in prs.slide_layouts:
        if lay.name in names:
            return lay
    return prs.slide_layouts[min(index, len(prs.slide_layouts) - 1)]


def set_fonts(text_frame_or_run_parent) -> None:
    """Name the Latin and East Asian fonts on every run (and end-of-paragraph mark) below an element.

    Parameters
    ----------
    text_frame_or_run_parent : python-pptx object or lxml element
        A text frame, shape, table cell ... (anything with ``_element``) or an element.

    Examples
    --------
    >>> from pptx import Presentation
    >>> slide = Presentation().slides.add_slide(Presentation().slide_layouts[5])
    >>> frame = slide.shapes.title.text_frame
    >>> frame.text = "营收"
    >>> set_fonts(frame)
    >>> frame.paragraphs[0].runs[0].font.name
    'Arial'
    """
    from pptx.oxml.ns import qn

    element = getattr(text_frame_or_run_parent, "_element", text_frame_or_run_parent)
    for tag in ("a:rPr", "a:endParaRPr", "a:defRPr"):
        for rpr in element.iter(qn(tag)):
            _fonts_on(rpr)
    for r in element.iter(qn("a:r")):
        if r.find(qn("a:rPr")) is None:
            from pptx.oxml import parse_xml

            r.insert(0, parse_xml('<a:rPr xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" lang="zh-CN"/>'))
            _fonts_on(r.find(qn("a:rPr")))


def _fonts_on(rpr) -> None:
    """Set ``a:latin`` and ``a:ea`` of one run's properties, in the schema's place (before ``a:cs``...)."""
    from lxml import etree
    from pptx.oxml.ns import qn

    for tag in ("a:latin", "a:ea"):
        for el in rpr.findall(qn(tag)):
            rpr.remove(el)
    new = []
    for tag, face in (("a:latin", LATIN_FONT), ("a:ea", EAST_ASIAN_FONT)):
        el = etree.Element(qn(tag))
        el.set("typeface", face)
        new.append(el)
    later = {qn(x) for x in ("a:cs", "a:sym", "a:hlinkClick", "a:hlinkMouseOver", "a:rtl", "a:extLst")}
    after = next((c for c in rpr if c.tag in later), None)
    for el in new:
        if after is not None:
            after.addprevious(el)
        else:
            rpr.append(el)


class Deck:
    """A deck being written (see the module docstring).

    Parameters
    ----------
    lang : {"zh", "en"}
    brand : dict
        The branding; its ``pptx_template`` (default: the bundled template) and ``colors``.
    footer : str
        The text at the foot of every slide.

    Examples
    --------
    >>> deck = Deck("en", {}, "Acme · FY2026")
    >>> _ = deck.slide("Revenue")
    >>> len(deck.prs.slides), deck.to_bytes("Acme")[:2]
    (1, b'PK')
    """

    def __init__(self, lang: str, brand: Mapping[str, Any], footer: str):
        from pptx import Presentation

        template = brand.get("pptx_template") or str(TEMPLATE)
        self.prs = Presentation(template)
        self.lang = lang
        self.brand = brand
        self.colours = colours(brand)
        self.footer = footer
        self.w, self.h = self.prs.slide_width, self.prs.slide_height
        self.title_layout = _layout(self.prs, ("Title Slide", "标题幻灯片"), 0)
        self.content_layout = _layout(self.prs, ("Title Only", "仅标题"), 5)

    # ---------------------------------------------------------------- shapes

    def text(self, slide, left, top, width, height, paragraphs: Sequence[str], *, size: float = 16,
             colour: str | None = None, bold: bool = False, align=None):
        from pptx.util import Pt
        from pptx.dml.color import RGBColor

        box = slide.shapes.add_textbox(left, top, width, height)
        tf = box.text_frame
        tf.word_wrap = True
        for i, text in enumerate(paragraphs):
            p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            if align is not None:
                p.alignment = align
            r = p.add_run()
            r.text = text
            r.font.size = Pt(size)
            r.font.bold = bold or None
            r.font.color.rgb = RGBColor(*rgb(colour or self.colours["ink"]))
        set_fonts(tf)
        return box

    def slide(self, title: str, notes: str = ""):
        """A content slide with its title, the footer line and the slide number, and speaker notes."""
        from pptx.util import Emu, Pt
        from pptx.dml.color import RGBColor

        slide = self.prs.slides.add_slide(self.content_layout)
        if slide.shapes.title is not None:
            slide.shapes.title.text = title
            tf = slide.shapes.title.text_frame
            size = fit_size(title, int(self.w * 0.92) - 2 * 91440, 26, smallest=16)
            for p in tf.paragraphs:
                for r in p.runs:
                    r.font.size = Pt(size)
                    r.font.color.rgb = RGBColor(*rgb(self.colours["primary"]))
            # the whole box: a template's title-only layout may leave the placeholder's size to the
            # master, and a box given only its top and height is saved with width 0 (a clipped title)
            title_box = slide.shapes.title
            title_box.left, title_box.top, title_box.width, title_box.height = self.box(0.03, 0.12)
            set_fonts(tf)
        else:
            self.text(slide, *self.box(0.03, 0.12), [title], size=26, colour=self.colours["primary"])
        number = len(self.prs.slides)
        self.text(slide, Emu(int(self.w * 0.04)), Emu(int(self.h * 0.94)), Emu(int(self.w * 0.8)), Emu(int(self.h * 0.05)),
                  [self.footer], size=9, colour=self.colours["muted"])
        from pptx.enum.text import PP_ALIGN

        self.text(slide, Emu(int(self.w * 0.88)), Emu(int(self.h * 0.94)), Emu(int(self.w * 0.08)),
                  Emu(int(self.h * 0.05)), [str(number)], size=9, colour=self.colours["muted"], align=PP_ALIGN.RIGHT)
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
            set_fonts(slide.notes_slide.notes_text_frame)
        return slide

    def box(self, top: float, height: float, left: float = 0.04, width: float = 0.92):
        from pptx.util import Emu

        return (Emu(int(self.w * left)), Emu(int(self.h * top)), Emu(int(self.w * width)), Emu(int(self.h * height)))

    # ---------------------------------------------------------------- slides

    def title_slide(self, title: str, lines: Sequence[str], date: str) -> None:
        from pptx.util import Emu, Pt
        from pptx.dml.color import RGBColor

        slide = self.prs.slides.add_slide(self.title_layout)
        logo = logo_image(self.brand)
        if logo:
            slide.shapes.add_picture(io.BytesIO(logo), Emu(int(self.w * 0.05)), Emu(int(self.h * 0.06)),
                                     height=Emu(int(self.h * 0.1)))
        if slide.shapes.title is not None:
            slide.shapes.title.text = title
            for r in slide.shapes.title.text_frame.paragraphs[0].runs:
                r.font.color.rgb = RGBColor(*rgb(self.colours["primary"]))
                r.font.size = Pt(36)
            set_fonts(slide.shapes.title.text_frame)
        subtitle = next((p for p in slide.placeholders if p.placeholder_format.idx == 1), None)
        text = [*lines, f"{self.brand.get('firm') or ''} · {date}"]
        if subtitle is not None:
            subtitle.text = "\n".join(text)
            set_fonts(subtitle.text_frame)
        else:
            self.text(slide, *self.box(0.6, 0.25), text, size=18)
        self.text(slide, *self.box(0.9, 0.06), [str(self.brand.get("confidentiality") or "")], size=10,
                  colour=self.colours["muted"])

    def cards(self, title: str, cards: Sequence[Mapping[str, Any]], notes: str = "") -> None:
        """Key figures as cards (label, value, status colour), :data:`CARDS_PER_SLIDE` a slide."""
        from pptx.enum.shapes import MSO_SHAPE
        from pptx.util import Pt
        from pptx.dml.color import RGBColor

        cont = t("panel.cont", self.lang)
        for start in range(0, len(cards), CARDS_PER_SLIDE):
            part = cards[start:start + CARDS_PER_SLIDE]
            slide = self.slide(title + (cont if start else ""), notes)
            cols = 4 if len(part) > 3 else len(part)
            rows = (len(part) + cols - 1) // cols
            gap = 0.02
            cw = (0.92 - gap * (cols - 1)) / cols
            ch = min(0.34, (0.74 - gap * (rows - 1)) / rows)
            for i, card in enumerate(part):
                x = 0.04 + (i % cols) * (cw + gap)
                y = 0.18 + (i // cols) * (ch + gap)
                shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, *self.box(y, ch, x, cw))
                shape.adjustments[0] = 0.08
                shape.fill.solid()
                shape.fill.fore_color.rgb = RGBColor(0xF6, 0xF8, 0xFA)
                status = str(card.get("status") or "neutral")
                shape.line.color.rgb = RGBColor(*rgb(STATUS_COLOURS.get(status, STATUS_COLOURS["neutral"])))
                shape.line.width = Pt(2.25 if status != "neutral" else 1)
                tf = shape.text_frame
                tf.word_wrap = True
                tf.margin_left = tf.margin_right = CARD_INSET
                p = tf.paragraphs[0]
                r = p.add_run()
                r.text = str(card.get("text") or "–")
                inner = int(self.w * cw) - 2 * CARD_INSET
                r.font.size, r.font.bold = Pt(fit_size(r.text, inner, 28, bold=True)), True
                r.font.color.rgb = RGBColor(*rgb(self.colours["primary"]))
                p2 = tf.add_paragraph()
                r2 = p2.add_run()
                r2.text = str(card.get("label") or card.get("key") or "")
                r2.font.size = Pt(13)
                r2.font.color.rgb = RGBColor(*rgb(self.colours["ink"]))
                if status != "neutral":
                    p3 = tf.add_paragraph()
                    r3 = p3.add_run()
                    r3.text = t(f"batch.status.{status}", self.lang)
                    r3.font.size = Pt(11)
                    r3.font.color.rgb = RGBColor(*rgb(STATUS_COLOURS[status]))
                set_fonts(tf)

    def table(self, title: str, grid: Grid, notes: str = "") -> int:
        """A native table, continued over slides of :data:`ROWS_PER_SLIDE` rows; returns the slides made."""
        from pptx.enum.text import PP_ALIGN
        from pptx.util import Emu, Pt
        from pptx.dml.color import RGBColor

        headers, rows, numeric = grid.headers, grid.rows, grid.numeric
        left_out = []
        if len(headers) > MAX_COLUMNS:
            left_out = headers[MAX_COLUMNS:]
            headers, numeric = headers[:MAX_COLUMNS], numeric[:MAX_COLUMNS]
            rows = [r[:MAX_COLUMNS] for r in rows]
            notes = (notes + "\n" if notes else "") + t("office.notes.columns_left_out", self.lang, n=len(left_out),
                                                        columns="、".join(left_out) if self.lang == "zh"
                                                        else ", ".join(left_out))
        longest = max((len(c) for r in rows for c in r), default=0)
        per_slide = ROWS_PER_SLIDE if longest < 40 else 7
        parts = Grid(headers, rows, numeric).split(per_slide) if rows else [Grid(headers, [], numeric)]
        cont = t("panel.cont", self.lang)
        largest = 12 if len(headers) <= 5 else 10 if len(headers) <= 7 else 9
        left, top, width, _ = self.box(0.17, 0.74)
        # one size and one set of widths for every part, so a continued table looks the same
        size, widths = column_widths(headers, [[str(c) for c in r] for r in rows], int(width), largest)
        for k, part in enumerate(parts):
            slide = self.slide(title + (cont if k else ""), notes)
            height = Emu(int(self.h * 0.055 * (len(part.rows) + 1)))
            shape = slide.shapes.add_table(len(part.rows) + 1, len(headers), left, top, width, height)
            table = shape.table
            table.first_row = True
            for j, w in enumerate(widths):
                table.columns[j].width = Emu(w)
            for i, row in enumerate([headers, *part.rows]):
                for j, text in enumerate(row):
                    cell = table.cell(i, j)
                    cell.text = str(text)
                    cell.margin_left = cell.margin_right = CELL_MARGIN
                    p = cell.text_frame.paragraphs[0]
                    if numeric[j]:
                        p.alignment = PP_ALIGN.RIGHT
                    for r in p.runs:
                        r.font.size = Pt(size)
                        r.font.bold = i == 0 or None
                        if i == 0:
                            r.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
                    if i == 0:
                        cell.fill.solid()
                        cell.fill.fore_color.rgb = RGBColor(*rgb(self.colours["primary"]))
                    elif i % 2 == 0:
                        cell.fill.solid()
                        cell.fill.fore_color.rgb = RGBColor(0xF3, 0xF5, 0xF7)
                    else:
                        cell.fill.solid()
                        cell.fill.fore_color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
                    set_fonts(cell.text_frame)
        return len(parts)

    def chart(self, title: str, panels: Sequence[Mapping[str, Any]], notes: str = "") -> int:
        """Native charts of a recorded figure: up to two panels on one slide (a control chart and its
        moving ranges), more over further slides; returns the slides made."""
        made = 0
        usable = [p for p in panels if p.get("series") and (p.get("categories") or p.get("kind") == "scatter")]
        for start in range(0, len(usable), 2):
            part = usable[start:start + 2]
            slide = self.slide(title, notes)
            made += 1
            top, total = 0.16, 0.76
            heights = [total] if len(part) == 1 else [total * 0.62, total * 0.36]
            y = top
            for p, h in zip(part, heights):
                add_chart(slide, p, self.box(y, h), self.colours, show_title=len(part) > 1 or bool(p.get("title")) and p.get("title") != title)
                y += h + 0.01
        return made

    def to_bytes(self, title: str) -> bytes:
        props = self.prs.core_properties
        props.title = title
        props.author = str(self.brand.get("firm") or "threec")
        props.created = props.modified = dt.datetime(2000, 1, 1)
        buf = io.BytesIO()
        self.prs.save(buf)
        return buf.getvalue()


def chart_type(p: Mapping[str, Any]):
    """The python-pptx chart type of a recorded panel.

    Parameters
    ----------
    p : dict
        A recorded panel (:mod:`threec_helpers.plots.chartdata`): ``kind``, ``stacked``, ``categories``.

    Returns
    -------
    XL_CHART_TYPE

    Examples
    --------
    >>> chart_type({"kind": "bar"}), chart_type({"kind": "line", "categories": list(range(50))})
    (<XL_CHART_TYPE.BAR_CLUSTERED: 57>, <XL_CHART_TYPE.LINE: 4>)
    """
    from pptx.enum.chart import XL_CHART_TYPE as T

    kind, stacked = p.get("kind"), p.get("stacked")
    return {"column": T.COLUMN_STACKED if stacked else T.COLUMN_CLUSTERED,
            "bar": T.BAR_STACKED if stacked else T.BAR_CLUSTERED,
            "line": T.LINE_MARKERS if len(p.get("categories") or []) <= 40 else T.LINE,
            "pie": T.PIE, "radar": T.RADAR_MARKERS, "scatter": T.XY_SCATTER}[kind]


def add_chart(slide, p: Mapping[str, Any], box, palette: Mapping[str, str], show_title: bool = True):
    """Add one recorded panel (:mod:`threec_helpers.plots.chartdata`) as a native chart with its data.

    Parameters
    ----------
    slide : pptx.slide.Slide
    p : dict
        The panel: ``kind``, ``title``, ``categories``, ``series`` (``name``, ``values``; ``x`` for a scatter).
    box : tuple
        ``(left, top, width, height)`` in EMU (:meth:`Deck.box`).
    palette : dict
        The brand's colours (:func:`~threec_helpers.batch.office.colours`).
    show_title : bool
        Show the panel's title on the chart.

    Returns
    -------
    pptx.shapes.graphfrm.GraphicFrame
        The chart's frame.

    Examples
    --------
    >>> deck = Deck("en", {}, "Acme")
    >>> slide = deck.slide("Revenue")
    >>> panel = {"kind": "column", "title": "Revenue", "categories": ["Q1", "Q2"],
    ...          "series": [{"name": "Revenue", "values": [1.0, 2.0]}]}
    >>> add_chart(slide, panel, deck.box(0.2, 0.6), deck.colours).has_chart
    True
    """
    from pptx.chart.data import CategoryChartData, XyChartData
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_LEGEND_POSITION
    from pptx.util import Pt

    kind = p["kind"]
    if kind == "scatter":
        data = XyChartData()
        for s in p["series"]:
            ser = data.add_series(s["name"])
            for x, y in zip(s.get("x") or [], s["values"]):
                if x is not None and y is not None:
                    ser.add_data_point(x, y)
    else:
        data = CategoryChartData(number_format="0.0%" if p.get("percent") else "General")
        data.categories = [str(c) for c in p["categories"]]
        for s in p["series"]:
            data.add_series(str(s["name"]), [v for v in s["values"]])
    frame = slide.shapes.add_chart(chart_type(p), *box, data)
    chart = frame.chart
    chart.font.size = Pt(11)
    chart.has_legend = len(p["series"]) > 1 or kind == "pie"
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    if show_title and p.get("title"):
        chart.has_title = True
        chart.chart_title.text_frame.text = str(p["title"])
    else:
        chart.has_title = False
    colours_ = [palette["primary"], palette["accent"], *_PALETTE_EXTRA]
    control = kind == "line" and len(p["series"]) >= 4 and p.get("control", True)
    for i, plot in enumerate(chart.plots):
        if kind == "bar":
            chart.category_axis.reverse_order = True  # the first category on top, as recorded
        if kind == "pie":
            for j, point in enumerate(plot.series[0].points):
                point.format.fill.solid()
                point.format.fill.fore_color.rgb = RGBColor(*rgb(colours_[j % len(colours_)]))
            continue
        for j, series in enumerate(plot.series):
            colour = RGBColor(*rgb(colours_[j % len(colours_)]))
            if kind in ("column", "bar"):
                series.format.fill.solid()
                series.format.fill.fore_color.rgb = colour
            elif kind in ("line", "radar"):
                series.format.line.color.rgb = colour
                series.format.line.width = Pt(2 if j == 0 else 1.25)
                series.smooth = False
                if j > 0 and control:  # centre line and limits: no markers; limits dashed
                    from pptx.enum.chart import XL_MARKER_STYLE
                    from pptx.enum.dml import MSO_LINE_DASH_STYLE

                    series.marker.style = XL_MARKER_STYLE.NONE
                    if j >= 2:
                        series.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
    set_fonts(frame.chart._chartSpace)  # noqa: SLF001 - the chart's XML: name the fonts of its texts
    _chart_fonts(frame.chart)
    return frame


def _chart_fonts(chart) -> None:
    """Name the East Asian font in the chart's default text properties (axis labels, legend)."""
    from pptx.oxml.ns import qn

    space = chart._chartSpace  # noqa: SLF001
    for rpr in space.iter(qn("a:defRPr")):
        _fonts_on(rpr)


# --------------------------------------------------------------------------- the deck of a period


def deck_pptx(results: Mapping[str, Mapping[str, Any]], model: Mapping[str, Any], *, title: str, client_id: str,
              client_name: str, period: str, lang: str, brand: Mapping[str, Any], date: str, engagement: str = "",
              masked: bool = False, commentary: Any = None) -> bytes:
    """The deck of one client and period.

    Parameters
    ----------
    results : mapping
        notebook -> results payload (:func:`threec_helpers.report.results.read_results`; masked
        when the run is), in the order the slides should follow.
    model : mapping
        The briefing's sections (:func:`threec_helpers.batch.briefing.compose_briefing`): the
        scorecard and "what changed" tables come from it.
    title, client_id, client_name, period, lang, date : str
    brand : mapping
        :meth:`threec_helpers.batch.branding.Branding.context` (``pptx_template`` optional).
    masked : bool
    commentary : str, mapping or sequence of pairs, optional
        Shown on the conclusion slide and in its speaker notes.

    Returns
    -------
    bytes

    Examples
    --------
    >>> import io
    >>> from pptx import Presentation
    >>> data = deck_pptx({}, {}, title="Briefing", client_id="acme", client_name="Acme", period="FY2026",
    ...                  lang="en", brand={}, date="2026-11-30", commentary="A good year.")
    >>> len(Presentation(io.BytesIO(data)).slides)
    2
    """
    client = client_name or client_id
    footer = f"{client} · {period}" + (f" · {brand.get('confidentiality')}" if brand.get("confidentiality") else "")
    deck = Deck(lang, brand, footer)
    lines = [client, period] + ([t("batch.report.masked", lang)] if masked else [])
    deck.title_slide(title, lines, date)
    sections = {s.get("id"): s for s in model.get("sections") or []}
    score = sections.get("scorecard")
    if score and score.get("tables"):
        deck.table(t("office.scorecard", lang), _model_grid(score["tables"][0]), "\n".join(score.get("paragraphs") or []))
    else:
        cards = [h for payload in results.values() for h in payload.get("headline") or []]
        if cards:
            deck.cards(t("office.scorecard", lang), cards, _figures_note(cards, lang))
    for nb, payload in results.items():
        name = str(payload.get("title") or nb)
        if score and payload.get("headline"):
            deck.cards(f"{name} · {t('office.key_figures', lang)}", payload["headline"],
                       _figures_note(payload["headline"], lang))
        for chart in payload.get("charts") or []:
            deck.chart(str(chart.get("title") or name), chart.get("panels") or [],
                       t("office.notes.chart", lang, source=name))
        from ..report.tables import table_title

        for tname in payload.get("tables") or {}:
            grid = recorded_grid(payload, tname, lang)
            if grid is not None:
                deck.table(table_title(tname, lang), grid, t("office.notes.table", lang, source=name))
    changes = sections.get("changes")
    if changes and changes.get("tables"):
        grid, left_out = changes_grid(changes["tables"][0])
        title = t("office.what_changed", lang)
        notes = ""
        if left_out:
            title = t("office.what_changed_top", lang, n=len(grid.rows), total=len(grid.rows) + len(left_out))
            notes = t("office.notes.changes_left_out", lang, n=len(left_out),
                      figures=("、" if lang == "zh" else ", ").join(left_out))
        deck.table(title, grid, notes)
    # the briefing's own conclusion (for 3C it opens with what is off), else the notebooks'
    told = (sections.get("conclusion") or {}).get("paragraphs") or []
    conclusions = [str(p) for p in told] or [str(p.get("conclusion")) for p in results.values() if p.get("conclusion")]
    notes = "\n\n".join(f"{h}\n{text}" if h else text for h, text in commentary_sections(commentary, lang))
    slide = deck.slide(t("office.conclusion", lang), notes or "\n".join(conclusions))
    body = conclusions + [text for _, text in commentary_sections(commentary, lang)]
    deck.text(slide, *deck.box(0.18, 0.72), body or [t("batch.brief.no_conclusion", lang)],
              size=18 if sum(len(b) for b in body) < 400 else 14)
    return deck.to_bytes(title)


def recorded_grid(payload: Mapping[str, Any], name: str, lang: str) -> Grid | None:
    """Table ``name`` of a results payload as the report showed it: its ``views`` entry (the
    columns shown, their headers and the values in the report's words: money with its currency
    sign, percentages, tiers and statuses by their labels), else the records formatted as the
    report formats them (:func:`records_table` with the recorded ``formats``).

    Parameters
    ----------
    payload : mapping
        A results payload (:func:`threec_helpers.report.results.read_results`).
    name : str
        The table's name.
    lang : {"zh", "en"}

    Returns
    -------
    Grid or None
        None when the table holds no records.

    Examples
    --------
    >>> payload = {"tables": {"tiers": [{"tier": "top", "revenue": 22381433.72}]},
    ...            "views": {"tiers": {"columns": ["tier", "revenue"], "headers": {"tier": "层级", "revenue": "收入"},
    ...                                "rows": [["顶级客户", "¥22,381,434"]]}}}
    >>> g = recorded_grid(payload, "tiers", "zh")
    >>> g.headers, g.rows, g.numeric
    (['层级', '收入'], [['顶级客户', '¥22,381,434']], [False, True])
    """
    rows = (payload.get("tables") or {}).get(name)
    if not (isinstance(rows, list) and rows and all(isinstance(r, Mapping) for r in rows)):
        return None
    headers = dict((payload.get("columns") or {}).get(name) or {})
    view = (payload.get("views") or {}).get(name)
    if isinstance(view, Mapping) and view.get("columns"):
        columns = [str(c) for c in view["columns"]]
        headers.update(view.get("headers") or {})
        texts = [["–" if v is None else str(v) for v in r] for r in view.get("rows") or []]
        numeric = [any(j < len(r) and r[j] != "–" for r in texts)
                   and all(j >= len(r) or r[j] == "–" or is_numeric_text(r[j]) for r in texts)
                   for j in range(len(columns))]
        return Grid([table_header(c, lang, headers) for c in columns], texts, numeric)
    shown = [c for c in (payload.get("shown_columns") or {}).get(name) or [] if c in rows[0]]
    return records_table(rows, lang, headers, columns=shown or None,
                         formats=(payload.get("formats") or {}).get(name), currency=payload.get("currency"))


def records_table(rows: Sequence[Mapping[str, Any]], lang: str, headers: Mapping[str, str] | None = None,
                  title: str = "", columns: Sequence[str] | None = None, formats: Mapping[str, str] | None = None,
                  currency: str | None = None) -> Grid:
    """A results-file table (records) as a :class:`Grid`: headers as the report showed them
    (:func:`threec_helpers.batch.publish.table_header`), values formatted as a phase report
    formats them (:func:`threec_helpers.report.tables.phase_table`: tiers, RAG and table ids in
    words; number formats of :data:`~threec_helpers.report.tables.TABLE_FORMATS` and ``formats``,
    through :func:`threec_helpers.report.context.format_frame`), other values by
    :func:`threec_helpers.batch.publish.format_cell`.

    Parameters
    ----------
    rows : sequence of dict
        The records.
    lang : {"zh", "en"}
    headers : dict, optional
        Column -> header, over the defaults.
    title : str
    columns : sequence of str, optional
        The columns shown, in order (default: every key, in order of appearance).
    formats : mapping, optional
        Column -> the report's format of it (``formats`` of the results file).
    currency : str, optional
        ISO code of the money columns (default CNY).

    Returns
    -------
    Grid

    Examples
    --------
    >>> g = records_table([{"tier": "top", "customers": 12, "revenue": 22381433.72},
    ...                    {"tier": "total", "customers": 1204, "revenue": None}], "zh")
    >>> g.headers, g.rows, g.numeric
    (['层级', '客户数', '收入'], [['顶级客户', '12', '¥22,381,434'], ['合计', '1,204', '–']], [False, True, True])
    """
    cols: list[str] = list(columns or [])
    if not cols:
        for r in rows:
            for k in r:
                if k not in cols:
                    cols.append(k)
    body, numeric = [], []
    for c in cols:
        values = [r.get(c) for r in rows]
        numeric.append(any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
                       and all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in values))
    import pandas as pd

    from ..report.context import format_frame
    from ..report.tables import phase_table

    frame = pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols, dtype=object)
    table = phase_table(frame, lang, **{str(k): str(v) for k, v in (formats or {}).items()})
    words = format_frame(table.shown(), lang, {c: f for c, f in table.formats.items() if c in cols},
                         currency or "CNY")
    for i, r in enumerate(rows):
        cells = []
        for c in cols:
            v, shown = r.get(c), words[c].iloc[i]
            if v is None or isinstance(v, float) and math.isnan(v):
                cells.append("–")
            elif c == "status" and isinstance(v, str) and has_key(f"batch.status.{v}"):
                cells.append(t(f"batch.status.{v}", lang))
            elif isinstance(shown, str) and not isinstance(v, bool):
                cells.append(shown)
            else:  # unformatted by the report's path: a number, a yes/no
                cells.append(format_cell(v, lang, c))
        body.append(cells)
    return Grid([table_header(c, lang, dict(headers or {})) for c in cols], body, numeric, title)


#: order of the rows of "what changed" on a slide: the changes a panel must hear first
_CHANGE_RANK = {"worse": 0, "better": 1}


def changes_grid(table: Mapping[str, Any], limit: int = ROWS_PER_SLIDE) -> tuple[Grid, list[str]]:
    """The "what changed" table of a briefing as one slide: the figures that got worse first,
    then those that got better, then the rest, at most ``limit`` rows; and the figures left out.

    The briefing, its Word file and the report keep the whole table; a deck tells a panel what
    moved, on one slide, and names the others in the speaker notes.

    Parameters
    ----------
    table : mapping
        The briefing's table (``columns``: ``label``; ``rows``: cells with ``text`` and ``cls``,
        the direction cell's ``cls`` being ``"direction worse"``, ``"direction better"``, ...).
    limit : int
        Rows on the slide.

    Returns
    -------
    grid : Grid
        The rows shown, in the order above (the briefing's order within each group).
    left_out : list of str
        The first cell (the figure's name) of each row not shown.

    Examples
    --------
    >>> row = lambda name, cls: [{"text": name, "cls": ""}, {"text": "↑", "cls": cls}]
    >>> table = {"columns": [{"label": "指标"}, {"label": "方向"}],
    ...          "rows": [row("收入", "direction neutral"), row("保留率", "direction worse"),
    ...                   row("利润", "direction better")]}
    >>> grid, left_out = changes_grid(table, limit=2)
    >>> [r[0] for r in grid.rows], left_out
    (['保留率', '利润'], ['收入'])
    """
    def rank(row: Sequence[Mapping[str, Any]]) -> int:
        classes = " ".join(str(c.get("cls") or "") for c in row).split()
        return min((_CHANGE_RANK[c] for c in classes if c in _CHANGE_RANK), default=len(_CHANGE_RANK))

    rows = sorted(table["rows"], key=rank)  # stable: the briefing's order within a group
    shown, rest = rows[:limit], rows[limit:]
    grid = Grid([c["label"] for c in table["columns"]], [[c["text"] for c in row] for row in shown])
    return grid, [str(row[0]["text"]) for row in rest]


def _model_grid(table: Mapping[str, Any]) -> Grid:
    return Grid([c["label"] for c in table["columns"]], [[c["text"] for c in row] for row in table["rows"]])


def _figures_note(cards: Sequence[Mapping[str, Any]], lang: str) -> str:
    sep = "；" if lang == "zh" else "; "
    return t("office.notes.figures", lang, figures=sep.join(f"{c.get('label') or c.get('key')} {c.get('text', '')}"
                                                             for c in cards))
