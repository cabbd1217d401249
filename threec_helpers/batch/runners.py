"""Runners: where a batch's tasks run, behind one :class:`Runner` protocol, with a small registry.

A runner takes tasks (:meth:`Runner.submit`, with a priority: a ready briefing, 0, goes
before the notebooks still waiting, 1) and puts ``(task, result)`` pairs on its ``done``
queue as they finish - a :class:`~threec_helpers.batch.tasks.TaskResult` for every task,
whatever happened to the process that ran it. Built in:

========== ======================================================================
``local``  persistent worker processes with warm kernels (:class:`.local.LocalPool`)
``process`` one worker process per task (:class:`.local.ProcessPerTaskRunner`)
``dask``   a Dask cluster's workers, warm too (:class:`.cluster.DaskRunner`)
========== ======================================================================

:func:`register_runner` adds one (a factory taking :class:`RunnerOptions`), for example a
runner for another cluster;
:func:`make_runner` makes the one a run asks for (:func:`default_runner`: ``dask`` with a
scheduler, else ``local`` where pipes can be polled, else ``process``).
"""

from __future__ import annotations

import os
import queue
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from .tasks import Task


@runtime_checkable
class Runner(Protocol):
    """Runs tasks; each finished one appears on :attr:`done` as ``(task, TaskResult)``.

    Attributes
    ----------
    done : queue.Queue
        ``(task, TaskResult)`` of each finished task.

    See Also
    --------
    make_runner : a registered runner by name.

    Examples
    --------
    >>> import queue
    >>> class Inline:
    ...     def __init__(self):
    ...         self.done = queue.Queue()
    ...     def submit(self, task, priority=1):
    ...         self.done.put((task, None))
    ...     def close(self):
    ...         pass
    ...     def kill(self):
    ...         pass
    >>> isinstance(Inline(), Runner)
    True
    """

    done: queue.Queue

    def submit(self, task: Task, priority: int = 1) -> None:
        """Queue ``task`` (lower ``priority`` first, then in submission order)."""

    def close(self) -> None:
        """Wait for the workers to finish and release them."""

    def kill(self) -> None:
        """Stop every task now (Ctrl-C); :meth:`close` still follows."""


@dataclass
class RunnerOptions:
    """What a runner factory is given.

    Attributes
    ----------
    workers : int
        Tasks at once (local runners).
    scratch : Path
        The run's scratch folder (task files, worker logs).
    env : dict
        Environment of the worker processes (:func:`worker_env_for`).
    scheduler : str or distributed.Client or None
        The Dask scheduler (``dask`` runner).

    Examples
    --------
    >>> RunnerOptions(workers=2, scratch=Path("reports/demo/.tasks")).env
    {}
    """

    workers: int
    scratch: Path
    env: dict[str, str] = field(default_factory=dict)
    scheduler: Any = None


RunnerFactory = Callable[[RunnerOptions], Runner]


def _local(opts: RunnerOptions) -> Runner:
    from .local import LocalPool

    return LocalPool(opts.workers, opts.scratch, opts.env)


def _process(opts: RunnerOptions) -> Runner:
    from .local import ProcessPerTaskRunner

    return ProcessPerTaskRunner(opts.workers, opts.env)


def _dask(opts: RunnerOptions) -> Runner:
    from .cluster import DaskRunner

    if opts.scheduler is None:
        raise ValueError("the dask runner needs a scheduler (address or distributed.Client)")
    return DaskRunner(opts.scheduler, opts.env)


_REGISTRY: dict[str, RunnerFactory] = {"local": _local, "process": _process, "dask": _dask}


def register_runner(name: str, factory: RunnerFactory) -> RunnerFactory | None:
    """Make ``factory`` the runner called ``name``; return the factory it replaced (None if new).

    Parameters
    ----------
    name : str
    factory : callable
        ``factory(opts: RunnerOptions) -> Runner``.

    Returns
    -------
    callable or None

    See Also
    --------
    unregister_runner : the reverse.

    Examples
    --------
    >>> register_runner("inline-example", lambda opts: None) is None
    True
    >>> "inline-example" in runner_names()
    True
    >>> unregister_runner("inline-example")
    """
    previous = _REGISTRY.get(name)
    _REGISTRY[name] = factory
    return previous


def unregister_runner(name: str) -> None:
    """Forget the runner called ``name`` (nothing happens if there is none).

    Parameters
    ----------
    name : str

    See Also
    --------
    register_runner : the reverse.

    Examples
    --------
    >>> unregister_runner("no-such-runner")
    >>> "no-such-runner" in runner_names()
    False
    """
    _REGISTRY.pop(name, None)


def runner_names() -> list[str]:
    """The registered runners, sorted.

    Examples
    --------
    >>> {"dask", "local", "process"} <= set(runner_names())
    True
    """
    return sorted(_REGISTRY)


def default_runner(scheduler: Any = None) -> str:
    """``dask`` with a scheduler, else ``local`` on POSIX (its workers' pipes are polled), else ``process``.

    Parameters
    ----------
    scheduler : str or distributed.Client, optional

    Returns
    -------
    str

    Examples
    --------
    >>> default_runner("tcp://127.0.0.1:8786")
    'dask'
    >>> default_runner() == ("local" if os.name == "posix" else "process")
    True
    """
    if scheduler is not None:
        return "dask"
    return "local" if os.name == "posix" else "process"


def make_runner(name: str, opts: RunnerOptions) -> Runner:
    """The runner called ``name``, made with ``opts``.

    Parameters
    ----------
    name : str
        One of :func:`runner_names`.
    opts : RunnerOptions

    Returns
    -------
    Runner

    Raises
    ------
    KeyError
        When no runner has that name.

    Examples
    --------
    >>> make_runner("nope", RunnerOptions(workers=1, scratch=Path(".")))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    KeyError: "no batch runner 'nope'; known: ..."
    """
    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise KeyError(f"no batch runner {name!r}; known: {', '.join(runner_names())}") from None
    return factory(opts)


def worker_env_for(notebook_paths: list[str], kernel_names: list[str]) -> dict[str, str]:
    """What the workers' warm kernels import ahead and which kernel they start (see :mod:`.warm`).

    Parameters
    ----------
    notebook_paths : list of str
        The notebooks of the run.
    kernel_names : list of str
        Their kernels.

    Returns
    -------
    dict
        Environment variables for the worker processes.

    Examples
    --------
    >>> worker_env_for([], ["threec"])
    {'THREEC_WARM_IMPORTS': '', 'THREEC_WARM_KERNEL_NAME': 'threec'}
    """
    from .notebooks import notebook_imports
    from .warm import ENV_IMPORTS

    kernels = sorted(set(kernel_names))
    return {ENV_IMPORTS: ",".join(notebook_imports(sorted(set(notebook_paths)))),
            "THREEC_WARM_KERNEL_NAME": kernels[0] if kernels else "threec"}
