"""Tests of the demo-data generator (threec_helpers.generate).

Files are read with plain pandas (the project loader is written in parallel), with the
encodings and layouts documented in docs/demo-data.md. The seed figures checked here come
from the seed document (part 2: the county telecom branch's ISO 9001 briefing; part 3: the
obstetrics self-assessment).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from threec_helpers.inputs.config import load_client_config
from threec_helpers.errors import ParameterError
from threec_helpers.generate import (DEFAULT_SEED, DEMO_CLIENTS, demo_tables, large_client_tables,
                                     write_demo_clients, write_large_client)
from threec_helpers.generate._write import money
from testpaths import ROOT

COMMITTED = ROOT / "data" / "clients"
TODAY_LIMIT = pd.Timestamp("2026-10-31")  # every demo date is inside the data window

CUSTOMER_FOCUS_ITEMS = [f"ORG.{i}" for i in range(1, 8)] + [f"COM.{i}" for i in range(1, 8)] + [
    f"INF.{i}" for i in range(1, 7)]
OBSTETRICS_ITEMS = ["OB.1.1", "OB.1.2", "OB.1.3", "OB.2.1", "OB.2.2", "OB.2.3", "OB.2.4", "OB.3.1", "OB.3.2",
                    "OB.3.3", "OB.3.4", "OB.3.5", "OB.4.1", "OB.4.2", "OB.4.3", "OB.5.1", "OB.5.2", "OB.5.3",
                    "OB.5.4"]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    write_demo_clients(out)
    return out


# ---------------------------------------------------------------------------------------------------------------
# determinism and the committed folders
# ---------------------------------------------------------------------------------------------------------------

def test_write_demo_clients_returns_the_three_folders(demo_dir):
    assert sorted(p.name for p in demo_dir.iterdir()) == sorted(DEMO_CLIENTS)
    for name in DEMO_CLIENTS:
        cfg = load_client_config(demo_dir / name)  # parses, and client_id equals the folder name
        assert cfg.client_id == name
    # no temporary files left behind by the atomic writes
    assert not [p for p in demo_dir.rglob(".*")]


def test_demo_output_is_byte_identical_on_a_second_run(demo_dir, tmp_path):
    again = write_demo_clients(tmp_path)
    for folder in again:
        assert _files(folder) == _files(demo_dir / folder.name), folder.name


def test_committed_demo_folders_are_the_generator_output(demo_dir):
    for name in DEMO_CLIENTS:
        committed = _files(COMMITTED / name)
        generated = _files(demo_dir / name)
        assert sorted(committed) == sorted(generated), f"{name}: file lists differ; run write_demo_clients"
        for fname in generated:
            assert committed[fname] == generated[fname], (
                f"data/clients/{name}/{fname} differs from the generator output; regenerate with "
                "write_demo_clients('data/clients') (see docs/demo-data.md)")


def test_another_seed_gives_other_data():
    a = demo_tables("demo_manufacturer", seed=1)["transactions"]
    b = demo_tables("demo_manufacturer", seed=DEFAULT_SEED)["transactions"]
    assert len(a) != len(b) or not a["amount"].equals(b["amount"])


def test_money_format_has_thousands_separators():
    # written out by hand: 12345.6 -> "12,345.60", 1234567.891 -> "1,234,567.89", 0.5 -> "0.50"
    assert money(np.array([12345.6, 1234567.891, 0.5])) == ["12,345.60", "1,234,567.89", "0.50"]


# ---------------------------------------------------------------------------------------------------------------
# demo_manufacturer
# ---------------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def manu():
    folder = COMMITTED / "demo_manufacturer"
    customers = pd.read_csv(folder / "customers.csv", encoding="utf-8", parse_dates=["first_purchase"])
    tx_raw = pd.read_csv(folder / "transactions.csv", encoding="utf-8-sig", dtype=str)
    tx = pd.DataFrame({
        "transaction_id": tx_raw["交易编号"],
        "date": pd.to_datetime(tx_raw["日期"]),
        "customer_id": tx_raw["客户编号"],
        "product": tx_raw["产品"],
        "quantity": tx_raw["数量"].astype(float),
        "amount": tx_raw["金额"].str.replace(",", "").astype(float),
        "cost": tx_raw["成本"].str.replace(",", "").astype(float),
    })
    cts = pd.read_csv(folder / "cost_to_serve.csv", encoding="gb18030").rename(
        columns={"客户编号": "customer_id", "年度": "period", "成本类别": "category", "服务成本": "cost"})
    surveys = pd.read_excel(folder / "surveys.xlsx", sheet_name="满意度调查", skiprows=2).rename(columns={
        "客户编号": "customer_id", "调查批次": "wave", "调查日期": "date", "总体满意度": "satisfaction",
        "推荐意愿": "recommend", "首选供应商": "preferred_supplier", "需求份额": "share_of_need"})
    focus = pd.read_csv(folder / "focus_responses.csv", dtype={"round": str})
    cfg = yaml.safe_load((folder / "client.yaml").read_text(encoding="utf-8"))
    return {"customers": customers, "transactions": tx, "raw_tx": tx_raw, "cost_to_serve": cts,
            "surveys": surveys, "focus_responses": focus, "config": cfg, "folder": folder}


def test_manufacturer_file_formats(manu):
    folder = manu["folder"]
    assert (folder / "transactions.csv").read_bytes()[:3] == b"\xef\xbb\xbf"  # UTF-8 BOM
    assert list(manu["raw_tx"].columns) == ["交易编号", "日期", "客户编号", "产品", "数量", "金额", "成本"]
    assert manu["raw_tx"]["金额"].str.contains(",").any()  # thousands separators present
    raw = (folder / "cost_to_serve.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # really GB18030, not UTF-8
    assert raw.decode("gb18030").startswith("客户编号,年度,成本类别,服务成本\r\n")
    title = pd.read_excel(folder / "surveys.xlsx", header=None, nrows=3)
    assert title.iloc[0, 0] == "2025-2026 客户满意度调查"
    assert title.iloc[1].isna().all()
    assert title.iloc[2, 0] == "客户编号"
    assert list(manu["customers"].columns) == ["customer_id", "name", "status", "segment", "region",
                                               "first_purchase", "potential_revenue"]
    size = sum(p.stat().st_size for p in folder.iterdir())
    assert size < 4 * 1024 * 1024


def test_manufacturer_config(manu):
    cfg = manu["config"]
    assert cfg["engagement"] == "3c" and cfg["language"] == "zh" and cfg["checklist"] == "customer_focus"
    assert [p["id"] for p in cfg["periods"]] == ["FY2024", "FY2025", "FY2026"]
    assert cfg["periods"][2]["start"] == dt.date(2025, 11, 1) and cfg["periods"][2]["end"] == dt.date(2026, 10, 31)
    assert cfg["current_period"] == "FY2026" and cfg["previous_period"] == "FY2025"
    assert cfg["targets"] == {"revenue_growth": 0.08, "profit_margin": 0.12, "satisfaction": 4.2, "nps": 30,
                              "retention": 0.9}


def test_manufacturer_sizes_and_ranges(manu):
    c, tx = manu["customers"], manu["transactions"]
    counts = c["status"].value_counts()
    assert 1700 <= counts["active"] + counts["inactive"] <= 2300  # "about 2,000 customers"
    assert counts["inactive"] > 100 and counts["prospect"] > 100 and counts["suspect"] > 100
    assert 40_000 <= len(tx) <= 60_000
    assert tx["date"].min() >= pd.Timestamp("2023-11-01") and tx["date"].max() <= TODAY_LIMIT
    assert (tx["amount"] > 0).all() and (tx["cost"] > 0).all() and (tx["quantity"] >= 1).all()
    assert tx["transaction_id"].is_unique and c["customer_id"].is_unique and c["name"].is_unique
    assert set(c["segment"]) == {"家装公司", "零售商", "办公楼宇", "酒店", "地产开发商"}
    assert set(c["region"]) == {"华东", "华南", "华北", "西南", "华中"}


def test_manufacturer_referential_integrity(manu):
    ids = set(manu["customers"]["customer_id"])
    for name in ("transactions", "cost_to_serve", "surveys"):
        assert set(manu[name]["customer_id"]) <= ids, name
    assert set(manu["cost_to_serve"]["period"]) <= {"FY2024", "FY2025", "FY2026"}
    assert set(manu["focus_responses"]["item_id"]) == set(CUSTOMER_FOCUS_ITEMS)


def test_manufacturer_status_consistent_with_transactions(manu):
    c = manu["customers"].set_index("customer_id")
    tx = manu["transactions"]
    last = tx.groupby("customer_id")["date"].max()
    first = tx.groupby("customer_id")["date"].min()
    cutoff = pd.Timestamp("2025-11-01")  # last 12 months = FY2026
    status = c["status"]
    assert (last.reindex(status[status == "active"].index) >= cutoff).all()
    inactive = status[status == "inactive"].index
    assert last.reindex(inactive).notna().all() and (last.reindex(inactive) < cutoff).all()
    never = status[status.isin(["prospect", "suspect"])].index
    assert not tx["customer_id"].isin(never).any()
    assert c.loc[never, "first_purchase"].isna().all()
    # first purchase: never after the first transaction; equal to it for customers won in the window
    fp = c.loc[first.index, "first_purchase"]
    assert (fp <= first).all()
    won = fp >= pd.Timestamp("2023-11-01")
    assert won.sum() > 100 and (fp[won] == first[won]).all()


def test_manufacturer_top_20_percent_bring_70_to_90_percent(manu):
    tx = manu["transactions"]
    fy26 = tx[tx["date"] >= "2025-11-01"]
    rev = fy26.groupby("customer_id")["amount"].sum().sort_values(ascending=False)
    n_top = int(round(0.2 * len(rev)))
    share = rev.iloc[:n_top].sum() / rev.sum()
    assert 0.70 <= share <= 0.90


def test_manufacturer_some_customers_unprofitable_after_cost_to_serve(manu):
    tx, cts = manu["transactions"], manu["cost_to_serve"]
    fy26 = tx[tx["date"] >= "2025-11-01"]
    margin = (fy26["amount"] - fy26["cost"]).groupby(fy26["customer_id"]).sum()
    serve = cts[cts["period"] == "FY2026"].groupby("customer_id")["cost"].sum()
    profit = margin - serve.reindex(margin.index).fillna(0.0)
    share = (profit < 0).mean()
    assert 0.03 <= share <= 0.25
    assert profit.sum() > 0  # the company as a whole makes money


def test_manufacturer_surveys(manu):
    s = manu["surveys"]
    assert set(s["wave"]) == {"2025-05", "2026-05"}
    sizes = s.groupby("wave").size()
    assert ((sizes >= 200) & (sizes <= 500)).all()
    assert s["satisfaction"].between(1, 5).all()
    assert s["recommend"].dropna().between(0, 10).all()
    assert s["share_of_need"].dropna().between(0, 1).all()
    assert set(s["preferred_supplier"].dropna()) == {"是", "否"}
    assert (pd.to_datetime(s["date"]).dt.strftime("%Y-%m") == s["wave"]).all()
    # satisfied customers stay more, but some satisfied ones still leave
    tx = manu["transactions"]
    bought_fy26 = set(tx.loc[tx["date"] >= "2025-11-01", "customer_id"])
    w1 = s[s["wave"] == "2025-05"].assign(stayed=lambda d: d["customer_id"].isin(bought_fy26))
    assert w1.loc[w1["stayed"], "satisfaction"].mean() > w1.loc[~w1["stayed"], "satisfaction"].mean()
    assert ((w1["satisfaction"] >= 4) & ~w1["stayed"]).sum() >= 5
    # and buy more: FY2025 revenue of respondents rises with satisfaction
    fy25 = tx[(tx["date"] >= "2024-11-01") & (tx["date"] < "2025-11-01")].groupby("customer_id")["amount"].sum()
    w1 = w1.assign(rev=w1["customer_id"].map(fy25).fillna(0))
    by_sat = w1.groupby(w1["satisfaction"] >= 4)["rev"].median()
    assert by_sat[True] > by_sat[False]


def test_manufacturer_focus_audit(manu):
    f = manu["focus_responses"]
    assert set(f["round"]) == {"2025", "2026"}
    assert set(f["role"]) == {"management", "sales", "customer_service", "logistics", "finance"}
    per_round = f.groupby("round")["respondent_id"].nunique()
    assert (per_round == 20).all()
    assert f["score"].dropna().between(1, 5).all()
    by_role = f.groupby("role")["score"].mean()
    assert by_role["management"] > by_role.drop("management").max()  # managers see it rosier
    factor = f.assign(factor=f["item_id"].str[:3]).groupby("factor")["score"].mean()
    assert factor.idxmin() == "INF"  # Information is the weakest factor
    rounds = f.groupby("round")["score"].mean()
    assert rounds["2026"] > rounds["2025"]


# ---------------------------------------------------------------------------------------------------------------
# demo_telecom
# ---------------------------------------------------------------------------------------------------------------

UNIT = {"%": "%", "分": "points", "十万分之一": "per_100k", "秒": "seconds"}
CMP = {">": ">", "<": "<", "≥": ">=", "≤": "<="}


@pytest.fixture(scope="module")
def tel():
    folder = COMMITTED / "demo_telecom"
    org = pd.read_csv(folder / "org_profile.csv", encoding="gb18030")
    qo = pd.read_excel(folder / "quality_objectives.xlsx", sheet_name="质量目标")
    kpi = pd.read_csv(folder / "kpi_measurements.csv", encoding="gb18030", dtype={"月份": str})
    docs = pd.read_csv(folder / "documents.csv", encoding="gb18030")
    findings = pd.read_excel(folder / "audit_findings.xlsx", sheet_name="内审发现")
    cfg = yaml.safe_load((folder / "client.yaml").read_text(encoding="utf-8"))
    return {"org": org, "qo": qo, "kpi": kpi, "docs": docs, "findings": findings, "config": cfg}


def test_telecom_org_profile_is_the_seed(tel):
    org = tel["org"].set_index("指标")["数值"]
    assert org["capacity_lines"] == 51084 and org["lines_in_service"] == 47213
    # utilisation comes out of the two: 47,213 / 51,084 = 0.924223... -> 92.42 % (seed)
    assert round(100 * org["lines_in_service"] / org["capacity_lines"], 2) == 92.42
    assert "utilisation" not in org.index
    expected = {"phone_penetration": 16.26, "household_penetration": 51.5, "population_served": 300000,
                "departments": 3, "township_branches": 7, "quality_staff": 3}
    for metric, value in expected.items():
        assert org[metric] == value, metric


def test_telecom_quality_objectives_are_the_seed(tel):
    qo = tel["qo"]
    assert list(qo.columns) == ["目标编号", "目标名称", "英文名称", "单位", "比较符", "目标值", "类别"]
    got = {r["目标编号"]: (UNIT[r["单位"]], CMP[r["比较符"]], float(r["目标值"])) for _, r in qo.iterrows()}
    assert got == {"QO1": ("%", ">", 98.0), "QO2": ("%", ">", 98.0), "QO3": ("%", ">", 96.0),
                   "QO4": ("%", "<", 2.0), "QO5": ("points", ">", 81.0), "QO6": ("per_100k", "<", 1.0),
                   "QO7": ("%", ">=", 100.0), "QO8": ("seconds", "<=", 10.0)}


def _kpi_values(kpi: pd.DataFrame, qo: pd.DataFrame) -> pd.DataFrame:
    unit = dict(zip(qo["目标编号"], qo["单位"].map(UNIT)))
    scale = kpi["目标编号"].map(unit).map({"%": 100.0, "per_100k": 100_000.0}).fillna(1.0)
    value = np.where(kpi["实际值"].notna(), kpi["实际值"], kpi["分子"] / kpi["分母"] * scale)
    return kpi.assign(v=value)


def test_telecom_current_month_carries_the_seed_results(tel):
    k = _kpi_values(tel["kpi"], tel["qo"])
    cur = k[k["月份"] == "2026-10"].set_index("目标编号")["v"]
    # seed: 100%, 100%, 100%, 0, 81.3 points, 0 per 100,000, 100%, 7 seconds
    assert cur.round(6).to_dict() == {"QO1": 100.0, "QO2": 100.0, "QO3": 100.0, "QO4": 0.0, "QO5": 81.3,
                                      "QO6": 0.0, "QO7": 100.0, "QO8": 7.0}
    # complaints are counted per 100,000 lines in service: denominator 47,213 in the current month
    assert k.set_index(["目标编号", "月份"]).loc[("QO6", "2026-10"), "分母"] == 47213


def test_telecom_history_mostly_meets_targets(tel):
    k = _kpi_values(tel["kpi"], tel["qo"])
    assert sorted(k["月份"].unique()) == [str(p) for p in pd.period_range("2024-11", "2026-10", freq="M")]
    assert len(k) == 24 * 8
    qo = tel["qo"].set_index("目标编号")
    ops = {">": np.greater, "<": np.less, ">=": np.greater_equal, "<=": np.less_equal}
    met = [ops[CMP[qo.loc[o, "比较符"]]](v, qo.loc[o, "目标值"]) for o, v in zip(k["目标编号"], k["v"])]
    misses = k.loc[~np.array(met), ["目标编号", "月份"]]
    assert 1 <= len(misses) <= 4 and "2026-10" not in set(misses["月份"])
    assert (k["分母"].dropna() > 0).all()


def test_telecom_documents_35_91_6_33_22(tel):
    d = tel["docs"]
    assert list(d.columns) == ["文件编号", "分册", "文件名称", "责任部门", "版本"]
    assert d["分册"].value_counts().to_dict() == {"记录台帐": 91, "职责权限": 35, "规章制度": 33, "工作流程": 22,
                                                "考核标准": 6}
    assert d["文件编号"].is_unique and d["文件名称"].is_unique
    assert {"《性质变动登记本》", "《程控业务登记本》"} <= set(d["文件名称"])


def test_telecom_audit_findings(tel):
    f = tel["findings"]
    rounds = f["内审轮次"].value_counts()
    assert 6 <= rounds[1] <= 8 and 4 <= rounds[2] <= 5
    assert set(f["不符合等级"]) <= {"一般", "观察项"}
    assert {"7.5.3", "5.3", "7.2", "6.2", "9.1.1"} <= set(f["标准条款"].astype(str))
    assert set(f["责任部门"]) <= {"综合部", "运维部", "营销部"} | {f"{b}支局" for b in
                                                          ("东海", "永安", "向阳", "平阳", "兴农", "哈达", "鸡林")}
    actions = " ".join(f["纠正措施"])
    for words in ("性质变动登记本", "程控业务登记本", "职责权限", "培训", "考试", "质量目标考核"):
        assert words in actions, words
    open_ = f[f["关闭日期"].isna()]
    assert 1 <= len(open_) <= 2 and (pd.to_datetime(open_["完成期限"]) > TODAY_LIMIT).all()
    closed = f[f["关闭日期"].notna()]
    assert (pd.to_datetime(closed["关闭日期"]) <= TODAY_LIMIT).all()
    assert (pd.to_datetime(closed["关闭日期"]) >= pd.to_datetime(closed["发现日期"])).all()
    assert (closed["是否验证"] == "是").mean() > 0.8


def test_telecom_config(tel):
    cfg = tel["config"]
    assert cfg["name"]["zh"] == "XX县通信分公司" and cfg["engagement"] == "iso9001"
    assert cfg["checklist"] == "iso9001_2015" and cfg["current_period"] == "2026-10"
    assert cfg["previous_period"] == "2026-09" and len(cfg["periods"]) == 24


# ---------------------------------------------------------------------------------------------------------------
# demo_hospital
# ---------------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hosp():
    folder = COMMITTED / "demo_hospital"
    return {name: pd.read_csv(folder / f"{name}.csv", dtype={"period": str})
            for name in ("assessment_scores", "quality_objectives", "kpi_measurements", "rectifications")} | {
        "config": yaml.safe_load((folder / "client.yaml").read_text(encoding="utf-8"))}


def test_hospital_covers_the_five_areas_and_every_item(hosp):
    s = hosp["assessment_scores"]
    assert sorted(s["item_id"].unique()) == sorted(OBSTETRICS_ITEMS)
    assert sorted(s["item_id"].str.rsplit(".", n=1).str[0].unique()) == ["OB.1", "OB.2", "OB.3", "OB.4", "OB.5"]
    assert set(s["round"]) == {"2025H2", "2026H2"}
    assert set(s["role"]) == {"director", "head_nurse", "doctor", "midwife"}
    per = s.groupby(["round", "item_id"]).size()
    assert (per >= 3).all()  # several assessors per item
    veto = s["item_id"].isin(["OB.2.3", "OB.3.1", "OB.4.3"])
    assert s.loc[veto, "score"].isin([0, 0.5, 1]).all()
    assert s.loc[~veto, "score"].between(0, 10).all()


def test_hospital_round_two_is_better_and_the_veto_item_is_fixed(hosp):
    s = hosp["assessment_scores"]
    points = s[~s["item_id"].isin(["OB.2.3", "OB.3.1", "OB.4.3"])]
    means = points.groupby("round")["score"].mean()
    assert means["2026H2"] > means["2025H2"] + 0.5
    ob31 = s[s["item_id"] == "OB.3.1"].groupby("round")["score"]
    assert ob31.min()["2025H2"] == 0.5 and ob31.min()["2026H2"] == 1.0


def test_hospital_rectifications_link_to_weak_items(hosp):
    r, s = hosp["rectifications"], hosp["assessment_scores"]
    assert r["action_id"].is_unique
    assert set(r["item_id"].dropna()) <= set(s["item_id"])
    assert set(r["status"]) <= {"open", "in_progress", "done", "verified"} and {"open", "verified"} <= set(r["status"])
    done = r[r["status"].isin(["done", "verified"])]
    assert done["closed"].notna().all() and (pd.to_datetime(done["closed"]) <= TODAY_LIMIT).all()
    assert r.loc[~r["status"].isin(["done", "verified"]), "closed"].isna().all()
    # the round-1 weak items (mean below 70% of the maximum) all have an action
    r1 = s[(s["round"] == "2025H2") & ~s["item_id"].isin(["OB.2.3", "OB.4.3"])]
    mean = r1.groupby("item_id")["score"].mean()
    maxima = pd.Series(10.0, index=mean.index).where(mean.index != "OB.3.1", 1.0)
    weak = set(mean[mean / maxima < 0.7].index)
    assert weak and weak <= set(r["item_id"].dropna())


def test_hospital_indicators_and_the_caesarean_shift(hosp):
    qo, k = hosp["quality_objectives"], hosp["kpi_measurements"]
    assert {"CSR", "SPPH", "NAR", "MMD", "HRS"} <= set(qo["objective_id"])
    assert set(qo["unit"]) <= {"%", "points", "seconds", "per_100k", "count", "per_1000", "days"}
    assert set(k["objective_id"]) == set(qo["objective_id"]) and k["period"].nunique() == 24
    births = k[k["objective_id"] == "CSR"].set_index("period")["denominator"]
    assert births.between(100, 200).all()
    assert (k.loc[k["objective_id"] == "MMD", "value"] == 0).all()
    cs = k[k["objective_id"] == "CSR"].set_index("period")
    rate = cs["numerator"] / cs["denominator"]
    before, after = rate[rate.index < "2026-01"], rate[rate.index >= "2026-01"]
    assert before.mean() - after.mean() > 0.05
    # the shift is visible as a run: every month since 2026-01 lies below the overall mean
    overall = cs["numerator"].sum() / cs["denominator"].sum()
    assert (after < overall).sum() >= 8


def test_hospital_config_is_english(hosp):
    cfg = hosp["config"]
    assert cfg["language"] == "en" and cfg["engagement"] == "clinical" and cfg["checklist"] == "obstetrics_quality"
    ids = [p["id"] for p in cfg["periods"]]
    assert "2026-10" in ids and "2025H2" in ids and "2026H2" in ids


# ---------------------------------------------------------------------------------------------------------------
# large synthetic clients
# ---------------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def large():
    return large_client_tables(1_000, 10_000, seed=3)


def test_large_client_tables_shapes_and_dtypes(large):
    c, tx, cts, s = large["customers"], large["transactions"], large["cost_to_serve"], large["surveys"]
    assert len(c) == 1_000 and len(tx) == 10_000
    assert list(tx.columns) == ["transaction_id", "date", "customer_id", "amount", "cost", "quantity", "product"]
    assert tx["date"].dtype == "datetime64[ns]" and c["first_purchase"].dtype == "datetime64[ns]"
    assert tx["amount"].dtype == "float64" and pd.api.types.is_string_dtype(tx["customer_id"])
    assert str(s["preferred_supplier"].dtype) == "boolean"
    assert c["customer_id"].is_unique and tx["transaction_id"].is_unique
    assert set(tx["customer_id"]) <= set(c["customer_id"]) and set(cts["customer_id"]) <= set(c["customer_id"])
    assert set(s["customer_id"]) <= set(c["customer_id"]) and set(s["wave"]) == {"2025-05", "2026-05"}
    assert (tx["amount"] > 0).all() and (np.round(tx["amount"], 2) == tx["amount"]).all()


def test_large_client_status_consistent(large):
    c = large["customers"].set_index("customer_id")
    tx = large["transactions"]
    last = tx.groupby("customer_id")["date"].max()
    st = c["status"]
    assert set(st) == {"active", "inactive", "prospect", "suspect"}
    assert (last.reindex(st[st == "active"].index) >= "2025-11-01").all()
    assert (last.reindex(st[st == "inactive"].index) < "2025-11-01").all()
    assert not tx["customer_id"].isin(st[st.isin(["prospect", "suspect"])].index).any()
    first = tx.groupby("customer_id")["date"].min()
    assert (c.loc[first.index, "first_purchase"] <= first).all()


def test_large_client_heavy_tail_and_unprofitable_few(large):
    tx, cts = large["transactions"], large["cost_to_serve"]
    fy = tx[tx["date"] >= "2025-11-01"]
    rev = fy.groupby("customer_id")["amount"].sum().sort_values(ascending=False)
    assert 0.65 <= rev.iloc[: int(0.2 * len(rev))].sum() / rev.sum() <= 0.92
    margin = (fy["amount"] - fy["cost"]).groupby(fy["customer_id"]).sum()
    serve = cts[cts["period"] == "FY2026"].groupby("customer_id")["cost"].sum()
    share = ((margin - serve.reindex(margin.index).fillna(0)) < 0).mean()
    assert 0.01 <= share <= 0.2


def test_large_client_is_deterministic_and_exact_in_size():
    a = large_client_tables(300, 1_000, seed=5)
    b = large_client_tables(300, 1_000, seed=5)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])
    few = large_client_tables(500, 50, seed=5)  # fewer transactions than would-be buyers
    assert len(few["transactions"]) == 50 and len(few["customers"]) == 500
    assert few["transactions"]["customer_id"].is_unique


@pytest.mark.parametrize("args", [(0, 10), (10, -1), (1.5, 10), (True, 10)])
def test_large_client_rejects_bad_sizes(args):
    with pytest.raises(ParameterError, match="must be an integer"):
        large_client_tables(*args)


def test_write_large_client_writes_readable_csvs(tmp_path):
    steps = []
    folder = write_large_client(tmp_path, 2_000, 20_000, seed=1, client_id="bench_small",
                                progress=lambda step, done, total: steps.append((step, done, total)))
    assert folder == tmp_path / "bench_small"
    assert sorted(p.name for p in folder.iterdir()) == ["client.yaml", "cost_to_serve.csv", "customers.csv",
                                                         "surveys.csv", "transactions.csv"]
    assert steps[-1] == ("surveys.csv", 6, 6)
    cfg = load_client_config(folder)
    assert cfg.engagement == "3c" and cfg.current_period == "FY2026"
    tx = pd.read_csv(folder / "transactions.csv", encoding="utf-8", parse_dates=["date"])
    c = pd.read_csv(folder / "customers.csv", encoding="utf-8")
    s = pd.read_csv(folder / "surveys.csv", encoding="utf-8")
    cts = pd.read_csv(folder / "cost_to_serve.csv", encoding="utf-8")
    assert len(tx) == 20_000 and len(c) == 2_000
    assert list(tx.columns) == ["transaction_id", "date", "customer_id", "amount", "cost", "quantity", "product"]
    assert list(cts.columns) == ["customer_id", "period", "cost", "category"]
    assert tx["date"].max() <= TODAY_LIMIT and set(tx["customer_id"]) <= set(c["customer_id"])
    assert s["preferred_supplier"].dtype == bool
    expected = large_client_tables(2_000, 20_000, seed=1)["transactions"]
    assert np.allclose(tx["amount"].to_numpy(), expected["amount"].to_numpy())
    # default folder name
    assert write_large_client(tmp_path, 50, 100).name == "synthetic_50c_100t"


def test_files_carry_the_in_memory_tables_exactly(manu, tel, hosp):
    """Number formatting must not lose digits (e.g. 2,555,309 call attempts written as 2.55531e+06)."""
    t = demo_tables("demo_telecom")["kpi_measurements"]
    k = tel["kpi"]
    np.testing.assert_array_equal(k["分子"].to_numpy(float), t["numerator"].to_numpy(float))
    np.testing.assert_array_equal(k["分母"].to_numpy(float), t["denominator"].to_numpy(float))
    np.testing.assert_array_equal(k["实际值"].to_numpy(float), t["value"].to_numpy(float))
    h = demo_tables("demo_hospital")
    np.testing.assert_array_equal(hosp["kpi_measurements"]["numerator"].to_numpy(float),
                                  h["kpi_measurements"]["numerator"].to_numpy(float))
    np.testing.assert_array_equal(hosp["assessment_scores"]["score"].to_numpy(float),
                                  h["assessment_scores"]["score"].to_numpy(float))
    mt = demo_tables("demo_manufacturer")
    m = mt["transactions"]
    np.testing.assert_array_equal(manu["transactions"]["amount"].to_numpy(), m["amount"].to_numpy())
    np.testing.assert_array_equal(manu["transactions"]["cost"].to_numpy(), m["cost"].to_numpy())
    c = mt["cost_to_serve"]
    np.testing.assert_array_equal(manu["cost_to_serve"]["cost"].to_numpy(), c["cost"].to_numpy())
