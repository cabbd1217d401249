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
import contextlib
import csv
import html
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .contract import Column, Table, alias_table, normalise_header
from ..errors import FileFormatError, InputError

#: file endings read as each format
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
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
    sheet : str or None
        The worksheet read (workbooks only).
    uncalculated : list of (int, str)
        (row, column) of formula cells with no saved result (read as empty).
    hidden_rows : list of int
        Data rows hidden in the workbook (kept as data; the validator warns).

    See Also
    --------
    read_table : makes one from a file.

    Examples
    --------
    >>> from threec_helpers.inputs.contract import TABLES
    >>> from threec_helpers.paths import client_folder
    >>> raw = read_table(client_folder("demo_manufacturer") / "transactions.csv", TABLES["transactions"])
    >>> raw.header_row, raw.encoding, raw.frame.index[0]
    (1, 'utf-8-sig', 2)
    """

    frame: pd.DataFrame
    path: Path
    header_row: int
    encoding: str | None
    original_headers: dict[str, str]
    unknown_headers: list[str]
    sheet: str | None = None
    uncalculated: list[tuple[int, str]] = field(default_factory=list)
    hidden_rows: list[int] = field(default_factory=list)
    example_row: int | None = None


#: what the first cell of a request workbook's example row starts with (``【示例】C0001``);
#: only the first row below the header is looked at, so a real row is never taken for it
EXAMPLE_MARKERS = ("【示例】", "[示例]", "【example】", "[example]")


def drop_example_row(raw: RawTable) -> RawTable:
    """Drop the example row of a request workbook and remember its row number.

    The example row is the first data row, marked in its first cell by one of
    :data:`EXAMPLE_MARKERS` (``【示例】``, ``[example]``, ...).

    Parameters
    ----------
    raw : RawTable

    Returns
    -------
    RawTable
        ``raw`` itself, its ``frame`` without the example row and ``example_row`` set
        (unchanged when the first data row is no example).

    Examples
    --------
    >>> frame = pd.DataFrame({"customer_id": ["【示例】C001", "C002"]}, index=[2, 3])
    >>> raw = drop_example_row(RawTable(frame, Path("request.xlsx"), 1, None, {}, []))
    >>> raw.frame.index.tolist(), raw.example_row
    ([3], 2)
    """
    frame = raw.frame
    if frame.empty or not len(frame.columns):
        return raw
    first_row = raw.header_row + 1
    if frame.index[0] != first_row:
        return raw
    cell = frame.iat[0, 0]
    if isinstance(cell, str) and cell.strip().lower().startswith(EXAMPLE_MARKERS):
        raw.frame = frame.iloc[1:]
        raw.example_row = int(first_row)
        raw.hidden_rows = [r for r in raw.hidden_rows if r != first_row]
    return raw


# --------------------------------------------------------------------------- encodings

#: frequent Chinese characters, Simplified and Traditional, for telling GB18030 from Big5
#: when a file decodes in both (Big5 bytes always decode as GB18030, to the wrong characters)
COMMON_HANZI = frozenset(
    "的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生自会那后能对着事其里所去行过"
    "家十用发天如然作方成者多日都三小军二无同么经法当起与好看学进种将还分此心前面又定见只主没公从"
    "這為來個們說國時會後對著裏過發無麼經當與學進種將還見沒從"
    "客户戶编編号號名称稱金额額日期销銷售数數量产產品成本单單据據价價税稅合计計总總额状狀态態区區域地区"
    "公司有限责責任店酒房窗帘簾布艺藝轨軌道电電动動系统統工程装裝饰飾材料零商业業办辦楼樓宇医醫院"
    "元月年日时時间間省市县縣镇鎮路街号楼层室东東南西北华華中京海广廣州深圳台臺湾灣香港澳门門"
    "活跃躍潜潛在疑似满滿意调調查查推荐薦供应應首选選份比率务務服费費用类類别別订訂货貨运運输輸"
)

#: excel error values, named as such wherever they appear (a cell holding one has no value)
EXCEL_ERRORS = ("#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                "#GETTING_DATA")


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
        return True
    except UnicodeDecodeError:
        return False


def _first_bad_line(data: bytes, encoding: str) -> int:
    """1-based number of the first line that is not valid ``encoding``."""
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.isascii() and not _decodes(line, encoding):
            return number
    return 1


def _plausibility(text: str) -> float:
    """Share of the Chinese characters of ``text`` that are frequent ones (0 when none)."""
    han = [c for c in text if "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"]
    if not han:
        return 0.0
    return sum(c in COMMON_HANZI for c in han) / len(han)


def _is_utf8_cjk(line: bytes) -> bool:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return any("\u3400" <= c <= "\u9fff" for c in text)


def decide_legacy_encoding(path: Path, data: bytes) -> str:
    """Decide the encoding of a CSV that is not UTF-8, from the whole file.

    Lines in UTF-8 among lines in another encoding are refused (the file mixes encodings),
    naming the first line that is not UTF-8. Otherwise GB18030 (a superset of GBK) and
    Big5 are each tried on the whole file; when both decode, the one whose Chinese
    characters are frequent ones wins, and a file where neither is clearly more plausible
    is refused.

    Parameters
    ----------
    path : Path
        The file (for messages).
    data : bytes
        All of its bytes.

    Returns
    -------
    str
        ``"gb18030"`` or ``"big5"``.

    Raises
    ------
    FileFormatError
        Binary, mixed-encoding or undecidable content.

    See Also
    --------
    detect_encoding : tries the BOM and UTF-8 first, then this.

    Examples
    --------
    >>> decide_legacy_encoding(Path("sales.csv"), "客户编号,金额".encode("gb18030"))
    'gb18030'
    """
    if b"\x00" in data:
        raise FileFormatError(key="io.binary", path=path)
    lines = data.split(b"\n")
    first_not_utf8 = None
    utf8_cjk = False
    for number, line in enumerate(lines, start=1):
        if line.isascii():
            continue
        if _is_utf8_cjk(line):
            utf8_cjk = True
        elif first_not_utf8 is None and not _decodes(line, "utf-8"):
            first_not_utf8 = number
        if utf8_cjk and first_not_utf8 is not None:
            raise FileFormatError(key="io.mixed_encoding", path=path, row=f"{first_not_utf8:,}", encoding="UTF-8")
    candidates = [enc for enc in ("gb18030", "big5") if _decodes(data, enc)]
    if not candidates:
        raise FileFormatError(key="io.unknown_encoding_line", path=path, row=f"{_first_bad_line(data, 'gb18030'):,}")
    if len(candidates) == 1:
        return candidates[0]
    sample = b"\n".join(line for line in lines if not line.isascii())[: 1 << 20]
    gb, big5 = _plausibility(sample.decode("gb18030", "ignore")), _plausibility(sample.decode("big5", "ignore"))
    if gb >= 0.2 and gb >= 2 * big5:
        return "gb18030"
    if big5 >= 0.2 and big5 >= 2 * gb:
        return "big5"
    raise FileFormatError(key="io.encoding_ambiguous", path=path)


def detect_encoding(path: Path, sample: bytes | None = None) -> str:
    """Detect the text encoding of a CSV file from its bytes, the whole file.

    Order: BOM (UTF-8, UTF-16) -> strict UTF-8 over the whole file -> GB18030 (a superset
    of GBK and GB2312) or Big5 (Traditional Chinese), see :func:`decide_legacy_encoding`.
    Binary content (NUL bytes without a UTF-16 BOM) is refused, and so is a file mixing
    encodings.

    Parameters
    ----------
    path : Path
        The file (for messages, and read when ``sample`` is not given).
    sample : bytes, optional
        The file's bytes (all of them: a partial sample decides only for that part).

    Returns
    -------
    str
        A Python codec name: ``"utf-8-sig"``, ``"utf-8"``, ``"utf-16"``, ``"gb18030"`` or
        ``"big5"``.

    Raises
    ------
    FileFormatError
        For an empty, binary, undecodable or mixed-encoding file.

    See Also
    --------
    decide_legacy_encoding : the choice between GB18030 and Big5.

    Examples
    --------
    >>> detect_encoding(Path("a.csv"), "客户编号".encode("utf-8")), detect_encoding(Path("b.csv"), "客户编号".encode("gbk"))
    ('utf-8', 'gb18030')
    """
    if sample is None:
        sample = Path(path).read_bytes()
    if not sample:
        raise FileFormatError(key="io.empty", path=path)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample[:ENCODING_SAMPLE_BYTES]:
        raise FileFormatError(key="io.binary", path=path)
    if _decodes(sample, "utf-8"):
        return "utf-8"
    return decide_legacy_encoding(Path(path), sample)


# --------------------------------------------------------------------------- header detection


def _header_score(cells: list[object], aliases: dict[str, str]) -> int:
    hits = {aliases[n] for n in (normalise_header(c) for c in cells if c is not None and str(c).strip()) if n in aliases}
    return len(hits)


def find_header_row(rows: list[list[object]], aliases: dict[str, str]) -> int:
    """Return the 0-based index of the header row among the first rows of a table.

    The header is the first row with the most cells matching the alias table (at least
    one); rows above it (titles, notes, blank rows) are skipped. If no row matches, the
    first non-blank row is taken, so the validator can list the headers it found.

    Parameters
    ----------
    rows : list of list
        The first rows of a sheet or file, cells as read.
    aliases : dict
        :func:`~threec_helpers.inputs.contract.alias_table` of the expected table.

    Returns
    -------
    int

    Examples
    --------
    >>> from threec_helpers.inputs.contract import TABLES, alias_table
    >>> rows = [["销售明细", None], [None, None], ["客户编号", "金额"], ["C1", 3]]
    >>> find_header_row(rows, alias_table(TABLES["transactions"]))
    2
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


class _NotUtf8(Exception):
    """pyarrow met bytes that are not UTF-8 past the sample the encoding was decided on."""


def _read_csv(path: Path, aliases: dict[str, str], max_columns: int, text_columns: set[str]) -> RawTable:
    with open(path, "rb") as fh:
        sample = fh.read(ENCODING_SAMPLE_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif b"\x00" in sample:
        raise FileFormatError(key="io.binary", path=path)
    else:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(sample, final=len(sample) < ENCODING_SAMPLE_BYTES)
            # the rest of the file is checked by pyarrow as it reads (every text column is validated)
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = decide_legacy_encoding(path, path.read_bytes())
    try:
        return _parse_csv(path, sample, encoding, aliases, max_columns, text_columns)
    except _NotUtf8:
        # not UTF-8 after the first megabyte: decide from the whole file and read again
        encoding = decide_legacy_encoding(path, path.read_bytes())
        return _parse_csv(path, sample, encoding, aliases, max_columns, text_columns)


def _parse_csv(path: Path, sample: bytes, encoding: str, aliases: dict[str, str], max_columns: int,
               text_columns: set[str]) -> RawTable:
    import pyarrow as pa
    import pyarrow.csv as pacsv

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
    # ids and other text columns are read as text, so 000356 stays 000356; numbers and dates
    # are left to pyarrow's fast parsers (the validator parses whatever stays text)
    column_types = {}
    for h in head_rows[header_idx] if header_idx < len(head_rows) else []:
        canonical = aliases.get(normalise_header(h)) if h.strip() else None
        if canonical is None or canonical in text_columns:
            column_types[h] = pa.string()
    read_options = pacsv.ReadOptions(
        skip_rows=header_idx,
        encoding="utf8" if encoding in ("utf-8", "utf-8-sig") else encoding,
        block_size=1 << 24,
    )
    parse_options = pacsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False, newlines_in_values=False)
    # only an empty cell is missing: #N/A, NULL, NA are values the validator reports
    convert_options = pacsv.ConvertOptions(strings_can_be_null=True, quoted_strings_can_be_null=True,
                                           null_values=[""], true_values=[], false_values=[],
                                           column_types=column_types)
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
        if ("invalid UTF8" in message or isinstance(exc, UnicodeDecodeError)) and encoding == "utf-8":
            raise _NotUtf8() from None
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
    table = _nan_text_as_text(table)
    frame = table.to_pandas(date_as_object=False)  # date32 -> datetime64, not Python date objects
    del table
    names, original, unknown = _rename(list(frame.columns), aliases, path)
    frame.columns = names
    # row numbers as a spreadsheet shows them: header at header_idx + 1, data below
    frame.index = pd.RangeIndex(header_idx + 2, header_idx + 2 + len(frame))
    frame = _drop_blank_rows(frame)
    return RawTable(frame, path, header_idx + 1, encoding, original, unknown)


def _nan_text_as_text(table):
    """A float column where pyarrow read ``nan``/``inf`` text as numbers goes back to text, so
    the validator reports those cells instead of taking them for empty ones."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for i, col_type in enumerate(table.schema.types):
        if pa.types.is_floating(col_type):
            column = table.column(i)
            if pc.any(pc.or_(pc.is_nan(column), pc.is_inf(column))).as_py():
                table = table.set_column(i, table.schema.names[i], pc.cast(column, pa.string()))
    return table


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


_SHEET_ENTRY = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"[^>]*?\b(?:\w+:)?id="([^"]*)"')
_REL_ENTRY = re.compile(rb'<(?:\w+:)?Relationship\b[^>]*>')
_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_CELL_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*?\bt="e"[^>]*)>(.*?)</(?:\w+:)?c>', re.DOTALL)
_VALUE = re.compile(rb'<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>')
_FORMULA_NO_VALUE = re.compile(
    rb'<(?:\w+:)?c\b([^>]*)>\s*<(?:\w+:)?f\b[^>]*(?:/>|>[^<]*</(?:\w+:)?f>)\s*'
    rb'(<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>')


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


def _sheet_xml(zf: zipfile.ZipFile, sheet_name: str) -> bytes | None:
    """The XML of worksheet ``sheet_name`` of an .xlsx, found through the workbook's relationships."""
    try:
        workbook = zf.read("xl/workbook.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    targets = {}
    for m in _REL_ENTRY.finditer(rels):
        rid = re.search(rb'\bId="([^"]*)"', m.group(0))
        target = re.search(rb'\bTarget="([^"]*)"', m.group(0))
        if rid and target:
            targets[rid.group(1)] = html.unescape(target.group(1).decode("utf-8", "replace"))
    for m in _SHEET_ENTRY.finditer(workbook):
        if html.unescape(m.group(1).decode("utf-8", "replace")) == sheet_name and m.group(2) in targets:
            target = targets[m.group(2)]
            member = target.lstrip("/") if target.startswith("/") else "xl/" + target
            try:
                return zf.read(member)
            except KeyError:
                return None
    return None


@dataclass
class _CellNotes:
    """What the cell values alone do not tell: error values, formulas never calculated, hidden rows."""

    errors: list[tuple[int, int, str]] = field(default_factory=list)       # (row, column index, "#N/A")
    uncalculated: list[tuple[int, int]] = field(default_factory=list)       # (row, column index)
    hidden_rows: list[int] = field(default_factory=list)


def _scan_sheet_xml(xml: bytes) -> _CellNotes:
    notes = _CellNotes()
    if b'hidden="' in xml:
        for m in _HIDDEN_ROW.finditer(xml):
            r = _ROW_NUMBER.search(m.group(0))
            if r:
                notes.hidden_rows.append(int(r.group(1)))
    if b't="e"' in xml:
        for m in _ERROR_CELL.finditer(xml):
            ref, value = _CELL_REF.search(m.group(1)), _VALUE.search(m.group(2))
            if ref:
                notes.errors.append((int(ref.group(2)), _column_index(ref.group(1)),
                                     value.group(1).decode("utf-8", "replace") if value else "#N/A"))
    if b"<f" in xml or b":f" in xml:
        for m in _FORMULA_NO_VALUE.finditer(xml):
            attrs = m.group(1)
            if m.group(2) is not None and b't="str"' in attrs:
                continue  # a formula whose saved result is the empty text
            ref = _CELL_REF.search(attrs)
            if ref:
                notes.uncalculated.append((int(ref.group(2)), _column_index(ref.group(1))))
    return notes


def _scan_xls(path: Path, sheet_name: str) -> _CellNotes:
    """Error values and hidden rows of an old .xls sheet (calamine shows an error cell as empty).

    A formula's saved result is all that a .xls file gives either reader; one never
    calculated reads as empty text, which this scan cannot tell from an empty cell.
    """
    import xlrd

    notes = _CellNotes()
    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except Exception:  # noqa: BLE001 - calamine read the values; formats are a bonus (e.g. .xls from WPS)
        return notes
    try:
        sheet = book.sheet_by_name(sheet_name)
        for r in range(sheet.nrows):
            for c, ctype in enumerate(sheet.row_types(r)):
                if ctype == xlrd.XL_CELL_ERROR:
                    code = sheet.cell_value(r, c)
                    notes.errors.append((r + 1, c, xlrd.error_text_from_code.get(code, "#N/A")))
        notes.hidden_rows = sorted(r + 1 for r, info in sheet.rowinfo_map.items() if info.hidden)
    except Exception:  # noqa: BLE001
        return _CellNotes()
    finally:
        book.release_resources()
    return notes


def _read_excel(path: Path, aliases: dict[str, str], sheet: str | int | None, max_columns: int,
                size: int) -> RawTable:
    """Read a worksheet of an .xlsx/.xlsm/.xls workbook with calamine.

    calamine reads the cells themselves (it does not trust the sheet size an exporter wrote
    into the file); for .xlsx/.xlsm the sheet's XML is scanned once more for what the
    values do not show: error values, formulas without a saved result, hidden rows.
    """
    import python_calamine as calamine

    is_xls = path.suffix.lower() == ".xls"
    if not is_xls:
        _guard_xlsx(path, size, int(os.environ.get("THREEC_MAX_XLSX_UNPACKED", DEFAULT_MAX_XLSX_UNPACKED)))
    try:
        with _rust_panics_quiet():
            wb = calamine.CalamineWorkbook.from_path(str(path))
    except BaseException as exc:  # calamine raises several types, and a Rust panic (a BaseException), for damaged files
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        key = "io.xls_unopenable" if is_xls else "io.xlsx_unopenable"
        raise FileFormatError(key=key, path=path, detail=f"{type(exc).__name__}: {exc}") from None
    try:
        try:
            with _rust_panics_quiet():
                metas = list(wb.sheets_metadata)
        except BaseException as exc:  # including a Rust panic inside calamine
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            raise FileFormatError(key="io.xlsx_unopenable", path=path, detail=f"{type(exc).__name__}: {exc}") from None
        visible = [m.name for m in metas if str(m.visible).endswith("Visible") and str(m.typ).endswith("WorkSheet")]
        all_names = [m.name for m in metas]
        if sheet is None:
            candidates = []
            first_nonempty = None
            for name in visible:
                rows = _sheet_rows(wb, name, path)
                head = rows[:HEADER_SEARCH_ROWS]
                if not any(any(c is not None for c in r) for r in head):
                    continue
                if first_nonempty is None:
                    first_nonempty = (name, rows)
                if aliases and _header_score(head[find_header_row(head, aliases)], aliases) > 0:
                    candidates.append((name, rows))
            if len(candidates) > 1:
                raise InputError(key="io.many_sheets", path=path, sheets="、".join(n for n, _ in candidates))
            chosen = candidates[0] if candidates else first_nonempty
            if chosen is None:
                raise FileFormatError(key="io.sheet_empty", path=path, sheet="、".join(visible) or "-")
            sheet_name, rows = chosen
        else:
            if isinstance(sheet, int):
                if not 0 <= sheet < len(all_names):
                    raise InputError(key="io.no_sheet", path=path, sheet=sheet, sheets=", ".join(all_names))
                sheet_name = all_names[sheet]
            else:
                if str(sheet) not in all_names:
                    raise InputError(key="io.no_sheet", path=path, sheet=sheet, sheets=", ".join(all_names))
                sheet_name = str(sheet)
            rows = _sheet_rows(wb, sheet_name, path)
    finally:
        wb.close()
    head = rows[:HEADER_SEARCH_ROWS]
    if any(len(r) > max_columns for r in head):
        raise FileFormatError(key="io.too_many_columns", path=path, n=f"{max(len(r) for r in head):,}",
                              limit=f"{max_columns:,}")
    if not any(any(c is not None for c in r) for r in head):
        raise FileFormatError(key="io.sheet_empty", path=path, sheet=sheet_name)
    header_idx = find_header_row(head, aliases)
    headers = list(rows[header_idx])
    width = len(headers)
    while width and (headers[width - 1] is None or str(headers[width - 1]).strip() == ""):
        width -= 1  # trailing empty header cells
    names, original, unknown = _rename(headers[:width], aliases, path)
    data = rows[header_idx + 1:]
    frame = pd.DataFrame([r[:width] + [None] * (width - len(r)) for r in data], columns=names, dtype=object)
    frame.index = pd.RangeIndex(header_idx + 2, header_idx + 2 + len(frame))
    notes = _CellNotes()
    if is_xls:
        notes = _scan_xls(path, sheet_name)
    else:
        with zipfile.ZipFile(path) as zf:
            xml = _sheet_xml(zf, sheet_name)
        if xml is not None:
            notes = _scan_sheet_xml(xml)
            del xml
    first_row = header_idx + 2
    for row, col, value in notes.errors:
        if row >= first_row and col < width:
            frame.iat[row - first_row, col] = value  # calamine shows an error cell as empty
    uncalculated = [(row, names[col]) for row, col in notes.uncalculated if row >= first_row and col < width]
    hidden = [r for r in notes.hidden_rows if r >= first_row]
    frame = _drop_blank_rows(frame)
    if frame.empty and not uncalculated:
        raise FileFormatError(key="io.sheet_header_only", path=path, sheet=sheet_name)
    raw = RawTable(frame, path, header_idx + 1, None, original, unknown, sheet=sheet_name)
    raw.uncalculated = uncalculated
    raw.hidden_rows = [r for r in hidden if r in frame.index]
    return raw


@contextlib.contextmanager
def _rust_panics_quiet():
    """Keep what calamine's Rust code prints when it panics on a damaged file off the terminal.

    The panic itself arrives as a Python exception and becomes a problem naming the file; its
    message printed on standard error (with a Rust backtrace when ``RUST_BACKTRACE`` is set)
    would look like a crash to the consultant.
    """
    try:
        saved = os.dup(2)
    except OSError:  # no file descriptor 2 (some embedded interpreters)
        yield
        return
    try:
        with tempfile.TemporaryFile() as sink:
            os.dup2(sink.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
    finally:
        os.close(saved)


def _sheet_rows(wb, name: str, path: Path) -> list[list[object]]:
    """Every row of a sheet from A1, empty cells as None (calamine shows them as '')."""
    try:
        with _rust_panics_quiet():
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except BaseException as exc:  # including a Rust panic inside calamine
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise FileFormatError(key="io.xlsx_unopenable", path=path, detail=f"{type(exc).__name__}: {exc}") from None
    return [[None if c == "" else c for c in r] for r in rows]


#: rows below the header row searched for data by :func:`sheet_holds_data`
DATA_SEARCH_ROWS = 1_000


def sheet_holds_data(path: str | Path, sheet: str, table: Table | None = None) -> bool:
    """Whether worksheet ``sheet`` of a workbook holds a data row: a non-blank row below its
    header row other than a request workbook's example row (:data:`EXAMPLE_MARKERS`).

    Only the first rows are read (the header search and :data:`DATA_SEARCH_ROWS` below it).
    A sheet that cannot be read counts as holding data, so it is never passed over unseen.

    Parameters
    ----------
    path : str or Path
        An ``.xlsx``, ``.xlsm`` or ``.xls`` workbook.
    sheet : str
        The worksheet's name.
    table : Table, optional
        The table the sheet should hold (finds its header row below title rows).

    Returns
    -------
    bool

    See Also
    --------
    drop_example_row : what the example row is.

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> from threec_helpers.inputs.contract import TABLES
    >>> wb = openpyxl.Workbook()
    >>> wb.active.title = "客户"
    >>> wb.active.append(["客户编号", "客户名称"])
    >>> wb.active.append(["【示例】C0001", "示例公司"])
    >>> path = Path(tempfile.mkdtemp()) / "book.xlsx"
    >>> wb.save(path)
    >>> sheet_holds_data(path, "客户", TABLES["customers"])
    False
    """
    import python_calamine as calamine

    aliases = alias_table(table) if table is not None else {}
    try:
        with _rust_panics_quiet():
            wb = calamine.CalamineWorkbook.from_path(str(path))
            try:
                rows = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False,
                                                             nrows=HEADER_SEARCH_ROWS + DATA_SEARCH_ROWS)
            finally:
                wb.close()
    except BaseException as exc:  # noqa: BLE001 - a damaged workbook is reported when it is read
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return True

    def blank(row: list[object]) -> bool:
        return not any(c is not None and str(c).strip() for c in row)

    head = rows[:HEADER_SEARCH_ROWS]
    if all(blank(r) for r in head):
        return False
    header = find_header_row([[None if c == "" else c for c in r] for r in head], aliases)
    for i, row in enumerate(rows[header + 1:]):
        if blank(row):
            continue
        first = row[0] if row else None
        if i == 0 and isinstance(first, str) and first.strip().lower().startswith(EXAMPLE_MARKERS):
            continue
        return True
    return False


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


#: contract types read as text from a CSV (ids keep their leading zeros)
TEXT_TYPES = ("string", "category", "period", "month", "bool")


def read_table(path: str | Path, table: Table | None = None, *, sheet: str | int | None = None,
               max_bytes: int | None = None, max_columns: int = DEFAULT_MAX_COLUMNS,
               columns: dict[str, str] | None = None) -> RawTable:
    """Read one input table from CSV, Excel (.xlsx, .xlsm, .xls) or Parquet.

    Parameters
    ----------
    path : str or Path
        The file. Its ending chooses the reader (.csv/.txt/.tsv, .xlsx/.xlsm/.xls, .parquet).
    table : Table, optional
        The contract table this file should hold; its alias table maps headers to
        canonical names and finds the header row below title rows.
    sheet : str or int, optional
        Worksheet of a workbook. Default: the one visible sheet whose header row matches
        the table; several such sheets are refused, listing them.
    max_bytes : int, optional
        Refuse files larger than this (default ``THREEC_MAX_FILE_MB`` or 4 GB).
    max_columns : int
        Refuse files wider than this.
    columns : dict, optional
        The client's own headers mapped to canonical column names (``client.yaml``
        ``tables: {name: {columns: {单据日期: date}}}``); they take precedence over the
        alias table.

    Returns
    -------
    RawTable

    Raises
    ------
    FileFormatError
        Empty, binary, undecodable, damaged, oversized or header-only files.
    InputError
        A workbook with several sheets that could hold the table, or no such sheet.

    Examples
    --------
    >>> from threec_helpers.inputs.contract import TABLES
    >>> from threec_helpers.paths import client_folder
    >>> raw = read_table(client_folder("demo_manufacturer") / "transactions.csv", TABLES["transactions"])
    >>> raw.frame.columns[:3].tolist()
    ['transaction_id', 'date', 'customer_id']
    """
    path = Path(path)
    if not path.is_file():
        raise FileFormatError(key="io.not_found", path=path)
    if max_bytes is None:
        max_bytes = int(float(os.environ.get("THREEC_MAX_FILE_MB", DEFAULT_MAX_FILE_BYTES / 2**20)) * 2**20)
    size = _check_size(path, max_bytes)
    aliases = alias_table(table) if table is not None else {}
    for header, canonical in (columns or {}).items():
        aliases[normalise_header(header)] = canonical
    text_columns = {c.name for c in table.columns if c.type in TEXT_TYPES} if table is not None else set()
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return drop_example_row(_read_csv(path, aliases, max_columns, text_columns))
    if suffix in EXCEL_SUFFIXES:
        return drop_example_row(_read_excel(path, aliases, sheet, max_columns, size))
    if suffix in PARQUET_SUFFIXES:
        return _read_parquet(path, aliases)
    raise FileFormatError(key="io.unknown_type", path=path, suffix=suffix)


# --------------------------------------------------------------------------- value parsing

_NUMBER_JUNK = re.compile(r"[\s¥$€£￥元]|RMB|CNY|HKD|HK|NTD|NT|MOP|USD", re.IGNORECASE)
_CN_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日?)?\s*$")
#: numbers whose separators say "comma groups thousands, dot is decimal": 1,234.56  1,234,567  12.5
_THOUSANDS_EVIDENCE = r"\d{1,3}(?:,\d{3})+\.\d+|\d{1,3}(?:,\d{3}){2,}|\d*\.\d{1,2}|\d*\.\d{4,}|\d{4,}\.\d+"
#: numbers whose separators say "comma is decimal": 12,5  1234,567  1.234,56  1.234.567
_DECIMAL_COMMA_EVIDENCE = r"\d+,\d{1,2}|\d+,\d{4,}|\d{4,},\d{3}|\d{1,3}(?:\.\d{3})+,\d+|\d{1,3}(?:\.\d{3}){2,}"
#: either: 1,234 (1234 or 1.234) and 1.234 (1.234 or 1234)
_AMBIGUOUS_COMMA = r"\d{1,3},\d{3}"
_AMBIGUOUS_DOT = r"\d{1,3}\.\d{3}"
#: what a date order may be configured as (client.yaml ``date_order``)
DATE_ORDERS = ("dmy", "mdy", "ymd")


def _as_text(values: pd.Series) -> pd.Series:
    return values.astype("string").str.normalize("NFKC").str.strip()


def _examples(text: pd.Series, mask: pd.Series, n: int = 3) -> list[str]:
    return [str(v) for v in text[mask].drop_duplicates().head(n)]


def parse_numbers(values: pd.Series, percent: str | None = None,
                  notes: dict | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse a column of numbers written as consultants' files write them.

    Accepts numbers, ``"1,234.50"``, ``"１２３"`` (full-width), ``"¥1,234"``, ``"(1,234)"``
    (negative), ``"3.5万"`` / ``"1.2亿"``, ``"35%"`` (when ``percent`` allows it) and
    empty cells. Whether a comma groups thousands (``1,234.50``) or marks the decimals
    (``1.234,50``, software made in Europe) is decided once for the whole column from the
    cells that can only be read one way; a column holding both is reported, never read
    cell by cell. ``1,234`` alone reads as 1234 (the convention of mainland China, Hong
    Kong and Taiwan).

    Parameters
    ----------
    values : Series
        The raw column.
    percent : {"ratio", "points", None}
        ``"ratio"``: ``"35%"`` -> 0.35; ``"points"``: ``"35%"`` -> 35.0; ``None``: a percent
        sign makes the cell invalid.
    notes : dict, optional
        Filled with ``{"number_convention": "mixed", "examples": [...]}`` when the column
        mixes both conventions (the cells of the minority reading are then invalid).

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
    >>> parse_numbers(pd.Series(["1.234,5", "12,75"]))[0].tolist()
    [1234.5, 12.75]
    """
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        parsed = values.astype("float64")
        return parsed, pd.Series(False, index=values.index)
    if values.dtype == object:
        # Excel columns: number cells are numbers (they carry no comma convention); only the
        # text cells are parsed, and only they decide the column's convention
        is_num = values.map(lambda v: isinstance(v, (int, float, np.number)) and not isinstance(v, bool),
                            na_action="ignore").fillna(False).astype(bool)
        if is_num.all():
            return values.astype("float64"), pd.Series(False, index=values.index)
        if is_num.any():
            parsed, invalid = parse_numbers(values.where(~is_num, None), percent=percent, notes=notes)
            numbers = pd.to_numeric(values.where(is_num, None), errors="coerce").astype("float64")
            return parsed.where(~is_num, numbers), invalid & ~is_num
    text = _as_text(values)
    empty = (text.isna() | (text == "")).to_numpy()
    t = text.str.replace("\u2212", "-", regex=False)
    paren = t.str.fullmatch(r"\(.*\)").fillna(False)
    t = t.where(~paren, t.str.slice(1, -1))
    minus = t.str.startswith("-").fillna(False)
    t = t.where(~minus, t.str.slice(1))
    is_pct = t.str.endswith("%").fillna(False)
    t = t.str.replace(r"%$", "", regex=True)
    unit = t.str.extract(r"(万|亿)元?$")[0]
    t = t.str.replace(r"(万|亿)元?$", "", regex=True)
    t = t.str.replace(_NUMBER_JUNK, "", regex=True)
    has_sep = t.str.contains(",", regex=False).fillna(False)
    thousands_ev = t.str.fullmatch(_THOUSANDS_EVIDENCE).fillna(False)
    decimal_ev = t.str.fullmatch(_DECIMAL_COMMA_EVIDENCE).fillna(False)
    amb_comma = t.str.fullmatch(_AMBIGUOUS_COMMA).fillna(False)
    amb_dot = t.str.fullmatch(_AMBIGUOUS_DOT).fillna(False)
    decimal_comma = bool(decimal_ev.any())
    if decimal_comma and thousands_ev.any():
        if notes is not None:
            notes["number_convention"] = "mixed"
            notes["examples"] = _examples(text, thousands_ev, 2) + _examples(text, decimal_ev, 2)
        decimal_comma = int(decimal_ev.sum()) > int(thousands_ev.sum())
    if decimal_comma:
        sep_ok = decimal_ev | amb_comma | amb_dot
        converted = t.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        cleaned = t.where(~sep_ok, converted)
        cleaned = cleaned.where(~thousands_ev, None)
    else:
        grouped = (thousands_ev & has_sep) | amb_comma
        cleaned = t.where(~grouped, t.str.replace(",", "", regex=False))
    cleaned = cleaned.where(~cleaned.str.contains(",", regex=False).fillna(False), None)
    parsed = pd.to_numeric(cleaned.astype(object).where(~empty, None), errors="coerce").astype("float64")
    parsed = parsed.where(np.isfinite(parsed))
    parsed = parsed.where(~(paren | minus), -parsed)
    scale = unit.map({"万": 1e4, "亿": 1e8}).astype("float64").fillna(1.0).to_numpy()
    parsed = parsed * scale
    if percent == "ratio":
        parsed = parsed.where(~is_pct, parsed / 100.0)
    elif percent is None:
        parsed = parsed.where(~is_pct, np.nan)
    invalid = (~empty) & parsed.isna().to_numpy()
    return parsed, pd.Series(invalid, index=values.index)


_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_XY_YEAR = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_NUMERIC_ONLY = re.compile(r"^[\d\s\-:T.+/]+$")


def _build_dates(year, month, day) -> pd.Series:
    frame = pd.DataFrame({"year": pd.to_numeric(year), "month": pd.to_numeric(month), "day": pd.to_numeric(day)})
    return pd.to_datetime(frame, errors="coerce")


def parse_dates(values: pd.Series, order: str | None = None,
                notes: dict | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse a date column: ISO dates, ``2025/3/5``, ``2025.03.05``, ``2025年3月5日``,
    ``20250305``, ``05/03/2025``, Excel dates.

    Day-first (``05/03/2025`` = 5 March, Hong Kong, Europe) or month-first (= 3 May, US
    software) is decided **once for the column**: from cells whose first number is above
    12 (day-first) or whose second is (month-first). A column with evidence of both, or
    with only ambiguous cells, is refused unless ``order`` says which; never guessed per cell.

    Parameters
    ----------
    values : Series
    order : {"dmy", "mdy", "ymd"}, optional
        The client's date order (``client.yaml`` ``date_order``).
    notes : dict, optional
        Filled with ``{"date_order": "mixed"|"ambiguous", "examples": [...], "unread": mask}``
        when the column's order cannot be decided: its day/month cells (``unread``, a bool
        Series) are then invalid.

    Returns
    -------
    parsed : Series of datetime64[ns]
    invalid : Series of bool
        True where a non-empty cell is not a date.

    Examples
    --------
    >>> parsed, invalid = parse_dates(pd.Series(["2025-03-05", "2025年3月6日", "20250307", "soon"]))
    >>> [day.day for day in parsed[:3]], invalid.tolist()
    ([5, 6, 7], [False, False, False, True])
    """
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        parsed = values
        if getattr(parsed.dt, "tz", None) is not None:
            parsed = parsed.dt.tz_localize(None)
        return parsed.astype("datetime64[ns]"), pd.Series(False, index=values.index)
    direct = None
    if values.dtype == object:
        is_dt = values.map(lambda v: hasattr(v, "year"), na_action="ignore").fillna(False).astype(bool)
        if is_dt.all():
            parsed = pd.to_datetime(values, errors="coerce").astype("datetime64[ns]")
            return parsed, pd.Series(False, index=values.index)
        if is_dt.any():  # Excel: date cells and text cells in one column
            direct = pd.to_datetime(values.where(is_dt), errors="coerce").astype("datetime64[ns]")
            values = values.where(~is_dt)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    text = _as_text(pd.Series(uniques, dtype=object))
    empty_u = (text.isna() | (text == "")).to_numpy()
    cn = text.str.extract(_CN_DATE)
    has_cn = cn[0].notna()
    text = text.where(~has_cn, cn[0] + "-" + cn[1].str.zfill(2) + "-" + cn[2].fillna("1").str.zfill(2))
    text = text.str.replace(r"[./]", "-", regex=True)
    # 20250305 (ERP exports): year, month, day without separators
    text = text.str.replace(r"^(\d{4})(\d{2})(\d{2})$", r"\1-\2-\3", regex=True)
    ymd = text.str.extract(_YMD)
    xy = text.str.extract(_XY_YEAR)
    is_ymd, is_xy = ymd[0].notna().to_numpy(), xy[0].notna().to_numpy()
    parsed_u = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    if is_ymd.any():
        parsed_u[is_ymd] = _build_dates(ymd[0][is_ymd], ymd[1][is_ymd], ymd[2][is_ymd]).to_numpy()
    if is_xy.any():
        first = pd.to_numeric(xy[0]).to_numpy()
        second = pd.to_numeric(xy[1]).to_numpy()
        day_first = is_xy & (first > 12) & (second <= 12)
        month_first = is_xy & (second > 12) & (first <= 12)
        chosen = order
        if chosen is None:
            if day_first.any() and month_first.any():
                if notes is not None:
                    notes.update(date_order="mixed", examples=_examples(
                        pd.Series(uniques, dtype=object).astype(str), pd.Series(day_first), 2)
                        + _examples(pd.Series(uniques, dtype=object).astype(str), pd.Series(month_first), 2))
            elif day_first.any():
                chosen = "dmy"
            elif month_first.any():
                chosen = "mdy"
            elif notes is not None:
                notes.update(date_order="ambiguous",
                             examples=_examples(pd.Series(uniques, dtype=object).astype(str), pd.Series(is_xy), 3))
        if chosen is None and notes is not None and notes.get("date_order"):
            # the cells left unread for want of an order (others the column's problems report as such)
            notes["unread"] = pd.Series(np.append(is_xy, False)[codes], index=values.index)
        if chosen == "dmy":
            parsed_u[is_xy] = _build_dates(xy[2][is_xy], xy[1][is_xy], xy[0][is_xy]).to_numpy()
        elif chosen == "mdy":
            parsed_u[is_xy] = _build_dates(xy[2][is_xy], xy[0][is_xy], xy[1][is_xy]).to_numpy()
    other = ~(is_ymd | is_xy | empty_u)
    if other.any():
        # month names and the like ("5 Mar 2025", "Mar 5, 2025") are unambiguous; all-number
        # forms not matched above (two-digit years, ...) are not guessed
        rest = text[other]
        numeric_only = rest.str.match(_NUMERIC_ONLY).fillna(True).to_numpy()
        guess = pd.to_datetime(rest.astype(object).where(~numeric_only, None), errors="coerce", format="mixed")
        parsed_u[other] = guess.astype("datetime64[ns]").to_numpy()
    parsed_arr = np.append(parsed_u.to_numpy(dtype="datetime64[ns]"), np.datetime64("NaT", "ns"))[codes]
    invalid_u = np.append(~empty_u & parsed_u.isna().to_numpy(), False)[codes]
    parsed = pd.Series(parsed_arr, index=values.index)
    if direct is not None:
        parsed = parsed.where(direct.isna(), direct)
        invalid_u = invalid_u & direct.isna().to_numpy()
    return parsed, pd.Series(invalid_u, index=values.index)


def parse_bools(values: pd.Series, value_aliases: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """Parse yes/no cells (``yes``/``no``, ``是``/``否``, ``1``/``0``, ``true``/``false``).

    Parameters
    ----------
    values : Series
    value_aliases : dict
        Spellings -> ``"true"`` / ``"false"`` (the column's ``value_aliases``).

    Returns
    -------
    parsed : Series of boolean (nullable)
    invalid : Series of bool

    See Also
    --------
    parse_categories : the same for a category column.

    Examples
    --------
    >>> parsed, invalid = parse_bools(pd.Series(["是", "no", "maybe"]), {"是": "true", "no": "false"})
    >>> parsed.tolist(), invalid.tolist()
    ([True, False, <NA>], [False, False, True])
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

    Parameters
    ----------
    values : Series
    column : Column
        A ``category`` column of the contract.

    See Also
    --------
    parse_bools : the same for a yes/no column.

    Examples
    --------
    >>> from threec_helpers.inputs.contract import TABLES
    >>> parsed, _ = parse_categories(pd.Series(["活跃", "Active", "old"]), TABLES["customers"].column("status"))
    >>> parsed.tolist()
    ['active', 'active', 'old']
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


#: whole numbers from this size on are not held exactly by a spreadsheet cell (Excel keeps 15
#: significant digits: an 18-digit id typed as a number has lost its last digits)
EXACT_NUMBER_LIMIT = 10**15


def _number_cells_as_text(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Number cells of a text column written as a spreadsheet shows them.

    A reader gives a cell typed as a number in Excel as a float (``1001.0``); a whole number
    is written ``1001`` (as Excel's General format shows it), any other with at most 15
    significant digits (``1001.5``). Text cells are left as they are.

    Returns
    -------
    values : Series
        ``values`` with its number cells replaced by text (object dtype when any was).
    fractional : Series of bool
        Cells that were numbers with a fractional part.
    inexact : Series of bool
        Cells that were whole numbers too large for a spreadsheet to hold exactly.
    """
    none = pd.Series(False, index=values.index)
    if pd.api.types.is_bool_dtype(values.dtype) or pd.api.types.is_integer_dtype(values.dtype):
        return values, none, none  # integers (Parquet) are exact: astype(string) writes them as they are
    if pd.api.types.is_float_dtype(values.dtype):
        is_float = values.notna()
    elif values.dtype == object:
        is_float = values.map(lambda v: isinstance(v, (float, np.floating)), na_action="ignore")
        is_float = is_float.fillna(False).astype(bool) & values.notna()
    else:
        return values, none, none
    if not is_float.any():
        return values, none, none
    numbers = values[is_float].astype("float64")
    finite = np.isfinite(numbers)
    whole = finite & (numbers == np.floor(numbers))
    texts = [str(int(x)) if w else (f"{x:.15g}" if f else str(x))
             for x, w, f in zip(numbers.to_numpy(), whole.to_numpy(), finite.to_numpy())]
    out = values.astype(object).copy()
    out[is_float] = texts
    fractional = none.copy()
    fractional[is_float] = (finite & ~whole).to_numpy()
    inexact = none.copy()
    inexact[is_float] = (whole & (numbers.abs() >= EXACT_NUMBER_LIMIT)).to_numpy()
    return out, fractional, inexact


def parse_text(values: pd.Series) -> pd.Series:
    """Text column: strings stripped, empty cells missing; numbers that a reader turned into
    floats written back as a spreadsheet shows them (``1001.0`` -> ``1001``), also in a
    column mixing number and text cells.

    Parameters
    ----------
    values : Series

    Returns
    -------
    Series

    See Also
    --------
    parse_ids : the same for an id column, refusing numbers that cannot be an id.

    Examples
    --------
    >>> parse_text(pd.Series([1001.0, 1002.0])).tolist()
    ['1001', '1002']
    >>> parse_text(pd.Series([1001.0, "1002", 2.5], dtype=object)).tolist()
    ['1001', '1002', '2.5']
    >>> parse_text(pd.Series([" a ", "", None])).isna().tolist()
    [False, True, True]
    """
    values, _, _ = _number_cells_as_text(values)
    text = values.astype("string").str.strip()
    return _to_str(text.where(text != ""))


def parse_ids(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Id column: as :func:`parse_text`, but a cell typed as a number that cannot be read back
    as the id is refused: a fractional number (``4.10`` typed as a number is ``4.1``; an id
    like ``1001.5`` is most likely a damaged export) and a whole number of 16 digits or more
    (Excel keeps 15 significant digits, so its last digits are lost).

    Parameters
    ----------
    values : Series

    Returns
    -------
    parsed : Series of str
        Missing where refused.
    invalid : Series of bool
        True where a number cell cannot be read back as an id.

    See Also
    --------
    parse_text : the same for a text column that is not an id.

    Examples
    --------
    >>> parsed, invalid = parse_ids(pd.Series([1001.0, "1002", 1001.5, 4.1e17], dtype=object))
    >>> parsed.tolist()[:2], invalid.tolist()
    (['1001', '1002'], [False, False, True, True])
    """
    _, fractional, inexact = _number_cells_as_text(values)
    invalid = fractional | inexact
    parsed = parse_text(values)
    return parsed.where(~invalid), invalid
