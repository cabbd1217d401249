"""Notebook inspection: which notebooks there are, their metadata, parameters, kernel and imports.

Notebooks are found under ``notebooks/`` (``notebooks/phases/*.ipynb``,
``notebooks/audits/*.ipynb``). Which ones apply to a client, and in what order, comes
from each notebook's metadata::

    "metadata": {"threec": {"engagements": ["3c"], "order": 10,
                            "title": {"zh": "客户登记", "en": "Registration"},
                            "requires": ["customers", "transactions"]}}

Their parameters come from the ``parameters`` cell (papermill's inspection); the modules
their code cells import are what a warm kernel imports ahead (:mod:`.warm`).
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError


@dataclass
class NotebookInfo:
    """A notebook the runner can execute.

    Attributes
    ----------
    name : str
        File name without ``.ipynb`` (unique across ``notebooks/``).
    path : Path
    engagements : list of str
        Engagement types it applies to (``3c``, ``iso9001``, ``clinical``); empty = none.
    order : int
        Position in a client's report list and briefing.
    title : dict
        ``{"zh": ..., "en": ...}``.
    requires : list of str
        Tables the client must provide.
    parameters : dict
        name -> ``{"type": "str" | "int" | "float" | "bool" | "list" | "dict" | None, "default": text}``
        from the ``parameters`` cell.

    See Also
    --------
    read_notebook_info : reads one from a notebook file.

    Examples
    --------
    >>> info = NotebookInfo("x", Path("x.ipynb"), title={"zh": "报告", "en": "Report"})
    >>> info.display_title("en"), NotebookInfo("y", Path("y.ipynb")).display_title("zh")
    ('Report', 'y')
    """

    name: str
    path: Path
    engagements: list[str] = field(default_factory=list)
    order: int = 1000
    title: dict[str, str] = field(default_factory=dict)
    requires: list[str] = field(default_factory=list)
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)

    def display_title(self, lang: str) -> str:
        """The title in ``lang`` (the other language, or the name, when missing)."""
        return self.title.get(lang) or self.title.get("en") or self.title.get("zh") or self.name


_TYPE_NAMES = {"str": "str", "int": "int", "float": "float", "bool": "bool", "list": "list", "dict": "dict",
               "Optional[str]": "str?", "str | None": "str?", "Optional[int]": "int?", "int | None": "int?",
               "Optional[float]": "float?", "float | None": "float?"}


def _infer_type(annotation: str, default: str) -> str | None:
    """The type a parameter expects: its annotation if it has one, else the type of its default."""
    if annotation and annotation != "None":
        return _TYPE_NAMES.get(annotation.replace(" ", "").replace("|None", " | None"), _TYPE_NAMES.get(annotation))
    try:
        value = ast.literal_eval(default)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    if value is None:
        return None
    return {bool: "bool", int: "int", float: "float", str: "str", list: "list", tuple: "list",
            dict: "dict"}.get(type(value))


def read_notebook_info(path: Path) -> NotebookInfo:
    """Read one notebook's metadata and parameters cell.

    Parameters
    ----------
    path : Path
        An ``.ipynb`` file.

    Returns
    -------
    NotebookInfo

    Raises
    ------
    InputError
        When the file is not a readable notebook.

    See Also
    --------
    discover_notebooks : every notebook of a folder.

    Examples
    --------
    >>> from threec_helpers.paths import project_root
    >>> path = project_root() / "notebooks" / "audits" / "iso9001_certification_audit.ipynb"
    >>> info = read_notebook_info(path)
    >>> info.engagements, info.parameters["client_id"]["type"]
    (['iso9001'], 'str')
    """
    import nbformat
    import papermill as pm

    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # noqa: BLE001 - any parse failure is the same problem for the user
        raise InputError(key="batch.error.notebook_unreadable", path=path, detail=str(exc).splitlines()[0][:200]) \
            from None
    meta = nb.metadata.get("threec", {}) or {}
    params: dict[str, dict[str, Any]] = {}
    for name, p in pm.inspect_notebook(str(path)).items():
        params[name] = {"type": _infer_type(p.get("inferred_type_name") or "", p.get("default") or ""),
                        "default": p.get("default")}
    title = meta.get("title") or {}
    if isinstance(title, str):
        title = {"zh": title, "en": title}
    return NotebookInfo(name=path.stem, path=path, engagements=list(meta.get("engagements") or []),
                        order=int(meta.get("order", 1000)), title=dict(title),
                        requires=list(meta.get("requires") or []), parameters=params)


def discover_notebooks(folder: Path) -> dict[str, NotebookInfo]:
    """Every notebook under ``folder`` (recursively; checkpoints and ``_``/``.`` files left out).

    Parameters
    ----------
    folder : Path

    Returns
    -------
    dict
        name -> :class:`NotebookInfo`, sorted by (order, name).

    Raises
    ------
    InputError
        When two notebooks have the same name (the name identifies a report).

    See Also
    --------
    read_notebook_info : one notebook.

    Examples
    --------
    >>> from threec_helpers.paths import project_root
    >>> list(discover_notebooks(project_root() / "notebooks" / "phases"))
    ['01_registration', '02_analysis', '03_planning', '04_realization']
    """
    folder = Path(folder)
    found: dict[str, NotebookInfo] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.rglob("*.ipynb")):
        rel = path.relative_to(folder)
        if any(part.startswith((".", "_")) for part in rel.parts) or ".ipynb_checkpoints" in rel.parts:
            continue
        info = read_notebook_info(path)
        if info.name in found:
            raise InputError(key="batch.error.duplicate_notebook", name=info.name, first=found[info.name].path,
                             second=path)
        found[info.name] = info
    return dict(sorted(found.items(), key=lambda kv: (kv[1].order, kv[0])))


def resolve_kernel(preferred: str = "threec") -> str:
    """``preferred`` if that Jupyter kernel is installed, else ``python3`` (the current Python).

    Parameters
    ----------
    preferred : str

    Returns
    -------
    str

    Examples
    --------
    >>> resolve_kernel("no-such-kernel")
    'python3'
    """
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        if preferred in KernelSpecManager().find_kernel_specs():
            return preferred
    except Exception:  # noqa: BLE001 - no kernelspec machinery: use the native kernel
        pass
    return "python3"


def notebook_imports(paths: Iterable[str | Path]) -> list[str]:
    """The modules the code cells of ``paths`` import (absolute imports only), in order.

    ``from pkg import name`` gives ``pkg`` and ``pkg.name`` (``name`` may be a submodule;
    if it is not, importing it ahead fails quietly). Cells that do not parse (magics) are
    skipped line by line.

    Parameters
    ----------
    paths : iterable of str or Path
        Notebook files (unreadable ones are skipped).

    Returns
    -------
    list of str

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> nb = {"cells": [{"cell_type": "code", "source": "import numpy as np\\nfrom a.b import c, d"}]}
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.ipynb"
    >>> _ = p.write_text(json.dumps(nb))
    >>> notebook_imports([p])
    ['numpy', 'a.b', 'a.b.c', 'a.b.d']
    """
    seen: dict[str, None] = {}
    for path in paths:
        try:
            nb = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for cell in nb.get("cells", []):
            if cell.get("cell_type") != "code":
                continue
            src = cell.get("source", "")
            src = "".join(src) if isinstance(src, list) else src
            src = "\n".join(line for line in src.splitlines() if not line.lstrip().startswith(("%", "!")))
            try:
                tree = ast.parse(src)
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, ast.Import):
                    for alias in node.names:
                        seen.setdefault(alias.name)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    seen.setdefault(node.module)
                    for alias in node.names:
                        if alias.name != "*":
                            seen.setdefault(f"{node.module}.{alias.name}")
    return list(seen)
