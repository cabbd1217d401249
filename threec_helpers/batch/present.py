"""``threec present CLIENT NOTEBOOK``: a notebook as a live dashboard for a panel session.

The notebook is parameterised for the client (papermill, ``prepare_only``: the same
parameters a batch run would pass) into a temporary folder and served by
`Voilà <https://voila.readthedocs.io>`_ on 127.0.0.1 only, with code cells stripped and
tracebacks hidden; widgets stay interactive because a live kernel runs behind the page.
Voilà's own "lab" template links Font Awesome from a CDN; ours (``templates/jupyter/voila/
templates/threec``) is the same page without those links, so nothing is fetched from the
internet and the dashboard works in an offline panel room.
The page is served from this machine; nothing is published.

Ctrl-C and SIGTERM (a terminal closed by a service manager, ``kill``) stop the same way:
Voilà is asked to stop, then whatever it started and left running (its kernels) is
killed (:func:`stop`), and the temporary folder is removed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import threading
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable

from ..errors import InputError, PresentError, ThreecError  # noqa: F401  (error types re-exported here)
from ..i18n import t
from .jobs import error_text
from .plan import plan_batch
from .spec import BatchSpec, ClientSpec


#: a Jupyter data folder holding ``voila/templates/threec`` (see its index.html.j2)
TEMPLATE_ROOT = Path(__file__).resolve().parent / "templates" / "jupyter"
VOILA_TEMPLATE = "threec"



def free_port() -> int:
    """A free TCP port on 127.0.0.1.

    Returns
    -------
    int

    Examples
    --------
    >>> 0 < free_port() < 65536
    True
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(client_id: str, notebook: str, folder: Path, *, period: str | None = None, mask: bool = False,
            data_root: Path | None = None, notebooks_dir: Path | None = None, lang: str | None = None) -> Path:
    """Write the notebook parameterised for ``client_id`` into ``folder``; return its path.

    Parameters
    ----------
    client_id, notebook : str
    folder : Path
        A temporary folder.
    period : str, optional
        Default: the client's current period.
    mask : bool
    data_root, notebooks_dir : Path, optional
    lang : {"zh", "en"}, optional

    Returns
    -------
    Path

    Raises
    ------
    InputError
        Unknown client or notebook, a missing table, or bad parameters.

    See Also
    --------
    start : serves the prepared notebook.

    Examples
    --------
    >>> import tempfile
    >>> prepare("demo_telecom", "iso9001_certification_audit", Path(tempfile.mkdtemp())).name
    'iso9001_certification_audit.ipynb'
    """
    import papermill as pm

    kwargs = {}
    if data_root is not None:
        kwargs["data_root"] = Path(data_root)
    if notebooks_dir is not None:
        kwargs["notebooks_dir"] = Path(notebooks_dir)
    spec = BatchSpec(name="present", clients=[ClientSpec(id=client_id)], notebooks=[notebook],
                     periods=[period or "current"], mask=mask, lang=lang, **kwargs)
    plan = plan_batch(spec, folder / "out")
    job = plan.jobs[0]
    if job.error:
        if "key" in job.error:
            raise InputError(key=job.error["key"], **job.error.get("fields", {}))
        raise InputError(key="batch.error.text", detail=error_text(job.error))
    params = dict(job.parameters)
    if "output_dir" in params:
        (folder / "out").mkdir(parents=True, exist_ok=True)
        params["output_dir"] = str((folder / "out").resolve())
    target = folder / f"{job.notebook}.ipynb"
    pm.execute_notebook(job.notebook_path, str(target), parameters=params, prepare_only=True,
                        kernel_name=job.kernel_name, progress_bar=False)
    import nbformat

    nb = nbformat.read(str(target), as_version=4)
    nb.metadata["kernelspec"] = {"name": job.kernel_name, "display_name": job.kernel_name, "language": "python"}
    nbformat.write(nb, str(target))
    return target


def start(notebook_path: Path, port: int | None = None, *, timeout: float = 120.0,
          log: Path | None = None) -> tuple[subprocess.Popen, str]:
    """Start Voilà on ``notebook_path`` and wait until it answers; return (process, url).

    Parameters
    ----------
    notebook_path : Path
        :func:`prepare`.
    port : int, optional
        Default: a free port.
    timeout : float
        Seconds to wait for an answer.
    log : Path, optional
        Voilà's output.

    Returns
    -------
    (subprocess.Popen, str)

    Raises
    ------
    PresentError
        When Voilà exits or does not answer within ``timeout`` seconds.

    See Also
    --------
    stop : stops it.
    serve : prepare, start and wait.

    Examples
    --------
    >>> start(Path("nothing.ipynb"), timeout=0.0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    threec_helpers.errors.PresentError: Voilà did not start: no answer on http://127.0.0.1:.../ after 0 s
    """
    port = port or free_port()
    url = f"http://127.0.0.1:{port}/"
    cmd = [sys.executable, "-m", "voila", str(notebook_path), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
           "--strip_sources=True", "--show_tracebacks=False", "--theme=light", f"--template={VOILA_TEMPLATE}",
           "--VoilaConfiguration.file_allowlist=[]"]
    out = open(log, "wb") if log else subprocess.DEVNULL
    # a live dashboard: the explorers must be interactive even when started from a batch context
    env = {k: v for k, v in os.environ.items() if k != "THREEC_BATCH"}
    # our template (Voila's "lab" without its CDN links) is found through the Jupyter data path
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(TEMPLATE_ROOT), os.environ.get("JUPYTER_PATH")) if p)
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=str(notebook_path.parent), env=env)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise PresentError(key="batch.present.exited", code=proc.returncode)
            try:
                with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310 - our own server on 127.0.0.1
                    if resp.status == 200:
                        return proc, url
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                time.sleep(0.5)
    except BaseException:  # Ctrl-C or SIGTERM while waiting: Voila must not outlive us
        stop(proc)
        raise
    stop(proc)
    raise PresentError(key="batch.present.no_answer", url=url, seconds=f"{timeout:g}")


def stop(proc: subprocess.Popen, *, timeout: float = 15.0) -> None:
    """Stop a Voilà process started by :func:`start`, and every process it started.

    Voilà is asked to stop (SIGTERM: it shuts its kernels down) and killed after
    ``timeout`` seconds; a kernel or other child still running after that is killed too
    (kernels run in their own session, so they are found by ancestry, not process group).

    Parameters
    ----------
    proc : subprocess.Popen
    timeout : float
        Seconds before it is killed.

    Examples
    --------
    >>> proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    >>> stop(proc)
    >>> proc.poll() is not None
    True
    """
    import psutil

    children: list[psutil.Process] = []
    with contextlib.suppress(psutil.Error):
        children = psutil.Process(proc.pid).children(recursive=True)
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    alive = [c for c in children if _running(c)]
    for child in alive:
        with contextlib.suppress(psutil.Error):
            child.terminate()
    _, alive = psutil.wait_procs(alive, timeout=5)
    for child in alive:
        with contextlib.suppress(psutil.Error):
            child.kill()
    psutil.wait_procs(alive, timeout=5)


def _running(p) -> bool:
    import psutil

    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


@contextlib.contextmanager
def _sigterm_as_interrupt():
    """Within the block, SIGTERM raises KeyboardInterrupt (so it cleans up as Ctrl-C does)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_term(signum, frame):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut the clean-up short
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def serve(client_id: str, notebook: str, *, period: str | None = None, port: int | None = None, mask: bool = False,
          data_root: Path | None = None, lang: str = "zh", echo: Callable[[str], None] = print) -> None:
    """Prepare, start, print the URL and serve until Ctrl-C or SIGTERM (the ``threec present`` command).

    Either way Voilà and its kernels are stopped (:func:`stop`) and the temporary folder removed.

    Parameters
    ----------
    client_id, notebook : str
    period : str, optional
    port : int, optional
    mask : bool
    data_root : Path, optional
    lang : {"zh", "en"}
    echo : callable
        Prints the URL.

    Raises
    ------
    InputError
        From :func:`prepare`.
    PresentError
        From :func:`start`.

    Examples
    --------
    >>> serve("nobody", "02_analysis")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    threec_helpers.errors.InputError: Unknown client nobody: ...
    """
    folder = Path(tempfile.mkdtemp(prefix="threec-present-"))
    try:
        with _sigterm_as_interrupt():
            try:
                nb = prepare(client_id, notebook, folder, period=period, mask=mask, data_root=data_root)
                proc, url = start(nb, port, log=folder / "voila.log")
            except KeyboardInterrupt:
                return
            echo(t("batch.present.serving", lang, url=url))
            try:
                proc.wait()
            except KeyboardInterrupt:
                pass
            finally:
                stop(proc)
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(folder)
