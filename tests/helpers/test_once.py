"""build_once: the session's shared folder is built by one process, whichever asks first."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.helpers.once import build_once, session_folder

ROOT = Path(__file__).resolve().parents[2]

# A process as an xdist worker is: its own base folder under the session's.
WORKER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from tests.helpers.once import build_once

    class Factory:  # what build_once asks of pytest's tmp_path_factory
        def getbasetemp(self):
            return Path(sys.argv[1])

    def build(target):
        with open(Path(sys.argv[2]), "a") as log:
            log.write("built\\n")
        time.sleep(1)  # long enough for the other worker to arrive and wait
        target.mkdir()
        (target / "made").write_text(sys.argv[3])

    print((build_once(Factory(), "home", build) / "made").read_text())
    """
)


def test_two_workers_build_the_folder_once_and_both_read_it(tmp_path):
    session = tmp_path / "session"
    log = tmp_path / "builds.log"
    workers = []
    for name in ("gw0", "gw1"):
        (session / f"popen-{name}").mkdir(parents=True)
        env = {**os.environ, "PYTEST_XDIST_WORKER": name}
        workers.append(subprocess.Popen(
            [sys.executable, "-c", WORKER, str(session / f"popen-{name}"), str(log), name],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outputs = [w.communicate(timeout=60) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    assert log.read_text() == "built\n"
    builder = (session / "across-workers" / "home" / "made").read_text()
    assert [out.strip() for out, _ in outputs] == [builder, builder]


def test_a_failed_build_fails_the_next_asker_with_its_message(tmp_path_factory, tmp_path):
    name = f"failing-{tmp_path.name}"
    calls = []

    def broken(target: Path) -> None:
        calls.append(target)
        raise AssertionError("refresh failed: row 6, column 'vaerdi'")

    with pytest.raises(AssertionError):
        build_once(tmp_path_factory, name, broken)
    with pytest.raises(pytest.fail.Exception, match="row 6, column 'vaerdi'"):
        build_once(tmp_path_factory, name, broken)
    assert len(calls) == 1


def test_outside_xdist_the_session_folder_is_the_base_folder(tmp_path_factory, monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    assert session_folder(tmp_path_factory) == tmp_path_factory.getbasetemp()
