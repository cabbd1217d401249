"""Root pytest configuration: shared by tests/ and the nbval runs of notebooks/.

Kernels started by nbval and papermill inherit this environment: THREEC_BATCH=1 makes the
notebooks' explorers render static output, and the Agg backend keeps matplotlib headless.
"""

import os

os.environ["THREEC_BATCH"] = "1"
os.environ.setdefault("MPLBACKEND", "Agg")

SHIM_MARK = "# threec: import-path shim"


def pytest_ignore_collect(collection_path, config):
    """Old import paths kept as shims alias the moved module; collecting their doctests
    would run the moved module's twice (and pytest refuses the path mismatch)."""
    if collection_path.suffix == ".py" and collection_path.parent.name == "threec_helpers":
        try:
            return SHIM_MARK in collection_path.read_text(encoding="utf-8")[:600] or None
        except OSError:
            return None
    return None
