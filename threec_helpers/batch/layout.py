"""Page and slide layout of the static panel outputs (PDF, HTML report, slide deck).

What a board reads is laid out here, from a cleaned notebook
(:func:`threec_helpers.batch.publish.clean_notebook`):

- :func:`split_title` takes the notebook's own title block (its level-1 heading and the
  line under it: period, version, input-data fingerprint) out of the body: the cover shows
  title, client and period, and the fingerprint goes to the provenance appendix;
- :func:`add_contents` numbers the sections of an exported report (``id="sec-N"``) and
  builds the contents list, whose page numbers WeasyPrint fills in (``target-counter``);
- :func:`mark_tables` classes wide tables (many columns) so that print.css sets them across
  the page in small type, and long ones so that they may break across pages;
- :func:`notebook_blocks` and :func:`paginate` turn the notebook into slides: one per
  section, figure or table; a table too long for a slide continues on the next with
  "(续)" / "(cont.)"; nothing is left to scroll (the browser test checks every demo deck).

All functions are pure (HTML text in, HTML text out), so unit tests check them without a
browser.
"""

from __future__ import annotations

import html as _html
import math
import re
from dataclasses import dataclass, field
from typing import Any

from ..i18n import t

#: slide canvas (reveal.js ``width``/``height``) and the content box under a slide's title, in px
SLIDE_W, SLIDE_H = 1280, 720
CONTENT_W, CONTENT_H = 1180, 520
#: type sizes on slides (px), as in templates/slides.html.j2
TEXT_PX, TABLE_PX, TABLE_ROW_PAD = 24, 16, 10
#: a table with at least this many columns spans the page's width in small type ("many"); with
#: at least WIDE_COLUMNS in smaller type still ("wide"); cells wrap at phrase boundaries
MANY_COLUMNS, WIDE_COLUMNS = 6, 11

_HEADING_LINE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ANCHOR = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)
_TAG = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """HTML or Markdown inline text as plain text (tags removed, entities decoded).

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    Examples
    --------
    >>> plain("<b>Profit</b> &amp; loss ")
    'Profit & loss'
    """
    return _html.unescape(_TAG.sub("", text or "")).strip()


def _markdown(text: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return _ANCHOR.sub("", markdown2html_mistune(text))


# --------------------------------------------------------------------------- title block


def split_title(nb):
    """Take the notebook's title block out of a cleaned notebook.

    The title block is the first level-1 Markdown heading a cell displays
    (:meth:`threec_helpers.report.context.NotebookContext.title`) and the Markdown line
    displayed right after it (period, software version, input-data fingerprint).

    Parameters
    ----------
    nb : NotebookNode
        An executed, cleaned notebook.

    Returns
    -------
    (NotebookNode, str, str)
        The notebook without them (a copy), the title's text and the subtitle's Markdown
        ("" when there is none).

    Examples
    --------
    >>> import nbformat
    >>> cell = nbformat.v4.new_code_cell("ctx.title()")
    >>> cell.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": md}) for md in
    ...                 ("# Annual report", "FY2025 · threec 1.0", "## Findings\\n\\nAll good.")]
    >>> nb = nbformat.v4.new_notebook(cells=[cell])
    >>> rest, title, subtitle = split_title(nb)
    >>> title, subtitle, len(rest.cells[0].outputs)
    ('Annual report', 'FY2025 · threec 1.0', 1)
    """
    import copy

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outs = cell.get("outputs", [])
        for i, out in enumerate(outs):
            md = _md_of(out)
            if md is None:
                continue
            m = _HEADING_LINE.match(md.strip().splitlines()[0]) if md.strip() else None
            if not (m and len(m.group(1)) == 1 and len(md.strip().splitlines()) == 1):
                return nb, "", ""
            title = m.group(2)
            subtitle = ""
            drop = [i]
            if i + 1 < len(outs) and _md_of(outs[i + 1]) is not None and not _md_of(outs[i + 1]).lstrip().startswith("#"):
                subtitle = _md_of(outs[i + 1]).strip()
                drop.append(i + 1)
            cell.outputs = [o for j, o in enumerate(outs) if j not in drop]
            nb.cells = [c for c in nb.cells if c.cell_type != "code" or c.outputs]
            return nb, title, subtitle
        if outs:
            return nb, "", ""
    return nb, "", ""


def _md_of(out) -> str | None:
    data = out.get("data") or {}
    if "text/markdown" in data:
        value = data["text/markdown"]
        return "".join(value) if isinstance(value, list) else str(value)
    return None


# --------------------------------------------------------------------------- report HTML


_H2 = re.compile(r"<h2(\s[^>]*)?>(.*?)</h2>", re.S)


def add_contents(body: str, lang: str, *, min_sections: int = 3) -> tuple[str, str]:
    """Give every level-2 heading of a report an id and build the contents list.

    Parameters
    ----------
    body : str
        The report's HTML.
    lang : {"zh", "en"}
    min_sections : int
        Fewer sections than this get no contents (a short report needs none).

    Returns
    -------
    (str, str)
        The HTML with ``id="sec-N"`` on each heading, and the contents ``<nav>`` ("" when
        there are fewer than ``min_sections`` sections). print.css adds the page numbers.

    Examples
    --------
    >>> body, nav = add_contents("<h2>A</h2><p>x</p><h2>B</h2><h2>C</h2>", "en")
    >>> body
    '<h2 id="sec-1">A</h2><p>x</p><h2 id="sec-2">B</h2><h2 id="sec-3">C</h2>'
    >>> nav.count("<li>"), add_contents("<h2>A</h2>", "en")[1]
    (3, '')
    """
    entries: list[tuple[str, str]] = []

    def number(m: re.Match) -> str:
        attrs = re.sub(r'\s*id="[^"]*"', "", m.group(1) or "")
        sid = f"sec-{len(entries) + 1}"
        entries.append((sid, plain(_ANCHOR.sub("", m.group(2)))))
        return f'<h2 id="{sid}"{attrs}>{_ANCHOR.sub("", m.group(2))}</h2>'

    body = _H2.sub(number, body)
    appendices = len(re.findall(r'<h2 id="sec-\d+"[^>]*class="appendix-title"', body))
    if len(entries) - appendices < min_sections:
        return body, ""
    items = "".join(f'<li><a href="#{sid}">{_html.escape(text)}</a></li>' for sid, text in entries)
    nav = (f'<nav class="contents"><h2 class="contents-title">{_html.escape(t("panel.contents", lang))}</h2>'
           f"<ol>{items}</ol></nav>")
    return body, nav


_TABLE = re.compile(r"<table(\s[^>]*)?>(.*?)</table>", re.S)


def table_columns(table_html: str) -> int:
    """Number of columns of an HTML table (its header row, else its first row).

    Parameters
    ----------
    table_html : str

    Returns
    -------
    int

    Examples
    --------
    >>> table_columns("<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>")
    2
    """
    head = re.search(r"<tr[^>]*>(.*?)</tr>", table_html, re.S)
    return len(re.findall(r"<t[hd][\s>]", head.group(1))) if head else 0


def mark_tables(body: str) -> str:
    """Class the tables of a report for print: ``many`` (>= :data:`MANY_COLUMNS` columns: the
    page's full width), ``wide`` (>= :data:`WIDE_COLUMNS`: smaller type) and ``long``
    (more than 6 rows: may break across pages between rows, header repeated).

    Parameters
    ----------
    body : str
        A report's HTML.

    Returns
    -------
    str

    Examples
    --------
    >>> table = ("<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody>"
    ...          + "<tr><td>1</td><td>2</td></tr>" * 8 + "</tbody></table>")
    >>> mark_tables(table)[:21]
    '<table class="long"><'
    """

    def mark(m: re.Match) -> str:
        attrs, inner = m.group(1) or "", m.group(2)
        classes = []
        ncols = table_columns(inner)
        if ncols >= MANY_COLUMNS:
            classes.append("many")
        if ncols >= WIDE_COLUMNS:
            classes.append("wide")
        if len(re.findall(r"<tr[\s>]", inner)) > 7:
            classes.append("long")
        if not classes:
            return m.group(0)
        if 'class="' in attrs:
            attrs = attrs.replace('class="', 'class="' + " ".join(classes) + " ", 1)
        else:
            attrs += f' class="{" ".join(classes)}"'
        table = f"<table{attrs}>{inner}</table>"
        return table

    return _TABLE.sub(mark, body)


# --------------------------------------------------------------------------- slides


@dataclass
class Block:
    """One piece of a slide: ``heading`` (level, text), ``text``, ``table``, ``figure`` or ``pre``.

    Attributes
    ----------
    kind : str
    html : str
        What the slide shows.
    level : int
        A heading's level.
    text : str
        Plain text (headings, paragraphs), for measuring and titles.

    See Also
    --------
    notebook_blocks : a notebook's outputs as blocks.

    Examples
    --------
    >>> Block("heading", "<h2>Findings</h2>", level=2, text="Findings").kind
    'heading'
    """

    kind: str
    html: str = ""
    level: int = 0
    text: str = ""


@dataclass
class Slide:
    """One slide: its title, an optional kicker (the section it belongs to) and its blocks.

    Attributes
    ----------
    title : str
    blocks : list of Block
    kicker : str
    kind : str
        ``content`` (others are the caller's, e.g. the title slide).

    See Also
    --------
    paginate : lays blocks out as slides.

    Examples
    --------
    >>> Slide("Findings", [Block("text", "<p>All good.</p>", text="All good.")]).html
    '<p>All good.</p>'
    """

    title: str
    blocks: list[Block] = field(default_factory=list)
    kicker: str = ""
    kind: str = "content"

    @property
    def html(self) -> str:
        """The blocks' HTML, in order."""
        return "\n".join(b.html for b in self.blocks)


def _markdown_blocks(md: str) -> list[Block]:
    blocks: list[Block] = []
    buf: list[str] = []

    def flush() -> None:
        text = "\n".join(buf).strip()
        buf.clear()
        if text:
            blocks.append(Block("text", _markdown(text), text=plain(_markdown(text))))

    for line in md.splitlines():
        m = _HEADING_LINE.match(line)
        if m:
            flush()
            blocks.append(Block("heading", level=len(m.group(1)), text=plain(m.group(2))))
        else:
            buf.append(line)
    flush()
    return blocks


def notebook_blocks(nb) -> list[Block]:
    """The outputs of a cleaned notebook as a flat list of blocks, in order.

    Parameters
    ----------
    nb : NotebookNode

    Returns
    -------
    list of Block

    See Also
    --------
    paginate : the blocks as slides.

    Examples
    --------
    >>> import nbformat
    >>> cell = nbformat.v4.new_code_cell("ctx.title()")
    >>> cell.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": md}) for md in
    ...                 ("# Annual report", "FY2025 · threec 1.0", "## Findings\\n\\nAll good.")]
    >>> nb = nbformat.v4.new_notebook(cells=[cell])
    >>> [(b.kind, b.text) for b in notebook_blocks(split_title(nb)[0])]
    [('heading', 'Findings'), ('text', 'All good.')]
    """
    blocks: list[Block] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            blocks += _markdown_blocks(cell.source or "")
            continue
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "stream":
                text = out.get("text", "")
                blocks.append(Block("pre", f"<pre>{_html.escape(text)}</pre>", text=text))
                continue
            data = out.get("data") or {}
            if "image/png" in data or "image/jpeg" in data:
                mime = "image/png" if "image/png" in data else "image/jpeg"
                src = str(data[mime]).replace("\n", "")
                blocks.append(Block("figure", f'<img src="data:{mime};base64,{src}" alt="">'))
            elif "image/svg+xml" in data:
                value = data["image/svg+xml"]
                blocks.append(Block("figure", "".join(value) if isinstance(value, list) else str(value)))
            elif "text/html" in data:
                value = data["text/html"]
                value = "".join(value) if isinstance(value, list) else str(value)
                blocks += _html_blocks(value)
            elif "text/markdown" in data:
                blocks += _markdown_blocks(_md_of(out) or "")
            elif "text/plain" in data:
                value = data["text/plain"]
                value = "".join(value) if isinstance(value, list) else str(value)
                blocks.append(Block("pre", f"<pre>{_html.escape(value)}</pre>", text=value))
    return blocks


#: cards of a grid of small charts (the trends' sparklines) on one slide: two rows of three
CARDS_PER_SLIDE = 6
_GRID = '<div class="trend-grid">'
_CARD = '<div class="trend-card '


def _grid_blocks(value: str) -> list[Block] | None:
    """A grid of small chart cards as figure blocks of :data:`CARDS_PER_SLIDE` cards each (a
    figure gets a slide of its own), or None when ``value`` holds no such grid. The cards' SVG
    charts make the grid far taller than its text, which a text block would be sized by.

    Examples
    --------
    >>> grid = "<style>.x{}</style>" + _GRID + "".join(f'{_CARD}same">{i}</div>' for i in range(8)) + "</div>"
    >>> [(b.kind, b.html.count(_CARD)) for b in _grid_blocks(grid)]
    [('figure', 6), ('figure', 2)]
    >>> _grid_blocks("<p>no grid</p>") is None
    True
    """
    start = value.find(_GRID)
    if start < 0:
        return None
    head, grid = value[:start], value[start + len(_GRID):]
    end = grid.rfind("</div>")
    inner, tail = (grid[:end], grid[end + len("</div>"):]) if end >= 0 else (grid, "")
    cards = [_CARD + c for c in inner.split(_CARD)[1:]]
    style = "".join(re.findall(r"<style.*?</style>", head, re.S))
    blocks: list[Block] = []
    before = re.sub(r"<style.*?</style>", "", head, flags=re.S).strip()
    if plain(before):
        blocks.append(Block("text", before, text=plain(before)))
    for i in range(0, len(cards), CARDS_PER_SLIDE):
        blocks.append(Block("figure", style + _GRID + "".join(cards[i:i + CARDS_PER_SLIDE]) + "</div>"))
    if plain(tail.strip()):
        blocks += _html_blocks(tail)
    return blocks


def _html_blocks(value: str) -> list[Block]:
    """A display's HTML: its tables as table blocks, what is around them as text blocks (a grid
    of small chart cards as figures: :func:`_grid_blocks`)."""
    grid = _grid_blocks(value)
    if grid is not None:
        return grid
    blocks: list[Block] = []
    pos = 0
    for m in _TABLE.finditer(value):
        before = value[pos:m.start()].strip()
        if plain(before):
            blocks.append(Block("text", before, text=plain(before)))
        blocks.append(Block("table", m.group(0)))
        pos = m.end()
    rest = value[pos:].strip()
    if plain(rest) or (rest and "<img" in rest):
        blocks.append(Block("text", rest, text=plain(rest)))
    return blocks


def split_table(table_html: str, max_rows: int) -> list[str]:
    """An HTML table as tables of at most ``max_rows`` body rows each, the header repeated.

    Parameters
    ----------
    table_html : str
    max_rows : int

    Returns
    -------
    list of str

    Examples
    --------
    >>> t = "<table><thead><tr><th>a</th></tr></thead><tbody>" + "<tr><td>1</td></tr>" * 5 + "</tbody></table>"
    >>> [p.count("<td>") for p in split_table(t, 2)]
    [2, 2, 1]
    """
    m = re.match(r"(\s*<table[^>]*>)(.*)(</table>\s*)$", table_html, re.S)
    if not m:
        return [table_html]
    opening, inner, closing = m.groups()
    head = re.search(r"<thead.*?</thead>", inner, re.S)
    body = re.search(r"<tbody[^>]*>(.*?)</tbody>", inner, re.S)
    if body:
        rows = re.findall(r"<tr[\s>].*?</tr>", body.group(1), re.S)
    else:
        rows = re.findall(r"<tr[\s>].*?</tr>", inner[head.end():] if head else inner, re.S)
        if not head and rows and "<th" in rows[0]:
            head_html = f"<thead>{rows[0]}</thead>"
            rows = rows[1:]
            return [f"{opening}{head_html}<tbody>{''.join(rows[i:i + max_rows])}</tbody>{closing}"
                    for i in range(0, max(len(rows), 1), max(max_rows, 1))]
    head_html = head.group(0) if head else ""
    if len(rows) <= max_rows:
        return [table_html]
    step = max(max_rows, 1)
    return [f"{opening}{head_html}<tbody>{''.join(rows[i:i + step])}</tbody>{closing}"
            for i in range(0, len(rows), step)]


def _text_width(text: str, px: float) -> float:
    """Rendered width of a line of text at ``px`` (CJK and full-width characters are 1 em)."""
    wide = sum(1 for ch in text if ord(ch) >= 0x2E80)
    return (wide + 0.56 * (len(text) - wide)) * px


def _lines(text: str, width: float, px: float) -> int:
    return max(1, math.ceil(_text_width(text, px) / max(width, 1.0)))


def text_height(text: str) -> float:
    """Estimated height (px) of a paragraph on a slide.

    Parameters
    ----------
    text : str

    Returns
    -------
    float

    See Also
    --------
    row_heights : the same for a table's rows.

    Examples
    --------
    >>> text_height("a long paragraph " * 40) > text_height("short")
    True
    """
    return _lines(text, CONTENT_W, TEXT_PX) * TEXT_PX * 1.45 + 14


def row_heights(table_html: str) -> tuple[float, list[float]]:
    """Estimated heights (px) of a table's header row and of each body row on a slide.

    Each column gets a share of the slide's width in proportion to its longest cell (at
    least 3 em), and a row is as tall as its cell that wraps to the most lines.

    Parameters
    ----------
    table_html : str

    Returns
    -------
    (float, list of float)
        The header row's height and each body row's.

    See Also
    --------
    text_height : the same for a paragraph.

    Examples
    --------
    >>> table = ("<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody>"
    ...          + "<tr><td>1</td><td>2</td></tr>" * 8 + "</tbody></table>")
    >>> header, rows = row_heights(table)
    >>> len(rows), header > 0
    (8, True)
    """
    rows = re.findall(r"<tr[\s>](.*?)</tr>", table_html, re.S)
    cells = [[plain(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)] for r in rows]
    if not cells:
        return 0.0, []
    ncols = max(len(r) for r in cells)
    longest = [max((_text_width(r[j], TABLE_PX) for r in cells if j < len(r)), default=0.0) for j in range(ncols)]
    total = sum(max(w, 3 * TABLE_PX) for w in longest) or 1.0
    usable = CONTENT_W - ncols * 2 * 8
    widths = [max(w, 3 * TABLE_PX) / total * usable if total > usable else max(w, 3 * TABLE_PX) for w in longest]
    line = TABLE_PX * 1.3

    def height(r: list[str]) -> float:
        return max((_lines(c, widths[j], TABLE_PX) for j, c in enumerate(r) if j < ncols), default=1) * line \
            + TABLE_ROW_PAD

    return height(cells[0]), [height(r) for r in cells[1:]]


def paginate(blocks: list[Block], lang: str) -> list[Slide]:
    """Lay blocks out as slides: a new slide at each level-1/2/3 heading, a figure per slide,
    a table split over slides when it does not fit (its continuation titled "(续)"/"(cont.)"),
    text kept with what follows while it fits.

    Parameters
    ----------
    blocks : list of Block
        :func:`notebook_blocks`.
    lang : {"zh", "en"}
        For the continuation titles.

    Returns
    -------
    list of Slide
        Content slides only (the title and conclusion slides are added by the caller).

    Examples
    --------
    >>> blocks = [Block("heading", "<h2>A</h2>", level=2, text="A"), Block("text", "<p>x</p>", text="x"),
    ...           Block("heading", "<h2>B</h2>", level=2, text="B"), Block("text", "<p>y</p>", text="y")]
    >>> [(s.title, len(s.blocks)) for s in paginate(blocks, "en")]
    [('A', 1), ('B', 1)]
    """
    cont = t("panel.cont", lang)
    slides: list[Slide] = []
    section = ""
    current: Slide | None = None
    used = 0.0

    def new(title: str, kicker: str = "") -> Slide:
        nonlocal current, used
        current = Slide(title=title, kicker=kicker)
        slides.append(current)
        used = 0.0
        return current

    def ensure() -> Slide:
        return current if current is not None else new(section)

    for block in blocks:
        if block.kind == "heading":
            if block.level <= 2:
                section = block.text
                new(block.text)
            else:
                new(block.text, kicker=section)
            continue
        if block.kind == "text" or block.kind == "pre":
            h = text_height(block.text) if block.kind == "text" else \
                (block.text.count("\n") + 1) * 18 * 1.3 + 20
            slide = ensure()
            if used + h > CONTENT_H and slide.blocks:
                slide = new(slide.title + ("" if slide.title.endswith(cont) else cont), slide.kicker)
            slide.blocks.append(block)
            used += h
            continue
        if block.kind == "figure":
            slide = ensure()
            if slide.blocks and (any(b.kind in ("figure", "table") for b in slide.blocks) or used > 140):
                slide = new(slide.title + ("" if slide.title.endswith(cont) else cont), slide.kicker)
            slide.blocks.append(Block("figure", block.html))
            slide.kind = "figure"
            used = CONTENT_H
            continue
        if block.kind == "table":
            head_h, rows_h = row_heights(block.html)
            slide = ensure()
            counts: list[int] = []
            remaining = list(rows_h)
            placed: list[Slide] = []
            while True:
                room = CONTENT_H - used - head_h - 16
                n, acc = 0, 0.0
                for h in remaining:
                    if acc + h > room:
                        break
                    acc, n = acc + h, n + 1
                if n == 0 and slide.blocks:  # not even one row fits under what is there: a new slide
                    slide = new(slide.title + ("" if slide.title.endswith(cont) else cont), slide.kicker)
                    continue
                n = max(n, 1)
                counts.append(n)
                placed.append(slide)
                remaining = remaining[n:]
                used += head_h + acc + 16
                if not remaining:
                    break
                slide = new(slide.title + ("" if slide.title.endswith(cont) else cont), slide.kicker)
            for target, part in zip(placed, _cut_rows(block.html, counts)):
                target.blocks.append(Block("table", part))
            continue
    return [s for s in slides if s.blocks]


def _cut_rows(table_html: str, counts: list[int]) -> list[str]:
    """The table cut into consecutive pieces of ``counts`` body rows (header repeated)."""
    singles = split_table(table_html, 1)
    if len(singles) == 1 and len(counts) == 1:
        return [table_html]
    m = re.match(r"(\s*<table[^>]*>)(.*)(</table>\s*)$", table_html, re.S)
    opening, inner, closing = m.groups() if m else ("<table>", table_html, "</table>")
    head = re.search(r"<thead.*?</thead>", inner, re.S)
    body = re.search(r"<tbody[^>]*>(.*?)</tbody>", inner, re.S)
    rows = re.findall(r"<tr[\s>].*?</tr>", body.group(1) if body else inner, re.S)
    head_html = head.group(0) if head else ""
    if not head and not body and rows and "<th" in rows[0]:
        head_html, rows = f"<thead>{rows[0]}</thead>", rows[1:]
    out, i = [], 0
    for n in counts:
        out.append(f"{opening}{head_html}<tbody>{''.join(rows[i:i + n])}</tbody>{closing}")
        i += n
    return out


def deck_context(slides: list[Slide]) -> list[dict[str, Any]]:
    """Slides as plain dicts for the template.

    Parameters
    ----------
    slides : list of Slide

    Returns
    -------
    list of dict

    Examples
    --------
    >>> deck_context([Slide("Findings", [Block("text", "<p>ok</p>")])])
    [{'title': 'Findings', 'kicker': '', 'kind': 'content', 'html': '<p>ok</p>'}]
    """
    return [{"title": s.title, "kicker": s.kicker, "kind": s.kind, "html": s.html} for s in slides]
