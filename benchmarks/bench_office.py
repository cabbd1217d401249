"""Issue 16: what the Word and PowerPoint files add to the demo batch's wall time.

Runs the demo batch twice in the same process, back to back, on the same machine load:
with the Word and PowerPoint files (every format) and without them (html, pdf, slides,
xlsx), and prints both wall times, the ratio, and the time spent writing the .docx/.pptx
files alone (each file written again, in this process, from the finished batch folder).

    PYTHONPATH=. python benchmarks/bench_office.py [--workers 2] [--repeat 2]

Each pair of runs alternates its order, and the medians are compared, so that the side run
second (on a warmer or a busier machine) is not always the same; the load average after each
run is printed with it.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def run(formats: list[str], out: Path, workers: int) -> float:
    from threec_helpers.batch.execute import run_batch
    from threec_helpers.batch.plan import parse_batch, plan_batch

    source = ROOT / "data" / "batches" / "demo.yaml"
    raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    raw["formats"] = formats
    spec = parse_batch(raw, str(source), base=source.parent)
    t0 = time.perf_counter()
    result = run_batch(plan_batch(spec, out), workers=workers, progress=False, force=True)
    assert result.ok, result.failed
    return time.perf_counter() - t0


def office_only(folder: Path) -> tuple[float, float, int]:
    """Seconds to write every .docx of the reports, and every briefing .docx and deck .pptx, again."""
    import nbformat

    from threec_helpers.batch.briefing import write_briefing
    from threec_helpers.batch.publish import branding_for, clean_notebook, report_date
    from threec_helpers.batch.word import report_docx

    t_docx = t_brief = 0.0
    n = 0
    for nb_path in sorted(folder.glob("*/*/*.ipynb")):
        res = json.loads(nb_path.with_suffix("").with_suffix(".results.json").read_text(encoding="utf-8")) \
            if nb_path.with_name(nb_path.stem + ".results.json").exists() else {}
        meta = {"title": res.get("title", nb_path.stem), "client_id": nb_path.parent.parent.name,
                "client_name": res.get("client_name", ""), "period": nb_path.parent.name, "lang": res.get("lang", "zh")}
        t0 = time.perf_counter()
        cleaned = clean_notebook(nbformat.read(str(nb_path), as_version=4))
        report_docx(cleaned, meta, res, brand=branding_for(meta).context(meta["lang"]), date=report_date(meta))
        t_docx += time.perf_counter() - t0
        n += 1
    for period in sorted({p.parent for p in folder.glob("*/*/*.ipynb")}):
        t0 = time.perf_counter()
        write_briefing(period, period.parent.name, period.name, "zh", formats=("docx", "pptx"))
        t_brief += time.perf_counter() - t0
    return t_docx, t_brief, n


def main() -> None:
    import os
    import statistics

    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2,
                    help="pairs of runs; the order alternates (without, with; then with, without; ...) so that "
                         "neither side always runs second, on a warmer or a busier machine")
    args = ap.parse_args()
    formats = {"without": ["html", "pdf", "slides", "xlsx"], "with": ["html", "pdf", "slides", "xlsx", "docx", "pptx"]}
    walls: dict[str, list[float]] = {"without": [], "with": []}
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.repeat):
            for side in (("without", "with") if k % 2 == 0 else ("with", "without")):
                wall = run(formats[side], Path(tmp) / f"{side}{k}", args.workers)
                walls[side].append(wall)
                print(f"run {k + 1} {side:>7} docx/pptx: {wall:6.1f} s   load {os.getloadavg()[0]:.1f}", flush=True)
        t_docx, t_brief, n = office_only(Path(tmp) / "with0" / "demo")
    without, with_office = statistics.median(walls["without"]), statistics.median(walls["with"])
    print(f"demo batch wall, without docx/pptx: {without:.1f} s (median of {len(walls['without'])})")
    print(f"demo batch wall, with docx/pptx:    {with_office:.1f} s (median of {len(walls['with'])}; "
          f"ratio {with_office / without:.3f})")
    print(f"writing the files alone, serially: {n} report .docx {t_docx:.1f} s; "
          f"6 briefing .docx + 6 deck .pptx {t_brief:.1f} s")


if __name__ == "__main__":
    main()
