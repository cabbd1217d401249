"""Old import path, kept for one release: the module now lives at :mod:`threec_helpers.audit.checklists`."""
# threec: import-path shim

import sys as _sys

from .audit import checklists as _module

_sys.modules[__name__] = _module
