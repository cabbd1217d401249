"""The consultant's own words: an executive summary and notes per section, from a Markdown file.

A client's commentary for one period lives in ``data/clients/<id>/commentary/<period>.md``::

    ## summary
    The executive summary: shown first in the briefing and at the top of every report.

    ## value
    A note shown right under the "Customer value" heading of every report that has it.

    ## 02_analysis/conclusion
    A note for the conclusion of one report only (``<notebook>/<section id>``).

Section ids (:func:`section_ids`) are stable: those of the reports are the names of their
headings' text keys (``phases.h.<id>`` and ``audit_report.h.<id>`` in
``threec_helpers/locale``), those of the briefing are its sections (``batch.brief.section.<id>``:
the ids of :data:`threec_helpers.batch.briefing.LAYOUTS`), so a heading may be reworded
without breaking a commentary file. An id that names no section gives a warning in Chinese
and English naming the file and the id and listing the valid ids (:meth:`Commentary.warnings`);
the rest of the file is still used.

The Markdown is rendered by mistune (the renderer nbconvert uses) with raw HTML escaped,
images shown by their alt text (a report fetches nothing) and harmful link schemes
(``javascript:`` and the like) removed: what a consultant types can never run as script.

Every format takes the notes from here: :func:`apply_to_notebook` puts them into a cleaned
notebook (HTML, PDF, slides - and the Word/PowerPoint exporters, given the same cleaned
notebook), :func:`apply_to_briefing` into a briefing's model; :meth:`Note.paragraphs` gives
plain paragraphs to an exporter that writes its own document (Word, PowerPoint).
"""

from __future__ import annotations

import copy
import functools
import html as _html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..i18n import catalog, t

#: the folder of a client's commentary files, and the id of the executive summary
FOLDER = "commentary"
SUMMARY = "summary"
#: locale key prefixes of report section headings and of the briefing's sections
REPORT_PREFIXES = ("phases.h.", "audit_report.h.")
BRIEFING_PREFIX = "batch.brief.section."
NOTEBOOK_PREFIX = "notebook.title."

_SECTION_LINE = re.compile(r"^##(?!#)\s*(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING_LINE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


# --------------------------------------------------------------------------- Markdown


def _renderer():
    import mistune

    class _Safe(mistune.HTMLRenderer):
        """Headings of a note sit below the section's own (h4 and smaller); images show their alt text."""

        def heading(self, text: str, level: int, **attrs: Any) -> str:
            level = min(level + 3, 6)
            return f"<h{level}>{text}</h{level}>\n"

        def image(self, text: str, url: str, title: str | None = None) -> str:
            return text

    return _Safe(escape=True)


@functools.lru_cache(maxsize=1)
def _markdown():
    import mistune

    return mistune.create_markdown(escape=True, renderer=_renderer(), plugins=["strikethrough", "table"])


def render_markdown(text: str) -> str:
    """Markdown as safe HTML: raw HTML escaped, no images, no script links.

    Parameters
    ----------
    text : str
        Markdown.

    Returns
    -------
    str
        HTML.

    Examples
    --------
    >>> render_markdown("**Good** <script>x</script>")
    '<p><strong>Good</strong> &lt;script&gt;x&lt;/script&gt;</p>\\n'
    """
    return str(_markdown()(text or ""))


def plain_paragraphs(text: str) -> list[str]:
    """The paragraphs of a note as plain text (list items one each), for Word and PowerPoint.

    Parameters
    ----------
    text : str
        Markdown.

    Returns
    -------
    list of str

    Examples
    --------
    >>> plain_paragraphs("First **point**.\\n\\n- a\\n- b")
    ['First point.', 'a', 'b']
    """
    rendered = render_markdown(text)
    parts = re.split(r"</(?:p|li|h\d|pre|tr|blockquote)>", rendered)
    out = []
    for part in parts:
        value = _html.unescape(re.sub(r"<[^>]+>", "", part)).strip()
        if value:
            out.append(re.sub(r"[ \t]*\n[ \t]*", " ", value) if "<pre" not in part else value)
    return out


# --------------------------------------------------------------------------- ids


@functools.lru_cache(maxsize=1)
def _report_keys() -> dict[str, list[str]]:
    """section id -> its locale heading keys."""
    out: dict[str, list[str]] = {}
    for key in sorted(catalog()):
        for prefix in REPORT_PREFIXES:
            if key.startswith(prefix) and key.count(".") == 2:
                out.setdefault(key[len(prefix):], []).append(key)
    return out


def section_ids(lang: str = "en") -> dict[str, str]:
    """Every section id a commentary file may use, with the heading it stands for.

    Parameters
    ----------
    lang : {"zh", "en"}
        Language of the headings.

    Returns
    -------
    dict
        id -> heading: ``summary``, the briefing's sections and the reports' sections
        (a notebook's own sections may also be named ``<notebook>/<id>``).

    Examples
    --------
    >>> ids = section_ids("en")
    >>> ids["summary"], ids["scorecard"], ids["behavior"]
    ('Executive summary', '3C scorecard', 'Customer behavior')
    """
    out = {SUMMARY: t("commentary.summary", lang)}
    for key in sorted(catalog()):
        if key.startswith(BRIEFING_PREFIX):
            out[key[len(BRIEFING_PREFIX):]] = t(key, lang)
    for sid, keys in _report_keys().items():
        out.setdefault(sid, re.sub(r"\s*[（(]?\{[^}]*\}[)）]?", "", t(keys[0], lang)).strip(" :：→") or sid)
    return out


def notebook_names() -> list[str]:
    """The notebooks a section id may be qualified with (``02_analysis/value``).

    Returns
    -------
    list of str
        Notebook names, sorted.

    Examples
    --------
    >>> "02_analysis" in notebook_names()
    True
    """
    return sorted(k[len(NOTEBOOK_PREFIX):] for k in catalog() if k.startswith(NOTEBOOK_PREFIX))


def _valid(sid: str) -> bool:
    if sid in section_ids("en"):
        return True
    nb, sep, rest = sid.partition("/")
    return bool(sep) and nb in notebook_names() and rest in section_ids("en")


@functools.lru_cache(maxsize=4)
def _heading_patterns(lang: str) -> list[tuple[re.Pattern, str]]:
    patterns = []
    for sid, keys in _report_keys().items():
        for key in keys:
            parts = re.split(r"\{[^}]*\}", catalog()[key][lang])
            regex = ".+?".join(re.escape(p.strip()) for p in parts)
            patterns.append((re.compile(r"^\s*" + regex + r"\s*$", re.S), sid, len(parts) > 1))
    # fixed headings first, then templates with fields, longer (more specific) first
    return [(p, sid) for p, sid, _ in sorted(patterns, key=lambda x: (x[2], -len(x[0].pattern)))]


def heading_section(text: str, lang: str) -> str | None:
    """The section id of a report heading (its displayed text), or None.

    Parameters
    ----------
    text : str
        The heading as displayed (HTML tags and entities allowed).
    lang : {"zh", "en"}
        The language of the heading.

    Returns
    -------
    str or None

    Examples
    --------
    >>> heading_section("Customer value: profit decomposition and whale curve", "en")
    'value'
    >>> heading_section("Customer pyramid (FY2025)", "en")
    'pyramid'
    """
    value = _html.unescape(re.sub(r"<[^>]+>", "", text or "")).strip()
    for pattern, sid in _heading_patterns(lang):
        if pattern.match(value):
            return sid
    return None


# --------------------------------------------------------------------------- the file


@dataclass(frozen=True)
class Note:
    """One note of a commentary file: its section id and its Markdown.

    Attributes
    ----------
    section : str
        Its section id (``value``, ``02_analysis/conclusion``, ``summary``).
    markdown : str

    Examples
    --------
    >>> n = Note("value", "Up **3%**.")
    >>> n.html, n.paragraphs()
    ('<p>Up <strong>3%</strong>.</p>\\n', ['Up 3%.'])
    """

    section: str
    markdown: str

    @property
    def html(self) -> str:
        """The note as safe HTML (:func:`render_markdown`)."""
        return render_markdown(self.markdown)

    def paragraphs(self) -> list[str]:
        """The note as plain paragraphs (:func:`plain_paragraphs`)."""
        return plain_paragraphs(self.markdown)


@dataclass
class Commentary:
    """A client's commentary for one period (empty when there is no file).

    Attributes
    ----------
    path : Path or None
        The file read, if any.
    summary : Note or None
        The executive summary.
    sections : dict
        Section id -> :class:`Note`.
    problems : list of dict
        i18n key and fields of each problem (:meth:`warnings`).

    Examples
    --------
    >>> c = Commentary(sections={"value": Note("value", "a"), "02_analysis/value": Note("02_analysis/value", "b")})
    >>> bool(Commentary()), [n.markdown for n in c.notes_for("value", "02_analysis")]
    (False, ['a', 'b'])
    """

    path: Path | None = None
    summary: Note | None = None
    sections: dict[str, Note] = field(default_factory=dict)
    #: problems as i18n key and fields (:meth:`warnings` gives their text)
    problems: list[dict[str, Any]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.summary is not None or bool(self.sections)

    def notes_for(self, section: str, notebook: str | None = None) -> list[Note]:
        """The notes of ``section``: the general one, then the one for ``notebook`` only."""
        found = [self.sections[section]] if section in self.sections else []
        if notebook and f"{notebook}/{section}" in self.sections:
            found.append(self.sections[f"{notebook}/{section}"])
        return found

    def warnings(self, lang: str) -> list[str]:
        """The problems of the file as sentences in ``lang``."""
        return [t(p["key"], lang, **p["fields"]) for p in self.problems]

    def map_text(self, fn: Callable[[str], str]) -> Commentary:
        """A copy with every note's Markdown passed through ``fn`` (masking)."""
        return Commentary(self.path, Note(SUMMARY, fn(self.summary.markdown)) if self.summary else None,
                          {k: Note(k, fn(n.markdown)) for k, n in self.sections.items()}, list(self.problems))


def parse_commentary(text: str, source: str = "commentary.md") -> Commentary:
    """Read a commentary file's text.

    Parameters
    ----------
    text : str
        Markdown: ``## summary`` and ``## <section id>`` blocks (see the module docstring).
    source : str
        The file's name, for the warnings.

    Returns
    -------
    Commentary
        Unknown ids and text outside any ``##`` block are recorded in ``problems`` and left out.

    Examples
    --------
    >>> c = parse_commentary("## summary\\nAll good.\\n\\n## value\\nUp 3%.\\n## nonsense\\nx")
    >>> c.summary.markdown, list(c.sections)
    ('All good.', ['value'])
    >>> c.warnings("en")[0][:60]
    'commentary.md: the section "nonsense" is not a section of an'
    """
    blocks: list[tuple[str, list[str]]] = []
    preamble: list[str] = []
    fenced = False
    for line in (text or "").replace("\r\n", "\n").split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
        m = None if fenced else _SECTION_LINE.match(line)
        if m:
            blocks.append((m.group(1).strip(), []))
        elif blocks:
            blocks[-1][1].append(line)
        else:
            preamble.append(line)
    problems: list[dict[str, Any]] = []
    if any(line.strip() and not _HEADING_LINE.match(line) for line in preamble):
        problems.append({"key": "commentary.outside", "fields": {"file": source}})
    summary = None
    sections: dict[str, Note] = {}
    valid = ", ".join(sorted(section_ids("en")))
    for raw, lines in blocks:
        sid = raw.strip().lower().replace(" ", "_")
        body = "\n".join(lines).strip()
        if not _valid(sid):
            problems.append({"key": "commentary.unknown", "fields": {"file": source, "id": raw, "valid": valid}})
            continue
        if not body:
            continue
        if sid == SUMMARY:
            summary = Note(SUMMARY, (summary.markdown + "\n\n" if summary else "") + body)
        else:
            sections[sid] = Note(sid, (sections[sid].markdown + "\n\n" if sid in sections else "") + body)
    return Commentary(None, summary, sections, problems)


def commentary_path(client_id: str, period: str, data_root: Path | str | None = None) -> Path:
    """``<data_root>/<client_id>/commentary/<period>.md``.

    Parameters
    ----------
    client_id : str
    period : str
    data_root : path, optional
        The folder of client folders; default :func:`threec_helpers.paths.data_root`.

    Returns
    -------
    Path

    Examples
    --------
    >>> commentary_path("acme", "FY2026", "/data").as_posix()
    '/data/acme/commentary/FY2026.md'
    """
    from ..paths import client_folder, safe_child

    folder = client_folder(client_id, Path(data_root) if data_root else None) / FOLDER
    return safe_child(folder, f"{period}.md")


def load_commentary(client_id: str, period: str, data_root: Path | str | None = None) -> Commentary:
    """The commentary of a client and period (an empty one when there is no file).

    A file that cannot be read as UTF-8 text gives a warning and no notes; a report is
    never held up by its commentary.

    Parameters
    ----------
    client_id : str
    period : str
    data_root : path, optional
        The folder of client folders.

    Returns
    -------
    Commentary

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "acme" / "commentary").mkdir(parents=True)
    >>> _ = (root / "acme" / "commentary" / "FY2026.md").write_text("## summary\\nGood.", encoding="utf-8")
    >>> load_commentary("acme", "FY2026", root).summary.markdown, bool(load_commentary("acme", "FY2025", root))
    ('Good.', False)
    """
    try:
        path = commentary_path(client_id, period, data_root)
    except Exception:  # noqa: BLE001 - an odd id or period: no commentary
        return Commentary()
    if not path.is_file():
        return Commentary(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return Commentary(path, problems=[{"key": "commentary.unreadable",
                                           "fields": {"file": str(path), "detail": str(exc)[:200]}}])
    found = parse_commentary(text, str(path))
    found.path = path
    return found


# --------------------------------------------------------------------------- into the outputs


def note_html(notes: list[Note], lang: str, *, summary: bool = False) -> str:
    """Notes as one ``<div class="commentary">`` block (safe HTML).

    Parameters
    ----------
    notes : list of Note
    lang : {"zh", "en"}
        Language of the label.
    summary : bool
        The executive summary: no label (it has its own heading).

    Returns
    -------
    str

    Examples
    --------
    >>> note_html([Note("summary", "Good.")], "en", summary=True)
    '<div class="commentary summary"><p>Good.</p>\\n</div>'
    """
    body = "".join(n.html for n in notes)
    if summary:  # under its own heading ("Executive summary"): no label
        return f'<div class="commentary summary">{body}</div>'
    label = _html.escape(t("commentary.note", lang))
    return f'<div class="commentary"><p class="commentary-label">{label}</p>{body}</div>'


def _html_output(html: str):
    import nbformat

    return nbformat.v4.new_output("display_data", data={"text/html": html})


def _md_output(md: str):
    import nbformat

    return nbformat.v4.new_output("display_data", data={"text/markdown": md})


def _markdown_of(out) -> str | None:
    data = out.get("data") or {}
    if "text/markdown" not in data:
        return None
    value = data["text/markdown"]
    return "".join(value) if isinstance(value, list) else str(value)


def apply_to_notebook(nb, commentary: Commentary, notebook: str, lang: str):
    """A copy of a cleaned notebook with the commentary in it.

    The summary goes under the report's title block, as a section of its own ("Executive
    summary"); each section note right under its heading (levels 2 and 3), as a
    ``<div class="commentary">``. Every format made from the notebook shows them.

    Parameters
    ----------
    nb : NotebookNode
        A cleaned notebook (:func:`threec_helpers.batch.publish.clean_notebook`).
    commentary : Commentary
    notebook : str
        The notebook's name (for ``<notebook>/<id>`` notes).
    lang : {"zh", "en"}

    Returns
    -------
    NotebookNode

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Customer pyramid (FY2025)")])
    >>> out = apply_to_notebook(nb, parse_commentary("## pyramid\\nTop tier grew."), "02_analysis", "en")
    >>> len(out.cells), "Top tier grew." in out.cells[1].outputs[0]["data"]["text/html"]
    (2, True)
    """
    if not commentary:
        return nb
    import nbformat

    nb = copy.deepcopy(nb)
    summary_placed = commentary.summary is None
    summary_outputs = [] if commentary.summary is None else [
        _md_output("## " + t("commentary.summary", lang)),
        _html_output(note_html([commentary.summary], lang, summary=True))]
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cells.append(cell)
            notes = []
            for line in (cell.source or "").splitlines():
                m = _HEADING_LINE.match(line)
                if m and len(m.group(1)) in (2, 3):
                    sid = heading_section(m.group(2), lang)
                    notes += commentary.notes_for(sid, notebook) if sid else []
            if notes:
                cells.append(nbformat.v4.new_code_cell(source="", outputs=[_html_output(note_html(notes, lang))]))
            continue
        if cell.cell_type != "code":
            cells.append(cell)
            continue
        outputs = []
        outs = list(cell.get("outputs", []))
        place_after = -1
        for i, out in enumerate(outs):
            outputs.append(out)
            md = _markdown_of(out)
            m = _HEADING_LINE.match(md.strip().splitlines()[0]) if md and md.strip() else None
            if not summary_placed and m and len(m.group(1)) == 1:
                # the title block: the title and the line under it stay together (layout.split_title)
                nxt = _markdown_of(outs[i + 1]) if i + 1 < len(outs) else None
                place_after = i + 1 if nxt is not None and not nxt.lstrip().startswith("#") else i
            elif m and len(m.group(1)) in (2, 3):
                sid = heading_section(m.group(2), lang)
                notes = commentary.notes_for(sid, notebook) if sid else []
                if notes:
                    outputs.append(_html_output(note_html(notes, lang)))
            if i == place_after:
                outputs += summary_outputs
                summary_placed = True
        cell.outputs = outputs
        cells.append(cell)
    if not summary_placed:  # no title block: the summary opens the report
        cells.insert(0, nbformat.v4.new_code_cell(source="", outputs=summary_outputs))
    nb.cells = cells
    return nb


def apply_to_briefing(model: dict[str, Any], commentary: Commentary, lang: str) -> dict[str, Any]:
    """A briefing model (:func:`threec_helpers.batch.briefing.compose_briefing`) with the
    summary (``model["summary"]``, shown first) and each section's notes (``section["notes"]``,
    safe HTML) in it.

    Parameters
    ----------
    model : dict
        The briefing model; its ``sections`` each have an ``id``.
    commentary : Commentary
    lang : {"zh", "en"}

    Returns
    -------
    dict
        A new model; ``model`` is left as it was.

    Examples
    --------
    >>> m = apply_to_briefing({"sections": [{"id": "value"}]}, parse_commentary("## value\\nUp."), "en")
    >>> m["summary"], len(m["sections"][0]["notes"])
    ('', 1)
    """
    model = dict(model)
    model["summary"] = note_html([commentary.summary], lang, summary=True) if commentary.summary else ""
    sections = []
    for sec in model.get("sections", []):
        notes = commentary.notes_for(sec.get("id", ""))
        sections.append({**sec, "notes": [note_html(notes, lang)] if notes else []})
    model["sections"] = sections
    return model
