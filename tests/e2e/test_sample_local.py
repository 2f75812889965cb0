"""The shipped sample's measures beyond the criteria and its survey battery, as the
refresh publishes them (data/SAMPLE.md; issue 12 points 3 and 5).

The oracle is the sample's own files, read here with the csv module: the ratio of
sums over an area's afdelinger (and over every afdeling of the municipality's
social housing) is computed in exact fractions and compared with what
mart.local_indicators publishes.
"""

from __future__ import annotations

import csv
from fractions import Fraction
from pathlib import Path

import duckdb
import pytest

from indicators.survey.items import load_items
from tests.e2e.conftest import SAMPLE

pytestmark = pytest.mark.e2e

YEARS = range(2015, 2025)
DESIGNED = {"gl_jennumparken": "red", "glarbjergvej": "orange", "vangdalen": "yellow",
            "hermann_stillingsvej": "yellow", "energivej": "green", "romaltparken": "green",
            "kristrupvaenget": "green", "dronningborg_have": "green"}


@pytest.fixture(scope="module")
def db(sample_home):
    conn = duckdb.connect(str(sample_home / "serving" / "boligmonitor.duckdb"), read_only=True)
    yield conn
    conn.close()


def read_long(path: Path, delimiter: str) -> dict[tuple[str, int, str], str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {(r["afdeling_id"], int(r["aar"]), r["maal"]): r["vaerdi"]
                for r in csv.DictReader(handle, delimiter=delimiter)}


@pytest.fixture(scope="module")
def cells() -> dict[tuple[str, int, str], str]:
    return read_long(SAMPLE / "kaas" / "kaas_randers_udvidet_2025-12-01.csv", ";")


def members(area: str, year: int) -> list[str]:
    with (SAMPLE / "areas" / "membership.csv").open(encoding="utf-8") as handle:
        return [r["afdeling_id"] for r in csv.DictReader(handle, delimiter=";")
                if r["area_id"] == area and int(r["valid_from"]) <= year
                and (not r["valid_to"] or year <= int(r["valid_to"]))]


def register() -> list[str]:
    with (SAMPLE / "areas" / "afdelinger.csv").open(encoding="utf-8") as handle:
        return [r["afdeling_id"] for r in csv.DictReader(handle, delimiter=";")]


def share(cells: dict, afdelinger: list[str], year: int, num: str, den: str) -> Fraction:
    def total(maal: str) -> Fraction:
        return sum(Fraction(cells[(a, year, maal)].replace(",", ".")) for a in afdelinger)
    return 100 * total(num) / total(den)


@pytest.mark.parametrize(("indicator", "num", "den"), [
    ("l_offentligt_forsoergede", "offentligt_forsoergede_16_64", "beboere_16_64"),
    ("l_enlig_forsoerger", "boern_enlig_forsoerger", "beboere_0_17"),
])
def test_jennumparken_and_glarbjergvej_far_above_the_municipality(db, cells, indicator,
                                                                   num, den):
    published = {(a, y): (v, c, p) for a, y, v, c, p in db.execute(
        "SELECT area_id, year, value, comparison_value, points FROM mart.local_indicators "
        "WHERE indicator_id = ?", [indicator]).fetchall()}
    everyone = register()
    for year in YEARS:
        municipality = share(cells, everyone, year, num, den)
        for area in ("gl_jennumparken", "glarbjergvej"):
            own = share(cells, members(area, year), year, num, den)
            value, comparison, points = published[(area, year)]
            assert value == pytest.approx(float(own), rel=1e-9)
            assert comparison == pytest.approx(float(municipality), rel=1e-9)
            assert own >= Fraction(3, 2) * municipality and points == 3, (area, year)


def test_every_area_has_a_decided_category_as_designed_in_every_year_delivered(db):
    rows = db.execute(
        "SELECT area_id, year, category, points_min, points_max FROM mart.local_categories "
        "WHERE year BETWEEN 2015 AND 2024").fetchall()
    got = {(a, y): c for a, y, c, _, _ in rows}
    assert got == {(a, y): c for a, c in DESIGNED.items() for y in YEARS}
    # Before the new measures were delivered nothing can be decided.
    (before,), = db.execute("SELECT count(*) FROM mart.local_categories "
                            "WHERE year < 2015 AND category IS NOT NULL").fetchall()
    assert before == 0


def test_the_suppressed_local_cell_is_left_out_of_the_municipality_comparison(db):
    left_out = dict(db.execute(
        "SELECT year, max(comparison_left_out) FROM mart.local_indicators "
        "WHERE indicator_id = 'l_underretninger' AND year BETWEEN 2015 AND 2024 "
        "GROUP BY year").fetchall())
    assert left_out == {y: (1 if y == 2021 else 0) for y in YEARS}


def test_red_and_orange_categories_give_local_signals_in_the_next_list_year(db):
    rows = db.execute(
        "SELECT area_id, year, colour FROM mart.area_signals WHERE signal = 'local' "
        "AND year BETWEEN 2016 AND 2024").fetchall()
    found = {(a, y, c) for a, y, c in rows}
    assert found == {(a, y, DESIGNED[a]) for a in ("gl_jennumparken", "glarbjergvej")
                     for y in range(2016, 2025)}


def test_every_catalogue_item_is_published_for_every_wave_with_suppression(db):
    items = set(load_items())
    per_wave = db.execute(
        "SELECT wave_id, list(DISTINCT item_id) FROM mart.survey_results GROUP BY wave_id"
    ).fetchall()
    assert {w: set(i) for w, i in per_wave} == {w: items for w in ("2010", "2012", "2023")}
    # 2023: Kristrupvaenget below 10 answers on every item, Energivej (the next fewest)
    # suppressed with it, and the wave's all row too (group disclosure), item by item.
    rows = db.execute(
        "SELECT item_id, area_id, n_answers, n_positive, share, ci_low, vs_rest, suppressed "
        "FROM mart.survey_results WHERE wave_id = '2023'").fetchall()
    for item in items:
        hidden = {a for i, a, *_, s in rows if i == item and s}
        assert hidden == {"kristrupvaenget", "energivej", "all"}, item
    for _, _area, n, positive, value, low, vs_rest, suppressed in rows:
        if suppressed:
            assert (positive, value, low, vs_rest) == (None, None, None, None)
            assert n is not None
        else:
            assert n >= 10 and value == pytest.approx(100 * positive / n)


def test_vangdalen_2010_satisfied_overall_but_unsafe_in_the_evening(db):
    rows = {(a, i): (s, v) for a, i, s, v in db.execute(
        "SELECT area_id, item_id, share, vs_rest FROM mart.survey_results "
        "WHERE wave_id = '2010' AND item_id IN ('area_satisfaction', 'evening_safety') "
        "AND area_id IN ('vangdalen', 'all')").fetchall()}
    assert rows[("vangdalen", "evening_safety")] == (pytest.approx(36.0), "over")
    assert rows[("all", "evening_safety")][0] == pytest.approx(17.0)
    dissatisfied, verdict = rows[("vangdalen", "area_satisfaction")]
    assert dissatisfied < 15 and rows[("all", "area_satisfaction")][0] < 15
    assert verdict == "ingen forskel"
