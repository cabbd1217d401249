"""The batch worker process: ``python -m threec_helpers.batch.worker [--serve]``.

Every task runs in a worker process, never in the process that runs the batch, so a
runner can kill it (with its kernels) when it passes its deadline.

- Without ``--serve`` (one process per task): read one task (JSON) on stdin, write its
  result file, exit.
- With ``--serve`` (a persistent worker, :class:`~threec_helpers.batch.local.LocalWorker`):
  import papermill, nbconvert and WeasyPrint once, keep warm kernels (:mod:`.warm`), then
  read one task per line on stdin and answer ``DONE`` on stdout after writing each result
  file; everything else the libraries print goes to stderr (the worker's log). ``READY``
  on stdout says the imports are done. The worker exits, with its kernels, when the
  process that started it is gone.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import time

from .execution import run_task_here
from .tasks import task_from_dict

#: the protocol lines on the worker's stdout
READY = "READY"
DONE = "DONE"
#: imported once by a persistent worker, before the first task arrives
PRELOAD = ("papermill", "nbconvert", "weasyprint", "threec_helpers.batch.publish", "threec_helpers.batch.briefing")


def main(argv: list[str]) -> None:
    """Run one task from stdin, or serve tasks line by line with ``--serve`` (see the module docstring).

    Parameters
    ----------
    argv : list of str
        The command line's arguments (``--serve`` or nothing).

    Examples
    --------
    >>> import io, tempfile
    >>> from pathlib import Path
    >>> from threec_helpers.batch.tasks import BriefingTask
    >>> folder = Path(tempfile.mkdtemp())
    >>> task = BriefingTask(id="acme/2025/briefing", folder=str(folder / "acme"), client="acme", period="2025",
    ...                     lang="en", result_path=str(folder / "result.json"))
    >>> stdin, sys.stdin = sys.stdin, io.StringIO(json.dumps(task.to_dict()))
    >>> try:
    ...     main([])
    ... finally:
    ...     sys.stdin = stdin
    >>> json.loads((folder / "result.json").read_text())["status"]
    'ok'
    """
    os.environ["PYTHONHASHSEED"] = "0"  # kernels inherit it: the same run gives the same output order
    os.environ["THREEC_BATCH"] = "1"  # explorers render static output (threec_helpers.explore.is_batch)
    if "--serve" not in argv:
        run_task_here(task_from_dict(json.loads(sys.stdin.read())))
        return
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    from . import warm

    pool = None
    if warm.enabled():
        pool = warm.KernelPool(spare=1)
        with contextlib.suppress(Exception):  # the first notebook's kernel warms while the rest is imported
            pool.fill(os.environ.get("THREEC_WARM_KERNEL_NAME", "threec"))
    watch_parent(pool)
    for mod in PRELOAD:
        with contextlib.suppress(Exception):
            __import__(mod)
    proto.write(READY + "\n")
    for line in sys.stdin:
        if not line.strip():
            continue
        data = json.loads(line)
        try:
            run_task_here(task_from_dict(data), pool)
        except Exception as exc:  # noqa: BLE001 - report and keep serving
            print(f"task {data.get('id')} failed in the worker: {type(exc).__name__}: {exc}", file=sys.stderr)
        proto.write(DONE + "\n")
    if pool is not None:
        pool.close()


def watch_parent(pool=None) -> None:
    """Exit, with the waiting kernels of ``pool``, when the process that started this worker is gone.

    Parameters
    ----------
    pool : KernelPool, optional
        Its kernels are killed first.

    Examples
    --------
    >>> import subprocess
    >>> code = "from threec_helpers.batch.worker import watch_parent; watch_parent(); print('watching')"
    >>> subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    'watching\\n'
    """
    parent = os.getppid()

    def watch():
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                if pool is not None:
                    pool.kill_now()
                os._exit(3)

    threading.Thread(target=watch, daemon=True, name="threec-parent-watch").start()


if __name__ == "__main__":
    main(sys.argv[1:])
