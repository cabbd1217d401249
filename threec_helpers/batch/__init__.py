"""Batch runs and panel-ready publishing (``threec run``, ``threec present``).

The steps, one module each (see ``docs/batch-and-publishing.md``):

- :mod:`~threec_helpers.batch.spec`: the batch file (YAML) read into a ``BatchSpec``;
- :mod:`~threec_helpers.batch.notebooks`: notebook inspection (metadata, parameters, kernel, imports);
- :mod:`~threec_helpers.batch.plan`: the jobs, their parameters checked, fingerprints, unchanged work;
- :mod:`~threec_helpers.batch.orchestrate`: ``run_batch`` - select, schedule
  (:mod:`~threec_helpers.batch.schedule`), collect;
- :mod:`~threec_helpers.batch.runners`: the ``Runner`` protocol and its registry: local worker
  processes (:mod:`~threec_helpers.batch.local`) or a Dask cluster (:mod:`~threec_helpers.batch.cluster`);
- :mod:`~threec_helpers.batch.worker`: the worker process; :mod:`~threec_helpers.batch.execution`:
  one notebook through papermill in a warm kernel (:mod:`~threec_helpers.batch.warm`), finished and published;
- :mod:`~threec_helpers.batch.tasks`: typed tasks and task results (``jobs``: the jobs and problems);
- :mod:`~threec_helpers.batch.publish`: HTML, PDF, slides, XLSX; :mod:`~threec_helpers.batch.index`:
  the batch summary and index;
- :mod:`~threec_helpers.batch.briefing`: the certification briefing / 3C scorecard;
- :mod:`~threec_helpers.batch.provenance`: what each report was made from;
- :mod:`~threec_helpers.batch.present`: a notebook as a live dashboard (Voilà).
"""

import os as _os
import sys as _sys

# Start-up time: jsonschema (imported by nbformat, hence papermill and nbconvert) imports the
# optional ``rfc3987_syntax`` when installed, which builds a parser grammar at import and costs
# 2-5 s in every process. Batch processes never validate "iri" formats, so they skip it
# (set THREEC_KEEP_RFC3987=1 to keep it). Only done when jsonschema is not imported yet.
if "jsonschema" not in _sys.modules and not _os.environ.get("THREEC_KEEP_RFC3987"):
    _sys.modules.setdefault("rfc3987_syntax", None)

from .jobs import Job
from .notebooks import discover_notebooks
from .plan import Plan, plan_batch
from .spec import BatchSpec, load_batch, parse_batch

__all__ = ["BatchResult", "BatchSpec", "Job", "Plan", "discover_notebooks", "load_batch", "parse_batch", "plan_batch",
           "run", "run_batch"]


def __getattr__(name):  # run_batch and BatchResult on first use: a worker process does not need them
    if name in ("run_batch", "BatchResult"):
        from . import orchestrate

        return getattr(orchestrate, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def run(batch=None, **kwargs):
    """Plan and run a batch file (see :func:`threec_helpers.batch.orchestrate.run_batch`)."""
    from ..paths import reports_root
    from .orchestrate import run_batch

    plan_keys = ("clients", "notebooks", "periods", "mask", "timeout", "formats")
    plan_kwargs = {k: kwargs.pop(k) for k in plan_keys if k in kwargs}
    out_root = kwargs.pop("out_root", None) or reports_root()
    data_root = kwargs.pop("data_root", None)
    spec = load_batch(batch, data_root=data_root) if not isinstance(batch, BatchSpec) else batch
    plan = plan_batch(spec, out_root, **plan_kwargs)
    return run_batch(plan, **kwargs)
