"""Typed batch tasks and results cross process boundaries unchanged; runners come from one registry;
the scheduler submits briefings when the notebooks they read are done (a fake runner, no processes)."""

from __future__ import annotations

import json
import pickle
import queue
from pathlib import Path

import pytest

from threec_helpers.batch.jobs import Job, make_error
from threec_helpers.batch.orchestrate import Submitter, collect, select
from threec_helpers.batch.plan import Plan
from threec_helpers.batch.runners import (
    Runner,
    RunnerOptions,
    default_runner,
    make_runner,
    register_runner,
    runner_names,
    unregister_runner,
)
from threec_helpers.batch.schedule import Schedule
from threec_helpers.batch.spec import BatchSpec, ClientSpec
from threec_helpers.batch.tasks import (
    BriefingTask,
    NotebookTask,
    TaskResult,
    crash_result,
    task_from_dict,
)


def _job(client: str = "acme", period: str = "FY2025", notebook: str = "nb", **kw) -> Job:
    return Job(client_id=client, period=period, notebook=notebook, notebook_path=f"/nb/{notebook}.ipynb",
               output_dir=f"/r/{client}/{period}", parameters={"top_n": 3, "previous_period": kw.pop("prev", "")},
               lang="en", timeout=30.0, formats=("html", "pdf"), mask=False, kernel_name="threec", data_root="/d",
               key=f"k-{notebook}", **kw)


def _json_round_trip(data):
    return json.loads(json.dumps(data, ensure_ascii=False))


# ---------------------------------------------------------------------------------- typed tasks and results


def test_notebook_task_round_trips_through_json_and_pickle():
    task = NotebookTask(job=_job(), deadline_s=210.0, seq=3, run_id="r1", submitted="2025-01-01T00:00:00Z",
                        result_path="/r/.tasks/000003.result.json")
    assert task.id == "acme/FY2025/nb" and task.kind == "notebook"
    data = _json_round_trip(task.to_dict())
    assert data["kind"] == "notebook" and data["job"]["formats"] == ["html", "pdf"]
    back = task_from_dict(data)
    assert back == task and isinstance(back.job, Job) and back.job.formats == ("html", "pdf")
    assert pickle.loads(pickle.dumps(task)) == task


def test_briefing_task_round_trips_through_json_and_pickle():
    task = BriefingTask(id="acme/FY2025/briefing", folder="/r/acme/FY2025", client="acme", period="FY2025",
                        lang="zh", engagement="3c", client_name="测试窗饰公司", formats=["html", "pdf"],
                        previous_folder="/r/acme/FY2024", run={"run_id": "r1", "batch": "monthly"}, deadline_s=600.0)
    assert task_from_dict(_json_round_trip(task.to_dict())) == task
    assert pickle.loads(pickle.dumps(task)) == task


def test_task_result_round_trips_and_reads_a_summary_record():
    result = TaskResult(id="acme/FY2025/nb", status="failed", error=make_error("batch.error.timeout", seconds=30),
                        error_kind="timeout", started="s", finished="f", exec_s=1.25, publish_s=0.5, kernel_s=0.1,
                        outputs={"html": "nb.html"}, key="k", run_id="r1", warnings=["w"])
    assert TaskResult.from_dict(_json_round_trip(result.to_dict())) == result
    assert pickle.loads(pickle.dumps(result)) == result
    # a job record of batch-summary.json (more keys, the error as text) is read for --retry-failed
    record = {"id": "a/P/nb", "client_id": "a", "title": "NB", "status": "ok", "error": "", "error_en": "",
              "exec_s": 2.0, "outputs": {"html": "a/P/nb.html"}, "run_id": "r0", "order": 10}
    kept = TaskResult.from_dict(record)
    assert (kept.status, kept.error, kept.exec_s, kept.run_id, kept.kernel_s) == ("ok", "", 2.0, "r0", None)


def test_a_runner_failure_becomes_a_failed_result_of_its_task():
    task = NotebookTask(job=_job(), deadline_s=5.0, run_id="r1")
    result = crash_result(task, RuntimeError("worker lost"))
    assert (result.id, result.kind, result.status, result.error_kind, result.key) == \
        ("acme/FY2025/nb", "notebook", "failed", "crash", "k-nb")
    assert result.error == {"key": "batch.error.crash", "fields": {"detail": "RuntimeError: worker lost"}}


# ---------------------------------------------------------------------------------- the runner registry


class FakeRunner:
    """Runs nothing: every task finishes at once with ``ok`` (in submission order by priority)."""

    def __init__(self, opts: RunnerOptions):
        self.opts = opts
        self.done: queue.Queue = queue.Queue()
        self.submitted: list[tuple[str, int]] = []

    def submit(self, task, priority: int = 1) -> None:
        self.submitted.append((task.id, priority))
        self.done.put((task, TaskResult(id=task.id, kind=task.kind, status="ok", run_id=task.run_id)))

    def close(self) -> None:
        pass

    def kill(self) -> None:
        pass


@pytest.fixture
def fake_runner():
    made: list[FakeRunner] = []

    def factory(opts):
        made.append(FakeRunner(opts))
        return made[-1]

    assert register_runner("fake-for-test", factory) is None
    yield made
    unregister_runner("fake-for-test")


def test_registry_lists_the_built_in_runners_and_picks_the_default():
    assert {"local", "process", "dask"} <= set(runner_names())
    assert default_runner("tcp://127.0.0.1:8786") == "dask"
    assert default_runner(None) in ("local", "process")


def test_a_registered_runner_is_made_with_its_options(fake_runner, tmp_path):
    assert "fake-for-test" in runner_names()
    runner = make_runner("fake-for-test", RunnerOptions(workers=2, scratch=tmp_path, env={"A": "1"}))
    assert isinstance(runner, Runner) and runner is fake_runner[0]
    assert (runner.opts.workers, runner.opts.env) == (2, {"A": "1"})


def test_unknown_runner_and_dask_without_scheduler_are_refused(tmp_path):
    with pytest.raises(KeyError, match="no batch runner 'nope'"):
        make_runner("nope", RunnerOptions(workers=1, scratch=tmp_path))
    with pytest.raises(ValueError, match="scheduler"):
        make_runner("dask", RunnerOptions(workers=1, scratch=tmp_path))


def test_registering_a_name_again_returns_the_factory_it_replaced(fake_runner):
    def other(opts):
        return FakeRunner(opts)

    previous = register_runner("fake-for-test", other)
    assert previous is not None and previous is not other
    register_runner("fake-for-test", previous)


# ---------------------------------------------------------------------------------- select, schedule, collect


def _plan(tmp_path: Path, jobs: list[Job]) -> Plan:
    spec = BatchSpec(name="t", clients=[ClientSpec(id="acme")], formats=("html", "pdf", "xlsx"))
    return Plan(spec=spec, jobs=jobs, notebooks={}, out_dir=tmp_path / "t")


def test_select_fails_planned_errors_and_keeps_previous_jobs_with_retry_failed(tmp_path):
    bad = _job(notebook="bad", error=make_error("batch.error.unknown_notebook", notebook="bad", folder="x", known="-"))
    ok, failed = _job(notebook="ok"), _job(notebook="failed")
    previous = {"jobs": [{"id": ok.id, "status": "ok", "exec_s": 3.0}, {"id": failed.id, "status": "failed"}]}
    chosen = select(_plan(tmp_path, [bad, ok, failed]), "r1", previous, retry_failed=True)
    assert [j.id for j in chosen.to_run] == [failed.id]
    assert chosen.results[bad.id].error_kind == "plan" and chosen.results[bad.id].run_id == "r1"
    assert chosen.results[ok.id].status == "unchanged" and chosen.results[ok.id].exec_s == 3.0


def test_collect_submits_each_briefing_once_its_notebooks_and_the_compared_period_are_done(tmp_path, fake_runner):
    jobs = [_job(period="FY2024", notebook="a"), _job(period="FY2025", notebook="a", prev="FY2024"),
            _job(period="FY2025", notebook="b", prev="FY2024")]
    plan = _plan(tmp_path, jobs)
    schedule = Schedule(plan, jobs, grace=60.0, last_exec_s={jobs[2].id: 9.0})
    tasks = schedule.notebook_tasks()
    assert tasks[0].id == jobs[2].id and tasks[0].deadline_s == 90.0  # the longest last time goes first
    assert schedule.first_briefings("r1") == []  # every group runs: no briefing composed ahead
    runner = make_runner("fake-for-test", RunnerOptions(workers=1, scratch=tmp_path / "scratch"))
    submit = Submitter(runner, "r1", tmp_path / "scratch")
    for task in tasks:
        submit(task)
    results, briefings, lines = {}, {}, []
    collect(runner, submit, schedule, results, briefings, on_notebook=lambda r: lines.append(r.id),
            say=lines.append, lang="en")
    assert set(results) == {j.id for j in jobs} and all(r.run_id == "r1" for r in results.values())
    assert set(briefings) == {"acme/FY2024/briefing", "acme/FY2025/briefing"}
    order = [tid for tid, _ in runner.submitted]
    # FY2025's briefing waits for both its notebooks and for FY2024's (the period it compares with)
    assert order.index("acme/FY2025/briefing") > max(order.index(j.id) for j in jobs)
    assert dict(runner.submitted)["acme/FY2025/briefing"] == 0
    assert order.count("acme/FY2025/briefing") == 1


def test_a_not_assessed_result_is_not_a_failure_and_round_trips():
    import pickle

    from threec_helpers.batch.tasks import TaskResult

    r = TaskResult(id="a/P1/x", status="not_assessed", not_assessed={"tables": ["surveys"]})
    assert r.ok
    assert TaskResult.from_dict(r.to_dict()) == r == pickle.loads(pickle.dumps(r))


def test_the_briefing_names_what_was_not_assessed_in_grey_and_in_words():
    from threec_helpers.batch.briefing import compose_briefing

    results = {"customer_focus_audit": {"title": "Customer-focus audit", "headline": [], "assessed": False,
                                        "not_assessed": {"tables": ["focus_responses"]},
                                        "skipped": ["focus_responses"]}}
    model = compose_briefing(results, "3c", "en")
    assert model["not_assessed"] == [{"notebook": "Customer-focus audit", "text": (
        "No customer-focus audit answers: put the customer-focus audit answers table into the client's folder "
        "(its file name and columns are in the data guide) and run the report again.")}]
    assert "focus_responses" not in repr(model)


def test_a_briefing_reads_the_client_yaml_of_the_data_root_the_client_came_from(tmp_path):
    """``threec run --data-root X``: the briefing takes the engagement, name and targets from
    X/<client>/client.yaml, not from a client of the same id in the project's data root (whose
    targets would colour the scorecard wrongly) nor from none at all (a generic briefing)."""
    from conftest import write_client
    from threec_helpers.batch.briefing import write_briefing
    from threec_helpers.report.results import write_results

    root = tmp_path / "elsewhere" / "clients"
    write_client(root, "acme_elsewhere")
    folder = tmp_path / "reports" / "acme_elsewhere" / "FY2025"
    write_results(folder, "01_registration", {"title": "Registration", "headline": [
        {"key": "customers", "label": "Customers", "value": 5, "text": "5", "status": "neutral"}]})
    write_briefing(folder, "acme_elsewhere", "FY2025", "en", formats=("html",), data_root=root)
    page = (folder / "briefing.html").read_text(encoding="utf-8")
    assert "Acme Window Decor" in page  # the name from that client.yaml
    assert "3C" in page  # its engagement's layout, not the generic one


def test_the_briefing_task_carries_the_jobs_data_root(tmp_path):
    from threec_helpers.batch.tasks import BriefingTask, task_from_dict

    task = BriefingTask(id="a/1/briefing", folder=str(tmp_path), client="a", period="1", lang="en",
                        data_root=str(tmp_path / "clients"))
    assert task_from_dict(task.to_dict()).data_root == str(tmp_path / "clients")


def test_the_scorecard_gives_the_focus_factors_the_audits_target():
    """The focus audit's areas table names each factor by ``key``; the scorecard showed
    '未设目标' (no target) beside a 75% target the audit report printed (panel review)."""
    from threec_helpers.batch.briefing import compose_briefing

    results = {"customer_focus_audit": {
        "headline": [{"key": "organization", "label": "组织", "value": 0.6042, "text": "60.42%", "status": "warn"}],
        "tables": {"areas": [{"area_id": "ORG", "key": "organization", "score": 0.6042, "target": 0.75}]}}}
    model = compose_briefing(results, "3c", "zh")
    card = next(s for s in model["sections"] if s["id"] == "scorecard")
    text = " ".join(c["text"] for row in card["tables"][0]["rows"] for c in row)
    assert "≥ 75.00%" in text and "未设目标" not in text.split("组织")[1].split("沟通")[0]


def test_a_3c_conclusion_names_what_is_off_before_the_phases_summaries():
    from threec_helpers.batch.briefing import compose_briefing

    results = {"02_analysis": {"headline": [
        {"key": "satisfaction", "label": "客户满意度（CSAT，1-5）", "value": 3.77, "text": "3.77", "status": "bad"},
        {"key": "retention", "label": "客户保留率", "value": 0.8769, "text": "87.69%", "status": "warn"}],
        "conclusion": "分析阶段小结。"}}
    model = compose_briefing(results, "3c", "zh")
    paragraphs = next(s for s in model["sections"] if s["id"] == "conclusion")["paragraphs"]
    assert paragraphs[0] == "需重点关注：客户满意度（CSAT，1-5） 3.77。接近警戒：客户保留率 87.69%。"
    assert paragraphs[1] == "分析阶段小结。"
