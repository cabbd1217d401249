"""Checklist files: the shipped checklists and the errors for broken ones (file + line)."""

from __future__ import annotations

from pathlib import Path

import pytest

from threec_helpers.audit.checklists import (
    CHECKLIST_DIR,
    available_checklists,
    load_checklist,
)
from threec_helpers.errors import ChecklistError, InputError
from testpaths import TESTS

BAD = TESTS / "data" / "checklists_bad"

CUSTOMER_FOCUS_IDS = (
    [f"ORG.{i}" for i in range(1, 8)] + [f"COM.{i}" for i in range(1, 8)] + [f"INF.{i}" for i in range(1, 7)]
)
OBSTETRICS_IDS = {
    "OB.1": ["OB.1.1", "OB.1.2", "OB.1.3"],
    "OB.2": ["OB.2.1", "OB.2.2", "OB.2.3", "OB.2.4"],
    "OB.3": ["OB.3.1", "OB.3.2", "OB.3.3", "OB.3.4", "OB.3.5"],
    "OB.4": ["OB.4.1", "OB.4.2", "OB.4.3"],
    "OB.5": ["OB.5.1", "OB.5.2", "OB.5.3", "OB.5.4"],
}


def test_shipped_checklists_are_listed():
    assert {"customer_focus", "iso9001_2015", "obstetrics_quality"} <= set(available_checklists())
    assert CHECKLIST_DIR.name == "checklists" and CHECKLIST_DIR.parent.name == "data"


def test_customer_focus_has_the_fixed_ids_on_the_maturity_scale():
    cl = load_checklist("customer_focus")
    assert cl.items["item_id"].tolist() == CUSTOMER_FOCUS_IDS
    assert cl.areas["area_id"].tolist() == ["ORG", "COM", "INF"]
    assert set(cl.items["scale"]) == {"maturity"}
    assert (cl.items["scale_min"] == 1).all() and (cl.items["scale_max"] == 5).all()
    assert not cl.items["veto"].any()
    # every item has both languages and evidence
    for col in ("text_zh", "text_en", "evidence_zh", "evidence_en"):
        assert (cl.items[col].str.len() > 0).all(), col
    assert cl.band_for(0.39) == "initial" and cl.band_for(0.40) == "developing"
    assert cl.band_for(0.60) == "established" and cl.band_for(0.80) == "leading"


def test_obstetrics_has_the_fixed_ids_scales_and_vetoes():
    cl = load_checklist("obstetrics_quality")
    assert cl.areas["area_id"].tolist() == list(OBSTETRICS_IDS)
    for area, ids in OBSTETRICS_IDS.items():
        assert cl.items.loc[cl.items["area_id"] == area, "item_id"].tolist() == ids
    items = cl.items.set_index("item_id")
    vetoes = {"OB.2.3", "OB.3.1", "OB.4.3"}
    assert set(items.index[items["veto"]]) == vetoes
    assert (items.loc[list(vetoes), "scale"] == "yes_partial_no").all()
    assert (items.loc[list(vetoes), "veto_min"] == 1).all()  # anything short of "yes" fails
    points = items[items["scale"] == "points"]
    assert len(points) == 16 and (points["scale_max"] == 10).all() and (points["scale_min"] == 0).all()
    assert cl.scales["yes_partial_no"].values == {"yes": 1.0, "partial": 0.5, "no": 0.0}


def test_iso9001_covers_clauses_4_to_10_with_the_key_subclauses():
    cl = load_checklist("iso9001_2015")
    assert cl.areas["area_id"].tolist() == [f"ISO.{c}" for c in range(4, 11)]
    ids = set(cl.items["item_id"])
    assert all(i.startswith("ISO.") for i in ids)
    for must in ("ISO.4.1", "ISO.6.2", "ISO.7.5.1", "ISO.7.5.3", "ISO.9.1.2", "ISO.9.2", "ISO.9.3", "ISO.10.2",
                 "ISO.10.3"):
        assert must in ids
    # each item sits in the area of its clause
    top = cl.items["item_id"].str.split(".").str[1]
    assert (("ISO." + top) == cl.items["area_id"]).all()
    assert (cl.items["reference"].str.startswith("ISO 9001:2015")).all()


def test_load_by_path_and_unknown_name():
    cl = load_checklist(CHECKLIST_DIR / "customer_focus.yaml")
    assert cl.id == "customer_focus"
    with pytest.raises(ChecklistError, match="not found.*customer_focus"):
        load_checklist("no_such_checklist")
    with pytest.raises(ChecklistError, match="not found"):
        load_checklist(BAD / "missing.yaml")


def test_checklist_error_is_an_input_error():
    assert issubclass(ChecklistError, InputError)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("duplicate_item_id", "duplicate_item_id.yaml line 17: item 'ORG.1': duplicate item id (first at line 9)"),
        ("weight_not_number", "weight_not_number.yaml line 19: item 'ORG.3': weight 'high' is not a number"),
        ("unknown_scale", "unknown_scale.yaml line 11: item 'ORG.1': scale 'stars' is not defined"),
        ("target_outside_scale",
         "target_outside_scale.yaml line 12: item 'ORG.1': target 7 is outside the maturity scale 1..5"),
        ("missing_english_text", "missing_english_text.yaml line 8: item 'ORG.1': 'text' lacks the en text"),
        ("misspelt_key", "misspelt_key.yaml line 10: item 'ORG.1': unknown key 'wieght'"),
        ("duplicate_key", "duplicate_key.yaml line 11: duplicate key 'weight' (first at line 10)"),
        ("zero_weight", "zero_weight.yaml line 7: area 'ORG': weight 0 must be greater than 0"),
        ("bad_indentation", "bad_indentation.yaml line 6: malformed YAML"),
        ("not_a_mapping", "not_a_mapping.yaml line 1: expected a mapping"),
    ],
)
def test_broken_checklists_name_file_line_and_item(name, expected):
    with pytest.raises(ChecklistError) as err:
        load_checklist(BAD / f"{name}.yaml")
    msg = str(err.value)
    assert expected in msg
    assert "tests/data/checklists_bad/" in msg  # the file, relative to the repository
    assert msg.rstrip().endswith(".")  # a complete sentence with the fix


def test_python_tags_are_refused_and_not_executed(tmp_path):
    marker = Path("/tmp/threec_pwned")
    marker.unlink(missing_ok=True)
    with pytest.raises(ChecklistError, match=r"python_tag.yaml line 3: .*!!python/\.\.\. are refused"):
        load_checklist(BAD / "python_tag.yaml")
    assert not marker.exists()


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "custom.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_unquoted_yes_no_labels_and_item_max_rescale_the_defaults(tmp_path):
    # YAML 1.1 reads unquoted yes/no as true/false; the loader maps them back to the labels.
    path = _write(tmp_path, """
id: custom
title: {zh: 自定义, en: Custom}
scales:
  yes_partial_no: {values: {yes: 1, partial: 0.5, no: 0}}
areas:
  - id: A
    title: {zh: 甲, en: A}
    items:
      - {id: A1, text: {zh: 一, en: one}, scale: points, max: 20}
      - {id: A2, text: {zh: 二, en: two}, scale: yes_partial_no, veto: true}
""")
    cl = load_checklist(path)
    assert cl.scales["yes_partial_no"].values == {"yes": 1.0, "partial": 0.5, "no": 0.0}
    items = cl.items.set_index("item_id")
    # points default target 8 of 10 and veto_min 6 of 10, rescaled to a max of 20: 16 and 12
    assert items.loc["A1", "scale_max"] == 20 and items.loc["A1", "target"] == 16
    assert items.loc["A1", "weight"] == 1  # default weight
    assert items.loc["A2", "veto_min"] == 1 and items.loc["A2", "target"] == 1
    # default bands when the file has none
    assert cl.bands["band"].tolist() == ["initial", "developing", "established", "leading"]


def test_bands_must_increase(tmp_path):
    path = _write(tmp_path, """
id: custom
title: {zh: 自定义, en: Custom}
bands:
  - {id: low, from_pct: 0, label: {zh: 低, en: low}}
  - {id: high, from_pct: 50, label: {zh: 高, en: high}}
  - {id: mid, from_pct: 30, label: {zh: 中, en: mid}}
areas:
  - id: A
    title: {zh: 甲, en: A}
    items:
      - {id: A1, text: {zh: 一, en: one}, scale: maturity}
""")
    with pytest.raises(ChecklistError, match=r"custom.yaml line 7: band 'mid': from_pct 30 is not above the previous band's"):
        load_checklist(path)
