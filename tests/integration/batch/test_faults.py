"""Faults during a batch: Ctrl-C, a full reports disk, a Dask worker killed mid-batch.

Each must leave the completed reports intact, nothing half-written that looks complete, a
summary that says what happened, and a re-run that finishes the rest.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest
import yaml

from conftest import write_client
from threec_helpers.batch.orchestrate import run_batch
from threec_helpers.batch.plan import parse_batch, plan_batch
from testpaths import TESTS

FIXTURES = TESTS / "data" / "notebooks"
THREEC = str(Path(sys.executable).parent / "threec")


def slow_notebook(folder: Path, seconds: float) -> Path:
    """A notebook that sleeps, then writes its results file."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('client_id = "acme"\noutput_dir = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(
        f"import time, json, pathlib\ntime.sleep({seconds})\n"
        "pathlib.Path(output_dir or '.').mkdir(parents=True, exist_ok=True)\n"
        "pathlib.Path(output_dir or '.', 'slow.results.json').write_text(json.dumps({'notebook': 'slow'}))\n"
        "print('slept')")]
    nb.metadata["kernelspec"] = {"name": "threec", "display_name": "Python 3 (threec)", "language": "python"}
    nb.metadata["threec"] = {"engagements": ["3c"], "order": 1, "title": {"zh": "慢", "en": "Slow"}}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "slow.ipynb"
    nbformat.write(nb, path)
    return path


def leftovers(folder: Path) -> list[str]:
    """Temporary files of atomic writes left behind (a half-written report)."""
    return [str(p) for p in folder.rglob("*") if p.is_file() and p.name.endswith(".tmp")]


def test_ctrl_c_keeps_finished_reports_and_rerun_finishes_the_rest(tmp_path):
    write_client(tmp_path / "clients")
    nbdir = tmp_path / "nbs"
    slow_notebook(nbdir, 25)
    (nbdir / "ok_report.ipynb").write_bytes((FIXTURES / "ok_report.ipynb").read_bytes())
    batch = tmp_path / "b.yaml"
    batch.write_text(yaml.safe_dump({"name": "c", "clients": ["acme"], "notebooks": ["ok_report", "slow"],
                                     "timeout": 120, "formats": ["html"], "notebooks_dir": str(nbdir)}))
    args = [THREEC, "--lang", "en", "run", str(batch), "--workers", "2", "--quiet", "--out", str(tmp_path / "reports"),
            "--data-root", str(tmp_path / "clients")]
    env = {**os.environ, "THREEC_PROCESSED_ROOT": str(tmp_path / "processed")}
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    folder = tmp_path / "reports" / "c" / "acme" / "FY2025"
    deadline = time.monotonic() + 120
    while not (folder / "ok_report.html").exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert (folder / "ok_report.html").exists(), "the quick notebook did not finish"
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode != 0, out
    summary = json.loads((tmp_path / "reports" / "c" / "batch-summary.json").read_text())
    jobs = {j["notebook"]: j for j in summary["jobs"]}
    assert jobs["ok_report"]["status"] == "ok"
    assert jobs["slow"]["status"] == "failed" and jobs["slow"]["error_kind"] == "interrupted"
    # the interrupted notebook has no results for the briefing, and any report of it says it is incomplete
    assert not (folder / "slow.results.json").exists() and not (folder / "slow.pdf").exists()
    if (folder / "slow.html").exists():
        assert "This report is incomplete" in (folder / "slow.html").read_text(encoding="utf-8")
    assert "</html>" in (folder / "ok_report.html").read_text(encoding="utf-8")
    assert leftovers(tmp_path / "reports") == []
    again = subprocess.run(args, capture_output=True, text=True, env=env, timeout=180)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "1 ok, 1 unchanged, 0 failed" in again.stdout
    assert (folder / "slow.html").exists()


@pytest.fixture
def tiny_disk(tmp_path):
    """A 3 MB tmpfs for the reports (needs root; skipped where mounting is not allowed)."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_full_reports_disk_fails_clearly_without_half_files(tmp_path, tiny_disk):
    write_client(tmp_path / "clients")
    (tiny_disk / "filler").write_bytes(b"\0" * (3 * 2**20 - 24 * 2**10))  # leave ~24 KB free
    spec = parse_batch({"name": "f", "clients": ["acme"], "notebooks": ["ok_report"], "timeout": 120,
                        "formats": ["html", "pdf", "xlsx"], "notebooks_dir": str(FIXTURES)},
                       "f.yaml", base=tmp_path, data_root=tmp_path / "clients")
    try:
        result = run_batch(plan_batch(spec, tiny_disk), workers=1, lang="en", progress=False)
    except Exception as exc:  # a clear error is acceptable too, as long as it says what happened
        assert "space" in str(exc).lower() or "disk" in str(exc).lower(), exc
    else:
        assert not result.ok
        text = json.dumps(result.failed, ensure_ascii=False).lower()
        assert "space" in text or "disk" in text, text
    assert leftovers(tiny_disk) == []
    (tiny_disk / "filler").unlink()
    result = run_batch(plan_batch(spec, tiny_disk), workers=1, lang="en", progress=False)
    assert result.ok, result.failed


def test_killed_dask_worker_does_not_lose_the_batch(tmp_path):
    distributed = pytest.importorskip("distributed")
    write_client(tmp_path / "clients", "acme")
    write_client(tmp_path / "clients", "acme2")
    nbdir = tmp_path / "nbs"
    slow_notebook(nbdir, 6)
    spec = parse_batch({"name": "k", "clients": ["acme", "acme2"], "notebooks": ["slow"], "timeout": 120,
                        "formats": ["html"], "notebooks_dir": str(nbdir)}, "k.yaml", base=tmp_path,
                       data_root=tmp_path / "clients")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  host="127.0.0.1") as cluster:
        client = distributed.Client(cluster)

        def kill_one_worker():
            time.sleep(3)  # both notebooks are running by now
            pids = client.run(os.getpid)
            os.kill(next(iter(pids.values())), signal.SIGKILL)

        killer = threading.Thread(target=kill_one_worker)
        killer.start()
        result = run_batch(plan_batch(spec, tmp_path / "reports"), scheduler=cluster.scheduler_address,
                           lang="en", progress=False)
        killer.join()
        client.close()
    summary = json.loads((tmp_path / "reports" / "k" / "batch-summary.json").read_text())
    statuses = {j["client_id"]: j["status"] for j in summary["jobs"]}
    assert set(statuses) == {"acme", "acme2"}
    # Dask re-runs the lost task on the surviving (or restarted) worker; if it cannot, the job
    # is reported failed with a reason, and the other client's report is complete either way
    assert "ok" in statuses.values()
    for job in summary["jobs"]:
        if job["status"] != "ok":
            assert job.get("error"), job
    assert leftovers(tmp_path / "reports") == []
    if not result.ok:
        again = run_batch(plan_batch(spec, tmp_path / "reports"), workers=2, lang="en", progress=False)
        assert again.ok, again.failed
