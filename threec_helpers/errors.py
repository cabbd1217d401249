"""Exception types: one per failure a user must act on.

Every exception here carries a message written for a consultant (what failed, where, and
what to do). The CLI turns them into a readable report and a non-zero exit code; it never
shows a traceback for a data problem.
"""

from __future__ import annotations


class ThreecError(Exception):
    """Base class of every error the workbench raises on purpose.

    Raise it with a plain message, or with ``key=`` (a key of the i18n string table) and
    the string's fields, so the message can be shown in Chinese or English::

        raise FileFormatError(key="io.empty", path=path)
        exc.message("zh")
    """

    #: exit code the CLI uses for this error
    exit_code = 1

    def __init__(self, message: str = "", *, key: str | None = None, **fields):
        self.key = key
        self.fields = fields
        if key is not None:
            from .i18n import t

            message = t(key, "en", **fields)
        super().__init__(message)

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` (``zh`` or ``en``) where a translation exists."""
        if self.key is not None:
            from .i18n import t

            return t(self.key, lang, **self.fields)
        return str(self)


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
        super().__init__(report.summary("en"))

    def message(self, lang: str = "en") -> str:
        return self.report.format_text(lang)


class ChecklistError(InputError):
    """A checklist file (``data/checklists/*.yaml``) is malformed."""


class ParameterError(InputError, ValueError):
    """A notebook or function parameter is of the wrong type or out of range.

    Also a :class:`ValueError`, so code that guards a call with ``except ValueError`` (as
    Python's own functions teach) catches it too.
    """


class UnsafePathError(InputError):
    """A path would leave the data or reports root (``..``, absolute path, symlink)."""


class BrandingError(InputError):
    """A ``branding.yaml`` or its logo cannot be used (the message says which and why)."""


class BatchLockedError(ThreecError):
    """Another run is writing into the same reports folder."""


class ReportsFolderError(ThreecError):
    """The reports folder cannot be created or written."""


class PresentError(ThreecError):
    """Voilà could not be started."""
