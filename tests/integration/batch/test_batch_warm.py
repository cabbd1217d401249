"""Warm kernels (issue 18): notebooks start in kernels started ahead, and stay isolated.

Real kernels throughout. One worker runs the notebooks one after another, so a notebook
that leaked anything into its kernel would hand it to the next one if kernels were reused.
Timings are not checked here (``benchmarks/bench_batch.py`` prints them).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import nbformat
import papermill as pm
import psutil
import pytest
from jupyter_core.utils import run_sync

from conftest import write_client
from threec_helpers.batch.orchestrate import run_batch
from threec_helpers.batch.plan import parse_batch, plan_batch
from threec_helpers.batch.notebooks import notebook_imports
from threec_helpers.batch.warm import KernelPool, warmup_line
from threec_helpers.batch.warm import execute_notebook as warm_execute

KERNEL = "threec"


def make_notebook(folder: Path, name: str, order: int, *cells: str) -> Path:
    """A batch notebook: a parameters cell, then ``cells``."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('client_id = "acme"\noutput_dir = "."')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params] + [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python 3 (threec)", "language": "python"}
    nb.metadata["threec"] = {"engagements": ["3c"], "order": order, "title": {"zh": name, "en": name}}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


WRITE_RESULTS = ("import json as _j, pathlib as _p, os as _o\n"
                 "_p.Path(output_dir).mkdir(parents=True, exist_ok=True)\n"
                 "_p.Path(output_dir, NAME + '.results.json').write_text(_j.dumps({'notebook': NAME, 'pid': _o.getpid(), "
                 "'title': NAME}))")

LEAKS = """\
import os, sys, textwrap, matplotlib
leaked_variable = 42
textwrap.dedent = lambda *a, **k: "patched"          # a monkey-patched function of the standard library
matplotlib.rcParams["lines.linewidth"] = 9.25        # a changed rcParam
sys.modules["threec_leak_probe"] = sys               # an import side effect
os.environ["THREEC_LEAK_PROBE"] = "1"
import threec_helpers.i18n as i18n
i18n.t = lambda *a, **k: "patched"                  # a patched package function
"""

CHECKS = """\
import os, sys, textwrap, matplotlib
import threec_helpers.i18n as i18n
problems = []
if "leaked_variable" in globals(): problems.append("variable")
if textwrap.dedent("  a") == "patched": problems.append("textwrap.dedent patched")
if matplotlib.rcParams["lines.linewidth"] == 9.25: problems.append("rcParams")
if "threec_leak_probe" in sys.modules: problems.append("sys.modules")
if os.environ.get("THREEC_LEAK_PROBE"): problems.append("environment")
if getattr(i18n.t, "__name__", "") == "<lambda>": problems.append("i18n.t patched")
assert not problems, problems
"""


def _plan(root: Path, nbdir: Path, notebooks: list[str], timeout: float = 60):
    spec = parse_batch({"name": "w", "clients": ["acme"], "notebooks": notebooks, "timeout": timeout,
                        "formats": ["html"], "notebooks_dir": str(nbdir), "briefing": False},
                       "w.yaml", base=root, data_root=root / "clients")
    return plan_batch(spec, root / "reports")


def _kernels_of_this_test() -> list[psutil.Process]:
    found = []
    for p in psutil.Process().children(recursive=True):
        try:
            if any("ipykernel" in part for part in p.cmdline()) and p.status() != psutil.STATUS_ZOMBIE:
                found.append(p)
        except psutil.Error:
            pass
    return found


def test_nothing_a_notebook_does_reaches_the_next(tmp_path):
    write_client(tmp_path / "clients")
    nbdir = tmp_path / "nbs"
    make_notebook(nbdir, "first", 1, WRITE_RESULTS.replace("NAME", "'first'"), LEAKS)
    make_notebook(nbdir, "second", 2, CHECKS, WRITE_RESULTS.replace("NAME", "'second'"))
    result = run_batch(_plan(tmp_path, nbdir, ["first", "second"]), workers=1, lang="en", progress=False)
    assert result.ok, [(j["id"], j["error"]) for j in result.failed]
    folder = tmp_path / "reports" / "w" / "acme" / "FY2025"
    pids = [json.loads((folder / f"{n}.results.json").read_text())["pid"] for n in ("first", "second")]
    assert pids[0] != pids[1]  # one kernel per notebook
    # memory returns: each notebook's kernel process is gone once the notebook is done
    for pid in pids:
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE, pid
    jobs = {j["notebook"]: j for j in result.jobs}
    assert jobs["second"].get("kernel_s") is not None  # it ran in a kernel from the pool
    assert _kernels_of_this_test() == []  # the workers shut their spare kernels down at the end


def test_a_kernel_that_dies_or_hangs_is_replaced_and_the_batch_goes_on(tmp_path):
    write_client(tmp_path / "clients")
    nbdir = tmp_path / "nbs"
    make_notebook(nbdir, "dies", 1, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
    make_notebook(nbdir, "hangs", 2, "import time\ntime.sleep(600)")
    make_notebook(nbdir, "after", 3, CHECKS, WRITE_RESULTS.replace("NAME", "'after'"))
    result = run_batch(_plan(tmp_path, nbdir, ["dies", "hangs", "after"], timeout=8), workers=1, lang="en",
                       progress=False)
    jobs = {j["notebook"]: j for j in result.jobs}
    assert jobs["dies"]["status"] == "failed" and jobs["dies"]["error_kind"] == "kernel_died", jobs["dies"]
    assert jobs["hangs"]["status"] == "failed" and jobs["hangs"]["error_kind"] == "timeout", jobs["hangs"]
    assert jobs["after"]["status"] == "ok", jobs["after"]
    assert _kernels_of_this_test() == []


def _namespace_notebook(path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "import sys as _sys\n"
        "print(sorted(k for k in globals() if k not in ('_sys', '_i1', '_ih', 'In')))\n"
        "print(get_ipython().execution_count, len(Out))\n"
        "print('pandas' in _sys.modules)")]
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python 3 (threec)", "language": "python"}
    nbformat.write(nb, path)
    return path


def _lines(nb) -> list[str]:
    return "".join(o.get("text", "") for o in nb.cells[0].outputs).splitlines()


def test_a_warm_kernel_looks_like_a_cold_one_and_has_the_imports_done(tmp_path):
    path = _namespace_notebook(tmp_path / "ns.ipynb")
    cold = _lines(pm.execute_notebook(str(path), str(tmp_path / "cold.ipynb"), kernel_name=KERNEL,
                                      progress_bar=False))
    pool = KernelPool(spare=1, imports=["pandas", "matplotlib.pyplot"])
    try:
        km = pool.take(KERNEL, tmp_path)
        try:
            warm = _lines(warm_execute(km, str(path), str(tmp_path / "warm.ipynb"), kernel_name=KERNEL,
                                       progress_bar=False))
        finally:
            pool.release(km)
    finally:
        pool.close()
    assert warm[:2] == cold[:2]  # the same names, the same execution count, nothing in Out
    assert cold[2] == "False" and warm[2] == "True"  # ... but pandas was imported ahead


def test_a_warm_kernel_draws_inline_and_runs_in_the_notebook_folder(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import os, matplotlib.pyplot as plt\nprint(os.getcwd())\nplt.plot([1, 2])")]
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python 3 (threec)", "language": "python"}
    folder = tmp_path / "here"
    folder.mkdir()
    nbformat.write(nb, folder / "draw.ipynb")
    pool = KernelPool(spare=0)
    try:
        km = pool.take(KERNEL, folder)
        out = pm.execute_notebook(str(folder / "draw.ipynb"), str(tmp_path / "out.ipynb"), kernel_name=KERNEL,
                                  progress_bar=False, km=km)
        pool.release(km)
    finally:
        pool.close()
    outputs = out.cells[0].outputs
    assert any(o.get("text", "").strip() == str(folder) for o in outputs)
    assert any("image/png" in o.get("data", {}) for o in outputs)


def test_a_waiting_kernel_that_died_is_replaced_and_released_kernels_are_gone(tmp_path):
    pool = KernelPool(spare=1, imports=[])
    try:
        pool.fill(KERNEL)
        waiting = pool.waiting(KERNEL)[0]
        victim = psutil.Process(waiting.provisioner.process.pid)
        victim.kill()
        victim.wait(10)
        km = pool.take(KERNEL, tmp_path)
        assert run_sync(km.is_alive)()
        pid = km.provisioner.process.pid
        assert pid != victim.pid
        pool.release(km)
        time.sleep(0.2)
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    finally:
        pool.close()
    assert _kernels_of_this_test() == []


def test_warmup_line_leaves_no_names_and_survives_missing_modules():
    line = warmup_line(["json", "no_such_module_threec"])
    ns: dict = {"__builtins__": __builtins__}
    exec(line, ns)  # noqa: S102 - the line the kernels run
    assert set(ns) == {"__builtins__"}


def test_notebook_imports_reads_the_code_cells(tmp_path):
    path = make_notebook(tmp_path, "x", 1, "%matplotlib inline\nfrom threec_helpers import notebook as nb, explore\n"
                                           "import numpy as np\nfrom . import nothing", "x = 1")
    assert notebook_imports([path]) == ["threec_helpers", "threec_helpers.notebook", "threec_helpers.explore", "numpy"]


@pytest.fixture(autouse=True)
def _warm_on(monkeypatch):
    monkeypatch.delenv("THREEC_WARM_KERNELS", raising=False)
    yield
    assert os.environ.get("THREEC_WARM_KERNELS") is None
