"""The signals of a chart as a table: one row per rule violation, with a sentence in zh/en."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..i18n import LANGUAGES, check_lang, t
from .rules import RULES, rule_window

__all__ = ["signals", "rule_table", "format_label"]


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
