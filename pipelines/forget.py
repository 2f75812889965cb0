"""Forgetting a survey wave (a GDPR request): its raw copies and all derived from it.

`boligmonitor forget-wave WAVE` takes only a wave id the product knows (from
`<data>/survey/*/wave.json`, the private warehouse or a publication), says what
it will remove, removes it, republishes without the wave and then checks the
whole home for anything of the wave that is left.

The wave's files are found by content hash, so nothing depends on one record
surviving: the files of its folders in the data directory, `raw.file_history`
of the private warehouse (when it still exists), the file list of every kept
publication, and a scan of `<home>/raw/` for copies with those hashes. A copy
whose bytes another wave or input also uses is kept, and said so.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import duckdb

from pipelines.publication import DB_NAME, live_refresh_id, publications
from pipelines.raw_store import discover, sha256_of
from pipelines.safe_paths import (
    SHA256,
    checked,
    is_publication_folder,
    is_wave_folder,
    open_regular,
    raw_copy_holder,
    read_regular,
    remove_file,
    remove_tree,
    wave_id_of,
)
from pipelines.settings import SAMPLE_DATA, Paths

EMAIL = re.compile(rb"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
MAX_EMAIL_MARKERS = 2000


class ForgetError(ValueError):
    """The request cannot be carried out as asked; nothing was deleted."""


@dataclass
class WavePlan:
    """Everything of one wave in the data directory and the home."""

    wave_id: str
    folders: list[Path] = field(default_factory=list)  # <data>/survey/<name>/
    incoming: list[Path] = field(default_factory=list)  # deliveries of it in incoming/
    folder_names: set[str] = field(default_factory=set)  # survey/<name>, current or past
    hashes: dict[str, str] = field(default_factory=dict)  # sha256 -> a file name it had
    shared: dict[str, str] = field(default_factory=dict)  # sha256 -> the other user
    raw_holders: list[Path] = field(default_factory=list)
    private_rows: dict[str, int] = field(default_factory=dict)
    published_rows: dict[str, int] = field(default_factory=dict)
    publications: list[str] = field(default_factory=list)  # kept ones holding the wave
    runs: set[str] = field(default_factory=set)  # Dagster runs that read it
    cache_entries: list[Path] = field(default_factory=list)
    titles: set[str] = field(default_factory=set)  # the wave's title(s), shown on the site
    emails: set[bytes] = field(default_factory=set)  # addresses in its datasets

    def belongs(self, name: str) -> bool:
        return str(PurePosixPath(name).parent) in self.folder_names

    def describe(self, paths: Paths) -> list[str]:
        lines = [f"Survey wave {self.wave_id}:"]
        lines += [f"  folder        {f}" for f in self.folders] or \
            ["  folder        (none left in the data directory)"]
        lines += [f"  incoming      {f} (a delivery of this wave, not yet loaded)"
                  for f in self.incoming]
        for table, rows in sorted(self.published_rows.items()):
            lines.append(f"  published     {table}: {rows} rows (live serving file)")
        for table, rows in sorted(self.private_rows.items()):
            lines.append(f"  private       {table}: {rows} rows")
        for digest in sorted(self.hashes):
            if digest in self.shared:
                lines.append(f"  raw copy      {digest[:12]} {self.hashes[digest]} kept: the same "
                             f"bytes are also {self.shared[digest]}")
            elif any(h.name == digest for h in self.raw_holders):
                lines.append(f"  raw copy      {digest[:12]} {self.hashes[digest]}")
        if not self.raw_holders and not self.shared:
            lines.append("  raw copy      (none in this home)")
        lines += [f"  cache entry   {p.relative_to(paths.home)}" for p in self.cache_entries]
        lines += [f"  publication   {p} (removed after the republication)"
                  for p in self.publications]
        if self.runs:
            lines.append(f"  Dagster runs  {len(self.runs)} run records and their event logs "
                         "(they read the wave)")
        return lines


def _tables_with(conn: duckdb.DuckDBPyConnection, column: str) -> list[str]:
    return [f"{s}.{t}" for s, t in conn.execute(
        "SELECT table_schema, table_name FROM information_schema.columns "
        "WHERE column_name = ? AND table_catalog = current_database() ORDER BY 1, 2",
        [column]).fetchall()]


def _has_table(conn: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    return bool(conn.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema || '.' || "
        "table_name = ? AND table_catalog = current_database()", [qualified]).fetchone()[0])


def _connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection | None:
    if not path.is_file():
        return None
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error:
        return None


def _wave_ids(conn: duckdb.DuckDBPyConnection) -> set[str]:
    found = set()
    for table in _tables_with(conn, "wave_id"):
        found |= {str(r[0]) for r in conn.execute(
            f"SELECT DISTINCT wave_id FROM {table} WHERE wave_id IS NOT NULL").fetchall()}
    return found


def _survey_folders(data_dir: Path) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    survey = data_dir / "survey"
    if survey.is_dir() and not survey.is_symlink():
        for folder in sorted(survey.iterdir()):
            if folder.is_dir() and not folder.is_symlink():
                wave_id = wave_id_of(folder / "wave.json")
                if wave_id is not None:
                    found.setdefault(wave_id, []).append(folder)
    return found


def _incoming_waves(data_dir: Path) -> dict[str, list[Path]]:
    """Wave folders waiting in incoming/ (real folders only), by the wave_id they name."""
    found: dict[str, list[Path]] = {}
    box = data_dir / "incoming"
    if box.is_dir() and not box.is_symlink():
        for folder in sorted(box.iterdir()):
            if folder.is_dir() and not folder.is_symlink():
                wave_id = wave_id_of(folder / "wave.json")
                if wave_id is not None:
                    found.setdefault(wave_id, []).append(folder)
    return found


def known_waves(paths: Paths) -> dict[str, set[str]]:
    """wave_id -> where it is known: the data directory, the warehouse, publications."""
    known: dict[str, set[str]] = {}
    for wave_id in _survey_folders(paths.data):
        known.setdefault(wave_id, set()).add("data directory")
    for wave_id in _incoming_waves(paths.data):
        known.setdefault(wave_id, set()).add("incoming/")
    sources = [(paths.private_db, "private warehouse")]
    sources += [(p.folder / DB_NAME, f"publication {p.refresh_id}") for p in publications(paths)]
    for db, where in sources:
        conn = _connect(db, read_only=True)
        if conn is None:
            continue
        try:
            for wave_id in _wave_ids(conn):
                known.setdefault(wave_id, set()).add(where)
        finally:
            conn.close()
    # Copies of wave.json in the raw store: a wave whose folder and records are gone.
    for copy in paths.raw_dir.glob("*/*/wave.json") if paths.raw_dir.is_dir() else []:
        wave_id = wave_id_of(copy)
        if wave_id is not None and raw_copy_holder(paths.raw_dir, copy.parent.name):
            known.setdefault(wave_id, set()).add("raw store")
    return known


def _file_sha(path: Path) -> str | None:
    try:
        return sha256_of(path, follow=False)
    except OSError:
        return None


def plan_forget(paths: Paths, wave_id: str) -> WavePlan:
    """What forgetting `wave_id` removes; ForgetError for an id that is not a known wave."""
    if paths.data == SAMPLE_DATA.resolve():
        raise ForgetError("the shipped sample is never written; copy it to forget a wave")
    known = known_waves(paths)
    if wave_id not in known:
        listing = ", ".join(sorted(known)) or "none"
        looks_like_path = "/" in wave_id or wave_id in {".", ".."} or wave_id.startswith("~")
        raise ForgetError(
            f"{wave_id!r} is {'a path, not ' if looks_like_path else 'not '}a wave id this "
            f"home or data directory knows; known wave ids: {listing}. Nothing was deleted.")
    plan = WavePlan(wave_id)
    for folder in _survey_folders(paths.data).get(wave_id, []):
        if not is_wave_folder(folder, paths.data, wave_id):
            continue
        plan.folders.append(folder)
        plan.folder_names.add(f"survey/{folder.name}")
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.is_symlink():
                digest = _file_sha(path)
                if digest:
                    plan.hashes[digest] = path.relative_to(paths.data).as_posix()
        _collect_personal(plan, folder)
    # A delivery of the wave waiting in incoming/ would bring it back with the next run.
    for folder in _incoming_waves(paths.data).get(wave_id, []):
        plan.incoming.append(folder)
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.is_symlink():
                digest = _file_sha(path)
                if digest:
                    plan.hashes.setdefault(digest, path.relative_to(paths.data).as_posix())
        _collect_personal(plan, folder)
    _from_history(plan, paths)
    _from_publications(plan, paths)
    _from_raw_scan(plan, paths)
    for digest, name in list(plan.hashes.items()):  # the data folder may be gone already
        holder = raw_copy_holder(paths.raw_dir, digest)
        if holder is not None and PurePosixPath(name).name in ("dataset.csv", "wave.json"):
            _collect_personal(plan, holder)
    _find_shared(plan, paths)
    plan.raw_holders = [h for d in sorted(plan.hashes) if d not in plan.shared
                        for h in [raw_copy_holder(paths.raw_dir, d)] if h is not None]
    _count_rows(plan, paths)
    _find_runs(plan, paths)
    plan.cache_entries = [p for p in _files_under(paths.home / "cache")
                          if _mentions(p, _markers(plan))]
    return plan


def _collect_personal(plan: WavePlan, folder: Path) -> None:
    """The wave's title and the e-mail addresses in its dataset: what the final check
    searches the home for."""
    try:
        title = json.loads(read_regular(folder / "wave.json", 1 << 20)
                           .decode("utf-8-sig")).get("title")
        if isinstance(title, str) and len(title) >= 8:
            plan.titles.add(title)
    except (OSError, ValueError, AttributeError):
        pass
    dataset = folder / "dataset.csv"
    if dataset.is_file() and not dataset.is_symlink():
        with open_regular(dataset) as handle:
            for line in handle:
                for match in EMAIL.findall(line):
                    if len(plan.emails) < MAX_EMAIL_MARKERS:
                        plan.emails.add(match)


def _wave_json_names(raw_dir: Path, digest: str) -> str | None:
    holder = raw_copy_holder(raw_dir, digest)
    return wave_id_of(holder / "wave.json") if holder is not None else None


def _claim(plan: WavePlan, paths: Paths, rows: list[tuple[str, str, str]]) -> None:
    """Add the names and hashes of (group, name, sha256) rows whose wave folder, in the
    same group (a run, a publication), held a wave.json naming this wave."""
    by_group: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for group, name, digest in rows:
        parts = PurePosixPath(name).parts
        if len(parts) >= 3 and parts[0] == "survey":
            by_group.setdefault((group, f"survey/{parts[1]}"), []).append((name, digest))
    for (_, folder), files in by_group.items():
        # The folder's wave.json in that group decides; only without one does the folder
        # name (a current folder of the wave) count.
        configs = [d for n, d in files if PurePosixPath(n).name == "wave.json"]
        ours = any(d in plan.hashes or _wave_json_names(paths.raw_dir, d) == plan.wave_id
                   for d in configs) if configs else folder in plan.folder_names
        if ours:
            plan.folder_names.add(folder)
            for name, digest in files:
                if SHA256.fullmatch(digest or ""):
                    plan.hashes.setdefault(digest, name)


def _from_history(plan: WavePlan, paths: Paths) -> None:
    conn = _connect(paths.private_db, read_only=True)
    if conn is None:
        return
    try:
        if _has_table(conn, "raw.file_history"):
            rows = conn.execute("SELECT run_id, name, sha256 FROM raw.file_history "
                                "WHERE name LIKE 'survey/%'").fetchall()
            _claim(plan, paths, rows)
            plan.runs |= {run for run, name, _ in rows if plan.belongs(name)}
    finally:
        conn.close()


def _from_publications(plan: WavePlan, paths: Paths) -> None:
    for publication in publications(paths):
        conn = _connect(publication.folder / DB_NAME, read_only=True)
        if conn is None:
            continue
        try:
            rows = [(publication.refresh_id, f["name"], f["sha256"]) for (files,) in
                    conn.execute("SELECT files FROM mart.refresh").fetchall() for f in files]
            _claim(plan, paths, rows)
            holds = any(plan.belongs(n) or d in plan.hashes for _, n, d in rows) or any(
                conn.execute(f"SELECT count(*) FROM {t} WHERE wave_id = ?",
                             [plan.wave_id]).fetchone()[0]
                for t in _tables_with(conn, "wave_id"))
        except duckdb.Error:
            holds = True  # unreadable: it may hold the wave, so it goes too
        finally:
            conn.close()
        if holds and publication.refresh_id not in plan.publications:
            plan.publications.append(publication.refresh_id)


def _from_raw_scan(plan: WavePlan, paths: Paths) -> None:
    """A copy of a wave.json naming the wave, wherever the records of it were lost (its
    folder's other files are then found through the records that name that copy)."""
    for path in _files_under(paths.raw_dir):
        if path.name == "wave.json" and wave_id_of(path) == plan.wave_id:
            digest = _file_sha(path)
            if digest is not None:
                plan.hashes.setdefault(digest, "a raw copy of the wave's wave.json")


def _find_shared(plan: WavePlan, paths: Paths) -> None:
    """Hashes another input in the data directory also has: those copies stay (they are
    that input's too)."""
    for _, path in discover(paths.data):
        relative = path.relative_to(paths.data).as_posix()
        if plan.belongs(relative) or any(path.is_relative_to(f) for f in plan.folders):
            continue
        digest = _file_sha(path)
        if digest in plan.hashes:
            plan.shared[digest] = relative


def _count_rows(plan: WavePlan, paths: Paths) -> None:
    conn = _connect(paths.private_db, read_only=True)
    if conn is not None:
        try:
            for table in _tables_with(conn, "wave_id"):
                rows = conn.execute(f"SELECT count(*) FROM {table} WHERE wave_id = ?",
                                    [plan.wave_id]).fetchone()[0]
                if rows:
                    plan.private_rows[table] = rows
        finally:
            conn.close()
    conn = _connect(paths.serving_db, read_only=True)
    if conn is not None:
        try:
            for table in _tables_with(conn, "wave_id"):
                rows = conn.execute(f"SELECT count(*) FROM {table} WHERE wave_id = ?",
                                    [plan.wave_id]).fetchone()[0]
                if rows:
                    plan.published_rows[table] = rows
        finally:
            conn.close()


def _markers(plan: WavePlan) -> list[bytes]:
    """Byte strings that only the wave's records hold: its file hashes (also as the
    12-character prefix the run logs show), its folder names with a slash, its e-mail
    addresses and its title."""
    markers = [d.encode() for d in plan.hashes if d not in plan.shared]
    markers += [d[:12].encode() for d in plan.hashes if d not in plan.shared]
    markers += [f"{name}/".encode() for name in plan.folder_names]
    markers += sorted(plan.emails)
    markers += [t.encode() for t in plan.titles]
    return markers


def _files_under(folder: Path) -> list[Path]:
    if not folder.is_dir() or folder.is_symlink():
        return []
    found = []
    for dirpath, _, filenames in os.walk(folder, followlinks=False):
        for name in filenames:
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                found.append(path)
    return sorted(found)


def _mentions(path: Path, markers: list[bytes]) -> list[bytes]:
    """The markers a file holds, read in blocks (a warehouse file may be large)."""
    if not markers:
        return []
    overlap = max(len(m) for m in markers)
    # E-mail markers may be thousands: one pass of the address pattern finds them all.
    addresses = {m for m in markers if EMAIL.fullmatch(m)}
    literal = [m for m in markers if m not in addresses]
    found: set[bytes] = set()
    try:
        with open_regular(path) as handle:
            tail = b""
            for block in iter(lambda: handle.read(8 << 20), b""):
                window = tail + block
                found |= {m for m in literal if m not in found and m in window}
                if addresses:
                    found |= addresses.intersection(EMAIL.findall(window))
                tail = window[-overlap:]
    except OSError:
        return []
    return [m for m in markers if m in found]


def _find_runs(plan: WavePlan, paths: Paths) -> None:
    """Runs whose event log mentions the wave (its file names or hashes in metadata)."""
    shards = paths.dagster_home / "history" / "runs"
    markers = [m for m in _markers(plan) if m not in plan.emails]
    for shard in _files_under(shards):
        if shard.suffix == ".db" and shard.stem != "index" and _mentions(shard, markers):
            plan.runs.add(shard.stem)


def forget(paths: Paths, plan: WavePlan) -> list[str]:
    """Delete what the plan lists (hold the home's lock). Returns what was removed."""
    removed = []
    for folder in plan.folders:
        if is_wave_folder(folder, paths.data, plan.wave_id):
            removed.append(f"folder {remove_tree(folder, paths.data)}")
    box = paths.data / "incoming"
    for folder in plan.incoming:
        if wave_id_of(folder / "wave.json") == plan.wave_id:
            removed.append(f"incoming delivery {remove_tree(folder, box)}")
            report = folder.with_name(folder.name + ".error.txt")
            if report.is_file() and not report.is_symlink():
                remove_file(report, box)
    for holder in plan.raw_holders:
        if raw_copy_holder(paths.raw_dir, holder.name) == holder:
            remove_tree(holder, paths.raw_dir)
            removed.append(f"raw copy {holder.name}")
    for entry in plan.cache_entries:
        removed.append(f"cache entry {remove_file(entry, paths.home).name}")
    removed += _delete_private_rows(paths, plan)
    removed += _delete_runs(paths, plan)
    return removed


def _delete_private_rows(paths: Paths, plan: WavePlan) -> list[str]:
    conn = _connect(paths.private_db, read_only=False)
    if conn is None:
        return []
    removed = []
    try:
        for table in _tables_with(conn, "wave_id"):
            rows = conn.execute(f"DELETE FROM {table} WHERE wave_id = ?",
                                [plan.wave_id]).fetchone()[0]
            if rows:
                removed.append(f"{rows} rows of {table} (private warehouse)")
        digests = [d for d in plan.hashes if d not in plan.shared]
        names = [f"{n}/%" for n in plan.folder_names]
        for table in ("raw.file_history", "raw.files"):
            if _has_table(conn, table):
                rows = conn.execute(
                    f"DELETE FROM {table} WHERE list_contains(?, sha256) "
                    "OR list_bool_or([name LIKE p FOR p IN ?])", [digests, names]
                ).fetchone()[0]
                if rows:
                    removed.append(f"{rows} rows of {table} (private warehouse)")
        if _has_table(conn, "ops.failed_runs") and names:
            # A failed night's error may name a file of the wave: the record stays, its
            # text goes.
            rows = conn.execute(
                "UPDATE ops.failed_runs SET error = '(removed: it named a file of a "
                "forgotten survey wave)' WHERE list_bool_or([error LIKE '%' || p FOR p IN ?])",
                [names]).fetchone()[0]
            if rows:
                removed.append(f"the error text of {rows} failed-run records (private "
                               "warehouse)")
        conn.execute("CHECKPOINT")
    finally:
        conn.close()
    return removed


def _delete_runs(paths: Paths, plan: WavePlan) -> list[str]:
    if not plan.runs:
        return []
    from pipelines.runner import prepare_instance

    instance = prepare_instance(paths)
    deleted = []
    for run_id in sorted(plan.runs):
        found = instance.get_run_by_id(run_id) is not None
        if found:
            instance.delete_run(run_id)
        # The run's own event-log file and compute logs, now empty of meaning.
        shard = paths.dagster_home / "history" / "runs" / f"{run_id}.db"
        for leftover in (shard, shard.with_name(shard.name + "-wal"),
                         shard.with_name(shard.name + "-shm")):
            if leftover.is_file() and not leftover.is_symlink():
                remove_file(leftover, paths.dagster_home)
                found = True
        logs = paths.dagster_home / "storage" / run_id
        if logs.is_dir() and not logs.is_symlink():
            remove_tree(logs, paths.dagster_home)
            found = True
        if found:
            deleted.append(run_id)
    instance.dispose()
    vacuum_dagster(paths)
    return [f"Dagster run {run_id} (record and event log)" for run_id in deleted]


def vacuum_dagster(paths: Paths) -> None:
    """Rewrite the Dagster SQLite files, so deleted events leave no bytes in free pages."""
    for db in _files_under(paths.dagster_home):
        if db.suffix == ".db":
            conn = sqlite3.connect(checked(db, paths.dagster_home), timeout=30)
            try:
                conn.execute("VACUUM")
            except sqlite3.DatabaseError:
                pass
            finally:
                conn.close()


def compact_private_warehouse(paths: Paths) -> bool:
    """Rewrite the private warehouse into a new file: DuckDB reuses freed blocks but does
    not clear them, so deleted rows could linger in the old file's free space."""
    source = paths.private_db
    if not source.is_file():
        return False
    fresh = source.with_name(f".{source.name}.compact")
    for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
        if leftover.exists():
            remove_file(leftover, paths.home)
    conn = duckdb.connect(str(source))
    try:
        name = conn.execute("SELECT current_database()").fetchone()[0]
        conn.execute(f"ATTACH '{fresh}' AS fresh")
        conn.execute(f'COPY FROM DATABASE "{name}" TO fresh')
        conn.execute("DETACH fresh")
    finally:
        conn.close()
    os.chmod(fresh, 0o600)
    os.replace(fresh, checked(source, paths.home))
    wal = source.with_name(source.name + ".wal")
    if wal.exists():
        remove_file(wal, paths.home)
    return True


def drop_publications_with_wave(paths: Paths, plan: WavePlan) -> list[str]:
    """Remove the kept publications that hold the wave (never the live one, which the
    republication made without it) and folders runs left unfinished."""
    live = live_refresh_id(paths)
    dropped = []
    for refresh_id in plan.publications:
        folder = paths.publication(refresh_id)
        if refresh_id != live and folder.is_dir() and is_publication_folder(folder, paths.home):
            remove_tree(folder, paths.home)
            dropped.append(refresh_id)
    complete = {p.refresh_id for p in publications(paths)}
    if paths.publications.is_dir():
        for folder in sorted(paths.publications.iterdir()):
            if folder.name not in complete and folder.name != live and \
                    is_publication_folder(folder, paths.home):
                remove_tree(folder, paths.home)
                dropped.append(folder.name)
    return dropped


@dataclass
class Verification:
    checked: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.found


def verify_forgotten(paths: Paths, plan: WavePlan) -> Verification:
    """Search the home (and the data directory's survey/) for anything of the wave."""
    result = Verification()
    left = _survey_folders(paths.data).get(plan.wave_id, [])
    left += _incoming_waves(paths.data).get(plan.wave_id, [])
    result.checked.append("data directory survey/ and incoming/ folders")
    result.found += [f"wave folder {f}" for f in left]

    raw_files = _files_under(paths.raw_dir)
    result.checked.append(f"raw store ({len(raw_files)} copies hashed)")
    for path in raw_files:
        digest = _file_sha(path)
        if digest in plan.hashes and digest not in plan.shared:
            result.found.append(f"raw copy {path}")
        elif path.name == "wave.json" and wave_id_of(path) == plan.wave_id:
            result.found.append(f"raw copy {path} names the wave")

    databases = [(paths.private_db, "private warehouse"), (paths.serving_db, "serving file")]
    databases += [(p.folder / DB_NAME, f"publication {p.refresh_id}") for p in publications(paths)]
    for db, where in databases:
        conn = _connect(db, read_only=True)
        if conn is None:
            continue
        result.checked.append(f"{where} tables")
        try:
            for table in _tables_with(conn, "wave_id"):
                rows = conn.execute(f"SELECT count(*) FROM {table} WHERE wave_id = ?",
                                    [plan.wave_id]).fetchone()[0]
                if rows:
                    result.found.append(f"{rows} rows of {table} in the {where}")
            for table in ("raw.file_history", "raw.files"):
                if _has_table(conn, table):
                    rows = conn.execute(
                        f"SELECT count(*) FROM {table} WHERE list_contains(?, sha256)",
                        [[d for d in plan.hashes if d not in plan.shared]]).fetchone()[0]
                    if rows:
                        result.found.append(f"{rows} rows of {table} in the {where}")
        finally:
            conn.close()

    # Every byte of the home: the site's pages, Dagster's SQLite event logs and run
    # records, caches, and the warehouses' files themselves.
    markers = _markers(plan)
    files = _files_under(paths.home)
    result.checked.append(f"every file of the home ({len(files)} files) for the wave's "
                          f"hashes, file names, title and {len(plan.emails)} e-mail addresses")
    for path in files:
        hits = _mentions(path, markers)
        if hits:
            what = "e-mail addresses" if any(h in plan.emails for h in hits) else "its records"
            result.found.append(f"{path.relative_to(paths.home)} holds {what} "
                                f"({len(hits)} matches)")
    # The survey pages and downloads are named by wave under tryghed/ (per language).
    for site in [paths.home / "site", *[p.folder / "site" for p in publications(paths)]]:
        for page in _files_under(site):
            if "tryghed" in page.relative_to(site).parts and \
                    re.match(rf"{re.escape(plan.wave_id)}[._]", page.name):
                result.found.append(f"site page {page}")
    result.checked.append("the site's survey pages")
    return result
