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
    """One notebook to execute for one client and period (JSON-serialisable via :meth:`to_dict`).

    Attributes
    ----------
    client_id, period, notebook : str
        What is run; together its :attr:`id`.
    notebook_path, output_dir : str
    parameters : dict
        Passed to the notebook's ``parameters`` cell.
    lang : {"zh", "en"}
    timeout : float
        Seconds it may run.
    formats : tuple of str
        Outputs besides the executed notebook (``html``, ``pdf``, ``slides``, ``xlsx``).
    mask : bool
    kernel_name, data_root : str
    title, client_name, engagement : str
        For the index and the briefing.
    order : int
    sources : dict
        Table -> ``{"file", "sha256"}`` of the inputs.
    input_key, notebook_sha256, key : str
        Fingerprints (:func:`~threec_helpers.batch.plan.job_key`).
    error : dict, optional
        A planning problem (:func:`make_error`): the job is reported as failed, never run.
    declares_mask : bool
        The notebook has a ``mask`` parameter.

    Examples
    --------
    >>> from threec_helpers.batch.jobs import Job
    >>> job = Job(client_id="acme", period="2025", notebook="02_analysis", notebook_path="02_analysis.ipynb",
    ...           output_dir="reports/demo/acme/2025", parameters={"lang": "en"}, lang="en", timeout=600.0,
    ...           formats=("html",), mask=False, kernel_name="python3", data_root="data/clients")
    >>> job.id
    'acme/2025/02_analysis'
    >>> Job.from_dict(job.to_dict()) == job
    True
    """

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
        """``client/period/notebook``."""
        return f"{self.client_id}/{self.period}/{self.notebook}"

    def to_dict(self) -> dict[str, Any]:
        """The job as JSON-serialisable data."""
        d = asdict(self)
        d["formats"] = list(self.formats)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Job:
        """The job :meth:`to_dict` gave ``d``."""
        d = dict(d)
        d["formats"] = tuple(d.get("formats", ()))
        return cls(**d)


def make_error(key: str, **fields: Any) -> dict[str, Any]:
    """A problem as an i18n key and its fields, rendered later in each report's language.

    Parameters
    ----------
    key : str
        Locale key of the message.
    **fields
        Its fields (kept as text).

    Returns
    -------
    dict

    See Also
    --------
    error_text : renders it.

    Examples
    --------
    >>> make_error("batch.error.timeout", seconds=600)
    {'key': 'batch.error.timeout', 'fields': {'seconds': '600'}}
    """
    return {"key": key, "fields": {k: str(v) for k, v in fields.items()}}


def error_from_exception(exc: BaseException) -> dict[str, Any]:
    """:func:`make_error` for an exception (ThreecErrors keep their i18n key).

    Parameters
    ----------
    exc : BaseException

    Returns
    -------
    dict

    Examples
    --------
    >>> from threec_helpers.errors import InputError
    >>> error_from_exception(InputError(key="batch.error.unknown_client", client="x", root="data/clients"))["key"]
    'batch.error.unknown_client'
    >>> error_from_exception(ValueError("bad"))
    {'text': 'bad'}
    """
    if isinstance(exc, ThreecError) and getattr(exc, "key", None):
        return {"key": exc.key, "fields": {k: str(v) for k, v in exc.fields.items()}}
    return {"text": str(exc) or type(exc).__name__}


def error_text(error: dict[str, Any] | None, lang: str = "en") -> str:
    """The text of an error made by :func:`make_error` or :func:`error_from_exception`.

    Parameters
    ----------
    error : dict or None
    lang : {"zh", "en"}

    Returns
    -------
    str
        Empty for no error.

    Examples
    --------
    >>> error_text(make_error("batch.error.crash", detail="boom"), "en")
    'The run failed: boom'
    >>> error_text(make_error("batch.error.crash", detail="boom"), "zh")
    '运行失败：boom'
    """
    if not error:
        return ""
    if "key" in error:
        try:
            return t(error["key"], lang, **error.get("fields", {}))
        except (KeyError, IndexError):
            pass
    return str(error.get("text") or error)
