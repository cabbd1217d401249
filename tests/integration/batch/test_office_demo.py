"""The demo batch's Word and PowerPoint files, as python-docx/python-pptx and LibreOffice see them (issue 16).

LibreOffice comes from Debian (``bootstrap.py test`` installs ``libreoffice-writer`` and
``libreoffice-impress`` as root). Without it the LibreOffice test is skipped, except under CI
(``CI=true``), where a missing office suite is a failure, as for the browser tests.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

docx = pytest.importorskip("docx")
pptx = pytest.importorskip("pptx")
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice") or "/usr/lib/libreoffice/program/soffice"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


@pytest.fixture(scope="module")
def demo(demo_reports) -> Path:
    """The session's demo batch (tests/integration/conftest.py), which makes every format."""
    return demo_reports


def _docx_text(path: Path) -> str:
    doc = docx.Document(str(path))
    return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])


def test_every_client_and_period_has_both_files_listed_in_the_index(demo):
    folders = sorted({p.parent for p in demo.glob("*/*/*.results.json")})
    assert len(folders) == 6
    for folder in folders:
        assert (folder / "briefing.docx").is_file() and (folder / "deck.pptx").is_file()
        for results in folder.glob("*.results.json"):
            assert (folder / results.name.replace(".results.json", ".docx")).is_file()
    summary = json.loads((demo / "batch-summary.json").read_text(encoding="utf-8"))
    assert all(set(b["outputs"]) >= {"docx", "pptx"} for b in summary["briefings"])
    assert all("docx" in j["outputs"] for j in summary["jobs"])
    index = (demo / "index.html").read_text(encoding="utf-8")
    assert "deck.pptx" in index and "briefing.docx" in index


def test_telecom_word_briefing_holds_the_seed_figures(demo):
    """The seed's figures (docs/seed: 47,213 of 51,084 lines in service, eight objectives, 187 documents)."""
    text = _docx_text(demo / "demo_telecom" / "2026-10" / "briefing.docx")
    for figure in ("92.42%", "47,213", "51,084", "8 项质量目标中有 8 项达成"):
        assert figure in text, figure
    for count in ("35", "91", "6", "33", "22"):
        assert count in text
    doc = docx.Document(str(demo / "demo_telecom" / "2026-10" / "briefing.docx"))
    objectives = next(t for t in doc.tables if any("目标" in c.text for c in t.rows[0].cells) and len(t.rows) == 9)
    assert len(objectives.rows) - 1 == 8


def test_every_deck_chart_is_native_with_the_recorded_values(demo):
    for deck in sorted(demo.glob("*/*/deck.pptx")):
        prs = pptx.Presentation(str(deck))
        shapes = [sh for s in prs.slides for sh in s.shapes]
        assert not [sh for sh in shapes if sh.shape_type == 13], f"{deck}: a picture in the deck"
        charts = [sh.chart for sh in shapes if sh.has_chart]
        recorded = [p for r in sorted(deck.parent.glob("*.results.json"))
                    for c in json.loads(r.read_text(encoding="utf-8")).get("charts") or []
                    for p in c["panels"] if p["series"] and (p["categories"] or p["kind"] == "scatter")]
        assert len(charts) == len(recorded) > 0, deck
        for chart, panel in zip(charts, recorded):
            got = [list(s.values) for p in chart.plots for s in p.series]
            want = [[None if v is None else float(v) for v in s["values"]] for s in panel["series"]]
            if panel["kind"] != "scatter":
                assert got == want, (deck, panel["title"])
        for s in prs.slides:
            for r in s.shapes._spTree.iter(f"{A}r"):
                assert r.find(f"{A}rPr/{A}ea") is not None


def test_every_deck_shape_lies_within_its_slide_and_tables_speak_as_the_report(demo):
    """The panel saw every title clipped (a title saved with width 0), tier codes, raw floats
    and money without its sign in the Chinese decks' tables."""
    codes = {"top", "big", "medium", "small", "prospect", "total", "green", "amber", "red"}
    for deck in sorted(demo.glob("*/*/deck.pptx")):
        prs = pptx.Presentation(str(deck))
        w, h = prs.slide_width, prs.slide_height
        for n, slide in enumerate(prs.slides, 1):
            for ext in slide.shapes._spTree.iter(f"{A}ext"):
                if ext.get("cx") is not None:
                    assert int(ext.get("cx")) > 0 and int(ext.get("cy")) > 0, (deck, n)
            for sh in slide.shapes:
                assert 0 <= sh.left and sh.left + sh.width <= w and 0 <= sh.top and sh.top + sh.height <= h, (deck, n)
                if sh.has_table:
                    cells = [c.text for r in list(sh.table.rows)[1:] for c in r.cells]
                    assert not codes & set(cells), (deck, n)
                    counts_as_floats = [c for c in cells if c.endswith(".00") and c[:-3].replace(",", "").isdigit()
                                        and int(c[:-3].replace(",", "")) >= 100]  # "172.00" rows; a mean 1.00 is fine
                    assert not counts_as_floats, (deck, n)
    tiers = next(sh.table for s in pptx.Presentation(str(demo / "demo_manufacturer" / "FY2026" / "deck.pptx")).slides
                 for sh in s.shapes if sh.has_table and sh.table.cell(0, 0).text == "层级")
    assert all(tiers.cell(i, 1).text.startswith(("¥", "-¥", "–")) or "%" in tiers.cell(i, 1).text
               or tiers.cell(i, 1).text.replace(",", "").isdigit() for i in range(1, len(tiers.rows)))


def _soffice() -> str:
    if not Path(SOFFICE).exists():
        message = ("LibreOffice is not installed (Debian packages libreoffice-writer, libreoffice-impress; "
                   "python3 bootstrap.py test installs them as root)")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return SOFFICE


def test_libreoffice_opens_every_file_with_chinese_intact(demo, tmp_path):
    from pypdf import PdfReader

    soffice = _soffice()
    files = sorted(demo.glob("*/*/*.docx")) + sorted(demo.glob("*/*/*.pptx"))
    out = tmp_path / "pdf"
    for f in files:
        target = out / f.parent.parent.name / f.parent.name
        target.mkdir(parents=True, exist_ok=True)
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                        "--convert-to", "pdf", "--outdir", str(target), str(f)], check=True, timeout=300,
                       capture_output=True)
        pdf = target / (f.stem + ".pdf")
        assert pdf.is_file(), f
        reader = PdfReader(str(pdf))
        text = "".join(page.extract_text() or "" for page in reader.pages)
        if f.suffix == ".pptx":
            assert len(reader.pages) == len(pptx.Presentation(str(f)).slides), f
        else:
            assert len(reader.pages) >= 2, f  # the cover and the body
        zh = json.loads(next(f.parent.glob("*.results.json")).read_text(encoding="utf-8")).get("lang") == "zh"
        if zh:
            assert sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff") > 20, f  # Chinese survived, not boxes
        if f.parent.parent.name == "demo_telecom" and f.name == "briefing.docx" and f.parent.name == "2026-10":
            assert "92.42%" in text
