"""Exception types: one per failure a user must act on.

Every exception here carries a message written for a consultant (what failed, where, and
what to do). The CLI turns them into a readable report and a non-zero exit code; it never
shows a traceback for a data problem.
"""

from __future__ import annotations


class ThreecError(Exception):
    """Base class of every error the workbench raises on purpose."""

    #: exit code the CLI uses for this error
    exit_code = 1


class InputError(ThreecError):
    """A client's input is missing, unreadable or does not follow the data contract."""

    exit_code = 2


class FileFormatError(InputError):
    """A file cannot be read at all (empty, binary, unknown encoding, corrupt workbook)."""


class ClientConfigError(InputError):
    """``client.yaml`` is missing or malformed."""


class DataValidationError(InputError):
    """One or more rules of the data contract failed; ``report`` lists every problem."""

    def __init__(self, report):
        self.report = report
        super().__init__(report.summary())


class ChecklistError(InputError):
    """A checklist file (``data/checklists/*.yaml``) is malformed."""


class ParameterError(InputError):
    """A notebook or function parameter is of the wrong type or out of range."""


class UnsafePathError(InputError):
    """A path would leave the data or reports root (``..``, absolute path, symlink)."""
