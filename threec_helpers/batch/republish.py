"""``threec publish``: make every output of already-executed notebooks again, without executing one.

After a consultant edits the commentary (:mod:`.commentary`), the branding
(:mod:`.branding`) or a template, :func:`republish` renders the HTML, PDF, slides and XLSX of
each executed notebook of a batch (its ``.ipynb`` and results file in the reports folder)
and the briefings again, with the current commentary, branding and templates, and updates
the batch index. No notebook runs and no kernel starts: the executed notebooks and the
results files are read, never written, so a republished folder holds the very figures of
the run that made them. Every file is written atomically and the folder's run lock is held,
so a republish never meets a running batch.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .index import previous_summary, write_run_index
from .jobs import Job
from .plan import Plan, plan_batch
from .provenance import now_iso
from .spec import BatchSpec
from .tasks import TaskResult


@dataclass
class RepublishResult:
    """What a republish did: the reports made again, those left as they were, and why.

    Attributes
    ----------
    out_dir : Path
        The batch folder.
    republished : list of str
        Job ids whose reports were made again.
    briefings : list of str
        Ids of the briefings made again.
    skipped, failed : dict
        Job id -> why it was not made again / why making it failed.
    warnings : list of str
        The commentary files' problems, once each.
    wall_s : float
        Seconds taken.

    Examples
    --------
    >>> r = RepublishResult(Path("reports/monthly"))
    >>> r.republished, r.skipped, r.wall_s
    ([], {}, 0.0)
    """

    out_dir: Path
    republished: list[str] = field(default_factory=list)
    briefings: list[str] = field(default_factory=list)
    #: job id -> why it was not made again (never executed, or its files are gone)
    skipped: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    #: the commentary files' problems (unknown section ids ...), once each
    warnings: list[str] = field(default_factory=list)
    wall_s: float = 0.0


def _kept(record: dict[str, Any]) -> TaskResult:
    """A batch summary's job record as a result again (outputs relative to the job's folder)."""
    result = TaskResult.from_dict(record)
    folder = f"{record.get('client_id')}/{record.get('period')}/"
    result.outputs = {k: v[len(folder):] if v.startswith(folder) else v for k, v in (record.get("outputs") or {}).items()}
    if isinstance(result.error, str):
        result.error = {"text": result.error} if result.error else None
    return result


def _republish_job(job: Job, record: dict[str, Any] | None, lang: str) -> tuple[TaskResult | None, str, list[str]]:
    """Publish one job's executed notebook again; (result, reason skipped, commentary warnings)."""
    from ..i18n import t
    from ..report.results import SUFFIX, read_results
    from .execution import job_scrubber
    from .publish import commentary_of, publish_notebook

    base = Path(job.output_dir) / job.notebook
    executed = base.with_name(base.name + ".ipynb")
    prov_path = base.with_name(base.name + ".provenance.json")
    if not executed.is_file() or not prov_path.is_file():
        return None, t("publish.not_executed", lang, notebook=job.id), []
    prov = json.loads(prov_path.read_text(encoding="utf-8"))
    failed = prov.get("status") != "ok"
    results = read_results(base.parent).get(job.notebook) if (base.parent / f"{job.notebook}{SUFFIX}").is_file() \
        else None
    warnings = [t("batch.report.mask_undeclared", job.lang, notebook=job.notebook)] \
        if job.mask and not job.declares_mask else []
    failure = ""
    if failed:
        failure = str((record or {}).get("error") or "") or t("publish.failed_before", job.lang)
    meta = {"title": (results or {}).get("title") or job.title or job.notebook, "client_id": job.client_id,
            "client_name": job.client_name, "period": job.period, "lang": job.lang, "masked": job.mask,
            "provenance": prov, "failure": failure, "warnings": warnings, "notebook": job.notebook,
            "data_root": job.data_root}
    notes = commentary_of(meta)
    meta["commentary"] = notes
    t0 = time.monotonic()
    outputs = publish_notebook(executed, base, meta, job.formats, results=results,
                               scrub=job_scrubber(job) if job.mask else None, failed=failed)
    outputs["ipynb"] = executed.name
    if results is not None:
        outputs["results"] = f"{job.notebook}{SUFFIX}"
    base_result = _kept(record) if record else TaskResult(id=job.id, status=prov.get("status", "ok"),
                                                            started=prov.get("started", ""),
                                                            finished=prov.get("finished", ""),
                                                            exec_s=prov.get("duration_s", 0.0), key=job.key,
                                                            run_id=prov.get("run_id"))
    base_result.outputs = outputs
    base_result.publish_s = round(time.monotonic() - t0, 3)
    base_result.warnings = warnings + notes.warnings(job.lang)
    return base_result, "", notes.warnings(lang)


def republish(spec: BatchSpec, out_root: Path, *, clients: list[str] | None = None,
              periods: list[str] | None = None, lang: str = "zh",
              echo: Callable[[str], None] | None = None) -> RepublishResult:
    """Render every output of a batch's executed notebooks again, without executing any.

    Parameters
    ----------
    spec : BatchSpec
        The batch (:func:`~threec_helpers.batch.spec.load_batch`); its reports folder is
        ``out_root / spec.name``.
    out_root : Path
        Reports root.
    clients, periods : list of str, optional
        Only these clients / periods (``current`` and ``previous`` as for ``threec run``);
        the index keeps every other report as it was.
    lang : {"zh", "en"}
        Language of the index and the messages.
    echo : callable, optional
        Gets a line per report made again.

    Returns
    -------
    RepublishResult

    Raises
    ------
    BatchLockedError
        A run is writing into the same folder.
    ThreecError
        The batch file or its parameters are wrong (as for ``threec run``).

    Examples
    --------
    A batch never run has nothing to make again (nothing is executed either way).

    >>> import tempfile
    >>> from threec_helpers.batch.spec import parse_batch
    >>> root = Path(tempfile.mkdtemp())
    >>> spec = parse_batch({"name": "monthly", "clients": ["acme"], "lang": "en"}, data_root=root / "data")
    >>> done = republish(spec, root / "reports", lang="en")
    >>> done.republished, done.failed, done.out_dir.relative_to(root).as_posix()
    ([], {}, 'reports/monthly')
    """
    from .execution import execute_briefing
    from .orchestrate import check_writable, run_lock
    from .schedule import Schedule

    t0 = time.monotonic()
    say = echo or (lambda line: None)
    full: Plan = plan_batch(spec, out_root)
    chosen = plan_batch(spec, out_root, clients=clients, periods=periods) if clients or periods else full
    out_dir = full.out_dir
    done = RepublishResult(out_dir=out_dir)
    check_writable(out_dir)
    with run_lock(out_dir):
        previous = previous_summary(out_dir)
        records = {r["id"]: r for r in previous.get("jobs", [])}
        results: dict[str, TaskResult] = {rid: _kept(rec) for rid, rec in records.items()}
        groups: set[tuple[str, str]] = set()
        seen_warnings: set[str] = set()
        for job in chosen.jobs:
            if job.error is not None or not job.notebook_path:
                continue
            try:
                result, skipped, warns = _republish_job(job, records.get(job.id), lang)
            except Exception as exc:  # noqa: BLE001 - one report that cannot be made again does not stop the rest
                done.failed[job.id] = f"{type(exc).__name__}: {exc}"[:500]
                say(f"✗ {job.id}: {done.failed[job.id]}")
                continue
            if result is None:
                done.skipped[job.id] = skipped
                say(f"- {skipped}")
                continue
            results[job.id] = result
            done.republished.append(job.id)
            groups.add((job.client_id, job.period))
            for w in warns:
                if w not in seen_warnings:
                    seen_warnings.add(w)
                    done.warnings.append(w)
            say(f"✓ {job.id}  {result.publish_s:.1f} s")
        briefings: dict[str, TaskResult] = {}
        for rec in previous.get("briefings", []):
            kept = TaskResult.from_dict({**rec, "kind": "briefing"})
            folder = f"{rec.get('client_id')}/{rec.get('period')}/"
            kept.outputs = {k: v[len(folder):] if v.startswith(folder) else v for k, v in (rec.get("outputs") or {}).items()}
            if isinstance(kept.error, str):
                kept.error = {"text": kept.error} if kept.error else None
            briefings[rec["id"]] = kept
        run = {k: v for k, v in previous.items() if k not in ("batch", "source", "counts", "jobs", "briefings")}
        run.setdefault("run_id", f"{spec.name}-republished")
        run["republished"] = now_iso()
        run["running"] = False
        if spec.briefing:
            schedule = Schedule(full, [], grace=0.0, last_exec_s={})
            for group in sorted(groups):
                task = schedule.briefing_task(group, run["run_id"])
                result = execute_briefing(task)
                briefings[task.id] = result
                done.briefings.append(task.id)
                if result.status != "ok":
                    done.failed[task.id] = str(result.error)
                say(("✓ " if result.status == "ok" else "✗ ") + task.id)
        write_run_index(out_dir, full, {k: v for k, v in results.items() if k in {j.id for j in full.jobs}},
                        briefings, run=run, lang=lang)
    done.wall_s = round(time.monotonic() - t0, 2)
    return done


__all__ = ["RepublishResult", "republish"]
