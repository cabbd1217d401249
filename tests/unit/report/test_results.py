"""Results files: what notebooks hand to the briefing."""

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from threec_helpers.report.results import headline, read_results, write_results


def test_write_and_read_results_converts_pandas_and_numpy(tmp_path):
    table = pd.DataFrame({"objective": ["a", "b"], "met": [np.True_, False], "actual": [100.0, np.nan],
                          "due": [pd.Timestamp("2026-10-31"), pd.NaT]})
    path = write_results(tmp_path, "iso9001_certification_audit", {
        "client_id": "demo_telecom", "period": "2026-10",
        "headline": [headline("utilisation", "交换机实装率", np.float64(47213 / 51084), "92.42%", "good")],
        "tables": {"objectives": table}, "n": np.int64(8), "as_of": dt.date(2026, 10, 31)})
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["tables"]["objectives"][1] == {"objective": "b", "met": False, "actual": None, "due": None}
    assert data["tables"]["objectives"][0]["due"] == "2026-10-31"
    assert data["n"] == 8 and data["as_of"] == "2026-10-31"
    assert read_results(tmp_path)["iso9001_certification_audit"]["headline"][0]["text"] == "92.42%"


def test_headline_status_is_checked():
    with pytest.raises(ValueError):
        headline("k", "l", 1, "1", status="great")
