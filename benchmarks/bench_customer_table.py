"""Benchmark: the complete customer table on a large generated client.

Target (issue 3): 1,000,000 customers and 10,000,000 transactions, at most 30 s and 6 GB
peak memory on a 2-core machine.

The script

1. generates the client in memory (``threec_helpers.generate.large_client_tables``);
2. times :func:`threec_helpers.measures.customer_table.customer_table` for FY2026 vs FY2025 and
   samples the process's resident memory every 20 ms during the call (psutil thread;
   ``ru_maxrss`` is also printed, it includes the generation);
3. times a *straightforward baseline* in the same run: the same measures written the
   plain pandas way (boolean-filtered copies, string-key ``groupby`` per measure, merges,
   ``DataFrame.apply`` with a Python function per customer for tier, tenure and
   migration). The baseline is run on a subsample of customers (all their transactions)
   and extrapolated linearly to the full customer count; the fast path is run on the same
   subsample and the two tables are checked to agree.

Usage::

    .venv/bin/python benchmarks/bench_customer_table.py            # 1M / 10M
    .venv/bin/python benchmarks/bench_customer_table.py --quick    # 100k / 1M
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import resource
import sys
import threading
import time

import numpy as np
import pandas as pd
import psutil

from threec_helpers.inputs.config import Period, PyramidThresholds
from threec_helpers.measures.customer_table import customer_table

try:
    from threec_helpers.generate import large_client_tables
except ImportError:  # the generate package's __init__ may not export it yet
    from threec_helpers.generate.large import large_client_tables

PERIODS = [Period("FY2024", dt.date(2023, 11, 1), dt.date(2024, 10, 31)),
           Period("FY2025", dt.date(2024, 11, 1), dt.date(2025, 10, 31)),
           Period("FY2026", dt.date(2025, 11, 1), dt.date(2026, 10, 31))]
CUR, PREV = "FY2026", "FY2025"


class PeakRSS:
    """Sample this process's RSS in a thread; ``peak`` in bytes."""

    def __init__(self, interval: float = 0.02):
        self.proc = psutil.Process(os.getpid())
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()

    def __enter__(self):
        self.start = self.proc.memory_info().rss
        self.peak = self.start
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(self.interval)

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)


# ---------------------------------------------------------------------------------------------
# the straightforward baseline
# ---------------------------------------------------------------------------------------------

def _baseline_tiers(rev: pd.Series, recent: pd.Series, bought: pd.Series, status: pd.Series,
                    prospect: pd.Series, th: PyramidThresholds) -> pd.Series:
    df = pd.DataFrame({"revenue": rev, "recent": recent, "bought": bought, "status": status, "prospect": prospect})
    act = df[df["revenue"] > 0].reset_index().sort_values(["revenue", "customer_id"], ascending=[False, True])
    a = len(act)
    c1 = math.ceil(round(th.top * a, 9))
    c2 = max(c1, math.ceil(round((th.top + th.big) * a, 9)))
    c3 = max(c2, math.ceil(round((th.top + th.big + th.medium) * a, 9)))
    act["pos"] = range(a)
    act["tier"] = act["pos"].apply(lambda p: "top" if p < c1 else "big" if p < c2 else "medium" if p < c3
                                   else "small")
    tiers = act.set_index("customer_id")["tier"]

    def one(row):
        if row.name in tiers.index:
            return tiers[row.name]
        if row["bought"]:
            return "small" if row["recent"] > 0 else "inactive"
        return "prospect" if row["prospect"] else "suspect"

    return df.apply(one, axis=1)


def baseline_table(tables: dict[str, pd.DataFrame], th: PyramidThresholds = PyramidThresholds()) -> pd.DataFrame:
    """The customer table written the plain pandas way (string-key groupbys, merges, row apply)."""
    cust = tables["customers"].set_index("customer_id")
    tx = tables["transactions"]
    cts = tables["cost_to_serve"]
    surveys = tables["surveys"]
    p = {x.id: x for x in PERIODS}
    out = pd.DataFrame(index=cust.index)

    def window(start, end):
        return tx[(tx["date"] >= pd.Timestamp(start)) & (tx["date"] <= pd.Timestamp(end))].copy()

    def value(period):
        w = window(period.start, period.end)
        w["cost"] = w["cost"].fillna(0)
        g = w.groupby("customer_id").agg(revenue=("amount", "sum"), cogs=("cost", "sum"), n=("amount", "size"))
        c = cts[cts["period"] == period.id].groupby("customer_id")["cost"].sum().rename("cts")
        v = pd.DataFrame(index=cust.index).join(g).join(c).fillna(0)
        v["net_profit"] = v["revenue"] - v["cogs"] - v["cts"]
        return v

    def pyr_inputs(period):
        end = pd.Timestamp(period.end)
        recent = window(end - pd.DateOffset(months=th.inactive_months) + pd.Timedelta(days=1), end)
        recent_rev = recent.groupby("customer_id")["amount"].sum().reindex(cust.index, fill_value=0)
        first_tx = tx.groupby("customer_id")["date"].min().reindex(cust.index)
        first = pd.concat([first_tx, cust["first_purchase"]], axis=1).min(axis=1)
        status = cust["status"]
        bought = (first <= end) | (first.isna() & status.isin(["active", "inactive"]))
        prospect = (status == "prospect") | (first.notna() & (first > end))
        return recent_rev, bought, prospect, first

    cur, prev = p[CUR], p[PREV]
    v = value(cur)
    vp = value(prev)
    recent, bought, prospect, first = pyr_inputs(cur)
    recent_p, bought_p, prospect_p, _ = pyr_inputs(prev)
    out["tier"] = _baseline_tiers(v["revenue"], recent, bought, cust["status"], prospect, th)
    out["previous_tier"] = _baseline_tiers(vp["revenue"], recent_p, bought_p, cust["status"], prospect_p, th)
    order = {t: i for i, t in enumerate(["top", "big", "medium", "small", "inactive", "prospect", "suspect"])}

    def migration(row):
        a, b = order[row["previous_tier"]], order[row["tier"]]
        if a >= 5 and b <= 3:
            return "new"
        if a <= 3 and b > 3:
            return "lost"
        return "up" if b < a else "down" if b > a else "stay"

    out["migration"] = out.apply(migration, axis=1)
    for c in ("revenue", "cogs", "net_profit"):
        out[c] = v[c]
    out["cost_to_serve"] = v["cts"]
    out["transactions"] = v["n"]
    out["revenue_prev"] = vp["revenue"]
    upto = window("1900-01-01", cur.end)
    last = upto.groupby("customer_id")["date"].max().reindex(cust.index)
    end = pd.Timestamp(cur.end)
    out["recency_days"] = (end - last).dt.days
    out["first_purchase"] = first.where(first <= end)
    out["tenure_months"] = out.apply(
        lambda r: np.nan if pd.isna(r["first_purchase"]) else
        ((end if r["tier"] in ("top", "big", "medium", "small") else last[r.name]) - r["first_purchase"]).days
        / (365.25 / 12), axis=1)
    upto["margin"] = upto["amount"] - upto["cost"].fillna(0)
    hist = upto.groupby("customer_id")["margin"].sum().reindex(cust.index, fill_value=0)
    ended = [x.id for x in PERIODS if x.end <= cur.end]
    out["historical_value"] = hist - cts[cts["period"].isin(ended)].groupby("customer_id")["cost"].sum().reindex(
        cust.index, fill_value=0)
    s = surveys[surveys["date"] <= end].sort_values(["customer_id", "date", "wave"])
    latest = s.groupby("customer_id").tail(1).set_index("customer_id")
    out["satisfaction"] = latest["satisfaction"].reindex(cust.index)
    return out


def subsample(tables: dict[str, pd.DataFrame], k: int) -> dict[str, pd.DataFrame]:
    ids = tables["customers"]["customer_id"].iloc[:k]
    keep = set(ids)
    out = {"customers": tables["customers"].iloc[:k].reset_index(drop=True)}
    for name in ("transactions", "cost_to_serve", "surveys"):
        df = tables[name]
        out[name] = df[df["customer_id"].isin(keep)].reset_index(drop=True)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--transactions", type=int, default=10_000_000)
    ap.add_argument("--quick", action="store_true", help="100,000 customers and 1,000,000 transactions")
    ap.add_argument("--baseline-customers", type=int, default=20_000,
                    help="customers in the baseline subsample (extrapolated linearly)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if args.quick:
        args.customers, args.transactions = 100_000, 1_000_000
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}, pandas {pd.__version__}, "
          f"numpy {np.__version__}")
    t0 = time.perf_counter()
    tables = large_client_tables(args.customers, args.transactions, seed=args.seed)
    gen = time.perf_counter() - t0
    rss0 = psutil.Process().memory_info().rss
    print(f"generated {args.customers:,} customers / {len(tables['transactions']):,} transactions in {gen:.1f} s; "
          f"RSS {rss0 / 2**30:.2f} GiB")

    with PeakRSS() as mem:
        t0 = time.perf_counter()
        tb = customer_table(tables, PERIODS, CUR, PREV)
        fast = time.perf_counter() - t0
    print(f"customer_table: {fast:.2f} s wall; peak RSS during the call {mem.peak / 2**30:.2f} GiB "
          f"(+{(mem.peak - mem.start) / 2**30:.2f} GiB over the loaded tables); "
          f"ru_maxrss of the run {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GiB")
    print(f"  {len(tb):,} rows x {tb.shape[1]} columns; tiers: "
          + ", ".join(f"{k} {v:,}" for k, v in tb["tier"].value_counts(sort=False).items()))
    ok_time, ok_mem = fast <= 30, mem.peak <= 6 * 2**30

    k = min(args.baseline_customers, args.customers)
    sub = subsample(tables, k)
    del tables
    t0 = time.perf_counter()
    base = baseline_table(sub)
    bt = time.perf_counter() - t0
    t0 = time.perf_counter()
    fast_sub = customer_table(sub, PERIODS, CUR, PREV).set_index("customer_id")
    ft = time.perf_counter() - t0
    for col in ("revenue", "net_profit", "revenue_prev", "historical_value", "recency_days", "tenure_months"):
        a = base[col].to_numpy(dtype=float, na_value=np.nan)
        b = fast_sub[col].to_numpy(dtype=float, na_value=np.nan)
        assert np.allclose(a, b, equal_nan=True), col
    for col in ("tier", "previous_tier", "migration"):
        assert (base[col].astype(str).to_numpy() == fast_sub[col].astype(str).to_numpy()).all(), col
    assert np.allclose(base["satisfaction"].to_numpy(dtype=float, na_value=np.nan),
                       fast_sub["satisfaction"].to_numpy(dtype=float, na_value=np.nan), equal_nan=True)
    scale = args.customers / k
    est = bt * scale
    print(f"baseline on {k:,} customers ({len(sub['transactions']):,} transactions): {bt:.2f} s "
          f"(fast path on the same subsample {ft:.2f} s; tables agree)")
    print(f"baseline extrapolated to {args.customers:,} customers (x{scale:.0f}, linear): {est:.0f} s")
    print(f"ratio baseline / customer_table: {est / fast:.0f}x")
    print(f"target <= 30 s: {'PASS' if ok_time else 'FAIL'}; target <= 6 GiB: {'PASS' if ok_mem else 'FAIL'}")
    return 0 if (ok_time and ok_mem) else 1


if __name__ == "__main__":
    raise SystemExit(main())
