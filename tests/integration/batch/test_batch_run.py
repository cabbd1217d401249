"""``threec run`` end to end on the fixture notebooks (tests/data/notebooks).

One batch runs once for the module: a notebook that succeeds and writes a results file,
one that raises, one that hangs past its timeout and one that kills its own kernel, two
at a time. The tests then check what each left behind and re-run parts of it (skip
unchanged, --force, --retry-failed, --mask, the lock, an unwritable folder).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from conftest import write_client
from threec_helpers.batch.local import run_task
from threec_helpers.batch.orchestrate import BatchLockedError, ReportsFolderError, run_batch, run_lock
from threec_helpers.batch.plan import parse_batch, plan_batch, unchanged_result
from threec_helpers.batch.schedule import briefings_ready
from threec_helpers.batch.tasks import NotebookTask
from threec_helpers.batch.provenance import stable_part
from testpaths import TESTS

FIXTURES = TESTS / "data" / "notebooks"
TIMEOUT = 12  # seconds per notebook: the hanging one is stopped after this


def make_plan(root: Path, out: Path, notebooks: list[str], **kw):
    raw = {"name": "t", "clients": kw.pop("clients", ["acme"]), "notebooks": notebooks, "timeout": TIMEOUT,
           "notebooks_dir": str(FIXTURES), **kw}
    spec = parse_batch(raw, "t.yaml", base=root, data_root=root / "clients")
    return plan_batch(spec, out)


def strip_run_times(html: str) -> str:
    """A report without the parts that differ between runs (run id, start/end, durations)."""
    return re.sub(r'<span class="run-time">.*?</span>', "", html, flags=re.S)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch")
    write_client(root / "clients")
    plan = make_plan(root, root / "reports", ["ok_report", "fails", "hangs", "dies"])
    t0 = time.monotonic()
    result = run_batch(plan, workers=2, lang="en", progress=False)
    return root, plan, result, time.monotonic() - t0


def _by_id(result):
    return {j["notebook"]: j for j in result.jobs}


def test_failure_isolation(first_run):
    root, plan, result, _ = first_run
    jobs = _by_id(result)
    assert jobs["ok_report"]["status"] == "ok"
    assert jobs["fails"]["status"] == "failed" and jobs["fails"]["error_kind"] == "error"
    assert "ValueError: the input has no revenue column" in jobs["fails"]["error"]
    assert jobs["hangs"]["status"] == "failed" and jobs["hangs"]["error_kind"] == "timeout"
    assert f"{TIMEOUT} s time limit" in jobs["hangs"]["error"]
    assert jobs["dies"]["status"] == "failed" and jobs["dies"]["error_kind"] == "kernel_died"
    assert "kernel died" in jobs["dies"]["error"]
    assert not result.ok and len(result.failed) == 3


def test_successful_notebook_outputs(first_run):
    root, plan, result, _ = first_run
    folder = root / "reports" / "t" / "acme" / "FY2025"
    for suffix in (".ipynb", ".html", ".pdf", ".slides.html", ".xlsx", ".results.json", ".provenance.json"):
        assert (folder / f"ok_report{suffix}").is_file(), suffix
    html = (folder / "ok_report.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html  # the chart, embedded
    assert "load_client" not in html and "this warning must not reach" not in html
    assert not re.search(r"""(src|href)=["'](https?:)?//""", html)
    results = json.loads((folder / "ok_report.results.json").read_text(encoding="utf-8"))
    assert results["headline"][0]["value"] == 5800.5  # 1000 + 2500.5 + 300 + 1200 + 800 (conftest transactions)


def test_failed_notebooks_keep_a_marked_notebook_and_no_complete_looking_report(first_run):
    root, plan, result, _ = first_run
    folder = root / "reports" / "t" / "acme" / "FY2025"
    for name, ename in (("fails", "ValueError"), ("hangs", None), ("dies", "DeadKernelError")):
        nb = nbformat.read(folder / f"{name}.ipynb", as_version=4)
        marked = [c for c in nb.cells if c.get("metadata", {}).get("threec", {}).get("failed")]
        assert len(marked) == 1, name
        assert "threec-failed" in marked[0].metadata.tags
        if ename:
            assert any(o.get("ename") == ename for o in marked[0].outputs)
        assert not (folder / f"{name}.pdf").exists() and not (folder / f"{name}.xlsx").exists()
        assert not (folder / f"{name}.results.json").exists()
        html = (folder / f"{name}.html").read_text(encoding="utf-8")
        assert "This report is incomplete" in html
    assert not list(folder.glob(".*partial*")) and not (root / "reports" / "t" / ".tasks").exists()


def test_index_and_summary(first_run):
    root, plan, result, _ = first_run
    out = root / "reports" / "t"
    summary = json.loads((out / "batch-summary.json").read_text(encoding="utf-8"))
    assert summary["running"] is False and summary["counts"] == {"ok": 1, "failed": 3}
    assert {j["notebook"]: j["status"] for j in summary["jobs"]} == {"ok_report": "ok", "fails": "failed",
                                                                     "hangs": "failed", "dies": "failed"}
    index = (out / "index.html").read_text(encoding="utf-8")
    for name in ("ok_report", "fails", "hangs", "dies"):
        assert name in index
    assert 'href="acme/FY2025/ok_report.pdf"' in index and 'href="acme/FY2025/briefing.html"' in index
    assert "ValueError: the input has no revenue column" in index
    assert "still running" not in index
    briefing = (out / "acme" / "FY2025" / "briefing.html").read_text(encoding="utf-8")
    assert "5,800" in briefing and "dies, fails, hangs" in briefing  # failed notebooks named


def test_provenance(first_run):
    root, plan, result, _ = first_run
    folder = root / "reports" / "t" / "acme" / "FY2025"
    prov = json.loads((folder / "ok_report.provenance.json").read_text(encoding="utf-8"))
    for table, name in (("customers", "customers.csv"), ("transactions", "transactions.csv"),
                        ("client.yaml", "client.yaml")):
        expected = hashlib.sha256((root / "clients" / "acme" / name).read_bytes()).hexdigest()
        assert prov["inputs"][table]["sha256"] == expected
    assert prov["notebook_sha256"] == hashlib.sha256((FIXTURES / "ok_report.ipynb").read_bytes()).hexdigest()
    assert prov["client_id"] == "acme" and prov["period"] == "FY2025" and prov["parameters"]["lang"] == "en"
    assert "output_dir" not in prov["parameters"]  # machine-specific paths stay out
    assert prov["threec_version"] and prov["git_commit"] and prov["started"] and prov["finished"]
    html = (folder / "ok_report.html").read_text(encoding="utf-8")
    assert prov["inputs"]["customers"]["sha256"] in html and prov["git_commit"] in html


def test_concurrent_run_is_refused(first_run):
    root, plan, _, _ = first_run
    with run_lock(plan.out_dir):
        with pytest.raises(BatchLockedError) as exc:
            run_batch(make_plan(root, root / "reports", ["ok_report"]), workers=1, progress=False)
    assert "Another run" in str(exc.value) and "pid" in str(exc.value)


def test_unwritable_reports_folder(first_run, tmp_path):
    root, _, _, _ = first_run
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("x")
    with pytest.raises(ReportsFolderError, match="Cannot write to the reports folder"):
        run_batch(make_plan(root, blocker, ["ok_report"]), workers=1, progress=False)


def test_retry_failed_reruns_only_the_failures(first_run):
    root, _, first, _ = first_run
    plan = make_plan(root, root / "reports", ["ok_report", "fails"])
    result = run_batch(plan, workers=2, retry_failed=True, progress=False)
    jobs = _by_id(result)
    assert jobs["ok_report"]["status"] == "unchanged" and jobs["ok_report"]["run_id"] == first.run_id
    assert jobs["fails"]["status"] == "failed" and jobs["fails"]["run_id"] == result.run_id


def test_unchanged_work_is_skipped_and_force_reruns_the_same_content(first_run):
    root, _, first, _ = first_run
    folder = root / "reports" / "t" / "acme" / "FY2025"
    before_html = (folder / "ok_report.html").read_text(encoding="utf-8")
    before_results = (folder / "ok_report.results.json").read_text(encoding="utf-8")
    before_prov = json.loads((folder / "ok_report.provenance.json").read_text(encoding="utf-8"))
    t0 = time.monotonic()
    skipped = run_batch(make_plan(root, root / "reports", ["ok_report"]), workers=1, progress=False)
    assert _by_id(skipped)["ok_report"]["status"] == "unchanged"
    assert time.monotonic() - t0 < 15  # no kernel was started
    forced = run_batch(make_plan(root, root / "reports", ["ok_report"]), workers=1, force=True, progress=False)
    job = _by_id(forced)["ok_report"]
    assert job["status"] == "ok" and job["run_id"] == forced.run_id != first.run_id
    after_html = (folder / "ok_report.html").read_text(encoding="utf-8")
    assert after_html != before_html  # the run times differ ...
    assert strip_run_times(after_html) == strip_run_times(before_html)  # ... and nothing else
    assert (folder / "ok_report.results.json").read_text(encoding="utf-8") == before_results
    after_prov = json.loads((folder / "ok_report.provenance.json").read_text(encoding="utf-8"))
    assert stable_part(after_prov) == stable_part(before_prov)
    # a changed input is not "unchanged"
    tx = root / "clients" / "acme" / "transactions.csv"
    tx.write_text(tx.read_text(encoding="utf-8") + "T6,2025-07-01,C001,1,0.5,1,blinds\n", encoding="utf-8")
    try:
        plan = make_plan(root, root / "reports", ["ok_report"])
        assert unchanged_result(plan.jobs[0]) is None
    finally:
        tx.write_text(tx.read_text(encoding="utf-8").replace("T6,2025-07-01,C001,1,0.5,1,blinds\n", ""),
                      encoding="utf-8")


def test_mask_replaces_names_and_ids_in_every_output(first_run, tmp_path):
    root, _, _, _ = first_run
    result = run_batch(make_plan(root, tmp_path, ["ok_report"], mask=True), workers=1, progress=False)
    assert _by_id(result)["ok_report"]["status"] == "ok"
    folder = tmp_path / "t" / "acme" / "FY2025"
    import openpyxl

    wb = openpyxl.load_workbook(folder / "ok_report.xlsx")
    xlsx_text = " ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)
    texts = {
        "html": (folder / "ok_report.html").read_text(encoding="utf-8"),
        "slides": (folder / "ok_report.slides.html").read_text(encoding="utf-8"),
        "results": (folder / "ok_report.results.json").read_text(encoding="utf-8"),
        "ipynb": (folder / "ok_report.ipynb").read_text(encoding="utf-8"),
        "briefing": (folder / "briefing.html").read_text(encoding="utf-8"),
        "xlsx": xlsx_text,
    }
    for kind, text in texts.items():
        for secret in ("Alpha Hotel", "Beta Homes", "Gamma Retail", "C001", "C002", "C003"):
            assert secret not in text, (kind, secret)
    assert "Customer-" in texts["html"] and "Customer-" in texts["results"] and "Customer-" in texts["xlsx"]


def test_killed_when_past_the_hard_deadline(first_run, tmp_path):
    root, _, _, _ = first_run
    plan = make_plan(root, tmp_path, ["hangs"])
    job = plan.jobs[0]
    t0 = time.monotonic()
    result = run_task(NotebookTask(job=job, deadline_s=6.0, run_id="r", result_path=str(tmp_path / "r.result.json")))
    assert time.monotonic() - t0 < 30
    assert result.status == "failed" and result.error_kind == "timeout"
    folder = tmp_path / "t" / "acme" / "FY2025"
    assert (folder / "hangs.provenance.json").is_file()
    assert not (folder / "hangs.pdf").exists()


def test_cli_parameter_error_exits_2(tmp_path):
    from threec_helpers.cli import cli

    write_client(tmp_path / "clients")
    batch = tmp_path / "b.yaml"
    batch.write_text(f"name: b\nclients: [acme]\nnotebooks: [ok_report]\nnotebooks_dir: {FIXTURES}\n"
                     "data_root: clients\nnotebook_parameters:\n  ok_report: {top_n: ten}\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["--lang", "en", "run", str(batch), "--out", str(tmp_path / "r"), "--quiet"])
    assert res.exit_code == 2, res.output
    assert "parameter 'top_n' of notebook ok_report must be int" in res.output
    assert not (tmp_path / "r" / "b").exists()
    res = CliRunner().invoke(cli, ["--lang", "en", "run", str(tmp_path / "missing.yaml")])
    assert res.exit_code == 2 and "not found" in res.output


def test_a_briefing_waits_for_its_period_and_the_one_it_compares_with_only():
    pending = {("a", "P1"): {"a/P1/x"}, ("a", "P2"): set(), ("b", "P1"): set(), ("b", "P2"): {"b/P2/y"}}
    previous_of = {("a", "P1"): None, ("a", "P2"): "P1", ("b", "P1"): None, ("b", "P2"): "P1"}
    # a/P2 is done but compares with a/P1, still running; b/P1 needs nothing else; b/P2 is running
    assert briefings_ready(pending, pending, previous_of) == [("b", "P1")]
    pending[("a", "P1")].clear()
    assert briefings_ready(pending, pending, previous_of) == [("a", "P1"), ("a", "P2"), ("b", "P1")]
    # a period compared with one outside the batch waits for nothing but itself
    assert briefings_ready({("c", "P9")}, {("c", "P9"): set()}, {("c", "P9"): "P8"}) == [("c", "P9")]
