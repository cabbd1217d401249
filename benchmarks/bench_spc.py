"""Benchmark: every batch chart with every run rule over many KPI series.

Target (issue 4): 10,000 series x 36 periods, all charts, all rules, in at most 5 s on a
2-core machine. The naive baseline calls the single-series functions in a Python loop; it is
measured in the same run on a subset of series and extrapolated linearly (the output says so).

    python benchmarks/bench_spc.py                 # 10,000 x 36
    python benchmarks/bench_spc.py --quick         # 1,000 x 36, naive subset 50
    python benchmarks/bench_spc.py --series 20000 --periods 60
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import tracemalloc

import numpy as np
import pandas as pd

from threec_helpers import spc

CHARTS = ("xmr", "p", "np", "c", "u", "p_prime", "u_prime")


def make_data(n_series: int, n_periods: int, seed: int = 0) -> pd.DataFrame:
    """Hospital/telecom-like KPIs: monthly denominators in the thousands, a few gaps."""
    rng = np.random.default_rng(seed)
    n = rng.integers(500, 8000, (n_series, n_periods)).astype(float)
    level = rng.uniform(0.90, 0.995, (n_series, 1))
    p = np.clip(level + rng.normal(0, 0.004, (n_series, n_periods)), 0, 1)
    x = rng.binomial(n.astype(np.int64), p).astype(float)
    x[rng.random(x.shape) < 0.01] = np.nan
    return pd.DataFrame({
        "series": np.repeat(np.arange(n_series), n_periods),
        "period": np.tile(np.arange(n_periods), n_series),
        "x": x.ravel(),
        "n": n.ravel(),
    })


def run_batch(df: pd.DataFrame, baseline: int) -> dict[str, pd.DataFrame]:
    return {ch: spc.batch(df, "series", "x", "n", chart=ch, period_col="period", baseline=baseline, rules="all")
            for ch in CHARTS}


def run_naive(df: pd.DataFrame, baseline: int) -> int:
    done = 0
    for _, part in df.groupby("series", sort=False):
        x = part["x"].to_numpy()
        n = part["n"].to_numpy()
        spc.xmr(x, baseline=baseline, rules="all")
        spc.p(x, n, baseline=baseline, rules="all")
        spc.np_chart(x, n, baseline=baseline, rules="all")
        spc.c(x, baseline=baseline, rules="all")
        spc.u(x, n, baseline=baseline, rules="all")
        spc.p_prime(x, n, baseline=baseline, rules="all")
        spc.u_prime(x, n, baseline=baseline, rules="all")
        done += 1
    return done


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--series", type=int, default=10_000)
    ap.add_argument("--periods", type=int, default=36)
    ap.add_argument("--naive-series", type=int, default=200, help="series timed in the naive loop")
    ap.add_argument("--quick", action="store_true", help="1,000 series, naive subset 50")
    ap.add_argument("--budget", type=float, default=5.0, help="seconds allowed for the batch run")
    a = ap.parse_args(argv)
    if a.quick:
        a.series, a.naive_series = min(a.series, 1_000), min(a.naive_series, 50)
    baseline = max(2, a.periods * 2 // 3)
    df = make_data(a.series, a.periods)
    print(f"threec spc benchmark: {a.series:,} series x {a.periods} periods = {len(df):,} points; "
          f"charts {', '.join(CHARTS)}; rules: all ({len(spc.RULES)} rules); baseline {baseline} periods; "
          f"cpus {os.cpu_count()}")
    run_batch(df.head(a.periods * 10), baseline)  # warm-up (imports, constants)

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    out = run_batch(df, baseline)
    t_batch = time.perf_counter() - t0
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rows = sum(len(f) for f in out.values())
    signals = sum(int(f["signal"].sum()) for f in out.values())
    del out

    tracemalloc.start()
    run_batch(df, baseline)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    k = min(a.naive_series, a.series)
    sub = df[df["series"] < k]
    t0 = time.perf_counter()
    run_naive(sub, baseline)
    t_sub = time.perf_counter() - t0
    t_naive = t_sub * a.series / k

    print(f"batch (vectorised):  {t_batch:8.2f} s  ({rows:,} chart rows, {signals:,} points with a signal)")
    print(f"naive loop:          {t_naive:8.2f} s  "
          + (f"(measured {t_sub:.2f} s on {k:,} series, extrapolated x{a.series / k:.0f})" if k < a.series
             else "(measured on all series)"))
    print(f"speed-up:            {t_naive / t_batch:8.1f} x")
    print(f"peak memory:         ru_maxrss {rss1 / 1024:.0f} MiB (was {rss0 / 1024:.0f} MiB before the batch run); "
          f"tracemalloc peak during the batch run {peak / 2**20:.0f} MiB")
    ok = t_batch <= a.budget
    print(f"budget {a.budget:.1f} s: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
