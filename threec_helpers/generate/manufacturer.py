"""demo_manufacturer: a B2B window-decoration supplier in a 3C engagement.

The seed's own example of a delighted customer is one who says "send me another 1,000
window decorations and the invoice", so the 3C demo client is a window-decoration
supplier: 华美窗饰有限公司 (Huamei Window Decor Co., Ltd.), selling blinds, curtains, rails
and motorised systems to home-decoration firms, hotels, property developers, retailers
and office buildings in five regions.

How the data are made (all vectorised numpy, one seeded stream):

- 2,000 customers who bought at some time, each with a latent *size* (lognormal: a heavy
  tail, so the top 20% of active customers bring about 80% of revenue) and a latent
  *satisfaction* ``z`` (standard normal). Satisfied customers buy more often, spend a bit
  more per order, give a larger share of their need and churn less (the 3C chain).
- 75% were customers before the data window (first purchase 2008-2023), 25% are won
  during it (first purchase = first transaction). Each customer churns after an
  exponential lifetime whose hazard falls with satisfaction; a few very satisfied ones
  still leave after the May 2025 survey ("satisfied but leaving").
- Orders: 1 + Poisson(rate x years alive), dated by a seasonal day weight (before Chinese
  New Year and in autumn more, in February and on Sundays less). Amount = quantity x
  unit price (list price less a size-dependent discount); cost from the product's margin,
  so big customers have thinner margins.
- Status follows from the transactions: active = bought in the last 12 months
  (FY2026, 2025-11-01..2026-10-31), inactive = bought before but not since; 250 prospects
  and 450 suspects never bought.
- Cost-to-serve per customer and fiscal year: sales/account management plus logistics per
  order, with a few demanding customers costing three times as much, so several percent
  of customers lose money after cost-to-serve.
- Two survey waves (2025-05, 2026-05) of customers active at the time, and a
  customer-focus audit by 20 staff in two rounds (managers score higher than front-line
  staff; Information is the weakest factor).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from ._common import YAML_COMMENT, rng_for
from ._write import iso_dates, money, write_csv, write_xlsx, write_yaml

CLIENT_ID = "demo_manufacturer"

WINDOW_START = dt.date(2023, 11, 1)
WINDOW_END = dt.date(2026, 10, 31)
CUTOFF = dt.date(2025, 11, 1)  # start of the last 12 months (FY2026)
FISCAL_YEARS = (
    ("FY2024", dt.date(2023, 11, 1), dt.date(2024, 10, 31)),
    ("FY2025", dt.date(2024, 11, 1), dt.date(2025, 10, 31)),
    ("FY2026", dt.date(2025, 11, 1), dt.date(2026, 10, 31)),
)
N_BUYERS = 2000
N_PROSPECTS = 250
N_SUSPECTS = 450

SEGMENTS = ("家装公司", "零售商", "办公楼宇", "酒店", "地产开发商")
SEGMENT_SHARE = np.array([0.35, 0.30, 0.15, 0.12, 0.08])
SEGMENT_SIZE = np.array([1.0, 0.45, 1.2, 1.8, 3.2])
SEGMENT_SUFFIX = {
    "家装公司": ("装饰工程有限公司", "装饰设计有限公司", "家居装饰有限公司"),
    "零售商": ("窗饰商行", "家居建材经营部", "布艺窗帘店"),
    "办公楼宇": ("物业管理有限公司", "商务楼宇管理有限公司", "写字楼物业服务有限公司"),
    "酒店": ("大酒店", "酒店管理有限公司", "国际酒店"),
    "地产开发商": ("置业有限公司", "房地产开发有限公司", "地产集团有限公司"),
}
REGIONS = ("华东", "华南", "华北", "西南", "华中")
REGION_SHARE = np.array([0.35, 0.25, 0.18, 0.12, 0.10])
REGION_CITIES = {
    "华东": ("上海", "杭州", "苏州", "南京", "宁波", "无锡", "合肥", "济南", "青岛", "福州", "厦门"),
    "华南": ("广州", "深圳", "佛山", "东莞", "南宁", "海口", "珠海"),
    "华北": ("北京", "天津", "石家庄", "太原", "唐山", "保定"),
    "西南": ("成都", "重庆", "昆明", "贵阳", "绵阳"),
    "华中": ("武汉", "长沙", "郑州", "南昌", "宜昌"),
}
BRAND_WORDS = (
    "恒泰", "华盛", "金源", "永信", "宏达", "鑫丰", "瑞祥", "嘉禾", "佳美", "博雅", "天成", "新锐", "锦程", "德润",
    "兴业", "安居", "美居", "雅居", "东方", "中和", "盛世", "海纳", "明珠", "创美", "华庭", "名都", "凯旋", "福瑞",
    "长青", "志成", "立信", "同创", "广厦", "和顺", "泰和", "九州", "金盾", "银河", "星辰", "云帆", "远航", "睿智",
    "尚品", "优家", "匠心", "恒信", "宏图", "德信", "凯盛", "华晨", "锦华", "合力", "众诚", "润泽", "丰源", "嘉业",
)

# product, list price per unit (CNY), gross margin at list price
PRODUCTS = (
    ("铝百叶窗", 380.0, 0.36),
    ("木百叶窗", 920.0, 0.42),
    ("卷帘", 260.0, 0.40),
    ("罗马帘", 520.0, 0.44),
    ("蜂巢帘", 680.0, 0.46),
    ("布艺窗帘", 160.0, 0.48),
    ("窗帘轨道", 120.0, 0.28),
    ("电动窗帘系统", 2600.0, 0.34),
    ("户外遮阳篷", 3200.0, 0.32),
)
# product mix per segment (rows follow SEGMENTS, columns PRODUCTS)
PRODUCT_MIX = np.array([
    [0.10, 0.14, 0.10, 0.16, 0.14, 0.20, 0.08, 0.06, 0.02],  # 家装公司
    [0.14, 0.10, 0.16, 0.12, 0.10, 0.22, 0.12, 0.02, 0.02],  # 零售商
    [0.30, 0.04, 0.30, 0.02, 0.04, 0.06, 0.14, 0.06, 0.04],  # 办公楼宇
    [0.06, 0.06, 0.10, 0.08, 0.06, 0.34, 0.10, 0.16, 0.04],  # 酒店
    [0.30, 0.06, 0.20, 0.02, 0.04, 0.08, 0.22, 0.04, 0.04],  # 地产开发商
])
MONTH_WEIGHT = {1: 1.25, 2: 0.6, 3: 1.0, 4: 1.05, 5: 1.0, 6: 0.95, 7: 0.9, 8: 0.95, 9: 1.15, 10: 1.0, 11: 1.1,
                12: 1.2}

WAVES = (("2025-05", dt.date(2025, 5, 6), 320), ("2026-05", dt.date(2026, 5, 6), 340))

FOCUS_ITEMS = tuple([f"ORG.{i}" for i in range(1, 8)] + [f"COM.{i}" for i in range(1, 8)]
                    + [f"INF.{i}" for i in range(1, 7)])
# mean maturity (1-5) of each factor as front-line staff see it, round 2025
FACTOR_MEAN = {"ORG": 3.2, "COM": 2.9, "INF": 2.2}
ROLES = (("management", 4, 0.9), ("sales", 5, 0.0), ("customer_service", 5, -0.2), ("logistics", 3, -0.3),
         ("finance", 3, 0.1))

TARGETS = {"revenue_growth": 0.08, "profit_margin": 0.12, "satisfaction": 4.2, "nps": 30, "retention": 0.9}


def _days(d: dt.date) -> int:
    return (d - WINDOW_START).days


def _day_weights() -> np.ndarray:
    days = pd.date_range(WINDOW_START, WINDOW_END, freq="D")
    w = days.month.map(MONTH_WEIGHT).to_numpy(dtype=float)
    w = np.where(days.day_of_week == 6, 0.3 * w, w)  # few orders on Sundays
    w *= 1.0 + 0.04 * np.arange(len(days)) / 365.0  # slow growth
    return w


def _names(rng: np.random.Generator, segment: np.ndarray, region: np.ndarray) -> np.ndarray:
    """Unique plausible Chinese company names (city + brand + segment-typical suffix)."""
    n = len(segment)
    out = np.empty(n, dtype=object)
    used: set[str] = set()
    todo = np.arange(n)
    while len(todo):
        cities = np.array([REGION_CITIES[REGIONS[r]][rng.integers(len(REGION_CITIES[REGIONS[r]]))]
                           for r in region[todo]])
        brands = np.asarray(BRAND_WORDS)[rng.integers(len(BRAND_WORDS), size=len(todo))]
        suffix = np.array([SEGMENT_SUFFIX[SEGMENTS[s]][rng.integers(3)] for s in segment[todo]])
        cand = np.char.add(np.char.add(cities, brands), suffix)
        retry = []
        for i, name in zip(todo, cand):
            if name in used:
                retry.append(i)
            else:
                used.add(name)
                out[i] = name
        todo = np.asarray(retry, dtype=int)
    return out


def manufacturer_tables(seed: int) -> dict[str, pd.DataFrame]:
    """Build the demo manufacturer's tables with canonical column names and loader dtypes.

    Parameters
    ----------
    seed : int
        Seed of the random stream (the committed demo uses
        :data:`~threec_helpers.generate.DEFAULT_SEED`).

    Returns
    -------
    dict of str to DataFrame
        ``customers``, ``transactions``, ``cost_to_serve``, ``surveys``, ``focus_responses``.

    Examples
    --------
    >>> t = manufacturer_tables(1)
    >>> sorted(t)
    ['cost_to_serve', 'customers', 'focus_responses', 'surveys', 'transactions']
    """
    rng = rng_for(seed, CLIENT_ID)
    n_days = _days(WINDOW_END) + 1
    cutoff = _days(CUTOFF)

    # ---- buyers: latent size, satisfaction, lifecycle -------------------------------------------
    nb = N_BUYERS
    seg = rng.choice(len(SEGMENTS), size=nb, p=SEGMENT_SHARE)
    reg = rng.choice(len(REGIONS), size=nb, p=REGION_SHARE)
    size = SEGMENT_SIZE[seg] * rng.lognormal(0.0, 1.6, nb)
    z = rng.standard_normal(nb)
    preexisting = rng.random(nb) < 0.75
    start = np.where(preexisting, 0, rng.integers(0, n_days - 45, nb))
    hazard = 0.10 * np.exp(-1.3 * z) * size ** -0.15  # churn per year
    end = start + np.ceil(rng.exponential(1.0 / hazard) * 365.0).astype(int)
    # a few very satisfied long-standing customers leave anyway after the May 2025 survey
    w1_day = _days(WAVES[0][1])
    cand = np.flatnonzero(preexisting & (z > 0.6) & (end > w1_day + 60))
    leavers = rng.choice(cand, size=8, replace=False)
    end[leavers] = rng.integers(_days(dt.date(2025, 6, 10)), _days(dt.date(2025, 10, 20)), len(leavers))
    last = np.minimum(end, n_days - 1)
    years = (last - start + 1) / 365.0

    # ---- transactions --------------------------------------------------------------------------
    rate = 6.3 * size ** 0.45 * np.exp(0.25 * z)  # orders per year
    counts = 1 + rng.poisson(rate * years)
    cust = np.repeat(np.arange(nb), counts)
    cw = np.concatenate([[0.0], np.cumsum(_day_weights())])
    lo, hi = cw[start[cust]], cw[last[cust] + 1]
    day = np.searchsorted(cw, lo + rng.random(len(cust)) * (hi - lo), side="right") - 1
    day = np.clip(day, start[cust], last[cust])
    first_pos = np.concatenate([[0], np.cumsum(counts)[:-1]])
    new_first = first_pos[~preexisting]
    day[new_first] = start[~preexisting]  # a won customer's first order is the day it was won
    order_size = 1800.0 * size[cust] ** 0.55 * np.exp(0.1 * z[cust]) * rng.lognormal(-0.125, 0.5, len(cust))
    cum_mix = np.cumsum(PRODUCT_MIX[seg[cust]], axis=1)
    prod = (rng.random(len(cust))[:, None] > cum_mix).sum(axis=1)
    prod = np.minimum(prod, len(PRODUCTS) - 1)
    price = np.array([p[1] for p in PRODUCTS])[prod]
    margin = np.array([p[2] for p in PRODUCTS])[prod]
    discount = np.clip(0.03 * np.log1p(size), 0, 0.15)[cust]
    trend = 1.0 + 0.03 * day / 365.0
    unit_price = price * (1 - discount) * trend * rng.uniform(0.97, 1.03, len(cust))
    qty = np.maximum(1, np.round(order_size / unit_price))
    amount = np.round(qty * unit_price, 2)
    cost = np.round(qty * price * (1 - margin) * trend * rng.uniform(0.96, 1.04, len(cust)), 2)
    order = np.lexsort((cust, day))
    tx = pd.DataFrame({
        "transaction_id": [f"SO{i:06d}" for i in range(1, len(order) + 1)],
        "date": pd.to_datetime(WINDOW_START) + pd.to_timedelta(day[order], unit="D"),
        "cust_idx": cust[order],
        "amount": amount[order],
        "cost": cost[order],
        "quantity": qty[order].astype(float),
        "product": np.array([p[0] for p in PRODUCTS], dtype=object)[prod[order]],
    })

    # status from the transactions themselves
    last_day = np.zeros(nb, dtype=int)
    np.maximum.at(last_day, cust, day)
    first_day = np.full(nb, n_days, dtype=int)
    np.minimum.at(first_day, cust, day)
    status_b = np.where(last_day >= cutoff, "active", "inactive")

    # ---- customers (buyers + prospects + suspects) -----------------------------------------------
    n_all = nb + N_PROSPECTS + N_SUSPECTS
    seg_all = np.concatenate([seg, rng.choice(len(SEGMENTS), N_PROSPECTS + N_SUSPECTS, p=SEGMENT_SHARE)])
    reg_all = np.concatenate([reg, rng.choice(len(REGIONS), N_PROSPECTS + N_SUSPECTS, p=REGION_SHARE)])
    status = np.concatenate([status_b, np.repeat(["prospect", "suspect"], [N_PROSPECTS, N_SUSPECTS])])
    # first purchase: before the window for long-standing customers, else the first transaction
    years_before = np.minimum(rng.exponential(4.0, nb), 15.0)
    old_first = pd.to_datetime(WINDOW_START) - pd.to_timedelta(np.ceil(years_before * 365.25) + 1, unit="D")
    first = np.where(preexisting, old_first.to_numpy(),
                     (pd.to_datetime(WINDOW_START) + pd.to_timedelta(first_day, unit="D")).to_numpy())
    first_all = np.concatenate([first, np.full(N_PROSPECTS + N_SUSPECTS, np.datetime64("NaT"), "datetime64[ns]")])
    share = 1.0 / (1.0 + np.exp(-(-0.4 + 0.9 * z + rng.normal(0, 0.3, nb))))
    yearly = np.bincount(cust, weights=amount, minlength=nb) / np.maximum(years, 0.25)
    potential = np.round(yearly / share, -3)
    pot_other = np.round(rng.lognormal(np.log(60000), 1.0, N_PROSPECTS + N_SUSPECTS), -3)
    pot_other[N_PROSPECTS:][rng.random(N_SUSPECTS) < 0.6] = np.nan  # most suspects: need unknown
    ids = rng.permutation(n_all) + 1
    cid = np.array([f"C{i:04d}" for i in ids], dtype=object)
    customers = pd.DataFrame({
        "customer_id": cid,
        "name": _names(rng, seg_all, reg_all),
        "status": status,
        "segment": np.asarray(SEGMENTS, dtype=object)[seg_all],
        "region": np.asarray(REGIONS, dtype=object)[reg_all],
        "first_purchase": pd.to_datetime(first_all),
        "potential_revenue": np.concatenate([potential, pot_other]),
    })
    customers = customers.sort_values("customer_id", kind="stable").reset_index(drop=True)
    tx.insert(2, "customer_id", cid[tx.pop("cust_idx").to_numpy()])
    tx["date"] = tx["date"].astype("datetime64[ns]")

    # ---- cost to serve per customer and fiscal year -------------------------------------------------
    ctr_rows = []
    demanding = rng.random(nb) < 0.05
    fy_of_day = np.searchsorted([_days(s) for _, s, _ in FISCAL_YEARS], day, side="right") - 1
    for k, (fy, _s, _e) in enumerate(FISCAL_YEARS):
        in_fy = fy_of_day == k
        orders = np.bincount(cust[in_fy], minlength=nb)
        revenue = np.bincount(cust[in_fy], weights=amount[in_fy], minlength=nb)
        who = np.flatnonzero(orders > 0)
        mult = np.where(demanding[who], 3.0, 1.0)
        sales = (480 + 0.02 * revenue[who]) * mult * rng.lognormal(0, 0.25, len(who))
        logistics = (100 * orders[who] + 0.012 * revenue[who]) * mult * rng.lognormal(0, 0.15, len(who))
        for cat, val in (("销售与客户管理", sales), ("物流配送", logistics)):
            ctr_rows.append(pd.DataFrame({"customer_id": cid[who], "period": fy, "cost": np.round(val, 2),
                                          "category": cat}))
    prospect_idx = nb + np.arange(N_PROSPECTS)
    ctr_rows.append(pd.DataFrame({"customer_id": cid[prospect_idx], "period": "FY2026",
                                  "cost": np.round(rng.lognormal(np.log(1500), 0.5, N_PROSPECTS), 2),
                                  "category": "销售与客户管理"}))
    cost_to_serve = pd.concat(ctr_rows, ignore_index=True)

    # ---- surveys ----------------------------------------------------------------------------------
    survey_rows = []
    for k, (wave, wdate, n_resp) in enumerate(WAVES):
        wd = _days(wdate)
        bought = np.zeros(nb, dtype=bool)
        recent = (day >= wd - 370) & (day < wd - 5)
        bought[cust[recent]] = True
        eligible = np.flatnonzero(bought & (end > wd))
        forced = np.intersect1d(leavers, eligible) if k == 0 else np.array([], dtype=int)
        rest = np.setdiff1d(eligible, forced)
        p = size[rest] ** 0.3
        picked = rng.choice(rest, size=n_resp - len(forced), replace=False, p=p / p.sum())
        who = np.sort(np.concatenate([forced, picked]))
        m = len(who)
        sat = np.clip(np.round(3.55 + 0.85 * z[who] + 0.15 * k + rng.normal(0, 0.5, m)), 1, 5)
        if k == 0:
            sat[np.isin(who, leavers)] = np.maximum(sat[np.isin(who, leavers)], 4)
        rec = np.clip(np.round(6.9 + 1.2 * (sat - 3.6) + 0.5 * z[who] + 0.3 * k + rng.normal(0, 1.0, m)), 0, 10)
        rec[rng.random(m) < 0.03] = np.nan
        pref = pd.array(0.9 * z[who] + rng.normal(0, 0.7, m) > 0.2, dtype="boolean")
        pref[rng.random(m) < 0.02] = pd.NA
        son = np.clip(np.round((share[who] + rng.normal(0, 0.05, m)) * 20) / 20, 0.05, 1.0)
        son[rng.random(m) < 0.08] = np.nan
        dates = pd.to_datetime(wdate) + pd.to_timedelta(rng.integers(0, 24, m), unit="D")
        dates = dates + pd.to_timedelta(np.where(dates.day_of_week == 6, 1, np.where(dates.day_of_week == 5, 2, 0)),
                                        unit="D")
        survey_rows.append(pd.DataFrame({"customer_id": cid[who], "wave": wave, "date": dates,
                                         "satisfaction": sat, "recommend": rec, "preferred_supplier": pref,
                                         "share_of_need": son}))
    surveys = pd.concat(survey_rows, ignore_index=True)
    surveys["date"] = surveys["date"].astype("datetime64[ns]")
    surveys = surveys.sort_values(["wave", "date", "customer_id"], kind="stable").reset_index(drop=True)

    # ---- customer-focus audit ---------------------------------------------------------------------
    staff = []
    j = 0
    for role, n, off in ROLES:
        for _ in range(n):
            j += 1
            staff.append((f"S{j:02d}", role, off))
    focus_rows = []
    item_mean = np.array([FACTOR_MEAN[i.split(".")[0]] for i in FOCUS_ITEMS]) + rng.normal(0, 0.25, len(FOCUS_ITEMS))
    person = rng.normal(0, 0.3, len(staff))
    for k, rnd in enumerate(("2025", "2026")):
        for s, (sid, role, off) in enumerate(staff):
            if k == 1 and sid == "S14":
                sid = "S21"  # one logistics clerk left; the successor answered in 2026
            sc = np.clip(np.round(item_mean + off + person[s] + 0.3 * k + rng.normal(0, 0.6, len(FOCUS_ITEMS))), 1, 5)
            sc[rng.random(len(FOCUS_ITEMS)) < 0.01] = np.nan  # "don't know"
            focus_rows.append(pd.DataFrame({"respondent_id": sid, "role": role, "item_id": FOCUS_ITEMS,
                                            "score": sc, "round": rnd}))
    focus = pd.concat(focus_rows, ignore_index=True)

    return {"customers": customers, "transactions": tx, "cost_to_serve": cost_to_serve, "surveys": surveys,
            "focus_responses": focus}


def client_config(seed: int) -> dict:
    """The ``client.yaml`` mapping of demo_manufacturer."""
    return {
        "client_id": CLIENT_ID,
        "name": {"zh": "华美窗饰有限公司", "en": "Huamei Window Decor Co., Ltd."},
        "engagement": "3c",
        "industry": "B2B window decoration (blinds, curtains, rails, motorised systems)",
        "currency": "CNY",
        "language": "zh",
        "periods": [{"id": fy, "start": s, "end": e} for fy, s, e in FISCAL_YEARS],
        "current_period": "FY2026",
        "previous_period": "FY2025",
        "targets": dict(TARGETS),
        "pyramid": {"top": 0.01, "big": 0.04, "medium": 0.15, "inactive_months": 12},
        "checklist": "customer_focus",
        "tables": {"surveys": {"file": "surveys.xlsx", "sheet": "满意度调查"}},
    }


def write_manufacturer(out_dir: Path, seed: int) -> Path:
    """Write the demo_manufacturer folder under ``out_dir`` and return its path.

    File formats deliberately differ, as real client exports do:

    - ``customers.csv``: UTF-8, English canonical headers.
    - ``transactions.csv``: UTF-8 with BOM, Chinese headers, amounts with thousands
      separators (``"12,345.60"``).
    - ``cost_to_serve.csv``: GB18030, Chinese headers, CRLF line ends.
    - ``surveys.xlsx``: title in A1, a blank row, Chinese headers in row 3.
    - ``focus_responses.csv``: UTF-8, English headers.
    """
    folder = Path(out_dir) / CLIENT_ID
    t = manufacturer_tables(seed)
    write_yaml(folder / "client.yaml", client_config(seed), YAML_COMMENT.format(seed=seed))

    c = t["customers"].copy()
    c["first_purchase"] = iso_dates(c["first_purchase"])
    write_csv(folder / "customers.csv", c)

    tx = t["transactions"]
    out = pd.DataFrame({"交易编号": tx["transaction_id"], "日期": iso_dates(tx["date"]), "客户编号": tx["customer_id"],
                        "产品": tx["product"], "数量": tx["quantity"].astype(int), "金额": money(tx["amount"]),
                        "成本": money(tx["cost"])})
    write_csv(folder / "transactions.csv", out, encoding="utf-8-sig")

    ctr = t["cost_to_serve"]
    out = pd.DataFrame({"客户编号": ctr["customer_id"], "年度": ctr["period"], "成本类别": ctr["category"],
                        "服务成本": ctr["cost"].map("{:.2f}".format)})
    write_csv(folder / "cost_to_serve.csv", out, encoding="gb18030", lineterminator="\r\n")

    s = t["surveys"]
    pref = s["preferred_supplier"].map({True: "是", False: "否"}).astype(object)
    out = pd.DataFrame({"客户编号": s["customer_id"], "调查批次": s["wave"], "调查日期": s["date"],
                        "总体满意度": s["satisfaction"], "推荐意愿": s["recommend"],
                        "首选供应商": pref.where(s["preferred_supplier"].notna(), None),
                        "需求份额": s["share_of_need"]})
    write_xlsx(folder / "surveys.xlsx", out, sheet="满意度调查", title="2025-2026 客户满意度调查",
               formats={"调查日期": "yyyy-mm-dd", "需求份额": "0%"}, widths={"调查日期": 12})

    write_csv(folder / "focus_responses.csv", t["focus_responses"])
    return folder
