"""The workbooks threec sends out use only what Excel, WPS Office and LibreOffice all read (issue 14).

WPS Office cannot run here (it is neither a Debian nor a PyPI package), so its side is checked by
construction: the request workbook and the audit form are read as the OOXML packages they are, and
every part and element must come from the features the three programs share:

- parts: workbook, worksheets, shared strings, styles, theme, comments with their VML drawing,
  document properties. No Excel tables (``tableParts``), pivots, macros (``vbaProject``), external
  links, slicers or custom XML;
- no ``extLst`` extensions anywhere (Excel 2010's x14 data validations, sparklines and
  conditional formats live there; WPS and older readers drop or mangle them);
- data validation written the Excel 2007 way: a list is a quoted list of at most 255 characters
  or an absolute range on a sheet of the same workbook; numbers and dates as plain bounds;
- sheet names of at most 31 characters without ``[]:*?/\\``;
- print settings each program honours: A4, fit to one page wide, the header row repeated.

That LibreOffice opens them without a repair prompt is tested by converting them
(``test_libreoffice.py``); what Excel accepts is what xlsxwriter writes (its files are compared
with Excel's own in xlsxwriter's test suite).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from testpaths import ROOT
from threec_helpers.audit.checklists import load_checklist
from threec_helpers.audit.forms import write_audit_form
from threec_helpers.inputs.config import load_client_config
from threec_helpers.inputs.request import write_request_workbook
from threec_helpers.inputs.validation import validate_client

DEMO = ROOT / "data" / "clients"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
#: the content types of the parts the three programs share
SHARED_PARTS = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml",
    "application/vnd.openxmlformats-officedocument.theme+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml",
    "application/vnd.openxmlformats-officedocument.vmlDrawing",
    "application/vnd.openxmlformats-package.core-properties+xml",
    "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    "application/vnd.openxmlformats-package.relationships+xml",
    "application/xml",
}
#: a list validation's source: an absolute range on a sheet of the workbook
RANGE = re.compile(r"^'?[^'\[\]:*?/\\]{1,31}'?!\$[A-Z]{1,3}\$\d+:\$[A-Z]{1,3}\$\d+$")


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> dict[str, Path]:
    """Each demo client's filled request workbook (first rows only), an English one, and audit forms."""
    out = tmp_path_factory.mktemp("compat")
    books = {}
    for cid in ("demo_manufacturer", "demo_telecom", "demo_hospital"):
        _, config, tables = validate_client(cid, DEMO)
        books[f"request-{cid}"] = write_request_workbook(config, out / f"{cid}.xlsx",
                                                         tables={k: v.head(50) for k, v in tables.items()})
    config = load_client_config(DEMO / "demo_manufacturer")
    books["request-en"] = write_request_workbook(config, out / "en.xlsx", lang="en")
    books["form-focus"] = write_audit_form(load_checklist("customer_focus"), out / "focus.xlsx", config,
                                           roles=["sales", "management"])
    hospital = load_client_config(DEMO / "demo_hospital")
    books["form-clinical"] = write_audit_form(load_checklist(hospital.checklist), out / "clinical.xlsx", hospital)
    return books


def _parts(book: Path) -> dict[str, str]:
    """Part name -> content type, from ``[Content_Types].xml``."""
    with zipfile.ZipFile(book) as z:
        root = ElementTree.fromstring(z.read("[Content_Types].xml"))
        names = z.namelist()
    types: dict[str, str] = {}
    defaults = {}
    for el in root:
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "Default":
            defaults[el.get("Extension")] = el.get("ContentType")
        elif tag == "Override":
            types[el.get("PartName").lstrip("/")] = el.get("ContentType")
    for name in names:
        if name not in types and not name.endswith("/"):
            types[name] = defaults.get(name.rsplit(".", 1)[-1], "unknown")
    return types


def _sheets(book: Path) -> dict[str, ElementTree.Element]:
    with zipfile.ZipFile(book) as z:
        return {n: ElementTree.fromstring(z.read(n)) for n in z.namelist()
                if n.startswith("xl/worksheets/") and n.endswith(".xml")}


@pytest.mark.parametrize("name", ["request-demo_manufacturer", "request-demo_telecom", "request-demo_hospital",
                                  "request-en", "form-focus", "form-clinical"])
def test_only_parts_and_elements_every_program_reads(workbooks, name):
    book = workbooks[name]
    parts = _parts(book)
    assert set(parts.values()) <= SHARED_PARTS, {p: c for p, c in parts.items() if c not in SHARED_PARTS}
    with zipfile.ZipFile(book) as z:
        for part in z.namelist():
            if part.endswith(".xml"):
                text = z.read(part).decode("utf-8")
                assert "<extLst" not in text and "x14:" not in text, f"{name}: {part} holds an extension list"
                assert "<tableParts" not in text, f"{name}: {part} holds an Excel table"
        workbook = ElementTree.fromstring(z.read("xl/workbook.xml"))
    for sheet in workbook.iter(f"{MAIN}sheet"):
        title = sheet.get("name")
        assert len(title) <= 31 and not set(title) & set("[]:*?/\\"), title


@pytest.mark.parametrize("name", ["request-demo_manufacturer", "request-demo_telecom", "request-demo_hospital",
                                  "request-en", "form-focus", "form-clinical"])
def test_data_validation_is_written_the_excel_2007_way(workbooks, name):
    seen = 0
    for part, sheet in _sheets(workbooks[name]).items():
        for dv in sheet.iter(f"{MAIN}dataValidation"):
            seen += 1
            kind = dv.get("type")
            assert kind in ("list", "decimal", "whole", "date", "textLength"), (part, kind)
            formula = dv.find(f"{MAIN}formula1").text
            if kind == "list":
                quoted = formula.startswith('"') and formula.endswith('"')
                assert (quoted and len(formula) - 2 <= 255) or RANGE.match(formula), (part, formula)
            else:
                assert re.fullmatch(r"-?\d+(\.\d+)?", formula), (part, formula)
    assert seen, f"{name}: no data validation at all"


@pytest.mark.parametrize("name", ["request-demo_manufacturer", "request-en", "form-focus"])
def test_every_visible_sheet_prints_on_a4_one_page_wide(workbooks, name):
    with zipfile.ZipFile(workbooks[name]) as z:
        workbook = ElementTree.fromstring(z.read("xl/workbook.xml"))
    hidden = {s.get("name") for s in workbook.iter(f"{MAIN}sheet") if s.get("state") == "hidden"}
    visible = 0
    for sheet in _sheets(workbooks[name]).values():
        setup = sheet.find(f"{MAIN}pageSetup")
        fit = sheet.find(f"{MAIN}sheetPr/{MAIN}pageSetUpPr")
        if setup is None:  # the hidden lists sheet prints as it likes
            continue
        visible += 1
        assert setup.get("paperSize") == "9" and setup.get("fitToHeight") == "0"
        assert fit is not None and fit.get("fitToPage") == "1"
        footer = sheet.find(f"{MAIN}headerFooter/{MAIN}oddFooter")
        assert footer is not None and "&A" in footer.text and "&P / &N" in footer.text
    assert visible >= 1 and hidden  # the lists and the form's record stay hidden
