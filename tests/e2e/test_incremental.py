"""The yearly case through the real command: a refresh parses only KÅS deliveries it has
not seen (content hashes), gives the same figures as a full parse, and keeps its cache to
the deliveries in use."""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest

from tests.e2e.conftest import run_cli

pytestmark = pytest.mark.e2e

CSV = "kaas/kaas_randers_2025-11-03.csv"


def kaas_materializations(home) -> list[dict]:
    """The metadata of staging/kaas of every refresh of the home, the newest first."""
    instance = dg.DagsterInstance.from_config(str(home / "dagster"))
    try:
        records = instance.fetch_materializations(dg.AssetKey(["staging", "kaas"]),
                                                  limit=100).records
    finally:
        instance.dispose()
    return [{k: v.value for k, v in r.asset_materialization.metadata.items()} for r in records]


def kaas_materialization(home) -> dict:
    return kaas_materializations(home)[0]


def published(home, sql: str):
    conn = duckdb.connect(str(home / "serving" / "boligmonitor.duckdb"), read_only=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def refresh(home, data):
    result = run_cli("refresh", "--home", str(home), "--data", str(data))
    assert result.returncode == 0, result.stderr[-3000:]


def test_only_new_or_changed_deliveries_are_parsed(sample_home, republished_copy):
    # The session's home was refreshed once from nothing, then its copy refreshed again
    # from the same sample (`republished_home`); both read here in a copy (opening a Dagster
    # instance writes beside its files, and the session's homes are only read).
    home, sample_copy = republished_copy
    again, first = kaas_materializations(home)
    # The first refresh parsed every delivery.
    assert (first["deliveries"], first["deliveries_parsed"]) == (4, 4)  # kaas/ of the sample
    figures = "SELECT * FROM mart.indicator_values ORDER BY ALL"
    before = published(sample_home, figures)
    residents_2023 = ("SELECT sum(vaerdi) FROM mart.municipality_year "
                      "WHERE year = 2023 AND maal = 'beboere'")
    (total_before,), = published(sample_home, residents_2023)

    # Refreshed again: nothing parsed, the same figures as the full parse.
    assert again["deliveries_parsed"] == 0
    assert published(home, figures) == before  # cached records give the same figures

    # A revised delivery: one cell changes, so that file alone is parsed again.
    path = sample_copy / CSV
    text = path.read_bytes().decode("cp1252")
    line = next(row for row in text.splitlines() if row.startswith("027-0012;2023;Beboere i alt;"))
    residents = int(line.rsplit(";", 1)[1])
    path.write_bytes(text.replace(line, line.replace(f";{residents}", f";{residents + 7}"))
                     .encode("cp1252"))
    refresh(home, sample_copy)
    revised = kaas_materialization(home)
    assert (revised["deliveries_parsed"], revised["cache_entries_pruned"]) == (1, 1)
    (total_after,), = published(home, residents_2023)
    assert total_after == total_before + 7
    # One entry per delivery in use: the revised file's old entry is gone.
    assert sorted(p.suffix for p in (home / "cache" / "kaas").iterdir()) == [".parquet"] * 4
