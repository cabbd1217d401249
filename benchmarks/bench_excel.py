"""Benchmark: reading a 200,000-row workbook, calamine (threec's reader) against openpyxl.

Issue 13 asks that Excel be read at least as fast as before, when openpyxl's read-only mode
read the cells (and trusted the sheet size an exporter recorded, which made it read 9 of
41,690 rows of one client's file). Today's reader is :func:`threec_helpers.io.read_table`:
calamine for the cells plus one scan of the sheet's XML for error values, formulas without
a saved result and hidden rows.

    .venv/bin/python benchmarks/bench_excel.py [--rows 200000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path


def write_workbook(path: Path, rows: int) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("明细")
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, ["交易编号", "日期", "客户编号", "金额", "成本", "数量", "产品"])
    start = dt.date(2024, 1, 1)
    for i in range(1, rows + 1):
        ws.write_string(i, 0, f"T{i:08d}")
        ws.write_datetime(i, 1, dt.datetime.combine(start + dt.timedelta(days=i % 600), dt.time()), date_format)
        ws.write_string(i, 2, f"{i % 20000:06d}")
        ws.write_number(i, 3, 100 + (i % 977) * 1.25)
        ws.write_number(i, 4, 60 + (i % 513) * 0.75)
        ws.write_number(i, 5, i % 40)
        ws.write_string(i, 6, ("卷帘", "罗马帘", "窗帘轨道", "电动窗帘系统")[i % 4])
    wb.close()


def read_openpyxl(path: Path):
    """What threec did before issue 13: openpyxl read-only, every row into a DataFrame."""
    import openpyxl
    import pandas as pd

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    return pd.DataFrame(rows[1:], columns=rows[0], dtype=object)


def read_threec(path: Path):
    from threec_helpers.inputs.contract import TABLES
    from threec_helpers.io import read_table

    return read_table(path, TABLES["transactions"]).frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "transactions.xlsx"
        start = time.perf_counter()
        write_workbook(path, args.rows)
        print(f"threec Excel benchmark: {args.rows:,} rows x 7 columns, {path.stat().st_size / 2**20:.1f} MiB "
              f"(written in {time.perf_counter() - start:.1f} s)")
        results = {}
        for label, reader in (("openpyxl read-only (before)", read_openpyxl), ("threec read_table (calamine)", read_threec)):
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                frame = reader(path)
                times.append(time.perf_counter() - start)
            results[label] = min(times)
            print(f"  {label:32s} {min(times):6.2f} s   {len(frame):,} rows")
        before, after = results.values()
        print(f"  speed-up                         {before / after:6.2f} x")


if __name__ == "__main__":
    main()
