"""Period arithmetic on a client's ``client.yaml`` periods: cadence, time order, earlier periods.

Used by the batch's period selectors (:mod:`threec_helpers.batch.periods`) and by trends
(:mod:`threec_helpers.report.trends`). The *cadence* of a period is its length in whole
months (1 a month, 3 a quarter, 6 a half year, 12 a fiscal year); periods are ordered by
their start date, never by their names.
"""

from __future__ import annotations

from typing import Any


def cadence(period: Any) -> int:
    """A period's length in whole months (at least 1), from its start and end dates.

    Parameters
    ----------
    period : Period
        Anything with ``start`` and ``end`` dates (a ``client.yaml`` period).

    Returns
    -------
    int
        1 a month, 3 a quarter, 6 a half year, 12 a year.

    Examples
    --------
    >>> import datetime as dt
    >>> from types import SimpleNamespace as P
    >>> cadence(P(start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28)))
    1
    >>> cadence(P(start=dt.date(2025, 11, 1), end=dt.date(2026, 10, 31)))
    12
    """
    days = (period.end - period.start).days + 1
    return max(1, round(days / 30.44))


def ordered(config: Any, like: str | None = None) -> list[str]:
    """The client's period ids in time order, of the cadence of period ``like`` (default: the current one).

    Parameters
    ----------
    config : ClientConfig
        Anything with ``periods`` (each with ``id``, ``start``, ``end``) and ``current_period``.
    like : str, optional
        The period whose cadence is kept; an unknown id keeps every period.

    Returns
    -------
    list of str
        Period ids ordered by start date.

    Examples
    --------
    >>> import datetime as dt
    >>> from types import SimpleNamespace as P
    >>> cfg = P(current_period="2026-02", periods=(
    ...     P(id="2026-02", start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28)),
    ...     P(id="2025H2", start=dt.date(2025, 7, 1), end=dt.date(2025, 12, 31)),
    ...     P(id="2026-01", start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))))
    >>> ordered(cfg), ordered(cfg, "2025H2"), ordered(cfg, "nope")
    (['2026-01', '2026-02'], ['2025H2'], ['2025H2', '2026-01', '2026-02'])
    """
    by_id = {p.id: p for p in config.periods}
    ref = by_id.get(like or config.current_period)
    periods = sorted(config.periods, key=lambda p: (p.start, p.end))
    if ref is None:
        return [p.id for p in periods]
    return [p.id for p in periods if cadence(p) == cadence(ref)]


def earlier_periods(config: Any, period: str) -> list[str]:
    """The periods of ``period``'s cadence that start before it, in time order (for trends).

    Parameters
    ----------
    config : ClientConfig
        Anything with ``periods`` and ``current_period`` (see :func:`ordered`).
    period : str
        The period id; an unknown one has no earlier periods.

    Returns
    -------
    list of str

    Examples
    --------
    >>> import datetime as dt
    >>> from types import SimpleNamespace as P
    >>> cfg = P(client_id="c", current_period="B", periods=(
    ...     P(id="B", start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)),
    ...     P(id="A", start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))))
    >>> earlier_periods(cfg, "B"), earlier_periods(cfg, "A")
    (['A'], [])
    """
    seq = ordered(config, period)
    return seq[:seq.index(period)] if period in seq else []
