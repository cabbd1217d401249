"""Old import path, kept for one release: the module now lives at :mod:`threec_helpers.audit.scoring`."""
# threec: import-path shim

import sys as _sys

from .audit import scoring as _module

_sys.modules[__name__] = _module
