"""The request workbook and the audit form open in LibreOffice (issue 14): each converted headless
to CSV, every sheet, without an error. Skipped when LibreOffice is absent, except under CI
(``CI=true``), where a missing ``soffice`` is a failure (``python3 bootstrap.py test`` installs the
Debian package ``libreoffice-calc``, as it installs Chromium for the browser tests)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from testpaths import ROOT
from threec_helpers.audit.checklists import load_checklist
from threec_helpers.audit.forms import write_audit_form
from threec_helpers.inputs.config import load_client_config
from threec_helpers.inputs.request import write_request_workbook
from threec_helpers.inputs.validation import validate_client

DEMO = ROOT / "data" / "clients"
SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"
#: LibreOffice's CSV filter: comma, double quote, UTF-8, from row 1, ..., -1 = every sheet to its own file
ALL_SHEETS = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1'


def _need_soffice():
    if not Path(SOFFICE).exists():
        message = "Debian package 'libreoffice-calc' is not installed (python3 bootstrap.py test installs it as root)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _convert(book: Path, out: Path, profile: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                           "--convert-to", ALL_SHEETS, "--outdir", str(out), str(book)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Error" not in done.stderr, done.stderr
    return sorted(out.glob("*.csv"))


def test_workbooks_open_in_libreoffice(tmp_path):
    _need_soffice()
    books = []
    for cid in ("demo_telecom", "demo_hospital"):
        _, config, tables = validate_client(cid, DEMO)
        books.append(write_request_workbook(config, tmp_path / f"{cid}.xlsx", tables=tables))
    config = load_client_config(DEMO / "demo_manufacturer")
    books.append(write_request_workbook(config, tmp_path / "demo_manufacturer.xlsx"))
    books.append(write_audit_form(load_checklist("customer_focus"), tmp_path / "form.xlsx", config, roles=["sales"]))
    for book in books:
        csvs = _convert(book, tmp_path / "csv" / book.stem, tmp_path / "profile")
        assert csvs, f"LibreOffice wrote nothing for {book.name}"
        text = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in csvs)
        assert "【示例】" in text or "[Example]" in text or "ORG.1" in text


def _footer(page) -> str:
    """The text of a PDF page's foot (the sheet's name and "page / pages" threec prints there)."""
    return page.get_textpage().get_text_bounded(bottom=0, top=60)


def test_the_request_workbook_prints_each_sheet_one_page_wide(tmp_path):
    """Printed (LibreOffice's PDF export honours the workbook's print settings): the cover fits
    one page, with its title and its last instruction; a table sheet's page carries every header,
    so no column spills onto a page of its own; each page's foot names its sheet."""
    import pypdfium2

    _need_soffice()
    _, config, tables = validate_client("demo_manufacturer", DEMO)
    book = write_request_workbook(config, tmp_path / "request.xlsx", tables={k: v.head(30) for k, v in tables.items()})
    done = subprocess.run([SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                           "--norestore", "--convert-to", "pdf", "--outdir", str(tmp_path), str(book)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    pdf = pypdfium2.PdfDocument(tmp_path / "request.pdf")
    pages = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    feet = [_footer(pdf[i]) for i in range(len(pdf))]
    cover = [i for i, f in enumerate(feet) if "说明" in f.split()]
    assert cover == [0], feet
    assert "资料清单" in pages[0] and "填写说明" in pages[0] and "已预填的数据" in pages[0]
    customers = [i for i, f in enumerate(feet) if "客户" in f.split()]
    assert len(customers) == 1, feet  # 30 rows: one page, not a page per column
    for header in ("客户编号", "客户名称", "状态", "细分", "地区", "首次购买日期", "潜在采购额"):
        assert header in pages[customers[0]], header
    assert all(re.search(r"\d+ / \d+", f) for f in feet), feet
