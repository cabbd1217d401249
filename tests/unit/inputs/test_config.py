"""client.yaml parsing."""


import pytest

from threec_helpers.inputs.config import load_client_config
from threec_helpers.errors import ClientConfigError, UnsafePathError
from threec_helpers.paths import check_client_id, safe_child
from conftest import CLIENT_YAML, write_client


def test_valid_config(tmp_path):
    folder = write_client(tmp_path)
    cfg = load_client_config(folder)
    assert cfg.client_id == "acme" and cfg.engagement == "3c" and cfg.language == "en"
    assert cfg.period("FY2025").start.isoformat() == "2024-11-01"
    assert cfg.pyramid.top == 0.01 and cfg.pyramid.inactive_months == 12
    assert cfg.display_name("zh") == "测试窗饰公司"


@pytest.mark.parametrize("change, message", [
    (("engagement: 3c", "engagement: crm"), "engagement"),
    (("language: en", "language: fr"), "language"),
    (("current_period: FY2025", "current_period: FY2030"), "not one of the periods"),
    (("top: 0.01", "top: 0.9"), "exceed 100%"),
    (("top: 0.01", "top: lots"), "is not a number"),
    (("client_id: acme", "client_id: other"), "differs from the folder name"),
    (("end: 2025-10-31", "end: 2024-01-01"), "ends"),
])
def test_invalid_configs_name_the_field(tmp_path, change, message):
    folder = write_client(tmp_path, files={"client.yaml": CLIENT_YAML.replace(*change)})
    with pytest.raises(ClientConfigError, match=message):
        load_client_config(folder)


def test_unknown_period_lookup(tmp_path):
    cfg = load_client_config(write_client(tmp_path))
    with pytest.raises(ClientConfigError, match="known periods: FY2024, FY2025"):
        cfg.period("FY1999")


@pytest.mark.parametrize("bad", ["..", "../x", "/etc", "a/b", "", "a\\b"])
def test_client_ids_with_paths_are_refused(bad):
    with pytest.raises(UnsafePathError):
        check_client_id(bad)


def test_symlink_outside_root_is_refused(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "link").symlink_to(outside)
    with pytest.raises(UnsafePathError, match="outside"):
        safe_child(root, "link")
    assert safe_child(root, "ok") == root / "ok"
