"""Writing outputs safely: atomic files, Parquet and XLSX, spreadsheet-formula neutralising.

Every file threec writes (processed tables, reports, plans, indexes) goes to a temporary
file in the same folder and is then renamed over the target with ``os.replace``, so a crash
or a full disk never leaves a half file that looks whole.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from pathlib import Path
from typing import IO, Iterator

import pandas as pd

def _file_mode() -> int:
    """The mode a normal ``open()`` would give a new file (0666 less the umask); mkstemp gives 0600."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success rename it over ``path``.

    A crash or exception leaves ``path`` as it was (absent or the previous version) and
    removes the temporary file, so no half-written file ever looks complete.

    Examples
    --------
    >>> with atomic_write("reports/x/summary.json") as fh:  # doctest: +SKIP
    ...     json.dump(result, fh)
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    binary = "b" in mode
    try:
        with os.fdopen(fd, mode, encoding=None if binary else encoding) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _file_mode())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_target(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` for a writer that needs a file name (xlsxwriter,
    pyarrow); on success rename it over ``path``, on failure remove it.

    Examples
    --------
    >>> with atomic_target("reports/x/table.csv") as tmp:  # doctest: +SKIP
    ...     pyarrow.csv.write_csv(table, tmp)
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, _file_mode())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically."""
    with atomic_write(path, "wb") as fh:
        fh.write(data)
    return Path(path)


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with atomic_write(path, "w") as fh:
        fh.write(text)
    return Path(path)


def write_parquet_atomic(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` (with its index) to a Parquet file atomically."""
    buf = io.BytesIO()
    frame.to_parquet(buf, index=True)
    return write_bytes_atomic(path, buf.getvalue())


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """Make a text cell safe for spreadsheets: text starting with ``= + - @`` (or a tab/CR)
    gets a leading apostrophe so Excel shows it as text instead of running it (CSV/formula
    injection, OWASP). Numbers and other values pass unchanged.

    Examples
    --------
    >>> neutralise_formula("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_formula(-5)
    -5
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


#: data rows an Excel sheet can hold (1,048,576 rows less the header)
EXCEL_MAX_ROWS = 1_048_575


def write_xlsx_atomic(frames: dict[str, pd.DataFrame], path: str | Path, max_rows: int = EXCEL_MAX_ROWS) -> Path:
    """Write DataFrames as the sheets of one workbook, text cells neutralised, atomically.

    Sheet names are cut to Excel's 31 characters; cells are written as values (never as
    formulas), so a customer called ``=cmd|...`` stays text. A frame with more than
    ``max_rows`` rows is left out and named in an ``omitted`` sheet (write it as CSV).
    """
    omitted = {name: len(frame) for name, frame in frames.items() if len(frame) > max_rows}
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter",
                        engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False}}) as writer:
        if omitted:
            pd.DataFrame({"sheet": list(omitted), "rows": list(omitted.values())}).to_excel(
                writer, sheet_name="omitted", index=False)
        for name, frame in frames.items():
            if name in omitted:
                continue
            safe = frame.copy()
            for col in safe.columns:
                if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col].dtype):
                    safe[col] = safe[col].astype(object).map(neutralise_formula)
            safe.to_excel(writer, sheet_name=str(name)[:31] or "Sheet1", index=False)
    return write_bytes_atomic(path, buf.getvalue())


