"""Step 2 of a batch run: execute the notebooks, concurrently, each in its own process.

Every task (one notebook for one client and period, or one briefing) runs in a child
process, ``python -m threec_helpers.batch.execute``, which executes the notebook through
papermill's Python API and publishes it (:mod:`threec_helpers.batch.publish`). The
parent (:func:`run_task`) gives the child a hard deadline and kills it, with its kernel,
when it passes it. So:

- a notebook that raises, hangs past its timeout, or whose kernel dies (killed, out of
  memory) fails alone; its executed notebook is kept with the failing cell marked, its
  HTML report carries a failure banner, and the batch summary gives the error;
- the same :func:`run_task` runs on a local thread pool (default: one task per core) or
  on a Dask cluster (``--scheduler``), so both give the same files.

:func:`run_batch` ties the steps together: lock the reports folder, skip unchanged work,
run, compose briefings, write ``batch-summary.json`` and ``index.html`` last.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..errors import ThreecError
from ..i18n import t
from .plan import Job, Plan, error_text, make_error
from .provenance import make_provenance, now_iso

SUMMARY = "batch-summary.json"
INDEX = "index.html"
LOCK = ".threec-run.lock"
#: seconds a task may take beyond its notebook timeout (kernel start, publishing) before it is killed
DEFAULT_GRACE = 180.0
#: every file a job writes, by suffix (removed before the job runs again, so none is stale)
JOB_SUFFIXES = (".ipynb", ".html", ".pdf", ".slides.html", ".xlsx", ".results.json", ".provenance.json")


class BatchLockedError(ThreecError):
    """Another run is writing into the same reports folder."""


class ReportsFolderError(ThreecError):
    """The reports folder cannot be created or written."""


# --------------------------------------------------------------------------- child side

#: the warm kernels of a persistent worker (``execute --serve``); None: papermill starts each kernel
_POOL = None


def _remove_outputs(base: Path) -> None:
    for suffix in JOB_SUFFIXES:
        with contextlib.suppress(FileNotFoundError):
            base.with_name(base.name + suffix).unlink()


def mark_failed_cell(nb, ename: str, evalue: str) -> int | None:
    """Mark the cell where execution stopped (metadata ``threec.failed``, tag, error output).

    Papermill marks a cell that raised; a timeout or a dead kernel leaves no mark, so the
    cell is found from papermill's per-cell status and start times.
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


def _scrubber(job: Job):
    """Masking of free text for ``job`` (None without --mask)."""
    if not job.mask:
        return None
    from ..inputs.masking import compile_scrubber, text_replacements
    from ..inputs.validation import load_client

    try:
        data = load_client(job.client_id, job.data_root)
    except ThreecError:
        return None
    return compile_scrubber(text_replacements(data.tables, job.client_id, job.lang))


def _finish_notebook(job: Job, run_id: str, partial: Path, *, started: str, exec_s: float, status: str,
                     error: dict[str, Any] | None, kind: str | None, ename: str = "", evalue: str = "",
                     publish: bool = True) -> dict[str, Any]:
    """Keep the executed notebook (failing cell marked), publish it, write its provenance."""
    import nbformat

    from .publish import write_text_atomic
    from ..report.results import SUFFIX, read_results
    from .publish import publish_notebook

    t_publish = time.monotonic()
    out = Path(job.output_dir)
    base = out / job.notebook
    finished = now_iso()
    scrub = _scrubber(job)
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
    prov = make_provenance(job.to_dict(), run_id=run_id, started=started, finished=finished, duration_s=exec_s,
                           status=status)
    outputs: dict[str, str] = {}
    publish_error = None
    if publish and executed.exists():
        meta = {"title": (results or {}).get("title") or job.title or job.notebook, "client_id": job.client_id,
                "client_name": job.client_name, "period": job.period, "lang": job.lang, "masked": job.mask,
                "provenance": prov, "failure": error_text(error, job.lang) if error else "", "warnings": warnings}
        try:
            outputs = publish_notebook(executed, base, meta, job.formats, results=results, scrub=scrub,
                                       failed=status != "ok")
        except Exception as exc:  # noqa: BLE001 - a publishing failure fails this job only
            status = "failed"
            kind = "publish"
            publish_error = make_error("batch.error.publish", detail=f"{type(exc).__name__}: {exc}"[:500])
            error = error or publish_error
            prov["status"] = status
            for suffix in (".html", ".pdf", ".slides.html", ".xlsx"):  # nothing half-published may look complete
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
    return {"id": job.id, "kind": "notebook", "status": status, "error": error, "error_kind": kind,
            "started": started, "finished": finished, "exec_s": round(exec_s, 3),
            "publish_s": round(time.monotonic() - t_publish, 3), "outputs": outputs,
            "key": job.key, "run_id": run_id, "warnings": warnings}


def execute_job(job_dict: dict[str, Any], run_id: str) -> dict[str, Any]:
    """Execute one notebook job with papermill and publish it (runs in the child process).

    Returns
    -------
    dict
        id, status (``ok`` | ``failed``), error (i18n key + fields), error_kind
        (``error`` | ``timeout`` | ``kernel_died`` | ``crash`` | ``publish``), started,
        finished, exec_s, outputs (format -> file name), key, run_id.
    """
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    job = Job.from_dict(job_dict)
    out = Path(job.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    base = out / job.notebook
    _remove_outputs(base)
    partial = out / f".{job.notebook}.partial.ipynb"
    started = now_iso()
    t0 = time.monotonic()
    status, error, kind, ename, evalue = "ok", None, None, "", ""
    km = None
    kernel_s = None
    try:
        if _POOL is not None:  # a warm kernel, used for this notebook only (see batch.warm)
            km = _POOL.take(job.kernel_name, Path(job.notebook_path).parent)
            kernel_s = time.monotonic() - t0
        run = pm.execute_notebook
        if km is not None:
            from .warm import execute_notebook as run
            run = functools.partial(run, km)
        run(job.notebook_path, str(partial), parameters=job.parameters, kernel_name=job.kernel_name,
            execution_timeout=job.timeout, start_timeout=120, progress_bar=False, log_output=False,
            cwd=str(Path(job.notebook_path).parent))
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
            _POOL.release(km)  # one kernel, one notebook: its namespace, patches and memory go with it
    exec_s = time.monotonic() - t0
    result = _finish_notebook(job, run_id, partial, started=started, exec_s=exec_s, status=status, error=error,
                              kind=kind, ename=ename, evalue=evalue)
    result["kernel_s"] = None if kernel_s is None else round(kernel_s, 3)
    result["startup_s"] = _startup_s(partial.with_name(job.notebook + ".ipynb"), started)
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


def execute_briefing(task: dict[str, Any]) -> dict[str, Any]:
    """Compose one briefing (runs in the child process)."""
    from .briefing import write_briefing

    started = now_iso()
    t0 = time.monotonic()
    try:
        outputs = write_briefing(Path(task["folder"]), task["client"], task["period"], task["lang"],
                                 formats=tuple(task["formats"]), previous_folder=task.get("previous_folder"),
                                 run=task.get("run", {}), engagement=task.get("engagement"),
                                 client_name=task.get("client_name"))
        status, error = "ok", None
    except Exception as exc:  # noqa: BLE001
        status, outputs = "failed", {}
        error = make_error("batch.error.briefing", detail=f"{type(exc).__name__}: {exc}"[:500])
    return {"id": task["id"], "kind": "briefing", "status": status, "error": error, "started": started,
            "finished": now_iso(), "exec_s": round(time.monotonic() - t0, 3), "outputs": outputs}


def _run_one(task: dict[str, Any]) -> None:
    from .publish import write_text_atomic

    if task["kind"] == "notebook":
        result = execute_job(task["job"], task["run_id"])
    else:
        result = execute_briefing(task)
    write_text_atomic(task["result_path"], json.dumps(result, ensure_ascii=False))


def _child_main(argv: list[str]) -> None:
    """``python -m threec_helpers.batch.execute [--serve]``.

    Without ``--serve``: read one task (JSON) on stdin, write its result file, exit.
    With ``--serve`` (a persistent local worker): read one task per line on stdin and
    answer ``DONE`` on stdout after writing each result file; everything else the
    libraries print goes to stderr (the worker's log).
    """
    os.environ["PYTHONHASHSEED"] = "0"  # kernels inherit it: the same run gives the same output order
    os.environ["THREEC_BATCH"] = "1"  # explorers render static output (threec_helpers.explore.is_batch)
    if "--serve" not in argv:
        _run_one(json.loads(sys.stdin.read()))
        return
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    global _POOL
    from . import warm

    if warm.enabled():
        _POOL = warm.KernelPool(spare=1)
        with contextlib.suppress(Exception):  # the first notebook's kernel warms while the rest is imported
            _POOL.fill(os.environ.get("THREEC_WARM_KERNEL_NAME", "threec"))
    _watch_parent()
    for mod in ("papermill", "nbconvert", "weasyprint", "threec_helpers.batch.publish",
                "threec_helpers.batch.briefing"):  # import once, before the first task arrives
        with contextlib.suppress(Exception):
            __import__(mod)
    proto.write("READY\n")
    for line in sys.stdin:
        if not line.strip():
            continue
        task = json.loads(line)
        try:
            _run_one(task)
        except Exception as exc:  # noqa: BLE001 - report and keep serving
            print(f"task {task.get('id')} failed in the worker: {type(exc).__name__}: {exc}", file=sys.stderr)
        proto.write("DONE\n")
    if _POOL is not None:
        _POOL.close()


def _watch_parent() -> None:
    """Exit, with the waiting kernels, when the process that started this worker is gone."""
    parent = os.getppid()

    def watch():
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                if _POOL is not None:
                    _POOL.kill_now()
                os._exit(3)

    threading.Thread(target=watch, daemon=True, name="threec-parent-watch").start()


# --------------------------------------------------------------------------- parent side


def _kill_tree(pid: int) -> None:
    """Kill a process, its kernel and everything else below it."""
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


def run_task(task: dict[str, Any]) -> dict[str, Any]:
    """Run one task in a child process with a hard deadline; return its result.

    The same function runs on a local thread and on a Dask worker. A child that dies or
    passes its deadline (``task["deadline_s"]``) is killed with its kernel; the job is
    then finished here: partial notebook kept and marked, failure report written.
    """
    result_path = Path(task["result_path"])
    with contextlib.suppress(FileNotFoundError):
        result_path.unlink()
    log_path = result_path.with_suffix(".log")
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONUTF8": "1", "THREEC_BATCH": "1"}
    env.pop("MPLBACKEND", None)  # kernels must draw inline (embedded PNGs), not to a headless backend
    t0 = time.monotonic()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "threec_helpers.batch.execute"], stdin=subprocess.PIPE,
                                stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        killed = False
        try:
            proc.communicate(json.dumps(task).encode("utf-8"), timeout=task["deadline_s"])
        except subprocess.TimeoutExpired:
            killed = True
            _kill_tree(proc.pid)
            proc.wait()
        except BaseException:
            _kill_tree(proc.pid)
            proc.wait()
            raise
    if result_path.is_file() and not killed:
        result = json.loads(result_path.read_text(encoding="utf-8"))
        result_path.unlink()
        with contextlib.suppress(FileNotFoundError):
            log_path.unlink()
        return result
    tail = ""
    with contextlib.suppress(OSError):
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-1500:]
    return _lost_task(task, killed=killed, returncode=proc.returncode, tail=tail, elapsed=time.monotonic() - t0)


def _lost_task(task: dict[str, Any], *, killed: bool, returncode: int | None, tail: str,
               elapsed: float) -> dict[str, Any]:
    """The result of a task whose process was killed (deadline) or died before it reported."""
    t0 = time.monotonic() - elapsed
    if task["kind"] != "notebook":
        return {"id": task["id"], "kind": task["kind"], "status": "failed",
                "error": make_error("batch.error.worker_died", code=returncode, tail=tail[-300:]),
                "started": "", "finished": now_iso(), "exec_s": round(time.monotonic() - t0, 3), "outputs": {}}
    job = Job.from_dict(task["job"])
    partial = Path(job.output_dir) / f".{job.notebook}.partial.ipynb"
    if killed:
        error = make_error("batch.error.timeout", seconds=f"{job.timeout:g}")
        kind, ename, evalue = "timeout", "TimeoutError", f"killed after {task['deadline_s']:g} s"
    else:
        error = make_error("batch.error.worker_died", code=returncode, tail=tail[-300:])
        kind, ename, evalue = "crash", "WorkerDied", f"exit code {returncode}"
    try:
        return _finish_notebook(job, task["run_id"], partial, started=task.get("submitted", now_iso()),
                                exec_s=time.monotonic() - t0, status="failed", error=error, kind=kind, ename=ename,
                                evalue=evalue)
    except Exception:  # noqa: BLE001 - even finishing failed: report the failure without files
        return {"id": job.id, "kind": "notebook", "status": "failed", "error": error, "error_kind": kind,
                "started": "", "finished": now_iso(), "exec_s": round(time.monotonic() - t0, 3), "outputs": {},
                "key": job.key, "run_id": task["run_id"]}


# --------------------------------------------------------------------------- the batch


@dataclass
class BatchResult:
    """What a batch run did."""

    out_dir: Path
    run_id: str
    jobs: list[dict[str, Any]]
    briefings: list[dict[str, Any]]
    started: str
    finished: str
    wall_s: float
    workers: int
    scheduler: str | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [j for j in self.jobs + self.briefings if j["status"] == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed


def check_writable(folder: Path) -> None:
    """Create ``folder`` and check a file can be written in it (else :class:`ReportsFolderError`)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".write-test-{os.getpid()}"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        raise ReportsFolderError(key="batch.error.unwritable", folder=folder,
                                 detail=exc.strerror or str(exc)) from None


@contextlib.contextmanager
def run_lock(folder: Path):
    """Hold the lock of a reports folder for one run (a second run gets :class:`BatchLockedError`)."""
    path = folder / LOCK
    fh = open(path, "a+")
    try:
        try:
            import fcntl

            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # pragma: no cover - Windows: best effort
            pass
        except OSError:
            fh.seek(0)
            holder = fh.read().strip() or "?"
            fh.close()
            raise BatchLockedError(key="batch.error.locked", folder=folder, holder=holder) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} since {now_iso()}")
        fh.flush()
        yield
    finally:
        if not fh.closed:
            fh.close()


def _unchanged(job: Job) -> dict[str, Any] | None:
    """The previous result of ``job`` when its key matches and all its files are there."""
    base = Path(job.output_dir) / job.notebook
    prov_path = base.with_name(base.name + ".provenance.json")
    if not prov_path.is_file():
        return None
    try:
        prov = json.loads(prov_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    if prov.get("job_key") != job.key or prov.get("status") != "ok":
        return None
    suffix = {"html": ".html", "pdf": ".pdf", "slides": ".slides.html", "xlsx": ".xlsx"}
    outputs = {"ipynb": base.name + ".ipynb"}
    for fmt in job.formats:
        name = base.name + suffix[fmt]
        if (base.parent / name).is_file():
            outputs[fmt] = name
        elif fmt != "xlsx":  # no XLSX when a notebook writes no results file
            return None
    if not (base.parent / outputs["ipynb"]).is_file():
        return None
    results = base.with_name(base.name + ".results.json")
    if results.is_file():
        outputs["results"] = results.name
    return {"id": job.id, "kind": "notebook", "status": "unchanged", "error": None, "error_kind": None,
            "started": prov.get("started", ""), "finished": prov.get("finished", ""),
            "exec_s": prov.get("duration_s", 0), "outputs": outputs, "key": job.key, "run_id": prov.get("run_id")}


def _previous_summary(out_dir: Path) -> dict[str, Any]:
    path = out_dir / SUMMARY
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}


class LocalWorker:
    """One persistent worker process (``execute --serve``): imports once, runs tasks one by one.

    It keeps warm kernels (:mod:`.warm`); :meth:`run` gives each task its deadline, and a
    worker that passes it is killed with its kernels (``alive`` is then False: replace it).
    Used by the local pool and, on a Dask cluster, by :class:`.cluster.WarmWorkerPlugin`.
    """

    def __init__(self, log_path: Path, env: dict[str, str] | None = None):
        env = {**os.environ, **(env or {}), "PYTHONHASHSEED": "0", "PYTHONUTF8": "1", "THREEC_BATCH": "1"}
        env.pop("MPLBACKEND", None)  # kernels must draw inline
        self.log_path = log_path
        self.log = open(log_path, "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "threec_helpers.batch.execute", "--serve"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, env=env,
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

    def run(self, task: dict[str, Any]) -> dict[str, Any]:
        t0 = time.monotonic()
        offset = self.log.tell()
        result_path = Path(task["result_path"])
        with contextlib.suppress(FileNotFoundError):
            result_path.unlink()
        deadline = t0 + task["deadline_s"]
        killed = False
        try:
            if not self.ready:
                line = self._readline(time.monotonic() + 300)
                if line is None or not line.startswith("READY"):
                    raise BrokenPipeError("worker did not start")
                self.ready = True
            self.proc.stdin.write((json.dumps(task) + "\n").encode("utf-8"))
            self.proc.stdin.flush()
            while True:
                line = self._readline(deadline)
                if line is None:
                    killed = True
                    break
                if line == "" or line.startswith("DONE"):
                    break
        except (BrokenPipeError, OSError):
            pass
        self.tasks_done += 1
        if not killed and result_path.is_file():
            result = json.loads(result_path.read_text(encoding="utf-8"))
            result_path.unlink()
            return result
        self.stop()
        tail = ""
        with contextlib.suppress(OSError):
            with open(self.log_path, "rb") as fh:
                fh.seek(offset)
                tail = fh.read().decode("utf-8", "replace")[-1500:]
        return _lost_task(task, killed=killed, returncode=self.proc.returncode, tail=tail,
                          elapsed=time.monotonic() - t0)

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.proc.poll() is None:
            _kill_tree(self.proc.pid)
            self.proc.wait()
        self.log.close()

    def close(self) -> None:
        """Ask the worker to finish (end of input), then make sure it is gone."""
        with contextlib.suppress(OSError):
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            _kill_tree(self.proc.pid)
            self.proc.wait()
        self.log.close()


class _LocalPool:
    """``workers`` persistent worker processes fed from one queue (the local default).

    A worker that passes a task's deadline is killed with its kernel and replaced; one that
    dies is replaced; each is recycled after :attr:`MAX_TASKS` tasks to bound its memory.
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
                result = _lost_task(task, killed=False, returncode=None, tail=str(exc), elapsed=0.0)
            fut = _Done(result)
            self.done.put((task, fut))

    def submit(self, task: dict[str, Any], priority: int = 1) -> None:
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


class _Done:
    """A finished future (so local and Dask results are read the same way)."""

    def __init__(self, result: dict[str, Any]):
        self._result = result

    def result(self) -> dict[str, Any]:
        return self._result


class _Runner:
    """Submit tasks to a local thread pool or a Dask client; collect results through one queue."""

    def __init__(self, workers: int, scheduler: str | Any | None, env: dict[str, str] | None = None):
        self.done: queue.Queue = queue.Queue()
        self.client = None
        self.pool = None
        if scheduler is not None:
            from distributed import Client

            self.client = scheduler if hasattr(scheduler, "submit") else Client(scheduler)
            self._own_client = not hasattr(scheduler, "submit")
            from .cluster import register_warm_workers

            register_warm_workers(self.client, env or {})
        else:
            from concurrent.futures import ThreadPoolExecutor

            self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="threec-task")

    def submit(self, task: dict[str, Any], priority: int = 1) -> None:
        if self.client is not None:
            # Dask runs higher priorities first; within one priority, earlier submissions first
            from .cluster import run_on_worker

            fut = self.client.submit(run_on_worker, task, pure=False, key=f"threec-{task['kind']}-{task['seq']}",
                                     priority=1 - priority)
        else:
            fut = self.pool.submit(run_task, task)
        fut.add_done_callback(lambda f, task=task: self.done.put((task, f)))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        if self.client is not None and getattr(self, "_own_client", False):
            self.client.close()


def _future_result(task: dict[str, Any], fut) -> dict[str, Any]:
    try:
        return fut.result()
    except Exception as exc:  # noqa: BLE001 - the runner itself failed (e.g. a Dask worker was lost)
        job = task.get("job") or {}
        return {"id": task["id"], "kind": task["kind"], "status": "failed",
                "error": make_error("batch.error.crash", detail=f"{type(exc).__name__}: {exc}"[:500]),
                "error_kind": "crash", "started": "", "finished": now_iso(), "exec_s": 0.0, "outputs": {},
                "key": job.get("key", ""), "run_id": task.get("run_id")}


def run_batch(plan: Plan, *, workers: int | None = None, force: bool = False, retry_failed: bool = False,
              scheduler: str | Any | None = None, grace: float = DEFAULT_GRACE, lang: str = "zh",
              progress: bool = True, echo: Callable[[str], None] | None = None) -> BatchResult:
    """Run a planned batch and write its reports, briefings, summary and index.

    Parameters
    ----------
    plan : Plan
        From :func:`~threec_helpers.batch.plan.plan_batch`.
    workers : int, optional
        Notebooks run at once (default: the batch file's ``workers``, else the number of cores).
    force : bool
        Run every job, also those whose notebook, parameters and inputs are unchanged.
    retry_failed : bool
        Run only the jobs that failed in the previous run of this batch.
    scheduler : str or distributed.Client, optional
        Run on a Dask cluster (address ``tcp://host:8786`` or a Client).
    grace : float
        Seconds a task may run past its notebook timeout before it is killed.
    lang : {"zh", "en"}
        Language of the index and of the messages.
    progress : bool
        Show a progress bar (stderr) and a line per finished notebook.
    echo : callable, optional
        Where the per-notebook lines go (default: the progress bar's ``write``).

    Returns
    -------
    BatchResult

    Raises
    ------
    ReportsFolderError
        The reports folder cannot be written.
    BatchLockedError
        Another run is writing into the same folder.
    """
    from tqdm import tqdm

    from .publish import write_index

    out_dir = plan.out_dir
    check_writable(out_dir)
    workers = workers or plan.spec.workers or os.cpu_count() or 1
    with run_lock(out_dir):
        t0 = time.monotonic()
        started = now_iso()
        run_id = f"{plan.spec.name}-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
        previous = _previous_summary(out_dir)
        prev_jobs = {j["id"]: j for j in previous.get("jobs", [])}
        results: dict[str, dict[str, Any]] = {}
        to_run: list[Job] = []
        for job in plan.jobs:
            if job.error is not None:
                results[job.id] = {"id": job.id, "kind": "notebook", "status": "failed", "error": job.error,
                                   "error_kind": "plan", "started": "", "finished": "", "exec_s": 0.0,
                                   "outputs": {}, "key": job.key, "run_id": run_id}
                continue
            if retry_failed and prev_jobs.get(job.id, {}).get("status") not in ("failed", None):
                kept = dict(prev_jobs[job.id])
                kept["status"] = "unchanged" if kept["status"] in ("ok", "unchanged") else kept["status"]
                results[job.id] = kept
                continue
            if not force:
                same = _unchanged(job)
                if same is not None:
                    results[job.id] = same
                    continue
            to_run.append(job)
        write_index(out_dir, plan, results, {}, run={"run_id": run_id, "started": started, "finished": "",
                                                     "running": True}, lang=lang)
        groups: dict[tuple[str, str], list[Job]] = {}
        for job in plan.jobs:
            if job.period != "-":
                groups.setdefault((job.client_id, job.period), []).append(job)
        run_ids = {j.id for j in to_run}
        pending_groups = {g: {j.id for j in js if j.id in run_ids} for g, js in groups.items()}
        # the period each group's briefing compares with ("what changed"): its notebooks' previous_period
        previous_of = {g: next((j.parameters.get("previous_period") or j.parameters.get("comparison_period")
                                for j in js if j.parameters.get("previous_period")
                                or j.parameters.get("comparison_period")), None) for g, js in groups.items()}
        rerun_groups = {g for g, ids in pending_groups.items() if ids}
        # a briefing is composed again after its group runs, or after the period it compares with runs
        rerun_groups |= {g for g in groups if (g[0], previous_of.get(g)) in rerun_groups}
        briefing_results: dict[str, dict[str, Any]] = {}
        briefed: set[tuple[str, str]] = set()
        previous_term = None
        if threading.current_thread() is threading.main_thread():
            def _on_term(signum, frame):  # a terminated run cleans up like Ctrl-C: kernels killed, index written
                raise KeyboardInterrupt

            previous_term = signal.signal(signal.SIGTERM, _on_term)
        if scheduler is None and os.name == "posix":
            runner = _LocalPool(workers, out_dir / ".tasks", warm_env(plan))
        else:
            runner = _Runner(workers, scheduler, warm_env(plan))
        bar = tqdm(total=len(to_run), desc=plan.spec.name, unit=" nb", disable=not progress, file=sys.stderr,
                   dynamic_ncols=True)
        say = echo or (lambda line: bar.write(line, file=sys.stderr) if progress else None)
        seq = 0
        outstanding = 0

        def submit(task: dict[str, Any], priority: int = 1) -> None:
            nonlocal seq, outstanding
            seq += 1
            task["seq"] = seq
            task["run_id"] = run_id
            task["submitted"] = now_iso()
            task["result_path"] = str(out_dir / ".tasks" / f"{seq:06d}.result.json")
            (out_dir / ".tasks").mkdir(exist_ok=True)
            runner.submit(task, priority)
            outstanding += 1

        def submit_briefing(group: tuple[str, str]) -> None:
            client, period = group
            jobs = groups[group]
            lang_g = jobs[0].lang
            prev_period = previous_of.get(group)
            folder = out_dir / client / period
            submit({"kind": "briefing", "id": f"{client}/{period}/briefing", "folder": str(folder),
                    "client": client, "period": period, "lang": lang_g, "engagement": jobs[0].engagement,
                    "client_name": jobs[0].client_name,
                    "formats": [f for f in plan.spec.formats if f in ("html", "pdf")] or ["html"],
                    "previous_folder": str(out_dir / client / prev_period) if prev_period else None,
                    "deadline_s": 600.0, "run": {"run_id": run_id, "batch": plan.spec.name}}, priority=0)

        # longest first (by the last recorded execution time) so the run does not end on one long notebook
        last_time = {jid: float(j.get("exec_s") or 0.0) for jid, j in prev_jobs.items()}
        ordered = sorted(to_run, key=lambda j: -last_time.get(j.id, 0.0))
        try:
            for job in ordered:
                submit({"kind": "notebook", "id": job.id, "job": job.to_dict(), "deadline_s": job.timeout + grace})
            if plan.spec.briefing:
                # briefings are cheap and read other folders (the previous period's results), so
                # those of unchanged groups are composed again rather than judged unchanged
                for group in sorted(groups):
                    if group not in rerun_groups:
                        submit_briefing(group)
            while outstanding:
                task, fut = runner.done.get()
                outstanding -= 1
                result = _future_result(task, fut)
                if task["kind"] == "notebook":
                    results[task["id"]] = result
                    bar.update(1)
                    say(_line(result, lang))
                    pending_groups[(task["job"]["client_id"], task["job"]["period"])].discard(task["id"])
                    if plan.spec.briefing:
                        for g in briefings_ready(rerun_groups - briefed, pending_groups, previous_of):
                            briefed.add(g)
                            submit_briefing(g)
                else:
                    briefing_results[task["id"]] = result
                    if result["status"] == "failed":
                        say(f"✗ {task['id']}: {error_text(result.get('error'), lang)}")
        except KeyboardInterrupt:
            if hasattr(runner, "kill"):
                runner.kill()
            for job in to_run:
                results.setdefault(job.id, {"id": job.id, "kind": "notebook", "status": "failed",
                                            "error": make_error("batch.error.interrupted"), "error_kind": "interrupted",
                                            "started": "", "finished": "", "exec_s": 0.0, "outputs": {},
                                            "key": job.key, "run_id": run_id})
            raise
        finally:
            bar.close()
            runner.close()
            if previous_term is not None:
                signal.signal(signal.SIGTERM, previous_term)
            finished = now_iso()
            run = {"run_id": run_id, "started": started, "finished": finished,
                   "wall_s": round(time.monotonic() - t0, 2), "workers": workers,
                   "scheduler": None if scheduler is None else str(getattr(scheduler, "scheduler", scheduler)),
                   "running": False}
            summary = write_index(out_dir, plan, results, briefing_results, run=run, lang=lang)
            _clean_tasks(out_dir / ".tasks")
        jobs_out = summary["jobs"]
        return BatchResult(out_dir=out_dir, run_id=run_id, jobs=jobs_out, briefings=summary["briefings"],
                           started=started, finished=finished, wall_s=run["wall_s"], workers=workers,
                           scheduler=run["scheduler"], counts=summary["counts"])


def warm_env(plan: Plan) -> dict[str, str]:
    """What the workers' warm kernels import ahead and which kernel they start (see :mod:`.warm`)."""
    from .warm import ENV_IMPORTS, notebook_imports

    jobs = [j for j in plan.jobs if j.error is None and j.notebook_path]
    kernels = sorted({j.kernel_name for j in jobs})
    return {ENV_IMPORTS: ",".join(notebook_imports(sorted({j.notebook_path for j in jobs}))),
            "THREEC_WARM_KERNEL_NAME": kernels[0] if kernels else "threec"}


def briefings_ready(candidates, pending: dict[tuple[str, str], set[str]],
                    previous_of: dict[tuple[str, str], str | None]) -> list[tuple[str, str]]:
    """The (client, period) groups whose briefing can be composed now.

    A briefing reads its own period's results and, for "what changed", those of the period
    it compares with; so it waits for the notebooks of both, and for nothing else.

    Examples
    --------
    >>> pending = {("a", "P1"): set(), ("a", "P2"): {"a/P2/nb"}, ("b", "P2"): set()}
    >>> previous_of = {("a", "P1"): None, ("a", "P2"): "P1", ("b", "P2"): "P1"}
    >>> briefings_ready(pending, pending, previous_of)
    [('a', 'P1'), ('b', 'P2')]
    """
    ready = []
    for group in sorted(candidates):
        prev = (group[0], previous_of[group]) if previous_of.get(group) else None
        if not pending.get(group) and not pending.get(prev):
            ready.append(group)
    return ready


def _clean_tasks(folder: Path) -> None:
    """Remove the run's scratch folder (task files, worker logs: the summary holds what failed)."""
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        with contextlib.suppress(OSError):
            path.unlink()
    with contextlib.suppress(OSError):
        folder.rmdir()


def _line(result: dict[str, Any], lang: str) -> str:
    if result["status"] == "ok":
        return f"✓ {result['id']}  {result.get('exec_s', 0):.1f} s"
    return f"✗ {result['id']}  {error_text(result.get('error'), lang)}"


if __name__ == "__main__":
    _child_main(sys.argv[1:])
