"""The processed cache follows the data root (new-user trial): `threec validate --data-root
/tmp/x/clients` caches into /tmp/x/processed, never into the project's data/processed;
THREEC_PROCESSED_ROOT still overrides."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from conftest import write_client
from threec_helpers.cli import cli
from threec_helpers.paths import data_root, processed_root, project_root

CLIENT = "paths_probe_client"


def _cached(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{CLIENT}/*/manifest.json"))


def test_processed_root_is_beside_the_data_root(monkeypatch, tmp_path):
    monkeypatch.delenv("THREEC_PROCESSED_ROOT", raising=False)
    assert processed_root(tmp_path / "x" / "clients") == tmp_path / "x" / "processed"
    monkeypatch.chdir(tmp_path)
    assert processed_root(".") == tmp_path.parent / "processed"  # beside the folder, never inside it
    assert processed_root("clients") == tmp_path / "processed"
    monkeypatch.delenv("THREEC_DATA_ROOT", raising=False)
    assert processed_root() == project_root() / "data" / "processed" == data_root().parent / "processed"
    monkeypatch.setenv("THREEC_DATA_ROOT", str(tmp_path / "y" / "clients"))
    assert processed_root() == tmp_path / "y" / "processed"
    monkeypatch.setenv("THREEC_PROCESSED_ROOT", str(tmp_path / "cache"))
    assert processed_root(tmp_path / "x" / "clients") == tmp_path / "cache" == processed_root()


def test_validate_with_a_data_root_caches_beside_it(monkeypatch, tmp_path):
    monkeypatch.delenv("THREEC_PROCESSED_ROOT", raising=False)
    monkeypatch.delenv("THREEC_DATA_ROOT", raising=False)
    write_client(tmp_path / "x" / "clients", CLIENT)
    result = CliRunner().invoke(cli, ["validate", CLIENT, "--data-root", str(tmp_path / "x" / "clients")])
    assert result.exit_code == 0, result.output
    assert len(_cached(tmp_path / "x" / "processed")) == 1
    assert _cached(project_root() / "data" / "processed") == []
    monkeypatch.setenv("THREEC_PROCESSED_ROOT", str(tmp_path / "cache"))
    result = CliRunner().invoke(cli, ["validate", CLIENT, "--data-root", str(tmp_path / "x" / "clients")])
    assert result.exit_code == 0, result.output
    assert len(_cached(tmp_path / "cache")) == 1
