"""The effect evaluation in the published serving file of the sample's refresh (domain.md
§8): every plan of data/sample/areas/plans.csv in mart.plans, mart.plan_effects with an
interval where there are at least 5 comparison areas and "too few" rows otherwise, and
Vangdalen's 2010 -> 2012 survey change against the rest of those waves."""

from __future__ import annotations

import csv
import math

import duckdb
import pytest

from tests.e2e.conftest import SAMPLE

pytestmark = pytest.mark.e2e

CRITERIA = ["k1_uden_tilknytning", "k2_domte", "k3_grundskole", "k4_indkomst",
            "k5_ikkevestlige"]
# Areas with a plan of their own at some time (data/sample/areas/plans.csv).
NO_PLAN = {"romaltparken", "kristrupvaenget", "dronningborg_have"}
Z = 1.959964


@pytest.fixture(scope="module")
def db(sample_home):
    conn = duckdb.connect(str(sample_home / "serving" / "boligmonitor.duckdb"), read_only=True)
    yield conn
    conn.close()


def sample_plans() -> list[tuple]:
    with open(SAMPLE / "areas" / "plans.csv", encoding="utf-8", newline="") as handle:
        return sorted((r["plan_id"], r["plan_name"], r["area_id"], int(r["start_year"]),
                       int(r["end_year"]) if r["end_year"] else None)
                      for r in csv.DictReader(handle, delimiter=";"))


def effects(db, where: str = "true", params=()) -> list[dict]:
    cursor = db.execute(f"SELECT * FROM mart.plan_effects WHERE {where} ORDER BY ALL", params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_every_sample_plan_is_published(db):
    published = db.execute("SELECT plan_id, plan_name, area_id, start_year, end_year "
                           "FROM mart.plans ORDER BY ALL").fetchall()
    assert published == sample_plans()
    assert len(published) == 12


def test_every_plan_area_has_both_comparisons_for_every_criterion(db):
    got = {(r["plan_id"], r["area_id"], r["indicator_id"], r["comparison"])
           for r in effects(db, "comparison <> 'rest_of_wave'")
           if r["indicator_id"] in CRITERIA}
    expected = {(plan, area, k, c) for plan, _, area, _, _ in sample_plans()
                for k in CRITERIA for c in ("all", "twins")}
    assert got == expected


def test_intervals_exactly_where_there_are_five_comparison_areas(db):
    rows = [r for r in effects(db, "comparison <> 'rest_of_wave' AND effect IS NOT NULL")]
    with_interval = [r for r in rows if r["n_comparison"] >= 5]
    too_few = [r for r in rows if r["n_comparison"] < 5]
    assert with_interval and too_few
    for r in with_interval:
        assert r["ci_low"] < r["effect"] < r["ci_high"], r
        assert 0 < r["placebo_p"] <= 1
        assert r["effect"] == pytest.approx(r["change"] - r["comparison_change"], abs=1e-9)
    for r in too_few:
        assert (r["ci_low"], r["ci_high"], r["placebo_p"]) == (None, None, None), r


def test_the_nordby_plan_is_compared_with_the_five_areas_without_a_plan_then(db):
    # 2006-2013 touches no plan of Hermann Stillingsvej or Energivej (theirs is 2021-25).
    rows = effects(db, "plan_id = 'nordby_2009_2013' AND area_id = 'gl_jennumparken' "
                   "AND indicator_id = 'k1_uden_tilknytning'")
    by = {r["comparison"]: r for r in rows}
    assert (by["all"]["pre_period"], by["all"]["post_period"]) == ("2006-2008", "2010-2013")
    assert by["all"]["n_comparison"] == 5 and by["all"]["ci_low"] is not None
    assert set(by["twins"]["comparison_areas"]) == NO_PLAN | {"hermann_stillingsvej",
                                                              "energivej"}
    assert by["all"]["comparison_areas"] is None


def test_the_2021_plan_has_too_few_comparison_areas(db):
    rows = effects(db, "plan_id = 'helhedsplan_2021_2025' AND comparison = 'twins'")
    assert {r["area_id"] for r in rows} == {"gl_jennumparken", "glarbjergvej", "vangdalen",
                                            "hermann_stillingsvej", "energivej"}
    for r in rows:
        assert set(r["comparison_areas"]) <= NO_PLAN
        assert r["n_comparison"] <= 3 and r["ci_low"] is None
        assert (r["pre_period"], r["post_period"]) == ("2018-2020", "2022-2024")
    assert any(r["effect"] is not None for r in rows)


def test_an_effort_under_three_calendar_years_gets_no_register_effect(db):
    rows = [r for r in effects(db, "plan_id = 'vangdalen_tryghed_2011' "
                               "AND comparison <> 'rest_of_wave'")
            if r["indicator_id"] in CRITERIA]
    assert len(rows) == 2 * len(CRITERIA)
    for r in rows:
        assert r["post_period"] == "2012"  # one post year: below the two a mean needs
        assert r["pre_value"] is not None and r["effect"] is None and r["ci_low"] is None


def survey_cell(db, wave: str, area: str) -> tuple[int, int]:
    return db.execute("SELECT n_answers, n_positive FROM mart.survey_results WHERE wave_id = ? "
                      "AND area_id = ? AND item_id = 'evening_safety'", [wave, area]).fetchone()


def test_vangdalens_2010_to_2012_survey_change_with_its_interval(db):
    (row,) = effects(db, "plan_id = 'vangdalen_tryghed_2011' AND comparison = 'rest_of_wave' "
                     "AND indicator_id = 'evening_safety'")
    assert (row["area_id"], row["indicator_id"]) == ("vangdalen", "evening_safety")
    assert (row["pre_period"], row["post_period"]) == ("2010", "2012")
    # Recomputed from the published survey cells: the area, and the wave less the area.
    cells = []
    for wave in ("2010", "2012"):
        n_area, pos_area = survey_cell(db, wave, "vangdalen")
        n_all, pos_all = survey_cell(db, wave, "all")
        cells.append(((n_area, pos_area), (n_all - n_area, pos_all - pos_area)))
    (pre, rest_pre), (post, rest_post) = cells
    share = [p / n for n, p in (pre, post, rest_pre, rest_post)]
    assert row["pre_value"] == pytest.approx(100 * share[0])
    assert round(row["pre_value"]) == 36  # the 2010 survey's 36 % in Vangdalen (domain.md §1)
    effect = 100 * ((share[1] - share[0]) - (share[3] - share[2]))
    half = 100 * Z * math.sqrt(sum(s * (1 - s) / n for s, (n, _) in
                                   zip(share, (pre, post, rest_pre, rest_post), strict=True)))
    assert row["effect"] == pytest.approx(effect)
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(effect - half),
                                               pytest.approx(effect + half))
    assert row["effect"] < 0  # fewer felt unsafe after the effort than the rest's change
    assert row["n_comparison"] == rest_post[0] and row["placebo_p"] is None
    # The Nordby plan covers Vangdalen from 2011 too: the same two waves.
    (nordby,) = effects(db, "plan_id = 'nordby_2009_2013' AND area_id = 'vangdalen' "
                        "AND comparison = 'rest_of_wave' AND indicator_id = 'evening_safety'")
    assert nordby["effect"] == pytest.approx(row["effect"])
