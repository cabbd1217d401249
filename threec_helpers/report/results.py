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
      "shown_columns": {"objectives": ["objective", "target", "actual", "met"]},  # ... and which, in order
      "charts": [{"title": "...", "panels": [...]}],  # each chart's data (threec_helpers.plots.chartdata)
      "formats": {"objectives": {"share": "pct1"}},  # number formats the report used (ReportTable)
      "currency": "CNY",                   # the client's currency (money formats)
      "findings": [...], "actions": [...],       # free, notebook-specific
      "conclusion": "8 of 8 quality objectives met.",
      "skipped": ["surveys"],               # optional sections skipped for lack of data
      "assessed": false,                    # the notebook could assess nothing (default: true) ...
      "not_assessed": {"tables": ["focus_responses"]}   # ... for lack of these input tables
    }

A notebook that could assess nothing declares it with
:meth:`threec_helpers.report.context.NotebookContext.not_assessed`; the batch then reports
it as "not assessed" (grey), never as done, and says in words what is missing and how to
supply it (:func:`not_assessed_text`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..i18n import has_key, t
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

    Parameters
    ----------
    key, label : str
        The figure's key and its label in the report language.
    value : object
        The number (or id) itself.
    text : str
        The value as the report shows it.
    status : {"good", "bad", "warn", "neutral"}
    dimension : str, optional

    Returns
    -------
    dict

    Examples
    --------
    >>> headline("documents", "QMS documents", 187, "187")
    {'key': 'documents', 'label': 'QMS documents', 'value': 187, 'text': '187', 'status': 'neutral'}
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

    See Also
    --------
    read_results : reads the files of a folder back.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> write_results(folder, "02_analysis", {"conclusion": "done"}).name
    '02_analysis.results.json'
    >>> read_results(folder)["02_analysis"]["conclusion"]
    'done'
    """
    data = {"notebook": notebook, **_jsonable(payload)}
    path = Path(output_dir) / f"{notebook}{SUFFIX}"
    write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False))
    return path


def read_results(folder: str | Path) -> dict[str, dict[str, Any]]:
    """All results files in ``folder``, keyed by notebook name (files that fail to parse are skipped).

    Parameters
    ----------
    folder : str or Path

    Returns
    -------
    dict
        Notebook name -> payload.

    See Also
    --------
    write_results : writes one.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = write_results(folder, "01_registration", {"headline": []})
    >>> _ = (folder / "broken.results.json").write_text("{", encoding="utf-8")
    >>> list(read_results(folder))
    ['01_registration']
    """
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(Path(folder).glob(f"*{SUFFIX}")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        out[data.get("notebook", path.name[: -len(SUFFIX)])] = data
    return out


def not_assessed_info(payload: dict[str, Any] | None) -> dict[str, Any] | None:
    """What a results payload says it could not assess: its ``not_assessed`` record, or None
    when it assessed (``assessed`` is missing or true).

    Parameters
    ----------
    payload : dict or None
        A results file's content.

    Returns
    -------
    dict or None

    Examples
    --------
    >>> not_assessed_info({"assessed": False, "not_assessed": {"tables": ["surveys"]}})
    {'tables': ['surveys']}
    >>> not_assessed_info({"headline": []}) is None
    True
    """
    if not payload or payload.get("assessed", True) is not False:
        return None
    info = payload.get("not_assessed")
    return dict(info) if isinstance(info, dict) else {}


def table_display_name(table: str, lang: str, default: str | None = None) -> str:
    """An input table as the consultant knows it (``notebook.table.<name>``), never its code name.

    Parameters
    ----------
    table : str
        Canonical table name.
    lang : {"zh", "en"}
    default : str, optional
        What a name with no display name gives (e.g. a file name such as ``client.yaml``);
        the words "a table" when not given.

    Returns
    -------
    str

    Examples
    --------
    >>> table_display_name("surveys", "en"), table_display_name("xyz", "en")
    ('satisfaction surveys', 'required table')
    """
    key = f"notebook.table.{table}"
    if has_key(key):
        return t(key, lang)
    return default if default is not None else t("notebook.not_assessed.some_table", lang)


def not_assessed_text(info: dict[str, Any] | None, lang: str) -> str:
    """Why a notebook assessed nothing and how to supply what is missing, in words.

    Parameters
    ----------
    info : dict
        From :func:`not_assessed_info`: ``tables`` (input tables missing) and/or ``key`` and
        ``fields`` (an i18n key of another reason).
    lang : {"zh", "en"}

    Examples
    --------
    >>> print(not_assessed_text({"tables": ["focus_responses"]}, "en"))
    No customer-focus audit answers: put the customer-focus audit answers table into the client's folder (its file name and columns are in the data guide) and run the report again.
    """
    info = info or {}
    parts = [t("notebook.not_assessed.missing_table", lang, table=table_display_name(str(tb), lang))
             for tb in info.get("tables") or []]
    key = info.get("key")
    if isinstance(key, str) and has_key(key):
        parts.append(t(key, lang, **{k: str(v) for k, v in (info.get("fields") or {}).items()}))
    return (" " if lang == "en" else "").join(parts) or t("notebook.not_assessed.generic", lang)
