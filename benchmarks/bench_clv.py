"""Benchmark of :mod:`threec_helpers.measures.clv`: RFM summary and model fits on synthetic data.

Transactions are simulated from a BG/NBD process (seeded numpy): each customer makes a
first purchase in the first 12 weeks, then buys at Poisson rate ``lambda ~ Gamma(r, alpha)``
and drops out after each purchase with probability ``p ~ Beta(a, b)``; transaction values
follow the Gamma-Gamma model. Observation ends at week 78. So the fits are meaningful: the
estimates are printed next to the true parameters.

Steps and what is compared:

1. ``rfm_summary`` on ``--transactions`` rows (default 10,000,000) against the baseline
   ``lifetimes.utils.summary_data_from_transaction_data`` (same data, same run, same
   ``freq="W"``); if ``lifetimes`` cannot be imported the baseline is a straightforward
   pandas per-customer implementation (and the report says so). The two results are
   checked to agree.
2. ``BetaGeoFitter`` + ``GammaGammaFitter`` fit on ``--customers`` customers
   (default 100,000; target: <= 20 s), plus ``ParetoNBDFitter`` for reference.

Each step runs in a forked child process, so its peak RSS (``resource.getrusage``
``ru_maxrss``; includes the input data inherited from the parent) is its own; the
``tracemalloc`` peak (Python + numpy allocations made by the step) is measured in a second
child so that tracing does not slow the timed run.

Usage::

    python benchmarks/bench_clv.py                 # full run (needs ~6 GB RAM, a few minutes)
    python benchmarks/bench_clv.py --quick         # 200,000 transactions, 10,000 customers
    python benchmarks/bench_clv.py --customers 50000 --transactions 2000000
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from threec_helpers.measures.clv import (
    BetaGeoFitter,
    GammaGammaFitter,
    ParetoNBDFitter,
    rfm_summary,
)

TRUE_BG = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}  # CDNOW-like
TRUE_GG = {"p": 6.25, "q": 3.74, "v": 15.44}
HORIZON_WEEKS = 78.0
COHORT_WEEKS = 12.0
START = np.datetime64("2024-01-01T00:00:00", "ns")


# ---------------------------------------------------------------------------------------
# simulation
# ---------------------------------------------------------------------------------------


def simulate(n_customers: int, bg: dict, gg: dict, seed: int = 2024, id_type: str = "int") -> pd.DataFrame:
    """Simulate BG/NBD purchase times and Gamma-Gamma values; one row per transaction."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(bg["r"], 1.0 / bg["alpha"], n_customers)
    p = rng.beta(bg["a"], bg["b"], n_customers)
    nu = rng.gamma(gg["q"], 1.0 / gg["v"], n_customers)
    first = rng.uniform(0.0, COHORT_WEEKS, n_customers)
    cust_chunks, time_chunks = [np.arange(n_customers)], [first]
    active = np.arange(n_customers)
    cur = first.copy()
    while active.size:
        cur = cur + rng.exponential(1.0, active.size) / lam[active]
        ok = cur <= HORIZON_WEEKS
        active, cur = active[ok], cur[ok]
        cust_chunks.append(active)
        time_chunks.append(cur)
        alive = rng.random(active.size) >= p[active]
        active, cur = active[alive], cur[alive]
    cust = np.concatenate(cust_chunks)
    weeks = np.concatenate(time_chunks)
    amount = np.round(rng.gamma(gg["p"], 1.0, cust.size) / nu[cust], 2) + 0.01
    dates = START + (weeks * 7 * 86400 * 1e9).astype(np.int64).astype("timedelta64[ns]")
    order = rng.permutation(cust.size)  # transaction logs are rarely sorted by customer
    ids = cust[order]
    if id_type == "str":
        ids = pd.array(np.char.add("C", ids.astype(str)), dtype="str")
    return pd.DataFrame({"customer_id": ids, "date": dates[order], "amount": amount[order]})


def alpha_for_target(per_customer: float, bg: dict) -> float:
    """The ``alpha`` that gives ``per_customer`` expected transactions (incl. the first) by
    week 78, averaging the BG/NBD E[X(t)] over the uniform cohort start."""
    from scipy.optimize import brentq

    ages = np.linspace(HORIZON_WEEKS - COHORT_WEEKS, HORIZON_WEEKS, 49)

    def gap(log_alpha):
        m = BetaGeoFitter()
        m.params_ = pd.Series({**bg, "alpha": float(np.exp(log_alpha))})
        return 1.0 + float(np.mean(m.expected_number_of_purchases_up_to_time(ages))) - per_customer

    return float(np.exp(brentq(gap, -10, 10)))


# ---------------------------------------------------------------------------------------
# baseline
# ---------------------------------------------------------------------------------------


def pandas_baseline(tx: pd.DataFrame, end: pd.Timestamp, freq: str = "W") -> pd.DataFrame:
    """Straightforward per-customer pandas implementation (used if lifetimes is missing)."""
    df = tx.assign(period=tx["date"].dt.to_period(freq))
    per = df.groupby(["customer_id", "period"], sort=True)["amount"].sum().reset_index()
    end_p = end.to_period(freq)
    rows = {}
    for cid, g in per.groupby("customer_id", sort=True):
        first, last = g["period"].iloc[0], g["period"].iloc[-1]
        rows[cid] = ((len(g) - 1), (last - first).n, (end_p - first).n,
                     g["amount"].iloc[1:].mean() if len(g) > 1 else 0.0)
    return pd.DataFrame.from_dict(rows, orient="index", columns=["frequency", "recency", "T", "monetary_value"])


def lifetimes_available() -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import lifetimes.utils  # noqa: F401
        return True
    except Exception:  # noqa: BLE001 - any import failure means "not usable"
        return False


# ---------------------------------------------------------------------------------------
# measuring
# ---------------------------------------------------------------------------------------

_STATE: dict = {}


def _child(fn_name: str, trace: bool, conn) -> None:
    warnings.simplefilter("ignore")
    fn = _STATE[fn_name]
    if trace:
        tracemalloc.start()
    t0 = time.perf_counter()
    info = fn()
    wall = time.perf_counter() - t0
    peak_trace = tracemalloc.get_traced_memory()[1] if trace else None
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    conn.send({"wall": wall, "rss": rss, "trace": peak_trace, "info": info})
    conn.close()


def measure(fn_name: str, trace: bool = True) -> dict:
    ctx = mp.get_context("fork")
    out = {}
    for traced in ([False, True] if trace else [False]):
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child, args=(fn_name, traced, child))
        proc.start()
        child.close()
        res = parent.recv()
        proc.join()
        if traced:
            out["trace"] = res["trace"]
        else:
            out.update(res)
    return out


def current_rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def mb(x) -> str:
    return "   n/a" if x is None else f"{x / 2**20:8.0f} MB"


# ---------------------------------------------------------------------------------------


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--customers", type=int, default=100_000, help="customers for the model fits")
    ap.add_argument("--transactions", type=int, default=10_000_000, help="rows for the RFM summary")
    ap.add_argument("--quick", action="store_true", help="small sizes: 200k transactions, 10k customers")
    ap.add_argument("--id-type", choices=["int", "str"], default="int", help="customer id type")
    ap.add_argument("--no-baseline", action="store_true", help="skip the baseline (slow at 10M rows)")
    ap.add_argument("--seed", type=int, default=2024)
    args = ap.parse_args(argv)
    if args.quick:
        args.customers, args.transactions = 10_000, 200_000

    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, pandas {pd.__version__}, "
          f"cpus {os.cpu_count()}, load average {os.getloadavg()[0]:.1f} (other work on the machine "
          f"slows every timing; compare the ratios)")

    # ---- 1. RFM summary ----------------------------------------------------------------
    per_customer = 20.0
    n_rfm_customers = max(1000, int(args.transactions / per_customer))
    bg_rfm = {**TRUE_BG, "alpha": alpha_for_target(per_customer, TRUE_BG | {"b": 20.0, "r": 2.0}),
              "b": 20.0, "r": 2.0}
    t0 = time.perf_counter()
    tx = simulate(n_rfm_customers, bg_rfm, TRUE_GG, seed=args.seed, id_type=args.id_type)
    end = pd.Timestamp(START) + pd.Timedelta(weeks=HORIZON_WEEKS)
    print(f"\n[1] RFM summary: {len(tx):,} transactions, {tx['customer_id'].nunique():,} customers "
          f"(ids: {args.id_type}), simulated in {time.perf_counter() - t0:.1f} s, "
          f"parent RSS {mb(current_rss())}")

    _STATE["tx"] = tx
    del tx

    def ours():
        tx = _STATE["tx"]
        s = rfm_summary(tx, "customer_id", "date", "amount", observation_end=end, freq="W")
        _STATE["ours_result"] = s
        return {"rows": len(s), "checksum": float(s[["frequency", "recency", "T", "monetary_value"]].to_numpy().sum())}

    use_lifetimes = lifetimes_available()

    def baseline():
        tx = _STATE["tx"]
        if use_lifetimes:
            from lifetimes.utils import summary_data_from_transaction_data

            s = summary_data_from_transaction_data(tx, "customer_id", "date", "amount",
                                                   observation_period_end=end, freq="W")
        else:
            s = pandas_baseline(tx, end, "W")
        return {"rows": len(s), "checksum": float(s[["frequency", "recency", "T", "monetary_value"]].to_numpy().sum())}

    _STATE["ours"], _STATE["baseline"] = ours, baseline
    r_ours = measure("ours")
    print(f"  threec rfm_summary       : {r_ours['wall']:8.2f} s   peak RSS {mb(r_ours['rss'])}   "
          f"tracemalloc peak {mb(r_ours['trace'])}")
    if not args.no_baseline:
        name = "lifetimes summary_data_from_transaction_data" if use_lifetimes else \
            "pandas per-customer baseline (lifetimes does not import)"
        r_base = measure("baseline")
        print(f"  baseline ({name}): {r_base['wall']:8.2f} s   peak RSS {mb(r_base['rss'])}   "
              f"tracemalloc peak {mb(r_base['trace'])}")
        same = (r_ours["info"]["rows"] == r_base["info"]["rows"]
                and np.isclose(r_ours["info"]["checksum"], r_base["info"]["checksum"], rtol=1e-9))
        print(f"  speed-up: {r_base['wall'] / r_ours['wall']:.1f}x   memory ratio (tracemalloc, "
              f"baseline/ours): {r_base['trace'] / r_ours['trace']:.1f}x   results identical: {same}")
    _STATE.clear()

    # ---- 2. fits -----------------------------------------------------------------------
    t0 = time.perf_counter()
    tx2 = simulate(args.customers, TRUE_BG, TRUE_GG, seed=args.seed + 1)
    summ = rfm_summary(tx2, "customer_id", "date", "amount",
                       observation_end=pd.Timestamp(START) + pd.Timedelta(weeks=HORIZON_WEEKS),
                       freq="D", freq_multiplier=7)
    print(f"\n[2] fits: {len(summ):,} customers ({len(tx2):,} transactions, "
          f"{int((summ['frequency'] > 0).sum()):,} repeat buyers), prepared in {time.perf_counter() - t0:.1f} s")

    def fit_bg_gg():
        bgf = BetaGeoFitter().fit(summ["frequency"], summ["recency"], summ["T"])
        ggf = GammaGammaFitter().fit(summ["frequency"], summ["monetary_value"])
        return {"bg": bgf.params_.to_dict(), "gg": ggf.params_.to_dict(), "ll": bgf.log_likelihood_}

    def fit_pnbd():
        m = ParetoNBDFitter().fit(summ["frequency"], summ["recency"], summ["T"])
        return {"pnbd": m.params_.to_dict()}

    _STATE["fit_bg_gg"], _STATE["fit_pnbd"] = fit_bg_gg, fit_pnbd
    r_fit = measure("fit_bg_gg")
    print(f"  BG/NBD + Gamma-Gamma fit : {r_fit['wall']:8.2f} s   peak RSS {mb(r_fit['rss'])}   "
          f"tracemalloc peak {mb(r_fit['trace'])}   target <= 20 s: "
          f"{'met' if r_fit['wall'] <= 20 else 'MISSED'}")
    est = r_fit["info"]
    print("  BG/NBD  true  " + "  ".join(f"{k}={v:.3f}" for k, v in TRUE_BG.items()))
    print("          est.  " + "  ".join(f"{k}={v:.3f}" for k, v in est["bg"].items()))
    print("  G-G     true  " + "  ".join(f"{k}={v:.3f}" for k, v in TRUE_GG.items()))
    print("          est.  " + "  ".join(f"{k}={v:.3f}" for k, v in est["gg"].items()))
    r_p = measure("fit_pnbd", trace=False)
    print(f"  Pareto/NBD fit (reference): {r_p['wall']:8.2f} s   peak RSS {mb(r_p['rss'])}")
    print("  Pareto/NBD est. " + "  ".join(f"{k}={v:.3f}" for k, v in r_p["info"]["pnbd"].items())
          + "   (data are BG/NBD; no true values)")
    print(f"\nprocess peak RSS (ru_maxrss): {mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)}, "
          f"load average now {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
