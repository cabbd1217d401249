"""Docstrings that exist at run time (issue 12 item 7).

Every public function and class of the modules below has a numpydoc docstring with a
"Parameters" section (when it takes parameters) and an "Examples" section; pytest runs
those Examples as doctests (``--doctest-modules`` over ``threec_helpers``).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import threec_helpers

PACKAGE = Path(threec_helpers.__file__).parent
SUBPACKAGES = ("measures", "measures.clv", "audit", "inputs", "report", "batch")  # spc/ has its own docstring tests
MODULES = ("arrays", "storage", "ordering", "i18n", "paths", "cli", "nbcheck", "compat")
#: modules being reworked on other branches; they leave this list when those branches land
#: (empty now: batch.briefing, the last, has its docstrings)
NOT_YET: tuple[str, ...] = ()

#: callables merged from branches that ran beside the docstring work; each leaves this list when
#: its docstring is written (the list may only shrink: test_not_yet_list_is_current)
NOT_YET_CALLABLES: set[str] = set()


def _module_names() -> list[str]:
    names = [f"threec_helpers.{m}" for m in MODULES]
    for sub in SUBPACKAGES:
        pkg = importlib.import_module(f"threec_helpers.{sub}")
        names += [f"{pkg.__name__}.{m.name}" for m in pkgutil.iter_modules(pkg.__path__)
                  if not m.name.startswith("_") and not m.ispkg]
    return sorted(n for n in names if n not in NOT_YET)


def _public_callables():
    for name in _module_names():
        module = importlib.import_module(name)
        public = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
        for attr in public:
            obj = getattr(module, attr)
            if callable(obj) and getattr(obj, "__module__", None) == name and (
                    inspect.isclass(obj) or inspect.isroutine(obj) or hasattr(obj, "__wrapped__")):
                yield f"{name}.{attr}", obj


def _takes_parameters(obj) -> bool:
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return False
    return any(p not in ("self", "cls") for p in sig.parameters)


ALL_CALLABLES = sorted(_public_callables(), key=lambda item: item[0])
CALLABLES = [(n, o) for n, o in ALL_CALLABLES if n not in NOT_YET_CALLABLES]


def test_not_yet_list_is_current():
    """An entry of NOT_YET_CALLABLES that has its docstring now, or no longer exists, leaves the list."""
    names = {n for n, _ in ALL_CALLABLES}
    assert NOT_YET_CALLABLES <= names, sorted(NOT_YET_CALLABLES - names)
    done = [n for n, o in ALL_CALLABLES if n in NOT_YET_CALLABLES and _doc_problem(n, o) is None]
    assert not done, f"documented now, take off NOT_YET_CALLABLES: {done}"


def test_the_scan_finds_the_modules_and_their_callables():
    names = [n for n, _ in CALLABLES]
    assert "threec_helpers.measures.clv.bgnbd.BetaGeoFitter" in names
    assert "threec_helpers.audit.scoring.score_responses" in names
    assert len(names) > 120


@pytest.mark.parametrize("name, obj", CALLABLES, ids=[n for n, _ in CALLABLES])
def test_public_callable_has_a_numpydoc_docstring(name, obj):
    problem = _doc_problem(name, obj)
    assert problem is None, problem


def _doc_problem(name, obj) -> str | None:
    """What the docstring of ``obj`` lacks, or None."""
    doc = inspect.getdoc(obj) or ""
    if not doc.strip():
        return f"{name} has no docstring at run time"
    if not re.search(r"^Examples\n-{8}", doc, re.M):
        return f"{name}: no Examples section"
    if not re.search(r"^\s*>>> ", doc, re.M):
        return f"{name}: the Examples show no doctest"
    if _takes_parameters(obj):
        # a class documents its constructor's parameters, or its fields as Attributes
        sections = ("Parameters", "Attributes") if inspect.isclass(obj) else ("Parameters",)
        if not any(re.search(rf"^{s}\n-+", doc, re.M) for s in sections):
            return f"{name}: no Parameters section"
    return None


def test_no_placeholder_examples():
    """No comment-only examples (``>>> # ...``) and no ``# doctest: +SKIP`` in these modules."""
    found = []
    for name in _module_names():
        path = Path(importlib.import_module(name).__file__)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r">>> #|doctest: \+SKIP", line):
                found.append(f"{path.relative_to(PACKAGE)}:{number}")
    assert found == []
