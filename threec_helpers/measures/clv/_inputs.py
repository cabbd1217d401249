"""Input checks shared by the CLV modules (private to :mod:`threec_helpers.measures.clv`).

Transaction tables (frame, columns, dates, amounts, customer ids, end dates, periods) and the
model inputs (``frequency, recency, T`` arrays, results wrapped back into Series).
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
import pandas as pd

from ...errors import ParameterError

NS_PER_DAY = 86_400 * 10**9


# --------------------------------------------------------------------------------------
# transaction tables
# --------------------------------------------------------------------------------------


def require_frame(df: Any, name: str = "transactions") -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise ParameterError(key="clv.error.not_frame", name=name, type=type(df).__name__)
    return df


def require_columns(df: pd.DataFrame, columns: dict[str, str | None], name: str = "transactions") -> None:
    for arg, col in columns.items():
        if col is None:
            continue
        if col not in df.columns:
            raise ParameterError(key="clv.error.no_column", arg=arg, column=repr(col), name=name,
                                 columns=", ".join(map(str, df.columns)))


def datetime_values(series: pd.Series, column: str, date_format: str | None = None) -> np.ndarray:
    """Return ``series`` as a numpy ``datetime64[ns]`` array (naive), or raise ParameterError."""
    s = series
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_localize(None)
    elif not pd.api.types.is_datetime64_dtype(s.dtype):
        if pd.api.types.is_numeric_dtype(s.dtype) and date_format is None:
            raise ParameterError(key="clv.error.dates_are_numbers", column=repr(column))
        if pd.api.types.is_numeric_dtype(s.dtype):
            s = s.astype("Int64").astype("string")
        try:
            s = pd.to_datetime(s, format=date_format)
        except (ValueError, TypeError, OverflowError) as exc:
            raise ParameterError(key="clv.error.not_dates", column=repr(column), detail=exc) from None
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            s = s.dt.tz_localize(None)
    values = s.to_numpy(dtype="datetime64[ns]")
    if np.isnat(values).any():
        n = int(np.isnat(values).sum())
        raise ParameterError(key="clv.error.missing_dates", column=repr(column), n=f"{n:,}")
    return values


def timestamp(value: Any, name: str, date_format: str | None = None) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value) if date_format is None else pd.to_datetime(str(value), format=date_format)
    except (ValueError, TypeError) as exc:
        raise ParameterError(key="clv.error.not_a_date_detail", name=name, value=repr(value), detail=exc) from None
    if ts is pd.NaT or pd.isna(ts):
        raise ParameterError(key="clv.error.not_a_date", name=name, value=repr(value))
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts


def cutoff_ns(ts: pd.Timestamp) -> int:
    """Last included instant (ns) for an end date: a date at midnight includes the whole day."""
    ns = int(ts.as_unit("ns").value)
    if ts == ts.normalize():
        return ns + NS_PER_DAY - 1
    return ns


def period_ordinals(ns: np.ndarray, freq: str) -> np.ndarray:
    """Integer period numbers of ``datetime64[ns]`` values for a pandas-style ``freq``.

    Periods follow pandas' ``to_period(freq)`` (weeks end on Sunday, as ``"W"`` = ``"W-SUN"``);
    only differences between ordinals are used.
    """
    f = freq.upper() if freq not in ("h", "min", "s", "ms") else freq
    if f == "D":
        return ns.astype("datetime64[D]").astype(np.int64)
    if f in ("W", "W-SUN"):
        days = ns.astype("datetime64[D]").astype(np.int64)
        return np.floor_divide(days + 3, 7)  # 1970-01-01 is a Thursday; weeks run Monday-Sunday
    if f in ("M", "ME", "MS"):
        return ns.astype("datetime64[M]").astype(np.int64)
    if f in ("Q", "QE", "QS"):
        return np.floor_divide(ns.astype("datetime64[M]").astype(np.int64), 3)
    if f in ("Y", "YE", "YS", "A"):
        return ns.astype("datetime64[Y]").astype(np.int64)
    if f in ("H", "h"):
        return ns.astype("datetime64[h]").astype(np.int64)
    try:
        return pd.DatetimeIndex(ns).to_period(freq).asi8.astype(np.int64)
    except (ValueError, TypeError) as exc:
        raise ParameterError(key="clv.error.freq", freq=repr(freq), detail=exc) from None


def amount_values(series: pd.Series, column: str) -> np.ndarray:
    if not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        raise ParameterError(key="clv.error.amount_dtype", column=repr(column), dtype=series.dtype)
    values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(values)
    if bad.any():
        raise ParameterError(key="clv.error.amount_missing", column=repr(column), n=f"{int(bad.sum()):,}")
    if (values < 0).any():
        raise ParameterError(key="clv.error.amount_negative", column=repr(column), n=f"{int((values < 0).sum()):,}")
    return values


def customer_codes(series: pd.Series, column: str) -> tuple[np.ndarray, pd.Index]:
    if series.isna().any():
        raise ParameterError(key="clv.error.missing_ids", column=repr(column), n=f"{int(series.isna().sum()):,}")
    codes, uniques = pd.factorize(series, sort=False)
    return codes.astype(np.int64, copy=False), pd.Index(uniques, name=column)


def check_positive(value: Any, name: str, *, allow_zero: bool = False) -> float:
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not math.isfinite(value):
        raise ParameterError(key="clv.error.not_finite", name=name, value=repr(value))
    if value < 0 or (value == 0 and not allow_zero):
        raise ParameterError(key="clv.error.not_positive", name=name, bound=('>= 0' if allow_zero else '> 0'),
                             value=repr(value))
    return float(value)



# --------------------------------------------------------------------------------------
# model inputs and outputs
# --------------------------------------------------------------------------------------


def as_float_array(x: Any, name: str) -> np.ndarray:
    try:
        arr = np.asarray(x.to_numpy(dtype=np.float64) if isinstance(x, (pd.Series, pd.Index)) else x,
                         dtype=np.float64)
    except (TypeError, ValueError):
        raise ParameterError(key="clv.error.array_numbers", name=name) from None
    if arr.ndim > 1:
        raise ParameterError(key="clv.error.array_1d", name=name)
    if not np.all(np.isfinite(arr)):
        raise ParameterError(key="clv.error.array_finite", name=name)
    return arr


def check_rft(frequency, recency, T, *, fit: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = as_float_array(frequency, "frequency")
    tx = as_float_array(recency, "recency")
    T_ = as_float_array(T, "T")
    try:
        x, tx, T_ = np.broadcast_arrays(x, tx, T_)
    except ValueError:
        raise ParameterError(key="clv.error.rft_length") from None
    if np.any(x < 0):
        raise ParameterError(key="clv.error.frequency_negative")
    if np.any(tx < 0) or np.any(T_ < 0):
        raise ParameterError(key="clv.error.recency_negative")
    if np.any(tx > T_ * (1 + 1e-12) + 1e-12):
        raise ParameterError(key="clv.error.recency_above_T")
    if fit and np.any((x == 0) & (tx != 0)):
        raise ParameterError(key="clv.error.recency_without_repeat")
    return x, tx, T_


def wrap(result: np.ndarray, *inputs: Any, name: str | None = None) -> Any:
    """Return a Series if any input is a Series (with its index), a float for scalars."""
    for arg in inputs:
        if isinstance(arg, pd.Series) and result.shape == (len(arg),):
            return pd.Series(result, index=arg.index, name=name)
    if np.ndim(result) == 0:
        return float(result)
    return result
