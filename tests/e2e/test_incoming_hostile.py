"""A refresh through the real command with hostile entries in incoming/ (a FIFO, links to
a system file and to /dev/zero) and umask 000: it finishes, rejects each entry by its
type without reading it, and keeps the private files owner-only."""

import os
import stat
import subprocess

import pytest

from tests.e2e.conftest import CLI

pytestmark = pytest.mark.e2e


def test_refresh_rejects_links_and_fifos_in_incoming_and_keeps_private_files_private(
        tmp_path, sample_copy):
    box = sample_copy / "incoming"
    box.mkdir()
    os.mkfifo(box / "kaas_2026-01-05.csv")
    (box / "national.csv").symlink_to("/etc/passwd")
    (box / "kaas_nul.csv").symlink_to("/dev/zero")
    wave = box / "beboer2030"
    wave.mkdir()
    (wave / "wave.json").symlink_to(sample_copy / "survey" / "2023" / "wave.json")
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOLIGMONITOR_")}
    # The timeout is only a safety net: a refresh that opened the FIFO would never end.
    done = subprocess.run([str(CLI), "refresh", "--home", str(home), "--data",
                           str(sample_copy)], capture_output=True, text=True, env=env,
                          timeout=900, check=False, preexec_fn=lambda: os.umask(0))
    assert done.returncode == 0, done.stderr[-3000:]

    expected = {
        "kaas_2026-01-05.csv": "incoming/kaas_2026-01-05.csv is a FIFO (named pipe)",
        "national.csv": "incoming/national.csv is a symbolic link",
        "kaas_nul.csv": "incoming/kaas_nul.csv is a symbolic link",
        "beboer2030": "incoming/beboer2030/wave.json is a symbolic link",
    }
    for name, says in expected.items():
        report = (box / f"{name}.error.txt").read_text(encoding="utf-8")
        assert says in report and "expected a regular file or a folder" in report
        assert "root:" not in report
        assert os.path.lexists(box / name)  # left where it was
    assert stat.S_ISFIFO(os.lstat(box / "kaas_2026-01-05.csv").st_mode)
    assert not (sample_copy / "reference" / "national.csv").is_symlink()

    for folder in ("warehouse", "raw", "dagster", "cache"):
        assert stat.S_IMODE((home / folder).stat().st_mode) == 0o700, folder
    copies = [p for p in (home / "raw").rglob("*") if p.is_file()]
    assert copies and all(stat.S_IMODE(p.stat().st_mode) == 0o400 for p in copies)
