"""When an assessment round took place, read from its id, so a report period never uses a later round.

A round id is a ``client.yaml`` period (``2026H2``: that period's dates) or names its time
itself: a year (``2025``), a half (``2025H2``, ``2025-H2``), a quarter (``2025Q3``,
``2025-Q3``), a month (``2025-10``) or a day (``2025-10-15``). Other ids (``R1``, ``Spring``)
carry no date: they cannot be placed in time and stay eligible for every period.

Examples
--------
>>> round_span("2025")
(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
>>> round_span("2025-Q3")
(datetime.date(2025, 7, 1), datetime.date(2025, 9, 30))
>>> round_span("R2") is None
True
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

_YEAR = re.compile(r"^(\d{4})$")
_HALF = re.compile(r"^(\d{4})-?H([12])$", re.IGNORECASE)
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def _months(year: int, first: int, last: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])


def round_span(round_id: Any, periods: Iterable[Any] = ()) -> tuple[dt.date, dt.date] | None:
    """The first and last day a round may have taken place, or None if its id names no time.

    Parameters
    ----------
    round_id : object
        The round's id as in the answers (``2025``, ``2026H2``, ``R1``).
    periods : iterable of Period, optional
        The client's periods: a round named like one of them spans that period.

    Returns
    -------
    (datetime.date, datetime.date) or None

    Examples
    --------
    >>> round_span("2026H1")
    (datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
    >>> round_span("2025-10-15")
    (datetime.date(2025, 10, 15), datetime.date(2025, 10, 15))
    """
    rid = str(round_id).strip()
    for p in periods:
        if p.id == rid:
            return p.start, p.end
    try:
        if m := _YEAR.match(rid):
            return _months(int(m[1]), 1, 12)
        if m := _HALF.match(rid):
            h = int(m[2])
            return _months(int(m[1]), 6 * h - 5, 6 * h)
        if m := _QUARTER.match(rid):
            q = int(m[2])
            return _months(int(m[1]), 3 * q - 2, 3 * q)
        if m := _MONTH.match(rid):
            return _months(int(m[1]), int(m[2]), int(m[2]))
        if m := _DAY.match(rid):
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            return day, day
    except ValueError:  # month 13, 31 February: not a date, so no time
        return None
    return None


def round_in_time(round_id: Any, period: Any, periods: Iterable[Any] = ()) -> bool:
    """Whether a round may be reported for ``period``: it started on or before the period's end.

    A round whose id names no time (``R1``) is always eligible.

    Parameters
    ----------
    round_id : object
        The round's id (:func:`round_span`).
    period : Period
        The report period.
    periods : iterable of Period, optional
        The client's periods (rounds named like one of them).

    Returns
    -------
    bool

    Examples
    --------
    >>> import datetime as dt
    >>> from types import SimpleNamespace
    >>> fy25 = SimpleNamespace(id="FY2025", start=dt.date(2024, 11, 1), end=dt.date(2025, 10, 31))
    >>> round_in_time("2025", fy25), round_in_time("2026", fy25), round_in_time("R3", fy25)
    (True, False, True)
    """
    span = round_span(round_id, periods)
    return span is None or span[0] <= period.end


def rounds_until(results: Mapping[str, Any], period: Any, periods: Iterable[Any] = ()) -> dict[str, Any]:
    """The rounds a report for ``period`` may use: those held by its end (:func:`round_in_time`).

    Parameters
    ----------
    results : mapping
        Round id -> scored round (:func:`threec_helpers.audit.scoring.score_rounds`).
    period : Period
        The report period.
    periods : iterable of Period, optional
        The client's periods (rounds named like one of them).

    Returns
    -------
    dict
        The same mapping without the rounds that started after the period's end.

    Examples
    --------
    >>> import datetime as dt
    >>> from types import SimpleNamespace
    >>> fy25 = SimpleNamespace(id="FY2025", start=dt.date(2024, 11, 1), end=dt.date(2025, 10, 31))
    >>> rounds_until({"2025": "a", "2026": "b", "R1": "c"}, fy25)
    {'2025': 'a', 'R1': 'c'}
    """
    periods = tuple(periods)
    return {r: v for r, v in results.items() if round_in_time(r, period, periods)}
