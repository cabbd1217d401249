"""Old import path, kept for one release: the module now lives at :mod:`threec_helpers.inputs.masking`."""
# threec: import-path shim

import sys as _sys

from .inputs import masking as _module

_sys.modules[__name__] = _module
