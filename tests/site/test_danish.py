import datetime as dt
import random
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from indicators.site import danish
from indicators.site.formatting import (
    DA,
    EN,
    MINUS,
    aligned_decimals,
    aligned_decimals_exactly,
    decimal_text,
    rounded,
    rounded_digits,
)


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
    # A value off its threshold is shown off it (short of the last decimal allowed).
    if true != 0 and d < 4:
        assert shown_value != shown_threshold
    return d


def test_threshold_decimals_make_the_shown_subtraction_hold():
    assert aligned_decimals(3.24, 2.88) == 2        # K2: "2,88 %", not "2,9 %"
    assert aligned_decimals(46.2, 40) == 1
    assert aligned_decimals(3.24, 2.8812345) >= 2
    # A value just short of its threshold is not shown equal to it ("2,7 % mod 2,7 %").
    assert aligned_decimals(2.68, 2.7) == 2 and aligned_decimals(2.7027027, 2.7) == 3
    assert aligned_decimals(2.7, 2.7) == 1 and aligned_decimals(40.04, 40) == 2
    rng = random.Random(20261201)
    decimals_seen = set()
    for _ in range(5000):
        threshold = rng.choice([40, 30, 60, 55, 65, 50, 2.7,
                                round(rng.uniform(1.5, 4.5), rng.choice([2, 3, 6]))])
        value = round(threshold + rng.uniform(-8, 8), rng.choice([1, 2, 4, 10]))
        decimals_seen.add(_subtraction_holds(value, threshold))
    assert 1 in decimals_seen and 2 in decimals_seen


# The Decimal path the fast formatting replaced, kept as the oracle: every figure on the
# site, in its CSV and in its XLSX must come out as it did.
def _oracle_number(fmt, value, decimals, *, thousands=True, signed=False):
    r = rounded(value, decimals)
    text = f"{abs(r):,.{decimals}f}"
    text = text.replace(",", "\x00").replace(".", fmt.decimal).replace(
        "\x00", fmt.thousands if thousands else "")
    if r < 0:
        return MINUS + text
    if signed and r != 0:
        return "+" + text
    return text


def _oracle_plain(fmt, value, decimals):
    r = rounded(value, decimals)
    text = f"{r:.{decimals}f}" if decimals else str(int(r))
    return text.replace(".", fmt.decimal)


# Floats as the tables hold them: shares, rates and kroner with few decimals, halves
# that round up on the written digit, tiny and huge magnitudes, both zeros.
_figures = st.one_of(
    # Up to where the Decimal path itself works (28 digits).
    st.floats(min_value=-1e20, max_value=1e20),
    st.floats(min_value=-1e7, max_value=1e7, allow_nan=False),
    st.builds(lambda n, d: round(n / 10 ** d, 6), st.integers(-10 ** 9, 10 ** 9),
              st.integers(0, 6)),
    st.builds(lambda n, d: (n + 0.5) / 10 ** d, st.integers(-10 ** 6, 10 ** 6),
              st.integers(0, 5)),
    st.integers(-10 ** 16, 10 ** 16),
    st.sampled_from([0.0, -0.0, 0, 2.675, -2.675, 0.05, -0.05, 1e16, 9.999999999999999e15,
                     1e-05, 0.0001, 1234567.891, -0.04, 0.45, 44.25]),
)


@pytest.mark.slow
@settings(max_examples=3000, deadline=None)
@given(value=_figures, decimals=st.integers(0, 6), thousands=st.booleans(),
       signed=st.booleans())
@example(value=-0.0, decimals=1, thousands=True, signed=True)
@example(value=-0.04, decimals=0, thousands=True, signed=False)
def test_fast_number_formatting_writes_what_the_decimal_path_wrote(value, decimals,
                                                                   thousands, signed):
    for fmt in (DA, EN):
        assert fmt.number(value, decimals, thousands=thousands, signed=signed) == \
            _oracle_number(fmt, value, decimals, thousands=thousands, signed=signed)
        assert fmt.plain_number(value, decimals) == _oracle_plain(fmt, value, decimals)
    fast = rounded_digits(value, decimals)
    if fast is not None:
        # The XLSX cell's number, and the Decimal itself, digit for digit and sign.
        text = decimal_text(*fast, decimals)
        assert text == f"{rounded(value, decimals):.{decimals}f}"
        assert repr(float(text)) == repr(float(rounded(value, decimals)))


def test_fast_rounding_falls_back_where_it_does_not_apply():
    assert rounded_digits(1e16, 1) is None and rounded_digits(1e-05, 2) is None
    assert rounded_digits(float("nan"), 1) is None and rounded_digits(True, 0) is None
    assert rounded_digits(Decimal("2.5"), 0) is None
    assert rounded_digits(-2.675, 2) == (True, 268) and rounded_digits(-0.04, 1) == (True, 0)
    assert DA.number(1e16, 0) == "10.000.000.000.000.000"
    assert DA.plain_number(-0.04, 1) == "-0,0" and DA.number(-0.04, 1) == "0,0"


_oracle_aligned = aligned_decimals_exactly  # the Decimal definition


@pytest.mark.slow
@settings(max_examples=3000, deadline=None)
@given(value=_figures, threshold=_figures, minimum=st.integers(0, 2),
       exact_up_to=st.integers(0, 3), maximum=st.integers(1, 6))
@example(value=3.24, threshold=2.88, minimum=1, exact_up_to=2, maximum=4)
@example(value=100.0, threshold=0.0, minimum=1, exact_up_to=2, maximum=4)
def test_fast_aligned_decimals_are_the_decimal_paths(value, threshold, minimum,
                                                     exact_up_to, maximum):
    assert aligned_decimals(value, threshold, minimum=minimum, exact_up_to=exact_up_to,
                            maximum=maximum) == _oracle_aligned(
        value, threshold, minimum=minimum, exact_up_to=exact_up_to, maximum=maximum)
