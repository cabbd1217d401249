"""Fast array helpers shared by the readers and the measures (Arrow hash kernels, sorting)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def fast_isin(values: pd.Series, keys: pd.Series) -> np.ndarray:
    """``values.isin(keys)`` as a bool array, through Arrow's hash kernel.

    pandas' ``isin`` on Arrow-backed strings goes through Python objects; on 10,000,000
    customer ids this is several times faster. Falls back to pandas for types Arrow cannot
    compare.

    Parameters
    ----------
    values : Series
        The values to look up (missing values are never in ``keys``).
    keys : Series
        The set to look them up in; its missing values are ignored.

    Returns
    -------
    numpy.ndarray of bool
        One flag per value.

    See Also
    --------
    sorted_unique : the other fast array helper.

    Examples
    --------
    >>> fast_isin(pd.Series(["a", "b", None]), pd.Series(["b"])).tolist()
    [False, True, False]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        arr = pa.array(values, from_pandas=True)
        key_arr = pa.array(keys.dropna().unique(), from_pandas=True).cast(arr.type)
        return pc.is_in(arr, value_set=key_arr).to_numpy(zero_copy_only=False).astype(bool)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return values.isin(keys).to_numpy()


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` for a 1-D integer array, by sorting.

    NumPy 2.3+ answers a plain ``np.unique`` on integers through a hash table, which on
    10,000,000 int64 values took 12-17 s here against 0.25 s for sort-and-compare (and for
    ``np.unique(..., return_counts=True)``, which still sorts). The cohort tables call this
    on every (customer, period) pair of a client's transactions.

    Parameters
    ----------
    values : numpy.ndarray
        Integer values (flattened if not 1-D).

    Returns
    -------
    numpy.ndarray
        The distinct values, ascending.

    Examples
    --------
    >>> sorted_unique(np.array([3, 1, 3, 2, 1])).tolist()
    [1, 2, 3]
    """
    s = np.sort(np.asarray(values).ravel())
    if len(s) < 2:
        return s
    keep = np.empty(len(s), dtype=bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]
