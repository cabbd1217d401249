"""The schedule of a run over several periods: a notebook's later periods wait for its earlier ones
(their reports show the trend read from the earlier results files); briefings wait for the client's
earlier periods; other notebooks and clients do not wait."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from threec_helpers.batch.jobs import Job
from threec_helpers.batch.schedule import Schedule


def _job(client, period, notebook, previous=""):
    return Job(client_id=client, period=period, notebook=notebook, notebook_path="x.ipynb", output_dir="o",
               parameters={"previous_period": previous}, lang="en", timeout=10, formats=("html",), mask=False,
               kernel_name="python3", data_root="d")


def test_later_periods_wait_for_the_same_notebook_of_earlier_ones():
    jobs = [_job("a", p, nb, prev) for p, prev in (("FY2024", ""), ("FY2025", "FY2024"), ("FY2026", "FY2025"))
            for nb in ("n1", "n2")] + [_job("b", "FY2026", "n1")]
    plan = SimpleNamespace(jobs=jobs, out_dir=Path("/tmp/x"), spec=SimpleNamespace(briefing=True, formats=("html",),
                                                                                     name="t"))
    sched = Schedule(plan, jobs, grace=1, last_exec_s={})
    first = sorted(t.job.id for t in sched.notebook_tasks())
    assert first == ["a/FY2024/n1", "a/FY2024/n2", "b/FY2026/n1"]
    by_id = {j.id: j for j in jobs}
    assert [t.job.id for t in sched.released(by_id["a/FY2024/n1"])] == ["a/FY2025/n1"]
    assert sched.notebook_done(by_id["a/FY2024/n1"], "r") == []  # FY2024's n2 still runs
    assert [b.id for b in sched.notebook_done(by_id["a/FY2024/n2"], "r")] == ["a/FY2024/briefing"]
    assert [t.job.id for t in sched.released(by_id["a/FY2024/n2"])] == ["a/FY2025/n2"]
    # FY2026's briefing waits for every earlier period of the client in the run
    assert sched.earlier[("a", "FY2026")] == {("a", "FY2024"), ("a", "FY2025")}
    assert sched.earlier[("b", "FY2026")] == set()
