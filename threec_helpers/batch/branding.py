"""The firm's branding of every panel output: firm name, logo, colours, confidentiality line.

Read from ``branding.yaml`` files, each later one overriding the earlier, key by key
(colours colour by colour):

1. the bundled default (``templates/branding.yaml``: a neutral look, no logo);
2. the firm's file, ``branding.yaml`` beside the client folders (``data/branding.yaml``
   for the default ``data/clients``);
3. a client's own, ``data/clients/<id>/branding.yaml`` (say, a co-branded engagement).

::

    firm: {zh: 某某管理咨询有限公司, en: Example Consulting Ltd.}   # or one text for both
    logo: logo.png            # beside the branding.yaml; PNG, JPEG or SVG, at most 2 MB
    colors: {primary: "#0B3C5D", accent: "#D9A21B"}
    confidentiality: {zh: 保密……, en: Confidential ...}
    pptx_template: firm.pptx  # beside the branding.yaml: the layouts of the PowerPoint deck

The HTML reports, PDFs, slide decks and briefings use it (:mod:`threec_helpers.batch.publish`,
:mod:`threec_helpers.batch.briefing`); a bad file stops with a message in both languages
naming the file and what to change (:class:`BrandingError`).
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BrandingError, InputError  # noqa: F401  (error types re-exported here)
from ..i18n import t

TEMPLATES = Path(__file__).resolve().parent / "templates"
DEFAULT_FILE = TEMPLATES / "branding.yaml"
FILE_NAME = "branding.yaml"
#: keys a branding.yaml may have
KEYS = ("firm", "logo", "colors", "confidentiality", "pptx_template")
#: colours a branding.yaml may set (CSS custom properties of report.css)
COLOURS = ("primary", "accent", "ink", "muted")
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
MAX_LOGO_BYTES = 2 * 1024 * 1024



@dataclass(frozen=True)
class Branding:
    """The merged branding of one client (see the module docstring).

    Attributes
    ----------
    firm, confidentiality : dict
        lang -> text.
    logo : str or None
        The logo as a ``data:`` URI (outputs are self-contained), or None.
    colors : dict
        name (:data:`COLOURS`) -> ``#RRGGBB``.
    sources : tuple of str
        The files read, in order.
    pptx_template : str or None
        The firm's PowerPoint template (a ``.pptx`` path), or None for the bundled one.

    See Also
    --------
    load_branding : merges the files that apply to a client.

    Examples
    --------
    >>> b = Branding(firm={"zh": "某咨询", "en": "Some Consulting"})
    >>> b.text("firm", "en"), b.text("confidentiality", "en")
    ('Some Consulting', '')
    """

    firm: dict[str, str] = field(default_factory=dict)
    confidentiality: dict[str, str] = field(default_factory=dict)
    logo: str | None = None
    colors: dict[str, str] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    pptx_template: str | None = None

    def text(self, name: str, lang: str) -> str:
        """``firm`` or ``confidentiality`` in ``lang`` (the other language when missing)."""
        values = getattr(self, name)
        return values.get(lang) or next(iter(values.values()), "")

    def css(self) -> str:
        """CSS custom properties overriding report.css's colours."""
        props = "".join(f" --{name}: {value};" for name, value in sorted(self.colors.items()))
        return f":root {{{props} }}\n" if props else ""

    def context(self, lang: str) -> dict[str, Any]:
        """What the templates use: ``firm``, ``confidentiality``, ``logo``, ``brand_css``."""
        return {"firm": self.text("firm", lang), "confidentiality": self.text("confidentiality", lang),
                "logo": self.logo, "brand_css": self.css(), "colors": dict(self.colors),
                "pptx_template": self.pptx_template}


def _texts(value: Any, key: str, path: Path) -> dict[str, str]:
    if isinstance(value, str):
        return {"zh": value, "en": value}
    if isinstance(value, dict) and value and all(k in ("zh", "en") and isinstance(v, str) for k, v in value.items()):
        return dict(value)
    raise BrandingError(key="panel.brand.error.bad_text", path=str(path), item=key)


def _logo_uri(logo: Path, path: Path) -> str:
    if not logo.is_file():
        raise BrandingError(key="panel.brand.error.missing_logo", path=str(path), logo=str(logo))
    data = logo.read_bytes()
    if len(data) > MAX_LOGO_BYTES:
        raise BrandingError(key="panel.brand.error.bad_logo", logo=str(logo))
    mime = next((m for magic, m in _LOGO_TYPES.items() if data.startswith(magic)), None)
    if mime is None and logo.suffix.lower() == ".svg" and b"<svg" in data[:4096]:
        if re.search(rb"<script|\son\w+\s*=|href\s*=\s*[\"'](?!#|data:)", data, re.I):
            raise BrandingError(key="panel.brand.error.bad_logo", logo=str(logo))  # no script, no remote fetch
        mime = "image/svg+xml"
    if mime is None:
        raise BrandingError(key="panel.brand.error.bad_logo", logo=str(logo))
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def read_branding_file(path: Path) -> dict[str, Any]:
    """One ``branding.yaml``, checked: texts per language, colours as hex, the logo as a data URI.

    Parameters
    ----------
    path : Path

    Returns
    -------
    dict
        The file's keys, checked (empty for an empty file).

    Raises
    ------
    BrandingError
        Unreadable YAML, an unknown key or colour name, a colour that is not ``#RRGGBB``,
        a missing or unusable logo file.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / FILE_NAME
    >>> _ = path.write_text("firm: Some Consulting\\ncolors: {primary: '#123456'}\\n", encoding="utf-8")
    >>> read_branding_file(path)["colors"]
    {'primary': '#123456'}
    >>> _ = path.write_text("colors: {primary: blue}\\n", encoding="utf-8")
    >>> read_branding_file(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    threec_helpers.errors.BrandingError: ...
    """
    import yaml

    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise BrandingError(key="panel.brand.error.unreadable", path=str(path), detail=detail) from None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise BrandingError(key="panel.brand.error.not_mapping", path=str(path), kind=type(raw).__name__)
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in KEYS:
            raise BrandingError(key="panel.brand.error.unknown_key", path=str(path), item=str(key),
                                allowed=", ".join(KEYS))
        if value is None:
            continue
        if key in ("firm", "confidentiality"):
            out[key] = _texts(value, key, path)
        elif key == "logo":
            out["logo"] = _logo_uri((path.parent / str(value)).resolve(), path)
        elif key == "pptx_template":
            template = (path.parent / str(value)).resolve()
            if not template.is_file() or template.read_bytes()[:4] != b"PK\x03\x04":
                raise BrandingError(key="panel.brand.error.bad_template", path=str(path), template=str(template))
            out["pptx_template"] = str(template)
        elif key == "colors":
            if not isinstance(value, dict):
                raise BrandingError(key="panel.brand.error.bad_colour", path=str(path), name="colors",
                                    value=str(value)[:40])
            colours = {}
            for name, colour in value.items():
                if name not in COLOURS:
                    raise BrandingError(key="panel.brand.error.unknown_colour", path=str(path), name=str(name),
                                        allowed=", ".join(COLOURS))
                if not isinstance(colour, str) or not _HEX.match(colour.strip()):
                    raise BrandingError(key="panel.brand.error.bad_colour", path=str(path), name=str(name),
                                        value=str(colour)[:40])
                colours[name] = colour.strip()
            out["colors"] = colours
    return out


def branding_files(client_id: str | None = None, data_root: str | Path | None = None) -> list[Path]:
    """The branding files that apply, in order (the bundled default first; only files that exist).

    Parameters
    ----------
    client_id : str, optional
        Adds the client folder's ``branding.yaml``.
    data_root : str or Path, optional
        Folder of client folders; its parent may hold a firm-wide ``branding.yaml``.

    Returns
    -------
    list of Path

    See Also
    --------
    load_branding : reads and merges them.

    Examples
    --------
    >>> branding_files(data_root="/nonexistent/clients") == [DEFAULT_FILE]
    True
    """
    from ..paths import data_root as default_root

    root = Path(data_root) if data_root is not None else default_root()
    files = [DEFAULT_FILE, root.parent / FILE_NAME]
    if client_id:
        files.append(root / str(client_id) / FILE_NAME)
    return [f for f in files if f.is_file()]


def load_branding(client_id: str | None = None, data_root: str | Path | None = None) -> Branding:
    """The merged branding of a client (firm-wide file, then the client's own override).

    Parameters
    ----------
    client_id : str, optional
    data_root : path, optional
        The folder of client folders (default :func:`threec_helpers.paths.data_root`); the
        firm-wide file is ``branding.yaml`` in its parent folder.

    Returns
    -------
    Branding

    Examples
    --------
    >>> b = load_branding(data_root="/nonexistent/clients")
    >>> b.logo is None and b.colors["primary"].startswith("#")
    True
    """
    merged: dict[str, Any] = {"firm": {}, "confidentiality": {}, "colors": {}, "logo": None, "pptx_template": None}
    files = branding_files(client_id, data_root)
    for path in files:
        part = read_branding_file(path)
        for key in ("firm", "confidentiality", "colors"):
            merged[key].update(part.get(key) or {})
        if part.get("logo"):
            merged["logo"] = part["logo"]
        if part.get("pptx_template"):
            merged["pptx_template"] = part["pptx_template"]
    for lang in ("zh", "en"):
        merged["firm"].setdefault(lang, t("panel.brand.default_firm", lang))
        merged["confidentiality"].setdefault(lang, t("panel.brand.default_confidential", lang))
    return Branding(firm=merged["firm"], confidentiality=merged["confidentiality"], logo=merged["logo"],
                    colors=merged["colors"], sources=tuple(str(f) for f in files),
                    pptx_template=merged["pptx_template"])


def describe(branding: Branding, lang: str = "en") -> str:
    """One line naming the firm and the files read (for logs).

    Parameters
    ----------
    branding : Branding
    lang : {"zh", "en"}

    Returns
    -------
    str

    Examples
    --------
    >>> describe(Branding(firm={"en": "Some Consulting"}, sources=("/x/branding.yaml",)))
    'Some Consulting (branding.yaml)'
    """
    return f"{branding.text('firm', lang)} ({', '.join(Path(s).name for s in branding.sources) or '-'})"
