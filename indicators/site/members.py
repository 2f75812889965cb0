"""The afdelinger of each area (mart.area_afdelinger), for the area page.

Which afdelinger an area's figures sum over, per period of unchanged
membership within the warehouse's data years, and each afdeling's years: an
afdeling there throughout needs no year; one that joined or left inside the
data years is marked ("fra 2019", "til 2017"), since that is where an area's
figures change for reasons other than its residents. Only ids and years are
shown, as published (an afdeling's own figures are not, domain.md §4).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from indicators.site.datatable import Column, DataTable
from indicators.site.messages import Messages


@dataclass(frozen=True)
class Membership:
    """One membership period of one afdeling in one area."""

    afdeling_id: str
    valid_from: int
    valid_to: int | None
    first_data_year: int | None
    last_data_year: int | None
    years_with_data: int

    def valid_in(self, year: int) -> bool:
        return self.valid_from <= year and (self.valid_to is None or year <= self.valid_to)


@dataclass(frozen=True)
class Period:
    """Years of the data in which the area's afdelinger did not change."""

    first: int
    last: int
    members: tuple[str, ...]
    joined: tuple[str, ...]
    left: tuple[str, ...]


def _int(value) -> int | None:
    return None if value is None else int(value)


class AreaMembers:
    """mart.area_afdelinger indexed by area, with the data years it spans."""

    def __init__(self, frame: pl.DataFrame | None):
        self._by_area: dict[str, list[Membership]] = {}
        for r in ([] if frame is None else frame.to_dicts()):
            self._by_area.setdefault(r["area_id"], []).append(Membership(
                afdeling_id=str(r["afdeling_id"]), valid_from=int(r["valid_from"]),
                valid_to=_int(r["valid_to"]), first_data_year=_int(r["first_data_year"]),
                last_data_year=_int(r["last_data_year"]),
                years_with_data=int(r["years_with_data"] or 0)))
        for rows in self._by_area.values():
            rows.sort(key=lambda m: (m.afdeling_id, m.valid_from))
        everything = [m for rows in self._by_area.values() for m in rows]
        firsts = [m.first_data_year for m in everything if m.first_data_year is not None]
        lasts = [m.last_data_year for m in everything if m.last_data_year is not None]
        # The data years of the warehouse: a change outside them changes no figure shown.
        self.first_year = min(firsts) if firsts else None
        self.last_year = max(lasts) if lasts else None

    def of(self, area_id: str) -> list[Membership]:
        return self._by_area.get(area_id, [])

    def joined(self, m: Membership) -> bool:
        """The afdeling came into the area after the data begin."""
        return self.first_year is None or m.valid_from > self.first_year

    def left(self, m: Membership) -> bool:
        """The afdeling left the area before the data end."""
        return m.valid_to is not None and (self.last_year is None
                                           or m.valid_to < self.last_year)

    def periods(self, area_id: str) -> list[Period]:
        """The data years split where the area's membership changes."""
        rows = self.of(area_id)
        first, last = self.first_year, self.last_year
        if not rows or first is None or last is None:
            return []
        starts = {m.valid_from for m in rows if first < m.valid_from <= last}
        starts |= {m.valid_to + 1 for m in rows
                   if m.valid_to is not None and first < m.valid_to + 1 <= last}
        bounds = [first, *sorted(starts)]
        out: list[Period] = []
        for i, start in enumerate(bounds):
            end = bounds[i + 1] - 1 if i + 1 < len(bounds) else last
            members = tuple(m.afdeling_id for m in rows if m.valid_in(start))
            before = set(out[-1].members) if out else set(members)
            out.append(Period(start, end, members,
                              joined=tuple(a for a in members if a not in before),
                              left=tuple(sorted(before - set(members)))))
        return out


def belongs_words(msgs: Messages, members: AreaMembers, m: Membership) -> str:
    """"hele perioden", "fra 2019", "til 2017" or "2012–2017"."""
    joined, left = members.joined(m), members.left(m)
    if joined and left:
        return msgs.t("members.years_between", years=msgs.year_range(m.valid_from, m.valid_to))
    if joined:
        return msgs.t("members.years_from", year=m.valid_from)
    if left:
        return msgs.t("members.years_to", year=m.valid_to)
    return msgs.t("members.years_all")


def members_section(msgs: Messages, members: AreaMembers, area_id: str, area_name: str,
                    list_year: int | None) -> dict | None:
    """What the area page shows of its afdelinger; None when the table names none."""
    rows = members.of(area_id)
    if not rows:
        return None
    counted = [m for m in rows if list_year is not None and m.valid_in(list_year)]
    intro = (msgs.t("members.intro", n=len({m.afdeling_id for m in counted}), year=list_year)
             if list_year is not None else "")
    periods = members.periods(area_id)
    period_lines = []
    if len(periods) > 1:
        for p in periods:
            line = msgs.t("members.period", years=msgs.year_range(p.first, p.last),
                          n=len(p.members))
            changes = []
            if p.joined:
                changes.append(msgs.t("members.period_joined", afdelinger=list(p.joined)))
            if p.left:
                changes.append(msgs.t("members.period_left", afdelinger=list(p.left)))
            if changes:
                line += " (" + "; ".join(changes) + ")"
            period_lines.append(line)
    table_rows, attributes = [], []
    for m in rows:
        change = [c for c, flag in (("joined", members.joined(m)), ("left", members.left(m)))
                  if flag]
        table_rows.append({"afdeling": m.afdeling_id, "belongs": belongs_words(msgs, members, m),
                           "counted": None if list_year is None else m.valid_in(list_year),
                           "years": m.years_with_data})
        attributes.append({"data-afdeling": m.afdeling_id, "data-change": " ".join(change)})
    columns = [Column("afdeling", msgs.t("members.afdeling")),
               Column("belongs", msgs.t("members.belongs"))]
    if list_year is not None:
        columns.append(Column("counted", msgs.t("members.counted", year=list_year), "bool3"))
    columns.append(Column("years", msgs.t("members.years_with_data"), "int", secondary=True))
    # Not among the page's downloads: the ids are in the warehouse, and a file per area
    # and language would cost the build more than it gives.
    table = DataTable(slug="afdelinger", caption=msgs.t("members.caption", area=area_name),
                      columns=columns, rows=table_rows, row_attributes=attributes,
                      note=msgs.t("members.note"), lang=msgs.lang)
    changed = len(periods) > 1
    return {"intro": intro, "changed": changed,
            "changed_text": msgs.t("members.changed" if changed else "members.unchanged"),
            "periods": period_lines, "table": table}
