"""Batch files, notebook discovery and parameter checks (no notebook is executed here)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from conftest import write_client
from threec_helpers.batch.plan import (
    BatchParameterError,
    discover_notebooks,
    error_text,
    load_batch,
    parse_batch,
    plan_batch,
    read_notebook_info,
)
from threec_helpers.errors import InputError, ParameterError
from testpaths import TESTS

FIXTURES = TESTS / "data" / "notebooks"


def _spec(tmp_path: Path, **raw):
    raw.setdefault("name", "t")
    raw.setdefault("clients", ["acme"])
    raw.setdefault("notebooks_dir", str(FIXTURES))
    return parse_batch(raw, "t.yaml", base=tmp_path, data_root=tmp_path / "clients")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    write_client(tmp_path / "clients")
    return tmp_path


def test_discovery_reads_metadata_and_parameters():
    found = discover_notebooks(FIXTURES)
    assert {"ok_report", "fails", "hangs", "dies", "iso_only"} <= set(found)
    ok = found["ok_report"]
    assert ok.engagements == ["3c"] and ok.order == 10 and ok.title["zh"] == "客户概况"
    # annotation wins; otherwise the type of the default
    assert ok.parameters["top_n"]["type"] == "int"
    assert ok.parameters["scale"]["type"] == "float"
    assert ok.parameters["mask"]["type"] == "bool"
    assert ok.parameters["client_id"]["type"] == "str"
    # ordered by metadata order, then name
    names = list(found)
    assert names.index("ok_report") < names.index("fails") < names.index("hangs") < names.index("dies")


def test_jobs_per_engagement_with_auto_parameters(root: Path):
    plan = plan_batch(_spec(root), root / "reports")
    names = [j.notebook for j in plan.jobs]
    assert "iso_only" not in names  # acme is a 3c client
    assert names[:4] == ["ok_report", "fails", "hangs", "dies"]
    ok = plan.jobs[0]
    assert ok.period == "FY2025" and ok.lang == "en"  # client.yaml current_period and language
    assert ok.parameters["previous_period"] == "FY2024"
    assert ok.parameters["output_dir"] == str((root / "reports" / "t" / "acme" / "FY2025").resolve())
    assert ok.parameters["mask"] is False
    # only declared parameters are passed
    fails = plan.jobs[1]
    assert set(fails.parameters) == {"client_id", "period", "lang", "output_dir"}
    assert ok.key and ok.key != fails.key and ok.input_key


def test_batch_language_overrides_the_client(root: Path):
    plan = plan_batch(_spec(root, lang="zh", notebooks=["ok_report"]), root / "reports")
    assert plan.jobs[0].lang == "zh" and plan.jobs[0].parameters["lang"] == "zh"


def test_unknown_parameter_and_wrong_type_stop_before_running(root: Path):
    spec = _spec(root, notebooks=["ok_report"], notebook_parameters={"ok_report": {"topn": 5, "top_n": "ten",
                                                                                    "scale": True}})
    with pytest.raises(ParameterError) as exc:
        plan_batch(spec, root / "reports")
    err = exc.value
    assert isinstance(err, BatchParameterError) and len(err.problems) == 3
    text = err.message("en")
    assert "no parameter 'topn'" in text and "top_n" in text and "must be int" in text and "'ten'" in text
    assert "scale" in text and "must be float" in text
    assert "t.yaml" in text  # names the batch file
    assert "参数" in err.message("zh")
    assert not (root / "reports" / "t").exists()  # nothing ran, nothing written


def test_int_is_accepted_for_float_and_global_parameters_pass_where_declared(root: Path):
    spec = _spec(root, notebooks=["ok_report", "fails"], parameters={"scale": 2})
    plan = plan_batch(spec, root / "reports")
    assert plan.jobs[0].parameters["scale"] == 2
    assert "scale" not in plan.jobs[1].parameters


def test_global_parameter_no_notebook_declares_is_an_error(root: Path):
    with pytest.raises(ParameterError, match="no selected notebook declares parameter 'sacle'"):
        plan_batch(_spec(root, notebooks=["ok_report"], parameters={"sacle": 2.0}), root / "reports")


def test_unknown_client_and_notebook_are_failed_jobs_not_a_crash(root: Path):
    spec = _spec(root, clients=["acme", "nobody"], notebooks=["ok_report", "no_such_notebook"])
    plan = plan_batch(spec, root / "reports")
    errors = {j.id: error_text(j.error, "en") for j in plan.jobs if j.error}
    assert "Unknown client nobody" in errors["nobody/-/-"]
    assert "Unknown notebook no_such_notebook" in errors["acme/FY2025/no_such_notebook"]
    assert "ok_report" in errors["acme/FY2025/no_such_notebook"]  # lists what exists
    assert [j.notebook for j in plan.jobs if not j.error] == ["ok_report"]


def test_missing_table_a_notebook_requires(root: Path, tmp_path: Path):
    nbdir = tmp_path / "nbs"
    nbdir.mkdir()
    nb = nbformat.read(FIXTURES / "iso_only.ipynb", as_version=4)
    nb.metadata["threec"] = {"engagements": ["3c"], "order": 1, "title": "Needs surveys", "requires": ["surveys"]}
    nbformat.write(nb, nbdir / "needs_surveys.ipynb")
    plan = plan_batch(_spec(root, notebooks_dir=str(nbdir)), root / "reports")
    (job,) = plan.jobs
    assert "lacks the table(s) surveys" in error_text(job.error, "en")
    assert "缺少" in error_text(job.error, "zh")


def test_periods_current_previous_and_unknown(root: Path):
    plan = plan_batch(_spec(root, notebooks=["fails"], periods=["current", "previous"]), root / "reports")
    assert [j.period for j in plan.jobs] == ["FY2025", "FY2024"]
    plan = plan_batch(_spec(root, notebooks=["fails"], periods=["FY1999"]), root / "reports")
    assert "FY1999" in error_text(plan.jobs[0].error, "en")


@pytest.mark.parametrize("raw, field", [
    ({"clients": ["acme"], "colour": 1}, "colour"),
    ({"clients": ["acme"], "formats": ["odt"]}, "formats"),
    ({"clients": ["acme"], "timeout": -1}, "timeout"),
    ({"clients": ["acme"], "lang": "fr"}, "lang"),
    ({"clients": [{"name": "acme"}]}, "clients[0]"),
    ({"clients": ["acme"], "mask": "yes"}, "mask"),
])
def test_bad_batch_fields_name_the_field(tmp_path: Path, raw, field):
    with pytest.raises(InputError) as exc:
        parse_batch(raw, "bad.yaml", base=tmp_path, data_root=tmp_path)
    assert "bad.yaml" in str(exc.value) and field in str(exc.value)


def test_batch_name_cannot_escape_the_reports_folder(tmp_path: Path):
    with pytest.raises(InputError):
        parse_batch({"name": "../../etc", "clients": []}, "x.yaml", base=tmp_path, data_root=tmp_path)


def test_missing_and_malformed_batch_files(tmp_path: Path):
    with pytest.raises(InputError, match="not found"):
        load_batch(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match="not valid YAML"):
        load_batch(bad)


def test_client_patterns_and_per_client_overrides(root: Path):
    write_client(root / "clients", "acme2")
    spec = _spec(root, clients=["acme*", {"id": "acme2", "lang": "zh", "notebooks": ["fails"]}])
    assert [c.id for c in spec.clients] == ["acme", "acme2"]  # the pattern found both; duplicates dropped
    spec = _spec(root, clients=[{"id": "acme2", "lang": "zh", "notebooks": ["fails"],
                                 "parameters": {"period": "FY2024"}}])
    (job,) = plan_batch(spec, root / "reports").jobs
    assert job.lang == "zh" and job.parameters["period"] == "FY2024"


def test_bundled_demo_batch_parses():
    spec = load_batch()
    assert spec.name == "demo"
    assert [c.id for c in spec.clients] == ["demo_manufacturer", "demo_telecom", "demo_hospital"]
    assert spec.notebooks is None and set(spec.formats) == {"html", "pdf", "slides", "xlsx", "docx", "pptx"}


def test_unreadable_notebook(tmp_path: Path):
    bad = tmp_path / "broken.ipynb"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="Cannot read notebook"):
        read_notebook_info(bad)


def test_duplicate_notebook_names(tmp_path: Path):
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        shutil.copy(FIXTURES / "fails.ipynb", tmp_path / sub / "fails.ipynb")
    with pytest.raises(InputError, match="Two notebooks are named fails"):
        discover_notebooks(tmp_path)


def test_job_round_trips_through_json(root: Path):
    from threec_helpers.batch.plan import Job

    job = plan_batch(_spec(root, notebooks=["ok_report"]), root / "reports").jobs[0]
    again = Job.from_dict(json.loads(json.dumps(job.to_dict())))
    assert again == job
