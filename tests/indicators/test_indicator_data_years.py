"""Data years, averaging, area delimitation and unknown inputs (domain.md §2)."""

from __future__ import annotations

from tests.indicators.builders import SUPPRESSED, Inputs, indicator, met, neutral, status

YEARS = range(2014, 2021)


def test_k1_is_the_mean_of_the_two_annual_rates_of_l_minus_2_and_l_minus_1() -> None:
    # 2017: 160 / 800 = 20 %; 2018: 304 / 800 = 38 %; 2019: 344 / 800 = 43 %.
    # List 2020: (38 + 43) / 2 = 40.5 % > 40 -> met (2019 alone would be 43 %).
    # List 2019: (20 + 38) / 2 = 29 %   -> not met.
    inputs = Inputs().member("a", "001-0001")
    inputs.years("001-0001", YEARS, neutral())
    inputs.year("001-0001", 2018, neutral(uden_tilknytning_18_64=304))
    inputs.year("001-0001", 2019, neutral(uden_tilknytning_18_64=344))
    values, _ = inputs.run()
    row = indicator(values, 2020, "2021", "k1_uden_tilknytning")
    assert row["value"] == 40.5
    assert row["meets_threshold"] is True
    assert row["data_years"] == "2018-2019"
    assert (row["numerator"], row["denominator"]) == (344.0, 800.0)
    assert indicator(values, 2019, "2021", "k1_uden_tilknytning")["value"] == 29.0


def test_mean_of_rates_not_pooled_counts() -> None:
    # The law averages the two annual shares. 2018: 100 / 200 = 50 %;
    # 2019: 300 / 1,000 = 30 %. Mean of rates = 40 % (not met, "> 40");
    # pooled counts would give 400 / 1,200 = 33.3 %.
    inputs = Inputs().member("a", "001-0001")
    inputs.years("001-0001", YEARS, neutral())
    inputs.year("001-0001", 2018, neutral(beboere_18_64=200, uden_tilknytning_18_64=100))
    inputs.year("001-0001", 2019, neutral(beboere_18_64=1000, uden_tilknytning_18_64=300))
    values, _ = inputs.run()
    row = indicator(values, 2020, "2018", "k1_uden_tilknytning")
    assert row["value"] == 40.0
    assert row["meets_threshold"] is False


def test_k2_national_average_is_the_mean_of_the_two_national_shares() -> None:
    # National 2018: 1.0 %, 2019: 2.0 % -> mean 1.5 %, threshold 3 x 1.5 = 4.5 %.
    # Area 2018: 36 / 900 = 4 %; 2019: 45 / 900 = 5 %; mean 4.5 % -> ">= 4.5 %" met.
    inputs = Inputs().member("a", "001-0001")
    inputs.years("001-0001", YEARS, neutral())
    inputs.year("001-0001", 2018, neutral(domte_18plus=36))
    inputs.year("001-0001", 2019, neutral(domte_18plus=45))
    inputs.national[2018] = "1.0"
    inputs.national[2019] = "2.0"
    values, _ = inputs.run()
    row = indicator(values, 2020, "2018", "k2_domte")
    assert row["threshold"] == 4.5
    assert row["value"] == 4.5
    assert row["meets_threshold"] is True
    # the 2013 rules compare with an absolute 2.70 %: 4.5 > 2.70 met as well
    assert indicator(values, 2020, "2013", "k2_domte")["threshold"] == 2.7


def test_2010_rules_average_four_years_l_minus_4_to_l_minus_1() -> None:
    # List 2012 (2010 rules in force). Data years 2008..2011:
    #   K1: 280, 360, 320, 336 of 800 = 35, 45, 40, 42 %  -> mean 40.5 % > 40 met
    #   K2: 25, 29, 28, 26 of 1,000 = 2.5, 2.9, 2.8, 2.6 % -> mean 2.70 %, "> 2.70" not met
    #   K5: 720 / 1,200 = 60 % (1.1.2012) -> met
    # 2 of 3 -> ghettoområde (reported as parallelsamfund).
    inputs = Inputs().member("a", "001-0001")
    inputs.years("001-0001", range(2006, 2013), met("k5", beboere_18plus=1000, domte_18plus=10))
    for aar, u, d in ((2008, 280, 25), (2009, 360, 29), (2010, 320, 28), (2011, 336, 26)):
        inputs.year("001-0001", aar, met("k5", beboere_18plus=1000, uden_tilknytning_18_64=u,
                                         domte_18plus=d))
    values, statuses = inputs.run()
    k1 = indicator(values, 2012, "2010", "k1_uden_tilknytning")
    assert (k1["value"], k1["meets_threshold"], k1["data_years"]) == (40.5, True, "2008-2011")
    k2 = indicator(values, 2012, "2010", "k2_domte")
    assert abs(k2["value"] - 2.7) < 1e-12 and k2["meets_threshold"] is False
    assert k2["data_years"] == "2008-2011"
    row = status(statuses, 2012, "2010")
    assert row["parallelsamfund"] is True and row["criteria_met"] == 2
    # What-if 2013 rules for 2012: two years 2010-2011: K1 (40 + 42) / 2 = 41 % met,
    # K2 (2.8 + 2.6) / 2 = 2.7 % not met.
    assert indicator(values, 2012, "2013", "k1_uden_tilknytning")["data_years"] == "2010-2011"
    assert indicator(values, 2012, "2013", "k2_domte")["meets_threshold"] is False


def test_list_year_membership_is_used_for_every_data_year() -> None:
    # X (2000-), Y joins in 2020, Z leaves after 2019. Rates are constant:
    # X 100 / 400 = 25 %, Y 300 / 400 = 75 %, Z 0 / 400 = 0 %.
    # List 2020 = X + Y for data years 2018 and 2019 (Y counted although it joined
    # in 2020): 400 / 800 = 50 % both years -> met. List 2019 = X + Z: 100 / 800.
    inputs = (Inputs().member("a", "001-000X").member("a", "001-000Y", valid_from=2020)
              .member("a", "001-000Z", valid_to=2019))
    inputs.years("001-000X", YEARS, neutral(beboere=600, beboere_18_64=400,
                                            uden_tilknytning_18_64=100))
    inputs.years("001-000Y", YEARS, neutral(beboere=600, beboere_18_64=400,
                                            uden_tilknytning_18_64=300))
    inputs.years("001-000Z", YEARS, neutral(beboere=500, beboere_18_64=400,
                                            uden_tilknytning_18_64=0))
    values, statuses = inputs.run()
    k1_2020 = indicator(values, 2020, "2021", "k1_uden_tilknytning")
    assert (k1_2020["value"], k1_2020["numerator"], k1_2020["denominator"]) == (50.0, 400.0, 800.0)
    assert indicator(values, 2019, "2021", "k1_uden_tilknytning")["value"] == 12.5
    # residents through the list year's membership: 2020 X + Y, 2019 X + Z
    assert status(statuses, 2020, "2021")["residents"] == 1200
    assert status(statuses, 2019, "2021")["residents"] == 1100


def test_a_member_without_a_row_makes_the_sum_unknown_not_smaller() -> None:
    # Y has no cells for 2018 (not delivered): list 2020's K1 needs 2018 -> unknown,
    # and not because of suppression.
    inputs = Inputs().member("a", "001-000X").member("a", "001-000Y")
    inputs.years("001-000X", YEARS, neutral(beboere=600))
    inputs.years("001-000Y", range(2019, 2021), neutral(beboere=600))
    values, _ = inputs.run()
    row = indicator(values, 2020, "2021", "k1_uden_tilknytning")
    assert row["value"] is None and row["meets_threshold"] is None
    assert row["suppressed"] is False
    # K3 (2019 only) is known: (100 + 100) / (500 + 500) = 20 %
    assert indicator(values, 2020, "2021", "k3_grundskole")["value"] == 20.0


def test_a_suppressed_cell_makes_the_value_unknown_and_flags_it() -> None:
    # 2019 convicted count suppressed in one of two afdelinger -> K2 for list 2020
    # (2018-2019) unknown, suppressed TRUE; K2 for list 2019 (2017-2018) is fine.
    inputs = Inputs().member("a", "001-0001").member("a", "001-0002")
    inputs.years("001-0001", range(2014, 2022), neutral(beboere=600))
    inputs.years("001-0002", range(2014, 2022), neutral(beboere=600))
    inputs.year("001-0002", 2019, neutral(beboere=600, domte_18plus=SUPPRESSED))
    values, _ = inputs.run()
    row = indicator(values, 2020, "2018", "k2_domte")
    assert (row["value"], row["meets_threshold"], row["suppressed"]) == (None, None, True)
    assert row["numerator"] is None  # the latest year's sum is unknown too
    assert indicator(values, 2019, "2018", "k2_domte")["suppressed"] is False
    # 2021 list (data 2019-2020) still contains the suppressed 2019 cell
    assert indicator(values, 2021, "2018", "k2_domte")["suppressed"] is True


def test_missing_year_and_not_delivered_cell_are_unknown_but_not_suppressed() -> None:
    # Data start in 2019: list 2020's K1 needs 2018 -> unknown (missing year).
    # A delivered row with an empty value (not '..') is "not delivered": unknown.
    inputs = Inputs().member("a", "001-0001")
    inputs.years("001-0001", range(2019, 2021), neutral())
    inputs.year("001-0001", 2019, neutral(grundskole_30_59=None))
    values, _ = inputs.run()
    k1 = indicator(values, 2020, "2018", "k1_uden_tilknytning")
    assert (k1["value"], k1["suppressed"], k1["data_years"]) == (None, False, "2018-2019")
    k3 = indicator(values, 2020, "2018", "k3_grundskole")
    assert (k3["value"], k3["suppressed"]) == (None, False)


def test_unknown_reference_values() -> None:
    # National share 2019 suppressed: K2's value is known, its relative threshold
    # is not -> meets NULL (value not suppressed). Regional mean 2019 suppressed:
    # K4's value itself is unknown -> suppressed TRUE.
    inputs = Inputs().member("a", "001-0001")
    inputs.years("001-0001", YEARS, neutral())
    inputs.national[2019] = SUPPRESSED
    inputs.regional[2019] = SUPPRESSED
    values, _ = inputs.run()
    k2 = indicator(values, 2020, "2018", "k2_domte")
    assert k2["value"] == 1.0 and k2["threshold"] is None and k2["meets_threshold"] is None
    assert k2["suppressed"] is False
    # 2013 rules: absolute 2.70 %, the national share is not needed
    assert indicator(values, 2020, "2013", "k2_domte")["meets_threshold"] is False
    k4 = indicator(values, 2020, "2018", "k4_indkomst")
    assert (k4["value"], k4["suppressed"], k4["meets_threshold"]) == (None, True, None)


def test_list_years_run_from_2010_to_the_latest_year_with_known_residents() -> None:
    # Residents known up to 1.1.2021; later years only have other measures.
    inputs = Inputs().member("a", "001-0001")
    inputs.years("001-0001", range(2015, 2022), neutral())
    inputs.year("001-0001", 2022, {"ikkevestlige": 100, "beboere": SUPPRESSED})
    values, statuses = inputs.run()
    assert sorted(set(statuses["year"].to_list())) == list(range(2010, 2022))
    assert sorted(set(values["regime"].to_list())) == ["2010", "2013", "2018", "2021"]
    # every list year under every regime, one row each
    assert statuses.height == 12 * 4
    # indicators per regime: 3 under 2010, 5 under the others
    per_regime = values.filter(year=2021).group_by("regime").len().sort("regime")
    assert per_regime["len"].to_list() == [3, 5, 5, 5]
