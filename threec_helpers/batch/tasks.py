"""Typed tasks and task results: what a runner hands a worker, and what comes back.

A task crosses process boundaries - as one JSON line on a worker's pipe, as a pickle to a
Dask worker - and so does its result (as a JSON file the worker writes, or the return
value of a Dask task). Both are dataclasses that round-trip through :meth:`to_dict` /
``from_dict`` (JSON) and through :mod:`pickle` unchanged.

- :class:`NotebookTask`: run one :class:`~threec_helpers.batch.jobs.Job` (execute, publish);
- :class:`BriefingTask`: compose one client and period's briefing;
- :class:`TaskResult`: what either did; the batch summary's job records are made from it
  (:mod:`.index`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar

from .jobs import Job, make_error
from .provenance import now_iso


@dataclass(kw_only=True)
class _TaskBase:
    """What every task carries; the scheduler fills in ``seq`` to ``result_path`` on submission."""

    kind: ClassVar[str] = ""

    id: str = ""
    #: seconds the task may take before its worker is killed
    deadline_s: float = 600.0
    seq: int = 0
    run_id: str = ""
    #: when it was submitted (a lost task's "started")
    submitted: str = ""
    #: where the worker writes the result (JSON)
    result_path: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The task as JSON-ready data, with its ``kind``."""
        return {"kind": self.kind, **asdict(self)}


@dataclass(kw_only=True)
class NotebookTask(_TaskBase):
    """Execute and publish one notebook job.

    Attributes
    ----------
    job : Job
        (A dict from :meth:`Job.to_dict` is turned into a Job.)
    id, deadline_s, seq, run_id, submitted, result_path
        As every task: its id (default: the job's), the seconds before its worker is killed,
        and what the scheduler fills in on submission.

    See Also
    --------
    BriefingTask : the other kind of task.
    task_from_dict : a task back from its data.

    Examples
    --------
    >>> from threec_helpers.batch.jobs import Job
    >>> job = Job(client_id="acme", period="2025", notebook="02_analysis", notebook_path="02_analysis.ipynb",
    ...           output_dir="reports/demo/acme/2025", parameters={"lang": "en"}, lang="en", timeout=600.0,
    ...           formats=("html",), mask=False, kernel_name="python3", data_root="data/clients")
    >>> task = NotebookTask(job=job)
    >>> task.id, task.to_dict()["kind"]
    ('acme/2025/02_analysis', 'notebook')
    """

    kind: ClassVar[str] = "notebook"

    job: Job

    def __post_init__(self) -> None:
        if isinstance(self.job, dict):
            self.job = Job.from_dict(self.job)
        self.id = self.id or self.job.id

    def to_dict(self) -> dict[str, Any]:
        """The task as JSON-ready data, with its ``kind`` and its job."""
        d = super().to_dict()
        d["job"] = self.job.to_dict()
        return d


@dataclass(kw_only=True)
class BriefingTask(_TaskBase):
    """Compose the briefing of one client and period from its notebooks' results files.

    Attributes
    ----------
    folder : str
        The client and period's report folder.
    client, period, lang : str
    engagement, client_name : str, optional
    formats : list of str
    previous_folder : str, optional
        The folder of the period it compares with.
    data_root : str, optional
        The folder of client folders the client was read from (its ``client.yaml`` gives the
        targets and the branding); default the project's data root.

    See Also
    --------
    NotebookTask : the other kind of task.

    Examples
    --------
    >>> task = BriefingTask(id="acme/2025/briefing", folder="reports/demo/acme/2025", client="acme",
    ...                     period="2025", lang="en")
    >>> task.kind, task.formats
    ('briefing', ['html'])
    """

    kind: ClassVar[str] = "briefing"

    folder: str
    client: str
    period: str
    lang: str
    engagement: str | None = None
    client_name: str | None = None
    formats: list[str] = field(default_factory=lambda: ["html"])
    #: the folder of the period it compares with ("what changed"), if any
    previous_folder: str | None = None
    #: run id and batch name for the briefing's provenance line
    run: dict[str, Any] = field(default_factory=dict)
    #: the data root the client was read from (its client.yaml: targets, engagement, branding)
    data_root: str | None = None


Task = NotebookTask | BriefingTask
TASK_KINDS: dict[str, type] = {"notebook": NotebookTask, "briefing": BriefingTask}


def task_from_dict(data: dict[str, Any]) -> Task:
    """The task that :meth:`to_dict` gave ``data`` (unknown keys are ignored).

    Parameters
    ----------
    data : dict
        With ``kind`` (``notebook`` or ``briefing``).

    Returns
    -------
    NotebookTask or BriefingTask

    Examples
    --------
    >>> t = BriefingTask(id="a/P1/briefing", folder="r/a/P1", client="a", period="P1", lang="en")
    >>> task_from_dict(t.to_dict()) == t
    True
    """
    cls = TASK_KINDS[data["kind"]]
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class TaskResult:
    """What one task did.

    Attributes
    ----------
    id, kind : str
        The task's (``kind``: ``notebook`` or ``briefing``).
    status : str
        ``ok`` | ``not_assessed`` (ran, but its results file says it could assess nothing) |
        ``failed`` | ``unchanged`` (outputs of an earlier run kept) | ``not_run``.
    error : dict or str or None
        From :func:`~threec_helpers.batch.jobs.make_error` (a text when kept from an earlier
        summary by ``--retry-failed``).
    error_kind : str or None
        ``error`` | ``timeout`` | ``kernel_died`` | ``crash`` | ``publish`` | ``plan`` | ``interrupted``.
    started, finished : str
        ISO times ("" when it never ran).
    exec_s, publish_s : float
        Seconds executing / publishing.
    kernel_s, startup_s : float or None
        Seconds to get a warm kernel / from the start to the first cell (benchmark figures).
    outputs : dict
        Format -> file name, in the job's folder.
    key : str
        The job's key (:func:`~threec_helpers.batch.plan.job_key`).
    run_id : str or None
        The run that made the outputs.
    warnings : list of str
    not_assessed : dict or None
        With status ``not_assessed``: what was missing (the results file's ``not_assessed``
        record, :func:`threec_helpers.report.results.not_assessed_text` says it in words).

    See Also
    --------
    failed_result, crash_result : the result of a task that could not finish.

    Examples
    --------
    >>> result = TaskResult(id="acme/2025/02_analysis", status="ok", outputs={"html": "02_analysis.html"})
    >>> TaskResult.from_dict(result.to_dict()) == result
    True
    """

    id: str
    kind: str = "notebook"
    status: str = "failed"
    error: dict[str, Any] | str | None = None
    error_kind: str | None = None
    started: str = ""
    finished: str = ""
    exec_s: float = 0.0
    publish_s: float = 0.0
    kernel_s: float | None = None
    startup_s: float | None = None
    outputs: dict[str, str] = field(default_factory=dict)
    key: str = ""
    run_id: str | None = None
    warnings: list[str] = field(default_factory=list)
    not_assessed: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        """It ran (or was kept) without failing; a notebook that assessed nothing did not fail."""
        return self.status in ("ok", "unchanged", "not_assessed")

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TaskResult:
        """The result :meth:`to_dict` gave ``data``; also reads a job record of a batch summary.

        Examples
        --------
        >>> r = TaskResult(id="a/P1/x", status="ok", outputs={"html": "x.html"})
        >>> TaskResult.from_dict(r.to_dict()) == r
        True
        """
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def failed_result(task: Task, error: dict[str, Any], error_kind: str, *, exec_s: float = 0.0) -> TaskResult:
    """A failed result for ``task`` without any files (the task could not run or finish).

    Parameters
    ----------
    task : NotebookTask or BriefingTask
    error : dict
        :func:`~threec_helpers.batch.jobs.make_error`.
    error_kind : str
        ``timeout``, ``kernel_died``, ``crash``, ...
    exec_s : float
        Seconds it ran.

    Returns
    -------
    TaskResult

    See Also
    --------
    crash_result : for a runner's exception.

    Examples
    --------
    >>> from threec_helpers.batch.jobs import Job
    >>> job = Job(client_id="acme", period="2025", notebook="02_analysis", notebook_path="02_analysis.ipynb",
    ...           output_dir="reports/demo/acme/2025", parameters={"lang": "en"}, lang="en", timeout=600.0,
    ...           formats=("html",), mask=False, kernel_name="python3", data_root="data/clients")
    >>> result = failed_result(NotebookTask(job=job), {"key": "batch.error.timeout", "fields": {"seconds": "600"}},
    ...                        "timeout")
    >>> result.status, result.error_kind
    ('failed', 'timeout')
    """
    job = task.job if isinstance(task, NotebookTask) else None
    return TaskResult(id=task.id, kind=task.kind, status="failed", error=error, error_kind=error_kind,
                      finished=now_iso(), exec_s=round(exec_s, 3), key=job.key if job else "",
                      run_id=task.run_id or None)


def crash_result(task: Task, exc: BaseException) -> TaskResult:
    """The result of a task whose runner failed (for example a Dask worker was lost).

    Parameters
    ----------
    task : NotebookTask or BriefingTask
    exc : BaseException
        What the runner raised.

    Returns
    -------
    TaskResult

    See Also
    --------
    failed_result : the general case.

    Examples
    --------
    >>> from threec_helpers.batch.jobs import Job
    >>> job = Job(client_id="acme", period="2025", notebook="02_analysis", notebook_path="02_analysis.ipynb",
    ...           output_dir="reports/demo/acme/2025", parameters={"lang": "en"}, lang="en", timeout=600.0,
    ...           formats=("html",), mask=False, kernel_name="python3", data_root="data/clients")
    >>> crash_result(NotebookTask(job=job), RuntimeError("worker lost")).error
    {'key': 'batch.error.crash', 'fields': {'detail': 'RuntimeError: worker lost'}}
    """
    return failed_result(task, make_error("batch.error.crash", detail=f"{type(exc).__name__}: {exc}"[:500]),
                         "crash")
