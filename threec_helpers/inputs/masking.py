"""Panel safety: stable pseudonyms for customer names and ids.

An audit panel sees the figures, not who the customers are. With ``--mask`` (``threec run``)
or ``load_client(..., mask=True)`` every customer id and customer name is replaced by a
pseudonym such as ``客户-3F9A2C`` (``Customer-3F9A2C`` in English reports):

- **stable**: the same customer of the same client gets the same pseudonym in every table,
  report, period and run, so joins, counts and period-to-period comparisons still work;
- **not reversible without the data**: the pseudonym is the first 6 hex digits of
  HMAC-SHA256(key, customer_id), where the key is derived from the client id and a
  ``salt`` (``THREEC_MASK_SALT`` when set: set it to a secret to stop anyone who knows the
  customer ids from recomputing pseudonyms);
- **per client**: the same customer id at two clients gets two different pseudonyms.

The name of a customer is replaced by the pseudonym of its id, so a customer's name and id
read the same in a masked report.

Examples
--------
>>> pseudonym("C001", "acme", "en")
'Customer-4B11B4'
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from ..i18n import check_lang

#: columns holding a customer id, in any table of the contract
ID_COLUMNS = ("customer_id",)
#: columns holding a customer name (the ``customers`` table's ``name``)
NAME_COLUMNS = {"customers": ("name",)}
#: pseudonym prefixes
PREFIX = {"zh": "客户-", "en": "Customer-"}
#: hex digits of the pseudonym (6 -> 16.7 million values; collisions are resolved, see below)
DIGITS = 6


def _key(client_id: str, salt: str | None = None) -> bytes:
    salt = os.environ.get("THREEC_MASK_SALT", "") if salt is None else salt
    return hashlib.sha256(f"threec-mask:{client_id}:{salt}".encode()).digest()


def pseudonym(value: str, client_id: str, lang: str = "zh", *, salt: str | None = None) -> str:
    """The stable pseudonym of one customer id.

    Parameters
    ----------
    value : str
        The customer id.
    client_id : str
        The client the customer belongs to (part of the key).
    lang : {"zh", "en"}
        Prefix language (``客户-`` or ``Customer-``).
    salt : str, optional
        Extra secret (default: ``THREEC_MASK_SALT`` or empty).

    Returns
    -------
    str

    Examples
    --------
    >>> pseudonym("C001", "acme", "en") == pseudonym("C001", "acme", "en")
    True
    >>> pseudonym("C001", "acme", "zh").startswith("客户-")
    True
    """
    check_lang(lang)
    digest = hmac.new(_key(client_id, salt), str(value).encode("utf-8"), hashlib.sha256).hexdigest().upper()
    return PREFIX[lang] + digest[:DIGITS]


def pseudonym_map(ids: Iterable[str], client_id: str, lang: str = "zh", *, salt: str | None = None) -> dict[str, str]:
    """Pseudonyms of many ids, with collisions resolved.

    Two ids whose first 6 hex digits collide would merge two customers; the later id (in
    sorted order) then gets 8, 10, ... digits until it is unique, so the map stays
    one-to-one and stable for a given set of ids.

    Parameters
    ----------
    ids : iterable of str
        Customer ids (missing values are left out).
    client_id : str
    lang : {"zh", "en"}
    salt : str, optional
        As in :func:`pseudonym`.

    Returns
    -------
    dict
        id -> pseudonym.

    See Also
    --------
    pseudonym : one id.
    mask_tables : apply the map to loaded tables.

    Examples
    --------
    >>> pseudonym_map(["C001", "C002"], "acme", "en")
    {'C001': 'Customer-4B11B4', 'C002': 'Customer-16786D'}
    """
    check_lang(lang)
    key = _key(client_id, salt)
    out: dict[str, str] = {}
    used: set[str] = set()
    for value in sorted({str(v) for v in ids if v is not None and not (isinstance(v, float) and np.isnan(v))}):
        digest = hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest().upper()
        n = DIGITS
        name = PREFIX[lang] + digest[:n]
        while name in used:
            n += 2
            name = PREFIX[lang] + digest[:n]
        used.add(name)
        out[value] = name
    return out


def customer_names(tables: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    """``{customer name: customer id}`` from the ``customers`` table (empty names left out).

    Parameters
    ----------
    tables : dict of DataFrame
        Loaded tables; only ``customers`` is read.

    Returns
    -------
    dict

    Examples
    --------
    >>> customer_names({"customers": pd.DataFrame({"customer_id": ["C001", "C2"], "name": ["Alpha", None]})})
    {'Alpha': 'C001'}
    """
    customers = tables.get("customers")
    if customers is None or "name" not in customers.columns or "customer_id" not in customers.columns:
        return {}
    frame = customers[["customer_id", "name"]].dropna()
    return dict(zip(frame["name"].astype(str), frame["customer_id"].astype(str)))


def mask_tables(tables: Mapping[str, pd.DataFrame], client_id: str, lang: str = "zh", *,
                salt: str | None = None) -> dict[str, pd.DataFrame]:
    """Return copies of ``tables`` with customer ids and names replaced by pseudonyms.

    Parameters
    ----------
    tables : dict of DataFrame
        Loaded tables (canonical column names).
    client_id : str
    lang : {"zh", "en"}
    salt : str, optional

    Returns
    -------
    dict of DataFrame
        Same keys; ``customer_id`` in every table and ``customers.name`` masked; the other
        columns and the index unchanged. Missing values stay missing.

    Examples
    --------
    >>> t = {"customers": pd.DataFrame({"customer_id": ["C1"], "name": ["Alpha"]})}
    >>> m = mask_tables(t, "acme", "en")
    >>> m["customers"].loc[0, "name"] == m["customers"].loc[0, "customer_id"]
    True
    """
    ids: set[str] = set()
    for frame in tables.values():
        for col in ID_COLUMNS:
            if col in frame.columns:
                ids.update(frame[col].dropna().astype(str).unique().tolist())
    mapping = pseudonym_map(ids, client_id, lang, salt=salt)
    out: dict[str, pd.DataFrame] = {}
    for name, frame in tables.items():
        frame = frame.copy()
        for col in ID_COLUMNS:
            if col in frame.columns:
                frame[col] = _map_column(frame[col], mapping)
        for col in NAME_COLUMNS.get(name, ()):
            if col in frame.columns and "customer_id" in frame.columns:
                frame[col] = frame[col].where(frame[col].isna(), frame["customer_id"])
        out[name] = frame
    return out


def _map_column(values: pd.Series, mapping: dict[str, str]) -> pd.Series:
    text = values.astype("str").where(values.notna())
    return text.map(mapping, na_action="ignore").astype("str").where(values.notna())


def text_replacements(tables: Mapping[str, pd.DataFrame], client_id: str, lang: str = "zh", *,
                      salt: str | None = None, min_length: int = 3) -> dict[str, str]:
    """``{original text: pseudonym}`` for every customer id and name, to scrub free text.

    Used by the batch runner as a safety net over the text a notebook printed (tables,
    markdown, results files). Ids and names shorter than ``min_length`` are left out: a
    one- or two-character token would match ordinary numbers and words.

    Parameters
    ----------
    tables : dict of DataFrame
    client_id : str
    lang : {"zh", "en"}
    salt : str, optional
    min_length : int
        Shortest id or name replaced.

    Returns
    -------
    dict
        Original text -> pseudonym; a customer's name maps to its id's pseudonym.

    See Also
    --------
    compile_scrubber : turn the replacements into a function over text.

    Examples
    --------
    >>> t = {"customers": pd.DataFrame({"customer_id": ["C001", "C2"], "name": ["Alpha Hotel", "Bo"]})}
    >>> text_replacements(t, "acme", "en")
    {'C001': 'Customer-4B11B4', 'Alpha Hotel': 'Customer-4B11B4'}
    """
    ids: set[str] = set()
    for frame in tables.values():
        if "customer_id" in frame.columns:
            ids.update(frame["customer_id"].dropna().astype(str).unique().tolist())
    mapping = pseudonym_map(ids, client_id, lang, salt=salt)
    out = {k: v for k, v in mapping.items() if len(k) >= min_length}
    for name, cid in customer_names(tables).items():
        if len(name) >= min_length and cid in mapping:
            out[name] = mapping[cid]
    return out


def compile_scrubber(replacements: Mapping[str, str]):
    """A function ``str -> str`` replacing every whole-token occurrence of the keys.

    Longer keys win over their prefixes ("Alpha Hotel East" before "Alpha Hotel"); a key
    matches only where it is not part of a longer Latin word or number (so ``C001`` does
    not match inside ``C0012``); Chinese text has no word spaces, so a Chinese name
    matches anywhere.

    Parameters
    ----------
    replacements : dict
        Text -> replacement, e.g. from :func:`text_replacements`.

    Returns
    -------
    callable
        Leaves anything that is not a ``str`` as it is.

    See Also
    --------
    text_replacements : the replacements of a client's customers.

    Examples
    --------
    >>> scrub = compile_scrubber({"Alpha Hotel": "Customer-4B11B4", "C001": "Customer-4B11B4"})
    >>> scrub("Alpha Hotel (C001) is not C0012")
    'Customer-4B11B4 (Customer-4B11B4) is not C0012'
    """
    if not replacements:
        return lambda text: text
    keys = sorted(replacements, key=len, reverse=True)
    pattern = re.compile(r"(?<![A-Za-z0-9_])(?:" + "|".join(re.escape(k) for k in keys) + r")(?![A-Za-z0-9_])")
    return lambda text: pattern.sub(lambda m: replacements[m.group(0)], text) if isinstance(text, str) else text
