"""Dagster's SQLite storage, with one SQLAlchemy engine per database file.

The same files, tables and locking as Dagster's default storage. `dagster.yaml`
names `InstanceWithEngines`, whose default storage is this one under the
instance's own folder (so a copied home is a home of its own, as with Dagster's
default), and a home made before keeps working on the same layout.

Dagster's SQLite event log and run storage build a new SQLAlchemy engine for
every connection and throw it away after: each of a refresh's ~320 events, and
each data-version lookup, paid for an engine and SQLAlchemy's first-connect
checks. Measured on the sample (2026-12-03): ~1.7 of a refresh's ~7.5 CPU
seconds. Here each storage keeps one engine per file, still without a
connection pool (`NullPool`), so no connection, file handle or lock is held
between uses, exactly as before: the webserver, the daemon and a refresh still
share the files only through SQLite's own locking.

This overrides private methods of the pinned Dagster release (pyproject.toml);
tests/ops/test_dagster_storage.py fails if a new release changes them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import yaml
from dagster._core.instance import DagsterInstance
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from dagster._core.storage.runs.sqlite.sqlite_run_storage import SqliteRunStorage
from dagster._core.storage.schedules.sqlite.sqlite_schedule_storage import (
    SqliteScheduleStorage,
)
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite_storage import (
    DagsterSqliteStorage,
    _event_logs_directory,
    _runs_directory,
    _schedule_directory,
)
from dagster._serdes import ConfigurableClassData
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool


class EventLogStorageWithEngines(SqliteEventLogStorage):
    """The event log (a file per run, and the index of assets), one engine per file."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        self._engines: dict[str, Engine] = {}
        super().__init__(base_dir, inst_data=inst_data)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engines.get(shard)
            if engine is None:
                engine = create_engine(
                    self.conn_string_for_shard(shard),
                    poolclass=NullPool,
                    connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
                )
                self._engines[shard] = engine
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def dispose(self) -> None:
        super().dispose()
        for engine in self._engines.values():
            engine.dispose()
        self._engines.clear()


class RunStorageWithEngine(SqliteRunStorage):
    """The runs database, one engine for it."""

    _engine: Engine | None = None

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        if self._engine is None:
            self._engine = create_engine(self._conn_string, poolclass=NullPool)
        with self._engine.connect() as conn, conn.begin():
            yield conn

    def dispose(self) -> None:
        super().dispose()
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


class SqliteStorageWithEngines(DagsterSqliteStorage):
    """Dagster's SQLite storage under `base_dir` (DAGSTER_HOME: history/, schedules/),
    with the event log and run storage above. Schedule state is written a few times a
    minute at most and keeps Dagster's own class."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        # DagsterSqliteStorage.__init__ with our two classes (calling it would open every
        # database once more with Dagster's own classes first).
        self.base_dir = base_dir
        self._run_storage = RunStorageWithEngine.from_local(_runs_directory(base_dir))
        self._event_log_storage = EventLogStorageWithEngines(_event_logs_directory(base_dir))
        self._schedule_storage = SqliteScheduleStorage.from_local(_schedule_directory(base_dir))
        self._inst_data = inst_data
        super(DagsterSqliteStorage, self).__init__()

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> SqliteStorageWithEngines:
        # Dagster's names its own class; the two storages above are only made here.
        return cls.from_local(inst_data=inst_data, **config_value)


class InstanceWithEngines(DagsterInstance):
    """Dagster's instance, whose default storage (no `storage:` block in dagster.yaml) is
    `SqliteStorageWithEngines` under the instance's folder, as Dagster's own default is."""

    @classmethod
    def config_schema(cls) -> dict:
        return {}

    @staticmethod
    def config_defaults(base_dir: str) -> dict:
        defaults = dict(InstanceRef.config_defaults(base_dir))
        defaults["storage"] = ConfigurableClassData(
            __name__, SqliteStorageWithEngines.__name__,
            yaml.dump({"base_dir": base_dir}, default_flow_style=False))
        return defaults
