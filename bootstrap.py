#!/usr/bin/env python3
"""Set up threec on a fresh machine and run the demo job or the tests.

    python3 bootstrap.py demo    # set up, then produce the demo reports under reports/
    python3 bootstrap.py test    # set up (with test tools), then run the whole test suite

Needs only Python 3.11+ and pip. It creates the virtual environment ``.venv`` in the
repository, installs the package with pip (``pip install -e .`` or ``.[test]``), registers
the Jupyter kernel ``threec`` inside that environment, and then runs the job. Re-running
is fast: the install is skipped while ``pyproject.toml`` is unchanged.

Only the standard library is used here, so this file runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("THREEC_VENV", ROOT / ".venv"))
KERNEL_NAME = "threec"
KERNEL_DISPLAY = "Python 3 (threec)"


def venv_bin(name: str) -> Path:
    folder = "Scripts" if os.name == "nt" else "bin"
    suffix = ".exe" if os.name == "nt" else ""
    return VENV / folder / f"{name}{suffix}"


def run(cmd: list[str | Path], **kwargs) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    result = subprocess.run([str(c) for c in cmd], cwd=ROOT, **kwargs)
    if result.returncode != 0:
        sys.exit(result.returncode)


def setup(extras: str) -> Path:
    """Create the venv, install the package with ``extras``, register the kernel; return its python."""
    if sys.version_info < (3, 11):
        sys.exit(f"threec needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    python = venv_bin("python")
    if not python.exists():
        print(f"Creating the virtual environment {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=False).create(VENV)
    spec = (ROOT / "pyproject.toml").read_bytes() + extras.encode()
    stamp = VENV / f".threec-installed-{hashlib.sha256(spec).hexdigest()[:16]}"
    if not stamp.exists():
        target = f".[{extras}]" if extras else "."
        run([python, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", target])
        run([python, "-m", "ipykernel", "install", "--sys-prefix", "--name", KERNEL_NAME,
             "--display-name", KERNEL_DISPLAY])
        for old in VENV.glob(".threec-installed-*"):
            old.unlink()
        stamp.write_text("installed\n")
    else:
        print("Environment up to date (pyproject.toml unchanged).", flush=True)
    return python


#: Debian packages the test suite needs (the real-browser tests drive Debian's Chromium;
#: no browser is downloaded by a test tool; a CJK font for its screenshots). Installed only when missing and when this
#: process may use apt-get (root on Debian/Ubuntu); otherwise those tests are skipped
#: with a message naming the package.
TEST_SYSTEM_PACKAGES = {
    "chromium": "/usr/bin/chromium",
    # so that Chinese in the browser tests' screenshots renders like on a consultant's machine
    "fonts-noto-cjk": "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    # LibreOffice opens what a client or a panel opens in an office suite: the request workbooks
    # and audit forms (tests/unit/inputs/test_libreoffice.py), the Word and PowerPoint files,
    # converted to PDF (tests/integration/batch/test_office_demo.py); each package's own launcher
    "libreoffice-calc": "/usr/lib/libreoffice/program/scalc",
    "libreoffice-writer": "/usr/lib/libreoffice/program/swriter",
    "libreoffice-impress": "/usr/lib/libreoffice/program/simpress",
}


def install_system_packages(packages: dict[str, str]) -> None:
    missing = [name for name, path in packages.items() if not Path(path).exists()]
    if not missing:
        return
    if os.name != "posix" or os.geteuid() != 0 or not Path("/usr/bin/apt-get").exists():
        print(f"Note: Debian package(s) {', '.join(missing)} missing and apt-get not usable here; "
              "the tests that need them will be skipped.", flush=True)
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"Installing Debian package(s): {', '.join(missing)} ...", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, stdout=subprocess.DEVNULL)
    result = subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], env=env,
                            stdout=subprocess.DEVNULL)
    if result.returncode != 0:
        print(f"Note: apt-get could not install {', '.join(missing)}; the tests that need them will be skipped.",
              flush=True)


def main(argv: list[str]) -> None:
    if len(argv) != 1 or argv[0] not in ("demo", "test"):
        sys.exit(__doc__)
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ["PYTHONUTF8"] = "1"
    if argv[0] == "demo":
        python = setup("")
        run([venv_bin("threec"), "validate", "--all"])
        run([venv_bin("threec"), "run"])
    else:
        python = setup("test")
        install_system_packages(TEST_SYSTEM_PACKAGES)
        run([python, "-m", "pytest"])


if __name__ == "__main__":
    main(sys.argv[1:])
