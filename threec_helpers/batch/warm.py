"""Warm kernels: every notebook gets a fresh kernel that was started before it was needed.

A batch worker keeps a small pool of kernels (:class:`KernelPool`) that were started
ahead of need and have already imported the heavy modules (numpy, pandas, matplotlib,
``threec_helpers`` and what the batch's notebooks import). A notebook takes one, runs in
it, and the kernel is then shut down: each kernel serves exactly **one** notebook. So
nothing a notebook does - its variables, an import side effect, a changed matplotlib
rcParam, a monkey-patched function, the memory it holds - can reach another notebook,
while the interpreter start and the imports are paid while the previous notebook runs.

The warm-up leaves nothing in the notebook's namespace: it runs as one IPython start-up
line, ``exec(<import code>, {})``, in a throw-away dictionary, with no history and no
output, so ``globals()`` of a warm kernel are those of a cold one (tested). Only imports
are done ahead; a module whose import fails is skipped (the notebook will meet the error
itself). The kernel's working directory is set to the notebook's folder when it is taken.

A kernel that died while waiting, or does not answer in time, is killed and replaced by
a new one; a kernel that dies or hangs *during* its notebook fails that notebook only
(nbclient's errors) and is shut down like any other.

``THREEC_WARM_KERNELS=0`` turns the pool off (papermill starts each kernel itself, as
before); ``THREEC_WARM_IMPORTS`` (comma-separated module names) is what a worker imports
ahead, set by the runner from the batch's notebooks
(:func:`~threec_helpers.batch.notebooks.notebook_imports`).
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import time
from pathlib import Path
from typing import Iterable

#: imported ahead in every warm kernel, whatever the notebooks import
BASE_IMPORTS = ("numpy", "pandas", "matplotlib", "matplotlib.pyplot", "threec_helpers")
ENV_ENABLED = "THREEC_WARM_KERNELS"
ENV_IMPORTS = "THREEC_WARM_IMPORTS"
#: seconds a kernel taken from the pool may take to answer (it may still be importing)
READY_TIMEOUT = 120.0


def enabled() -> bool:
    """Whether batch workers use warm kernels (``THREEC_WARM_KERNELS`` not ``0``).

    Returns
    -------
    bool

    Examples
    --------
    >>> enabled() == (os.environ.get(ENV_ENABLED, "1").lower() not in ("0", "false", "no", "off"))
    True
    """
    return os.environ.get(ENV_ENABLED, "1").strip().lower() not in ("0", "false", "no", "off")


def warm_imports() -> list[str]:
    """What a warm kernel imports ahead: :data:`BASE_IMPORTS` and ``THREEC_WARM_IMPORTS``.

    Returns
    -------
    list of str

    See Also
    --------
    warmup_line : the code that imports them.

    Examples
    --------
    >>> warm_imports()[:len(BASE_IMPORTS)] == list(BASE_IMPORTS)
    True
    """
    extra = [m.strip() for m in os.environ.get(ENV_IMPORTS, "").split(",") if m.strip()]
    return list(dict.fromkeys([*BASE_IMPORTS, *extra]))


def warmup_line(modules: Iterable[str]) -> str:
    """The IPython start-up line that imports ``modules`` and leaves no name behind.

    It runs the imports with ``exec`` in a new dictionary, so the kernel's user namespace
    is untouched; the modules stay in ``sys.modules``, which is the point.

    Parameters
    ----------
    modules : iterable of str

    Returns
    -------
    str

    Examples
    --------
    >>> import sys
    >>> namespace = {}
    >>> exec(warmup_line(["json", "no_such_module"]), namespace)
    >>> sorted(k for k in namespace if not k.startswith("__")), "json" in sys.modules
    ([], True)
    """
    code = ("import importlib\n"
            f"for _m in {list(modules)!r}:\n"
            "    try:\n"
            "        importlib.import_module(_m)\n"
            "    except Exception:\n"
            "        pass\n")
    return f"exec(compile({code!r}, '<threec-warmup>', 'exec'), {{}})"


class KernelPool:
    """Kernels started ahead of need, each handed out once.

    Parameters
    ----------
    spare : int
        Kernels kept started and warming, per kernel name (0: start one when asked).
    imports : list of str, optional
        Modules imported ahead (default: :func:`warm_imports`).

    Notes
    -----
    Use it from one thread: the kernel managers run on that thread's event loop.

    See Also
    --------
    execute_notebook : runs a notebook in a kernel taken from the pool.

    Examples
    --------
    >>> pool = KernelPool(spare=0, imports=["json"])
    >>> pool.spare, pool.imports, pool.started
    (0, ['json'], 0)
    >>> pool.close()
    """

    def __init__(self, spare: int = 1, imports: Iterable[str] | None = None):
        self.spare = spare
        self.imports = list(imports) if imports is not None else warm_imports()
        self._idle: dict[str, list] = {}
        self._busy: list = []
        self.started = 0

    # -- kernels
    def _start(self, kernel_name: str):
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        km = AsyncKernelManager(kernel_name=kernel_name)
        env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # kernels draw inline (embedded PNGs)
        run_sync(km.start_kernel)(env=env,
                                  extra_arguments=[f"--IPKernelApp.exec_lines={json.dumps([warmup_line(self.imports)])}"])
        km.threec_started = time.monotonic()
        self.started += 1
        return km

    def fill(self, kernel_name: str) -> None:
        """Start kernels until ``spare`` of ``kernel_name`` are waiting."""
        idle = self._idle.setdefault(kernel_name, [])
        while len(idle) < self.spare:
            idle.append(self._start(kernel_name))

    def take(self, kernel_name: str, cwd: str | Path, timeout: float = READY_TIMEOUT):
        """A kernel ready to run one notebook in ``cwd``; a spare is started in its place.

        A waiting kernel that died or does not answer within ``timeout`` is killed and a
        new one started (at most three tries, then the last error is raised).

        Returns
        -------
        jupyter_client.AsyncKernelManager
            Give it back with :meth:`release` when the notebook is done.
        """
        from jupyter_core.utils import run_sync

        error: Exception | None = None
        for _ in range(3):
            idle = self._idle.setdefault(kernel_name, [])
            km = idle.pop(0) if idle else self._start(kernel_name)
            self.fill(kernel_name)  # the next notebook's kernel warms while this one runs
            try:
                self._busy.append(km)
                km.threec_client = run_sync(_prepare)(km, str(cwd), timeout)
                return km
            except Exception as exc:  # noqa: BLE001 - a dead or stuck kernel is replaced
                error = exc
                self.release(km)
        raise RuntimeError(f"no kernel {kernel_name!r} became ready: {error}") from error

    def release(self, km) -> None:
        """Shut ``km`` down for good (kill: the notebook is finished with it)."""
        from jupyter_core.utils import run_sync

        with contextlib.suppress(ValueError):
            self._busy.remove(km)
        kc = getattr(km, "threec_client", None)
        if kc is not None:
            with contextlib.suppress(Exception):
                kc.stop_channels()
        with contextlib.suppress(Exception):
            run_sync(km.shutdown_kernel)(now=True)
        with contextlib.suppress(Exception):
            run_sync(km.cleanup_resources)()

    def waiting(self, kernel_name: str) -> list:
        """The kernel managers of ``kernel_name`` started and not yet taken."""
        return list(self._idle.get(kernel_name, []))

    def kill_now(self) -> None:
        """Kill every kernel's process at once, waiting or running (the worker is about to exit)."""
        for idle in [*self._idle.values(), list(self._busy)]:
            for km in idle:
                with contextlib.suppress(Exception):
                    km.provisioner.process.kill()

    def close(self) -> None:
        """Shut down every waiting kernel."""
        for idle in self._idle.values():
            while idle:
                self.release(idle.pop())


async def _prepare(km, cwd: str, timeout: float):
    """Move ``km``'s kernel to ``cwd`` once it answers (its warm-up done); return the connected client.

    The reply to that request is the sign the kernel is ready (requests sent before the
    kernel listens wait in ZeroMQ's queue); ``wait_for_ready`` would add 0.2 s of IOPub
    draining to every notebook.
    """
    from queue import Empty

    if not await km.is_alive():
        raise RuntimeError("the kernel died while waiting")
    kc = km.client()
    kc.start_channels()
    try:
        msg_id = kc.execute(f"__import__('os').chdir({cwd!r})", silent=True, store_history=False,
                            allow_stdin=False)
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RuntimeError(f"the kernel did not answer within {timeout:g} s")
            try:
                reply = await kc.get_shell_msg(timeout=min(remaining, 1.0))
            except Empty:
                if not await km.is_alive():
                    raise RuntimeError("the kernel died while warming up") from None
                continue
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                break
        if reply["content"].get("status") != "ok":
            raise RuntimeError(f"cannot change the kernel's folder to {cwd}: {reply['content'].get('evalue')}")
        while True:  # the request's busy/idle messages, so they do not reach the notebook's first cell
            try:
                msg = await kc.get_iopub_msg(timeout=0.05)
            except Empty:
                break
            if (msg.get("parent_header", {}).get("msg_id") == msg_id and msg["msg_type"] == "status"
                    and msg["content"].get("execution_state") == "idle"):
                break
    except BaseException:
        kc.stop_channels()
        raise
    kc.allow_stdin = False
    return kc


def execute_notebook(km, input_path: str, output_path: str, **kwargs):
    """``papermill.execute_notebook`` in the warm kernel ``km`` (from :meth:`KernelPool.take`).

    Papermill's nbclient engine, given the kernel and the client already connected to it,
    so it does not connect and wait for the kernel a second time.

    Parameters
    ----------
    km : KernelManager
        From :meth:`KernelPool.take`.
    input_path, output_path : str
    **kwargs
        Passed to ``papermill.execute_notebook`` (``kernel_name``, ``parameters``, ...).

    Returns
    -------
    NotebookNode
        The executed notebook.

    Runs with real kernels (isolation between notebooks, a dying or hanging kernel replaced)
    are in ``tests/integration/batch/test_batch_warm.py``; a kernel is too slow and too
    dependent on the machine's load for a docstring example.

    Examples
    --------
    The notebook runs through papermill's own client, handed the warm kernel and its client:

    >>> engine = _warm_engine()
    >>> engine.__name__, engine.__mro__[1].__name__
    ('WarmEngine', 'NBClientEngine')
    >>> IOPUB_TIMEOUT  # seconds a finished cell's output may take to arrive
    60
    """
    import papermill as pm
    from papermill.engines import papermill_engines

    papermill_engines.register("threec-warm", _warm_engine())
    return pm.execute_notebook(input_path, output_path, engine_name="threec-warm", km=km,
                               kc=getattr(km, "threec_client", None), **kwargs)


#: seconds a finished cell's output may take to arrive (nbclient's default is 4)
IOPUB_TIMEOUT = 60


@functools.lru_cache(maxsize=None)
def _warm_engine():
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine
    from papermill.utils import merge_kwargs, remove_args

    class WarmEngine(NBClientEngine):
        """nbclient with a kernel manager and a client given (papermill's engine otherwise)."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            kc = kwargs.pop("kc", None)
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            # papermill raises when a cell's output takes over nbclient's 4 s to arrive after the
            # cell finished: on a loaded machine (two kernels on two cores) that fails a good
            # notebook, so the output gets a minute (the cell's own run time is not limited here)
            kwargs.setdefault("iopub_timeout", IOPUB_TIMEOUT)
            final = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                                 kernel_name=kernel_name, log=logging.getLogger("papermill"),
                                 log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
            client = PapermillNotebookClient(nb_man, **final)
            client.kc = kc  # connected by KernelPool.take: nbclient skips its own connect and wait
            return client.execute()

    return WarmEngine
