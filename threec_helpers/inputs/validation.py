"""Validating a client folder against the data contract, and caching the result.

:func:`validate_client` reads every table of the client's engagement, parses values
(:mod:`threec_helpers.io`), checks the column rules of :mod:`threec_helpers.contract`
with `pandera <https://pandera.readthedocs.io>`_ (types, ranges, uniqueness, allowed
categories, empty cells, dates not in the future), then the rules across tables
(referential integrity, KPI rows with a value or a numerator/denominator). It never
stops at the first problem: the :class:`ValidationReport` lists every one with file, row,
column, rule, offending value and a fix hint, in Chinese or English.

:func:`load_client` is what notebooks call: it returns the validated tables, from the
processed cache when the inputs have not changed (keyed by the SHA-256 of every input
file, ``client.yaml``, the contract version and the package version). Raw inputs are
only ever read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
import warnings
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from .. import __version__
from .config import CONFIG_FILE, ClientConfig, load_client_config
from .contract import CONTRACT_VERSION, Column, Table, choices, display_header, is_id, tables_for
from ..errors import ClientConfigError, DataValidationError, InputError
from ..i18n import fmt_int, t
from ..arrays import fast_isin
from .readers import (
    EXCEL_ERRORS,
    SUPPORTED_SUFFIXES,
    RawTable,
    parse_bools,
    parse_categories,
    parse_dates,
    parse_ids,
    parse_numbers,
    parse_text,
    read_table,
)
from ..storage import write_parquet_atomic, write_text_atomic
from ..paths import client_folder, data_root, processed_root

#: problems kept per (file, column, rule); the rest are counted
MAX_EXAMPLES_PER_RULE = 20


@dataclass
class Problem:
    """One failed rule.

    Attributes
    ----------
    table : str
        Contract table name.
    file : str
        The file, as a path relative to the data root where possible.
    row : int or None
        Row number in the file as a spreadsheet shows it (None for file-level problems).
    column : str or None
        Canonical column name.
    rule : str
        Rule id (``type``, ``unique``, ``reference``, ...); its message and fix hint are
        the i18n keys ``validation.<rule>`` and ``validation.<rule>.hint``.
    value : str or None
        The offending cell as text.
    params : dict
        Fields for the message (bounds, allowed values, ...).
    severity : {"error", "warning"}
    header : str or None
        The column's header as written in the file (set by :meth:`ValidationReport.add`).

    Messages name a contract column by its header as written in the file, else by its
    header in the report language (``客户编号`` in Chinese), and list a category's allowed
    values in the report language (``活跃、非活跃、潜在、疑似``): the client wrote those,
    not the canonical codes.

    See Also
    --------
    ValidationReport : collects the problems of a client folder.

    Examples
    --------
    >>> p = Problem("customers", "customers.csv", 5, "customer_id", "unique", value="C001")
    >>> p.message("en")
    "column 'customer_id' holds a duplicate value"
    >>> p.hint("en")
    'Each id may appear once: merge or correct the duplicate rows.'
    """

    table: str
    file: str
    row: int | None
    column: str | None
    rule: str
    value: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    severity: str = "error"
    header: str | None = None

    def _fields(self, lang: str = "en") -> dict[str, Any]:
        fields = {"table": self.table, "file": self.file, "row": self.row, "column": self.column,
                  "value": self.value, **self.params}
        col = _contract_column(self.table, self.column)
        if self.header:
            fields["column"] = self.header
        elif col is not None:
            fields["column"] = display_header(col, lang)
        if col is not None and col.type == "category" and "allowed" in self.params:
            fields["allowed"] = ("、" if lang == "zh" else ", ").join(choices(col, lang))
        return fields

    def message(self, lang: str = "en") -> str:
        """What is wrong, in ``lang``."""
        if "message_key" in self.params:  # a reader's own message (threec_helpers.io)
            return t(self.params["message_key"], lang, **self.params.get("message_fields", {}))
        return t(f"validation.{self.rule}", lang, **self._fields(lang))

    def hint(self, lang: str = "en") -> str:
        """What to do, in ``lang``."""
        return t(f"validation.{self.rule}.hint", lang, **self._fields(lang))

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        d = asdict(self)
        d["message"] = self.message(lang)
        d["hint"] = self.hint(lang)
        return d


@dataclass
class ValidationReport:
    """Every problem found in one client folder.

    Attributes
    ----------
    client_id : str
    folder : str
    problems : list of Problem
        At most ``MAX_EXAMPLES_PER_RULE`` per (file, column, rule).
    counts : Counter
        Total number of rows failing each (file, column, rule), including those not kept.
    rows : dict
        Data rows read per table.

    See Also
    --------
    validate_client : makes one for a client folder.
    threec_helpers.errors.DataValidationError : carries one when a rule fails.

    Examples
    --------
    >>> report = ValidationReport("acme", "data/clients/acme")
    >>> report.ok
    True
    >>> report.add(Problem("customers", "customers.csv", 5, "customer_id", "unique", value="C001"))
    >>> report.ok, report.n_failing()
    (False, 1)
    >>> print(report.format_text("en"))  # doctest: +NORMALIZE_WHITESPACE
    acme: NOT valid, 1 error(s) and 0 warning(s). Fix the errors in the source files and run threec validate again.
    <BLANKLINE>
    ✗ column 'customer_id' holds a duplicate value
        customers.csv, row 5, column customer_id: value 'C001'
        → Each id may appear once: merge or correct the duplicate rows.
    """

    client_id: str
    folder: str
    problems: list[Problem] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    rows: dict[str, int] = field(default_factory=dict)
    #: file -> {canonical column: header as written in the file}, to show the consultant's own headers
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    #: file -> worksheet read, to name the sheet as well as the file
    sheets: dict[str, str] = field(default_factory=dict)

    def add(self, problem: Problem, count: int = 1) -> None:
        if problem.header is None and problem.column:
            problem.header = self.headers.get(problem.file, {}).get(problem.column)
        key = (problem.file, problem.column, problem.rule)
        if self.counts[key] < MAX_EXAMPLES_PER_RULE:
            self.problems.append(problem)
        self.counts[key] += count

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when no rule of severity ``error`` failed."""
        return not self.errors

    def n_failing(self, severity: str = "error") -> int:
        """Rows (or files) failing, counted over all rules of ``severity``."""
        keys = {(p.file, p.column, p.rule) for p in self.problems if p.severity == severity}
        return sum(self.counts[k] for k in keys)

    def summary(self, lang: str = "en") -> str:
        """One line: valid, or how many errors; warnings counted apart."""
        warnings_ = fmt_int(self.n_failing("warning"))
        if self.ok:
            return t("validation.summary.ok", lang, client=self.client_id, tables=len(self.rows),
                     rows=fmt_int(sum(self.rows.values())), warnings=warnings_)
        return t("validation.summary.failed", lang, client=self.client_id, n=fmt_int(self.n_failing()),
                 warnings=warnings_)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """The problems as a table (one row per kept problem)."""
        cols = ["severity", "table", "file", "row", "column", "rule", "value", "message", "hint"]
        return pd.DataFrame([p.to_dict(lang) for p in self.problems], columns=cols + ["params"])[cols]

    def to_json(self, lang: str = "en") -> str:
        """Machine-readable report (``threec validate --json``)."""
        groups = []
        for (file, column, rule), total in self.counts.items():
            examples = [p for p in self.problems if (p.file, p.column, p.rule) == (file, column, rule)]
            if not examples:
                continue
            groups.append({"file": file, "column": column, "rule": rule, "severity": examples[0].severity,
                           "count": total, "examples": [p.to_dict(lang) for p in examples]})
        groups.sort(key=lambda g: g["severity"] != "error")
        for g in groups:
            if g["file"] in self.sheets:
                g["sheet"] = self.sheets[g["file"]]
        return json.dumps({"client_id": self.client_id, "folder": self.folder, "valid": self.ok,
                           "errors": self.n_failing("error"), "warnings": self.n_failing("warning"),
                           "rows": self.rows, "problems": groups}, ensure_ascii=False, indent=2, default=str)

    def format_text(self, lang: str = "en", max_examples: int = 10) -> str:
        """Readable report: problems grouped by file and rule, each with row, column, value and fix."""
        lines = [self.summary(lang)]
        seen: dict[tuple, list[Problem]] = {}
        for p in sorted(self.problems, key=lambda p: p.severity != "error"):  # errors first, order kept
            seen.setdefault((p.file, p.column, p.rule), []).append(p)
        for (file, column, rule), probs in seen.items():
            first = probs[0]
            mark = "✗" if first.severity == "error" else "!"
            lines.append("")
            lines.append(f"{mark} {first.message(lang)}")
            for p in probs[:max_examples]:
                where = [file]
                if file in self.sheets:
                    where.append(t("validation.where.sheet", lang, sheet=self.sheets[file]))
                if p.row is not None:
                    where.append(t("validation.where.row", lang, row=fmt_int(p.row)))
                if p.column:
                    header = self.headers.get(p.file, {}).get(p.column)
                    shown_col = p.column if not header or header == p.column else f"{header} ({p.column})"
                    where.append(t("validation.where.column", lang, column=shown_col))
                value = "" if p.value is None else t("validation.where.value", lang, value=_short(p.value))
                lines.append(f"    {', '.join(where)}{value}")
            total = self.counts[(file, column, rule)]
            if total > min(len(probs), max_examples):
                lines.append("    " + t("validation.more_rows", lang, n=fmt_int(total - min(len(probs), max_examples))))
            lines.append("    → " + first.hint(lang))
        return "\n".join(lines)


def _contract_column(table: str, column: str | None) -> Column | None:
    """The contract's column ``column`` of ``table`` (None for a header outside the contract)."""
    from .contract import TABLES

    contract_table = TABLES.get(table)
    if contract_table is None or column not in contract_table.column_names:
        return None
    return contract_table.column(column)


def _short(value: Any, limit: int = 60) -> str:
    """A cell value fit for a terminal: control and direction characters shown escaped, cut to ``limit``."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(value)[: limit * 2])
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- locating files


def find_table_file(folder: Path, table: str, config: ClientConfig) -> tuple[Path | None, str | int | None]:
    """Return the file holding ``table`` in a client folder (and its sheet), or ``(None, None)``.

    In order: the file named under ``tables:`` in ``client.yaml`` (it wins over everything
    else); the table's own file (``customers.csv``, ``customers.xlsx``, ...); a sheet named
    after the table in a workbook of the folder (:func:`find_table_sheets`). When the table
    is given more than once, by two own files or an own file and a workbook sheet holding
    data, or by sheets of two workbooks holding data, nothing is chosen: the error names every
    source. A sheet holding only the request workbook's example row, or nothing, is no source.

    Parameters
    ----------
    folder : Path
        The client folder.
    table : str
        Canonical table name.
    config : ClientConfig
        Its ``tables:`` may name the file and sheet.

    Returns
    -------
    path : Path or None
    sheet : str or int or None

    Raises
    ------
    InputError
        When the table is given more than once (``io.table_twice``, fields ``table`` and
        ``sources``).

    See Also
    --------
    find_table_sheets : sheets named after the table in any workbook of the folder.

    Examples
    --------
    >>> from threec_helpers.inputs.config import load_client_config
    >>> from threec_helpers.paths import client_folder
    >>> folder = client_folder("demo_manufacturer")
    >>> path, sheet = find_table_file(folder, "customers", load_client_config(folder))
    >>> path.name, sheet
    ('customers.csv', None)
    """
    source = config.tables.get(table)
    if source is not None and source.file is not None:
        from ..paths import safe_child

        return safe_child(folder, source.file), source.sheet
    sheet = source.sheet if source is not None else None
    own: list[tuple[Path, str | int | None]] = [
        (folder / f"{table}{suffix}", sheet) for suffix in SUPPORTED_SUFFIXES if (folder / f"{table}{suffix}").is_file()]
    sheets: list[tuple[Path, str | int | None]] = []
    if sheet is None:
        sheets = list(find_table_sheets(folder, table, config))
    return _one_source(folder, table, own, sheets)


def _one_source(folder: Path, table: str, own: list, sheets: list) -> tuple[Path | None, str | int | None]:
    """The one source of ``table`` among its own files and workbook sheets; two are refused."""
    from .contract import TABLES
    from .readers import sheet_holds_data

    if len(own) + len(sheets) <= 1:
        found = own + sheets
        return found[0] if found else (None, None)
    holding = [(p, s) for p, s in sheets if sheet_holds_data(p, str(s), TABLES.get(table))]
    given = own + holding
    if len(given) > 1:
        names = [p.name if s is None or p in {o for o, _ in own} else f"{p.name}[{s}]" for p, s in given]
        raise InputError(key="io.table_twice", table=table, sources="; ".join(names), folder=folder)
    if given:
        return given[0]
    return sheets[0]  # only example rows or empty sheets: the first, which the reader reports as such


def workbook_sheets(path: Path) -> list[str]:
    """The visible worksheets of a workbook, in order (empty when it cannot be opened).

    Parameters
    ----------
    path : Path
        An ``.xlsx``, ``.xlsm`` or ``.xls`` file.

    Returns
    -------
    list of str

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> wb = openpyxl.Workbook()
    >>> wb.active.title = "客户"
    >>> wb.create_sheet("notes").sheet_state = "hidden"
    >>> path = Path(tempfile.mkdtemp()) / "book.xlsx"
    >>> wb.save(path)
    >>> damaged = path.with_name("damaged.xlsx")
    >>> _ = damaged.write_bytes(b"not a workbook")
    >>> workbook_sheets(path), workbook_sheets(damaged)
    (['客户'], [])
    """
    import python_calamine as calamine

    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _SHEETS_SEEN:
        try:
            wb = calamine.CalamineWorkbook.from_path(str(path))
            try:
                names = [m.name for m in wb.sheets_metadata
                         if str(m.visible).endswith("Visible") and str(m.typ).endswith("WorkSheet")]
            finally:
                wb.close()
        except BaseException as exc:  # noqa: BLE001 - a damaged workbook is reported when read, not here
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            names = []
        _SHEETS_SEEN[key] = names
    return _SHEETS_SEEN[key]


_SHEETS_SEEN: dict[tuple[str, int, int], list[str]] = {}


def find_table_sheets(folder: Path, table: str, config: ClientConfig) -> list[tuple[Path, str]]:
    """Every sheet of a workbook in the client folder named after ``table`` (its name, or its
    Chinese or English title, :data:`~threec_helpers.inputs.contract.SHEET_TITLES`), e.g. of a
    returned request workbook holding one sheet per table. Workbooks named after a table, or
    mapped under ``tables:``, are left to their own table.

    Parameters
    ----------
    folder : Path
        The client folder.
    table : str
        Canonical table name.
    config : ClientConfig

    Returns
    -------
    list of (Path, str)
        The workbooks (by file name) and their sheet for ``table``.

    See Also
    --------
    find_table_file : chooses among a table's own file and these, refusing two sources.
    threec_helpers.inputs.request.write_request_workbook : writes such a workbook.

    Examples
    --------
    >>> import tempfile
    >>> from threec_helpers.inputs.config import load_client_config
    >>> from threec_helpers.inputs.request import write_request_workbook
    >>> from threec_helpers.paths import client_folder
    >>> config = load_client_config(client_folder("demo_telecom"))
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = write_request_workbook(config, folder / "returned.xlsx", lang="zh")
    >>> [(path.name, sheet) for path, sheet in find_table_sheets(folder, "documents", config)]
    [('returned.xlsx', '文件清单')]
    """
    from .contract import TABLES, table_for_sheet

    claimed = {s.file for s in config.tables.values() if s.file}
    found: list[tuple[Path, str]] = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.suffix.lower() not in (".xlsx", ".xlsm", ".xls") or path.name.startswith("~$"):
            continue
        if path.stem in TABLES or path.name in claimed:
            continue
        for name in workbook_sheets(path):
            if table_for_sheet(name, (table,)) == table:
                found.append((path, name))
    return found


def find_table_sheet(folder: Path, table: str, config: ClientConfig) -> tuple[Path, str] | None:
    """The sheet of a workbook in the client folder that gives ``table`` (see
    :func:`find_table_file`, which also weighs the table's own file), or None.

    Parameters
    ----------
    folder : Path
        The client folder.
    table : str
        Canonical table name.
    config : ClientConfig

    Returns
    -------
    (Path, str) or None
        The workbook and the sheet.

    Raises
    ------
    InputError
        When sheets of two workbooks hold data for ``table``.

    See Also
    --------
    find_table_sheets : every candidate sheet.

    Examples
    --------
    >>> import tempfile
    >>> from threec_helpers.inputs.config import load_client_config
    >>> from threec_helpers.inputs.request import write_request_workbook
    >>> from threec_helpers.paths import client_folder
    >>> config = load_client_config(client_folder("demo_telecom"))
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = write_request_workbook(config, folder / "returned.xlsx", lang="zh")
    >>> path, sheet = find_table_sheet(folder, "documents", config)
    >>> path.name, sheet
    ('returned.xlsx', '文件清单')
    """
    path, sheet = _one_source(folder, table, [], list(find_table_sheets(folder, table, config)))
    return None if path is None else (path, str(sheet))


def _display(path: Path, root: Path) -> str:
    """A path as the consultant should see it: relative to the working folder where possible."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------- column parsing


def _parse_column(raw: pd.Series, column: Column, date_order: str | None = None,
                  notes: dict | None = None) -> tuple[pd.Series, pd.Series]:
    if column.type in ("float", "int"):
        parsed, invalid = parse_numbers(raw, percent=column.percent, notes=notes)
        if column.type == "int":
            fractional = parsed.notna() & (parsed != np.floor(parsed))
            invalid = invalid | fractional
            parsed = parsed.where(~fractional)
        return parsed, invalid
    if column.type == "date":
        return parse_dates(raw, order=date_order, notes=notes)
    if column.type == "bool":
        return parse_bools(raw, column.value_aliases)
    if column.type == "category":
        return parse_categories(raw, column)
    if is_id(column):
        return parse_ids(raw)
    return parse_text(raw), pd.Series(False, index=raw.index)


def _schema(table: Table, present: list[str], config: ClientConfig, today: pd.Timestamp):
    import pandera.pandas as pa

    columns = {}
    names: dict[str, list[str]] = {}
    for col in table.columns:
        if col.name not in present:
            continue
        checks = []
        if col.min is not None:
            checks.append(pa.Check.ge(col.min, name="min"))
        if col.max is not None:
            checks.append(pa.Check.le(col.max, name="max"))
        if col.type == "category" and col.allowed:
            checks.append(pa.Check.isin(list(col.allowed), name="allowed"))
        if col.not_future:
            checks.append(pa.Check.le(today, name="not_future"))
        if col.type == "month":
            checks.append(pa.Check.str_matches(r"^\d{4}-(0[1-9]|1[0-2])$", name="month_format"))
        if col.type == "period":
            checks.append(pa.Check.isin([p.id for p in config.periods], name="period_known"))
        columns[col.name] = pa.Column(None, checks=checks, nullable=col.nullable, unique=col.unique,
                                      required=False, report_duplicates="all")
        names[col.name] = [c.name for c in checks]
    return pa.DataFrameSchema(columns, strict=False, coerce=False), names


#: pandera's names of its built-in column properties -> our rule ids
_PANDERA_RULES = {"not_nullable": "not_null", "field_uniqueness": "unique"}


def _check_rules(frame: pd.DataFrame, table: Table, config: ClientConfig, today: pd.Timestamp,
                 skip: set[tuple[str, int]]) -> list[tuple[str, int | None, str, Any]]:
    """Run the pandera schema; return (column, row, rule, value) per failure."""
    import pandera.errors as pae

    schema, check_names = _schema(table, list(frame.columns), config, today)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            schema.validate(frame, lazy=True)
    except pae.SchemaErrors as exc:
        fc = exc.failure_cases
        out = []
        for column, row, check, number, value in zip(fc["column"], fc["index"], fc["check"], fc["check_number"],
                                                      fc["failure_case"]):
            if check in _PANDERA_RULES:
                rule = _PANDERA_RULES[check]
            elif number is not None and not pd.isna(number):
                rule = check_names[column][int(number)]
            else:
                rule = str(check).split("(")[0]
            row = None if row is None or (isinstance(row, float) and np.isnan(row)) else int(row)
            if row is not None and (column, row) in skip:
                continue  # already reported as a value that could not be read
            out.append((column, row, rule, value))
        return out
    return []


# --------------------------------------------------------------------------- validation


@dataclass
class _Loaded:
    table: Table
    path: Path
    frame: pd.DataFrame
    shown: str = ""


def _value_text(value: Any, column: Column | None = None) -> str | None:
    try:
        if value is None or pd.isna(value):  # None, NaN, NaT, NA
            return None
    except (TypeError, ValueError):  # a list or array: not missing
        pass
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


#: cells that mark a total or subtotal row, or an Excel error value (one regex pass per text column)
_MARKERS = (r"(?i)^\s*(?:grand\s*)?(?:sub\s*-?\s*)?totals?\b|合计|合計|总计|總計|小计|小計|汇总|匯總|共计|共計"
            r"|^\s*#(?:N/A|DIV/0!|VALUE!|REF!|NAME\?|NUM!|NULL!|SPILL!|CALC!|GETTING_DATA)\s*$")
_TOTAL_EN = re.compile(r"(?i)^\s*(?:grand\s*)?(?:sub\s*-?\s*)?totals?\b")
_TOTAL_ZH = re.compile(r"^(?:合计|合計|总计|總計|小计|小計|汇总|匯總|共计|共計)|(?:合计|合計|总计|總計|小计|小計|汇总|匯總|共计|共計)$")
_LABEL_PUNCT = re.compile(r"[\s:：()（）\[\]【】<>《》\-—_*#,，。.]+")
#: a total label starts or ends with 合计 etc. and is short; a sentence that merely contains
#: the word ("由人工汇总统计") is text
_TOTAL_LABEL_MAX = 20


def _is_zh_total(cell: str) -> bool:
    label = _LABEL_PUNCT.sub("", cell)
    return len(label) <= _TOTAL_LABEL_MAX and bool(_TOTAL_ZH.search(label))


#: what every total label or error value contains: 计 計 总 總, "total" in any case, or "#"
_MARKER_HINT = r"计|計|总|總|(?i:total)|#"


def _may_hold_markers(arr) -> bool:
    """Whether a string column's bytes contain a marker at all.

    The column's data buffer is searched as one binary value (RE2 over the bytes, no copy),
    so the per-cell regex can skip id columns of ten million rows. A buffer may hold more
    than the column (a slice) and a match may span two cells: both only cost a needless
    per-cell pass, never a missed marker.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    for chunk in getattr(arr, "chunks", [arr]):
        buffers = chunk.buffers()
        data = buffers[2] if len(buffers) > 2 else None
        if data is None or data.size == 0:
            continue
        offsets = pa.py_buffer(np.array([0, data.size], dtype=np.int64).tobytes())
        whole = pa.LargeBinaryArray.from_buffers(pa.large_binary(), 1, [None, offsets, data])
        if pc.match_substring_regex(whole, _MARKER_HINT)[0].as_py():
            return True
    return False


def _scan_markers(frame: pd.DataFrame) -> tuple[dict[int, tuple[str, str]], list[tuple[int, str, str]]]:
    """Rows holding a total label (row -> (column, text)) and cells holding an Excel error value."""
    import pyarrow as pa
    import pyarrow.compute as pc

    totals: dict[int, tuple[str, str]] = {}
    errors: list[tuple[int, str, str]] = []
    for name in frame.columns:
        col = frame[name]
        if not (col.dtype == object or pd.api.types.is_string_dtype(col.dtype)):
            continue
        # RE2 through pyarrow: one pass at C speed (pandas falls back to Python's re for this pattern)
        if col.dtype == object:
            cells = [v if isinstance(v, str) else None for v in col.to_numpy(dtype=object)]
            text = pd.Series(cells, index=col.index, dtype=object)
            arr = pa.array(cells, type=pa.string())
        else:
            text = col
            arr = pa.array(col)
        if not _may_hold_markers(arr):
            continue
        hit_arr = pc.match_substring_regex(arr, _MARKERS)
        if not pc.any(hit_arr).as_py():
            continue
        hit = hit_arr.fill_null(False).to_numpy(zero_copy_only=False)
        for row, value in zip(frame.index[hit], text[hit]):
            cell = unicodedata.normalize("NFKC", str(value)).strip()
            if cell.upper() in EXCEL_ERRORS:
                errors.append((int(row), name, cell))
            elif _TOTAL_EN.match(cell) or _is_zh_total(cell):
                totals.setdefault(int(row), (str(name), str(value)))
    return totals, errors


def _handle_totals(frame: pd.DataFrame, table: Table, totals: dict[int, tuple[str, str]], report: ValidationReport,
                   shown: str) -> pd.DataFrame:
    """Drop total rows: silently never; a final grand total equal to the rows above with a
    warning; every other total or subtotal row refused."""
    if not totals:
        return frame
    rows = sorted(totals)
    summable = [c.name for c in table.columns if c.type == "float" and c.name in frame.columns]
    if len(rows) == 1 and rows[0] == frame.index[-1] and summable:
        above = frame.iloc[:-1]
        compared, equal, sums = 0, True, []
        for name in summable:
            total, _ = parse_numbers(frame[name].iloc[-1:])
            if total.isna().all():
                continue
            values, _ = parse_numbers(above[name])
            expected = float(values.sum())
            compared += 1
            sums.append(f"{name} {float(total.iloc[0]):,.2f}")
            if abs(float(total.iloc[0]) - expected) > max(0.01, 1e-9 * abs(expected)):
                equal = False
        if compared and equal:
            column, value = totals[rows[0]]
            report.add(Problem(table.name, shown, rows[0], column, "total_row_dropped", value,
                               params={"sums": "; ".join(sums)}, severity="warning"))
            return frame.iloc[:-1]
    for row in rows:
        column, value = totals[row]
        report.add(Problem(table.name, shown, row, column, "total_row", value))
    return frame.drop(index=rows)


def _suggest(header: str, table: Table) -> str:
    """'did you mean' for an unrecognised header: the closest accepted header of any table."""
    import difflib

    from .contract import TABLES, normalise_header

    spellings: dict[str, str] = {}
    for other in TABLES.values():
        for col in other.columns:
            for spelling in (col.name, *col.aliases):
                label = col.name if other is table else f"{other.name}.{col.name}"
                spellings.setdefault(normalise_header(spelling), f"{spelling} ({label})")
    key = normalise_header(header)
    if key in spellings:
        return ""  # a column of another table (客户名称 in transactions): extra, not misspelt
    close = difflib.get_close_matches(key, list(spellings), n=2, cutoff=0.6)
    return ", ".join(spellings[c] for c in close)


def _near_duplicate_ids(values: pd.Series) -> list[tuple[str, str]]:
    """Pairs of distinct ids equal after ignoring case and spaces (first few)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(values.dropna().astype(str).to_numpy(dtype=object), type=pa.string())
    arr = pc.unique(arr)
    key = pc.utf8_lower(pc.replace_substring_regex(arr, r"\s+", ""))
    if len(pc.unique(key)) == len(arr):
        return []
    groups: dict[str, list[str]] = {}
    for k, v in zip(key.to_pylist(), arr.to_pylist()):
        groups.setdefault(k, []).append(v)
    return [(g[0], g[1]) for g in groups.values() if len(g) > 1][:MAX_EXAMPLES_PER_RULE]


def _read_and_type(table: Table, path: Path, sheet, report: ValidationReport, shown: str,
                   config: ClientConfig, today: pd.Timestamp) -> pd.DataFrame | None:
    """Read and type one table; any failure, expected or not, becomes a problem naming the file."""
    try:
        return _read_and_type_checked(table, path, sheet, report, shown, config, today)
    except InputError as exc:
        params = ({"message_key": exc.key, "message_fields": exc.fields} if exc.key else {"detail": str(exc)})
        report.add(Problem(table.name, shown, None, None, "file_format", params=params))
    except BaseException as exc:  # noqa: BLE001 - a client's file must never end in a traceback
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise  # (a Rust panic inside a reader is a BaseException, and is caught here)
        report.add(Problem(table.name, shown, None, None, "file_unexpected",
                           params={"detail": f"{type(exc).__name__}: {str(exc)[:300]}"}))
    return None


def _read_and_type_checked(table: Table, path: Path, sheet, report: ValidationReport, shown: str,
                           config: ClientConfig, today: pd.Timestamp) -> pd.DataFrame | None:
    source = config.tables.get(table.name)
    raw: RawTable = read_table(path, table, sheet=sheet, columns=source.columns if source else None)
    date_order = (source.date_order if source and source.date_order else None) or config.date_order
    frame = raw.frame
    if raw.sheet is not None and not shown.endswith(f"[{raw.sheet}]"):
        report.sheets[shown] = raw.sheet
    report.headers[shown] = dict(raw.original_headers)
    for row, column in raw.uncalculated[:MAX_EXAMPLES_PER_RULE]:
        report.add(Problem(table.name, shown, row, column, "excel_formula_uncalculated"))
    if len(raw.uncalculated) > MAX_EXAMPLES_PER_RULE:
        first_column = raw.uncalculated[0][1]
        report.counts[(shown, first_column, "excel_formula_uncalculated")] += len(raw.uncalculated) - MAX_EXAMPLES_PER_RULE
    if raw.hidden_rows:
        report.add(Problem(table.name, shown, None, None, "excel_hidden_rows",
                           params={"n": fmt_int(len(raw.hidden_rows)),
                                   "rows": ", ".join(fmt_int(r) for r in raw.hidden_rows[:10])}, severity="warning"))
    if frame.empty:
        if raw.example_row is not None and not table.required:
            return None  # a request workbook's sheet left with its example only: the table is not given
        if not raw.uncalculated:
            report.add(Problem(table.name, shown, None, None, "no_rows"))
        return None
    found = [h for h in raw.original_headers.values()] + raw.unknown_headers
    missing = [c for c in table.columns if c.required and c.name not in frame.columns]
    for col in missing:
        accepted = ", ".join([col.name, *col.aliases][:8])
        report.add(Problem(table.name, shown, None, col.name, "required_column",
                           params={"accepted": accepted, "found": ", ".join(map(str, found))[:300]}))
    for header in raw.unknown_headers:
        suggestion = _suggest(header, table)
        report.add(Problem(table.name, shown, None, header, "unknown_column_suggest" if suggestion else "unknown_column",
                           params={"suggestion": suggestion, "table_name": table.name}, severity="warning"))
    totals, excel_errors = _scan_markers(frame)
    frame = _handle_totals(frame, table, totals, report, shown)
    skip: set[tuple[str, int]] = set()
    for row, column, value in excel_errors:
        if row in frame.index:
            report.add(Problem(table.name, shown, row, column, "excel_error", value))
            skip.add((column, row))
    skip.update((column, row) for row, column in raw.uncalculated)
    typed: dict[str, pd.Series] = {}
    for col in table.columns:
        if col.name not in frame.columns:
            continue
        notes: dict = {}
        parsed, invalid = _parse_column(frame[col.name], col, date_order, notes)
        typed[col.name] = parsed
        if notes.get("date_order"):
            # each day/month cell left unread, by row; other bad cells of the column are type errors
            unread = notes.get("unread", invalid) & invalid
            rows = [r for r in unread[unread].index if (col.name, int(r)) not in skip]
            rule = f"date_order_{notes['date_order']}"
            params = {"examples": ", ".join(notes.get("examples", [])), "n": fmt_int(len(rows))}
            for row in rows[:MAX_EXAMPLES_PER_RULE]:
                report.add(Problem(table.name, shown, int(row), col.name, rule, _value_text(frame.at[row, col.name]),
                                   params=params))
            if len(rows) > MAX_EXAMPLES_PER_RULE:
                report.counts[(shown, col.name, rule)] += len(rows) - MAX_EXAMPLES_PER_RULE
            skip.update((col.name, int(r)) for r in rows)
        if notes.get("number_convention"):
            report.add(Problem(table.name, shown, None, col.name, "number_convention_mixed",
                               params={"examples": ", ".join(notes.get("examples", []))}))
        if invalid.any():
            bad_rows = [r for r in invalid[invalid].index if (col.name, int(r)) not in skip]
            raw_values = frame[col.name].loc[bad_rows[:MAX_EXAMPLES_PER_RULE]]
            rule = "id_number" if col.type == "string" else f"type_{col.type}"
            for row, value in zip(bad_rows[:MAX_EXAMPLES_PER_RULE], raw_values):
                report.add(Problem(table.name, shown, int(row), col.name, rule, _value_text(value)))
            extra = len(bad_rows) - min(len(bad_rows), MAX_EXAMPLES_PER_RULE)
            if extra:
                report.counts[(shown, col.name, rule)] += extra
            skip.update((col.name, int(r)) for r in bad_rows)
    typed_frame = pd.DataFrame(typed, index=frame.index)
    failures = _check_rules(typed_frame, table, config, today, skip)
    for column, row, rule, value in failures:
        col = table.column(column) if column in table.column_names else None
        params: dict[str, Any] = {}
        if col is not None:
            params = {"min": col.min, "max": col.max, "allowed": ", ".join(col.allowed),
                      "today": today.strftime("%Y-%m-%d")}
        if rule == "period_known":
            params["periods"] = ", ".join(p.id for p in config.periods)
        shown_value = value
        if row is not None and column in frame.columns and row in frame.index and col is not None \
                and col.type in ("string", "float", "int"):
            shown_value = frame.at[row, column]  # the value exactly as the file holds it
        report.add(Problem(table.name, shown, row, column, rule, _value_text(shown_value, col), params=params))
    _check_duplicates(typed_frame, table, report, shown)
    return typed_frame


def _check_duplicates(frame: pd.DataFrame, table: Table, report: ValidationReport, shown: str) -> None:
    """Exact duplicate rows (a month pasted twice), where no unique id column tells rows apart."""
    if any(c.unique and c.name in frame.columns for c in table.columns) or frame.empty:
        return
    dup = frame.duplicated(keep="first")
    n = int(dup.sum())
    if not n:
        return
    params = {"n": fmt_int(n), "rows": ", ".join(fmt_int(int(r)) for r in dup[dup].index[:10])}
    amount = ""
    if "amount" in frame.columns:
        amount = f"{float(frame.loc[dup, 'amount'].sum()):,.2f}"
    params["amount"] = amount
    report.add(Problem(table.name, shown, None, None, "duplicate_rows_amount" if amount else "duplicate_rows",
                       params=params, severity="warning"))


def _check_references(loaded: dict[str, _Loaded], report: ValidationReport, root: Path, config=None) -> None:
    for name, item in loaded.items():
        for col in item.table.columns:
            if not col.references or col.name not in item.frame.columns:
                continue
            ref_table, ref_col = col.references.split(".")
            if ref_table not in loaded or ref_col not in loaded[ref_table].frame.columns:
                continue
            values = item.frame[col.name]
            orphan = values.notna() & ~pd.Series(fast_isin(values, loaded[ref_table].frame[ref_col]), index=values.index)
            if orphan.any():
                rows = orphan[orphan].index
                shown = item.shown
                for row in rows[:MAX_EXAMPLES_PER_RULE]:
                    report.add(Problem(name, shown, int(row), col.name, "reference", _value_text(values.loc[row]),
                                       params={"ref_table": ref_table, "ref_column": ref_col}))
                extra = len(rows) - min(len(rows), MAX_EXAMPLES_PER_RULE)
                if extra:
                    report.counts[(shown, col.name, "reference")] += extra


def _check_kpis(loaded: dict[str, _Loaded], report: ValidationReport, root: Path, config=None) -> None:
    if "kpi_measurements" not in loaded:
        return
    item = loaded["kpi_measurements"]
    f = item.frame
    shown = item.shown
    num = f["numerator"] if "numerator" in f else pd.Series(np.nan, index=f.index)
    den = f["denominator"] if "denominator" in f else pd.Series(np.nan, index=f.index)
    val = f["value"] if "value" in f else pd.Series(np.nan, index=f.index)
    rules = {
        "kpi_value_or_ratio": val.isna() & (num.isna() | den.isna()),
        "kpi_denominator_zero": den.notna() & (den <= 0),
    }
    if "quality_objectives" in loaded and "objective_id" in f:
        obj = loaded["quality_objectives"].frame
        if {"objective_id", "unit"} <= set(obj.columns):
            unit = f["objective_id"].map(dict(zip(obj["objective_id"], obj["unit"])))
            rules["kpi_numerator_above_denominator"] = (unit == "%") & num.notna() & den.notna() & (num > den)
    if {"objective_id", "period"} <= set(f.columns):
        rules["kpi_duplicate_month"] = f.duplicated(["objective_id", "period"], keep=False)
    for rule, mask in rules.items():
        mask = mask.fillna(False).astype(bool)
        for row in mask[mask].index[:MAX_EXAMPLES_PER_RULE]:
            value = f"{f['objective_id'].get(row, '')} {f['period'].get(row, '')}".strip() if "period" in f else None
            report.add(Problem("kpi_measurements", shown, int(row), None, rule, value))
        extra = int(mask.sum()) - min(int(mask.sum()), MAX_EXAMPLES_PER_RULE)
        if extra:
            report.counts[(shown, None, rule)] += extra


def _check_id_spellings(loaded: dict[str, _Loaded], report: ValidationReport, root: Path, config=None) -> None:
    """Ids that other tables refer to and that differ only by case or spaces (C001 / c001 / C 001)."""
    keys = {tuple(c.references.split(".")) for item in loaded.values() for c in item.table.columns if c.references}
    for table_name, column in sorted(keys):
        if table_name not in loaded or column not in loaded[table_name].frame.columns:
            continue
        item = loaded[table_name]
        for a, b in _near_duplicate_ids(item.frame[column]):
            report.add(Problem(table_name, item.shown, None, column, "id_spelling", f"{a} / {b}",
                               severity="warning"))


def _check_periods(loaded: dict[str, _Loaded], report: ValidationReport, root: Path, config=None) -> None:
    """Transactions in gaps between periods or outside every period (warned with count and
    amount); a current period without data (refused)."""
    if config is None:
        return
    spans = sorted((pd.Timestamp(p.start), pd.Timestamp(p.end) + pd.Timedelta(days=1)) for p in config.periods)
    merged: list[list[pd.Timestamp]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    current = config.period(config.current_period)
    cur_start, cur_end = pd.Timestamp(current.start), pd.Timestamp(current.end) + pd.Timedelta(days=1)
    if "transactions" in loaded and "date" in loaded["transactions"].frame.columns:
        item = loaded["transactions"]
        f = item.frame
        shown = item.shown
        dates = f["date"].to_numpy(dtype="datetime64[ns]")
        amount = f["amount"].to_numpy(dtype="float64", na_value=np.nan) if "amount" in f.columns else None

        def warn(rule: str, mask: np.ndarray, **params) -> None:
            n = int(mask.sum())
            if n:
                total = float(np.nansum(amount[mask])) if amount is not None else 0.0
                report.add(Problem("transactions", shown, None, "date", rule, severity="warning",
                                   params={"n": fmt_int(n), "amount": f"{total:,.2f}", **params}))

        known = ~np.isnat(dates)
        first, last = merged[0][0].to_datetime64(), merged[-1][1].to_datetime64()
        warn("outside_periods", known & ((dates < first) | (dates >= last)),
             start=merged[0][0].strftime("%Y-%m-%d"), end=(merged[-1][1] - pd.Timedelta(days=1)).strftime("%Y-%m-%d"))
        for (_, gap_start), (gap_end, _) in zip(merged, merged[1:]):
            mask = known & (dates >= gap_start.to_datetime64()) & (dates < gap_end.to_datetime64())
            n = int(mask.sum())
            total = float(np.nansum(amount[mask])) if amount is not None and n else 0.0
            report.add(Problem("client.yaml", _display(config.folder / CONFIG_FILE, root) if config.folder else
                               CONFIG_FILE, None, None, "period_gap", severity="warning",
                               params={"start": gap_start.strftime("%Y-%m-%d"),
                                       "end": (gap_end - pd.Timedelta(days=1)).strftime("%Y-%m-%d"),
                                       "n": fmt_int(n), "amount": f"{total:,.2f}"}))
        in_current = known & (dates >= cur_start.to_datetime64()) & (dates < cur_end.to_datetime64())
        if not in_current.any():
            report.add(Problem("transactions", shown, None, "date", "current_period_empty",
                               params={"period": current.id, "start": str(current.start), "end": str(current.end)}))
    elif "kpi_measurements" in loaded and "period" in loaded["kpi_measurements"].frame.columns:
        item = loaded["kpi_measurements"]
        months = pd.to_datetime(item.frame["period"].dropna().astype(str), format="%Y-%m", errors="coerce").dropna()
        if not ((months >= cur_start.replace(day=1)) & (months < cur_end)).any():
            report.add(Problem("kpi_measurements", item.shown, None, "period", "current_period_empty",
                               params={"period": current.id, "start": str(current.start), "end": str(current.end)}))


def validate_client(client_id: str, data_root_dir: str | Path | None = None, *,
                    today: dt.date | None = None,
                    progress: Callable[[str], None] | None = None) -> tuple[ValidationReport, ClientConfig | None,
                                                                             dict[str, pd.DataFrame]]:
    """Validate every input table of a client folder.

    Parameters
    ----------
    client_id : str
        The client folder's name.
    data_root_dir : str or Path, optional
        Folder of client folders (default ``data/clients`` or ``THREEC_DATA_ROOT``).
    today : date, optional
        "Today" for the not-in-the-future rule (default: the real date).
    progress : callable, optional
        Called with each table name before it is read (for progress bars).

    Returns
    -------
    report : ValidationReport
    config : ClientConfig or None
        None when ``client.yaml`` itself failed (the report says why).
    tables : dict of DataFrame
        Typed tables (canonical columns, index = source row number); complete only when
        ``report.ok``.

    Examples
    --------
    >>> report, config, tables = validate_client("demo_telecom")
    >>> report.ok, sorted(tables)[:2]
    (True, ['audit_findings', 'audit_programme'])

    See Also
    --------
    load_client : validate, cache and return the tables in one call.
    """
    root = Path(data_root_dir) if data_root_dir is not None else data_root()
    folder = client_folder(client_id, root)
    report = ValidationReport(client_id, str(folder))
    if not folder.is_dir():
        report.add(Problem("-", _display(folder, root), None, None, "no_client_folder",
                           params={"root": str(root)}))
        return report, None, {}
    try:
        config = load_client_config(folder)
    except ClientConfigError as exc:
        params = {"detail": str(exc)}
        if exc.key:
            params.update(message_key=exc.key, message_fields=exc.fields)
        report.add(Problem("client.yaml", _display(folder / CONFIG_FILE, root), None, None, "client_config",
                           params=params))
        return report, None, {}
    except Exception as exc:  # noqa: BLE001 - never a traceback for a file in the client folder
        report.add(Problem("client.yaml", _display(folder / CONFIG_FILE, root), None, None, "file_unexpected",
                           params={"detail": f"{type(exc).__name__}: {str(exc)[:300]}"}))
        return report, None, {}
    today_ts = pd.Timestamp(today or dt.date.today()) + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    loaded: dict[str, _Loaded] = {}
    for table in tables_for(config.engagement):
        if progress is not None:
            progress(table.name)
        try:
            path, sheet = find_table_file(folder, table.name, config)
        except InputError as exc:
            if exc.key != "io.table_twice":
                raise
            sources = "; ".join(_display(folder / name, root) for name in exc.fields["sources"].split("; "))
            report.add(Problem(table.name, sources, None, None, "table_twice",
                               params={k: str(v) for k, v in exc.fields.items() if k != "folder"}))
            continue
        if path is None:
            if table.required:
                report.add(Problem(table.name, _display(folder, root) + f"/{table.name}.csv", None, None,
                                   "missing_table", params={"folder": _display(folder, root)}))
            continue
        shown = _display(path, root)
        if sheet is not None and not (config.tables.get(table.name) and config.tables[table.name].file):
            shown = f"{shown}[{sheet}]"  # a workbook holding several tables: each sheet is its own source
        frame = _read_and_type(table, path, sheet, report, shown, config, today_ts)
        if frame is not None:
            loaded[table.name] = _Loaded(table, path, frame, shown)
            report.rows[table.name] = len(frame)
    _add_audit_forms(folder, config, loaded, report, root)
    for check in (_check_references, _check_kpis, _check_id_spellings, _check_periods):
        try:
            check(loaded, report, root, config)
        except Exception as exc:  # noqa: BLE001 - a check that fails on odd data names itself, never a traceback
            report.add(Problem("-", _display(folder, root), None, None, "file_unexpected",
                               params={"detail": f"{check.__name__}: {type(exc).__name__}: {str(exc)[:300]}"}))
    return report, config, {name: item.frame for name, item in loaded.items()}


def _add_audit_forms(folder: Path, config: ClientConfig, loaded: dict[str, _Loaded], report: ValidationReport,
                     root: Path) -> None:
    """Filled audit forms in ``audit_forms/`` become rows of the engagement's responses table;
    every form of a respondent whose answers of that round the table's file already holds is
    refused, each named by its file (also when other forms have errors, so all come at once)."""
    from .contract import TABLES
    from .forms import FORMS_FOLDER, RESPONSES_TABLE, read_audit_forms

    try:
        frame, problems, respondents = read_audit_forms(folder, config)
    except Exception as exc:  # noqa: BLE001 - never a traceback for a file in the client folder
        report.add(Problem("-", _display(folder / FORMS_FOLDER, root), None, None, "file_unexpected",
                           params={"detail": f"{type(exc).__name__}: {str(exc)[:300]}"}))
        return
    name = RESPONSES_TABLE.get(config.engagement, "-")
    for p in problems:
        report.add(Problem(name, _display(p.file, root), p.row, p.column, p.rule, p.value, params=dict(p.params),
                           severity=p.severity))
    who = "respondent_id" if name == "focus_responses" else "assessor"
    twice = False
    if name in loaded:
        item = loaded[name]
        old = item.frame
        if who in old.columns and "round" in old.columns:
            have = set(zip(old["round"].astype("string").fillna(""), old[who].astype("string").fillna("")))
            for rnd, person, path in respondents:
                if (rnd or "", person) in have:
                    report.add(Problem(name, _display(path, root), None, who, "form_already_in_table",
                                       person, params={"round": rnd or "-", "other": item.shown}))
                    twice = True
    if frame is None or twice:
        return
    if name in loaded:
        item = loaded[name]
        old = item.frame
        start = int(old.index.max()) + 1 if len(old) else 1
        frame.index = pd.RangeIndex(start, start + len(frame))
        combined = pd.concat([old, frame[[c for c in old.columns if c in frame.columns]]])
        loaded[name] = _Loaded(item.table, item.path, combined, item.shown)
    else:
        frame.index = pd.RangeIndex(1, 1 + len(frame))
        loaded[name] = _Loaded(TABLES[name], folder / FORMS_FOLDER, frame, _display(folder / FORMS_FOLDER, root))
    report.rows[name] = len(loaded[name].frame)


# --------------------------------------------------------------------------- loading with cache


@dataclass
class ClientData:
    """A validated client: its configuration and typed tables.

    Attributes
    ----------
    config : ClientConfig
    tables : dict of DataFrame
    sources : dict
        table -> {"file": path, "sha256": hex digest}, for report provenance.
    cache_key : str
    report : ValidationReport, optional
        None when the tables came from the cache.

    Examples
    --------
    >>> data = load_client("demo_telecom", use_cache=False)
    >>> data.has("documents"), data.has("customers"), data.table("documents").shape[1]
    (True, False, 5)
    """

    config: ClientConfig
    tables: dict[str, pd.DataFrame]
    sources: dict[str, dict[str, str]]
    cache_key: str
    report: ValidationReport | None = None

    def has(self, table: str) -> bool:
        """Whether the client provided ``table``."""
        return table in self.tables

    def table(self, name: str) -> pd.DataFrame:
        """The table ``name``; a clear InputError when the client did not provide it."""
        if name not in self.tables:
            raise InputError(key="validation.table_absent", table=name, client=self.config.client_id)
        return self.tables[name]


def file_sha256(path: Path, chunk: int = 1 << 22) -> str:
    """SHA-256 hex digest of a file, read in chunks.

    Parameters
    ----------
    path : Path
    chunk : int
        Bytes read at a time.

    Returns
    -------
    str

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "empty.csv"
    >>> _ = path.write_bytes(b"")
    >>> file_sha256(path)[:16]
    'e3b0c44298fc1c14'
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def input_fingerprint(client_id: str, data_root_dir: str | Path | None = None) -> tuple[str, dict[str, dict[str, str]]]:
    """Hash of everything a client's validated data depends on, and each input's digest.

    Returns
    -------
    key : str
        First 16 hex digits of the SHA-256 over the contract version, package version,
        ``client.yaml`` and every input file's digest.
    sources : dict
        ``{"client.yaml": {...}, "<table>": {"file": ..., "sha256": ...}}``.

    Parameters
    ----------
    client_id : str
    data_root_dir : str or Path, optional
        Folder of client folders (default ``data/clients``).

    See Also
    --------
    load_client : uses the key to find validated tables in the cache.

    Examples
    --------
    >>> key, sources = input_fingerprint("demo_telecom")
    >>> len(key), "client.yaml" in sources, "documents" in sources
    (16, True, True)
    """
    root = Path(data_root_dir) if data_root_dir is not None else data_root()
    folder = client_folder(client_id, root)
    config = load_client_config(folder)
    sources: dict[str, dict[str, str]] = {
        "client.yaml": {"file": _display(folder / CONFIG_FILE, root), "sha256": file_sha256(folder / CONFIG_FILE)}
    }
    for table in tables_for(config.engagement):
        path, sheet = find_table_file(folder, table.name, config)
        if path is not None and path.is_file():
            sources[table.name] = {"file": _display(path, root), "sha256": file_sha256(path),
                                   "sheet": "" if sheet is None else str(sheet)}
    from .forms import FORMS_FOLDER, form_files

    for path in form_files(folder):
        sources[f"{FORMS_FOLDER}/{path.name}"] = {"file": _display(path, root), "sha256": file_sha256(path)}
    h = hashlib.sha256(f"contract={CONTRACT_VERSION};threec={__version__}".encode())
    for name in sorted(sources):
        h.update(f"{name}={sources[name]['sha256']}:{sources[name].get('sheet', '')};".encode())
    return h.hexdigest()[:16], sources


def load_client(client_id: str, data_root_dir: str | Path | None = None, *, use_cache: bool = True,
                cache_root: str | Path | None = None, today: dt.date | None = None,
                progress: Callable[[str], None] | None = None, mask: bool = False) -> ClientData:
    """Validate a client and return its tables, using the processed cache when possible.

    Parameters
    ----------
    client_id : str
    data_root_dir : str or Path, optional
        Folder of client folders (default ``data/clients``).
    use_cache : bool
        Read validated tables from the cache when the inputs are unchanged; write them
        after a successful validation.
    cache_root : str or Path, optional
        Default ``THREEC_PROCESSED_ROOT``, else ``processed`` beside the data root
        (``data/processed`` for ``data/clients``), see :func:`~threec_helpers.paths.processed_root`.
    today : date, optional
        Reference date for "not in the future".
    progress : callable, optional
        Called with each table name while validating.
    mask : bool
        Replace customer ids and names with stable pseudonyms (:mod:`threec_helpers.masking`)
        in the returned tables, in the client's language; for panel reports.

    Returns
    -------
    ClientData

    Raises
    ------
    DataValidationError
        With the full :class:`ValidationReport` when any rule fails.

    See Also
    --------
    validate_client : the checks, without the cache.

    Examples
    --------
    >>> data = load_client("demo_telecom", use_cache=False)
    >>> data.config.engagement, data.report.ok
    ('iso9001', True)
    """
    root = Path(data_root_dir) if data_root_dir is not None else data_root()
    cache = Path(cache_root) if cache_root is not None else processed_root(root)
    folder = client_folder(client_id, root)
    key = None
    if use_cache and (folder / CONFIG_FILE).is_file():
        try:
            key, sources = input_fingerprint(client_id, root)
        except Exception:  # noqa: BLE001 - validate_client below reports whatever failed, naming the file
            key = None
        if key is not None:
            cached = _read_cache(cache / client_id / key)
            if cached is not None:
                config = load_client_config(folder)
                return _masked(ClientData(config, cached, sources, key), mask)
    report, config, tables = validate_client(client_id, root, today=today, progress=progress)
    if not report.ok or config is None:
        raise DataValidationError(report)
    if key is None:
        key, sources = input_fingerprint(client_id, root)
    if use_cache:
        _write_cache(cache / client_id / key, tables, sources)
    return _masked(ClientData(config, tables, sources, key, report), mask)


def _masked(data: ClientData, mask: bool) -> ClientData:
    """``data`` with customer ids and names pseudonymised when ``mask`` (the cache keeps the originals)."""
    if not mask:
        return data
    from .masking import mask_tables

    data.tables = mask_tables(data.tables, data.config.client_id, data.config.language)
    return data


_MANIFEST = "manifest.json"


def _read_cache(folder: Path) -> dict[str, pd.DataFrame] | None:
    manifest = folder / _MANIFEST
    if not manifest.is_file():
        return None
    try:
        meta = json.loads(manifest.read_text(encoding="utf-8"))
        return {name: pd.read_parquet(folder / f"{name}.parquet") for name in meta["tables"]}
    except Exception:  # a damaged cache is ignored and rebuilt, never trusted
        return None


def _write_cache(folder: Path, tables: dict[str, pd.DataFrame], sources: dict) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, frame in tables.items():
            write_parquet_atomic(frame, folder / f"{name}.parquet")
        # the manifest is written last: a cache without it is incomplete and ignored
        write_text_atomic(folder / _MANIFEST, json.dumps({"tables": sorted(tables), "sources": sources,
                                                          "contract": CONTRACT_VERSION, "threec": __version__},
                                                         ensure_ascii=False, indent=2))
    except OSError:
        pass  # the cache is an optimisation; an unwritable cache folder must not fail a run


def list_clients(data_root_dir: str | Path | None = None) -> list[str]:
    """Client ids under the data root (folders holding a ``client.yaml``), sorted.

    Parameters
    ----------
    data_root_dir : str or Path, optional
        Default ``data/clients`` (``THREEC_DATA_ROOT``).

    Returns
    -------
    list of str

    Examples
    --------
    >>> {"demo_hospital", "demo_manufacturer", "demo_telecom"} <= set(list_clients())
    True
    """
    root = Path(data_root_dir) if data_root_dir is not None else data_root()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and (p / CONFIG_FILE).is_file())
