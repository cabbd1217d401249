"""Large synthetic 3C clients for benchmarks (``threec generate --customers N --transactions M``).

Everything is vectorised numpy/pyarrow: 1,000,000 customers and 10,000,000 transactions
take a few seconds and about 2 GB of memory. The tables follow the data contract and the
loader's dtypes (dates ``datetime64[ns]``, numbers ``float64``, text ``str``, booleans
nullable ``boolean``).

The model (the same fiscal years as demo_manufacturer, FY2024..FY2026 ending 2026-10-31):

- 10% suspects and 6% prospects (never bought); the other customers bought at least once.
- About a fifth of buyers are inactive: all their purchases are before the last 12 months;
  every active buyer has at least one purchase in the last 12 months (FY2026).
- Customer size is lognormal (sigma 1.5): a heavy tail. Purchases are spread over buyers
  by a multinomial draw weighted by size^0.6 x a satisfaction factor, on top of one
  purchase each, so the total is exactly ``n_transactions``. Order amounts are lognormal
  around a size-dependent mean.
- Cost-to-serve per customer and fiscal year (account management + per-order logistics;
  4% demanding customers cost three times as much), so a few % lose money.
- Two survey waves (2025-05, 2026-05) for a 2% sample of buyers; satisfaction, recommend,
  preferred supplier and share of need follow a latent satisfaction that also drives
  purchase frequency and churn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..errors import ParameterError
from ..storage import atomic_target
from ._write import write_yaml
from .manufacturer import FISCAL_YEARS, PRODUCTS, REGIONS, SEGMENTS, TARGETS

WINDOW_START = dt.date(2023, 11, 1)
WINDOW_END = dt.date(2026, 10, 31)
CUTOFF = dt.date(2025, 11, 1)
SUSPECT_SHARE = 0.10
PROSPECT_SHARE = 0.06
WAVES = (("2025-05", dt.date(2025, 5, 6)), ("2026-05", dt.date(2026, 5, 6)))

#: progress callback: (what, done, total)
Progress = Callable[[str, int, int], None]


def _str(arr: pa.Array | np.ndarray | list) -> pd.arrays.ArrowStringArray:
    """A pandas ``str`` array from an arrow/numpy array without a Python loop."""
    if not isinstance(arr, (pa.Array, pa.ChunkedArray)):
        arr = pa.array(arr, type=pa.string())
    if pa.types.is_dictionary(arr.type):
        arr = arr.cast(pa.string())
    return pd.array(arr, dtype="str")


def _ids(prefix: str, n: int, width: int) -> pa.Array:
    """``prefix`` + zero-padded 1..n, built in Arrow (fast for millions)."""
    digits = pc.utf8_lpad(pc.cast(pa.array(np.arange(1, n + 1, dtype=np.int64)), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, digits, "")


def _dates(days: np.ndarray) -> np.ndarray:
    return (np.datetime64(WINDOW_START, "D") + days.astype("timedelta64[D]")).astype("datetime64[ns]")


def _check(n_customers: int, n_transactions: int) -> None:
    for name, value, lo in (("n_customers", n_customers, 1), ("n_transactions", n_transactions, 0)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < lo:
            raise ParameterError(key="generate.error.size", name=name, lo=lo, value=repr(value))


def large_client_tables(n_customers: int, n_transactions: int, seed: int = 0) -> dict[str, pd.DataFrame]:
    """In-memory synthetic 3C tables of any size, for benchmarks.

    Parameters
    ----------
    n_customers : int
        Rows of ``customers`` (buyers, prospects and suspects together), >= 1.
    n_transactions : int
        Rows of ``transactions`` (exactly), >= 0. When it is smaller than the number of
        would-be buyers, only that many customers buy (one purchase each) and the rest
        become prospects.
    seed : int
        Seed of the random stream; the same arguments give the same tables.

    Returns
    -------
    dict of str to DataFrame
        ``customers``, ``transactions``, ``cost_to_serve``, ``surveys`` with the data
        contract's canonical columns and the loader's dtypes.

    Examples
    --------
    >>> t = large_client_tables(1000, 10000, seed=1)
    >>> len(t["customers"]), len(t["transactions"])
    (1000, 10000)
    >>> sorted(t["customers"]["status"].unique())
    ['active', 'inactive', 'prospect', 'suspect']
    """
    _check(n_customers, n_transactions)
    rng = np.random.default_rng(seed)
    n_days = (WINDOW_END - WINDOW_START).days + 1
    cutoff = (CUTOFF - WINDOW_START).days
    n = int(n_customers)

    # ---- who is what --------------------------------------------------------------------------------
    kind = rng.random(n)
    is_suspect = kind < SUSPECT_SHARE
    is_prospect = (kind >= SUSPECT_SHARE) & (kind < SUSPECT_SHARE + PROSPECT_SHARE)
    buyer = ~(is_suspect | is_prospect)
    buyers = np.flatnonzero(buyer)
    if len(buyers) > n_transactions:  # not enough transactions: fewer buyers
        demoted = buyers[n_transactions:]
        is_prospect[demoted] = True
        buyers = buyers[:n_transactions]
    nb = len(buyers)
    z = rng.standard_normal(n).astype(np.float32)  # latent satisfaction
    size = rng.lognormal(0.0, 1.5, n).astype(np.float32)
    zb, sb = z[buyers], size[buyers]
    inactive = rng.random(nb) < 1.0 / (1.0 + np.exp(1.45 + 0.8 * zb))  # ~22%, more among the dissatisfied
    pre = rng.random(nb) < 0.7  # customers before the window
    lo = np.where(pre, 0, np.where(inactive, rng.integers(0, max(cutoff - 60, 1), nb),
                                   rng.integers(0, n_days - 30, nb))).astype(np.int32)
    hi = np.where(inactive, lo + (rng.random(nb) * (cutoff - lo)).astype(np.int32), n_days - 1).astype(np.int32)
    hi = np.maximum(hi, lo)

    # ---- purchases per buyer: one each + a multinomial share of the rest ---------------------------------
    w = sb.astype(np.float64) ** 0.6 * np.exp(0.25 * zb) * (hi - lo + 1) / n_days
    counts = np.ones(nb, dtype=np.int64)
    extra = int(n_transactions) - nb
    if extra > 0 and nb > 0:
        counts += rng.multinomial(extra, w / w.sum())
    m = int(counts.sum())
    row_b = np.repeat(np.arange(nb, dtype=np.int32), counts)
    lo_r, hi_r = lo[row_b], hi[row_b]
    day = lo_r + (rng.random(m, dtype=np.float32) * (hi_r - lo_r + 1)).astype(np.int32)
    day = np.minimum(day, hi_r)
    first_pos = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    # an active buyer's first row falls in the last 12 months (it bought recently)
    act_first = first_pos[~inactive]
    a_lo = np.maximum(lo[~inactive], cutoff)
    day[act_first] = a_lo + (rng.random(len(act_first)) * (n_days - a_lo)).astype(np.int32)
    del lo_r, hi_r

    mean_amount = (900.0 * sb ** 0.6).astype(np.float32)
    amount = np.round(mean_amount[row_b].astype(np.float64) * rng.lognormal(-0.18, 0.6, m), 2)
    amount = np.maximum(amount, 1.0)
    prices = np.array([p[1] for p in PRODUCTS])
    margins = np.array([p[2] for p in PRODUCTS])
    prod = rng.integers(0, len(PRODUCTS), m, dtype=np.int8)
    cost = np.round(amount * (1.0 - margins[prod]) * rng.uniform(0.95, 1.05, m), 2)
    qty = np.maximum(1.0, np.round(amount / prices[prod]))

    # ---- first purchase dates and status -------------------------------------------------------------------
    first_day = np.minimum.reduceat(day, first_pos) if nb else np.zeros(0, np.int32)
    back = np.ceil(rng.exponential(4.0 * 365.25, nb)).astype(np.int64) + 1
    first_purchase = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    first_purchase[buyers] = np.where(pre, _dates(-back), _dates(first_day))
    status = np.where(is_suspect, 3, np.where(is_prospect, 2, 0)).astype(np.int8)
    status[buyers[inactive]] = 1
    yearly = np.zeros(n)
    yearly[buyers] = np.bincount(row_b, weights=amount, minlength=nb) / np.maximum((hi - lo + 1) / 365.0, 0.25)
    share = 1.0 / (1.0 + np.exp(-(-0.4 + 0.9 * z)))
    potential = np.where(buyer & (status <= 1), np.round(yearly / share, -2),
                         np.round(rng.lognormal(np.log(30000), 1.0, n), -2))
    potential[is_suspect & (rng.random(n) < 0.6)] = np.nan

    cust_ids = _ids("C", n, max(7, len(str(n))))
    customers = pd.DataFrame({
        "customer_id": _str(cust_ids),
        "name": _str(_ids("Customer ", n, max(7, len(str(n))))),
        "status": _str(pa.DictionaryArray.from_arrays(pa.array(status),
                                                      pa.array(["active", "inactive", "prospect", "suspect"]))),
        "segment": _str(pa.DictionaryArray.from_arrays(
            pa.array(rng.choice(len(SEGMENTS), n, p=[0.35, 0.30, 0.15, 0.12, 0.08]).astype(np.int8)),
            pa.array(SEGMENTS))),
        "region": _str(pa.DictionaryArray.from_arrays(
            pa.array(rng.choice(len(REGIONS), n, p=[0.35, 0.25, 0.18, 0.12, 0.10]).astype(np.int8)),
            pa.array(REGIONS))),
        "first_purchase": first_purchase,
        "potential_revenue": potential,
    })

    # ---- transactions, in date order ------------------------------------------------------------------
    order = np.argsort(day, kind="stable")
    cust_row = buyers[row_b[order]]
    transactions = pd.DataFrame({
        "transaction_id": _str(_ids("T", m, max(9, len(str(m))))),
        "date": _dates(day[order]),
        "customer_id": _str(cust_ids.take(pa.array(cust_row))),
        "amount": amount[order],
        "cost": cost[order],
        "quantity": qty[order],
        "product": _str(pa.DictionaryArray.from_arrays(pa.array(prod[order]), pa.array([p[0] for p in PRODUCTS]))),
    })
    del order, cust_row

    # ---- cost to serve per buyer and fiscal year ---------------------------------------------------------
    fy_start = np.array([(s - WINDOW_START).days for _, s, _ in FISCAL_YEARS])
    fy = (np.searchsorted(fy_start, day, side="right") - 1).astype(np.int64)
    key = row_b.astype(np.int64) * 3 + fy
    orders = np.bincount(key, minlength=3 * nb)
    revenue = np.bincount(key, weights=amount, minlength=3 * nb)
    del key, fy
    has = np.flatnonzero(orders)
    hb, hfy = has // 3, has % 3
    demanding = (rng.random(nb) < 0.04)[hb]
    cts = (110.0 * sb[hb] ** 0.4 + 30.0 * orders[has] + 0.02 * revenue[has]) * np.where(demanding, 3.0, 1.0)
    cts = np.round(cts * rng.lognormal(0.0, 0.25, len(has)), 2)
    cost_to_serve = pd.DataFrame({
        "customer_id": _str(cust_ids.take(pa.array(buyers[hb]))),
        "period": _str(pa.DictionaryArray.from_arrays(pa.array(hfy.astype(np.int8)),
                                                      pa.array([f for f, _, _ in FISCAL_YEARS]))),
        "cost": cts,
        "category": _str(pa.DictionaryArray.from_arrays(pa.array(np.zeros(len(has), np.int8)),
                                                        pa.array(["account and logistics"]))),
    })

    # ---- surveys -------------------------------------------------------------------------------------------
    parts = []
    for k, (wave, wdate) in enumerate(WAVES):
        wd = (wdate - WINDOW_START).days
        eligible = np.flatnonzero((lo <= wd - 30) & (hi >= wd))
        n_resp = min(len(eligible), max(1, int(0.02 * nb))) if nb else 0
        who = np.sort(rng.choice(eligible, n_resp, replace=False)) if n_resp else np.zeros(0, np.int64)
        zz = zb[who]
        r = len(who)
        sat = np.clip(np.round(3.6 + 0.85 * zz + 0.1 * k + rng.normal(0, 0.5, r)), 1, 5)
        rec = np.clip(np.round(7.0 + 1.2 * (sat - 3.6) + 0.5 * zz + rng.normal(0, 1.0, r)), 0, 10)
        pref = pd.array(0.9 * zz + rng.normal(0, 0.7, r) > 0.2, dtype="boolean")
        son = np.clip(np.round((share[buyers[who]] + rng.normal(0, 0.05, r)) * 20) / 20, 0.05, 1.0)
        parts.append(pd.DataFrame({
            "customer_id": _str(cust_ids.take(pa.array(buyers[who]))),
            "wave": _str(pa.array([wave] * r, type=pa.string())),
            "date": _dates(np.full(r, wd) + rng.integers(0, 20, r)),
            "satisfaction": sat.astype(np.float64), "recommend": rec.astype(np.float64),
            "preferred_supplier": pref, "share_of_need": son.astype(np.float64),
        }))
    surveys = pd.concat(parts, ignore_index=True)
    return {"customers": customers, "transactions": transactions, "cost_to_serve": cost_to_serve,
            "surveys": surveys}


def _to_arrow(df: pd.DataFrame) -> pa.Table:
    table = pa.Table.from_pandas(df, preserve_index=False)
    cols = []
    for field, col in zip(table.schema, table.columns):
        if pa.types.is_timestamp(field.type):
            col = col.cast(pa.date32())  # written as YYYY-MM-DD
        cols.append(col)
    return pa.table(cols, names=table.column_names)


def write_csv_arrow(path: Path, df: pd.DataFrame) -> Path:
    """Write ``df`` as plain UTF-8 CSV with ``pyarrow.csv.write_csv``, atomically.

    Dates are written as ``YYYY-MM-DD``, missing values as empty cells, booleans as
    ``true``/``false``.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = write_csv_arrow(p, pd.DataFrame({"a": [1.5, None]}))
    >>> p.read_text()
    '"a"\\n1.5\\n\\n'
    """
    with atomic_target(path) as tmp:
        pacsv.write_csv(_to_arrow(df), tmp, write_options=pacsv.WriteOptions(include_header=True,
                                                                             quoting_style="needed"))
    return Path(path)


def large_client_config(client_id: str, n_customers: int, n_transactions: int, seed: int) -> dict:
    """The ``client.yaml`` mapping of a synthetic benchmark client."""
    return {
        "client_id": client_id,
        "name": {"zh": f"基准测试客户（{n_customers:,} 客户 / {n_transactions:,} 交易）",
                 "en": f"Benchmark client ({n_customers:,} customers / {n_transactions:,} transactions)"},
        "engagement": "3c",
        "industry": "synthetic (benchmark)",
        "currency": "CNY",
        "language": "en",
        "periods": [{"id": fy, "start": s, "end": e} for fy, s, e in FISCAL_YEARS],
        "current_period": "FY2026",
        "previous_period": "FY2025",
        "targets": dict(TARGETS),
        "pyramid": {"top": 0.01, "big": 0.04, "medium": 0.15, "inactive_months": 12},
        "checklist": "customer_focus",
    }


def write_large_client(out_dir: Path, n_customers: int, n_transactions: int, seed: int = 0,
                       client_id: str | None = None, progress: Progress | None = None) -> Path:
    """Write a synthetic 3C client folder for benchmarks.

    Parameters
    ----------
    out_dir : Path
        Parent folder (e.g. ``benchmarks/_work``); the client folder ``out_dir/client_id``
        is created in it.
    n_customers, n_transactions, seed
        As in :func:`large_client_tables`.
    client_id : str, optional
        Folder name and ``client_id`` of ``client.yaml``; default
        ``synthetic_<n_customers>c_<n_transactions>t``.
    progress : callable, optional
        Called as ``progress(step, done, total)`` after the tables are built and after
        each file is written (``total`` = 6 steps).

    Returns
    -------
    Path
        The client folder, holding ``client.yaml``, ``customers.csv``,
        ``transactions.csv``, ``cost_to_serve.csv`` and ``surveys.csv`` (UTF-8, English
        canonical headers), each written atomically.

    Examples
    --------
    >>> import tempfile
    >>> folder = write_large_client(Path(tempfile.mkdtemp()), 100, 500)
    >>> sorted(p.name for p in folder.iterdir())
    ['client.yaml', 'cost_to_serve.csv', 'customers.csv', 'surveys.csv', 'transactions.csv']
    """
    _check(n_customers, n_transactions)
    client_id = client_id or f"synthetic_{n_customers}c_{n_transactions}t"
    folder = Path(out_dir) / client_id
    total = 6
    tables = large_client_tables(n_customers, n_transactions, seed)
    if progress:
        progress("tables", 1, total)
    write_yaml(folder / "client.yaml", large_client_config(client_id, n_customers, n_transactions, seed),
               f"Synthetic benchmark client: threec_helpers.generate.write_large_client(n_customers={n_customers}, "
               f"n_transactions={n_transactions}, seed={seed})")
    if progress:
        progress("client.yaml", 2, total)
    for i, name in enumerate(("customers", "transactions", "cost_to_serve", "surveys"), start=3):
        write_csv_arrow(folder / f"{name}.csv", tables.pop(name))
        if progress:
            progress(f"{name}.csv", i, total)
    return folder
