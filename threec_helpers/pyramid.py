"""Old import path, kept for one release: the module now lives at :mod:`threec_helpers.measures.pyramid`."""
# threec: import-path shim

import sys as _sys

from .measures import pyramid as _module

_sys.modules[__name__] = _module
