"""Assets through `dg.materialize` on a temporary warehouse and a tiny data directory."""

from __future__ import annotations

import logging

import dagster as dg
import duckdb
import pytest

from assets import mart, raw, staging
from pipelines.resources import build_resources
from pipelines.settings import Paths
from tests.tiny_data import write_tiny_data

INGEST = [raw.raw_files, staging.staging_areas, staging.staging_membership,
          staging.staging_kaas, staging.staging_national, staging.staging_regional,
          mart.mart_areas, mart.mart_area_year]


@pytest.fixture
def paths(tmp_path) -> Paths:
    return Paths(home=tmp_path / "home", data=write_tiny_data(tmp_path / "data"))


def materialize(paths: Paths, assets=INGEST) -> dg.ExecuteInProcessResult:
    return dg.materialize(assets, resources=build_resources(paths), raise_on_error=False)


def fetch(paths: Paths, sql: str):
    conn = duckdb.connect(str(paths.private_db), read_only=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_raw_files_registers_and_copies_every_file(paths):
    result = materialize(paths, [raw.raw_files])
    assert result.success
    rows = fetch(paths, "SELECT name, size_bytes, sha256, raw_copy FROM raw.files ORDER BY name")
    names = [r[0] for r in rows]
    assert "kaas/kaas_2025-03-01.csv" in names and "survey/2020/dataset.csv" in names
    for name, size, digest, copy in rows:
        original = (paths.data / name).read_bytes()
        assert size == len(original)
        assert open(copy, "rb").read() == original
        assert digest in copy


def test_area_year_follows_membership_of_each_data_year(paths):
    assert materialize(paths).success
    residents = dict(
        ((area, year), n) for area, year, n in
        fetch(paths, "SELECT area_id, year, residents FROM mart.area_year")
    )
    # 100-0002 (450 residents) moves from nord to syd in 2020.
    assert residents[("nord", 2019)] == 600 + 450
    assert residents[("nord", 2020)] == 600
    assert residents[("syd", 2019)] == 700
    assert residents[("syd", 2020)] == 700 + 450


def test_suppressed_cell_makes_the_area_sum_unknown(paths):
    kaas = paths.data / "kaas" / "kaas_2025-03-01.csv"
    text = kaas.read_text(encoding="cp1252").replace("100-0003;2021;beboere;700",
                                                      "100-0003;2021;beboere;..")
    kaas.write_bytes(text.encode("cp1252"))
    assert materialize(paths).success
    (residents,), = fetch(paths, "SELECT residents FROM mart.area_year "
                                 "WHERE area_id = 'syd' AND year = 2021")
    assert residents is None
    (suppressed,), = fetch(paths, "SELECT suppressed FROM staging.kaas WHERE "
                                  "afdeling_id = '100-0003' AND aar = 2021 AND maal = 'beboere'")
    assert suppressed is True


def test_afdeling_outside_every_area_is_a_warning_with_a_count(paths):
    kaas = paths.data / "kaas" / "kaas_2025-03-01.csv"
    with kaas.open("ab") as handle:
        handle.write(b"999-0001;2024;beboere;50\n999-0002;2024;beboere;60\n")
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize(INGEST, resources=build_resources(paths), instance=instance)
    assert result.success
    materialization = result.asset_materializations_for_node("staging_kaas")[0]
    assert materialization.metadata["afdelinger_outside_areas"].value == 2
    warnings = [e.user_message for e in instance.all_logs(result.run_id)
                if e.level == logging.WARNING]
    assert any("2 afdelinger" in w and "belong to no area" in w for w in warnings)


def test_bad_kaas_value_fails_the_staging_asset_with_location(paths):
    kaas = paths.data / "kaas" / "kaas_2025-03-01.csv"
    lines = kaas.read_text(encoding="cp1252").splitlines()
    lines[3] = lines[3].rsplit(";", 1)[0] + ";tolv"
    kaas.write_text("\n".join(lines) + "\n", encoding="cp1252")
    result = materialize(paths)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    text = str(failure.step_failure_data.error.cause or failure.step_failure_data.error)
    assert "kaas/kaas_2025-03-01.csv" in text and "row 4" in text and "'vaerdi'" in text
