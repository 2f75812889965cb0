"""A session fixture's folder built once per test session, also under pytest-xdist.

Each xdist worker runs the session fixtures itself; a refresh of the sample in each
of them would cost a refresh per worker. The workers of one session share their
parent temporary folder, so the first worker that asks builds the folder there under
a file lock and the others wait for it and read it. A build that failed is recorded,
so the other workers fail with the same message instead of building it again.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock


def session_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder that every process of this test session sees."""
    base = tmp_path_factory.getbasetemp()
    # Under xdist a worker's base folder is <the session's>/popen-gwN.
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def build_once(tmp_path_factory: pytest.TempPathFactory, name: str,
               build: Callable[[Path], None]) -> Path:
    """`<session folder>/<name>`, built by `build(path)` in whichever process asks first."""
    root = session_folder(tmp_path_factory) / "across-workers"
    root.mkdir(exist_ok=True)
    target, done, failed = root / name, root / f"{name}.done", root / f"{name}.failed"
    with FileLock(root / f"{name}.lock"):
        if failed.exists():
            pytest.fail(f"{name}, built by another test process, failed:\n{failed.read_text()}",
                        pytrace=False)
        if not done.exists():
            try:
                build(target)
            except BaseException as exc:
                failed.write_text(f"{type(exc).__name__}: {exc}")
                raise
            done.touch()
    return target
