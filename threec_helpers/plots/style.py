"""One look for every chart: a CJK-capable font, a palette, readable sizes, source notes.

The CJK font is Noto Sans CJK SC as shipped inside the ``mplfonts`` wheel on PyPI, so a
fresh ``pip install`` is enough for Chinese titles to render (no empty boxes) and no
system font or download is needed. We register the file directly with matplotlib's font
manager instead of calling ``mplfonts``' own set-up, which rewrites matplotlib's config.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import matplotlib


from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from ..i18n import t  # noqa: E402

#: Palette used across the workbench (colour-blind safe, after Okabe & Ito).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
#: Colours with a meaning.
COLORS = {
    "good": "#009E73",
    "bad": "#D55E00",
    "warn": "#E69F00",
    "neutral": "#7F7F7F",
    "primary": "#0072B2",
    "target": "#CC79A7",
}

_CJK_FILE = "NotoSansCJKsc-Regular.otf"


@lru_cache(maxsize=1)
def cjk_font_name() -> str:
    """Register the bundled CJK font with matplotlib and return its family name.

    Returns
    -------
    str
        ``"Noto Sans CJK SC"`` normally. If the font file cannot be found (a broken
        install), raises ``RuntimeError`` rather than silently drawing empty boxes.
    """
    import mplfonts

    path = Path(mplfonts.__file__).parent / "fonts" / _CJK_FILE
    if not path.exists():
        raise RuntimeError(f"CJK font {path} is missing; reinstall the 'mplfonts' package")
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


#: seaborn's ``set_theme(style="whitegrid")`` look ("notebook" context), written out: importing
#: seaborn (and the scipy.stats it pulls in) costs ~2.5 s, paid by every kernel that draws a chart
WHITEGRID = {
    "axes.axisbelow": True, "axes.edgecolor": ".8", "axes.grid": True, "axes.labelcolor": ".15",
    "axes.linewidth": 1.25, "font.size": 12.0, "grid.color": ".8", "grid.linewidth": 1.0,
    "legend.fontsize": 11.0, "legend.title_fontsize": 12.0, "lines.solid_capstyle": "round",
    "patch.edgecolor": "w", "patch.force_edgecolor": True, "text.color": ".15",
    "xtick.bottom": False, "xtick.color": ".15", "xtick.labelsize": 11.0, "xtick.major.size": 6.0,
    "xtick.major.width": 1.25, "xtick.minor.size": 4.0, "xtick.minor.width": 1.0,
    "ytick.left": False, "ytick.color": ".15", "ytick.labelsize": 11.0, "ytick.major.size": 6.0,
    "ytick.major.width": 1.25, "ytick.minor.size": 4.0, "ytick.minor.width": 1.0,
}


def apply_style() -> None:
    """Set matplotlib's rcParams for report charts (CJK font, sizes, palette, grid)."""
    from cycler import cycler

    name = cjk_font_name()
    matplotlib.rcParams.update(WHITEGRID)
    matplotlib.rcParams["axes.prop_cycle"] = cycler(color=PALETTE)
    matplotlib.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [name, "DejaVu Sans"],
            "axes.unicode_minus": False,
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "axes.titlesize": 13,
            "axes.titleweight": "normal",
            "axes.labelsize": 11,
            "figure.autolayout": False,
        }
    )


def add_source_note(fig: Figure, source: str, lang: str = "zh") -> Figure:
    """Write a "Source: ..." note in the bottom-left corner of ``fig`` and return it."""
    fig.text(0.01, 0.005, t("common.source", lang, source=source), fontsize=8, color="#555555",
             ha="left", va="bottom")
    return fig
