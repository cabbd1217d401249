"""On-site audit forms: one workbook per respondent, and a printable version for paper rounds.

:func:`write_audit_form` writes the form of a checklist as an ``.xlsx``: the respondent and
role at the top, one row per item with its area, text, guidance (the evidence to look for),
scale, veto mark, the score as a drop-down, and fields for evidence and remarks. A hidden
sheet records the client, the checklist and each item's scale, which is what
:mod:`threec_helpers.inputs.forms` checks a returned form against.

:func:`form_html` gives the same form as HTML for a PDF (the command line renders it with
:func:`threec_helpers.batch.publish.html_to_pdf` and the bundled CJK font).

:func:`answers_by_respondent` splits a responses table into one set of answers per
respondent, for forms pre-filled with a previous round (``threec audit-form --fill``).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any, Mapping, Sequence

import pandas as pd

from ..i18n import t
from ..inputs.config import ClientConfig
from ..inputs.forms import FORM_KIND, FORM_VERSION, META_ITEMS_ROW, META_SHEET, RESPONSES_TABLE, offered_scores
from ..spreadsheet import print_setup, row_height
from ..storage import atomic_target
from .checklists import Checklist

#: widths of the form's columns: area, item, text, guidance, scale, veto, score, evidence, remarks
FORM_WIDTHS = (16, 10, 40, 36, 24, 9, 9, 30, 30)


def _score_values(checklist: Checklist, item: Mapping[str, Any]) -> list[float]:
    """The scores a form offers for an item: a choice scale's values, a range scale's whole points
    (:func:`threec_helpers.inputs.forms.offered_scores`, which a returned form is checked against)."""
    scale = checklist.scales[item["scale"]]
    values = tuple(float(v) for v in scale.values.values()) if scale.values else ()
    return list(offered_scores(float(item["scale_min"]), float(item["scale_max"]), values))


def scale_text(checklist: Checklist, item: Mapping[str, Any], lang: str) -> str:
    """An item's scale in words: ``1–5: 1 未开展 … 5 持续改进`` or ``1 符合 / 0.5 部分符合 / 0 不符合``.

    Parameters
    ----------
    checklist : Checklist
        The checklist the item belongs to (its scales).
    item : mapping
        One row of ``checklist.items`` (``scale``, ``scale_min``, ``scale_max``).
    lang : {"zh", "en"}
        Language of the scale's labels.

    Returns
    -------
    str

    See Also
    --------
    write_audit_form, form_html : where the text is shown.

    Examples
    --------
    >>> from threec_helpers.audit.checklists import load_checklist
    >>> cl = load_checklist("customer_focus")
    >>> scale_text(cl, cl.items.iloc[0].to_dict(), "en")
    '1–5: 1 Not in place; 2 Ad hoc; 3 Defined; 4 Managed; 5 Optimising'
    """
    scale = checklist.scales[item["scale"]]
    labels = {float(k): v.get(lang) or next(iter(v.values())) for k, v in scale.labels.items()}
    if scale.values:
        return " / ".join(f"{v:g} {labels.get(float(v), k)}" for k, v in
                          sorted(scale.values.items(), key=lambda kv: -kv[1]))
    lo, hi = float(item["scale_min"]), float(item["scale_max"])
    text = f"{lo:g}–{hi:g}"
    if labels:
        text += ": " + "; ".join(f"{k:g} {v}" for k, v in sorted(labels.items()) if lo <= k <= hi)
    return text


def _items(checklist: Checklist) -> list[dict[str, Any]]:
    return checklist.items.to_dict("records")


def write_audit_form(checklist: Checklist, out: str | Path, config: ClientConfig, *, lang: str | None = None,
                     round_id: str | None = None, respondent: str | None = None, role: str | None = None,
                     answers: pd.DataFrame | None = None, roles: Sequence[str] = ()) -> Path:
    """Write one audit form (``.xlsx``, atomically).

    Parameters
    ----------
    checklist : Checklist
    out : str or Path
    config : ClientConfig
        The client the form is for (recorded in the form, checked when it comes back).
    lang : {"zh", "en"}, optional
        Default: the client's report language.
    round_id : str, optional
        The audit round (default: the client's current period).
    respondent, role : str, optional
        Pre-filled respondent and role.
    answers : DataFrame, optional
        Pre-filled answers: ``item_id``, ``score`` and optionally ``evidence``.
    roles : sequence of str
        The roles offered in the role drop-down (other values are accepted with a warning).

    Returns
    -------
    Path
        ``out``.

    See Also
    --------
    form_html : the same form as a printable page.
    threec_helpers.inputs.forms : reads filled forms back as the responses table.

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> from threec_helpers.audit.checklists import load_checklist
    >>> from threec_helpers.inputs.config import load_client_config
    >>> from threec_helpers.paths import client_folder
    >>> out = Path(tempfile.mkdtemp()) / "form.xlsx"
    >>> path = write_audit_form(load_checklist("customer_focus"), out,
    ...                         load_client_config(client_folder("demo_manufacturer")), lang="en")
    >>> path == out and openpyxl.load_workbook(out).sheetnames[0]
    'Form'
    """
    import xlsxwriter

    lang = lang or config.language
    out = Path(out)
    round_id = str(round_id if round_id is not None else config.current_period)
    items = _items(checklist)
    given: dict[str, dict[str, Any]] = {}
    if answers is not None:
        for rec in answers.to_dict("records"):
            given[str(rec["item_id"])] = rec
    with atomic_target(out) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False,
                                            "strings_to_urls": False})
        bold = wb.add_format({"bold": True})
        plain = wb.add_format({"align": "left"})
        title_fmt = wb.add_format({"bold": True, "font_size": 14})
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
        fill = wb.add_format({"bg_color": "#FFF2CC", "border": 1, "valign": "top", "text_wrap": True})
        veto_fmt = wb.add_format({"bold": True, "font_color": "#C00000", "valign": "top"})
        ws = wb.add_worksheet(t("form.sheet", lang))
        meta = wb.add_worksheet(META_SHEET)
        for c, width in enumerate(FORM_WIDTHS):
            ws.set_column(c, c, width)
        ws.write_string(0, 0, t("form.title", lang, checklist=checklist.title_in(lang)), title_fmt)
        how = t("form.how", lang, role_hint=t("form.role_hint.list" if roles else "form.role_hint.free", lang))
        ws.merge_range(1, 0, 1, len(FORM_WIDTHS) - 1, how, wrap)
        ws.set_row(1, row_height([(how, sum(FORM_WIDTHS))]))
        # what the reader sees: names, not ids (the ids are in the hidden sheet, where a returned form is checked)
        block = [("form.client", config.display_name(lang)),
                 ("form.checklist", checklist.title_in(lang)),
                 ("form.round", str(round_id)),
                 ("form.respondent", respondent or ""),
                 ("form.role", role or ""),
                 ("form.date", "")]
        for i, (key, value) in enumerate(block, start=2):
            ws.write_string(i, 0, t(key, lang), bold)
            editable = key in ("form.respondent", "form.role", "form.date")
            ws.merge_range(i, 1, i, 2, value, fill if editable else plain)
        role_row = 6
        if roles:
            meta.write_string(0, 5, "roles")
            for r, name in enumerate(roles, start=1):
                meta.write_string(r, 5, str(name))
            ws.data_validation(role_row, 1, role_row, 1, {
                "validate": "list", "source": f"='{META_SHEET}'!$F$2:$F${len(roles) + 1}", "error_type": "warning",
                "error_title": t("request.invalid_title", lang), "error_message": t("request.invalid_list", lang)})
        header_row = 9
        headers = ["form.col.area", "form.col.item", "form.col.text", "form.col.guidance", "form.col.scale",
                   "form.col.veto", "form.col.score", "form.col.evidence", "form.col.remarks"]
        for c, key in enumerate(headers):
            ws.write_string(header_row, c, t(key, lang), head)
        for k, name in enumerate(("form", "version", "client_id", "checklist", "checklist_version", "round", "lang",
                                  "sheet")):
            value = {"form": FORM_KIND, "version": FORM_VERSION, "client_id": config.client_id,
                     "checklist": checklist.id, "checklist_version": checklist.version, "round": round_id,
                     "lang": lang, "sheet": t("form.sheet", lang)}[name]
            meta.write_string(k, 0, name)
            meta.write_string(k, 1, str(value))
        for c, name in enumerate(("item_id", "min", "max", "values")):
            meta.write_string(META_ITEMS_ROW, c, name)
        score_col = 6
        for n, item in enumerate(items):
            row = header_row + 1 + n
            iid = str(item["item_id"])
            ws.write_string(row, 0, str(item[f"area_title_{lang}"]), wrap)
            ws.write_string(row, 1, iid, wrap)
            ws.write_string(row, 2, str(item[f"text_{lang}"]), wrap)
            ws.write_string(row, 3, str(item[f"evidence_{lang}"] or ""), wrap)
            ws.write_string(row, 4, scale_text(checklist, item, lang), wrap)
            ws.set_row(row, row_height([(item[f"area_title_{lang}"], FORM_WIDTHS[0]), (item[f"text_{lang}"], FORM_WIDTHS[2]),
                                        (item[f"evidence_{lang}"] or "", FORM_WIDTHS[3]),
                                        (scale_text(checklist, item, lang), FORM_WIDTHS[4])], minimum_lines=2))
            if item["veto"]:
                ws.write_string(row, 5, t("form.veto_mark", lang), veto_fmt)
            values = _score_values(checklist, item)
            meta_row = META_ITEMS_ROW + 1 + n
            meta.write_string(meta_row, 0, iid)
            meta.write_number(meta_row, 1, float(item["scale_min"]))
            meta.write_number(meta_row, 2, float(item["scale_max"]))
            # every score the drop-down offers, range scales too: a returned form may hold no other
            meta.write_string(meta_row, 3, ";".join(f"{v:g}" for v in values))
            ws.data_validation(row, score_col, row, score_col, {
                "validate": "list", "source": [f"{v:g}" for v in values], "error_type": "stop",
                "error_title": t("request.invalid_title", lang),
                "error_message": t("form.invalid_score", lang, scale=scale_text(checklist, item, lang))[:250]})
            rec = given.get(iid, {})
            score = rec.get("score")
            if score is not None and not pd.isna(score):
                ws.write_number(row, score_col, float(score), fill)
            else:
                ws.write_blank(row, score_col, None, fill)
            evidence = rec.get("evidence")
            ws.write_string(row, 7, "" if evidence is None or pd.isna(evidence) else str(evidence), fill)
            ws.write_blank(row, 8, None, fill)
        ws.freeze_panes(header_row + 1, 2)
        print_setup(ws, landscape=True, header_row=header_row)
        meta.hide()
        ws.activate()
        wb.close()
    return out


def form_html(checklist: Checklist, config: ClientConfig, *, lang: str | None = None, round_id: str | None = None,
              respondent: str | None = None, role: str | None = None, answers: pd.DataFrame | None = None,
              roles: Sequence[str] = ()) -> str:
    """The audit form as a printable HTML page (A4 landscape), for a PDF of paper rounds.

    Parameters
    ----------
    checklist : Checklist
        The checklist whose items the form lists.
    config : ClientConfig
        The client the form is for.
    lang : {"zh", "en"}, optional
        Language of the form; the client's report language by default.
    round_id : str, optional
        The audit round; the client's current period by default.
    respondent, role : str, optional
        Pre-filled at the top of the form.
    answers : pandas.DataFrame, optional
        ``item_id`` and ``score`` of answers to pre-fill.
    roles : sequence of str
        The roles used so far, named in the instructions (paper has no drop-down); without
        them the instructions ask for the role as free text.

    Returns
    -------
    str
        A complete HTML document (every text escaped), for :func:`threec_helpers.batch.publish.html_to_pdf`.

    See Also
    --------
    write_audit_form : the same form as a workbook.

    Examples
    --------
    >>> from threec_helpers.audit.checklists import load_checklist
    >>> from threec_helpers.inputs.config import load_client_config
    >>> from threec_helpers.paths import client_folder
    >>> page = form_html(load_checklist("customer_focus"), load_client_config(client_folder("demo_manufacturer")),
    ...                  lang="en", respondent="R01", role="sales")
    >>> page.startswith("<!DOCTYPE html>"), "R01" in page
    (True, True)
    """
    lang = lang or config.language
    round_id = str(round_id if round_id is not None else config.current_period)
    given = {} if answers is None else {str(r["item_id"]): r for r in answers.to_dict("records")}
    esc = html.escape
    # paper has no drop-down: tick one box per item; the roles, when known, are listed
    role_hint = (t("form.role_hint.paper_list", lang, roles=("、" if lang == "zh" else ", ").join(map(str, roles)))
                 if roles else t("form.role_hint.free", lang))
    how = t("form.how_paper", lang, role_hint=role_hint)
    rows = []
    for item in _items(checklist):
        rec = given.get(str(item["item_id"]), {})
        score = rec.get("score")
        score_text = "" if score is None or pd.isna(score) else f"{float(score):g}"
        options = " ".join(f"☐ {v:g}" for v in _score_values(checklist, item))
        veto = t("form.veto_mark", lang) if item["veto"] else ""
        rows.append(
            f"<tr><td>{esc(str(item[f'area_title_{lang}']))}</td><td>{esc(str(item['item_id']))}</td>"
            f"<td>{esc(str(item[f'text_{lang}']))}<div class='g'>{esc(str(item[f'evidence_{lang}'] or ''))}</div></td>"
            f"<td class='s'>{esc(scale_text(checklist, item, lang))}<div>{esc(options)}</div></td>"
            f"<td class='v'>{esc(veto)}</td><td class='n'>{esc(score_text)}</td><td></td><td></td></tr>")
    # names, not ids; the client and round cells also feed the running footer (print.css string-set)
    block = "".join(
        f"<tr><th>{esc(t(k, lang))}</th><td class='{cls}'>{esc(v)}</td></tr>" for k, v, cls in (
            ("form.client", config.display_name(lang), "client"),
            ("form.checklist", checklist.title_in(lang), ""), ("form.round", round_id, "round"),
            ("form.respondent", respondent or "", ""), ("form.role", role or "", ""), ("form.date", "", "")))
    heads = "".join(f"<th>{esc(t(k, lang))}</th>" for k in (
        "form.col.area", "form.col.item", "form.col.text", "form.col.scale", "form.col.veto", "form.col.score",
        "form.col.evidence", "form.col.remarks"))
    style = ("@page{size:A4 landscape;margin:12mm}body{font-size:9pt}h1{font-size:14pt}"
             "table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:3px;vertical-align:top}"
             "table.block{width:60%;margin-bottom:8px}table.block td{min-width:60mm;height:14pt}"
             "thead{display:table-header-group}tr{page-break-inside:avoid}.g{color:#555;font-size:8pt}"
             "table.items{break-inside:auto;page-break-inside:auto}"
             "td.client{string-set:client content()}td.round{string-set:period content()}"
             ".s{width:22%}.v{color:#c00000;font-weight:bold}.n{width:6%}td:nth-child(7),td:nth-child(8){width:14%}")
    return (f"<!DOCTYPE html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head><meta charset='utf-8'>"
            f"<style>{style}</style></head><body><h1>{esc(t('form.title', lang, checklist=checklist.title_in(lang)))}"
            f"</h1><p>{esc(how)}</p><table class='block'>{block}</table>"
            f"<table class='items'><thead><tr>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table></body></html>")


def request_options(checklist: Checklist, lang: str) -> dict[str, Any]:
    """What a data-request workbook takes from a client's checklist.

    Parameters
    ----------
    checklist : Checklist
        The client's checklist.
    lang : {"zh", "en"}
        Language of the item texts.

    Returns
    -------
    dict
        Keyword arguments of :func:`threec_helpers.inputs.request.write_request_workbook`:
        ``lists`` (the item ids for ``item_id``, the clauses referred to for ``clause``),
        ``ranges`` (``score``: the lowest and highest score of the checklist's scales and the
        scales in words, e.g. ``1–5``), ``labels`` (``item_id``: id -> item text, for the
        header's comment, since Excel's drop-down shows only the ids).

    Examples
    --------
    >>> from threec_helpers.audit.checklists import load_checklist
    >>> opts = request_options(load_checklist("customer_focus"), "en")
    >>> opts["lists"]["item_id"][:2], opts["ranges"]["score"]
    (['ORG.1', 'ORG.2'], (1.0, 5.0, '1–5'))
    >>> request_options(load_checklist("obstetrics_quality"), "en")["ranges"]["score"]
    (0.0, 10.0, '0–10; 1 / 0.5 / 0')
    """
    items = checklist.items
    lists: dict[str, list[str]] = {"item_id": items["item_id"].astype(str).tolist()}
    clauses = [str(r) for r in items["reference"].dropna().unique() if str(r).strip()]
    if clauses:
        lists["clause"] = clauses
    texts: list[str] = []
    for item in _items(checklist):
        values = _score_values(checklist, item)
        text = (" / ".join(f"{v:g}" for v in values) if checklist.scales[item["scale"]].values
                else f"{float(item['scale_min']):g}–{float(item['scale_max']):g}")
        if text not in texts:
            texts.append(text)
    ranges = {"score": (float(items["scale_min"].min()), float(items["scale_max"].max()), "; ".join(texts))}
    labels = {"item_id": {str(i["item_id"]): str(i[f"text_{lang}"]) for i in _items(checklist)}}
    return {"lists": lists, "ranges": ranges, "labels": labels}


def answers_by_respondent(responses: pd.DataFrame, engagement: str, round_id: str | None = None
                          ) -> tuple[str | None, list[tuple[str, str | None, pd.DataFrame]]]:
    """Split a responses table into (respondent, role, answers) of one round (default: the last).

    Parameters
    ----------
    responses : pandas.DataFrame
        The validated responses table (``focus_responses`` or ``assessment_scores``).
    engagement : {"3c", "clinical"}
        Which responses table it is.
    round_id : str, optional
        The round to split; the last one by default.

    Returns
    -------
    round_id : str or None
    forms : list of (respondent, role, answers)
        ``answers`` has ``item_id``, ``score`` (and ``evidence`` for clinical self-assessments).

    See Also
    --------
    write_audit_form : writes one form per respondent with ``answers``.

    Examples
    --------
    >>> r = pd.DataFrame({"round": ["2026"] * 3, "respondent_id": ["R1", "R1", "R2"],
    ...                   "role": ["sales", "sales", "manager"], "item_id": ["OR.1", "OR.2", "OR.1"],
    ...                   "score": [3, 4, 5]})
    >>> rid, forms = answers_by_respondent(r, "3c")
    >>> rid, [(who, role, len(answers)) for who, role, answers in forms]
    ('2026', [('R1', 'sales', 2), ('R2', 'manager', 1)])
    """
    from .scoring import rounds_of

    who = "respondent_id" if RESPONSES_TABLE.get(engagement) == "focus_responses" else "assessor"
    rounds = rounds_of(responses)
    if round_id is None:
        round_id = rounds[-1] if rounds else None
    frame = responses if round_id is None else responses[responses["round"].astype(str) == str(round_id)]
    out = []
    for person, part in frame.groupby(frame[who].astype(str), sort=True):
        roles = part["role"].dropna().astype(str).unique() if "role" in part.columns else []
        cols = [c for c in ("item_id", "score", "evidence") if c in part.columns]
        out.append((str(person), str(roles[0]) if len(roles) else None, part[cols]))
    return round_id, out
