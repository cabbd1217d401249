"""The machine-readable results file every notebook writes at its end.

A notebook's last cell calls :func:`write_results`; the batch runner reads the files of
one client and period (:func:`read_results`) to compose the certification briefing and
the 3C scorecard. One file per executed notebook: ``<output_dir>/<notebook>.results.json``,
written atomically.

The payload (all keys optional except ``notebook``)::

    {
      "notebook": "iso9001_certification_audit",
      "client_id": "demo_telecom", "period": "2026-10", "lang": "zh",
      "title": "...",                      # the notebook's report title in ``lang``
      "headline": [                        # the key figures, in display order
        {"key": "utilisation", "label": "交换机实装率", "value": 0.9242, "text": "92.42%",
         "status": "good" | "bad" | "warn" | "neutral",
         "dimension": "value"}               # the 3C dimension it stands for, when declared
      ],
      "tables": {"objectives": [{...}, ...]},   # key tables as lists of records
      "columns": {"objectives": {"met": "达标"}},  # headers the report showed (ReportTable)
      "formats": {"objectives": {"share": "pct1"}},  # number formats the report used (ReportTable)
      "currency": "CNY",                   # the client's currency (money formats)
      "findings": [...], "actions": [...],       # free, notebook-specific
      "conclusion": "8 of 8 quality objectives met.",
      "skipped": ["surveys"]                # optional sections skipped for lack of data
    }
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..storage import write_text_atomic

SUFFIX = ".results.json"
STATUSES = ("good", "bad", "warn", "neutral")


def _jsonable(value: Any) -> Any:
    if isinstance(value, pd.DataFrame):
        return [_jsonable(r) for r in value.to_dict(orient="records")]
    if isinstance(value, pd.Series):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(float(value)) else float(value)
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, dt.datetime):  # includes pd.Timestamp
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def headline(key: str, label: str, value: Any, text: str, status: str = "neutral",
             dimension: str | None = None) -> dict[str, Any]:
    """One key figure for the briefing (``status`` is good, bad, warn or neutral).

    ``dimension`` is the 3C dimension the figure stands for, as the results contract
    declares it (:mod:`threec_helpers.report.catalog`); written only when given.
    """
    if status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}, not {status!r}")
    out = {"key": key, "label": label, "value": _jsonable(value), "text": text, "status": status}
    if dimension is not None:
        out["dimension"] = dimension
    return out


def write_results(output_dir: str | Path, notebook: str, payload: dict[str, Any]) -> Path:
    """Write ``<output_dir>/<notebook>.results.json`` atomically and return its path.

    Parameters
    ----------
    output_dir : str or Path
        The folder of the executed notebook (the batch runner's ``output_dir`` parameter).
    notebook : str
        The notebook's name without ``.ipynb``.
    payload : dict
        See the module docstring; DataFrames, numpy and pandas scalars are converted.

    Returns
    -------
    Path
    """
    data = {"notebook": notebook, **_jsonable(payload)}
    path = Path(output_dir) / f"{notebook}{SUFFIX}"
    write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False))
    return path


def read_results(folder: str | Path) -> dict[str, dict[str, Any]]:
    """All results files in ``folder``, keyed by notebook name (files that fail to parse are skipped)."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(Path(folder).glob(f"*{SUFFIX}")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        out[data.get("notebook", path.name[: -len(SUFFIX)])] = data
    return out
