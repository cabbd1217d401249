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

    Parameters
    ----------
    path : str or Path
        The file to write; its folder is created if needed.
    mode : str, default "w"
        ``"w"`` for text, ``"wb"`` for bytes.
    encoding : str or None, default "utf-8"
        Text encoding (ignored in binary mode).

    Yields
    ------
    file object
        The open temporary file.

    See Also
    --------
    atomic_target : the same for writers that need a file name.
    write_text_atomic, write_bytes_atomic : one-call versions.

    Examples
    --------
    >>> import json, tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     target = Path(folder) / "x" / "summary.json"
    ...     with atomic_write(target) as fh:
    ...         json.dump({"customers": 3}, fh)
    ...     print(target.read_text())
    {"customers": 3}
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

    Parameters
    ----------
    path : str or Path
        The file to write; its folder is created if needed.

    Yields
    ------
    Path
        The temporary file to write to.

    See Also
    --------
    atomic_write : the same for writers that take an open file.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     target = Path(folder) / "table.csv"
    ...     with atomic_target(target) as tmp:
    ...         pd.DataFrame({"a": [1]}).to_csv(tmp, index=False)
    ...     print(target.read_text().split())
    ['a', '1']
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
    """Write ``data`` to ``path`` atomically.

    Parameters
    ----------
    path : str or Path
        The file to write.
    data : bytes
        Its content.

    Returns
    -------
    Path
        ``path``.

    See Also
    --------
    write_text_atomic : the same for text.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write_bytes_atomic(Path(folder) / "b.bin", b"ok").read_bytes()
    b'ok'
    """
    with atomic_write(path, "wb") as fh:
        fh.write(data)
    return Path(path)


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically.

    Parameters
    ----------
    path : str or Path
        The file to write.
    text : str
        Its content.

    Returns
    -------
    Path
        ``path``.

    See Also
    --------
    write_bytes_atomic : the same for bytes.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write_text_atomic(Path(folder) / "t.txt", "客户").read_text(encoding="utf-8")
    '客户'
    """
    with atomic_write(path, "w") as fh:
        fh.write(text)
    return Path(path)


def write_parquet_atomic(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` (with its index) to a Parquet file atomically.

    Parameters
    ----------
    frame : DataFrame
        The table.
    path : str or Path
        The Parquet file to write.

    Returns
    -------
    Path
        ``path``.

    See Also
    --------
    write_xlsx_atomic : the same for a workbook of several tables.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_parquet_atomic(pd.DataFrame({"a": [1, 2]}), Path(folder) / "t.parquet")
    ...     pd.read_parquet(path)["a"].tolist()
    [1, 2]
    """
    buf = io.BytesIO()
    frame.to_parquet(buf, index=True)
    return write_bytes_atomic(path, buf.getvalue())


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """Make a text cell safe for spreadsheets: text starting with ``= + - @`` (or a tab/CR)
    gets a leading apostrophe so Excel shows it as text instead of running it (CSV/formula
    injection, OWASP). Numbers and other values pass unchanged.

    Parameters
    ----------
    value : object
        A cell value.

    Returns
    -------
    object
        ``value``, with an apostrophe in front if it is text that a spreadsheet would run.

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

    Parameters
    ----------
    frames : dict of str to DataFrame
        Sheet name -> table, in sheet order.
    path : str or Path
        The ``.xlsx`` file to write.
    max_rows : int, default EXCEL_MAX_ROWS
        Largest number of data rows a sheet may take.

    Returns
    -------
    Path
        ``path``.

    See Also
    --------
    neutralise_formula : what is done to each text cell.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_xlsx_atomic({"customers": pd.DataFrame({"name": ["=1+1"]})}, Path(folder) / "t.xlsx")
    ...     pd.read_excel(path, sheet_name="customers", engine="openpyxl")["name"].tolist()
    ["'=1+1"]
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


