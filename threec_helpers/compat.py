"""Old import paths, kept working for one release after the layers became subpackages.

The old flat modules (``threec_helpers/phase_report.py`` ...) are shims that alias the
moved module; names that then left a module for their own layer are forwarded by the
module's ``__getattr__`` through :func:`forward`, so ``phase_report.clv_estimate`` still
reaches :func:`threec_helpers.measures.clv_estimate.clv_estimate`.
"""

from __future__ import annotations

import importlib
from typing import Any, Mapping


def forward(module: str, name: str, moved: Mapping[str, str]) -> Any:
    """The object ``name`` that left ``module`` for ``threec_helpers.<moved[name]>``.

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
