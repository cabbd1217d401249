#!/usr/bin/env python3
"""Benchmark of ``threec run`` (issue 7), not a timed test.

Measures, on the same notebooks in the same run:

1. ``threec run`` on the demo batch (``--force``): wall time, the sum of the notebooks' own
   execution times (papermill, kernel start included) and the ratio
   ``wall / (sum / workers)`` (target: at most 1.3), with where the worker slots' time went
   (executing, publishing, briefings, idle); then the same batch publishing HTML only,
   which is what the serial loop below produces;
2. the plain serial loop a user would otherwise write - for every notebook, the
   ``papermill`` CLI then ``jupyter nbconvert --to html --no-input`` - and the speed-up of
   (1) over it (target: at least 2.5x);
3. notebooks per minute at 20 and 100 generated clients (copies of the demo clients under
   new ids), and the peak memory of the whole process tree (runner, workers, kernels);
4. (issue 18) the fixed cost per notebook before its first real cell: a notebook whose
   first cell imports what the demo notebooks import and whose second cell is ``1 + 1``,
   run with papermill starting the kernel (cold) and in a kernel from the warm pool
   (:mod:`threec_helpers.batch.warm`), given the time a previous notebook would give it
   to warm up, and without that time; the demo batch with the warm pool switched off
   (``THREEC_WARM_KERNELS=0``) for comparison;
5. (issue 18, ``--dask``) the demo batch on a real cluster - ``dask scheduler`` and
   ``dask worker --nworkers W --nthreads 1`` started here on 127.0.0.1 - against the
   local runner with W workers.

Usage::

    python benchmarks/bench_batch.py                      # demo batch, real notebooks
    python benchmarks/bench_batch.py --notebooks tests/data/notebooks --only ok_report
    python benchmarks/bench_batch.py --scale 20 100 --scale-notebooks iso9001_certification_audit
    python benchmarks/bench_batch.py --no-serial --dask      # issue 18 figures, quicker

Results are printed and written to ``benchmarks/_work/bench_batch.json``; the figures
quoted in ``docs/batch-and-publishing.md`` come from here.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from threec_helpers.batch.orchestrate import run_batch  # noqa: E402
from threec_helpers.batch.plan import load_batch, parse_batch, plan_batch  # noqa: E402
from threec_helpers.paths import data_root as default_data_root  # noqa: E402

WORK = ROOT / "benchmarks" / "_work"


class PeakMemory:
    """Sample the RSS of this process and all its descendants every 0.25 s."""

    def __init__(self):
        import psutil

        self.psutil = psutil
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        me = self.psutil.Process()
        while not self._stop.is_set():
            total = 0
            for p in [me] + me.children(recursive=True):
                try:
                    total += p.memory_info().rss
                except self.psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(0.25)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def threec_run(plan, workers: int, scheduler: str | None = None) -> dict:
    with PeakMemory() as mem:
        t0 = time.monotonic()
        result = run_batch(plan, workers=workers, force=True, progress=False, lang="en", scheduler=scheduler)
        wall = time.monotonic() - t0
    executed = [j for j in result.jobs if j["status"] in ("ok", "failed") and j.get("exec_s")]
    total_exec = sum(j["exec_s"] for j in executed)
    # where the worker slots' time went: notebooks, publishing them, briefings, and the rest
    # (worker start-up, waiting at the end of the run)
    total_publish = sum(j.get("publish_s") or 0.0 for j in executed)
    total_briefing = sum(b.get("exec_s") or 0.0 for b in result.briefings)
    return {"wall_s": round(wall, 2), "sum_exec_s": round(total_exec, 2), "notebooks": len(executed),
            "failed": len(result.failed), "workers": workers,
            "ratio_to_ideal": round(wall / (total_exec / workers), 3) if total_exec else None,
            "notebooks_per_min": round(60 * len(executed) / wall, 2) if wall else None,
            "peak_rss_mb": round(mem.peak / 2**20, 1),
            "median_startup_s": _median([j.get("startup_s") for j in executed]),
            "median_kernel_wait_s": _median([j.get("kernel_s") for j in executed]),
            "slot_seconds": {"execute": round(total_exec, 1), "publish": round(total_publish, 1),
                             "briefings": round(total_briefing, 1),
                             "idle": round(workers * wall - total_exec - total_publish - total_briefing, 1)}}


def fixed_cost(repeat: int = 5, warm_gap: float = 4.0) -> dict:
    """Seconds per notebook for a notebook that only imports what the demo notebooks import.

    ``cold``: papermill starts the kernel; ``warm``: the kernel comes from a
    :class:`~threec_helpers.batch.warm.KernelPool` that had ``warm_gap`` seconds (about a
    notebook's run) to warm the spare; ``warm_no_gap``: back to back, the spare only had the
    previous notebook's own second or so. Medians of ``repeat`` runs.
    """
    import statistics

    import nbformat
    import papermill as pm

    from threec_helpers.batch.notebooks import notebook_imports
    from threec_helpers.batch.warm import BASE_IMPORTS, KernelPool
    from threec_helpers.batch.warm import execute_notebook as warm_execute

    demo_nbs = sorted(str(p) for p in (ROOT / "notebooks").rglob("*.ipynb"))
    mods = [m for m in notebook_imports(demo_nbs) if m.count(".") <= 2]
    first = []
    for m in mods:  # the same imports, as statements: 'from a.b import c' for the ones that are names
        first.append(f"try:\n    import {m}\nexcept ImportError:\n    pass")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("\n".join(first)), nbformat.v4.new_code_cell("1 + 1")]
    nb.metadata["kernelspec"] = {"name": "threec", "display_name": "threec", "language": "python"}
    folder = WORK / "fixed"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "imports_only.ipynb"
    nbformat.write(nb, path)
    env_backup = os.environ.pop("MPLBACKEND", None)

    def run(km=None) -> float:
        t0 = time.monotonic()
        execute = pm.execute_notebook if km is None else functools.partial(warm_execute, km)
        execute(str(path), str(folder / "out.ipynb"), kernel_name="threec", progress_bar=False, cwd=str(folder))
        return time.monotonic() - t0

    cold = [run() for _ in range(repeat)]
    pool = KernelPool(spare=1, imports=[*BASE_IMPORTS, *mods])
    warm, warm_no_gap = [], []
    try:
        pool.fill("threec")
        for _ in range(repeat):
            time.sleep(warm_gap)
            t0 = time.monotonic()
            km = pool.take("threec", folder)
            run(km)
            pool.release(km)
            warm.append(time.monotonic() - t0)
        for _ in range(repeat):
            t0 = time.monotonic()
            km = pool.take("threec", folder)
            run(km)
            pool.release(km)
            warm_no_gap.append(time.monotonic() - t0)
    finally:
        pool.close()
        if env_backup is not None:
            os.environ["MPLBACKEND"] = env_backup
    empty = nbformat.v4.new_notebook()
    empty.cells = [nbformat.v4.new_code_cell("1 + 1")]
    empty.metadata["kernelspec"] = nb.metadata["kernelspec"]
    nbformat.write(empty, folder / "empty.ipynb")
    t0 = time.monotonic()
    for _ in range(repeat):
        pm.execute_notebook(str(folder / "empty.ipynb"), str(folder / "out.ipynb"), kernel_name="threec",
                            progress_bar=False)
    empty_s = (time.monotonic() - t0) / repeat
    med = statistics.median
    return {"imports": len(mods), "cold_s": round(med(cold), 3), "warm_s": round(med(warm), 3),
            "warm_no_gap_s": round(med(warm_no_gap), 3), "cold_empty_notebook_s": round(empty_s, 3),
            "warm_gap_s": warm_gap, "repeat": repeat}


class DaskCluster:
    """``dask scheduler`` + ``dask worker --nworkers n --nthreads 1`` on 127.0.0.1, as processes."""

    def __init__(self, nworkers: int):
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.address = f"tcp://127.0.0.1:{port}"
        cli = str(Path(sys.executable).parent / "dask")
        logs = WORK / "dask"
        logs.mkdir(parents=True, exist_ok=True)
        self.procs = [subprocess.Popen([cli, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                                       stdout=open(logs / "scheduler.log", "wb"), stderr=subprocess.STDOUT)]
        self.procs.append(subprocess.Popen([cli, "worker", self.address, "--nworkers", str(nworkers), "--nthreads", "1",
                                            "--host", "127.0.0.1", "--no-dashboard", "--local-directory",
                                            str(logs / "space")], stdout=open(logs / "worker.log", "wb"),
                                           stderr=subprocess.STDOUT))
        from distributed import Client

        with Client(self.address, timeout=60) as client:
            client.wait_for_workers(nworkers, timeout=120)

    def close(self):
        import psutil

        for proc in reversed(self.procs):
            try:
                procs = psutil.Process(proc.pid).children(recursive=True) + [psutil.Process(proc.pid)]
            except psutil.NoSuchProcess:
                continue
            for p in procs:
                try:
                    p.terminate()
                except psutil.Error:
                    pass
            _, alive = psutil.wait_procs(procs, timeout=15)
            for p in alive:
                try:
                    p.kill()
                except psutil.Error:
                    pass


def _median(values):
    import statistics

    values = [v for v in values if v is not None]
    return round(statistics.median(values), 3) if values else None


def serial_loop(plan, out: Path) -> dict:
    """What a user would write without threec: papermill CLI, then nbconvert CLI, one notebook at a time."""
    bindir = Path(sys.executable).parent
    papermill = [str(bindir / "papermill")] if (bindir / "papermill").exists() else [sys.executable, "-m", "papermill"]
    jupyter = [str(bindir / "jupyter")] if (bindir / "jupyter").exists() else [sys.executable, "-m", "jupyter"]
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    n = 0
    for job in plan.jobs:
        if job.error:
            continue
        target = out / f"{job.client_id}-{job.period}-{job.notebook}.ipynb"
        params = dict(job.parameters)
        if "output_dir" in params:
            params["output_dir"] = str(out)
        cmd = papermill + [job.notebook_path, str(target), "-k", job.kernel_name, "--no-progress-bar"]
        for k, v in params.items():
            cmd += ["-y", json.dumps({k: v})]
        subprocess.run(cmd, capture_output=True, cwd=str(Path(job.notebook_path).parent))
        subprocess.run(jupyter + ["nbconvert", "--to", "html", "--no-input", str(target)], capture_output=True)
        n += 1
    wall = time.monotonic() - t0
    return {"wall_s": round(wall, 2), "notebooks": n}


def generate_clients(n: int, root: Path) -> list[str]:
    """``n`` clients: copies of the demo clients (round robin) under ids gen_0001, ..."""
    demos = ["demo_manufacturer", "demo_telecom", "demo_hospital"]
    src = default_data_root()
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    ids = []
    for i in range(n):
        demo = demos[i % len(demos)]
        cid = f"gen_{i + 1:04d}_{demo.split('_')[1]}"
        shutil.copytree(src / demo, root / cid)
        yaml_path = root / cid / "client.yaml"
        yaml_path.write_text(yaml_path.read_text(encoding="utf-8").replace(f"client_id: {demo}", f"client_id: {cid}"),
                             encoding="utf-8")
        ids.append(cid)
    return ids


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--notebooks", type=Path, default=None, help="notebooks folder [default: the demo batch's]")
    ap.add_argument("--only", nargs="*", default=None, help="notebook names to run [default: all that apply]")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--formats", default="html,pdf,slides,xlsx")
    ap.add_argument("--no-serial", action="store_true", help="skip the serial papermill + nbconvert loop")
    ap.add_argument("--no-html-only", action="store_true", help="skip the HTML-only threec run")
    ap.add_argument("--scale", type=int, nargs="*", default=[], help="generated client counts, e.g. 20 100")
    ap.add_argument("--scale-notebooks", nargs="*", default=None, help="notebooks for the scale runs")
    ap.add_argument("--no-cold", action="store_true", help="skip the demo batch without warm kernels")
    ap.add_argument("--no-fixed", action="store_true", help="skip the fixed cost per notebook")
    ap.add_argument("--dask", action="store_true", help="also run the demo batch on a real local Dask cluster")
    args = ap.parse_args(argv)

    WORK.mkdir(parents=True, exist_ok=True)
    formats = tuple(f for f in args.formats.split(",") if f)
    spec = load_batch()
    if args.notebooks:
        spec.notebooks_dir = args.notebooks.resolve()
    report: dict = {"machine": {"cores": os.cpu_count(), "python": sys.version.split()[0]},
                    "workers": args.workers, "formats": formats}
    plan = plan_batch(spec, WORK / "reports", notebooks=args.only, formats=formats)
    print(f"demo batch: {sum(1 for j in plan.jobs if not j.error)} notebooks, {args.workers} workers", flush=True)
    if not args.no_fixed:
        report["fixed_cost"] = fixed_cost()
        print("fixed cost per notebook (kernel + imports, before the first real cell):",
              json.dumps(report["fixed_cost"]), flush=True)
    report["threec_run"] = threec_run(plan, args.workers)
    print("threec run:", json.dumps(report["threec_run"]), flush=True)
    if not args.no_cold:
        os.environ["THREEC_WARM_KERNELS"] = "0"
        try:
            report["threec_run_cold_kernels"] = threec_run(plan, args.workers)
        finally:
            del os.environ["THREEC_WARM_KERNELS"]
        print("threec run, warm kernels off:", json.dumps(report["threec_run_cold_kernels"]), flush=True)
    if args.dask:
        cluster = DaskCluster(args.workers)
        try:
            plan_dask = plan_batch(spec, WORK / "reports_dask", notebooks=args.only, formats=formats)
            report["threec_run_dask"] = threec_run(plan_dask, args.workers, scheduler=cluster.address)
        finally:
            cluster.close()
        report["dask_vs_local"] = round(report["threec_run_dask"]["wall_s"] / report["threec_run"]["wall_s"], 3)
        print("threec run on dask:", json.dumps(report["threec_run_dask"]), flush=True)
        print("dask / local wall:", report["dask_vs_local"], flush=True)
    if not args.no_html_only and formats != ("html",):
        # the same batch producing only what the serial loop produces (HTML reports; the
        # briefings stay, HTML only): the runner's own overhead, without PDF, slides and XLSX
        spec_html = load_batch()
        if args.notebooks:
            spec_html.notebooks_dir = args.notebooks.resolve()
        spec_html.formats = ("html",)
        plan_html = plan_batch(spec_html, WORK / "reports_html", notebooks=args.only, formats=("html",))
        report["threec_run_html_only"] = threec_run(plan_html, args.workers)
        print("threec run, HTML only:", json.dumps(report["threec_run_html_only"]), flush=True)
    if not args.no_serial:
        report["serial_loop"] = serial_loop(plan, WORK / "serial")
        report["speedup_vs_serial"] = round(report["serial_loop"]["wall_s"] / report["threec_run"]["wall_s"], 2)
        print("serial papermill + nbconvert loop:", json.dumps(report["serial_loop"]), flush=True)
        print("speed-up:", report["speedup_vs_serial"], flush=True)
    report["scale"] = []
    for n in args.scale:
        root = WORK / f"clients_{n}"
        ids = generate_clients(n, root)
        raw = {"name": f"scale{n}", "clients": ids, "notebooks": args.scale_notebooks, "formats": list(formats),
               "notebooks_dir": str(spec.notebooks_dir)}
        scale_spec = parse_batch(raw, f"scale{n}.yaml", base=ROOT, data_root=root)
        scale_plan = plan_batch(scale_spec, WORK / "reports")
        figures = threec_run(scale_plan, args.workers)
        figures["clients"] = n
        report["scale"].append(figures)
        print(f"{n} clients:", json.dumps(figures), flush=True)
    (WORK / "bench_batch.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"written {WORK / 'bench_batch.json'}")


if __name__ == "__main__":
    main()
