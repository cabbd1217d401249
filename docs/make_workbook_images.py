"""Re-make the pictures of the request workbook and the audit form in ``docs/img/``.

Each picture is the workbook as a spreadsheet program prints it: the workbook is written by
threec from a demo client, LibreOffice (``soffice``, the Debian package ``libreoffice-calc``
that ``python3 bootstrap.py test`` installs) converts it to PDF with the print settings threec
gives every sheet (A4, one page wide, gridlines, sheet name and page number in the footer), and
the page of each wanted sheet is rendered to PNG with pypdfium2 (a test dependency).

Run it from the repository root after changing the layout of either workbook::

    .venv/bin/python docs/make_workbook_images.py

It prints the pictures it wrote. The filled request workbook carries the first rows of each of
the client's tables only, so that the conversion takes seconds; the layout is the same.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pypdfium2
from PIL import Image, ImageChops

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from threec_helpers.audit.checklists import load_checklist  # noqa: E402
from threec_helpers.audit.forms import answers_by_respondent, write_audit_form  # noqa: E402
from threec_helpers.inputs.request import request_lists_from_tables, write_request_workbook  # noqa: E402
from threec_helpers.inputs.validation import validate_client  # noqa: E402

DEMO = ROOT / "data" / "clients"
IMG = ROOT / "docs" / "img"
#: rows of each table kept in the pictured request workbook
ROWS = 25
#: render scale (72 dpi x SCALE) and the tallest picture kept, in pixels
SCALE = 2.0
MAX_HEIGHT = 1000


def to_pdf(book: Path, out: Path, profile: Path) -> Path:
    """Convert ``book`` to PDF with LibreOffice headless; return the PDF's path."""
    soffice = shutil.which("soffice") or "/usr/bin/soffice"
    done = subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                           "--convert-to", "pdf", "--outdir", str(out), str(book)],
                          capture_output=True, text=True, timeout=600)
    pdf = out / f"{book.stem}.pdf"
    if done.returncode != 0 or not pdf.exists():
        raise SystemExit(f"LibreOffice could not convert {book.name}: {done.stderr.strip()}")
    return pdf


def first_page_of(pdf: pypdfium2.PdfDocument, sheet: str) -> int:
    """The first page whose footer names ``sheet`` (the footer prints the sheet's name)."""
    for i in range(len(pdf)):
        footer = pdf[i].get_textpage().get_text_bounded(bottom=0, top=60)  # PDF points from the page's foot
        if sheet in footer.split():
            return i
    raise SystemExit(f"no page of sheet {sheet!r} in the PDF")


def save_page(pdf: pypdfium2.PdfDocument, index: int, target: Path) -> Path:
    """Render page ``index``, crop the white margin (and to MAX_HEIGHT), save as a small PNG."""
    image = pdf[index].render(scale=SCALE).to_pil().convert("RGB")
    body = image.crop((0, 0, image.width, image.height - int(60 * SCALE)))  # without the footer
    box = ImageChops.difference(body, Image.new("RGB", body.size, "white")).getbbox()
    if box:
        pad = 12
        left, top, right, bottom = box
        image = image.crop((max(left - pad, 0), max(top - pad, 0), min(right + pad, image.width),
                            min(bottom + pad, image.height, top + MAX_HEIGHT)))
    image.convert("P", palette=Image.ADAPTIVE, colors=128).save(target, optimize=True)
    return target


def main() -> list[Path]:
    """Write the pictures; return their paths."""
    IMG.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        _, config, tables = validate_client("demo_manufacturer", DEMO)
        book = write_request_workbook(config, work / "request_workbook.xlsx",
                                      tables={k: v.head(ROWS) for k, v in tables.items()},
                                      lists=request_lists_from_tables(tables),
                                      contact="王经理 138-0000-0000", due="2026-12-15")
        pdf = pypdfium2.PdfDocument(to_pdf(book, work / "pdf", work / "profile"))
        written.append(save_page(pdf, first_page_of(pdf, "说明"), IMG / "request-workbook-cover.png"))
        written.append(save_page(pdf, first_page_of(pdf, "客户"), IMG / "request-workbook-customers.png"))

        checklist = load_checklist(config.checklist or "customer_focus")
        round_id, forms = answers_by_respondent(tables["focus_responses"], "3c")
        respondent, role, answers = forms[0]
        form = write_audit_form(checklist, work / "audit_form.xlsx", config, round_id=round_id,
                                respondent=respondent, role=role, answers=answers,
                                roles=request_lists_from_tables(tables).get("role", ()))
        pdf = pypdfium2.PdfDocument(to_pdf(form, work / "pdf", work / "profile"))
        written.append(save_page(pdf, 0, IMG / "audit-form.png"))
    return written


if __name__ == "__main__":
    for path in main():
        print(path.relative_to(ROOT))
