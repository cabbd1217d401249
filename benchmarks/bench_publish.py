#!/usr/bin/env python3
"""Where publishing time goes (issue 18 item 2), not a timed test.

Publishes again, in this one process, every executed notebook of a batch folder, timing each
step per notebook (:mod:`threec_helpers.batch.publish`): reading and cleaning the notebook,
the HTML report, the PDF (WeasyPrint), the slide deck and the XLSX workbook; then every
briefing (HTML, and HTML + PDF). Notebooks are grouped by report type: the phase notebooks
(``01_registration`` ... ``04_realization``) and the audit notebooks. The first pass warms
the caches a batch worker also keeps (templates, fonts, WeasyPrint's imports) and is not
counted; the table shows the median of ``--repeat`` passes after it, in CPU seconds of this
process (``time.process_time``: WeasyPrint is single-threaded, and CPU time moves much less
than wall time on a loaded machine); the wall time of the whole pass is printed under it.

Usage::

    python benchmarks/bench_publish.py                  # runs the demo batch first if needed
    python benchmarks/bench_publish.py --folder benchmarks/_work/pub_base/demo --repeat 3
    python benchmarks/bench_publish.py --profile 02_analysis   # cProfile of one PDF
    python benchmarks/bench_publish.py --breakdown 02_analysis # what in one PDF costs what

Nothing is written into the batch folder: the files go to ``benchmarks/_work/publish_out``.
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORK = ROOT / "benchmarks" / "_work"
PHASES = ("01_registration", "02_analysis", "03_planning", "04_realization")


def ensure_batch(folder: Path) -> Path:
    """A batch folder with executed notebooks (the demo batch, run once, every format)."""
    if (folder / "batch-summary.json").is_file():
        return folder
    from threec_helpers.batch.orchestrate import run_batch
    from threec_helpers.batch.plan import load_batch, plan_batch

    plan = plan_batch(load_batch(), folder.parent, formats=("html", "pdf", "slides", "xlsx"))
    print("running the demo batch once to get executed notebooks ...", flush=True)
    result = run_batch(plan, workers=2, force=True, progress=False, lang="en")
    return result.out_dir


def notebook_items(folder: Path) -> list[dict]:
    summary = json.loads((folder / "batch-summary.json").read_text(encoding="utf-8"))
    items = []
    for job in summary["jobs"]:
        if job["status"] != "ok":
            continue
        sub = folder / job["client_id"] / job["period"]
        items.append({"job": job, "dir": sub, "executed": sub / f"{job['notebook']}.ipynb",
                      "kind": "phase" if job["notebook"] in PHASES else "audit"})
    return items, summary


def images_of(nb) -> tuple[int, int, list[tuple[int, int]]]:
    """Number of PNG outputs, their base64 size and pixel sizes."""
    import struct

    n, size, dims = 0, 0, []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            png = (out.get("data") or {}).get("image/png")
            if png:
                raw = base64.b64decode("".join(png) if isinstance(png, list) else png)
                n, size = n + 1, size + len(raw)
                dims.append(struct.unpack(">II", raw[16:24]))
    return n, size, dims


def publish_steps(item: dict, out_dir: Path) -> dict[str, float]:
    """Seconds of each publishing step of one executed notebook (files written under ``out_dir``)."""
    import nbformat

    from threec_helpers.batch import publish as pub
    from threec_helpers.report.results import read_results
    from threec_helpers.storage import write_bytes_atomic, write_text_atomic

    job = item["job"]
    prov = json.loads((item["dir"] / f"{job['notebook']}.provenance.json").read_text(encoding="utf-8"))
    results = read_results(item["dir"]).get(job["notebook"])
    meta = {"title": (results or {}).get("title") or job["title"], "client_id": job["client_id"],
            "client_name": job["client_name"], "period": job["period"], "lang": job["lang"], "masked": False,
            "provenance": prov, "failure": "", "warnings": [], "failed": False}
    base = out_dir / f"{job['client_id']}-{job['period']}-{job['notebook']}"
    times: dict[str, float] = {}
    t0 = time.process_time()
    nb = nbformat.read(str(item["executed"]), as_version=4)
    cleaned = pub.clean_notebook(nb)
    times["read+clean"] = time.process_time() - t0
    t0 = time.process_time()
    html = pub.export_html(cleaned, meta)
    write_text_atomic(base.with_name(base.name + ".html"), html)
    times["html"] = time.process_time() - t0
    t0 = time.process_time()
    write_bytes_atomic(base.with_name(base.name + ".pdf"), pub.html_to_pdf(html))
    times["pdf"] = time.process_time() - t0
    t0 = time.process_time()
    write_text_atomic(base.with_name(base.name + ".slides.html"), pub.export_slides(cleaned, meta, results))
    times["slides"] = time.process_time() - t0
    t0 = time.process_time()
    if results:
        write_bytes_atomic(base.with_name(base.name + ".xlsx"), pub.xlsx_bytes(results, meta["lang"], prov))
    times["xlsx"] = time.process_time() - t0
    times["total"] = sum(times.values())
    return times


def briefing_steps(folder: Path, brief: dict, summary: dict) -> dict[str, float]:
    from threec_helpers.batch import briefing

    sub = folder / brief["client_id"] / brief["period"]
    previous = None
    periods = sorted(p.name for p in (folder / brief["client_id"]).iterdir() if p.is_dir())
    if periods.index(brief["period"]) > 0:
        previous = str(folder / brief["client_id"] / periods[periods.index(brief["period"]) - 1])
    lang = next((j["lang"] for j in summary["jobs"] if j["client_id"] == brief["client_id"]), "zh")
    out = WORK / "publish_out" / f"brief-{brief['client_id']}-{brief['period']}"
    out.mkdir(parents=True, exist_ok=True)
    # write_briefing reads and writes the same folder: copy what it reads
    import shutil

    for p in sub.glob("*.json"):
        shutil.copy2(p, out / p.name)
    times = {}
    t0 = time.process_time()
    briefing.write_briefing(out, brief["client_id"], brief["period"], lang, formats=("html",),
                            previous_folder=previous)
    times["html"] = time.process_time() - t0
    t0 = time.process_time()
    briefing.write_briefing(out, brief["client_id"], brief["period"], lang, formats=("html", "pdf"),
                            previous_folder=previous)
    times["pdf"] = time.process_time() - t0 - times["html"]
    times["total"] = times["html"] + times["pdf"]
    return times


def breakdown(html: str) -> None:
    """CPU seconds of WeasyPrint's layout (render) and PDF writing for variants of one report.

    Each variant leaves one thing out (or changes it), so its difference to ``as published``
    is that thing's cost: the charts (replaced by 1-pixel PNGs), the tables, the print
    stylesheet (cover, contents, footer, appendix), the charts' alpha channel (converted to
    RGB, as matplotlib's charts are opaque), a fresh font configuration per PDF (as
    ``html_to_pdf`` does) against one kept for every PDF.
    """
    import re

    import weasyprint
    from PIL import Image
    from weasyprint.text.fonts import FontConfiguration

    from threec_helpers.batch import fonts
    from threec_helpers.batch import publish as pub

    face = fonts.font_face_css(re.sub(r"<[^>]+>", "", html)) + f"* {{ font-family: {fonts.font_stack()} !important; }}\n"
    shared = FontConfiguration()
    shared_css = weasyprint.CSS(string=face + pub.asset("print.css"), font_config=shared)

    def cpu(doc: str, print_css: bool = True, keep_config: bool = False) -> tuple[float, float]:
        best = (float("inf"), float("inf"))
        for _ in range(3):
            if keep_config:
                config, css = shared, shared_css
            else:
                config = FontConfiguration()
                css = weasyprint.CSS(string=face + (pub.asset("print.css") if print_css else ""), font_config=config)
            t0 = time.process_time()
            rendered = weasyprint.HTML(string=doc, base_url=None).render(
                stylesheets=[css], font_config=config)
            t1 = time.process_time()
            rendered.write_pdf()
            t2 = time.process_time()
            best = min(best, (t1 - t0, t2 - t1), key=sum)
        return best

    def rgb(m) -> str:
        im = Image.open(io.BytesIO(base64.b64decode(m.group(1))))
        buf = io.BytesIO()
        im.convert("RGB").save(buf, format="PNG")
        return "base64," + base64.b64encode(buf.getvalue()).decode() + '"'

    pixel = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
    variants = [("as published", html, {}),
                ("charts as 1-pixel PNGs", re.sub(r'base64,[^"]+"', f'base64,{pixel}"', html), {}),
                ("no tables", re.sub(r"<table.*?</table>", "", html, flags=re.DOTALL), {}),
                ("no print.css", html, {"print_css": False}),
                ("charts as RGB PNGs", re.sub(r'base64,([^"]+)"', rgb, html), {}),
                ("font configuration kept", html, {"keep_config": True})]
    cpu(html)  # warm
    print(f"{'variant':<28} {'render':>8} {'write':>8} {'total':>8}  (CPU s, best of 3)")
    for name, doc, kw in variants:
        r, w = cpu(doc, **kw)
        print(f"{name:<28} {r:>8.3f} {w:>8.3f} {r + w:>8.3f}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folder", type=Path, default=WORK / "pub_base" / "demo",
                    help="a batch folder with executed notebooks [default: the demo batch, run once]")
    ap.add_argument("--repeat", type=int, default=2, help="passes after the warm-up pass")
    ap.add_argument("--profile", default=None, help="cProfile the PDF of this notebook (name) and print the top")
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--breakdown", default=None, help="cost of charts, tables, print.css ... in this notebook's PDF")
    args = ap.parse_args(argv)

    import nbformat

    folder = ensure_batch(args.folder.resolve())
    items, summary = notebook_items(folder)
    out_dir = WORK / "publish_out"
    out_dir.mkdir(parents=True, exist_ok=True)
    print(f"{len(items)} notebooks from {folder}; load average {os.getloadavg()[0]:.2f}", flush=True)

    if args.breakdown:
        item = next(i for i in items if i["job"]["notebook"] == args.breakdown)
        breakdown((item["dir"] / f"{args.breakdown}.html").read_text(encoding="utf-8"))
        return

    if args.profile:
        from threec_helpers.batch import publish as pub

        item = next(i for i in items if i["job"]["notebook"] == args.profile)
        publish_steps(item, out_dir)  # warm
        nb = pub.clean_notebook(nbformat.read(str(item["executed"]), as_version=4))
        meta = {"title": item["job"]["title"], "client_id": item["job"]["client_id"], "client_name": "",
                "period": item["job"]["period"], "lang": item["job"]["lang"], "masked": False,
                "provenance": json.loads((item["dir"] / f"{args.profile}.provenance.json").read_text()),
                "failure": "", "warnings": [], "failed": False}
        html = pub.export_html(nb, meta)
        prof = cProfile.Profile()
        t0 = time.perf_counter()
        prof.enable()
        pub.html_to_pdf(html)
        prof.disable()
        print(f"html_to_pdf({args.profile}): {time.perf_counter() - t0:.2f} s (profiled), html {len(html) / 1e6:.2f} MB")
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(args.top)
        print(buf.getvalue())
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(args.top)
        print(buf.getvalue())
        return

    for item in items:  # warm-up pass, as a batch worker's first notebook
        publish_steps(item, out_dir)
        break
    per: dict[str, list[dict[str, float]]] = {}
    wall0 = time.perf_counter()
    for _ in range(args.repeat):
        for item in items:
            per.setdefault(item["job"]["id"], []).append(publish_steps(item, out_dir))
    steps = ["read+clean", "html", "pdf", "slides", "xlsx", "total"]
    wall = (time.perf_counter() - wall0) / args.repeat
    print(f"\nper notebook, median of {args.repeat} (CPU seconds); load average {os.getloadavg()[0]:.2f}")
    print(f"{'notebook':<58} {'kind':<6} {'png':>3} {'png MB':>6} " + " ".join(f"{s:>10}" for s in steps))
    sums: dict[str, dict[str, float]] = {}
    for item in items:
        nb = nbformat.read(str(item["executed"]), as_version=4)
        n, size, _dims = images_of(nb)
        med = {s: statistics.median(r[s] for r in per[item["job"]["id"]]) for s in steps}
        kind = item["kind"]
        for s in steps:
            sums.setdefault(kind, {}).setdefault(s, 0.0)
            sums[kind][s] += med[s]
        sums[kind]["n"] = sums[kind].get("n", 0) + 1
        print(f"{item['job']['id']:<58} {kind:<6} {n:>3} {size / 2**20:>6.2f} "
              + " ".join(f"{med[s]:>10.2f}" for s in steps))
    for kind, s in sums.items():
        print(f"{'Σ ' + kind + ' (' + str(int(s['n'])) + ')':<58} {'':<6} {'':>3} {'':>6} "
              + " ".join(f"{s[x]:>10.2f}" for x in steps))
    total = {x: sum(s[x] for s in sums.values()) for x in steps}
    print(f"{'Σ notebooks':<58} {'':<6} {'':>3} {'':>6} " + " ".join(f"{total[x]:>10.2f}" for x in steps))
    print(f"(one pass over the notebooks took {wall:.1f} s of wall time)")

    print("\nbriefings (CPU seconds)")
    btotal = {"html": 0.0, "pdf": 0.0, "total": 0.0}
    for brief in summary["briefings"]:
        runs = [briefing_steps(folder, brief, summary) for _ in range(args.repeat)]
        med = {s: statistics.median(r[s] for r in runs) for s in btotal}
        for s in btotal:
            btotal[s] += med[s]
        print(f"{brief['id']:<58} html {med['html']:.2f}  pdf {med['pdf']:.2f}  total {med['total']:.2f}")
    print(f"{'Σ briefings':<58} html {btotal['html']:.2f}  pdf {btotal['pdf']:.2f}  total {btotal['total']:.2f}")
    print(f"\npublishing in all: {total['total'] + btotal['total']:.1f} s in one process "
          f"(PDF {total['pdf'] + btotal['pdf']:.1f} s); load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
