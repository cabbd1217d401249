"""The data recorded behind each chart (threec_helpers.plots.chartdata), on small hand-made figures."""

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from threec_helpers.plots import chartdata


def _drawn(fig):
    fig.canvas.draw()
    return chartdata.record(fig)


def test_vertical_bars_with_tick_labels():
    fig = Figure()
    ax = fig.subplots()
    ax.bar(["A", "B", "C"], [3, 5, 2], label="count")
    ax.set_title("Counts")
    rec = _drawn(fig)
    (p,) = rec["panels"]
    assert rec["title"] == "Counts"
    assert p["kind"] == "column" and p["categories"] == ["A", "B", "C"]
    assert p["series"] == [{"name": "count", "values": [3.0, 5.0, 2.0]}]


def test_horizontal_stacked_bars_read_top_to_bottom():
    fig = Figure()
    ax = fig.subplots()
    ax.barh([0, 1], [1, 2], label="major")
    ax.barh([0, 1], [4, 3], left=[1, 2], label="minor")
    ax.set_yticks([0, 1], labels=["4.1", "8.5"])
    (p,) = _drawn(fig)["panels"]
    assert p["kind"] == "bar" and p["stacked"]
    assert p["categories"] == ["8.5", "4.1"]
    assert [s["values"] for s in p["series"]] == [[2.0, 1.0], [3.0, 4.0]]


def test_line_with_constant_reference_line():
    fig = Figure()
    ax = fig.subplots()
    ax.plot([0, 1, 2], [1.0, 2.0, 4.0], marker="o", label="value")
    ax.axhline(2.5, label="centre")
    ax.axvline(1)  # a marker, not data
    ax.set_xticks([0, 1, 2], labels=["Q1", "Q2", "Q3"])
    (p,) = _drawn(fig)["panels"]
    assert p["kind"] == "line" and p["categories"] == ["Q1", "Q2", "Q3"]
    assert p["series"] == [{"name": "value", "values": [1.0, 2.0, 4.0]}, {"name": "centre", "values": [2.5] * 3}]


def test_pie_shares():
    fig = Figure()
    ax = fig.subplots()
    ax.pie([1, 3], labels=["a", "b"])
    (p,) = _drawn(fig)["panels"]
    assert p["kind"] == "pie" and p["categories"] == ["a", "b"]
    assert p["series"][0]["values"] == pytest.approx([0.25, 0.75])


def test_heatmap_one_series_per_row():
    fig = Figure()
    ax = fig.subplots()
    ax.imshow(np.array([[1.0, 2.0], [3.0, 4.0]]))
    ax.set_xticks([0, 1], labels=["x1", "x2"])
    ax.set_yticks([0, 1], labels=["r1", "r2"])
    (p,) = _drawn(fig)["panels"]
    assert p["categories"] == ["x1", "x2"]
    assert [(s["name"], s["values"]) for s in p["series"]] == [("r1", [1.0, 2.0]), ("r2", [3.0, 4.0])]


def test_attached_data_win_and_unreadable_figures_give_no_panel():
    fig = Figure()
    fig.subplots().text(0.5, 0.5, "just text")
    assert _drawn(fig)["panels"] == []
    chartdata.attach(fig, [chartdata.panel("bar", ["top"], [("n", [12])])], "Pyramid")
    assert chartdata.record(fig) == {"title": "Pyramid", "panels": [chartdata.panel("bar", ["top"], [("n", [12])])]}


def test_control_chart_records_centre_and_limits():
    from threec_helpers import spc
    from threec_helpers.plots.spc import plot_control_chart

    fig = plot_control_chart(spc.c([3, 5, 4, 12, 4]), lang="en")
    rec = chartdata.record(fig)
    main = rec["panels"][0]
    assert main["kind"] == "line"
    names = [s["name"] for s in main["series"]]
    assert names == ["Observed", "Centre line", "Upper control limit", "Lower control limit"]
    assert main["series"][0]["values"] == [3.0, 5.0, 4.0, 12.0, 4.0]
    assert main["series"][1]["values"] == pytest.approx([5.6] * 5)  # c chart: centre = mean count 28 / 5


def test_pyramid_is_a_bar_chart_of_customers_per_tier():
    from threec_helpers.measures.pyramid import tier_summary
    from threec_helpers.plots.customers import plot_pyramid

    tb = pd.DataFrame({"tier": ["top", "small", "small", "prospect"], "revenue": [60.0, 30.0, 10.0, 0.0],
                       "net_profit": [20.0, 5.0, -5.0, 0.0]})
    (p,) = chartdata.record(plot_pyramid(tier_summary(tb, lang="en"), lang="en", period="2025"))["panels"]
    assert p["kind"] == "bar" and p["categories"][0] == "Top"
    values = dict(zip(p["categories"], p["series"][0]["values"]))
    assert values["Top"] == 1 and values["Small"] == 2
