"""The local model through the real refresh (domain.md §6-7): a copy of the sample with a
municipality's delivery dropped into incoming/ and a model of its own in models/local.yaml
publishes mart.local_indicators and mart.local_categories, and a red or orange category
gives a `local` signal in the next list year; a bad model fails the refresh naming the
file and key and leaves the publication as it was."""

from __future__ import annotations

import shutil
from fractions import Fraction
from pathlib import Path

import duckdb
import pytest

from tests.e2e.conftest import digest_tree, run_cli

pytestmark = pytest.mark.e2e

DATA_YEAR = 2022
DELIVERY = "lokal_underretninger_2023-01-15.csv"
MODEL = """model_id: randers_test_1
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
# Children with a notification per 100 children, by area; every other afdeling of the
# municipality has 10.
NOTIFIED = {"gl_jennumparken": 40, "glarbjergvej": 21}
OTHERS = 10


def query(home: Path, sql: str) -> list:
    conn = duckdb.connect(str(home / "serving" / "boligmonitor.duckdb"), read_only=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def members(data: Path, year: int) -> dict[str, str]:
    """afdeling -> area in `year`, from the copy's membership."""
    out = {}
    for line in (data / "areas" / "membership.csv").read_text(encoding="utf-8").splitlines()[1:]:
        area, afdeling, start, end = line.split(";")
        if int(start) <= year <= (int(end) if end else 9999):
            out[afdeling] = area
    return out


def register(data: Path) -> list[str]:
    lines = (data / "areas" / "afdelinger.csv").read_text(encoding="utf-8").splitlines()[1:]
    return [line.split(";")[0] for line in lines]


def deliver(data: Path) -> dict[str, Fraction]:
    """The delivery in incoming/ and the model in models/; returns the expected ratio of
    each area to the municipality's social housing, computed here as a planner would."""
    # Without the sample's own measures beyond the criteria (data/SAMPLE.md), so this
    # delivery is the only source of the model's measures.
    shutil.rmtree(data / "local")
    (data / "kaas" / "kaas_randers_udvidet_2025-12-01.csv").unlink()
    area_of = members(data, DATA_YEAR)
    rows = ["afdeling_id;aar;maal;vaerdi"]
    notified = {a: NOTIFIED.get(area_of.get(a), OTHERS) for a in register(data)}
    for afdeling, count in notified.items():
        rows += [f"{afdeling};{DATA_YEAR};beboere_0_17;100",
                 f"{afdeling};{DATA_YEAR};underretninger_0_17;{count}"]
    (data / "incoming").mkdir()
    (data / "incoming" / DELIVERY).write_text("\n".join(rows) + "\n", encoding="utf-8")
    (data / "models").mkdir()
    (data / "models" / "local.yaml").write_text(MODEL, encoding="utf-8")
    comparison = Fraction(sum(notified.values()), 100 * len(notified))
    return {area: Fraction(count, 100) / comparison for area, count in NOTIFIED.items()}


@pytest.fixture
def refreshed(published_copy):
    home, data = published_copy
    ratios = deliver(data)
    result = run_cli("refresh", "--home", str(home), "--data", str(data))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return home, data, ratios


def test_local_tables_categories_and_signals_are_published(refreshed):
    home, data, ratios = refreshed
    # The delivery went where its name says, after the refresh that read it published.
    assert (data / "local" / DELIVERY).is_file() and not (data / "incoming" / DELIVERY).exists()
    (files,), = query(home, "SELECT files FROM mart.refresh")
    assert {"local/" + DELIVERY, "models/local.yaml"} <= {f["name"] for f in files}

    # Points by the model's inclusive edges: 40 against 14.8 per 100 is over 1.50 (3),
    # 21 against 14.8 between 1.25 and 1.50 (2).
    assert ratios["gl_jennumparken"] >= Fraction(3, 2)
    assert Fraction(5, 4) <= ratios["glarbjergvej"] < Fraction(3, 2)
    indicators = {r[0]: r[1:] for r in query(home, f"""
        SELECT area_id, model_id, value, comparison_value, comparison_left_out, ratio, points
        FROM mart.local_indicators WHERE year = {DATA_YEAR}""")}
    assert set(indicators) == set(members(data, DATA_YEAR).values())
    model_id, value, comparison, left_out, ratio, points = indicators["gl_jennumparken"]
    assert (model_id, value, left_out, points) == ("randers_test_1", 40.0, 0, 3)
    assert comparison == pytest.approx(float(ratios["gl_jennumparken"] ** -1 * 40))
    assert ratio == pytest.approx(float(ratios["gl_jennumparken"]))
    assert indicators["glarbjergvej"][-1] == 2
    assert {r[-1] for a, r in indicators.items() if a not in NOTIFIED} == {0}

    categories = dict(query(home, "SELECT area_id, category FROM mart.local_categories "
                                  f"WHERE year = {DATA_YEAR}"))
    assert categories.pop("gl_jennumparken") == "red"
    assert categories.pop("glarbjergvej") == "orange"
    assert set(categories.values()) == {"green"}
    # Data years without the delivery: the indicator is unknown, so is the category.
    assert query(home, "SELECT DISTINCT category, unknown_indicators FROM mart.local_categories "
                       f"WHERE year <> {DATA_YEAR}") == [(None, 1)]

    # The signal: list year L takes the category of data year L - 1, in its own colour.
    signals = query(home, """
        SELECT DISTINCT area_id, year, colour, value, threshold, indicator_id, status
        FROM mart.area_signals WHERE signal = 'local' ORDER BY area_id""")
    assert signals == [("gl_jennumparken", DATA_YEAR + 1, "red", 3.0, 3.0, None, None),
                       ("glarbjergvej", DATA_YEAR + 1, "orange", 2.0, 2.0, None, None)]
    regimes = query(home, "SELECT count(DISTINCT regime) FROM mart.area_status "
                          f"WHERE year = {DATA_YEAR + 1}")
    assert query(home, "SELECT count(*) FROM mart.area_signals WHERE signal = 'local' "
                       "AND area_id = 'gl_jennumparken'") == regimes


def test_a_bad_model_fails_the_refresh_naming_file_and_key(published_copy):
    home, data = published_copy
    serving = home / "serving" / "boligmonitor.duckdb"
    before, before_site = serving.read_bytes(), digest_tree(home / "site")
    (data / "models").mkdir()
    (data / "models" / "local.yaml").write_text(
        MODEL.replace("min_residents: 500", "min_resident: 500"), encoding="utf-8")
    result = run_cli("refresh", "--home", str(home), "--data", str(data))
    assert result.returncode != 0
    assert "models/local.yaml, row 2: key 'min_resident': unknown key" in result.stderr, \
        result.stderr[-3000:]
    assert "staging/local_model" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert serving.read_bytes() == before
    assert digest_tree(home / "site") == before_site
