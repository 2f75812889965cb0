"""Where a notebook finds the published warehouse, whatever folder it was started in.

A notebook's working directory is wherever Jupyter was started (the project root,
`notebooks/`, a home folder), so it is not a place to look for data. The home is
`BOLIGMONITOR_HOME` when set; else `home/` of the Boligmonitor project found by
walking up from the working directory to its `pyproject.toml`; else the default of
`pipelines/settings.py` (the checkout the package runs from). The order after the
environment variable is resolve_home's own: this module only supplies the project.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import duckdb

from pipelines.analyst import connect_read_only
from pipelines.settings import resolve_home, resolve_paths

PROJECT_NAME = "boligmonitor"


def find_project(start: Path) -> Path | None:
    """The nearest folder at or above `start` whose pyproject.toml is this project's."""
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                name = tomllib.loads(candidate.read_text(encoding="utf-8"))["project"]["name"]
            except (tomllib.TOMLDecodeError, KeyError, UnicodeDecodeError):
                continue
            if name == PROJECT_NAME:
                return folder
    return None


def notebook_home(start: Path | None = None) -> Path:
    if os.environ.get("BOLIGMONITOR_HOME"):
        return resolve_home()
    project = find_project((start or Path.cwd()).resolve())
    return resolve_home(project / "home" if project else None)


def open_warehouse(start: Path | None = None) -> duckdb.DuckDBPyConnection:
    """The published warehouse, read-only and closed to files, as `boligmonitor sql` opens it:
    a notebook never blocks the nightly refresh and keeps its snapshot until it reconnects."""
    return connect_read_only(resolve_paths(home=notebook_home(start)).serving_db)
