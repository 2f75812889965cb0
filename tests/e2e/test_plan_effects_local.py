"""The local model's register indicators in mart.plan_effects and mart.plan_series of the
sample's refresh (domain.md §7-§8): every plan area has both comparison rows for each of
them, survey indicators only as survey rows, and where an area kept its afdelinger the
window means are the means of the values mart.local_indicators publishes."""

from __future__ import annotations

import csv
import math

import duckdb
import pytest

from indicators.local_model import load_local_model
from tests.e2e.conftest import SAMPLE

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def db(sample_home):
    conn = duckdb.connect(str(sample_home / "serving" / "boligmonitor.duckdb"), read_only=True)
    yield conn
    conn.close()


def model():
    # The sample has no models/local.yaml: the refresh scores with the shipped default.
    assert not (SAMPLE / "models" / "local.yaml").exists()
    return load_local_model()


def register_ids() -> set[str]:
    return {i for i, d in model().indicators.items() if not d.is_survey}


def sample_plans() -> list[tuple[str, str, int, int | None]]:
    with open(SAMPLE / "areas" / "plans.csv", encoding="utf-8", newline="") as handle:
        return [(r["plan_id"], r["area_id"], int(r["start_year"]),
                 int(r["end_year"]) if r["end_year"] else None)
                for r in csv.DictReader(handle, delimiter=";")]


def stable_areas() -> set[str]:
    """Areas whose membership never changed: their delimitation is the same every year."""
    with open(SAMPLE / "areas" / "membership.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    changed = {r["area_id"] for r in rows if r["valid_to"]
               or int(r["valid_from"]) > 2006}
    return {r["area_id"] for r in rows} - changed


def test_every_plan_area_has_both_comparisons_for_every_register_indicator(db):
    ids = register_ids()
    assert len(ids) >= 8
    got = {(p, a, i, c) for p, a, i, c in db.execute(
        "SELECT plan_id, area_id, indicator_id, comparison FROM mart.plan_effects "
        "WHERE comparison IN ('all', 'twins')").fetchall() if i in ids}
    expected = {(p, a, i, c) for p, a, _, _ in sample_plans() for i in ids
                for c in ("all", "twins")}
    assert got == expected


def test_survey_indicators_of_the_model_are_only_survey_rows(db):
    survey = {i for i, d in model().indicators.items() if d.is_survey}
    assert survey
    register_rows = db.execute(
        "SELECT count(*) FROM mart.plan_effects WHERE comparison <> 'rest_of_wave' "
        "AND indicator_id IN (SELECT unnest(?::VARCHAR[]))", [sorted(survey)]).fetchone()[0]
    assert register_rows == 0


def test_the_2021_plan_has_known_local_effects_from_the_published_values(db):
    ids = sorted(register_ids())
    stable = stable_areas()
    rows = db.execute(
        "SELECT area_id, indicator_id, pre_value, post_value, change, effect "
        "FROM mart.plan_effects WHERE plan_id = 'helhedsplan_2021_2025' "
        "AND comparison = 'all' AND indicator_id IN (SELECT unnest(?::VARCHAR[]))",
        [ids]).fetchall()
    known = [r for r in rows if r[5] is not None]
    assert known, "the local data (2015-2024) covers the 2021 plan's windows"
    checked = 0
    for area, indicator, pre, post, change, _ in known:
        assert change == pytest.approx(post - pre, abs=1e-9)
        if area not in stable:
            continue
        values = dict(db.execute(
            "SELECT year, value FROM mart.local_indicators WHERE area_id = ? "
            "AND indicator_id = ? AND value IS NOT NULL", [area, indicator]).fetchall())
        pre_years = [values[y] for y in range(2018, 2021) if y in values]
        post_years = [values[y] for y in range(2022, 2025) if y in values]
        assert pre == pytest.approx(math.fsum(pre_years) / len(pre_years), abs=1e-9)
        assert post == pytest.approx(math.fsum(post_years) / len(post_years), abs=1e-9)
        checked += 1
    assert checked


def test_the_plan_series_charts_the_local_indicators(db):
    ids = register_ids()
    got = {(p, a, i) for p, a, i in db.execute(
        "SELECT DISTINCT plan_id, area_id, indicator_id FROM mart.plan_series").fetchall()
        if i in ids}
    assert got == {(p, a, i) for p, a, _, _ in sample_plans() for i in ids}
