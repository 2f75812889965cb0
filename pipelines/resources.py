"""Resources: the deployment's paths and its private warehouse connection."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from pipelines.settings import Paths, RefreshOptions


class Workspace(dg.ConfigurableResource):
    """The data directory this deployment reads and the home it writes."""

    home: str
    data_dir: str
    min_survey_answers: int = 10
    keep_publications: int = 3

    @property
    def paths(self) -> Paths:
        return Paths(home=Path(self.home), data=Path(self.data_dir))

    @property
    def options(self) -> RefreshOptions:
        return RefreshOptions(
            min_survey_answers=self.min_survey_answers,
            keep_publications=self.keep_publications,
        )


class Warehouse(DuckDBResource):
    """The private warehouse: only the pipeline opens it, read-write."""

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        with self.get_connection() as conn:
            yield conn


def build_resources(paths: Paths, options: RefreshOptions | None = None) -> dict:
    options = options or RefreshOptions()
    return {
        "workspace": Workspace(
            home=str(paths.home),
            data_dir=str(paths.data),
            min_survey_answers=options.min_survey_answers,
            keep_publications=options.keep_publications,
        ),
        "warehouse": Warehouse(database=str(paths.private_db)),
    }
