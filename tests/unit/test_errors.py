"""Errors in one place (threec_helpers/errors.py), each message a user sees in both languages."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from threec_helpers import errors
from threec_helpers.errors import ParameterError, ThreecError
from threec_helpers.i18n import catalog

PACKAGE = Path(__file__).resolve().parents[2] / "threec_helpers"
#: error classes still defined outside errors.py; batch/ is being reworked elsewhere, the
#: lead moves them (the list only shrinks: a class moved and still listed fails the test)
#: a batch's list of parameter problems renders each through batch.jobs, above errors.py's layer
KNOWN_ELSEWHERE = {("batch/plan.py", "BatchParameterError")}
ERROR_NAMES = {n for n, v in vars(errors).items() if isinstance(v, type) and issubclass(v, ThreecError)}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def test_parameter_error_is_also_a_value_error():
    with pytest.raises(ValueError):
        raise ParameterError("lang must be zh or en")
    assert issubclass(ParameterError, errors.InputError)


def test_error_classes_live_in_errors_py():
    found = set()
    for rel, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and rel != "errors.py" and any(
                    isinstance(b, ast.Name) and (b.id in ERROR_NAMES or b.id.endswith("Error")) for b in node.bases):
                found.add((rel, node.name))
    assert found == KNOWN_ELSEWHERE


def test_every_error_key_has_both_languages():
    """``raise SomeError(key="...")``: the key exists, so the message reads in zh and en."""
    keys = set()
    for rel, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id.endswith("Error"):
                for kw in node.keywords:
                    if kw.arg == "key" and isinstance(kw.value, ast.Constant):
                        keys.add((rel, kw.value.value))
    assert keys, "the scan found no keyed error"
    texts = catalog()
    missing = sorted((rel, k) for rel, k in keys if k not in texts)
    assert missing == []
    for _, k in keys:
        assert texts[k]["zh"].strip() and texts[k]["en"].strip()


def test_a_keyed_error_speaks_both_languages():
    exc = ParameterError(key="notebook.param_type", name="lang", value="1", expected="str")
    assert exc.message("en") != exc.message("zh") and "lang" in exc.message("zh")
