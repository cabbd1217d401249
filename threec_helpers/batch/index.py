"""The batch index: ``batch-summary.json`` and ``index.html`` of a reports folder.

The summary is written at the start of a run (every report "pending"), and again at its
end, last of all, so a reader never takes a half-finished folder for a complete one. The
records are made from the runs' typed results
(:class:`~threec_helpers.batch.tasks.TaskResult`) by :func:`threec_helpers.batch.publish.write_index`;
the previous run's summary gives ``--retry-failed`` its jobs and the scheduler the last
execution times.

A run restricted with ``--client``, ``--period`` or ``--notebook`` never drops the other
results from the index: the previous summary's records of the jobs it left out are kept as
they were (status, times, files; :func:`kept_records`), and the index lists them all.
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
    """The summary of the last run into ``out_dir`` (empty when there is none or it is unreadable).

    Parameters
    ----------
    out_dir : Path
        The batch's folder.

    Returns
    -------
    dict

    Examples
    --------
    >>> previous_summary(Path("/nonexistent"))
    {}
    """
    try:
        return json.loads((out_dir / SUMMARY).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}


def kept_records(plan: Plan, previous: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The records of ``previous`` (the last summary) that a restricted run keeps in its index.

    Those are the jobs the plan does not hold, and the briefings of the client and period
    pairs it holds no job of; a record the last run left "pending" (it was killed) is "not
    run". A run that is not restricted (``plan.restricted`` false) keeps nothing: its plan
    is the whole batch.

    Parameters
    ----------
    plan : Plan
    previous : dict
        :func:`previous_summary`.

    Returns
    -------
    dict
        ``{"jobs": [...], "briefings": [...]}``, summary records as they were.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> plan = NS(restricted=True, jobs=[NS(id="a/P1/x", client_id="a", period="P1")])
    >>> prev = {"jobs": [{"id": "a/P1/x", "status": "ok"}, {"id": "b/P1/x", "status": "failed"}],
    ...         "briefings": [{"id": "a/P1/briefing", "client_id": "a", "period": "P1"},
    ...                       {"id": "b/P1/briefing", "client_id": "b", "period": "P1"}]}
    >>> kept = kept_records(plan, prev)
    >>> [j["id"] for j in kept["jobs"]], [b["id"] for b in kept["briefings"]]
    (['b/P1/x'], ['b/P1/briefing'])
    """
    if not getattr(plan, "restricted", False) or not previous:
        return {"jobs": [], "briefings": []}
    planned = {job.id for job in plan.jobs}
    groups = {(job.client_id, job.period) for job in plan.jobs}
    jobs = []
    for rec in previous.get("jobs") or []:
        if not isinstance(rec, dict) or "id" not in rec or rec["id"] in planned:
            continue
        rec = dict(rec)
        if rec.get("status") == "pending":
            rec["status"] = "not_run"
        jobs.append(rec)
    briefings = [dict(b) for b in previous.get("briefings") or []
                 if isinstance(b, dict) and "id" in b and (b.get("client_id"), b.get("period")) not in groups]
    return {"jobs": jobs, "briefings": briefings}


def write_run_index(out_dir: Path, plan: Plan, results: dict[str, TaskResult], briefings: dict[str, TaskResult], *,
                    run: dict[str, Any], lang: str, previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """Write the summary and the index of ``out_dir`` (atomically, the index last); return the summary.

    ``previous`` is the summary before this run: a restricted run keeps its other records
    (:func:`kept_records`).

    Parameters
    ----------
    out_dir : Path
    plan : Plan
    results, briefings : dict of TaskResult
        By task id.
    run : dict
        The run's record: ``run_id``, ``started``, ``finished``, ``running`` (and timings).
    lang : {"zh", "en"}
    previous : dict, optional

    Returns
    -------
    dict
        The summary written.

    Examples
    --------
    >>> import tempfile
    >>> from threec_helpers.batch.plan import plan_batch
    >>> from threec_helpers.batch.spec import load_batch
    >>> out = Path(tempfile.mkdtemp())
    >>> plan = plan_batch(load_batch(), out, clients=["demo_telecom"])
    >>> run = {"run_id": "r1", "started": "", "finished": "", "running": True}
    >>> summary = write_run_index(plan.out_dir, plan, {}, {}, run=run, lang="en")
    >>> sorted(p.name for p in plan.out_dir.iterdir())
    ['batch-summary.json', 'index.html', 'portfolio.xlsx']
    """
    from .publish import write_index

    return write_index(out_dir, plan, {k: r.to_dict() for k, r in results.items()},
                       {k: r.to_dict() for k, r in briefings.items()}, run=run, lang=lang,
                       kept=kept_records(plan, previous or {}))
