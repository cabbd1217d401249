"""The same batch on Dask gives the same reports as a local run.

On a ``LocalCluster`` of 2 worker processes, and on a real cluster: ``dask scheduler`` and
``dask worker`` started as processes on 127.0.0.1 (bounded in time, always torn down).
"""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from conftest import write_client
from threec_helpers.batch.orchestrate import run_batch
from threec_helpers.batch.plan import parse_batch, plan_batch
from threec_helpers.batch.provenance import stable_part
from testpaths import TESTS

distributed = pytest.importorskip("distributed")

FIXTURES = TESTS / "data" / "notebooks"


def _plan(root: Path, out: Path):
    spec = parse_batch({"name": "d", "clients": ["acme", "acme2"], "notebooks": ["ok_report"], "timeout": 120,
                        "formats": ["html", "xlsx"], "notebooks_dir": str(FIXTURES)},
                       "d.yaml", base=root, data_root=root / "clients")
    return plan_batch(spec, out)


def _stable_html(path: Path) -> str:
    return re.sub(r'<span class="run-time">.*?</span>', "", path.read_text(encoding="utf-8"), flags=re.S)


def test_dask_run_matches_local_run(tmp_path: Path):
    write_client(tmp_path / "clients", "acme")
    write_client(tmp_path / "clients", "acme2")
    local = run_batch(_plan(tmp_path, tmp_path / "local"), workers=2, progress=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  host="127.0.0.1") as cluster:
        dask = run_batch(_plan(tmp_path, tmp_path / "dask"), scheduler=cluster.scheduler_address, progress=False)
    assert local.ok and dask.ok, (local.failed, dask.failed)
    assert dask.scheduler and dask.scheduler.startswith("tcp://127.0.0.1")
    for client in ("acme", "acme2"):
        a = tmp_path / "local" / "d" / client / "FY2025"
        b = tmp_path / "dask" / "d" / client / "FY2025"
        assert _stable_html(a / "ok_report.html") == _stable_html(b / "ok_report.html")
        assert (a / "ok_report.results.json").read_text() == (b / "ok_report.results.json").read_text()
        pa = json.loads((a / "ok_report.provenance.json").read_text())
        pb = json.loads((b / "ok_report.provenance.json").read_text())
        assert stable_part(pa) == stable_part(pb)
        assert (b / "briefing.html").is_file() and (b / "ok_report.xlsx").is_file()
    summary = json.loads((tmp_path / "dask" / "d" / "batch-summary.json").read_text())
    assert summary["counts"] == {"ok": 2}


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _kill_all(proc: subprocess.Popen) -> None:
    """End a process and everything under it (terminate, then kill)."""
    try:
        procs = psutil.Process(proc.pid).children(recursive=True) + [psutil.Process(proc.pid)]
    except psutil.NoSuchProcess:
        return
    for p in procs:
        with contextlib.suppress(psutil.Error):
            p.terminate()
    _, alive = psutil.wait_procs(procs, timeout=15)
    for p in alive:
        with contextlib.suppress(psutil.Error):
            p.kill()
    psutil.wait_procs(alive, timeout=10)


@pytest.fixture
def real_cluster(tmp_path):
    """A ``dask scheduler`` and a ``dask worker --nworkers 2 --nthreads 1`` on 127.0.0.1 (subprocesses)."""
    dask_cli = str(Path(sys.executable).parent / "dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = tmp_path / "dask-logs"
    logs.mkdir()
    procs = []
    try:
        procs.append(subprocess.Popen([dask_cli, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                       "--no-dashboard"], stdout=open(logs / "scheduler.log", "wb"),
                                      stderr=subprocess.STDOUT))
        procs.append(subprocess.Popen([dask_cli, "worker", address, "--nworkers", "2", "--nthreads", "1",
                                       "--host", "127.0.0.1", "--no-dashboard", "--local-directory",
                                       str(tmp_path / "dask-space")], stdout=open(logs / "worker.log", "wb"),
                                      stderr=subprocess.STDOUT))
        with distributed.Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=90)
        yield address
    finally:
        for proc in reversed(procs):
            _kill_all(proc)


def test_batch_on_real_scheduler_and_worker_processes(tmp_path: Path, real_cluster: str):
    write_client(tmp_path / "clients", "acme")
    write_client(tmp_path / "clients", "acme2")
    local = run_batch(_plan(tmp_path, tmp_path / "local"), workers=2, progress=False)
    dask = run_batch(_plan(tmp_path, tmp_path / "dask"), scheduler=real_cluster, progress=False)
    assert local.ok and dask.ok, (local.failed, dask.failed)
    assert dask.scheduler == real_cluster
    for client in ("acme", "acme2"):
        a = tmp_path / "local" / "d" / client / "FY2025"
        b = tmp_path / "dask" / "d" / client / "FY2025"
        assert _stable_html(a / "ok_report.html") == _stable_html(b / "ok_report.html")
        assert (a / "ok_report.results.json").read_text() == (b / "ok_report.results.json").read_text()
    summary = json.loads((tmp_path / "dask" / "d" / "batch-summary.json").read_text())
    # the notebooks ran in warm kernels of the workers' persistent batch processes
    assert all(j.get("kernel_s") is not None for j in summary["jobs"]), summary["jobs"]
