"""The customer-focus audit: its three factors, who answered, and scores next to performance.

The staff self-assessment of the 3C engagement (checklist ``customer_focus``) scores three
factors, **organization** (``ORG``), **communications** (``COM``) and **information**
(``INF``). This module names them (:data:`FACTOR_KEYS`, the key-figure keys every report
uses), registers who answered (:func:`focus_registration`), reads the factor scores of a
scored round (:func:`focus_scores`, :func:`focus_kpis`) and sets them beside the customer
performance of the matching period (:func:`focus_vs_performance`).

See Also
--------
threec_helpers.audit.scoring : scores each round (``score_rounds``).
threec_helpers.measures.planning.focus_plan : turns the priorities into an improvement plan.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..inputs.config import Period
from ..measures.behavior import retention
from ..measures.pyramid import ACTIVE_TIERS
from ..ordering import natural_key
from .scoring import MANAGEMENT_ROLES

#: key-figure keys of the three customer-focus factors (area ids of the customer_focus checklist)
FACTOR_KEYS: dict[str, str] = {"ORG": "organization", "COM": "communications", "INF": "information"}


def factor_key(area_id: Any) -> str:
    """Key-figure key of an area: ``ORG`` -> ``organization``; other areas their id in lower case.

    Parameters
    ----------
    area_id : object
        A checklist area id.

    Returns
    -------
    str

    Examples
    --------
    >>> factor_key("INF"), factor_key("OB.3")
    ('information', 'ob_3')
    """
    text = str(area_id).strip()
    return FACTOR_KEYS.get(text.upper(), text.lower().replace(".", "_").replace(" ", "_"))


#: the customer-focus checklist's default target (maturity 4 of 5) as a 0-1 score
FOCUS_TARGET = 0.75


def focus_registration(responses: pd.DataFrame, management_roles: Iterable[str] | None = None) -> pd.DataFrame:
    """Who answered the customer-focus audit: respondents and answers per round and role.

    Parameters
    ----------
    responses : DataFrame
        Table ``focus_responses`` (``round``, ``respondent_id``, ``role``, ``item_id``, ``score``).
    management_roles : iterable of str, optional
        Roles counted as management (the rest are front line); default the scoring module's.

    Returns
    -------
    DataFrame
        ``round, role, role_group`` (management / front_line), ``respondents, answers,
        missing_scores`` (answers without a score), sorted by round then role.

    See Also
    --------
    focus_scores : the scores of the same answers.

    Examples
    --------
    >>> r = pd.DataFrame({"round": ["1", "1", "1"], "respondent_id": ["a", "a", "b"],
    ...                   "role": ["management", "management", "sales"], "item_id": ["X", "Y", "X"],
    ...                   "score": [3.0, None, 4.0]})
    >>> focus_registration(r)[["role", "respondents", "answers", "missing_scores"]].values.tolist()
    [['management', 1, 2, 1], ['sales', 1, 1, 0]]
    """
    mgmt = {str(r).strip().lower() for r in (management_roles or MANAGEMENT_ROLES)}
    f = responses
    rnd = f["round"].astype("str").fillna("") if "round" in f.columns else pd.Series("", index=f.index)
    role = f["role"].astype("str").fillna("?") if "role" in f.columns else pd.Series("?", index=f.index)
    work = pd.DataFrame({"round": rnd.to_numpy(), "role": role.to_numpy(),
                         "respondent_id": f["respondent_id"].to_numpy(),
                         "missing": f["score"].isna().to_numpy()})
    g = work.groupby(["round", "role"], sort=False).agg(respondents=("respondent_id", "nunique"),
                                                        answers=("respondent_id", "size"),
                                                        missing_scores=("missing", "sum")).reset_index()
    g["role_group"] = np.where(g["role"].str.strip().str.lower().isin(mgmt), "management", "front_line")
    g["missing_scores"] = g["missing_scores"].astype(int)
    g["_k"] = g["round"].map(natural_key)
    g = g.sort_values(["_k", "role"]).drop(columns="_k").reset_index(drop=True)
    return g[["round", "role", "role_group", "respondents", "answers", "missing_scores"]]


def focus_scores(result) -> dict[str, float]:
    """Customer-focus factor scores (0-1) of an audit round: organization, communications, information, overall.

    Parameters
    ----------
    result : AuditResult
        One round of the customer-focus audit.

    Returns
    -------
    dict of str to float

    See Also
    --------
    focus_kpis : the same for every round.

    Examples
    --------
    >>> class R: areas = pd.DataFrame({"area_id": ["ORG", "COM", "INF"], "score": [0.5, 0.6, 0.3]}); overall = {"score": 0.47}
    >>> focus_scores(R())
    {'organization': 0.5, 'communications': 0.6, 'information': 0.3, 'overall': 0.47}
    """
    s = result.areas.set_index("area_id")["score"]
    out = {k: float(s.get(a, np.nan)) for a, k in FACTOR_KEYS.items()}
    out["overall"] = float(result.overall["score"])
    return out


def focus_kpis(results: Mapping[str, Any]) -> pd.DataFrame:
    """Customer-focus KPIs per audit round: overall, organization, communications, information (0-1).

    Parameters
    ----------
    results : mapping
        Round -> :class:`~threec_helpers.audit.scoring.AuditResult` (:func:`score_rounds`).

    Returns
    -------
    DataFrame
        ``round, overall, organization, communications, information``, one row per round.

    See Also
    --------
    focus_scores : one round's scores.
    focus_vs_performance : the same next to the customer performance.

    Examples
    --------
    >>> import pandas as pd
    >>> from threec_helpers.audit.scoring import score_rounds
    >>> results = score_rounds("customer_focus", pd.DataFrame({"round": ["2025", "2026"], "item_id": "ORG.1",
    ...                                                        "score": [2.0, 4.0]}))
    >>> focus_kpis(results)[["round", "overall", "organization"]].values.tolist()
    [['2025', 0.25, 0.25], ['2026', 0.75, 0.75]]
    """
    rows = [{"round": r, **{k: v for k, v in focus_scores(res).items()}} for r, res in results.items()]
    return pd.DataFrame(rows, columns=["round", "overall", "organization", "communications", "information"])


def _round_period(round_id: str, periods: Sequence[Period]) -> Period | None:
    m = re.search(r"(\d{4})", str(round_id))
    if not m:
        return None
    year = int(m.group(1))
    hits = [p for p in periods if p.end.year == year]
    return hits[-1] if hits else None


def focus_vs_performance(results: Mapping[str, Any], tables_by_period: Mapping[str, pd.DataFrame],
                         periods: Sequence[Period]) -> pd.DataFrame:
    """Customer focus next to customer performance, one row per audit round.

    A round is matched to the period whose end falls in the year named in the round id
    (round ``2026`` -> the period ending in 2026, e.g. FY2026); rounds without a match keep
    empty performance columns.

    Parameters
    ----------
    results : mapping
        Round -> :class:`~threec_helpers.audits.AuditResult` (:func:`score_rounds`).
    tables_by_period : mapping
        Period id -> customer table.
    periods : sequence of Period

    Returns
    -------
    DataFrame
        ``round, period, focus, organization, communications, information, active_customers,
        revenue, net_profit, retention, satisfaction``.

    See Also
    --------
    focus_kpis : the focus scores alone.

    Examples
    --------
    >>> import pandas as pd
    >>> from threec_helpers.audit.scoring import score_rounds
    >>> results = score_rounds("customer_focus", pd.DataFrame({"round": ["2025", "2026"], "item_id": "ORG.1",
    ...                                                        "score": [2.0, 4.0]}))
    >>> import datetime as dt
    >>> from threec_helpers.inputs.config import Period
    >>> table = pd.DataFrame({"tier": ["top", "small", "inactive"], "previous_tier": ["top", "small", "small"],
    ...                       "revenue": [100.0, 20.0, 0.0], "net_profit": [10.0, 1.0, 0.0],
    ...                       "satisfaction": [4.0, 3.0, None]})
    >>> periods = [Period("FY2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31))]
    >>> out = focus_vs_performance(results, {"FY2026": table}, periods)
    >>> out[["round", "period", "focus", "active_customers", "revenue"]].values.tolist()
    [['2025', nan, 0.25, nan, nan], ['2026', 'FY2026', 0.75, 2.0, 120.0]]
    """
    rows = []
    for rnd, res in results.items():
        sc = focus_scores(res)
        p = _round_period(rnd, periods)
        row = {"round": rnd, "period": p.id if p else None, "focus": sc["overall"],
               "organization": sc["organization"], "communications": sc["communications"],
               "information": sc["information"]}
        tb = tables_by_period.get(p.id) if p else None
        if tb is not None:
            active = tb["tier"].astype("str").isin(ACTIVE_TIERS) & (tb["revenue"] > 0)
            row.update(active_customers=int(active.sum()), revenue=float(tb["revenue"].sum()),
                       net_profit=float(tb["net_profit"].sum()),
                       retention=retention(tb)[2] if tb["previous_tier"].notna().any() else np.nan,
                       satisfaction=float(tb["satisfaction"].mean()))
        rows.append(row)
    cols = ["round", "period", "focus", "organization", "communications", "information", "active_customers",
            "revenue", "net_profit", "retention", "satisfaction"]
    return pd.DataFrame(rows).reindex(columns=cols)
