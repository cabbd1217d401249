"""Deterministic demo clients and large synthetic clients for benchmarks.

Three demo client folders are committed under ``data/clients/`` and are exactly the
output of :func:`write_demo_clients` for :data:`DEFAULT_SEED` (a test checks the bytes):

- ``demo_manufacturer`` (3C engagement): 华美窗饰有限公司, a B2B window-decoration
  supplier; see :mod:`threec_helpers.generate.manufacturer`.
- ``demo_telecom`` (ISO 9001 audit): XX县通信分公司 of the seed's briefing, carrying its
  figures exactly; see :mod:`threec_helpers.generate.telecom`.
- ``demo_hospital`` (clinical self-assessment): an obstetrics department over the seed's
  five areas; see :mod:`threec_helpers.generate.hospital`.

:func:`large_client_tables` and :func:`write_large_client` make 3C clients of any size
(1,000,000 customers / 10,000,000 transactions in well under a minute) for benchmarks;
see :mod:`threec_helpers.generate.large`. ``docs/demo-data.md`` describes every file.
"""

from __future__ import annotations

from pathlib import Path

from ._common import DEFAULT_SEED
from .hospital import hospital_tables, write_hospital
from .large import large_client_tables, write_large_client
from .manufacturer import manufacturer_tables, write_manufacturer
from .telecom import telecom_tables, write_telecom

DEMO_CLIENTS = ("demo_manufacturer", "demo_telecom", "demo_hospital")

__all__ = ["DEFAULT_SEED", "DEMO_CLIENTS", "write_demo_clients", "demo_tables", "large_client_tables",
           "write_large_client", "manufacturer_tables", "telecom_tables", "hospital_tables"]


def write_demo_clients(out_dir: Path | str, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the three demo client folders (client.yaml + table files) under ``out_dir``.

    The output is byte-identical on every run for the same ``seed`` (and the same numpy
    version): no timestamps, fixed workbook properties, fixed number formats. Files are
    written atomically; files already in the folders that the generator does not write
    are left alone.

    Parameters
    ----------
    out_dir : Path or str
        Parent folder, e.g. ``data/clients``.
    seed : int
        Seed of the random streams; :data:`DEFAULT_SEED` gives the committed demo data.

    Returns
    -------
    list of Path
        ``[out_dir/demo_manufacturer, out_dir/demo_telecom, out_dir/demo_hospital]``.

    Examples
    --------
    >>> import tempfile
    >>> [p.name for p in write_demo_clients(tempfile.mkdtemp())]
    ['demo_manufacturer', 'demo_telecom', 'demo_hospital']
    """
    out = Path(out_dir)
    return [write_manufacturer(out, seed), write_telecom(out, seed), write_hospital(out, seed)]


def demo_tables(client: str, seed: int = DEFAULT_SEED) -> dict:
    """The canonical tables of one demo client, in memory (what the loader should return).

    Parameters
    ----------
    client : str
        One of :data:`DEMO_CLIENTS`.
    seed : int
        As in :func:`write_demo_clients`.

    Returns
    -------
    dict of str to DataFrame

    Examples
    --------
    >>> sorted(demo_tables("demo_hospital"))
    ['assessment_scores', 'kpi_measurements', 'quality_objectives', 'rectifications']
    """
    builders = {"demo_manufacturer": manufacturer_tables, "demo_telecom": telecom_tables,
                "demo_hospital": hospital_tables}
    if client not in builders:
        raise KeyError(f"unknown demo client {client!r}; use one of {', '.join(DEMO_CLIENTS)}")
    return builders[client](seed)
