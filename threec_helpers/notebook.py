"""Old import path, kept for one release: the module now lives at :mod:`threec_helpers.report.context`."""
# threec: import-path shim

import sys as _sys

from .report import context as _module

_sys.modules[__name__] = _module
