"""Step 1 of a batch run: read the batch file, find the notebooks, check parameters, list the jobs.

A batch file (YAML; see ``docs/batch-and-publishing.md``) says which clients, periods and
notebooks to run, with what parameters. :func:`load_batch` reads it into a
:class:`BatchSpec`; :func:`plan_batch` turns that into one :class:`Job` per client x
period x notebook, after checking every parameter against the notebook's ``parameters``
cell (an unknown name or a value of the wrong type stops the run before anything starts,
with a :class:`~threec_helpers.errors.ParameterError` naming the batch file, client,
notebook and parameter).

Problems that concern one client or one notebook (an unknown client, an unknown notebook,
a client that lacks a table a notebook needs) do not stop the batch: the job is planned
with an ``error`` and reported as failed, and the other jobs run.

Notebooks are found under ``notebooks/`` (``notebooks/phases/*.ipynb``,
``notebooks/audits/*.ipynb``). Which ones apply to a client, and in what order, comes
from each notebook's metadata::

    "metadata": {"threec": {"engagements": ["3c"], "order": 10,
                            "title": {"zh": "客户登记", "en": "Registration"},
                            "requires": ["customers", "transactions"]}}
"""

from __future__ import annotations

import ast
import fnmatch
import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .. import __version__
from ..inputs.config import ClientConfig, load_client_config
from ..errors import ClientConfigError, InputError, ParameterError, ThreecError
from ..i18n import LANGUAGES, t
from ..paths import check_client_id, client_folder, data_root as default_data_root, project_root

#: parameters the runner fills in itself (passed only to notebooks that declare them)
AUTO_PARAMETERS = ("client_id", "period", "previous_period", "comparison_period", "lang", "output_dir", "data_root",
                   "mask")
#: output formats, in the order they are written
FORMATS = ("html", "pdf", "slides", "xlsx")
#: default per-notebook timeout, seconds
DEFAULT_TIMEOUT = 1800
#: keys a batch file may have
BATCH_KEYS = {"name", "description", "clients", "periods", "notebooks", "parameters", "notebook_parameters", "lang",
              "timeout", "formats", "mask", "workers", "notebooks_dir", "data_root", "briefing"}
CLIENT_KEYS = {"id", "lang", "periods", "notebooks", "parameters", "notebook_parameters"}


# --------------------------------------------------------------------------- notebooks


@dataclass
class NotebookInfo:
    """A notebook the runner can execute.

    Attributes
    ----------
    name : str
        File name without ``.ipynb`` (unique across ``notebooks/``).
    path : Path
    engagements : list of str
        Engagement types it applies to (``3c``, ``iso9001``, ``clinical``); empty = none.
    order : int
        Position in a client's report list and briefing.
    title : dict
        ``{"zh": ..., "en": ...}``.
    requires : list of str
        Tables the client must provide.
    parameters : dict
        name -> ``{"type": "str" | "int" | "float" | "bool" | "list" | "dict" | None, "default": text}``
        from the ``parameters`` cell.
    """

    name: str
    path: Path
    engagements: list[str] = field(default_factory=list)
    order: int = 1000
    title: dict[str, str] = field(default_factory=dict)
    requires: list[str] = field(default_factory=list)
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)

    def display_title(self, lang: str) -> str:
        return self.title.get(lang) or self.title.get("en") or self.title.get("zh") or self.name


_TYPE_NAMES = {"str": "str", "int": "int", "float": "float", "bool": "bool", "list": "list", "dict": "dict",
               "Optional[str]": "str?", "str | None": "str?", "Optional[int]": "int?", "int | None": "int?",
               "Optional[float]": "float?", "float | None": "float?"}


def _infer_type(annotation: str, default: str) -> str | None:
    """The type a parameter expects: its annotation if it has one, else the type of its default."""
    if annotation and annotation != "None":
        return _TYPE_NAMES.get(annotation.replace(" ", "").replace("|None", " | None"), _TYPE_NAMES.get(annotation))
    try:
        value = ast.literal_eval(default)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    if value is None:
        return None
    return {bool: "bool", int: "int", float: "float", str: "str", list: "list", tuple: "list",
            dict: "dict"}.get(type(value))


def read_notebook_info(path: Path) -> NotebookInfo:
    """Read one notebook's metadata and parameters cell.

    Raises
    ------
    InputError
        When the file is not a readable notebook.
    """
    import nbformat
    import papermill as pm

    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # noqa: BLE001 - any parse failure is the same problem for the user
        raise InputError(key="batch.error.notebook_unreadable", path=path, detail=str(exc).splitlines()[0][:200]) \
            from None
    meta = nb.metadata.get("threec", {}) or {}
    params: dict[str, dict[str, Any]] = {}
    for name, p in pm.inspect_notebook(str(path)).items():
        params[name] = {"type": _infer_type(p.get("inferred_type_name") or "", p.get("default") or ""),
                        "default": p.get("default")}
    title = meta.get("title") or {}
    if isinstance(title, str):
        title = {"zh": title, "en": title}
    return NotebookInfo(name=path.stem, path=path, engagements=list(meta.get("engagements") or []),
                        order=int(meta.get("order", 1000)), title=dict(title),
                        requires=list(meta.get("requires") or []), parameters=params)


def discover_notebooks(folder: Path) -> dict[str, NotebookInfo]:
    """Every notebook under ``folder`` (recursively; checkpoints and ``_``/``.`` files left out).

    Returns
    -------
    dict
        name -> :class:`NotebookInfo`, sorted by (order, name).

    Raises
    ------
    InputError
        When two notebooks have the same name (the name identifies a report).
    """
    folder = Path(folder)
    found: dict[str, NotebookInfo] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.rglob("*.ipynb")):
        rel = path.relative_to(folder)
        if any(part.startswith((".", "_")) for part in rel.parts) or ".ipynb_checkpoints" in rel.parts:
            continue
        info = read_notebook_info(path)
        if info.name in found:
            raise InputError(key="batch.error.duplicate_notebook", name=info.name, first=found[info.name].path,
                             second=path)
        found[info.name] = info
    return dict(sorted(found.items(), key=lambda kv: (kv[1].order, kv[0])))


# --------------------------------------------------------------------------- batch file


@dataclass
class ClientSpec:
    """One client of a batch, with its own overrides."""

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
        ``current`` (each client's ``current_period``), ``previous`` or period ids.
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


def _bad(source: str, field_name: str, problem: str) -> InputError:
    return InputError(key="batch.error.batch_field", file=source, field=field_name, problem=problem)


def _str_list(value: Any, source: str, field_name: str) -> list[str]:
    if isinstance(value, (str, int, float)):
        return [str(value)]
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return [str(v) for v in value]
    raise _bad(source, field_name, "expected a name or a list of names")


def _mapping(value: Any, source: str, field_name: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _bad(source, field_name, "expected a mapping of name: value")
    return {str(k): v for k, v in value.items()}


def _lang(value: Any, source: str, field_name: str) -> str | None:
    if value is None:
        return None
    if value not in LANGUAGES:
        raise _bad(source, field_name, f"must be one of {', '.join(LANGUAGES)}, not {value!r}")
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
        raise _bad(source, "(file)", "the file must be a YAML mapping (name: ..., clients: ...)")
    unknown = sorted(set(map(str, raw)) - BATCH_KEYS)
    if unknown:
        raise _bad(source, unknown[0], f"unknown key; allowed keys: {', '.join(sorted(BATCH_KEYS))}")
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
                raise _bad(source, where, f"each client needs 'id'; allowed keys: {', '.join(sorted(CLIENT_KEYS))}")
            clients.append(ClientSpec(
                id=str(entry["id"]), lang=_lang(entry.get("lang"), source, f"{where}.lang"),
                periods=_str_list(entry["periods"], source, f"{where}.periods") if entry.get("periods") else None,
                notebooks=_str_list(entry["notebooks"], source, f"{where}.notebooks") if entry.get("notebooks")
                else None,
                parameters=_mapping(entry.get("parameters"), source, f"{where}.parameters"),
                notebook_parameters={k: _mapping(v, source, f"{where}.notebook_parameters.{k}") for k, v in
                                     _mapping(entry.get("notebook_parameters"), source,
                                              f"{where}.notebook_parameters").items()}))
        else:
            raise _bad(source, f"clients[{i}]", "expected a client id, a pattern like demo_*, or a mapping with id")
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
        raise _bad(source, "formats", f"unknown format {wrong[0]!r}; use some of {', '.join(FORMATS)}")
    timeout = raw.get("timeout", DEFAULT_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise _bad(source, "timeout", "must be a positive number of seconds")
    workers = raw.get("workers")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise _bad(source, "workers", "must be a whole number of at least 1")
    mask = raw.get("mask", False)
    if not isinstance(mask, bool):
        raise _bad(source, "mask", "must be true or false")
    return BatchSpec(
        name=name, clients=clients,
        periods=_str_list(raw.get("periods", "current"), source, "periods"),
        notebooks=notebooks,
        parameters=_mapping(raw.get("parameters"), source, "parameters"),
        notebook_parameters={k: _mapping(v, source, f"notebook_parameters.{k}") for k, v in
                             _mapping(raw.get("notebook_parameters"), source, "notebook_parameters").items()},
        lang=_lang(raw.get("lang"), source, "lang"), timeout=float(timeout), formats=tuple(formats), mask=mask,
        workers=workers,
        notebooks_dir=base / raw["notebooks_dir"] if raw.get("notebooks_dir") else project_root() / "notebooks",
        data_root=root, source=source, briefing=bool(raw.get("briefing", True)))


def demo_batch_path() -> Path:
    """The bundled demo batch, ``data/batches/demo.yaml``."""
    return project_root() / "data" / "batches" / "demo.yaml"


def load_batch(path: str | Path | None = None, *, data_root: Path | None = None) -> BatchSpec:
    """Read a batch file (default: the bundled demo batch).

    Raises
    ------
    InputError
        When the file is missing, is not YAML, or a field is wrong.
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


# --------------------------------------------------------------------------- jobs


@dataclass
class Job:
    """One notebook to execute for one client and period (JSON-serialisable via :meth:`to_dict`)."""

    client_id: str
    period: str
    notebook: str
    notebook_path: str
    output_dir: str
    parameters: dict[str, Any]
    lang: str
    timeout: float
    formats: tuple[str, ...]
    mask: bool
    kernel_name: str
    data_root: str
    title: str = ""
    client_name: str = ""
    engagement: str = ""
    order: int = 1000
    sources: dict[str, dict[str, str]] = field(default_factory=dict)
    input_key: str = ""
    notebook_sha256: str = ""
    key: str = ""
    error: dict[str, Any] | None = None
    declares_mask: bool = False

    @property
    def id(self) -> str:
        return f"{self.client_id}/{self.period}/{self.notebook}"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["formats"] = list(self.formats)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Job":
        d = dict(d)
        d["formats"] = tuple(d.get("formats", ()))
        return cls(**d)


def make_error(key: str, **fields: Any) -> dict[str, Any]:
    """A problem as an i18n key and its fields, rendered later in each report's language."""
    return {"key": key, "fields": {k: str(v) for k, v in fields.items()}}


def error_from_exception(exc: BaseException) -> dict[str, Any]:
    """:func:`make_error` for an exception (ThreecErrors keep their i18n key)."""
    if isinstance(exc, ThreecError) and getattr(exc, "key", None):
        return {"key": exc.key, "fields": {k: str(v) for k, v in exc.fields.items()}}
    return {"text": str(exc) or type(exc).__name__}


def error_text(error: dict[str, Any] | None, lang: str = "en") -> str:
    """The text of an error made by :func:`make_error` or :func:`error_from_exception`."""
    if not error:
        return ""
    if "key" in error:
        try:
            return t(error["key"], lang, **error.get("fields", {}))
        except (KeyError, IndexError):
            pass
    return str(error.get("text") or error)


class BatchParameterError(ParameterError):
    """Every parameter problem of a batch, listed; shown in Chinese or English."""

    def __init__(self, problems: list[dict[str, Any]]):
        self.problems = problems
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        lines = [t("batch.error.params_header", lang, n=len(self.problems))]
        lines += ["  - " + error_text(p, lang) for p in self.problems]
        return "\n".join(lines)


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def job_key(job: Job) -> str:
    """What makes a job's outputs what they are: notebook, parameters, inputs, package, options.

    Two runs with the same key produce the same reports, so the second can be skipped.
    """
    payload = {"notebook": job.notebook_sha256, "parameters": {k: v for k, v in job.parameters.items()
                                                               if k != "output_dir"},
               "inputs": job.input_key, "threec": __version__, "formats": sorted(job.formats), "mask": job.mask,
               "lang": job.lang}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:24]


def resolve_kernel(preferred: str = "threec") -> str:
    """``preferred`` if that Jupyter kernel is installed, else ``python3`` (the current Python)."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        if preferred in KernelSpecManager().find_kernel_specs():
            return preferred
    except Exception:  # noqa: BLE001 - no kernelspec machinery: use the native kernel
        pass
    return "python3"


def _check_value(name: str, expected: str | None, value: Any) -> str | None:
    """None if ``value`` fits ``expected``, else the name of its type."""
    if expected is None:
        return None
    optional = expected.endswith("?")
    base_type = expected.rstrip("?")
    if value is None:
        return None if optional else "None"
    ok = {"str": isinstance(value, str),
          "int": isinstance(value, int) and not isinstance(value, bool),
          "float": isinstance(value, (int, float)) and not isinstance(value, bool),
          "bool": isinstance(value, bool),
          "list": isinstance(value, list),
          "dict": isinstance(value, dict)}.get(base_type, True)
    return None if ok else type(value).__name__


def check_parameters(info: NotebookInfo, params: dict[str, Any], *, where: str,
                     must_exist: set[str]) -> list[dict[str, Any]]:
    """Problems with ``params`` for notebook ``info`` (empty list: all good).

    Parameters
    ----------
    info : NotebookInfo
    params : dict
        What will be passed.
    where : str
        "batch file X, client Y" for messages.
    must_exist : set of str
        Names that the notebook must declare (those given for this notebook specifically);
        other names were given for every notebook and are passed only where declared.
    """
    problems = []
    declared = info.parameters
    for name in sorted(must_exist - set(declared)):
        problems.append(make_error("batch.error.param_unknown", where=where, notebook=info.name, name=name,
                                   declared=", ".join(declared) or "-"))
    for name, value in params.items():
        if name not in declared:
            continue
        expected = declared[name]["type"]
        got = _check_value(name, expected, value)
        if got is not None:
            problems.append(make_error("batch.error.param_type", where=where, notebook=info.name, name=name,
                                       expected=expected.rstrip("?"), default=declared[name]["default"],
                                       value=repr(value), got=got))
    return problems


def _period_before(config: ClientConfig, period: str) -> str | None:
    ids = [p.id for p in config.periods]
    if period == config.current_period and config.previous_period:
        return config.previous_period
    if period in ids:
        i = ids.index(period)
        return ids[i - 1] if i > 0 else None
    return None


def _resolve_periods(wanted: list[str], config: ClientConfig) -> list[str]:
    out = []
    for p in wanted:
        if p == "current":
            out.append(config.current_period)
        elif p == "previous":
            if config.previous_period:
                out.append(config.previous_period)
        else:
            config.period(p)  # raises ClientConfigError for an unknown period
            out.append(p)
    return list(dict.fromkeys(out))


@dataclass
class Plan:
    """The jobs of a batch, in run order, with the notebooks found."""

    spec: BatchSpec
    jobs: list[Job]
    notebooks: dict[str, NotebookInfo]
    out_dir: Path
    problems: list[dict[str, Any]] = field(default_factory=list)


def plan_batch(spec: BatchSpec, out_root: Path, *, clients: list[str] | None = None,
               notebooks: list[str] | None = None, periods: list[str] | None = None, mask: bool | None = None,
               timeout: float | None = None, formats: tuple[str, ...] | None = None,
               available: dict[str, NotebookInfo] | None = None) -> Plan:
    """List the jobs of a batch and check every parameter before anything runs.

    Parameters
    ----------
    spec : BatchSpec
    out_root : Path
        Reports root; the batch writes into ``out_root / spec.name``.
    clients, notebooks, periods : list of str, optional
        Restrict the run (the CLI's ``--client``, ``--notebook``, ``--period``).
    mask, timeout, formats : optional
        Override the batch file.
    available : dict, optional
        Notebooks to use instead of discovering ``spec.notebooks_dir``.

    Returns
    -------
    Plan
        Jobs with an ``error`` (unknown client or notebook, missing table) are kept so
        the batch summary reports them.

    Raises
    ------
    ParameterError
        For any unknown parameter name or value of the wrong type (all of them listed).
    """
    from ..inputs.validation import find_table_file, input_fingerprint

    out_dir = Path(out_root) / spec.name
    available = available if available is not None else discover_notebooks(spec.notebooks_dir)
    kernel = resolve_kernel()
    mask = spec.mask if mask is None else mask
    timeout = spec.timeout if timeout is None else timeout
    formats = spec.formats if formats is None else formats
    jobs: list[Job] = []
    problems: list[dict[str, Any]] = []
    nb_sha = {name: _sha256_file(info.path) for name, info in available.items()}
    chosen_clients = spec.clients
    if clients:
        by_id = {c.id: c for c in spec.clients}
        chosen_clients = [by_id.get(cid, ClientSpec(id=cid)) for cid in clients]
    for cspec in chosen_clients:
        where = f"{spec.source}, {cspec.id}"
        try:
            check_client_id(cspec.id)
            folder = client_folder(cspec.id, spec.data_root)
            if not (folder / "client.yaml").is_file():
                raise InputError(key="batch.error.unknown_client", client=cspec.id, root=spec.data_root)
            config = load_client_config(folder)
            input_key, sources = input_fingerprint(cspec.id, spec.data_root)
        except ThreecError as exc:
            jobs.append(Job(client_id=cspec.id, period="-", notebook="-", notebook_path="", output_dir="",
                            parameters={}, lang=spec.lang or "zh", timeout=timeout, formats=formats, mask=mask,
                            kernel_name=kernel, data_root=str(spec.data_root), error=error_from_exception(exc)))
            continue
        lang = spec.lang or cspec.lang or config.language
        wanted_nbs = notebooks or cspec.notebooks or spec.notebooks
        if wanted_nbs is None:
            selected = [n for n, info in available.items() if config.engagement in info.engagements]
            unknown_nbs: list[str] = []
        else:  # named notebooks, still only where they apply (a notebook without engagements applies anywhere)
            selected = [n for n in wanted_nbs if n in available
                        and (not available[n].engagements or config.engagement in available[n].engagements)]
            unknown_nbs = [n for n in wanted_nbs if n not in available]
        try:
            client_periods = _resolve_periods(periods or cspec.periods or spec.periods, config)
        except ClientConfigError as exc:
            jobs.append(Job(client_id=cspec.id, period="-", notebook="-", notebook_path="", output_dir="",
                            parameters={}, lang=lang, timeout=timeout, formats=formats, mask=mask, kernel_name=kernel,
                            data_root=str(spec.data_root), error=error_from_exception(exc)))
            continue
        for period in client_periods:
            for name in unknown_nbs:
                jobs.append(Job(client_id=cspec.id, period=period, notebook=name, notebook_path="",
                                output_dir=str(out_dir / cspec.id / period), parameters={}, lang=lang,
                                timeout=timeout, formats=formats, mask=mask, kernel_name=kernel,
                                data_root=str(spec.data_root), client_name=config.display_name(lang),
                                engagement=config.engagement,
                                error=make_error("batch.error.unknown_notebook", notebook=name,
                                                 folder=spec.notebooks_dir, known=", ".join(available) or "-")))
            for name in selected:
                info = available[name]
                job_dir = out_dir / cspec.id / period
                before = _period_before(config, period)
                auto = {"client_id": cspec.id, "period": period, "previous_period": before or "",
                        "comparison_period": before or "", "lang": lang, "output_dir": str(job_dir.resolve()),
                        "data_root": str(Path(spec.data_root).resolve()), "mask": bool(mask)}
                given_all = {**spec.parameters, **cspec.parameters}
                given_nb = {**spec.notebook_parameters.get(name, {}), **cspec.notebook_parameters.get(name, {})}
                merged = {**auto, **given_all, **given_nb}
                params = {k: v for k, v in merged.items() if k in info.parameters}
                problems += check_parameters(info, {k: v for k, v in merged.items() if k in given_all or k in given_nb},
                                             where=where, must_exist=set(given_nb))
                error = None
                missing = [tb for tb in info.requires
                           if find_table_file(config.folder or folder, tb, config)[0] is None]
                if missing:
                    error = make_error("batch.error.missing_table", client=cspec.id, notebook=name,
                                       tables=", ".join(missing), folder=folder)
                job = Job(client_id=cspec.id, period=period, notebook=name, notebook_path=str(info.path.resolve()),
                          output_dir=str(job_dir.resolve()), parameters=params, lang=lang, timeout=float(timeout),
                          formats=tuple(formats), mask=bool(mask), kernel_name=kernel,
                          data_root=str(Path(spec.data_root).resolve()), title=info.display_title(lang),
                          client_name=config.display_name(lang), engagement=config.engagement, order=info.order,
                          sources=sources, input_key=input_key, notebook_sha256=nb_sha[name], error=error,
                          declares_mask="mask" in info.parameters)
                job.key = job_key(job)
                jobs.append(job)
    # parameters given for every notebook must be declared by at least one selected notebook
    all_given = set(spec.parameters) | {k for c in chosen_clients for k in c.parameters}
    declared_any = {p for j in jobs if j.error is None and j.notebook in available
                    for p in available[j.notebook].parameters}
    for name in sorted(all_given - declared_any - set(AUTO_PARAMETERS)):
        if any(j.error is None for j in jobs):
            problems.append(make_error("batch.error.param_unused", file=spec.source, name=name))
    if problems:
        unique = list({json.dumps(p, sort_keys=True): p for p in problems}.values())
        raise BatchParameterError(unique)
    return Plan(spec=spec, jobs=jobs, notebooks=available, out_dir=out_dir, problems=problems)
