"""Trend small multiples: one card per key figure with an inline SVG sparkline and its target.

Pure SVG in HTML (no JavaScript, no fonts, no files), so the same markup works in the HTML
briefing, its PDF and offline. The trends themselves are computed by
:func:`threec_helpers.report.trends.figure_trends`; this module only draws them.
"""

from __future__ import annotations

import html
from typing import Any

#: sparkline size in CSS pixels
WIDTH, HEIGHT, PAD = 180, 44, 5
_COLOURS = {1: "#1a7f37", -1: "#c62828", 0: "#4a5568"}


def sparkline_svg(values: list[float], target: float | None = None, *, verdict: int = 0,
                  title: str = "") -> str:
    """An inline SVG sparkline of ``values`` (oldest first), the last point marked, ``target`` dashed.

    Examples
    --------
    >>> svg = sparkline_svg([1, 3, 2], target=2.5, verdict=-1)
    >>> svg.startswith("<svg") and "stroke-dasharray" in svg and svg.count("<circle") == 1
    True
    """
    pts = [float(v) for v in values]
    lo = min(pts + ([target] if target is not None else []))
    hi = max(pts + ([target] if target is not None else []))
    span = (hi - lo) or 1.0
    n = len(pts)

    def x(i: int) -> float:
        return PAD + (WIDTH - 2 * PAD) * (i / (n - 1) if n > 1 else 0.5)

    def y(v: float) -> float:
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * ((v - lo) / span)

    colour = _COLOURS.get(verdict, _COLOURS[0])
    path = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(pts))
    parts = [(f'<svg class="sparkline" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
              f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{html.escape(title)}">')]
    if title:
        parts.append(f"<title>{html.escape(title)}</title>")
    if target is not None:
        ty = y(target)
        parts.append(f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#8a94a6" '
                     f'stroke-width="1" stroke-dasharray="3,3"/>')
    parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.8" points="{path}"/>')
    parts.append(f'<circle cx="{x(n - 1):.1f}" cy="{y(pts[-1]):.1f}" r="2.8" fill="{colour}"/>')
    parts.append("</svg>")
    return "".join(parts)


def small_multiples_html(trends: list[dict[str, Any]], target_label: str = "{value}") -> str:
    """The trends as a grid of cards: label, this period's value, sparkline, first to last period, words.

    Parameters
    ----------
    trends : list of dict
        From :func:`threec_helpers.report.trends.figure_trends`.
    target_label : str
        How a target is introduced, with ``{value}`` (``"target {value}"`` / ``"目标 {value}"``).
    """
    cards = []
    for tr in trends:
        label = html.escape(str(tr.get("label", "")))
        texts = tr.get("texts") or []
        periods = tr.get("periods") or []
        title = " · ".join(f"{p} {v}" for p, v in zip(periods, texts))
        svg = sparkline_svg(tr["values"], tr.get("target"), verdict=int(tr.get("verdict") or 0), title=title)
        target = tr.get("target")
        target_txt = (f'<div class="trend-target muted">{html.escape(target_label.format(value=_short(target)))}'
                      f"</div>" if target is not None else "")
        verdict = {1: "better", -1: "worse"}.get(int(tr.get("verdict") or 0), "same")
        cards.append(
            f'<div class="trend-card {verdict}" data-key="{html.escape(str(tr.get("key", "")))}">'
            f'<div class="label">{label}</div>'
            f'<div class="value">{html.escape(texts[-1] if texts else "")}</div>{svg}'
            f'<div class="trend-span muted">{html.escape(periods[0] if periods else "")}: '
            f'{html.escape(texts[0] if texts else "")}</div>'
            f'{target_txt}<div class="trend-words {verdict}">{html.escape(str(tr.get("words", "")))}</div></div>')
    # inline blocks, not a CSS grid: the PDF engine lays them out three to a row as well
    style = ('<style>.trend-grid{margin:8px 0;font-size:0}.trend-card{display:inline-block;vertical-align:top;'
             'box-sizing:border-box;width:31.5%;min-width:200px;margin:0 1.5% 8px 0;font-size:10pt;'
             'border:1px solid #d5dbe3;border-radius:4px;padding:6px 8px;'
             'break-inside:avoid;page-break-inside:avoid}.trend-card .label{font-size:.85em}'
             '.trend-card .value{font-weight:600}.trend-words.worse{color:#c62828}.trend-words.better{color:#1a7f37}'
             '.trend-span,.trend-target{font-size:.75em}</style>')
    return style + '<div class="trend-grid">' + "".join(cards) + "</div>" if cards else ""


def _short(value: float) -> str:
    if abs(value) <= 1.5 and value != int(value):
        return f"{value * 100:.0f}%"
    return f"{value:,.1f}".rstrip("0").rstrip(".")


def objective_trends_figure(charts: list[dict[str, Any]], target_label: str = "target", columns: int = 3):
    """The briefing's objective trends as one matplotlib figure of small panels, for Word.

    The HTML and PDF briefing draws each trend as inline SVG
    (:func:`threec_helpers.report.sparkline.sparkline_svg`); a Word document needs a picture,
    so the same data (months, values, target, met per month) is drawn here: the line, the
    target dashed and labelled, green and red dots for months met and missed, the first and
    last month under each panel.

    Parameters
    ----------
    charts : list of dict
        Each with ``title``, ``values`` (None for a month without a value), and optionally
        ``target``, ``met`` and ``months``.
    target_label : str
        The word for the target in the panels' legend (``"目标"`` / ``"target"``).
    columns : int
        Panels per row.

    Returns
    -------
    matplotlib.figure.Figure or None
        None when no chart has a value.

    Examples
    --------
    >>> fig = objective_trends_figure([{"title": "Answer rate (%)", "values": [97.0, None, 99.5],
    ...                                  "target": 98.0, "met": [False, None, True],
    ...                                  "months": ["2026-08", "2026-09", "2026-10"]}])
    >>> len(fig.axes), fig.axes[0].get_title()
    (1, 'Answer rate (%)')
    """
    from matplotlib.figure import Figure

    from .style import apply_style

    usable = [c for c in charts if any(v is not None for v in c.get("values") or [])]
    if not usable:
        return None
    apply_style()
    cols = min(columns, len(usable))
    rows = -(-len(usable) // cols)
    fig = Figure(figsize=(3.2 * cols, 1.9 * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax in axes.flat[len(usable):]:
        ax.set_visible(False)
    for ax, chart in zip(axes.flat, usable):
        values = [None if v is None else float(v) for v in chart["values"]]
        xs = list(range(len(values)))
        ax.plot(xs, [float("nan") if v is None else v for v in values], color="#1f4e79", linewidth=1.6)
        met = chart.get("met") or []
        for i, v in enumerate(values):
            if v is not None and i < len(met) and met[i] is not None:
                ax.plot([i], [v], marker="o", markersize=3.5, color="#2e7d32" if met[i] else "#c62828")
        target = chart.get("target")
        if target is not None:
            ax.axhline(float(target), color="#888888", linewidth=1, linestyle=(0, (4, 3)),
                       label=f"{target_label} {float(target):g}")
            ax.legend(loc="best", fontsize=7, frameon=False, handlelength=1.5)
        ax.set_title(str(chart.get("title") or ""), fontsize=9)
        months = chart.get("months") or []
        ax.set_xticks([0, len(values) - 1] if len(values) > 1 else [0])
        ax.set_xticklabels([str(months[0]), str(months[-1])] if len(months) > 1 else [str(m) for m in months[:1]],
                           fontsize=7)
        ax.tick_params(axis="y", labelsize=7)
        ax.grid(axis="x", visible=False)
    return fig
