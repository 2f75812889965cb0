"""Danish formatting: a compatibility shim over `formatting.DA`.

New code takes a `Messages` (messages.py) or a `formatting.Locale`, so the same
page can be written in Danish and English; these module-level functions stay
for the pages not yet moved over and write Danish.
"""

from __future__ import annotations

from indicators.site.formatting import (  # noqa: F401  (re-exported)
    COPENHAGEN,
    DA,
    MINUS,
    NBSP,
    sort_key,
    sorted_danish,
    to_copenhagen,
)

MONTHS = list(DA.months)
UNKNOWN = DA.unknown

number = DA.number
integer = DA.integer
percent = DA.percent
points = DA.points
plain_number = DA.plain_number
long_date = DA.long_date
date_time = DA.date_time
yes_no_unknown = DA.yes_no_unknown
year_range = DA.year_range
join = DA.join
