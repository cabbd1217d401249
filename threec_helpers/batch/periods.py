"""Period selectors of a batch file's ``periods:`` and of ``threec run --period``.

A selector is one of:

- a period id of the client's ``client.yaml`` (``FY2026``, ``2026-10``);
- ``current`` / ``previous``: the client's ``current_period`` / ``previous_period``;
- ``all``: every period of the client with the cadence of its current period;
- ``last N``: the N periods of that cadence that end with the current period;
- a range ``FROM..TO`` (``2026-01..2026-10``): the periods from FROM to TO inclusive, of
  FROM's cadence, in time order.

The *cadence* of a period is its length in whole months (1 a month, 3 a quarter, 6 a half
year, 12 a fiscal year), so a client that defines months and half years (the demo
hospital's ``2025H2``) gets only months from ``all`` or ``2026-01..2026-10``. Periods are
ordered by their start date, never by their names. The syntax of a selector is checked
when the batch file is read (:func:`check_selector`); whether its ids exist, per client
when the batch is planned (:func:`resolve_periods`); both errors are bilingual and say
what to write instead.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import InputError
from ..inputs.periods import cadence, earlier_periods, ordered  # noqa: F401  (importable from here too)

_LAST = re.compile(r"^last[\s_-]*(\d+)$", re.IGNORECASE)
RANGE_SEP = ".."


def check_selector(selector: str) -> str:
    """``selector`` stripped, or :class:`InputError` when its syntax is wrong (ids are checked later).

    Parameters
    ----------
    selector : str
        A period id, ``current``, ``previous``, ``all``, ``last N`` or ``FROM..TO``.

    Returns
    -------
    str

    Raises
    ------
    InputError
        Empty, ``last`` without a whole number of at least 1, or a range without both ends.

    Examples
    --------
    >>> check_selector(" last 3 "), check_selector("2026-01..2026-10")
    ('last 3', '2026-01..2026-10')
    >>> check_selector("last 0")
    Traceback (most recent call last):
    ...
    threec_helpers.errors.InputError: Period selector 'last 0': 'last N' needs a whole number N of at least 1, e.g. 'last 12'.
    """
    text = str(selector).strip()
    if not text:
        raise InputError(key="periods.error.empty")
    m = _LAST.match(text)
    if text.lower().startswith("last") and (m is None or int(m.group(1)) < 1):
        raise InputError(key="periods.error.last", selector=text)
    if RANGE_SEP in text:
        parts = text.split(RANGE_SEP)
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise InputError(key="periods.error.range_syntax", selector=text)
    return text


def _known(config: Any, pid: str, selector: str) -> None:
    if pid not in {p.id for p in config.periods}:
        raise InputError(key="periods.error.range_unknown", client=config.client_id, selector=selector, period=pid,
                         known=", ".join(ordered(config)))


def resolve_periods(wanted: list[str], config: Any) -> list[str]:
    """The period ids the selectors ``wanted`` stand for, for one client (duplicates dropped, order kept).

    Parameters
    ----------
    wanted : list of str
        Selectors (:func:`check_selector`).
    config : ClientConfig
        The client's ``client.yaml``.

    Returns
    -------
    list of str

    Raises
    ------
    InputError
        A selector's syntax is wrong, an id is unknown (:class:`~threec_helpers.errors.ClientConfigError`),
        a range runs backwards or joins periods of different lengths.

    Examples
    --------
    >>> import datetime as dt
    >>> from types import SimpleNamespace as P
    >>> cfg = P(client_id="c", current_period="2026-03", previous_period="2026-02", periods=[
    ...     P(id=f"2026-0{m}", start=dt.date(2026, m, 1), end=dt.date(2026, m, 28)) for m in (1, 2, 3)])
    >>> resolve_periods(["last 2", "current"], cfg), resolve_periods(["2026-01..2026-02", "previous"], cfg)
    (['2026-02', '2026-03'], ['2026-01', '2026-02'])
    """
    out: list[str] = []
    for raw in wanted:
        sel = check_selector(raw)
        low = sel.lower()
        m = _LAST.match(sel)
        if low == "current":
            out.append(config.current_period)
        elif low == "previous":
            if config.previous_period:
                out.append(config.previous_period)
        elif low == "all":
            out += ordered(config)
        elif m is not None:
            seq = ordered(config)
            end = seq.index(config.current_period) + 1 if config.current_period in seq else len(seq)
            out += seq[max(0, end - int(m.group(1))):end]
        elif RANGE_SEP in sel:
            first, last = (s.strip() for s in sel.split(RANGE_SEP))
            _known(config, first, sel)
            _known(config, last, sel)
            seq = ordered(config, first)
            if last not in seq:
                raise InputError(key="periods.error.range_cadence", client=config.client_id, selector=sel,
                                 first=first, last=last)
            i, j = seq.index(first), seq.index(last)
            if j < i:
                raise InputError(key="periods.error.range_backwards", client=config.client_id, selector=sel,
                                 first=first, last=last)
            out += seq[i:j + 1]
        else:
            config.period(sel)  # ClientConfigError naming the known periods
            out.append(sel)
    return list(dict.fromkeys(out))
