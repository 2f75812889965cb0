"""mart.area_signals in the warehouse published from the shipped sample (domain.md §6).

The sample's survey waves (data/SAMPLE.md): 2010 covers all 8 areas (Vangdalen
45 of 125 = 36 % against 17 % in the whole wave), 2012 covers three Nordby areas
(Vangdalen 41 of 150 = 27.3 %, again significantly over the rest), 2023 covers six
(Hermann Stillingsvej 17 of 41 = 41.5 %, over; Vangdalen no difference).
"""

from __future__ import annotations

import duckdb
import pytest

from indicators.catalogue import load_catalogue

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def db(sample_home):
    conn = duckdb.connect(str(sample_home / "serving" / "boligmonitor.duckdb"), read_only=True)
    yield conn
    conn.close()


def _in_force(year: int) -> str:
    return load_catalogue().regime_in_force(year)


def survey_rows(db, area: str) -> list[tuple]:
    """(year, wave_id, value, threshold) of the area's survey signals, regime in force."""
    rows = db.execute(
        "SELECT year, regime, wave_id, value, threshold, colour FROM mart.area_signals "
        "WHERE signal = 'survey' AND area_id = ? ORDER BY year, regime", [area]).fetchall()
    return [(y, w, v, t, c) for y, r, w, v, t, c in rows if r == _in_force(y)]


def test_vangdalen_carries_a_survey_signal_on_the_2010_2011_and_2012_lists(db):
    rows = {year: rest for year, *rest in survey_rows(db, "vangdalen")}
    assert {2010, 2011, 2012} <= set(rows)
    # 2010 and 2011: the 2010 wave, 36 % against the rest of the wave, 193 of 1,275.
    for year in (2010, 2011):
        wave, value, threshold, colour = rows[year]
        assert (wave, colour) == ("2010", "yellow")
        assert value == pytest.approx(36.0)
        assert threshold == pytest.approx(100 * 193 / 1275)
    # 2012: the newer 2012 wave decides, and finds Vangdalen over the rest again
    # (41 of 150 against 87 of 490), so the signal runs on to 2012 + 3 = 2015.
    wave, value, threshold, _ = rows[2012]
    assert (wave, value, threshold) == (
        "2012", pytest.approx(100 * 41 / 150), pytest.approx(100 * 87 / 490))
    assert sorted(rows) == [2010, 2011, 2012, 2013, 2014, 2015]


def test_vangdalen_is_yellow_on_the_2010_overview_though_it_met_no_criterion(db):
    colours = db.execute(
        "SELECT DISTINCT colour FROM mart.area_signals WHERE area_id = 'vangdalen' "
        "AND year = 2010 AND regime = ?", [_in_force(2010)]).fetchall()
    assert colours == [("yellow",)]


def test_hermann_stillingsvej_carries_a_survey_signal_on_the_2023_and_2024_lists(db):
    rows = survey_rows(db, "hermann_stillingsvej")
    assert [(year, wave) for year, wave, *_ in rows] == [(2023, "2023"), (2024, "2023")]
    assert rows[0][2] == pytest.approx(100 * 17 / 41)


def test_every_regime_carries_the_survey_signal_for_what_if(db):
    regimes = db.execute(
        "SELECT list(DISTINCT regime ORDER BY regime) FROM mart.area_signals "
        "WHERE signal = 'survey' AND area_id = 'vangdalen' AND year = 2011").fetchone()[0]
    assert regimes == sorted(load_catalogue().regimes)


def test_hermann_stillingsvej_below_the_floor_in_2023_is_a_floor_signal(db):
    # 986 residents on 1.1.2023, K1 and K2 met (data/SAMPLE.md): within 10 % of 1,000.
    rows = db.execute(
        "SELECT status, value, threshold, colour FROM mart.area_signals "
        "WHERE signal = 'floor' AND area_id = 'hermann_stillingsvej' AND year = 2023 "
        "AND regime = ?", [_in_force(2023)]).fetchall()
    assert rows == [("udsat", 986.0, 1000.0, "orange")]


def test_early_warning_carries_codes_not_sentences(db):
    columns = {name for (name,) in db.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = 'mart' AND table_name = 'early_warning'").fetchall()}
    assert "watch_reason" not in columns
    codes = db.execute(
        "SELECT DISTINCT watch_codes FROM mart.early_warning "
        "WHERE area_id = 'hermann_stillingsvej' AND year = 2023").fetchall()
    assert codes == [(["floor"],)]
