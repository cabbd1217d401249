"""Root pytest configuration: shared by tests/ and the nbval runs of notebooks/.

Kernels started by nbval and papermill inherit this environment: THREEC_BATCH=1 makes the
notebooks' explorers render static output, and the Agg backend keeps matplotlib headless.
"""

import os

os.environ["THREEC_BATCH"] = "1"
os.environ.setdefault("MPLBACKEND", "Agg")
