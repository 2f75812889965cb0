import datetime as dt
import random
from decimal import Decimal

import pytest

from indicators.site import danish
from indicators.site.formatting import DA, EN, aligned_decimals, rounded


@pytest.mark.parametrize(("value", "decimals", "expected"), [
    (46.2, 1, "46,2"),
    (1234.56, 1, "1.234,6"),
    (1270, 0, "1.270"),
    (1234567.891, 2, "1.234.567,89"),
    (-3.14, 1, "\u22123,1"),
    (-0.04, 1, "0,0"),  # no "minus zero"
    (0, 1, "0,0"),
])
def test_number_uses_decimal_comma_and_point_thousands(value, decimals, expected):
    assert danish.number(value, decimals) == expected


def test_unknown_is_said_not_zero():
    assert danish.number(None) == "ukendt"
    assert danish.percent(float("nan")) == "ukendt"
    assert danish.integer(None) == "ukendt"


def test_percent_points_and_plain():
    assert danish.percent(46.26) == "46,3\u00a0%"
    assert danish.percent(40) == "40,0\u00a0%"
    assert danish.points(3.14) == "+3,1\u00a0procentpoint"
    assert danish.points(-2) == "\u22122,0\u00a0procentpoint"
    # CSV for Danish Excel: decimal comma, never a thousands separator.
    assert danish.plain_number(1234.56, 1) == "1234,6"
    assert danish.plain_number(1270, 0) == "1270"
    assert danish.plain_number(None, 1) == ""


def test_three_valued_words():
    assert danish.yes_no_unknown(True) == "Ja"
    assert danish.yes_no_unknown(False) == "Nej"
    assert danish.yes_no_unknown(None) == "Ukendt"


def test_dates_are_danish_and_in_copenhagen_time():
    winter = dt.datetime(2026, 11, 27, 5, 45, tzinfo=dt.UTC)
    assert danish.date_time(winter) == "27. november 2026 kl. 06.45"
    summer = dt.datetime(2026, 7, 1, 22, 5, tzinfo=dt.UTC)  # already 2 July in Denmark
    assert danish.date_time(summer) == "2. juli 2026 kl. 00.05"
    assert danish.long_date(dt.date(2024, 12, 1)) == "1. december 2024"


def test_danish_collation_puts_ae_oe_aa_after_z():
    names = ["Åby", "Zealand", "Ørum", "Æblehaven", "Aabenraa", "Viborg", "Abildgård"]
    assert danish.sorted_danish(names) == [
        "Abildgård", "Viborg", "Zealand", "Æblehaven", "Ørum", "Aabenraa", "Åby"]


def test_aa_sorts_as_aa_letter_and_case_is_ignored():
    assert danish.sorted_danish(["aalborg", "Århus", "Aarhus", "århus"]) == \
        ["aalborg", "Aarhus", "Århus", "århus"]


def test_word_by_word_and_foreign_letters():
    assert danish.sorted_danish(["Glarbjergvej", "Gl. Jennumparken"]) == \
        ["Gl. Jennumparken", "Glarbjergvej"]
    # ä sorts as æ, ö as ø, ü as y; é as e.
    assert danish.sorted_danish(["Øst", "Öland", "Æg", "Äble"]) == ["Äble", "Æg", "Öland", "Øst"]
    assert danish.sorted_danish(["Mz", "Myre", "Müller"]) == ["Müller", "Myre", "Mz"]
    assert danish.sorted_danish(["Frederiksberg", "Fælledparken", "Fénix"]) == \
        ["Fénix", "Frederiksberg", "Fælledparken"]


@pytest.mark.parametrize(("value", "decimals", "expected"), [
    (46.2, 1, "46.2"), (1234.56, 1, "1,234.6"), (1000, 0, "1,000"), (2.88, 2, "2.88"),
    (-3.14, 1, "\u22123.1"), (-0.04, 1, "0.0"),
])
def test_english_numbers(value, decimals, expected):
    assert EN.number(value, decimals) == expected


def test_rounding_is_half_up_on_the_printed_decimal():
    # 2.675 is stored as 2.67499999... in binary; people (and the published lists)
    # round the written 2.675 up, and so do we.
    assert DA.number(2.675, 2) == "2,68"
    assert DA.number(0.05, 1) == "0,1"
    assert DA.number(-0.05, 1) == "\u22120,1"


def test_words_per_language():
    assert DA.percent(46.26) == "46,3\u00a0%" and EN.percent(46.26) == "46.3%"
    assert EN.points(-2) == "\u22122.0\u00a0percentage points"
    assert DA.year_range(2022, 2023) == "2022\u20132023" == EN.year_range(2022, 2023)
    assert DA.year_range(2023, 2023) == "2023"
    assert DA.join(["A", "B", "C"]) == "A, B og C" and EN.join(["A", "B", "C"]) == "A, B and C"
    assert DA.join(["A"]) == "A" and EN.join(["A", "B"]) == "A and B"
    assert EN.long_date(dt.date(2024, 12, 1)) == "1 December 2024"
    winter = dt.datetime(2026, 11, 27, 5, 45, tzinfo=dt.UTC)
    assert EN.date_time(winter) == "27 November 2026, 06:45"
    assert EN.yes_no_unknown(None) == "Unknown" and EN.integer(None) == "unknown"
    assert DA.integer(1161.0) == "1.161" and DA.integer(12.5) == "13"
    assert EN.plain_number(1234.56, 1) == "1234.6"


def _subtraction_holds(value: float, threshold: float) -> int:
    d = aligned_decimals(value, threshold)
    shown_value = DA.number(value, d)
    shown_threshold = DA.number(threshold, d)
    shown_distance = DA.number(rounded(value, d) - rounded(threshold, d), d)

    def parse(text):
        return Decimal(text.replace(".", "").replace(",", ".").replace("\u2212", "-"))

    # What a reader computes from the page equals the distance the page shows,
    # and that distance is the true one rounded the same way.
    assert parse(shown_value) - parse(shown_threshold) == parse(shown_distance)
    true = Decimal(repr(value)) - Decimal(repr(threshold))
    assert parse(shown_distance) == rounded(true, d)
    return d


def test_threshold_decimals_make_the_shown_subtraction_hold():
    assert aligned_decimals(3.24, 2.88) == 2        # K2: "2,88 %", not "2,9 %"
    assert aligned_decimals(46.2, 40) == 1
    assert aligned_decimals(3.24, 2.8812345) >= 2
    rng = random.Random(20261201)
    decimals_seen = set()
    for _ in range(5000):
        threshold = rng.choice([40, 30, 60, 55, 65, 50, 2.7,
                                round(rng.uniform(1.5, 4.5), rng.choice([2, 3, 6]))])
        value = round(threshold + rng.uniform(-8, 8), rng.choice([1, 2, 4, 10]))
        decimals_seen.add(_subtraction_holds(value, threshold))
    assert 1 in decimals_seen and 2 in decimals_seen
