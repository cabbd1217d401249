"""``client.yaml``: who the client is, which engagement, periods, targets and thresholds.

See ``docs/data-contract.md`` for the file format. :func:`load_client_config` reads it
safely (``yaml.safe_load``: no Python tags), checks every field and raises
:class:`~threec_helpers.errors.ClientConfigError` naming the file, the field and the fix.
"""

from __future__ import annotations

import datetime as dt
import difflib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .contract import ENGAGEMENTS, TABLES
from ..errors import ClientConfigError
from ..i18n import LANGUAGES

CONFIG_FILE = "client.yaml"


@dataclass(frozen=True)
class Period:
    """A reporting period: an id (``"2025"``, ``"2025-Q3"``, ``"2025-10"``) and its dates.

    Attributes
    ----------
    id : str
        The period's name in ``client.yaml`` and in report folders.
    start, end : datetime.date
        First and last day, both included.

    Examples
    --------
    >>> import datetime as dt
    >>> q3 = Period("2025-Q3", dt.date(2025, 7, 1), dt.date(2025, 9, 30))
    >>> q3.contains(dt.date(2025, 9, 30)), q3.contains(dt.date(2025, 10, 1))
    (True, False)
    """

    id: str
    start: dt.date
    end: dt.date

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` falls within the period (both ends included)."""
        return self.start <= day <= self.end


@dataclass(frozen=True)
class PyramidThresholds:
    """Curry's customer pyramid cut-offs, as shares of active customers ranked by revenue.

    Attributes
    ----------
    top, big, medium : float
        Cumulative shares of the active customers, ranked by revenue, in each tier
        (the rest are small).
    inactive_months : int
        Months without a purchase after which a customer counts as inactive.

    Examples
    --------
    >>> PyramidThresholds()
    PyramidThresholds(top=0.01, big=0.04, medium=0.15, inactive_months=12)
    """

    top: float = 0.01
    big: float = 0.04
    medium: float = 0.15
    inactive_months: int = 12


@dataclass(frozen=True)
class TableSource:
    """Where a table's file is, when not at its default name, and how to read it.

    Attributes
    ----------
    file : str
        File name inside the client folder.
    sheet : str or int, optional
        Worksheet of a workbook.
    columns : dict
        The client's headers mapped to canonical column names, e.g. ``{单据日期: date}``,
        so the client's files are never edited.
    date_order : {"dmy", "mdy", "ymd"}, optional
        Order of day and month in this table's dates (overrides the client's).

    Examples
    --------
    >>> TableSource(file="销售明细.xlsx", sheet="2025", columns={"单据日期": "date"}).columns["单据日期"]
    'date'
    """

    file: str | None = None
    sheet: str | int | None = None
    columns: dict[str, str] = field(default_factory=dict)
    date_order: str | None = None


#: kinds of a certified site (``certification.sites[].kind``)
SITE_KINDS = ("head_office", "department", "branch", "site")


@dataclass(frozen=True)
class Site:
    """One site or unit in the scope of certification.

    Attributes
    ----------
    name : dict
        Language -> the site's name.
    kind : str
        ``site`` or a unit's kind.

    Examples
    --------
    >>> Site({"zh": "苏州工厂", "en": "Suzhou plant"}).label("en"), Site({"zh": "总部"}).label("en")
    ('Suzhou plant', '总部')
    """

    name: dict[str, str]
    kind: str = "site"

    def label(self, lang: str) -> str:
        """The site's name in ``lang`` (falls back to the other language)."""
        return self.name.get(lang) or next(iter(self.name.values()))


@dataclass(frozen=True)
class Exclusion:
    """A requirement of the standard declared not applicable (ISO 9001:2015 clause 4.3).

    Attributes
    ----------
    clause : str
        The clause excluded, e.g. ``"8.3"``.
    reason : dict
        Language -> why it does not apply.

    Examples
    --------
    >>> Exclusion("8.3", {"en": "No design work."}).clause
    '8.3'
    """

    clause: str
    reason: dict[str, str]


@dataclass(frozen=True)
class Certification:
    """``client.yaml``'s ``certification`` block: the texts an ISO 9001 briefing opens with.

    A consultant fills them once per client: they are a few sentences, not rows, so they live
    in ``client.yaml`` beside the client's name rather than in a table (the dated, repeated
    facts - milestones, training, management reviews - are tables).

    Attributes
    ----------
    standard : str
        The standard, e.g. ``"ISO 9001:2015"``.
    body : dict
        The certification body, per language.
    programme_start : datetime.date or None
        When the certification programme started.
    quality_policy, objectives_statement, scope, leadership : dict
        Language -> text (clause 5.2 policy, 6.2 objectives statement, 4.3 scope, 5.1 how top
        management leads the programme).
    exclusions : tuple of Exclusion
        Requirements declared not applicable, each with its reason.
    sites : tuple of Site
        Sites and units in the scope.
    baseline : tuple of str or None
        ``(first, last)`` month (``YYYY-MM``) of the period before certification, for "before vs after".

    Examples
    --------
    >>> c = Certification(scope={"zh": "设计与制造"})
    >>> c.standard, c.text("scope", "en"), c.text("leadership", "en")
    ('ISO 9001:2015', '设计与制造', '')
    """

    standard: str = "ISO 9001:2015"
    body: dict[str, str] = field(default_factory=dict)
    programme_start: dt.date | None = None
    quality_policy: dict[str, str] = field(default_factory=dict)
    objectives_statement: dict[str, str] = field(default_factory=dict)
    scope: dict[str, str] = field(default_factory=dict)
    leadership: dict[str, str] = field(default_factory=dict)
    exclusions: tuple[Exclusion, ...] = ()
    sites: tuple[Site, ...] = ()
    baseline: tuple[str, str] | None = None

    def text(self, name: str, lang: str) -> str:
        """The text field ``name`` in ``lang`` (falls back to the other language; ``""`` when not given)."""
        value = getattr(self, name)
        return value.get(lang) or next(iter(value.values()), "") if value else ""


@dataclass(frozen=True)
class ClientConfig:
    """The parsed ``client.yaml`` of one client folder.

    Attributes
    ----------
    client_id : str
        Equal to the client folder's name.
    name : dict
        The client's name by language (``{"zh": ..., "en": ...}``).
    engagement : str
        One of :data:`~threec_helpers.inputs.contract.ENGAGEMENTS`.
    industry, currency, language : str
    periods : tuple of Period
    current_period, previous_period : str
        Ids of ``periods`` (``previous_period`` may be None).
    targets : dict
    pyramid : PyramidThresholds
    checklist : str, optional
        The audit checklist this client is assessed against.
    tables : dict of TableSource
        Files not at their default name, and how to read them.
    date_order : {"dmy", "mdy", "ymd"}, optional
    folder : Path, optional
    extra : dict
        Keys of ``client.yaml`` the workbench does not use itself.

    See Also
    --------
    load_client_config : read and check a client folder's ``client.yaml``.
    parse_client_config : check an already loaded mapping.

    Examples
    --------
    >>> from threec_helpers.paths import client_folder
    >>> cfg = load_client_config(client_folder("demo_telecom"))
    >>> cfg.engagement, cfg.period(cfg.current_period).id == cfg.current_period
    ('iso9001', True)
    """

    client_id: str
    name: dict[str, str]
    engagement: str
    industry: str
    currency: str
    language: str
    periods: tuple[Period, ...]
    current_period: str
    previous_period: str | None
    targets: dict[str, Any] = field(default_factory=dict)
    pyramid: PyramidThresholds = PyramidThresholds()
    checklist: str | None = None
    tables: dict[str, TableSource] = field(default_factory=dict)
    date_order: str | None = None
    folder: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    certification: Certification | None = None

    def display_name(self, lang: str | None = None) -> str:
        """The client's name in ``lang`` (falls back to the other language)."""
        lang = lang or self.language
        return self.name.get(lang) or next(iter(self.name.values()))

    def period(self, period_id: str) -> Period:
        """Return the period with id ``period_id`` (ClientConfigError if unknown)."""
        for p in self.periods:
            if p.id == str(period_id):
                return p
        known = ", ".join(p.id for p in self.periods)
        raise ClientConfigError(key="config.period_unknown", client=self.client_id, period=str(period_id),
                                known=known)


def _err(path: Path, field_name: str, key: str, **fields: Any) -> ClientConfigError:
    """A client.yaml error naming the file and the field; ``config.<key>`` says what is wrong and what to do."""
    return ClientConfigError(key=f"config.{key}", path=path, field=field_name, **fields)


def _as_date(path: Path, field_name: str, value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise _err(path, field_name, "not_a_date", value=repr(value)) from None


def _number(path: Path, field_name: str, value: Any, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _err(path, field_name, "not_a_number_between", value=repr(value), lo=lo, hi=hi)
    if not lo <= float(value) <= hi:
        raise _err(path, field_name, "outside", value=value, lo=lo, hi=hi)
    return float(value)


def _check_overlaps(path: Path, periods: list[Period]) -> None:
    """Periods may not overlap, except that one may hold others whole (a half-year and its months)."""
    ordered = sorted(periods, key=lambda p: (p.start, -p.end.toordinal()))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b.start > a.end:
                break
            nested = (a.start <= b.start and b.end <= a.end) or (b.start <= a.start and a.end <= b.end)
            if not nested:
                raise _err(path, "periods", "periods_overlap", a=a.id, a_start=a.start, a_end=a.end, b=b.id,
                           b_start=b.start, b_end=b.end)


def _target(path: Path, name: str, value: Any) -> Any:
    """A target typed: numbers as float, ``"8%"`` as 0.08; nested mappings checked the same way."""
    if isinstance(value, dict):
        return {str(k): _target(path, f"{name}.{k}", v) for k, v in value.items()}
    if isinstance(value, bool):
        raise _err(path, name, "target_not_a_number", value=repr(value))
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip().replace(",", "")
        try:
            if text.endswith("%"):
                return float(text[:-1]) / 100.0
            return float(text)
        except ValueError:
            pass
    raise _err(path, name, "target_not_a_number", value=repr(value))


def _date_order(path: Path, name: str, value: Any) -> str | None:
    if value is None:
        return None
    if str(value).lower() not in ("dmy", "mdy", "ymd"):
        raise _err(path, name, "date_order", value=repr(value))
    return str(value).lower()


def _bilingual(path: Path, name: str, value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, str):
        return {lang: value for lang in LANGUAGES}
    if isinstance(value, dict) and value and all(k in LANGUAGES and isinstance(v, str) for k, v in value.items()):
        return {str(k): v for k, v in value.items()}
    raise _err(path, name, "bilingual_text", value=repr(value))


_MONTH = __import__("re").compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _certification(path: Path, raw: Any) -> Certification | None:
    """Check the ``certification`` block (see :class:`Certification`)."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise _err(path, "certification", "certification_mapping")
    allowed = {"standard", "body", "programme_start", "quality_policy", "objectives_statement", "scope",
               "leadership", "exclusions", "sites", "baseline"}
    unknown = set(raw) - allowed
    if unknown:
        raise _err(path, "certification", "unknown_keys", keys=", ".join(sorted(map(str, unknown))),
                   allowed=", ".join(sorted(allowed)))
    exclusions = []
    for i, ex in enumerate(raw.get("exclusions") or []):
        where = f"certification.exclusions[{i}]"
        if not isinstance(ex, dict) or "clause" not in ex or "reason" not in ex:
            raise _err(path, where, "exclusion_entry", value=repr(ex))
        exclusions.append(Exclusion(str(ex["clause"]), _bilingual(path, where + ".reason", ex["reason"])))
    sites = []
    for i, site in enumerate(raw.get("sites") or []):
        where = f"certification.sites[{i}]"
        if isinstance(site, (str, dict)) and not (isinstance(site, dict) and "name" in site):
            site = {"name": site}
        if not isinstance(site, dict):
            raise _err(path, where, "site_entry", value=repr(site))
        kind = str(site.get("kind", "site"))
        if kind not in SITE_KINDS:
            raise _err(path, where + ".kind", "site_kind", value=repr(kind), allowed=", ".join(SITE_KINDS))
        sites.append(Site(_bilingual(path, where + ".name", site["name"]), kind))
    baseline = raw.get("baseline")
    if baseline is not None:
        if not (isinstance(baseline, dict) and {"first", "last"} <= set(baseline)
                and all(_MONTH.match(str(baseline[k])) for k in ("first", "last"))
                and str(baseline["first"]) <= str(baseline["last"])):
            raise _err(path, "certification.baseline", "baseline", value=repr(baseline))
        baseline = (str(baseline["first"]), str(baseline["last"]))
    start = raw.get("programme_start")
    return Certification(
        standard=str(raw.get("standard", "ISO 9001:2015")),
        body=_bilingual(path, "certification.body", raw.get("body")),
        programme_start=None if start is None else _as_date(path, "certification.programme_start", start),
        quality_policy=_bilingual(path, "certification.quality_policy", raw.get("quality_policy")),
        objectives_statement=_bilingual(path, "certification.objectives_statement", raw.get("objectives_statement")),
        scope=_bilingual(path, "certification.scope", raw.get("scope")),
        leadership=_bilingual(path, "certification.leadership", raw.get("leadership")),
        exclusions=tuple(exclusions), sites=tuple(sites), baseline=baseline,
    )


def parse_client_config(raw: Any, path: Path, folder_name: str | None = None) -> ClientConfig:
    """Check a loaded ``client.yaml`` mapping and return a :class:`ClientConfig`.

    Parameters
    ----------
    raw : object
        What ``yaml.safe_load`` returned.
    path : Path
        The file (for messages).
    folder_name : str, optional
        The client folder's name; ``client_id`` must equal it when given.

    Returns
    -------
    ClientConfig

    Raises
    ------
    ClientConfigError
        Naming the file, the field and what to do.

    See Also
    --------
    load_client_config : read the file first, then this.

    Examples
    --------
    >>> from pathlib import Path
    >>> cfg = parse_client_config({"client_id": "acme", "name": {"zh": "艾克美", "en": "Acme"},
    ...                            "engagement": "3c", "current_period": "2025",
    ...                            "periods": [{"id": "2025", "start": "2025-01-01", "end": "2025-12-31"}]},
    ...                           Path("acme/client.yaml"))
    >>> cfg.display_name("en"), cfg.periods[0].end
    ('Acme', datetime.date(2025, 12, 31))
    >>> parse_client_config([], Path("acme/client.yaml"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    threec_helpers.errors.ClientConfigError: ...
    """
    if not isinstance(raw, dict):
        raise ClientConfigError(key="config.not_a_mapping", path=path, found=type(raw).__name__)
    missing = [k for k in ("client_id", "name", "engagement", "periods", "current_period") if k not in raw]
    if missing:
        raise ClientConfigError(key="config.missing_fields", path=path, fields=", ".join(missing))
    client_id = str(raw["client_id"])
    if folder_name is not None and client_id != folder_name:
        raise _err(path, "client_id", "client_id", value=repr(client_id), folder=repr(folder_name))
    name = raw["name"]
    if isinstance(name, str):
        name = {"zh": name, "en": name}
    elif not (isinstance(name, dict) and name and all(k in LANGUAGES for k in name)):
        raise _err(path, "name", "name", value=repr(name))
    engagement = str(raw["engagement"])
    if engagement not in ENGAGEMENTS:
        raise _err(path, "engagement", "engagement", value=repr(engagement), allowed=", ".join(ENGAGEMENTS))
    language = str(raw.get("language", "zh"))
    if language not in LANGUAGES:
        raise _err(path, "language", "language", value=repr(language))
    periods_raw = raw["periods"]
    if not isinstance(periods_raw, list) or not periods_raw:
        raise _err(path, "periods", "periods_list")
    periods = []
    for i, p in enumerate(periods_raw):
        where = f"periods[{i}]"
        if not isinstance(p, dict) or not {"id", "start", "end"} <= set(p):
            raise _err(path, where, "period_entry", value=repr(p))
        start, end = _as_date(path, where + ".start", p["start"]), _as_date(path, where + ".end", p["end"])
        if end < start:
            raise _err(path, where, "period_ends_before_start", start=start, end=end)
        periods.append(Period(str(p["id"]), start, end))
    ids = [p.id for p in periods]
    if len(set(ids)) != len(ids):
        raise _err(path, "periods", "period_ids_repeat")
    _check_overlaps(path, periods)
    current = str(raw["current_period"])
    previous = raw.get("previous_period")
    for key, value in (("current_period", current), ("previous_period", previous)):
        if value is not None and str(value) not in ids:
            raise _err(path, key, "period_not_listed", value=repr(value), ids=", ".join(ids))
    pyr = raw.get("pyramid") or {}
    if not isinstance(pyr, dict):
        raise _err(path, "pyramid", "pyramid_mapping")
    unknown = set(pyr) - {"top", "big", "medium", "inactive_months"}
    if unknown:
        raise _err(path, "pyramid", "unknown_keys", keys=", ".join(sorted(map(str, unknown))),
                   allowed="top, big, medium, inactive_months")
    defaults = PyramidThresholds()
    pyramid = PyramidThresholds(
        top=_number(path, "pyramid.top", pyr.get("top", defaults.top), 0, 1),
        big=_number(path, "pyramid.big", pyr.get("big", defaults.big), 0, 1),
        medium=_number(path, "pyramid.medium", pyr.get("medium", defaults.medium), 0, 1),
        inactive_months=int(_number(path, "pyramid.inactive_months",
                                    pyr.get("inactive_months", defaults.inactive_months), 1, 120)),
    )
    if pyramid.top + pyramid.big + pyramid.medium > 1:
        raise _err(path, "pyramid", "pyramid_sum")
    targets = raw.get("targets") or {}
    if not isinstance(targets, dict):
        raise _err(path, "targets", "targets_mapping")
    targets = {str(k): _target(path, f"targets.{k}", v) for k, v in targets.items()}
    date_order = _date_order(path, "date_order", raw.get("date_order"))
    tables: dict[str, TableSource] = {}
    tables_raw = raw.get("tables") or {}
    if not isinstance(tables_raw, dict):
        raise _err(path, "tables", "tables_mapping")
    for tname, src in tables_raw.items():
        if tname not in TABLES:
            close = difflib.get_close_matches(str(tname), list(TABLES), n=1)
            raise _err(path, f"tables.{tname}", "table_unknown", value=repr(tname),
                       suggestion=close[0] if close else "-", allowed=", ".join(TABLES))
        if isinstance(src, str):
            src = {"file": src}
        if not isinstance(src, dict) or not ({"file", "columns", "sheet", "date_order"} & set(src)):
            raise _err(path, f"tables.{tname}", "table_source", value=repr(src))
        unknown_keys = set(src) - {"file", "sheet", "columns", "date_order"}
        if unknown_keys:
            raise _err(path, f"tables.{tname}", "unknown_keys", keys=", ".join(sorted(map(str, unknown_keys))),
                       allowed="file, sheet, columns, date_order")
        mapping = src.get("columns") or {}
        if not isinstance(mapping, dict):
            raise _err(path, f"tables.{tname}.columns", "columns_mapping")
        names = TABLES[tname].column_names
        for header, canonical in mapping.items():
            if str(canonical) not in names:
                close = difflib.get_close_matches(str(canonical), names, n=1)
                raise _err(path, f"tables.{tname}.columns.{header}", "column_unknown", value=repr(canonical),
                           table=tname, suggestion=close[0] if close else "-", allowed=", ".join(names))
        targets_of = [str(v) for v in mapping.values()]
        if len(set(targets_of)) != len(targets_of):
            raise _err(path, f"tables.{tname}.columns", "column_twice")
        sheet = src.get("sheet")
        tables[tname] = TableSource(None if src.get("file") is None else str(src["file"]),
                                    sheet if isinstance(sheet, int) or sheet is None else str(sheet),
                                    {str(k): str(v) for k, v in mapping.items()},
                                    _date_order(path, f"tables.{tname}.date_order", src.get("date_order")))
    known = {"client_id", "name", "engagement", "industry", "currency", "language", "periods", "current_period",
             "previous_period", "targets", "pyramid", "checklist", "tables", "date_order", "certification"}
    return ClientConfig(
        client_id=client_id,
        name={k: str(v) for k, v in name.items()},
        engagement=engagement,
        industry=str(raw.get("industry", "")),
        currency=str(raw.get("currency", "CNY")),
        language=language,
        periods=tuple(periods),
        current_period=current,
        previous_period=None if previous is None else str(previous),
        targets=targets,
        pyramid=pyramid,
        checklist=None if raw.get("checklist") is None else str(raw["checklist"]),
        tables=tables,
        date_order=date_order,
        folder=path.parent,
        extra={k: v for k, v in raw.items() if k not in known},
        certification=_certification(path, raw.get("certification")),
    )


def load_client_config(folder: Path) -> ClientConfig:
    """Read and check ``folder/client.yaml``.

    Parameters
    ----------
    folder : Path
        The client folder.

    Returns
    -------
    ClientConfig

    Raises
    ------
    ClientConfigError
        If the file is missing, is not valid YAML, uses Python tags or breaks a rule.

    See Also
    --------
    parse_client_config : the checks, on an already loaded mapping.

    Examples
    --------
    >>> from threec_helpers.paths import client_folder
    >>> load_client_config(client_folder("demo_manufacturer")).client_id
    'demo_manufacturer'
    """
    folder = Path(folder)
    path = folder / CONFIG_FILE
    if not path.is_file():
        raise ClientConfigError(key="config.not_found", path=path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise ClientConfigError(key="config.not_utf8", path=path) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else ("?", "?")
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ClientConfigError(key="config.malformed_yaml", path=path, line=line, column=column,
                                problem=problem) from None
    return parse_client_config(raw, path, folder_name=folder.name)
