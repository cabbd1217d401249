"""Jobs and problems: one notebook for one client and period, and how a problem is recorded.

A :class:`Job` crosses process boundaries (the worker's pipe, Dask), so it is plain data
(:meth:`Job.to_dict` / :meth:`Job.from_dict`). A problem is kept as an i18n key and its
fields (:func:`make_error`) and rendered later in each report's language (:func:`error_text`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ..errors import ThreecError
from ..i18n import t


@dataclass
class Job:
    """One notebook to execute for one client and period (JSON-serialisable via :meth:`to_dict`)."""

    client_id: str
    period: str
    notebook: str
    notebook_path: str
    output_dir: str
    parameters: dict[str, Any]
    lang: str
    timeout: float
    formats: tuple[str, ...]
    mask: bool
    kernel_name: str
    data_root: str
    title: str = ""
    client_name: str = ""
    engagement: str = ""
    order: int = 1000
    sources: dict[str, dict[str, str]] = field(default_factory=dict)
    input_key: str = ""
    notebook_sha256: str = ""
    key: str = ""
    error: dict[str, Any] | None = None
    declares_mask: bool = False

    @property
    def id(self) -> str:
        return f"{self.client_id}/{self.period}/{self.notebook}"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["formats"] = list(self.formats)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Job:
        d = dict(d)
        d["formats"] = tuple(d.get("formats", ()))
        return cls(**d)


def make_error(key: str, **fields: Any) -> dict[str, Any]:
    """A problem as an i18n key and its fields, rendered later in each report's language."""
    return {"key": key, "fields": {k: str(v) for k, v in fields.items()}}


def error_from_exception(exc: BaseException) -> dict[str, Any]:
    """:func:`make_error` for an exception (ThreecErrors keep their i18n key)."""
    if isinstance(exc, ThreecError) and getattr(exc, "key", None):
        return {"key": exc.key, "fields": {k: str(v) for k, v in exc.fields.items()}}
    return {"text": str(exc) or type(exc).__name__}


def error_text(error: dict[str, Any] | None, lang: str = "en") -> str:
    """The text of an error made by :func:`make_error` or :func:`error_from_exception`."""
    if not error:
        return ""
    if "key" in error:
        try:
            return t(error["key"], lang, **error.get("fields", {}))
        except (KeyError, IndexError):
            pass
    return str(error.get("text") or error)
