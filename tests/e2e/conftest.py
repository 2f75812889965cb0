"""Running the real command in end-to-end tests. The shared homes built with it
(`sample_home`, `published_copy`, `sample_copy`) are fixtures of tests/conftest.py, so
every test folder uses the same one refresh per session."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers.zygote import Zygote

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
CLI = Path(sys.executable).parent / "boligmonitor"


ZYGOTE = Zygote(str(CLI))


def run_cli(*args: str, env: dict | None = None, timeout: float = 600,
            own_process: bool = False) -> subprocess.CompletedProcess:
    """`boligmonitor <args>`: by default a child of this test process's fork server
    (tests/helpers/zygote.py says why it is the same command, ~2 s of imports cheaper);
    `own_process` starts the console script itself."""
    merged = {**os.environ, **(env or {})}
    merged.pop("BOLIGMONITOR_HOME", None)
    merged.pop("BOLIGMONITOR_DATA", None)
    if not own_process:
        return ZYGOTE.run(list(args), merged, timeout=timeout)
    return subprocess.run([str(CLI), *args], capture_output=True, text=True, env=merged,
                          timeout=timeout, check=False)


def digest_tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }
