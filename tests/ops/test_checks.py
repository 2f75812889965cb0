"""Data-quality checks on the published tables, as plain functions and as definitions."""

import dagster as dg
import duckdb

from indicators import tables
from pipelines.checks import check_results, row_count_change, table_problems
from pipelines.definitions import ASSET_MODULES


def survey_table(rows):
    conn = duckdb.connect()
    conn.execute("CREATE SCHEMA mart")
    columns = ", ".join(f'"{c.name}" {c.type}' for c in tables.SURVEY_RESULTS.columns)
    conn.execute(f"CREATE TABLE mart.survey_results ({columns})")
    for row in rows:
        conn.execute("INSERT INTO mart.survey_results VALUES (?,?,?,?,?,?,?,?,?,?,?)", row)
    return conn


GOOD = ("2010", 2010, "vangdalen", "evening_safety", 125, 45, 36.0, 28.1, 44.7, "over", False)


def test_a_good_table_has_no_problems():
    assert table_problems(survey_table([GOOD]), tables.SURVEY_RESULTS) == []


def test_duplicate_keys_nulls_ranges_and_vocabulary_are_found():
    bad = [
        GOOD,
        GOOD,  # duplicated key
        ("2010", 2010, "nord", "evening_safety", None, 1, 150.0, 1.0, 2.0, "maybe", False),
    ]
    problems = " | ".join(table_problems(survey_table(bad), tables.SURVEY_RESULTS))
    assert "1 duplicated keys" in problems
    assert "NULLs in n_answers" in problems
    assert "values of share above 100" in problems
    assert "values of vs_rest outside" in problems


def test_every_published_mart_has_a_blocking_shape_check_and_a_warning_row_check():
    assets = dg.load_assets_from_modules(ASSET_MODULES)
    specs = [spec for asset in assets for spec in asset.check_specs]
    for table in tables.PUBLISHED:
        if table.name == "refresh":
            continue
        mine = {s.name: s for s in specs if s.asset_key.path == ["mart", table.name]}
        assert mine["published_shape"].blocking is True
        assert mine["row_count_change"].blocking is False


def test_row_count_change_tolerance():
    assert row_count_change(None, 10)[0] is True
    assert row_count_change(100, 120)[0] is True
    assert row_count_change(100, 60)[0] is False
    assert row_count_change(0, 5)[0] is False


def test_check_results_fail_the_shape_and_warn_on_the_row_count():
    bad = [GOOD, ("2010", 2010, "nord", "evening_safety", 10, 1, 150.0, 1.0, 2.0, "over", False)]
    shape, rows = check_results(survey_table(bad), tables.SURVEY_RESULTS, previous_rows=20,
                                rows=2)
    assert shape.check_name == "published_shape" and not shape.passed
    assert "above 100" in shape.metadata["problems"].value
    assert rows.check_name == "row_count_change" and not rows.passed
    assert rows.severity == dg.AssetCheckSeverity.WARN
    assert rows.metadata["row_count"].value == "20 -> 2 rows (-90%)"
    good_shape, _ = check_results(survey_table([GOOD]), tables.SURVEY_RESULTS, None, 1)
    assert good_shape.passed
