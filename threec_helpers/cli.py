"""The ``threec`` command.

Built on `click <https://click.palletsprojects.com>`_ (mature, well-documented, already a
dependency of Jupyter's stack) with `tqdm <https://tqdm.github.io>`_ progress bars.

Exit codes: 0 success; 2 invalid input (a data problem the consultant must fix: the
report says where and how); 1 anything else. A data problem never shows a traceback.
"""

from __future__ import annotations

import json
import locale
import os
import sys
from pathlib import Path

import click

from . import __version__
from .errors import InputError, ThreecError
from .i18n import LANGUAGES, t


def _default_lang() -> str:
    env = os.environ.get("THREEC_LANG")
    if env in LANGUAGES:
        return env
    loc = (os.environ.get("LC_ALL") or os.environ.get("LANG") or locale.getlocale()[0] or "").lower()
    return "zh" if loc.startswith("zh") else "en"


def _fail(exc: ThreecError, lang: str) -> None:
    click.echo(exc.message(lang), err=True)
    sys.exit(exc.exit_code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="threec")
@click.option("--lang", type=click.Choice(LANGUAGES), default=_default_lang, show_default="THREEC_LANG or locale",
              help="Language of messages (zh or en).")
@click.pass_context
def cli(ctx: click.Context, lang: str) -> None:
    """threec: the 3C and quality-certification workbench.

    \b
    threec list                      the clients under data/clients
    threec validate CLIENT [--json]  check a client's files against the data contract
    threec generate --demo           write the three demo clients
    threec run [BATCH]               execute a batch: reports, briefings, index
    threec publish [BATCH]           make the reports again (commentary, branding) without executing
    threec generate --customers N --transactions M --out DIR
    threec request-workbook CLIENT --out FILE.xlsx [--fill]
    threec audit-form CLIENT --out FILE.xlsx | --fill --out FOLDER
    """
    ctx.ensure_object(dict)
    ctx.obj["lang"] = lang


DATA_ROOT = click.option("--data-root", type=click.Path(file_okay=False, path_type=Path), default=None,
                         help="Folder of client folders [default: data/clients or THREEC_DATA_ROOT].")


@cli.command("list")
@DATA_ROOT
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def list_cmd(ctx: click.Context, data_root: Path | None, as_json: bool) -> None:
    """List the clients (folders with a client.yaml)."""
    from .inputs.config import load_client_config
    from .paths import client_folder, data_root as default_root
    from .inputs.validation import list_clients

    lang = ctx.obj["lang"]
    root = data_root or default_root()
    rows = []
    for cid in list_clients(root):
        try:
            cfg = load_client_config(client_folder(cid, root))
            rows.append({"client_id": cid, "name": cfg.display_name(lang), "engagement": cfg.engagement,
                         "language": cfg.language, "current_period": cfg.current_period, "error": None})
        except ThreecError as exc:
            rows.append({"client_id": cid, "name": "", "engagement": "", "language": "", "current_period": "",
                         "error": exc.message(lang)})
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(t("cli.no_clients", lang, root=root))
        return
    header = [t("cli.col.client", lang), t("cli.col.engagement", lang), t("cli.col.period", lang),
              t("cli.col.language", lang), t("cli.col.name", lang)]
    table = [header] + [[r["client_id"], r["engagement"] or "!", r["current_period"], r["language"],
                         r["name"] or (r["error"] or "")[:80]] for r in rows]
    widths = [max(len(str(r[i])) for r in table) for i in range(4)]
    for r in table:
        click.echo("  ".join(str(c).ljust(w) for c, w in zip(r[:4], widths)) + "  " + str(r[4]))


@cli.command()
@click.argument("clients", nargs=-1)
@click.option("--all", "all_clients", is_flag=True, help="Validate every client under the data root.")
@DATA_ROOT
@click.option("--json", "as_json", is_flag=True, help="Print the problem report as JSON.")
@click.option("--no-cache", is_flag=True, help="Do not write validated data to the processed cache.")
@click.pass_context
def validate(ctx: click.Context, clients: tuple[str, ...], all_clients: bool, data_root: Path | None, as_json: bool,
             no_cache: bool) -> None:
    """Check client folders against the data contract (exit 2 when invalid)."""
    from tqdm import tqdm

    from .paths import data_root as default_root
    from .inputs.validation import list_clients, load_client
    from .errors import DataValidationError

    lang = ctx.obj["lang"]
    root = data_root or default_root()
    ids = list(clients) or (list_clients(root) if all_clients else [])
    if not ids:
        raise click.UsageError(t("cli.validate.which", lang))
    failed = 0
    outputs = []
    for cid in ids:
        bar = tqdm(desc=cid, unit=" table", leave=False, disable=None, file=sys.stderr)
        try:
            data = load_client(cid, root, use_cache=not no_cache, progress=lambda name: (bar.set_postfix_str(name),
                                                                                        bar.update()))
            report = data.report
            if as_json:
                outputs.append(json.loads(report.to_json(lang)) if report else
                               {"client_id": cid, "valid": True, "cached": True, "problems": []})
            else:
                click.echo(report.format_text(lang) if report else t("cli.validate.cached", lang, client=cid))
        except DataValidationError as exc:
            failed += 1
            if as_json:
                outputs.append(json.loads(exc.report.to_json(lang)))
            else:
                click.echo(exc.report.format_text(lang))
        except InputError as exc:
            failed += 1
            if as_json:
                outputs.append({"client_id": cid, "valid": False, "error": exc.message(lang)})
            else:
                click.echo(exc.message(lang), err=True)
        finally:
            bar.close()
        if not as_json and len(ids) > 1:
            click.echo("")
    if as_json:
        click.echo(json.dumps(outputs[0] if len(outputs) == 1 else outputs, ensure_ascii=False, indent=2))
    sys.exit(2 if failed else 0)


@cli.command()
@click.option("--demo", is_flag=True, help="Write the three demo clients (demo_manufacturer, demo_telecom, demo_hospital).")
@click.option("--customers", type=click.IntRange(min=1), default=None, help="Customers of a large synthetic 3C client.")
@click.option("--transactions", type=click.IntRange(min=1), default=None, help="Transactions of that client.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder [--demo: data/clients; otherwise required].")
@click.option("--seed", type=int, default=None, help="Random seed (the same seed gives the same files).")
@click.option("--client-id", default=None, help="Folder/client id of the large client.")
@click.pass_context
def generate(ctx: click.Context, demo: bool, customers: int | None, transactions: int | None, out: Path | None,
             seed: int | None, client_id: str | None) -> None:
    """Write demo clients, or a large synthetic 3C client for benchmarks."""
    from . import generate as gen
    from .paths import data_root as default_root

    lang = ctx.obj["lang"]
    if demo:
        paths = gen.write_demo_clients(out or default_root(), **({} if seed is None else {"seed": seed}))
        for p in paths:
            click.echo(t("cli.generate.wrote", lang, path=p))
        return
    if customers is None or transactions is None or out is None:
        raise click.UsageError(t("cli.generate.usage", lang))
    from tqdm import tqdm

    with tqdm(total=None, desc="generate", unit=" step", disable=None, file=sys.stderr) as bar:
        kwargs = {"progress": lambda *_: bar.update()} if "progress" in gen.write_large_client.__code__.co_varnames else {}
        path = gen.write_large_client(out, customers, transactions, seed=seed or 0, client_id=client_id, **kwargs)
    click.echo(t("cli.generate.wrote", lang, path=path))


@cli.command("run")
@click.argument("batch", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--client", "clients", multiple=True, help="Run only this client (repeatable).")
@click.option("--notebook", "notebooks", multiple=True, help="Run only this notebook (repeatable; name without .ipynb).")
@click.option("--period", "periods", multiple=True, help="Period id, current, previous, all, 'last N' or a range FROM..TO (repeatable).")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Notebooks run at once [default: cores].")
@click.option("--timeout", type=click.FloatRange(min=1), default=None, help="Seconds one notebook may run.")
@click.option("--retry-failed", is_flag=True, help="Re-run only the notebooks that failed in the last run.")
@click.option("--force", is_flag=True, help="Re-run notebooks whose notebook, parameters and inputs are unchanged.")
@click.option("--mask", is_flag=True, default=None, help="Replace customer names and ids with stable pseudonyms.")
@click.option("--formats", default=None, help="Comma-separated subset of html,pdf,slides,xlsx,docx,pptx.")
@click.option("--scheduler", default=None, help="Dask scheduler address (tcp://host:8786) to run on a cluster.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Reports root [default: reports/ or THREEC_REPORTS_ROOT]; the batch writes into OUT/<name>/.")
@DATA_ROOT
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
def run_cmd(ctx: click.Context, batch: Path | None, clients: tuple[str, ...], notebooks: tuple[str, ...],
            periods: tuple[str, ...], workers: int | None, timeout: float | None, retry_failed: bool, force: bool,
            mask: bool | None, formats: str | None, scheduler: str | None, out: Path | None, data_root: Path | None,
            quiet: bool) -> None:
    """Run a batch: clients x periods x notebooks -> reports, briefings and an index.

    With no BATCH, runs the bundled demo batch (data/batches/demo.yaml). Exit code 0 when
    every report was made, 1 when any failed, 2 for a bad batch file or parameters.
    """
    from .batch.orchestrate import BatchLockedError, ReportsFolderError, run_batch
    from .batch.plan import plan_batch
    from .batch.spec import FORMATS, load_batch
    from .paths import reports_root

    lang = ctx.obj["lang"]
    try:
        spec = load_batch(batch, data_root=data_root)
        from .batch.periods import check_selector

        periods = tuple(check_selector(p) for p in periods)  # a wrong selector stops the run, in words
        fmt = None
        if formats:
            fmt = tuple(f.strip() for f in formats.split(",") if f.strip())
            bad = [f for f in fmt if f not in FORMATS]
            if bad:
                raise click.BadParameter(f"unknown format {bad[0]!r}; use some of {', '.join(FORMATS)}",
                                         param_hint="--formats")
        plan = plan_batch(spec, out or reports_root(), clients=list(clients) or None,
                          notebooks=list(notebooks) or None, periods=list(periods) or None, mask=mask,
                          timeout=timeout, formats=fmt)
        if not plan.jobs:
            click.echo(t("batch.cli.nothing", lang, folder=spec.notebooks_dir), err=True)
        n_workers = workers or spec.workers or os.cpu_count() or 1
        if not quiet:
            click.echo(t("batch.cli.plan", lang, jobs=len(plan.jobs), clients=len({j.client_id for j in plan.jobs}),
                         workers=n_workers), err=True)
        result = run_batch(plan, workers=n_workers, force=force, retry_failed=retry_failed, scheduler=scheduler,
                           lang=lang, progress=not quiet)
    except (BatchLockedError, ReportsFolderError) as exc:
        _fail(exc, lang)
        return
    except ThreecError as exc:
        _fail(exc, lang)
        return
    counts = result.counts
    if result.failed:
        click.echo(t("batch.cli.failed_list", lang), err=True)
        for rec in result.failed:
            click.echo(f"  ✗ {rec['id']}: {rec.get('error_en' if lang == 'en' else 'error') or rec.get('error', '')}",
                       err=True)
    not_assessed = [rec for rec in result.jobs if rec["status"] == "not_assessed"]
    if not_assessed:
        click.echo(t("batch.cli.not_assessed_list", lang), err=True)
        for rec in not_assessed:
            click.echo(f"  ○ {rec['id']}: {rec.get('note_en' if lang == 'en' else 'note') or ''}", err=True)
    click.echo(t("batch.cli.done", lang, ok=counts.get("ok", 0), unchanged=counts.get("unchanged", 0),
                 failed=len(result.failed), seconds=f"{result.wall_s:,.1f}", index=result.out_dir / "index.html"))
    sys.exit(1 if result.failed else 0)


@cli.command("publish")
@click.argument("batch", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--client", "clients", multiple=True, help="Only this client (repeatable).")
@click.option("--period", "periods", multiple=True, help="Period id, 'current' or 'previous' (repeatable).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Reports root [default: reports/ or THREEC_REPORTS_ROOT]; the batch's folder is OUT/<name>/.")
@DATA_ROOT
@click.option("--quiet", is_flag=True, help="No line per report.")
@click.pass_context
def publish_cmd(ctx: click.Context, batch: Path | None, clients: tuple[str, ...], periods: tuple[str, ...],
                out: Path | None, data_root: Path | None, quiet: bool) -> None:
    """Make every output of already-executed notebooks again, without executing any.

    Renders HTML, PDF, slides, XLSX and briefings from the executed notebooks and results
    files in the batch's reports folder, with the current commentary
    (data/clients/<id>/commentary/<period>.md), branding and templates, and updates the
    index. Exit code 0 when all were made, 1 when any failed, 2 for a bad batch file.
    """
    from .batch.republish import republish
    from .batch.spec import load_batch
    from .paths import reports_root

    lang = ctx.obj["lang"]
    try:
        spec = load_batch(batch, data_root=data_root)
        result = republish(spec, out or reports_root(), clients=list(clients) or None, periods=list(periods) or None,
                           lang=lang, echo=None if quiet else (lambda line: click.echo(line, err=True)))
    except ThreecError as exc:
        _fail(exc, lang)
        return
    for warning in result.warnings:
        click.echo("! " + warning, err=True)
    if not result.republished and not result.failed:
        click.echo(t("publish.nothing", lang, folder=result.out_dir), err=True)
    click.echo(t("publish.done", lang, reports=len(result.republished), briefings=len(result.briefings),
                 seconds=f"{result.wall_s:,.1f}", skipped=len(result.skipped), failed=len(result.failed),
                 index=result.out_dir / "index.html"))
    sys.exit(1 if result.failed else 0)


@cli.command("present")
@click.argument("client")
@click.argument("notebook")
@click.option("--period", default=None, help="Period id [default: the client's current period].")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=0, help="Port on 127.0.0.1 [default: a free one].")
@click.option("--mask", is_flag=True, help="Replace customer names and ids with stable pseudonyms.")
@DATA_ROOT
@click.pass_context
def present_cmd(ctx: click.Context, client: str, notebook: str, period: str | None, port: int, mask: bool,
                data_root: Path | None) -> None:
    """Serve NOTEBOOK for CLIENT as a live dashboard without code (Voila) on 127.0.0.1."""
    from .batch.present import serve

    lang = ctx.obj["lang"]
    try:
        serve(client, notebook, period=period, port=port or None, mask=mask, data_root=data_root, lang=lang,
              echo=click.echo)
    except ThreecError as exc:
        _fail(exc, lang)


def _checklist_options(config, lang: str) -> dict:
    """What a request workbook takes from the client's checklist: item and clause lists, the score's
    scale, the item texts (:func:`threec_helpers.audit.forms.request_options`)."""
    from .audit.checklists import load_checklist
    from .audit.forms import request_options
    from .inputs.forms import expected_checklist

    name = expected_checklist(config)
    if name is None:
        return {"lists": {}}
    return request_options(load_checklist(name), lang)


def _client(client: str, data_root: Path | None, fill: bool):
    """The client's configuration, and its validated tables when ``fill`` (exit 2 when invalid)."""
    from .inputs.config import load_client_config
    from .inputs.validation import load_client
    from .paths import client_folder, data_root as default_root

    root = data_root or default_root()
    if fill:
        data = load_client(client, root)
        return data.config, data.tables
    return load_client_config(client_folder(client, root)), None


@cli.command("request-workbook")
@click.argument("client")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The .xlsx to write.")
@click.option("--fill", is_flag=True, help="Pre-fill the sheets with the client's current validated data.")
@click.option("--contact", default=None, help="Contact on the cover sheet [default: request.contact in client.yaml].")
@click.option("--due", default=None, help="Return date on the cover sheet [default: request.due in client.yaml].")
@DATA_ROOT
@click.pass_context
def request_workbook_cmd(ctx: click.Context, client: str, out: Path, fill: bool, contact: str | None, due: str | None,
                         data_root: Path | None) -> None:
    """Write the data-request workbook for CLIENT, in the client's report language."""
    from .errors import DataValidationError
    from .inputs.request import request_lists_from_tables, write_request_workbook

    lang = ctx.obj["lang"]
    try:
        config, tables = _client(client, data_root, fill)
        options = _checklist_options(config, config.language)
        if tables:
            options["lists"].update(request_lists_from_tables(tables))
        path = write_request_workbook(config, out, tables=tables, contact=contact, due=due, **options)
    except DataValidationError as exc:
        click.echo(exc.report.format_text(lang), err=True)
        sys.exit(2)
    except ThreecError as exc:
        _fail(exc, lang)
        return
    click.echo(t("cli.generate.wrote", lang, path=path))


@cli.command("audit-form")
@click.argument("client")
@click.option("--checklist", "checklist_name", default=None,
              help="Checklist name or .yaml [default: the client's checklist].")
@click.option("--out", required=True, type=click.Path(path_type=Path),
              help="The form's .xlsx (a .pdf is written beside it); with --fill, a folder for one form per respondent.")
@click.option("--fill", is_flag=True, help="One form per respondent of the last round, pre-filled with their answers.")
@click.option("--round", "round_id", default=None, help="Audit round [default: the current period; --fill: the last].")
@click.option("--no-pdf", is_flag=True, help="Do not write the printable PDF.")
@DATA_ROOT
@click.pass_context
def audit_form_cmd(ctx: click.Context, client: str, checklist_name: str | None, out: Path, fill: bool,
                   round_id: str | None, no_pdf: bool, data_root: Path | None) -> None:
    """Write the on-site audit form of CLIENT's checklist (.xlsx and a printable .pdf)."""
    from .audit.checklists import load_checklist
    from .audit.forms import answers_by_respondent, form_html, write_audit_form
    from .errors import DataValidationError
    from .inputs.forms import RESPONSES_TABLE, expected_checklist
    from .storage import write_bytes_atomic

    lang = ctx.obj["lang"]
    try:
        config, tables = _client(client, data_root, fill)
        checklist = load_checklist(checklist_name or expected_checklist(config) or "customer_focus")
        table = RESPONSES_TABLE.get(config.engagement)
        responses = (tables or {}).get(table) if table else None
        roles = sorted({str(r) for r in responses["role"].dropna()}) if responses is not None else []
        if not fill:
            paths = [write_audit_form(checklist, out, config, round_id=round_id, roles=roles)]
            if not no_pdf:
                from .batch.publish import html_to_pdf

                pdf = out.with_suffix(".pdf")
                page = form_html(checklist, config, round_id=round_id, roles=roles)
                paths.append(write_bytes_atomic(pdf, html_to_pdf(page)))
        else:
            if responses is None:
                raise click.UsageError(t("cli.forms.no_table", lang, client=client, table=table or "responses"))
            rnd, forms = answers_by_respondent(responses, config.engagement, round_id)
            out.mkdir(parents=True, exist_ok=True)
            paths = [write_audit_form(checklist, out / f"{checklist.id}_{rnd}_{who}.xlsx", config, round_id=rnd,
                                      respondent=who, role=role, answers=answers, roles=roles)
                     for who, role, answers in forms]
    except DataValidationError as exc:
        click.echo(exc.report.format_text(lang), err=True)
        sys.exit(2)
    except ThreecError as exc:
        _fail(exc, lang)
        return
    for p in paths:
        click.echo(t("cli.generate.wrote", lang, path=p))


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``threec`` console script.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: the command line's).

    Raises
    ------
    SystemExit
        Always, with the command's exit code (0 done, 1 failed reports, 2 bad input).

    Examples
    --------
    >>> try:
    ...     main(["--version"])
    ... except SystemExit as exit:
    ...     print("exit code", exit.code)  # doctest: +ELLIPSIS
    threec, version ...
    exit code 0
    """
    lang = _default_lang()
    try:
        cli.main(args=argv, prog_name="threec", standalone_mode=True)
    except ThreecError as exc:  # pragma: no cover - commands handle their own, this is the safety net
        _fail(exc, lang)


if __name__ == "__main__":  # pragma: no cover
    main()
