"""``threec present``: the notebook is parameterised for the client and served by Voilà on 127.0.0.1."""

from __future__ import annotations

import contextlib
import re
import urllib.request
from pathlib import Path

import nbformat
import pytest

from conftest import write_client
from threec_helpers.batch.present import prepare, start, stop
from threec_helpers.errors import InputError
from testpaths import TESTS

pytest.importorskip("voila")

FIXTURES = TESTS / "data" / "notebooks"


def test_prepare_injects_the_client_parameters(tmp_path: Path):
    write_client(tmp_path / "clients")
    nb_path = prepare("acme", "ok_report", tmp_path / "served", data_root=tmp_path / "clients",
                      notebooks_dir=FIXTURES, mask=True)
    nb = nbformat.read(nb_path, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    assert 'client_id = "acme"' in injected[0].source and "mask = True" in injected[0].source
    with pytest.raises(InputError, match="Unknown notebook"):
        prepare("acme", "nope", tmp_path / "served2", data_root=tmp_path / "clients", notebooks_dir=FIXTURES)


def test_voila_serves_the_dashboard_without_code(tmp_path: Path):
    write_client(tmp_path / "clients")
    nb_path = prepare("acme", "ok_report", tmp_path / "served", data_root=tmp_path / "clients",
                      notebooks_dir=FIXTURES)
    proc, url = start(nb_path, timeout=150, log=tmp_path / "voila.log")
    try:
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url, timeout=120) as resp:  # our own server on 127.0.0.1
            assert resp.status == 200
            page = resp.read().decode("utf-8", "replace")
        assert "load_client(" not in page  # sources stripped
        # offline panel room: no stylesheet or script from a CDN (Voila's "lab" template links
        # Font Awesome from jsdelivr; threec's template does not)
        assert not re.findall(r'(?:href|src)="(?:https?:)?//', page)
    finally:
        stop(proc)
    assert proc.poll() is not None


def test_sigterm_stops_voila_and_its_kernel(tmp_path: Path):
    """``threec present`` terminated (SIGTERM) leaves no Voila and no kernel behind, as with Ctrl-C."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import psutil

    write_client(tmp_path / "clients")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "threec_helpers.cli", "--lang", "en", "present", "acme",
                             "customer_focus_audit", "--data-root", str(tmp_path / "clients")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    family: list[psutil.Process] = []
    try:
        url = None
        deadline = time.monotonic() + 180
        while url is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                break
            found = re.search(r"http://127\.0\.0\.1:\d+/", line)
            url = found.group(0) if found else None
        assert url, "threec present did not print its address"
        with urllib.request.urlopen(url, timeout=120) as resp:  # the page runs the notebook in a kernel
            assert resp.status == 200
        family = psutil.Process(proc.pid).children(recursive=True)
        names = " ".join(" ".join(p.cmdline()) for p in family)
        assert "voila" in names and "ipykernel" in names  # Voila and a live kernel run
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        gone, alive = psutil.wait_procs(family, timeout=30)
        alive = [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        assert not alive, [" ".join(p.cmdline()) for p in alive]
    finally:
        for p in [*family, psutil.Process(proc.pid)] if proc.poll() is None else family:
            with contextlib.suppress(psutil.Error):
                p.kill()
