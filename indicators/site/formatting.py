"""Numbers, dates and lists as each language writes them, and Danish collation.

One `Locale` per site language. Danish: decimal comma and a full stop
between thousands ("1.270", "46,2 %"), "procentpoint", "1. december 2024",
"kl. 06.45", "A, B og C". English: "1,270", "46.2%", "percentage points",
"1 December 2024", "06:45", "A, B and C". Both write year ranges with an en
dash ("2022–2023"), a real minus sign, persons as whole numbers and times in
Copenhagen time (the data are Danish, whoever reads them).

Names are sorted the Danish way in both languages (the names are Danish):
æ, ø, å after z, and "aa" as å, which Python's code-point order does not do.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

# A no-break space keeps "46,2 %" and "1.161 beboere" together on one line.
NBSP = "\u00a0"
MINUS = "\u2212"  # a real minus sign reads better than a hyphen in tables
EN_DASH = "\u2013"


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def exact(value) -> Decimal:
    """The decimal a float prints as (its shortest repr), so 2.88 is 2.88, not 2.8799..."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(repr(float(value)))


def rounded(value, decimals: int) -> Decimal:
    """Half away from zero, as people round (and symmetric, so -x shows as -(x))."""
    if not value:  # zero keeps its own sign: -0.0 and 0 are equal keys of the cache
        return _quantize(value, decimals)
    return _remembered(value, decimals)


def _quantize(value, decimals: int) -> Decimal:
    step = _STEP[decimals] if decimals in _STEP else Decimal(1).scaleb(-decimals)
    return exact(value).quantize(step, rounding=ROUND_HALF_UP)


# A figure is rounded for its page, its CSV and its XLSX alike: remembered, not redone
# (equal keys such as 2 and 2.0 round to the same Decimal).
_remembered = lru_cache(maxsize=1 << 16)(_quantize)
_STEP = {d: Decimal(1).scaleb(-d) for d in range(7)}
_SCALE = tuple(10 ** d for d in range(7))


def rounded_digits(value, decimals: int) -> tuple[bool, int] | None:
    """`rounded(value, decimals)` as (its sign bit, its digits as a whole number):
    -2.675 at 2 decimals is (True, 268), -0.04 at 1 is (True, 0), as the Decimal's
    sign and digits. Worked out on the float's shortest repr, so it rounds the
    written decimal half up exactly as `rounded` does, at a fraction of the cost
    (a national site rounds millions of cells). None where this does not apply
    (not a plain float or int, exponent notation, nan/inf, odd decimals): then
    ask `rounded`.
    """
    kind = type(value)
    if kind is float:
        text = repr(value)
        if "e" in text or "n" in text or not 0 <= decimals <= 6:
            return None
        negative = text[0] == "-"
        whole, _, fraction = text.lstrip("-").partition(".")
        if len(fraction) <= decimals:
            return negative, int(whole + fraction) * _SCALE[decimals - len(fraction)]
        digits = int(whole + fraction[:decimals])
        return negative, digits + 1 if fraction[decimals] >= "5" else digits
    if kind is int and -(10 ** 15) < value < 10 ** 15 and 0 <= decimals <= 6:
        return value < 0, abs(value) * _SCALE[decimals]
    return None


def decimal_text(negative: bool, digits: int, decimals: int) -> str:
    """The rounded figure as f"{decimal:.{decimals}f}" writes it: "-2.68", "-0.0", "13"
    (float() of it is the XLSX cell's number, minus zero included)."""
    sign = "-" if negative else ""
    if not decimals:
        return f"{sign}{digits}"
    whole, fraction = divmod(digits, _SCALE[decimals])
    return f"{sign}{whole}.{fraction:0{decimals}d}"


def aligned_decimals(value, threshold, *, minimum: int = 1, exact_up_to: int = 2,
                     maximum: int = 4) -> int:
    """How many decimals make the shown value minus the shown threshold equal the
    shown distance (value - threshold, rounded the same way).

    K2's threshold is three times a national average, e.g. 2.88 %: shown as
    "2,9 %" beside a value of "3,2 %" and a distance of "0,4", the reader's
    subtraction fails. The threshold is first shown exactly when it has at most
    `exact_up_to` decimals (2,88 %, not 2,9 %); then decimals are added until
    the subtraction holds, up to `maximum` (beyond that floats carry noise).
    A value that differs from its threshold is also never shown equal to it:
    "2,7 % mod mindst 2,7 %, afstand 0,0, ikke opfyldt" leaves the reader unable
    to see why, so 2.68 against 2.7 is shown as "2,68 % mod 2,70 % (-0,02)".
    """
    if is_missing(value) or is_missing(threshold):
        return minimum
    fast = _aligned_fast(value, threshold, minimum, exact_up_to, maximum)
    if fast is not None:
        return fast
    return aligned_decimals_exactly(value, threshold, minimum=minimum,
                                    exact_up_to=exact_up_to, maximum=maximum)


def aligned_decimals_exactly(value, threshold, *, minimum: int = 1, exact_up_to: int = 2,
                             maximum: int = 4) -> int:
    """`aligned_decimals` in Decimal arithmetic throughout: the definition, for what
    the whole-number fast path does not take (and the tests' oracle)."""
    if is_missing(value) or is_missing(threshold):
        return minimum
    t = exact(threshold).normalize()
    places = max(0, -t.as_tuple().exponent) if t != 0 else 0
    decimals = max(minimum, min(places, exact_up_to))
    v = exact(value)
    while decimals < maximum:
        shown_v, shown_t = rounded(v, decimals), rounded(t, decimals)
        if (shown_v - shown_t == rounded(v - t, decimals)
                and (shown_v != shown_t or v == t)):
            return decimals
        decimals += 1
    return maximum


def _scaled(value) -> tuple[int, int, int] | None:
    """A float or int as (N, P, places): value == N / 10**P as its shortest repr writes
    it, `places` its decimals without trailing zeros; None for anything else."""
    kind = type(value)
    if kind is int:
        return value, 0, 0
    if kind is not float:
        return None
    text = repr(value)
    if "e" in text or "n" in text:
        return None
    whole, _, fraction = text.partition(".")
    return int(whole + fraction), len(fraction), len(fraction.rstrip("0"))


def _half_up(n: int, places: int, decimals: int) -> int:
    """n / 10**places rounded half away from zero, in units of 10**-decimals."""
    if decimals >= places:
        return n * 10 ** (decimals - places)
    step = 10 ** (places - decimals)
    q, r = divmod(abs(n), step)
    q += 2 * r >= step
    return -q if n < 0 else q


def _aligned_fast(value, threshold, minimum: int, exact_up_to: int, maximum: int
                  ) -> int | None:
    """`aligned_decimals` in whole numbers (the charts ask it for every point); None
    where the figures are not plain floats or ints of a modest size."""
    v, t = _scaled(value), _scaled(threshold)
    if v is None or t is None:
        return None
    places = max(v[1], t[1])
    big_v, big_t = v[0] * 10 ** (places - v[1]), t[0] * 10 ** (places - t[1])
    if max(abs(big_v), abs(big_t)) >= 10 ** 25:  # Decimal's 28 digits would round
        return None
    decimals = max(minimum, min(t[2], exact_up_to))
    while decimals < maximum:
        shown_v = _half_up(big_v, places, decimals)
        shown_t = _half_up(big_t, places, decimals)
        if (shown_v - shown_t == _half_up(big_v - big_t, places, decimals)
                and (shown_v != shown_t or big_v == big_t)):
            return decimals
        decimals += 1
    return maximum


@dataclass(frozen=True)
class Locale:
    lang: str
    decimal: str
    thousands: str
    percent_sign: str        # what follows the number: " %" (da) or "%" (en)
    points_word: str         # the unit of a difference of percentages
    unknown: str
    yes: str
    no: str
    unknown_cap: str
    conjunction: str         # the last list separator's word
    months: tuple[str, ...]
    csv_delimiter: str       # Excel in the language's region reads this
    currency: str

    # --- numbers ---------------------------------------------------------------

    def number(self, value, decimals: int = 1, *, thousands: bool = True,
               signed: bool = False) -> str:
        """1234.5 -> "1.234,5" (da) / "1,234.5" (en); None/NaN -> "ukendt"/"unknown"."""
        if is_missing(value):
            return self.unknown
        fast = rounded_digits(value, decimals)
        if fast is not None:
            return self.from_digits(*fast, decimals, thousands=thousands, signed=signed)
        r = rounded(value, decimals)
        text = f"{abs(r):,.{decimals}f}"
        text = text.replace(",", "\x00").replace(".", self.decimal).replace(
            "\x00", self.thousands if thousands else "")
        if r < 0:
            return MINUS + text
        if signed and r != 0:
            return "+" + text
        return text  # a value that rounds to zero has no sign ("no minus zero")

    def from_digits(self, negative: bool, digits: int, decimals: int, *,
                    thousands: bool = True, signed: bool = False) -> str:
        """`number` of a figure already rounded by `rounded_digits`."""
        if decimals:
            whole, fraction = divmod(digits, _SCALE[decimals])
            text = f"{whole:,}{self.decimal}{fraction:0{decimals}d}" if whole < 1000 else (
                f"{whole:,}".replace(",", self.thousands if thousands else "")
                + f"{self.decimal}{fraction:0{decimals}d}")
        else:
            text = f"{digits:,}".replace(",", self.thousands if thousands else "") if (
                digits >= 1000) else str(digits)
        if negative and digits:
            return MINUS + text
        if signed and digits:
            return "+" + text
        return text  # a value that rounds to zero has no sign ("no minus zero")

    def integer(self, value) -> str:
        """Whole persons, counts and kroner: never decimals ("1.161", "13")."""
        return self.number(value, 0)

    def percent(self, value, decimals: int = 1) -> str:
        if is_missing(value):
            return self.unknown
        return self.number(value, decimals) + self.percent_sign

    def points(self, value, decimals: int = 1, *, signed: bool = True) -> str:
        """A difference of percentages: "+3,1 procentpoint" / "+3.1 percentage points"."""
        if is_missing(value):
            return self.unknown
        return self.number(value, decimals, signed=signed) + NBSP + self.points_word

    def money(self, value) -> str:
        if is_missing(value):
            return self.unknown
        return self.integer(value) + NBSP + self.currency

    def plain_number(self, value, decimals: int) -> str:
        """For CSV files read by the language's Excel: no thousands separator."""
        if is_missing(value):
            return ""
        fast = rounded_digits(value, decimals)
        if fast is not None:
            if not decimals:  # str(int(Decimal)): a whole number has no minus zero
                return f"-{fast[1]}" if fast[0] and fast[1] else str(fast[1])
            return decimal_text(*fast, decimals).replace(".", self.decimal)
        r = rounded(value, decimals)
        text = f"{r:.{decimals}f}" if decimals else str(int(r))
        return text.replace(".", self.decimal)

    # --- words -----------------------------------------------------------------

    def yes_no_unknown(self, value) -> str:
        """Three-valued logic in words: NULL is unknown, never "nej"."""
        if value is None:
            return self.unknown_cap
        return self.yes if value else self.no

    def year_range(self, first, last=None) -> str:
        """2022–2023 (en dash); one year alone when both are the same."""
        if last is None or int(first) == int(last):
            return str(int(first))
        return f"{int(first)}{EN_DASH}{int(last)}"

    def join(self, items) -> str:
        """["A", "B", "C"] -> "A, B og C" / "A, B and C"."""
        items = [str(i) for i in items]
        if len(items) <= 1:
            return "".join(items)
        return ", ".join(items[:-1]) + f" {self.conjunction} " + items[-1]

    # --- dates -----------------------------------------------------------------

    def long_date(self, value: date | datetime) -> str:
        """1. december 2024 / 1 December 2024."""
        if isinstance(value, datetime):
            value = to_copenhagen(value).date()
        month = self.months[value.month - 1]
        if self.lang == "da":
            return f"{value.day}. {month} {value.year}"
        return f"{value.day} {month} {value.year}"

    def day_month(self, danish: str) -> str:
        """A yearly date as the catalogue writes it, in the language: "1. december"
        -> "1. december" / "1 December"."""
        match = re.fullmatch(r"\s*(\d{1,2})\.\s*(\w+)\s*", danish)
        month = match.group(2).lower() if match else None
        if month not in DA.months:
            raise ValueError(f"{danish!r}: expected a day and a Danish month, as "
                             "\"1. december\"")
        name = self.months[DA.months.index(month)]
        day = int(match.group(1))
        return f"{day}. {name}" if self.lang == "da" else f"{day} {name}"

    def date_time(self, moment: datetime) -> str:
        """27. november 2026 kl. 06.45 / 27 November 2026, 06:45 (Copenhagen time)."""
        local = to_copenhagen(moment)
        if self.lang == "da":
            return f"{self.long_date(local)} kl. {local:%H.%M}"
        return f"{self.long_date(local)}, {local:%H:%M}"


def to_copenhagen(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        # The warehouse stores aware timestamps; a naive one is taken as UTC
        # rather than guessed to be local.
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(COPENHAGEN)


DA = Locale(
    lang="da", decimal=",", thousands=".", percent_sign=NBSP + "%", points_word="procentpoint",
    unknown="ukendt", yes="Ja", no="Nej", unknown_cap="Ukendt", conjunction="og",
    months=("januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
            "september", "oktober", "november", "december"),
    csv_delimiter=";", currency="kr.",
)
EN = Locale(
    lang="en", decimal=".", thousands=",", percent_sign="%", points_word="percentage points",
    unknown="unknown", yes="Yes", no="No", unknown_cap="Unknown", conjunction="and",
    months=("January", "February", "March", "April", "May", "June", "July", "August",
            "September", "October", "November", "December"),
    csv_delimiter=",", currency="DKK",
)
LOCALES = {"da": DA, "en": EN}


def locale(lang: str) -> Locale:
    try:
        return LOCALES[lang]
    except KeyError:
        raise ValueError(f"unknown site language {lang!r}: expected one of "
                         f"{', '.join(sorted(LOCALES))}") from None


# --- Collation -------------------------------------------------------------

# Letters that Danish sorts as another letter (DS 377 / Retskrivningsordbogen):
# ä as æ, ö and ø as ø, ü as y; other accented letters as their base letter.
_EQUIVALENT = {"ä": "æ", "ö": "ø", "ü": "y", "ǿ": "ø"}
_ALPHABET = "abcdefghijklmnopqrstuvwxyzæøå"
_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}


def _base_letter(ch: str) -> str:
    ch = _EQUIVALENT.get(ch, ch)
    if ch in _RANK:
        return ch
    stripped = unicodedata.normalize("NFD", ch)[0]
    return _EQUIVALENT.get(stripped, stripped)


def sort_key(text: str) -> tuple:
    """Key that sorts strings in Danish order.

    Primary level: word by word (a space sorts before any letter, so
    "Gl. Jennumparken" comes before "Glarbjergvej"), digits before letters,
    æ ø å after z, "aa" counted as å, case and punctuation ignored. The original
    text breaks ties so the order is total and reproducible.
    """
    lowered = text.casefold().replace("aa", "å")
    primary: list[tuple[int, int | str]] = []
    for ch in lowered:
        base = _base_letter(ch)
        if base.isspace():
            if primary and primary[-1] != (-1, 0):
                primary.append((-1, 0))
        elif base.isdigit():
            primary.append((0, int(base)))
        elif base in _RANK:
            primary.append((1, _RANK[base]))
        elif base.isalpha():
            # Letters outside the Danish alphabet sort after it, by code point.
            primary.append((2, base))
        # Hyphens, full stops and other punctuation do not count at all.
    return (tuple(primary), text)


def sorted_danish(items, key=lambda x: x):
    return sorted(items, key=lambda item: sort_key(key(item)))
