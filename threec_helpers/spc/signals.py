"""The signals of a chart as a table: one row per rule violation, with a sentence in zh/en."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..i18n import LANGUAGES, check_lang, t
from .rules import RULES, rule_window

__all__ = ["signals", "rule_table", "format_label", "board_signals", "verdict", "direction_from_comparator"]


def format_label(label) -> str:
    """A point label as people write it: ``2024-03`` for a monthly period, a date without
    midnight, else ``str(label)``."""
    if isinstance(label, pd.Timestamp):
        return label.strftime("%Y-%m-%d") if label == label.normalize() else str(label)
    if isinstance(label, (float, np.floating)) and float(label).is_integer():
        return str(int(label))
    return str(label)


def rule_table(lang: str = "zh") -> pd.DataFrame:
    """Every run rule with its name in ``lang`` (for a report appendix).

    Examples
    --------
    >>> rule_table("en").loc["N1", "name"]
    'One point beyond 3 sigma'
    """
    check_lang(lang)
    ids = list(RULES) + ["D1"]
    return pd.DataFrame({"name": [t(f"spc.rule.{r}.name", lang) for r in ids]}, index=pd.Index(ids, name="rule"))


def _one_series(frame: pd.DataFrame, labels, rule_ids, dispersion) -> list[dict]:
    z = frame["z"].to_numpy(dtype=float)
    rows: list[dict] = []
    for rid in rule_ids:
        col = f"rule_{rid}"
        if col not in frame.columns:
            continue
        ends = np.flatnonzero(frame[col].to_numpy(dtype=bool))
        merged: list[list] = []  # [first, last, set(points), side]
        for e in ends:
            if rid == "D1":
                dv = frame[f"{dispersion}_value"].iloc[e]
                pts, side = [int(e)], "above" if dv > frame[f"{dispersion}_center"].iloc[e] else "below"
            else:
                pts, side = rule_window(rid, z, int(e))
                pts = [q for q in pts if q >= 0]
            if merged and RULES.get(rid, ("beyond",))[0] != "beyond" and pts[0] <= merged[-1][1] \
                    and merged[-1][3] == side:
                merged[-1][1] = int(e)
                merged[-1][2].update(pts)
            else:
                merged.append([pts[0], int(e), set(pts), side])
        for first, last, pts, side in merged:
            span = last - first + 1
            row = {"rule": rid, "first_point": labels[first], "last_point": labels[last],
                   "points": [labels[q] for q in sorted(pts)], "side": side, "_pos": last}
            for lang in LANGUAGES:
                row[f"message_{lang}"] = t(
                    f"spc.rule.{rid}.message", lang, first=format_label(labels[first]),
                    last=format_label(labels[last]), count=len(pts), span=span,
                    side=t(f"spc.side.{side or 'none'}", lang), chart=t(f"spc.dispersion.{dispersion or 'mr'}", lang))
            rows.append(row)
    return rows


def signals(frame: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """List the run-rule signals of a chart frame.

    Overlapping windows of the same rule (a long run, several points beyond 2 sigma) are
    merged into one signal; beyond-limit points are listed one by one.

    Parameters
    ----------
    frame : DataFrame
        From a chart function or :func:`~threec_helpers.spc.batch`.
    lang : {"zh", "en"}, optional
        With a language, one ``message`` column; without, ``message_zh`` and ``message_en``.

    Returns
    -------
    DataFrame
        Columns ``rule, rule_name, first_point, last_point, points, side, message...`` (and
        the series column for a batch frame), ordered by series and last point.

    Examples
    --------
    >>> from threec_helpers.spc import c
    >>> x = [21, 24, 16, 12, 15, 5, 28, 20, 31, 25, 20, 24, 16, 19, 10, 17, 13,
    ...      22, 18, 39, 30, 24, 16, 19, 17, 15]
    >>> signals(c(x), lang="en")["message"].iloc[0]
    'Point 6 is beyond the lower control limit (more than 3 sigma from the centre line).'
    """
    if lang is not None:
        check_lang(lang)
    if not isinstance(frame, pd.DataFrame) or "z" not in frame.columns:
        raise ParameterError(key="spc.error.signals_frame")
    meta = frame.attrs.get("spc", {})
    rule_ids = [c[5:] for c in frame.columns if c.startswith("rule_")]
    dispersion = meta.get("dispersion")
    if dispersion is None:
        dispersion = next((pre for pre in ("mr", "r", "s") if f"{pre}_value" in frame.columns), None)
    rows: list[dict] = []
    series_col = meta.get("series_col")
    if series_col and series_col in frame.columns:
        period_col = meta.get("period_col", "position")
        hit = frame.loc[frame["signal"].to_numpy(dtype=bool), series_col].unique()
        for key, part in frame[frame[series_col].isin(hit)].groupby(series_col, sort=False):
            labels = list(part[period_col]) if period_col in part.columns else list(range(len(part)))
            for r in _one_series(part, labels, rule_ids, dispersion):
                rows.append({series_col: key, **r})
        lead = [series_col]
    else:
        rows = _one_series(frame, list(frame.index), rule_ids, dispersion)
        lead = []
    cols = lead + ["rule", "rule_name", "first_point", "last_point", "points", "side"]
    if not rows:
        out = pd.DataFrame(columns=cols + (["message"] if lang else ["message_zh", "message_en"]))
        return out
    out = pd.DataFrame(rows)
    out.insert(len(lead) + 1, "rule_name", [t(f"spc.rule.{r}.name", lang or "en") for r in out["rule"]])
    out = out.sort_values(lead + ["_pos"], kind="stable").drop(columns="_pos").reset_index(drop=True)
    if lang:
        out["message"] = out[f"message_{lang}"]
        out = out.drop(columns=[f"message_{x}" for x in LANGUAGES])
    return out


#: how a signal reads for a board, by rule kind (the first kinds explain the most)
_KIND_ORDER = ("beyond", "run_side", "trend", "k_of_m", "alternate", "run_inside", "run_outside")
GOOD_DIRECTIONS = ("up", "down")


def direction_from_comparator(comparator: str | None) -> str | None:
    """The good direction a target's comparator declares: ``>=``/``>`` -> ``"up"``,
    ``<=``/``<`` -> ``"down"``, anything else (``=``, ``None``) -> ``None``.

    Examples
    --------
    >>> direction_from_comparator("<="), direction_from_comparator("="), direction_from_comparator(">")
    ('down', None, 'up')
    """
    return {">=": "up", ">": "up", "<=": "down", "<": "down"}.get(str(comparator).strip()) if comparator else None


def verdict(side: str, good_direction: str | None) -> str:
    """``"better"``, ``"worse"`` or ``"unclear"`` for a signal on ``side`` (above/up or below/down).

    Only a declared ``good_direction`` (``"up"``, ``"down"``) makes a signal better or worse;
    without one, or for patterns with no side (alternation, a mixture), it is ``"unclear"``.

    Examples
    --------
    >>> verdict("below", "down"), verdict("below", "up"), verdict("above", None)
    ('better', 'worse', 'unclear')
    """
    if good_direction is not None and good_direction not in GOOD_DIRECTIONS:
        raise ParameterError(key="spc.error.good_direction", value=repr(good_direction))
    if good_direction is None or side not in ("above", "up", "below", "down"):
        return "unclear"
    rising = side in ("above", "up")
    return "better" if rising == (good_direction == "up") else "worse"


def _is_monthly(labels) -> bool:
    import re

    texts = [format_label(v) for v in labels]
    return bool(texts) and all(re.fullmatch(r"\d{4}-\d{2}", s) or re.fullmatch(r"\d{4}-\d{2}-01", s) for s in texts)


def board_signals(frame: pd.DataFrame, good_direction: str | None = None, lang: str = "zh") -> pd.DataFrame:
    """The signals of a single-series chart as a board reads them: one sentence each, no rule codes.

    Signals of several rules over the same points (a long shift fires "8 in a row", "4 of 5
    beyond 1 sigma" and "2 of 3 beyond 2 sigma" together) are told once: a signal is left
    out when every one of its points is already told by a signal of a more telling kind
    (beyond a limit, a run on one side, a trend) with the same verdict. Dispersion-chart
    signals (``D1``) are left out.

    Parameters
    ----------
    frame : DataFrame
        A single-series chart frame.
    good_direction : {"up", "down"}, optional
        Which way is better for this figure, from declared data (an objective's
        comparator: :func:`direction_from_comparator`); ``None`` if not declared.
    lang : {"zh", "en"}

    Returns
    -------
    DataFrame
        Columns ``positions`` (list of int), ``first``, ``last`` (int), ``kind``, ``side``,
        ``verdict`` (better / worse / unclear) and ``sentence``; ordered by last point.

    Examples
    --------
    >>> from threec_helpers.spc import c
    >>> f = c([9, 8, 9, 10, 8, 9, 7, 4, 3, 4, 3, 2, 3, 4, 3, 2, 3])
    >>> board_signals(f, "down", "en")["sentence"].iloc[-1]
    '8 to 17: 10 periods in a row below the centre line; better than the average level.'
    """
    check_lang(lang)
    verdict("above", good_direction)  # validates good_direction
    raw = signals(frame)
    labels = list(frame.index)
    unit = "month" if _is_monthly(labels) else "period"
    cols = ["positions", "first", "last", "kind", "side", "verdict", "sentence"]
    if raw.empty:
        return pd.DataFrame(columns=cols)
    pos_of = {}
    for i, lab in enumerate(labels):
        pos_of.setdefault(lab, i)
    cands = []
    for r in raw.itertuples(index=False):
        if r.rule not in RULES:
            continue
        kind = RULES[r.rule][0]
        pts = sorted({pos_of[p] for p in r.points})
        cands.append((_KIND_ORDER.index(kind), kind, r.side, pts, r.rule))
    cands.sort(key=lambda c: (c[0], c[3][-1]))
    kept: list[dict] = []
    seen: set = set()
    for _, kind, side, pts, rid in cands:
        v = verdict(side, good_direction)
        key = (kind, side, tuple(pts))
        if key in seen:
            continue
        covered = set()
        for k in kept:
            if k["verdict"] == v and k["kind"] in ("beyond", "run_side", "trend"):
                covered.update(k["positions"])
        if kind != "beyond" and set(pts) <= covered:
            continue
        seen.add(key)
        first, last = pts[0], pts[-1]
        template = kind if kind in ("beyond", "k_of_m") else "run"
        text = t(f"spc.board.{template}", lang, first=format_label(labels[first]), last=format_label(labels[last]),
                 count=len(pts), unit=t(f"spc.board.unit.{unit}", lang),
                 where=t(f"spc.board.where.{kind}.{side or 'none'}", lang))
        text += t(f"spc.board.verdict.{v}" + ("_trend" if kind == "trend" and v != "unclear" else ""), lang)
        kept.append({"positions": pts, "first": first, "last": last, "kind": kind, "side": side,
                     "verdict": v, "sentence": text})
    out = pd.DataFrame(kept, columns=cols)
    return out.sort_values(["last", "first"], kind="stable").reset_index(drop=True)
