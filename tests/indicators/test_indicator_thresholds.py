"""Every criterion exactly at its threshold, including float-unfriendly paths.

Each case also shows that the obvious float computation gets it wrong (or
is at least not what the law's exact inequality says), which is why the
comparison is done in integers.
"""

from __future__ import annotations

from tests.indicators.builders import Inputs, indicator, met, neutral, status

YEARS = range(2014, 2021)  # data years 2014..2020 -> list years up to 2020


def test_k1_exactly_40_percent_is_not_met_even_where_floats_say_more() -> None:
    # Area of two afdelinger. List year 2020 averages data years 2018 and 2019:
    #   2018: (246.8 + 128.9) / (300 + 278) = 375.7 / 578 = 0.65 exactly
    #   2019: (50.0 + 34.0) / (300 + 260)   =  84.0 / 560 = 0.15 exactly
    #   mean = (0.65 + 0.15) / 2 = 0.40 -> 40 %, and "> 40 %" is not met.
    inputs = Inputs().member("a", "001-0001").member("a", "001-0002")
    inputs.years("001-0001", YEARS, neutral(beboere=600))
    inputs.years("001-0002", YEARS, neutral(beboere=600))
    inputs.year("001-0001", 2018, neutral(beboere=600, beboere_18_64=300,
                                          uden_tilknytning_18_64="246.8"))
    inputs.year("001-0002", 2018, neutral(beboere=600, beboere_18_64=278,
                                          uden_tilknytning_18_64="128.9"))
    inputs.year("001-0001", 2019, neutral(beboere=600, beboere_18_64=300,
                                          uden_tilknytning_18_64="50.0"))
    inputs.year("001-0002", 2019, neutral(beboere=600, beboere_18_64=260,
                                          uden_tilknytning_18_64="34.0"))
    values, _ = inputs.run()

    naive = ((246.8 + 128.9) / 578 + (50.0 + 34.0) / 560) / 2 * 100
    assert naive > 40  # the float path would call it met

    row = indicator(values, 2020, "2018", "k1_uden_tilknytning")
    assert row["meets_threshold"] is False
    assert abs(row["value"] - 40.0) < 1e-9
    assert row["threshold"] == 40.0
    assert row["data_years"] == "2018-2019"
    # numerator / denominator: the area's sums of the latest data year (2019)
    assert row["numerator"] == 84.0 and row["denominator"] == 560.0


def test_k2_exactly_three_times_the_national_average_is_met() -> None:
    # National shares 0.1 % (2018) and 0.2 % (2019): mean 0.15 %, 3 x = 0.45 %.
    # Area: 9 convicted of 2,000 adults in both years = 0.45 % -> ">= 0.45 %" met.
    inputs = Inputs().member("a", "001-0001")
    inputs.years("001-0001", YEARS, neutral(beboere_18plus=2000, domte_18plus=9))
    inputs.national[2018] = "0.1"
    inputs.national[2019] = "0.2"
    values, _ = inputs.run()

    naive_value = (9 / 2000 + 9 / 2000) / 2 * 100
    naive_threshold = 3 * (0.1 + 0.2) / 2
    assert naive_value < naive_threshold  # the float path would call it not met

    for regime in ("2018", "2021"):
        row = indicator(values, 2020, regime, "k2_domte")
        assert row["meets_threshold"] is True
        assert abs(row["threshold"] - 0.45) < 1e-12
    # forebyggelse: >= 2 x 0.15 % = 0.30 % -> met too
    row = indicator(values, 2020, "2021", "k2_domte")
    assert row["meets_forebyggelse_threshold"] is True
    assert abs(row["forebyggelse_threshold"] - 0.30) < 1e-12


def test_k3_exactly_60_percent_is_not_met_korsloekkeparken_oest_2020() -> None:
    # Korsløkkeparken Øst, list 1.12.2020: K3 fell to exactly 60 % (dknyt.dk 113566).
    # Data year 2019: (180 + 120) / (300 + 200) = 300 / 500 = 60 % -> "> 60 %" not met.
    inputs = Inputs().member("a", "001-0001").member("a", "001-0002")
    inputs.years("001-0001", YEARS, neutral(beboere=600, beboere_30_59=300,
                                            grundskole_30_59=180))
    inputs.years("001-0002", YEARS, neutral(beboere=600, beboere_30_59=200,
                                            grundskole_30_59=120))
    values, _ = inputs.run()
    row = indicator(values, 2020, "2018", "k3_grundskole")
    assert row["value"] == 60.0
    assert row["meets_threshold"] is False
    assert row["data_years"] == "2019"
    # 2021 forebyggelse threshold is also > 60 %: not met either
    assert indicator(values, 2020, "2021", "k3_grundskole")["meets_forebyggelse_threshold"] is False


def test_k4_exactly_55_percent_of_the_regional_mean_is_not_met() -> None:
    # Regional mean 2019: 200,000.20 DKK; 55 % of it = 110,000.11 DKK.
    # Area: 1,000 taxpayers with 110,000,110 DKK in total -> mean 110,000.11 -> 55 %.
    # "< 55 %" is not met.
    inputs = Inputs().member("a", "001-0001")
    inputs.years("001-0001", YEARS, neutral(skattepligtige_15_64=1000,
                                            bruttoindkomst_15_64=110_000_110))
    inputs.regional[2019] = "200000.20"
    values, _ = inputs.run()

    assert 110_000_110 / 1000 / 200_000.2 * 100 < 55  # the float path would call it met

    row = indicator(values, 2020, "2018", "k4_indkomst")
    assert row["meets_threshold"] is False
    assert abs(row["value"] - 55.0) < 1e-9
    # numerator / denominator: area mean income and regional mean, DKK
    assert abs(row["numerator"] - 110_000.11) < 1e-6
    assert abs(row["denominator"] - 200_000.20) < 1e-6
    # forebyggelse "< 65 %": met
    assert indicator(values, 2020, "2021", "k4_indkomst")["meets_forebyggelse_threshold"] is True


def test_k5_exactly_50_percent_is_not_parallelsamfund() -> None:
    # Udsat through K1 and K3; K5 = 600 / 1,200 = 50 % -> "> 50 %" not met.
    inputs = Inputs().member("a", "001-0001")
    inputs.years("001-0001", YEARS, met("k1", "k3", ikkevestlige=600))
    values, statuses = inputs.run()
    assert indicator(values, 2020, "2018", "k5_ikkevestlige")["meets_threshold"] is False
    row = status(statuses, 2020, "2018")
    assert row["udsat"] is True
    assert row["parallelsamfund"] is False


def test_korskaerparken_leaves_the_list_when_k5_falls_from_50_1_to_48_5() -> None:
    # Korskærparken (dknyt.dk 113566): K5 50.1 % on 1.1.2019, 48.5 % on 1.1.2020.
    # Udsat both years (K1, K3 met): 501 / 1,000 = 50.1 % -> parallelsamfund 2019;
    # 485 / 1,000 = 48.5 % -> not parallelsamfund 2020.
    inputs = Inputs().member("a", "001-0001")
    inputs.years("001-0001", YEARS, met("k1", "k3", beboere=1000))
    inputs.year("001-0001", 2019, met("k1", "k3", beboere=1000, ikkevestlige=501))
    inputs.year("001-0001", 2020, met("k1", "k3", beboere=1000, ikkevestlige=485))
    _, statuses = inputs.run()
    assert status(statuses, 2019, "2018")["parallelsamfund"] is True
    assert status(statuses, 2020, "2018")["parallelsamfund"] is False
    assert status(statuses, 2020, "2018")["udsat"] is True


def test_a_hair_above_each_threshold_is_met() -> None:
    # The counterpart: one more person tips every criterion.
    #   K1 2019 and 2018: 321 / 800 = 40.125 % > 40
    #   K3 2019: 301 / 500 = 60.2 % > 60
    #   K4 2019: 1,000 taxpayers, 164,999,999 DKK -> 164,999.999 / 300,000 = 54.99999967 % < 55
    inputs = Inputs().member("a", "001-0001")
    inputs.years("001-0001", YEARS, neutral(uden_tilknytning_18_64=321, grundskole_30_59=301,
                                            skattepligtige_15_64=1000,
                                            bruttoindkomst_15_64=164_999_999))
    values, statuses = inputs.run()
    for indicator_id in ("k1_uden_tilknytning", "k3_grundskole", "k4_indkomst"):
        assert indicator(values, 2020, "2018", indicator_id)["meets_threshold"] is True
    assert status(statuses, 2020, "2018")["criteria_met"] == 3
