"""What every notebook kernel pays at start: the imports of its first cell.

A batch starts one kernel per notebook, so a second spent importing is a second per
report. These tests keep the heavy, rarely needed libraries out of the common imports
(a subprocess, so earlier tests' imports do not count), and check that the chart style
written out in ``plots.style`` is the seaborn look it replaces.
"""

from __future__ import annotations

import json
import subprocess
import sys

import matplotlib as mpl
import pytest

FIRST_CELLS = """
from threec_helpers.report import context as nb
from threec_helpers.report import audits as audit_report, phases as phase_report, explore
from threec_helpers.plots import audits, customers, spc, planning, clv
from threec_helpers.plots.style import apply_style
from threec_helpers.i18n import t
apply_style()
t("common.source", "zh", source="x")
import json, sys
print(json.dumps(sorted(m for m in ("seaborn", "scipy.stats", "scipy.integrate") if m in sys.modules)))
"""


def test_first_cells_do_not_import_seaborn_or_scipy_stats_or_integrate():
    out = subprocess.run([sys.executable, "-c", FIRST_CELLS], capture_output=True, text=True, check=True)
    # seaborn (~2.5 s with the scipy.stats it imports) only when a heatmap is drawn;
    # scipy.stats only for capability, target attainment and Spearman correlations
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_chart_style_is_seaborn_whitegrid_with_our_palette():
    sns = pytest.importorskip("seaborn")
    from threec_helpers.plots.style import PALETTE, apply_style

    with mpl.rc_context():
        mpl.rcdefaults()
        sns.set_theme(style="whitegrid", palette=PALETTE)
        reference = dict(mpl.rcParams)
    with mpl.rc_context():
        mpl.rcdefaults()
        apply_style()
        ours = dict(mpl.rcParams)
    # the keys apply_style sets on purpose (CJK font, sizes, dpi), seaborn's own colormap
    # ("rocket", registered by seaborn), and the palette (compared as colours below)
    own = {"font.family", "font.sans-serif", "axes.unicode_minus", "figure.dpi", "savefig.dpi", "axes.titlesize",
           "axes.titleweight", "axes.labelsize", "figure.autolayout", "image.cmap", "axes.prop_cycle"}
    differ = {k for k in reference if k not in own and reference[k] != ours[k]}
    assert not differ, {k: (reference[k], ours[k]) for k in differ}
    to_hex = mpl.colors.to_hex
    assert [to_hex(c) for c in ours["axes.prop_cycle"].by_key()["color"]] == [c.lower() for c in PALETTE]


def test_catalog_reads_the_same_with_the_c_loader():
    import yaml

    from threec_helpers import i18n

    folder = i18n.resources.files("threec_helpers") / "locale"
    for entry in folder.iterdir():
        if entry.name.endswith(".yaml"):
            text = entry.read_text(encoding="utf-8")
            assert yaml.load(text, Loader=i18n._SAFE_LOADER) == yaml.safe_load(text), entry.name
