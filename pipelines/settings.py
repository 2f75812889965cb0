"""Where things live: the data directory read and the home the product writes.

Paths are resolved in one place, from explicit arguments first, then the
environment (`BOLIGMONITOR_HOME`, `BOLIGMONITOR_DATA`), then defaults in the
project checkout (a git-ignored `home/` and the shipped `data/sample/`).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from indicators import yaml_text

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DATA = PROJECT_ROOT / "data" / "sample"
DEFAULT_HOME = PROJECT_ROOT / "home"
OPTIONS_FILE = "boligmonitor.yaml"
# Syntax only: one @, no spaces, a dotted domain (delivery is the relay's business).
EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>.]+")


class RefreshOptions(BaseModel):
    """A deployment's choices, from `<home>/boligmonitor.yaml` (all optional)."""

    model_config = ConfigDict(extra="forbid")

    min_survey_answers: int = Field(
        10, ge=1, description="Smallest number of answers a published survey figure may rest "
        "on (domain.md §4, [convention])."
    )
    keep_publications: int = Field(
        3, ge=1, description="Publications (serving file and site) kept for rollback."
    )
    keep_raw_days: int = Field(
        400, ge=1, description="Days a raw copy is kept after the last refresh that read it; "
        "copies read by a kept publication are always kept."
    )
    keep_run_days: int = Field(
        90, ge=1, description="Days of Dagster run records and failure records kept."
    )
    analyst_memory_limit: str | None = Field(
        None, pattern=r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$",
        description="Memory a `boligmonitor sql` session may use, e.g. \"4GB\" (default: a "
        "quarter of the machine's RAM, leaving the refresh its share); fixed before the "
        "analyst's first statement."
    )
    analyst_threads: int = Field(
        1, ge=1, description="Threads a `boligmonitor sql` session may use."
    )
    max_delivery_bytes: int = Field(
        2 * 1024**3, ge=1, description="Largest delivery (file, or survey folder in all) "
        "read from incoming/; a larger one is rejected before it is read."
    )

    alerts: dict[int, list[str]] = Field(
        default_factory=dict, description="Who is mailed when a refresh changes an area's "
        "colour or signals, per DST municipality code (\"0730\" or 730): "
        "`{\"0730\": [\"planner@randers.dk\"]}`; needs BOLIGMONITOR_SMTP_HOST."
    )

    @field_validator("alerts", mode="before")
    @classmethod
    def _alert_codes_and_addresses(cls, raw: object) -> object:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            raise ValueError("alerts: expected a mapping of municipality code to addresses")
        checked: dict[int, list[str]] = {}
        for key, addresses in raw.items():
            code = str(key).strip()
            if not re.fullmatch(r"\d{3,4}", code) or not 101 <= int(code) <= 999:
                raise ValueError(f"alerts: {key!r} is not a municipality code (DST code "
                                 "101-999, e.g. \"0730\")")
            if isinstance(addresses, str):
                addresses = [addresses]
            if not isinstance(addresses, list) or not addresses:
                raise ValueError(f"alerts {code}: expected a list of e-mail addresses")
            for address in addresses:
                if not isinstance(address, str) or not EMAIL.fullmatch(address):
                    raise ValueError(f"alerts {code}: {address!r} is not an e-mail address")
            checked[int(code)] = list(addresses)
        return checked

    @classmethod
    def load(cls, home: Path) -> RefreshOptions:
        path = home / OPTIONS_FILE
        if not path.exists():
            return cls()
        try:
            return cls.model_validate(yaml_text.safe_load(path.read_text(encoding="utf-8")) or {})
        except (yaml.YAMLError, ValidationError) as exc:
            raise ValueError(f"{path}: {exc}") from None


class Paths(BaseModel):
    home: Path
    data: Path

    @property
    def private_db(self) -> Path:
        """The pipeline's own warehouse: nobody else opens it."""
        return self.home / "warehouse" / "private.duckdb"

    @property
    def serving(self) -> Path:
        """The contract's folder of the published warehouse: a fixed symlink to `current`."""
        return self.home / "serving"

    @property
    def serving_db(self) -> Path:
        return self.serving / "boligmonitor.duckdb"

    @property
    def current(self) -> Path:
        """The one symlink that says what is published: `publications/<refresh_id>`.

        `serving` and `site` point through it, so one rename of it publishes the
        warehouse and the site together.
        """
        return self.home / "current"

    @property
    def raw_dir(self) -> Path:
        """Copies of every received file, as received, by content hash."""
        return self.home / "raw"

    @property
    def site(self) -> Path:
        """The live site: a fixed symlink to `current/site`."""
        return self.home / "site"

    @property
    def publications(self) -> Path:
        """One folder per published refresh: its serving file and its site."""
        return self.home / "publications"

    def publication(self, refresh_id: str) -> Path:
        return self.publications / refresh_id

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"

    @property
    def lock_file(self) -> Path:
        return self.home / "refresh.lock"


def resolve_home(home: str | Path | None = None) -> Path:
    chosen = home or os.environ.get("BOLIGMONITOR_HOME") or DEFAULT_HOME
    return Path(chosen).expanduser().resolve()


def resolve_data(data: str | Path | None = None) -> Path:
    chosen = data or os.environ.get("BOLIGMONITOR_DATA") or SAMPLE_DATA
    return Path(chosen).expanduser().resolve()


def resolve_paths(home: str | Path | None = None, data: str | Path | None = None) -> Paths:
    return Paths(home=resolve_home(home), data=resolve_data(data))
