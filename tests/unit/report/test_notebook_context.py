"""notebook.start: parameter checks, client loading, results; render_table escaping."""

import json

import pandas as pd
import pytest

from threec_helpers.report import context as nb
from threec_helpers.errors import DataValidationError, ParameterError, UnsafePathError
from conftest import TRANSACTIONS_CSV, write_client


def start(root, tmp_path, **kw):
    params = dict(client_id="acme", period="", lang="", output_dir=str(tmp_path / "out"), data_root=str(root))
    params.update(kw)
    return nb.start("02_analysis", engagements=("3c",), **params)


def test_start_defaults_from_client_yaml(client_root, tmp_path):
    ctx = start(client_root, tmp_path)
    assert ctx.lang == "en" and ctx.period.id == "FY2025" and ctx.previous.id == "FY2024"
    assert set(ctx.client.tables) == {"customers", "transactions"}
    assert ctx.skip("surveys") is True and ctx.skipped == ["surveys"]
    ctx.key_figure("revenue", "Revenue", 1000.0, "¥1,000", "good")
    path = ctx.finish("All good.")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["notebook"] == "02_analysis" and data["headline"][0]["text"] == "¥1,000"
    assert data["skipped"] == ["surveys"] and "transactions" in data["sources"]
    assert data["assessed"] is True and "not_assessed" not in data


def test_a_notebook_that_assesses_nothing_says_so_in_words(client_root, tmp_path):
    ctx = start(client_root, tmp_path, lang="zh")
    text = ctx.not_assessed("focus_responses")
    assert text == ("没有客户关注审计答卷：请把客户关注审计答卷表放入客户文件夹（文件名和列见数据说明），"
                    "然后重新运行本报告。")
    data = json.loads(ctx.finish(text).read_text(encoding="utf-8"))
    assert data["assessed"] is False and data["not_assessed"] == {"tables": ["focus_responses"]}
    from threec_helpers.report.results import not_assessed_info, not_assessed_text

    info = not_assessed_info(data)
    assert not_assessed_text(info, "en").startswith("No customer-focus audit answers: put the")
    # another reason, by i18n key; an unknown table is never named by its code
    assert "focus_responses" not in not_assessed_text({"tables": ["some_new_table"]}, "en")
    assert not_assessed_text({"key": "notebook.not_assessed.generic"}, "en").startswith("This report lacked")


@pytest.mark.parametrize("override, error, text", [
    ({"client_id": 42}, ParameterError, "expected str"),
    ({"lang": "fr"}, ParameterError, "choose one of zh, en"),
    ({"client_id": "nobody"}, ParameterError, "Known clients: acme"),
    ({"client_id": "../acme"}, UnsafePathError, "not allowed"),
    ({"period": "FY1999"}, Exception, "known periods"),
    ({"mask": "yes"}, ParameterError, "expected bool"),
])
def test_bad_parameters_are_named(client_root, tmp_path, override, error, text):
    with pytest.raises(error, match=text):
        start(client_root, tmp_path, **override)


def test_wrong_engagement(client_root, tmp_path):
    with pytest.raises(ParameterError, match="is a 3c engagement"):
        nb.start("iso9001_certification_audit", client_id="acme", data_root=str(client_root),
                 output_dir=str(tmp_path), engagements=("iso9001",))


def test_invalid_client_data_stops_with_report(tmp_path):
    root = tmp_path / "clients"
    write_client(root, files={"transactions.csv": TRANSACTIONS_CSV.replace("C002,800", "C002,-800")})
    with pytest.raises(DataValidationError, match="NOT valid"):
        start(root, tmp_path)


def test_render_table_escapes_and_formats():
    frame = pd.DataFrame({"name": ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>'],
                          "share": [0.9242, None], "n": [51084, 7], "met": [True, False]})
    html = nb.render_table(frame, "zh", labels={"share": "Share"}, formats={"share": "pct", "n": "int"})
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "92.42%" in html and "51,084" in html and "是" in html and "否" in html
    assert "<th>Share</th>" in html
