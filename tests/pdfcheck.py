"""Reading PDFs in tests with PyPI packages (test dependencies), so font and text checks run on
every machine, not only where poppler-utils happens to be installed.

Fonts are listed with pypdf. Text is extracted with pypdfium2 (PDFium, Chromium's PDF engine):
pypdf decodes WeasyPrint's embedded CID encodings one byte at a time and returns NULs between
the characters, where PDFium (like a PDF viewer's copy and paste) returns the text.
"""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader


def _reader(pdf: bytes | str | Path) -> PdfReader:
    if isinstance(pdf, (bytes, bytearray)):
        return PdfReader(io.BytesIO(bytes(pdf)))
    return PdfReader(str(pdf))


def pdf_fonts(pdf: bytes | str | Path) -> set[str]:
    """The base font names used on the pages (subset prefixes such as ``ABCDEF+`` removed)."""
    names: set[str] = set()
    for page in _reader(pdf).pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources is not None else None
        if fonts is None:
            continue
        for ref in fonts.get_object().values():
            base = str(ref.get_object().get("/BaseFont", "")).lstrip("/")
            names.add(base.split("+", 1)[-1])
    return names


def pdf_text(pdf: bytes | str | Path) -> str:
    """The text of every page, in order, as a viewer's copy and paste gives it."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(bytes(pdf) if isinstance(pdf, (bytes, bytearray)) else str(pdf))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in doc)
    finally:
        doc.close()
