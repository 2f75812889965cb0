"""Resources: the deployment's paths and its private warehouse connection."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource
from pydantic import PrivateAttr

from pipelines import fault_injection
from pipelines.settings import SAMPLE_DATA, Paths, RefreshOptions


class Workspace(dg.ConfigurableResource):
    """The data directory this deployment reads and the home it writes."""

    home: str
    data_dir: str
    # The scheduled deployment must read the production directory, never the
    # shipped sample; the CLI may demo on the sample.
    allow_sample: bool = True
    # Fault injection for the failure tests: the named asset raises. Empty in use.
    fail_at: str = ""

    @property
    def paths(self) -> Paths:
        return Paths(home=Path(self.home).resolve(), data=Path(self.data_dir).resolve())

    @property
    def options(self) -> RefreshOptions:
        """Read at run time, so a changed `<home>/boligmonitor.yaml` needs no restart."""
        return RefreshOptions.load(self.paths.home)

    def injected_failure(self, asset: str) -> None:
        if self.fail_at == asset:
            raise RuntimeError(f"failure injected at {asset} (--fail-at, for testing)")

    def check_data_dir(self) -> Path:
        from pipelines.preflight import data_dir_problem

        data = self.paths.data
        problem = data_dir_problem(data)
        if problem:
            raise FileNotFoundError(problem)
        if not self.allow_sample and data == SAMPLE_DATA.resolve():
            raise ValueError(
                "this deployment is configured to read the shipped sample; set "
                "BOLIGMONITOR_DATA to the production data directory"
            )
        return data


class Warehouse(dg.ConfigurableResource):
    """The private warehouse `<home>/warehouse/private.duckdb`: only the pipeline opens
    it, read-write, one step at a time.

    Each step gets a connection of its own, closed when the step is done with it. In a
    run, the first of them also opens the file for the rest of the run (`_held`), so the
    later ones join the open database instead of opening the file again: opening it cost
    ~30 ms and closing it a checkpoint, some 70 times a refresh (a sixth of a sample
    refresh's CPU). The run's end closes it and checkpoints once; a run killed before
    that leaves what its committed steps wrote in the file's write-ahead log, which the
    next opening of the file replays (the kill tests, tests/faults, hold both)."""

    workspace: Workspace
    _in_run: bool = PrivateAttr(default=False)
    _held: ExitStack | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._in_run = True

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        held, self._held, self._in_run = self._held, None, False
        if held is not None:
            held.close()

    def _database(self) -> DuckDBResource:
        path = self.workspace.paths.private_db
        path.parent.mkdir(parents=True, exist_ok=True)
        return DuckDBResource(database=str(path))

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        database = self._database()
        if self._in_run and self._held is None:
            # Opened alike, so the step's connection below shares its database.
            self._held = ExitStack()
            self._held.enter_context(database.get_connection())
        with database.get_connection() as conn:
            yield conn
            fault_injection.in_current_step("mid")


def build_resources(paths: Paths, fail_at: str = "") -> dict:
    workspace = Workspace(home=str(paths.home), data_dir=str(paths.data), fail_at=fail_at)
    return {"workspace": workspace, "warehouse": Warehouse(workspace=workspace)}


def deployment_resources() -> dict:
    """Resources for the scheduled deployment: paths from the environment at run time."""
    workspace = Workspace(
        home=dg.EnvVar("BOLIGMONITOR_HOME"),
        data_dir=dg.EnvVar("BOLIGMONITOR_DATA"),
        allow_sample=False,
    )
    return {"workspace": workspace, "warehouse": Warehouse(workspace=workspace)}
