"""Omdannelsesområde: parallelsamfund in each of the last five lists, each year
under the rules in force that year (domain.md §2)."""

from __future__ import annotations

from tests.indicators.builders import SUPPRESSED, Inputs, met, status


def test_hard_ghetto_on_the_first_2018_list_from_the_2014_2017_ghetto_lists() -> None:
    # K1 50 %, K2 4 % (> 2.70 and >= 3 x 1 %), K5 60 % every year from 2006.
    #   2014-2017 (2013 rules): K1, K2, K5 = 3 of 5      -> ghettoområde
    #   2018 (2018 rules): K1 + K2 -> udsat; K5 > 50 %    -> parallelsamfund
    # -> 2018: omdannelsesområde (hårdt ghettoområde) on the very first 2018 list.
    inputs = Inputs().member("a", "001-0001")
    inputs.years("001-0001", range(2006, 2019), met("k1", "k2", "k5"))
    _, statuses = inputs.run()
    for year in range(2014, 2018):
        assert status(statuses, year, "2013")["parallelsamfund"] is True
    row = status(statuses, 2018, "2018")
    assert (row["parallelsamfund"], row["omdannelsesomraade"]) == (True, True)
    # a what-if of 2018 under the 2021 rules looks back the same way
    assert status(statuses, 2018, "2021")["omdannelsesomraade"] is True
    # the older regimes do not define omdannelse
    assert status(statuses, 2018, "2013")["omdannelsesomraade"] is None


def test_earlier_years_count_under_their_own_rules_not_the_what_if_rules() -> None:
    # National share 0.5 % -> 2018 rules: K2 >= 1.5 %; area K2 18 / 900 = 2 %.
    # 2013 rules: K2 > 2.70 % not met, so K1 + K5 = 2 of 5: never a ghetto 2013-2017.
    # 2018 rules: K1 + K2 -> udsat, K5 60 % -> parallelsamfund in every year, what-if
    # included. Omdannelse first holds when five lists under the 2018+ rules exist:
    # 2022 (2018..2022), not 2018..2021.
    inputs = Inputs().member("a", "001-0001")
    inputs.years("001-0001", range(2006, 2023), met("k1", "k5", domte_18plus=18))
    inputs.national = {y: "0.5" for y in range(2000, 2031)}
    _, statuses = inputs.run()
    assert status(statuses, 2016, "2013")["parallelsamfund"] is False
    assert status(statuses, 2016, "2018")["parallelsamfund"] is True  # what-if only
    for year in range(2018, 2022):
        assert status(statuses, year, "2021")["omdannelsesomraade"] is False, year
    assert status(statuses, 2022, "2021")["omdannelsesomraade"] is True


def test_years_before_the_first_list_count_as_not_parallelsamfund() -> None:
    # Parallelsamfund under every rule set from 2010 on. What-if 2018 rules for
    # 2013: the look-back 2009..2013 reaches 2009, before any list -> FALSE.
    # 2014: 2010..2014 are all lists (2010 rules, then 2013 rules) -> TRUE.
    inputs = Inputs().member("a", "001-0001")
    inputs.years("001-0001", range(2006, 2016), met("k1", "k2", "k5"))
    _, statuses = inputs.run()
    assert status(statuses, 2010, "2010")["parallelsamfund"] is True
    assert status(statuses, 2013, "2018")["omdannelsesomraade"] is False
    assert status(statuses, 2014, "2018")["omdannelsesomraade"] is True


def test_an_unknown_earlier_status_leaves_omdannelse_open_unless_another_year_decides() -> None:
    # As the first test, but K5 suppressed on 1.1.2015: the 2015 ghetto status
    # (2013 rules: K1, K2 met, K3, K4 not, K5 unknown) is NULL.
    #   2019 (2015..2019): NULL, others TRUE            -> NULL
    #   2020 (2016..2020): all TRUE                      -> TRUE
    inputs = Inputs().member("a", "001-0001")
    inputs.years("001-0001", range(2006, 2021), met("k1", "k2", "k5"))
    inputs.year("001-0001", 2015, met("k1", "k2", ikkevestlige=SUPPRESSED))
    _, statuses = inputs.run()
    assert status(statuses, 2015, "2013")["parallelsamfund"] is None
    assert status(statuses, 2019, "2018")["omdannelsesomraade"] is None
    assert status(statuses, 2020, "2018")["omdannelsesomraade"] is True

    # Now also K5 10 % on 1.1.2016: 2016 is known not a ghetto.
    #   2019 (2015..2019): 2015 NULL but 2016 FALSE -> FALSE
    #   2020 (2016..2020): FALSE; 2021 (2017..2021) would need 2021 data.
    inputs.year("001-0001", 2016, met("k1", "k2"))
    _, statuses = inputs.run()
    assert status(statuses, 2019, "2018")["omdannelsesomraade"] is False
    assert status(statuses, 2020, "2018")["omdannelsesomraade"] is False


def test_a_year_in_which_the_area_did_not_exist_counts_as_not_listed() -> None:
    # The area's only afdeling joins in 2016: lists 2014-2015 have no row for it.
    inputs = Inputs().member("a", "001-0001", valid_from=2016)
    inputs.years("001-0001", range(2006, 2021), met("k1", "k2", "k5"))
    _, statuses = inputs.run()
    assert statuses.filter(year=2015).height == 0
    assert status(statuses, 2019, "2018")["omdannelsesomraade"] is False
    assert status(statuses, 2020, "2018")["omdannelsesomraade"] is True
