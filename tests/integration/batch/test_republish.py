"""``threec publish`` (issue 15 item 8): every output of an executed batch is made again with
the current commentary, without executing a notebook or starting a kernel."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import write_client
from threec_helpers.batch.orchestrate import run_batch
from threec_helpers.batch.plan import parse_batch, plan_batch
from threec_helpers.batch.republish import republish
from threec_helpers.i18n import t

pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def executed_batch(tmp_path_factory):
    """One real run of 01_registration for acme (FY2025) in every format."""
    tmp = tmp_path_factory.mktemp("republish")
    write_client(tmp / "clients")
    raw = {"name": "rp", "clients": ["acme"], "notebooks": ["01_registration"], "periods": ["current"],
           "timeout": 300, "formats": ["html", "pdf", "slides", "xlsx"]}
    spec = parse_batch(raw, "rp.yaml", base=tmp, data_root=tmp / "clients")
    result = run_batch(plan_batch(spec, tmp / "reports"), workers=1, lang="en", progress=False)
    assert result.ok, result.failed
    batch_file = tmp / "rp.yaml"
    batch_file.write_text(json.dumps({**raw, "data_root": str(tmp / "clients")}), encoding="utf-8")
    return tmp, spec, result.out_dir / "acme" / "FY2025"


def _no_kernels(monkeypatch):
    """Any attempt to execute a notebook or start a kernel fails the test."""
    import jupyter_client
    import papermill

    def boom(*args, **kwargs):
        raise AssertionError("threec publish must not execute a notebook")

    monkeypatch.setattr(papermill, "execute_notebook", boom)
    monkeypatch.setattr(jupyter_client.KernelManager, "start_kernel", boom)
    monkeypatch.setattr(jupyter_client.AsyncKernelManager, "start_kernel", boom)


def test_publish_shows_changed_commentary_without_executing(executed_batch, monkeypatch):
    tmp, spec, folder = executed_batch
    executed = folder / "01_registration.ipynb"
    before_nb = executed.read_bytes()
    before_results = (folder / "01_registration.results.json").read_bytes()
    counts = [c.get("execution_count") for c in json.loads(before_nb)["cells"] if c["cell_type"] == "code"]
    heading = t("phases.h.inputs", "en")
    notes = tmp / "clients" / "acme" / "commentary"
    notes.mkdir(exist_ok=True)
    (notes / "FY2025.md").write_text("## summary\nThe board should read this first.\n\n"
                                     "## inputs\nAll five tables arrived on time.\n\n## valeu\ntypo\n",
                                     encoding="utf-8")
    _no_kernels(monkeypatch)
    done = republish(spec, tmp / "reports", lang="en")
    assert done.republished == ["acme/FY2025/01_registration"] and not done.failed
    assert done.briefings == ["acme/FY2025/briefing"]
    assert len(done.warnings) == 1 and "valeu" in done.warnings[0] and "FY2025.md" in done.warnings[0]
    # the executed notebook and results are read, never written: same bytes, same execution counts
    assert executed.read_bytes() == before_nb
    assert (folder / "01_registration.results.json").read_bytes() == before_results
    assert [c.get("execution_count") for c in json.loads(executed.read_bytes())["cells"]
            if c["cell_type"] == "code"] == counts
    html = (folder / "01_registration.html").read_text(encoding="utf-8")
    assert "The board should read this first." in html
    assert html.index(heading) < html.index("All five tables arrived on time.")
    assert "The board should read this first." in (folder / "01_registration.slides.html").read_text(encoding="utf-8")
    assert "The board should read this first." in (folder / "briefing.html").read_text(encoding="utf-8")
    from pdfcheck import pdf_text

    assert "All five tables arrived on time." in pdf_text(folder / "01_registration.pdf")
    summary = json.loads((folder.parent.parent / "batch-summary.json").read_text(encoding="utf-8"))
    job = summary["jobs"][0]
    assert job["status"] == "ok" and job["outputs"]["html"] == "acme/FY2025/01_registration.html"
    assert any("valeu" in w for w in job["warnings"]) and summary.get("republished")
    assert {j["id"] for j in summary["jobs"]} == {"acme/FY2025/01_registration"}

    # a second edit shows at once; no leftover temporary files
    (notes / "FY2025.md").write_text("## summary\nRevised words.\n", encoding="utf-8")
    republish(spec, tmp / "reports", lang="en", clients=["acme"], periods=["FY2025"])
    html = (folder / "01_registration.html").read_text(encoding="utf-8")
    assert "Revised words." in html and "The board should read this first." not in html
    assert not [p for p in folder.iterdir() if p.name.startswith(".") or p.name.endswith(".tmp")]


def test_publish_command(executed_batch, monkeypatch):
    tmp, spec, folder = executed_batch
    from threec_helpers.cli import cli

    _no_kernels(monkeypatch)
    out = CliRunner().invoke(cli, ["--lang", "en", "publish", str(tmp / "rp.yaml"), "--out", str(tmp / "reports"),
                                   "--data-root", str(tmp / "clients"), "--client", "acme"])
    assert out.exit_code == 0, out.output
    assert "Made 1 reports and 1 briefings again (no notebook executed)" in out.output


def test_publish_skips_what_never_ran(tmp_path):
    write_client(tmp_path / "clients")
    spec = parse_batch({"name": "none", "clients": ["acme"], "notebooks": ["01_registration"], "timeout": 300},
                       "n.yaml", base=tmp_path, data_root=tmp_path / "clients")
    done = republish(spec, tmp_path / "reports", lang="en")
    assert done.republished == [] and "not executed yet" in next(iter(done.skipped.values()))
