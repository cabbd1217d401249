"""The data contract document is generated from the code and must not drift from it."""


from threec_helpers.inputs.contract import ENGAGEMENT_TABLES, TABLES, alias_table, normalise_header, render_markdown
from testpaths import ROOT



def test_contract_doc_is_up_to_date():
    doc = (ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    assert doc.rstrip().endswith(render_markdown().rstrip()), (
        "docs/data-contract.md is out of date: regenerate its 'Tables and columns' section with "
        "`python -m threec_helpers.inputs.contract`")


def test_aliases_are_unambiguous_within_each_table():
    for table in TABLES.values():
        seen: dict[str, str] = {}
        for col in table.columns:
            for spelling in (col.name, *col.aliases):
                key = normalise_header(spelling)
                assert seen.get(key, col.name) == col.name, f"{table.name}: '{spelling}' means two columns"
                seen[key] = col.name
        assert len(alias_table(table)) == len(seen)


def test_references_point_to_tables_of_the_same_engagement():
    for engagement, names in ENGAGEMENT_TABLES.items():
        for name in names:
            for col in TABLES[name].columns:
                if col.references:
                    ref_table, ref_col = col.references.split(".")
                    assert ref_table in names, f"{engagement}: {name}.{col.name} -> {ref_table}"
                    assert ref_col in TABLES[ref_table].column_names


def test_every_table_has_a_request_workbook_sheet_title():
    """A table added to the contract needs its sheet name in both languages (request workbooks)."""
    from threec_helpers.inputs.contract import SHEET_TITLES

    assert set(TABLES) <= set(SHEET_TITLES), sorted(set(TABLES) - set(SHEET_TITLES))


def test_every_input_table_has_a_name_in_words():
    """The provenance appendix and the XLSX name every input table in words
    (``notebook.table.<name>``), never by its code name."""
    from threec_helpers.i18n import has_key
    from threec_helpers.inputs.contract import TABLES

    assert [name for name in TABLES if not has_key(f"notebook.table.{name}")] == []
