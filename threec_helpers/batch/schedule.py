"""Scheduling a batch run: which tasks, in what order, and when each briefing can be composed.

Notebooks go longest first (by the last recorded execution time), so a run does not end
on one long notebook. A client and period's briefing reads its notebooks' results files
and those of the period it compares with ("what changed") and of the client's earlier periods
in the run (trends), so it is submitted as soon as the notebooks of those are finished (:func:`briefings_ready`), ahead of the notebooks still
waiting; the briefings of groups where nothing ran are composed again at the start
(they are cheap and read other folders, so they are never judged unchanged).
"""

from __future__ import annotations

from pathlib import Path

from .jobs import Job
from .plan import Plan
from .spec import BRIEFING_FORMATS
from .tasks import BriefingTask, NotebookTask

Group = tuple[str, str]
#: seconds a briefing may take before its worker is killed
BRIEFING_DEADLINE_S = 600.0


def briefings_ready(candidates, pending: dict[Group, set[str]], previous_of: dict[Group, str | None],
                    earlier: dict[Group, set[Group]] | None = None) -> list[Group]:
    """The (client, period) groups whose briefing can be composed now.

    A briefing reads its own period's results and, for "what changed", those of the period
    it compares with, and for its trends those of the client's earlier periods of the run
    (``earlier``); so it waits for the notebooks of those, and for nothing else.

    Parameters
    ----------
    candidates : iterable of (str, str)
        (client, period) groups whose briefing is still to compose.
    pending : dict
        Group -> ids of its notebook tasks not yet finished.
    previous_of : dict
        Group -> the period it compares with (None: none).

    Returns
    -------
    list of (str, str)

    Examples
    --------
    >>> pending = {("a", "P1"): set(), ("a", "P2"): {"a/P2/nb"}, ("b", "P2"): set()}
    >>> previous_of = {("a", "P1"): None, ("a", "P2"): "P1", ("b", "P2"): "P1"}
    >>> briefings_ready(pending, pending, previous_of)
    [('a', 'P1'), ('b', 'P2')]
    """
    ready = []
    for group in sorted(candidates):
        prev = (group[0], previous_of[group]) if previous_of.get(group) else None
        if not pending.get(group) and not pending.get(prev) and not any(
                pending.get(g) for g in (earlier or {}).get(group, ())):
            ready.append(group)
    return ready


class Schedule:
    """The tasks of one run and the briefings still to compose.

    Parameters
    ----------
    plan : Plan
    to_run : list of Job
        The jobs selected to run (:func:`~threec_helpers.batch.orchestrate.select`).
    grace : float
        Seconds a notebook task may take past its timeout before it is killed.
    last_exec_s : dict
        job id -> execution seconds in the previous run (for the order).

    See Also
    --------
    briefings_ready : when a briefing may start.

    Examples
    --------
    >>> import tempfile
    >>> from threec_helpers.batch.plan import plan_batch
    >>> from threec_helpers.batch.spec import load_batch
    >>> plan = plan_batch(load_batch(), Path(tempfile.mkdtemp()), clients=["demo_telecom"])
    >>> schedule = Schedule(plan, plan.jobs, grace=5.0, last_exec_s={})
    >>> sorted(schedule.groups), len(schedule.pending[("demo_telecom", "2026-10")])
    ([('demo_telecom', '2026-09'), ('demo_telecom', '2026-10')], 1)
    """

    def __init__(self, plan: Plan, to_run: list[Job], *, grace: float, last_exec_s: dict[str, float]):
        self.plan = plan
        self.out_dir = plan.out_dir
        self.grace = grace
        self.groups: dict[Group, list[Job]] = {}
        for job in plan.jobs:
            if job.period != "-":
                self.groups.setdefault((job.client_id, job.period), []).append(job)
        run_ids = {j.id for j in to_run}
        self.pending: dict[Group, set[str]] = {g: {j.id for j in js if j.id in run_ids}
                                               for g, js in self.groups.items()}
        # the period each group's briefing compares with ("what changed"): its notebooks' previous_period
        self.previous_of: dict[Group, str | None] = {
            g: next((j.parameters.get("previous_period") or j.parameters.get("comparison_period")
                     for j in js if j.parameters.get("previous_period") or j.parameters.get("comparison_period")),
                    None) for g, js in self.groups.items()}
        # the client's periods planned before each group's (in the plan's order, which is time order
        # for all, last N and ranges): the briefing's trends read their results
        self.earlier: dict[Group, set[Group]] = {}
        seen: dict[str, list[Group]] = {}
        for g in self.groups:
            self.earlier[g] = set(seen.get(g[0], []))
            seen.setdefault(g[0], []).append(g)
        rerun = {g for g, ids in self.pending.items() if ids}
        # a briefing is composed again after its group runs, after the period it compares with runs,
        # or after an earlier period of its trend runs
        self.rerun_groups = rerun | {g for g in self.groups if (g[0], self.previous_of.get(g)) in rerun
                                     or self.earlier[g] & rerun}
        self.briefed: set[Group] = set()
        self.to_run = sorted(to_run, key=lambda j: -last_exec_s.get(j.id, 0.0))
        # a notebook's report shows its trend over the client's earlier periods (their results files):
        # so a job waits for the same notebook of the client's earlier periods in this run
        periods_of: dict[str, list[str]] = {}
        for client, period in self.groups:
            periods_of.setdefault(client, []).append(period)
        by_nb: dict[tuple[str, str], dict[str, str]] = {}
        for j in to_run:
            by_nb.setdefault((j.client_id, j.notebook), {})[j.period] = j.id
        self.blocked_by: dict[str, set[str]] = {}
        for j in to_run:
            order = periods_of.get(j.client_id, [])
            before = order[:order.index(j.period)] if j.period in order else []
            same = by_nb[(j.client_id, j.notebook)]
            self.blocked_by[j.id] = {same[p] for p in before if p in same}
        self.waiting: dict[str, Job] = {}

    def notebook_tasks(self) -> list[NotebookTask]:
        """One task per job that can run now, longest first (the others wait for their earlier periods)."""
        ready = []
        for job in self.to_run:
            if self.blocked_by.get(job.id):
                self.waiting[job.id] = job
            else:
                ready.append(NotebookTask(job=job, deadline_s=job.timeout + self.grace))
        return ready

    def released(self, job: Job) -> list[NotebookTask]:
        """Record that ``job`` finished; the waiting notebook tasks that can now run."""
        out = []
        for jid in list(self.waiting):
            self.blocked_by[jid].discard(job.id)
            if not self.blocked_by[jid]:
                later = self.waiting.pop(jid)
                out.append(NotebookTask(job=later, deadline_s=later.timeout + self.grace))
        return out

    def briefing_task(self, group: Group, run_id: str) -> BriefingTask:
        """The task that composes ``group``'s briefing."""
        client, period = group
        jobs = self.groups[group]
        prev_period = self.previous_of.get(group)
        return BriefingTask(id=f"{client}/{period}/briefing", folder=str(self.out_dir / client / period),
                            client=client, period=period, lang=jobs[0].lang, engagement=jobs[0].engagement,
                            client_name=jobs[0].client_name,
                            formats=[f for f in self.plan.spec.formats if f in BRIEFING_FORMATS] or ["html"],
                            previous_folder=str(self.out_dir / client / prev_period) if prev_period else None,
                            deadline_s=BRIEFING_DEADLINE_S, run={"run_id": run_id, "batch": self.plan.spec.name},
                            data_root=str(jobs[0].data_root) if jobs[0].data_root else None)

    def first_briefings(self, run_id: str) -> list[BriefingTask]:
        """The briefings of groups where nothing runs (composed again from the start)."""
        if not self.plan.spec.briefing:
            return []
        return [self.briefing_task(g, run_id) for g in sorted(self.groups) if g not in self.rerun_groups]

    def notebook_done(self, job: Job, run_id: str) -> list[BriefingTask]:
        """Record that ``job`` finished; the briefings that can now be composed."""
        self.pending[(job.client_id, job.period)].discard(job.id)
        if not self.plan.spec.briefing:
            return []
        ready = briefings_ready(self.rerun_groups - self.briefed, self.pending, self.previous_of, self.earlier)
        self.briefed.update(ready)
        return [self.briefing_task(g, run_id) for g in ready]


def scratch_folder(out_dir: Path) -> Path:
    """The run's scratch folder (task result files, worker logs), removed at the end.

    Parameters
    ----------
    out_dir : Path
        The batch's folder.

    Returns
    -------
    Path

    Examples
    --------
    >>> scratch_folder(Path("reports/demo")).as_posix()
    'reports/demo/.tasks'
    """
    return out_dir / ".tasks"
