"""Hostile client text through the real pipeline: a client whose name holds HTML/JavaScript,
quotes, a newline, emoji, a right-to-left override and 10,000 characters is shown escaped in
the HTML report, the briefing and the index, and the PDF is still produced."""

from __future__ import annotations

import json
import re

import pytest
from pdfcheck import pdf_text

from conftest import CLIENT_YAML, write_client
from threec_helpers.batch.orchestrate import run_batch
from threec_helpers.batch.plan import parse_batch, plan_batch

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)> 多行\\n名称 🚀 \u202eRTL ' + "x" * 10_000

pytestmark = pytest.mark.notebook


def test_hostile_client_name_is_escaped_in_every_report(tmp_path):
    name_yaml = json.dumps(HOSTILE, ensure_ascii=False)  # a valid YAML double-quoted scalar
    write_client(tmp_path / "clients", files={"client.yaml": CLIENT_YAML.replace(
        "name: {zh: 测试窗饰公司, en: Acme Window Decor}", f"name: {name_yaml}")})
    spec = parse_batch({"name": "h", "clients": ["acme"], "notebooks": ["01_registration"], "timeout": 300,
                        "formats": ["html", "pdf", "xlsx"]}, "h.yaml", base=tmp_path, data_root=tmp_path / "clients")
    result = run_batch(plan_batch(spec, tmp_path / "reports"), workers=1, lang="en", progress=False)
    assert result.ok, result.failed
    folder = result.out_dir / "acme" / "FY2025"
    for page in (folder / "01_registration.html", folder / "briefing.html", result.out_dir / "index.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in html, page
        assert not re.search(r"<img[^>]*onerror", html), page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&lt;script&gt;" in html, page
    assert (folder / "01_registration.pdf").stat().st_size > 1000
    assert "<script>alert(1)</script>" in pdf_text(folder / "01_registration.pdf")  # shown as text, not run
