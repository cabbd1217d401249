"""What every notebook needs, so that notebooks stay thin narratives.

A notebook's first cell after ``parameters`` is::

    from threec_helpers import notebook as nb
    ctx = nb.start("02_analysis", client_id=client_id, period=period,
                   comparison_period=comparison_period, lang=lang, output_dir=output_dir,
                   data_root=data_root, mask=mask, engagements=("3c",))

:func:`start` checks the parameters (a clear :class:`~threec_helpers.errors.ParameterError`
names the parameter and the allowed values), loads and validates the client, sets the
chart style (CJK font), and silences warnings so none reach a panel report. The returned
:class:`NotebookContext` displays headings, notes, tables and figures in the report's
language and collects the key results that :meth:`NotebookContext.finish` writes for the
briefing.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import pandas as pd

from .. import __version__
from ..inputs.config import ClientConfig, Period
from ..errors import ParameterError
from ..i18n import LANGUAGES, fmt_int, fmt_num, fmt_pct, t
from ..paths import check_client_id, data_root as default_data_root, reports_root
from .results import headline, write_results
from .tables import ReportTable, column_label, header_text
from ..inputs.validation import ClientData, list_clients, load_client

log = logging.getLogger("threec.notebook")


def _check_type(name: str, value: Any, kind: type | tuple[type, ...], lang: str) -> None:
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        expected = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ParameterError(key="notebook.param_type", name=name, value=repr(value), expected=expected)


@dataclass
class NotebookContext:
    """The state of one notebook run: client, periods, language, collected results.

    Attributes
    ----------
    notebook : str
        The notebook's name.
    client : ClientData
        The validated client.
    lang : {"zh", "en"}
        The report language.
    period, previous : Period
        The reported period and the one compared with (None: no comparison).
    output_dir : Path
        Where :meth:`finish` writes the results file.
    mask : bool
        Customer names and ids are pseudonyms.
    headline, tables, extra : list and dicts
        What :meth:`finish` writes.

    See Also
    --------
    start : checks a notebook's parameters and makes one.

    Examples
    --------
    >>> import tempfile
    >>> from threec_helpers.inputs.validation import load_client
    >>> client = load_client("demo_telecom", use_cache=False)
    >>> period = client.config.period(client.config.current_period)
    >>> ctx = NotebookContext("iso9001_certification_audit", client, "en", period, None, Path(tempfile.mkdtemp()))
    >>> ctx.key_figure("documents", "QMS documents", 187, "187")
    >>> ctx.finish("187 documents.").name
    'iso9001_certification_audit.results.json'
    """

    notebook: str
    client: ClientData
    lang: str
    period: Period
    previous: Period | None
    output_dir: Path
    mask: bool = False
    headline: list[dict[str, Any]] = field(default_factory=list)
    tables: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    #: False when the notebook could assess nothing (:meth:`not_assessed`)
    assessed: bool = True
    missing: dict[str, Any] = field(default_factory=dict)

    @property
    def config(self) -> ClientConfig:
        return self.client.config

    def t(self, key: str, /, **fields: Any) -> str:
        """Translate ``key`` into the report's language."""
        return t(key, self.lang, **fields)

    # ------------------------------------------------------------------ display

    def heading(self, text: str, level: int = 2) -> None:
        """Show a Markdown heading."""
        _display_markdown("#" * level + " " + text)

    def note(self, text: str) -> None:
        """Show a paragraph of Markdown."""
        _display_markdown(text)

    def title(self) -> None:
        """Show the report title block: client, period, data and code version."""
        name = esc(self.config.display_name(self.lang))
        period = esc(self.period.id) + (f" / {esc(self.previous.id)}" if self.previous else "")
        self.heading(f"{self.t('notebook.title.' + self.notebook)} — {name}", level=1)
        self.note(self.t("notebook.subtitle", period=period, start=self.period.start.isoformat(),
                         end=self.period.end.isoformat(), version=__version__, key=self.client.cache_key))

    def table(self, frame: "pd.DataFrame | ReportTable", labels: Mapping[str, str] | None = None,
              formats: Mapping[str, str] | None = None, max_rows: int = 40) -> None:
        """Show a table with translated headers and number formats.

        Parameters
        ----------
        frame : DataFrame or ReportTable
            A :class:`~threec_helpers.report.tables.ReportTable` brings its own labels,
            formats and row limit; with a ``name`` it is also recorded for the results file,
            with the headers shown (``columns``), so every format prints the same headers.
        labels : mapping, optional
            column -> i18n key (or literal text when not a key) for the header; other
            columns are headed by their ``col.<name>`` label
            (:func:`~threec_helpers.report.tables.column_label`).
        formats : mapping, optional
            column -> ``"int"``, ``"pct"``, ``"pct1"``, ``"num"``, ``"num2"`` or ``"money"``.
        max_rows : int
            Rows shown (the rest is summarised in a note).
        """
        if isinstance(frame, ReportTable):
            table = frame
            shown = table.shown()
            headers = {c: table.header(c, self.lang) for c in shown.columns}
            _display_html(render_table(shown, self.lang, headers, table.formats, table.max_rows, self.config.currency))
            if table.name:
                recorded = table.record()
                self.tables[table.name] = recorded
                self.extra.setdefault("columns", {})[table.name] = {c: table.header(c, self.lang)
                                                                    for c in recorded.columns}
                # what the report showed, in words: the briefing shows the same columns and values
                text = format_frame(shown.head(table.max_rows), self.lang, table.formats, self.config.currency)
                self.extra.setdefault("views", {})[table.name] = {
                    "columns": [str(c) for c in text.columns], "headers": {str(c): h for c, h in headers.items()},
                    "rows": [[("–" if v is None or (isinstance(v, float) and v != v) else str(v)) for v in row]
                             for row in text.itertuples(index=False, name=None)]}
                # the columns the report showed, in order (the deck shows the same ones)
                self.extra.setdefault("shown_columns", {})[table.name] = [str(c) for c in shown.columns
                                                                          if c in recorded.columns]
                kinds = {c: table.formats[c] for c in recorded.columns if c in table.formats}
                if kinds:  # the XLSX formats the numbers as the report did
                    self.extra.setdefault("formats", {})[table.name] = kinds
            return
        _display_html(render_table(frame, self.lang, labels, formats, max_rows, self.config.currency))

    def figure(self, fig) -> None:
        """Show a matplotlib Figure as a PNG and free it.

        Rendering the PNG here (instead of relying on the kernel's inline backend) works for
        figures built without pyplot too, and keeps batch runs from accumulating figures.
        The chart's data are recorded under ``charts`` of the results file
        (:func:`threec_helpers.plots.chartdata.record`), so the PowerPoint deck can redraw it
        as a native chart.
        """
        from ..plots.chartdata import record

        show_figure(fig)  # draws the figure, so its tick labels are known to the recorder
        self.extra.setdefault("charts", []).append(record(fig))

    def skip(self, table: str) -> bool:
        """If the client lacks ``table``, say so in the report, record it, and return True."""
        if self.client.has(table):
            return False
        self.skipped.append(table)
        self.note("> " + self.t("common.section_skipped", table=self.t("notebook.table." + table)))
        return True

    def not_assessed(self, *tables: str, key: str | None = None, **fields: Any) -> str:
        """Declare that this notebook could assess nothing, and return why, in words.

        The results file then says ``assessed: false`` and what was missing, and a batch
        reports the notebook as "not assessed" (grey) in the index, the report and the
        briefing, never as done (:func:`threec_helpers.report.results.not_assessed_text`).

        Parameters
        ----------
        *tables : str
            The input tables whose absence left nothing to assess (named to the reader by
            their display names, with how to supply them).
        key : str, optional
            An i18n key for another reason (its ``fields`` as keyword arguments).

        Returns
        -------
        str
            The sentence for the report's conclusion, in the report's language.
        """
        from .results import not_assessed_text

        self.assessed = False
        self.missing = {"tables": list(tables)}
        if key:
            self.missing.update(key=key, fields={k: str(v) for k, v in fields.items()})
        return not_assessed_text(self.missing, self.lang)

    # ------------------------------------------------------------------ results

    def key_figure(self, key: str, label: str, value: Any, text: str, status: str = "neutral",
                   dimension: str | None = None) -> None:
        """Record a headline figure for the briefing (``dimension``: the 3C dimension it stands
        for, as the results contract declares; :func:`threec_helpers.report.figures.record`)."""
        self.headline.append(headline(key, label, value, text, status, dimension))

    def finish(self, conclusion: str = "", **extra: Any) -> Path:
        """Write the results file for the briefing and return its path."""
        payload = {
            "client_id": self.config.client_id,
            "client_name": self.config.display_name(self.lang),
            "engagement": self.config.engagement,
            "period": self.period.id,
            "previous_period": self.previous.id if self.previous else None,
            "lang": self.lang,
            "currency": self.config.currency,
            "title": self.t("notebook.title." + self.notebook),
            "headline": self.headline,
            "tables": self.tables,
            "conclusion": conclusion,
            "skipped": self.skipped,
            "assessed": self.assessed,
            **({} if self.assessed else {"not_assessed": self.missing}),
            "sources": self.client.sources,
            **self.extra,
            **extra,
        }
        return write_results(self.output_dir, self.notebook, payload)


def start(notebook: str, *, client_id: Any, period: Any = "", lang: Any = "", output_dir: Any = "",
          data_root: Any = "", mask: Any = False, previous_period: Any = None, comparison_period: Any = None,
          engagements: Iterable[str] = ()) -> NotebookContext:
    """Check a notebook's parameters, load the client and prepare the report.

    Parameters
    ----------
    notebook : str
        The notebook's name (``"02_analysis"``), for titles and the results file.
    client_id : str
        A client folder under ``data_root``.
    period : str
        A period id of ``client.yaml``; empty means the client's ``current_period``.
    lang : str
        ``"zh"`` or ``"en"``; empty means the client's ``language``.
    output_dir : str
        Where the results file goes; empty means ``reports/interactive/<client>/<period>``.
    data_root : str
        Folder of client folders; empty means ``data/clients``.
    mask : bool
        Replace customer names and ids with pseudonyms (panel safety).
    previous_period, comparison_period : str, optional
        The period to compare with; empty means ``client.yaml``'s ``previous_period``.
    engagements : iterable of str
        Engagement types this notebook is for; another client type is a ParameterError.

    Returns
    -------
    NotebookContext

    Raises
    ------
    ParameterError
        A parameter of the wrong type or value, an unknown client, another engagement type.

    Examples
    --------
    >>> import tempfile
    >>> ctx = start("iso9001_certification_audit", client_id="demo_telecom", lang="en",
    ...             output_dir=tempfile.mkdtemp(), engagements=("iso9001",))
    >>> ctx.lang, ctx.config.engagement
    ('en', 'iso9001')
    >>> start("02_analysis", client_id="demo_telecom", engagements=("3c",))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    threec_helpers.errors.ParameterError: ...
    """
    _check_type("client_id", client_id, str, "en")
    for name, value in (("period", period), ("lang", lang), ("output_dir", output_dir), ("data_root", data_root)):
        _check_type(name, value, str, "en")
    _check_type("mask", mask, bool, "en")
    if lang and lang not in LANGUAGES:
        raise ParameterError(key="notebook.param_choice", name="lang", value=repr(lang), allowed=", ".join(LANGUAGES))
    root = Path(data_root) if data_root else default_data_root()
    check_client_id(client_id)
    if client_id not in list_clients(root):
        raise ParameterError(key="notebook.unknown_client", client=client_id, root=root,
                             known=", ".join(list_clients(root)) or "-")
    warnings.filterwarnings("ignore")  # warnings go to the log, never into a panel report
    logging.captureWarnings(True)
    load_kwargs: dict[str, Any] = {}
    if mask:
        load_kwargs["mask"] = True
    client = load_client(client_id, root, **load_kwargs)
    config = client.config
    if engagements and config.engagement not in tuple(engagements):
        raise ParameterError(key="notebook.wrong_engagement", client=client_id, engagement=config.engagement,
                             allowed=", ".join(engagements))
    report_lang = lang or config.language
    current = config.period(period or config.current_period)
    compare = previous_period if previous_period is not None else comparison_period
    if compare is not None:
        _check_type("previous_period", compare, str, "en")
    compare_id = compare or config.previous_period
    previous = config.period(compare_id) if compare_id else None
    out = Path(output_dir) if output_dir else reports_root() / "interactive" / client_id / current.id
    out.mkdir(parents=True, exist_ok=True)
    from ..plots.style import apply_style

    apply_style()
    return NotebookContext(notebook, client, report_lang, current, previous, out, bool(mask))


# ---------------------------------------------------------------------- rendering helpers

_FORMATTERS = {
    "int": fmt_int,
    "pct": lambda v: fmt_pct(v, 2),
    "pct1": lambda v: fmt_pct(v, 1),
    "pct0": lambda v: fmt_pct(v, 0),
    "num": lambda v: fmt_num(v, 1),
    "num2": lambda v: fmt_num(v, 2),
}


def render_table(frame: pd.DataFrame, lang: str, labels: Mapping[str, str] | None = None,
                 formats: Mapping[str, str] | None = None, max_rows: int = 40, currency: str = "CNY") -> str:
    """An HTML table with translated headers and formatted numbers (escaped: safe for any text).

    Parameters
    ----------
    frame : pandas.DataFrame
    lang : {"zh", "en"}
    labels : mapping, optional
        Column -> header (an i18n key or the text); other columns: ``col.<name>``.
    formats : mapping, optional
        Column -> ``int``, ``pct``, ``pct1``, ``pct0``, ``num``, ``num2`` or ``money``.
    max_rows : int
        Rows shown; a note says how many more there are.
    currency : str
        For ``money`` columns.

    Returns
    -------
    str

    Examples
    --------
    >>> html = render_table(pd.DataFrame({"attainment": [0.5], "name": ["<b>x</b>"]}), "en",
    ...                     formats={"attainment": "pct"})
    >>> "<th>Attainment</th>" in html, "<td>50.00%</td>" in html, "&lt;b&gt;x&lt;/b&gt;" in html
    (True, True, True)
    """
    labels = dict(labels or {})
    shown = format_frame(frame.head(max_rows), lang, formats, currency)
    names = {c: header_text(labels[c], lang) if c in labels else column_label(c, lang) for c in shown.columns}
    shown = shown.rename(columns=names)
    html = shown.to_html(index=False, escape=True, na_rep="–", classes="threec-table", border=0)
    if len(frame) > max_rows:
        html += f"<p><em>{t('notebook.more_rows', lang, n=fmt_int(len(frame) - max_rows))}</em></p>"
    return html


def format_frame(frame: pd.DataFrame, lang: str, formats: Mapping[str, str] | None = None,
                 currency: str = "CNY") -> pd.DataFrame:
    """``frame`` with its number columns formatted (``formats``) and booleans as yes/no in words.

    Parameters
    ----------
    frame : pandas.DataFrame
    lang : {"zh", "en"}
        Language of yes/no.
    formats : dict, optional
        Column -> ``int``, ``pct``, ``pct1``, ``pct0``, ``num``, ``num2`` or ``money``.
    currency : str
        For ``money`` columns.

    Returns
    -------
    pandas.DataFrame
        A copy; ``frame`` is left as it was.

    Examples
    --------
    >>> f = pd.DataFrame({"share": [0.5], "key": [True]})
    >>> format_frame(f, "en", {"share": "pct1"}).iloc[0].tolist()
    ['50.0%', 'yes']
    """
    from ..i18n import fmt_money

    shown = frame.copy()
    for col, kind in dict(formats or {}).items():
        if col in shown.columns:
            fn = (lambda v, c=currency: fmt_money(v, c)) if kind == "money" else _FORMATTERS[kind]
            shown[col] = shown[col].map(fn)
    for col in shown.columns:
        if pd.api.types.is_bool_dtype(shown[col].dtype) or (
                shown[col].dtype == object and shown[col].map(lambda v: isinstance(v, bool) or v is None).all()
                and shown[col].map(lambda v: isinstance(v, bool)).any()):
            shown[col] = shown[col].map(lambda v: t("common.yes", lang) if v is True else
                                        (t("common.no", lang) if v is False else "–"))
    return shown


def show_figure(fig, dpi: int = 110) -> None:
    """Display a matplotlib Figure as an embedded PNG and close it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    dpi : int
        Resolution of the PNG.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure()
    >>> show_figure(fig)
    <IPython.core.display.Image object>
    >>> plt.fignum_exists(fig.number)
    False
    """
    import io

    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    display(Image(data=buf.getvalue(), format="png"))


def esc(text: Any) -> str:
    """Escape client-provided text before it goes into Markdown or HTML (no script injection).

    Parameters
    ----------
    text : object

    Returns
    -------
    str

    Examples
    --------
    >>> esc('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    """
    import html

    return html.escape(str(text), quote=True)


def _display_markdown(text: str) -> None:
    from IPython.display import Markdown, display

    display(Markdown(text))


def _display_html(html: str) -> None:
    from IPython.display import HTML, display

    display(HTML(html))
