"""The rectification plan of a clinical self-assessment, as it stood on a given day.

Table ``rectifications`` lists the actions (``action_id, item_id, description, owner,
due, status, closed``); :func:`rectification_table` reads each action's status on the
report date (done later = still in progress then; open past its due date = overdue) and
:func:`rectification_counts` counts them.

See Also
--------
threec_helpers.audit.findings.improvements_table : the same for an ISO findings register.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..i18n import check_lang, t
from .checklists import Checklist
from .findings import date_text

#: rectification statuses of the data contract, in display order
RECT_STATUSES: tuple[str, ...] = ("open", "in_progress", "done", "verified")


_OPEN_RECT = ("open", "in_progress")


def rectification_table(rectifications: pd.DataFrame, as_of: Any, lang: str = "zh",
                        checklist: Checklist | None = None) -> pd.DataFrame:
    """The rectification plan as it stood on ``as_of``: status, due, completion, overdue.

    An action marked done or verified but completed after ``as_of`` counts as in progress
    on that date; an open or in-progress action past its due date is overdue.

    Parameters
    ----------
    rectifications : pandas.DataFrame
        Table ``rectifications`` (action_id, item_id, description, owner, due, status, closed).
    as_of : date-like
    lang : {"zh", "en"}
    checklist : Checklist, optional
        Adds the item's text.

    Returns
    -------
    pandas.DataFrame
        ``action_id``, ``item_id``, ``item_text``, ``description``, ``owner``, ``due``,
        ``closed`` (text dates), ``status`` (id), ``status_label``, ``is_open``, ``overdue``.

    Examples
    --------
    >>> r = pd.DataFrame({"action_id": ["A1", "A2"], "item_id": ["OB.1.1", None], "description": ["x", "y"],
    ...                   "owner": ["o", "o"], "due": pd.to_datetime(["2026-06-30", "2026-12-31"]),
    ...                   "status": ["in_progress", "done"], "closed": pd.to_datetime([None, "2026-11-05"])})
    >>> rectification_table(r, "2026-10-31", "en")[["status", "overdue"]].values.tolist()
    [['in_progress', True], ['in_progress', False]]
    """
    check_lang(lang)
    day = pd.Timestamp(as_of).normalize()
    r = rectifications
    status = r["status"].astype(str).str.strip().to_numpy(object)
    closed = pd.to_datetime(r["closed"]) if "closed" in r.columns else pd.Series(pd.NaT, index=r.index)
    later = closed.notna().to_numpy(bool) & (closed > day).fillna(False).to_numpy(bool)
    status = np.where(later & np.isin(status, ["done", "verified"]), "in_progress", status)
    due = pd.to_datetime(r["due"]) if "due" in r.columns else pd.Series(pd.NaT, index=r.index)
    is_open = np.isin(status, _OPEN_RECT)
    overdue = is_open & due.notna().to_numpy(bool) & (due < day).fillna(False).to_numpy(bool)
    items = r["item_id"] if "item_id" in r.columns else pd.Series([None] * len(r), index=r.index)
    texts = checklist.items.set_index("item_id")[f"text_{lang}"] if checklist is not None else pd.Series(dtype=object)
    return pd.DataFrame({
        "action_id": r["action_id"].to_numpy(), "item_id": items.to_numpy(object),
        "item_text": items.map(texts).astype(object).to_numpy(),
        "description": r["description"].to_numpy(), "owner": (r["owner"] if "owner" in r.columns else items).to_numpy(),
        "due": date_text(due).to_numpy(), "closed": date_text(closed.where(~later)).to_numpy(),
        "status": status, "status_label": [t(f"audit_report.rect_status.{s}", lang) if s in RECT_STATUSES else s
                                           for s in status],
        "is_open": is_open, "overdue": overdue,
    })


def rectification_counts(table: pd.DataFrame) -> dict[str, int]:
    """Counts of a :func:`rectification_table`: total, each status, ``open_total`` and ``overdue``.

    Parameters
    ----------
    table : DataFrame
        :func:`rectification_table` output (``status``, ``is_open``, ``overdue``).

    Returns
    -------
    dict of str to int

    Examples
    --------
    >>> df = pd.DataFrame({"status": ["open", "verified", "in_progress"], "is_open": [True, False, True],
    ...                    "overdue": [False, False, True]})
    >>> rectification_counts(df)
    {'total': 3, 'open': 1, 'in_progress': 1, 'done': 0, 'verified': 1, 'open_total': 2, 'overdue': 1}
    """
    by = table["status"].value_counts()
    out = {"total": len(table)}
    out.update({s: int(by.get(s, 0)) for s in RECT_STATUSES})
    out["open_total"] = int(table["is_open"].sum())
    out["overdue"] = int(table["overdue"].sum())
    return out
