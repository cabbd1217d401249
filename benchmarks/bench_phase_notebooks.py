"""Benchmark of the 3C phase notebooks on the large generated client.

Steps:

1. Generate the client once with
   ``threec_helpers.generate.write_large_client(benchmarks/_work/clients, customers, transactions,
   client_id=...)`` (``bench_large`` at the full size of 1,000,000 customers and 10,000,000
   transactions, ``bench_large_<customers>_<transactions>`` otherwise); skipped when the
   folder exists.
2. Load (validate) it once into a benchmark cache (``benchmarks/_work/processed``, through
   ``THREEC_PROCESSED_ROOT``), so the notebook timings are those of a client whose inputs
   have been validated before (as in a monthly batch run). The first-load time is printed.
3. Run ``notebooks/phases/02_analysis.ipynb`` and ``04_realization.ipynb`` with papermill
   (kernel ``threec``, ``THREEC_BATCH=1``, ``data_root`` = the benchmark clients) and print
   each wall time (target: < 120 s on a 2-core machine) and the kernel's peak RSS (psutil,
   sampled every 0.2 s over papermill's descendants).
4. Time the explorers' updates (target: < 0.5 s each): the analysis explorer (period /
   segment / region) and the realization explorer (tier), on precomputed data; the display
   call is replaced by one that renders each figure to PNG (what the widget's output area
   does) and shows nothing. The first update includes matplotlib's one-time warm-up.

Usage::

    .venv/bin/python benchmarks/bench_phase_notebooks.py                      # 1M customers, 10M transactions
    .venv/bin/python benchmarks/bench_phase_notebooks.py --customers 200000 --transactions 2000000
    .venv/bin/python benchmarks/bench_phase_notebooks.py --notebooks 02_analysis --no-explorers
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "_work"
CLIENTS = WORK / "clients"
PROCESSED = WORK / "processed"
OUTPUT = WORK / "phase_notebooks"
PAPERMILL = Path(sys.executable).parent / "papermill"
FULL = (1_000_000, 10_000_000)


def client_id_for(customers: int, transactions: int) -> str:
    return "bench_large" if (customers, transactions) == FULL else f"bench_large_{customers}_{transactions}"


def ensure_client(customers: int, transactions: int) -> str:
    from threec_helpers.generate.large import write_large_client

    cid = client_id_for(customers, transactions)
    if (CLIENTS / cid / "client.yaml").is_file():
        print(f"client {cid}: present, not regenerated")
        return cid
    CLIENTS.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    write_large_client(CLIENTS, customers, transactions, client_id=cid)
    print(f"client {cid}: generated in {time.perf_counter() - t0:.1f} s")
    return cid


def warm_cache(cid: str) -> None:
    from threec_helpers.inputs.validation import load_client

    t0 = time.perf_counter()
    load_client(cid, CLIENTS, cache_root=PROCESSED)
    print(f"first load (validation + cache, or cache read when present): {time.perf_counter() - t0:.1f} s")


def run_notebook(name: str, cid: str) -> tuple[float, float, int]:
    """Run one phase notebook; return (wall seconds, peak RSS MiB of any descendant, return code)."""
    src = ROOT / "notebooks" / "phases" / f"{name}.ipynb"
    out_dir = OUTPUT / cid
    out_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "THREEC_BATCH": "1", "THREEC_PROCESSED_ROOT": str(PROCESSED)}
    cmd = [str(PAPERMILL), str(src), str(out_dir / f"{name}.ipynb"), "-k", "threec", "--no-progress-bar",
           "-p", "client_id", cid, "-p", "data_root", str(CLIENTS), "-p", "output_dir", str(out_dir)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    parent = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            for child in parent.children(recursive=True):
                try:
                    peak = max(peak, child.memory_info().rss)
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        time.sleep(0.2)
    wall = time.perf_counter() - t0
    output = proc.stdout.read().decode("utf-8", "replace") if proc.stdout else ""
    if proc.returncode:
        print(output[-3000:])
    return wall, peak / 2**20, proc.returncode


def time_explorers(cid: str) -> None:
    """Explorer updates on precomputed data; figures are rendered to PNG as the widget would, nothing shown."""
    import io

    import IPython.display
    from matplotlib.figure import Figure

    def render_only(*objs, **_):
        for obj in objs:
            if isinstance(obj, Figure):
                obj.savefig(io.BytesIO(), format="png", bbox_inches="tight")

    IPython.display.display = render_only
    from threec_helpers.report import explore, phases as pr
    from threec_helpers.measures.realization import plan_vs_actual  # noqa: F401  (import cost outside the timings)
    from threec_helpers.inputs.validation import load_client

    client = load_client(cid, CLIENTS, cache_root=PROCESSED)
    cfg = client.config
    cur, prev = cfg.period(cfg.current_period), cfg.period(cfg.previous_period)
    t0 = time.perf_counter()
    by_period = pr.customer_tables(client.tables, cfg, cur, prev)
    ex = explore.analysis_explorer(by_period, "en", cfg.currency)
    print(f"analysis explorer: precompute {time.perf_counter() - t0:.1f} s (customer tables + groups)")
    seg = ex.controls["segment"].options[1][1]
    reg = ex.controls["region"].options[1][1]
    for values in ({"period": cur.id, "segment": "__all__", "region": "__all__"},
                   {"period": prev.id, "segment": seg, "region": "__all__"},
                   {"period": cur.id, "segment": seg, "region": reg}):
        t0 = time.perf_counter()
        ex.render(**values)
        print(f"  update {values}: {time.perf_counter() - t0:.3f} s")
    plan, _, _ = pr.base_plan(client.tables, cfg, prev.id, folder=WORK / "no_saved_plan")
    t0 = time.perf_counter()
    monthly = pr.monthly_by_tier(client.tables["transactions"], plan, prev, cur)
    rx = explore.realization_explorer(monthly, "en", cfg.currency)
    print(f"realization explorer: precompute {time.perf_counter() - t0:.1f} s (monthly plan vs actual by tier)")
    for group in ("total", "top", "small"):
        t0 = time.perf_counter()
        rx.render(group=group)
        print(f"  update group={group}: {time.perf_counter() - t0:.3f} s")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--customers", type=int, default=FULL[0])
    ap.add_argument("--transactions", type=int, default=FULL[1])
    ap.add_argument("--notebooks", nargs="+", default=["02_analysis", "04_realization"])
    ap.add_argument("--no-explorers", action="store_true")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    print(f"machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.1f} GiB RAM")
    cid = ensure_client(args.customers, args.transactions)
    warm_cache(cid)
    failed = 0
    for name in args.notebooks:
        wall, peak, rc = run_notebook(name, cid)
        verdict = "OK" if rc == 0 and wall < 120 else ("FAILED" if rc else "SLOW")
        failed += rc != 0
        print(f"{name}: {wall:.1f} s wall, kernel peak RSS {peak:,.0f} MiB  [{verdict}, target < 120 s]")
    if not args.no_explorers:
        time_explorers(cid)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
