"""The published serving file declares what indicators/tables.py (and so docs/schema.md)
says: every column with its type, NOT NULL where "null: no", the primary keys; and the
columns that make "the current rules" a WHERE clause and list first listings."""

from __future__ import annotations

import duckdb
import pytest

from indicators import tables
from indicators.catalogue import load_catalogue

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def db(sample_home):
    conn = duckdb.connect(str(sample_home / "serving" / "boligmonitor.duckdb"), read_only=True)
    yield conn
    conn.close()


def _declared_type(type_: str) -> str:
    """How DuckDB spells a type of tables.py (TIMESTAMPTZ is TIMESTAMP WITH TIME ZONE)."""
    with duckdb.connect() as scratch:
        scratch.execute(f"CREATE TABLE t (c {type_})")
        return scratch.execute("SELECT data_type FROM duckdb_columns() "
                               "WHERE table_name = 't'").fetchone()[0]


@pytest.mark.parametrize("table", tables.PUBLISHED, ids=lambda t: t.name)
def test_columns_types_and_nullability_follow_tables_py(db, table):
    found = db.execute(
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
        "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [table.schema_name, table.name]).fetchall()
    expected = [
        (c.name, _declared_type(c.type), "YES" if c.nullable and c.name not in table.key
         else "NO")
        for c in table.columns
    ]
    assert found == expected


@pytest.mark.parametrize("table", tables.PUBLISHED, ids=lambda t: t.name)
def test_primary_key_is_the_documented_key(db, table):
    keys = db.execute(
        "SELECT constraint_column_names FROM duckdb_constraints() WHERE schema_name = ? "
        "AND table_name = ? AND constraint_type = 'PRIMARY KEY'",
        [table.schema_name, table.name]).fetchall()
    assert keys == ([(table.key,)] if table.key else [])


def test_the_file_refuses_a_null_where_the_doc_says_null_no(tmp_path, sample_home):
    # A copy, since the published file is read-only: the constraint is in the file.
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes((sample_home / "serving" / "boligmonitor.duckdb").read_bytes())
    with duckdb.connect(str(copy)) as conn:
        with pytest.raises(duckdb.ConstraintException):
            conn.execute("UPDATE mart.area_status SET criteria_met = NULL "
                         "WHERE area_id = 'vangdalen'")
        with pytest.raises(duckdb.ConstraintException):
            conn.execute("INSERT INTO mart.areas SELECT * FROM mart.areas LIMIT 1")


@pytest.mark.parametrize("name", ["area_status", "indicator_values"])
def test_in_force_marks_the_regime_of_each_list_year(db, name):
    catalogue = load_catalogue()
    rows = db.execute(
        f"SELECT year, list(DISTINCT regime) FILTER (WHERE in_force), "
        f"count(*) FILTER (WHERE in_force), count(DISTINCT area_id) FROM mart.{name} "
        f"GROUP BY year ORDER BY year").fetchall()
    assert rows, name
    per_area = 1 if name == "area_status" else None
    for year, regimes, in_force_rows, areas in rows:
        assert regimes == [catalogue.regime_in_force(year)], year
        if per_area:
            assert in_force_rows == areas  # one row per area and list year
    # "the current rules" is a WHERE clause
    udsat_2023 = db.execute("SELECT list(area_id ORDER BY area_id) FROM mart.area_status "
                            "WHERE in_force AND year = 2023 AND udsat").fetchone()[0]
    assert udsat_2023 == ["gl_jennumparken"]


def test_status_changes_record_first_listings(db):
    rows = db.execute(
        "SELECT area_id, status, list_year, change FROM mart.status_changes "
        "WHERE first_listing AND status IN ('udsat', 'parallelsamfund', "
        "'forebyggelsesomraade') ORDER BY status, area_id").fetchall()
    # data/SAMPLE.md: ghetto list 2013 (a gain from 2012), udsat from the first list that
    # defines it (2018), Energivej forebyggelse from 2021, Glarbjergvej from 2023.
    assert rows == [
        ("energivej", "forebyggelsesomraade", 2021, "first"),
        ("glarbjergvej", "forebyggelsesomraade", 2023, "gained"),
        ("gl_jennumparken", "parallelsamfund", 2013, "gained"),
        ("glarbjergvej", "parallelsamfund", 2013, "gained"),
        ("gl_jennumparken", "udsat", 2018, "first"),
        ("glarbjergvej", "udsat", 2018, "first"),
    ]
