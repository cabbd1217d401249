"""The portfolio: one row per client of a batch, at the top of ``reports/<batch>/index.html``.

A consultant looks after many clients; the portfolio says which need attention. Each row
holds the client's latest period in the batch folder and, from its results files only:

- the headline figures of its engagement (:data:`HEADLINES`), each with its status:
  ISO 9001 utilisation and objectives met; 3C revenue, operating profit (or gross margin,
  as the results file labels it), retention and the customer-focus score; clinical overall
  score and vetoes failed;
- open and overdue findings (ISO: internal-audit findings; clinical: rectification
  actions);
- the change since the client's previous period in the batch folder, figure by figure,
  judged by each figure's declared good direction (:mod:`threec_helpers.report.catalog`);
- links to every output of the latest period, and to the briefing of every period.

:func:`portfolio_rows` computes the rows (pure data, no HTML), :func:`portfolio_html`
renders the sortable, filterable table (inline JavaScript, no network) and
:func:`portfolio_xlsx` the same table as ``portfolio.xlsx``.
"""

from __future__ import annotations

import html as _html
import io
import math
from pathlib import Path
from typing import Any

from ..i18n import has_key, t
from ..report.catalog import figure
from ..report.results import not_assessed_info, read_results
from ..report.trends import verdict

#: engagement -> the headline figures of its portfolio row, (notebook, key), in order
HEADLINES: dict[str, list[tuple[str, str]]] = {
    "iso9001": [("iso9001_certification_audit", "utilisation"), ("iso9001_certification_audit", "objectives_met")],
    "3c": [("02_analysis", "revenue"), ("02_analysis", "operating_profit"), ("02_analysis", "retention"),
           ("customer_focus_audit", "overall_score")],
    "clinical": [("clinical_quality_self_assessment", "overall_score"),
                 ("clinical_quality_self_assessment", "vetoes_failed")],
}
#: the most figures any engagement shows (the table's figure columns)
N_FIGURES = max(len(v) for v in HEADLINES.values())
#: tables whose rows are findings or actions: (notebook, table, "open" column or None = every row is open)
FINDING_TABLES = (("iso9001_certification_audit", "open_findings", None),
                  ("clinical_quality_self_assessment", "rectifications", "is_open"))
#: open findings as a headline figure, where the notebook records it
FINDING_FIGURES = (("iso9001_certification_audit", "open_findings"),
                   ("clinical_quality_self_assessment", "open_rectifications"))
_SEVERITY = {"bad": 3, "warn": 2, "good": 1, "neutral": 0}
#: labels the portfolio gives a figure instead of the contract's (an "overall score" alone says too little)
LABELS = {("customer_focus_audit", "overall_score"): "portfolio.kf.focus_score"}


def _label(notebook: str, key: str, payload_label: str, results_lang: str | None, lang: str) -> str:
    """The figure's name in ``lang``: the contract's, or its variant the results file declares
    (operating profit shown as gross margin when the client has no cost-to-serve data)."""
    if (notebook, key) in LABELS:
        return t(LABELS[(notebook, key)], lang)
    spec = figure(notebook, key)
    if spec is None:
        return payload_label or key
    for variant in (f"{spec.label}_gross",):
        if has_key(variant) and results_lang in ("zh", "en") and payload_label == t(variant, results_lang):
            return t(variant, lang)
    return t(spec.label, lang)


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        return None
    return float(value)


def _headline(results: dict[str, dict[str, Any]], notebook: str, key: str) -> dict[str, Any] | None:
    return next((h for h in (results.get(notebook) or {}).get("headline") or [] if h.get("key") == key), None)


def _findings(results: dict[str, dict[str, Any]]) -> tuple[int | None, int | None]:
    open_n = overdue = None
    for nb, table, open_col in FINDING_TABLES:
        rows = ((results.get(nb) or {}).get("tables") or {}).get(table)
        if isinstance(rows, list):
            rows = [r for r in rows if isinstance(r, dict) and (open_col is None or r.get(open_col))]
            open_n = (open_n or 0) + len(rows)
            overdue = (overdue or 0) + sum(1 for r in rows if r.get("overdue") is True)
    for nb, key in FINDING_FIGURES:
        h = _headline(results, nb, key)
        if h is not None and _num(h.get("value")) is not None and open_n is None:
            open_n = int(h["value"])
    return open_n, overdue


def portfolio_rows(out_dir: str | Path, jobs: list[dict[str, Any]], briefings: list[dict[str, Any]], lang: str, *,
                   order: dict[str, list[str]] | None = None) -> list[dict[str, Any]]:
    """One row per client of the batch: its latest period's headline figures, findings, change, links.

    Parameters
    ----------
    out_dir : path
        The batch folder ``reports/<batch>``.
    jobs, briefings : list of dict
        The records of ``batch-summary.json`` (status, outputs relative to ``out_dir``).
    lang : {"zh", "en"}
        The consultant's language (the index's): figure names come from the results contract.
    order : dict, optional
        client -> its period ids in time order (default: sorted ids).

    Returns
    -------
    list of dict
        ``client_id, client_name, engagement, period, previous_period, status, figures``
        (``label, text, value, status, change, verdict``), ``open_findings, overdue_findings,
        better, worse, links`` (``label, href``), ``periods`` (``period, href``).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> jobs = [{"client_id": "acme", "period": "-"}]  # a client whose jobs never got a period
    >>> row = portfolio_rows(folder, jobs, [], "en")[0]
    >>> row["client_id"], row["period"], row["status"]
    ('acme', '-', 'failed')
    """
    out_dir = Path(out_dir)
    by_client: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for rec in jobs:
        if rec.get("period") in (None, "-"):
            by_client.setdefault(rec["client_id"], {})
            continue
        by_client.setdefault(rec["client_id"], {}).setdefault(rec["period"], []).append(rec)
    briefs = {(b.get("client_id"), b.get("period")): b for b in briefings}
    rows = []
    for client, periods in sorted(by_client.items()):
        known = (order or {}).get(client) or []
        ids = sorted(periods, key=lambda p: (known.index(p) if p in known else len(known), p))
        name = next((r.get("client_name") for recs in periods.values() for r in recs if r.get("client_name")), "")
        engagement = next((r.get("engagement") for recs in periods.values() for r in recs if r.get("engagement")), "")
        row: dict[str, Any] = {"client_id": client, "client_name": name or client, "engagement": engagement,
                               "engagement_label": t(f"portfolio.engagement.{engagement}", lang)
                               if engagement in HEADLINES else engagement or "-",
                               "period": ids[-1] if ids else "-", "previous_period": ids[-2] if len(ids) > 1 else "",
                               "figures": [], "open_findings": None, "overdue_findings": None, "better": 0,
                               "worse": 0, "links": [], "periods": [], "status": "failed" if not ids else "neutral"}
        if not ids:
            rows.append(row)
            continue
        period = ids[-1]
        results = read_results(out_dir / client / period)
        before = read_results(out_dir / client / ids[-2]) if len(ids) > 1 else {}
        recs = sorted(periods[period], key=lambda r: (r.get("order", 0), r.get("notebook", "")))
        worst = 0
        for nb, key in HEADLINES.get(engagement, []):
            h = _headline(results, nb, key)
            spec = figure(nb, key)
            label = _label(nb, key, str((h or {}).get("label", "")), (results.get(nb) or {}).get("lang"), lang)
            cell = {"key": key, "label": label, "text": "", "value": None, "status": "neutral", "change": "",
                    "verdict": 0}
            if h is not None:
                cell.update(text=str(h.get("text", "")), value=_num(h.get("value")), status=h.get("status", "neutral"))
                worst = max(worst, _SEVERITY.get(cell["status"], 0))
                p = _headline(before, nb, key)
                a, b = (_num(p.get("value")) if p else None), cell["value"]
                if a is not None and b is not None:
                    cell["verdict"] = verdict(spec.good if spec else "none", a, b)
                    cell["change"] = ("▲ " if b > a else "▼ " if b < a else "= ") + t(
                        "portfolio.from", lang, period=ids[-2], text=p.get("text", ""))
            row["figures"].append(cell)
        row["better"] = sum(1 for c in row["figures"] if c["verdict"] > 0)
        row["worse"] = sum(1 for c in row["figures"] if c["verdict"] < 0)
        row["open_findings"], row["overdue_findings"] = _findings(results)
        statuses = {r.get("status") for r in recs}
        assessed = [nb for nb, payload in results.items() if not_assessed_info(payload) is None]
        if "failed" in statuses:
            row["status"] = "failed"
        elif not assessed:
            row["status"] = "not_assessed"
        else:
            row["status"] = {3: "bad", 2: "warn", 1: "good", 0: "neutral"}[worst]
        brief = briefs.get((client, period))
        for fmt, path in sorted(((brief or {}).get("outputs") or {}).items()):
            row["links"].append({"label": f"{t('batch.index.briefing', lang)} {t('batch.format.' + fmt, lang)}",
                                 "href": path})
        for rec in recs:
            for fmt in ("html", "pdf", "slides", "xlsx"):
                if fmt in (rec.get("outputs") or {}):
                    row["links"].append({"label": f"{rec.get('title') or rec.get('notebook')} "
                                                  f"{t('batch.format.' + fmt, lang)}",
                                         "href": rec["outputs"][fmt]})
        for pid in ids:
            b = briefs.get((client, pid))
            href = ((b or {}).get("outputs") or {}).get("html") or next(
                (r["outputs"]["html"] for r in periods[pid] if "html" in (r.get("outputs") or {})), "")
            row["periods"].append({"period": pid, "href": href})
        rows.append(row)
    return rows


def _columns(lang: str) -> list[str]:
    return ([t("portfolio.col.client", lang), t("portfolio.col.engagement", lang), t("portfolio.col.period", lang),
             t("portfolio.col.status", lang)]
            + [t("portfolio.col.figure", lang, n=i + 1) for i in range(N_FIGURES)]
            + [t("portfolio.col.open", lang), t("portfolio.col.overdue", lang), t("portfolio.col.change", lang)])


def _esc(text: Any) -> str:
    return _html.escape("" if text is None else str(text))


#: the inline script: sort by a header click (numbers as numbers), filter by text and engagement
SCRIPT = """<script>
(function(){var tb=document.getElementById('portfolio');if(!tb)return;var body=tb.tBodies[0];
var rows=Array.prototype.filter.call(body.rows,function(r){return !r.classList.contains('portfolio-links');});
var links=rows.map(function(r){return r.nextElementSibling;});
function key(r,i){var c=r.cells[i];var v=c.getAttribute('data-sort');if(v===null)v=c.textContent.trim();
var n=parseFloat(v);return isNaN(n)||!/^[-+0-9.eE]+$/.test(v)?v.toLowerCase():n;}
Array.prototype.forEach.call(tb.tHead.rows[0].cells,function(th,i){th.addEventListener('click',function(){
var asc=th.getAttribute('aria-sort')!=='ascending';Array.prototype.forEach.call(tb.tHead.rows[0].cells,
function(h){h.removeAttribute('aria-sort');});th.setAttribute('aria-sort',asc?'ascending':'descending');
var idx=rows.map(function(r,k){return k;});idx.sort(function(a,b){var x=key(rows[a],i),y=key(rows[b],i);
if(x===''&&y!=='')return 1;if(y===''&&x!=='')return -1;if(typeof x!==typeof y){x=String(x);y=String(y);}
return (x<y?-1:x>y?1:a-b)*(asc?1:-1);});var f=document.createDocumentFragment();
idx.forEach(function(k){f.appendChild(rows[k]);if(links[k])f.appendChild(links[k]);});body.appendChild(f);});});
var q=document.getElementById('portfolio-filter'),e=document.getElementById('portfolio-engagement');
function apply(){var s=(q.value||'').toLowerCase(),g=e.value;rows.forEach(function(r,k){
var ok=(!s||r.textContent.toLowerCase().indexOf(s)>=0)&&(!g||r.getAttribute('data-engagement')===g);
r.style.display=ok?'':'none';if(links[k])links[k].style.display=ok?'':'none';});}
q.addEventListener('input',apply);e.addEventListener('change',apply);})();
</script>"""


def portfolio_html(rows: list[dict[str, Any]], lang: str, *, xlsx: str | None = "portfolio.xlsx") -> str:
    """The portfolio table: sortable (click a header), filterable (text, engagement), with links.

    Parameters
    ----------
    rows : list of dict
        :func:`portfolio_rows`.
    lang : {"zh", "en"}
    xlsx : str or None
        The link to the workbook beside it (None: no link).

    Returns
    -------
    str
        HTML; empty when there are no rows.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> jobs = [{"client_id": "acme", "period": "-"}]  # a client whose jobs never got a period
    >>> portfolio_html([], "en"), "acme" in portfolio_html(portfolio_rows(folder, jobs, [], "en"), "en")
    ('', True)
    """
    if not rows:
        return ""
    head = "".join(f'<th scope="col" class="sortable">{_esc(c)}</th>' for c in _columns(lang))
    engagements = sorted({r["engagement"] for r in rows if r["engagement"]})
    body = []
    for r in rows:
        cells = [(f'<td data-sort="{_esc(r["client_name"])}"><strong>{_esc(r["client_name"])}</strong>'
                 f'<div class="muted">{_esc(r["client_id"])}</div></td>'),
                 f"<td>{_esc(r['engagement_label'])}</td>",
                 f'<td data-sort="{_esc(r["period"])}">{_esc(r["period"])}</td>',
                 (f'<td data-sort="{_SEVERITY.get(r["status"], 4 if r["status"] == "failed" else 0)}">'
                 f'<span class="status {_esc(r["status"])}">{_esc(t("portfolio.status." + r["status"], lang))}'
                 f"</span></td>")]
        figs = r["figures"] + [None] * (N_FIGURES - len(r["figures"]))
        for c in figs:
            if c is None:
                cells.append('<td data-sort=""></td>')
                continue
            change = (f'<div class="change {("better", "same", "worse")[1 - c["verdict"]]}">{_esc(c["change"])}</div>'
                      if c["change"] else "")
            sort = "" if c["value"] is None else repr(c["value"])
            cells.append(f'<td class="num" data-sort="{sort}"><div class="muted">{_esc(c["label"])}</div>'
                         f'<span class="status {_esc(c["status"])}">{_esc(c["text"] or "–")}</span>{change}</td>')
        for n in (r["open_findings"], r["overdue_findings"]):
            cells.append(f'<td class="num" data-sort="{"" if n is None else n}">{"–" if n is None else n}</td>')
        cells.append(f'<td data-sort="{r["better"] - r["worse"]}">'
                     + (_esc(t("portfolio.change", lang, better=r["better"], worse=r["worse"],
                                previous=r["previous_period"])) if r["previous_period"] else "–") + "</td>")
        links = " ".join(f'<a href="{_esc(x["href"])}">{_esc(x["label"])}</a>' for x in r["links"])
        periods = " ".join(f'<a href="{_esc(p["href"])}">{_esc(p["period"])}</a>' if p["href"]
                           else _esc(p["period"]) for p in r["periods"])
        body.append(f'<tr data-engagement="{_esc(r["engagement"])}">{"".join(cells)}</tr>'
                    f'<tr class="portfolio-links" data-engagement="{_esc(r["engagement"])}"><td colspan="'
                    f'{len(_columns(lang))}"><span class="links">{links}</span>'
                    f'<div class="muted">{_esc(t("portfolio.periods", lang))}: {periods}</div></td></tr>')
    options = "".join(f'<option value="{_esc(e)}">{_esc(t("portfolio.engagement." + e, lang))}</option>'
                      for e in engagements if e in HEADLINES)
    download = f' <a href="{_esc(xlsx)}">{_esc(t("portfolio.xlsx", lang))}</a>' if xlsx else ""
    style = ("<style>.portfolio th.sortable{cursor:pointer}.portfolio th[aria-sort=ascending]::after{content:' ▲'}"
             ".portfolio th[aria-sort=descending]::after{content:' ▼'}.portfolio .change{font-size:.85em}"
             ".portfolio .change.better{color:#1a7f37}.portfolio .change.worse{color:#c62828}"
             ".portfolio tr.portfolio-links td{border-top:none;font-size:.85em}</style>")
    return (f'{style}<section class="block portfolio" id="portfolio-section"><h2>{_esc(t("portfolio.title", lang))}</h2>'
            f'<p class="muted">{_esc(t("portfolio.intro", lang))}{download}</p>'
            f'<p><input id="portfolio-filter" type="search" placeholder="{_esc(t("portfolio.filter", lang))}"> '
            f'<select id="portfolio-engagement"><option value="">{_esc(t("portfolio.all", lang))}</option>{options}'
            f'</select></p><table id="portfolio"><thead><tr>{head}</tr></thead><tbody id="portfolio-rows">{"".join(body)}</tbody></table>'
            f"{SCRIPT}</section>")


def portfolio_xlsx(rows: list[dict[str, Any]], lang: str) -> bytes:
    """The portfolio table as an XLSX workbook (one sheet; figures as numbers with their text and status).

    Parameters
    ----------
    rows : list of dict
        :func:`portfolio_rows`.
    lang : {"zh", "en"}

    Returns
    -------
    bytes
        The workbook.

    Examples
    --------
    >>> import tempfile
    >>> rows = portfolio_rows(tempfile.mkdtemp(), [{"client_id": "acme", "period": "-"}], [], "en")
    >>> portfolio_xlsx(rows, "en")[:2]
    b'PK'
    """
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = t("portfolio.sheet", lang)[:31]
    head = [t("portfolio.col.client", lang), t("portfolio.col.client_id", lang), t("portfolio.col.engagement", lang),
            t("portfolio.col.period", lang), t("portfolio.col.status", lang)]
    for i in range(N_FIGURES):
        n = i + 1
        head += [t("portfolio.col.figure", lang, n=n), t("portfolio.col.value", lang, n=n),
                 t("portfolio.col.fig_status", lang, n=n), t("portfolio.col.fig_change", lang, n=n)]
    head += [t("portfolio.col.open", lang), t("portfolio.col.overdue", lang), t("portfolio.col.previous", lang),
             t("portfolio.col.better", lang), t("portfolio.col.worse", lang), t("portfolio.col.briefing", lang)]
    ws.append(head)
    for r in rows:
        line: list[Any] = [r["client_name"], r["client_id"], r["engagement_label"], r["period"],
                           t("portfolio.status." + r["status"], lang)]
        figs = r["figures"] + [None] * (N_FIGURES - len(r["figures"]))
        for c in figs:
            line += ([c["label"], c["value"] if c["value"] is not None else c["text"],
                      t("portfolio.status." + c["status"], lang), c["verdict"]] if c else [None] * 4)
        brief = next((x["href"] for x in r["links"] if x["href"].endswith("briefing.html")), None)
        line += [r["open_findings"], r["overdue_findings"], r["previous_period"] or None, r["better"], r["worse"], brief]
        ws.append(line)
    ws.freeze_panes = "B2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def period_order(client_ids: list[str], data_root: str | Path | None) -> dict[str, list[str]]:
    """client -> its period ids by start date, from each ``client.yaml`` (clients without one left out).

    Parameters
    ----------
    client_ids : list of str
    data_root : path or None
        The folder of client folders (None: the default).

    Returns
    -------
    dict
        client -> period ids.

    Examples
    --------
    >>> import tempfile
    >>> period_order(["nobody"], tempfile.mkdtemp())
    {}
    """
    from ..inputs.config import load_client_config
    from ..paths import client_folder

    out = {}
    for cid in client_ids:
        try:
            cfg = load_client_config(client_folder(cid, Path(data_root) if data_root else None))
        except Exception:  # noqa: BLE001, S112 - an unknown client: its periods sort by id
            continue
        out[cid] = [p.id for p in sorted(cfg.periods, key=lambda p: (p.start, p.end))]
    return out


def write_portfolio(out_dir: str | Path, jobs: list[dict[str, Any]], briefings: list[dict[str, Any]], lang: str, *,
                    data_root: str | Path | None = None) -> str:
    """Write ``portfolio.xlsx`` into the batch folder (atomically) and return the portfolio's HTML.

    Parameters
    ----------
    out_dir : path
        The batch folder.
    jobs, briefings : list of dict
        The records of ``batch-summary.json``.
    lang : {"zh", "en"}
    data_root : path, optional
        The folder of client folders (for the periods' order).

    Returns
    -------
    str
        :func:`portfolio_html`.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> jobs = [{"client_id": "acme", "period": "-"}]  # a client whose jobs never got a period
    >>> "acme" in write_portfolio(folder, jobs, [], "en"), (folder / "portfolio.xlsx").is_file()
    (True, True)
    """
    from ..storage import write_bytes_atomic

    out_dir = Path(out_dir)
    rows = portfolio_rows(out_dir, jobs, briefings, lang,
                          order=period_order(sorted({j["client_id"] for j in jobs}), data_root))
    if not rows:
        return ""
    write_bytes_atomic(out_dir / "portfolio.xlsx", portfolio_xlsx(rows, lang))
    return portfolio_html(rows, lang)
