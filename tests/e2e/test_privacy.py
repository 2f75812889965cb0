"""Free text and respondent ids never leave the raw layer (domain.md §4)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pytest

from indicators.inputs.textfile import decode
from tests.e2e.conftest import SAMPLE

pytestmark = pytest.mark.e2e

MARKER = "PRIVATMARKOER-7Q3X"


def respondent_ids() -> set[str]:
    """Every value of the sample waves' id columns (long enough to be unmistakable)."""
    ids = set()
    for dataset in SAMPLE.glob("survey/*/dataset.csv"):
        text, _ = decode(dataset.read_bytes(), dataset.name)
        rows = list(csv.reader(io.StringIO(text), delimiter=_delimiter(text)))
        header = [h.strip().lower() for h in rows[0]]
        for position, name in enumerate(header):
            if "id" in name and name != "omraade":
                ids |= {r[position] for r in rows[1:] if len(r[position]) >= 6}
    return ids


def _delimiter(text: str) -> str:
    first = text.splitlines()[0]
    return max(";,\t", key=first.count)


def text_values(database: Path, skip_schemas: tuple[str, ...] = ()) -> list[str]:
    conn = duckdb.connect(str(database), read_only=True)
    try:
        columns = conn.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns"
        ).fetchall()
        values = []
        for schema, table, column in columns:
            if schema in skip_schemas:
                continue
            values += [v for (v,) in conn.execute(
                f'SELECT DISTINCT CAST("{column}" AS VARCHAR) FROM "{schema}"."{table}"'
            ).fetchall() if v is not None]
        return values
    finally:
        conn.close()


def test_the_sample_really_carries_the_marker_and_ids():
    raw = b"".join(p.read_bytes() for p in SAMPLE.glob("survey/*/dataset.csv"))
    assert MARKER.encode() in raw or MARKER.encode("utf-16-le") in raw
    assert len(respondent_ids()) > 100


def test_serving_file_holds_no_free_text_or_ids(sample_home):
    values = text_values(sample_home / "serving" / "boligmonitor.duckdb")
    assert not [v for v in values if MARKER in v]
    assert not [v for v in values if "@example.dk" in v]  # the 2023 wave's e-mail column
    ids = respondent_ids()
    assert not [v for v in values if v in ids]


def test_private_warehouse_beyond_raw_holds_no_free_text_or_ids(sample_home):
    values = text_values(sample_home / "warehouse" / "private.duckdb", skip_schemas=("raw",))
    assert not [v for v in values if MARKER in v]
    ids = respondent_ids()
    assert not [v for v in values if v in ids]


def test_site_files_hold_no_free_text(sample_home):
    for path in (sample_home / "site").resolve().rglob("*"):
        if path.is_file():
            assert MARKER.encode() not in path.read_bytes(), path


def test_dagster_event_log_and_output_hold_no_free_text(sample_home):
    searched = 0
    for path in (sample_home / "dagster").rglob("*"):
        if path.is_file():
            searched += 1
            data = path.read_bytes()
            assert MARKER.encode() not in data, path
            assert MARKER.encode("utf-16-le") not in data, path
    assert searched > 0  # the run's event log is there to be searched
    output = (sample_home.parent / f"{sample_home.name}-output.txt").read_text()
    assert MARKER not in output
