"""Where the tests' fixtures and the repository are, for test modules at any depth of tests/."""

from pathlib import Path

#: the tests/ folder (fixtures under ``TESTS / "data"``)
TESTS = Path(__file__).resolve().parent
#: the repository root
ROOT = TESTS.parent
