"""Quality objectives (ISO 9001 clause 6.2) and clinical indicators: target vs actual.

Tables ``quality_objectives`` (objective_id, name_zh, name_en, unit, comparator, target,
category) and ``kpi_measurements`` (objective_id, period ``YYYY-MM``, numerator,
denominator, value) of the data contract. Also the organisation overview figures of
``org_profile`` (switch utilisation) and the counts of the documented-information
register ``documents`` for the certification briefing.

Actual value of an objective over a period (``docs/audits.md``):

- with numerator/denominator: ``scale * sum(numerator) / sum(denominator)`` (pooled over
  the months), ``scale`` = 100 for ``%``, 100,000 for ``per_100k``, 1,000 for ``per_1000``
  and 1 otherwise (``seconds`` with numerator = total seconds and denominator = calls is
  the mean answer time);
- otherwise from ``value``: the sum over the months for ``count`` objectives, the mean for
  every other unit.

Met: ``actual <comparator> target`` with comparators ``>``, ``>=``, ``<``, ``<=``, ``=``
(equality within 1e-9 relative, so 100% = 100% and 98% >= 98% are met).

Control charts for the KPI history are drawn by :mod:`threec_helpers.spc`;
:func:`objective_history` gives the monthly series and :func:`chart_kind_for` says which
chart fits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..inputs.contract import COMPARATORS, DOCUMENTS, QUALITY_OBJECTIVES
from ..errors import InputError, ParameterError
from ..i18n import check_lang, fmt_int, t

UNITS: tuple[str, ...] = QUALITY_OBJECTIVES.column("unit").allowed
#: multiplier applied to numerator / denominator per unit
UNIT_SCALE: dict[str, float] = {"%": 100.0, "per_100k": 1e5, "per_1000": 1e3}
#: display symbol of each comparator
COMPARATOR_SYMBOL = {">": ">", ">=": "≥", "<": "<", "<=": "≤", "=": "="}
_COMPARATOR_ALIASES = dict(QUALITY_OBJECTIVES.column("comparator").value_aliases)
_REL_TOL = 1e-9

#: derived organisation rates: (metric, numerator metrics, denominator metrics, zh, en)
DERIVED_RATES: tuple[tuple[str, tuple[str, ...], tuple[str, ...], str, str], ...] = (
    ("utilisation", ("lines_in_service", "installed_lines", "lines_installed"),
     ("capacity_lines", "switch_capacity", "capacity"), "交换机实装率", "Switch utilisation"),
)

DOCUMENT_CATEGORIES: tuple[str, ...] = DOCUMENTS.column("category").allowed


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def _check_columns(df: pd.DataFrame, table: str, cols: tuple[str, ...]) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise InputError(key="audits.error.columns_missing", table=table, columns=", ".join(missing),
                         found=", ".join(map(str, df.columns)))


def _clean_objectives(objectives: pd.DataFrame) -> pd.DataFrame:
    _check_columns(objectives, "quality_objectives", ("objective_id", "unit", "comparator", "target"))
    obj = objectives.copy()
    comp = obj["comparator"].astype("string").str.strip()
    comp = comp.replace(_COMPARATOR_ALIASES)
    bad = ~comp.isin(COMPARATORS) | comp.isna()
    if bad.any():
        rows = "; ".join(f"row {i}: objective {oid!r} comparator {c!r}" for i, oid, c in
                         zip(obj.index[bad][:5], obj.loc[bad, "objective_id"], obj.loc[bad, "comparator"]))
        raise InputError(key="audits.error.objective_comparator", rows=rows, allowed=", ".join(COMPARATORS))
    obj["comparator"] = comp.astype(str)
    unit = obj["unit"].astype("string").str.strip()
    bad = ~unit.isin(UNITS) | unit.isna()
    if bad.any():
        rows = "; ".join(f"row {i}: objective {oid!r} unit {u!r}" for i, oid, u in
                         zip(obj.index[bad][:5], obj.loc[bad, "objective_id"], obj.loc[bad, "unit"]))
        raise InputError(key="audits.error.objective_unit", rows=rows, allowed=", ".join(UNITS))
    obj["unit"] = unit.astype(str)
    target = pd.to_numeric(obj["target"], errors="coerce")
    bad = target.isna()
    if bad.any():
        rows = "; ".join(f"row {i}: objective {oid!r} target {v!r}" for i, oid, v in
                         zip(obj.index[bad][:5], obj.loc[bad, "objective_id"], obj.loc[bad, "target"]))
        raise InputError(key="audits.error.objective_target", rows=rows)
    obj["target"] = target.astype(float)
    obj["objective_id"] = obj["objective_id"].astype(str)
    for col in ("name_zh", "name_en", "category"):
        if col not in obj.columns:
            obj[col] = obj["objective_id"] if col != "category" else ""
    obj["name_en"] = obj["name_en"].fillna(obj["name_zh"])
    return obj


def _clean_measurements(measurements: pd.DataFrame, objectives: pd.DataFrame) -> pd.DataFrame:
    _check_columns(measurements, "kpi_measurements", ("objective_id", "period"))
    m = measurements.copy()
    for col in ("numerator", "denominator", "value"):
        m[col] = pd.to_numeric(m[col], errors="coerce").astype(float) if col in m.columns else np.nan
    m["objective_id"] = m["objective_id"].astype(str)
    unknown = ~m["objective_id"].isin(objectives["objective_id"])
    if unknown.any():
        rows = "; ".join(f"row {i}: {v!r}" for i, v in m.loc[unknown, "objective_id"].head(5).items())
        raise InputError(key="audits.error.kpi_unknown_objective", rows=rows)
    m["month"] = pd.to_datetime(m["period"].astype(str), format="%Y-%m", errors="coerce")
    bad = m["month"].isna()
    if bad.any():
        rows = "; ".join(f"row {i}: {v!r}" for i, v in m.loc[bad, "period"].head(5).items())
        raise InputError(key="audits.error.kpi_period", rows=rows)
    return m


def _period_bounds(period: Any) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """First and last month (month starts) of a period given in one of the accepted forms."""
    if period is None:
        return None
    if hasattr(period, "start") and hasattr(period, "end"):  # config.Period
        s, e = pd.Timestamp(period.start), pd.Timestamp(period.end)
        return s.to_period("M").to_timestamp(), e.to_period("M").to_timestamp()
    if isinstance(period, (tuple, list)) and len(period) == 2:
        a, b = _period_bounds(str(period[0])), _period_bounds(str(period[1]))
        return a[0], b[1]
    text = str(period).strip().upper()
    text = re.sub(r"^(\d{4})([QH]\d)$", r"\1-\2", text)  # 2025Q4 -> 2025-Q4, 2025H2 -> 2025-H2
    try:
        if len(text) == 4 and text.isdigit():
            return pd.Timestamp(f"{text}-01-01"), pd.Timestamp(f"{text}-12-01")
        if "-Q" in text:
            p = pd.Period(text, freq="Q")
            return p.start_time.normalize(), p.end_time.to_period("M").to_timestamp()
        if "-H" in text:
            year, half = text.split("-H")
            start = 1 if half == "1" else 7
            if half not in ("1", "2"):
                raise ValueError
            return pd.Timestamp(f"{year}-{start:02d}-01"), pd.Timestamp(f"{year}-{start + 5:02d}-01")
        month = pd.Timestamp(pd.to_datetime(text, format="%Y-%m"))
        return month, month
    except (ValueError, TypeError):
        raise ParameterError(key="audits.error.period_not_understood", value=repr(period)) from None


def compare(actual: Any, comparator: Any, target: Any) -> np.ndarray:
    """Vectorised ``actual <comparator> target`` with a small tolerance for equality.

    Parameters
    ----------
    actual, target : array-like of float
    comparator : array-like of str
        Each one of ``>``, ``>=``, ``<``, ``<=``, ``=``.

    Returns
    -------
    numpy.ndarray of bool
        False where ``actual`` is missing.

    Examples
    --------
    >>> compare([98.0, 98.0, 100.0], [">", ">=", "="], [98.0, 98.0, 100.0]).tolist()
    [False, True, True]
    """
    a = np.asarray(actual, dtype=float)
    tg = np.asarray(target, dtype=float)
    c = np.broadcast_to(np.asarray(comparator, dtype=object), a.shape)
    bad = ~np.isin(c, COMPARATORS)
    if bad.any():
        raise ParameterError(key="audits.error.comparator", value=repr(c[bad][0]), allowed=", ".join(COMPARATORS))
    tol = _REL_TOL * np.maximum(1.0, np.abs(tg))
    with np.errstate(invalid="ignore"):
        out = np.select([c == ">", c == ">=", c == "<", c == "<=", c == "="],
                        [a > tg + tol, a >= tg - tol, a < tg - tol, a <= tg + tol, np.abs(a - tg) <= tol], False)
    return out & ~np.isnan(a)


def format_value(value: Any, unit: str, lang: str = "zh") -> str:
    """Format a value in its unit: ``100`` ``%`` -> ``'100%'``, ``7`` ``seconds`` -> ``'7秒'`` / ``'7 s'``.

    Up to two decimals are shown, trailing zeros dropped (``81.3``, ``92.42``). A zero rate
    per 100,000 / per 1,000 is written plainly as ``0``.

    Parameters
    ----------
    value : number
        The value in its unit.
    unit : str
        One of :data:`UNITS`.
    lang : {"zh", "en"}
        Language of the unit's name.

    Returns
    -------
    str

    Examples
    --------
    >>> format_value(81.3, "points", "en"), format_value(0.5, "per_100k", "en"), format_value(0, "per_100k", "zh")
    ('81.3 points', '0.5 per 100,000', '0')
    """
    check_lang(lang)
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "–"
    text = f"{float(value):,.2f}".rstrip("0").rstrip(".")
    if text in ("-0", "0", ""):
        return "0" if unit in ("per_100k", "per_1000") else t(f"audits.unit.{unit}", lang, value="0")
    return t(f"audits.unit.{unit}", lang, value=text)


# --------------------------------------------------------------------------------------------
# objectives
# --------------------------------------------------------------------------------------------


def _actual_from(m: pd.DataFrame, unit: pd.Series) -> pd.Series:
    """Per-row actual of measurement rows (``unit`` aligned to rows)."""
    scale = unit.map(UNIT_SCALE).fillna(1.0).astype(float)
    has_ratio = m["numerator"].notna() & m["denominator"].notna() & (m["denominator"] > 0)
    return (scale * m["numerator"] / m["denominator"]).where(has_ratio, m["value"])


def evaluate_objectives(objectives: pd.DataFrame, measurements: pd.DataFrame, period: Any = None,
                        lang: str = "zh") -> pd.DataFrame:
    """Target vs actual of every objective over a period.

    Parameters
    ----------
    objectives : pandas.DataFrame
        Table ``quality_objectives``.
    measurements : pandas.DataFrame
        Table ``kpi_measurements``.
    period : optional
        Months to include: ``None`` (all), ``"2025"``, ``"2025-Q4"``, ``"2025-H2"``,
        ``"2025-10"`` (``2025Q4`` and ``2025H2`` work too), a ``(first, last)`` pair of months, or a
        :class:`~threec_helpers.config.Period`.
    lang : {"zh", "en"}
        Language of ``text``.

    Returns
    -------
    pandas.DataFrame
        One row per objective in table order: ``objective_id``, ``name_zh``, ``name_en``,
        ``category``, ``unit``, ``comparator``, ``target``, ``numerator``, ``denominator``
        (sums, NaN when the objective is measured by value), ``n_months``, ``actual``, ``met``
        (nullable boolean; missing when there is no measurement), ``actual_text``,
        ``target_text`` and ``text`` (``"100% (目标 >98%)"``).

    Raises
    ------
    InputError
        Unknown comparator or unit (naming the row), measurements of an unknown objective.

    Examples
    --------
    >>> obj = pd.DataFrame({"objective_id": ["Q1"], "name_zh": ["装机及时率"], "unit": ["%"],
    ...                     "comparator": [">"], "target": [98.0]})
    >>> kpi = pd.DataFrame({"objective_id": ["Q1", "Q1"], "period": ["2025-10", "2025-11"],
    ...                     "numerator": [40.0, 60.0], "denominator": [40.0, 60.0]})
    >>> row = evaluate_objectives(obj, kpi, "2025").iloc[0]
    >>> float(row["actual"]), bool(row["met"]), row["text"]
    (100.0, True, '100%（目标 >98%）')
    """
    check_lang(lang)
    obj = _clean_objectives(objectives)
    m = _clean_measurements(measurements, obj)
    bounds = _period_bounds(period)
    if bounds is not None:
        m = m[(m["month"] >= bounds[0]) & (m["month"] <= bounds[1])]
    has_ratio = m["numerator"].notna() & m["denominator"].notna()
    work = pd.DataFrame({
        "objective_id": m["objective_id"],
        "num": m["numerator"].where(has_ratio), "den": m["denominator"].where(has_ratio),
        "n_ratio": has_ratio.astype(int), "value": m["value"].where(~has_ratio),
        "month": m["month"],
    })
    g = work.groupby("objective_id")
    agg = pd.DataFrame({
        "numerator": g["num"].sum(min_count=1), "denominator": g["den"].sum(min_count=1),
        "n_ratio": g["n_ratio"].sum(), "value_mean": g["value"].mean(), "value_sum": g["value"].sum(min_count=1),
        "n_months": g["month"].nunique(),
    })
    out = obj.merge(agg, left_on="objective_id", right_index=True, how="left")
    scale = out["unit"].map(UNIT_SCALE).fillna(1.0)
    ratio_ok = (out["n_ratio"].fillna(0) > 0) & (out["denominator"] > 0)
    from_value = np.where(out["unit"] == "count", out["value_sum"], out["value_mean"])
    out["actual"] = np.where(ratio_ok, scale * out["numerator"] / out["denominator"], from_value).astype(float)
    out.loc[~ratio_ok, ["numerator", "denominator"]] = np.nan
    out["n_months"] = out["n_months"].fillna(0).astype(int)
    met = compare(out["actual"], out["comparator"], out["target"])
    out["met"] = pd.array(met, dtype="boolean")
    out.loc[out["actual"].isna(), "met"] = pd.NA
    out["actual_text"] = [format_value(a, u, lang) for a, u in zip(out["actual"], out["unit"])]
    out["target_text"] = [COMPARATOR_SYMBOL[c] + format_value(v, u, lang) for c, v, u in
                          zip(out["comparator"], out["target"], out["unit"])]
    out["text"] = [t("audits.objective.text", lang, actual=a, target=tt) for a, tt in
                   zip(out["actual_text"], out["target_text"])]
    cols = ["objective_id", "name_zh", "name_en", "category", "unit", "comparator", "target", "numerator",
            "denominator", "n_months", "actual", "met", "actual_text", "target_text", "text"]
    return out[cols].reset_index(drop=True)


def objectives_met(evaluated: pd.DataFrame) -> tuple[int, int]:
    """``(met, assessed)``: how many objectives met their target out of those with a measurement.

    Parameters
    ----------
    evaluated : DataFrame
        Evaluated objectives with a nullable boolean ``met`` (missing: no measurement).

    Returns
    -------
    (int, int)

    See Also
    --------
    missed_objectives : the names of those that missed.

    Examples
    --------
    >>> objectives_met(pd.DataFrame({"met": pd.array([True, False, None], dtype="boolean")}))
    (1, 2)
    """
    met = evaluated["met"].astype("boolean")
    return int(met.fillna(False).sum()), int(met.notna().sum())


def objective_history(objectives: pd.DataFrame, measurements: pd.DataFrame, period: Any = None) -> pd.DataFrame:
    """Monthly series of every objective, for control charts with the target line.

    Parameters
    ----------
    objectives, measurements : pandas.DataFrame
        Tables ``quality_objectives`` and ``kpi_measurements``.
    period : optional
        As in :func:`evaluate_objectives`; default all months.

    Returns
    -------
    pandas.DataFrame
        ``objective_id``, ``period`` (``YYYY-MM``), ``month`` (Timestamp), ``numerator``,
        ``denominator``, ``value``, ``actual`` (the month's actual in the objective's unit),
        ``unit``, ``comparator``, ``target``, ``met``; ordered by objective then month.

    Examples
    --------
    >>> obj = pd.DataFrame({"objective_id": ["T"], "name_zh": ["应答时限"], "unit": ["seconds"],
    ...                     "comparator": ["<="], "target": [10.0]})
    >>> kpi = pd.DataFrame({"objective_id": ["T", "T"], "period": ["2025-02", "2025-01"], "value": [12.0, 7.0]})
    >>> objective_history(obj, kpi)[["period", "actual", "met"]].values.tolist()
    [['2025-01', 7.0, True], ['2025-02', 12.0, False]]
    """
    obj = _clean_objectives(objectives)
    m = _clean_measurements(measurements, obj)
    bounds = _period_bounds(period)
    if bounds is not None:
        m = m[(m["month"] >= bounds[0]) & (m["month"] <= bounds[1])]
    info = obj.set_index("objective_id")[["unit", "comparator", "target"]]
    out = m[["objective_id", "month", "numerator", "denominator", "value"]].join(info, on="objective_id")
    out["period"] = out["month"].dt.strftime("%Y-%m")
    out["actual"] = _actual_from(out, out["unit"]).astype(float)
    out["met"] = pd.array(compare(out["actual"], out["comparator"], out["target"]), dtype="boolean")
    out.loc[out["actual"].isna(), "met"] = pd.NA
    order = {oid: i for i, oid in enumerate(obj["objective_id"])}
    out = out.assign(_o=out["objective_id"].map(order)).sort_values(["_o", "month"], ignore_index=True)
    return out[["objective_id", "period", "month", "numerator", "denominator", "value", "actual", "unit",
                "comparator", "target", "met"]]


def chart_kind_for(objective: Mapping[str, Any] | pd.Series, history: pd.DataFrame | None = None,
                   laney_min_denominator: float = 1000.0) -> str:
    """Which control chart fits an objective's monthly series.

    Parameters
    ----------
    objective : mapping or pandas.Series
        A row of ``quality_objectives`` (needs ``unit``; ``objective_id`` to pick its rows
        from ``history``).
    history : pandas.DataFrame, optional
        :func:`objective_history` output (all objectives or just this one).
    laney_min_denominator : float
        From this mean denominator on, a p chart's limits are too narrow (over-dispersion
        with large subgroups) and Laney's p' chart is advised.

    Returns
    -------
    str
        ``"p"`` (a % with numerator/denominator), ``"p_prime"`` (the same with large
        denominators), ``"u"`` (a rate per 100,000 or per 1,000 with numerator/denominator)
        or ``"xmr"`` (values: points, seconds, counts, days, or a % given only as a value).

    Examples
    --------
    >>> chart_kind_for({"unit": "points"})
    'xmr'
    >>> h = pd.DataFrame({"objective_id": ["Q1"], "numerator": [49.0], "denominator": [50.0]})
    >>> chart_kind_for({"objective_id": "Q1", "unit": "%"}, h)
    'p'
    """
    unit = str(objective["unit"])
    if history is None or not {"numerator", "denominator"} <= set(history.columns):
        return "xmr"
    rows = history
    if "objective_id" in history.columns and "objective_id" in objective:
        rows = history[history["objective_id"].astype(str) == str(objective["objective_id"])]
    ratio = rows["numerator"].notna() & rows["denominator"].notna() & (rows["denominator"] > 0)
    if not ratio.any() or not ratio.all():
        return "xmr"
    if unit == "%":
        return "p_prime" if rows.loc[ratio, "denominator"].mean() >= laney_min_denominator else "p"
    if unit in ("per_100k", "per_1000"):
        return "u"
    return "xmr"


# --------------------------------------------------------------------------------------------
# organisation profile and documents
# --------------------------------------------------------------------------------------------


def org_rates(org_profile: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The organisation overview with derived rates (switch utilisation = in service / capacity).

    Parameters
    ----------
    org_profile : pandas.DataFrame
        Table ``org_profile`` (metric, value, unit, label_zh, label_en).
    lang : {"zh", "en"}
        Language of ``text``.

    Returns
    -------
    pandas.DataFrame
        The profile's rows in order, then each derived rate whose inputs are present (a
        profile row of the same metric is replaced): ``metric``, ``value``, ``unit``,
        ``label_zh``, ``label_en``, ``derived`` (bool), ``formula`` (``"47,213 / 51,084"``)
        and ``text`` (the formatted value, ``"92.42%"``). Rates are in percent.

    Examples
    --------
    >>> prof = pd.DataFrame({"metric": ["capacity_lines", "lines_in_service"], "value": [51084.0, 47213.0]})
    >>> org_rates(prof).set_index("metric").loc["utilisation", ["text", "formula"]].tolist()
    ['92.42%', '47,213 / 51,084']
    """
    check_lang(lang)
    _check_columns(org_profile, "org_profile", ("metric", "value"))
    prof = org_profile.copy()
    for col in ("unit", "label_zh", "label_en"):
        if col not in prof.columns:
            prof[col] = None
    prof["metric"] = prof["metric"].astype(str)
    prof["value"] = pd.to_numeric(prof["value"], errors="coerce").astype(float)
    prof["derived"] = False
    prof["formula"] = ""
    values = prof.set_index("metric")["value"]
    derived = []
    for metric, nums, dens, zh, en in DERIVED_RATES:
        num = next((n for n in nums if n in values.index), None)
        den = next((d for d in dens if d in values.index), None)
        if num is None or den is None or not values[den] > 0:
            continue
        derived.append({"metric": metric, "value": 100.0 * values[num] / values[den], "unit": "%", "label_zh": zh,
                        "label_en": en, "derived": True,
                        "formula": f"{fmt_int(values[num])} / {fmt_int(values[den])}"})
    if derived:
        prof = prof[~prof["metric"].isin([d["metric"] for d in derived])]
        prof = pd.concat([prof, pd.DataFrame(derived)], ignore_index=True)
    prof = prof.reset_index(drop=True)

    def _text(v: float, u: Any) -> str:
        u = None if u is None or (isinstance(u, float) and np.isnan(u)) or u is pd.NA else str(u)
        if u in UNITS:
            return format_value(v, u, lang)
        num = fmt_int(v) if float(v).is_integer() else f"{v:,.2f}".rstrip("0").rstrip(".")
        return f"{num} {u}" if u else num

    prof["text"] = [_text(v, u) for v, u in zip(prof["value"], prof["unit"])]
    return prof[["metric", "value", "unit", "label_zh", "label_en", "derived", "formula", "text"]]


def document_register_counts(documents: pd.DataFrame, drop_zero: bool = True) -> pd.DataFrame:
    """Count the documented-information register per category, in the data contract's order.

    Parameters
    ----------
    documents : pandas.DataFrame
        Table ``documents`` (category: responsibility, record, standard, regulation,
        workflow, manual, procedure).
    drop_zero : bool
        Leave out categories with no document.

    Returns
    -------
    pandas.DataFrame
        ``category``, ``count``, ``label_zh``, ``label_en``.

    Raises
    ------
    InputError
        For a category outside the contract's list, naming the rows.

    Examples
    --------
    >>> docs = pd.DataFrame({"category": ["record", "responsibility", "record"]})
    >>> document_register_counts(docs)[["category", "count"]].values.tolist()
    [['responsibility', 1], ['record', 2]]
    """
    _check_columns(documents, "documents", ("category",))
    cat = documents["category"].astype("string").str.strip()
    bad = ~cat.isin(DOCUMENT_CATEGORIES) | cat.isna()
    if bad.any():
        rows = "; ".join(f"row {i}: {v!r}" for i, v in documents.loc[bad, "category"].head(5).items())
        raise InputError(key="audits.error.document_category", rows=rows, allowed=", ".join(DOCUMENT_CATEGORIES))
    counts = cat.value_counts().reindex(list(DOCUMENT_CATEGORIES), fill_value=0)
    out = pd.DataFrame({"category": list(DOCUMENT_CATEGORIES), "count": counts.to_numpy().astype(int)})
    if drop_zero:
        out = out[out["count"] > 0].reset_index(drop=True)
    out["label_zh"] = [t(f"audits.doc.{c}", "zh") for c in out["category"]]
    out["label_en"] = [t(f"audits.doc.{c}", "en") for c in out["category"]]
    return out


def missed_objectives(table: pd.DataFrame) -> list[str]:
    """Names of the objectives that missed their target (``objectives_table`` output).

    Parameters
    ----------
    table : DataFrame
        ``objectives_table`` output (``objective``, ``met``).

    Returns
    -------
    list of str

    See Also
    --------
    objectives_met : how many met their target.

    Examples
    --------
    >>> df = pd.DataFrame({"objective": ["A", "B"], "met": pd.array([True, False], dtype="boolean")})
    >>> missed_objectives(df)
    ['B']
    """
    met = table["met"].astype("boolean")
    return table.loc[met.eq(False).fillna(False).to_numpy(bool), "objective"].astype(str).tolist()


def pick_objective(evaluated: pd.DataFrame, words: Iterable[str] = ("satisf", "满意"),
                   unit: str | None = "points") -> pd.Series | None:
    """The first objective whose name contains one of ``words`` (else the first in ``unit``).

    Used to find the customer-satisfaction objective for the headline figures.

    Parameters
    ----------
    evaluated : DataFrame
        Evaluated objectives (``name_zh`` and/or ``name_en``, ``unit``).
    words : iterable of str
        Name fragments looked for (case-insensitive).
    unit : str or None, default "points"
        Fallback unit; None for no fallback.

    Returns
    -------
    Series or None
        The objective's row.

    Examples
    --------
    >>> ev = pd.DataFrame({"objective_id": ["A", "B"], "name_zh": ["及时率", "顾客满意度"], "unit": ["%", "points"]})
    >>> pick_objective(ev)["objective_id"]
    'B'
    """
    names = pd.Series([""] * len(evaluated), index=evaluated.index, dtype=object)
    for col in ("name_zh", "name_en"):
        if col in evaluated.columns:
            names = names + " " + evaluated[col].astype(object).fillna("").astype(str).str.lower()
    hit = np.zeros(len(evaluated), bool)
    for w in words:
        hit |= names.str.contains(str(w).lower(), regex=False).to_numpy(bool)
    if hit.any():
        return evaluated.loc[evaluated.index[np.flatnonzero(hit)[0]]]
    if unit is not None and "unit" in evaluated.columns:
        same = evaluated[evaluated["unit"].astype(str) == unit]
        if len(same):
            return same.iloc[0]
    return None


def localized(frame: pd.DataFrame, base: str, lang: str) -> pd.Series:
    """Column ``<base>_<lang>``, falling back to the other language where empty.

    Parameters
    ----------
    frame : DataFrame
        With columns ``<base>_zh`` and/or ``<base>_en``.
    base : str
        The column name before the language suffix.
    lang : {"zh", "en"}
        The language wanted.

    Returns
    -------
    Series of str

    Examples
    --------
    >>> df = pd.DataFrame({"name_zh": ["满意度", ""], "name_en": ["Satisfaction", "On time"]})
    >>> localized(df, "name", "zh").tolist()
    ['满意度', 'On time']
    """
    other = "en" if lang == "zh" else "zh"
    cols = [c for c in (f"{base}_{lang}", f"{base}_{other}") if c in frame.columns]
    if not cols:
        return pd.Series([None] * len(frame), index=frame.index, dtype=object)
    out = frame[cols[0]].astype(object)
    for c in cols[1:]:
        out = out.where(out.notna() & (out.astype(str).str.strip() != ""), frame[c].astype(object))
    return out
