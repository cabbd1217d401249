"""threec_helpers: the measures, audits and publishing behind the threec workbench.

One module per concept:

- :mod:`threec_helpers.io` -- reading client files (CSV/XLSX/Parquet), header aliases, atomic writes
- :mod:`threec_helpers.contract` -- the client data contract (tables, columns, rules)
- :mod:`threec_helpers.validation` -- validating a client folder, the problem report, the processed cache
- :mod:`threec_helpers.config` -- ``client.yaml``
- :mod:`threec_helpers.generate` -- deterministic demo and benchmark clients
- :mod:`threec_helpers.spc` -- statistical process control charts and run rules
- :mod:`threec_helpers.clv` -- customer lifetime value (BG/NBD, Gamma-Gamma)
- :mod:`threec_helpers.i18n` -- every user-facing string, in Chinese and English
- :mod:`threec_helpers.plots` -- drawing (computation lives in the modules above)
- :mod:`threec_helpers.cli` -- the ``threec`` command
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("threec")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
