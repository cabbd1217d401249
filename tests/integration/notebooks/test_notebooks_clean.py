"""Committed notebooks are thin and clean: parameters cell, check cell with its reference
output, no other outputs, no functions or classes (see threec_helpers.nbcheck)."""

import json

import pytest

from threec_helpers.nbcheck import clean, notebooks, problems

ALL = notebooks()


def test_there_are_seven_notebooks():
    names = {p.stem for p in ALL}
    assert names == {"01_registration", "02_analysis", "03_planning", "04_realization", "customer_focus_audit",
                     "iso9001_certification_audit", "clinical_quality_self_assessment"}


@pytest.mark.parametrize("path", ALL, ids=[p.stem for p in ALL])
def test_notebook_is_clean(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert problems(nb) == [], f"{path}: run `python -m threec_helpers.nbcheck refresh {path}`"
    meta = nb["metadata"]
    assert meta["kernelspec"]["name"] == "threec"
    assert meta["threec"]["engagements"] and set(meta["threec"]["title"]) == {"zh", "en"}
    if (nb["nbformat"], nb["nbformat_minor"]) >= (4, 5):  # cell ids are required from 4.5 on
        missing = [i for i, c in enumerate(nb["cells"]) if not c.get("id")]
        assert missing == [], f"{path}: cells {missing} have no id (nbformat warns on every run)"


def test_problems_and_clean_on_a_dirty_notebook():
    nb = {"metadata": {"papermill": {}}, "cells": [
        {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "x = 1", "outputs": [],
         "execution_count": 3},
        {"cell_type": "code", "metadata": {}, "source": "def f():\n    pass", "outputs": [
            {"output_type": "error", "ename": "E", "evalue": "", "traceback": []}], "execution_count": 4},
        {"cell_type": "code", "metadata": {"tags": ["nbval-check-output"]}, "source": "print(1)", "outputs": [],
         "execution_count": None},
    ]}
    found = problems(nb)
    assert any("defines a function" in p for p in found) and any("error" in p for p in found)
    assert any("no stored output" in p for p in found)
    executed = json.loads(json.dumps(nb))
    executed["cells"][2]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "1\n"}]
    cleaned = clean(nb, executed)
    assert cleaned["cells"][0]["execution_count"] is None and cleaned["cells"][1]["outputs"] == []
    assert cleaned["cells"][2]["outputs"][0]["text"] == "1\n" and cleaned["cells"][2]["execution_count"] == 1
    assert "papermill" not in cleaned["metadata"]
