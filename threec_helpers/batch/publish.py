"""Step 3 of a batch run: turn an executed notebook into panel-ready files.

For every executed notebook (see ``docs/batch-and-publishing.md``):

- ``<nb>.html``: the outputs without any code, stderr, warnings or tracebacks; images
  embedded; one inline stylesheet; no script and no CDN, so it opens offline. A failed
  notebook's report says so in a banner at the top (and shows what ran before the failure).
- ``<nb>.pdf``: the same page through WeasyPrint (pure Python on pango; no browser), with
  the CJK font embedded (:mod:`threec_helpers.batch.fonts`): a cover, contents with page
  numbers, a running footer (client, page n / N), headings kept with what follows, and the
  provenance in an appendix (``templates/print.css``).

Firm name, logo, colours and confidentiality line come from ``branding.yaml``
(:mod:`threec_helpers.batch.branding`); the consultant's executive summary and section notes
from ``<client>/commentary/<period>.md`` (:mod:`threec_helpers.batch.commentary`), in every format.
- ``<nb>.slides.html``: a reveal.js deck (reveal.js 5.2.0 vendored under
  ``templates/revealjs`` and inlined: no CDN): title slide, one slide per section, figure
  or table, long tables continued, a conclusion slide (:mod:`threec_helpers.batch.layout`).
- ``<nb>.xlsx``: the key tables of the notebook's results file, one sheet each, plus a
  summary and a provenance sheet; text cells that a spreadsheet would run as a formula
  (starting with ``=``, ``+``, ``-``, ``@``, tab or CR) are prefixed with ``'``.

Every file is written atomically (:mod:`threec_helpers.io`): a crash leaves no half file.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import math
import re
from pathlib import Path
from typing import Any, Callable

from .. import __version__
from ..i18n import fmt_num, fmt_pct, has_key, t
from ..storage import neutralise_formula, write_bytes_atomic, write_text_atomic  # noqa: F401  (re-exported)
from ..spreadsheet import text_width  # noqa: F401  (re-exported: one measure of a cell's text width)
from ..report.results import table_display_name
from ..report.tables import column_label  # noqa: F401  (re-exported: the one column-label namespace)

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: cells with one of these tags never reach a panel report
REMOVE_TAGS = {"parameters", "injected-parameters", "nbval-check-output", "remove-cell", "remove_cell", "hide",
               "hide-cell",
               "threec-hide", "remove-output", "remove_output", "threec-explore"}
#: a code cell that shows an interactive explorer (``explore.<name>_explorer(...).show()``,
#: tagged ``threec-explore`` in the bundled notebooks): live only in Jupyter and Voila, never
#: in a static output, where it would repeat the report with its default choices
_EXPLORE_CELL = re.compile(r"\bexplore\.\w+_explorer\(|[\"']phases\.h\.explore[\"']")
#: output mime types dropped from panel reports (scripts and live widgets do not work offline)
DROP_MIMES = ("application/javascript", "text/javascript", "application/vnd.jupyter.widget-view+json",
              "application/vnd.jupyter.widget-state+json")
_OBJECT_REPR = re.compile(r"^\s*\[?<[^>]+ at 0x[0-9a-fA-F]+>\]?\s*$|^\s*<Figure size [^>]+>\s*$|^\s*Text\(.*\)\s*$"
                          r"|^\s*(Posix|Windows)?Path\(.*\)\s*$")
#: characters that make a spreadsheet cell a formula (OWASP CSV injection)


# --------------------------------------------------------------------------- templates


@functools.lru_cache(maxsize=1)
def jinja_env():
    """The Jinja2 environment of the report, index and briefing templates (autoescaped).

    Loads from ``threec_helpers/batch/templates`` (the cover, provenance appendix, slide deck,
    batch index and briefing); HTML is escaped, so text from a client's data or a consultant's
    commentary never runs as markup. Built once per process.

    Returns
    -------
    jinja2.Environment

    See Also
    --------
    render : one template, with the report's language bound.

    Examples
    --------
    >>> env = jinja_env()
    >>> env is jinja_env(), env.from_string("{{ name }}").render(name="<b>Acme</b>")
    (True, '&lt;b&gt;Acme&lt;/b&gt;')
    """
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             autoescape=jinja2.select_autoescape(["html", "j2"]), trim_blocks=True,
                             lstrip_blocks=True)
    return env


def render(template: str, lang: str, **context: Any) -> str:
    """Render ``templates/<template>`` with ``tr(key, **fields)`` bound to ``lang``.

    Every template of a panel file goes through here, so its fixed words come from
    ``threec_helpers/locale/*.yaml`` in the report's language. The template also gets
    ``lang``, the package ``version`` and ``notebook_name`` (a notebook's title in words).

    Parameters
    ----------
    template : str
        File name under ``threec_helpers/batch/templates`` (e.g. ``"report_header.html.j2"``).
    lang : {"zh", "en"}
        Language of the template's words.
    **context
        The template's variables.

    Returns
    -------
    str
        The rendered HTML (autoescaped).

    Examples
    --------
    >>> html = render("report_header.html.j2", "en", title="Customer value", client_id="acme",
    ...               client_name="Acme", period="FY2026", brand={"firm": "Acme Consulting"}, date="2026-11-30")
    >>> "<h1>Customer value</h1>" in html, "<th>Prepared by</th>" in html
    (True, True)
    """
    context.setdefault("notebook_name", functools.partial(notebook_name, lang=lang))
    return jinja_env().get_template(template).render(tr=functools.partial(_tr, lang=lang), lang=lang,
                                                     version=__version__, **context)


def _tr(key: str, lang: str, **fields: Any) -> str:
    return t(key, lang, **fields)


@functools.lru_cache(maxsize=4)
def asset(name: str) -> str:
    """A template asset (CSS, vendored JS) as text, to inline into a self-contained file.

    The panel files fetch nothing when opened: the report stylesheet, the print stylesheet
    and the vendored reveal.js are read from ``threec_helpers/batch/templates`` and written
    into each file. The last few assets read are cached.

    Parameters
    ----------
    name : str
        Path under ``threec_helpers/batch/templates`` (e.g. ``"report.css"``, ``"revealjs/reveal.js"``).

    Returns
    -------
    str

    Examples
    --------
    >>> asset("report.css").startswith("/* threec panel reports"), "@page" in asset("print.css")
    (True, True)
    """
    return (TEMPLATES / name).read_text(encoding="utf-8")


def html_lang(lang: str) -> str:
    """The ``lang`` attribute of a panel file's ``<html>`` element for a report language.

    Browsers, screen readers and WeasyPrint choose fonts, hyphenation and line breaking by
    it: Chinese reports are marked ``zh-CN``, English ones ``en``.

    Parameters
    ----------
    lang : {"zh", "en"}
        The report's language.

    Returns
    -------
    str
        ``"zh-CN"`` or ``"en"``.

    Examples
    --------
    >>> html_lang("zh"), html_lang("en")
    ('zh-CN', 'en')
    """
    return "zh-CN" if lang == "zh" else "en"


def table_header(name: str, lang: str, headers: dict[str, str] | None = None) -> str:
    """A recorded table's header: the one its report showed (``columns`` of the results file,
    :class:`threec_helpers.report.tables.ReportTable`), else its ``col.<name>`` label
    (:func:`threec_helpers.report.tables.column_label`, the one namespace of every format).

    The XLSX workbook heads its columns with it, so a client sees the same words in the
    workbook as in the report.

    Parameters
    ----------
    name : str
        The column's name in the results file.
    lang : {"zh", "en"}
        Language of the label.
    headers : dict of str to str, optional
        The headers the report showed, by column name.

    Returns
    -------
    str

    Examples
    --------
    >>> table_header("revenue", "en"), table_header("revenue", "zh")
    ('Revenue', '收入')
    >>> table_header("revenue", "en", {"revenue": "Revenue (CNY)"})
    'Revenue (CNY)'
    """
    if headers and isinstance(headers.get(name), str):
        return headers[name]
    return column_label(name, lang)


#: result-table columns that hold ratios (0.256 -> 25.6%); names that mean a share in every table
PERCENT_COLUMNS = frozenset({"attainment", "customer_share", "revenue_share", "profit_share", "gap_pct",
                             "closure_rate", "verified_rate", "coverage", "utilisation", "retention",
                             "share_of_customer", "management", "front_line", "difference"})


def format_cell(value: Any, lang: str, column: str | None = None) -> str:
    """A table value as text: thousands separators, 2 decimals for fractions, yes/no for booleans,
    percentages for the ratio columns of :data:`PERCENT_COLUMNS`.

    Missing values (None, NaN) show as a dash; whole floats of 1000 or more lose their
    decimals; other values are shown as they are.

    Parameters
    ----------
    value : object
        The cell's value.
    lang : {"zh", "en"}
        Language of yes/no.
    column : str, optional
        The column's name (a ratio column shows a percentage).

    Returns
    -------
    str

    Examples
    --------
    >>> format_cell(51084, "en"), format_cell(0.256, "en", "attainment"), format_cell(3.14159, "en")
    ('51,084', '25.6%', '3.14')
    >>> format_cell(True, "zh"), format_cell(None, "en"), format_cell(12345.0, "en")
    ('是', '–', '12,345')
    """
    if value is None:
        return "–"
    if isinstance(value, bool):
        return t("batch.yes", lang) if value else t("batch.no", lang)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value != value:  # NaN
            return "–"
        if column in PERCENT_COLUMNS:
            return fmt_pct(value, 1)
        return f"{value:,.0f}" if value.is_integer() and abs(value) >= 1000 else fmt_num(value, 2)
    return str(value)


# --------------------------------------------------------------------------- cleaning


def failed_cell_index(nb) -> int | None:
    """Index of the cell where execution stopped, or None.

    That cell is marked by the runner (``metadata.threec.failed``) or holds an error output;
    :func:`clean_notebook` puts the failure note there, and the report shows what ran before.

    Parameters
    ----------
    nb : NotebookNode
        An executed notebook.

    Returns
    -------
    int or None
        The first failed cell's index; None when every cell ran.

    Examples
    --------
    >>> import nbformat
    >>> error = nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="division by zero",
    ...                                traceback=[])
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Value"),
    ...                                      nbformat.v4.new_code_cell("1 / 0", outputs=[error])])
    >>> failed_cell_index(nb), failed_cell_index(nbformat.v4.new_notebook())
    (1, None)
    """
    for i, cell in enumerate(nb.cells):
        if cell.get("metadata", {}).get("threec", {}).get("failed"):
            return i
        if cell.cell_type == "code" and any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return i
    return None


def clean_notebook(nb, *, scrub: Callable[[str], str] | None = None, failure_note: str | None = None):
    """A panel-safe copy of an executed notebook.

    Removes the parameters cells, cells tagged ``remove-cell``/``hide`` and the interactive
    explore sections (tagged ``threec-explore``, or calling ``explore.*_explorer``); drops stderr
    streams (warnings), error tracebacks, scripts and widget views, and the bare object
    reprs matplotlib leaves (``<Figure size ...>``); removes code cells left without
    output. With ``failure_note``, a note replaces the failed cell's error. With
    ``scrub`` (masking), every text output and markdown cell goes through it.

    Parameters
    ----------
    nb : NotebookNode
        The executed notebook (not modified).
    scrub : callable, optional
        ``str -> str`` applied to text (see :func:`threec_helpers.masking.compile_scrubber`).
    failure_note : str, optional
        HTML-safe text of the note shown where execution stopped.

    Returns
    -------
    NotebookNode

    Examples
    --------
    The parameters cell goes, the warning on stderr goes, the code is blanked and its
    printed output stays:

    >>> import nbformat
    >>> out, warn = (nbformat.v4.new_output("stream", name=name, text=text)
    ...              for name, text in (("stdout", "Revenue up 3%\\n"), ("stderr", "UserWarning: slow\\n")))
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_code_cell("period = 'FY2026'", metadata={"tags": ["parameters"]}),
    ...     nbformat.v4.new_code_cell("print('Revenue up 3%')", outputs=[out, warn])])
    >>> [(cell.source, [o["text"] for o in cell.outputs]) for cell in clean_notebook(nb).cells]
    [('', ['Revenue up 3%\\n'])]
    """
    import nbformat

    nb = copy.deepcopy(nb)
    failed_at = failed_cell_index(nb)
    cells = []
    for i, cell in enumerate(nb.cells):
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & REMOVE_TAGS:
            continue
        if cell.cell_type == "code" and _EXPLORE_CELL.search(cell.get("source") or ""):
            continue
        if cell.cell_type == "markdown":
            if scrub:
                cell.source = scrub(cell.source)
            cell.pop("attachments", None) if not cell.get("attachments") else None
            cells.append(cell)
            continue
        if cell.cell_type != "code":
            continue
        outputs = []
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "stream":
                if out.get("name") != "stdout":
                    continue
                text = out.get("text", "")
                if scrub:
                    text = scrub(text)
                if text.strip():
                    out["text"] = text
                    outputs.append(out)
            elif kind in ("display_data", "execute_result"):
                data = {k: v for k, v in out.get("data", {}).items() if k not in DROP_MIMES}
                if set(data) == {"text/plain"} and _OBJECT_REPR.match(str(data["text/plain"])):
                    continue
                if not data:
                    continue
                if scrub:
                    for mime in ("text/plain", "text/html", "text/markdown", "text/latex"):
                        if mime in data:
                            value = data[mime]
                            data[mime] = scrub("".join(value) if isinstance(value, list) else value)
                out["data"] = data
                outputs.append(out)
            # error outputs are dropped: the banner and the note say what failed
        cell.outputs = outputs
        if i == failed_at and failure_note:
            cells.append(cell) if outputs else None
            cells.append(nbformat.v4.new_markdown_cell(f'<p class="failure-note">{failure_note}</p>'))
            continue
        if outputs:
            cell.source = ""  # never ship code, even to a template that would show it
            cells.append(cell)
    nb.cells = cells
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("papermill", None)
    return nb


# --------------------------------------------------------------------------- exporters


@functools.lru_cache(maxsize=1)
def _exporter(kind: str = "report"):
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    c = Config()
    section = c["HTMLExporter"]
    section.exclude_input = True
    section.exclude_input_prompt = True
    section.exclude_output_prompt = True
    section.embed_images = True
    section.sanitize_html = False
    section.exclude_anchor_links = True
    return HTMLExporter(config=c, extra_template_basedirs=[str(TEMPLATES / "nbconvert")],
                        template_name="threec_report")


def branding_for(meta: dict[str, Any]):
    """The branding of a report's client (:mod:`threec_helpers.batch.branding`): ``meta["branding"]``
    when given, else read for ``meta["client_id"]`` under ``meta["data_root"]`` (else the folder
    of the client's ``client.yaml`` named in the provenance, else the default data root).

    Every format of a report takes its firm name, logo, colours and confidentiality line
    from here; a client's own ``branding.yaml`` overrides the firm's, which overrides the
    package default.

    Parameters
    ----------
    meta : dict
        The report's meta (see :func:`publish_notebook`); reads ``branding``, ``client_id``,
        ``data_root`` and ``provenance``.

    Returns
    -------
    threec_helpers.batch.branding.Branding

    Examples
    --------
    A client without a ``branding.yaml`` gets the package default:

    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> brand = branding_for({"client_id": "acme", "data_root": tmp.name})
    >>> brand.context("en")["firm"], brand.logo
    ('threec consulting', None)
    >>> tmp.cleanup()
    """
    from .branding import load_branding

    if meta.get("branding") is not None:
        return meta["branding"]
    return load_branding(meta.get("client_id"), data_root_of(meta))


def data_root_of(meta: dict[str, Any]) -> Path | None:
    """The data root of a report's client: ``meta["data_root"]``, else the folder above the
    client's ``client.yaml`` named in the provenance, else None (the default data root).

    Republishing (``threec publish``) has only the provenance of an earlier run, so the
    client folder is found again from the ``client.yaml`` that run read; a relative path
    there is taken from the project root.

    Parameters
    ----------
    meta : dict
        The report's meta (see :func:`publish_notebook`).

    Returns
    -------
    Path or None
        The folder of client folders; None for the default data root.

    Examples
    --------
    >>> prov = {"inputs": {"client.yaml": {"file": "/srv/threec/clients/acme/client.yaml"}}}
    >>> data_root_of({"provenance": prov}).as_posix(), data_root_of({})
    ('/srv/threec/clients', None)
    """
    root = meta.get("data_root")
    if root:
        return Path(root)
    src = ((meta.get("provenance") or {}).get("inputs") or {}).get("client.yaml", {}).get("file")
    if src:
        from ..paths import project_root

        folder = Path(src) if Path(src).is_absolute() else project_root() / src
        return folder.parent.parent
    return None


def commentary_of(meta: dict[str, Any]):
    """The consultant's commentary of a report (:mod:`threec_helpers.batch.commentary`):
    ``meta["commentary"]`` when given, else read for its client and period.

    The file is ``<data root>/<client>/commentary/<period>.md``; a report without a client
    or period (or with period ``-``) gets an empty commentary, as does a client without the file.

    Parameters
    ----------
    meta : dict
        The report's meta (see :func:`publish_notebook`); reads ``commentary``, ``client_id``,
        ``period`` and the data root (:func:`data_root_of`).

    Returns
    -------
    threec_helpers.batch.commentary.Commentary
        False when it holds no note.

    Examples
    --------
    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> notes = commentary_of({"client_id": "acme", "period": "FY2026", "data_root": tmp.name})
    >>> bool(notes), notes.path.relative_to(tmp.name).as_posix()
    (False, 'acme/commentary/FY2026.md')
    >>> tmp.cleanup()
    """
    from .commentary import Commentary, load_commentary

    if meta.get("commentary") is not None:
        return meta["commentary"]
    if not meta.get("client_id") or not meta.get("period") or meta.get("period") == "-":
        return Commentary()
    return load_commentary(meta["client_id"], meta["period"], data_root_of(meta))


def report_date(meta: dict[str, Any]) -> str:
    """The date a report is dated (the run's end, else today), ``YYYY-MM-DD``.

    Shown on the cover of every format; taking the run's end means a report made again
    later (``threec publish``) keeps the date of its figures.

    Parameters
    ----------
    meta : dict
        The report's meta; reads ``provenance["finished"]``.

    Returns
    -------
    str

    Examples
    --------
    >>> report_date({"provenance": {"finished": "2026-11-30T10:01:00"}})
    '2026-11-30'
    """
    finished = str((meta.get("provenance") or {}).get("finished") or "")
    return finished[:10] if re.match(r"\d{4}-\d{2}-\d{2}", finished) else dt.date.today().isoformat()


def cover_html(meta: dict[str, Any], brand: dict[str, Any], *, failed: bool = False) -> str:
    """The cover (and any failure or warning banner) of a report.

    Firm and logo, title, client, period, who prepared it, the date and the
    confidentiality line (``templates/report_header.html.j2``); then a red banner for a
    failed notebook (``meta["failure"]``), a note for a report that assessed nothing
    (``meta["not_assessed"]``) and a yellow banner per warning (``meta["warnings"]``).
    On screen it heads the page; in the PDF it is a page of its own.

    Parameters
    ----------
    meta : dict
        The report's meta: ``title``, ``client_id``, ``period`` and ``lang`` are required.
    brand : dict
        The branding's template context (:meth:`threec_helpers.batch.branding.Branding.context`).
    failed : bool, default False
        Whether the notebook failed (shows the failure banner).

    Returns
    -------
    str
        HTML.

    Examples
    --------
    >>> meta = {"title": "Customer value", "client_id": "acme", "client_name": "Acme", "period": "FY2026",
    ...         "lang": "en", "failure": "Cell 4 stopped: no customers file."}
    >>> html = cover_html(meta, {"firm": "Acme Consulting", "confidentiality": "Confidential"}, failed=True)
    >>> "<h1>Customer value</h1>" in html, 'role="alert"' in html, "no customers file" in html
    (True, True, True)
    """
    return render("report_header.html.j2", meta["lang"], title=meta["title"], client_name=meta.get("client_name", ""),
                  client_id=meta["client_id"], period=meta["period"], masked=meta.get("masked", False),
                  failed=failed, failure=meta.get("failure", ""), warnings=meta.get("warnings", []),
                  not_assessed=meta.get("not_assessed", ""), brand=brand, date=report_date(meta))


def report_context(meta: dict[str, Any], data_line: str = "") -> dict[str, Any]:
    """Cover, provenance appendix and stylesheets of a report from its ``meta`` (title, client,
    period, lang, provenance, ...); ``data_line``: the notebook's own line of period, version
    and input-data fingerprint, shown in the appendix.

    The nbconvert template of the HTML report (``templates/nbconvert/threec_report``) gets
    these as ``resources["threec"]``: the page's ``lang``, the inline stylesheets, the cover
    and the provenance appendix (empty without a provenance).

    Parameters
    ----------
    meta : dict
        The report's meta (see :func:`publish_notebook`).
    data_line : str, optional
        The notebook's line of period, version and data fingerprint (HTML allowed; shown as text).

    Returns
    -------
    dict
        ``title``, ``html_lang``, ``version``, ``css``, ``brand_css``, ``header_html``,
        ``footer_html`` and ``brand``.

    Examples
    --------
    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> meta = {"title": "Customer value", "client_id": "acme", "period": "FY2026", "lang": "zh",
    ...         "data_root": tmp.name}
    >>> context = report_context(meta)
    >>> context["html_lang"], context["footer_html"], "<h1>Customer value</h1>" in context["header_html"]
    ('zh-CN', '', True)
    >>> tmp.cleanup()
    """
    lang = meta["lang"]
    brand = branding_for(meta).context(lang)
    header = cover_html(meta, brand, failed=meta.get("failed", False))
    footer = (provenance_html(meta["provenance"], lang, data_line, meta.get("client_name") or "")
              if meta.get("provenance") else "")
    return {"title": meta["title"], "html_lang": html_lang(lang), "version": __version__,
            "css": asset("report.css"), "brand_css": brand["brand_css"], "header_html": header,
            "footer_html": footer, "brand": brand}


def provenance_html(prov: dict[str, Any], lang: str, data_line: str = "", client_name: str = "") -> str:
    """The provenance appendix (:mod:`threec_helpers.batch.provenance`) as HTML.

    What a reader needs to trust the figures: client, period, the notebook (title and
    fingerprint), the software version, the run parameters in words, when it ran and each
    input file by name with its SHA-256. Paths and ids stay in the provenance file.

    Parameters
    ----------
    prov : dict
        The run's provenance record (``client_id``, ``period``, ``notebook``,
        ``notebook_sha256``, ``threec_version``, ``git_commit``, ``run_id``, ``started``,
        ``finished``, ``duration_s``, ``parameters``, ``inputs``).
    lang : {"zh", "en"}
        Language of the labels.
    data_line : str, optional
        The notebook's own line of period, version and data fingerprint.
    client_name : str, optional
        Shown instead of the client id.

    Returns
    -------
    str
        HTML (a ``<footer class="provenance appendix">``).

    Examples
    --------
    >>> prov = {"client_id": "acme", "period": "FY2026", "notebook": "02_analysis",
    ...         "notebook_sha256": "0123456789abcdef99", "threec_version": "1.0", "git_commit": "abc1234",
    ...         "run_id": "r1", "started": "2026-11-30T10:00", "finished": "2026-11-30T10:01",
    ...         "duration_s": 60, "parameters": {"period": "FY2026", "lang": "en"},
    ...         "inputs": {"customers": {"file": "data/clients/acme/customers.csv", "sha256": "ab12"}}}
    >>> html = provenance_html(prov, "en", client_name="Acme")
    >>> "3C phase 2: Analysis" in html, "<code>customers.csv</code>" in html, "data/clients" in html
    (True, True, False)
    """
    from .layout import plain

    return render("provenance.html.j2", lang, p=prov, duration=f"{fmt_num(prov.get('duration_s', 0), 1)} s",
                  data_line=plain(data_line), client_name=client_name, notebook_title=notebook_name(prov.get("notebook", ""), lang),
                  parameters=parameters_in_words(prov.get("parameters") or {}, lang),
                  table_name=lambda name: table_display_name(name, lang, default=str(name)), file_name=file_name)


def notebook_name(notebook: str, lang: str) -> str:
    """A notebook's title in words (``notebook.title.<name>``), else its name.

    Used where a report or index names a notebook to a reader (provenance appendix,
    batch index), so they never see a file name like ``02_analysis``.

    Parameters
    ----------
    notebook : str
        The notebook's name (its file name without ``.ipynb``).
    lang : {"zh", "en"}
        Language of the title.

    Returns
    -------
    str

    Examples
    --------
    >>> notebook_name("02_analysis", "en"), notebook_name("02_analysis", "zh"), notebook_name("my_own", "en")
    ('3C phase 2: Analysis', '3C 第二阶段：分析', 'my_own')
    """
    key = f"notebook.title.{notebook}"
    return t(key, lang) if has_key(key) else str(notebook)


def file_name(path: Any) -> str:
    """The file name of a path, without its folders.

    The provenance appendix and the XLSX name each input by its file only: the folders of
    a consultant's machine mean nothing to a client.

    Parameters
    ----------
    path : str or Path
        Any path (other objects are turned into text first).

    Returns
    -------
    str

    Examples
    --------
    >>> file_name("data/clients/acme/customers.csv")
    'customers.csv'
    """
    return Path(str(path)).name


#: run parameters shown in the provenance appendix, by their label (the rest are paths and ids)
_PARAMETERS = {"period": "batch.label.period", "comparison_period": "batch.prov.comparison_period",
               "previous_period": "batch.prov.previous_period", "lang": "batch.prov.language",
               "mask": "batch.prov.mask"}


def parameters_in_words(parameters: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """The notebook's run parameters a reader needs, labelled in words (period, comparison
    period, language, masking); identifiers and paths stay in the provenance file.

    Parameters
    ----------
    parameters : dict
        The notebook's run parameters (from the provenance).
    lang : {"zh", "en"}
        Language of the labels and values.

    Returns
    -------
    list of (str, str)
        Label and value, in a fixed order; empty parameters are left out.

    Examples
    --------
    >>> parameters_in_words({"period": "FY2026", "lang": "zh", "mask": True, "client_id": "acme"}, "en")
    [('Period', 'FY2026'), ('language', 'Chinese'), ('masked', 'yes')]
    """
    out = []
    for key, label in _PARAMETERS.items():
        if key in parameters and parameters[key] not in ("", None):
            v = parameters[key]
            if key == "lang" and has_key(f"batch.prov.lang.{v}"):
                v = t(f"batch.prov.lang.{v}", lang)
            out.append((t(label, lang), format_cell(v, lang) if isinstance(v, bool) else str(v)))
    return out


def provenance_in_words(prov: dict[str, Any], lang: str, client_name: str = "") -> tuple[
        list[tuple[str, str]], list[tuple[str, str, str]]]:
    """The provenance appendix's fields as a person reads them (the wording of
    ``templates/provenance.html.j2``): labelled fields (client, period, notebook, software,
    parameters, run) and the inputs (table in words, file name, SHA-256). Keys, job ids,
    paths and the kernel stay in the provenance file.

    The XLSX workbook's provenance sheet is written from these, so it reads like the
    report's appendix (:func:`provenance_html`).

    Parameters
    ----------
    prov : dict
        The run's provenance record.
    lang : {"zh", "en"}
        Language of the labels.
    client_name : str, optional
        Shown instead of the client id.

    Returns
    -------
    fields : list of (str, str)
        Label and value; empty fields are left out.
    inputs : list of (str, str, str)
        Each input's table in words, file name and SHA-256, by table name.

    Examples
    --------
    >>> fields, inputs = provenance_in_words({"client_id": "acme", "period": "FY2025", "notebook": "x",
    ...     "parameters": {"lang": "en"}, "inputs": {"customers": {"file": "d/c.csv", "sha256": "ab"}}}, "en")
    >>> fields[0], fields[1], inputs
    (('Client', 'acme'), ('Period', 'FY2025'), [('customers', 'c.csv', 'ab')])
    """
    notebook = notebook_name(str(prov.get("notebook", "")), lang)
    sha = str(prov.get("notebook_sha256") or "")[:16]
    run = " · ".join(str(x) for x in (prov.get("run_id"), prov.get("started")) if x)
    if prov.get("finished"):
        run += f" → {prov['finished']}"
    if prov.get("duration_s") is not None:
        run += f" ({fmt_num(prov.get('duration_s', 0), 1)} s)"
    version = " · ".join(x for x in (f"threec {prov['threec_version']}" if prov.get("threec_version") else "",
                                     str(prov.get("git_commit") or "")) if x)
    fields = [(t("batch.label.client", lang), str(client_name or prov.get("client_id", ""))),
              (t("batch.label.period", lang), str(prov.get("period", ""))),
              (t("batch.prov.notebook", lang), f"{notebook} · {sha}" if sha else notebook),
              (t("batch.prov.version", lang), version),
              (t("batch.prov.parameters", lang),
               "; ".join(f"{k}: {v}" for k, v in parameters_in_words(prov.get("parameters") or {}, lang))),
              (t("batch.prov.run", lang), run.strip())]
    inputs = [(table_display_name(name, lang, default=str(name)), file_name(src.get("file", "")),
               str(src.get("sha256", "")))
              for name, src in sorted((prov.get("inputs") or {}).items()) if isinstance(src, dict)]
    return [(k, v) for k, v in fields if v], inputs


def export_html(nb, meta: dict[str, Any]) -> str:
    """The self-contained HTML report of a cleaned notebook: a cover, contents when it has
    three sections or more, the body (its own title block replaced by the cover) and the
    provenance appendix (:mod:`threec_helpers.batch.layout`).

    This is the ``<nb>.html`` a panel opens offline (no script, no CDN, images embedded,
    one inline stylesheet), and the HTML that :func:`html_to_pdf` prints. Tables are marked
    for the print layout.

    Parameters
    ----------
    nb : NotebookNode
        A notebook cleaned by :func:`clean_notebook` (and with any commentary applied).
    meta : dict
        The report's meta (see :func:`publish_notebook`).

    Returns
    -------
    str
        The whole HTML page.

    Examples
    --------
    >>> import re, tempfile
    >>> import nbformat
    >>> tmp = tempfile.TemporaryDirectory()
    >>> cell = nbformat.v4.new_markdown_cell("# Customer value\\n\\n## Revenue\\n\\nUp 3%.")
    >>> nb = nbformat.v4.new_notebook(cells=[cell])
    >>> meta = {"title": "Customer value", "client_id": "acme", "period": "FY2026", "lang": "en", "data_root": tmp.name}
    >>> html = export_html(nb, meta)
    >>> '<html lang="en">' in html, '<h2 id="sec-1">Revenue</h2>' in html, re.search(r"<script|https?://", html)
    (True, True, None)
    >>> tmp.cleanup()
    """
    from .layout import add_contents, mark_tables, split_title

    nb, _, data_line = split_title(nb)
    body, _ = _exporter("report").from_notebook_node(nb, resources={"threec": report_context(meta, data_line)})
    head, sep, rest = body.partition("<!--threec-contents-->")
    if not sep:
        return body
    rest, contents = add_contents(rest, meta["lang"])
    return head + contents + mark_tables(rest)


def export_slides(nb, meta: dict[str, Any], results: dict[str, Any] | None = None) -> str:
    """A self-contained reveal.js deck of a cleaned notebook (reveal.js inlined).

    A title slide (client, period, firm), one slide per section, figure or table (long
    tables continued "(续)"/"(cont.)"), a conclusion slide from the results file's headline
    figures and conclusion, and a short source slide; laid out by
    :func:`threec_helpers.batch.layout.paginate` so that no slide scrolls.

    This is the ``<nb>.slides.html`` of a panel: one file that opens offline, reveal.js and
    its stylesheets written into it.

    Parameters
    ----------
    nb : NotebookNode
        A notebook cleaned by :func:`clean_notebook` (and with any commentary applied).
    meta : dict
        The report's meta (see :func:`publish_notebook`).
    results : dict, optional
        The notebook's results payload: its ``headline`` figures and ``conclusion`` make the
        conclusion slide.

    Returns
    -------
    str
        The whole HTML page of the deck.

    Examples
    --------
    >>> import re, tempfile
    >>> import nbformat
    >>> tmp = tempfile.TemporaryDirectory()
    >>> cell = nbformat.v4.new_markdown_cell("# Customer value\\n\\n## Revenue\\n\\nUp 3%.")
    >>> nb = nbformat.v4.new_notebook(cells=[cell])
    >>> meta = {"title": "Customer value", "client_id": "acme", "period": "FY2026", "lang": "en", "data_root": tmp.name}
    >>> deck = export_slides(nb, meta, {"conclusion": "Keep the top tier."})
    >>> "Reveal.initialize" in deck, "Keep the top tier." in deck, re.search(r'(src|href)="https?:', deck)
    (True, True, None)
    >>> tmp.cleanup()
    """
    from .layout import deck_context, notebook_blocks, paginate, split_title

    lang = meta["lang"]
    brand = branding_for(meta).context(lang)
    nb, _, _ = split_title(nb)
    blocks = notebook_blocks(nb)
    results = results or {}
    conclusion = str(results.get("conclusion") or "")
    if conclusion:  # the notebook's own conclusion section becomes the conclusion slide
        blocks = _drop_section(blocks, conclusion)
    slides = paginate(blocks, lang)
    if not slides and not conclusion:
        from .layout import Block, Slide

        slides = [Slide(meta["title"], [Block("text", f"<p>{_escape(t('batch.report.empty', lang))}</p>")])]
    cards = [{"label": h.get("label") or h.get("key", ""), "text": h.get("text", ""),
              "status": h.get("status", "neutral")} for h in (results.get("headline") or [])][:6]
    return render("slides.html.j2", lang, title=meta["title"], client_name=meta.get("client_name", ""),
                  not_assessed=meta.get("not_assessed", ""),
                  client_id=meta["client_id"], period=meta["period"], masked=meta.get("masked", False),
                  html_lang=html_lang(lang), brand=brand, date=report_date(meta), slides=deck_context(slides),
                  cards=cards, conclusion=conclusion, p=meta.get("provenance"), css=asset("report.css"),
                  reveal_css=asset("revealjs/reveal.css"), theme_css=asset("revealjs/white.css"),
                  reveal_js=asset("revealjs/reveal.js"))


def _drop_section(blocks: list, conclusion: str) -> list:
    """The blocks without the section whose text is the results file's conclusion."""
    from .layout import plain

    target = plain(conclusion)[:40]
    out, i = [], 0
    starts = [j for j, b in enumerate(blocks) if b.kind == "heading" and b.level <= 2]
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(blocks)
        if any(b.kind == "text" and target and target in b.text for b in blocks[start:end]):
            return blocks[:start] + blocks[end:]
    return blocks


def _safe_fetcher(allowed_dirs: tuple[Path, ...]):
    """A WeasyPrint URL fetcher that reads data: URLs and the font files only (no network)."""
    from urllib.parse import unquote, urlparse

    allowed = tuple(str(d.resolve()) for d in allowed_dirs)

    def check(url: str) -> None:
        if url.startswith("data:"):
            return
        if url.startswith("file://") and str(Path(unquote(urlparse(url).path)).resolve()).startswith(allowed):
            return
        raise ValueError(f"refused to fetch {url[:80]} while making a PDF (reports must be self-contained)")

    try:  # WeasyPrint >= 66: a fetcher class
        from weasyprint.urls import URLFetcher

        class _SafeFetcher(URLFetcher):
            def fetch(self, url, headers=None):
                check(url)
                return super().fetch(url, headers)

        return _SafeFetcher(allowed_protocols=("data", "file"))
    except ImportError:  # older WeasyPrint: a function
        from weasyprint.urls import default_url_fetcher

        def fetch(url: str, *args, **kwargs):
            check(url)
            return default_url_fetcher(url, *args, **kwargs)

        return fetch


def html_to_pdf(html: str) -> bytes:
    """Render report HTML to PDF bytes with WeasyPrint and the embedded CJK font.

    The PDF's creation date is left out, so the same HTML gives the same PDF content.

    The page layout comes from ``templates/print.css`` (A4, cover page, contents with page
    numbers, running footer "client, page n / N", headings kept with what follows); the
    CJK font is embedded, subset to the characters of the page
    (:func:`threec_helpers.batch.fonts.font_face_css`), so the PDF reads the same on any
    machine. WeasyPrint may read ``data:`` URLs and the font files only: a report that
    points anywhere else (the network, other files) gets that resource refused.

    Parameters
    ----------
    html : str
        A report page, as :func:`export_html` writes it.

    Returns
    -------
    bytes
        The PDF.

    Examples
    --------
    Rendering takes WeasyPrint seconds (``tests/unit/batch`` checks real PDFs); the print
    stylesheet it lays the pages out with is cheap to look at:

    >>> css = asset("print.css")
    >>> "size: A4" in css, 'counter(page) " / " counter(pages)' in css
    (True, True)
    """
    import logging

    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from . import fonts

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    text = re.sub(r"<[^>]+>", "", html)
    font_config = FontConfiguration()
    # !important: the report's own stylesheet names system CJK fonts for browsers; a PDF must use ours
    # (embedded, and quick to subset) even where a system copy of Noto Sans CJK is installed
    css = fonts.font_face_css(text) + f"* {{ font-family: {fonts.font_stack()} !important; }}\n" \
        + asset("print.css")
    stylesheet = weasyprint.CSS(string=css, font_config=font_config)
    fetcher = _safe_fetcher((fonts.pdf_font().parent, fonts.source_font().parent))
    document = weasyprint.HTML(string=html, url_fetcher=fetcher, base_url=None)
    return document.write_pdf(stylesheets=[stylesheet], font_config=font_config, uncompressed_pdf=False)


# --------------------------------------------------------------------------- XLSX


#: one rule for formula injection, shared with every other workbook the package writes
neutralise = neutralise_formula


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\']", "_", str(name))[:31] or "Sheet"
    candidate, i = base, 2
    while candidate.lower() in used:
        suffix = f"~{i}"
        candidate, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(candidate.lower())
    return candidate


#: Excel number formats of the report formats (:data:`threec_helpers.report.tables.TABLE_FORMATS`)
XLSX_FORMATS = {"int": "#,##0", "num": "#,##0.0", "num2": "#,##0.00", "pct": "0.00%", "pct1": "0.0%",
                "pct0": "0%", "float": "#,##0.00", "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm"}
#: currency symbols of the money format, as :func:`threec_helpers.i18n.fmt_money` writes them
CURRENCY_SYMBOLS = {"CNY": "¥", "RMB": "¥", "USD": "$", "EUR": "€", "HKD": "HK$", "TWD": "NT$"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER_TEXT = re.compile(r"^-?\d{1,3}(?:,\d{3})*(?:\.\d+)?$|^-?\d+(?:\.\d+)?$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")


def money_format(currency: str | None) -> str:
    """The Excel number format of an amount in ``currency`` (thousands separators, no decimals).

    Parameters
    ----------
    currency : str or None
        ISO code; known codes get their symbol (:data:`CURRENCY_SYMBOLS`), others the code itself.

    Returns
    -------
    str

    Examples
    --------
    >>> money_format("CNY"), money_format("GBP"), money_format(None)
    ('"¥"#,##0', '"GBP "#,##0', '#,##0')
    """
    if not currency:
        return "#,##0"
    symbol = CURRENCY_SYMBOLS.get(currency.upper(), currency.upper() + " ")
    return '"' + symbol.replace('"', "") + '"#,##0'


def clean_float(value: float) -> float:
    """A float without binary noise (12 significant digits): 5816459.500000002 -> 5816459.5.

    Parameters
    ----------
    value : float

    Returns
    -------
    float

    Examples
    --------
    >>> clean_float(5816459.500000002), clean_float(0.1 + 0.2)
    (5816459.5, 0.3)
    """
    return float(f"{value:.12g}")


def column_kind(column: str, values: list[Any], declared: dict[str, str] | None = None) -> str | None:
    """How a column's numbers are shown: the report's own format for it (``declared``, as the
    results file recorded it), else the phase reports' format of that column name
    (:data:`~threec_helpers.report.tables.TABLE_FORMATS`), else a percentage for the ratio
    columns (:data:`PERCENT_COLUMNS`), else by its values (whole numbers ``int``, others ``float``).

    Parameters
    ----------
    column : str
        The column's name.
    values : list
        The column's values.
    declared : dict of str to str, optional
        The report's formats of the table's columns, by column name.

    Returns
    -------
    str or None
        A key of :data:`XLSX_FORMATS` or ``"money"``; None for a column without numbers.

    Examples
    --------
    >>> column_kind("revenue", [1.5]), column_kind("attainment", [0.5]), column_kind("orders", [1, 2])
    ('money', 'pct1', 'int')
    >>> column_kind("visits", [1.5]), column_kind("name", ["A"]), column_kind("orders", [1], {"orders": "num"})
    ('float', None, 'num')
    """
    from ..report.tables import TABLE_FORMATS

    if declared and declared.get(column):
        return declared[column]
    if column in TABLE_FORMATS:
        return TABLE_FORMATS[column]
    if column in PERCENT_COLUMNS:
        return "pct1"
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool) and v == v]
    if not numbers:
        return None
    return "int" if all(float(v).is_integer() for v in numbers) else "float"


_SHOWN_NUMBER = re.compile(r"^(?P<sign>-?)(?P<pre>[^\d\-.,]*?)(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<dec>\.\d+)?"
                           r"(?P<pct>%?)(?P<suf>[^\d%]*)$")


def headline_format(value: Any, text: str, currency: str | None = None) -> str | None:
    """The Excel number format that shows a key figure's ``value`` as its ``text`` reads, or None
    when the text is not that number (words, "8/8").

    Parameters
    ----------
    value : object
        The key figure's value (:func:`threec_helpers.report.results.headline`).
    text : str
        How the report showed it.
    currency : str, optional
        The client's currency: a money text gets :func:`money_format` of it.

    Returns
    -------
    str or None

    Examples
    --------
    >>> headline_format(-4.99108, "-5.0"), headline_format(0.2685, "26.85%"), headline_format(87332251.51, "¥87,332,252", "CNY")
    ('0.0', '0.00%', '"¥"#,##0')
    >>> headline_format(81.3, "81.3分"), headline_format(8, "8/8"), headline_format("ready", "有条件具备认证条件")
    ('0.0"分"', None, None)
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    m = _SHOWN_NUMBER.match(text.strip())
    if not m:
        return None
    decimals = len(m["dec"]) - 1 if m["dec"] else 0
    shown = float(m["int"].replace(",", "") + (m["dec"] or "")) * (-1 if m["sign"] else 1)
    scaled = value * 100 if m["pct"] else value
    if abs(round(scaled, decimals) - shown) > 10 ** -decimals / 2 + 1e-9:
        return None  # the text says something else than the value (a count out of a total...)
    pre, suf = m["pre"].strip(), m["suf"]
    body = ("#,##0" if "," in m["int"] else "0") + ("." + "0" * decimals if decimals else "") + m["pct"]
    if pre and currency and CURRENCY_SYMBOLS.get(currency.upper()) == pre and not suf and not decimals:
        return money_format(currency)
    return "".join(['"' + pre.replace('"', "") + '"' if pre else "", body, '"' + suf.replace('"', "") + '"' if suf else ""])


class _Words(str):
    """A cell's text as the report showed it (a view's words, written as text)."""


def xlsx_bytes(results: dict[str, Any], lang: str, provenance: dict[str, Any] | None = None,
               currency: str | None = None) -> bytes:
    """The XLSX workbook of a notebook's results file (summary, key tables, provenance), for a client.

    Sheets are named by the tables' titles in the report's language (``result_table.*``,
    at most 31 characters, unique), headers are those the report showed (else ``col.*``);
    numbers keep their value with a number format (percent, money in the client's currency,
    thousands separators: the report's formats where the results file records them), ISO
    dates are dates, booleans are 是/否 or yes/no, columns are as wide as their text (CJK
    characters count two), and text that a spreadsheet would run as a formula is neutralised.

    Parameters
    ----------
    results : dict
        A results payload (:mod:`threec_helpers.results`).
    lang : {"zh", "en"}
    provenance : dict, optional
    currency : str, optional
        ISO code of the money columns (default: the results file's ``currency``).

    Returns
    -------
    bytes
        The workbook; the same input gives the same bytes (fixed document dates).

    Examples
    --------
    >>> import io
    >>> import openpyxl
    >>> results = {"title": "Customer value", "client_id": "acme", "period": "FY2026",
    ...            "tables": {"customers": [{"customer": "=HYPERLINK(1)", "revenue": 1200.5}]}}
    >>> data = xlsx_bytes(results, "en", currency="CNY")
    >>> data == xlsx_bytes(results, "en", currency="CNY")
    True
    >>> wb = openpyxl.load_workbook(io.BytesIO(data))
    >>> wb.sheetnames
    ['Summary', 'customers']
    >>> [(c.value, c.number_format) for c in wb["customers"][2]]
    [("'=HYPERLINK(1)", 'General'), (1200.5, '"¥"#,##0')]
    """
    import xlsxwriter

    from ..report.tables import table_title

    currency = currency or results.get("currency")
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                   "strings_to_numbers": False})
    wb.set_properties({"title": str(results.get("title", "")), "created": dt.datetime(2000, 1, 1),
                       "author": "threec", "comments": "generated by threec"})
    bold = wb.add_format({"bold": True, "bg_color": "#F6F8FA", "border": 1, "text_wrap": True, "valign": "top"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    formats: dict[str, Any] = {}

    def number_format(kind: str | None):
        if kind is None:
            return None
        spec = money_format(currency) if kind == "money" else XLSX_FORMATS.get(kind, XLSX_FORMATS["float"])
        if spec not in formats:
            formats[spec] = wb.add_format({"num_format": spec})
        return formats[spec]

    def shown_width(value: Any, kind: str | None) -> int:
        if isinstance(value, bool):
            return text_width(t("common.yes" if value else "common.no", lang))
        if isinstance(value, (int, float)):
            if kind in ("pct", "pct1", "pct0"):
                return len(fmt_pct(value, 2)) + 1
            if kind == "money":
                return len(f"{value:,.0f}") + 4
            return len(f"{value:,.2f}") + 1
        return text_width(value)

    used: set[str] = set()

    def cell(v: Any, text: str | None) -> Any:
        """What a cell holds: numbers and dates their value, other values the report's words."""
        if text is None or isinstance(v, (int, float)) and not isinstance(v, bool):
            return v
        if isinstance(v, str) and (_ISO_DATE.match(v) or _ISO_DATETIME.match(v)):
            return v
        if v is None and text == "–":
            return None
        if v is None and _NUMBER_TEXT.match(text):  # a total row the report added: its number
            number = float(text.replace(",", ""))
            return int(number) if number.is_integer() else number
        return _Words(text)

    def write_table(ws, rows: list[dict[str, Any]], start: int = 0, headers: dict[str, str] | None = None,
                    declared: dict[str, str] | None = None, view: dict[str, Any] | None = None) -> None:
        columns: list[str] = []
        texts: list[list[str]] = []
        if view:  # as the report showed it: its columns, its words (numbers and dates keep their value)
            columns = [str(c) for c in view["columns"]]
            headers = {**(headers or {}), **(view.get("headers") or {})}
            texts = [list(r) for r in view.get("rows") or []]
        else:
            for r in rows:
                for k in r:
                    if k not in columns:
                        columns.append(k)
        kinds = {c: column_kind(c, [r.get(c) for r in rows], declared) for c in columns}
        grid = []
        for i in range(max(len(rows), len(texts))):
            raw = rows[i] if i < len(rows) else {}
            words = texts[i] if i < len(texts) else None
            grid.append([cell(raw.get(c), words[j] if words is not None and j < len(words) else None)
                         for j, c in enumerate(columns)])
        for j, col in enumerate(columns):
            label = table_header(col, lang, headers)
            ws.write_string(start, j, neutralise(label), bold)
            widest = max([min(text_width(label), 30)] + [shown_width(g[j], kinds[col]) for g in grid[:500]
                                                          if g[j] is not None])
            ws.set_column(j, j, min(max(8, widest + 2), 60), wrap if widest > 58 else None)
        for i, g in enumerate(grid, start=start + 1):
            for j, col in enumerate(columns):
                v = g[j]
                if v is None:
                    continue
                if isinstance(v, _Words):
                    ws.write_string(i, j, neutralise(str(v)))
                elif isinstance(v, bool):
                    ws.write_string(i, j, t("common.yes" if v else "common.no", lang))
                elif isinstance(v, (int, float)):
                    if v == v and v not in (float("inf"), float("-inf")):
                        value = clean_float(v) if isinstance(v, float) else v
                        ws.write_number(i, j, value, number_format(kinds[col]))
                elif isinstance(v, str) and (_ISO_DATE.match(v) or _ISO_DATETIME.match(v)):
                    try:
                        when = dt.datetime.fromisoformat(v)
                    except ValueError:
                        ws.write_string(i, j, neutralise(v))
                        continue
                    ws.write_datetime(i, j, when, number_format("date" if len(v) == 10 else "datetime"))
                elif isinstance(v, (dict, list)):
                    ws.write_string(i, j, neutralise(json_text(v)))
                else:
                    ws.write_string(i, j, neutralise(str(v)))
        if grid:
            ws.autofilter(start, 0, start + len(grid), max(len(columns) - 1, 0))
            ws.freeze_panes(start + 1, 0)

    summary = wb.add_worksheet(_sheet_name(t("batch.xlsx.summary", lang), used))
    rows = [(t("batch.label.report", lang), results.get("title", results.get("notebook", ""))),
            (t("batch.label.client", lang), results.get("client_name") or results.get("client_id", "")),
            (t("batch.label.period", lang), results.get("period", ""))]
    summary.set_column(0, 0, max(12, max(text_width(k) for k, _ in rows) + 2))
    for i, (k, v) in enumerate(rows):
        summary.write_string(i, 0, neutralise(str(k)), bold)
        summary.write_string(i, 1, neutralise(str(v)))
    headline = [{"label": h.get("label", h.get("key", "")), "text": h.get("text", ""),
                 "status": t(f"batch.status.{h.get('status')}", lang)
                 if has_key(f"batch.status.{h.get('status')}") else str(h.get("status") or "")}
                for h in results.get("headline", []) or []]
    if headline:
        write_table(summary, headline, start=len(rows) + 1)
        # a key figure is its number, shown as the report wrote it ("-5.0", "¥87,332,252", "26.85%"),
        # not that text: a text starting with "-" would show the apostrophe that neutralises it
        for i, h in enumerate(results.get("headline", []) or [], start=len(rows) + 2):
            spec = headline_format(h.get("value"), str(h.get("text", "")), currency)
            if spec is not None:
                if spec not in formats:
                    formats[spec] = wb.add_format({"num_format": spec})
                summary.write_number(i, 1, clean_float(float(h["value"])), formats[spec])
    if results.get("conclusion"):
        r = len(rows) + len(headline) + 3
        summary.write_string(r, 0, neutralise(t("batch.label.conclusion", lang)), bold)
        summary.write_string(r, 1, neutralise(str(results["conclusion"])), wrap)
    for name, table in (results.get("tables") or {}).items():
        if isinstance(table, list) and table and all(isinstance(r, dict) for r in table):
            ws = wb.add_worksheet(_sheet_name(table_title(name, lang), used))
            view = (results.get("views") or {}).get(name)
            write_table(ws, table, headers=(results.get("columns") or {}).get(name),
                        declared=(results.get("formats") or {}).get(name),
                        view=view if isinstance(view, dict) and view.get("columns") else None)
    if provenance:  # in words, as the report's provenance appendix
        ws = wb.add_worksheet(_sheet_name(t("batch.prov.title", lang), used))
        fields, inputs = provenance_in_words(provenance, lang, str(results.get("client_name") or ""))
        ws.set_column(0, 0, max([12] + [text_width(k) + 2 for k, _ in fields] + [text_width(n) + 2 for n, _, _ in inputs]))
        ws.set_column(1, 1, min(60, max([24] + [text_width(v) + 2 for _, v in fields] + [text_width(f) + 2 for _, f, _ in inputs])))
        ws.set_column(2, 2, 66)
        for i, (k, v) in enumerate(fields):
            ws.write_string(i, 0, neutralise(k), bold)
            ws.write_string(i, 1, neutralise(v))
        if inputs:
            r = len(fields) + 1
            for j, head in enumerate((t("batch.prov.input", lang), t("batch.prov.file", lang), "SHA-256")):
                ws.write_string(r, j, head, bold)
            for i, row in enumerate(inputs, start=r + 1):
                for j, v in enumerate(row):
                    ws.write_string(i, j, neutralise(v))
    wb.close()
    return buf.getvalue()


def json_text(value: Any) -> str:
    """A list or mapping as readable text (``a: 1; b: 2``).

    A workbook cell shows a nested value of a results table this way, not as Python or JSON.

    Parameters
    ----------
    value : object
        A mapping, list or tuple (nested as deep as it goes), or any other value.

    Returns
    -------
    str

    Examples
    --------
    >>> json_text({"target": 0.9, "tiers": ["A", "B"]})
    'target: 0.9; tiers: A, B'
    """
    if isinstance(value, dict):
        return "; ".join(f"{k}: {json_text(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(json_text(v) for v in value)
    return str(value)


# --------------------------------------------------------------------------- one notebook


def publish_notebook(executed_path: Path, out_base: Path, meta: dict[str, Any], formats: tuple[str, ...], *,
                     results: dict[str, Any] | None = None, scrub: Callable[[str], str] | None = None,
                     failed: bool = False) -> dict[str, str]:
    """Write the panel files of one executed notebook.

    Parameters
    ----------
    executed_path : Path
        The executed ``.ipynb``.
    out_base : Path
        ``<folder>/<notebook>``; suffixes are added (``.html``, ``.pdf``, ``.slides.html``, ``.xlsx``, ``.docx``).
    meta : dict
        title, client_id, client_name, period, lang, masked, provenance, failure, warnings;
        optionally notebook, data_root, branding and commentary (a
        :class:`~threec_helpers.batch.commentary.Commentary`; read from the client's
        ``commentary/<period>.md`` when not given, and put into every format).
    formats : tuple of str
        Subset of :data:`~threec_helpers.batch.plan.FORMATS`.
    results : dict, optional
        The notebook's results payload (for the XLSX).
    scrub : callable, optional
        Masking of free text.
    failed : bool
        A failed notebook gets only the HTML report (with its failure banner).

    Returns
    -------
    dict
        format -> file name written.

    Examples
    --------
    An HTML report and the client's workbook from a one-cell notebook (the PDF, Word and
    PowerPoint files are made the same way; they take seconds, so they are left out here):

    >>> import tempfile
    >>> import nbformat
    >>> tmp = tempfile.TemporaryDirectory()
    >>> folder = Path(tmp.name)
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Customer value\\n\\nUp 3%.")])
    >>> nbformat.write(nb, str(folder / "02_analysis.ipynb"))
    >>> meta = {"title": "Customer value", "client_id": "acme", "period": "FY2026", "lang": "en",
    ...         "data_root": tmp.name}
    >>> results = {"title": "Customer value", "tables": {"customers": [{"customer": "A", "revenue": 1200.5}]}}
    >>> publish_notebook(folder / "02_analysis.ipynb", folder / "02_analysis", meta, ("html", "xlsx"),
    ...                  results=results)
    {'html': '02_analysis.html', 'xlsx': '02_analysis.xlsx'}

    A failed notebook gets its HTML report only, with the failure banner:

    >>> failed = {**meta, "failure": "Cell 4 stopped: no customers file."}
    >>> publish_notebook(folder / "02_analysis.ipynb", folder / "02_analysis", failed, ("html", "xlsx"),
    ...                  results=results, failed=True)
    {'html': '02_analysis.html'}
    >>> "no customers file" in (folder / "02_analysis.html").read_text(encoding="utf-8")
    True
    >>> tmp.cleanup()
    """
    import nbformat

    nb = nbformat.read(str(executed_path), as_version=4)
    note = meta.get("failure") if failed else None
    cleaned = clean_notebook(nb, scrub=scrub, failure_note=_escape(note) if note else None)
    notes = commentary_of(meta)
    if scrub and notes:
        notes = notes.map_text(scrub)
    without_notes = cleaned  # the Word report places the notes itself (word.Document.commentary)
    if notes:
        from .commentary import apply_to_notebook

        cleaned = apply_to_notebook(cleaned, notes, meta.get("notebook") or out_base.name, meta["lang"])
    meta = {**meta, "failed": failed}
    written: dict[str, str] = {}
    html = export_html(cleaned, meta)
    if "html" in formats or failed:
        write_text_atomic(out_base.with_name(out_base.name + ".html"), html)
        written["html"] = out_base.name + ".html"
    if failed:
        return written
    if "pdf" in formats:
        write_bytes_atomic(out_base.with_name(out_base.name + ".pdf"), html_to_pdf(html))
        written["pdf"] = out_base.name + ".pdf"
    if "slides" in formats:
        write_text_atomic(out_base.with_name(out_base.name + ".slides.html"), export_slides(cleaned, meta, results))
        written["slides"] = out_base.name + ".slides.html"
    if "xlsx" in formats and results:
        write_bytes_atomic(out_base.with_name(out_base.name + ".xlsx"),
                           xlsx_bytes(results, meta["lang"], meta.get("provenance"), meta.get("currency")))
        written["xlsx"] = out_base.name + ".xlsx"
    if "docx" in formats:
        from .word import report_docx

        write_bytes_atomic(out_base.with_name(out_base.name + ".docx"),
                           report_docx(without_notes, meta, results, commentary=notes,
                                       brand=branding_for(meta).context(meta["lang"]), date=report_date(meta)))
        written["docx"] = out_base.name + ".docx"
    return written


def _escape(text: str) -> str:
    import html as _html

    return _html.escape(str(text))


# --------------------------------------------------------------------------- batch index


def _job_record(job, result: dict[str, Any] | None, lang: str, run_id: str) -> dict[str, Any]:
    from ..report.results import not_assessed_text
    from .plan import error_text

    result = result or {"status": "not_run", "outputs": {}}
    missing = result.get("not_assessed") if result.get("status") == "not_assessed" else None
    folder = f"{job.client_id}/{job.period}/" if job.period != "-" else ""
    return {
        "id": job.id, "client_id": job.client_id, "client_name": job.client_name, "period": job.period,
        "notebook": job.notebook, "title": job.title or job.notebook, "engagement": job.engagement,
        "lang": job.lang, "order": job.order, "status": result.get("status", "not_run"),
        "error": error_text(result.get("error"), job.lang) if result.get("error") else "",
        "error_en": error_text(result.get("error"), "en") if result.get("error") else "",
        "error_kind": result.get("error_kind"), "started": result.get("started", ""),
        "finished": result.get("finished", ""), "exec_s": result.get("exec_s", 0.0),
        "publish_s": result.get("publish_s", 0.0), "kernel_s": result.get("kernel_s"),
        "startup_s": result.get("startup_s"),
        "outputs": {k: folder + v for k, v in (result.get("outputs") or {}).items()},
        "key": job.key, "run_id": result.get("run_id") or run_id, "warnings": result.get("warnings", []),
        # a report that assessed nothing: what is missing and how to supply it, in words
        "not_assessed": missing,
        "note": not_assessed_text(missing, job.lang) if missing is not None else "",
        "note_en": not_assessed_text(missing, "en") if missing is not None else "",
    }


def write_index(out_dir: Path, plan, results: dict[str, dict[str, Any]], briefings: dict[str, dict[str, Any]], *,
                run: dict[str, Any], lang: str, kept: dict[str, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    """Write ``batch-summary.json`` and ``index.html`` of a batch folder (atomically; the index last).

    While a run is going (``run["running"]``), the index says so and lists every report as
    pending, so a reader never takes a half-finished folder for a complete one. ``kept``
    holds the summary records of earlier runs that a restricted run keeps
    (:func:`threec_helpers.batch.index.kept_records`); they are listed as they were.

    ``batch-summary.json`` holds every job and briefing with its status, timings, error (in
    the run's language and in English) and outputs; ``index.html`` groups them by client
    and period, with the portfolio (:mod:`threec_helpers.batch.portfolio`, which also
    writes ``portfolio.xlsx``) at the top, in ``lang``.

    Parameters
    ----------
    out_dir : Path
        The batch's reports folder.
    plan : Plan
        The batch's plan (:func:`threec_helpers.batch.plan.plan_batch`).
    results : dict of dict
        Each finished job's result record, by job id.
    briefings : dict of dict
        Each briefing's result record, by ``<client>/<period>/briefing`` id.
    run : dict
        The run's record: ``run_id``, ``started``, ``finished``, ``running`` (and timings).
    lang : {"zh", "en"}
        Language of the index and of the errors in the summary.
    kept : dict, optional
        ``{"jobs": [...], "briefings": [...]}``: summary records kept from earlier runs.

    Returns
    -------
    dict
        The summary written.

    Examples
    --------
    A batch for a client that has no folder yet: while the run goes, its one job is pending.

    >>> import tempfile
    >>> from threec_helpers.batch.plan import plan_batch
    >>> from threec_helpers.batch.spec import parse_batch
    >>> tmp = tempfile.TemporaryDirectory()
    >>> root = Path(tmp.name)
    >>> spec = parse_batch({"name": "monthly", "clients": ["acme"], "lang": "en"}, data_root=root / "data")
    >>> plan = plan_batch(spec, root / "reports")
    >>> run = {"run_id": "r1", "started": "2026-11-30T10:00", "finished": "", "running": True}
    >>> summary = write_index(plan.out_dir, plan, {}, {}, run=run, lang="en")
    >>> summary["batch"], summary["counts"], sorted(p.name for p in plan.out_dir.iterdir())
    ('monthly', {'pending': 1}, ['batch-summary.json', 'index.html', 'portfolio.xlsx'])
    >>> tmp.cleanup()
    """
    import json

    from .plan import error_text

    jobs = [_job_record(job, results.get(job.id), lang, run["run_id"]) for job in plan.jobs]
    if run.get("running"):
        for rec, job in zip(jobs, plan.jobs):
            if job.id not in results:
                rec["status"] = "pending"
    jobs += (kept or {}).get("jobs", [])
    brief_recs = []
    for bid, b in sorted(briefings.items()):
        client, period, _ = bid.split("/")
        brief_recs.append({"id": bid, "client_id": client, "period": period, "status": b.get("status"),
                           "started": b.get("started", ""), "finished": b.get("finished", ""),
                           "exec_s": b.get("exec_s", 0.0),
                           "error": error_text(b.get("error"), lang) if b.get("error") else "",
                           "outputs": {k: f"{client}/{period}/{v}" for k, v in (b.get("outputs") or {}).items()}})
    brief_recs = sorted(brief_recs + (kept or {}).get("briefings", []), key=lambda b: b["id"])
    counts: dict[str, int] = {}
    for rec in jobs:
        counts[rec["status"]] = counts.get(rec["status"], 0) + 1
    summary = {"batch": plan.spec.name, "source": plan.spec.source, **run, "counts": counts, "jobs": jobs,
               "briefings": brief_recs}
    write_text_atomic(out_dir / "batch-summary.json", json.dumps(summary, ensure_ascii=False, indent=2))
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for rec in sorted(jobs, key=lambda r: (r["client_id"], r["period"], r["order"], r["notebook"])):
        g = groups.setdefault((rec["client_id"], rec["period"]), {"client_id": rec["client_id"],
                                                                  "client_name": rec["client_name"],
                                                                  "period": rec["period"], "jobs": [],
                                                                  "briefing": None})
        g["jobs"].append(rec)
    for b in brief_recs:
        if (b["client_id"], b["period"]) in groups:
            groups[(b["client_id"], b["period"])]["briefing"] = b
    from .portfolio import write_portfolio

    portfolio = write_portfolio(out_dir, jobs, brief_recs, lang, data_root=getattr(plan.spec, "data_root", None))
    html = render("index.html.j2", lang, batch=plan.spec.name, run=run, counts=counts, groups=list(groups.values()),
                  css=asset("report.css"), html_lang=html_lang(lang), fmt_s=lambda s: fmt_num(s or 0, 1),
                  portfolio=portfolio)
    write_text_atomic(out_dir / "index.html", html)
    return summary
