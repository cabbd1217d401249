"""Reading the files consultants really get.

Reading (:func:`read_table`):

- CSV in UTF-8, UTF-8 with BOM, UTF-16 with BOM (Excel "Unicode text") and GBK/GB18030,
  detected from the bytes; XLSX/XLSM workbooks (any sheet); Parquet.
- Header row found automatically, also below a title row ("2025年客户满意度调查" in A1),
  and matched against the data contract's alias table, so Chinese or English headers work.
- Blank rows dropped; every kept row remembers its row number in the source file (the
  DataFrame index), so a problem report can say "row 1,234".
- Raw files are only ever opened for reading.

Parsing of values (:func:`parse_numbers`, :func:`parse_dates`, ...) understands thousands
separators (``1,234.50``), full-width digits, currency signs, percent strings and Chinese
dates (``2025年3月5日``). It returns the parsed column and the rows whose text could not
be parsed, for the validator to report.

Writing outputs lives in :mod:`threec_helpers.storage`; the array helpers shared with the
measures in :mod:`threec_helpers.arrays`.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .contract import Column, Table, alias_table, normalise_header
from ..errors import FileFormatError, InputError

#: file endings read as each format
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet", ".pq")
SUPPORTED_SUFFIXES = CSV_SUFFIXES + EXCEL_SUFFIXES + PARQUET_SUFFIXES

#: rows searched for the header row (title rows above it are skipped)
HEADER_SEARCH_ROWS = 30
#: bytes sampled to detect a CSV's encoding
ENCODING_SAMPLE_BYTES = 1 << 20
#: default upper limits on what one input file may be, so hostile input cannot exhaust memory
DEFAULT_MAX_FILE_BYTES = 4 << 30
DEFAULT_MAX_COLUMNS = 2_000
#: an XLSX whose unpacked size exceeds this many times its packed size is refused (zip bomb)
MAX_XLSX_INFLATION = 200
DEFAULT_MAX_XLSX_UNPACKED = 2 << 30


@dataclass
class RawTable:
    """A table as read from a file, before type checks.

    Attributes
    ----------
    frame : DataFrame
        Canonical column names where a header matched the alias table, the original header
        otherwise; every cell as read (strings or numbers); index = row number in the source
        (1-based, as a spreadsheet shows it).
    path : Path
        The file read.
    header_row : int
        1-based row number of the header row.
    encoding : str or None
        Detected text encoding (CSV only).
    original_headers : dict
        canonical name -> header as written in the file.
    unknown_headers : list of str
        Headers that matched no column of the contract (kept as they are).
    """

    frame: pd.DataFrame
    path: Path
    header_row: int
    encoding: str | None
    original_headers: dict[str, str]
    unknown_headers: list[str]


# --------------------------------------------------------------------------- encodings


def detect_encoding(path: Path, sample: bytes | None = None) -> str:
    """Detect the text encoding of a CSV file from its bytes.

    Order: BOM (UTF-8, UTF-16) -> strict UTF-8 -> GB18030 (a superset of GBK and GB2312).
    Binary content (NUL bytes without a UTF-16 BOM) is refused.

    Parameters
    ----------
    path : Path
        The file (for messages, and read when ``sample`` is not given).
    sample : bytes, optional
        The first bytes of the file.

    Returns
    -------
    str
        A Python codec name: ``"utf-8-sig"``, ``"utf-8"``, ``"utf-16"`` or ``"gb18030"``.

    Raises
    ------
    FileFormatError
        For an empty, binary or undecodable file.
    """
    if sample is None:
        with open(path, "rb") as fh:
            sample = fh.read(ENCODING_SAMPLE_BYTES)
    if not sample:
        raise FileFormatError(key="io.empty", path=path)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        raise FileFormatError(key="io.binary", path=path)
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            decoder.decode(sample, final=len(sample) < ENCODING_SAMPLE_BYTES)
            return encoding
        except UnicodeDecodeError:
            continue
    raise FileFormatError(key="io.unknown_encoding", path=path)


# --------------------------------------------------------------------------- header detection


def _header_score(cells: list[object], aliases: dict[str, str]) -> int:
    hits = {aliases[n] for n in (normalise_header(c) for c in cells if c is not None and str(c).strip()) if n in aliases}
    return len(hits)


def find_header_row(rows: list[list[object]], aliases: dict[str, str]) -> int:
    """Return the 0-based index of the header row among the first rows of a table.

    The header is the first row with the most cells matching the alias table (at least
    one); rows above it (titles, notes, blank rows) are skipped. If no row matches, the
    first non-blank row is taken, so the validator can list the headers it found.
    """
    best, best_score = None, 0
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = _header_score(row, aliases)
        if score > best_score:
            best, best_score = i, score
    if best is not None:
        return best
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(c is not None and str(c).strip() for c in row):
            return i
    return 0


def _rename(headers: list[object], aliases: dict[str, str], path: Path) -> tuple[list[str], dict[str, str], list[str]]:
    names: list[str] = []
    original: dict[str, str] = {}
    unknown: list[str] = []
    for i, h in enumerate(headers):
        text = "" if h is None or (isinstance(h, float) and np.isnan(h)) else str(h).strip()
        canonical = aliases.get(normalise_header(text)) if text else None
        if canonical is None:
            name = text or f"unnamed_{i + 1}"
            unknown.append(name)
        else:
            name = canonical
            if canonical in original:
                raise InputError(key="io.duplicate_meaning", path=path, first=original[canonical], second=text,
                                 canonical=canonical)
            original[canonical] = text
        if name in names:
            name = f"{name}.{i + 1}"
        names.append(name)
    return names, original, unknown


# --------------------------------------------------------------------------- readers


def _check_size(path: Path, max_bytes: int) -> int:
    size = path.stat().st_size
    if size > max_bytes:
        raise FileFormatError(key="io.too_large", path=path, size_mb=f"{size / 2**20:,.1f}",
                              limit_mb=f"{max_bytes / 2**20:,.1f}")
    if size == 0:
        raise FileFormatError(key="io.empty", path=path)
    return size


def _read_csv(path: Path, aliases: dict[str, str], max_columns: int) -> RawTable:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    with open(path, "rb") as fh:
        sample = fh.read(ENCODING_SAMPLE_BYTES)
    encoding = detect_encoding(path, sample)
    text = sample.decode(encoding, errors="ignore")
    first_lines = text.splitlines()[:HEADER_SEARCH_ROWS]
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    if first_lines and delimiter == "," and first_lines[0].count(";") > first_lines[0].count(","):
        delimiter = ";"
    head_rows = list(csv.reader(first_lines, delimiter=delimiter))
    widest = max((len(r) for r in head_rows), default=0)
    if widest > max_columns:
        raise FileFormatError(key="io.too_many_columns", path=path, n=f"{widest:,}", limit=f"{max_columns:,}")
    if not any(any(c.strip() for c in r) for r in head_rows):
        raise FileFormatError(key="io.no_header", path=path)
    header_idx = find_header_row(head_rows, aliases)
    # Lines above the header that csv did not see as rows (none normally) are counted via
    # the lines list, so skip_rows counts physical lines.
    read_options = pacsv.ReadOptions(
        skip_rows=header_idx,
        encoding="utf8" if encoding in ("utf-8", "utf-8-sig") else encoding,
        block_size=1 << 24,
    )
    parse_options = pacsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False, newlines_in_values=False)
    convert_options = pacsv.ConvertOptions(strings_can_be_null=True, quoted_strings_can_be_null=True)
    try:
        try:
            table = pacsv.read_csv(path, read_options=read_options, parse_options=parse_options,
                                   convert_options=convert_options)
        except pa.ArrowInvalid as first:
            if "Expected" not in str(first):
                raise
            # a quoted cell with a line break (Excel exports them): parse again, serially, allowing them
            parse_options = pacsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False, newlines_in_values=True)
            table = pacsv.read_csv(path, read_options=read_options, parse_options=parse_options,
                                   convert_options=convert_options)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        message = str(exc).splitlines()[0]
        m = re.search(r"Row #(\d+)", str(exc))
        if m:
            row = f"{int(m.group(1)) + header_idx + 1:,}"
        else:
            bad = _first_ragged_row(path, encoding, delimiter, header_idx)
            row = f"{bad:,}" if bad else "?"
        if "invalid UTF8" in message or isinstance(exc, UnicodeDecodeError):
            raise FileFormatError(key="io.mixed_encoding", path=path, row=row, encoding=encoding) from None
        if "Empty CSV file" in message:
            raise FileFormatError(key="io.header_only", path=path) from None
        raise FileFormatError(key="io.csv_unreadable", path=path, row=row, detail=message) from None
    frame = table.to_pandas(date_as_object=False)  # date32 -> datetime64, not Python date objects
    del table
    names, original, unknown = _rename(list(frame.columns), aliases, path)
    frame.columns = names
    # row numbers as a spreadsheet shows them: header at header_idx + 1, data below
    frame.index = pd.RangeIndex(header_idx + 2, header_idx + 2 + len(frame))
    frame = _drop_blank_rows(frame)
    return RawTable(frame, path, header_idx + 1, encoding, original, unknown)


def _first_ragged_row(path: Path, encoding: str, delimiter: str, header_idx: int) -> int | None:
    """1-based number of the first row whose field count differs from the header's (error path only)."""
    try:
        with open(path, encoding=encoding, errors="replace", newline="") as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            width = None
            for number, row in enumerate(reader, start=1):
                if number <= header_idx or not row:
                    continue
                if width is None:
                    width = len(row)
                elif len(row) != width:
                    return reader.line_num
    except (OSError, csv.Error):
        return None
    return None


def _guard_xlsx(path: Path, size: int, max_unpacked: int) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            unpacked = sum(info.file_size for info in zf.infolist())
    except zipfile.BadZipFile:
        raise FileFormatError(key="io.xlsx_damaged", path=path) from None
    if unpacked > max_unpacked or unpacked > MAX_XLSX_INFLATION * max(size, 1):
        raise FileFormatError(key="io.xlsx_bomb", path=path, unpacked_mb=f"{unpacked / 2**20:,.0f}",
                              packed_mb=f"{size / 2**20:,.1f}")


def _read_excel(path: Path, aliases: dict[str, str], sheet: str | int | None, max_columns: int,
                size: int) -> RawTable:
    import openpyxl

    _guard_xlsx(path, size, int(os.environ.get("THREEC_MAX_XLSX_UNPACKED", DEFAULT_MAX_XLSX_UNPACKED)))
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise FileFormatError(key="io.xlsx_unopenable", path=path, detail=f"{type(exc).__name__}: {exc}") from None
    try:
        if sheet is None:
            ws = wb.worksheets[0]
        elif isinstance(sheet, int):
            ws = wb.worksheets[sheet]
        else:
            if sheet not in wb.sheetnames:
                raise InputError(key="io.no_sheet", path=path, sheet=sheet, sheets=", ".join(wb.sheetnames))
            ws = wb[sheet]
        rows_iter = ws.iter_rows(values_only=True)
        head: list[list[object]] = []
        for row in rows_iter:
            head.append(list(row))
            if len(row) > max_columns:
                raise FileFormatError(key="io.too_many_columns", path=path, n=f"{len(row):,}", limit=f"{max_columns:,}")
            if len(head) >= HEADER_SEARCH_ROWS:
                break
        if not any(any(c is not None and str(c).strip() for c in r) for r in head):
            raise FileFormatError(key="io.sheet_empty", path=path, sheet=ws.title)
        header_idx = find_header_row(head, aliases)
        data = head[header_idx + 1:] + [list(r) for r in rows_iter]
    finally:
        wb.close()
    headers = head[header_idx]
    width = len(headers)
    while width and (headers[width - 1] is None or str(headers[width - 1]).strip() == ""):
        width -= 1  # trailing empty header cells
    names, original, unknown = _rename(headers[:width], aliases, path)
    frame = pd.DataFrame([r[:width] + [None] * (width - len(r)) for r in data], columns=names, dtype=object)
    frame.index = pd.RangeIndex(header_idx + 2, header_idx + 2 + len(frame))
    frame = _drop_blank_rows(frame)
    if frame.empty:
        raise FileFormatError(key="io.sheet_header_only", path=path, sheet=ws.title)
    return RawTable(frame, path, header_idx + 1, None, original, unknown)


def _read_parquet(path: Path, aliases: dict[str, str]) -> RawTable:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:
        raise FileFormatError(key="io.parquet_unreadable", path=path, detail=exc) from None
    names, original, unknown = _rename(list(frame.columns), aliases, path)
    frame.columns = names
    frame.index = pd.RangeIndex(1, 1 + len(frame))
    return RawTable(_drop_blank_rows(frame), path, 0, None, original, unknown)


def _drop_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop rows whose every cell is empty or white space; keep the source row numbers."""
    if frame.empty:
        return frame
    blank = np.ones(len(frame), dtype=bool)
    for name in frame.columns:
        col = frame[name]
        if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
            empty = col.isna().to_numpy() | (col.astype("string").str.strip() == "").fillna(True).to_numpy()
        else:
            empty = col.isna().to_numpy()
        blank &= empty
        if not blank.any():
            return frame
    return frame.loc[~blank]


def read_table(path: str | Path, table: Table | None = None, *, sheet: str | int | None = None,
               max_bytes: int | None = None, max_columns: int = DEFAULT_MAX_COLUMNS) -> RawTable:
    """Read one input table from CSV, XLSX or Parquet.

    Parameters
    ----------
    path : str or Path
        The file. Its ending chooses the reader (.csv/.txt/.tsv, .xlsx/.xlsm, .parquet).
    table : Table, optional
        The contract table this file should hold; its alias table maps headers to
        canonical names and finds the header row below title rows.
    sheet : str or int, optional
        Worksheet of a workbook (default: the first).
    max_bytes : int, optional
        Refuse files larger than this (default ``THREEC_MAX_FILE_MB`` or 4 GB).
    max_columns : int
        Refuse files wider than this.

    Returns
    -------
    RawTable

    Raises
    ------
    FileFormatError
        Empty, binary, undecodable, damaged, oversized or header-only files.

    Examples
    --------
    >>> from threec_helpers.contract import TABLES
    >>> raw = read_table("data/clients/demo_manufacturer/transactions.csv", TABLES["transactions"])  # doctest: +SKIP
    >>> raw.frame.columns[:3].tolist()  # doctest: +SKIP
    ['date', 'customer_id', 'amount']
    """
    path = Path(path)
    if not path.is_file():
        raise FileFormatError(key="io.not_found", path=path)
    if max_bytes is None:
        max_bytes = int(float(os.environ.get("THREEC_MAX_FILE_MB", DEFAULT_MAX_FILE_BYTES / 2**20)) * 2**20)
    size = _check_size(path, max_bytes)
    aliases = alias_table(table) if table is not None else {}
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _read_csv(path, aliases, max_columns)
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path, aliases, sheet, max_columns, size)
    if suffix in PARQUET_SUFFIXES:
        return _read_parquet(path, aliases)
    if suffix == ".xls":
        raise FileFormatError(key="io.xls_old", path=path)
    raise FileFormatError(key="io.unknown_type", path=path, suffix=suffix)


# --------------------------------------------------------------------------- value parsing

_NUMBER_JUNK = re.compile(r"[,\s¥$€£￥元]|RMB|CNY", re.IGNORECASE)
_CN_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日?)?\s*$")


def _as_text(values: pd.Series) -> pd.Series:
    return values.astype("string").str.normalize("NFKC").str.strip()


def parse_numbers(values: pd.Series, percent: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse a column of numbers written as consultants' files write them.

    Accepts numbers, ``"1,234.50"``, ``"１２３"`` (full-width), ``"¥1,234"``, ``"(1,234)"``
    (negative), ``"35%"`` (when ``percent`` allows it) and empty cells.

    Parameters
    ----------
    values : Series
        The raw column.
    percent : {"ratio", "points", None}
        ``"ratio"``: ``"35%"`` -> 0.35; ``"points"``: ``"35%"`` -> 35.0; ``None``: a percent
        sign makes the cell invalid.

    Returns
    -------
    parsed : Series of float64
        NaN where empty or invalid.
    invalid : Series of bool
        True where a non-empty cell could not be parsed.

    Examples
    --------
    >>> parse_numbers(pd.Series(["1,234.5", "35%", "", None, "abc"]), percent="ratio")[0].tolist()
    [1234.5, 0.35, nan, nan, nan]
    """
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        parsed = values.astype("float64")
        return parsed, pd.Series(False, index=values.index)
    text = _as_text(values)
    empty = text.isna() | (text == "")
    is_pct = text.str.endswith("%").fillna(False)
    negative = (text.str.startswith("(") & text.str.endswith(")")).fillna(False)
    cleaned = text.str.replace(_NUMBER_JUNK, "", regex=True).str.rstrip("%").str.strip("()")
    parsed = pd.to_numeric(cleaned.astype(object).where(~empty, None), errors="coerce").astype("float64")
    parsed = parsed.where(~negative, -parsed)
    if percent == "ratio":
        parsed = parsed.where(~is_pct, parsed / 100.0)
    elif percent is None:
        parsed = parsed.where(~is_pct, np.nan)
    invalid = (~empty) & parsed.isna()
    return parsed, invalid.astype(bool)


def parse_dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse a date column: ISO dates, ``2025/3/5``, ``2025.03.05``, ``2025年3月5日``, Excel dates.

    Returns
    -------
    parsed : Series of datetime64[ns]
    invalid : Series of bool
        True where a non-empty cell is not a date.
    """
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        parsed = values
        if getattr(parsed.dt, "tz", None) is not None:
            parsed = parsed.dt.tz_localize(None)
        return parsed.astype("datetime64[ns]"), pd.Series(False, index=values.index)
    if values.dtype == object:
        is_dt = values.map(lambda v: hasattr(v, "year"), na_action="ignore").fillna(False).astype(bool)
        if is_dt.all():
            parsed = pd.to_datetime(values, errors="coerce").astype("datetime64[ns]")
            return parsed, pd.Series(False, index=values.index)
    text = _as_text(values)
    empty = text.isna() | (text == "")
    cn = text.str.extract(_CN_DATE)
    has_cn = cn[0].notna()
    if has_cn.any():
        text = text.where(~has_cn, cn[0] + "-" + cn[1].str.zfill(2) + "-" + cn[2].fillna("1").str.zfill(2))
    text = text.str.replace(r"[./]", "-", regex=True)
    parsed = pd.to_datetime(text.astype(object).where(~empty, None), errors="coerce", format="mixed",
                            yearfirst=True)
    parsed = parsed.astype("datetime64[ns]")
    invalid = (~empty) & parsed.isna()
    return parsed, invalid.astype(bool)


def parse_bools(values: pd.Series, value_aliases: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """Parse yes/no cells (``yes``/``no``, ``是``/``否``, ``1``/``0``, ``true``/``false``).

    Returns
    -------
    parsed : Series of boolean (nullable)
    invalid : Series of bool
    """
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("boolean"), pd.Series(False, index=values.index)
    text = _as_text(values).str.lower()
    empty = text.isna() | (text == "")
    text = text.str.replace(r"\.0$", "", regex=True)
    mapped = text.map(lambda v: value_aliases.get(v), na_action="ignore")
    parsed = mapped.map({"true": True, "false": False}, na_action="ignore").astype("boolean")
    invalid = (~empty) & parsed.isna()
    return parsed, invalid.fillna(False).astype(bool)


def parse_categories(values: pd.Series, column: Column) -> tuple[pd.Series, pd.Series]:
    """Map a category column to its canonical values (``活跃`` -> ``active``).

    Returns
    -------
    parsed : Series of str
        Canonical values; cells that are not allowed keep their text (the validator
        reports them).
    invalid : Series of bool
        Always False: allowed-value checks are the validator's.
    """
    lookup = {str(k).strip().lower(): v for k, v in column.value_aliases.items()}
    lookup.update({a.lower(): a for a in column.allowed})
    # map the distinct values only: a category column of millions of rows has a handful
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    text = _as_text(pd.Series(uniques, dtype=object))
    canon = [None if (t is pd.NA or t is None or t == "") else lookup.get(t.lower(), t) for t in text]
    mapped = np.array(canon + [None], dtype=object)[codes]  # code -1 (missing) takes the last slot
    return _to_str(pd.Series(mapped, index=values.index)), pd.Series(False, index=values.index)


def _to_str(values: pd.Series) -> pd.Series:
    """Strings -> pandas' default string dtype (Arrow-backed where available), missing as NA."""
    if values.dtype == object:
        values = values.where(values.notna(), None)
    return values.astype("str").where(values.notna())


def parse_text(values: pd.Series) -> pd.Series:
    """Text column: strings stripped, empty cells missing; whole numbers that a reader
    turned into floats (``1001.0``) written back as ``1001``."""
    if pd.api.types.is_float_dtype(values.dtype):
        present = values.dropna()
        if (present == np.floor(present)).all():
            values = values.astype("Int64")
    text = values.astype("string").str.strip()
    return _to_str(text.where(text != ""))
