"""The batch index: ``batch-summary.json`` and ``index.html`` of a reports folder.

The summary is written at the start of a run (every report "pending"), and again at its
end, last of all, so a reader never takes a half-finished folder for a complete one. The
records are made from the runs' typed results
(:class:`~threec_helpers.batch.tasks.TaskResult`) by :func:`threec_helpers.batch.publish.write_index`;
the previous run's summary gives ``--retry-failed`` its jobs and the scheduler the last
execution times.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .plan import Plan
from .tasks import TaskResult

SUMMARY = "batch-summary.json"
INDEX = "index.html"


def previous_summary(out_dir: Path) -> dict[str, Any]:
    """The summary of the last run into ``out_dir`` (empty when there is none or it is unreadable)."""
    try:
        return json.loads((out_dir / SUMMARY).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}


def write_run_index(out_dir: Path, plan: Plan, results: dict[str, TaskResult], briefings: dict[str, TaskResult], *,
                    run: dict[str, Any], lang: str) -> dict[str, Any]:
    """Write the summary and the index of ``out_dir`` (atomically, the index last); return the summary."""
    from .publish import write_index

    return write_index(out_dir, plan, {k: r.to_dict() for k, r in results.items()},
                       {k: r.to_dict() for k, r in briefings.items()}, run=run, lang=lang)
