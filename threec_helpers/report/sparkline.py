"""Small inline SVG trend charts for the briefing (one per quality objective).

The briefing is HTML rendered to PDF by WeasyPrint, which draws inline SVG; a few lines of
SVG per objective need no image files, no matplotlib and no fonts beyond the page's. Every
text placed in the SVG is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

GOOD = "#2e7d32"
BAD = "#c62828"
LINE = "#1f4e79"
TARGET = "#888888"


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.2f}".rstrip("0").rstrip(".")


def sparkline_svg(values: Sequence[float | None], target: float | None = None,
                  met: Sequence[bool | None] | None = None, labels: tuple[str, str] = ("", ""),
                  width: int = 230, height: int = 78) -> str:
    """An SVG line of ``values`` with a dashed target line and green/red dots for met/missed months.

    Parameters
    ----------
    values : sequence of float or None
        One value per month; None leaves a gap.
    target : float, optional
        Drawn as a dashed horizontal line.
    met : sequence of bool or None, optional
        Per month: green dot when True, red when False, none when None.
    labels : (str, str)
        The first and last month, printed under the line.
    width, height : int
        Size in CSS pixels.

    Returns
    -------
    str
        An ``<svg>`` element.

    Examples
    --------
    >>> svg = sparkline_svg([99.0, None, 100.0], 98.0, [True, None, True], ("2026-08", "2026-10"))
    >>> svg.startswith("<svg") and svg.count("<circle") == 2 and "stroke-dasharray" in svg
    True
    >>> "<script" in sparkline_svg([1.0], labels=("<script>", ""))
    False

    The target's label moves aside when the last value's label would cover it:

    >>> import re
    >>> ys = [float(y) for y in re.findall(r'<text x="[^"]+" y="([^"]+)" font-size="9"', sparkline_svg([99.0, 100.0], 100.0))]
    >>> abs(ys[0] - ys[1]) >= 10
    True
    """
    pad_l, pad_r, pad_t, pad_b = 6, 40, 8, 16
    nums = [float(v) for v in values if v is not None]
    span = nums + ([float(target)] if target is not None else [])
    if not span:
        span = [0.0, 1.0]
    lo, hi = min(span), max(span)
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    margin = (hi - lo) * 0.12
    lo, hi = lo - margin, hi + margin
    n = max(len(values), 2)
    w, h = width - pad_l - pad_r, height - pad_t - pad_b

    def x(i: int) -> float:
        return pad_l + w * i / (n - 1)

    def y(v: float) -> float:
        return pad_t + h * (hi - v) / (hi - lo)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" class="sparkline" role="img">']
    last = next((float(v) for v in reversed(list(values)) if v is not None), None)
    last_y = y(last) - 4 if last is not None else None
    if target is not None:
        ty = y(float(target))
        parts.append(f'<line x1="{pad_l}" y1="{ty:.1f}" x2="{pad_l + w}" y2="{ty:.1f}" stroke="{TARGET}" '
                     f'stroke-width="1" stroke-dasharray="4 3"/>')
        label_y = ty + 3
        if last_y is not None and abs(label_y - last_y) < 10:  # the last value's label sits there: move aside
            label_y = last_y + 10 if label_y >= last_y else last_y - 10
        label_y = min(max(label_y, 8.0), float(height - pad_b))
        parts.append(f'<text x="{pad_l + w + 3}" y="{label_y:.1f}" font-size="9" fill="{TARGET}">'
                     f'{html.escape(_fmt(float(target)))}</text>')
    segment: list[str] = []
    for i, v in enumerate(list(values) + [None]):
        if v is None:
            if len(segment) > 1:
                parts.append(f'<polyline fill="none" stroke="{LINE}" stroke-width="1.6" points="{" ".join(segment)}"/>')
            segment = []
        else:
            segment.append(f"{x(i):.1f},{y(float(v)):.1f}")
    for i, v in enumerate(values):
        if v is None or met is None or i >= len(met) or met[i] is None:
            continue
        parts.append(f'<circle cx="{x(i):.1f}" cy="{y(float(v)):.1f}" r="2.4" fill="{GOOD if met[i] else BAD}"/>')
    if last is not None:
        parts.append(f'<text x="{pad_l + w + 3}" y="{last_y:.1f}" font-size="9" font-weight="bold" '
                     f'fill="{LINE}">{html.escape(_fmt(last))}</text>')
    parts.append(f'<text x="{pad_l}" y="{height - 3}" font-size="8" fill="#555">{html.escape(labels[0])}</text>')
    parts.append(f'<text x="{pad_l + w}" y="{height - 3}" font-size="8" fill="#555" text-anchor="end">'
                 f'{html.escape(labels[1])}</text>')
    parts.append("</svg>")
    return "".join(parts)
