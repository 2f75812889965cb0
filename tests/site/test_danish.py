import datetime as dt

import pytest

from indicators.site import danish


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
    assert danish.points(3.14) == "+3,1\u00a0pct.point"
    assert danish.points(-2) == "\u22122,0\u00a0pct.point"
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
