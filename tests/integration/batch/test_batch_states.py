"""Runs and states that don't mislead (issue 15, item 11).

- a run restricted with ``--client`` keeps the other clients' results in the batch's
  summary and index, as they were;
- a notebook that could assess nothing is "not assessed" (grey) in the index, its report
  and the briefing, saying what is missing and how to supply it, in words.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from conftest import write_client
from threec_helpers.batch.orchestrate import run_batch
from threec_helpers.batch.plan import parse_batch, plan_batch
from testpaths import TESTS

FIXTURES = TESTS / "data" / "notebooks"


def _spec(root: Path, clients: list[str], notebooks: list[str], notebooks_dir: Path | None = FIXTURES, **kw):
    raw = {"name": "t", "clients": clients, "notebooks": notebooks, "timeout": 120, **kw}
    if notebooks_dir is not None:
        raw["notebooks_dir"] = str(notebooks_dir)
    return parse_batch(raw, "t.yaml", base=root, data_root=root / "clients")


def _summary(out: Path) -> dict:
    return json.loads((out / "batch-summary.json").read_text(encoding="utf-8"))


def test_a_run_restricted_to_one_client_keeps_the_others_in_the_index(tmp_path: Path):
    write_client(tmp_path / "clients", "acme")
    write_client(tmp_path / "clients", "beta")
    spec = _spec(tmp_path, ["acme", "beta"], ["ok_report"], formats=["html"])
    first = run_batch(plan_batch(spec, tmp_path / "reports"), workers=2, lang="en", progress=False)
    out = tmp_path / "reports" / "t"
    assert {j["client_id"]: j["status"] for j in first.jobs} == {"acme": "ok", "beta": "ok"}
    beta_before = next(j for j in _summary(out)["jobs"] if j["client_id"] == "beta")

    # the same batch, only acme, run again (force: it executes)
    again = run_batch(plan_batch(spec, tmp_path / "reports", clients=["acme"]), workers=1, force=True, lang="en",
                      progress=False)
    assert [j["client_id"] for j in again.jobs] == ["acme"]  # what this run did
    assert again.counts == {"ok": 1}
    summary = _summary(out)
    jobs = {j["client_id"]: j for j in summary["jobs"]}
    assert set(jobs) == {"acme", "beta"}
    assert jobs["acme"]["run_id"] == again.run_id
    assert jobs["beta"] == beta_before  # kept with its original status, times and run
    assert jobs["beta"]["run_id"] == first.run_id
    assert summary["counts"] == {"ok": 2}
    assert {b["client_id"] for b in summary["briefings"]} == {"acme", "beta"}
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="acme/FY2025/ok_report.html"' in index and 'href="beta/FY2025/ok_report.html"' in index
    assert 'href="beta/FY2025/briefing.html"' in index

    # a run of the whole batch again lists what the batch holds
    full = run_batch(plan_batch(spec, tmp_path / "reports"), workers=2, lang="en", progress=False)
    assert {j["client_id"] for j in full.jobs} == {"acme", "beta"}
    assert {j["client_id"] for j in _summary(out)["jobs"]} == {"acme", "beta"}


def test_the_cli_restricted_run_keeps_the_other_clients(tmp_path: Path):
    from threec_helpers.cli import cli

    write_client(tmp_path / "clients", "acme")
    write_client(tmp_path / "clients", "beta")
    batch = tmp_path / "t.yaml"
    batch.write_text(f"name: t\nclients: [acme, beta]\nnotebooks: [ok_report]\nformats: [html]\n"
                     f"notebooks_dir: {FIXTURES}\ndata_root: {tmp_path / 'clients'}\n", encoding="utf-8")
    runner = CliRunner()
    args = ["--lang", "en", "run", str(batch), "--out", str(tmp_path / "reports"), "--quiet", "--workers", "1"]
    assert runner.invoke(cli, args).exit_code == 0
    assert runner.invoke(cli, args + ["--client", "acme", "--force"]).exit_code == 0
    summary = _summary(tmp_path / "reports" / "t")
    assert sorted(j["client_id"] for j in summary["jobs"]) == ["acme", "beta"]


def test_a_notebook_that_could_assess_nothing_is_not_assessed_in_words(tmp_path: Path):
    # acme has customers and transactions but no customer-focus audit answers
    write_client(tmp_path / "clients", "acme")
    spec = _spec(tmp_path, ["acme"], ["customer_focus_audit"], notebooks_dir=None, formats=["html", "slides"],
                 lang="zh")
    result = run_batch(plan_batch(spec, tmp_path / "reports"), workers=1, lang="zh", progress=False)
    job = result.jobs[0]
    assert job["status"] == "not_assessed", job
    assert result.ok  # not a failure ...
    assert job["not_assessed"] == {"tables": ["focus_responses"]}
    # ... nor a green "done": grey, with what is missing and how to supply it, in words
    assert job["note"].startswith("没有客户关注审计答卷：请把客户关注审计答卷表放入客户文件夹")
    assert job["note_en"].startswith("No customer-focus audit answers: put the customer-focus audit answers table")
    out = tmp_path / "reports" / "t"
    assert _summary(out)["counts"] == {"not_assessed": 1}
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<span class="status not_assessed">未评估</span>' in index and job["note"] in index
    assert 'class="status ok"' not in index.split("<tbody>")[1]  # (the briefing itself was made: "done")
    folder = out / "acme" / "FY2025"
    results = json.loads((folder / "customer_focus_audit.results.json").read_text(encoding="utf-8"))
    assert results["assessed"] is False and results["not_assessed"] == {"tables": ["focus_responses"]}
    for name in ("customer_focus_audit.html", "customer_focus_audit.slides.html", "briefing.html"):
        page = (folder / name).read_text(encoding="utf-8")
        assert "banner neutral not-assessed" in page, name
        assert job["note"] in page, name
        assert "focus_responses" not in page, name  # people's words, not table names
    briefing = (folder / "briefing.html").read_text(encoding="utf-8")
    assert "未评估：客户关注审计" in briefing

    # kept from the earlier run, it is still "not assessed" (not "unchanged", which reads as done)
    again = run_batch(plan_batch(spec, tmp_path / "reports"), workers=1, lang="zh", progress=False)
    assert again.jobs[0]["status"] == "not_assessed" and again.jobs[0]["run_id"] == result.run_id
    assert again.jobs[0]["note"] == job["note"]
