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
        raise ParameterError(f"{name} must be a pandas DataFrame, not {type(df).__name__}")
    return df


def require_columns(df: pd.DataFrame, columns: dict[str, str | None], name: str = "transactions") -> None:
    for arg, col in columns.items():
        if col is None:
            continue
        if col not in df.columns:
            raise ParameterError(
                f"{arg}={col!r} is not a column of {name}; columns are: "
                + ", ".join(map(str, df.columns))
            )


def datetime_values(series: pd.Series, column: str, date_format: str | None = None) -> np.ndarray:
    """Return ``series`` as a numpy ``datetime64[ns]`` array (naive), or raise ParameterError."""
    s = series
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_localize(None)
    elif not pd.api.types.is_datetime64_dtype(s.dtype):
        if pd.api.types.is_numeric_dtype(s.dtype) and date_format is None:
            raise ParameterError(
                f"column {column!r} holds numbers, not dates; convert it first or pass "
                f"date_format (e.g. date_format='%Y%m%d' for 19970101)"
            )
        if pd.api.types.is_numeric_dtype(s.dtype):
            s = s.astype("Int64").astype("string")
        try:
            s = pd.to_datetime(s, format=date_format)
        except (ValueError, TypeError, OverflowError) as exc:
            raise ParameterError(
                f"column {column!r} has values that are not dates ({exc}); fix them or pass date_format"
            ) from None
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            s = s.dt.tz_localize(None)
    values = s.to_numpy(dtype="datetime64[ns]")
    if np.isnat(values).any():
        n = int(np.isnat(values).sum())
        raise ParameterError(f"column {column!r} has {n:,} missing or unparseable dates; drop or fix them")
    return values


def timestamp(value: Any, name: str, date_format: str | None = None) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value) if date_format is None else pd.to_datetime(str(value), format=date_format)
    except (ValueError, TypeError) as exc:
        raise ParameterError(f"{name}={value!r} is not a date ({exc})") from None
    if ts is pd.NaT or pd.isna(ts):
        raise ParameterError(f"{name}={value!r} is not a date")
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
        raise ParameterError(f"freq={freq!r} is not a period frequency pandas understands ({exc})") from None


def amount_values(series: pd.Series, column: str) -> np.ndarray:
    if not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        raise ParameterError(f"column {column!r} must hold numbers (amounts), not {series.dtype}")
    values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(values)
    if bad.any():
        raise ParameterError(
            f"column {column!r} has {int(bad.sum()):,} missing or infinite amounts; drop or fix them"
        )
    if (values < 0).any():
        raise ParameterError(
            f"column {column!r} has {int((values < 0).sum()):,} negative amounts; net refunds and "
            f"returns against their orders (or drop them) before computing customer value"
        )
    return values


def customer_codes(series: pd.Series, column: str) -> tuple[np.ndarray, pd.Index]:
    if series.isna().any():
        raise ParameterError(f"column {column!r} has {int(series.isna().sum()):,} missing customer ids")
    codes, uniques = pd.factorize(series, sort=False)
    return codes.astype(np.int64, copy=False), pd.Index(uniques, name=column)


def check_positive(value: Any, name: str, *, allow_zero: bool = False) -> float:
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not math.isfinite(value):
        raise ParameterError(f"{name} must be a finite number, not {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        raise ParameterError(f"{name} must be {'>= 0' if allow_zero else '> 0'}, not {value!r}")
    return float(value)



# --------------------------------------------------------------------------------------
# model inputs and outputs
# --------------------------------------------------------------------------------------


def as_float_array(x: Any, name: str) -> np.ndarray:
    try:
        arr = np.asarray(x.to_numpy(dtype=np.float64) if isinstance(x, (pd.Series, pd.Index)) else x,
                         dtype=np.float64)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be numbers") from None
    if arr.ndim > 1:
        raise ParameterError(f"{name} must be one-dimensional")
    if not np.all(np.isfinite(arr)):
        raise ParameterError(f"{name} has missing or infinite values")
    return arr


def check_rft(frequency, recency, T, *, fit: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = as_float_array(frequency, "frequency")
    tx = as_float_array(recency, "recency")
    T_ = as_float_array(T, "T")
    try:
        x, tx, T_ = np.broadcast_arrays(x, tx, T_)
    except ValueError:
        raise ParameterError("frequency, recency and T must have the same length") from None
    if np.any(x < 0):
        raise ParameterError("frequency must be >= 0 (it counts repeat purchase periods)")
    if np.any(tx < 0) or np.any(T_ < 0):
        raise ParameterError("recency and T must be >= 0")
    if np.any(tx > T_ * (1 + 1e-12) + 1e-12):
        raise ParameterError("recency must not exceed T (recency is measured inside the period of age T)")
    if fit and np.any((x == 0) & (tx != 0)):
        raise ParameterError("recency must be 0 for customers with frequency 0 (lifetimes convention)")
    return x, tx, T_


def wrap(result: np.ndarray, *inputs: Any, name: str | None = None) -> Any:
    """Return a Series if any input is a Series (with its index), a float for scalars."""
    for arg in inputs:
        if isinstance(arg, pd.Series) and result.shape == (len(arg),):
            return pd.Series(result, index=arg.index, name=name)
    if np.ndim(result) == 0:
        return float(result)
    return result
