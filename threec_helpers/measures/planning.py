"""Phase 3 (planning): top-down and bottom-up customer budgets, reconciled; the focus plan.

Both plans start from the customer table of the *base* period
(:func:`threec_helpers.customer_table.customer_table`) and budget the next 12 months.

**Top-down** (:func:`top_down_plan`) — the company's targets (``client.yaml`` ``targets``)
are allocated to customers by a documented rule:

- revenue target = base revenue of active customers x (1 + ``revenue_growth``);
  each active customer's share = its share of base revenue (pro rata);
- profit target per customer = its revenue target x ``profit_margin`` (when the target is
  absent, the customer's own base net margin);
- satisfaction target = ``satisfaction`` for every active customer.

**Bottom-up** (:func:`bottom_up_plan`) — per-customer assumptions (:class:`PlanAssumptions`):

- expected revenue = base revenue x retention[tier] x (1 + growth[tier]);
- migration goals such as "move 5 Medium customers to Big": the 5 Medium customers with
  the highest base revenue are budgeted at least at the smallest Big customer's base
  revenue and planned in the Big tier;
- prospects convert at ``prospect_conversion``, each budgeted at the mean Small revenue
  (a single "new customers" line, as it is not known which prospects will buy);
- profit = plan revenue x the customer's base net margin (net profit / revenue).

:func:`reconcile` sets both side by side per tier with the gap, and :func:`focus_plan`
turns the customer-focus audit's priorities into measurable improvement targets with owner
and deadline. :func:`save_plan` writes it all (CSV and XLSX, atomically) for realization.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..inputs.config import Period
from ..i18n import fmt_num, t
from ..paths import processed_root, safe_child
from ..storage import write_text_atomic, write_xlsx_atomic
from .customer_table import customer_table
from .pyramid import ACTIVE_TIERS, TIERS

#: default bottom-up retention by tier (probability a customer of the tier keeps buying)
DEFAULT_RETENTION = {"top": 0.98, "big": 0.95, "medium": 0.90, "small": 0.80}
NEW_CUSTOMERS = "new"


@dataclass
class PlanAssumptions:
    """Bottom-up assumptions.

    Parameters
    ----------
    growth, retention, promotions, prospect_conversion
        See Attributes; a tier outside Top/Big/Medium/Small, a value out of range or a
        promotion that does not move up raises :class:`~threec_helpers.errors.ParameterError`.

    Attributes
    ----------
    growth : dict
        Tier -> revenue growth of retained customers (0.05 = +5%).
    retention : dict
        Tier -> share of the tier's revenue expected to stay.
    promotions : dict
        ``(from_tier, to_tier) -> number of customers`` to move up (migration goals).
    prospect_conversion : float
        Share of prospects expected to become customers.

    See Also
    --------
    default_assumptions : the assumptions of the phase notebooks.
    bottom_up_plan : the plan built from them.

    Examples
    --------
    >>> a = PlanAssumptions(growth={"big": 0.1}, promotions={("medium", "big"): 2})
    >>> a.growth, a.promotions[("medium", "big")], a.prospect_conversion
    ({'big': 0.1}, 2, 0.05)
    """

    growth: dict[str, float] = field(default_factory=lambda: {t: 0.05 for t in ACTIVE_TIERS})
    retention: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_RETENTION))
    promotions: dict[tuple[str, str], int] = field(default_factory=dict)
    prospect_conversion: float = 0.05

    def __post_init__(self) -> None:
        for name, mapping, lo, hi in (("growth", self.growth, -1.0, 10.0), ("retention", self.retention, 0.0, 1.0)):
            for tier, value in mapping.items():
                if tier not in ACTIVE_TIERS:
                    raise ParameterError(key="planning.error.unknown_tier", name=name, tier=repr(tier),
                                         tiers=", ".join(ACTIVE_TIERS))
                if not lo <= float(value) <= hi:
                    raise ParameterError(key="planning.error.out_of_range", name=name, tier=tier, value=value, lo=lo,
                                         hi=hi)
        for (src, dst), n in self.promotions.items():
            if src not in ACTIVE_TIERS or dst not in ACTIVE_TIERS or TIERS.index(dst) >= TIERS.index(src):
                raise ParameterError(key="planning.error.promotion_direction", src=src, dst=dst,
                                     tiers=", ".join(ACTIVE_TIERS))
            if int(n) < 0:
                raise ParameterError(key="planning.error.promotion_count", src=src, dst=dst, n=n)
        if not 0 <= self.prospect_conversion <= 1:
            raise ParameterError(key="planning.error.prospect_conversion", value=self.prospect_conversion)

    @classmethod
    def from_targets(cls, targets: Mapping[str, float], **overrides) -> "PlanAssumptions":
        """Assumptions whose growth defaults to the company's ``revenue_growth`` target."""
        growth = float(targets.get("revenue_growth", 0.05))
        kwargs = {"growth": {t: growth for t in ACTIVE_TIERS}}
        kwargs.update(overrides)
        return cls(**kwargs)


def _active(table: pd.DataFrame) -> pd.DataFrame:
    base = table.loc[table["tier"].isin(ACTIVE_TIERS) & (table["revenue"] > 0)]
    if base.empty:
        raise ParameterError(key="planning.error.no_active")
    return base


def _margin(base: pd.DataFrame) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        m = np.where(base["revenue"] > 0, base["net_profit"] / base["revenue"], 0.0)
    return np.nan_to_num(m)


def top_down_plan(table: pd.DataFrame, targets: Mapping[str, float]) -> pd.DataFrame:
    """Allocate the company targets to the active customers of the base period.

    Parameters
    ----------
    table : DataFrame
        Customer table of the base period (``customer_id``, ``tier``, ``revenue``,
        ``net_profit``).
    targets : mapping
        ``revenue_growth`` (required), ``profit_margin`` and ``satisfaction`` (optional).

    Returns
    -------
    DataFrame
        ``customer_id, tier, base_revenue, plan_revenue, plan_profit, plan_satisfaction``.

    Examples
    --------
    >>> t = pd.DataFrame({"customer_id": ["a", "b"], "tier": ["top", "small"],
    ...                   "revenue": [300.0, 100.0], "net_profit": [30.0, 5.0]})
    >>> top_down_plan(t, {"revenue_growth": 0.1, "profit_margin": 0.1})["plan_revenue"].round(2).tolist()
    [330.0, 110.0]
    """
    if "revenue_growth" not in targets:
        raise ParameterError(key="planning.error.no_revenue_growth")
    base = _active(table)
    total = float(base["revenue"].sum()) * (1.0 + float(targets["revenue_growth"]))
    share = base["revenue"].to_numpy() / float(base["revenue"].sum())
    plan_revenue = total * share
    if "profit_margin" in targets:
        plan_profit = plan_revenue * float(targets["profit_margin"])
    else:
        plan_profit = plan_revenue * _margin(base)
    return pd.DataFrame({
        "customer_id": base["customer_id"].to_numpy(),
        "tier": base["tier"].astype(str).to_numpy(),
        "base_revenue": base["revenue"].to_numpy(dtype=float),
        "plan_revenue": plan_revenue,
        "plan_profit": plan_profit,
        "plan_satisfaction": float(targets["satisfaction"]) if "satisfaction" in targets else np.nan,
    })


def bottom_up_plan(table: pd.DataFrame, assumptions: PlanAssumptions) -> pd.DataFrame:
    """Budget every active customer from per-tier assumptions and migration goals.

    Parameters
    ----------
    table : DataFrame
        Customer table of the base period (``customer_id``, ``tier``, ``revenue``, ``net_profit``).
    assumptions : PlanAssumptions
        Per-tier growth and retention, migration goals, prospect conversion.

    Returns
    -------
    DataFrame
        ``customer_id, tier, plan_tier, base_revenue, plan_revenue, plan_profit`` plus one
        line with ``customer_id`` = ``"new"`` for converted prospects.

    See Also
    --------
    top_down_plan : the company targets allocated to the same customers.
    reconcile : the two plans side by side per tier.

    Examples
    --------
    >>> t = pd.DataFrame({"customer_id": ["a", "b", "c"], "tier": ["big", "medium", "medium"],
    ...                   "revenue": [500.0, 200.0, 100.0], "net_profit": [50.0, 20.0, 10.0]})
    >>> a = PlanAssumptions(growth={"big": 0, "medium": 0}, retention={"big": 1, "medium": 1},
    ...                     promotions={("medium", "big"): 1}, prospect_conversion=0)
    >>> bottom_up_plan(t, a)[["customer_id", "plan_tier", "plan_revenue"]].values.tolist()
    [['a', 'big', 500.0], ['b', 'big', 500.0], ['c', 'medium', 100.0]]
    """
    base = _active(table)
    tiers = base["tier"].astype(str).to_numpy()
    revenue = base["revenue"].to_numpy(dtype=float)
    growth = np.array([assumptions.growth.get(t, 0.0) for t in tiers])
    retention = np.array([assumptions.retention.get(t, 1.0) for t in tiers])
    plan = revenue * retention * (1.0 + growth)
    plan_tier = tiers.copy()
    for (src, dst), n in assumptions.promotions.items():
        candidates = np.flatnonzero(tiers == src)
        floor = revenue[tiers == dst].min() if (tiers == dst).any() else revenue[candidates].max(initial=0.0)
        chosen = candidates[np.argsort(-revenue[candidates], kind="stable")][: int(n)]
        plan[chosen] = np.maximum(plan[chosen], floor)
        plan_tier[chosen] = dst
    margin = _margin(base)
    out = pd.DataFrame({
        "customer_id": base["customer_id"].to_numpy(),
        "tier": tiers,
        "plan_tier": plan_tier,
        "base_revenue": revenue,
        "plan_revenue": plan,
        "plan_profit": plan * margin,
    })
    n_prospects = int((table["tier"].astype(str) == "prospect").sum())
    small = base.loc[tiers == "small"]
    if n_prospects and assumptions.prospect_conversion > 0 and len(small):
        n_new = n_prospects * assumptions.prospect_conversion
        rev = n_new * float(small["revenue"].mean())
        out = pd.concat([out, pd.DataFrame([{
            "customer_id": NEW_CUSTOMERS, "tier": "prospect", "plan_tier": "small", "base_revenue": 0.0,
            "plan_revenue": rev, "plan_profit": rev * float(np.mean(_margin(small))),
        }])], ignore_index=True)
    return out


def reconcile(top_down: pd.DataFrame, bottom_up: pd.DataFrame) -> pd.DataFrame:
    """Top-down and bottom-up revenue and profit per tier (base tier), with the gap.

    Parameters
    ----------
    top_down : DataFrame
        :func:`top_down_plan` of the base period.
    bottom_up : DataFrame
        :func:`bottom_up_plan` of the same customers.

    Returns
    -------
    DataFrame
        Indexed by tier (active tiers, ``prospect`` for new customers, then ``total``):
        ``base_revenue, top_down_revenue, bottom_up_revenue, gap, gap_pct,
        top_down_profit, bottom_up_profit``. ``gap`` = bottom-up − top-down: negative means
        the customers' own prospects fall short of the company target.

    See Also
    --------
    customer_plan : the same comparison per customer.

    Examples
    --------
    >>> t = pd.DataFrame({"customer_id": ["a", "b"], "tier": ["top", "small"],
    ...                   "revenue": [300.0, 100.0], "net_profit": [30.0, 5.0]})
    >>> td = top_down_plan(t, {"revenue_growth": 0.1})
    >>> bu = bottom_up_plan(t, PlanAssumptions(growth={"top": 0.0, "small": 0.2}, prospect_conversion=0))
    >>> r = reconcile(td, bu)
    >>> r.loc[["top", "small", "total"], ["top_down_revenue", "bottom_up_revenue", "gap"]].round(2).values.tolist()
    [[330.0, 294.0, -36.0], [110.0, 96.0, -14.0], [440.0, 390.0, -50.0]]
    """
    order = list(ACTIVE_TIERS) + ["prospect"]
    td = top_down.groupby("tier")[["base_revenue", "plan_revenue", "plan_profit"]].sum()
    bu = bottom_up.groupby("tier")[["plan_revenue", "plan_profit"]].sum()
    out = pd.DataFrame(index=pd.Index(order, name="tier"))
    out["base_revenue"] = td["base_revenue"].reindex(order).fillna(0.0)
    out["top_down_revenue"] = td["plan_revenue"].reindex(order).fillna(0.0)
    out["bottom_up_revenue"] = bu["plan_revenue"].reindex(order).fillna(0.0)
    out["top_down_profit"] = td["plan_profit"].reindex(order).fillna(0.0)
    out["bottom_up_profit"] = bu["plan_profit"].reindex(order).fillna(0.0)
    out.loc["total"] = out.sum()
    out["gap"] = out["bottom_up_revenue"] - out["top_down_revenue"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["gap_pct"] = np.where(out["top_down_revenue"] != 0, out["gap"] / out["top_down_revenue"], np.nan)
    return out


#: per-customer plans longer than this go to CSV only (Excel is slow and capped at 1,048,575 rows)
XLSX_MAX_ROWS = 100_000


def save_plan(folder: str | Path, frames: Mapping[str, pd.DataFrame]) -> list[Path]:
    """Write each plan table as CSV (UTF-8 with BOM, so Excel opens Chinese correctly) and
    all of them as sheets of ``plan.xlsx``, atomically (tables over :data:`XLSX_MAX_ROWS`
    rows are in the CSV only; the workbook's ``omitted`` sheet names them).

    Parameters
    ----------
    folder : str or Path
    frames : mapping
        Sheet/file name -> DataFrame (e.g. ``customers``, ``tiers``, ``focus``).

    Returns
    -------
    list of Path

    See Also
    --------
    load_plan : reads them back.
    save_phase_plan : saves into several folders.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     names = [p.name for p in save_plan(folder, {"customers": pd.DataFrame({"customer_id": ["a"]})})]
    ...     names, list(load_plan(folder))
    (['plan_customers.csv', 'plan.xlsx'], ['customers'])
    """
    folder = Path(folder)
    paths = [write_text_atomic(folder / f"plan_{name}.csv", "\ufeff" + frame.to_csv(index=False))
             for name, frame in frames.items()]
    paths.append(write_xlsx_atomic(dict(frames), folder / "plan.xlsx", max_rows=XLSX_MAX_ROWS))
    return paths


def load_plan(folder: str | Path) -> dict[str, pd.DataFrame]:
    """Read the CSV files written by :func:`save_plan` (empty dict when there are none).

    Parameters
    ----------
    folder : str or Path
        A folder :func:`save_plan` wrote to.

    Returns
    -------
    dict of str to DataFrame
        Table name (the CSV's name without ``plan_``) -> table.

    See Also
    --------
    save_plan : writes them.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = save_plan(folder, {"tiers": pd.DataFrame({"tier": ["top"], "plan_revenue": [1.5]})})
    ...     load_plan(folder)["tiers"].values.tolist()
    [['top', 1.5]]
    """
    out = {}
    for path in sorted(Path(folder).glob("plan_*.csv")):
        out[path.stem[len("plan_"):]] = pd.read_csv(path, encoding="utf-8-sig")
    return out


#: default owner of the improvements of each customer-focus factor (area id -> role key)
DEFAULT_OWNERS = {"ORG": "management", "COM": "sales", "INF": "it"}


def focus_plan(items: pd.DataFrame, plan_start, *, top_n: int = 8, months: int = 6, step: float = 1.0,
               owners: Mapping[str, str] | None = None, lang: str = "zh") -> pd.DataFrame:
    """Measurable improvement targets for the focus items with the highest priority.

    Parameters
    ----------
    items : DataFrame
        ``AuditResult.items`` of the customer-focus audit (``item_id``, ``area_id``,
        ``text_zh``/``text_en``, ``mean``, ``target``, ``gap``, ``priority``, ``scale``).
    plan_start : date-like
        Start of the plan; deadlines are ``months`` after it.
    top_n : int
        How many items to plan (those with a gap, most urgent first).
    step : float
        Improvement planned per item in scale points (never beyond the item's target).
    owners : mapping, optional
        Area id -> owner role key (``management``, ``sales``, ``it``, ...); see
        :data:`DEFAULT_OWNERS`.
    lang : {"zh", "en"}

    Returns
    -------
    DataFrame
        ``item_id, area_id, item, current, target, improvement, priority, owner, due, measure``.

    See Also
    --------
    focus_plan_for : the same from a notebook's audit results.

    Examples
    --------
    >>> items = pd.DataFrame({"item_id": ["ORG.1", "ORG.2"], "area_id": ["ORG", "ORG"],
    ...                       "text_zh": ["高层重视客户", "客户目标"],
    ...                       "text_en": ["Leaders care", "Customer goals"],
    ...                       "mean": [2.0, 3.5], "target": [4.0, 4.0], "gap": [2.0, 0.5], "priority": [0.8, 0.2]})
    >>> plan = focus_plan(items, "2026-01-01", top_n=1, lang="en")
    >>> plan[["item_id", "current", "target", "owner", "due"]].values.tolist()
    [['ORG.1', 2.0, 3.0, 'Management team', datetime.date(2026, 7, 1)]]
    """
    owners = {**DEFAULT_OWNERS, **(owners or {})}
    todo = items.loc[items["gap"] > 0].sort_values(["priority", "item_id"], ascending=[False, True]).head(top_n)
    due = (pd.Timestamp(plan_start) + pd.DateOffset(months=months)).date()
    rows = []
    for r in todo.itertuples(index=False):
        current = float(r.mean)
        target = float(min(current + step, r.target)) if not pd.isna(r.target) else current + step
        owner_key = owners.get(str(r.area_id), "management")
        rows.append({
            "item_id": r.item_id, "area_id": r.area_id, "item": getattr(r, f"text_{lang}"),
            "current": round(current, 2), "target": round(target, 2), "improvement": round(target - current, 2),
            "priority": float(r.priority), "owner": t(f"planning.owner.{owner_key}", lang), "due": due,
            "measure": t("planning.measure", lang, current=fmt_num(current, 1), target=fmt_num(target, 1),
                         due=due.isoformat()),
        })
    return pd.DataFrame(rows, columns=["item_id", "area_id", "item", "current", "target", "improvement", "priority",
                                       "owner", "due", "measure"])


DEFAULT_PROMOTE = 5  #: default migration goal: Medium customers to move to Big


def default_assumptions(targets: Mapping[str, float], promote_medium_to_big: int = DEFAULT_PROMOTE):
    """The phase notebooks' bottom-up assumptions: growth = ``targets.revenue_growth`` for every
    tier, :data:`~threec_helpers.planning.DEFAULT_RETENTION`, 5% prospect conversion, and the
    migration goal "move ``promote_medium_to_big`` Medium customers to Big".

    Parameters
    ----------
    targets : mapping
        The client's targets; ``revenue_growth`` is the growth of every tier.
    promote_medium_to_big : int, default DEFAULT_PROMOTE
        Medium customers to move up to Big.

    Returns
    -------
    PlanAssumptions

    See Also
    --------
    PlanAssumptions : the assumptions themselves.

    Examples
    --------
    >>> a = default_assumptions({"revenue_growth": 0.08}, promote_medium_to_big=3)
    >>> a.growth["top"], a.retention["small"], a.promotions
    (0.08, 0.8, {('medium', 'big'): 3})
    """
    promotions = {("medium", "big"): int(promote_medium_to_big)} if promote_medium_to_big else {}
    return PlanAssumptions.from_targets(targets, promotions=promotions)


def customer_plan(top_down: pd.DataFrame, bottom_up: pd.DataFrame, table: pd.DataFrame | None = None
                  ) -> pd.DataFrame:
    """The per-customer plan: bottom-up lines with the top-down allocation beside them.

    Parameters
    ----------
    top_down : DataFrame
        :func:`top_down_plan` of the base period.
    bottom_up : DataFrame
        :func:`bottom_up_plan` of the same customers.
    table : DataFrame, optional
        The base period's customer table, for the customers' names.

    Returns
    -------
    DataFrame
        ``customer_id, name, tier, plan_tier, base_revenue, top_down_revenue, plan_revenue``
        (bottom-up, the plan realization measures against), ``top_down_profit, plan_profit,
        plan_satisfaction`` (``name`` only with ``table``).

    See Also
    --------
    reconcile : the same comparison per tier.

    Examples
    --------
    >>> t = pd.DataFrame({"customer_id": ["a", "b"], "tier": ["top", "small"],
    ...                   "revenue": [300.0, 100.0], "net_profit": [30.0, 5.0]})
    >>> td = top_down_plan(t, {"revenue_growth": 0.1})
    >>> bu = bottom_up_plan(t, PlanAssumptions(growth={"top": 0.0, "small": 0.2}, prospect_conversion=0))
    >>> customer_plan(td, bu)[["customer_id", "top_down_revenue", "plan_revenue"]].round(2).values.tolist()
    [['a', 330.0, 294.0], ['b', 110.0, 96.0]]
    """
    td = top_down[["customer_id", "plan_revenue", "plan_profit", "plan_satisfaction"]].rename(
        columns={"plan_revenue": "top_down_revenue", "plan_profit": "top_down_profit"})
    out = bottom_up.merge(td, on="customer_id", how="left")
    if table is not None and "name" in table.columns:
        out = out.merge(table[["customer_id", "name"]], on="customer_id", how="left")
    else:
        out["name"] = None
    cols = ["customer_id", "name", "tier", "plan_tier", "base_revenue", "top_down_revenue", "plan_revenue",
            "top_down_profit", "plan_profit", "plan_satisfaction"]
    return out[cols]


def satisfaction_plan(table: pd.DataFrame, targets: Mapping[str, float]) -> pd.DataFrame:
    """Satisfaction budget per active tier: respondents, current CSAT, target, gap.

    Parameters
    ----------
    table : DataFrame
        Customer table of the base period (``tier``, ``satisfaction``).
    targets : mapping
        The client's targets; ``satisfaction`` is the target CSAT (1-5), NaN when absent.

    Returns
    -------
    DataFrame
        Indexed by active tier: ``n`` (respondents), ``current``, ``target``, ``gap``.

    Examples
    --------
    >>> tb = pd.DataFrame({"tier": ["top", "top", "small"], "satisfaction": [4.0, 5.0, None]})
    >>> satisfaction_plan(tb, {"satisfaction": 4.2}).loc["top", ["n", "current", "target"]].tolist()
    [2.0, 4.5, 4.2]
    """
    target = float(targets.get("satisfaction", np.nan))
    tiers = table["tier"].astype("str")
    sat = table["satisfaction"].astype(float)
    g = pd.DataFrame({"tier": tiers, "sat": sat}).groupby("tier")["sat"].agg(["count", "mean"])
    g = g.reindex(list(ACTIVE_TIERS))
    out = pd.DataFrame({"n": g["count"].fillna(0).astype(float), "current": g["mean"]}, index=g.index)
    act = tiers.isin(ACTIVE_TIERS)
    out.loc["total"] = [float(sat[act].notna().sum()), float(sat[act].mean())]
    out["target"] = target
    out["gap"] = out["target"] - out["current"]
    out.index.name = "tier"
    return out


def plan_start(period: Period) -> dt.date:
    """First day of the 12 months a plan made on ``period`` budgets (the day after its end).

    Parameters
    ----------
    period : Period
        The base period of the plan.

    Returns
    -------
    datetime.date

    Examples
    --------
    >>> import datetime as dt
    >>> plan_start(Period("FY2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    datetime.date(2026, 1, 1)
    """
    return period.end + dt.timedelta(days=1)


def plan_folders(output_dir: str | Path, client_id: str, period_id: str,
                 data_root_dir: str | Path | None = None) -> list[Path]:
    """Where the plan of ``period_id`` is saved: ``<output_dir>/plan`` and the processed area
    ``processed_root()/<client>/plans/<period>`` (the one realization reads).

    Parameters
    ----------
    output_dir : str or Path
        The notebook's report folder.
    client_id : str
        The client (checked as a plain folder name).
    period_id : str
        The base period of the plan.
    data_root_dir : str or Path, optional
        The folder of client folders the client was read from: the processed area is beside
        it (:func:`~threec_helpers.paths.processed_root`); default the project's data root.

    Returns
    -------
    list of Path

    See Also
    --------
    save_phase_plan : saves the plan into these folders.

    Examples
    --------
    >>> plan_folders("reports/acme", "acme", "FY2025")[0]
    PosixPath('reports/acme/plan')
    >>> plan_folders("reports/acme", "acme", "FY2025")[1].parts[-3:]
    ('acme', 'plans', 'FY2025')
    """
    processed = safe_child(safe_child(processed_root(data_root_dir), client_id) / "plans", period_id)
    return [Path(output_dir) / "plan", processed]


def base_plan(tables: Mapping[str, pd.DataFrame], config, base_period: str,
              promote_medium_to_big: int = DEFAULT_PROMOTE, folder: str | Path | None = None, *,
              prepared=None) -> tuple[pd.DataFrame, str, pd.DataFrame]:
    """The plan made on ``base_period``: the saved one if it exists, else rebuilt.

    Parameters
    ----------
    tables : dict of DataFrame
    config : ClientConfig
    base_period : str
        The period the plan was made on (realization's ``comparison_period``).
    promote_medium_to_big : int
        Migration goal of the rebuilt plan (the planning notebook's default).
    folder : path, optional
        Processed plan folder; default ``processed_root()/<client>/plans/<base_period>``, beside
        the data root the client's folder is in.
    prepared : CustomerBase, optional
        :func:`~threec_helpers.customer_table.prepare_customers` of ``tables``, shared with
        the caller's other customer tables.

    Returns
    -------
    (plan, source, base_table)
        ``plan`` has ``customer_id, plan_tier, plan_revenue, plan_profit`` (+ the saved
        columns); ``source`` is ``"saved"`` or ``"rebuilt"``; ``base_table`` the customer
        table of the base period.

    Examples
    --------
    With a demo client and no saved plan, the plan is rebuilt:

    >>> import tempfile
    >>> from pathlib import Path
    >>> from threec_helpers.generate import DEFAULT_SEED, demo_tables
    >>> from threec_helpers.generate.manufacturer import client_config
    >>> from threec_helpers.inputs.config import parse_client_config
    >>> cfg = parse_client_config(client_config(DEFAULT_SEED), Path("client.yaml"))
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     plan, source, base = base_plan(demo_tables("demo_manufacturer"), cfg, "FY2025", folder=folder)
    >>> source, len(plan) > 0, {"plan_tier", "plan_revenue"} <= set(plan.columns)
    ('rebuilt', True, True)
    """

    ids = [p.id for p in config.periods]
    prev = ids[ids.index(base_period) - 1] if base_period in ids and ids.index(base_period) > 0 else None
    base = customer_table(tables, config, base_period, prev, prepared=prepared)
    if folder is None:
        home = getattr(config, "folder", None)
        folder = plan_folders(".", config.client_id, base_period, Path(home).parent if home else None)[1]
    saved = load_plan(folder) if Path(folder).is_dir() else {}
    if "customers" in saved and {"customer_id", "plan_tier", "plan_revenue", "plan_profit"} <= set(saved["customers"]):
        plan = saved["customers"]
        plan["customer_id"] = plan["customer_id"].astype("str")
        plan["plan_tier"] = plan["plan_tier"].astype("str")
        return plan, "saved", base
    plan = bottom_up_plan(base, default_assumptions(config.targets, promote_medium_to_big))
    return plan, "rebuilt", base


def save_phase_plan(frames: Mapping[str, pd.DataFrame], folders: Sequence[Path]) -> list[str]:
    """Save the plan (:func:`threec_helpers.planning.save_plan`) into each folder; returns the file names.

    Parameters
    ----------
    frames : mapping
        Table name -> DataFrame, as for :func:`save_plan`.
    folders : sequence of Path
        Where to save (see :func:`plan_folders`).

    Returns
    -------
    list of str
        The names of the files written in each folder.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     save_phase_plan({"customers": pd.DataFrame({"customer_id": ["a"]})}, [Path(folder) / "plan"])
    ['plan_customers.csv', 'plan.xlsx']
    """
    names: list[str] = []
    for folder in folders:
        names = [p.name for p in save_plan(folder, frames)]
    return names


def focus_plan_for(results: Mapping[str, Any], start, lang: str = "zh", top_n: int = 8) -> pd.DataFrame:
    """The focus plan (:func:`threec_helpers.planning.focus_plan`) from the latest audit round;
    an empty plan (same columns) without audit answers.

    Parameters
    ----------
    results : mapping
        Round -> :class:`~threec_helpers.audit.scoring.AuditResult` (as from
        :func:`~threec_helpers.audit.scoring.score_rounds`); the last round is planned.
    start : date-like
        Start of the plan.
    lang : {"zh", "en"}
        Language of the item texts and owners.
    top_n : int, default 8
        How many items to plan.

    Returns
    -------
    DataFrame
        As :func:`focus_plan`.

    See Also
    --------
    focus_plan : the plan from an items table.

    Examples
    --------
    >>> focus_plan_for({}, "2026-01-01").columns.tolist()[:4]
    ['item_id', 'area_id', 'item', 'current']
    """
    if not results:
        return pd.DataFrame(columns=["item_id", "area_id", "item", "current", "target", "improvement", "priority",
                                     "owner", "due", "measure"])
    return focus_plan(list(results.values())[-1].items, start, top_n=top_n, lang=lang)
