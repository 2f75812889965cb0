"""The analyst's SQL session: statements run one by one, interruptible, and the prompt.

Each statement runs in a worker thread while the main thread waits for it, so
Ctrl-C (a KeyboardInterrupt in the main thread) and `--timeout` can call
`conn.interrupt()`: DuckDB stops the query and the session goes on. A thread
is needed because Python delivers signals only between bytecodes of the main
thread, which never runs while DuckDB executes there.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TextIO

import duckdb

from pipelines.analyst import describe_error
from pipelines.sql_output import MODES, write

HELP = """\
End a statement with ';' (it may span lines). Dot commands, each on its own line:
  .tables          the published tables and views
  .schema TABLE    a table's definition and its columns with their descriptions
  .mode MODE       output as table, csv or json (JSON Lines)
  .help            this text
  .quit            leave (or Ctrl-D)
Ctrl-C stops a running query, or clears the line being typed."""

TABLES_SQL = """
SELECT schema_name || '.' || table_name AS "table", 'table' AS kind, comment
FROM duckdb_tables() WHERE NOT internal
UNION ALL
SELECT schema_name || '.' || view_name, 'view', comment
FROM duckdb_views() WHERE NOT internal
ORDER BY 1
"""


class StatementFailed(Exception):
    """A statement failed; the message is DuckDB's, whole."""


class QueryInterrupted(Exception):
    pass


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class Session:
    def __init__(self, conn: duckdb.DuckDBPyConnection, mode: str = "table",
                 timeout_s: float | None = None, out: TextIO | None = None):
        self.conn = conn
        self.mode = mode
        self.timeout_s = timeout_s
        self.out = out or sys.stdout

    # -- statements ---------------------------------------------------------------

    def run_text(self, text: str) -> None:
        """Run every statement of `text`, writing each one's result; stop at the first error."""
        try:
            statements = self.conn.extract_statements(text)
        except duckdb.Error as exc:
            raise StatementFailed(describe_error(exc)) from None
        cursor = 0
        for statement in statements:
            # Leading newlines make DuckDB's "LINE n" count from the start of the text.
            where = text.find(statement.query, cursor) if statement.query else -1
            prefix = "\n" * text.count("\n", 0, where) if where >= 0 else ""
            if where >= 0:
                cursor = where + len(statement.query)
            self._run_interruptibly(lambda s=statement, p=prefix: self._run_one(s, p))

    def run_sql(self, sql: str) -> None:
        """One statement of our own (dot commands), written in the current mode."""
        self._run_interruptibly(lambda: self._write(self.conn.sql(sql)))

    def _run_one(self, statement, prefix: str) -> None:
        try:
            relation = self.conn.sql(statement)
        except duckdb.InterruptException:
            raise
        except duckdb.Error:
            # The relation API drops DuckDB's LINE and caret; a SELECT failed here while
            # binding (nothing ran), so executing its text gives the same error with them.
            if statement.type == duckdb.StatementType.SELECT and statement.query.strip():
                self.conn.execute(prefix + statement.query)
            raise
        self._write(relation)

    def _write(self, relation) -> None:
        if relation is not None:
            write(relation, self.mode, self.out, self._cancel.is_set)

    def _run_interruptibly(self, work) -> None:
        self._cancel = threading.Event()
        failure: list[BaseException] = []

        def target() -> None:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # see run_command
            try:
                work()
            except BaseException as exc:  # handed to the main thread
                failure.append(exc)

        worker = threading.Thread(target=target, name="sql-statement", daemon=True)
        deadline = None if self.timeout_s is None else time.monotonic() + self.timeout_s
        reason = None
        worker.start()
        while True:
            try:
                while worker.is_alive():
                    worker.join(0.1)
                    if reason is None and deadline is not None and time.monotonic() >= deadline:
                        reason = "timeout"
                    if reason is not None:
                        self._stop()
                break
            except KeyboardInterrupt:  # Ctrl-C while the statement runs
                reason = reason or "Ctrl-C"
                self._stop()
        if reason is not None:
            if reason == "timeout":
                raise QueryInterrupted(f"interrupted: the statement ran longer than "
                                       f"--timeout {self.timeout_s:g} s")
            raise QueryInterrupted("interrupted (Ctrl-C)")
        if failure:
            exc = failure[0]
            if isinstance(exc, duckdb.Error):
                raise StatementFailed(describe_error(exc)) from None
            raise exc

    def _stop(self) -> None:
        # Called again on every wait while the worker lives: an interrupt that lands
        # before DuckDB has started the query is lost.
        self._cancel.set()
        self.conn.interrupt()

    # -- dot commands -------------------------------------------------------------

    def dot(self, line: str) -> bool:
        """Run a dot command; False when it ends the session."""
        command, _, argument = line.strip().partition(" ")
        argument = argument.strip().rstrip(";").strip()
        if command in (".quit", ".exit", ".q"):
            return False
        if command == ".help":
            self.out.write(HELP + "\n")
        elif command == ".mode":
            if argument not in MODES:
                raise StatementFailed(f".mode takes one of {', '.join(MODES)} "
                                      f"(now {self.mode}); got {argument or 'nothing'}")
            self.mode = argument
        elif command == ".tables":
            self.run_sql(TABLES_SQL)
        elif command == ".schema":
            self._schema(argument)
        else:
            raise StatementFailed(f"unknown command {command}: .help lists the commands")
        return True

    def _schema(self, table: str) -> None:
        if not table:
            raise StatementFailed(".schema needs a table name, e.g. .schema mart.areas "
                                  "(.tables lists them)")
        match = (f"(table_name = {_literal(table)} "
                 f"OR schema_name || '.' || table_name = {_literal(table)})")
        found = self.conn.sql(f"SELECT sql FROM duckdb_tables() WHERE {match} UNION ALL "
                              f"SELECT sql FROM duckdb_views() WHERE "
                              f"{match.replace('table_name', 'view_name')}").fetchall()
        if not found:
            raise StatementFailed(f"no table or view {table}: .tables lists them")
        self.out.write("".join(f"{sql}\n" for (sql,) in found))
        self.run_sql(
            "SELECT column_name AS column, data_type AS type, is_nullable AS nullable, comment "
            f"FROM duckdb_columns() WHERE {match} ORDER BY schema_name, table_name, column_index"
        )


# -- the prompt -----------------------------------------------------------------------

def _open_history(path: Path):
    import readline

    readline.set_history_length(2000)
    if path.exists():
        try:
            readline.read_history_file(path)
        except OSError:
            pass

    def save() -> None:
        # Created owner-only: past queries may name areas or people's answers.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        os.chmod(path, 0o600)
        readline.write_history_file(path)

    return save


def prompt_loop(session: Session, history: Path | None, stdin: TextIO | None = None,
                err: TextIO | None = None) -> int:
    """Read statements until Ctrl-D or .quit.

    Without a terminal (statements piped in): no prompt and no history, and the
    number of statements that failed is returned (0 at a terminal, where each
    error was shown to the person as it happened).
    """
    stdin = stdin or sys.stdin
    err = err or sys.stderr
    interactive = stdin.isatty()
    save_history = _open_history(history) if interactive and history is not None else None
    if interactive:
        # A person at the prompt means Ctrl-C, even where the parent ignored SIGINT (a
        # background job of a script does; Python then keeps it ignored): the statement
        # would run on and the typed line stay.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        session.out.write("Read-only SQL on the published warehouse. End a statement with ';'; "
                          ".help for commands, Ctrl-D to quit.\n")
    pending: list[str] = []
    failures = 0

    def report(exc: Exception) -> None:
        nonlocal failures
        failures += 1
        session.out.flush()
        err.write(f"Error: {exc}\n")
        err.flush()

    try:
        while True:
            prompt = ("...> " if pending else "sql> ") if interactive else ""
            try:
                line = input(prompt) if stdin is sys.stdin else _read_line(stdin)
            except EOFError:
                if interactive:
                    session.out.write("\n")
                break
            except KeyboardInterrupt:
                pending = []  # Ctrl-C at the prompt clears what is being typed
                session.out.write("\n")
                continue
            try:
                if line.strip().startswith("."):
                    # A dot command is its own line, never part of a statement.
                    if not session.dot(line):
                        break
                    continue
                pending.append(line)
                text = "\n".join(pending)
                if not text.strip().endswith(";"):
                    if text.strip():
                        continue
                    pending = []
                    continue
                pending = []
                session.run_text(text)
            except (StatementFailed, QueryInterrupted) as exc:
                report(exc)
        if pending and "\n".join(pending).strip():
            try:
                session.run_text("\n".join(pending))  # a last statement without ';'
            except (StatementFailed, QueryInterrupted) as exc:
                report(exc)
    finally:
        if save_history is not None:
            save_history()
    return 0 if interactive else failures


def _read_line(stdin: TextIO) -> str:
    line = stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\n")


# -- the command ----------------------------------------------------------------------

def run_command(paths, query: str | None, file: Path | None, mode: str,
                timeout_s: float | None) -> int:
    """`boligmonitor sql`: the exit status. Errors go to stderr as DuckDB wrote them."""
    from pipelines.analyst import connect_read_only
    from pipelines.settings import RefreshOptions

    options = RefreshOptions.load(paths.home)
    # Ctrl-C must reach the main thread, the one waiting in readline or on the statement:
    # a SIGINT taken by one of DuckDB's threads only sets Python's flag, and the prompt
    # would not see it until the next key. Threads inherit the mask they start with, so
    # DuckDB's threads start with SIGINT blocked (and the statement threads block it).
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        conn = connect_read_only(paths.serving_db, options.analyst_memory_limit,
                                 options.analyst_threads)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    session = Session(conn, mode=mode, timeout_s=timeout_s)
    try:
        if query is None and file is None:
            return 1 if prompt_loop(session, paths.home / ".sql_history") else 0
        text = query if query is not None else file.read_text(encoding="utf-8")
        try:
            session.run_text(text)
        except (StatementFailed, QueryInterrupted) as exc:
            sys.stdout.flush()
            sys.stderr.write(f"Error: {exc}\n")
            return 1
        return 0
    finally:
        conn.close()


def end_quietly_on_closed_pipe() -> None:
    """The reader left (`| head`): no message, the shell's SIGPIPE status."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # the interpreter's last flush goes nowhere
    except (OSError, ValueError):
        pass
    os._exit(141)
