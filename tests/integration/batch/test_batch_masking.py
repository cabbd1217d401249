"""Panel safety: stable pseudonyms for customer ids and names."""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd

from threec_helpers.inputs.masking import (
    compile_scrubber,
    mask_tables,
    pseudonym,
    pseudonym_map,
    text_replacements,
)
from threec_helpers.inputs.validation import load_client


def test_pseudonym_is_hmac_sha256_of_the_id(monkeypatch):
    monkeypatch.delenv("THREEC_MASK_SALT", raising=False)
    # computed by hand: key = SHA-256("threec-mask:acme:"), HMAC-SHA256(key, "C001"), first 6 hex digits
    key = hashlib.sha256(b"threec-mask:acme:").digest()
    expected = hmac.new(key, b"C001", hashlib.sha256).hexdigest().upper()[:6]
    assert pseudonym("C001", "acme", "en") == f"Customer-{expected}"
    assert pseudonym("C001", "acme", "zh") == f"客户-{expected}"


def test_stable_per_client_and_salted(monkeypatch):
    monkeypatch.delenv("THREEC_MASK_SALT", raising=False)
    a = pseudonym("C001", "acme")
    assert a == pseudonym("C001", "acme")  # stable across calls (and runs: no randomness)
    assert a != pseudonym("C001", "other")  # per client
    assert a != pseudonym("C002", "acme")
    monkeypatch.setenv("THREEC_MASK_SALT", "secret")
    assert pseudonym("C001", "acme") != a


def test_map_resolves_collisions_and_stays_one_to_one(monkeypatch):
    monkeypatch.setattr("threec_helpers.inputs.masking.DIGITS", 1)  # force collisions: 16 values only
    ids = [f"C{i:03d}" for i in range(40)]
    mapping = pseudonym_map(ids, "acme", "en")
    assert len(set(mapping.values())) == 40


def test_mask_tables_masks_ids_everywhere_and_names():
    tables = {
        "customers": pd.DataFrame({"customer_id": ["C1", "C2", None], "name": ["Alpha Hotel", None, "X"],
                                   "status": ["active"] * 3}),
        "transactions": pd.DataFrame({"customer_id": ["C2", "C1"], "amount": [1.0, 2.0]}),
    }
    masked = mask_tables(tables, "acme", "en")
    c = masked["customers"]
    t = masked["transactions"]
    assert c.loc[0, "customer_id"].startswith("Customer-")
    assert c.loc[0, "name"] == c.loc[0, "customer_id"]  # the name reads as the pseudonym of its id
    assert pd.isna(c.loc[1, "name"]) and pd.isna(c.loc[2, "customer_id"])  # missing stays missing
    assert t.loc[1, "customer_id"] == c.loc[0, "customer_id"]  # joins still work
    assert list(t["amount"]) == [1.0, 2.0] and list(c["status"]) == ["active"] * 3
    assert tables["customers"].loc[0, "name"] == "Alpha Hotel"  # input untouched


def test_scrubber_replaces_whole_tokens_only():
    scrub = compile_scrubber({"C001": "Customer-AAAAAA", "Alpha Hotel": "Customer-BBBBBB", "华美酒店": "客户-CCCCCC"})
    assert scrub("C001 bought; C0012 did not") == "Customer-AAAAAA bought; C0012 did not"
    assert scrub("<td>Alpha Hotel</td>") == "<td>Customer-BBBBBB</td>"
    assert scrub("华美酒店的销售额") == "客户-CCCCCC的销售额"  # no word spaces in Chinese
    assert compile_scrubber({})("x") == "x"


def test_text_replacements_skip_short_tokens():
    tables = {"customers": pd.DataFrame({"customer_id": ["7", "C001"], "name": ["Al", "Alpha Hotel"]})}
    rep = text_replacements(tables, "acme", "en")
    assert "7" not in rep and "Al" not in rep and "C001" in rep and "Alpha Hotel" in rep
    assert rep["Alpha Hotel"] == rep["C001"]


def test_load_client_mask(client_root):
    plain = load_client("acme", client_root, use_cache=False)
    masked = load_client("acme", client_root, use_cache=False, mask=True)
    assert not set(plain.tables["customers"]["customer_id"]) & set(masked.tables["customers"]["customer_id"])
    assert "Alpha Hotel" not in set(masked.tables["customers"]["name"].dropna())
    # acme's language is en
    assert masked.tables["customers"]["customer_id"].str.startswith("Customer-").all()
    assert set(masked.tables["transactions"]["customer_id"]) <= set(masked.tables["customers"]["customer_id"])
