"""Runners on this machine: persistent worker processes (the default), or one process per task.

:class:`LocalWorker` is one persistent worker process (``python -m
threec_helpers.batch.worker --serve``): it imports once and keeps warm kernels; each task
gets its hard deadline, and a worker that passes it is killed with its kernels (then
replaced). :class:`LocalPool` feeds ``workers`` of them from one priority queue (the
``local`` runner); :class:`ProcessPerTaskRunner` starts one worker process per task
(:func:`run_task`) on a thread pool (the ``process`` runner: systems without ``select`` on
pipes). On a Dask cluster the same :class:`LocalWorker` runs inside each Dask worker
(:mod:`.cluster`).

Whatever happens to a worker, a task is never lost: a worker killed at its deadline or
dead before it reported gets its job finished here (:func:`lost_task`: the partial
notebook kept and marked, a failure report written).
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from .execution import finish_notebook
from .jobs import make_error
from .provenance import now_iso
from .tasks import NotebookTask, Task, TaskResult, crash_result, failed_result
from .worker import DONE, READY

#: the worker process's module
WORKER = "threec_helpers.batch.worker"


def worker_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a worker process (``extra``: what its warm kernels import, the kernel name).

    Parameters
    ----------
    extra : dict, optional

    Returns
    -------
    dict

    Examples
    --------
    >>> env = worker_env({"THREEC_WARM_KERNELS": "0"})
    >>> env["THREEC_BATCH"], env["PYTHONHASHSEED"], env["THREEC_WARM_KERNELS"], "MPLBACKEND" in env
    ('1', '0', '0', False)
    """
    env = {**os.environ, **(extra or {}), "PYTHONHASHSEED": "0", "PYTHONUTF8": "1", "THREEC_BATCH": "1"}
    env.pop("MPLBACKEND", None)  # kernels must draw inline (embedded PNGs), not to a headless backend
    return env


def kill_tree(pid: int) -> None:
    """Kill a process, its kernel and everything else below it.

    Parameters
    ----------
    pid : int

    Examples
    --------
    >>> proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    >>> kill_tree(proc.pid)
    >>> proc.wait(timeout=10) is not None
    True
    """
    try:
        import psutil

        try:
            parent = psutil.Process(pid)
            procs = parent.children(recursive=True) + [parent]
        except psutil.NoSuchProcess:
            procs = []
        for p in procs:
            with contextlib.suppress(psutil.NoSuchProcess):
                p.kill()
        psutil.wait_procs(procs, timeout=10)
    except ImportError:  # pragma: no cover - psutil comes with jupyter; fall back to the process group
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(os.getpgid(pid), signal.SIGKILL)


def _read_result(path: Path) -> TaskResult:
    result = TaskResult.from_dict(json.loads(path.read_text(encoding="utf-8")))
    path.unlink()
    return result


def run_task(task: Task) -> TaskResult:
    """Run one task in a new worker process with a hard deadline; return its result.

    A worker that dies or passes its deadline (``task.deadline_s``) is killed with its
    kernel; the job is then finished here (:func:`lost_task`).

    Parameters
    ----------
    task : NotebookTask or BriefingTask
        With its ``result_path`` set.

    Returns
    -------
    TaskResult

    See Also
    --------
    ProcessPerTaskRunner : runs tasks this way, several at once.

    Examples
    --------
    >>> import tempfile
    >>> from threec_helpers.batch.tasks import BriefingTask
    >>> folder = Path(tempfile.mkdtemp())
    >>> task = BriefingTask(id="acme/2025/briefing", folder=str(folder / "acme"), client="acme", period="2025",
    ...                     lang="en", result_path=str(folder / "result.json"))
    >>> run_task(task).status
    'ok'
    """
    result_path = Path(task.result_path)
    with contextlib.suppress(FileNotFoundError):
        result_path.unlink()
    log_path = result_path.with_suffix(".log")
    t0 = time.monotonic()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", WORKER], stdin=subprocess.PIPE, stdout=log,
                                stderr=subprocess.STDOUT, env=worker_env(), start_new_session=True)
        killed = False
        try:
            proc.communicate(json.dumps(task.to_dict()).encode("utf-8"), timeout=task.deadline_s)
        except subprocess.TimeoutExpired:
            killed = True
            kill_tree(proc.pid)
            proc.wait()
        except BaseException:
            kill_tree(proc.pid)
            proc.wait()
            raise
    if result_path.is_file() and not killed:
        result = _read_result(result_path)
        with contextlib.suppress(FileNotFoundError):
            log_path.unlink()
        return result
    tail = ""
    with contextlib.suppress(OSError):
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-1500:]
    return lost_task(task, killed=killed, returncode=proc.returncode, tail=tail, elapsed=time.monotonic() - t0)


def lost_task(task: Task, *, killed: bool, returncode: int | None, tail: str, elapsed: float) -> TaskResult:
    """The result of a task whose process was killed (deadline) or died before it reported.

    Parameters
    ----------
    task : NotebookTask or BriefingTask
    killed : bool
        It passed its deadline (else it died).
    returncode : int or None
    tail : str
        The end of its log.
    elapsed : float
        Seconds it ran.

    Returns
    -------
    TaskResult

    Examples
    --------
    >>> import tempfile
    >>> from threec_helpers.batch.tasks import BriefingTask
    >>> folder = Path(tempfile.mkdtemp())
    >>> task = BriefingTask(id="acme/2025/briefing", folder=str(folder / "acme"), client="acme", period="2025",
    ...                     lang="en", result_path=str(folder / "result.json"))
    >>> lost_task(task, killed=False, returncode=-9, tail="", elapsed=1.0).error
    {'key': 'batch.error.worker_died', 'fields': {'code': '-9', 'tail': ''}}
    """
    t0 = time.monotonic() - elapsed
    if not isinstance(task, NotebookTask):
        return TaskResult(id=task.id, kind=task.kind, status="failed", finished=now_iso(),
                          error=make_error("batch.error.worker_died", code=returncode, tail=tail[-300:]),
                          exec_s=round(time.monotonic() - t0, 3))
    job = task.job
    partial = Path(job.output_dir) / f".{job.notebook}.partial.ipynb"
    if killed:
        error = make_error("batch.error.timeout", seconds=f"{job.timeout:g}")
        kind, ename, evalue = "timeout", "TimeoutError", f"killed after {task.deadline_s:g} s"
    else:
        error = make_error("batch.error.worker_died", code=returncode, tail=tail[-300:])
        kind, ename, evalue = "crash", "WorkerDied", f"exit code {returncode}"
    try:
        return finish_notebook(job, task.run_id, partial, started=task.submitted or now_iso(),
                               exec_s=time.monotonic() - t0, status="failed", error=error, kind=kind, ename=ename,
                               evalue=evalue)
    except Exception:  # noqa: BLE001 - even finishing failed: report the failure without files
        return failed_result(task, error, kind, exec_s=time.monotonic() - t0)


class LocalWorker:
    """One persistent worker process (``worker --serve``): imports once, runs tasks one by one.

    It keeps warm kernels (:mod:`.warm`); :meth:`run` gives each task its deadline, and a
    worker that passes it is killed with its kernels (``alive`` is then False: replace it).
    Used by :class:`LocalPool` and, on a Dask cluster, by :class:`.cluster.WarmWorkerPlugin`.

    Parameters
    ----------
    log_path : Path
        The worker's log (its stderr).
    env : dict, optional
        Added to its environment (:func:`worker_env`).

    Examples
    --------
    >>> import tempfile
    >>> from threec_helpers.batch.tasks import BriefingTask
    >>> folder = Path(tempfile.mkdtemp())
    >>> task = BriefingTask(id="acme/2025/briefing", folder=str(folder / "acme"), client="acme", period="2025",
    ...                     lang="en", result_path=str(folder / "result.json"))
    >>> worker = LocalWorker(folder / "worker.log", {"THREEC_WARM_KERNELS": "0"})
    >>> worker.run(task).status, worker.alive
    ('ok', True)
    >>> worker.close()
    >>> worker.alive
    False
    """

    def __init__(self, log_path: Path, env: dict[str, str] | None = None):
        self.log_path = log_path
        self.log = open(log_path, "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", WORKER, "--serve"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.log, env=worker_env(env),
                                     start_new_session=True)
        self.ready = False
        self.tasks_done = 0

    def _readline(self, deadline: float) -> str | None:
        import select

        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([self.proc.stdout], [], [], min(remaining, 1.0))
            if ready:
                line = self.proc.stdout.readline()
                return line.decode("utf-8", "replace") if line else ""

    def run(self, task: Task) -> TaskResult:
        """Run ``task`` within its deadline (a worker past it is killed; the task is then finished here)."""
        t0 = time.monotonic()
        offset = self.log.tell()
        result_path = Path(task.result_path)
        with contextlib.suppress(FileNotFoundError):
            result_path.unlink()
        deadline = t0 + task.deadline_s
        killed = False
        try:
            if not self.ready:
                line = self._readline(time.monotonic() + 300)
                if line is None or not line.startswith(READY):
                    raise BrokenPipeError("worker did not start")
                self.ready = True
            self.proc.stdin.write((json.dumps(task.to_dict()) + "\n").encode("utf-8"))
            self.proc.stdin.flush()
            while True:
                line = self._readline(deadline)
                if line is None:
                    killed = True
                    break
                if line == "" or line.startswith(DONE):
                    break
        except (BrokenPipeError, OSError):
            pass
        self.tasks_done += 1
        if not killed and result_path.is_file():
            return _read_result(result_path)
        self.stop()
        tail = ""
        with contextlib.suppress(OSError):
            with open(self.log_path, "rb") as fh:
                fh.seek(offset)
                tail = fh.read().decode("utf-8", "replace")[-1500:]
        return lost_task(task, killed=killed, returncode=self.proc.returncode, tail=tail,
                         elapsed=time.monotonic() - t0)

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        """Kill the worker and its kernels now."""
        if self.proc.poll() is None:
            kill_tree(self.proc.pid)
            self.proc.wait()
        self.log.close()

    def close(self) -> None:
        """Ask the worker to finish (end of input), then make sure it is gone."""
        with contextlib.suppress(OSError):
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            kill_tree(self.proc.pid)
            self.proc.wait()
        self.log.close()


class LocalPool:
    """The ``local`` runner: ``workers`` persistent worker processes fed from one queue.

    A worker that passes a task's deadline is killed with its kernel and replaced; one that
    dies is replaced; each is recycled after :attr:`MAX_TASKS` tasks to bound its memory.

    Parameters
    ----------
    workers : int
    log_dir : Path
        The workers' logs.
    env : dict, optional

    See Also
    --------
    ProcessPerTaskRunner : one process per task instead.

    Examples
    --------
    >>> import tempfile
    >>> from threec_helpers.batch.tasks import BriefingTask
    >>> folder = Path(tempfile.mkdtemp())
    >>> task = BriefingTask(id="acme/2025/briefing", folder=str(folder / "acme"), client="acme", period="2025",
    ...                     lang="en", result_path=str(folder / "result.json"))
    >>> pool = LocalPool(1, folder / "logs", env={"THREEC_WARM_KERNELS": "0"})
    >>> pool.submit(task)
    >>> done, result = pool.done.get()
    >>> pool.close()
    >>> done.id, result.status
    ('acme/2025/briefing', 'ok')
    """

    MAX_TASKS = 50

    def __init__(self, workers: int, log_dir: Path, env: dict[str, str] | None = None):
        # (priority, seq, task): a ready briefing (priority 0) runs before the notebooks still waiting
        self.tasks: queue.PriorityQueue = queue.PriorityQueue()
        self._seq = 0
        self.done: queue.Queue = queue.Queue()
        self.env = env or {}
        log_dir.mkdir(parents=True, exist_ok=True)
        self.slots = [LocalWorker(log_dir / f"worker-{i}.log", self.env) for i in range(workers)]
        self.threads = [threading.Thread(target=self._loop, args=(i, log_dir), daemon=True,
                                         name=f"threec-worker-{i}") for i in range(workers)]
        for th in self.threads:
            th.start()

    def _loop(self, i: int, log_dir: Path) -> None:
        while True:
            _, _, task = self.tasks.get()
            if task is None:
                return
            worker = self.slots[i]
            if not worker.alive or worker.tasks_done >= self.MAX_TASKS:
                worker.close() if worker.alive else None
                worker = self.slots[i] = LocalWorker(log_dir / f"worker-{i}.log", self.env)
            try:
                result = worker.run(task)
            except Exception as exc:  # noqa: BLE001 - never lose a task
                result = lost_task(task, killed=False, returncode=None, tail=str(exc), elapsed=0.0)
            self.done.put((task, result))

    def submit(self, task: Task, priority: int = 1) -> None:
        self._seq += 1
        self.tasks.put((priority, self._seq, task))

    def close(self) -> None:
        for _ in self.threads:
            self._seq += 1
            self.tasks.put((float("inf"), self._seq, None))
        for th in self.threads:
            th.join(timeout=5)
        for w in self.slots:
            w.close()

    def kill(self) -> None:
        for w in self.slots:
            with contextlib.suppress(Exception):
                w.stop()


class ProcessPerTaskRunner:
    """The ``process`` runner: one worker process per task (:func:`run_task`), ``workers`` at once.

    Parameters
    ----------
    workers : int
    env : dict, optional
        Not used (each process gets :func:`worker_env`).

    See Also
    --------
    LocalPool : persistent workers instead.

    Examples
    --------
    >>> import tempfile
    >>> from threec_helpers.batch.tasks import BriefingTask
    >>> folder = Path(tempfile.mkdtemp())
    >>> task = BriefingTask(id="acme/2025/briefing", folder=str(folder / "acme"), client="acme", period="2025",
    ...                     lang="en", result_path=str(folder / "result.json"))
    >>> runner = ProcessPerTaskRunner(1)
    >>> runner.submit(task)
    >>> done, result = runner.done.get()
    >>> runner.close()
    >>> result.status
    'ok'
    """

    def __init__(self, workers: int, env: dict[str, str] | None = None):
        from concurrent.futures import ThreadPoolExecutor

        self.done: queue.Queue = queue.Queue()
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="threec-task")

    def _run(self, task: Task) -> None:
        try:
            result = run_task(task)
        except Exception as exc:  # noqa: BLE001 - never lose a task
            result = crash_result(task, exc)
        self.done.put((task, result))

    def submit(self, task: Task, priority: int = 1) -> None:
        self.pool.submit(self._run, task)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def kill(self) -> None:
        """Nothing to kill ahead: each task's process is killed when its thread is interrupted."""
