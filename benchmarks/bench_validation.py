"""Benchmark: loading + validating a large 3C client, against pyarrow's raw read (the floor).

Target (foundation issue): 1,000,000 customers and 10,000,000 transactions validated within
60 s and 6 GB peak memory on a 2-core machine, at most 4x the time pyarrow alone needs to
read the same files.

    .venv/bin/python benchmarks/bench_validation.py                      # the full size
    .venv/bin/python benchmarks/bench_validation.py --customers 100000 --transactions 1000000

Each measured step runs in its own child process, so its peak resident memory
(``ru_maxrss`` of that process) is its own and not the generator's.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _raw_read(folder: str, queue) -> None:
    import pyarrow.csv as pacsv

    start = time.perf_counter()
    rows = 0
    for name in ("customers.csv", "transactions.csv", "cost_to_serve.csv", "surveys.csv"):
        path = Path(folder) / name
        if path.exists():
            rows += pacsv.read_csv(path).num_rows
    queue.put((time.perf_counter() - start, rows, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def _validate(root: str, client_id: str, queue) -> None:
    from threec_helpers.inputs.validation import validate_client

    start = time.perf_counter()
    report, _, tables = validate_client(client_id, root)
    elapsed = time.perf_counter() - start
    queue.put((elapsed, report.ok, sum(len(t) for t in tables.values()),
               resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, report.summary("en")))


def _in_child(target, *args):
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--transactions", type=int, default=10_000_000)
    parser.add_argument("--workdir", type=Path, default=ROOT / "benchmarks" / "_work")
    parser.add_argument("--repeat", type=int, default=1, help="repeat the timed steps, report the best")
    parser.add_argument("--keep", action="store_true", help="keep the generated client")
    args = parser.parse_args()

    from threec_helpers.generate import write_large_client

    client_id = f"bench_{args.customers}_{args.transactions}"
    root = args.workdir / "clients"
    folder = root / client_id
    print(f"threec validation benchmark: {args.customers:,} customers, {args.transactions:,} transactions")
    if not (folder / "client.yaml").exists():
        start = time.perf_counter()
        write_large_client(root, args.customers, args.transactions, seed=0, client_id=client_id)
        print(f"  generate (not part of the target)   {time.perf_counter() - start:8.1f} s")
    size = sum(p.stat().st_size for p in folder.glob("*.csv"))
    print(f"  input CSV size                       {size / 2**20:8.0f} MiB")

    raw = min((_in_child(_raw_read, str(folder)) for _ in range(args.repeat)), key=lambda r: r[0])
    val = min((_in_child(_validate, str(root), client_id) for _ in range(args.repeat)), key=lambda r: r[0])
    raw_s, raw_rows, raw_rss = raw
    val_s, ok, val_rows, val_rss, summary = val
    print(f"  pyarrow read alone (floor)           {raw_s:8.1f} s   peak {raw_rss / 2**20:6.2f} GiB   {raw_rows:,} rows")
    print(f"  threec load + validate               {val_s:8.1f} s   peak {val_rss / 2**20:6.2f} GiB   {val_rows:,} rows")
    print(f"  ratio validate / raw read            {val_s / raw_s:8.2f} x   (target <= 4)")
    print(f"  targets: <= 60 s: {'yes' if val_s <= 60 else 'NO'};  <= 6 GiB: {'yes' if val_rss / 2**20 <= 6 else 'NO'};"
          f"  <= 4x: {'yes' if val_s / raw_s <= 4 else 'NO'}")
    print(f"  {summary}")
    if not ok:
        sys.exit("the generated client did not validate")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
