"""Charts of the registration phase: how complete the client's data is."""

from __future__ import annotations

import pandas as pd

from ..i18n import t


def plot_completeness(columns: pd.DataFrame, lang: str = "zh", source: str | None = None):
    """Horizontal bars of the share of filled cells per column (``table.column``).

    Parameters
    ----------
    columns : DataFrame
        :func:`threec_helpers.registration.column_completeness` (``table, column, filled``).
    lang : {"zh", "en"}

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from .style import COLORS, add_source_note, apply_style

    apply_style()
    data = columns.iloc[::-1]
    labels = (data["table"] + "." + data["column"]).tolist()
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.24 * len(data) + 1)))
    filled = data["filled"].to_numpy(dtype=float)
    colors = [COLORS["good"] if v >= 0.95 else COLORS["warn"] if v >= 0.7 else COLORS["bad"] for v in filled]
    ax.barh(range(len(data)), filled, color=colors)
    ax.set_yticks(range(len(data)), labels, fontsize=8)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(t("phases.plot.completeness_x", lang))
    ax.set_title(t("phases.plot.completeness_title", lang))
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return add_source_note(fig, source or t("phases.source.client", lang), lang)
