"""Every user-facing string, in Chinese and English, from one place.

Strings live in ``threec_helpers/locale/*.yaml``: one file per concept (``common.yaml``,
``validation.yaml``, ``spc.yaml``, ...), each a mapping of dotted keys to ``{zh: ..., en: ...}``.
A key is unique across all files. Strings may hold ``str.format`` fields::

    validation.rule.unique:
      zh: "{column} 的值必须唯一"
      en: "values of {column} must be unique"

Use :func:`t` to get a string and the ``fmt_*`` functions to format numbers the same way
in every report (``92.42%``, ``51,084``).
"""

from __future__ import annotations

import math
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

#: libyaml's safe loader when PyYAML has it (10x faster: the catalog is read at every kernel start)
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

LANGUAGES = ("zh", "en")
DEFAULT_LANG = "zh"


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, str]]:
    """Return every string of every locale file, keyed by its dotted key.

    Returns
    -------
    dict of str to dict
        Key -> ``{"zh": ..., "en": ...}``.

    Raises
    ------
    ValueError
        If a key is defined twice or lacks one of the languages.

    See Also
    --------
    t : one string, translated and filled.

    Examples
    --------
    >>> catalog()["common.yes"]
    {'zh': '是', 'en': 'yes'}
    """
    merged: dict[str, dict[str, str]] = {}
    folder = resources.files("threec_helpers") / "locale"
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml"):
            continue
        data = yaml.load(entry.read_text(encoding="utf-8"), Loader=_SAFE_LOADER) or {}
        for key, texts in data.items():
            if key in merged:
                raise ValueError(f"locale key {key!r} defined twice (again in {entry.name})")
            if not isinstance(texts, dict) or any(lang not in texts for lang in LANGUAGES):
                raise ValueError(f"locale key {key!r} in {entry.name} needs both 'zh' and 'en'")
            merged[key] = {lang: str(texts[lang]) for lang in LANGUAGES}
    return merged


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a supported language, else raise ``ValueError``.

    Parameters
    ----------
    lang : str
        A language code.

    Returns
    -------
    str
        ``lang``, one of :data:`LANGUAGES`.

    Raises
    ------
    ValueError
        For any other code.

    Examples
    --------
    >>> check_lang("en")
    'en'
    """
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    return lang


def t(key: str, lang: str = DEFAULT_LANG, /, **fields: Any) -> str:
    """Translate ``key`` into ``lang`` and fill its format fields.

    Parameters
    ----------
    key : str
        Dotted key, e.g. ``"validation.rule.unique"``.
    lang : {"zh", "en"}
        Output language.
    **fields
        Values for the string's ``{placeholders}``.

    Returns
    -------
    str

    Examples
    --------
    >>> t("common.yes", "en")
    'yes'
    """
    check_lang(lang)
    try:
        text = catalog()[key][lang]
    except KeyError:
        raise KeyError(f"no translation for {key!r}; add it to threec_helpers/locale/") from None
    return text.format(**fields) if fields else text


def has_key(key: str) -> bool:
    """Whether ``key`` has a translation.

    Parameters
    ----------
    key : str
        Dotted key of the string table.

    Returns
    -------
    bool

    See Also
    --------
    t : the translation itself.

    Examples
    --------
    >>> has_key("common.yes"), has_key("common.no_such_key")
    (True, False)
    """
    return key in catalog()


def _is_missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def fmt_int(x: Any) -> str:
    """Format a count with thousands separators: ``51084`` -> ``'51,084'``; missing -> ``'–'``.

    Parameters
    ----------
    x : number or None
        The count (rounded to a whole number).

    Returns
    -------
    str

    See Also
    --------
    fmt_num, fmt_pct, fmt_money : the other number formats of the reports.

    Examples
    --------
    >>> fmt_int(51084), fmt_int(None)
    ('51,084', '–')
    """
    if _is_missing(x):
        return "–"
    return f"{int(round(float(x))):,}"


def fmt_num(x: Any, decimals: int = 1) -> str:
    """Format a number with thousands separators and fixed decimals: ``81.3`` -> ``'81.3'``.

    Parameters
    ----------
    x : number or None
        The number; missing gives ``'–'``.
    decimals : int, default 1
        Digits after the decimal point.

    Returns
    -------
    str

    See Also
    --------
    fmt_int, fmt_pct, fmt_money : the other number formats of the reports.

    Examples
    --------
    >>> fmt_num(12345.678), fmt_num(0.5, 2)
    ('12,345.7', '0.50')
    """
    if _is_missing(x):
        return "–"
    return f"{float(x):,.{decimals}f}"


def fmt_pct(ratio: Any, decimals: int = 2) -> str:
    """Format a ratio as a percentage: ``47213 / 51084`` -> ``'92.42%'``.

    Parameters
    ----------
    ratio : number or None
        The ratio (0.9242 for 92.42 %); missing gives ``'–'``.
    decimals : int, default 2
        Digits after the decimal point.

    Returns
    -------
    str

    See Also
    --------
    fmt_int, fmt_num, fmt_money : the other number formats of the reports.

    Examples
    --------
    >>> fmt_pct(47213 / 51084), fmt_pct(0.5, 0)
    ('92.42%', '50%')
    """
    if _is_missing(ratio):
        return "–"
    return f"{100.0 * float(ratio):,.{decimals}f}%"


def fmt_money(x: Any, currency: str = "CNY", decimals: int = 0) -> str:
    """Format an amount of money: ``fmt_money(1234.6)`` -> ``'¥1,235'``.

    Parameters
    ----------
    x : number or None
        The amount; missing gives ``'–'``.
    currency : str, default "CNY"
        ISO code; CNY, USD, EUR, HKD and TWD have a symbol, others are written as the code.
    decimals : int, default 0
        Digits after the decimal point.

    Returns
    -------
    str

    See Also
    --------
    fmt_int, fmt_num, fmt_pct : the other number formats of the reports.

    Examples
    --------
    (Python rounds halves to even: ``fmt_money(1234.5)`` gives ``'¥1,234'``.)

    >>> fmt_money(1234.6), fmt_money(-20, "USD", 2), fmt_money(5, "GBP")
    ('¥1,235', '-$20.00', 'GBP 5')
    """
    if _is_missing(x):
        return "–"
    symbol = {"CNY": "¥", "RMB": "¥", "USD": "$", "EUR": "€", "HKD": "HK$", "TWD": "NT$"}.get(
        currency.upper(), currency.upper() + " "
    )
    sign = "-" if float(x) < 0 else ""
    return f"{sign}{symbol}{abs(float(x)):,.{decimals}f}"
