"""Local deliveries (local/) and the local model (models/local.yaml) as inputs: routed and
validated from incoming/, kept in the raw store as received, staged as kaas/ is."""

import dagster as dg
import duckdb
import pytest

from assets import local, raw, staging
from indicators.errors import InputError
from pipelines import incoming
from pipelines.resources import build_resources
from pipelines.settings import Paths
from tests.tiny_data import HEADER_KAAS, write_tiny_data

LOCAL = HEADER_KAAS + "100-0001;2024;underretninger_0_17;12\n100-0003;2024;beboere_0_17;..\n"
MODEL = """model_id: tiny_1
min_residents: 500
bands: ["1.00", "1.25", "1.50"]
categories: {red_from: 3, orange_from: 2, yellow_from: 1}
indicators:
  l_underretninger:
    numerator: underretninger_0_17
    denominator: beboere_0_17
    unit: pct
    direction: higher_worse
    label_da: Børn med underretning
    label_en: Children with a notification
"""


def drop(data, name: str, text: str):
    (data / "incoming").mkdir(exist_ok=True)
    path = data / "incoming" / name
    path.write_text(text, encoding="utf-8")
    return path


def report_of(data, name: str) -> str:
    return (data / "incoming" / f"{name}{incoming.REPORT_SUFFIX}").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["lokal_underretninger_2026-11-15.csv",
                                  "Local_randers.csv", "lokale_tal.csv"])
def test_a_delivery_named_local_goes_to_local(tmp_path, name):
    data = write_tiny_data(tmp_path / "data")
    drop(data, name, LOCAL)
    (delivery,) = incoming.admit(data, warn=lambda _: None)
    assert [n for _, n in delivery.files] == [f"local/{name}"]
    incoming.accept(data, delivery)
    assert (data / "local" / name).read_text(encoding="utf-8") == LOCAL
    assert not (data / "incoming" / name).exists()


def test_the_same_file_without_a_local_name_is_a_kaas_delivery(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    drop(data, "underretninger_2026-11-15.csv", LOCAL)
    (delivery,) = incoming.admit(data, warn=lambda _: None)
    assert delivery.target == "kaas/underretninger_2026-11-15.csv"


def test_a_local_delivery_of_a_criteria_measure_is_rejected_naming_row_and_column(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    name = "lokal_2026-11-15.csv"
    entry = drop(data, name, LOCAL + "100-0002;2024;beboere;450\n")
    warnings = []
    assert incoming.admit(data, warn=warnings.append) == []
    report = report_of(data, name)
    assert f"incoming/{name}, row 4, column 'maal'" in report, report
    assert "criteria measure" in report and "kaas/" in report
    assert entry.exists() and not (data / "local").exists()
    assert warnings


def test_a_local_delivery_never_replaces_another_of_its_name(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    (data / "local").mkdir()
    (data / "local" / "lokal.csv").write_text(LOCAL, encoding="utf-8")
    revised = LOCAL.replace(";12\n", ";13\n")
    drop(data, "lokal.csv", revised)
    assert incoming.admit(data, warn=lambda _: None) == []
    assert "local/lokal.csv already holds a different file" in report_of(data, "lokal.csv")
    assert (data / "local" / "lokal.csv").read_text(encoding="utf-8") == LOCAL


def test_a_model_file_goes_to_models_and_replaces_the_old_one(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    (data / "models").mkdir()
    (data / "models" / "local.yaml").write_text(MODEL.replace("tiny_1", "old"),
                                                encoding="utf-8")
    drop(data, "local.yaml", MODEL)
    (delivery,) = incoming.admit(data, warn=lambda _: None)
    incoming.accept(data, delivery)
    assert (data / "models" / "local.yaml").read_text(encoding="utf-8") == MODEL


def test_an_invalid_model_in_incoming_is_rejected_naming_the_key(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    drop(data, "local.yaml", MODEL.replace("    unit: pct\n", "    unit: pct\n    colour: red\n"))
    assert incoming.admit(data, warn=lambda _: None) == []
    report = report_of(data, "local.yaml")
    assert "incoming/local.yaml" in report
    assert "indicators.l_underretninger.colour" in report and "unknown key" in report
    assert not (data / "models").exists()


LOCAL_ASSETS = [raw.raw_files, staging.staging_areas, staging.staging_membership,
                staging.staging_kaas, local.staging_local, local.staging_local_model]


def stage(data):
    paths = Paths(home=data.parent / "home", data=data)
    result = dg.materialize(LOCAL_ASSETS, resources=build_resources(paths),
                            raise_on_error=False)
    return paths, result


def failure_text(result) -> str:
    """The failed step's error with its causes (Dagster wraps the InputError)."""
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    error, parts = failure.step_failure_data.error, []
    while error is not None:
        parts.append(error.message)
        error = error.cause
    return "\n".join(parts)


def query(paths, sql: str) -> list:
    conn = duckdb.connect(str(paths.private_db), read_only=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_local_files_are_kept_as_received_and_staged_with_suppression(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    (data / "local").mkdir()
    (data / "local" / "lokal_2026-11-15.csv").write_text(LOCAL, encoding="utf-8")
    paths, result = stage(data)
    assert result.success
    assert query(paths, "SELECT kind FROM raw.files WHERE name = 'local/lokal_2026-11-15.csv'"
                 ) == [("local",)]
    assert query(paths, "SELECT afdeling_id, maal, vaerdi, suppressed FROM staging.local "
                 "ORDER BY ALL") == [("100-0001", "underretninger_0_17", 12, False),
                                     ("100-0003", "beboere_0_17", None, True)]
    # No models/local.yaml: the shipped default model.
    assert query(paths, "SELECT model_id, source FROM staging.local_model") == [
        ("boligmonitor_standard_1", "indicators/local_model_default.yaml")]


def test_a_later_dated_local_delivery_revises_a_kaas_value_and_says_so(tmp_path):
    data = write_tiny_data(tmp_path / "data")  # kaas/kaas_2025-03-01.csv
    (data / "kaas" / "dst_2025-03-01.csv").write_text(
        HEADER_KAAS + "100-0001;2024;sigtede_15_24;7\n100-0002;2024;sigtede_15_24;3\n",
        encoding="utf-8")
    (data / "local").mkdir()
    (data / "local" / "lokal_politi_2025-06-01.csv").write_text(
        HEADER_KAAS + "100-0001;2024;sigtede_15_24;9\n100-0002;2024;sigtede_15_24;3\n",
        encoding="utf-8")
    paths, result = stage(data)
    assert result.success
    assert query(paths, "SELECT afdeling_id, vaerdi, source_file FROM staging.local "
                 "ORDER BY ALL")[0] == ("100-0001", 9, "local/lokal_politi_2025-06-01.csv")
    assert query(paths, "SELECT afdeling_id, old_value, new_value, old_file, new_file "
                 "FROM staging.local_revisions") == [
        ("100-0001", "7", "9", "kaas/dst_2025-03-01.csv", "local/lokal_politi_2025-06-01.csv")]


def test_an_undated_local_delivery_disagreeing_with_kaas_fails_naming_both(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    (data / "kaas" / "dst_2025-03-01.csv").write_text(
        HEADER_KAAS + "100-0001;2024;sigtede_15_24;7\n", encoding="utf-8")
    (data / "local").mkdir()
    (data / "local" / "lokal_politi.csv").write_text(
        HEADER_KAAS + "100-0001;2024;sigtede_15_24;9\n", encoding="utf-8")
    _, result = stage(data)
    assert not result.success
    message = failure_text(result)
    assert "kaas/dst_2025-03-01.csv" in message and "local/lokal_politi.csv" in message
    assert "no delivery date" in message


def test_an_invalid_model_fails_staging_naming_file_and_key(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    (data / "models").mkdir()
    (data / "models" / "local.yaml").write_text(
        MODEL.replace("underretninger_0_17", "underretninger"), encoding="utf-8")
    _, result = stage(data)
    assert not result.success
    message = failure_text(result)
    assert "models/local.yaml" in message
    assert "indicators.l_underretninger.numerator" in message


def test_validate_model_bytes_refuses_text_that_is_not_utf8():
    from indicators.local_model import validate_model_bytes

    with pytest.raises(InputError, match="models/local.yaml: is not UTF-8"):
        validate_model_bytes(MODEL.encode("utf-16"), "models/local.yaml")


def test_a_delivery_read_again_after_publishing_settles_whatever_the_size_limit(tmp_path):
    # settle_incoming routes an admitted delivery again with a practically unbounded
    # limit; reading must not allocate that limit.
    data = write_tiny_data(tmp_path / "data")
    drop(data, "lokal.csv", LOCAL)
    delivery = incoming.route(data / "incoming" / "lokal.csv", data, 1 << 62)
    incoming.accept(data, delivery)
    assert (data / "local" / "lokal.csv").read_text(encoding="utf-8") == LOCAL


def test_a_criteria_measure_in_a_local_workbook_is_named_by_its_cell():
    import polars as pl

    from indicators.inputs.local import refuse_criteria_measures

    records = pl.DataFrame({"maal": ["underretninger_0_17", "beboere"],
                            "location": ["sheet 'Ark1' cell C5", "sheet 'Ark1' cell C6"]})
    with pytest.raises(InputError) as err:
        refuse_criteria_measures(records, "local/lokal.xlsx", ["beboere"])
    (problem,) = err.value.problems
    assert (problem.file, problem.row, problem.column) == ("local/lokal.xlsx", None, "maal")
    assert "sheet 'Ark1' cell C6" in problem.message and "'beboere'" in problem.message
