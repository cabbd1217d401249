"""Real-browser tests: JupyterLab with a phase notebook, driven by headless Chromium.

Chromium comes from Debian (``bootstrap.py test`` installs it); Playwright drives it through
``executable_path``, so no browser is downloaded. On a machine without Chromium the tests
are skipped, except under CI (``CI=true``), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from testpaths import ROOT, TESTS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "reports" / "test-screenshots"

pytestmark = pytest.mark.browser


def _need_browser():
    if not Path(CHROMIUM).exists():
        message = "Debian package 'chromium' is not installed (python3 bootstrap.py test installs it as root)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    pytest.importorskip("playwright.sync_api")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status < 500:
                    return
        except Exception as exc:  # not up yet
            last = exc
        time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout} s ({last})")


def interactive_env() -> dict[str, str]:
    """The environment of a consultant's session: explorers interactive (no THREEC_BATCH)."""
    env = {k: v for k, v in os.environ.items() if k != "THREEC_BATCH"}
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    return env


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    _need_browser()
    port = free_port()
    token = "threec-test-token"
    home = tmp_path_factory.mktemp("jupyter-home")
    env = interactive_env()
    env["HOME"] = str(home)
    cmd = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", f"--port={port}",
           "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT}",
           "--LabApp.expose_app_in_browser=True", "--ServerApp.open_browser=False", "--allow-root"]
    log = open(home / "jupyterlab.log", "w")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        wait_http(f"http://127.0.0.1:{port}/api/status?token={token}", 90)
        yield f"http://127.0.0.1:{port}", token
    finally:
        from threec_helpers.batch.present import stop

        stop(proc)  # the same terminate-then-kill the product uses for its Voila server
        log.close()


@pytest.fixture(scope="module")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def test_phase_notebook_runs_and_widget_updates_output(jupyterlab, browser):
    base, token = jupyterlab
    notebook = "notebooks/phases/03_planning.ipynb"
    if not (ROOT / notebook).exists():
        pytest.skip(f"{notebook} not present")
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base}/lab/tree/{notebook}?token={token}", wait_until="domcontentloaded", timeout=90_000)
    page.wait_for_function("window.jupyterapp && window.jupyterapp.shell", timeout=90_000)
    page.wait_for_selector(".jp-Notebook", timeout=90_000)
    # wait for the kernel, then run every cell
    page.wait_for_function(
        "() => { const w = window.jupyterapp.shell.currentWidget; "
        "return w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel "
        "&& w.sessionContext.session.kernel.status === 'idle'; }", timeout=120_000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    slider = page.locator(".widget-slider .noUi-handle").first
    slider.wait_for(state="visible", timeout=240_000)
    output = page.locator(".widget-output").first
    page.wait_for_function(
        "() => { const o = document.querySelector('.widget-output'); "
        "return o && o.innerText.trim().length > 0; }", timeout=120_000)
    before = output.inner_text()
    slider.scroll_into_view_if_needed()
    slider.focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "(before) => { const o = document.querySelector('.widget-output'); "
        "return o && o.innerText.trim().length > 0 && o.innerText !== before; }", arg=before, timeout=60_000)
    after = output.inner_text()
    assert after != before
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "jupyterlab-03_planning.png"), full_page=False)
    assert not errors, errors
    page.close()


def _console_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
    page.on("requestfailed", lambda req: errors.append(f"request failed: {req.url}"))
    return errors


def test_present_dashboard_renders_without_console_errors(browser, tmp_path):
    from conftest import write_client
    from threec_helpers.batch.present import prepare, start, stop

    write_client(tmp_path / "clients")
    nb_path = prepare("acme", "02_analysis", tmp_path / "served", data_root=tmp_path / "clients")
    proc, url = start(nb_path, timeout=180, log=tmp_path / "voila.log")
    try:
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        errors = _console_errors(page)
        requests: list[str] = []
        page.on("request", lambda req: requests.append(req.url))
        page.goto(url, wait_until="load", timeout=180_000)
        page.wait_for_selector("text=Acme Window Decor", timeout=180_000)  # the report title, from client.yaml
        page.wait_for_selector(".widget-slider, .widget-dropdown", timeout=120_000)  # the explore section is live
        body = page.inner_text("body")
        assert "ctx = nb.start" not in body and "import" not in body  # no code on a panel's screen
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "present-02_analysis.png"))
        assert not errors, errors
        # offline panel room: every asset comes from the local Voila server (our template drops
        # the Font Awesome CDN links of Voila's own "lab" template)
        outside = [u for u in requests if not u.startswith((url, "ws://127.0.0.1", "data:", "blob:", "about:"))]
        assert not outside, outside
        page.close()
    finally:
        stop(proc)


def test_batch_index_and_report_render_without_console_errors(browser, tmp_path):
    from conftest import write_client
    from threec_helpers.batch.orchestrate import run_batch
    from threec_helpers.batch.plan import parse_batch, plan_batch

    fixtures = TESTS / "data" / "notebooks"
    write_client(tmp_path / "clients")
    spec = parse_batch({"name": "b", "clients": ["acme"], "notebooks": ["ok_report"], "timeout": 120,
                        "formats": ["html", "slides"], "notebooks_dir": str(fixtures)},
                       "b.yaml", base=tmp_path, data_root=tmp_path / "clients")
    result = run_batch(plan_batch(spec, tmp_path / "reports"), workers=1, lang="en", progress=False)
    assert result.ok, result.failed
    page = browser.new_page()
    errors = _console_errors(page)
    requests: list[str] = []
    page.on("request", lambda req: requests.append(req.url))
    index = result.out_dir / "index.html"
    page.goto(index.as_uri(), wait_until="load")
    links = page.locator("a[href$='.html']")
    assert links.count() >= 2  # the report and the briefing
    for target in ("acme/FY2025/ok_report.html", "acme/FY2025/ok_report.slides.html", "acme/FY2025/briefing.html"):
        page.goto((result.out_dir / target).as_uri(), wait_until="load")
    assert not errors, errors
    assert all(u.startswith(("file://", "data:", "about:")) for u in requests), [
        u for u in requests if not u.startswith(("file://", "data:", "about:"))]  # offline: no CDN
    page.close()


#: measures every slide of a reveal.js deck: the slide and its body must not scroll or overflow
_SLIDE_FIT = """(i) => { Reveal.slide(i); const s = Reveal.getCurrentSlide();
  const b = s.querySelector('.slide-body') || s;
  return {title: (s.querySelector('h1, h2') || {}).textContent || '', sh: s.scrollHeight, ch: s.clientHeight,
          sw: s.scrollWidth, cw: s.clientWidth, bh: b.scrollHeight, bch: b.clientHeight}; }"""


def deck_overflows(page, deck: Path) -> tuple[int, list[dict]]:
    """Open a deck, step through every slide; return the slide count and the slides that overflow."""
    page.goto(deck.as_uri(), wait_until="load")
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    page.evaluate("Reveal.configure({transition: 'none'})")
    total = page.evaluate("Reveal.getTotalSlides()")
    bad = []
    for i in range(total):
        m = page.evaluate(_SLIDE_FIT, i)
        if m["sh"] > m["ch"] or m["sw"] > m["cw"] or m["bh"] > m["bch"] + 1:
            bad.append({"slide": i + 1, **m})
    return total, bad


def test_demo_decks_are_real_decks_that_never_overflow(browser, demo_reports):
    """Every demo deck (issue 15 item 5): more than 3 slides, and no slide's content overflows its box."""
    decks = sorted(demo_reports.glob("*/*/*.slides.html"))
    assert len(decks) >= 14
    page = browser.new_page(viewport={"width": 1280, "height": 760})
    errors = _console_errors(page)
    problems = {}
    for deck in decks:
        total, bad = deck_overflows(page, deck)
        if total <= 3 or bad:
            problems[str(deck.relative_to(demo_reports))] = {"slides": total, "overflowing": bad[:3]}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "deck-last-slide.png"))
    page.close()
    assert not problems, problems
    assert not errors, errors


def test_portfolio_index_of_100_clients_opens_sorts_and_filters(browser, tmp_path):
    """The portfolio of 100 synthesised clients (benchmarks/bench_portfolio.py) opens offline, sorts
    by a header click and filters; the time to open and to sort is printed, not asserted."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_portfolio", ROOT / "benchmarks" / "bench_portfolio.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = tmp_path / "portfolio"
    jobs, briefings = bench.synthetic_batch(out, clients=100, periods=3)
    bench.write_synthetic_index(out, jobs, briefings, lang="en")
    page = browser.new_page()
    errors = _console_errors(page)
    requests: list[str] = []
    page.on("request", lambda req: requests.append(req.url))
    t0 = time.perf_counter()
    page.goto((out / "index.html").as_uri(), wait_until="load")
    page.wait_for_selector("#portfolio tbody tr")
    opened = time.perf_counter() - t0
    assert page.locator("#portfolio tbody tr[data-engagement]:not(.portfolio-links)").count() == 100
    header = page.locator("#portfolio thead th", has_text="Open findings")
    col = page.evaluate("""() => Array.from(document.querySelectorAll('#portfolio thead th'))
                               .findIndex(th => th.textContent.trim() === 'Open findings')""")
    values = """(col) => Array.from(document.querySelectorAll('#portfolio tbody tr:not(.portfolio-links)'))
                .map(r => r.cells[col].getAttribute('data-sort')).filter(v => v !== '').map(Number)"""
    t1 = time.perf_counter()
    header.click()
    ascending = page.evaluate(values, col)
    sorted_s = time.perf_counter() - t1
    assert ascending == sorted(ascending) and len(ascending) > 10
    header.click()
    assert page.evaluate(values, col) == sorted(ascending, reverse=True)
    page.fill("#portfolio-filter", "客户 007")
    visible = page.locator("#portfolio tbody tr:not(.portfolio-links):visible")
    assert visible.count() == 1
    page.fill("#portfolio-filter", "")
    page.select_option("#portfolio-engagement", "clinical")
    assert page.locator("#portfolio tbody tr:not(.portfolio-links):visible").count() == 33
    print(f"\nportfolio index of 100 clients: opened in {opened:.3f} s, sorted in {sorted_s:.3f} s")
    assert not errors, errors
    assert all(u.startswith(("file://", "data:", "about:")) for u in requests)  # offline: no CDN
    page.close()
