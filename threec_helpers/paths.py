"""Where things are: project root, client data, processed cache, checklists, reports.

Every path that comes from a user (a client id, a batch file's output folder) goes through
:func:`safe_child`, which refuses ``..``, absolute paths and symlinks that lead outside
the root they must stay in.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import UnsafePathError

_CLIENT_ID = re.compile(r"^[A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9_.\-\u4e00-\u9fff]{0,99}$")


def project_root() -> Path:
    """The repository root: the folder holding ``data/`` next to the package, else the cwd."""
    here = Path(__file__).resolve().parent.parent
    if (here / "data").is_dir():
        return here
    return Path.cwd()


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else default


def data_root() -> Path:
    """Folder of client folders (``THREEC_DATA_ROOT`` or ``data/clients``)."""
    return _env_path("THREEC_DATA_ROOT", project_root() / "data" / "clients")


def processed_root() -> Path:
    """Cache of validated data (``THREEC_PROCESSED_ROOT`` or ``data/processed``)."""
    return _env_path("THREEC_PROCESSED_ROOT", project_root() / "data" / "processed")


def checklists_root() -> Path:
    """Folder of checklist files (``data/checklists``)."""
    return _env_path("THREEC_CHECKLISTS_ROOT", project_root() / "data" / "checklists")


def reports_root() -> Path:
    """Where reports are written (``THREEC_REPORTS_ROOT`` or ``reports``)."""
    return _env_path("THREEC_REPORTS_ROOT", project_root() / "reports")


def check_client_id(client_id: str) -> str:
    """Return ``client_id`` if it is a plain folder name, else raise :class:`UnsafePathError`.

    Examples
    --------
    >>> check_client_id("demo_telecom")
    'demo_telecom'
    """
    if not isinstance(client_id, str) or not _CLIENT_ID.match(client_id) or ".." in client_id:
        raise UnsafePathError(key="paths.error.client_id", client=repr(client_id))
    return client_id


def safe_child(root: Path, name: str) -> Path:
    """Return ``root / name`` after checking it stays inside ``root`` (symlinks resolved).

    Raises
    ------
    UnsafePathError
        For absolute names, ``..`` components, or links that point outside ``root``.
    """
    candidate = Path(name)
    if candidate.is_absolute() or ".." in candidate.parts:
        raise UnsafePathError(key="paths.error.not_relative", name=repr(name), root=root)
    root_resolved = Path(root).resolve()
    full = (Path(root) / candidate).resolve()
    if full != root_resolved and root_resolved not in full.parents:
        raise UnsafePathError(key="paths.error.outside_root", name=repr(name), root=root)
    return Path(root) / candidate


def client_folder(client_id: str, root: Path | None = None) -> Path:
    """The folder of ``client_id`` under the data root, checked for safety."""
    root = Path(root) if root is not None else data_root()
    return safe_child(root, check_client_id(client_id))
