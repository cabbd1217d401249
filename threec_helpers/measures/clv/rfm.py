"""The RFM summary the probabilistic models are fitted on: frequency, recency, age ``T`` and
monetary value per customer, as in ``lifetimes``, with an optional hold-out period.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...errors import ParameterError
from ._inputs import (amount_values, check_positive, customer_codes, cutoff_ns, datetime_values, period_ordinals,
                      require_columns, require_frame, timestamp)

__all__ = ["rfm_summary"]


def _period_stats(codes: np.ndarray, per: np.ndarray, amounts: np.ndarray | None, n_cust: int):
    """Per customer code: first/last period, number of distinct periods, amount of the first
    period and total amount (amounts summed within a period).

    Vectorised without an argsort (the slow part of a groupby): ``ufunc.at`` for first/last
    period, ``bincount`` for sums and one ``np.sort`` of the (customer, period) keys to count
    distinct periods.
    """
    first = np.full(n_cust, np.iinfo(np.int64).max, dtype=np.int64)
    lastp = np.full(n_cust, np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(first, codes, per)
    np.maximum.at(lastp, codes, per)
    pmin = int(per.min())
    span = int(per.max()) - pmin + 1
    if n_cust * span < 2**62:
        ks = np.sort(codes * span + (per - pmin))
        brk = np.empty(len(ks), dtype=bool)
        brk[0] = True
        np.not_equal(ks[1:], ks[:-1], out=brk[1:])
        ucust = ks[brk] // span
        del ks, brk
    else:  # pragma: no cover - astronomically many customers x periods
        pairs = pd.DataFrame({"c": codes, "p": per}).drop_duplicates()
        ucust = pairs["c"].to_numpy()
    n_periods = np.bincount(ucust, minlength=n_cust)
    first_amt = total = None
    if amounts is not None:
        total = np.bincount(codes, weights=amounts, minlength=n_cust)
        in_first = per == first[codes]
        first_amt = np.bincount(codes[in_first], weights=amounts[in_first], minlength=n_cust)
    return first, lastp, n_periods, first_amt, total


def rfm_summary(
    transactions: pd.DataFrame,
    customer_col: str,
    date_col: str,
    amount_col: str | None = None,
    calibration_end: Any = None,
    observation_end: Any = None,
    freq: str = "W",
    *,
    freq_multiplier: float = 1,
    date_format: str | None = None,
) -> pd.DataFrame:
    """Frequency, recency, age and monetary value per customer, as in ``lifetimes``.

    Transactions are floored to periods of ``freq`` and purchases in the same period are
    merged (their amounts summed). For each customer:

    - ``frequency``: number of **repeat** purchase periods (periods with a purchase, minus 1);
    - ``recency``: time from the first to the last purchase period;
    - ``T``: time from the first purchase period to the end period (``calibration_end``,
      else ``observation_end``, else the last date in the data);
    - ``monetary_value``: mean amount of the repeat purchase periods (the first purchase is
      excluded), 0 for customers without a repeat purchase.

    Times are in periods of ``freq`` divided by ``freq_multiplier``: ``freq="W"`` counts
    calendar weeks (Monday-Sunday, as pandas' ``"W"``); ``freq="D", freq_multiplier=7``
    gives exact weeks (days / 7), the convention of Fader, Hardie & Lee.

    With ``calibration_end`` the summary covers the calibration period only (customers whose
    first purchase is after it are left out) and three hold-out columns are added for the
    transactions in ``(calibration_end, observation_end]``: ``frequency_holdout`` (purchase
    periods), ``monetary_value_holdout`` (mean amount per purchase period, 0 if none) and
    ``duration_holdout``. Unlike ``lifetimes`` the calibration columns keep their plain names
    so the frame can be passed to the fitters directly.

    End dates are inclusive: a date without a time includes that whole day.

    Parameters
    ----------
    transactions : DataFrame
        One row per transaction.
    customer_col, date_col : str
        Customer id and transaction date columns.
    amount_col : str, optional
        Transaction value column (needed for ``monetary_value``); amounts must be >= 0.
    calibration_end : date-like, optional
        End of the calibration period.
    observation_end : date-like, optional
        End of the observation (hold-out) period; later transactions are ignored.
        Default: the last date in the data.
    freq : str, default "W"
        Period length: ``"D"``, ``"W"``, ``"M"``, ``"Q"``, ``"Y"``, ``"h"`` or any pandas
        period alias.
    freq_multiplier : float, default 1
        Divide recency, T and duration by this (e.g. ``freq="D", freq_multiplier=7``).
    date_format : str, optional
        ``strftime`` format of ``date_col`` (e.g. ``"%Y%m%d"``) if pandas cannot guess it.

    Returns
    -------
    DataFrame
        Indexed by customer id (sorted), float columns ``frequency, recency, T``
        [``, monetary_value``] [``, frequency_holdout[, monetary_value_holdout], duration_holdout``].

    Raises
    ------
    ParameterError
        Missing columns, unparseable dates, missing or negative amounts, an end date before
        every transaction, ``observation_end`` before ``calibration_end``.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer": ["a", "a", "a", "b"],
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-15",
    ...                                            "2024-01-08"]),
    ...                    "amount": [10.0, 5.0, 20.0, 7.0]})
    >>> rfm_summary(tx, "customer", "date", "amount", observation_end="2024-01-28", freq="W")
    ... # doctest: +NORMALIZE_WHITESPACE
              frequency  recency    T  monetary_value
    customer
    a               1.0      2.0  3.0            20.0
    b               0.0      0.0  2.0             0.0
    """
    require_frame(transactions)
    require_columns(transactions, {"customer_col": customer_col, "date_col": date_col,
                                    "amount_col": amount_col})
    if not isinstance(freq, str):
        raise ParameterError(key="clv.error.rfm_freq", value=repr(freq))
    mult = check_positive(freq_multiplier, "freq_multiplier")
    if len(transactions) == 0:
        raise ParameterError(key="clv.error.no_transactions")

    dates = datetime_values(transactions[date_col], date_col, date_format)
    ns = dates.view(np.int64)
    amounts = amount_values(transactions[amount_col], amount_col) if amount_col is not None else None
    codes, uniques = customer_codes(transactions[customer_col], customer_col)
    first_date = pd.Timestamp(dates.min())

    obs = timestamp(observation_end, "observation_end") if observation_end is not None else None
    cal = timestamp(calibration_end, "calibration_end") if calibration_end is not None else None
    if obs is not None and cutoff_ns(obs) < ns.min():
        raise ParameterError(key="clv.error.observation_too_early", end=obs.date(), first=first_date.date())
    if cal is not None:
        if cutoff_ns(cal) < ns.min():
            raise ParameterError(key="clv.error.calibration_too_early", end=cal.date(), first=first_date.date())
        if obs is not None and obs < cal:
            raise ParameterError(key="clv.error.observation_before_calibration", obs=obs.date(), cal=cal.date())
    obs_ns = cutoff_ns(obs) if obs is not None else int(ns.max())
    end_ts = cal if cal is not None else (obs if obs is not None else pd.Timestamp(dates.max()))
    end_ns = cutoff_ns(cal) if cal is not None else obs_ns

    per = period_ordinals(dates, freq)
    end_per = int(period_ordinals(np.array([end_ts.as_unit("ns").asm8], dtype="datetime64[ns]"), freq)[0])

    in_cal = ns <= end_ns
    all_in = bool(in_cal.all())
    c_codes = codes if all_in else codes[in_cal]
    c_per = per if all_in else per[in_cal]
    c_amt = amounts if (amounts is None or all_in) else amounts[in_cal]
    n_cust = len(uniques)
    first, lastp, n_periods, first_amt, total = _period_stats(c_codes, c_per, c_amt, n_cust)

    present = n_periods > 0
    freq_rep = (n_periods - 1).astype(np.float64)
    out = {
        "frequency": freq_rep,
        "recency": (lastp - first) / mult,
        "T": (end_per - first) / mult,
    }
    if amounts is not None:
        with np.errstate(invalid="ignore", divide="ignore"):
            mv = np.where(n_periods > 1, (total - first_amt) / np.maximum(n_periods - 1, 1), 0.0)
        out["monetary_value"] = mv

    if cal is not None:
        hold = (ns > end_ns) & (ns <= obs_ns)
        obs_ts = obs if obs is not None else pd.Timestamp(dates.max())
        obs_per = int(period_ordinals(np.array([obs_ts.as_unit("ns").asm8], dtype="datetime64[ns]"), freq)[0])
        if hold.any():
            _, _, h_n, _, h_total = _period_stats(codes[hold], per[hold],
                                                  amounts[hold] if amounts is not None else None, n_cust)
        else:
            h_n, h_total = np.zeros(n_cust, dtype=np.int64), np.zeros(n_cust)
        out["frequency_holdout"] = h_n.astype(np.float64)
        if amounts is not None:
            with np.errstate(invalid="ignore", divide="ignore"):
                out["monetary_value_holdout"] = np.where(h_n > 0, h_total / np.maximum(h_n, 1), 0.0)
        out["duration_holdout"] = np.full(n_cust, (obs_per - end_per) / mult)

    frame = pd.DataFrame({k: np.asarray(v, dtype=np.float64)[present] for k, v in out.items()},
                         index=uniques[present])
    frame.index.name = customer_col
    try:
        frame = frame.sort_index()
    except TypeError:  # mixed, unorderable ids: keep order of first appearance
        pass
    return frame
