"""Filled audit forms read back as the responses table of an audit round.

An audit form (written by :func:`threec_helpers.audit.forms.write_audit_form`) is an ``.xlsx``
with one visible sheet (respondent, role and one row per checklist item) and a hidden sheet
``threec`` recording what the form was made for: the client, the checklist and its version,
the round, and each item's scale (its bounds and, for a choice scale, its values). The form
thus carries what it is checked against, and this layer needs no checklist code.

Forms dropped into ``data/clients/<id>/audit_forms/`` (one per respondent, any file names) are
read by :func:`read_audit_forms` when the client is validated and become rows of the
engagement's responses table (``focus_responses`` for 3C, ``assessment_scores`` for clinical
self-assessments). Every refusal names the form's file: a file that is no threec form, a form
for another client or checklist, a form left empty, no respondent, a respondent twice, an
unknown item, an item twice, a score that is no number or not one of the scores the form offers
for its item (:func:`offered_scores`), a 3C form without a role. All problems of a form are
reported at once. Items left without a score keep the form but are named in a warning; they
are "not answered" for the audit engine, which leaves them out of every score and count of
answers (:func:`threec_helpers.audit.scoring.validate_responses`). The audit engine checks the
answers against the checklist itself once more when it scores them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import math

import numpy as np
import pandas as pd

from .config import ClientConfig
from .contract import Column, Table, normalise_header
from .readers import EXCEL_SUFFIXES, parse_numbers, read_table

#: the folder of a client's filled forms
FORMS_FOLDER = "audit_forms"
#: the hidden sheet recording what a form was made for
META_SHEET = "threec"
#: the value of ``form`` in the hidden sheet, and the version of the layout
FORM_KIND = "threec-audit-form"
FORM_VERSION = "1"
#: the row of the hidden sheet where the item scales start (0-based)
META_ITEMS_ROW = 12
#: engagement -> the table its forms' answers go into
RESPONSES_TABLE = {"3c": "focus_responses", "clinical": "assessment_scores"}
#: engagement -> the checklist its forms are for when client.yaml names none
DEFAULT_CHECKLIST = {"3c": "customer_focus", "iso9001": "iso9001_2015", "clinical": "obstetrics_quality"}
#: labels of the header block, both languages (the form's first column)
BLOCK_LABELS = {"respondent": ("答卷人", "respondent"), "role": ("角色", "role")}

#: the item table of a form, read with the contract reader (header row found below the header block)
FORM_ITEMS = Table("audit_form", (
    Column("item_id", "string", aliases=("条目编号", "item id")),
    Column("score", "float", nullable=True, aliases=("得分", "score")),
    Column("evidence", "string", required=False, nullable=True, aliases=("佐证材料", "evidence")),
    Column("remarks", "string", required=False, nullable=True, aliases=("备注", "remarks")),
))


#: at most this many items are named in one message (the rest counted)
MAX_ITEMS_NAMED = 12


def offered_scores(lo: float, hi: float, values: tuple[float, ...] = ()) -> tuple[float, ...]:
    """The scores a form offers for an item: a choice scale's values, else the whole points of its range.

    The score drop-down of a form lists exactly these, and a returned form may hold no other
    score (a value typed past the drop-down, e.g. 4.5 on a 1–5 scale, is refused).

    Parameters
    ----------
    lo, hi : float
        The item's scale bounds.
    values : tuple of float
        A choice scale's values (empty for a range scale).

    Returns
    -------
    tuple of float
        Highest first for a choice scale (as the form lists them), ascending for a range.

    Examples
    --------
    >>> offered_scores(1, 5)
    (1.0, 2.0, 3.0, 4.0, 5.0)
    >>> offered_scores(0, 1, (0.0, 1.0, 0.5))
    (1.0, 0.5, 0.0)
    """
    if values:
        return tuple(sorted((float(v) for v in values), reverse=True))
    return tuple(float(v) for v in range(math.ceil(lo), math.floor(hi) + 1))


def _listed(names: list[str]) -> str:
    """At most :data:`MAX_ITEMS_NAMED` names, comma-separated, the rest as "… (+n)"."""
    shown = ", ".join(names[:MAX_ITEMS_NAMED])
    return shown + (f", … (+{len(names) - MAX_ITEMS_NAMED})" if len(names) > MAX_ITEMS_NAMED else "")


@dataclass
class FormProblem:
    """One refusal (or warning) about a form, named by its file.

    Attributes
    ----------
    file : Path
        The form.
    rule : str
        What is wrong (``form_not_a_form``, ``form_other_client``, ...); the validation
        report words it from the locale.
    row : int, optional
        Sheet row (1-based as in Excel).
    column, value : str, optional
        The column and the value refused.
    params : dict
        Further fields of the message.
    severity : {"error", "warning"}

    Examples
    --------
    >>> FormProblem(Path("audit_forms/r1.xlsx"), "form_not_a_form").severity
    'error'
    """

    file: Path
    rule: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    severity: str = "error"


def expected_checklist(config: ClientConfig) -> str | None:
    """The checklist a client's forms must be for (``checklist`` of client.yaml, else the engagement's).

    Parameters
    ----------
    config : ClientConfig

    Returns
    -------
    str or None
        None for an engagement without audit forms and no ``checklist`` in client.yaml.

    Examples
    --------
    >>> from threec_helpers.inputs.config import load_client_config
    >>> from threec_helpers.paths import client_folder
    >>> expected_checklist(load_client_config(client_folder("demo_manufacturer")))
    'customer_focus'
    """
    return config.checklist or DEFAULT_CHECKLIST.get(config.engagement)


def form_files(folder: Path) -> list[Path]:
    """The workbooks in a client's ``audit_forms`` folder (Excel's lock files ``~$...`` left out).

    Parameters
    ----------
    folder : Path
        The client folder.

    Returns
    -------
    list of Path
        Sorted by name; empty when there is no ``audit_forms`` folder.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> (folder / FORMS_FOLDER).mkdir()
    >>> for name in ("b.xlsx", "a.xlsx", "~$a.xlsx", "notes.txt"):
    ...     _ = (folder / FORMS_FOLDER / name).write_bytes(b"")
    >>> [p.name for p in form_files(folder)]
    ['a.xlsx', 'b.xlsx']
    """
    forms = Path(folder) / FORMS_FOLDER
    if not forms.is_dir():
        return []
    return sorted(p for p in forms.iterdir() if p.is_file() and p.suffix.lower() in EXCEL_SUFFIXES
                  and not p.name.startswith(("~$", ".")))


def _sheet(path: Path, name: str | None) -> tuple[list[list[Any]], list[str]]:
    """Rows of sheet ``name`` (None: first visible sheet) and the visible sheets' names."""
    import python_calamine as calamine

    wb = calamine.CalamineWorkbook.from_path(str(path))
    try:
        metas = list(wb.sheets_metadata)
        visible = [m.name for m in metas if str(m.visible).endswith("Visible") and str(m.typ).endswith("WorkSheet")]
        names = [m.name for m in metas]
        if name is not None and name not in names:
            return [], visible
        target = name if name is not None else (visible[0] if visible else None)
        if target is None:
            return [], visible
        rows = wb.get_sheet_by_name(target).to_python(skip_empty_area=False)
    finally:
        wb.close()
    return [[None if c == "" else c for c in r] for r in rows], visible


def read_form_meta(path: Path) -> dict[str, Any] | None:
    """What a form was made for (hidden sheet ``threec``), or None for a file that is no threec form.

    Parameters
    ----------
    path : Path
        A workbook.

    Returns
    -------
    dict or None
        ``form``, ``version``, ``client_id``, ``checklist``, ``checklist_version``, ``round``,
        ``lang``, ``sheet`` and ``items``: item id -> ``(min, max, values)`` where ``values`` is
        the tuple of scores the form offers for the item (:func:`offered_scores`; forms written
        before the values of range scales were recorded get the whole points of the range).

    See Also
    --------
    read_form : the answers of one form.

    Examples
    --------
    >>> import tempfile
    >>> from threec_helpers.audit.checklists import load_checklist
    >>> from threec_helpers.audit.forms import write_audit_form
    >>> from threec_helpers.inputs.config import load_client_config
    >>> from threec_helpers.paths import client_folder
    >>> config = load_client_config(client_folder("demo_manufacturer"))
    >>> folder = Path(tempfile.mkdtemp())
    >>> path = write_audit_form(load_checklist("customer_focus"), folder / FORMS_FOLDER / "r1.xlsx", config,
    ...                         lang="en", respondent="R1", role="manager",
    ...                         answers=pd.DataFrame({"item_id": ["ORG.1", "ORG.2"], "score": [4, 3]}))
    >>> meta = read_form_meta(path)
    >>> meta["client_id"], meta["checklist"], meta["items"]["ORG.1"]
    ('demo_manufacturer', 'customer_focus', (1.0, 5.0, (1.0, 2.0, 3.0, 4.0, 5.0)))
    """
    rows, _ = _sheet(path, META_SHEET)
    if not rows:
        return None
    meta: dict[str, Any] = {}
    for r in rows[:META_ITEMS_ROW]:
        if len(r) >= 2 and r[0] is not None:
            meta[str(r[0])] = None if r[1] is None else str(r[1])
    if meta.get("form") != FORM_KIND:
        return None
    items: dict[str, tuple[float, float, tuple[float, ...]]] = {}
    for r in rows[META_ITEMS_ROW + 1:]:
        if not r or r[0] is None:
            continue
        values = tuple(float(v) for v in str(r[3]).split(";") if v.strip()) if len(r) > 3 and r[3] else ()
        lo, hi = float(r[1]), float(r[2])
        items[str(r[0])] = (lo, hi, values or offered_scores(lo, hi))  # as recorded, in the form's order
    meta["items"] = items
    return meta


def _block_value(rows: list[list[Any]], key: str) -> str | None:
    """The value right of a header-block label (答卷人 / Respondent) in the form's first rows."""
    labels = {normalise_header(x) for x in BLOCK_LABELS[key]}
    for r in rows[:12]:
        if r and r[0] is not None and normalise_header(r[0]) in labels:
            value = r[1] if len(r) > 1 else None
            if value is None or str(value).strip() == "":
                return None
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            return str(value).strip()
    return None


def _text(series: pd.Series) -> pd.Series:
    text = series.astype("string").str.strip()
    return text.where(text != "")


def read_form(path: Path, config: ClientConfig) -> tuple[pd.DataFrame | None, dict[str, Any] | None,
                                                         list[FormProblem]]:
    """Read one filled form: its answers, what it was made for, and its problems.

    Parameters
    ----------
    path : Path
        The form.
    config : ClientConfig
        The client it must be for.

    Returns
    -------
    answers : DataFrame or None
        ``item_id``, ``score``, ``evidence``, ``remarks``; the index is the sheet row. None when
        the file was refused as a whole.
    meta : dict or None
        :func:`read_form_meta`, with ``respondent`` and ``role`` added.
    problems : list of FormProblem

    See Also
    --------
    read_audit_forms : every form of a client, as its responses table.

    Examples
    --------
    >>> import tempfile
    >>> from threec_helpers.audit.checklists import load_checklist
    >>> from threec_helpers.audit.forms import write_audit_form
    >>> from threec_helpers.inputs.config import load_client_config
    >>> from threec_helpers.paths import client_folder
    >>> config = load_client_config(client_folder("demo_manufacturer"))
    >>> folder = Path(tempfile.mkdtemp())
    >>> path = write_audit_form(load_checklist("customer_focus"), folder / FORMS_FOLDER / "r1.xlsx", config,
    ...                         lang="en", respondent="R1", role="manager",
    ...                         answers=pd.DataFrame({"item_id": ["ORG.1", "ORG.2"], "score": [4, 3]}))
    >>> answers, meta, problems = read_form(path, config)
    >>> answers.dropna(subset=["score"])[["item_id", "score"]].values.tolist(), meta["respondent"]
    ([['ORG.1', 4.0], ['ORG.2', 3.0]], 'R1')
    >>> [(p.rule, p.severity, p.params["n"]) for p in problems]  # the other items were left blank
    [('form_unanswered', 'warning', 18)]
    """
    problems: list[FormProblem] = []
    try:
        meta = read_form_meta(path)
    except BaseException as exc:  # noqa: BLE001 - a damaged file is named, never a traceback
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return None, None, [FormProblem(path, "form_unreadable", params={"detail": f"{type(exc).__name__}: {exc}"})]
    if meta is None:
        return None, None, [FormProblem(path, "form_not_a_form")]
    # a form for another client or checklist is refused as a whole (it is replaced, not corrected);
    # of any other form every problem is reported at once (no rounds of fixing one kind, then the next)
    if meta.get("client_id") != config.client_id:
        problems.append(FormProblem(path, "form_other_client", value=meta.get("client_id"),
                                    params={"client": config.client_id}))
    expected = expected_checklist(config)
    if expected is not None and meta.get("checklist") != expected:
        problems.append(FormProblem(path, "form_other_checklist", value=meta.get("checklist"),
                                    params={"checklist": expected}))
    if problems:
        return None, meta, problems
    rows, _ = _sheet(path, meta.get("sheet"))
    meta["respondent"] = _block_value(rows, "respondent")
    meta["role"] = _block_value(rows, "role")
    raw = read_table(path, FORM_ITEMS, sheet=meta.get("sheet"))
    frame = raw.frame
    if "item_id" not in frame.columns or "score" not in frame.columns:
        return None, meta, [FormProblem(path, "form_not_a_form")]
    ids = _text(frame["item_id"].map(lambda v: None if v is None else (str(int(v)) if isinstance(v, float)
                                                                          and v.is_integer() else str(v))))
    score, invalid = parse_numbers(frame["score"])
    out = pd.DataFrame({"item_id": ids, "score": score}, index=frame.index)
    for name in ("evidence", "remarks"):
        out[name] = _text(frame[name]) if name in frame.columns else pd.Series(pd.NA, index=frame.index, dtype="string")
    for row in invalid[invalid].index:
        problems.append(FormProblem(path, "form_score_not_a_number", int(row), "score", str(frame.at[row, "score"]),
                                    params={"item": "" if ids[row] is pd.NA else str(ids[row])}))
    known = meta["items"]
    for row, item in ids.items():
        if item is pd.NA or item is None:
            continue
        if item not in known:
            problems.append(FormProblem(path, "form_unknown_item", int(row), "item_id", str(item),
                                        params={"checklist": meta.get("checklist")}))
    dup = ids.notna() & ids.duplicated(keep="first")
    for row in dup[dup].index:
        problems.append(FormProblem(path, "form_item_twice", int(row), "item_id", str(ids[row])))
    outside: list[tuple[int, str, float, str]] = []
    for row, item in ids.items():
        s = score[row]
        if item is pd.NA or item not in known or np.isnan(s):
            continue
        lo, hi, values = known[item]
        offered = values or offered_scores(lo, hi)
        if not any(abs(s - v) < 1e-9 for v in offered):
            outside.append((int(row), str(item), float(s), ", ".join(f"{v:g}" for v in offered)))
    # the group of a form's scale refusals is titled by every item it holds, with the scores each may take
    by_allowed: dict[str, list[str]] = {}
    for row, item, _, allowed in outside:
        by_allowed.setdefault(allowed, []).append(f"{item} ({row})")
    detail = "; ".join(f"{_listed(names)}: {allowed}" for allowed, names in by_allowed.items())
    for row, item, s, allowed in outside:
        problems.append(FormProblem(path, "form_score_outside", row, "score", f"{s:g}",
                                    params={"item": item, "allowed": allowed, "detail": detail}))
    answered = score.notna() | out["evidence"].notna() | out["remarks"].notna()
    if not bool(score.notna().any()):
        problems.append(FormProblem(path, "form_empty"))
    else:
        scored = set(ids[score.notna() & ids.notna()]) | set(ids[invalid & ids.notna()])
        blank = [item for item in known if item not in scored]
        if blank:
            problems.append(FormProblem(path, "form_unanswered", severity="warning",
                                        params={"n": len(blank), "total": len(known), "items": _listed(blank)}))
    if meta["respondent"] is None:
        problems.append(FormProblem(path, "form_no_respondent"))
    if RESPONSES_TABLE.get(config.engagement) == "focus_responses" and meta["role"] is None:
        problems.append(FormProblem(path, "form_no_role"))
    return out.loc[answered & ids.notna()], meta, problems


def read_audit_forms(folder: Path, config: ClientConfig
                     ) -> tuple[pd.DataFrame | None, list[FormProblem], list[tuple[str | None, str, Path]]]:
    """Read every form of a client's ``audit_forms`` folder into its responses table.

    Parameters
    ----------
    folder : Path
        The client folder.
    config : ClientConfig

    Returns
    -------
    frame : DataFrame or None
        The rows of the engagement's responses table (``focus_responses``: respondent_id, role,
        item_id, score, round; ``assessment_scores``: round, item_id, score, assessor, role,
        evidence), typed; None when there are no forms or any form was refused.
    problems : list of FormProblem
        Each naming the form's file (and row); every problem of every form, at once.
    respondents : list of (round, respondent, Path)
        Every form of this client and checklist that names a respondent, refused or not: what a
        table holding the same answers is checked against, so that such a form is named at once.

    See Also
    --------
    read_form : one form.

    Examples
    --------
    >>> import tempfile
    >>> from threec_helpers.audit.checklists import load_checklist
    >>> from threec_helpers.audit.forms import write_audit_form
    >>> from threec_helpers.inputs.config import load_client_config
    >>> from threec_helpers.paths import client_folder
    >>> config = load_client_config(client_folder("demo_manufacturer"))
    >>> folder = Path(tempfile.mkdtemp())
    >>> path = write_audit_form(load_checklist("customer_focus"), folder / FORMS_FOLDER / "r1.xlsx", config,
    ...                         lang="en", respondent="R1", role="manager",
    ...                         answers=pd.DataFrame({"item_id": ["ORG.1", "ORG.2"], "score": [4, 3]}))
    >>> frame, problems, respondents = read_audit_forms(folder, config)
    >>> frame[["respondent_id", "item_id", "score"]].values.tolist(), [p.rule for p in problems]
    ([['R1', 'ORG.1', 4.0], ['R1', 'ORG.2', 3.0]], ['form_unanswered'])
    >>> [(rnd, who, path.name) for rnd, who, path in respondents]
    [('FY2026', 'R1', 'r1.xlsx')]
    """
    files = form_files(folder)
    if not files:
        return None, [], []
    table = RESPONSES_TABLE.get(config.engagement)
    if table is None:
        return None, [FormProblem(folder / FORMS_FOLDER, "form_no_table", severity="warning",
                                  params={"engagement": config.engagement})], []
    problems: list[FormProblem] = []
    parts: list[pd.DataFrame] = []
    seen: dict[tuple[str | None, str], Path] = {}
    respondents: list[tuple[str | None, str, Path]] = []
    for path in files:
        answers, meta, found = read_form(path, config)
        problems += found
        if answers is None or meta is None or meta["respondent"] is None:
            continue
        key = (meta.get("round"), meta["respondent"])
        if key in seen:
            problems.append(FormProblem(path, "form_respondent_twice", value=meta["respondent"],
                                        params={"other": seen[key].name, "round": meta.get("round") or "-"}))
            continue
        seen[key] = path
        respondents.append((meta.get("round"), meta["respondent"], path))
        if any(p.severity == "error" for p in found):
            continue
        n = len(answers)
        round_ = pd.Series([meta.get("round")] * n, index=answers.index, dtype="string")
        who = pd.Series([meta["respondent"]] * n, index=answers.index, dtype="string")
        role = pd.Series([meta.get("role")] * n, index=answers.index, dtype="string")
        if table == "focus_responses":
            part = pd.DataFrame({"respondent_id": who, "role": role, "item_id": answers["item_id"],
                                 "score": answers["score"], "round": round_})
        else:
            part = pd.DataFrame({"round": round_, "item_id": answers["item_id"], "score": answers["score"],
                                 "assessor": who, "role": role, "evidence": answers["evidence"]})
        parts.append(part)
    if any(p.severity == "error" for p in problems) or not parts:
        return None, problems, respondents
    frame = pd.concat(parts, ignore_index=True)
    for name in frame.columns:
        if name != "score":
            frame[name] = frame[name].astype("str").where(frame[name].notna())
    frame["score"] = frame["score"].astype("float64")
    return frame, problems, respondents
