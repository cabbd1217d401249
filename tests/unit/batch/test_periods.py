"""Period selectors (batch files' ``periods:`` and ``threec run --period``) on the demo clients."""

from __future__ import annotations

import pytest

from threec_helpers.batch.periods import (
    check_selector,
    earlier_periods,
    resolve_periods,
)
from threec_helpers.batch.spec import parse_batch
from threec_helpers.errors import InputError
from threec_helpers.inputs.config import load_client_config
from threec_helpers.paths import client_folder


@pytest.fixture(scope="module")
def manufacturer():
    return load_client_config(client_folder("demo_manufacturer"))


@pytest.fixture(scope="module")
def hospital():  # months 2024-11..2026-10 and two half years (2025H2, 2026H2)
    return load_client_config(client_folder("demo_hospital"))


@pytest.fixture(scope="module")
def telecom():  # 24 months
    return load_client_config(client_folder("demo_telecom"))


def test_ids_current_previous(manufacturer):
    assert resolve_periods(["previous", "current"], manufacturer) == ["FY2025", "FY2026"]
    assert resolve_periods(["FY2024", "current", "FY2024"], manufacturer) == ["FY2024", "FY2026"]


def test_all_and_last_n(manufacturer, telecom, hospital):
    assert resolve_periods(["all"], manufacturer) == ["FY2024", "FY2025", "FY2026"]
    assert resolve_periods(["last 2"], manufacturer) == ["FY2025", "FY2026"]
    assert resolve_periods(["last 99"], manufacturer) == ["FY2024", "FY2025", "FY2026"]
    months = resolve_periods(["all"], telecom)
    assert len(months) == 24 and months[0] == "2024-11" and months[-1] == "2026-10"
    assert resolve_periods(["last 12"], telecom)[0] == "2025-11"
    # monthly cadence: the hospital's half years are not months
    assert "2025H2" not in resolve_periods(["all"], hospital)
    assert len(resolve_periods(["last_12"], hospital)) == 12


def test_ranges(telecom, hospital):
    assert resolve_periods(["2026-01..2026-10"], telecom) == [f"2026-{m:02d}" for m in range(1, 11)]
    assert resolve_periods(["2025-12..2026-02"], hospital) == ["2025-12", "2026-01", "2026-02"]
    assert resolve_periods(["2025H2..2026H2"], hospital) == ["2025H2", "2026H2"]
    assert resolve_periods(["2026-03..2026-03"], telecom) == ["2026-03"]


@pytest.mark.parametrize("selector, words_en, words_zh", [
    ("2026-10..2026-01", "write 2026-01..2026-10", "晚于终点"),
    ("2026-01..2027-05", "'2027-05' of the range", "不在 client.yaml 中"),
    ("2026-01..2026H2", "different lengths", "长度不同"),
])
def test_bad_ranges_say_what_to_write(hospital, selector, words_en, words_zh):
    with pytest.raises(InputError) as err:
        resolve_periods([selector], hospital)
    assert words_en in err.value.message("en") and words_zh in err.value.message("zh")


@pytest.mark.parametrize("selector", ["last", "last 0", "last x", "2026-01..", "..2026-10", "a..b..c", " "])
def test_bad_syntax(selector):
    with pytest.raises(InputError) as err:
        check_selector(selector)
    assert err.value.message("zh") and err.value.message("en")


def test_batch_file_accepts_selectors_and_names_a_bad_one(tmp_path):
    spec = parse_batch({"name": "t", "clients": [{"id": "demo_telecom", "periods": "2026-01..2026-10"}],
                        "periods": ["last 3", "all"]}, "t.yaml", base=tmp_path)
    assert spec.periods == ["last 3", "all"] and spec.clients[0].periods == ["2026-01..2026-10"]
    with pytest.raises(InputError) as err:
        parse_batch({"name": "t", "clients": ["demo_telecom"], "periods": "last zero"}, "t.yaml", base=tmp_path)
    assert "periods" in err.value.message("en") and "last N" in err.value.message("en")


def test_earlier_periods(manufacturer, hospital):
    assert earlier_periods(manufacturer, "FY2026") == ["FY2024", "FY2025"]
    assert earlier_periods(hospital, "2024-12") == ["2024-11"]
    assert earlier_periods(hospital, "2026H2") == ["2025H2"]


def test_cli_period_range_is_checked_before_anything_runs(tmp_path):
    from click.testing import CliRunner

    from threec_helpers.cli import cli

    batch = tmp_path / "b.yaml"
    batch.write_text("name: b\nclients: [demo_telecom]\n", encoding="utf-8")
    for lang, words in (("en", "FROM..TO"), ("zh", "起..止")):
        res = CliRunner().invoke(cli, ["--lang", lang, "run", str(batch), "--period", "2026-01..", "--quiet",
                                       "--out", str(tmp_path / "r")])
        assert res.exit_code == 2 and words in res.output
    assert not (tmp_path / "r").exists()


def test_plan_over_a_range_from_the_command_line(tmp_path):
    from threec_helpers.batch.plan import plan_batch
    from threec_helpers.paths import project_root

    spec = parse_batch({"name": "b", "clients": ["demo_telecom", "demo_hospital"],
                        "notebooks_dir": str(project_root() / "notebooks")}, "b.yaml", base=tmp_path)
    plan = plan_batch(spec, tmp_path / "r", periods=["2026-08..2026-10"])
    assert sorted({(j.client_id, j.period) for j in plan.jobs}) == [
        (c, f"2026-{m:02d}") for c in ("demo_hospital", "demo_telecom") for m in (8, 9, 10)]
    plan = plan_batch(spec, tmp_path / "r", periods=["2026-10..2026-08"])
    assert all(j.error is not None for j in plan.jobs) and plan.restricted
