"""The data-request workbook (资料清单) a consultant sends a client at the start of an engagement.

:func:`write_request_workbook` writes one ``.xlsx`` in the client's report language:

- a cover sheet: what is asked, for which periods, how to fill it, a contact and a return date;
- one sheet per table of the client's engagement (named by
  :data:`~threec_helpers.inputs.contract.SHEET_TITLES`), its headers the contract's accepted
  headers in that language, each with a comment (meaning, unit, required or not), the header
  row frozen, and one example row marked ``【示例】`` / ``[Example]`` in its first cell, which
  the reader drops (:func:`~threec_helpers.inputs.readers.drop_example_row`);
- drop-down lists (Excel data validation) for every category and yes/no column, the period ids,
  and whatever lists the caller passes (a checklist's items and clauses, the roles), taken from a
  hidden sheet; date and number checks where Excel holds them;
- with ``tables``, the client's current data filled in, so the client corrects and extends it.

Only features Excel and WPS Office (and LibreOffice) share: plain list and range validation,
comments, frozen panes; no macros, no Excel tables. The returned workbook is read as the
client folder's data as it is (:func:`~threec_helpers.inputs.validation.find_table_sheet`).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any, Mapping, Sequence

import pandas as pd

from ..i18n import has_key, t
from ..spreadsheet import print_setup, row_height, text_width
from ..ordering import natural_key
from ..storage import atomic_target
from .config import ClientConfig
from .contract import Column, Table, choices, display_header, display_value, sheet_title, tables_for

#: rows below the header that carry the drop-down lists and checks (the whole sheet)
LAST_ROW = 1_048_575
#: example values of each column type (first cell prefixed with the example marker)
_EXAMPLES = {"string": "…", "float": 1234.5, "int": 1, "month": "2025-03", "bool": "true"}
#: example values of particular columns, so the example row reads like a real one
_COLUMN_EXAMPLES: dict[str, Any] = {
    "customer_id": "C0001", "transaction_id": "INV-0001", "objective_id": "QO-01", "doc_id": "QM-001",
    "finding_id": "F-001", "action_id": "R-001", "respondent_id": "S01", "item_id": "ORG.1", "metric": "staff",
    "score": 4, "satisfaction": 4, "recommend": 8, "share_of_need": 0.4, "round": 1, "wave": "2025",
    "clause": "7.5.3", "target": 95, "numerator": 95, "denominator": 100, "value": 98.5,
    "review_id": "MR-2025", "exam_pass_rate": 0.9, "attendees": 18, "headcount": 20, "quantity": 10,
}
#: widths of text columns in characters (a name must print whole in an empty workbook too);
#: columns not named here get the width of their header, their example and their data
_COLUMN_WIDTHS = {"name": 28, "name_zh": 28, "name_en": 28, "title": 28, "product": 20, "description": 36,
                  "root_cause": 32, "corrective_action": 32, "evidence": 32, "actions": 32, "milestone": 28,
                  "label_zh": 24, "label_en": 24, "topic": 24}

#: per-column lists given by the caller, e.g. ``{"item_id": [...]}``; applied to every table having the column
ListSpec = Mapping[str, Sequence[str]]
#: per-column scale given by the caller, e.g. ``{"score": (1, 5, "1–5")}`` for a checklist's scores:
#: the bounds of the number check and the range named in the header's comment
RangeSpec = Mapping[str, tuple[float, float, str]]
#: caller's lists whose drop-down refuses other values: an item id the checklist does not have is
#: refused when the workbook is read back anyway. Clauses (a finding may cite 7.5.3, a programme
#: chapter 4, neither in the checklist's references) and roles (the list holds those used so far)
#: only warn.
STRICT_LISTS = frozenset({"item_id"})


def _column_note(table: Table, col: Column, config: ClientConfig, lang: str, ranges: RangeSpec | None = None,
                 labels: Mapping[str, str] | None = None) -> str:
    """The comment on a header: meaning, type and unit or range, whether the column is required and
    whether a cell may be left empty (and when), and the meaning of a list's codes."""
    doc = col.doc_zh if lang == "zh" else col.doc_en
    lines = [doc]
    kind = t(f"request.type.{col.type}", lang)
    if col.type == "float" and col.name in ("amount", "cost", "potential_revenue"):
        kind += "; " + t("request.unit_currency", lang, currency=config.currency)
    rng = ranges[col.name][2] if ranges and col.name in ranges else _range_text(col)
    if rng:
        kind += "; " + t("request.range", lang, range=rng)
    lines.append(kind)
    if col.required and col.nullable:
        # the column must be there, a cell may be empty: say both, and when a cell is left empty
        key = f"request.empty_when.{col.name}"
        when = t(key, lang) if has_key(key) else t("request.empty_when", lang)
        need = t("request.required_cells_may_be_empty", lang, when=when)
    else:
        need = t("request.required_col" if col.required else "request.optional_col", lang)
    if col.unique:
        need += ", " + t("request.unique", lang)
    lines.append(need)
    if col.references:
        ref_table = col.references.split(".")[0]
        lines.append(t("request.refers", lang, sheet=sheet_title(ref_table, lang)))
    if labels:
        lines.append(t("request.codes", lang))
        lines += [f"{code}  {text}" for code, text in labels.items()]
    return "\n".join(x for x in lines if x)


def _range_text(col: Column) -> str:
    if col.min is not None and col.max is not None:
        return f"{col.min:g}–{col.max:g}"
    if col.min is not None:
        return f"≥ {col.min:g}"
    if col.max is not None:
        return f"≤ {col.max:g}"
    return ""


def _example(table: Table, col: Column, config: ClientConfig, lang: str, data: pd.DataFrame | None,
             lists: Mapping[str, Sequence[str]], ranges: RangeSpec) -> Any:
    """The example row's value of a column: of the column's kind, never blank for a required column
    (a period id of the client's, the current round, an item of the checklist, a score on its scale)."""
    if col.type == "date":
        return dt.datetime(2025, 3, 5)
    if col.type in ("category", "bool"):
        return choices(col, lang)[0]
    if col.type == "period":
        return str(config.current_period)
    if col.name == "round" and col.type == "string":
        # the round the forms and the data use: the last one of the data, else the current period
        have = [] if data is None or "round" not in data.columns else data["round"].dropna().astype(str).unique()
        return max(have, key=natural_key) if len(have) else str(config.current_period)
    if lists.get(col.name):
        return str(lists[col.name][0])
    value = _COLUMN_EXAMPLES.get(col.name, _EXAMPLES.get(col.type, "…"))
    lo, hi = ranges[col.name][:2] if col.name in ranges else (col.min, col.max)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = max(float(value), lo) if lo is not None else float(value)
        value = min(value, hi) if hi is not None else value
        value = int(value) if value.is_integer() else value
    if col.type == "int":
        return int(value) if isinstance(value, (int, float)) else _EXAMPLES["int"]
    if col.type == "string" and not isinstance(value, str):
        return str(value)
    return value


def _cell(col: Column, value: Any, lang: str) -> Any:
    """A value of a validated table as the workbook holds it (categories in ``lang``)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if col.type in ("category", "bool"):
        if isinstance(value, (bool,)) or col.type == "bool":
            return display_value(col, "true" if bool(value) else "false", lang)
        return display_value(col, str(value), lang)
    if col.type == "date":
        return pd.Timestamp(value).to_pydatetime()
    if col.type in ("float", "int"):
        number = float(value)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    return str(value)


def default_contact(config: ClientConfig) -> tuple[str | None, str | None]:
    """Contact and return date from ``client.yaml`` (``request: {contact: ..., due: ...}``), if given.

    Parameters
    ----------
    config : ClientConfig

    Returns
    -------
    contact, due : str or None

    Examples
    --------
    >>> from threec_helpers.inputs.config import load_client_config
    >>> from threec_helpers.paths import client_folder
    >>> default_contact(load_client_config(client_folder("demo_telecom")))
    (None, None)
    """
    req = config.extra.get("request") if isinstance(config.extra.get("request"), dict) else {}
    contact = req.get("contact")
    due = req.get("due")
    return (None if contact is None else str(contact)), (None if due is None else str(due))


def write_request_workbook(config: ClientConfig, out: str | Path, *, tables: Mapping[str, pd.DataFrame] | None = None,
                           lang: str | None = None, contact: str | None = None, due: str | None = None,
                           lists: ListSpec | None = None, ranges: RangeSpec | None = None,
                           labels: Mapping[str, Mapping[str, str]] | None = None,
                           today: dt.date | None = None) -> Path:
    """Write the data-request workbook of a client.

    Parameters
    ----------
    config : ClientConfig
        The client (engagement, language, periods, currency).
    out : str or Path
        The ``.xlsx`` file to write (atomically).
    tables : mapping of DataFrame, optional
        Validated tables (``load_client(...).tables``) to pre-fill the sheets with.
    lang : {"zh", "en"}, optional
        Default: the client's report language.
    contact, due : str, optional
        Contact and return date for the cover sheet (default: ``request:`` in ``client.yaml``).
    lists : mapping, optional
        More drop-down lists by column name, e.g. the checklist's item ids for ``item_id``,
        its clauses for ``clause``, the roles for ``role``. Excel refuses an item id outside its
        list (:data:`STRICT_LISTS`: reading refuses it too); other values outside such a list are
        warned about but accepted (the list may be incomplete); category lists are strict.
    ranges : mapping, optional
        A scale by column name, ``(min, max, text)``, e.g. the checklist's scores for ``score``:
        the number check's bounds, and the range the header's comment names, instead of the
        contract's (a score's contract bound is only ``≥ 0``).
    labels : mapping, optional
        The meaning of a list's codes by column name (``{"item_id": {"ORG.1": "..."}}``), listed
        in the header's comment: Excel's drop-down can show only the codes themselves.
    today : date, optional
        Upper bound of the date checks of "not after today" columns (default: no bound).

    Returns
    -------
    Path
        ``out``.

    See Also
    --------
    threec_helpers.inputs.validation.find_table_sheet : reads the returned workbook's sheets.
    request_lists_from_tables : drop-down lists from tables already received.

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> from threec_helpers.inputs.config import load_client_config
    >>> from threec_helpers.paths import client_folder
    >>> config = load_client_config(client_folder("demo_telecom"))
    >>> path = write_request_workbook(config, Path(tempfile.mkdtemp()) / "request.xlsx", lang="en")
    >>> openpyxl.load_workbook(path).sheetnames[:3]
    ['Read me', 'Organisation profile', 'Quality objectives']
    """
    import xlsxwriter

    lang = lang or config.language
    out = Path(out)
    lists = dict(lists or {})
    ranges = dict(ranges or {})
    labels = dict(labels or {})
    engagement_tables = tables_for(config.engagement)
    d_contact, d_due = default_contact(config)
    contact = contact or d_contact
    due = due or d_due
    with atomic_target(out) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False,
                                            "strings_to_urls": False})
        fmt = {
            "title": wb.add_format({"bold": True, "font_size": 14}),
            "bold": wb.add_format({"bold": True}),
            "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
            "top": wb.add_format({"valign": "top"}),
            "header": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                     "valign": "top"}),
            "header_req": wb.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True,
                                         "valign": "top"}),
            "example": wb.add_format({"italic": True, "font_color": "#808080", "bg_color": "#F2F2F2"}),
            "example_date": wb.add_format({"italic": True, "font_color": "#808080", "bg_color": "#F2F2F2",
                                           "num_format": "yyyy-mm-dd"}),
            "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
            "text": wb.add_format({"num_format": "@"}),
        }
        cover = wb.add_worksheet(t("request.cover_sheet", lang))
        sheets = {table.name: wb.add_worksheet(sheet_title(table.name, lang)) for table in engagement_tables}
        list_sheet = wb.add_worksheet(t("request.lists_sheet", lang))
        list_sheet.hide()
        list_refs = _write_lists(list_sheet, engagement_tables, config, lang, lists)
        filled: dict[str, int] = {}
        for table in engagement_tables:
            data = tables.get(table.name) if tables is not None else None
            filled[table.name] = _write_table(sheets[table.name], table, config, lang, data, fmt, list_refs,
                                              strict_lists=set(lists) & STRICT_LISTS, today=today, lists=lists,
                                              ranges=ranges, labels=labels)
        _write_cover(cover, config, lang, engagement_tables, filled, contact, due, fmt, prefilled=tables is not None)
        cover.activate()
        wb.close()
    return out


def _write_lists(ws, engagement_tables: list[Table], config: ClientConfig, lang: str,
                 lists: dict[str, Sequence[str]]) -> dict[str, str]:
    """Write every drop-down list into the hidden sheet, one per column; return column key -> range."""
    from xlsxwriter.utility import xl_col_to_name

    refs: dict[str, str] = {}
    columns: dict[str, list[str]] = {}
    for table in engagement_tables:
        for col in table.columns:
            if col.type in ("category", "bool"):
                columns[f"{table.name}.{col.name}"] = choices(col, lang)
            elif col.type == "period":
                columns[f"{table.name}.{col.name}"] = [p.id for p in config.periods]
            elif col.name in lists and lists[col.name]:
                columns[f"{table.name}.{col.name}"] = [str(v) for v in lists[col.name]]
    title = ws.name.replace("'", "''")
    for i, (key, values) in enumerate(columns.items()):
        ws.write_string(0, i, key)
        for r, v in enumerate(values, start=1):
            ws.write_string(r, i, v)
        letter = xl_col_to_name(i)
        refs[key] = f"='{title}'!${letter}$2:${letter}${len(values) + 1}"
    return refs


def _write_table(ws, table: Table, config: ClientConfig, lang: str, data: pd.DataFrame | None, fmt: dict,
                 list_refs: dict[str, str], strict_lists: set[str], today: dt.date | None,
                 lists: Mapping[str, Sequence[str]], ranges: RangeSpec,
                 labels: Mapping[str, Mapping[str, str]]) -> int:
    marker = t("request.example", lang)
    for c, col in enumerate(table.columns):
        header = display_header(col, lang)
        ws.write_string(0, c, header, fmt["header_req"] if col.required and not col.nullable else fmt["header"])
        codes = labels.get(col.name)
        note = _column_note(table, col, config, lang, ranges, codes)
        lines = note.count("\n") + 1
        ws.write_comment(0, c, note, {"x_scale": 2.2 if not codes else 3.2, "y_scale": max(1.6, lines * 0.3)})
        example = _example(table, col, config, lang, data, lists, ranges)
        shown = [] if data is None or col.name not in data.columns else data[col.name].head(500).dropna()
        texts = col.type in ("string", "category", "bool", "period")
        widest = max([text_width(header) + 4, _COLUMN_WIDTHS.get(col.name, 0)]
                     + [text_width(_cell(col, v, lang)) + 2 for v in shown if texts]
                     + ([text_width(f"{marker if c == 0 else ''}{example}") + 2] if texts and example is not None
                        else []))
        width = max(12, min(40, widest))
        ws.set_column(c, c, width, fmt["date"] if col.type == "date" else
                      (fmt["text"] if col.type in ("string", "month", "period") else None))
        if c == 0:
            shown_example = example.strftime("%Y-%m-%d") if isinstance(example, dt.datetime) else example
            example = f"{marker}{'' if shown_example is None else shown_example}"
        if isinstance(example, dt.datetime):
            ws.write_datetime(1, c, example, fmt["example_date"])
        elif isinstance(example, (int, float)):
            ws.write_number(1, c, example, fmt["example"])
        elif example is None:
            ws.write_blank(1, c, None, fmt["example"])
        else:
            ws.write_string(1, c, str(example), fmt["example"])
        _validate_column(ws, table, col, c, lang, list_refs, strict_lists, today, ranges)
    ws.freeze_panes(1, 0)
    print_setup(ws, landscape=True, header_row=0)
    if data is None or data.empty:
        return 0
    present = [(c, col) for c, col in enumerate(table.columns) if col.name in data.columns]
    values = {col.name: data[col.name].tolist() for _, col in present}
    for r in range(len(data)):
        row = 2 + r
        for c, col in present:
            value = _cell(col, values[col.name][r], lang)
            if value is None:
                continue
            if isinstance(value, dt.datetime):
                ws.write_datetime(row, c, value, fmt["date"])
            elif isinstance(value, (int, float)):
                ws.write_number(row, c, value)
            else:
                ws.write_string(row, c, value)
    return len(data)


def _validate_column(ws, table: Table, col: Column, c: int, lang: str, list_refs: dict[str, str],
                     strict_lists: set[str], today: dt.date | None, ranges: RangeSpec) -> None:
    """Excel data validation of one column, from row 3 (below the example) to the sheet's end."""
    key = f"{table.name}.{col.name}"
    spec: dict[str, Any] | None = None
    title = t("request.invalid_title", lang)
    if key in list_refs:
        strict = col.type in ("category", "bool", "period") or col.name in strict_lists
        spec = {"validate": "list", "source": list_refs[key], "error_type": "stop" if strict else "warning",
                "error_title": title, "error_message": t("request.invalid_list", lang)}
    elif col.type in ("float", "int") and col.name in ranges:
        lo, hi, text = ranges[col.name]
        spec = {"validate": "integer" if col.type == "int" else "decimal", "criteria": "between", "minimum": lo,
                "maximum": hi, "error_title": title,
                "error_message": t("request.invalid_number", lang, range=text)[:250]}
    elif col.type in ("float", "int"):
        kind = "integer" if col.type == "int" else "decimal"
        rng = _range_text(col)
        message = t("request.invalid_number", lang, range=rng) if rng else t("request.invalid_any_number", lang)
        if col.min is not None and col.max is not None:
            spec = {"validate": kind, "criteria": "between", "minimum": col.min, "maximum": col.max}
        elif col.min is not None:
            spec = {"validate": kind, "criteria": ">=", "value": col.min}
        elif col.max is not None:
            spec = {"validate": kind, "criteria": "<=", "value": col.max}
        elif col.type == "int":
            spec = {"validate": kind, "criteria": "between", "minimum": -2**31, "maximum": 2**31 - 1}
        if spec is not None:
            spec.update(error_title=title, error_message=message)
            if col.percent:
                spec["error_type"] = "warning"  # "35%" typed as text is read too
    elif col.type == "date":
        upper = dt.datetime.combine(today, dt.time()) if (col.not_future and today) else dt.datetime(2100, 12, 31)
        spec = {"validate": "date", "criteria": "between", "minimum": dt.datetime(1990, 1, 1), "maximum": upper,
                "error_title": title, "error_message": t("request.invalid_date", lang)}
    if spec is not None:
        spec.setdefault("ignore_blank", True)
        ws.data_validation(2, c, LAST_ROW, c, spec)


def _write_cover(ws, config: ClientConfig, lang: str, engagement_tables: list[Table], filled: dict[str, int],
                 contact: str | None, due: str | None, fmt: dict, prefilled: bool) -> None:
    heads = ("request.col.sheet", "request.col.content", "request.col.need", "request.col.rows")
    # label and sheet names, the text (wrapped), required or not, rows pre-filled: each as wide as it needs
    widths = (max([20] + [text_width(sheet_title(tb.name, lang)) + 2 for tb in engagement_tables]), 64,
              max(10, text_width(t(heads[2], lang)) + 2), max(10, text_width(t(heads[3], lang)) + 2))
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    print_setup(ws, landscape=False)
    ws.write_string(0, 0, t("request.title", lang, client=config.display_name(lang)), fmt["title"])
    intro = t("request.intro", lang, engagement=t(f"request.engagement.{config.engagement}", lang))
    ws.merge_range(2, 0, 2, 3, intro, fmt["wrap"])
    ws.set_row(2, row_height([(intro, sum(widths))]))
    periods = sorted(config.periods, key=lambda p: (p.start, p.end))
    row = 4
    ws.write_string(row, 0, t("request.periods", lang), fmt["bold"])
    ws.write_string(row, 1, t("request.periods_value", lang, first=f"{periods[0].id} ({periods[0].start})",
                              last=f"{periods[-1].id} ({periods[-1].end})", current=config.current_period))
    row += 1
    ws.write_string(row, 0, t("request.contact", lang), fmt["bold"])
    ws.write_string(row, 1, contact or t("request.not_given", lang))
    row += 1
    ws.write_string(row, 0, t("request.due", lang), fmt["bold"])
    ws.write_string(row, 1, due or t("request.not_given", lang))
    row += 2
    ws.write_string(row, 0, t("request.sheets", lang), fmt["bold"])
    row += 1
    for c, key in enumerate(heads):
        ws.write_string(row, c, t(key, lang), fmt["header"])
    for table in engagement_tables:
        row += 1
        ws.write_string(row, 0, sheet_title(table.name, lang), fmt["top"])
        content = table.doc_zh if lang == "zh" else table.doc_en
        ws.write_string(row, 1, content, fmt["wrap"])
        ws.set_row(row, row_height([(content, widths[1])]))
        ws.write_string(row, 2, t("request.required" if table.required else "request.optional", lang), fmt["top"])
        ws.write_number(row, 3, filled.get(table.name, 0), fmt["top"])
    row += 2
    ws.write_string(row, 0, t("request.how", lang), fmt["bold"])
    steps = ["request.how.1", "request.how.2", "request.how.3", "request.how.4"] + (["request.how.5"] if prefilled else [])
    for i, key in enumerate(steps, start=1):
        row += 1
        ws.write_string(row, 0, f"{i}.", fmt["top"])
        ws.write_string(row, 1, t(key, lang), fmt["wrap"])
        ws.set_row(row, row_height([(t(key, lang), widths[1])]))


def request_lists_from_tables(tables: Mapping[str, pd.DataFrame]) -> dict[str, list[str]]:
    """Roles already used in a client's tables, as a drop-down list (``role``).

    Parameters
    ----------
    tables : mapping of DataFrame
        Validated tables; ``focus_responses`` and ``assessment_scores`` are read.

    Returns
    -------
    dict
        ``{"role": [...]}``, or empty when no role was found.

    See Also
    --------
    write_request_workbook : takes these as ``lists``.

    Examples
    --------
    >>> request_lists_from_tables({"focus_responses": pd.DataFrame({"role": ["sales", "manager", "sales", None]})})
    {'role': ['manager', 'sales']}
    """
    roles: list[str] = []
    for name in ("focus_responses", "assessment_scores"):
        frame = tables.get(name)
        if frame is not None and "role" in frame.columns:
            roles += [str(r) for r in frame["role"].dropna().unique()]
    return {"role": sorted(set(roles))} if roles else {}


__all__ = ["write_request_workbook", "default_contact", "request_lists_from_tables", "STRICT_LISTS"]
