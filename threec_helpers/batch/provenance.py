"""Provenance: what every report was made from, so a panel (or a colleague) can check it.

Each report carries client, period, parameters, the SHA-256 of each input file, the
notebook's SHA-256, the package version and git commit, and the run's start and end. The
run times are the only fields that differ between two runs of the same batch on the same
inputs; :data:`VOLATILE_FIELDS` names them so tests (and anyone comparing two runs) can
leave them out.
"""

from __future__ import annotations

import datetime as dt
import functools
import platform
import subprocess
from pathlib import Path
from typing import Any

from .. import __version__
from ..paths import project_root

#: provenance fields that change from run to run
VOLATILE_FIELDS = ("run_id", "started", "finished", "duration_s")


@functools.lru_cache(maxsize=1)
def git_commit(root: str | None = None) -> str:
    """The git commit of the code (``+dirty`` when the work tree has changes), or ``unknown``.

    Parameters
    ----------
    root : str, optional
        The repository (default: the project root).

    Returns
    -------
    str

    Examples
    --------
    >>> git_commit("/nonexistent")
    'unknown'
    """
    folder = Path(root) if root else project_root()
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True, timeout=10,
                             check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "threec_helpers",
                                "notebooks"], cwd=folder, capture_output=True, text=True, timeout=10).stdout.strip()
        return sha + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def now_iso() -> str:
    """The current time, UTC, to the second (ISO 8601).

    Returns
    -------
    str

    Examples
    --------
    >>> now_iso().endswith("+00:00"), len(now_iso())
    (True, 25)
    """
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def make_provenance(job: dict[str, Any], *, run_id: str, started: str, finished: str, duration_s: float,
                    status: str) -> dict[str, Any]:
    """The provenance record of one executed notebook.

    Parameters
    ----------
    job : dict
        :meth:`Job.to_dict <threec_helpers.batch.plan.Job.to_dict>`.
    run_id, started, finished : str
    duration_s : float
    status : str

    Returns
    -------
    dict
        JSON-serialisable; keys: client_id, period, notebook, notebook_sha256, parameters,
        inputs (table -> {file, sha256}), threec_version, git_commit, python, kernel,
        job_key, status, run_id, started, finished, duration_s.

    See Also
    --------
    stable_part : the record without its run-time fields.

    Examples
    --------
    >>> from threec_helpers.batch.jobs import Job
    >>> job = Job(client_id="acme", period="2025", notebook="02_analysis", notebook_path="02_analysis.ipynb",
    ...           output_dir="reports/demo/acme/2025", parameters={"lang": "en"}, lang="en", timeout=600.0,
    ...           formats=("html",), mask=False, kernel_name="python3", data_root="data/clients")
    >>> rec = make_provenance(job.to_dict(), run_id="r1", started="s", finished="f", duration_s=1.234, status="ok")
    >>> rec["notebook"], rec["duration_s"], rec["parameters"]
    ('02_analysis', 1.23, {'lang': 'en'})
    """
    params = {k: v for k, v in job.get("parameters", {}).items() if k not in ("output_dir", "data_root")}
    return {
        "client_id": job["client_id"], "period": job["period"], "notebook": job["notebook"],
        "notebook_sha256": job.get("notebook_sha256", ""), "parameters": params,
        "inputs": {name: {"file": src.get("file", ""), "sha256": src.get("sha256", "")}
                   for name, src in sorted(job.get("sources", {}).items())},
        "threec_version": __version__, "git_commit": git_commit(), "python": platform.python_version(),
        "kernel": job.get("kernel_name", ""), "mask": bool(job.get("mask")), "job_key": job.get("key", ""),
        "status": status, "run_id": run_id, "started": started, "finished": finished,
        "duration_s": round(float(duration_s), 2),
    }


def stable_part(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` without the run-time fields (for comparing two runs).

    Parameters
    ----------
    record : dict
        :func:`make_provenance`.

    Returns
    -------
    dict

    Examples
    --------
    >>> stable_part({"notebook": "x", "run_id": "r1", "started": "s", "duration_s": 2.0})
    {'notebook': 'x'}
    """
    return {k: v for k, v in record.items() if k not in VOLATILE_FIELDS}
