"""Step 1 of a batch run: the batch file (YAML) read into a :class:`BatchSpec`.

A batch file (see ``docs/batch-and-publishing.md``) says which clients, periods and
notebooks to run, with what parameters. :func:`load_batch` reads a file, :func:`parse_batch`
checks its parsed YAML field by field; a wrong field stops the run with an
:class:`~threec_helpers.errors.InputError` naming the file and the field.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError
from ..i18n import LANGUAGES
from ..paths import check_client_id, project_root
from ..paths import data_root as default_data_root

#: output formats, in the order they are written
FORMATS = ("html", "pdf", "slides", "xlsx", "docx", "pptx")
#: formats made per notebook; the others (``pptx``: one deck per client and period) with the briefing
NOTEBOOK_FORMATS = ("html", "pdf", "slides", "xlsx", "docx")
BRIEFING_FORMATS = ("html", "pdf", "docx", "pptx")
#: default per-notebook timeout, seconds
DEFAULT_TIMEOUT = 1800
#: keys a batch file may have
BATCH_KEYS = {"name", "description", "clients", "periods", "notebooks", "parameters", "notebook_parameters", "lang",
              "timeout", "formats", "mask", "workers", "notebooks_dir", "data_root", "briefing"}
CLIENT_KEYS = {"id", "lang", "periods", "notebooks", "parameters", "notebook_parameters"}


@dataclass
class ClientSpec:
    """One client of a batch, with its own overrides.

    Attributes
    ----------
    id : str
        The client folder's name.
    lang : {"zh", "en"}, optional
    periods, notebooks : list of str, optional
        Override the batch's.
    parameters, notebook_parameters : dict
        Added to (and overriding) the batch's.

    Examples
    --------
    >>> parse_batch({"name": "b", "clients": [{"id": "acme", "lang": "en", "periods": ["2025"]}]}).clients[0]
    ClientSpec(id='acme', lang='en', periods=['2025'], notebooks=None, parameters={}, notebook_parameters={})
    """

    id: str
    lang: str | None = None
    periods: list[str] | None = None
    notebooks: list[str] | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    notebook_parameters: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class BatchSpec:
    """A parsed batch file.

    Attributes
    ----------
    name : str
        Names the output folder ``reports/<name>/``.
    clients : list of ClientSpec
    periods : list of str
        Period selectors (:mod:`.periods`): ids, ``current``, ``previous``, ``all``, ``last N``
        or ranges ``FROM..TO``.
    notebooks : list of str or None
        Notebook names; None = every notebook that applies to the client's engagement.
    parameters, notebook_parameters : dict
        For every notebook that declares them / per notebook name.
    lang : {"zh", "en"} or None
        Overrides every client's ``language``.
    timeout : float
        Seconds one notebook may run.
    formats : tuple of str
    mask : bool
    workers : int or None
    notebooks_dir, data_root : Path
    source : str
        The batch file (for messages).
    briefing : bool
        Compose each client and period's briefing.

    See Also
    --------
    load_batch : reads a batch file.
    parse_batch : checks an already loaded one.

    Examples
    --------
    >>> spec = load_batch()
    >>> spec.name, [c.id for c in spec.clients]
    ('demo', ['demo_manufacturer', 'demo_telecom', 'demo_hospital'])
    """

    name: str
    clients: list[ClientSpec]
    periods: list[str] = field(default_factory=lambda: ["current"])
    notebooks: list[str] | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    notebook_parameters: dict[str, dict[str, Any]] = field(default_factory=dict)
    lang: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    formats: tuple[str, ...] = FORMATS
    mask: bool = False
    workers: int | None = None
    notebooks_dir: Path = field(default_factory=lambda: project_root() / "notebooks")
    data_root: Path = field(default_factory=default_data_root)
    source: str = "<batch>"
    briefing: bool = True


def _str_list(value: Any, source: str, field_name: str) -> list[str]:
    if isinstance(value, (str, int, float)):
        return [str(value)]
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return [str(v) for v in value]
    raise InputError(key="batch.error.field.names", file=source, field=field_name)


def _periods(value: Any, source: str, field_name: str) -> list[str]:
    from .periods import check_selector

    out = []
    for sel in _str_list(value, source, field_name):
        try:
            out.append(check_selector(sel))
        except InputError as exc:
            raise InputError(key="batch.error.field.period", file=source, field=field_name, selector=sel) from exc
    return out


def _mapping(value: Any, source: str, field_name: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(key="batch.error.field.mapping", file=source, field=field_name)
    return {str(k): v for k, v in value.items()}


def _lang(value: Any, source: str, field_name: str) -> str | None:
    if value is None:
        return None
    if value not in LANGUAGES:
        raise InputError(key="batch.error.field.lang", file=source, field=field_name, allowed=", ".join(LANGUAGES),
                         value=repr(value))
    return str(value)


def parse_batch(raw: Any, source: str = "<batch>", *, base: Path | None = None,
                data_root: Path | None = None) -> BatchSpec:
    """Build a :class:`BatchSpec` from the parsed YAML of a batch file.

    Parameters
    ----------
    raw : dict
        ``yaml.safe_load`` of the file.
    source : str
        The file name, for messages.
    base : Path, optional
        Folder that relative ``notebooks_dir`` / ``data_root`` are resolved against
        (default: the project root).
    data_root : Path, optional
        Overrides the file's ``data_root`` (the CLI's ``--data-root``).

    Returns
    -------
    BatchSpec

    Raises
    ------
    InputError
        Naming the file, the field and what is wrong.

    Examples
    --------
    >>> spec = parse_batch({"name": "monthly", "clients": ["acme"], "lang": "en"})
    >>> spec.name, spec.clients[0].id, spec.lang
    ('monthly', 'acme', 'en')
    """
    if not isinstance(raw, dict):
        raise InputError(key="batch.error.field.not_mapping", file=source, field="(file)")
    unknown = sorted(set(map(str, raw)) - BATCH_KEYS)
    if unknown:
        raise InputError(key="batch.error.field.unknown_key", file=source, field=unknown[0],
                         allowed=", ".join(sorted(BATCH_KEYS)))
    base = Path(base) if base is not None else project_root()
    name = str(raw.get("name") or Path(source).stem or "batch")
    check_client_id(name)  # the name becomes a folder: same rules as a client id
    root = Path(data_root) if data_root is not None else (
        base / raw["data_root"] if raw.get("data_root") else default_data_root())
    clients_raw = raw.get("clients", "*")
    clients: list[ClientSpec] = []
    entries = clients_raw if isinstance(clients_raw, list) else [clients_raw]
    from ..inputs.validation import list_clients

    available = list_clients(root)
    for i, entry in enumerate(entries):
        if isinstance(entry, str) and any(ch in entry for ch in "*?["):
            matched = [c for c in available if fnmatch.fnmatchcase(c, entry)]
            if not matched:
                clients.append(ClientSpec(id=entry))  # reported as an unknown client
            clients.extend(ClientSpec(id=c) for c in matched)
        elif isinstance(entry, str):
            clients.append(ClientSpec(id=entry))
        elif isinstance(entry, dict):
            where = f"clients[{i}]"
            bad = sorted(set(map(str, entry)) - CLIENT_KEYS)
            if bad or "id" not in entry:
                raise InputError(key="batch.error.field.client_keys", file=source, field=where,
                                 allowed=", ".join(sorted(CLIENT_KEYS)))
            clients.append(ClientSpec(
                id=str(entry["id"]), lang=_lang(entry.get("lang"), source, f"{where}.lang"),
                periods=_periods(entry["periods"], source, f"{where}.periods") if entry.get("periods") else None,
                notebooks=_str_list(entry["notebooks"], source, f"{where}.notebooks") if entry.get("notebooks")
                else None,
                parameters=_mapping(entry.get("parameters"), source, f"{where}.parameters"),
                notebook_parameters={k: _mapping(v, source, f"{where}.notebook_parameters.{k}") for k, v in
                                     _mapping(entry.get("notebook_parameters"), source,
                                              f"{where}.notebook_parameters").items()}))
        else:
            raise InputError(key="batch.error.field.client_entry", file=source, field=f"clients[{i}]")
    seen: set[str] = set()
    clients = [c for c in clients if not (c.id in seen or seen.add(c.id))]
    notebooks = raw.get("notebooks")
    if notebooks in (None, "all", "*"):
        notebooks = None
    else:
        notebooks = _str_list(notebooks, source, "notebooks")
    formats = raw.get("formats", list(FORMATS))
    formats = _str_list(formats, source, "formats")
    wrong = [f for f in formats if f not in FORMATS]
    if wrong:
        raise InputError(key="batch.error.field.format", file=source, field="formats", value=repr(wrong[0]),
                         allowed=", ".join(FORMATS))
    timeout = raw.get("timeout", DEFAULT_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise InputError(key="batch.error.field.timeout", file=source, field="timeout")
    workers = raw.get("workers")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise InputError(key="batch.error.field.workers", file=source, field="workers")
    mask = raw.get("mask", False)
    if not isinstance(mask, bool):
        raise InputError(key="batch.error.field.mask", file=source, field="mask")
    return BatchSpec(
        name=name, clients=clients,
        periods=_periods(raw.get("periods", "current"), source, "periods"),
        notebooks=notebooks,
        parameters=_mapping(raw.get("parameters"), source, "parameters"),
        notebook_parameters={k: _mapping(v, source, f"notebook_parameters.{k}") for k, v in
                             _mapping(raw.get("notebook_parameters"), source, "notebook_parameters").items()},
        lang=_lang(raw.get("lang"), source, "lang"), timeout=float(timeout), formats=tuple(formats), mask=mask,
        workers=workers,
        notebooks_dir=base / raw["notebooks_dir"] if raw.get("notebooks_dir") else project_root() / "notebooks",
        data_root=root, source=source, briefing=bool(raw.get("briefing", True)))


def demo_batch_path() -> Path:
    """The bundled demo batch, ``data/batches/demo.yaml``.

    Returns
    -------
    Path

    Examples
    --------
    >>> demo_batch_path().relative_to(project_root()).as_posix()
    'data/batches/demo.yaml'
    """
    return project_root() / "data" / "batches" / "demo.yaml"


def load_batch(path: str | Path | None = None, *, data_root: Path | None = None) -> BatchSpec:
    """Read a batch file (default: the bundled demo batch).

    Parameters
    ----------
    path : str or Path, optional
    data_root : Path, optional
        Overrides the file's ``data_root``.

    Returns
    -------
    BatchSpec

    Raises
    ------
    InputError
        When the file is missing, is not YAML, or a field is wrong.

    See Also
    --------
    parse_batch : the checks, on an already loaded mapping.

    Examples
    --------
    >>> load_batch().formats
    ('html', 'pdf', 'slides', 'xlsx', 'docx', 'pptx')
    >>> load_batch("/nonexistent/batch.yaml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    threec_helpers.errors.InputError: Batch file /nonexistent/batch.yaml not found...
    """
    path = Path(path) if path is not None else demo_batch_path()
    if not path.is_file():
        raise InputError(key="batch.error.no_batch_file", path=path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        detail = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        detail += str(getattr(exc, "problem", None) or str(exc).splitlines()[0])
        raise InputError(key="batch.error.batch_yaml", path=path, detail=detail) from None
    base = project_root() if path.resolve() == demo_batch_path().resolve() else path.resolve().parent
    return parse_batch(raw, str(path), base=base, data_root=data_root)
