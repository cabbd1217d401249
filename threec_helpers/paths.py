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
    """The repository root: the folder holding ``data/`` next to the package, else the cwd.

    Returns
    -------
    Path

    See Also
    --------
    data_root, processed_root, checklists_root, reports_root : the folders under it.

    Examples
    --------
    >>> project_root().is_dir()
    True
    """
    here = Path(__file__).resolve().parent.parent
    if (here / "data").is_dir():
        return here
    return Path.cwd()


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else default


def data_root() -> Path:
    """Folder of client folders (``THREEC_DATA_ROOT`` or ``data/clients``).

    Returns
    -------
    Path
        ``THREEC_DATA_ROOT`` when that environment variable is set, else ``data/clients``.

    See Also
    --------
    project_root, data_root, processed_root, checklists_root, reports_root : the other roots.

    Examples
    --------
    >>> data_root().name == "clients" or "THREEC_DATA_ROOT" in os.environ
    True
    """
    return _env_path("THREEC_DATA_ROOT", project_root() / "data" / "clients")


def processed_root(data_root_dir: str | Path | None = None) -> Path:
    """Cache of validated data and saved plans: ``THREEC_PROCESSED_ROOT``, else ``processed``
    beside the data root (``data/processed`` for ``data/clients``).

    A client folder read from another data root (``--data-root /tmp/x/clients``,
    ``THREEC_DATA_ROOT``) has its cache beside that root (``/tmp/x/processed``), never in the
    project's ``data/processed``.

    Parameters
    ----------
    data_root_dir : str or Path, optional
        The folder of client folders the data is read from; default :func:`data_root`.

    Returns
    -------
    Path
        ``THREEC_PROCESSED_ROOT`` when that environment variable is set, else the data
        root's parent folder ``/ "processed"``.

    See Also
    --------
    project_root, data_root, processed_root, checklists_root, reports_root : the other roots.

    Examples
    --------
    >>> "THREEC_PROCESSED_ROOT" in os.environ or processed_root(Path("/tmp/x/clients")) == Path("/tmp/x/processed")
    True
    >>> processed_root().name == "processed" or "THREEC_PROCESSED_ROOT" in os.environ
    True
    """
    root = Path(data_root_dir).expanduser() if data_root_dir is not None else data_root()
    return _env_path("THREEC_PROCESSED_ROOT", Path(os.path.abspath(root)).parent / "processed")


def checklists_root() -> Path:
    """Folder of checklist files (``THREEC_CHECKLISTS_ROOT`` or ``data/checklists``).

    Returns
    -------
    Path
        ``THREEC_CHECKLISTS_ROOT`` when that environment variable is set, else ``data/checklists``.

    See Also
    --------
    project_root, data_root, processed_root, checklists_root, reports_root : the other roots.

    Examples
    --------
    >>> checklists_root().name == "checklists" or "THREEC_CHECKLISTS_ROOT" in os.environ
    True
    """
    return _env_path("THREEC_CHECKLISTS_ROOT", project_root() / "data" / "checklists")


def reports_root() -> Path:
    """Where reports are written (``THREEC_REPORTS_ROOT`` or ``reports``).

    Returns
    -------
    Path
        ``THREEC_REPORTS_ROOT`` when that environment variable is set, else ``reports``.

    See Also
    --------
    project_root, data_root, processed_root, checklists_root, reports_root : the other roots.

    Examples
    --------
    >>> reports_root().name == "reports" or "THREEC_REPORTS_ROOT" in os.environ
    True
    """
    return _env_path("THREEC_REPORTS_ROOT", project_root() / "reports")


def check_client_id(client_id: str) -> str:
    """Return ``client_id`` if it is a plain folder name, else raise :class:`UnsafePathError`.

    Parameters
    ----------
    client_id : str
        Letters (Chinese too), digits, ``_``, ``-`` and ``.``; no ``..``, at most 100 characters.

    Returns
    -------
    str
        ``client_id``.

    Raises
    ------
    UnsafePathError
        For any other id (path separators, ``..``, empty, too long, not a string).

    Examples
    --------
    >>> check_client_id("demo_telecom")
    'demo_telecom'
    >>> check_client_id("../other")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    threec_helpers.errors.UnsafePathError: client id '../other' is not allowed: ...
    """
    if not isinstance(client_id, str) or not _CLIENT_ID.match(client_id) or ".." in client_id:
        raise UnsafePathError(key="paths.error.client_id", client=repr(client_id))
    return client_id


def safe_child(root: Path, name: str) -> Path:
    """Return ``root / name`` after checking it stays inside ``root`` (symlinks resolved).

    Parameters
    ----------
    root : Path
        The folder the path must stay in.
    name : str
        A relative path from a user (a client id, an output folder).

    Returns
    -------
    Path
        ``root / name``.

    Raises
    ------
    UnsafePathError
        For absolute names, ``..`` components, or links that point outside ``root``.

    See Also
    --------
    client_folder : the same for a client id under the data root.

    Examples
    --------
    >>> safe_child(Path("reports"), "acme/2025")
    PosixPath('reports/acme/2025')
    >>> safe_child(Path("reports"), "../etc")
    Traceback (most recent call last):
    ...
    threec_helpers.errors.UnsafePathError: path '../etc' must be relative and stay inside reports.
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
    """The folder of ``client_id`` under the data root, checked for safety.

    Parameters
    ----------
    client_id : str
        The client's folder name (see :func:`check_client_id`).
    root : Path, optional
        The folder of client folders; default :func:`data_root`.

    Returns
    -------
    Path

    Raises
    ------
    UnsafePathError
        If the id is not a plain folder name or the folder leads outside ``root``.

    See Also
    --------
    safe_child : the check it uses.

    Examples
    --------
    >>> client_folder("acme", Path("data/clients"))
    PosixPath('data/clients/acme')
    """
    root = Path(root) if root is not None else data_root()
    return safe_child(root, check_client_id(client_id))
