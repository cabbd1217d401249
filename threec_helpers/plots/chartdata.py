"""The data behind a report's charts, recorded so that other formats can redraw them natively.

Every chart a notebook shows goes through ``ctx.figure(fig)``
(:meth:`threec_helpers.report.context.NotebookContext.figure`), which records one entry per
figure under ``"charts"`` in the results file (the results contract,
:mod:`threec_helpers.report.results`)::

    {"title": "客户金字塔 2026", "panels": [
        {"kind": "bar", "title": "...", "categories": ["顶级", "大", ...],
         "series": [{"name": "客户数", "values": [12, 40, ...]}],
         "percent": false, "x_title": "", "y_title": ""}]}

``kind`` is one of :data:`KINDS`: ``column`` / ``bar`` (vertical / horizontal bars; with
``"stacked": true`` stacked), ``line``, ``pie``, ``radar`` and ``scatter`` (each series with
``x`` and ``values``). The PowerPoint deck (:mod:`threec_helpers.batch.powerpoint`) draws
them as native, editable charts with this data embedded.

Where a chart's drawing is not its data (the customer pyramid's bar widths are a shape, its
numbers are in the labels; a control chart's limits are step lines), the plot function
says what the data are with :func:`attach` and that wins; otherwise :func:`extract` reads
the drawn artists: bars, lines (a constant ``axhline`` becomes a constant series, as a
control chart's centre line or a target), pie wedges, polar lines (radar), heat maps (one
column series per row) and scatter points. Anything it cannot read gives no panel, and the
other formats keep the picture. Extraction never raises: a notebook never fails for it.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

#: chart kinds a panel may have
KINDS = ("column", "bar", "line", "pie", "radar", "scatter")
#: the attribute a plot function sets on its Figure (:func:`attach`)
ATTRIBUTE = "threec_chart"
#: at most this many points per line series (longer curves are thinned evenly, ends kept)
MAX_POINTS = 200
MAX_SERIES = 24


def panel(kind: str, categories: Sequence[Any], series: Sequence[tuple[str, Sequence[Any]]], *, title: str = "",
          percent: bool = False, stacked: bool = False, x_title: str = "", y_title: str = "") -> dict[str, Any]:
    """One chart panel in the recorded form (see the module docstring).

    Examples
    --------
    >>> p = panel("column", ["a", "b"], [("n", [1, 2.5])])
    >>> p["kind"], p["categories"], p["series"][0]["values"]
    ('column', ['a', 'b'], [1.0, 2.5])
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    return {"kind": kind, "title": str(title or ""), "categories": [_label(c) for c in categories],
            "series": [{"name": str(name), "values": [_num(v) for v in values]} for name, values in series],
            "percent": bool(percent), "stacked": bool(stacked), "x_title": str(x_title or ""),
            "y_title": str(y_title or "")}


def attach(fig, panels: list[dict[str, Any]], title: str = "") -> None:
    """Say what a figure's data are (:func:`panel` entries); :func:`record` then uses them."""
    setattr(fig, ATTRIBUTE, {"title": str(title or ""), "panels": list(panels)})


def record(fig) -> dict[str, Any]:
    """The recorded entry of one figure: its title and panels (never raises)."""
    given = getattr(fig, ATTRIBUTE, None)
    if isinstance(given, dict):
        return {"title": given.get("title") or _figure_title(fig), "panels": list(given.get("panels") or [])}
    try:
        return {"title": _figure_title(fig), "panels": extract(fig)}
    except Exception:  # noqa: BLE001 - a chart we cannot read stays a picture
        return {"title": _safe_title(fig), "panels": []}


# --------------------------------------------------------------------------- helpers


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _label(v: Any) -> str:
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return str(int(f)) if f.is_integer() else f"{f:.4g}"
    return str(v)


def _safe_title(fig) -> str:
    try:
        return _figure_title(fig)
    except Exception:  # noqa: BLE001
        return ""


def _figure_title(fig) -> str:
    text = fig.get_suptitle() if hasattr(fig, "get_suptitle") else ""
    if text:
        return text.strip()
    for ax in fig.get_axes():
        if ax.get_title():
            return ax.get_title().strip()
    return ""


def _tick_labels(axis) -> dict[float, str]:
    out = {}
    for loc, lab in zip(axis.get_majorticklocs(), axis.get_majorticklabels()):
        text = lab.get_text()
        if text:
            out[round(float(loc), 6)] = text
    return out


def _names(ticks: dict[float, str], positions: Sequence[float], axis=None) -> list[str]:
    names = []
    date_axis = axis is not None and _is_date_axis(axis)
    for p in positions:
        key = round(float(p), 6)
        if key in ticks:
            names.append(ticks[key])
        elif date_axis:
            import matplotlib.dates as mdates

            names.append(mdates.num2date(float(p)).date().isoformat())
        else:
            names.append(_label(p))
    return names


def _is_date_axis(axis) -> bool:
    import matplotlib.dates as mdates

    return isinstance(axis.get_major_formatter(), (mdates.DateFormatter, mdates.AutoDateFormatter,
                                                   mdates.ConciseDateFormatter))


def _is_percent(axis) -> bool:
    from matplotlib.ticker import PercentFormatter

    fmt = axis.get_major_formatter()
    if isinstance(fmt, PercentFormatter):
        return True
    labels = [lab.get_text() for lab in axis.get_majorticklabels() if lab.get_text()]
    return bool(labels) and all(s.strip().endswith("%") for s in labels)


def _thin(n: int) -> np.ndarray:
    if n <= MAX_POINTS:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, MAX_POINTS).round().astype(int))


# --------------------------------------------------------------------------- extraction


def extract(fig) -> list[dict[str, Any]]:
    """The panels of a drawn figure, read from its artists (one per axes that holds data)."""
    panels = []
    for ax in fig.get_axes():
        if getattr(ax, "_colorbar", None) is not None or ax.get_label() == "<colorbar>":
            continue
        p = _axes_panel(ax)
        if p is not None:
            panels.append(p)
    return panels


def _axes_panel(ax) -> dict[str, Any] | None:
    from matplotlib.collections import PathCollection, QuadMesh
    from matplotlib.container import BarContainer
    from matplotlib.image import AxesImage
    from matplotlib.patches import Wedge

    title = ax.get_title().strip()
    wedges = [p for p in ax.patches if isinstance(p, Wedge)]
    if wedges and ax.name != "polar":
        texts = [t.get_text() for t in ax.texts]
        cats = texts[: len(wedges)] if len(texts) >= len(wedges) else [str(i + 1) for i in range(len(wedges))]
        values = [(w.theta2 - w.theta1) / 360.0 for w in wedges]
        return panel("pie", cats, [(title or "share", values)], title=title, percent=True)
    if ax.name == "polar":
        return _radar(ax, title)
    bars = [c for c in ax.containers if isinstance(c, BarContainer) and len(c.patches)]
    if bars:
        return _bars(ax, bars, title)
    images = [im for im in ax.get_images() if isinstance(im, AxesImage)]
    meshes = [c for c in ax.collections if isinstance(c, QuadMesh)]
    if images or meshes:
        return _heatmap(ax, images[0] if images else meshes[0], title)
    lines = [ln for ln in ax.get_lines() if len(np.atleast_1d(ln.get_xdata())) > 0 and ln.get_visible()]
    if lines:
        return _lines(ax, lines, title)
    points = [c for c in ax.collections if isinstance(c, PathCollection) and len(c.get_offsets())]
    if points:
        series = []
        for i, c in enumerate(points[:MAX_SERIES]):
            off = np.asarray(c.get_offsets(), dtype=float)[_thin(len(c.get_offsets()))]
            name = c.get_label() if not str(c.get_label()).startswith("_") else f"{i + 1}"
            series.append({"name": str(name), "x": [_num(v) for v in off[:, 0]], "values": [_num(v) for v in off[:, 1]]})
        return {"kind": "scatter", "title": title, "categories": [], "series": series, "percent": False,
                "stacked": False, "x_title": ax.get_xlabel(), "y_title": ax.get_ylabel()}
    return None


def _bars(ax, bars, title: str) -> dict[str, Any]:
    horizontal = bool(getattr(bars[0], "orientation", None) == "horizontal" or (
        bars[0].patches[0].get_height() < bars[0].patches[0].get_width() and
        len({round(p.get_x(), 6) for p in bars[0].patches}) == 1 and len(bars[0].patches) > 1))
    axis = ax.yaxis if horizontal else ax.xaxis
    ticks = _tick_labels(axis)
    positions: list[float] = []
    rows = []
    for c in bars:
        row = {}
        for p in c.patches:
            centre = p.get_y() + p.get_height() / 2 if horizontal else p.get_x() + p.get_width() / 2
            value = p.get_width() if horizontal else p.get_height()
            key = round(float(centre), 6)
            row[key] = value
            if key not in positions:
                positions.append(key)
        rows.append((c, row))
    positions.sort(reverse=horizontal)  # a horizontal chart reads top to bottom
    stacked = False
    if len(bars) > 1:
        lefts = [{round(p.get_x() if horizontal else p.get_y(), 6) for p in c.patches} for c in bars]
        stacked = any(any(abs(v) > 1e-12 for v in s) for s in lefts[1:])
    cats = _names(ticks, positions, axis) if ticks or len(positions) < 60 else [_label(p) for p in positions]
    series = []
    for i, (c, row) in enumerate(rows[:MAX_SERIES]):
        name = c.get_label()
        if not name or str(name).startswith("_"):
            name = title or str(i + 1)
        series.append((str(name), [row.get(p) for p in positions]))
    value_axis = ax.xaxis if horizontal else ax.yaxis
    return panel("bar" if horizontal else "column", cats, series, title=title, percent=_is_percent(value_axis),
                 stacked=stacked, x_title=ax.get_xlabel(), y_title=ax.get_ylabel())


def _lines(ax, lines, title: str) -> dict[str, Any] | None:
    data_lines, constants = [], []
    for ln in lines:
        x = np.asarray(ln.get_xdata(), dtype=float) if not _is_datelike(ln.get_xdata()) else _date_nums(ln.get_xdata())
        y = np.asarray(ln.get_ydata(), dtype=float)
        if ln.get_transform() != ax.transData:
            if len(y) and np.allclose(y, y[0]) and not np.allclose(x, x[0]):  # axhline
                constants.append((ln, float(y[0])))
            continue  # axvline and other annotations
        if len(x) >= 2 and np.allclose(x, x[0]):
            continue  # a vertical marker line
        data_lines.append((ln, x, y))
    if not data_lines:
        return None
    marked = [d for d in data_lines if d[0].get_marker() not in (None, "None", "", " ")]
    base = max(marked or data_lines, key=lambda d: len(np.unique(d[1])))
    xs = np.unique(base[1][np.isfinite(base[1])])
    xs = xs[_thin(len(xs))]
    if len(xs) < 2:
        return None  # a marker or a single point is no chart
    ticks = _tick_labels(ax.xaxis)
    series = []
    for i, (ln, x, y) in enumerate(data_lines[:MAX_SERIES]):
        order = np.argsort(x, kind="stable")
        xo, yo = x[order], y[order]
        if ln is base[0]:
            lookup = dict(zip(np.round(xo, 9), yo))
            values = [lookup.get(round(float(v), 9), np.nan) for v in xs]
        else:
            ok = np.isfinite(xo) & np.isfinite(yo)
            values = np.interp(xs, xo[ok], yo[ok], left=np.nan, right=np.nan) if ok.sum() >= 2 else [np.nan] * len(xs)
        series.append((_series_name(ln, i, title), list(values)))
    for j, (ln, level) in enumerate(constants):
        series.append((_series_name(ln, len(series), title), [level] * len(xs)))
    return panel("line", _names(ticks, xs, ax.xaxis), series, title=title, percent=_is_percent(ax.yaxis),
                 x_title=ax.get_xlabel(), y_title=ax.get_ylabel())


def _series_name(artist, i: int, title: str) -> str:
    name = str(artist.get_label() or "")
    return name if name and not name.startswith("_") else (title if i == 0 and title else str(i + 1))


def _is_datelike(values) -> bool:
    arr = np.asarray(values)
    return arr.dtype.kind in ("M", "O") and len(arr) and not isinstance(arr.flat[0], (int, float, np.number))


def _date_nums(values) -> np.ndarray:
    import matplotlib.dates as mdates

    try:
        return np.asarray(mdates.date2num(values), dtype=float)
    except Exception:  # noqa: BLE001
        return np.arange(len(values), dtype=float)


def _radar(ax, title: str) -> dict[str, Any] | None:
    ticks = _tick_labels(ax.xaxis)
    if not ticks:
        return None
    angles = sorted(ticks)
    series = []
    for i, ln in enumerate(ax.get_lines()[:MAX_SERIES]):
        th = np.mod(np.asarray(ln.get_xdata(), dtype=float), 2 * np.pi)
        r = np.asarray(ln.get_ydata(), dtype=float)
        lookup = {round(float(a), 4): v for a, v in zip(th, r)}
        values = [lookup.get(round(float(np.mod(a, 2 * np.pi)), 4)) for a in angles]
        if all(v is None for v in values):
            continue
        series.append((_series_name(ln, i, title), values))
    if not series:
        return None
    return panel("radar", [ticks[a] for a in angles], series, title=title, percent=_is_percent(ax.yaxis))


def _heatmap(ax, artist, title: str) -> dict[str, Any] | None:
    arr = np.ma.filled(np.ma.asarray(artist.get_array(), dtype=float), np.nan)
    if arr.ndim == 1:  # a QuadMesh keeps its cells flat
        ny = len(ax.get_yticks())
        if ny and arr.size % ny == 0:
            arr = arr.reshape(ny, -1)
        else:
            return None
    if arr.ndim != 2 or arr.shape[0] > MAX_SERIES or arr.shape[1] > 60:
        return None
    rows = [lab.get_text() for lab in ax.get_yticklabels()]
    cols = [lab.get_text() for lab in ax.get_xticklabels()]
    rows = rows if len(rows) == arr.shape[0] and all(rows) else [str(i + 1) for i in range(arr.shape[0])]
    cols = cols if len(cols) == arr.shape[1] and all(cols) else [str(j + 1) for j in range(arr.shape[1])]
    return panel("column", cols, [(rows[i], arr[i]) for i in range(arr.shape[0])], title=title,
                 x_title=ax.get_xlabel(), y_title=ax.get_ylabel())
