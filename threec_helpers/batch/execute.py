"""Old import path, kept for one release: ``batch/execute.py`` was split into one module per step.

Running a batch is :mod:`.orchestrate` (``run_batch``, ``run_lock``, the errors), one notebook's
execution :mod:`.execution`, the worker process :mod:`.worker`, the local runners
:mod:`.local` and the Dask runner :mod:`.cluster` (behind :mod:`.runners`), the scheduling of
briefings :mod:`.schedule`. Tasks and their results are typed now (:mod:`.tasks`):
:func:`run_task` takes a :class:`~threec_helpers.batch.tasks.NotebookTask` or
:class:`~threec_helpers.batch.tasks.BriefingTask` and returns a
:class:`~threec_helpers.batch.tasks.TaskResult`.
"""
# threec: import-path shim

import sys as _sys

from .execution import JOB_SUFFIXES, execute_briefing, execute_job, finish_notebook, mark_failed_cell  # noqa: F401
from .index import INDEX, SUMMARY  # noqa: F401
from .local import LocalWorker, run_task  # noqa: F401
from .orchestrate import (DEFAULT_GRACE, LOCK, BatchLockedError, BatchResult, ReportsFolderError,  # noqa: F401
                          check_writable, run_batch, run_lock)
from .schedule import briefings_ready  # noqa: F401

if __name__ == "__main__":  # the old worker command, ``python -m threec_helpers.batch.execute [--serve]``
    from .worker import main as _main

    _main(_sys.argv[1:])
