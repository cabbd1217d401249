"""Drawing. Every function takes tidy data (computed elsewhere in the package) and column
names, and returns a matplotlib Figure; titles and labels come from :mod:`threec_helpers.i18n`.

One module per concept: :mod:`.style` (fonts, palette, source notes), :mod:`.spc`, ...
"""

from .style import apply_style, add_source_note, cjk_font_name

__all__ = ["apply_style", "add_source_note", "cjk_font_name"]
