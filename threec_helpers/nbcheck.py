"""Keeping the committed notebooks clean, and their nbval reference outputs deliberate.

Notebooks are committed without outputs, except the cells tagged ``nbval-check-output``:
those print each notebook's key numbers, and ``pytest --nbval-lax`` (part of the test
command) compares them with a fresh run on the demo data. When a change alters a key number
on purpose, refresh the stored outputs and commit them with the change::

    .venv/bin/python -m threec_helpers.nbcheck refresh notebooks/phases/01_registration.ipynb
    .venv/bin/python -m threec_helpers.nbcheck refresh --all
    .venv/bin/python -m threec_helpers.nbcheck check          # what the tests check

``refresh`` runs the notebook with its default parameters under papermill (batch mode),
copies the outputs of the tagged cells into the notebook and clears every other output.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from .storage import write_text_atomic
from .paths import project_root

CHECK_TAG = "nbval-check-output"
KERNEL = "threec"


def notebooks(root: Path | None = None) -> list[Path]:
    """Every notebook under ``notebooks/`` (checkpoints excluded), sorted.

    Parameters
    ----------
    root : Path, optional
        The project (default: this one).

    Returns
    -------
    list of Path

    Examples
    --------
    >>> [p.name for p in notebooks()][:2]
    ['clinical_quality_self_assessment.ipynb', 'customer_focus_audit.ipynb']
    """
    folder = (root or project_root()) / "notebooks"
    return sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def _tags(cell: dict) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def problems(nb: dict) -> list[str]:
    """What makes a notebook unfit to commit (empty list = fine).

    Rules: a cell tagged ``parameters``; at least one ``nbval-check-output`` cell with stored
    output; no other cell with outputs or an execution count; no error outputs; no cell
    defining functions or classes (logic belongs in ``threec_helpers``); no papermill
    injected-parameters cell.

    Parameters
    ----------
    nb : dict
        The notebook's JSON.

    Returns
    -------
    list of str

    See Also
    --------
    clean : makes a notebook fit.

    Examples
    --------
    >>> nb = {"cells": [
    ...     {"id": "p", "cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "x = 6", "outputs": [],
    ...      "execution_count": None},
    ...     {"id": "c", "cell_type": "code", "metadata": {"tags": ["nbval-check-output"]}, "source": "print(x * 7)",
    ...      "outputs": [{"output_type": "stream", "name": "stdout", "text": "42\\n"}], "execution_count": 2}]}
    >>> problems(nb)
    []
    >>> problems({"cells": []})
    ["no cell tagged 'parameters'", "no cell tagged 'nbval-check-output'"]
    """
    out = []
    cells = nb.get("cells", [])
    if not any("parameters" in _tags(c) for c in cells):
        out.append("no cell tagged 'parameters'")
    checks = [c for c in cells if CHECK_TAG in _tags(c)]
    if not checks:
        out.append(f"no cell tagged '{CHECK_TAG}'")
    for i, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        src = "".join(cell.get("source", ""))
        if "injected-parameters" in _tags(cell):
            out.append(f"cell {i}: papermill's injected parameters are committed")
        if any(line.lstrip().startswith(("def ", "class ")) for line in src.splitlines()):
            out.append(f"cell {i}: defines a function or class; move it to threec_helpers with a test")
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            out.append(f"cell {i}: a stored output is an error")
        if CHECK_TAG in _tags(cell):
            if not cell.get("outputs"):
                out.append(f"cell {i}: the '{CHECK_TAG}' cell has no stored output; run refresh")
        elif cell.get("outputs") or cell.get("execution_count") is not None:
            out.append(f"cell {i}: has outputs or an execution count; run refresh (or clear it)")
    return out


def clean(nb: dict, keep_from: dict | None = None) -> dict:
    """Clear outputs except the check cells (taken from ``keep_from`` when given).

    Parameters
    ----------
    nb : dict
        The notebook's JSON; changed in place.
    keep_from : dict, optional
        An executed copy whose check cells' outputs are kept.

    Returns
    -------
    dict
        ``nb``.

    See Also
    --------
    problems : what a clean notebook must satisfy.

    Examples
    --------
    >>> nb = {"cells": [
    ...     {"id": "p", "cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "x = 6", "outputs": [],
    ...      "execution_count": None},
    ...     {"id": "c", "cell_type": "code", "metadata": {"tags": ["nbval-check-output"]}, "source": "print(x * 7)",
    ...      "outputs": [{"output_type": "stream", "name": "stdout", "text": "42\\n"}], "execution_count": 2}]}
    >>> nb["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "noise"}]
    >>> cleaned = clean(nb)
    >>> cleaned["cells"][0]["outputs"], problems(cleaned)
    ([], [])
    """
    executed = {}
    if keep_from is not None:
        for cell in keep_from.get("cells", []):
            if CHECK_TAG in _tags(cell):  # matched by source (papermill may add cell ids)
                executed["".join(cell.get("source", ""))] = cell
    counter = 0
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        cell.get("metadata", {}).pop("papermill", None)
        cell.get("metadata", {}).pop("execution", None)
        if CHECK_TAG in _tags(cell):
            counter += 1
            source = executed.get("".join(cell.get("source", "")))
            if source is not None:
                cell["outputs"] = [o for o in source.get("outputs", []) if o.get("output_type") == "stream"]
            cell["execution_count"] = counter  # nbval skips a check cell without a count
        else:
            cell["outputs"] = []
            cell["execution_count"] = None
    nb.get("metadata", {}).pop("papermill", None)
    return nb


def _dump(nb: dict) -> str:
    return json.dumps(nb, ensure_ascii=False, indent=1) + "\n"


def refresh(path: Path, kernel: str = KERNEL) -> None:
    """Run ``path`` with its defaults and store its check cells' outputs in it.

    Parameters
    ----------
    path : Path
        A notebook (rewritten atomically).
    kernel : str
        The Jupyter kernel to run it in.

    Examples
    --------
    >>> import tempfile
    >>> nb = {"cells": [
    ...     {"id": "p", "cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "x = 6", "outputs": [],
    ...      "execution_count": None},
    ...     {"id": "c", "cell_type": "code", "metadata": {"tags": ["nbval-check-output"]}, "source": "print(x * 7)",
    ...      "outputs": [{"output_type": "stream", "name": "stdout", "text": "42\\n"}], "execution_count": 2}]}
    >>> nb.update({"metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    ...            "nbformat": 4, "nbformat_minor": 5})
    >>> nb["cells"][1]["outputs"] = []
    >>> path = Path(tempfile.mkdtemp()) / "check.ipynb"
    >>> _ = path.write_text(json.dumps(nb), encoding="utf-8")
    >>> refresh(path, kernel="python3")
    >>> "".join(json.loads(path.read_text(encoding="utf-8"))["cells"][1]["outputs"][0]["text"])
    '42\\n'
    """
    import papermill as pm

    os.environ["THREEC_BATCH"] = "1"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / path.name
        declared = pm.inspect_notebook(str(path))
        params = {"output_dir": tmp} if "output_dir" in declared else {}  # results go to the temp folder
        pm.execute_notebook(str(path), str(out), kernel_name=kernel, cwd=str(project_root()), progress_bar=False,
                            parameters=params)
        executed = json.loads(out.read_text(encoding="utf-8"))
    nb = json.loads(path.read_text(encoding="utf-8"))
    write_text_atomic(path, _dump(clean(nb, executed)))


def main(argv: list[str] | None = None) -> int:
    """``python -m threec_helpers.nbcheck check`` or ``refresh [PATHS] [--all]``.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: the command line's).

    Returns
    -------
    int
        The exit code: 1 when ``check`` found a notebook that is not clean.

    Examples
    --------
    >>> main(["check"])
    0
    """
    parser = argparse.ArgumentParser(prog="python -m threec_helpers.nbcheck", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("refresh", help="re-run notebooks and store their check-cell outputs")
    r.add_argument("paths", nargs="*", type=Path)
    r.add_argument("--all", action="store_true")
    r.add_argument("--kernel", default=KERNEL)
    sub.add_parser("check", help="list notebooks that are not clean")
    args = parser.parse_args(argv)
    if args.command == "check":
        bad = {str(p): problems(json.loads(p.read_text(encoding="utf-8"))) for p in notebooks()}
        bad = {k: v for k, v in bad.items() if v}
        for name, issues in bad.items():
            for issue in issues:
                print(f"{name}: {issue}")
        return 1 if bad else 0
    paths = notebooks() if args.all else args.paths
    if not paths:
        parser.error("name notebooks or use --all")
    for path in paths:
        print(f"refreshing {path} ...", flush=True)
        refresh(Path(path), args.kernel)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
