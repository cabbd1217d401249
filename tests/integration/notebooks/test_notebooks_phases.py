"""The four 3C phase notebooks under papermill: they run, and their results files hold the key numbers.

Expected numbers are computed here independently with the package (customer table sums,
the pyramid, the audit engine) on demo_manufacturer, so a notebook that shows or records a
different number fails. A client without surveys and focus answers checks that optional
sections skip gracefully. Saved plans go to a temporary processed area, so realization
rebuilds the plan unless a test saved one.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

pm = pytest.importorskip("papermill")

from conftest import write_client  # noqa: E402  (tests/conftest.py)
from contractcheck import check_contract
from testpaths import ROOT

PHASES = ROOT / "notebooks" / "phases"

pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module", autouse=True)
def batch_env(tmp_path_factory):
    """Batch mode and a private processed area for every kernel started here."""
    processed = tmp_path_factory.mktemp("processed")
    # reuse the validated-data cache of the demo client so kernels do not validate again
    src = ROOT / "data" / "processed" / "demo_manufacturer"
    if src.is_dir():
        shutil.copytree(src, processed / "demo_manufacturer", ignore=shutil.ignore_patterns("plans"))
    old = {k: os.environ.get(k) for k in ("THREEC_BATCH", "THREEC_PROCESSED_ROOT", "MPLBACKEND")}
    os.environ.update(THREEC_BATCH="1", THREEC_PROCESSED_ROOT=str(processed), MPLBACKEND="Agg")
    yield processed
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def run(name: str, out: Path, **params) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    pm.execute_notebook(str(PHASES / f"{name}.ipynb"), str(out / f"{name}.ipynb"), kernel_name="threec",
                        parameters={"output_dir": str(out), **params}, progress_bar=False, cwd=str(ROOT))
    results = json.loads((out / f"{name}.results.json").read_text(encoding="utf-8"))
    check_contract(name, results)  # every recorded figure and table is in the results contract
    return results


def figures(results: dict) -> dict:
    return {f["key"]: f for f in results["headline"]}


@pytest.fixture(scope="module")
def demo():
    from threec_helpers.measures.customer_table import customer_table
    from threec_helpers.inputs.validation import load_client

    client = load_client("demo_manufacturer")
    cur = customer_table(client.tables, client.config, "FY2026", "FY2025")
    return client, cur


def test_registration_zh_default(tmp_path, demo):
    client, cur = demo
    res = run("01_registration", tmp_path)
    f = figures(res)
    assert res["lang"] == "zh" and res["period"] == "FY2026"
    assert list(f)[:4] == ["information_score", "customers", "active_customers", "revenue"]
    assert f["customers"]["value"] == 2700 == len(cur)
    assert f["active_customers"]["value"] == 1505 == int((cur["revenue"] > 0).sum())
    assert f["revenue"]["value"] == pytest.approx(cur["revenue"].sum()) == pytest.approx(87_332_251.51)
    assert 0 <= f["information_score"]["value"] <= 100 and f["information_score"]["status"] == "good"
    assert res["tables"]["integration"][1]["table"] == "transactions"
    assert res["skipped"] == []


def test_analysis_en(tmp_path, demo):
    from threec_helpers import pyramid, value
    from threec_helpers.audit.scoring import score_rounds

    client, cur = demo
    res = run("02_analysis", tmp_path, lang="en")
    f = figures(res)
    dec = value.profit_decomposition(cur)
    assert f["operating_profit"]["value"] == pytest.approx(float(dec["operating_profit"]))
    assert f["profitable_profit"]["value"] - f["unprofitable_loss"]["value"] == pytest.approx(
        f["operating_profit"]["value"])  # the seed's decomposition
    summary = pyramid.tier_summary(cur)
    assert f["top20_revenue_share"]["value"] == pytest.approx(summary.loc[["top", "big", "medium"],
                                                                           "revenue_share"].sum())
    # retention: 1,311 of the 1,495 customers active in FY2025 are active in FY2026
    assert f["retention"]["value"] == pytest.approx(1311 / 1495)
    latest = list(score_rounds("customer_focus", client.tables["focus_responses"]).values())[-1]
    areas = latest.areas.set_index("area_id")["score"]
    assert f["information"]["value"] == pytest.approx(areas["INF"])
    assert f["information"]["status"] == "bad"  # 38% < 50%
    assert {"satisfaction", "nps", "preferred_supplier", "clv_total", "opportunities"} <= set(f)
    assert len(res["tables"]["opportunities"]) == f["opportunities"]["value"] == 9
    assert [r["tier"] for r in res["tables"]["tiers"]][:4] == ["top", "big", "medium", "small"]
    assert res["tables"]["priorities"][0]["item_id"] == "INF.4"


def test_planning_saves_the_plan_realization_loads_it(tmp_path, batch_env):
    res = run("03_planning", tmp_path / "plan", period="FY2025", comparison_period="FY2024", lang="en")
    f = figures(res)
    assert f["plan_gap"]["value"] == pytest.approx(f["plan_revenue_bottom_up"]["value"]
                                                   - f["plan_revenue_top_down"]["value"])
    assert f["focus_actions"]["value"] == len(res["tables"]["focus_plan"]) == 8
    saved = batch_env / "demo_manufacturer" / "plans" / "FY2025"
    assert {p.name for p in saved.iterdir()} >= {"plan_customers.csv", "plan_tiers.csv", "plan_focus.csv",
                                                 "plan.xlsx"}
    assert (tmp_path / "plan" / "plan" / "plan.xlsx").is_file()
    real = run("04_realization", tmp_path / "real", lang="en")
    assert real["plan_source"] == "saved"
    total = [r for r in real["tables"]["tiers"] if r["tier"] == "total"][0]
    # the saved plan's bottom-up total is what realization measures against
    assert total["plan_revenue"] == pytest.approx(f["plan_revenue_bottom_up"]["value"])
    shutil.rmtree(saved)


def test_realization_zh_rebuilt(tmp_path, demo, batch_env):
    client, cur = demo
    res = run("04_realization", tmp_path)
    f = figures(res)
    assert res["plan_source"] == "rebuilt"
    comps = {r["component"]: r["variance"] for r in res["tables"]["variance"]}
    assert sum(v for k, v in comps.items() if k != "合计差异") == pytest.approx(comps["合计差异"])
    assert f["variance"]["value"] == pytest.approx(comps["合计差异"])
    assert f["attainment"]["value"] == pytest.approx(cur["revenue"].sum() / (cur["revenue"].sum() - f["variance"]["value"]))
    assert f["rag"]["value"] in ("green", "amber", "red")
    assert f["focus_actions_done"]["value"] == 0  # no planned item reached its target in round 2026


def test_sections_skip_without_surveys_and_focus(tmp_path):
    root = tmp_path / "clients"
    write_client(root)  # acme: customers and transactions only, no targets
    ana = run("02_analysis", tmp_path / "a", client_id="acme", data_root=str(root))
    assert set(ana["skipped"]) == {"surveys", "focus_responses"}
    assert "satisfaction" not in figures(ana) and "organization" not in figures(ana)
    real = run("04_realization", tmp_path / "r", client_id="acme", data_root=str(root))
    assert set(real["skipped"]) == {"surveys", "focus_responses"}
    assert "focus_actions_done" not in figures(real)


def test_bad_parameter_is_a_clear_error(tmp_path):
    with pytest.raises(pm.PapermillExecutionError) as err:
        run("01_registration", tmp_path, lang="fr")
    assert "ParameterError" in str(err.value) and "lang" in str(err.value)
