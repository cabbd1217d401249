"""The package's boundaries, read from its own imports: no cycle, no private name taken from
another module, and each layer importing only the layers beneath it.

Every module of ``threec_helpers`` is parsed with :mod:`ast`; imports inside functions count
as much as those at the top (a cycle hidden in a function is still a cycle). The old-path
shims (``# threec: import-path shim``) are left out: they alias a moved module on purpose.

Layers, from the bottom: the shared helpers (errors, i18n, paths, storage, arrays,
ordering, spreadsheet, compat) and ``spc/``; ``inputs/``; ``measures/`` and ``audit/``; ``plots/``;
``report/``; ``batch/``; the command line. A layer may import any layer below it, never one
above.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "threec_helpers"
SHIM_MARK = "# threec: import-path shim"

#: layer -> the subpackages (``threec_helpers.<name>``) it must not import
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "inputs": ("measures", "audit", "report", "plots", "batch"),
    "measures": ("report", "plots", "batch"),
    "audit": ("report", "plots", "batch"),
    "plots": ("report", "batch"),
    "report": ("batch",),
}

#: private imports still to mend, each with who mends it; the test fails when one is mended
#: and still listed, so the list only shrinks
KNOWN_PRIVATE: set[tuple[str, str, str]] = set()


@dataclass(frozen=True)
class Import:
    """One imported name: ``importer`` takes ``name`` (None: the whole module) from ``module``."""

    importer: str
    module: str
    name: str | None
    line: int


def module_name(path: Path, root: Path) -> str:
    """``root/pkg/a/b.py`` -> ``pkg.a.b``; a package's ``__init__.py`` is the package."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def read_imports(root: Path, package: str) -> tuple[set[str], list[Import]]:
    """Every module of ``package`` under ``root`` and every import among them (shims left out)."""
    files = {}
    for path in sorted((root / package).rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if SHIM_MARK in text[:600]:
            continue
        files[module_name(path, root)] = (path, text)
    known = set(files)
    out: list[Import] = []
    for mod, (path, text) in files.items():
        base = mod.split(".") if path.name == "__init__.py" else mod.split(".")[:-1]
        for node in ast.walk(ast.parse(text, filename=str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == package:
                        out.append(Import(mod, alias.name, None, node.lineno))
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    anchor = base[: len(base) - node.level + 1]
                    target = ".".join(anchor + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if target.split(".")[0] != package:
                    continue
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    if sub in known:  # "from . import spc": the submodule itself
                        out.append(Import(mod, sub, None, node.lineno))
                    else:
                        out.append(Import(mod, target, alias.name, node.lineno))
    return known, [i for i in out if i.module in known]


def cycles(imports: list[Import]) -> list[list[str]]:
    """Groups of modules that import each other in a loop (Tarjan's strongly connected components)."""
    graph: dict[str, set[str]] = {}
    for i in imports:
        if i.module != i.importer:
            graph.setdefault(i.importer, set()).add(i.module)
            graph.setdefault(i.module, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _parent(module: str) -> str:
    return module.rsplit(".", 1)[0]


def private_imports(imports: list[Import]) -> list[Import]:
    """Imports of another module's private name, or of a private module from outside its subpackage.

    ``from ._base import x`` inside ``measures/`` is fine: a private module serves its own
    subpackage. ``from .x import _y`` is not, wherever it stands.
    """
    bad = []
    for i in imports:
        if i.module == i.importer:
            continue
        private_name = i.name is not None and i.name.startswith("_") and not i.name.startswith("__")
        private_module = any(p.startswith("_") and not p.startswith("__") for p in i.module.split(".")[1:])
        own = _parent(i.module) in (i.importer, _parent(i.importer))  # a package's __init__ is inside it
        if private_name or (private_module and not own):
            bad.append(i)
    return bad


def layer_breaches(imports: list[Import], package: str, forbidden: dict[str, tuple[str, ...]]) -> list[Import]:
    """Imports from a layer into one it must not import (:data:`FORBIDDEN`)."""
    bad = []
    for i in imports:
        layer = i.importer.split(".")[1] if i.importer.count(".") else ""
        target = i.module.split(".")[1] if i.module.count(".") else ""
        if target in forbidden.get(layer, ()):
            bad.append(i)
    return bad


# ---------------------------------------------------------------------------------- the package


@pytest.fixture(scope="module")
def package_imports():
    return read_imports(ROOT, PACKAGE)


def test_the_checker_reads_the_package(package_imports):
    known, imports = package_imports
    assert {"threec_helpers.measures._base", "threec_helpers.report.figures", "threec_helpers.batch.briefing"} <= known
    assert "threec_helpers.phase_report" not in known  # a shim
    # a function-level import counts
    assert any(i.importer == "threec_helpers.report.context" and i.module == "threec_helpers.plots.style"
               for i in imports)


def test_no_import_cycle(package_imports):
    assert cycles(package_imports[1]) == []


def test_no_private_name_taken_from_another_module(package_imports):
    found = {(i.importer, i.module, i.name) for i in private_imports(package_imports[1])}
    assert found - KNOWN_PRIVATE == set(), "import the public name, or move the helper to a shared module"
    assert KNOWN_PRIVATE - found == set(), "mended: take it off KNOWN_PRIVATE"


def test_layers_import_only_downwards(package_imports):
    assert [(i.importer, i.module, i.line) for i in layer_breaches(package_imports[1], PACKAGE, FORBIDDEN)] == []


# ---------------------------------------------------------------------------------- the checker itself


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_checker_finds_a_cycle_hidden_in_a_function(tmp_path):
    root = _tree(tmp_path, {
        "__init__.py": "",
        "m/__init__.py": "",
        "m/a.py": "from .b import f\n",
        "m/b.py": "def f():\n    from .c import g\n    return g\n",
        "m/c.py": "import pkg.m.a\n",
        "m/d.py": "from . import a\n",
    })
    known, imports = read_imports(root, "pkg")
    assert "pkg.m.a" in known and "pkg" in known
    assert cycles(imports) == [["pkg.m.a", "pkg.m.b", "pkg.m.c"]]


def test_checker_finds_private_imports_but_allows_a_private_module_of_the_same_subpackage(tmp_path):
    root = _tree(tmp_path, {
        "__init__.py": "",
        "m/__init__.py": "",
        "m/_base.py": "x = 1\n_y = 2\n",
        "m/a.py": "from ._base import x\nfrom .b import _hidden\n",
        "m/b.py": "_hidden = 0\nfrom ._base import _y\n",
        "r/__init__.py": "",
        "r/c.py": "from ..m._base import x\n",
        "r/old.py": "# threec: import-path shim\nfrom ..m.b import _hidden\n",
        "g/__init__.py": "from ._common import SEED\n", "g/_common.py": "SEED = 0\n",
    })
    _, imports = read_imports(root, "pkg")
    found = {(i.importer, i.module, i.name) for i in private_imports(imports)}
    assert found == {("pkg.m.a", "pkg.m.b", "_hidden"), ("pkg.m.b", "pkg.m._base", "_y"),
                     ("pkg.r.c", "pkg.m._base", "x")}


def test_checker_finds_an_import_against_the_layers(tmp_path):
    root = _tree(tmp_path, {
        "__init__.py": "", "measures/__init__.py": "", "report/__init__.py": "",
        "measures/v.py": "def f():\n    from ..report import t\n",
        "report/t.py": "from ..measures import v\n",
    })
    _, imports = read_imports(root, "pkg")
    bad = layer_breaches(imports, "pkg", {"measures": ("report",)})
    assert [(i.importer, i.module) for i in bad] == [("pkg.measures.v", "pkg.report.t")]
