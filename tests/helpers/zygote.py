"""`boligmonitor <verb>` for the end-to-end tests, forked from a process that has imported it.

Each refresh through the real console script is a new Python process, and ~2-3 s of its
CPU is importing Dagster, Polars, DuckDB, SQLAlchemy, Plotly and the project before the
first line of the verb runs; the suite makes over a hundred of them. This module starts,
once per test process, a fork server ("zygote"): a process started exactly as the console
script starts (the same interpreter, `sys.path[0]` the script's folder, the caller's
environment without `BOLIGMONITOR_*`) that imports `pipelines.cli` and what its verbs import,
compiles the site's templates (in memory) and then does nothing else: no verb is run, no
warehouse or Dagster instance is opened and no Python thread is started (checked before
the first fork). Each invocation is a child
forked from it, which then does what the console script does, in the state the script
would be in after its imports: it takes the caller's argv,
environment (fresh per call, so `BOLIGMONITOR_TEST_KILL_AT` reaches the refresh it is meant
for), working directory and stdin, writes to its own stdout/stderr pipes, calls
`pipelines.cli:main()`, and ends as the interpreter would (non-daemon threads joined, atexit
handlers, streams flushed). Its exit status is a `subprocess.CompletedProcess`'s, a SIGKILL
included (-9); the zygote reaps it at once, so `/proc/<pid>` is gone before the caller looks,
as with a process of its own. The refresh records and reconciles the child's own process id.

What differs from a process of its own: the imports ran before argv and the environment were
set (no module of the project or its dependencies reads them at import), every child shares
the zygote's hash seed, and the C libraries' threads started at import (jemalloc's, DuckDB's,
Polars' spill cleaner) are not copied into the child, which is what a fork of the refresh
(the site's workers, indicators/site/workers.py) also meets; Polars' and DuckDB's thread
pools start in the child, never in the zygote (it runs no query). The session's first
refresh (`sample_home`) and the tests that drive the command through a terminal, a mount
namespace or a long-running service still start the console script itself.
"""

from __future__ import annotations

import atexit
import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

# Set (to anything): every invocation starts the console script itself, to check that
# a result does not depend on the fork server.
OWN_PROCESS = "BOLIGMONITOR_TESTS_OWN_PROCESS"

# What a refresh and the other verbs import after `pipelines.cli` (recorded from a refresh
# of the sample): imported in the zygote, they cost a fork instead of ~1 s in every child.
PRELOAD = [
    "pipelines.cli", "pipelines.runner", "pipelines.preflight", "pipelines.lock",
    "pipelines.definitions", "pipelines.dagster_storage", "indicators.site.status_box",
    "dagster._core.instance.factory", "dagster._core.execution.execute_in_process",
    "dagster._core.storage.runs.sqlite.sqlite_run_storage",
    "dagster._core.storage.event_log.sqlite.consolidated_sqlite_event_log",
    "dagster._core.storage.schedules.sqlite.sqlite_schedule_storage",
    "dagster._core.storage.local_compute_log_manager", "dagster._core.workspace.context",
    "dagster._daemon.controller", "dagster._core.execution.stats",
    "alembic.command", "alembic.config", "alembic.runtime.migration",
    "sqlalchemy.dialects.sqlite", "numpy", "pyarrow.compute", "pyarrow.dataset",
    "polars._utils.parquet", "mako.template", "structlog", "rich.console", "rich.traceback",
    "dateutil.relativedelta", "fsspec.implementations.local", "upath", "dotenv",
    "pygments.lexers.python", "pygments.formatters.html",
]


# --- the zygote (this file run as a script; only the standard library before PRELOAD) ---

def _exit_code(exc: SystemExit) -> int:
    """The status the interpreter gives `sys.exit(exc.code)` (a message goes to stderr)."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1


def _invoke(request: dict, stdin: int, stdout: int, stderr: int) -> None:
    """In the forked child: become `boligmonitor <args>` and end as its process would."""
    import atexit
    import threading
    import traceback

    for target, fd in ((0, stdin), (1, stdout), (2, stderr)):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = list(request["argv"])
    from pipelines.cli import main
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = _exit_code(exc)
    except BaseException:  # noqa: BLE001 - printed and exit 1, as the interpreter does
        traceback.print_exc()
        code = 1
    threading._shutdown()  # the interpreter's own wait for non-daemon threads
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def _threads() -> list[str]:
    return sorted(os.listdir("/proc/self/task"))


def serve(address: str, script_dir: str) -> None:
    """Import, then fork one child per connection until the caller closes its end."""
    sys.path[0] = script_dir  # as in the console script, not this file's folder
    import importlib
    for name in PRELOAD:
        importlib.import_module(name)
    # The site's templates, compiled once here: the site keeps compiled templates per
    # process (indicators/site/render.py), so each child's site build starts with them.
    from indicators.site.render import environment
    templates = environment()
    for template in templates.list_templates():
        templates.get_template(template)
    import gc
    import threading
    # No Python thread may exist at a fork (its locks would stay held in the child).
    assert threading.active_count() == 1, threading.enumerate()
    gc.collect()
    gc.freeze()  # the imports' objects stay shared with the children (no writes by the GC)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    listener.listen(8)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, "accept")
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    control = sys.stdin.fileno()  # EOF here: the test process has ended
    selector.register(control, selectors.EVENT_READ, "control")
    children: dict[int, tuple[int, socket.socket]] = {}
    while True:
        for key, _ in selector.select():
            if key.data == "control":
                if not os.read(control, 1024):
                    for pid in children:  # reaped: their CPU time is counted in the caller's
                        os.kill(pid, signal.SIGKILL)
                        os.waitpid(pid, 0)
                    os._exit(0)
            elif key.data == "accept":
                conn, _ = listener.accept()
                message, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
                request = json.loads(message)
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    selector.close()
                    listener.close()
                    conn.close()
                    for _, other in children.values():
                        other.close()
                    for pidfd, _ in children.values():
                        os.close(pidfd)
                    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                    _invoke(request, *fds)
                for fd in fds:  # only the child holds the pipes now: its exit is their EOF
                    os.close(fd)
                conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")
                pidfd = os.pidfd_open(pid)
                children[pid] = (pidfd, conn)
                selector.register(pidfd, selectors.EVENT_READ, pid)
            else:
                pid = key.data
                pidfd, conn = children.pop(pid)
                selector.unregister(pidfd)
                os.close(pidfd)
                _, status = os.waitpid(pid, 0)
                try:
                    conn.sendall(json.dumps(
                        {"returncode": os.waitstatus_to_exitcode(status)}).encode() + b"\n")
                except OSError:
                    pass  # the caller gave up (timeout) and closed its end
                conn.close()


# --- the caller's side (imported by the tests) ---

class Zygote:
    """One fork server for this test process, started on first use."""

    def __init__(self, script: str) -> None:
        self.script = script
        self.process: subprocess.Popen | None = None
        self.address = ""

    def _start(self) -> None:
        folder = tempfile.mkdtemp(prefix="boligmonitor-zygote-")
        self.address = os.path.join(folder, "socket")
        env = {k: v for k, v in os.environ.items() if not k.startswith("BOLIGMONITOR_")}
        self.process = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), self.address,
             os.path.dirname(self.script)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        atexit.register(self.close)
        line = self.process.stdout.readline()
        if line != b"ready\n":
            self.process.wait(30)
            raise RuntimeError(f"the CLI's fork server did not start "
                               f"(exit {self.process.returncode})")

    def close(self) -> None:
        """End the zygote and wait for it, so that its children's CPU time is counted in
        this process's (`time make test` sees it)."""
        if self.process is not None and self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(60)
        if self.address:
            shutil.rmtree(os.path.dirname(self.address), ignore_errors=True)

    def run(self, args: list[str], env: dict[str, str], timeout: float = 600,
            cwd: str | None = None) -> subprocess.CompletedProcess:
        """`subprocess.run([script, *args], capture_output=True, text=True, env=env)`."""
        argv = [self.script, *args]
        if os.environ.get(OWN_PROCESS):
            return subprocess.run(argv, capture_output=True, text=True, env=env,
                                  timeout=timeout, cwd=cwd, check=False)
        if self.process is None or self.process.poll() is not None:
            self._start()
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conn.connect(self.address)
            request = {"argv": argv, "env": env, "cwd": cwd or os.getcwd()}
            stdin = 0 if _is_open(0) else os.open(os.devnull, os.O_RDONLY)
            socket.send_fds(conn, [json.dumps(request).encode()], [stdin, out_w, err_w])
            if stdin != 0:
                os.close(stdin)
        finally:
            os.close(out_w)
            os.close(err_w)
        replies = conn.makefile("rb")
        pid = json.loads(replies.readline())["pid"]
        deadline = time.monotonic() + timeout
        captured = {out_r: bytearray(), err_r: bytearray()}
        with selectors.DefaultSelector() as selector:
            for fd in captured:
                selector.register(fd, selectors.EVENT_READ)
            while selector.get_map():
                left = deadline - time.monotonic()
                ready = selector.select(max(left, 0))
                if not ready and left <= 0:
                    os.kill(pid, signal.SIGKILL)
                    for fd in captured:
                        os.close(fd)
                    conn.close()
                    raise subprocess.TimeoutExpired(argv, timeout)
                for key, _ in ready:
                    chunk = os.read(key.fd, 1 << 16)
                    if chunk:
                        captured[key.fd] += chunk
                    else:
                        selector.unregister(key.fd)
                        os.close(key.fd)
        returncode = json.loads(replies.readline())["returncode"]
        replies.close()
        conn.close()
        return subprocess.CompletedProcess(argv, returncode, _text(captured[out_r]),
                                           _text(captured[err_r]))


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
        return True
    except OSError:
        return False


def _text(data: bytes) -> str:
    """What `subprocess.run(..., text=True)` makes of a stream (locale encoding, \\n)."""
    import locale
    text = bytes(data).decode(locale.getpreferredencoding(False))
    return text.replace("\r\n", "\n").replace("\r", "\n")


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2])
