"""Hostile inputs at the loader: zip bombs, huge or wide files, odd names, control characters.

(Escaping in HTML/PDF/XLSX reports is tested with the publishing code; here the loader must
refuse hostile files quickly and keep hostile text intact as data.)
"""

from __future__ import annotations

import time
import zipfile

import pytest

from threec_helpers.inputs.contract import TABLES
from threec_helpers.errors import FileFormatError
from threec_helpers.io import read_table
from threec_helpers.inputs.validation import validate_client
from conftest import CUSTOMERS_CSV, write_client

HOSTILE_NAMES = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "=HYPERLINK(\"http://evil\",\"click\")",
    "多行\n名称",
    "emoji 🚀 客户",
    "\u202eRTL override\u202c",
    "x" * 10_000,
]


def xlsx_bomb(path, inflated_mb: int = 60) -> None:
    """A workbook whose sheet XML is tens of MB of repeated text compressed to ~100 KB."""
    filler = b"<row>" + b"<c t=\"inlineStr\"><is><t>aaaaaaaaaaaaaaaaaaaaaaaa</t></is></c>" * 1000 + b"</row>"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            written = 0
            while written < inflated_mb * 2**20:
                fh.write(filler)
                written += len(filler)


def test_zip_bomb_xlsx_is_refused_fast(tmp_path):
    path = tmp_path / "customers.xlsx"
    xlsx_bomb(path)
    assert path.stat().st_size < 2 * 2**20
    start = time.perf_counter()
    with pytest.raises(FileFormatError, match="hostile"):
        read_table(path, TABLES["customers"])
    assert time.perf_counter() - start < 5  # the guard reads the zip directory only


def test_input_above_size_limit_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "customers.csv"
    path.write_text(CUSTOMERS_CSV * 50)
    monkeypatch.setenv("THREEC_MAX_FILE_MB", "0.001")
    with pytest.raises(FileFormatError, match="above the configured limit"):
        read_table(path, TABLES["customers"])


def test_csv_with_100000_columns_is_refused_quickly(tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text(",".join(f"c{i}" for i in range(100_000)) + "\n")
    start = time.perf_counter()
    with pytest.raises(FileFormatError, match="columns"):
        read_table(path, TABLES["customers"])
    assert time.perf_counter() - start < 5


def test_hostile_names_are_kept_verbatim_as_data(tmp_path):
    rows = ["customer_id,name,status"] + [
        f'H{i},"{name.replace(chr(34), chr(34) * 2)}",active,,,' for i, name in enumerate(HOSTILE_NAMES)]
    root = tmp_path / "clients"
    write_client(root, files={"customers.csv": CUSTOMERS_CSV + "\n".join(rows[1:]) + "\n"})
    report, _, tables = validate_client("acme", root)
    assert report.ok, report.format_text()
    names = tables["customers"].set_index("customer_id")["name"]
    for i, name in enumerate(HOSTILE_NAMES):
        assert names[f"H{i}"] == name.strip()


def test_problem_report_does_not_echo_control_characters(tmp_path):
    root = tmp_path / "clients"
    bad = CUSTOMERS_CSV.replace("C005,Epsilon,suspect", "C005,Epsilon,\x1b[31mvip\x1b[0m")
    write_client(root, files={"customers.csv": bad})
    report, _, _ = validate_client("acme", root)
    text = report.format_text("en")
    assert "\x1b" not in text and "\\x1b[31mvip" in text
