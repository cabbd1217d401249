"""Running a planned batch: select the work, schedule it on a runner, collect the results.

:func:`run_batch` holds the reports folder's lock for the run and goes through three steps:

1. :func:`select` - which jobs run: a job planned with an error fails at once, an
   unchanged one keeps its outputs (its key and files are those of an earlier run), with
   ``--retry-failed`` only the jobs that failed last time run;
2. schedule (:class:`~threec_helpers.batch.schedule.Schedule`) - the notebook tasks,
   longest first, and each briefing as soon as the notebooks it reads are done, submitted
   to a runner (:mod:`.runners`: local worker processes, or a Dask cluster);
3. :func:`collect` - take every result as it comes, report it, submit the briefings it
   makes ready.

A notebook that fails, hangs or kills its kernel fails alone; Ctrl-C (or SIGTERM) kills
the workers and marks what did not run as interrupted. ``batch-summary.json`` and
``index.html`` are written at the start (all pending) and last (:mod:`.index`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BatchLockedError, ReportsFolderError, ThreecError  # noqa: F401  (error types re-exported here)
from ..i18n import t
from ..report.results import not_assessed_text
from .index import previous_summary, write_run_index
from .jobs import Job, error_text, make_error
from .plan import Plan, unchanged_result
from .provenance import now_iso
from .runners import Runner, RunnerOptions, default_runner, make_runner, worker_env_for
from .schedule import Schedule, scratch_folder
from .tasks import NotebookTask, Task, TaskResult

LOCK = ".threec-run.lock"
#: seconds a task may take beyond its notebook timeout (kernel start, publishing) before it is killed
DEFAULT_GRACE = 180.0




@dataclass
class BatchResult:
    """What a batch run did.

    Attributes
    ----------
    out_dir : Path
    run_id : str
    jobs, briefings : list of dict
        Summary records of this run's notebooks and briefings.
    started, finished : str
    wall_s : float
    workers : int
    scheduler : str, optional
    counts : dict
        Jobs by status.

    Examples
    --------
    >>> result = BatchResult(out_dir=Path("reports/demo"), run_id="r1", briefings=[], started="", finished="",
    ...                      jobs=[{"id": "a", "status": "ok"}, {"id": "b", "status": "failed"}], wall_s=1.0,
    ...                      workers=1)
    >>> result.ok, [j["id"] for j in result.failed]
    (False, ['b'])
    """

    out_dir: Path
    run_id: str
    jobs: list[dict[str, Any]]
    briefings: list[dict[str, Any]]
    started: str
    finished: str
    wall_s: float
    workers: int
    scheduler: str | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> list[dict[str, Any]]:
        """The failed jobs and briefings."""
        return [j for j in self.jobs + self.briefings if j["status"] == "failed"]

    @property
    def ok(self) -> bool:
        """Nothing failed."""
        return not self.failed


def check_writable(folder: Path) -> None:
    """Create ``folder`` and check a file can be written in it (else :class:`ReportsFolderError`).

    Parameters
    ----------
    folder : Path

    Raises
    ------
    ReportsFolderError

    Examples
    --------
    >>> import tempfile
    >>> check_writable(Path(tempfile.mkdtemp()) / "reports" / "demo")
    >>> check_writable(Path("/proc/threec"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    threec_helpers.errors.ReportsFolderError: Cannot write to the reports folder /proc/threec ...
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".write-test-{os.getpid()}"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        raise ReportsFolderError(key="batch.error.unwritable", folder=folder,
                                 detail=exc.strerror or str(exc)) from None


@contextlib.contextmanager
def run_lock(folder: Path):
    """Hold the lock of a reports folder for one run (a second run gets :class:`BatchLockedError`).

    Parameters
    ----------
    folder : Path
        An existing reports folder.

    Raises
    ------
    BatchLockedError
        Another run holds it.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with run_lock(folder):
    ...     with run_lock(folder):  # doctest: +ELLIPSIS
    ...         pass
    Traceback (most recent call last):
    ...
    threec_helpers.errors.BatchLockedError: Another run (...) is writing into ...
    """
    path = folder / LOCK
    fh = open(path, "a+")
    try:
        try:
            import fcntl

            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # pragma: no cover - Windows: best effort
            pass
        except OSError:
            fh.seek(0)
            holder = fh.read().strip() or "?"
            fh.close()
            raise BatchLockedError(key="batch.error.locked", folder=folder, holder=holder) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} since {now_iso()}")
        fh.flush()
        yield
    finally:
        if not fh.closed:
            fh.close()


# --------------------------------------------------------------------------- 1. select


@dataclass
class Selection:
    """The jobs to run, and the results of those that do not run.

    Attributes
    ----------
    to_run : list of Job
    results : dict of TaskResult
        By job id: planning failures, kept and unchanged results.

    See Also
    --------
    select : makes one.

    Examples
    --------
    >>> Selection(to_run=[], results={}).to_run
    []
    """

    to_run: list[Job]
    results: dict[str, TaskResult]


def select(plan: Plan, run_id: str, previous: dict[str, Any], *, force: bool = False,
           retry_failed: bool = False) -> Selection:
    """Which jobs of ``plan`` run (see the module docstring); ``previous`` is the last run's summary.

    Parameters
    ----------
    plan : Plan
    run_id : str
    previous : dict
        :func:`~threec_helpers.batch.index.previous_summary`.
    force : bool
        Run unchanged jobs too.
    retry_failed : bool
        Run only the jobs that failed last time.

    Returns
    -------
    Selection

    Examples
    --------
    >>> import tempfile
    >>> from threec_helpers.batch.plan import plan_batch
    >>> from threec_helpers.batch.spec import load_batch
    >>> plan = plan_batch(load_batch(), Path(tempfile.mkdtemp()), clients=["demo_telecom", "nobody"],
    ...                   periods=["current"])
    >>> chosen = select(plan, "r1", {})
    >>> [job.id for job in chosen.to_run], {k: r.error_kind for k, r in chosen.results.items()}
    (['demo_telecom/2026-10/iso9001_certification_audit'], {'nobody/-/-': 'plan'})
    """
    prev_jobs = {j["id"]: j for j in previous.get("jobs", [])}
    results: dict[str, TaskResult] = {}
    to_run: list[Job] = []
    for job in plan.jobs:
        if job.error is not None:
            results[job.id] = TaskResult(id=job.id, status="failed", error=job.error, error_kind="plan",
                                         key=job.key, run_id=run_id)
            continue
        if retry_failed and prev_jobs.get(job.id, {}).get("status") not in ("failed", None):
            kept = TaskResult.from_dict(prev_jobs[job.id])
            kept.status = "unchanged" if kept.status in ("ok", "unchanged") else kept.status
            results[job.id] = kept
            continue
        if not force:
            same = unchanged_result(job)
            if same is not None:
                results[job.id] = same
                continue
        to_run.append(job)
    return Selection(to_run=to_run, results=results)


# --------------------------------------------------------------------------- 2. schedule, 3. collect


class Submitter:
    """Numbers each task and gives it the run id and its result file, then hands it to the runner.

    Parameters
    ----------
    runner : Runner
    run_id : str
    scratch : Path
        Where the result files go.

    Examples
    --------
    >>> import queue, tempfile
    >>> from types import SimpleNamespace
    >>> from threec_helpers.batch.tasks import BriefingTask
    >>> runner = SimpleNamespace(done=queue.Queue(), submit=lambda task, priority: None)
    >>> submit = Submitter(runner, "r1", Path(tempfile.mkdtemp()) / ".tasks")
    >>> task = BriefingTask(id="acme/2025/briefing", folder="x", client="acme", period="2025", lang="en")
    >>> submit(task)
    >>> task.seq, task.run_id, Path(task.result_path).name, submit.outstanding
    (1, 'r1', '000001.result.json', 1)
    """

    def __init__(self, runner: Runner, run_id: str, scratch: Path):
        self.runner, self.run_id, self.scratch = runner, run_id, scratch
        self.seq = 0
        self.outstanding = 0

    def __call__(self, task: Task, priority: int = 1) -> None:
        self.seq += 1
        task.seq = self.seq
        task.run_id = self.run_id
        task.submitted = now_iso()
        task.result_path = str(self.scratch / f"{self.seq:06d}.result.json")
        self.scratch.mkdir(exist_ok=True)
        self.runner.submit(task, priority)
        self.outstanding += 1


def collect(runner: Runner, submit: Submitter, schedule: Schedule, results: dict[str, TaskResult],
            briefings: dict[str, TaskResult], *, on_notebook: Callable[[TaskResult], None],
            say: Callable[[str], None], lang: str) -> None:
    """Take every result from ``runner`` until none is outstanding, submitting briefings as they become ready.

    Parameters
    ----------
    runner : Runner
    submit : Submitter
    schedule : Schedule
    results, briefings : dict
        Filled with each notebook's and briefing's result, by task id.
    on_notebook : callable
        Called with each notebook's result.
    say : callable
        Prints a line (a failed briefing).
    lang : {"zh", "en"}

    Examples
    --------
    >>> import queue
    >>> from types import SimpleNamespace
    >>> from threec_helpers.batch.tasks import BriefingTask, TaskResult
    >>> runner = SimpleNamespace(done=queue.Queue())
    >>> task = BriefingTask(id="acme/2025/briefing", folder="x", client="acme", period="2025", lang="en")
    >>> runner.done.put((task, TaskResult(id=task.id, kind="briefing", status="ok")))
    >>> submit = SimpleNamespace(outstanding=1)
    >>> briefings = {}
    >>> collect(runner, submit, None, {}, briefings, on_notebook=print, say=print, lang="en")
    >>> briefings[task.id].status, submit.outstanding
    ('ok', 0)
    """
    while submit.outstanding:
        task, result = runner.done.get()
        submit.outstanding -= 1
        if isinstance(task, NotebookTask):
            results[task.id] = result
            on_notebook(result)
            for later in schedule.released(task.job):  # the same notebook's later periods (trends)
                submit(later)
            for brief in schedule.notebook_done(task.job, submit.run_id):
                submit(brief, priority=0)
        else:
            briefings[task.id] = result
            if result.status == "failed":
                say(f"✗ {task.id}: {error_text(result.error, lang)}")


def run_batch(plan: Plan, *, workers: int | None = None, force: bool = False, retry_failed: bool = False,
              scheduler: str | Any | None = None, grace: float = DEFAULT_GRACE, lang: str = "zh",
              progress: bool = True, echo: Callable[[str], None] | None = None,
              runner: str | None = None) -> BatchResult:
    """Run a planned batch and write its reports, briefings, summary and index.

    Parameters
    ----------
    plan : Plan
        From :func:`~threec_helpers.batch.plan.plan_batch`.
    workers : int, optional
        Notebooks run at once (default: the batch file's ``workers``, else the number of cores).
    force : bool
        Run every job, also those whose notebook, parameters and inputs are unchanged.
    retry_failed : bool
        Run only the jobs that failed in the previous run of this batch.
    scheduler : str or distributed.Client, optional
        Run on a Dask cluster (address ``tcp://host:8786`` or a Client).
    grace : float
        Seconds a task may run past its notebook timeout before it is killed.
    lang : {"zh", "en"}
        Language of the index and of the messages.
    progress : bool
        Show a progress bar (stderr) and a line per finished notebook.
    echo : callable, optional
        Where the per-notebook lines go (default: the progress bar's ``write``).
    runner : str, optional
        A registered runner (:func:`~threec_helpers.batch.runners.runner_names`); default:
        :func:`~threec_helpers.batch.runners.default_runner`.

    Returns
    -------
    BatchResult

    Raises
    ------
    ReportsFolderError
        The reports folder cannot be written.
    BatchLockedError
        Another run is writing into the same folder.

    See Also
    --------
    threec_helpers.batch.plan.plan_batch : the plan this runs.

    Examples
    --------
    >>> import tempfile
    >>> from threec_helpers.batch.plan import plan_batch
    >>> from threec_helpers.batch.spec import load_batch
    >>> plan = plan_batch(load_batch(), Path(tempfile.mkdtemp()), clients=["nobody"])  # nothing can run
    >>> result = run_batch(plan, workers=1, runner="process", progress=False, lang="en")
    >>> result.counts, (plan.out_dir / "index.html").is_file()
    ({'failed': 1}, True)
    """
    from tqdm import tqdm

    out_dir = plan.out_dir
    check_writable(out_dir)
    workers = workers or plan.spec.workers or os.cpu_count() or 1
    with run_lock(out_dir):
        t0 = time.monotonic()
        started = now_iso()
        run_id = f"{plan.spec.name}-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
        previous = previous_summary(out_dir)
        chosen = select(plan, run_id, previous, force=force, retry_failed=retry_failed)
        results = chosen.results
        write_run_index(out_dir, plan, results, {}, run={"run_id": run_id, "started": started, "finished": "",
                                                         "running": True}, lang=lang, previous=previous)
        last_exec_s = {j["id"]: float(j.get("exec_s") or 0.0) for j in previous.get("jobs", [])}
        schedule = Schedule(plan, chosen.to_run, grace=grace, last_exec_s=last_exec_s)
        briefings: dict[str, TaskResult] = {}
        previous_term = None
        if threading.current_thread() is threading.main_thread():
            def _on_term(signum, frame):  # a terminated run cleans up like Ctrl-C: kernels killed, index written
                raise KeyboardInterrupt

            previous_term = signal.signal(signal.SIGTERM, _on_term)
        scratch = scratch_folder(out_dir)
        jobs = [j for j in plan.jobs if j.error is None and j.notebook_path]
        opts = RunnerOptions(workers=workers, scratch=scratch, scheduler=scheduler,
                             env=worker_env_for([j.notebook_path for j in jobs], [j.kernel_name for j in jobs]))
        pool = make_runner(runner or default_runner(scheduler), opts)
        bar = tqdm(total=len(chosen.to_run), desc=plan.spec.name, unit=" nb", disable=not progress, file=sys.stderr,
                   dynamic_ncols=True)
        say = echo or (lambda line: bar.write(line, file=sys.stderr) if progress else None)

        def on_notebook(result: TaskResult) -> None:
            bar.update(1)
            say(_line(result, lang))

        submit = Submitter(pool, run_id, scratch)
        try:
            for task in schedule.notebook_tasks():
                submit(task)
            for task in schedule.first_briefings(run_id):
                submit(task, priority=0)
            collect(pool, submit, schedule, results, briefings, on_notebook=on_notebook, say=say, lang=lang)
        except KeyboardInterrupt:
            pool.kill()
            for job in chosen.to_run:
                results.setdefault(job.id, TaskResult(id=job.id, status="failed",
                                                      error=make_error("batch.error.interrupted"),
                                                      error_kind="interrupted", key=job.key, run_id=run_id))
            raise
        finally:
            bar.close()
            pool.close()
            if previous_term is not None:
                signal.signal(signal.SIGTERM, previous_term)
            finished = now_iso()
            run = {"run_id": run_id, "started": started, "finished": finished,
                   "wall_s": round(time.monotonic() - t0, 2), "workers": workers,
                   "scheduler": None if scheduler is None else str(getattr(scheduler, "scheduler", scheduler)),
                   "running": False}
            summary = write_run_index(out_dir, plan, results, briefings, run=run, lang=lang, previous=previous)
            clean_scratch(scratch)
        # what this run did (the index also lists what a restricted run kept from earlier runs)
        planned = {job.id for job in plan.jobs}
        jobs_here = [j for j in summary["jobs"] if j["id"] in planned]
        counts: dict[str, int] = {}
        for rec in jobs_here:
            counts[rec["status"]] = counts.get(rec["status"], 0) + 1
        return BatchResult(out_dir=out_dir, run_id=run_id, jobs=jobs_here,
                           briefings=[b for b in summary["briefings"] if b["id"] in briefings],
                           started=started, finished=finished, wall_s=run["wall_s"], workers=workers,
                           scheduler=run["scheduler"], counts=counts)


def clean_scratch(folder: Path) -> None:
    """Remove the run's scratch folder (task files, worker logs: the summary holds what failed).

    Parameters
    ----------
    folder : Path
        :func:`~threec_helpers.batch.schedule.scratch_folder`.

    Examples
    --------
    >>> import tempfile
    >>> scratch = Path(tempfile.mkdtemp()) / ".tasks"
    >>> scratch.mkdir()
    >>> _ = (scratch / "000001.result.json").write_text("{}")
    >>> clean_scratch(scratch)
    >>> scratch.exists()
    False
    """
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        with contextlib.suppress(OSError):
            path.unlink()
    with contextlib.suppress(OSError):
        folder.rmdir()


def _line(result: TaskResult, lang: str) -> str:
    if result.status == "ok":
        return f"✓ {result.id}  {result.exec_s or 0:.1f} s"
    if result.status == "not_assessed":
        return f"○ {result.id}  {t('batch.status.not_assessed', lang)}: {not_assessed_text(result.not_assessed, lang)}"
    return f"✗ {result.id}  {error_text(result.error, lang)}"
