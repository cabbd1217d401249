"""Deterministic, atomic file writers shared by the demo and benchmark generators.

Every writer here produces the same bytes for the same input: no timestamps, fixed
line endings, fixed number formats, fixed workbook properties. Each file is written to a
temporary name in its target folder and then moved into place with :func:`os.replace`,
so a reader never sees a half-written file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from ..storage import atomic_target, write_bytes_atomic

#: fixed "created" date written into every generated workbook (no wall-clock timestamps)
XLSX_CREATED = dt.datetime(2026, 11, 1, 0, 0, 0)


def csv_bytes(df: pd.DataFrame, header: Sequence[str] | None = None, encoding: str = "utf-8",
              lineterminator: str = "\n") -> bytes:
    """Render ``df`` as CSV bytes (minimal quoting, empty cells for missing values).

    Parameters
    ----------
    df : DataFrame
        Cells should already be strings or numbers formatted as wanted; floats are written
        with ``repr`` (shortest round-trip form).
    header : sequence of str, optional
        Header row to write instead of the column names (e.g. Chinese aliases).
    encoding : str
        ``"utf-8"``, ``"utf-8-sig"`` (with BOM) or ``"gb18030"``.
    lineterminator : str
        ``"\\n"`` or ``"\\r\\n"``.

    Returns
    -------
    bytes

    Examples
    --------
    >>> csv_bytes(pd.DataFrame({"a": ["1,5"], "b": [2.0]}))
    b'a,b\\n"1,5",2.0\\n'
    """
    text = df.to_csv(index=False, header=list(header) if header is not None else True,
                     lineterminator=lineterminator)
    return text.encode(encoding)


def write_csv(path: Path, df: pd.DataFrame, header: Sequence[str] | None = None, encoding: str = "utf-8",
              lineterminator: str = "\n") -> Path:
    """Write ``df`` to ``path`` as CSV, atomically; see :func:`csv_bytes` for the options."""
    return write_bytes_atomic(path, csv_bytes(df, header, encoding, lineterminator))


def _xlsx_value(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    return value


def write_xlsx(path: Path, df: pd.DataFrame, sheet: str, header: Sequence[str] | None = None,
               title: str | None = None, formats: dict[str, str] | None = None,
               widths: dict[str, float] | None = None) -> Path:
    """Write ``df`` to one worksheet of a new workbook, byte-reproducibly and atomically.

    Parameters
    ----------
    path : Path
        Target ``.xlsx`` file.
    df : DataFrame
        Data; ``Timestamp`` cells become Excel dates, missing values blank cells.
    sheet : str
        Worksheet name.
    header : sequence of str, optional
        Header row text instead of the column names.
    title : str, optional
        When given, written in cell A1 (bold) with a blank row below it, so the header row
        is row 3 (as many hand-made client workbooks look).
    formats : dict, optional
        Column name -> Excel number format (e.g. ``"yyyy-mm-dd"``, ``"0%"``).
    widths : dict, optional
        Column name -> column width in characters.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "t.xlsx"
    >>> _ = write_xlsx(p, pd.DataFrame({"a": [1]}), "s", title="T")
    >>> pd.read_excel(p, skiprows=2)["a"].tolist()
    [1]
    """
    import xlsxwriter

    formats = formats or {}
    widths = widths or {}
    with atomic_target(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False,
                                            "strings_to_urls": False})
        # fixed document properties: the same bytes on every run
        wb.set_properties({"created": XLSX_CREATED, "author": "threec generator", "title": title or sheet})
        ws = wb.add_worksheet(sheet)
        bold = wb.add_format({"bold": True})
        col_formats = {c: wb.add_format({"num_format": f}) for c, f in formats.items()}
        row0 = 0
        if title:
            ws.write(0, 0, title, wb.add_format({"bold": True, "font_size": 14}))
            row0 = 2
        names = list(header) if header is not None else [str(c) for c in df.columns]
        for j, name in enumerate(names):
            ws.write(row0, j, name, bold)
        for j, col in enumerate(df.columns):
            ws.set_column(j, j, widths.get(col, max(10.0, 2.2 * len(names[j]))), col_formats.get(col))
            values = df[col].tolist()
            for i, v in enumerate(values):
                v = _xlsx_value(v)
                if v is None:
                    continue
                if isinstance(v, (dt.datetime, dt.date)):
                    ws.write_datetime(row0 + 1 + i, j, v, col_formats.get(col))
                else:
                    ws.write(row0 + 1 + i, j, v, col_formats.get(col))
        ws.freeze_panes(row0 + 1, 0)
        wb.close()
    return Path(path)


def write_yaml(path: Path, data: dict[str, Any], comment: str = "") -> Path:
    """Write ``data`` as YAML (UTF-8, keys in insertion order), with an optional ``#`` comment on top."""
    head = "".join(f"# {line}\n" for line in comment.splitlines()) if comment else ""
    text = head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100)
    return write_bytes_atomic(path, text.encode("utf-8"))


def money(x: pd.Series | np.ndarray) -> list[str]:
    """Format amounts with thousands separators and two decimals: ``12345.6`` -> ``"12,345.60"``.

    Examples
    --------
    >>> money(np.array([12345.6, 3.0]))
    ['12,345.60', '3.00']
    """
    return [f"{v:,.2f}" for v in np.asarray(x, dtype=float)]


def iso_dates(x: pd.Series) -> pd.Series:
    """Format a datetime Series as ``YYYY-MM-DD`` strings (missing stays missing)."""
    return x.dt.strftime("%Y-%m-%d")


def num_text(v: object) -> str:
    """A number as plain text: whole numbers without decimals, others in shortest form; missing -> ``""``.

    Examples
    --------
    >>> [num_text(x) for x in (2555309.0, 81.3, 16.26, float("nan"), None)]
    ['2555309', '81.3', '16.26', '', '']
    """
    if v is None or pd.isna(v):
        return ""
    f = float(v)
    return str(int(f)) if f.is_integer() else repr(f)
