"""Layout of the workbooks threec sends out: text widths, row heights, how a sheet prints.

Spreadsheet programs differ in what they compute when they open a file. Excel fits the height
of a row to its wrapped text; LibreOffice and WPS may not, and then show one line of a long
instruction and hide the rest. The workbooks a client or an auditor fills in (the request
workbook, the audit form) therefore carry their row heights and print settings explicitly,
computed here, so that they look and print the same in Excel, WPS and LibreOffice.
"""

from __future__ import annotations

import math
from typing import Any

#: points of one line of 11-point text (Calibri in Excel, the CJK fallback in WPS/LibreOffice)
LINE_HEIGHT = 15.0
#: xlsxwriter's code of A4 paper
A4 = 9


def text_width(text: Any) -> int:
    """Width of text in a spreadsheet column, in characters: CJK and full-width characters count two.

    Parameters
    ----------
    text : object
        The cell's value, as shown (``str`` of it).

    Returns
    -------
    int

    Examples
    --------
    >>> text_width("abc"), text_width("客户价值"), text_width("A股")
    (3, 8, 3)
    """
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in str(text))


def wrapped_lines(text: Any, width: float) -> int:
    """Lines that ``text`` takes in a wrapping cell ``width`` characters wide (each paragraph apart).

    Parameters
    ----------
    text : object
        The cell's text; line breaks start new lines.
    width : float
        The column's width (or the sum of a merged range's), in Excel's character units.

    Returns
    -------
    int
        At least 1.

    Examples
    --------
    >>> wrapped_lines("short", 20), wrapped_lines("x" * 45, 20), wrapped_lines("一行\\n两行", 20)
    (1, 3, 2)
    """
    usable = max(float(width) - 1.0, 1.0)  # the cell's padding
    return max(1, sum(max(1, math.ceil(text_width(part) / usable)) for part in str(text).split("\n")))


def row_height(texts_and_widths: list[tuple[Any, float]], minimum_lines: int = 1) -> float:
    """Height in points of a row whose wrapping cells hold these texts in columns of these widths.

    Parameters
    ----------
    texts_and_widths : list of (text, width)
        Each wrapping cell of the row and its column width (characters).
    minimum_lines : int
        Lines the row has at least.

    Returns
    -------
    float
        Points, for ``worksheet.set_row(row, height)``.

    Examples
    --------
    >>> row_height([("客户价值" * 10, 41), ("ok", 10)])
    30.0
    >>> row_height([], minimum_lines=2)
    30.0
    """
    lines = max([minimum_lines] + [wrapped_lines(text, width) for text, width in texts_and_widths])
    return LINE_HEIGHT * lines


def print_setup(ws: Any, *, landscape: bool, header_row: int | None = None) -> None:
    """How an xlsxwriter sheet prints: A4, as wide as one page, gridlines, header rows on every
    page, and the sheet's name and "page / pages" in the footer.

    Parameters
    ----------
    ws : xlsxwriter.worksheet.Worksheet
        The sheet, before the workbook is closed.
    landscape : bool
        Landscape (wide tables) or portrait (a cover sheet).
    header_row : int, optional
        Row index (0-based) of the header row printed atop every page; None repeats none.

    Examples
    --------
    >>> import io, xlsxwriter
    >>> wb = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
    >>> ws = wb.add_worksheet("客户")
    >>> print_setup(ws, landscape=True, header_row=0)
    >>> ws.orientation, ws.paper_size, ws.fit_page, ws.print_gridlines
    (0, 9, 1, 1)
    >>> wb.close()
    """
    ws.set_paper(A4)
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.hide_gridlines(0)
    ws.set_footer("&L&A&R&P / &N")
    if header_row is not None:
        ws.repeat_rows(header_row)


__all__ = ["text_width", "wrapped_lines", "row_height", "print_setup", "LINE_HEIGHT"]
