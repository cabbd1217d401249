"""Readers and value parsers on the inputs consultants really get."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from threec_helpers.inputs.contract import TABLES, normalise_header
from threec_helpers.errors import FileFormatError
from threec_helpers.io import (
    atomic_write,
    detect_encoding,
    parse_bools,
    parse_dates,
    parse_numbers,
    read_table,
    write_text_atomic,
)

CUSTOMERS = TABLES["customers"]


@pytest.mark.parametrize("encoding, expected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                                                 ("gbk", "gb18030"), ("gb18030", "gb18030"), ("utf-16", "utf-16")])
def test_encodings_are_detected_and_chinese_headers_read(tmp_path, encoding, expected):
    path = tmp_path / "customers.csv"
    path.write_bytes("客户编号,客户名称,状态\nC1,华美窗饰,活跃\nC2,东方酒店,潜在\n".encode(encoding))
    assert detect_encoding(path) == expected
    if encoding == "utf-16":
        return  # detection only: pyarrow reads UTF-8/GB18030 here, UTF-16 is transcoded the same way
    raw = read_table(path, CUSTOMERS)
    assert list(raw.frame.columns) == ["customer_id", "name", "status"]
    assert raw.frame["name"].tolist() == ["华美窗饰", "东方酒店"]
    assert raw.original_headers["customer_id"] == "客户编号"


def test_utf16_file_reads(tmp_path):
    path = tmp_path / "customers.csv"
    path.write_bytes("customer_id,status\nC1,active\n".encode("utf-16"))
    raw = read_table(path, CUSTOMERS)
    assert raw.frame["customer_id"].tolist() == ["C1"]


def test_title_rows_above_header_are_skipped_and_rows_numbered(tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text("客户清单 2026\n\ncustomer_id,status\nC1,active\n\nC2,prospect\n", encoding="utf-8")
    raw = read_table(path, CUSTOMERS)
    assert raw.header_row == 3
    assert list(raw.frame.index) == [4, 6]


def test_binary_and_empty_files_are_refused(tmp_path):
    empty = tmp_path / "a.csv"
    empty.write_bytes(b"")
    with pytest.raises(FileFormatError, match="empty"):
        read_table(empty, CUSTOMERS)
    garbage = tmp_path / "b.csv"
    garbage.write_bytes(os.urandom(4096) + b"\x00")
    with pytest.raises(FileFormatError, match="binary"):
        read_table(garbage, CUSTOMERS)


def test_size_and_width_limits(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(100_000)) + "\n" + ",".join("1" * 100_000) + "\n")
    with pytest.raises(FileFormatError, match="columns, above the limit"):
        read_table(path, CUSTOMERS)
    with pytest.raises(FileFormatError, match="above the configured limit"):
        read_table(path, CUSTOMERS, max_bytes=1000)


def test_error_messages_exist_in_chinese(tmp_path):
    empty = tmp_path / "a.csv"
    empty.write_bytes(b"")
    with pytest.raises(FileFormatError) as info:
        read_table(empty, CUSTOMERS)
    assert "文件是空的" in info.value.message("zh")


def test_parse_numbers_hand_checked():
    values = pd.Series(["1,234.50", "¥9,000", "１２３", "(12)", "35%", "", None, "abc", " 7 "])
    ratio, invalid = parse_numbers(values, percent="ratio")
    assert ratio.tolist()[:5] == [1234.5, 9000.0, 123.0, -12.0, 0.35]
    assert np.isnan(ratio[5]) and np.isnan(ratio[6]) and np.isnan(ratio[7]) and ratio[8] == 7.0
    assert invalid.tolist() == [False, False, False, False, False, False, False, True, False]
    points, _ = parse_numbers(pd.Series(["98.5%"]), percent="points")
    assert points.tolist() == [98.5]
    none_, invalid_ = parse_numbers(pd.Series(["98.5%"]), percent=None)
    assert invalid_.tolist() == [True]


def test_parse_dates_hand_checked():
    parsed, invalid = parse_dates(pd.Series(["2025-03-05", "2025/3/5", "2025年3月5日", "2025.3.5", "", "31/31/2025"]))
    assert parsed[:4].dt.strftime("%Y-%m-%d").tolist() == ["2025-03-05"] * 4
    assert invalid.tolist() == [False, False, False, False, False, True]


def test_parse_dates_per_column_order_and_compact_dates():
    parsed, invalid = parse_dates(pd.Series(["20250305", 20250306, "13/03/2025", "05/03/2025", "05/03/25"],
                                            dtype=object))
    assert parsed[:4].dt.strftime("%Y-%m-%d").tolist() == ["2025-03-05", "2025-03-06", "2025-03-13", "2025-03-05"]
    assert invalid.tolist() == [False, False, False, False, True]  # a two-digit year is not guessed
    notes = {}
    parse_dates(pd.Series(["05/03/2025", "04/03/2025"]), notes=notes)
    assert notes["date_order"] == "ambiguous"


def test_parse_bools():
    aliases = TABLES["surveys"].column("preferred_supplier").value_aliases
    parsed, invalid = parse_bools(pd.Series(["是", "否", "Yes", "0", None, "maybe"]), aliases)
    assert parsed.tolist()[:4] == [True, False, True, False]
    assert invalid.tolist() == [False, False, False, False, False, True]


def test_normalise_header():
    assert normalise_header(" Customer_ID ") == "customerid"
    assert normalise_header("客户　编号") == "客户编号"  # ideographic space


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out" / "report.html"
    write_text_atomic(target, "complete")
    with pytest.raises(RuntimeError):
        with atomic_write(target) as fh:
            fh.write("half")
            raise RuntimeError("crash mid-write")
    assert target.read_text() == "complete"
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]


def test_atomic_files_get_normal_permissions(tmp_path):
    import stat

    path = write_text_atomic(tmp_path / "a.txt", "x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_sorted_unique_equals_numpy_unique():
    from threec_helpers.io import sorted_unique

    rng = np.random.default_rng(5)
    for n in (0, 1, 2, 17, 10_000):
        values = rng.integers(-50, 50, n)
        assert np.array_equal(sorted_unique(values), np.unique(values))
