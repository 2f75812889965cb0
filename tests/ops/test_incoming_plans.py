"""areas/plans.csv as an input like the other area files: routed and validated from
incoming/ against the current areas, kept in the raw store as received, optional."""

import dagster as dg
import duckdb

from assets import effects, local, raw, staging, survey
from pipelines import incoming
from pipelines.resources import build_resources
from pipelines.settings import Paths
from tests.tiny_data import write_tiny_data

HEADER = "plan_id;plan_name;area_id;start_year;end_year\n"
GOOD = HEADER + "nord_2018;Helhedsplan Nord;nord;2018;2021\n"


def test_a_plans_file_in_incoming_is_routed_to_areas_and_admitted(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    (data / "incoming").mkdir()
    (data / "incoming" / "plans.csv").write_text(GOOD, encoding="utf-8")
    (delivery,) = incoming.admit(data, warn=lambda _: None)
    assert [name for _, name in delivery.files] == ["areas/plans.csv"]
    incoming.accept(data, delivery)
    assert (data / "areas" / "plans.csv").read_text(encoding="utf-8") == GOOD
    assert not (data / "incoming" / "plans.csv").exists()


def test_a_bad_plans_file_is_rejected_naming_file_row_and_column(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    (data / "incoming").mkdir()
    bad = data / "incoming" / "plans.csv"
    # Row 2 ends before it starts; row 3 names an area the register does not hold
    # (valid against nothing but the current areas/areas.csv).
    bad.write_text(HEADER + "nord_2018;Helhedsplan Nord;nord;2018;2016\n"
                   "nord_2018;Helhedsplan Nord;vest;2018;2021\n", encoding="utf-8")
    warnings = []
    assert incoming.admit(data, warn=warnings.append) == []
    assert bad.exists() and not (data / "areas" / "plans.csv").exists()
    report = (data / "incoming" / "plans.csv.error.txt").read_text(encoding="utf-8")
    lines = report.splitlines()
    assert any(line.startswith("incoming/plans.csv, row 2, column 'end_year'")
               and "before start_year" in line for line in lines), report
    assert any(line.startswith("incoming/plans.csv, row 3, column 'area_id'")
               and "areas/areas.csv" in line for line in lines), report
    assert warnings and "rejected" in warnings[0]


def test_a_plan_for_an_area_that_only_a_new_register_would_add_is_rejected(tmp_path):
    # Validated against the areas in place: the register must arrive (and load) first.
    data = write_tiny_data(tmp_path / "data")
    (data / "incoming").mkdir()
    (data / "incoming" / "plans.csv").write_text(
        HEADER + "vest_2020;Helhedsplan Vest;vest;2020;\n", encoding="utf-8")
    assert incoming.admit(data, warn=lambda _: None) == []
    report = (data / "incoming" / "plans.csv.error.txt").read_text(encoding="utf-8")
    assert "row 2, column 'area_id'" in report


PLAN_ASSETS = [raw.raw_files, staging.staging_areas, staging.staging_membership,
               staging.staging_kaas, staging.staging_regional, survey.staging_survey,
               survey.mart_survey_results, effects.staging_plans, effects.mart_plans,
               local.staging_local_model, local.staging_local, effects.mart_plan_effects]


def refresh_plans(data) -> list:
    paths = Paths(home=data.parent / "home", data=data)
    result = dg.materialize(PLAN_ASSETS, resources=build_resources(paths))
    assert result.success
    conn = duckdb.connect(str(paths.private_db), read_only=True)
    try:
        return [
            conn.execute("SELECT raw_copy, kind FROM raw.files "
                         "WHERE name = 'areas/plans.csv'").fetchall(),
            conn.execute("SELECT plan_id, area_id, start_year, end_year "
                         "FROM mart.plans").fetchall(),
            # The criteria: the tiny data has no cells of the local model's measures.
            conn.execute("SELECT DISTINCT plan_id, area_id, comparison, n_comparison "
                         "FROM mart.plan_effects WHERE indicator_id LIKE 'k%' "
                         "ORDER BY ALL").fetchall(),
        ]
    finally:
        conn.close()


def test_without_plans_the_tables_are_empty_and_with_them_the_file_is_kept_as_received(
        tmp_path):
    data = write_tiny_data(tmp_path / "data")
    copies, plans, effect_rows = refresh_plans(data)
    assert (copies, plans, effect_rows) == ([], [], [])

    (data / "areas" / "plans.csv").write_text(GOOD, encoding="utf-8")
    copies, plans, effect_rows = refresh_plans(data)
    ((copy, kind),) = copies
    assert kind == "areas"
    assert open(copy, "rb").read() == GOOD.encode("utf-8")
    assert plans == [("nord_2018", "nord", 2018, 2021)]
    # Two areas: syd is the only comparison area, far too few for an interval.
    assert effect_rows == [("nord_2018", "nord", "all", 1), ("nord_2018", "nord", "twins", 1)]
