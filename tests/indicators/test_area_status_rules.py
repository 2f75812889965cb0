"""Statuses per regime, the resident floor and three-valued decisions."""

from __future__ import annotations

import pytest

from tests.indicators.builders import SUPPRESSED, Inputs, met, neutral, status

YEARS = range(2014, 2022)
STATUSES = ("udsat", "parallelsamfund", "omdannelsesomraade", "forebyggelsesomraade")


def _area(values: dict, years: range = YEARS) -> Inputs:
    return Inputs().member("a", "001-0001").years("001-0001", years, values)


# --- resident floor -------------------------------------------------------------------


@pytest.mark.parametrize(("residents", "eligible"), [(999, False), (1000, True)])
def test_resident_floor_999_and_1000(residents: int, eligible: bool) -> None:
    # Two afdelinger of 500 and residents - 500; every criterion met every year.
    inputs = Inputs().member("a", "001-0001").member("a", "001-0002")
    inputs.years("001-0001", range(2006, 2022), met("k1", "k2", "k3", "k4", "k5", beboere=500))
    inputs.years("001-0002", range(2006, 2022),
                 met("k1", "k2", "k3", "k4", "k5", beboere=residents - 500))
    _, statuses = inputs.run()
    row = status(statuses, 2021, "2021")
    assert row["residents"] == residents
    assert row["eligible"] is eligible
    for name in (*STATUSES, "kombineret_udlejning"):
        expected = name != "forebyggelsesomraade" if eligible else False
        assert row[name] is expected, name
    # below the floor also under the older rules (their one list: parallelsamfund)
    assert status(statuses, 2015, "2013")["parallelsamfund"] is eligible
    assert status(statuses, 2011, "2010")["parallelsamfund"] is eligible


# --- each regime ----------------------------------------------------------------------


def test_2010_rules_two_of_three_and_undefined_statuses_are_null() -> None:
    # List 2011 (2010 rules): K1 4-year 2007-2010 = 50 % met, K2 1 % not, K5 60 % met.
    _, statuses = _area(met("k1", "k5"), range(2006, 2012)).run()
    row = status(statuses, 2011, "2010")
    assert row["parallelsamfund"] is True and row["criteria_met"] == 2
    assert row["udsat"] is None and row["omdannelsesomraade"] is None
    assert row["forebyggelsesomraade"] is None


def test_2013_rules_three_of_five_with_unknown_education_in_k3() -> None:
    # K3 2013: (230 + 30) / 500 = 52 % > 50 met; 2018: 230 / 500 = 46 % not met.
    # With K1 and K5 met: 2013 rules 3 of 5 -> ghetto; 2018 rules: only K1 of the
    # four -> not udsat, not parallelsamfund.
    _, statuses = _area(met("k1", "k5", grundskole_30_59=230, uoplyst_udd_30_59=30)).run()
    old = status(statuses, 2016, "2013")
    assert old["parallelsamfund"] is True and old["criteria_met"] == 3
    assert old["udsat"] is None and old["forebyggelsesomraade"] is None
    new = status(statuses, 2016, "2018")
    assert new["udsat"] is False and new["parallelsamfund"] is False and new["criteria_met"] == 1


def test_2018_rules_udsat_and_parallelsamfund_no_forebyggelse() -> None:
    # K1 and K4 met (2 of 4) and K5 60 %: udsat and parallelsamfund. K5 is not
    # one of the four counted.
    _, statuses = _area(met("k1", "k4", "k5")).run()
    row = status(statuses, 2019, "2018")
    assert (row["udsat"], row["parallelsamfund"], row["criteria_met"]) == (True, True, 2)
    assert row["forebyggelsesomraade"] is None


def test_2021_forebyggelse_two_of_four_at_the_lower_thresholds_and_k5_over_30() -> None:
    # K1 280 / 800 = 35 % (> 30), K4 180,000 / 300,000 = 60 % (< 65), K5 420 / 1,200 = 35 %.
    values = neutral(uden_tilknytning_18_64=280, bruttoindkomst_15_64=700 * 180_000,
                     ikkevestlige=420)
    _, statuses = _area(values).run()
    row = status(statuses, 2021, "2021")
    assert (row["udsat"], row["forebyggelsesomraade"], row["criteria_met"]) == (False, True, 0)
    # same list year under the 2018 rules: forebyggelse not defined
    assert status(statuses, 2021, "2018")["forebyggelsesomraade"] is None


def test_forebyggelse_k5_exactly_30_percent_is_not_enough() -> None:
    # K5 360 / 1,200 = 30 % -> "> 30 %" not met.
    values = neutral(uden_tilknytning_18_64=280, bruttoindkomst_15_64=700 * 180_000,
                     ikkevestlige=360)
    _, statuses = _area(values).run()
    assert status(statuses, 2021, "2021")["forebyggelsesomraade"] is False


def test_an_udsat_area_is_not_also_forebyggelse() -> None:
    # K1 and K4 at the list thresholds (udsat), K5 35 %.
    _, statuses = _area(met("k1", "k4", ikkevestlige=420)).run()
    row = status(statuses, 2021, "2021")
    assert (row["udsat"], row["parallelsamfund"], row["forebyggelsesomraade"]) == (
        True, False, False)


# --- unknown criteria that do and do not decide ---------------------------------------


def _with_unknown_k2(values: dict) -> Inputs:
    inputs = _area(values)
    inputs.year("001-0001", 2020, {**values, "domte_18plus": SUPPRESSED})
    return inputs


def test_two_known_met_decide_udsat_despite_an_unknown() -> None:
    _, statuses = _with_unknown_k2(met("k1", "k3")).run()
    row = status(statuses, 2021, "2021")
    assert (row["udsat"], row["criteria_met"]) == (True, 2)


def test_three_known_not_met_decide_not_udsat_despite_an_unknown() -> None:
    _, statuses = _with_unknown_k2(neutral()).run()
    row = status(statuses, 2021, "2021")
    assert (row["udsat"], row["parallelsamfund"], row["criteria_met"]) == (False, False, 0)


def test_one_met_and_an_unknown_leave_udsat_open() -> None:
    # K1 met, K2 unknown, K3 and K4 not: udsat NULL. With K5 60 % parallelsamfund is
    # NULL too; with K5 10 % it is decided FALSE.
    _, statuses = _with_unknown_k2(met("k1", "k5")).run()
    row = status(statuses, 2021, "2021")
    assert (row["udsat"], row["parallelsamfund"], row["criteria_met"]) == (None, None, 1)
    _, statuses = _with_unknown_k2(met("k1")).run()
    assert status(statuses, 2021, "2021")["parallelsamfund"] is False


def test_forebyggelse_decided_false_although_k3_is_unknown() -> None:
    # K1 45 % (list and forebyggelse), K5 35 %, K3 unknown; K2, K4 at neither level.
    # K3 cuts both levels at 60 %: met -> udsat (K1 + K3), so not forebyggelse;
    # not met -> one criterion at the forebyggelse level. Either way FALSE.
    values = neutral(uden_tilknytning_18_64=360, ikkevestlige=420)
    inputs = _area(values)
    inputs.year("001-0001", 2020, {**values, "grundskole_30_59": SUPPRESSED})
    _, statuses = inputs.run()
    row = status(statuses, 2021, "2021")
    assert row["udsat"] is None
    assert row["forebyggelsesomraade"] is False


def test_forebyggelse_left_open_when_k3_could_decide_it() -> None:
    # K1 35 % (forebyggelse level only), K5 35 %, K3 unknown: met -> forebyggelse
    # (K1 + K3, and only K3 at the list level), not met -> not. NULL.
    values = neutral(uden_tilknytning_18_64=280, ikkevestlige=420)
    inputs = _area(values)
    inputs.year("001-0001", 2020, {**values, "grundskole_30_59": SUPPRESSED})
    _, statuses = inputs.run()
    row = status(statuses, 2021, "2021")
    assert row["udsat"] is False
    assert row["forebyggelsesomraade"] is None


def test_unknown_residents() -> None:
    # Residents suppressed on 1.1.2021: eligible NULL. Two criteria met -> udsat NULL
    # (the floor could fail); no criterion met -> FALSE whatever the residents.
    for values, expected in ((met("k1", "k3"), None), (neutral(), False)):
        inputs = _area(values)
        inputs.year("001-0001", 2021, {**values, "beboere": SUPPRESSED})
        # a second area keeps 2021 a list year (its residents are known)
        inputs.member("b", "002-0001").years("002-0001", YEARS, neutral())
        _, statuses = inputs.run()
        row = status(statuses, 2021, "2021")
        assert (row["residents"], row["eligible"]) == (None, None)
        assert row["udsat"] is expected
        assert row["forebyggelsesomraade"] is False  # K5 10 % < 30 % either way
