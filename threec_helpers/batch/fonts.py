"""The CJK font of the PDF reports: Noto Sans CJK SC from the ``mplfonts`` wheel.

WeasyPrint embeds a subset of every font a PDF uses. Subsetting the 16 MB CFF-flavoured
``NotoSansCJKsc-Regular.otf`` takes ~20 s per PDF, so once per machine we build a
TrueType copy that holds the characters of GB 2312 (all 6,763 simplified hanzi and its
symbols) plus Latin, punctuation and full-width forms (~7,800 glyphs, 2 MB). Subsetting
that takes well under a second. Characters outside it (rare or traditional hanzi) fall
back to the full font, which is slower but never draws an empty box.

The copy is built from the same outlines (cubic curves converted to quadratic within 1
font unit) and cached in ``THREEC_FONT_CACHE`` or ``data/processed/fonts``; building it
takes 10-20 s. ``python -m threec_helpers.batch.fonts`` builds it ahead of time (the
set-up can run it). The SIL Open Font License of Noto CJK allows this derivative.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path

#: bump when the character set or the build changes
FONT_BUILD = 2
FAMILY = "ThreecNotoSansCJKsc"  # unique: fontconfig would match "NotoSansCJKsc" to a system "Noto Sans CJK SC"
FULL_FAMILY = "ThreecNotoSansCJKscFull"
_SOURCE = "NotoSansCJKsc-Regular.otf"


def source_font() -> Path:
    """The full Noto Sans CJK SC file inside the mplfonts package.

    Returns
    -------
    Path

    Raises
    ------
    RuntimeError
        When the package lacks the file (a broken install).

    See Also
    --------
    pdf_font : the subset the PDFs embed.

    Examples
    --------
    >>> source_font().name
    'NotoSansCJKsc-Regular.otf'
    """
    import mplfonts

    path = Path(mplfonts.__file__).parent / "fonts" / _SOURCE
    if not path.is_file():
        raise RuntimeError(f"CJK font {path} is missing; reinstall the 'mplfonts' package")
    return path


def _cache_dirs() -> list[Path]:
    from ..paths import processed_root

    env = os.environ.get("THREEC_FONT_CACHE")
    dirs = [Path(env)] if env else []
    dirs += [processed_root() / "fonts", Path.home() / ".cache" / "threec" / "fonts",
             Path(tempfile.gettempdir()) / "threec-fonts"]
    return dirs


def _charset() -> set[int]:
    chars = set(range(0x20, 0x7F)) | set(range(0xA0, 0x250)) | set(range(0x2000, 0x2070))
    chars |= set(range(0x2100, 0x2200)) | set(range(0x2200, 0x2300)) | set(range(0x2460, 0x24FF))
    chars |= set(range(0x2500, 0x2600)) | set(range(0x2600, 0x2800)) | set(range(0x3000, 0x3040))
    chars |= set(range(0xFF00, 0xFFF0))
    for b1 in range(0xA1, 0xF8):
        for b2 in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(ord(bytes([b1, b2]).decode("gb2312")))
    return chars


def _build(target: Path) -> None:
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont

    src = TTFont(str(source_font()), lazy=True)
    cmap = src.getBestCmap()
    glyph_set = src.getGlyphSet()
    hmtx = src["hmtx"]
    order = [".notdef"]
    mapping: dict[int, str] = {}
    for cp in sorted(_charset()):
        name = cmap.get(cp)
        if name is None:
            continue
        mapping[cp] = name
        if name not in order:
            order.append(name)
    glyphs, metrics = {}, {}
    for name in order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
        metrics[name] = hmtx[name]
    fb = FontBuilder(src["head"].unitsPerEm, isTTF=True)
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap(mapping)
    fb.setupGlyf(glyphs)
    fb.setupHorizontalMetrics(metrics)
    hhea = src["hhea"]
    fb.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent, lineGap=hhea.lineGap)
    fb.setupNameTable({"familyName": FAMILY, "styleName": "Regular",
                       "copyright": "Subset of Noto Sans CJK SC (SIL Open Font License 1.1), built by threec"})
    os2 = src["OS/2"]
    fb.setupOS2(sTypoAscender=os2.sTypoAscender, sTypoDescender=os2.sTypoDescender, sTypoLineGap=os2.sTypoLineGap,
                usWinAscent=os2.usWinAscent, usWinDescent=os2.usWinDescent, ulCodePageRange1=os2.ulCodePageRange1,
                ulUnicodeRange1=os2.ulUnicodeRange1, ulUnicodeRange2=os2.ulUnicodeRange2, fsType=0)
    fb.setupPost()
    from ..storage import atomic_write

    with atomic_write(target, "wb") as fh:
        fb.save(fh)


def pdf_font(build: bool = True) -> Path | None:
    """The cached TrueType subset, built on first use (None when ``build`` is False and it is missing).

    Concurrent callers (several batch workers) wait for one build under a file lock.

    Parameters
    ----------
    build : bool
        Build the subset when it is not cached yet.

    Returns
    -------
    Path or None

    See Also
    --------
    source_font : the full font the subset is cut from.

    Examples
    --------
    >>> pdf_font().suffix, pdf_font(build=False) == pdf_font()
    ('.ttf', True)
    """
    name = f"NotoSansCJKsc-GB2312-{FONT_BUILD}.ttf"
    for folder in _cache_dirs():
        if (folder / name).is_file():
            return folder / name
    if not build:
        return None
    for folder in _cache_dirs():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            lock_path = folder / f".{name}.lock"
            with open(lock_path, "w") as lock:
                try:
                    import fcntl

                    fcntl.flock(lock, fcntl.LOCK_EX)
                except ImportError:  # pragma: no cover - Windows: no lock, atomic rename still protects
                    pass
                if not (folder / name).is_file():
                    _build(folder / name)
            return folder / name
        except OSError:
            continue
    raise RuntimeError("cannot write the PDF font cache anywhere; set THREEC_FONT_CACHE to a writable folder")


@lru_cache(maxsize=1)
def covered_chars() -> frozenset[int]:
    """Code points the cached subset font covers.

    Returns
    -------
    frozenset of int

    Examples
    --------
    >>> ord("中") in covered_chars(), ord("A") in covered_chars()
    (True, True)
    """
    from fontTools.ttLib import TTFont

    path = pdf_font()
    return frozenset(TTFont(str(path), lazy=True).getBestCmap())


def font_face_css(text: str = "") -> str:
    """``@font-face`` rules for the PDF; adds the full font only when ``text`` needs it.

    Parameters
    ----------
    text : str
        The text the PDF will show.

    Returns
    -------
    str
        CSS.

    See Also
    --------
    font_stack : the ``font-family`` that uses these faces.

    Examples
    --------
    >>> font_face_css("中文").count("@font-face"), FULL_FAMILY in font_face_css("中文")
    (1, False)
    """
    path = pdf_font()
    css = f'@font-face {{ font-family: "{FAMILY}"; src: url("{path.resolve().as_uri()}"); }}\n'
    needs_full = any(ord(ch) >= 0x2E80 and ord(ch) not in covered_chars() for ch in set(text))
    if needs_full:
        css += f'@font-face {{ font-family: "{FULL_FAMILY}"; src: url("{source_font().resolve().as_uri()}"); }}\n'
    return css


def font_stack() -> str:
    """CSS ``font-family`` value for the PDF.

    Returns
    -------
    str

    See Also
    --------
    font_face_css : the faces it names.

    Examples
    --------
    >>> font_stack() == f'"{FAMILY}", "{FULL_FAMILY}", sans-serif'
    True
    """
    return f'"{FAMILY}", "{FULL_FAMILY}", sans-serif'


if __name__ == "__main__":  # pragma: no cover - set-up helper
    print(pdf_font())
