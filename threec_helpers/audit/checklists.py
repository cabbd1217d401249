"""Audit checklists: loading and validating ``data/checklists/*.yaml``.

A checklist is a YAML file of *areas* holding *items*. Each item has an id, a text in
Chinese and English, a weight, a scoring scale, the evidence an auditor should see, an
optional one-vote-veto flag and a reference (an ISO clause, a licensing standard). The
format is documented in ``docs/audits.md``; the three shipped checklists
(``customer_focus``, ``iso9001_2015``, ``obstetrics_quality``) are examples of it.

:func:`load_checklist` reads a file with a safe YAML loader that remembers the line of
every value, checks every rule and raises :class:`~threec_helpers.errors.ChecklistError`
naming the file, the line, the item and the fix, e.g.::

    data/checklists/x.yaml line 42: item 'ORG.3': weight 'high' is not a number. Give a
    positive number such as 1 or 2.

Scoring lives in :mod:`threec_helpers.audits`.

At about 630 lines this module is over the package's 600-line guide on purpose: most of
it is the validation of the YAML format, one message per rule, which reads best next to the
loader it guards.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ..errors import ChecklistError
from ..paths import checklists_root, project_root

#: the repository's ``data/checklists`` folder (``THREEC_CHECKLISTS_ROOT`` overrides it)
CHECKLIST_DIR = checklists_root()

#: scale kinds: ``range`` accepts any number from min to max; ``choice`` only the listed values
SCALE_KINDS = ("range", "choice")

_TOP_KEYS = {"id", "title", "version", "description", "scales", "bands", "pass_mark", "areas", "reference", "purposes"}
_AREA_KEYS = {"id", "title", "weight", "items", "reference"}
_ITEM_KEYS = {"id", "text", "weight", "scale", "evidence", "veto", "reference", "target", "max", "veto_min"}
_SCALE_KEYS = {"kind", "min", "max", "values", "target", "veto_min", "labels", "title"}
_BAND_KEYS = {"id", "from_pct", "label"}

#: default maturity bands by overall score in percent (lower bound inclusive)
DEFAULT_BANDS: tuple[dict[str, Any], ...] = (
    {"id": "initial", "from_pct": 0.0, "label": {"zh": "初始级", "en": "Initial"}},
    {"id": "developing", "from_pct": 40.0, "label": {"zh": "发展级", "en": "Developing"}},
    {"id": "established", "from_pct": 60.0, "label": {"zh": "规范级", "en": "Established"}},
    {"id": "leading", "from_pct": 80.0, "label": {"zh": "领先级", "en": "Leading"}},
)


# --------------------------------------------------------------------------------------------
# YAML with line numbers
# --------------------------------------------------------------------------------------------


class _LineDict(dict):
    """A dict that remembers its own line and the line of each value (1-based)."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[Any, int] = {}

    def line_of(self, key: Any) -> int:
        return self.lines.get(key, self.line)


class _LineList(list):
    """A list that remembers its own line and the line of each element (1-based)."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[int] = []

    def line_of(self, i: int) -> int:
        return self.lines[i] if i < len(self.lines) else self.line


class _LineLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` (no Python tags) that records line numbers and refuses duplicate keys."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _LineDict:
    loader.flatten_mapping(node)
    out = _LineDict()
    out.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first at line {out.lines[key]})", key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = value_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> _LineList:
    out = _LineList()
    out.line = node.start_mark.line + 1
    for child in node.value:
        out.append(loader.construct_object(child, deep=True))
        out.lines.append(child.start_mark.line + 1)
    return out


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


# --------------------------------------------------------------------------------------------
# Data classes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """A scoring scale.

    Attributes
    ----------
    name : str
        Name used by items (``maturity``, ``yes_partial_no``, ``points``).
    kind : {"range", "choice"}
        ``range``: any number from ``min`` to ``max``; ``choice``: only ``values``.
    min, max : float
        Bounds; a score ``s`` is normalised to ``(s - min) / (max - min)``.
    values : dict
        For ``choice`` scales, answer label -> number (``yes: 1, partial: 0.5, no: 0``).
    target : float
        Default target score of items on this scale (scale units).
    veto_min : float
        Default lowest passing score of veto items on this scale (scale units).
    labels : dict
        Optional labels of scale points, number -> ``{zh, en}``.

    Examples
    --------
    >>> s = Scale("maturity", "range", 1.0, 5.0, target=4.0)
    >>> s.normalise(4.0)
    0.75
    """

    name: str
    kind: str
    min: float
    max: float
    values: dict[str, float] = field(default_factory=dict)
    target: float | None = None
    veto_min: float | None = None
    labels: dict[float, dict[str, str]] = field(default_factory=dict)

    def normalise(self, score: float, max_: float | None = None) -> float:
        """Map ``score`` on this scale to 0-1 (``max_`` overrides the scale's max)."""
        hi = self.max if max_ is None else max_
        return (score - self.min) / (hi - self.min)


#: scales every checklist knows without declaring them (a file may redefine them)
DEFAULT_SCALES: dict[str, Scale] = {
    "maturity": Scale("maturity", "range", 1.0, 5.0, target=4.0, veto_min=3.0, labels={
        1.0: {"zh": "未开展", "en": "Not in place"}, 2.0: {"zh": "初步", "en": "Ad hoc"},
        3.0: {"zh": "已建立", "en": "Defined"}, 4.0: {"zh": "有效运行", "en": "Managed"},
        5.0: {"zh": "持续改进", "en": "Optimising"}}),
    "yes_partial_no": Scale("yes_partial_no", "choice", 0.0, 1.0, values={"yes": 1.0, "partial": 0.5, "no": 0.0},
                            target=1.0, veto_min=1.0),
    "points": Scale("points", "range", 0.0, 10.0, target=8.0, veto_min=6.0),
}


@dataclass(frozen=True)
class Checklist:
    """A loaded, validated checklist.

    Attributes
    ----------
    id : str
        Checklist id (``customer_focus``).
    title : dict
        ``{zh: ..., en: ...}``.
    version : str
    path : Path
        The file it came from.
    scales : dict of str -> Scale
    bands : pandas.DataFrame
        Maturity bands: ``band``, ``from_pct``, ``label_zh``, ``label_en`` (ascending).
    pass_mark : float or None
        Lowest passing overall score in percent, if the checklist has one.
    areas : pandas.DataFrame
        One row per area: ``area_id``, ``area_title_zh``, ``area_title_en``, ``area_weight``,
        ``reference``, ``line``.
    items : pandas.DataFrame
        One row per item: ``area_id``, ``area_title_zh``, ``area_title_en``, ``area_weight``,
        ``item_id``, ``text_zh``, ``text_en``, ``evidence_zh``, ``evidence_en``, ``weight``,
        ``scale``, ``scale_kind``, ``scale_min``, ``scale_max``, ``veto``, ``veto_min``,
        ``reference``, ``target``, ``line``.
    purposes : tuple of dict
        What the assessment is for, each ``{zh: ..., en: ...}`` (optional; the seed's clinical
        self-assessment states four).

    See Also
    --------
    load_checklist : read, check and build in one call.
    resolve_checklist_path : a name or path to the file.
    read_checklist_yaml : the file's YAML with line numbers.
    parse_checklist : the checks and the Checklist.

    Examples
    --------
    >>> cl = load_checklist("customer_focus")
    >>> cl.id, cl.scales["maturity"].max, cl.item_ids[:2]
    ('customer_focus', 5.0, ['ORG.1', 'ORG.2'])
    """

    id: str
    title: dict[str, str]
    version: str
    path: Path
    scales: dict[str, Scale]
    bands: pd.DataFrame
    pass_mark: float | None
    areas: pd.DataFrame
    items: pd.DataFrame
    purposes: tuple[dict[str, str], ...] = ()

    @property
    def item_ids(self) -> list[str]:
        """Item ids in checklist order."""
        return self.items["item_id"].tolist()

    @property
    def display_path(self) -> str:
        """The file's path for messages (relative to the repository when inside it)."""
        return _display(self.path)

    def band_for(self, score: float) -> str | None:
        """Return the band id of an overall score given as a 0-1 ratio (``None`` if missing)."""
        if score is None or (isinstance(score, float) and math.isnan(score)):
            return None
        pct = 100.0 * float(score)
        ok = self.bands[self.bands["from_pct"] <= pct + 1e-9]
        return str(ok["band"].iloc[-1]) if len(ok) else str(self.bands["band"].iloc[0])

    def band_label(self, band: str | None, lang: str = "zh") -> str:
        """The label of band id ``band`` in ``lang``."""
        if band is None:
            return "–"
        row = self.bands[self.bands["band"] == band]
        return str(row[f"label_{lang}"].iloc[0]) if len(row) else str(band)

    def title_in(self, lang: str = "zh") -> str:
        """The checklist's title in ``lang``."""
        return self.title.get(lang) or next(iter(self.title.values()))


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def _display(path: Path) -> str:
    path = Path(path)
    root = project_root()
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


def available_checklists(folder: str | Path | None = None) -> list[str]:
    """List the checklists shipped in ``data/checklists`` (or in ``folder``).

    Parameters
    ----------
    folder : str or Path, optional
        Folder to list; default the repository's ``data/checklists``.

    Returns
    -------
    list of str
        File names without ``.yaml``, sorted.

    Examples
    --------
    >>> "customer_focus" in available_checklists()
    True
    """
    folder = Path(folder) if folder is not None else CHECKLIST_DIR
    if not folder.is_dir():
        return []
    return sorted({p.stem for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()})


def resolve_checklist_path(name_or_path: str | Path) -> Path:
    """Turn a checklist name (``"customer_focus"``) or a path into an existing file path.

    Parameters
    ----------
    name_or_path : str or Path
        A shipped checklist's name (``customer_focus``) or the path of a ``.yaml`` file.

    Returns
    -------
    Path

    Raises
    ------
    ChecklistError
        When no such checklist or file exists (the message lists the shipped ones).

    See Also
    --------
    load_checklist : read, check and build in one call.
    read_checklist_yaml : the file's YAML with line numbers.
    parse_checklist : the checks and the Checklist.

    Examples
    --------
    >>> resolve_checklist_path("customer_focus").name
    'customer_focus.yaml'
    """
    text = str(name_or_path)
    candidate = Path(text)
    if candidate.suffix in (".yaml", ".yml") or "/" in text or "\\" in text or candidate.is_file():
        if not candidate.is_file():
            raise ChecklistError(key="checklists.error.file_not_found", path=candidate,
                                 available=", ".join(available_checklists()) or "none found")
        return candidate
    for suffix in (".yaml", ".yml"):
        path = CHECKLIST_DIR / f"{text}{suffix}"
        if path.is_file():
            return path
    raise ChecklistError(key="checklists.error.name_not_found", name=repr(text), folder=_display(CHECKLIST_DIR),
                         available=", ".join(available_checklists()) or "none")


def read_checklist_yaml(path: str | Path) -> Any:
    """Read a YAML file with a safe loader that records line numbers.

    Mappings come back as dicts with ``.line`` and ``.line_of(key)``; sequences as lists
    with ``.line`` and ``.line_of(i)``. Python tags and duplicate keys are refused.

    Parameters
    ----------
    path : str or Path
        The checklist file.

    Returns
    -------
    object
        The parsed YAML.

    Raises
    ------
    ChecklistError
        If the file is not UTF-8 or not valid YAML.

    See Also
    --------
    load_checklist : read, check and build in one call.
    resolve_checklist_path : a name or path to the file.
    parse_checklist : the checks and the Checklist.

    Examples
    --------
    >>> raw = read_checklist_yaml(resolve_checklist_path("customer_focus"))
    >>> raw["id"], raw.line_of("id")  # the line of the value, for messages
    ('customer_focus', 6)
    """
    path = Path(path)
    where = _display(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ChecklistError(key="checklists.error.not_utf8", where=where) from None
    try:
        return yaml.load(text, Loader=_LineLoader)  # _LineLoader is a SafeLoader: no Python tags
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        problem = str(getattr(exc, "problem", None) or str(exc).splitlines()[0])
        if problem.startswith("duplicate key"):
            raise ChecklistError(key="checklists.error.duplicate_key", where=where, line=line,
                                 problem=problem) from None
        if "constructor" in problem or "python" in problem:
            raise ChecklistError(key="checklists.error.python_tag", where=where, line=line, problem=problem) from None
        raise ChecklistError(key="checklists.error.malformed_yaml", where=where, line=line, problem=problem) from None


class _Checker:
    """Builds error messages ``<file> line N: <what>: <problem>. <fix>``."""

    def __init__(self, path: Path):
        self.where = _display(path)

    def fail(self, line: int, what: str, key: str, **fields: Any) -> ChecklistError:
        """The error of locale ``key``, prefixed with the file, ``line`` and ``what`` (an area, item...)."""
        what = f" {what}:" if what else ""
        return ChecklistError(key=key, where=self.where, line=line, what=what, **fields)

    def text(self, node: Any, key: str, line: int, what: str, required: bool = True) -> dict[str, str]:
        """A ``{zh, en}`` text (a plain string counts for both languages)."""
        if node is None:
            if required:
                raise self.fail(line, what, key="checklists.error.text_missing", name=key)
            return {"zh": "", "en": ""}
        if isinstance(node, str) and node.strip():
            return {"zh": node, "en": node}
        if isinstance(node, dict):
            bad = set(node) - {"zh", "en"}
            if bad:
                first = min(bad, key=str)
                raise self.fail(node.line_of(first) if hasattr(node, "line_of") else line, what,
                                key="checklists.error.text_language", name=key, languages=sorted(map(str, bad)))
            missing = [lang for lang in ("zh", "en") if not isinstance(node.get(lang), str) or not node[lang].strip()]
            if missing:
                raise self.fail(line, what, key="checklists.error.text_lacks", name=key, missing=" and ".join(missing))
            return {"zh": node["zh"], "en": node["en"]}
        raise self.fail(line, what, key="checklists.error.not_text", name=key, value=repr(node))

    def number(self, value: Any, key: str, line: int, what: str, positive: bool = False) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(float(value)):
            if positive:
                raise self.fail(line, what, key="checklists.error.not_number_positive", name=key, value=repr(value))
            raise self.fail(line, what, key="checklists.error.not_number", name=key, value=repr(value))
        if positive and float(value) <= 0:
            raise self.fail(line, what, key="checklists.error.not_positive", name=key, value=repr(value))
        return float(value)

    def unknown_keys(self, node: dict, allowed: set[str], what: str) -> None:
        bad = [k for k in node if k not in allowed]
        if bad:
            raise self.fail(node.line_of(bad[0]), what, key="checklists.error.unknown_key", name=repr(bad[0]),
                            allowed=", ".join(sorted(allowed)))


def _parse_scales(raw: Any, chk: _Checker, top: dict) -> dict[str, Scale]:
    scales = dict(DEFAULT_SCALES)
    if raw is None:
        return scales
    if not isinstance(raw, dict):
        raise chk.fail(top.line_of("scales"), "scales", key="checklists.error.scales_not_mapping")
    for name, spec in raw.items():
        line = raw.line_of(name)
        what = f"scale {name!r}"
        if not isinstance(spec, dict):
            raise chk.fail(line, what, key="checklists.error.scale_not_mapping")
        chk.unknown_keys(spec, _SCALE_KEYS, what)
        base = DEFAULT_SCALES.get(str(name))
        values: dict[str, float] = {}
        if spec.get("values") is not None:
            vals = spec["values"]
            if not isinstance(vals, dict) or not vals:
                raise chk.fail(spec.line_of("values"), what, key="checklists.error.scale_values")
            for label, num in vals.items():
                # YAML 1.1 reads unquoted yes/no/on/off as booleans
                key = {True: "yes", False: "no"}.get(label, label) if isinstance(label, bool) else str(label)
                values[key] = chk.number(num, f"value of {key!r}", vals.line_of(label), what)
        kind = spec.get("kind", "choice" if values else (base.kind if base else "range"))
        if kind not in SCALE_KINDS:
            raise chk.fail(spec.line_of("kind"), what, key="checklists.error.scale_kind", kind=repr(kind))
        if kind == "choice" and not values:
            if base is not None and base.values:
                values = dict(base.values)
            else:
                raise chk.fail(spec.line, what, key="checklists.error.choice_needs_values")
        if values:
            lo, hi = min(values.values()), max(values.values())
        else:
            lo = chk.number(spec.get("min", base.min if base else None), "min", spec.line_of("min"), what)
            hi = chk.number(spec.get("max", base.max if base else None), "max", spec.line_of("max"), what)
        if hi <= lo:
            raise chk.fail(spec.line, what, key="checklists.error.scale_max_min", hi=f"{hi:g}", lo=f"{lo:g}")
        bounds = f"{lo:g}..{hi:g}"
        target = spec.get("target", base.target if base else hi)
        target = chk.number(target, "target", spec.line_of("target"), what)
        veto_min = spec.get("veto_min", base.veto_min if base else hi)
        veto_min = chk.number(veto_min, "veto_min", spec.line_of("veto_min"), what)
        for key, v in (("target", target), ("veto_min", veto_min)):
            if not lo <= v <= hi:
                raise chk.fail(spec.line_of(key), what, key="checklists.error.scale_value_outside", name=key,
                               value=f"{v:g}", bounds=bounds, lo=f"{lo:g}", hi=f"{hi:g}")
        labels: dict[float, dict[str, str]] = {}
        for point, text in (spec.get("labels") or {}).items():
            num = chk.number(point, "label key", spec["labels"].line_of(point), what)
            labels[num] = chk.text(text, f"labels.{point}", spec["labels"].line_of(point), what)
        if not labels and base is not None and base.min == lo and base.max == hi:
            labels = dict(base.labels)
        scales[str(name)] = Scale(str(name), kind, lo, hi, values, target, veto_min, labels)
    return scales


def _parse_bands(raw: Any, chk: _Checker, top: dict) -> pd.DataFrame:
    rows = []
    if raw is None:
        rows = [{"band": b["id"], "from_pct": b["from_pct"], "label_zh": b["label"]["zh"],
                 "label_en": b["label"]["en"]} for b in DEFAULT_BANDS]
        return pd.DataFrame(rows)
    if not isinstance(raw, list) or not raw:
        raise chk.fail(top.line_of("bands"), "bands", key="checklists.error.bands_not_list")
    for i, band in enumerate(raw):
        line = raw.line_of(i)
        if not isinstance(band, dict) or "id" not in band or "from_pct" not in band:
            raise chk.fail(line, f"bands[{i}]", key="checklists.error.band_fields")
        chk.unknown_keys(band, _BAND_KEYS, f"band {band['id']!r}")
        pct = chk.number(band["from_pct"], "from_pct", band.line_of("from_pct"), f"band {band['id']!r}")
        label = chk.text(band.get("label"), "label", line, f"band {band['id']!r}")
        rows.append({"band": str(band["id"]), "from_pct": pct, "label_zh": label["zh"], "label_en": label["en"],
                     "line": line})
    frame = pd.DataFrame(rows)
    if frame["from_pct"].iloc[0] != 0:
        raise chk.fail(rows[0]["line"], "bands", key="checklists.error.band_first")
    not_up = frame["from_pct"].diff() <= 0
    if not_up.any():
        row = frame[not_up].iloc[0]
        raise chk.fail(int(row["line"]), f"band {row['band']!r}", key="checklists.error.band_order",
                       pct=f"{row['from_pct']:g}")
    if frame["band"].duplicated().any():
        row = frame[frame["band"].duplicated()].iloc[0]
        raise chk.fail(int(row["line"]), f"band {row['band']!r}", key="checklists.error.band_repeats")
    return frame.drop(columns="line")


def _within(chk: _Checker, item: dict, key: str, default: float | None, lo: float, hi: float, sname: str,
            what: str) -> float:
    """The item's ``key`` (or ``default``, or the scale's max) as a number on the scale lo..hi."""
    value = item.get(key, default)
    if value is None:
        value = hi
    value = chk.number(value, key, item.line_of(key), what)
    if not lo <= value <= hi:
        raise chk.fail(item.line_of(key), what, key="checklists.error.item_value_outside", name=key, value=f"{value:g}",
                       scale=sname, lo=f"{lo:g}", hi=f"{hi:g}")
    return value


def parse_checklist(raw: Any, path: str | Path) -> Checklist:
    """Check a checklist read by :func:`read_checklist_yaml` and build a :class:`Checklist`.

    Parameters
    ----------
    raw : object
        The parsed YAML (with line numbers).
    path : str or Path
        The file (for messages).

    Returns
    -------
    Checklist

    Raises
    ------
    ChecklistError
        On the first broken rule, naming the file, line and item.

    See Also
    --------
    load_checklist : read, check and build in one call.
    resolve_checklist_path : a name or path to the file.
    read_checklist_yaml : the file's YAML with line numbers.

    Examples
    --------
    >>> import tempfile
    >>> text = ("id: mini\\ntitle: Mini\\nareas:\\n  - id: A\\n    title: Area\\n    items:\\n"
    ...         "      - {id: A.1, text: Item, scale: maturity}\\n")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "mini.yaml"
    ...     _ = path.write_text(text, encoding="utf-8")
    ...     cl = parse_checklist(read_checklist_yaml(path), path)
    >>> cl.id, cl.item_ids, float(cl.items["target"].iloc[0])
    ('mini', ['A.1'], 4.0)
    """
    path = Path(path)
    chk = _Checker(path)
    if not isinstance(raw, dict):
        found = "a list" if isinstance(raw, list) else "nothing" if raw is None else f"a {type(raw).__name__}"
        raise ChecklistError(key="checklists.error.not_mapping", where=chk.where, found=found)
    chk.unknown_keys(raw, _TOP_KEYS, "")
    for key in ("id", "title", "areas"):
        if key not in raw:
            raise chk.fail(1, "", key="checklists.error.required_key", name=key)
    cid = raw["id"]
    if not isinstance(cid, str) or not re.fullmatch(r"[A-Za-z0-9_\-]+", cid):
        raise chk.fail(raw.line_of("id"), "id", key="checklists.error.bad_id", value=repr(cid))
    title = chk.text(raw["title"], "title", raw.line_of("title"), "")
    version = str(raw.get("version", ""))
    scales = _parse_scales(raw.get("scales"), chk, raw)
    bands = _parse_bands(raw.get("bands"), chk, raw)
    pass_mark = raw.get("pass_mark")
    if pass_mark is not None:
        pass_mark = chk.number(pass_mark, "pass_mark", raw.line_of("pass_mark"), "")
        if not 0 <= pass_mark <= 100:
            raise chk.fail(raw.line_of("pass_mark"), "", key="checklists.error.pass_mark", value=f"{pass_mark:g}")

    purposes_raw = raw.get("purposes") or []
    if not isinstance(purposes_raw, list):
        raise chk.fail(raw.line_of("purposes"), "purposes", key="checklists.error.purposes_not_list")
    purposes = tuple(chk.text(p, "purposes", raw.line_of("purposes"), "purposes") for p in purposes_raw)

    areas_raw = raw["areas"]
    if not isinstance(areas_raw, list) or not areas_raw:
        raise chk.fail(raw.line_of("areas"), "areas", key="checklists.error.areas_not_list")
    area_rows: list[dict[str, Any]] = []
    item_rows: list[dict[str, Any]] = []
    seen_items: dict[str, int] = {}
    seen_areas: dict[str, int] = {}
    for a_pos, area in enumerate(areas_raw):
        a_line = areas_raw.line_of(a_pos)
        if not isinstance(area, dict) or "id" not in area:
            raise chk.fail(a_line, f"areas[{a_pos}]", key="checklists.error.area_no_id")
        aid = str(area["id"])
        what = f"area {aid!r}"
        chk.unknown_keys(area, _AREA_KEYS, what)
        if aid in seen_areas:
            raise chk.fail(area.line_of("id"), what, key="checklists.error.area_duplicate", first=seen_areas[aid])
        seen_areas[aid] = area.line_of("id")
        a_title = chk.text(area.get("title"), "title", a_line, what)
        a_weight = chk.number(area.get("weight", 1), "weight", area.line_of("weight"), what, positive=True)
        items_raw = area.get("items")
        if not isinstance(items_raw, list) or not items_raw:
            raise chk.fail(area.line_of("items"), what, key="checklists.error.area_no_items")
        area_rows.append({"area_id": aid, "area_title_zh": a_title["zh"], "area_title_en": a_title["en"],
                          "area_weight": a_weight, "reference": str(area.get("reference") or ""), "line": a_line})
        for i_pos, item in enumerate(items_raw):
            i_line = items_raw.line_of(i_pos)
            if not isinstance(item, dict) or "id" not in item:
                raise chk.fail(i_line, f"{what} items[{i_pos}]", key="checklists.error.item_no_id")
            iid = str(item["id"])
            what_i = f"item {iid!r}"
            id_line = item.line_of("id")
            if iid in seen_items:
                raise chk.fail(id_line, what_i, key="checklists.error.item_duplicate", first=seen_items[iid])
            seen_items[iid] = id_line
            chk.unknown_keys(item, _ITEM_KEYS, what_i)
            text = chk.text(item.get("text"), "text", i_line, what_i)
            evidence = chk.text(item.get("evidence"), "evidence", item.line_of("evidence"), what_i, required=False)
            weight = chk.number(item.get("weight", 1), "weight", item.line_of("weight"), what_i, positive=True)
            sname = item.get("scale")
            if sname is None:
                raise chk.fail(i_line, what_i, key="checklists.error.item_no_scale", scales=", ".join(scales))
            if str(sname) not in scales:
                raise chk.fail(item.line_of("scale"), what_i, key="checklists.error.item_scale_undefined",
                               scale=repr(sname), scales=", ".join(scales))
            scale = scales[str(sname)]
            lo, hi = scale.min, scale.max
            if "max" in item:
                if scale.kind != "range":
                    raise chk.fail(item.line_of("max"), what_i, key="checklists.error.item_max_choice",
                                   scale=repr(sname))
                hi = chk.number(item["max"], "max", item.line_of("max"), what_i)
                if hi <= lo:
                    raise chk.fail(item.line_of("max"), what_i, key="checklists.error.item_max_min", hi=f"{hi:g}",
                                   lo=f"{lo:g}")
            veto = item.get("veto", False)
            if not isinstance(veto, bool):
                raise chk.fail(item.line_of("veto"), what_i, key="checklists.error.item_veto", value=repr(veto))

            default_target = scale.target if scale.target is not None and scale.target <= hi else hi
            if "max" in item and scale.target is not None and scale.max:
                # scale defaults are for the scale's own max; rescale them to the item's max
                default_target = lo + (scale.target - lo) * (hi - lo) / (scale.max - lo)
            target = _within(chk, item, "target", default_target, lo, hi, str(sname), what_i)
            default_veto = scale.veto_min
            if "max" in item and scale.veto_min is not None:
                default_veto = lo + (scale.veto_min - lo) * (hi - lo) / (scale.max - lo)
            veto_min = _within(chk, item, "veto_min", default_veto, lo, hi, str(sname), what_i)
            item_rows.append({
                "area_id": aid, "area_title_zh": a_title["zh"], "area_title_en": a_title["en"],
                "area_weight": a_weight, "item_id": iid, "text_zh": text["zh"], "text_en": text["en"],
                "evidence_zh": evidence["zh"], "evidence_en": evidence["en"], "weight": weight,
                "scale": str(sname), "scale_kind": scale.kind, "scale_min": lo, "scale_max": hi,
                "veto": veto, "veto_min": veto_min if veto else float("nan"),
                "reference": str(item.get("reference") or ""), "target": target, "line": i_line,
            })
    areas = pd.DataFrame(area_rows)
    items = pd.DataFrame(item_rows)
    items["veto"] = items["veto"].astype(bool)
    return Checklist(cid, title, version, path, scales, bands, pass_mark, areas, items, purposes)


def load_checklist(name_or_path: str | Path) -> Checklist:
    """Load and validate a checklist.

    Parameters
    ----------
    name_or_path : str or Path
        A shipped checklist's name (``"customer_focus"``, see :func:`available_checklists`)
        or the path of a ``.yaml`` file.

    Returns
    -------
    Checklist
        With tidy ``areas`` and ``items`` DataFrames.

    Raises
    ------
    ChecklistError
        If the file is missing, not valid YAML or breaks a rule; the message names the file,
        the line, the item and the fix.

    Examples
    --------
    >>> cl = load_checklist("customer_focus")
    >>> row = cl.items.iloc[0]
    >>> row["item_id"], row["scale"], float(row["scale_min"]), float(row["scale_max"])
    ('ORG.1', 'maturity', 1.0, 5.0)
    """
    path = resolve_checklist_path(name_or_path)
    return parse_checklist(read_checklist_yaml(path), path)
