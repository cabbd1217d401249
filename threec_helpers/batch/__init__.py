"""Batch runs and panel-ready publishing (``threec run``, ``threec present``).

The steps, one module each (see ``docs/batch-and-publishing.md``):

- :mod:`~threec_helpers.batch.plan`: batch file, notebook discovery, parameter checks, jobs;
- :mod:`~threec_helpers.batch.execute`: papermill execution in child processes, locally
  or on Dask, with timeouts, failure isolation, retry and skip-unchanged;
- :mod:`~threec_helpers.batch.publish`: HTML, PDF, slides, XLSX and the batch index;
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

from .plan import BatchSpec, Job, Plan, discover_notebooks, load_batch, parse_batch, plan_batch

__all__ = ["BatchSpec", "Job", "Plan", "discover_notebooks", "load_batch", "parse_batch", "plan_batch", "run"]


def run(batch=None, **kwargs):
    """Plan and run a batch file (see :func:`threec_helpers.batch.execute.run_batch`)."""
    from ..paths import reports_root
    from .execute import run_batch

    plan_keys = ("clients", "notebooks", "periods", "mask", "timeout", "formats")
    plan_kwargs = {k: kwargs.pop(k) for k in plan_keys if k in kwargs}
    out_root = kwargs.pop("out_root", None) or reports_root()
    data_root = kwargs.pop("data_root", None)
    spec = load_batch(batch, data_root=data_root) if not isinstance(batch, BatchSpec) else batch
    plan = plan_batch(spec, out_root, **plan_kwargs)
    return run_batch(plan, **kwargs)
