"""Old import path of the file readers and writers, kept for one release.

Use :mod:`threec_helpers.inputs.readers` (reading), :mod:`threec_helpers.storage`
(atomic writing) and :mod:`threec_helpers.arrays` (array helpers).
"""
# threec: import-path shim

from importlib import import_module as _import_module

_HOMES = ("threec_helpers.inputs.readers", "threec_helpers.storage", "threec_helpers.arrays")


def __getattr__(name: str):
    for home in _HOMES:
        module = _import_module(home)
        if hasattr(module, name):
            return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
