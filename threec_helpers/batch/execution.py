"""Executing one task in a batch worker: a notebook through papermill (in a warm kernel), or a briefing.

:func:`execute_job` runs one notebook job with papermill's Python API, in a warm kernel
taken from the worker's :class:`~threec_helpers.batch.warm.KernelPool` when it has one, and
then finishes it (:func:`finish_notebook`): the executed notebook is kept (the failing cell
marked, :func:`mark_failed_cell`, when it failed), the free text masked with ``--mask``, the
reports published (:mod:`.publish`), the provenance written. A notebook that raises, times
out or whose kernel dies fails alone, with a :class:`~threec_helpers.batch.tasks.TaskResult`
that says why. :func:`execute_briefing` composes one briefing (:mod:`.briefing`).

These run inside a worker process (:mod:`.worker`); a worker killed past its deadline has
its job finished by the runner, with the same :func:`finish_notebook`.
"""

from __future__ import annotations

import contextlib
import functools
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import ThreecError
from ..i18n import t
from .jobs import Job, error_text, make_error
from .provenance import make_provenance, now_iso
from .tasks import BriefingTask, NotebookTask, Task, TaskResult

#: every file a job writes, by suffix (removed before the job runs again, so none is stale)
JOB_SUFFIXES = (".ipynb", ".html", ".pdf", ".slides.html", ".xlsx", ".results.json", ".provenance.json")


def remove_outputs(base: Path) -> None:
    """Remove every file a job writes (:data:`JOB_SUFFIXES`), so none is stale after it runs again.

    Parameters
    ----------
    base : Path
        The job's folder and notebook name (``out/02_analysis``).

    Examples
    --------
    >>> import tempfile
    >>> base = Path(tempfile.mkdtemp()) / "02_analysis"
    >>> _ = base.with_name("02_analysis.html").write_text("old")
    >>> remove_outputs(base)
    >>> list(base.parent.iterdir())
    []
    """
    for suffix in JOB_SUFFIXES:
        with contextlib.suppress(FileNotFoundError):
            base.with_name(base.name + suffix).unlink()


def mark_failed_cell(nb, ename: str, evalue: str) -> int | None:
    """Mark the cell where execution stopped (metadata ``threec.failed``, tag, error output).

    Papermill marks a cell that raised; a timeout or a dead kernel leaves no mark, so the
    cell is found from papermill's per-cell status and start times.

    Parameters
    ----------
    nb : NotebookNode
        The executed (partial) notebook; changed in place.
    ename, evalue : str
        The error's name and message.

    Returns
    -------
    int or None
        The cell's index (None when no cell ran).

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1"), nbformat.v4.new_code_cell("1 / 0")])
    >>> nb.cells[1].metadata["papermill"] = {"status": "failed", "exception": True}
    >>> mark_failed_cell(nb, "ZeroDivisionError", "division by zero"), nb.cells[1].metadata["tags"]
    (1, ['threec-failed'])
    """
    import nbformat

    index = None
    for i, cell in enumerate(nb.cells):
        pm = cell.get("metadata", {}).get("papermill", {})
        if pm.get("status") in ("failed", "running") or pm.get("exception"):
            index = i
            break
    if index is None:
        started = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                   and c.get("metadata", {}).get("papermill", {}).get("start_time")]
        index = started[-1] if started else None
    if index is None:
        return None
    cell = nb.cells[index]
    cell.metadata.setdefault("threec", {})["failed"] = True
    tags = list(cell.metadata.get("tags", []))
    if "threec-failed" not in tags:
        cell.metadata["tags"] = tags + ["threec-failed"]
    if cell.cell_type == "code" and not any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
        cell.outputs.append(nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[]))
    nb.metadata.setdefault("papermill", {})["exception"] = True
    return index


def _scrub_json(value: Any, scrub: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [_scrub_json(v, scrub) for v in value]
    if isinstance(value, dict):
        return {k: _scrub_json(v, scrub) for k, v in value.items()}
    return value


def job_scrubber(job: Job):
    """Masking of free text for ``job`` (None without --mask).

    Parameters
    ----------
    job : Job
        Its ``mask``, ``client_id``, ``data_root`` and ``lang`` are used.

    Returns
    -------
    callable or None
        str -> str replacing the client's names (:func:`threec_helpers.inputs.masking.compile_scrubber`);
        None without masking or when the client's data cannot be loaded.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> job_scrubber(SimpleNamespace(mask=False)) is None
    True
    """
    if not job.mask:
        return None
    from ..inputs.masking import compile_scrubber, text_replacements
    from ..inputs.validation import load_client

    try:
        data = load_client(job.client_id, job.data_root)
    except ThreecError:
        return None
    return compile_scrubber(text_replacements(data.tables, job.client_id, job.lang))


def finish_notebook(job: Job, run_id: str, partial: Path, *, started: str, exec_s: float, status: str,
                    error: dict[str, Any] | None, kind: str | None, ename: str = "", evalue: str = "",
                    publish: bool = True) -> TaskResult:
    """Keep the executed notebook (failing cell marked), publish it, write its provenance.

    Parameters
    ----------
    job : Job
    run_id : str
    partial : Path
        The notebook as papermill left it.
    started : str
    exec_s : float
    status : {"ok", "failed"}
    error : dict or None
    kind : str or None
        The error's kind (``error``, ``timeout``, ...).
    ename, evalue : str
        For the failing cell's mark.
    publish : bool
        Write the job's formats (HTML, PDF, ...).

    Returns
    -------
    TaskResult

    Examples
    --------
    >>> import nbformat
    >>> import tempfile
    >>> from threec_helpers.batch.jobs import Job
    >>> folder = Path(tempfile.mkdtemp())
    >>> job = Job(client_id="acme", period="2025", notebook="x", notebook_path=str(folder / "missing.ipynb"),
    ...           output_dir=str(folder / "out"), parameters={}, lang="en", timeout=60.0, formats=(), mask=False,
    ...           kernel_name="python3", data_root="data/clients")
    >>> (folder / "out").mkdir()
    >>> partial = folder / "out" / ".x.partial.ipynb"
    >>> nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 / 0")]), str(partial))
    >>> result = finish_notebook(job, "r1", partial, started="", exec_s=0.1, status="failed",
    ...                          error={"key": "batch.error.crash", "fields": {"detail": "x"}}, kind="error",
    ...                          publish=False)
    >>> result.outputs, sorted(p.name for p in (folder / "out").iterdir())
    ({'ipynb': 'x.ipynb'}, ['x.ipynb', 'x.provenance.json'])
    """
    import nbformat

    from ..report.results import SUFFIX, read_results
    from .publish import commentary_of, publish_notebook, write_text_atomic

    t_publish = time.monotonic()
    out = Path(job.output_dir)
    base = out / job.notebook
    finished = now_iso()
    scrub = job_scrubber(job)
    warnings: list[str] = []
    if job.mask and not job.declares_mask:
        warnings.append(t("batch.report.mask_undeclared", job.lang, notebook=job.notebook))
    executed = base.with_name(base.name + ".ipynb")
    if partial.exists():
        nb = nbformat.read(str(partial), as_version=4)
        if status != "ok":
            mark_failed_cell(nb, ename or (kind or "Error"), evalue or error_text(error, "en"))
        if scrub:
            from .publish import clean_notebook  # noqa: F401 - same scrubbing rules as the reports

            for cell in nb.cells:
                for o in cell.get("outputs", []):
                    if o.get("output_type") == "stream":
                        o["text"] = scrub(o.get("text", ""))
                    for mime in ("text/plain", "text/html", "text/markdown"):
                        if mime in o.get("data", {}):
                            v = o["data"][mime]
                            o["data"][mime] = scrub("".join(v) if isinstance(v, list) else v)
        write_text_atomic(executed, nbformat.writes(nb))
        partial.unlink()
    results_path = out / f"{job.notebook}{SUFFIX}"
    results = read_results(out).get(job.notebook) if results_path.exists() else None
    if results is not None and status != "ok":
        results_path.unlink()  # a failed notebook's results are not to be trusted by the briefing
        results = None
    if results is not None and scrub:
        results = _scrub_json(results, scrub)
        write_text_atomic(results_path, json.dumps(results, ensure_ascii=False, indent=2))
    from ..report.results import not_assessed_info, not_assessed_text

    missing = not_assessed_info(results) if status == "ok" else None
    prov = make_provenance(job.to_dict(), run_id=run_id, started=started, finished=finished, duration_s=exec_s,
                           status=status)
    outputs: dict[str, str] = {}
    publish_error = None
    if publish and executed.exists():
        meta = {"title": (results or {}).get("title") or job.title or job.notebook, "client_id": job.client_id,
                "client_name": job.client_name, "period": job.period, "lang": job.lang, "masked": job.mask,
                "provenance": prov, "failure": error_text(error, job.lang) if error else "", "warnings": warnings,
                "not_assessed": not_assessed_text(missing, job.lang) if missing is not None else "",
                "notebook": job.notebook, "data_root": job.data_root}
        notes = commentary_of(meta)
        meta["commentary"] = notes
        try:
            outputs = publish_notebook(executed, base, meta, job.formats, results=results, scrub=scrub,
                                       failed=status != "ok")
        except Exception as exc:  # noqa: BLE001 - a publishing failure fails this job only
            status = "failed"
            kind = "publish"
            publish_error = make_error("batch.error.publish", detail=f"{type(exc).__name__}: {exc}"[:500])
            error = error or publish_error
            prov["status"] = status
            for suffix in (".html", ".pdf", ".slides.html", ".xlsx", ".docx"):  # nothing half-published may look complete
                with contextlib.suppress(FileNotFoundError):
                    base.with_name(base.name + suffix).unlink()
            outputs = {}
            with contextlib.suppress(Exception):
                meta["failure"] = error_text(error, job.lang)
                outputs = publish_notebook(executed, base, meta, ("html",), scrub=scrub, failed=True)
    if executed.exists():
        outputs["ipynb"] = executed.name
    if results is not None:
        outputs["results"] = results_path.name
    write_text_atomic(base.with_name(base.name + ".provenance.json"),
                      json.dumps(prov, ensure_ascii=False, indent=2, sort_keys=True))
    if status == "ok" and missing is not None:  # it ran, but could assess nothing: never a green "done"
        status = "not_assessed"
    if publish and executed.exists():  # a commentary file's problems are the consultant's, not the panel's
        warnings = warnings + notes.warnings(job.lang)
    return TaskResult(id=job.id, kind="notebook", status=status, error=error, error_kind=kind, started=started,
                      finished=finished, exec_s=round(exec_s, 3), publish_s=round(time.monotonic() - t_publish, 3),
                      outputs=outputs, key=job.key, run_id=run_id, warnings=warnings,
                      not_assessed=missing if status == "not_assessed" else None)


def execute_job(job: Job, run_id: str, pool=None) -> TaskResult:
    """Execute one notebook job with papermill and publish it (runs in the worker process).

    Parameters
    ----------
    job : Job
    run_id : str
    pool : threec_helpers.batch.warm.KernelPool, optional
        The worker's warm kernels; one is taken for this notebook and shut down after it.
        None: papermill starts a kernel itself.

    Returns
    -------
    TaskResult
        status ``ok`` | ``failed``; error_kind ``error`` | ``timeout`` | ``kernel_died`` |
        ``crash`` | ``publish``.

    See Also
    --------
    run_task_here : runs a task of either kind and writes its result file.

    Examples
    --------
    >>> import tempfile
    >>> from threec_helpers.batch.jobs import Job
    >>> folder = Path(tempfile.mkdtemp())
    >>> job = Job(client_id="acme", period="2025", notebook="x", notebook_path=str(folder / "missing.ipynb"),
    ...           output_dir=str(folder / "out"), parameters={}, lang="en", timeout=60.0, formats=(), mask=False,
    ...           kernel_name="python3", data_root="data/clients")
    >>> result = execute_job(job, "r1")
    >>> result.status, result.error_kind
    ('failed', 'crash')
    """
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    out = Path(job.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    base = out / job.notebook
    remove_outputs(base)
    partial = out / f".{job.notebook}.partial.ipynb"
    started = now_iso()
    t0 = time.monotonic()
    status, error, kind, ename, evalue = "ok", None, None, "", ""
    km = None
    kernel_s = None
    try:
        if pool is not None:  # a warm kernel, used for this notebook only (see batch.warm)
            km = pool.take(job.kernel_name, Path(job.notebook_path).parent)
            kernel_s = time.monotonic() - t0
        from .warm import IOPUB_TIMEOUT

        run = pm.execute_notebook
        if km is not None:
            from .warm import execute_notebook as run
            run = functools.partial(run, km)
        run(job.notebook_path, str(partial), parameters=job.parameters, kernel_name=job.kernel_name,
            execution_timeout=job.timeout, start_timeout=120, progress_bar=False, log_output=False,
            cwd=str(Path(job.notebook_path).parent), iopub_timeout=IOPUB_TIMEOUT)
    except PapermillExecutionError as exc:
        status, kind, ename, evalue = "failed", "error", exc.ename, exc.evalue
        error = make_error("batch.error.cell", cell=exc.exec_count if exc.exec_count is not None else "?",
                           ename=exc.ename, evalue=str(exc.evalue).strip()[:500])
    except CellTimeoutError:
        status, kind, ename = "failed", "timeout", "CellTimeoutError"
        evalue = f"timed out after {job.timeout:g} s"
        error = make_error("batch.error.timeout", seconds=f"{job.timeout:g}")
    except DeadKernelError:
        status, kind, ename, evalue = "failed", "kernel_died", "DeadKernelError", "the kernel died"
        error = make_error("batch.error.kernel_died")
    except Exception as exc:  # noqa: BLE001 - anything else fails this notebook only
        status, kind, ename, evalue = "failed", "crash", type(exc).__name__, str(exc)
        error = make_error("batch.error.crash", detail=f"{type(exc).__name__}: {exc}"[:500])
    finally:
        if km is not None:
            pool.release(km)  # one kernel, one notebook: its namespace, patches and memory go with it
    exec_s = time.monotonic() - t0
    result = finish_notebook(job, run_id, partial, started=started, exec_s=exec_s, status=status, error=error,
                              kind=kind, ename=ename, evalue=evalue)
    result.kernel_s = None if kernel_s is None else round(kernel_s, 3)
    result.startup_s = _startup_s(partial.with_name(job.notebook + ".ipynb"), started)
    return result


def _startup_s(executed: Path, started: str) -> float | None:
    """Seconds from the job's start to the start of the notebook's first cell (papermill's timestamps)."""
    from datetime import datetime

    try:
        nb = json.loads(executed.read_text(encoding="utf-8"))
        first = next(c["metadata"]["papermill"]["start_time"] for c in nb["cells"]
                     if c.get("cell_type") == "code" and c.get("metadata", {}).get("papermill", {}).get("start_time"))
        t_first = datetime.fromisoformat(first.replace("Z", "+00:00"))
        t_start = datetime.fromisoformat(started.replace("Z", "+00:00"))
        return round((t_first - t_start).total_seconds(), 3)
    except Exception:  # noqa: BLE001 - a figure for the benchmark only
        return None


def execute_briefing(task: BriefingTask) -> TaskResult:
    """Compose one briefing (runs in the worker process).

    Parameters
    ----------
    task : BriefingTask

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
    >>> execute_briefing(task).kind
    'briefing'
    """
    from .briefing import write_briefing

    started = now_iso()
    t0 = time.monotonic()
    try:
        outputs = write_briefing(Path(task.folder), task.client, task.period, task.lang,
                                 formats=tuple(task.formats), previous_folder=task.previous_folder,
                                 run=task.run, engagement=task.engagement, client_name=task.client_name,
                                 data_root=task.data_root)
        status, error = "ok", None
    except Exception as exc:  # noqa: BLE001
        status, outputs = "failed", {}
        error = make_error("batch.error.briefing", detail=f"{type(exc).__name__}: {exc}"[:500])
    return TaskResult(id=task.id, kind="briefing", status=status, error=error, started=started,
                      finished=now_iso(), exec_s=round(time.monotonic() - t0, 3), outputs=outputs)


def run_task_here(task: Task, pool=None) -> TaskResult:
    """Run ``task`` in this process and write its result file (``task.result_path``).

    Parameters
    ----------
    task : NotebookTask or BriefingTask
    pool : KernelPool, optional
        Warm kernels for a notebook.

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
    >>> result = run_task_here(task)
    >>> Path(task.result_path).is_file()
    True
    """
    from .publish import write_text_atomic

    if isinstance(task, NotebookTask):
        result = execute_job(task.job, task.run_id, pool)
    else:
        result = execute_briefing(task)
    write_text_atomic(task.result_path, json.dumps(result.to_dict(), ensure_ascii=False))
    return result
