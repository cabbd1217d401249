"""Old import paths, kept working for one release after the layers became subpackages.

The modules of the flat layout (``threec_helpers.phase_report``, ``threec_helpers.value``,
...) have no files any more: :func:`install_old_paths` (called when the package is
imported) adds an import finder that answers each old name with the moved module itself,
so ``from threec_helpers import phase_report`` gives :mod:`threec_helpers.report.phases`,
and a monkeypatch through the old name patches the real module. ``threec_helpers.io``,
which was split in three, forwards each name to the readers, storage or arrays.

Names that left a module for their own layer are forwarded by that module's
``__getattr__`` through :func:`forward`, so ``phase_report.clv_estimate`` still reaches
:func:`threec_helpers.measures.clv_estimate.clv_estimate`.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import types
from typing import Any, Mapping

#: old module (under ``threec_helpers``) -> its home now
OLD_MODULES: dict[str, str] = {
    "contract": "inputs.contract", "config": "inputs.config", "validation": "inputs.validation",
    "masking": "inputs.masking", "value": "measures.value", "pyramid": "measures.pyramid",
    "behavior": "measures.behavior", "satisfaction": "measures.satisfaction",
    "customer_table": "measures.customer_table", "clv": "measures.clv",
    "opportunities": "measures.opportunities", "registration": "measures.registration",
    "planning": "measures.planning", "realization": "measures.realization",
    "checklists": "audit.checklists", "audits": "audit.scoring", "findings": "audit.findings",
    "objectives": "audit.objectives", "notebook": "report.context", "results": "report.results",
    "explore": "report.explore", "phase_report": "report.phases", "audit_report": "report.audits",
}

#: where the names of the old ``threec_helpers.io`` live now, searched in this order
IO_HOMES = ("threec_helpers.inputs.readers", "threec_helpers.storage", "threec_helpers.arrays")

_PREFIX = "threec_helpers."


def _io_module(name: str) -> types.ModuleType:
    module = types.ModuleType(name, "Old import path of the readers, storage and array helpers.")

    def __getattr__(attr: str):
        for home in IO_HOMES:
            found = importlib.import_module(home)
            if hasattr(found, attr):
                return getattr(found, attr)
        raise AttributeError(f"module {name!r} has no attribute {attr!r}")

    module.__getattr__ = __getattr__
    return module


class OldPathFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Answers an old module name with the moved module (see the module docstring).

    See Also
    --------
    install_old_paths : puts it on ``sys.meta_path``.

    Examples
    --------
    >>> finder = OldPathFinder()
    >>> finder.find_spec("threec_helpers.pyramid").name, finder.find_spec("json")
    ('threec_helpers.pyramid', None)
    """

    def __init__(self):
        self._own: dict[str, tuple[Any, Any]] = {}

    def find_spec(self, fullname, path=None, target=None):
        if fullname.startswith(_PREFIX) and (fullname[len(_PREFIX):] in OLD_MODULES
                                              or fullname == _PREFIX + "io"):
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        short = spec.name[len(_PREFIX):]
        if short == "io":
            return _io_module(spec.name)
        module = importlib.import_module(_PREFIX + OLD_MODULES[short])
        self._own[module.__name__] = (module.__spec__, module.__loader__)
        return module

    def exec_module(self, module):
        """Nothing to run: the moved module is already imported. The import system has just
        set the old name's spec on it: give the module back its own."""
        own = self._own.pop(getattr(module, "__name__", ""), None)
        if own is not None:
            module.__spec__, module.__loader__ = own


def install_old_paths() -> None:
    """Add :class:`OldPathFinder` to ``sys.meta_path`` once (the package's ``__init__`` calls it).

    Examples
    --------
    >>> import importlib
    >>> importlib.import_module("threec_helpers.pyramid") is importlib.import_module("threec_helpers.measures.pyramid")
    True
    """
    if not any(isinstance(f, OldPathFinder) for f in sys.meta_path):
        sys.meta_path.append(OldPathFinder())


def forward(module: str, name: str, moved: Mapping[str, str]) -> Any:
    """The object ``name`` that left ``module`` for ``threec_helpers.<moved[name]>``.

    Parameters
    ----------
    module : str
        The module asked (its ``__name__``).
    name : str
        The attribute asked.
    moved : mapping
        Name -> its new module under ``threec_helpers``.

    Returns
    -------
    object

    Raises
    ------
    AttributeError
        If ``name`` never lived in ``module`` (what ``getattr`` expects).

    Examples
    --------
    >>> forward("threec_helpers.report.phases", "retention", {"retention": "measures.behavior"}).__module__
    'threec_helpers.measures.behavior'
    """
    if name in moved:
        return getattr(importlib.import_module(f"threec_helpers.{moved[name]}"), name)
    raise AttributeError(f"module {module!r} has no attribute {name!r}")
