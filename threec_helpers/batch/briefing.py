"""Step 4 of a batch run: the certification briefing of one client and period.

The briefing is composed only from the results files the notebooks wrote
(:mod:`threec_helpers.results`), so it needs no data access and no code. Its structure
follows the engagement type:

- ``iso9001`` - the seed's ISO 9001 briefing to the on-site audit panel: 1. overview,
  2. quality objectives, target vs actual, 3. what changed since the last period,
  4. findings and continuous improvement, 5. conclusion;
- ``3c`` - the 3C scorecard: customer performance (value, behavior, satisfaction) and
  customer focus (organization, communications, information), then each phase's
  results, the plan status, what changed, conclusion;
- ``clinical`` - the five assessment areas, veto items, indicators, rectification
  status, what changed, conclusion.

Each section takes what it knows from the results: the scorecard the figures that declare a
3C dimension (the results contract, :mod:`threec_helpers.report.catalog`), the other
sections tables by name (:data:`LAYOUTS`); tables no section claims are shown under "other results", so
nothing a notebook reports is lost. :func:`compose_briefing` is pure (results in, a
section list out); :func:`write_briefing` renders it to HTML and PDF.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..i18n import fmt_num, fmt_pct, has_key, t
from ..report.catalog import FOCUS, PERFORMANCE, dimension_of
from ..report.results import not_assessed_info, not_assessed_text, read_results, table_display_name
from ..report.tables import column_label, table_title
from .publish import asset, format_cell, html_lang, html_to_pdf, render, table_header

#: per engagement: section id -> tables (by name) it shows, in order; only names some
#: notebook writes (the results contract, :data:`threec_helpers.report.catalog.NOTEBOOKS`)
LAYOUTS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "iso9001": [("overview", ("org_overview", "documents")),
                ("objectives", ("objectives",)),
                ("trends", ()),
                ("changes", ()),
                ("findings", ("findings_by_round", "open_findings", "improvements", "clause_coverage")),
                ("conclusion", ())],
    "3c": [("scorecard", ()),
           ("phases", ()),
           ("plan", ("focus_plan", "reconciliation", "variance")),
           ("trends", ()),
           ("changes", ()),
           ("conclusion", ())],
    "clinical": [("areas", ("areas", "weak_items")),
                 ("veto", ("vetoes",)),
                 ("indicators", ("indicators",)),
                 ("rectification", ("rectifications",)),
                 ("trends", ()),
                 ("changes", ()),
                 ("conclusion", ())],
}


def _table(rows: list[dict[str, Any]], lang: str, title: str = "",
           headers: dict[str, str] | None = None) -> dict[str, Any]:
    columns: list[str] = []
    for r in rows:
        for k in r:
            if k not in columns:
                columns.append(k)
    body = []
    for r in rows:
        cells = []
        for c in columns:
            v = r.get(c)
            cls = "num" if isinstance(v, (int, float)) and not isinstance(v, bool) else ""
            if c in ("met", "achieved", "passed", "ok") and isinstance(v, bool):
                cls = "met-yes" if v else "met-no"
                text = ("✓ " if v else "✗ ") + format_cell(v, lang)
            elif c == "direction" and isinstance(v, str) and has_key(f"batch.direction.{v}"):
                text = t(f"batch.direction.{v}", lang)
                cls = f"direction {v}"
            elif c == "status" and isinstance(v, str):
                key = f"batch.status.{v}"
                text = t(key, lang) if has_key(key) else v
                cls = f"status-text {v}"
            else:
                text = format_cell(v, lang, c)
            cells.append({"text": text, "cls": cls})
        body.append(cells)
    return {"title": title, "columns": [{"label": table_header(c, lang, headers), "cls": ""} for c in columns],
            "rows": body}


def _numeric(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def compare_headlines(current: dict[str, dict[str, Any]], previous: dict[str, dict[str, Any]],
                      lang: str) -> list[dict[str, Any]]:
    """Rows of "what changed": every headline figure present in both periods.

    Parameters
    ----------
    current, previous : dict
        notebook -> results payload.

    Returns
    -------
    list of dict
        indicator, previous, current, change (text), direction (``up``/``down``/``same``).

    Examples
    --------
    >>> cur = {"a": {"headline": [{"key": "x", "label": "X", "value": 0.9, "text": "90.00%"}]}}
    >>> prev = {"a": {"headline": [{"key": "x", "label": "X", "value": 0.8, "text": "80.00%"}]}}
    >>> compare_headlines(cur, prev, "en")[0]["change"]
    '+10.00 pp'
    """
    rows = []
    for nb, payload in current.items():
        before = {h.get("key"): h for h in (previous.get(nb, {}).get("headline") or [])}
        for h in payload.get("headline") or []:
            p = before.get(h.get("key"))
            if p is None:
                continue
            a, b = _numeric(p.get("value")), _numeric(h.get("value"))
            if a is None or b is None:
                change, direction = ("=" if p.get("text") == h.get("text") else "≠"), "same"
            else:
                diff = b - a
                is_pct = str(h.get("text", "")).strip().endswith("%")
                if is_pct and abs(a) <= 1.5 and abs(b) <= 1.5:
                    change = f"{diff * 100:+,.2f} pp"
                else:
                    change = f"{diff:+,.2f}".rstrip("0").rstrip(".") if diff % 1 else f"{diff:+,.0f}"
                direction = "up" if diff > 0 else "down" if diff < 0 else "same"
            rows.append({"indicator": h.get("label") or h.get("key"), "previous": p.get("text", ""),
                         "current": h.get("text", ""), "change": change, "direction": direction})
    return rows


def _scorecard(results: dict[str, dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """The six 3C dimensions, each from the recorded figure that declares it
    (:func:`threec_helpers.report.catalog.dimension_of`); a dimension no figure declares
    says "no data". Names are never guessed."""
    found: dict[str, dict[str, Any]] = {}
    for nb, payload in results.items():
        for h in payload.get("headline") or []:
            dim = dimension_of(nb, h)
            if dim is not None and dim not in found:
                found[dim] = {**h, "notebook": payload.get("title") or nb}
    rows = []
    for group, dims in (("performance", PERFORMANCE), ("focus", FOCUS)):
        for dim in dims:
            v = found.get(dim)
            rows.append({"group": t(f"batch.brief.group.{group}", lang), "dimension": t(f"batch.brief.dim.{dim}", lang),
                         "indicator": v.get("label", "") if v else "",
                         "result": v.get("text", "") if v else t("batch.brief.no_data", lang),
                         "status": (v or {}).get("status", "neutral"),
                         "source": v.get("notebook", "") if v else ""})
    return rows


def _objectives_sentence(rows: list[dict[str, Any]], lang: str) -> str | None:
    flags = [r.get("met") for r in rows if isinstance(r.get("met"), bool)]
    if not flags:
        return None
    return t("batch.brief.objectives_met", lang, met=sum(flags), total=len(flags),
             share=fmt_pct(sum(flags) / len(flags), 0))


def compose_briefing(results: dict[str, dict[str, Any]], engagement: str, lang: str, *,
                     previous: dict[str, dict[str, Any]] | None = None, previous_period: str | None = None,
                     failed: list[str] | None = None, trends: dict[str, Any] | None = None) -> dict[str, Any]:
    """The sections of a briefing, from the results files of one client and period.

    Parameters
    ----------
    results : dict
        notebook name -> results payload (:func:`threec_helpers.results.read_results`).
    engagement : {"iso9001", "3c", "clinical"}
        Picks the layout (:data:`LAYOUTS`); anything else gets a generic layout.
    lang : {"zh", "en"}
    previous : dict, optional
        The previous period's results, for "what changed".
    previous_period : str, optional
    failed : list of str, optional
        Notebooks of this period that failed (named in a banner).
    trends : dict, optional
        The "trends" section's content (:func:`threec_helpers.batch.history.trend_section`);
        without it the section is left out.

    Returns
    -------
    dict
        ``{"sections": [{"id", "title", "cards", "tables", "paragraphs", "bullets", "subsections"}], "banners": [...],
        "not_assessed": [{"notebook", "text"}]}`` (the notebooks that could assess nothing).

    Examples
    --------
    >>> r = {"iso9001_certification_audit": {"headline": [], "tables": {"objectives": [
    ...     {"objective": "Answer time", "target": "<=10 s", "actual": "7 s", "met": True}]},
    ...     "conclusion": "All objectives met."}}
    >>> b = compose_briefing(r, "iso9001", "en")
    >>> [s["id"] for s in b["sections"]]
    ['overview', 'objectives', 'changes', 'findings', 'conclusion']
    """
    ordered = dict(sorted(results.items()))
    layout = LAYOUTS.get(engagement) or [("overview", ()), ("changes", ()), ("conclusion", ())]
    used: set[tuple[str, str]] = set()
    sections = []
    banners = []
    if not ordered:
        banners.append(t("batch.brief.no_results", lang))
    if failed:
        banners.append(t("batch.brief.failed_notebooks", lang, notebooks=", ".join(failed)))
    # notebooks that ran but could assess nothing: grey, with what is missing and how to supply it
    not_assessed = [{"notebook": payload.get("title") or nb, "text": not_assessed_text(info, lang)}
                    for nb, payload in ordered.items() if (info := not_assessed_info(payload)) is not None]
    for sid, table_names in layout:
        if sid == "trends" and trends is None:
            continue
        sec = {"id": sid, "title": t(f"batch.brief.section.{sid}", lang), "cards": [], "tables": [],
               "paragraphs": [], "bullets": [], "subsections": []}
        for nb, payload in ordered.items():
            tables = payload.get("tables") or {}
            for name in table_names:
                rows = tables.get(name)
                if isinstance(rows, list) and rows and all(isinstance(r, dict) for r in rows):
                    sec["tables"].append(_table(rows, lang, table_title(name, lang),
                                                (payload.get("columns") or {}).get(name)))
                    used.add((nb, name))
                    if name == "objectives":
                        sentence = _objectives_sentence(rows, lang)
                        if sentence:
                            sec["paragraphs"].append(sentence)
        if sid == "overview":
            for nb, payload in ordered.items():
                sec["cards"] += [dict(h, status=h.get("status", "neutral")) for h in payload.get("headline") or []]
        elif sid == "scorecard":
            sec["tables"].insert(0, _table(_scorecard(ordered, lang), lang))
            sec["paragraphs"].append(t("batch.brief.scorecard_intro", lang))
        elif sid == "phases":
            for nb, payload in ordered.items():
                sub = {"title": payload.get("title") or nb,
                       "cards": [dict(h, status=h.get("status", "neutral")) for h in payload.get("headline") or []],
                       "paragraphs": [payload["conclusion"]] if payload.get("conclusion") else [],
                       "skipped": [table_display_name(s, lang) for s in payload.get("skipped") or []]}
                sec["subsections"].append(sub)
        elif sid == "trends":
            sec.update({k: sec[k] + v if isinstance(v, list) else v for k, v in trends.items()})
        elif sid == "changes":
            if previous:
                rows = compare_headlines(ordered, previous, lang)
                if rows:
                    sec["tables"].insert(0, _table(rows, lang))
                else:
                    sec["paragraphs"].append(t("batch.brief.no_comparable", lang, period=previous_period or "?"))
            else:
                sec["paragraphs"].append(t("batch.brief.no_previous", lang, period=previous_period or "?"))
            for payload in ordered.values():
                sec["bullets"] += [str(c) for c in payload.get("changes_text") or []]
        elif sid == "findings":
            for payload in ordered.values():
                for key in ("findings", "actions"):
                    for item in payload.get(key) or []:
                        sec["bullets"].append(item if isinstance(item, str) else
                                            "; ".join(f"{column_label(k, lang)}: {format_cell(v, lang)}"
                                                      for k, v in item.items()))
        elif sid == "conclusion":
            for nb, payload in ordered.items():
                if payload.get("conclusion"):
                    sec["paragraphs"].append(str(payload["conclusion"]))
                for skipped in payload.get("skipped") or []:
                    sec["bullets"].append(t("batch.brief.skipped", lang, notebook=payload.get("title") or nb,
                                          section=table_display_name(skipped, lang)))
            if not sec["paragraphs"]:
                sec["paragraphs"].append(t("batch.brief.no_conclusion", lang))
        if sid == "overview" and engagement == "iso9001" and not sec["cards"] and not sec["tables"]:
            sec["paragraphs"].append(t("batch.brief.no_data", lang))
        sections.append(sec)
    other = {"id": "other", "title": t("batch.brief.section.other", lang), "cards": [], "tables": [],
             "paragraphs": [], "bullets": [], "subsections": []}
    for nb, payload in ordered.items():
        for name, rows in (payload.get("tables") or {}).items():
            if (nb, name) in used or not (isinstance(rows, list) and rows and all(isinstance(r, dict) for r in rows)):
                continue
            other["tables"].append(_table(rows, lang, f"{payload.get('title') or nb} · {table_title(name, lang)}",
                                          (payload.get("columns") or {}).get(name)))
    if other["tables"]:
        sections.insert(len(sections) - 1, other)
    return {"sections": sections, "banners": banners, "not_assessed": not_assessed}


def write_briefing(folder: Path, client_id: str, period: str, lang: str, *, formats: tuple[str, ...] = ("html", "pdf"),
                   previous_folder: str | None = None, run: dict[str, Any] | None = None,
                   engagement: str | None = None, client_name: str | None = None) -> dict[str, str]:
    """Compose and write ``briefing.html`` (and ``briefing.pdf``) in ``folder``.

    Returns
    -------
    dict
        format -> file name.
    """
    from .provenance import git_commit
    from .publish import write_bytes_atomic, write_text_atomic

    folder = Path(folder)
    results = read_results(folder)
    provs = {}
    for path in sorted(folder.glob("*.provenance.json")):
        try:
            provs[path.name[: -len(".provenance.json")]] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
    failed = sorted(nb for nb, p in provs.items() if p.get("status") != "ok")
    results = {nb: r for nb, r in results.items() if provs.get(nb, {}).get("status", "ok") == "ok"}
    previous = read_results(previous_folder) if previous_folder and Path(previous_folder).is_dir() else {}
    previous_period = Path(previous_folder).name if previous_folder else None
    if engagement is None or client_name is None:
        try:
            from ..inputs.config import load_client_config
            from ..paths import client_folder

            cfg = load_client_config(client_folder(client_id))
            engagement = engagement or cfg.engagement
            client_name = client_name or cfg.display_name(lang)
        except Exception:  # noqa: BLE001 - the briefing still renders from the results alone
            engagement = engagement or ""
            client_name = client_name or client_id
    from .history import read_history, trend_section

    model = compose_briefing(results, engagement, lang, previous=previous, previous_period=previous_period,
                             failed=failed, trends=trend_section(*read_history(folder, client_id), lang))
    inputs: dict[str, dict[str, str]] = {}
    for p in provs.values():
        inputs.update(p.get("inputs") or {})
    masked = any(p.get("mask") for p in provs.values())
    title = t(f"batch.brief.title.{engagement}", lang) if engagement in LAYOUTS else t("batch.brief.title.generic", lang)
    from .branding import load_branding
    from .publish import cover_html

    brand = load_branding(client_id).context(lang)
    finished = str((run or {}).get("finished") or (run or {}).get("started") or "")
    cover_meta = {"title": title, "client_id": client_id, "client_name": client_name, "period": period, "lang": lang,
                  "masked": masked, "provenance": {"finished": finished} if finished else {}}
    cover = cover_html(cover_meta, brand)
    html = render("briefing.html.j2", lang, title=title, brand=brand, cover=cover, client_id=client_id, client_name=client_name, period=period,
                  engagement=engagement, model=model, css=asset("report.css"), html_lang=html_lang(lang),
                  inputs=inputs, notebooks=sorted(provs), masked=masked, commit=git_commit(),
                  run=run or {}, fmt_num=fmt_num)
    from .layout import mark_tables

    html = mark_tables(html)
    written = {}
    if "html" in formats:
        write_text_atomic(folder / "briefing.html", html)
        written["html"] = "briefing.html"
    if "pdf" in formats:
        write_bytes_atomic(folder / "briefing.pdf", html_to_pdf(html))
        written["pdf"] = "briefing.pdf"
    return written
