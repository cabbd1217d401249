"""``threec present``: the notebook is parameterised for the client and served by Voilà on 127.0.0.1."""

from __future__ import annotations

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
