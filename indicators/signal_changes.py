"""mart.signal_changes: what a refresh changed in an area's colour or signals.

A planner who opens the municipality page once a month should see what moved
since last time, and with an SMTP relay configured get it in a mail. A change
is the difference between two publications: the previous publication's
signals (the live serving file before the swap, so a failed night, which
never went live, is never the "before") and this refresh's, each in its own
current list year (the newest list year of its mart.area_status) under the
regime in force there. An area's colour is the most severe of its signal rows
(red > orange > yellow > green); with no row it is green, or grey when an
unknown list status could make it red (the site's rule, indicators/site/model.py).

A signal is told by its code, the status it is about and its criterion or
survey item (`signal_key`): "near:parallelsamfund:K2" moving to
"near:parallelsamfund:K4" is a change even when the colour stays yellow. Only
areas in both publications are compared: a new area has no "before".
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from indicators.catalogue import Catalogue

RANK = {"red": 4, "orange": 3, "yellow": 2, "green": 1, "grey": 0}

SIGNAL_CHANGES_SCHEMA = {
    "area_id": pl.String, "municipality_code": pl.Int32, "list_year": pl.Int32,
    "changed_at": pl.Date, "refresh_id": pl.String, "colour_before": pl.String,
    "colour_after": pl.String, "signals_added": pl.List(pl.String),
    "signals_removed": pl.List(pl.String),
}


@dataclass(frozen=True)
class Publication:
    """What one publication said: its tables as frames (mart.areas, mart.area_status,
    mart.area_signals)."""

    areas: pl.DataFrame
    status: pl.DataFrame
    signals: pl.DataFrame

    def list_year(self) -> int | None:
        years = self.status["year"].drop_nulls() if self.status.height else None
        return int(years.max()) if years is not None and years.len() else None


def signal_key(signal: str, status: str | None, indicator_id: str | None) -> str:
    """One signal as a code: its kind, the status it is about and its criterion/item."""
    return ":".join(part for part in (signal, status, indicator_id) if part)


def parse_signal_key(key: str) -> tuple[str, str | None, str | None]:
    """(signal, status, indicator_id) of a `signal_key`; survey signals have no status."""
    parts = key.split(":")
    if parts[0] == "survey":
        return "survey", None, parts[1] if len(parts) > 1 else None
    return (parts[0], parts[1] if len(parts) > 1 else None,
            parts[2] if len(parts) > 2 else None)


def _list_statuses(catalogue: Catalogue, regime_id: str) -> list[str]:
    """The statuses that put an area on the regime's list (not the forebyggelse ones)."""
    regime = catalogue.regimes[regime_id]
    return [s for s, rule in regime.statuses.items()
            if not any(req.level == "forebyggelse" for req in rule.all_of)]


def area_states(pub: Publication, catalogue: Catalogue) -> dict[str, tuple[str, frozenset[str]]]:
    """Per area of the publication: its colour and signal keys in the current list year
    under the regime in force."""
    year = pub.list_year()
    if year is None:
        return {}
    regime = catalogue.regime_in_force(year)
    signals = pub.signals.filter((pl.col("year") == year) & (pl.col("regime") == regime))
    keys: dict[str, set[str]] = {}
    colours: dict[str, str] = {}
    for row in signals.iter_rows(named=True):
        area = row["area_id"]
        keys.setdefault(area, set()).add(
            signal_key(row["signal"], row.get("status"), row.get("indicator_id")))
        if RANK[row["colour"]] > RANK.get(colours.get(area, "grey"), 0):
            colours[area] = row["colour"]
    listed = [s for s in _list_statuses(catalogue, regime) if s in pub.status.columns]
    status = pub.status.filter((pl.col("year") == year) & (pl.col("regime") == regime))
    unknown = set()
    for row in status.iter_rows(named=True):
        values = [row[s] for s in listed]
        if not any(v is True for v in values) and any(v is None for v in values):
            unknown.add(row["area_id"])
    states = {}
    for area in pub.areas["area_id"].to_list():
        colour = colours.get(area) or ("grey" if area in unknown else "green")
        states[area] = (colour, frozenset(keys.get(area, ())))
    return states


def compute_signal_changes(before: Publication | None, after: Publication,
                           catalogue: Catalogue, refresh_id: str, changed_at) -> pl.DataFrame:
    """The areas whose colour or signal set differs between the two publications, one row
    each; empty when there is no previous publication (a home's first refresh)."""
    list_year = after.list_year()
    if before is None or list_year is None:
        return pl.DataFrame(schema=SIGNAL_CHANGES_SCHEMA)
    old, new = area_states(before, catalogue), area_states(after, catalogue)
    municipality = dict(zip(after.areas["area_id"].to_list(),
                            after.areas["municipality_code"].to_list(), strict=True))
    rows = []
    for area in sorted(set(old) & set(new)):
        (colour_before, keys_before), (colour_after, keys_after) = old[area], new[area]
        if colour_before == colour_after and keys_before == keys_after:
            continue
        rows.append({
            "area_id": area, "municipality_code": municipality[area], "list_year": list_year,
            "changed_at": changed_at, "refresh_id": refresh_id,
            "colour_before": colour_before, "colour_after": colour_after,
            "signals_added": sorted(keys_after - keys_before),
            "signals_removed": sorted(keys_before - keys_after),
        })
    return pl.DataFrame(rows, schema=SIGNAL_CHANGES_SCHEMA)


def with_history(history: pl.DataFrame | None, changes: pl.DataFrame) -> pl.DataFrame:
    """The published history (the previous publication's mart.signal_changes) followed by
    this refresh's changes; a refresh id already in the history is not added twice."""
    if history is None or history.height == 0:
        return changes
    history = history.select([pl.col(c).cast(t) for c, t in SIGNAL_CHANGES_SCHEMA.items()])
    fresh = changes.filter(~pl.col("refresh_id").is_in(history["refresh_id"].unique().implode()))
    return pl.concat([history, fresh]).sort(["changed_at", "municipality_code", "area_id"])
