"""threec_helpers: the measures, audits and publishing behind the threec workbench.

The package is layered; a layer imports only the layers beneath it (see
``docs/architecture.md``):

- :mod:`threec_helpers.inputs` -- a client's files: data contract, ``client.yaml``, readers, validation
- :mod:`threec_helpers.measures` -- the 3C measures (value, pyramid, behaviour, satisfaction, CLV, phases)
- :mod:`threec_helpers.audit` -- the audit engine: checklists, scoring, findings, objectives
- :mod:`threec_helpers.spc` -- statistical process control charts, run rules, capability
- :mod:`threec_helpers.plots` -- drawing (computation lives in the layers above)
- :mod:`threec_helpers.report` -- what a notebook shows and records (context, tables, results contract)
- :mod:`threec_helpers.batch` -- papermill batch runs and publishing (HTML, PDF, slides, XLSX, briefings)
- :mod:`threec_helpers.generate` -- deterministic demo and benchmark clients
- :mod:`threec_helpers.cli` -- the ``threec`` command

The import paths of the flat layout (``threec_helpers.phase_report`` ...) keep working for
one release (:mod:`threec_helpers.compat`).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("threec")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

from .compat import install_old_paths

install_old_paths()

__all__ = ["__version__"]
