"""The import paths of the flat layout (before the layers became subpackages) still work for
one release: each old module is the moved module itself, so patches and private names agree."""

import importlib

import pytest

OLD_TO_NEW = {
    "contract": "inputs.contract", "config": "inputs.config", "validation": "inputs.validation",
    "masking": "inputs.masking", "value": "measures.value", "pyramid": "measures.pyramid",
    "behavior": "measures.behavior", "satisfaction": "measures.satisfaction",
    "customer_table": "measures.customer_table", "clv": "measures.clv",
    "opportunities": "measures.opportunities", "registration": "measures.registration",
    "planning": "measures.planning", "realization": "measures.realization",
    "checklists": "audit.checklists", "audits": "audit.scoring", "findings": "audit.findings",
    "objectives": "audit.objectives", "notebook": "report.context", "results": "report.results",
    "explore": "report.explore", "phase_report": "report.phases", "audit_report": "report.audits",
}


@pytest.mark.parametrize("old, new", sorted(OLD_TO_NEW.items()))
def test_old_module_path_is_the_moved_module(old, new):
    module = importlib.import_module(f"threec_helpers.{old}")
    assert module is importlib.import_module(f"threec_helpers.{new}")
    assert module.__spec__.name == f"threec_helpers.{new}"  # the module keeps its own spec


def test_from_package_import_old_name():
    from threec_helpers import phase_report, notebook  # noqa: F401  (the notebooks' old first cell)
    from threec_helpers.report import context, phases

    assert phase_report is phases and notebook is context


def test_old_io_path_reaches_readers_storage_and_arrays():
    from threec_helpers.arrays import sorted_unique
    from threec_helpers.inputs.readers import read_table
    from threec_helpers.io import read_table as old_read, sorted_unique as old_unique, write_text_atomic
    from threec_helpers.storage import write_text_atomic as new_write

    assert old_read is read_table and old_unique is sorted_unique and write_text_atomic is new_write
    with pytest.raises(AttributeError):
        importlib.import_module("threec_helpers.io").no_such_name
