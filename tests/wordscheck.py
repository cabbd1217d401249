"""People's words only (issue 15 item 2): what a reader sees in an output, and the identifiers in it.

:func:`visible_text` strips an HTML page to what a reader sees (no scripts, styles, SVG or
head; file names and hashes of the provenance appendix are file names, not words);
:func:`xlsx_strings` reads every sheet name and text cell of a workbook. :func:`identifiers`
finds snake_case tokens and :func:`raw_codes` the table cells that are an untranslated
category value: a code some locale key ends in (``planning.rag.amber`` -> ``amber``) whose
text is not a translation in the output's language.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

SNAKE = re.compile(r"(?<![\w./\\:-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w./\\-])")
_SKIP = {"script", "style", "svg", "head", "code"}  # code: hashes and commits of the appendix
_CELL = {"td", "th", "li"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.parts: list[str] = []
        self.cells: list[str] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skip += 1
        elif tag in _CELL:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _CELL and self.cell is not None:
            self.cells.append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.skip:
            return
        self.parts.append(data)
        if self.cell is not None:
            self.cell.append(data)


def visible_text(html: str) -> tuple[str, list[str]]:
    """The text a reader sees in an HTML page, and its table cells and list items."""
    p = _Text()
    p.feed(html)
    return " ".join(p.parts), p.cells


def xlsx_strings(path: Path) -> list[str]:
    """Every sheet name and text cell of a workbook."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    out = [ws.title for ws in book.worksheets]
    for ws in book.worksheets:
        for row in ws.iter_rows(values_only=True):
            out += [v for v in row if isinstance(v, str)]
    return out


def identifiers(text: str) -> set[str]:
    """snake_case tokens in ``text`` (not inside URLs or file names)."""
    text = re.sub(r"\S+://\S+", " ", text)
    return set(SNAKE.findall(text))


@lru_cache(maxsize=1)
def _locale() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    from threec_helpers.i18n import catalog

    codes, texts = set(), {"zh": set(), "en": set()}
    for key, entry in catalog().items():
        codes.add(key.rsplit(".", 1)[-1])
        for lang in texts:
            if isinstance(entry, dict) and lang in entry:
                texts[lang].add(str(entry[lang]).strip())
    return frozenset(codes), {k: frozenset(v) for k, v in texts.items()}


def raw_codes(cells: list[str], lang: str) -> set[str]:
    """Cells that are an untranslated category value (a locale key's last part, not a text of ``lang``)."""
    codes, texts = _locale()
    return {c for c in cells if re.fullmatch(r"[a-z][a-z0-9_]*", c) and c in codes and c not in texts[lang]}
