"""environment.yml (conda) must install what pyproject.toml (pip) installs."""

import re
import tomllib

import yaml
from testpaths import ROOT



def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_conda_environment_matches_pip_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_reqs = {_name(r): r for r in project["dependencies"] + project["optional-dependencies"]["test"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda: dict[str, str] = {}
    for dep in env["dependencies"]:
        items = dep["pip"] if isinstance(dep, dict) else [dep]
        for item in items:
            if item.startswith("-"):
                continue
            conda[_name(item)] = item.replace(" ", "")
    missing = sorted(set(pip_reqs) - set(conda))
    assert not missing, f"in pyproject.toml but not in environment.yml: {missing}"
    for name, req in pip_reqs.items():
        spec = req[len(name):].replace(" ", "")
        assert conda[name].endswith(spec), f"{name}: pyproject says {req!r}, environment.yml {conda[name]!r}"
