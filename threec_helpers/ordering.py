"""Natural order of ids that mix text and numbers: rounds, waves, finding ids.

>>> sorted(["R10", "R2", "2025-H1", "2024"], key=natural_key)
['2024', '2025-H1', 'R2', 'R10']
"""

from __future__ import annotations

import re
from typing import Any


def natural_key(value: Any) -> tuple:
    """Sort key that orders ``R2`` before ``R10`` and ``2024`` before ``2025-H1``.

    Parameters
    ----------
    value : object
        An id; compared through ``str(value)``, its runs of digits as numbers.

    Returns
    -------
    tuple
        A key for ``sorted(..., key=natural_key)``.

    Examples
    --------
    >>> natural_key("R10") > natural_key("R2")
    True
    >>> sorted(["R10", "R2", "R1"], key=natural_key)
    ['R1', 'R2', 'R10']
    """
    parts = re.split(r"(\d+)", str(value))
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p != "")
