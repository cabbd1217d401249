"""The audit scoring engine: item -> area -> overall, weighted, with vetoes, bands and gaps.

It scores the answers to any checklist of :mod:`threec_helpers.checklists`: the staff
answers of a customer-focus audit (table ``focus_responses``), an ISO 9001 audit or a
clinical self-assessment (table ``assessment_scores``). The formulas (``docs/audits.md``):

- every score is normalised to 0-1 on its item's scale, ``(s - min) / (max - min)``
  (maturity 1-5: ``(s - 1) / 4``; yes/partial/no: as is; points: ``s / max``), so one
  area may mix scales;
- item score = mean over respondents (missing scores are "not answered" and left out);
- area score = weighted mean of its answered items' normalised scores (item weights);
- overall score = weighted mean of the answered areas' scores (area weights);
- gap = ``max(0, target - score)`` on the 0-1 scale; improvement priority = the item's
  share of the overall score (``overall_weight``) x gap = the overall points gained if
  the item reached its target;
- a veto item fails when its mean score is below its ``veto_min``; any failed veto
  fails the assessment ("one-vote veto"), as does an overall score under ``pass_mark``;
- management vs front line: the mean normalised score of respondents whose role is a
  management role minus that of everyone else, per item (a key 3C insight: managers
  often rate their company's customer focus higher than the people facing customers).

At about 630 lines this module is over the package's 600-line guide on purpose: answer
validation, scoring and the comparison of rounds share the roll-up and the
:class:`AuditResult` they build; split, each piece would import the others' internals.

Examples
--------
>>> import pandas as pd
>>> from threec_helpers.checklists import load_checklist
>>> cl = load_checklist("customer_focus")
>>> answers = pd.DataFrame({"respondent_id": ["a", "b"], "role": ["manager", "sales"],
...                         "item_id": ["ORG.1", "ORG.1"], "score": [5.0, 3.0]})
>>> res = score_responses(cl, answers)
>>> round(float(res.items.set_index("item_id").loc["ORG.1", "norm"]), 2)
0.75
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .checklists import Checklist, load_checklist
from .rounds import round_in_time
from ..ordering import natural_key
from ..errors import InputError, ParameterError
from ..i18n import check_lang, fmt_pct, t

#: role names (lower case) counted as management when comparing managers with the front line
MANAGEMENT_ROLES: frozenset[str] = frozenset({
    "management", "manager", "managers", "director", "head", "head_nurse", "executive", "gm",
    "general_manager", "supervisor", "经理", "总经理", "副总经理", "部门经理", "管理层", "领导", "主管",
    "主任", "科主任", "护士长", "院长",
})

#: tolerance for comparing scores with veto minimums and pass marks
_EPS = 1e-9
_MAX_LISTED = 5


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------


def _guess_table(responses: pd.DataFrame) -> str:
    if "respondent_id" in responses.columns:
        return "focus_responses"
    if "assessor" in responses.columns or "evidence" in responses.columns:
        return "assessment_scores"
    return "responses"


def _rows(idx: Iterable[Any], values: Iterable[Any]) -> str:
    pairs = list(zip(idx, values))
    text = ", ".join(f"row {i}: {v}" for i, v in pairs[:_MAX_LISTED])
    return text + (f" (and {len(pairs) - _MAX_LISTED} more)" if len(pairs) > _MAX_LISTED else "")


def validate_responses(checklist: Checklist, responses: pd.DataFrame, *, item_col: str = "item_id",
                       score_col: str = "score", table: str | None = None) -> pd.DataFrame:
    """Check answers against a checklist and return them with the item's scale attached.

    Parameters
    ----------
    checklist : Checklist
    responses : pandas.DataFrame
        ``focus_responses`` or ``assessment_scores``; the index is the source row number.
    item_col, score_col : str
        Column names of the item id and the score.
    table : str, optional
        Table name used in messages (guessed from the columns when omitted).

    Returns
    -------
    pandas.DataFrame
        ``responses`` (rows with a missing score dropped) plus ``area_id``, ``weight``,
        ``scale``, ``scale_min``, ``scale_max`` and ``norm`` (the score on 0-1).

    Raises
    ------
    InputError
        For a missing column, an item id the checklist does not have, or a score outside
        its item's scale, naming the table, the rows and the values.

    Examples
    --------
    >>> from threec_helpers.checklists import load_checklist
    >>> cl = load_checklist("customer_focus")
    >>> df = pd.DataFrame({"item_id": ["ORG.1"], "score": [3.0]}, index=[2])
    >>> validate_responses(cl, df)["norm"].tolist()
    [0.5]
    """
    table = table or _guess_table(responses)
    for col in (item_col, score_col):
        if col not in responses.columns:
            raise InputError(key="audits.error.responses_column", table=table, column=repr(col),
                             found=", ".join(map(str, responses.columns)))
    items = checklist.items
    ids = responses[item_col].astype("string").str.strip()
    unknown = ~ids.isin(items["item_id"]) | ids.isna()
    if unknown.any():
        known = items["item_id"].tolist()
        sample = ", ".join(known[:3]) + (", ..., " + known[-1] if len(known) > 3 else "")
        raise InputError(key="audits.error.unknown_items", table=table, n=int(unknown.sum()),
                         checklist=repr(checklist.id), path=checklist.display_path,
                         rows=_rows(responses.index[unknown], ids[unknown].map(repr)), sample=sample)
    score = pd.to_numeric(responses[score_col], errors="coerce").astype("float64")
    not_number = score.isna() & responses[score_col].notna()
    if not_number.any():
        listed = _rows(responses.index[not_number], responses.loc[not_number, score_col].map(repr))
        raise InputError(key="audits.error.score_not_number", table=table, column=score_col, rows=listed)
    spec = items.set_index("item_id").loc[ids.to_numpy(), ["area_id", "weight", "scale", "scale_kind",
                                                            "scale_min", "scale_max"]]
    spec.index = responses.index
    lo, hi = spec["scale_min"].to_numpy(float), spec["scale_max"].to_numpy(float)
    s = score.to_numpy(float)
    answered = ~np.isnan(s)
    outside = answered & ((s < lo - _EPS) | (s > hi + _EPS))
    # choice scales (yes/partial/no) take only their listed values
    choice = (spec["scale_kind"] == "choice").to_numpy()
    if choice.any():
        allowed = {name: np.array(sorted(sc.values.values())) for name, sc in checklist.scales.items() if sc.values}
        for name, vals in allowed.items():
            m = answered & choice & (spec["scale"] == name).to_numpy()
            if m.any():
                ok = np.isclose(s[m][:, None], vals[None, :], atol=1e-9).any(axis=1)
                bad = np.zeros_like(m)
                bad[np.flatnonzero(m)[~ok]] = True
                outside |= bad
    if outside.any():
        where = np.flatnonzero(outside)
        desc = []
        for pos in where[:_MAX_LISTED]:
            sc = checklist.scales[spec["scale"].iloc[pos]]
            if sc.values:
                rng = "one of " + ", ".join(f"{v:g} ({k})" for k, v in sc.values.items())
            else:
                rng = f"{lo[pos]:g}..{hi[pos]:g}"
            desc.append(f"row {responses.index[pos]}: item {ids.iloc[pos]!r} score {s[pos]:g} is outside the "
                        f"{spec['scale'].iloc[pos]} scale ({rng})")
        more = f" (and {len(where) - _MAX_LISTED} more)" if len(where) > _MAX_LISTED else ""
        raise InputError(key="audits.error.score_outside_scale", table=table, n=len(where), details='; '.join(desc),
                         more=more, path=checklist.display_path)
    out = responses.loc[answered].copy()
    out[item_col] = ids[answered]
    out[score_col] = s[answered]
    for col in ("area_id", "weight", "scale", "scale_min", "scale_max"):
        out[col] = spec.loc[answered, col]
    out["norm"] = (s[answered] - lo[answered]) / (hi[answered] - lo[answered])
    return out


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass
class AuditResult:
    """The scores of one round of one checklist.

    Attributes
    ----------
    checklist : Checklist
    round : str or None
    items : pandas.DataFrame
        One row per checklist item: ``area_id``, ``item_id``, ``text_zh``, ``text_en``, ``scale``,
        ``weight``, ``overall_weight``, ``veto``, ``n``, ``mean``, ``std``, ``min``, ``max`` (scale
        units), ``norm`` (0-1), ``target``, ``target_norm``, ``gap`` (0-1), ``gap_points`` (scale
        units), ``priority`` (``overall_weight * gap``), ``priority_rank`` (1 = most urgent).
    areas : pandas.DataFrame
        One row per area: ``area_id``, ``area_title_zh``, ``area_title_en``, ``area_weight``,
        ``n_items``, ``n_answered``, ``coverage``, ``score``, ``target``, ``gap``, ``band``.
    overall : dict
        ``score``, ``target``, ``gap``, ``band``, ``status`` (passed / failed / incomplete /
        not_applicable when the checklist has neither veto items nor a pass mark),
        ``coverage``, ``n_responses``, ``n_respondents``, ``vetoes_failed``, ``score_management``,
        ``score_front_line``.
    vetoes : pandas.DataFrame
        Veto items: ``item_id``, ``text_zh``, ``text_en``, ``n``, ``mean``, ``min``, ``veto_min``,
        ``state`` (passed / failed / missing).
    roles : pandas.DataFrame
        Item x role: ``item_id``, ``role``, ``role_group``, ``n``, ``mean``, ``norm`` (empty
        without a role column).
    disagreement : pandas.DataFrame
        Per item: ``item_id``, ``area_id``, ``n_management``, ``n_front_line``,
        ``norm_management``, ``norm_front_line``, ``difference`` (management minus front line,
        0-1), ``flag`` (``abs(difference) >= threshold``).

    See Also
    --------
    score_responses : computes one.
    score_rounds : one per round.
    compare_rounds : the change between two of them.

    Examples
    --------
    >>> results = score_rounds("customer_focus", pd.DataFrame({"round": ["2025", "2026"], "item_id": "ORG.1",
    ...                                                        "score": [2.0, 4.0]}))
    >>> res = results["2026"]
    >>> res.round, res.overall["score"], float(res.items.set_index("item_id").loc["ORG.1", "norm"])
    ('2026', 0.75, 0.75)
    """

    checklist: Checklist
    round: str | None
    items: pd.DataFrame
    areas: pd.DataFrame
    overall: dict[str, Any]
    vetoes: pd.DataFrame
    roles: pd.DataFrame = field(default_factory=pd.DataFrame)
    disagreement: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def score(self) -> float:
        """Overall score, 0-1."""
        return float(self.overall["score"])

    @property
    def status(self) -> str:
        """``passed``, ``failed``, ``incomplete`` or ``not_applicable``."""
        return str(self.overall["status"])

    @property
    def band(self) -> str | None:
        """Maturity band id of the overall score."""
        return self.overall["band"]

    def top_priorities(self, n: int = 5) -> pd.DataFrame:
        """The ``n`` items with the highest improvement priority (gap > 0 only)."""
        top = self.items[self.items["priority"] > 0].sort_values(["priority", "item_id"], ascending=[False, True])
        return top.head(n)

    def summary(self, lang: str = "zh") -> str:
        """One sentence on the round: overall score, band, target, veto result, top priority.

        Examples
        --------
        >>> res = score_rounds("customer_focus", pd.DataFrame({"item_id": ["ORG.1"], "score": [4.0],
        ...                                                    "round": ["R1"]}))["R1"]
        >>> res.summary("en")
        'Customer-focus audit: overall score 75.00% (Established), target 75.00%.'
        """
        check_lang(lang)
        o = self.overall
        band = self.checklist.band_label(o["band"], lang)
        text = t("audits.summary.overall", lang, checklist=self.checklist.title_in(lang), score=fmt_pct(o["score"]),
                 band=band, target=fmt_pct(o["target"]))
        status = o["status"]
        if status == "failed" and o["vetoes_failed"]:
            text += t("audits.summary.veto_failed", lang, items=", ".join(o["vetoes_failed"]))
        elif status == "failed":
            text += t("audits.summary.below_pass_mark", lang, pass_mark=f"{self.checklist.pass_mark:g}%")
        elif status == "incomplete":
            text += t("audits.summary.incomplete", lang)
        elif status == "passed":
            text += t("audits.summary.passed", lang)
        top = self.top_priorities(1)
        if len(top):
            row = top.iloc[0]
            text += t("audits.summary.priority", lang, item=row["item_id"], text=row[f"text_{lang}"],
                      gap=fmt_pct(row["gap"], 1))
        if not np.isnan(o.get("score_management", np.nan)) and not np.isnan(o.get("score_front_line", np.nan)):
            text += t("audits.summary.roles", lang, management=fmt_pct(o["score_management"], 1),
                      front_line=fmt_pct(o["score_front_line"], 1))
        return text + t("audits.summary.end", lang)


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------


def rounds_of(responses: pd.DataFrame, round_col: str = "round") -> list[str]:
    """The distinct rounds in ``responses``, in natural order (empty if no round column).

    Parameters
    ----------
    responses : DataFrame
        Answers with a round column.
    round_col : str, default "round"
        Its name.

    Returns
    -------
    list of str

    Examples
    --------
    >>> rounds_of(pd.DataFrame({"round": ["R10", "R2", "R2"]}))
    ['R2', 'R10']
    """
    if round_col not in responses.columns:
        return []
    values = responses[round_col].dropna().astype(str).unique().tolist()
    return sorted(values, key=natural_key)


def _roll_up(checklist: Checklist, item_norm: pd.Series) -> tuple[pd.DataFrame, float]:
    """Area scores and the overall score from normalised item scores (NaN = not answered)."""
    items = checklist.items
    norm = item_norm.reindex(items["item_id"]).to_numpy(float)
    answered = ~np.isnan(norm)
    w = items["weight"].to_numpy(float)
    frame = pd.DataFrame({"area_id": items["area_id"].to_numpy(), "w": w, "wa": np.where(answered, w, 0.0),
                          "wx": np.where(answered, w * np.nan_to_num(norm), 0.0), "a": answered})
    g = frame.groupby("area_id", sort=False)[["w", "wa", "wx", "a"]].sum()
    score = (g["wx"] / g["wa"].where(g["wa"] > 0)).reindex(checklist.areas["area_id"])
    area_w = checklist.areas.set_index("area_id")["area_weight"]
    ok = score.notna()
    overall = float((score[ok] * area_w[ok]).sum() / area_w[ok].sum()) if ok.any() else float("nan")
    out = pd.DataFrame({"score": score, "n_answered": g["a"].reindex(score.index).astype(int),
                        "coverage": (g["wa"] / g["w"]).reindex(score.index)})
    return out, overall


def score_responses(
    checklist: Checklist | str,
    responses: pd.DataFrame,
    round: str | None = None,  # the contract's column name
    *,
    score_col: str = "score",
    item_col: str = "item_id",
    respondent_col: str | None = None,
    role_col: str | None = None,
    round_col: str = "round",
    management_roles: Iterable[str] = MANAGEMENT_ROLES,
    disagreement_threshold: float = 0.25,
    table: str | None = None,
) -> AuditResult:
    """Score one round of answers to a checklist.

    Parameters
    ----------
    checklist : Checklist or str
        A loaded checklist or a checklist name / path for :func:`load_checklist`.
    responses : pandas.DataFrame
        ``focus_responses`` (respondent_id, role, item_id, score, round) or
        ``assessment_scores`` (round, item_id, score, assessor, role, evidence). The index is
        the source row number (used in error messages).
    round : str, optional
        Round to score. Default: the latest round in natural order (``R10`` after ``R2``), or
        all rows when there is no round column.
    score_col, item_col, round_col : str
        Column names.
    respondent_col : str, optional
        Who answered; default ``respondent_id`` or ``assessor`` when present.
    role_col : str, optional
        Respondent's role; default ``role`` when present.
    management_roles : iterable of str
        Roles (compared in lower case, stripped) counted as management; every other role
        counts as front line.
    disagreement_threshold : float
        Flag an item when management and front line differ by at least this much on the 0-1
        scale (0.25 = one point on the 1-5 maturity scale).
    table : str, optional
        Table name for messages.

    Returns
    -------
    AuditResult

    Raises
    ------
    InputError
        Unknown item ids, scores outside their scale, missing columns.
    ParameterError
        A ``round`` that is not in the data.

    Examples
    --------
    >>> from threec_helpers.checklists import load_checklist
    >>> cl = load_checklist("obstetrics_quality")
    >>> df = pd.DataFrame({"round": "2025", "item_id": ["OB.2.3", "OB.1.1"], "score": [0.5, 9.0]})
    >>> res = score_responses(cl, df)
    >>> res.status, res.overall["vetoes_failed"]
    ('failed', ['OB.2.3'])
    """
    if not isinstance(checklist, Checklist):
        checklist = load_checklist(checklist)
    table = table or _guess_table(responses)
    if not 0 < disagreement_threshold <= 1:
        raise ParameterError(key="audits.error.disagreement_threshold", value=repr(disagreement_threshold))
    if respondent_col is None:
        respondent_col = next((c for c in ("respondent_id", "assessor") if c in responses.columns), None)
    if role_col is None:
        role_col = "role" if "role" in responses.columns else None
    for col in (respondent_col, role_col):
        if col is not None and col not in responses.columns:
            raise InputError(key="audits.error.responses_column_short", table=table, column=repr(col),
                             found=", ".join(map(str, responses.columns)))

    valid = validate_responses(checklist, responses, item_col=item_col, score_col=score_col, table=table)
    rounds = rounds_of(responses, round_col)
    if round is not None:
        if str(round) not in rounds:
            raise ParameterError(key="audits.error.round_no_answers", table=table, round=repr(round),
                                 rounds=', '.join(rounds) or 'none')
        chosen: str | None = str(round)
    else:
        chosen = rounds[-1] if rounds else None
    if chosen is not None:
        valid = valid[valid[round_col].astype("string") == chosen]

    items = checklist.items
    stats = valid.groupby(item_col, sort=False)[score_col].agg(["count", "mean", "std", "min", "max"])
    stats = stats.reindex(items["item_id"])
    lo, hi = items["scale_min"].to_numpy(float), items["scale_max"].to_numpy(float)
    mean = stats["mean"].to_numpy(float)
    norm = (mean - lo) / (hi - lo)
    target_norm = (items["target"].to_numpy(float) - lo) / (hi - lo)
    area_w = items["area_weight"].to_numpy(float)
    area_total = checklist.areas["area_weight"].sum()
    weight_in_area = items.groupby("area_id", sort=False)["weight"].transform("sum").to_numpy(float)
    overall_weight = (area_w / area_total) * (items["weight"].to_numpy(float) / weight_in_area)
    gap = np.clip(target_norm - norm, 0.0, None)
    item_frame = pd.DataFrame({
        "area_id": items["area_id"].to_numpy(), "item_id": items["item_id"].to_numpy(),
        "text_zh": items["text_zh"].to_numpy(), "text_en": items["text_en"].to_numpy(),
        "reference": items["reference"].to_numpy(), "scale": items["scale"].to_numpy(),
        "weight": items["weight"].to_numpy(float), "overall_weight": overall_weight,
        "veto": items["veto"].to_numpy(bool), "n": stats["count"].fillna(0).astype(int).to_numpy(),
        "mean": mean, "std": stats["std"].to_numpy(float), "min": stats["min"].to_numpy(float),
        "max": stats["max"].to_numpy(float), "norm": norm, "target": items["target"].to_numpy(float),
        "target_norm": target_norm, "gap": gap, "gap_points": np.clip(items["target"].to_numpy(float) - mean, 0, None),
        "priority": overall_weight * gap,
    })
    ranked = item_frame["priority"].where(item_frame["priority"] > 0)
    item_frame["priority_rank"] = ranked.rank(ascending=False, method="min").astype("Int64")

    # areas and overall
    rolled, overall_score = _roll_up(checklist, item_frame.set_index("item_id")["norm"])
    areas = checklist.areas.set_index("area_id")
    tgt = pd.DataFrame({"area_id": items["area_id"].to_numpy(), "wt": items["weight"].to_numpy(float) * target_norm,
                        "w": items["weight"].to_numpy(float)}).groupby("area_id", sort=False)[["wt", "w"]].sum()
    area_target = (tgt["wt"] / tgt["w"]).reindex(areas.index)
    area_frame = pd.DataFrame({
        "area_id": areas.index.to_numpy(), "area_title_zh": areas["area_title_zh"].to_numpy(),
        "area_title_en": areas["area_title_en"].to_numpy(), "area_weight": areas["area_weight"].to_numpy(float),
        "n_items": items.groupby("area_id", sort=False).size().reindex(areas.index).to_numpy(),
        "n_answered": rolled["n_answered"].to_numpy(), "coverage": rolled["coverage"].to_numpy(float),
        "score": rolled["score"].to_numpy(float), "target": area_target.to_numpy(float),
    })
    area_frame["gap"] = np.clip(area_frame["target"] - area_frame["score"], 0, None)
    area_frame["band"] = [checklist.band_for(s) for s in area_frame["score"]]
    overall_target = float((area_frame["target"] * area_frame["area_weight"]).sum() / area_frame["area_weight"].sum())

    # vetoes
    v = item_frame[item_frame["veto"]].merge(items[["item_id", "veto_min"]], on="item_id")
    state = np.where(v["n"] == 0, "missing", np.where(v["mean"] < v["veto_min"] - _EPS, "failed", "passed"))
    vetoes = pd.DataFrame({"item_id": v["item_id"], "text_zh": v["text_zh"], "text_en": v["text_en"], "n": v["n"],
                           "mean": v["mean"], "min": v["min"], "veto_min": v["veto_min"], "state": state})
    failed = vetoes.loc[vetoes["state"] == "failed", "item_id"].tolist()
    below_pass = (checklist.pass_mark is not None and not np.isnan(overall_score)
                  and 100 * overall_score < checklist.pass_mark - _EPS)
    if failed or below_pass:
        status = "failed"
    elif not len(vetoes) and checklist.pass_mark is None:
        status = "not_applicable"  # nothing to pass or fail: the checklist has no veto item and no pass mark
    elif (vetoes["state"] == "missing").any() or np.isnan(overall_score):
        status = "incomplete"
    else:
        status = "passed"

    # roles and management vs front line
    roles = pd.DataFrame(columns=["item_id", "role", "role_group", "n", "mean", "norm"])
    disagreement = pd.DataFrame(columns=["item_id", "area_id", "n_management", "n_front_line", "norm_management",
                                         "norm_front_line", "difference", "flag"])
    score_mgmt = score_front = float("nan")
    if role_col is not None and len(valid):
        mgmt = {str(r).strip().lower() for r in management_roles}
        role = valid[role_col].astype("string").str.strip().fillna("?")
        group = np.where(role.str.lower().isin(mgmt).fillna(False).to_numpy(bool), "management", "front_line")
        work = pd.DataFrame({"item_id": valid[item_col].to_numpy(), "role": role.to_numpy(), "role_group": group,
                             "score": valid[score_col].to_numpy(float), "norm": valid["norm"].to_numpy(float)})
        roles = (work.groupby(["item_id", "role", "role_group"], sort=False)
                 .agg(n=("score", "size"), mean=("score", "mean"), norm=("norm", "mean")).reset_index())
        order = {iid: i for i, iid in enumerate(items["item_id"])}
        roles = roles.sort_values(["item_id", "role"], key=lambda s: s.map(order) if s.name == "item_id" else s,
                                  ignore_index=True)
        by_group = work.pivot_table(index="item_id", columns="role_group", values="norm", aggfunc=["mean", "size"])
        def _col(stat: str, grp: str) -> pd.Series:
            key = (stat, grp)
            col = by_group[key] if key in by_group.columns else pd.Series(np.nan, index=by_group.index)
            return col.reindex(items["item_id"])
        disagreement = pd.DataFrame({
            "item_id": items["item_id"].to_numpy(), "area_id": items["area_id"].to_numpy(),
            "n_management": _col("size", "management").fillna(0).astype(int).to_numpy(),
            "n_front_line": _col("size", "front_line").fillna(0).astype(int).to_numpy(),
            "norm_management": _col("mean", "management").to_numpy(float),
            "norm_front_line": _col("mean", "front_line").to_numpy(float),
        })
        disagreement["difference"] = disagreement["norm_management"] - disagreement["norm_front_line"]
        disagreement["flag"] = (disagreement["difference"].abs() >= disagreement_threshold - _EPS).fillna(False)
        _, score_mgmt = _roll_up(checklist, disagreement.set_index("item_id")["norm_management"])
        _, score_front = _roll_up(checklist, disagreement.set_index("item_id")["norm_front_line"])

    n_resp = int(valid[respondent_col].nunique()) if respondent_col is not None else None
    overall = {
        "score": overall_score, "target": overall_target,
        "gap": max(0.0, overall_target - overall_score) if not np.isnan(overall_score) else float("nan"),
        "band": checklist.band_for(overall_score), "status": status,
        "coverage": float((item_frame["overall_weight"] * (item_frame["n"] > 0)).sum()),
        "n_responses": len(valid), "n_respondents": n_resp, "vetoes_failed": failed,
        "below_pass_mark": bool(below_pass), "score_management": score_mgmt, "score_front_line": score_front,
    }
    return AuditResult(checklist, chosen, item_frame, area_frame, overall, vetoes, roles, disagreement)


def score_rounds(checklist: Checklist | str, responses: pd.DataFrame, **kwargs: Any) -> dict[str, AuditResult]:
    """Score every round of ``responses``; returns ``{round: AuditResult}`` in natural order.

    Parameters
    ----------
    checklist : Checklist or str
    responses : pandas.DataFrame
    **kwargs
        Passed to :func:`score_responses`.

    Returns
    -------
    dict of str -> AuditResult

    Examples
    --------
    >>> df = pd.DataFrame({"round": ["R1", "R2"], "item_id": "ORG.1", "score": [2.0, 4.0]})
    >>> list(score_rounds("customer_focus", df))
    ['R1', 'R2']
    """
    if not isinstance(checklist, Checklist):
        checklist = load_checklist(checklist)
    round_col = kwargs.get("round_col", "round")
    rounds = rounds_of(responses, round_col)
    if not rounds:
        res = score_responses(checklist, responses, **kwargs)
        return {"": res}
    return {r: score_responses(checklist, responses, r, **kwargs) for r in rounds}


def compare_rounds(current: AuditResult, previous: AuditResult) -> pd.DataFrame:
    """Change of every item, area and the overall score since the previous round.

    Parameters
    ----------
    current, previous : AuditResult
        Two rounds of the same checklist.

    Returns
    -------
    pandas.DataFrame
        ``level`` (item / area / overall), ``id``, ``title_zh``, ``title_en``, ``previous``,
        ``current``, ``change`` (current minus previous, 0-1 scale; NaN if either is missing),
        ``direction`` (up / down / same / new / dropped), ``band_previous``, ``band_current``
        (areas and overall).

    Raises
    ------
    ParameterError
        If the two results are of different checklists.

    Examples
    --------
    >>> df = pd.DataFrame({"round": ["R1", "R2"], "item_id": "ORG.1", "score": [2.0, 4.0]})
    >>> res = score_rounds("customer_focus", df)
    >>> compare_rounds(res["R2"], res["R1"]).query("id == 'ORG.1'")["change"].item()
    0.5
    """
    if current.checklist.id != previous.checklist.id:
        raise ParameterError(key="audits.error.rounds_different_checklists", current=repr(current.checklist.id),
                             previous=repr(previous.checklist.id))
    def _union(a: pd.Series, b: pd.Series) -> pd.DataFrame:
        ids = list(dict.fromkeys([*a.tolist(), *b.tolist()]))  # current order, then ids only in previous
        return pd.DataFrame({a.name: ids})

    it = _union(current.items["item_id"], previous.items["item_id"]).merge(
        current.items[["item_id", "text_zh", "text_en", "norm"]], on="item_id", how="left").merge(
        previous.items[["item_id", "norm"]], on="item_id", how="left", suffixes=("", "_prev"))
    items = pd.DataFrame({"level": "item", "id": it["item_id"], "title_zh": it["text_zh"], "title_en": it["text_en"],
                          "previous": it["norm_prev"], "current": it["norm"],
                          "band_previous": None, "band_current": None})
    ar = _union(current.areas["area_id"], previous.areas["area_id"]).merge(
        current.areas[["area_id", "area_title_zh", "area_title_en", "score", "band"]], on="area_id", how="left").merge(
        previous.areas[["area_id", "score", "band"]], on="area_id", how="left", suffixes=("", "_prev"))
    areas = pd.DataFrame({"level": "area", "id": ar["area_id"], "title_zh": ar["area_title_zh"],
                          "title_en": ar["area_title_en"], "previous": ar["score_prev"], "current": ar["score"],
                          "band_previous": ar["band_prev"], "band_current": ar["band"]})
    overall = pd.DataFrame({"level": ["overall"], "id": ["overall"], "title_zh": [t("audits.label.overall", "zh")],
                            "title_en": [t("audits.label.overall", "en")],
                            "previous": [previous.overall["score"]], "current": [current.overall["score"]],
                            "band_previous": [previous.overall["band"]], "band_current": [current.overall["band"]]})
    out = pd.concat([overall, areas, items], ignore_index=True)
    out["previous"] = out["previous"].astype(float)
    out["current"] = out["current"].astype(float)
    out["change"] = out["current"] - out["previous"]
    direction = np.select(
        [out["previous"].isna() & out["current"].notna(), out["current"].isna() & out["previous"].notna(),
         out["change"] > _EPS, out["change"] < -_EPS, out["change"].notna()],
        ["new", "dropped", "up", "down", "same"], default="missing")
    out["direction"] = direction
    cols = ["level", "id", "title_zh", "title_en", "previous", "current", "change", "direction", "band_previous",
            "band_current"]
    return out[cols]


def pick_rounds(rounds: Iterable[Any], config: Any = None, period: Any = None, *,
                missing_ok: bool = False) -> tuple[str | None, str | None]:
    """The round to report and the one before it, in natural order (``R2`` before ``R10``).

    Parameters
    ----------
    rounds : iterable
        Round ids present in the answers.
    config : ClientConfig, optional
        With ``period``: a round is used only if it started on or before the report
        period's end, so a period never reports a later round. When a round started is
        read from its id (:func:`threec_helpers.audit.rounds.round_span`): a ``client.yaml``
        period (``2026H2``), a year (``2025``), half, quarter, month or day; ids that name
        no time (``R1``) are always eligible.
    period : Period, optional
        The report period.
    missing_ok : bool, default False
        If every round starts after the report period, return ``(None, None)`` (the
        caller says "no round for this period") instead of raising.

    Returns
    -------
    (current, previous)
        ``previous`` is ``None`` with a single round; both are ``None`` without rounds.

    Raises
    ------
    ParameterError
        If every round starts after the report period (unless ``missing_ok``).

    Examples
    --------
    >>> pick_rounds(["R10", "R2", "R1"])
    ('R10', 'R2')
    """
    ordered = sorted({str(r) for r in rounds}, key=natural_key)
    if config is not None and period is not None and ordered:
        periods = tuple(config.periods)
        eligible = [r for r in ordered if round_in_time(r, period, periods)]
        if not eligible:
            if missing_ok:
                return None, None
            raise ParameterError(key="audits.error.no_round_in_period", period=period.id, end=period.end,
                                 rounds=', '.join(ordered))
        ordered = eligible
    current = ordered[-1] if ordered else None
    previous = ordered[-2] if len(ordered) > 1 else None
    return current, previous
