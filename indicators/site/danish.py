"""Danish formatting and collation for everything a planner reads.

Numbers use a decimal comma and a full stop between thousands ("1.270",
"46,2 %"), dates are written the Danish way ("1. december 2024",
"kl. 06.45") in Copenhagen time, and names are sorted as a Danish reader
expects: æ, ø, å after z, and "aa" as å (Aabenraa after Viborg), which
Python's default code-point order does not do.
"""

from __future__ import annotations

import math
import unicodedata
from datetime import date, datetime
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

# A thin no-break space keeps "46,2 %" together on one line.
NBSP = "\u00a0"
MINUS = "\u2212"  # a real minus sign reads better than a hyphen in tables

MONTHS = [
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
]

UNKNOWN = "ukendt"


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value, decimals: int = 1, *, thousands: bool = True, signed: bool = False) -> str:
    """`1234.5` -> "1.234,5"; None/NaN -> "ukendt"."""
    if _is_missing(value):
        return UNKNOWN
    text = f"{abs(value):,.{decimals}f}"
    # Python writes 1,234.5; swap the two separators for the Danish 1.234,5.
    text = text.replace(",", "\x00").replace(".", ",").replace("\x00", "." if thousands else "")
    rounded_zero = float(f"{abs(value):.{decimals}f}") == 0
    if value < 0 and not rounded_zero:
        return MINUS + text
    if signed and not rounded_zero:
        return "+" + text
    return text


def integer(value) -> str:
    if _is_missing(value):
        return UNKNOWN
    return number(round(value), 0)


def percent(value, decimals: int = 1) -> str:
    if _is_missing(value):
        return UNKNOWN
    return number(value, decimals) + NBSP + "%"


def points(value, decimals: int = 1) -> str:
    """A difference of percentages, in percentage points, always signed."""
    if _is_missing(value):
        return UNKNOWN
    return number(value, decimals, signed=True) + NBSP + "pct.point"


def plain_number(value, decimals: int) -> str:
    """For CSV files read by Danish Excel: decimal comma, no thousands separator."""
    if _is_missing(value):
        return ""
    if decimals == 0:
        return str(int(round(value)))
    return f"{value:.{decimals}f}".replace(".", ",")


def long_date(value: date | datetime) -> str:
    """1. december 2024"""
    if isinstance(value, datetime):
        value = to_copenhagen(value).date()
    return f"{value.day}. {MONTHS[value.month - 1]} {value.year}"


def to_copenhagen(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        # The warehouse stores aware timestamps; a naive one is taken as UTC
        # rather than guessed to be local.
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(COPENHAGEN)


def date_time(moment: datetime) -> str:
    """27. november 2026 kl. 06.45 (Copenhagen time)."""
    local = to_copenhagen(moment)
    return f"{long_date(local)} kl. {local:%H.%M}"


def yes_no_unknown(value) -> str:
    """Three-valued logic in words: NULL is unknown, never "nej"."""
    if value is None:
        return "Ukendt"
    return "Ja" if value else "Nej"


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
