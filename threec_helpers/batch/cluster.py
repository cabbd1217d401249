"""The ``dask`` runner: batch tasks on a Dask cluster, with the same warm workers as a local run.

:class:`DaskRunner` submits each task to the cluster (``--scheduler``).
:func:`register_warm_workers` installs :class:`WarmWorkerPlugin` on every worker of the
cluster (also on workers that join or restart later). The plugin keeps, inside each Dask
worker, persistent batch workers (:class:`~threec_helpers.batch.local.LocalWorker`,
``python -m threec_helpers.batch.worker --serve``): they import papermill, nbconvert and
WeasyPrint once and keep warm kernels (:mod:`.warm`), exactly as the local runner does.
A Dask task (:func:`run_on_worker`) hands its notebook to one of them; so a task on a
cluster no longer pays a Python start and every import, and keeps the same hard deadline
(a worker past it is killed with its kernels and replaced).

Without the plugin (a task sent by other code) :func:`run_on_worker` falls back to one
process per task (:func:`~threec_helpers.batch.local.run_task`).
"""

from __future__ import annotations

import contextlib
import queue
import threading
from pathlib import Path
from typing import Any

from distributed import WorkerPlugin, get_worker

from .local import LocalWorker, run_task
from .tasks import Task, TaskResult, crash_result

PLUGIN_NAME = "threec-warm-workers"


class WarmWorkerPlugin(WorkerPlugin):
    """Persistent batch workers with warm kernels inside one Dask worker.

    Parameters
    ----------
    env : dict
        Environment of the batch workers (what their kernels import ahead, the kernel name).
    max_tasks : int
        Tasks a batch worker runs before it is replaced (bounds its memory).

    See Also
    --------
    register_warm_workers : installs it on a cluster.
    DaskRunner : the runner that uses it.

    Examples
    --------
    >>> plugin = WarmWorkerPlugin({"THREEC_WARM_KERNELS": "0"}, max_tasks=5)
    >>> plugin.name == PLUGIN_NAME, plugin.max_tasks
    (True, 5)
    """

    name = PLUGIN_NAME

    def __init__(self, env: dict[str, str] | None = None, max_tasks: int = 50):
        self.env = dict(env or {})
        self.max_tasks = max_tasks

    def setup(self, worker) -> None:
        # set up here, on the worker: the plugin is pickled on its way there
        self.idle: list[LocalWorker] = []
        self.lock = threading.Lock()
        self.count = 0
        self.log_dir = Path(worker.local_directory) / "threec-batch"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.idle = [self._new()]  # starts warming now, before the first task arrives

    def teardown(self, worker) -> None:
        with self.lock:
            idle, self.idle = self.idle, []
        for w in idle:
            with contextlib.suppress(Exception):
                w.close()

    def _new(self) -> LocalWorker:
        self.count += 1
        return LocalWorker(self.log_dir / f"worker-{self.count}.log", self.env)

    def run(self, task: Task) -> TaskResult:
        """Run one task on an idle batch worker (a new one if none is idle)."""
        with self.lock:
            w = self.idle.pop() if self.idle else None
        if w is None or not w.alive:
            w = self._new()
        try:
            return w.run(task)
        finally:
            if w.alive and w.tasks_done < self.max_tasks:
                with self.lock:
                    self.idle.append(w)
            else:
                with contextlib.suppress(Exception):
                    w.close() if w.alive else None
                with self.lock:
                    self.idle.append(self._new())  # the replacement warms while other tasks run


def register_warm_workers(client, env: dict[str, str]) -> None:
    """Install :class:`WarmWorkerPlugin` on every worker of ``client``'s cluster.

    Parameters
    ----------
    client : distributed.Client
    env : dict
        Environment of the batch workers.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> client = SimpleNamespace(register_plugin=lambda plugin, name: print(type(plugin).__name__, name))
    >>> register_warm_workers(client, {})
    WarmWorkerPlugin threec-warm-workers
    """
    client.register_plugin(WarmWorkerPlugin(env), name=PLUGIN_NAME)


def run_on_worker(task: Task) -> TaskResult:
    """The Dask task: run ``task`` on this worker's warm batch workers (see module docstring).

    Off a Dask worker (or without the plugin) the task runs in a new worker process.

    Parameters
    ----------
    task : NotebookTask or BriefingTask

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
    >>> run_on_worker(task).status
    'ok'
    """
    try:
        plugin = get_worker().plugins.get(PLUGIN_NAME)
    except ValueError:  # not on a Dask worker
        plugin = None
    if plugin is None:
        return run_task(task)
    return plugin.run(task)


class DaskRunner:
    """The ``dask`` runner: tasks go to a Dask cluster's warm workers (see the module docstring).

    Parameters
    ----------
    scheduler : str or distributed.Client
        The scheduler's address (``tcp://host:8786``; a client is made and closed here) or a client.
    env : dict
        Environment of the batch workers (:func:`~threec_helpers.batch.runners.worker_env_for`).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> client = SimpleNamespace(submit=None, register_plugin=lambda plugin, name: None)
    >>> runner = DaskRunner(client)
    >>> runner.client is client, runner.done.empty()
    (True, True)
    >>> runner.close()  # a client given is left open
    """

    def __init__(self, scheduler: Any, env: dict[str, str] | None = None):
        from distributed import Client

        self.done: queue.Queue = queue.Queue()
        self._own_client = not hasattr(scheduler, "submit")
        self.client = Client(scheduler) if self._own_client else scheduler
        register_warm_workers(self.client, env or {})

    def _finished(self, task: Task, fut) -> None:
        try:
            result = fut.result()
        except Exception as exc:  # noqa: BLE001 - the runner itself failed (e.g. a Dask worker was lost)
            result = crash_result(task, exc)
        self.done.put((task, result))

    def submit(self, task: Task, priority: int = 1) -> None:
        """Send ``task`` to the cluster (lower ``priority`` first)."""
        # Dask runs higher priorities first; within one priority, earlier submissions first
        fut = self.client.submit(run_on_worker, task, pure=False, key=f"threec-{task.kind}-{task.seq}",
                                 priority=1 - priority)
        fut.add_done_callback(lambda f, task=task: self._finished(task, f))

    def close(self) -> None:
        """Close the client when this runner made it."""
        if self._own_client:
            self.client.close()

    def kill(self) -> None:
        """Nothing to kill from here: the cluster's workers kill their own tasks at the deadline."""
