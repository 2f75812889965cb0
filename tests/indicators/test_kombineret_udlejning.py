"""Kombineret udlejning (almenboligloven § 51 b): >= 1,000 residents and K1 of
data year L-1 alone >= 40 %, or >= 30 % with >= 5,000 residents."""

from __future__ import annotations

import pytest

from tests.indicators.builders import SUPPRESSED, Inputs, neutral, status

REGIMES = ("2010", "2013", "2018", "2021")


def _kombi(statuses, year: int = 2021) -> set:
    return {status(statuses, year, r)["kombineret_udlejning"] for r in REGIMES}


def test_exactly_40_percent_in_l_minus_1_qualifies_even_where_floats_say_less() -> None:
    # Data year 2020: (374.9 + 206.7) / (800 + 654) = 581.6 / 1,454 = 40 % exactly.
    # ">= 40 %" -> kombineret udlejning in list 2021, the same under every regime.
    inputs = Inputs().member("a", "001-0001").member("a", "001-0002")
    inputs.years("001-0001", range(2016, 2022), neutral(beboere=700))
    inputs.years("001-0002", range(2016, 2022), neutral(beboere=600))
    inputs.year("001-0001", 2020, neutral(beboere=700, beboere_18_64=800,
                                          uden_tilknytning_18_64="374.9"))
    inputs.year("001-0002", 2020, neutral(beboere=600, beboere_18_64=654,
                                          uden_tilknytning_18_64="206.7"))
    _, statuses = inputs.run()
    assert (374.9 + 206.7) / 1454 * 100 < 40  # the float path would miss it
    assert _kombi(statuses) == {True}


def test_uses_l_minus_1_alone_not_the_two_year_average() -> None:
    # 2019: 480 / 800 = 60 %, 2020: 280 / 800 = 35 %: the two-year mean is 47.5 %,
    # but L-1 = 2020 alone is 35 % < 40 % with 1,200 residents -> not kombi in 2021.
    inputs = Inputs().member("a", "001-0001")
    inputs.years("001-0001", range(2016, 2022), neutral())
    inputs.year("001-0001", 2019, neutral(uden_tilknytning_18_64=480))
    inputs.year("001-0001", 2020, neutral(uden_tilknytning_18_64=280))
    _, statuses = inputs.run()
    assert _kombi(statuses) == {False}
    assert _kombi(statuses, 2020) == {True}  # 2019 alone: 60 %


@pytest.mark.parametrize(
    ("residents", "k1_count", "expected"),
    [
        (5000, 240, True),  # 240 / 800 = 30 %, >= 5,000 residents -> the 30 % rule
        (4999, 280, False),  # 35 % but fewer than 5,000 residents
        (4999, 320, True),  # 40 %, >= 1,000 residents
        (999, 400, False),  # 50 % but below the floor
        (1000, 320, True),
    ],
)
def test_resident_bands(residents: int, k1_count: int, expected: bool) -> None:
    inputs = Inputs().member("a", "001-0001")
    inputs.years("001-0001", range(2016, 2022),
                 neutral(beboere=residents, uden_tilknytning_18_64=k1_count))
    _, statuses = inputs.run()
    assert _kombi(statuses) == {expected}


@pytest.mark.parametrize(
    ("residents", "k1_count", "expected"),
    [
        (SUPPRESSED, 200, False),  # 25 %: no band of residents qualifies
        (SUPPRESSED, 360, None),  # 45 %: qualifies iff >= 1,000 residents
        (SUPPRESSED, 280, None),  # 35 %: qualifies iff >= 5,000 residents
        (6000, SUPPRESSED, None),
        (1200, SUPPRESSED, None),
        (999, SUPPRESSED, False),
    ],
)
def test_unknowns(residents: object, k1_count: object, expected: bool | None) -> None:
    inputs = Inputs().member("a", "001-0001")
    inputs.years("001-0001", range(2016, 2022), neutral(beboere=1200))
    inputs.year("001-0001", 2020, neutral(beboere=1200, uden_tilknytning_18_64=k1_count))
    inputs.year("001-0001", 2021, neutral(beboere=residents))
    inputs.member("b", "002-0001").years("002-0001", range(2016, 2022), neutral())
    _, statuses = inputs.run()
    assert _kombi(statuses) == {expected}
