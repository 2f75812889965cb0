"""Types survive the trip Polars -> DuckDB -> Polars the warehouse makes every night."""

import datetime as dt
from decimal import Decimal

import duckdb
import polars as pl

from pipelines.warehouse import read_table, write_table


def test_round_trip_keeps_types_and_nulls(tmp_path):
    frame = pl.DataFrame(
        {
            "text": ["Gl. Jennumparken", "Ærø Å-området", None],
            "category": pl.Series(["udsat", None, "udsat"], dtype=pl.Categorical),
            "day": [dt.date(2024, 1, 1), None, dt.date(2010, 10, 1)],
            "at": [dt.datetime(2026, 11, 27, 3, 30, tzinfo=dt.UTC), None, None],
            "value": pl.Series([Decimal("43.700000"), None, Decimal("0.000001")],
                               dtype=pl.Decimal(18, 6)),
            "count": pl.Series([1270, None, 0], dtype=pl.Int64),
            "year": pl.Series([2024, 2023, None], dtype=pl.Int32),
            "flag": [True, None, False],
            "share": [17.0, None, 36.0],
        }
    )
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    write_table(conn, "staging.t", frame)
    conn.close()
    conn = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    back = read_table(conn, "staging.t")
    types = dict(conn.execute("SELECT column_name, data_type FROM information_schema.columns "
                              "WHERE table_name = 't'").fetchall())
    conn.close()

    assert types["value"] == "DECIMAL(18,6)"
    assert types["day"] == "DATE"
    assert types["at"] == "TIMESTAMP WITH TIME ZONE"
    assert back["text"].to_list() == frame["text"].to_list()
    assert back["category"].cast(pl.Utf8).to_list() == ["udsat", None, "udsat"]
    assert back["day"].to_list() == frame["day"].to_list()
    assert back["at"].to_list()[0] == dt.datetime(2026, 11, 27, 3, 30, tzinfo=dt.UTC)
    assert back["value"].dtype == pl.Decimal(18, 6)
    assert back["value"].to_list() == [Decimal("43.7"), None, Decimal("0.000001")]
    assert back["count"].to_list() == [1270, None, 0]
    assert back["year"].dtype == pl.Int32
    assert back["flag"].to_list() == [True, None, False]
    assert back["share"].to_list() == [17.0, None, 36.0]
