"""`boligmonitor sql` as a separate process on the refreshed sample: pipes, Ctrl-C, --timeout,
the terminal prompt with its history."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import stat
import subprocess
import termios
import time

import pytest

from tests.e2e.conftest import CLI, run_cli

pytestmark = pytest.mark.e2e

ENDLESS = "SELECT count(*) FROM range(1000000000) a, range(1000000000) b"


def clean_env() -> dict:
    env = dict(os.environ)
    env.pop("BOLIGMONITOR_HOME", None)
    env.pop("BOLIGMONITOR_DATA", None)
    return env


def test_a_closed_pipe_ends_quietly(sample_home):
    proc = subprocess.Popen([str(CLI), "sql", "--home", str(sample_home), "--csv",
                             "SELECT * FROM range(10000000)"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=clean_env())
    assert proc.stdout.readline() == b"range\n"
    proc.stdout.close()  # what `| head -1` does after its line
    stderr = proc.stderr.read()
    assert proc.wait(timeout=120) == 141  # the shell's status for SIGPIPE
    assert stderr == b""


def test_full_errors_and_json_lines_on_the_published_warehouse(sample_home):
    wrong = run_cli("sql", "SELECT area_nam FROM mart.areas", "--home", str(sample_home))
    assert wrong.returncode == 1
    assert 'Referenced column "area_nam" not found' in wrong.stderr
    assert 'Candidate bindings: "area_name"' in wrong.stderr
    assert "LINE 1: SELECT area_nam FROM mart.areas\n" in wrong.stderr
    assert "refused" not in wrong.stderr
    rows = run_cli("sql", "--json", "SELECT area_id, municipality_code FROM mart.areas "
                   "WHERE area_id IN ('vangdalen', 'gl_jennumparken') ORDER BY area_id",
                   "--home", str(sample_home))
    assert rows.returncode == 0, rows.stderr
    lines = rows.stdout.splitlines()
    assert [line.split(",")[0] for line in lines] == [
        '{"area_id":"gl_jennumparken"', '{"area_id":"vangdalen"']


def test_timeout_interrupts_a_statement(sample_home):
    result = run_cli("sql", "--timeout", "1", ENDLESS, "--home", str(sample_home))
    assert result.returncode == 1
    assert result.stderr == "Error: interrupted: the statement ran longer than --timeout 1 s\n"


def test_default_limits_leave_the_refresh_its_share(sample_home):
    result = run_cli("sql", "--csv", "SELECT current_setting('threads') AS t, "
                     "current_setting('memory_limit') AS m", "--home", str(sample_home))
    threads, limit = result.stdout.splitlines()[1].split(",")
    assert threads == "1"
    number, unit = limit.split(" ")
    limit_bytes = float(number) * {"MiB": 2**20, "GiB": 2**30}[unit]
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert 0 <= ram / 4 - limit_bytes < 0.1 * 2**30  # DuckDB cuts to one decimal of GiB


class Terminal:
    """The command on a pseudo-terminal of its own: Ctrl-C is the tty's, as a person's is."""

    def __init__(self, home):
        master, slave = pty.openpty()
        self.master = master
        self.proc = subprocess.Popen(
            [str(CLI), "sql", "--home", str(home)], stdin=slave, stdout=slave, stderr=slave,
            env={**clean_env(), "TERM": "dumb"}, start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
        os.close(slave)
        self.seen = ""

    def send(self, text: str) -> None:
        os.write(self.master, text.encode())

    def expect(self, text: str, limit_s: float = 120) -> str:
        deadline = time.monotonic() + limit_s
        while text not in self.seen:
            left = deadline - time.monotonic()
            assert left > 0, f"never saw {text!r}; the terminal showed:\n{self.seen}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    self.seen += os.read(self.master, 65536).decode(errors="replace")
                except OSError:  # the process ended
                    assert text in self.seen, f"ended without {text!r}:\n{self.seen}"
        before, _, after = self.seen.partition(text)
        self.seen = after
        return before

    def cpu_ticks(self) -> int:
        """User + system CPU of the session so far, in clock ticks."""
        fields = open(f"/proc/{self.proc.pid}/stat").read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        os.close(self.master)


def test_ctrl_c_interrupts_the_query_and_clears_the_line(published_copy):
    home, _ = published_copy  # the session writes its history into the home
    history = home / ".sql_history"
    term = Terminal(home)
    try:
        term.expect("sql> ")
        term.send("SELECT 1 AS warm;\r")
        term.expect("sql> ")
        before = term.cpu_ticks()
        term.send(ENDLESS + ";\r")
        deadline = time.monotonic() + 120
        # The statement runs once the session burns CPU (a waiting prompt burns none);
        # thread counts were no sign, since DuckDB's own threads come and go.
        while term.cpu_ticks() < before + 30:
            assert time.monotonic() < deadline, "the statement never started"
            time.sleep(0.05)
        term.send("\x03")  # Ctrl-C, turned into SIGINT by the terminal
        term.expect("Error: interrupted (Ctrl-C)")
        term.expect("sql> ")
        term.send("SELECT 'left' AS side")  # typed, then abandoned with Ctrl-C
        # Ctrl-C at a person's pace: once readline has echoed the line and is back waiting
        # for keys. (CPython's readline sees a SIGINT only while it waits in select(); one
        # landing in the microseconds it spends on a key is seen at the next key.)
        term.expect("SELECT 'left' AS side")
        time.sleep(1)
        term.send("\x03")
        term.expect("sql> ")
        term.send("SELECT 6 * 7 AS answer;\r")
        shown = term.expect("(1 row)")
        assert "42" in shown and "left" not in shown.split("answer")[-1]
        assert "Error" not in shown
        term.expect("sql> ")
        term.send("\x04")  # Ctrl-D
        assert term.proc.wait(timeout=60) == 0
    finally:
        term.close()
    assert stat.S_IMODE(history.stat().st_mode) == 0o600
    saved = history.read_text()
    assert "SELECT 6 * 7 AS answer;" in saved and ENDLESS in saved
