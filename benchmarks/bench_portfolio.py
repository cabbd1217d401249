#!/usr/bin/env python3
"""Benchmark of the batch index with its portfolio (issue 19), not a timed test.

Synthesises a batch folder of N clients (default 100; a third each ISO 9001, 3C and
clinical), each with P periods of results files, briefings and report files named in the
summary records, then writes the index as a batch run does (``publish.write_index``:
``batch-summary.json``, the portfolio, ``portfolio.xlsx``, ``index.html``) and prints the
wall time and the sizes. No notebook runs; the results files are made up.

Usage::

    python benchmarks/bench_portfolio.py                 # 100 clients x 3 periods
    python benchmarks/bench_portfolio.py --clients 300 --periods 12 --keep /tmp/portfolio

The browser test (tests/integration/browser) opens such an index and sorts it.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ENGAGEMENTS = {
    "iso9001": ("iso9001_certification_audit", [("utilisation", 0.85, 0.98, "pct"), ("objectives_met", 5, 8, "of8"),
                                                ("open_findings", 0, 6, "int")]),
    "3c": ("02_analysis", [("revenue", 5e6, 9e7, "money"), ("operating_profit", -1e6, 2e7, "money"),
                           ("retention", 0.7, 0.95, "pct")]),
    "clinical": ("clinical_quality_self_assessment", [("overall_score", 0.6, 0.95, "pct"),
                                                      ("vetoes_failed", 0, 2, "int"),
                                                      ("open_rectifications", 0, 5, "int")]),
}


def _text(value: float, kind: str) -> str:
    return {"pct": f"{value:.2%}", "money": f"¥{value:,.0f}", "of8": f"{int(value)}/8"}.get(kind, f"{int(value)}")


def synthetic_batch(out_dir: Path, clients: int = 100, periods: int = 3, seed: int = 19) -> tuple[list, list]:
    """Write made-up results files for ``clients`` x ``periods``; return the summary's job and briefing records."""
    rng = random.Random(seed)
    jobs, briefings = [], []
    kinds = list(ENGAGEMENTS)
    for c in range(clients):
        engagement = kinds[c % 3]
        notebook, figures = ENGAGEMENTS[engagement]
        cid = f"client_{c:03d}"
        for p in range(periods):
            period = f"2026-{p + 1:02d}" if engagement != "3c" else f"FY{2024 + p}"
            folder = out_dir / cid / period
            folder.mkdir(parents=True, exist_ok=True)
            headline = []
            for key, lo, hi, kind in figures:
                v = rng.uniform(lo, hi)
                v = round(v) if kind in ("int", "of8") else v
                headline.append({"key": key, "label": key, "value": v, "text": _text(v, kind),
                                 "status": rng.choice(["good", "warn", "bad", "neutral"])})
            tables = {}
            if engagement == "iso9001":
                tables["open_findings"] = [{"finding_id": f"F{i}", "overdue": rng.random() < 0.3}
                                           for i in range(int(headline[2]["value"]))]
            (folder / f"{notebook}.results.json").write_text(json.dumps(
                {"notebook": notebook, "client_id": cid, "period": period, "lang": "zh", "engagement": engagement,
                 "headline": headline, "tables": tables}, ensure_ascii=False), encoding="utf-8")
            for name in (f"{notebook}.html", f"{notebook}.pdf", "briefing.html", "briefing.pdf"):
                (folder / name).write_text("<html></html>", encoding="utf-8")
            jobs.append({"id": f"{cid}/{period}/{notebook}", "client_id": cid, "client_name": f"客户 {c:03d}",
                         "period": period, "notebook": notebook, "title": notebook, "engagement": engagement,
                         "lang": "zh", "order": 0, "status": "ok", "exec_s": rng.uniform(5, 60),
                         "finished": "", "outputs": {"html": f"{cid}/{period}/{notebook}.html",
                                                     "pdf": f"{cid}/{period}/{notebook}.pdf"}})
            briefings.append({"id": f"{cid}/{period}/briefing", "client_id": cid, "period": period, "status": "ok",
                              "outputs": {"html": f"{cid}/{period}/briefing.html",
                                          "pdf": f"{cid}/{period}/briefing.pdf"}})
    return jobs, briefings


def write_synthetic_index(out_dir: Path, jobs: list, briefings: list, lang: str = "zh") -> float:
    """Write the index of a synthetic batch as a run does; the seconds it took."""
    from threec_helpers.batch.publish import write_index

    plan = SimpleNamespace(spec=SimpleNamespace(name=out_dir.name, source="bench.yaml", data_root=out_dir / "none"),
                           jobs=[])
    run = {"run_id": "bench", "started": "", "finished": "", "running": False}
    t0 = time.perf_counter()
    write_index(out_dir, plan, {}, {}, run=run, lang=lang, kept={"jobs": jobs, "briefings": briefings})
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--periods", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, default=None, help="Write the batch folder here and keep it.")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-portfolio-"))
    out = (args.keep or tmp) / "portfolio"
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    jobs, briefings = synthetic_batch(out, args.clients, args.periods)
    print(f"synthesised {args.clients} clients x {args.periods} periods: {time.perf_counter() - t0:.2f} s")
    times = [write_synthetic_index(out, jobs, briefings) for _ in range(args.repeat)]
    index, xlsx = out / "index.html", out / "portfolio.xlsx"
    print(f"write_index (summary, portfolio, portfolio.xlsx, index.html): best {min(times):.3f} s, "
          f"all {', '.join(f'{x:.3f}' for x in times)} s")
    print(f"index.html {index.stat().st_size / 1024:.0f} KiB, portfolio.xlsx {xlsx.stat().st_size / 1024:.0f} KiB, "
          f"portfolio rows {index.read_text(encoding='utf-8').count('<tr data-engagement=')}")
    if args.keep is None:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print(f"kept: {index}")


if __name__ == "__main__":
    main()
