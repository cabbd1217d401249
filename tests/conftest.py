"""Shared fixtures: a small valid 3C client folder that tests break in one way each."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run (CI must not turn red on a draw that a
# previous run never saw); explore new ground locally with --hypothesis-seed=<n>.
settings.register_profile("threec", derandomize=True, deadline=None)
settings.load_profile("threec")

os.environ.setdefault("MPLBACKEND", "Agg")

CLIENT_YAML = textwrap.dedent(
    """\
    client_id: acme
    name: {zh: 测试窗饰公司, en: Acme Window Decor}
    engagement: 3c
    industry: manufacturing
    currency: CNY
    language: en
    periods:
      - {id: FY2024, start: 2023-11-01, end: 2024-10-31}
      - {id: FY2025, start: 2024-11-01, end: 2025-10-31}
    current_period: FY2025
    previous_period: FY2024
    pyramid: {top: 0.01, big: 0.04, medium: 0.15, inactive_months: 12}
    """
)

CUSTOMERS_CSV = textwrap.dedent(
    """\
    customer_id,name,status,segment,region,first_purchase
    C001,Alpha Hotel,active,hotel,east,2023-12-01
    C002,Beta Homes,active,developer,south,2024-01-15
    C003,Gamma Retail,inactive,retail,north,2023-11-20
    C004,Delta Offices,prospect,office,east,
    C005,Epsilon,suspect,retail,west,
    """
)

TRANSACTIONS_CSV = textwrap.dedent(
    """\
    transaction_id,date,customer_id,amount,cost,quantity,product
    T1,2023-12-01,C001,1000,600,10,blinds
    T2,2024-03-05,C002,2500.5,1500,20,curtains
    T3,2023-11-20,C003,300,200,3,rails
    T4,2025-02-01,C001,1200,700,12,blinds
    T5,2025-06-30,C002,800,500,8,rails
    """
)


def write_client(root: Path, client_id: str = "acme", files: dict[str, str | bytes] | None = None,
                 drop: tuple[str, ...] = ()) -> Path:
    """Write a small valid 3C client under ``root``; ``files`` overrides or adds files."""
    folder = root / client_id
    folder.mkdir(parents=True, exist_ok=True)
    contents: dict[str, str | bytes] = {
        "client.yaml": CLIENT_YAML.replace("client_id: acme", f"client_id: {client_id}"),
        "customers.csv": CUSTOMERS_CSV,
        "transactions.csv": TRANSACTIONS_CSV,
    }
    contents.update(files or {})
    for name, body in contents.items():
        if name in drop:
            continue
        path = folder / name
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(body, encoding="utf-8")
    return folder


@pytest.fixture
def client_root(tmp_path: Path) -> Path:
    """A data root with one valid client ``acme``."""
    root = tmp_path / "clients"
    write_client(root)
    return root


#: a small checklist with two weighted areas, three scales, a veto item and an item target
#: (tests/test_audits.py, tests/test_audit_report.py)
TINY_CHECKLIST = """
id: tiny
title: {zh: 小检查表, en: Tiny checklist}
scales:
  maturity: {kind: range, min: 1, max: 5, target: 4, veto_min: 3}
  yes_partial_no: {kind: choice, values: {"yes": 1, "partial": 0.5, "no": 0}, target: 1, veto_min: 1}
  points: {kind: range, min: 0, max: 10, target: 8, veto_min: 6}
areas:
  - id: A
    title: {zh: 甲, en: Area A}
    weight: 2
    items:
      - {id: A1, text: {zh: 甲一, en: A one}, weight: 1, scale: maturity}
      - {id: A2, text: {zh: 甲二, en: A two}, weight: 3, scale: points}
  - id: B
    title: {zh: 乙, en: Area B}
    weight: 1
    items:
      - {id: B1, text: {zh: 乙一, en: B one}, weight: 1, scale: yes_partial_no, veto: true}
      - {id: B2, text: {zh: 乙二, en: B two}, weight: 1, scale: maturity, target: 5}
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """:data:`TINY_CHECKLIST`, loaded."""
    from threec_helpers.audit.checklists import load_checklist

    path = Path(tmp_path_factory.mktemp("cl")) / "tiny.yaml"
    path.write_text(TINY_CHECKLIST, encoding="utf-8")
    return load_checklist(path)


# One run of the demo batch for the whole session: the integration tests that read the demo
# outputs as a panel would (the words on every page, the Word and PowerPoint files, the decks
# in a browser) share this run of data/batches/demo.yaml with every format.
@pytest.fixture(scope="session")
def demo_reports(tmp_path_factory) -> Path:
    """The reports folder of the demo batch (every client, both periods, every format)."""
    import yaml

    from testpaths import ROOT
    from threec_helpers.batch.orchestrate import run_batch
    from threec_helpers.batch.plan import parse_batch, plan_batch

    source = ROOT / "data" / "batches" / "demo.yaml"
    raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    spec = parse_batch(raw, str(source), base=source.parent)
    result = run_batch(plan_batch(spec, tmp_path_factory.mktemp("demo") / "reports"), workers=2, progress=False)
    assert result.ok, result.failed
    return result.out_dir
