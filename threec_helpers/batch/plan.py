"""Step 2 of a batch run: the jobs of a batch, their parameters checked, fingerprinted.

:func:`plan_batch` turns a :class:`~threec_helpers.batch.spec.BatchSpec` into one
:class:`~threec_helpers.batch.jobs.Job` per client x period x notebook, after checking every
parameter against the notebook's ``parameters`` cell (an unknown name or a value of the
wrong type stops the run before anything starts, with a
:class:`~threec_helpers.errors.ParameterError` naming the batch file, client, notebook and
parameter). Each job gets a key (:func:`job_key`) from everything its outputs depend on;
:func:`unchanged_result` finds a job whose outputs from an earlier run are still good.

Problems that concern one client or one notebook (an unknown client, an unknown notebook,
a client that lacks a table a notebook needs) do not stop the batch: the job is planned
with an ``error`` and reported as failed, and the other jobs run.

The batch file itself is read by :mod:`.spec`, notebooks are inspected by :mod:`.notebooks`;
their names are importable from here too (the older paths).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import InputError, ParameterError, ThreecError
from ..i18n import t
from ..inputs.config import ClientConfig, load_client_config
from ..paths import check_client_id, client_folder
from .jobs import Job, error_from_exception, error_text, make_error
from .notebooks import (  # noqa: F401
    NotebookInfo,
    discover_notebooks,
    read_notebook_info,
    resolve_kernel,
)
from .spec import (  # noqa: F401
    DEFAULT_TIMEOUT,
    FORMATS,
    BatchSpec,
    ClientSpec,
    demo_batch_path,
    load_batch,
    parse_batch,
)
from .tasks import TaskResult

#: parameters the runner fills in itself (passed only to notebooks that declare them)
AUTO_PARAMETERS = ("client_id", "period", "previous_period", "comparison_period", "lang", "output_dir", "data_root",
                   "mask")


class BatchParameterError(ParameterError):
    """Every parameter problem of a batch, listed; shown in Chinese or English.

    Parameters
    ----------
    problems : list of dict
        :func:`~threec_helpers.batch.jobs.make_error` records (each rendered in the
        message's language).

    Examples
    --------
    >>> exc = BatchParameterError([make_error("batch.error.param_unused", file="b.yaml", name="x")])
    >>> print(exc.message("en"))
    1 problem(s) with the batch parameters; nothing was run:
      - b.yaml: no selected notebook declares parameter 'x'. Check the spelling or remove it.
    >>> print(exc.message("zh"))
    批次参数有 1 处问题，未运行任何笔记本：
      - b.yaml：参数 x 没有任何所选笔记本声明。请检查拼写，或删除它。
    """

    def __init__(self, problems: list[dict[str, Any]]):
        self.problems = problems
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        """Every problem, one a line, in ``lang``."""
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

    Parameters
    ----------
    job : Job

    Returns
    -------
    str
        24 hex digits.

    See Also
    --------
    unchanged_result : finds an earlier run's outputs by this key.

    Examples
    --------
    >>> from threec_helpers.batch.jobs import Job
    >>> job = Job(client_id="acme", period="2025", notebook="02_analysis", notebook_path="02_analysis.ipynb",
    ...           output_dir="reports/demo/acme/2025", parameters={"lang": "en"}, lang="en", timeout=600.0,
    ...           formats=("html",), mask=False, kernel_name="python3", data_root="data/clients")
    >>> key = job_key(job)
    >>> len(key), key == job_key(Job.from_dict({**job.to_dict(), "output_dir": "elsewhere"}))
    (24, True)
    """
    payload = {"notebook": job.notebook_sha256, "parameters": {k: v for k, v in job.parameters.items()
                                                               if k != "output_dir"},
               "inputs": job.input_key, "threec": __version__, "formats": sorted(job.formats), "mask": job.mask,
               "lang": job.lang}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:24]


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

    Returns
    -------
    list of dict
        :func:`~threec_helpers.batch.jobs.make_error` records.

    Examples
    --------
    >>> info = NotebookInfo("02_analysis", Path("02_analysis.ipynb"),
    ...                     parameters={"top_n": {"type": "int", "default": "10"}})
    >>> [p["key"] for p in check_parameters(info, {"top_n": "ten", "colour": "red"}, where="b.yaml, acme",
    ...                                      must_exist={"colour"})]
    ['batch.error.param_unknown', 'batch.error.param_type']
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
    from .periods import resolve_periods

    return resolve_periods(wanted, config)


@dataclass
class Plan:
    """The jobs of a batch, in run order, with the notebooks found.

    Attributes
    ----------
    spec : BatchSpec
    jobs : list of Job
    notebooks : dict of NotebookInfo
    out_dir : Path
        The batch's folder.
    problems : list of dict
    restricted : bool
        The run was restricted to some clients, notebooks or periods.

    See Also
    --------
    plan_batch : makes one.

    Examples
    --------
    >>> import tempfile
    >>> plan = plan_batch(load_batch(), Path(tempfile.mkdtemp()), clients=["demo_telecom"])
    >>> [job.id for job in plan.jobs], plan.restricted
    (['demo_telecom/2026-09/iso9001_certification_audit', 'demo_telecom/2026-10/iso9001_certification_audit'], True)
    """

    spec: BatchSpec
    jobs: list[Job]
    notebooks: dict[str, NotebookInfo]
    out_dir: Path
    problems: list[dict[str, Any]] = field(default_factory=list)
    #: the run was restricted (``--client``, ``--notebook``, ``--period``): the batch's index keeps
    #: the results of the jobs left out (:func:`threec_helpers.batch.index.kept_records`)
    restricted: bool = False


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

    Examples
    --------
    >>> import tempfile
    >>> plan = plan_batch(load_batch(), Path(tempfile.mkdtemp()), clients=["demo_telecom", "nobody"],
    ...                   periods=["current"])
    >>> [(job.id, job.error is None) for job in plan.jobs]
    [('demo_telecom/2026-10/iso9001_certification_audit', True), ('nobody/-/-', False)]
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
        except InputError as exc:  # an unknown period, a range that runs backwards (ClientConfigError too)
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
    return Plan(spec=spec, jobs=jobs, notebooks=available, out_dir=out_dir, problems=problems,
                restricted=bool(clients or notebooks or periods))


# --------------------------------------------------------------------------- unchanged work

#: output suffix of each format (besides ``.ipynb``, ``.results.json`` and ``.provenance.json``)
FORMAT_SUFFIX = {"html": ".html", "pdf": ".pdf", "slides": ".slides.html", "xlsx": ".xlsx", "docx": ".docx"}


def unchanged_result(job: Job) -> TaskResult | None:
    """The previous result of ``job`` when its key matches and all its files are there (else None).

    Parameters
    ----------
    job : Job
        Planned, with its :func:`job_key`.

    Returns
    -------
    TaskResult or None
        Status ``unchanged`` (or ``not_assessed`` when the kept report assessed nothing).

    See Also
    --------
    job_key : what must match.

    Examples
    --------
    >>> from threec_helpers.batch.jobs import Job
    >>> job = Job(client_id="acme", period="2025", notebook="02_analysis", notebook_path="02_analysis.ipynb",
    ...           output_dir="reports/demo/acme/2025", parameters={"lang": "en"}, lang="en", timeout=600.0,
    ...           formats=("html",), mask=False, kernel_name="python3", data_root="data/clients")
    >>> unchanged_result(job) is None  # never run: no provenance file
    True
    """
    base = Path(job.output_dir) / job.notebook
    prov_path = base.with_name(base.name + ".provenance.json")
    if not prov_path.is_file():
        return None
    try:
        prov = json.loads(prov_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    if prov.get("job_key") != job.key or prov.get("status") != "ok":
        return None
    outputs = {"ipynb": base.name + ".ipynb"}
    for fmt in job.formats:
        if fmt not in FORMAT_SUFFIX:  # pptx: one deck per client and period, made with the briefing
            continue
        name = base.name + FORMAT_SUFFIX[fmt]
        if (base.parent / name).is_file():
            outputs[fmt] = name
        elif fmt != "xlsx":  # no XLSX when a notebook writes no results file
            return None
    if not (base.parent / outputs["ipynb"]).is_file():
        return None
    results = base.with_name(base.name + ".results.json")
    missing = None
    if results.is_file():
        outputs["results"] = results.name
        from ..report.results import not_assessed_info

        try:
            missing = not_assessed_info(json.loads(results.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError):
            return None
    # a kept report that assessed nothing stays "not assessed", never "unchanged" (which reads as done)
    return TaskResult(id=job.id, kind="notebook", status="unchanged" if missing is None else "not_assessed",
                      started=prov.get("started", ""), finished=prov.get("finished", ""),
                      exec_s=prov.get("duration_s", 0), outputs=outputs, key=job.key, run_id=prov.get("run_id"),
                      not_assessed=missing)
