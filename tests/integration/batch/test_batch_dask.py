"""The same batch on a local Dask cluster of 2 workers gives the same reports as a local run."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import write_client
from threec_helpers.batch.execute import run_batch
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
