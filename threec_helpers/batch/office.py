"""What the Word and PowerPoint files share: fonts, colours, numbers, tables, images.

**Fonts.** Office files name fonts; the reader's machine supplies them. Every run of text
in a .docx carries ``w:rFonts`` with ``w:eastAsia`` (and every text run of a .pptx ``a:ea``)
set to :data:`EAST_ASIAN_FONT`, so Chinese is set in a Chinese font instead of whatever the
application falls back to for the Latin font (a Western font, then a per-glyph fallback
that mixes faces or shows boxes). We name **Microsoft YaHei** (微软雅黑): it is on every
Windows since Vista and in every WPS install, which is where a Chinese client opens the file;
LibreOffice's own replacement table and fontconfig (``:lang=zh-cn``) map the name to Noto Sans
CJK SC / WenQuanYi on Linux, so a sans-serif Chinese face appears there too (the same look as
the PDF, which embeds Noto Sans CJK SC). Naming Noto Sans CJK SC instead would fall back to
SimSun (a serif) in Word on Windows, where it is rarely installed. Latin text uses
:data:`LATIN_FONT` (Arial: everywhere, and metric-compatible Liberation Sans in LibreOffice).

**Tables** come either from a results file (records;
:func:`threec_helpers.batch.powerpoint.recorded_grid`: the report's own words) or from a report's HTML (:func:`html_table`), as a
:class:`Grid`: header texts, cell texts and which
columns are numeric (right-aligned in both formats).
"""

from __future__ import annotations

import base64
import html as _html
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..i18n import t


#: the East Asian font named on every run (see the module docstring)
EAST_ASIAN_FONT = "Microsoft YaHei"
#: the Latin font
LATIN_FONT = "Arial"
#: colours when branding.yaml sets none (the bundled default's)
DEFAULT_COLOURS = {"primary": "#0072B2", "accent": "#E69F00", "ink": "#1F2328", "muted": "#59636E"}
#: status -> fill colour of a key-figure card or cell
STATUS_COLOURS = {"good": "#1A7F37", "warn": "#BF8700", "bad": "#CF222E", "neutral": "#59636E"}

_NUMERIC = re.compile(r"^[\s+\-−–]?[¥$€£]?\s*[\d,.]+\s*(%|pp|个百分点|万|亿|元|s|x)?\s*$")
_CELL = re.compile(r"<t([hd])([^>]*)>(.*?)</t[hd]>", re.S)
_ROW = re.compile(r"<tr[\s>](.*?)</tr>", re.S)
_TAG = re.compile(r"<[^>]+>")


def colours(brand: Mapping[str, Any]) -> dict[str, str]:
    """The brand's colours (``#RRGGBB``, 3-digit forms expanded) over :data:`DEFAULT_COLOURS`.

    Parameters
    ----------
    brand : dict
        The branding (``branding.yaml``); its ``colors`` maps a name to a hex colour.

    Returns
    -------
    dict
        name -> ``#RRGGBB`` (upper case).

    Examples
    --------
    >>> c = colours({"colors": {"primary": "#0b3"}})
    >>> c["primary"], c["accent"]
    ('#00BB33', '#E69F00')
    """
    out = dict(DEFAULT_COLOURS)
    for name, value in (brand.get("colors") or {}).items():
        v = str(value).lstrip("#")
        out[name] = "#" + ("".join(c * 2 for c in v) if len(v) == 3 else v).upper()
    return out


def rgb(hex_colour: str) -> tuple[int, int, int]:
    """``#RRGGBB`` as a tuple of ints.

    Parameters
    ----------
    hex_colour : str
        ``#RRGGBB`` (the ``#`` optional).

    Returns
    -------
    tuple of int
        Red, green, blue, each 0-255.

    Examples
    --------
    >>> rgb("#0B3C5D")
    (11, 60, 93)
    """
    v = hex_colour.lstrip("#")
    return int(v[0:2], 16), int(v[2:4], 16), int(v[4:6], 16)


def is_numeric_text(text: str) -> bool:
    """Whether a cell's text is a number as shown (``51,084``, ``92.42%``, ``-3.5 pp``, ``¥1,200``).

    Parameters
    ----------
    text : str
        A cell's text.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_numeric_text("92.42%"), is_numeric_text("51,084"), is_numeric_text("7 s"), is_numeric_text("4.1.2 条款")
    (True, True, True, False)
    """
    return bool(text) and bool(_NUMERIC.match(text)) and any(ch.isdigit() for ch in text)


def plain(fragment: str) -> str:
    """An HTML fragment as plain text (tags dropped, entities decoded, spaces collapsed).

    Parameters
    ----------
    fragment : str
        HTML.

    Returns
    -------
    str

    Examples
    --------
    >>> plain("<b>Revenue</b> &amp;\\n  margin ")
    'Revenue & margin'
    """
    return re.sub(r"\s+", " ", _html.unescape(_TAG.sub("", fragment or ""))).strip()


def logo_image(brand: Mapping[str, Any]) -> bytes | None:
    """The brand's logo as PNG or JPEG bytes (an SVG logo is left out: Office needs a raster copy).

    Parameters
    ----------
    brand : dict
        The branding; its ``logo`` is a ``data:`` URI.

    Returns
    -------
    bytes or None

    Examples
    --------
    >>> logo_image({"logo": "data:image/png;base64,iVBORw=="})
    b'\\x89PNG'
    >>> logo_image({"logo": "data:image/svg+xml;base64,PHN2Zz4="}) is None
    True
    """
    uri = brand.get("logo") or ""
    m = re.match(r"data:image/(png|jpeg);base64,(.*)$", uri, re.S)
    return base64.b64decode(m.group(2)) if m else None


@dataclass
class Grid:
    """A table as text: a title, headers, rows of cell texts, numeric columns.

    Attributes
    ----------
    headers : list of str
    rows : list of list of str
        Cell texts, one list per row.
    numeric : list of bool
        Per column, whether it is numeric (right-aligned); default: guessed from the cells.
    title : str

    Examples
    --------
    >>> g = Grid(["Tier", "Customers"], [["Top", "12"], ["Base", "1,204"]])
    >>> g.numeric, [len(part.rows) for part in g.split(1)]
    ([False, True], [1, 1])
    """

    headers: list[str]
    rows: list[list[str]]
    numeric: list[bool] = field(default_factory=list)
    title: str = ""

    def __post_init__(self) -> None:
        if not self.numeric:
            self.numeric = [bool(col) and all(is_numeric_text(c) or c in ("", "–", "-") for c in col)
                            and any(is_numeric_text(c) for c in col)
                            for col in (list(x) for x in zip(*self.rows))] if self.rows else [False] * len(self.headers)
        self.numeric += [False] * (len(self.headers) - len(self.numeric))

    def split(self, max_rows: int) -> list["Grid"]:
        """The grid in parts of at most ``max_rows`` rows, the header repeated."""
        step = max(1, max_rows)
        if len(self.rows) <= step:
            return [self]
        return [Grid(self.headers, self.rows[i:i + step], self.numeric, self.title)
                for i in range(0, len(self.rows), step)]


def html_table(table_html: str, title: str = "") -> Grid | None:
    """An HTML table of a report as a :class:`Grid` (the first row of ``<th>`` cells is the header).

    Parameters
    ----------
    table_html : str
        A ``<table>`` of a report.
    title : str
        The grid's title.

    Returns
    -------
    Grid or None
        None when the HTML holds no row.

    Examples
    --------
    >>> g = html_table("<table><tr><th>Tier</th><th>N</th></tr><tr><td>Top</td><td>12</td></tr></table>")
    >>> g.headers, g.rows, g.numeric
    (['Tier', 'N'], [['Top', '12']], [False, True])
    >>> html_table("<p>no table</p>") is None
    True
    """
    rows = []
    header: list[str] = []
    for m in _ROW.finditer(table_html):
        cells = _CELL.findall(m.group(1))
        if not cells:
            continue
        texts = [plain(c[2]) for c in cells]
        if not header and not rows and all(c[0] == "h" for c in cells):
            header = texts
        else:
            rows.append(texts)
    if not header and not rows:
        return None
    width = max([len(header)] + [len(r) for r in rows])
    header = header + [""] * (width - len(header))
    rows = [r + [""] * (width - len(r)) for r in rows]
    return Grid(header, rows, title=title)


def block_paragraphs(fragment: str) -> list[tuple[str, str]]:
    """The paragraphs of an HTML text block: ``("p", text)``, ``("li", text)``, ``("h", text)``.

    Parameters
    ----------
    fragment : str
        HTML.

    Returns
    -------
    list of (str, str)
        The kind of each paragraph and its plain text, in order.

    Examples
    --------
    >>> block_paragraphs("<h4>Risks</h4><p>Churn <b>rose</b>.</p><ul><li>a</li></ul>")
    [('h', 'Risks'), ('p', 'Churn rose.'), ('li', 'a')]
    """
    out: list[tuple[str, str]] = []
    pos = 0
    for m in re.finditer(r"<(p|li|h[1-6]|blockquote|div)\b[^>]*>(.*?)</\1>", fragment, re.S):
        between = plain(fragment[pos:m.start()])
        if between:
            out.append(("p", between))
        tag, inner = m.group(1), m.group(2)
        if tag in ("div", "blockquote") and re.search(r"<(p|li)\b", inner):
            out += block_paragraphs(inner)
        else:
            text = plain(inner)
            if text:
                out.append(("li" if tag == "li" else "h" if tag.startswith("h") else "p", text))
        pos = m.end()
    rest = plain(fragment[pos:])
    if rest:
        out.append(("p", rest))
    return out


def commentary_file_sections(commentary: Any, lang: str) -> list[tuple[str, str]]:
    """A :class:`~threec_helpers.batch.commentary.Commentary` as ``(heading, text)`` pairs: the
    executive summary first, then each section's note under the section's heading in words.

    Parameters
    ----------
    commentary : Commentary
    lang : {"zh", "en"}
        Language of the headings.

    Returns
    -------
    list of (str, str)

    Examples
    --------
    >>> from threec_helpers.batch.commentary import parse_commentary
    >>> commentary_file_sections(parse_commentary("## summary\\nA good year."), "en")
    [('Executive summary', 'A good year.')]
    """
    from .commentary import section_ids

    titles = section_ids(lang)
    pairs = []
    if commentary.summary is not None:
        pairs.append((t("commentary.summary", lang), "\n\n".join(commentary.summary.paragraphs())))
    for sid, note in commentary.sections.items():
        section = sid.split("/", 1)[-1]
        pairs.append((titles.get(section, titles.get(sid, "")), "\n\n".join(note.paragraphs())))
    return [(h, text) for h, text in pairs if text]


def commentary_sections(commentary: Any, lang: str = "zh") -> list[tuple[str, str]]:
    """Optional commentary as ``(heading, text)`` pairs.

    Parameters
    ----------
    commentary : Commentary, str, dict or sequence of pairs, optional
    lang : {"zh", "en"}
        Language of a commentary file's headings.

    Returns
    -------
    list of (str, str)

    The consultant's commentary: a :class:`~threec_helpers.batch.commentary.Commentary` (the
    client's ``commentary/<period>.md``, headings in ``lang``), a string (one untitled section),
    a mapping heading -> text, or a sequence of pairs. Anything else gives no section.

    Examples
    --------
    >>> commentary_sections("Good quarter."), commentary_sections({"Risks": "Churn."})
    ([('', 'Good quarter.')], [('Risks', 'Churn.')])
    """
    if not commentary:
        return []
    if hasattr(commentary, "sections") and hasattr(commentary, "summary"):  # a commentary file
        return commentary_file_sections(commentary, lang)
    if isinstance(commentary, str):
        return [("", commentary)]
    if isinstance(commentary, Mapping):
        return [(str(k), str(v)) for k, v in commentary.items() if v]
    try:
        return [(str(h), str(t)) for h, t in commentary if t]
    except (TypeError, ValueError):
        return []
