"""What the pages show, derived once from the published tables.

The published frames (checked against indicators/tables.py by
`frames.check_frames`) are turned into plain Python lookups here, so every
page reads the same facts: the list years and the regime in force in each
(from the catalogue), each area's status under every regime evaluated, its
signals (`mart.area_signals`) and the colour they give, the criteria behind
them, the early-warning trend and the decided status changes
(`mart.status_changes`). Nothing here decides a status or a signal: the
warehouse did. Words are written by `signals.Words`, per language.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import polars as pl

from indicators.site import danish
from indicators.site.formatting import aligned_decimals
from indicators.site.frames import check_frames, without_nan
from indicators.site.local_section import LocalData
from indicators.site.members import AreaMembers
from indicators.site.options import SiteOptions
from indicators.site.places import municipality_name, region_name
from indicators.site.rules import CSS_KEY, RANK, Rules, rules
from indicators.survey.items import SurveyItem, load_items

EVENING_SAFETY = "evening_safety"
ALL_AREAS = "all"
# The columns of mart.indicator_values a Criterion is made of, in the order kept.
_VALUE_FIELDS = ("value", "threshold", "meets_threshold", "numerator", "denominator",
                 "data_years", "suppressed", "forebyggelse_threshold",
                 "meets_forebyggelse_threshold")
_DATA_YEARS = _VALUE_FIELDS.index("data_years")


def _rows(frame: pl.DataFrame | None) -> list[dict[str, Any]]:
    return [] if frame is None else frame.to_dicts()


def _columns(frame: pl.DataFrame, names: tuple[str, ...]) -> list[list]:
    """Some columns of the frame as Python lists, NaN read as None."""
    frame = without_nan(frame.select(names))
    return [frame[name].to_list() for name in names]


def _clean(value):
    """NaN from a float column is as unknown as NULL."""
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _years_in(texts) -> set[int]:
    """Every data year named in the `data_years` texts (e.g. '2020-2021')."""
    texts = {str(t) for t in texts if t}
    return {int(p) for text in texts for p in re.findall(r"\d{4}", text)}


def _dashed(data_years: str | None) -> str | None:
    """The mart's '2022-2023' as the site writes a year range, '2022\u20132023'."""
    return None if data_years is None else str(data_years).replace("-", "\u2013")


def _as_bool(value) -> bool | None:
    value = _clean(value)
    return None if value is None else bool(value)


def _as_int(value) -> int | None:
    value = _clean(value)
    return None if value is None else int(value)


@dataclass
class Criterion:
    """One indicator of one area in one list year under one regime."""

    indicator_id: str
    regime: str
    year: int
    value: float | None
    threshold: float | None
    meets: bool | None
    numerator: float | None = None
    denominator: float | None = None
    data_years: str | None = None
    suppressed: bool = False
    forebyggelse_threshold: float | None = None
    meets_forebyggelse: bool | None = None
    below: bool = False

    @property
    def code(self) -> str:
        from indicators.site.vocabulary import INDICATORS
        ind = INDICATORS.get(self.indicator_id)
        return ind.code if ind else self.indicator_id

    @property
    def margin(self) -> float | None:
        """Percentage points on the met side of the threshold (negative = not met)."""
        return self.margin_to(self.threshold)

    @cached_property
    def decimals(self) -> int:
        """Decimals that make the shown value minus the shown threshold the shown
        distance (every page showing the criterion asks; worked out once)."""
        return aligned_decimals(self.value, self.threshold)

    @cached_property
    def prevention_decimals(self) -> int:
        """The same beside the forebyggelse threshold."""
        return aligned_decimals(self.value, self.forebyggelse_threshold)

    def margin_to(self, threshold: float | None) -> float | None:
        if self.value is None or threshold is None:
            return None
        return threshold - self.value if self.below else self.value - threshold

    def threshold_text(self) -> str:
        from indicators.site.vocabulary import threshold_words
        if self.threshold is None:
            return danish.UNKNOWN
        return f"{threshold_words(self.indicator_id, self.regime)} {danish.percent(self.threshold)}"

    def describe(self) -> str:
        """"K1 46,2 % (grænse: over 40,0 %)" or "K2 ukendt (diskretioneret)"."""
        if self.value is None:
            why = "diskretioneret" if self.suppressed else "mangler data"
            return f"{self.code} ukendt ({why})"
        return f"{self.code} {danish.percent(self.value)} (grænse: {self.threshold_text()})"


@dataclass
class Projection:
    """The early-warning engine's trend for one indicator at the main level."""

    indicator_id: str
    year: int
    distance_pp: float | None = None
    trend_pp_per_year: float | None = None
    projected_year: float | None = None
    projected_year_low: float | None = None
    projected_year_high: float | None = None
    meets: bool | None = None


@dataclass(frozen=True)
class Signal:
    """One row of mart.area_signals: a reason an area needs attention, as codes and numbers."""

    area_id: str
    year: int
    regime: str
    signal: str
    colour: str
    indicator_id: str | None
    value: float | None
    threshold: float | None
    distance_pp: float | None
    wave_id: str | None
    projected_year: int | None
    extra: tuple = ()

    def get(self, name: str):
        return dict(self.extra).get(name)


@dataclass
class AreaState:
    """An area in one list year under one regime (default: the regime then in force)."""

    area_id: str
    year: int
    regime: str
    residents: int | None
    eligible: bool | None
    statuses: dict[str, bool | None]
    kombineret_udlejning: bool | None
    criteria: list[Criterion]
    criteria_met: int
    required: int
    colour: str
    headline: str | None          # the most severe status held (a catalogue status id)
    signals: list[Signal]
    counted_ids: list[str]
    unknown_list: bool = False     # a list status is NULL: unknown criteria could decide it
    watch: bool | None = None
    watch_reasons: list[str] = field(default_factory=list)

    @property
    def category(self) -> str:
        """The stylesheet's key of the colour (roed, orange, gul, groen, ukendt)."""
        return CSS_KEY[self.colour]

    @property
    def rank(self) -> int:
        return RANK[self.colour]

    @property
    def criteria_total(self) -> int:
        return len(self.counted_ids)

    @property
    def counted(self) -> list[Criterion]:
        """The criteria the regime counts (K5 decides parallelsamfund from 2018 but is
        not one of the four)."""
        return [c for c in self.criteria if c.indicator_id in self.counted_ids]

    @property
    def signal_codes(self) -> list[str]:
        """The kinds of signal the area carries, most severe colour first, each once."""
        out: list[str] = []
        for s in sorted(self.signals, key=lambda s: -RANK[s.colour]):
            if s.signal not in out:
                out.append(s.signal)
        return out



@dataclass
class Area:
    area_id: str
    name: str
    municipality_code: int | None
    region_code: int | None

    @property
    def municipality(self) -> str:
        return municipality_name(self.municipality_code)

    @property
    def region(self) -> str:
        return region_name(self.region_code)

    @property
    def href(self) -> str:
        """Page of the area, relative to the site root."""
        return f"omraade/{self.area_id}.html"

    @property
    def municipality_href(self) -> str:
        return f"kommune/{self.municipality_code}.html"


@dataclass(frozen=True)
class StatusChange:
    """One decided change of mart.status_changes."""

    list_year: int
    area_id: str
    status: str
    change: str   # gained | lost
    regime: str


@dataclass
class Change:
    """The decided status changes of one area in one list year (mart.status_changes)."""

    area_id: str
    year: int
    changes: list[StatusChange]

    @property
    def changed(self) -> bool:
        return bool(self.changes)


class SiteData:
    """The published frames, indexed for the pages."""

    def __init__(self, frames: dict[str, pl.DataFrame], options: SiteOptions,
                 rule_set: Rules | None = None):
        check_frames(frames)
        self.options = options
        self.rules = rule_set or rules()
        self.areas = {
            r["area_id"]: Area(r["area_id"], r["area_name"], _as_int(r["municipality_code"]),
                               _as_int(r["region_code"]))
            for r in _rows(frames["areas"])
        }
        self.area_order = [a.area_id for a in danish.sorted_danish(
            self.areas.values(), key=lambda a: a.name)]

        self._status = {(r["area_id"], int(r["year"]), str(r["regime"])): r
                        for r in _rows(frames["area_status"])}
        # Kept as tuples in _VALUE_FIELDS order, made into a Criterion when asked for.
        self._values: dict[tuple[str, int, str, str], tuple] = {}
        area_ids, years, regimes, indicator_ids, *fields = _columns(
            frames["indicator_values"], ("area_id", "year", "regime", "indicator_id",
                                         *_VALUE_FIELDS))
        keys = zip(area_ids, map(int, years), map(str, regimes), indicator_ids, strict=True)
        for key, row in zip(keys, zip(*fields, strict=True), strict=True):
            self._values[key] = row
        self._criteria: dict[tuple[str, int, str, str], Criterion | None] = {}
        self.residents_by_year = {(r["area_id"], int(r["year"])): _as_int(r["residents"])
                                  for r in _rows(frames["area_year"])}

        self.list_years = sorted({y for (_, y, _) in self._status})
        self.current_year = self.list_years[-1] if self.list_years else None
        self.previous_year = self.list_years[-2] if len(self.list_years) > 1 else None
        self.current_regime = self.rules.regime_in_force(self.current_year)
        self.regimes_evaluated = sorted({r for (_, _, r) in self._status},
                                        key=self.rules.regime_ids.index)

        self._read_early_warning(frames["early_warning"])
        self._read_signals(frames["area_signals"])
        self._read_changes(frames["status_changes"])
        # The local model (mart.local_*; frame sets older than those tables lack them).
        self.local = LocalData(frames)
        self._signal_changes: dict[int | None, list[dict]] = {}
        for r in frames["signal_changes"].sort("changed_at", descending=True).to_dicts():
            self._signal_changes.setdefault(_as_int(r["municipality_code"]), []).append(r)
        self._survey = _rows(frames["survey_results"])
        self._waves_info = _rows(frames.get("survey_waves"))
        self._official = _rows(frames["official_comparison"])
        self._municipality = _rows(frames["municipality_year"])
        self.members = AreaMembers(frames.get("area_afdelinger"))
        from indicators.site.plan_page import PlanData  # the plan pages import this module
        self.plans = PlanData(frames)
        self._states: dict[tuple[str, int, str], AreaState | None] = {}
        self._series: dict[tuple[str, str], list[Criterion]] = {}
        self._index()

    def prepare(self) -> None:
        """Work out, once, what every language's pages ask of the tables: each area's
        state on every list (and under every regime on the current one), its series
        and their decimals. Done before the languages are forked, their writers
        inherit it rather than each working it out again."""
        regimes = [None, *self.regimes_evaluated]
        for area_id in self.area_order:
            for year in self.list_years:
                self.state(area_id, year)
            for regime in regimes:
                self.state(area_id, None, regime)
            state = self.state(area_id)
            for c in state.criteria if state else []:
                c.decimals  # noqa: B018 - the cached property is the point
                c.prevention_decimals  # noqa: B018
            for indicator_id in self._indicators_present:
                for c in self.series(area_id, indicator_id):
                    c.decimals  # noqa: B018

    def _index(self) -> None:
        """Lookups the pages make once per area, built once: a page per area must not
        scan every row of a national table (that made the site quadratic in areas)."""
        self._indicator_years = sorted({y for (_, y, _, _) in self._values})
        present = {k[3] for k in self._values}
        unknown = present - set(self.rules.indicator_ids)
        if unknown:
            raise ValueError("mart.indicator_values names indicator(s) the catalogue does not "
                             f"define: {', '.join(sorted(unknown))}")
        self._indicators_present = [i for i in self.rules.indicator_ids if i in present]
        self._data_years_by_area: dict[str, set] = {}
        for (area_id, _, _, _), r in self._values.items():
            self._data_years_by_area.setdefault(area_id, set()).add(r[_DATA_YEARS])
        self._official_by_area: dict[str, list[dict]] = {}
        for r in self._official:
            self._official_by_area.setdefault(r["area_id"], []).append(r)
        self._wave_info_index = {(str(r.get("wave_id")), r.get("area_id")): r
                                 for r in reversed(self._waves_info)}
        self._survey_by_item: dict[str, list[dict]] = {}
        self._survey_by_item_area: dict[tuple[str, str], list[dict]] = {}
        self._survey_by_wave: dict[str, dict[str, list[dict]]] = {}
        for r in self._survey:
            self._survey_by_item.setdefault(r["item_id"], []).append(r)
            self._survey_by_item_area.setdefault((r["item_id"], r["area_id"]), []).append(r)
        self._municipality_index: dict[tuple[int | None, int | None, str], object] = {}
        self._municipality_years: dict[int | None, set[int | None]] = {}
        for r in reversed(self._municipality):
            code, year = _as_int(r["municipality_code"]), _as_int(r["year"])
            self._municipality_index[(code, year, r["maal"])] = _clean(r["vaerdi"])
            self._municipality_years.setdefault(code, set()).add(year)
        self._areas_by_municipality: dict[int | None, list[str]] = {}
        for area_id in self.area_order:
            code = self.areas[area_id].municipality_code
            self._areas_by_municipality.setdefault(code, []).append(area_id)
        self._waves_cache: list[dict] | None = None
        self._items_cache: dict[str, SurveyItem] | None = None
        self._items_by_wave: dict[str, set[str]] = {}
        self._data_years_all: set[int] | None = None

    # --- early warning ---------------------------------------------------

    def _read_early_warning(self, frame: pl.DataFrame) -> None:
        self.has_early_warning = frame.height > 0
        self.projections: dict[tuple[str, int, str], Projection] = {}
        # An area-year is watched if any of its rows says so, not watched if every
        # row says not, else unknown.
        flags = frame.group_by("area_id", "year").agg(
            watched=pl.col("watch").eq(True).any(),
            all_not=pl.col("watch").eq(False).sum() == pl.len())
        self._watch: dict[tuple[str, int], bool | None] = {
            (area_id, int(year)): True if watched else (False if all_not else None)
            for area_id, year, watched, all_not in flags.iter_rows()}
        fields = ("distance_pp", "trend_pp_per_year", "projected_year",
                  "projected_year_low", "projected_year_high")
        main = frame.filter(pl.col("level") == "main")
        area_ids, years, indicator_ids, meets, *values = _columns(
            main, ("area_id", "year", "indicator_id", "meets_threshold", *fields))
        for area_id, year, indicator_id, met, *numbers in zip(
                area_ids, map(int, years), indicator_ids, meets, *values, strict=True):
            self.projections[(area_id, year, indicator_id)] = Projection(
                indicator_id, year, *numbers, meets=_as_bool(met))

    def watch(self, area_id: str, year: int) -> bool | None:
        return self._watch.get((area_id, year))

    # --- signals -----------------------------------------------------------

    def _read_signals(self, frame: pl.DataFrame) -> None:
        known = ("area_id", "year", "regime", "signal", "colour", "indicator_id", "value",
                 "threshold", "distance_pp", "wave_id", "projected_year")
        self._signals: dict[tuple[str, int, str], list[Signal]] = {}
        for r in frame.to_dicts():
            s = Signal(
                area_id=r["area_id"], year=int(r["year"]), regime=str(r["regime"]),
                signal=r["signal"], colour=r["colour"], indicator_id=r["indicator_id"],
                value=_clean(r["value"]), threshold=_clean(r["threshold"]),
                distance_pp=_clean(r["distance_pp"]),
                wave_id=None if r["wave_id"] is None else str(r["wave_id"]),
                projected_year=_as_int(r["projected_year"]),
                extra=tuple((k, _clean(v)) for k, v in r.items() if k not in known),
            )
            if s.colour not in RANK:
                raise ValueError(f"mart.area_signals: colour {s.colour!r} of {s.area_id} "
                                 f"{s.year} is not one of {', '.join(RANK)}")
            self._signals.setdefault((s.area_id, s.year, s.regime), []).append(s)

    def signals(self, area_id: str, year: int, regime: str) -> list[Signal]:
        return self._signals.get((area_id, year, regime), [])

    # --- status changes ----------------------------------------------------

    def _read_changes(self, frame: pl.DataFrame) -> None:
        self._changes: dict[tuple[str, int], list[StatusChange]] = {}
        for r in frame.to_dicts():
            c = StatusChange(int(r["list_year"]), r["area_id"], r["status"], r["change"],
                             str(r["regime"]))
            self._changes.setdefault((c.area_id, c.list_year), []).append(c)

    def change(self, area_id: str, year: int | None = None) -> Change | None:
        """The decided changes since the previous list (None on the first list)."""
        year = self.current_year if year is None else year
        if year is None or year == (self.list_years[0] if self.list_years else None):
            return None
        return Change(area_id, year, self._changes.get((area_id, year), []))

    def refresh_changes(self, code: int | None) -> list[dict]:
        """mart.signal_changes of the municipality's areas, newest refresh first."""
        return self._signal_changes.get(code, [])

    def changes_in(self, year: int, area_ids: list[str] | None = None) -> list[StatusChange]:
        ids = self.area_order if area_ids is None else area_ids
        return [c for a in ids for c in self._changes.get((a, year), [])]

    # --- indicators ------------------------------------------------------

    def criterion(self, area_id: str, year: int, regime: str, indicator_id: str
                  ) -> Criterion | None:
        key = (area_id, year, regime, indicator_id)
        try:
            return self._criteria[key]
        except KeyError:
            pass
        r = self._values.get(key)
        if r is None:
            self._criteria[key] = None
            return None
        (value, threshold, meets, numerator, denominator, data_years, suppressed,
         prevention, meets_prevention) = r
        # Each made once: the area page, the overviews and the municipality pages ask
        # for the same criteria (the rows were cleaned of NaN when read).
        self._criteria[key] = c = Criterion(
            indicator_id=indicator_id, regime=regime, year=year,
            value=value, threshold=threshold, meets=_as_bool(meets),
            numerator=numerator, denominator=denominator,
            # As the site writes year ranges: "2022–2023", with an en dash.
            data_years=_dashed(data_years), suppressed=bool(_as_bool(suppressed)),
            forebyggelse_threshold=prevention,
            meets_forebyggelse=_as_bool(meets_prevention),
            below=self.rules.below(indicator_id),
        )
        return c

    def indicator_years(self) -> list[int]:
        return self._indicator_years

    def series(self, area_id: str, indicator_id: str) -> list[Criterion]:
        """One point per list year, all under the current regime where it was evaluated.

        One definition across the whole series makes the line comparable; a year
        the current regime was not evaluated for falls back to the rules then in
        force (the table says which regime each point follows).
        """
        key = (area_id, indicator_id)
        points = self._series.get(key)
        if points is None:
            points = self._series[key] = self._build_series(area_id, indicator_id)
        return points

    def _build_series(self, area_id: str, indicator_id: str) -> list[Criterion]:
        points = []
        for year in self.indicator_years():
            c = None
            if self.current_regime:
                c = self.criterion(area_id, year, self.current_regime, indicator_id)
            in_force = self.rules.regime_in_force(year)
            if c is None and in_force:
                c = self.criterion(area_id, year, in_force, indicator_id)
            if c is not None:
                points.append(c)
        return points

    def indicators_present(self) -> list[str]:
        return self._indicators_present

    # --- statuses --------------------------------------------------------

    def state(self, area_id: str, year: int | None = None,
              regime: str | None = None) -> AreaState | None:
        """The area in `year` (default: the current list) under `regime` (default: the
        regime then in force)."""
        year = self.current_year if year is None else year
        if year is None:
            return None
        regime = regime or self.rules.regime_in_force(year)
        if regime is None:
            return None
        key = (area_id, year, regime)
        if key not in self._states:
            self._states[key] = self._build_state(area_id, year, regime)
        return self._states[key]

    def _build_state(self, area_id: str, year: int, regime: str) -> AreaState | None:
        row = self._status.get((area_id, year, regime))
        if row is None:
            return None
        r = self.rules
        defined = r.statuses(regime)
        statuses = {s: _as_bool(row[s]) for s in defined}
        criteria = [c for c in (self.criterion(area_id, year, regime, i)
                                for i in r.criteria(regime)) if c is not None]
        signals = self.signals(area_id, year, regime)
        listed = r.list_statuses(regime)
        headline = next((s for s in defined if statuses.get(s) is True), None)
        unknown_list = headline is None and any(statuses.get(s) is None for s in listed)
        if signals:
            colour = max(signals, key=lambda s: RANK[s.colour]).colour
        else:
            colour = "grey" if unknown_list else "green"
        return AreaState(
            area_id=area_id, year=year, regime=regime,
            residents=_as_int(row["residents"]), eligible=_as_bool(row["eligible"]),
            statuses=statuses, kombineret_udlejning=_as_bool(row["kombineret_udlejning"]),
            criteria=criteria, criteria_met=_as_int(row["criteria_met"]) or 0,
            required=r.required(regime), colour=colour, headline=headline, signals=signals,
            counted_ids=r.counted(regime), unknown_list=unknown_list,
            watch=self.watch(area_id, year),
        )

    def colour_counts(self, year: int | None = None, area_ids: list[str] | None = None,
                      regime: str | None = None) -> dict[str, int]:
        counts = {c: 0 for c in RANK}
        for area_id in self.area_order if area_ids is None else area_ids:
            s = self.state(area_id, year, regime)
            if s is not None:
                counts[s.colour] += 1
        return counts

    def ranked(self, area_ids: list[str], year: int | None = None,
               regime: str | None = None) -> list[AreaState]:
        """The areas' states, most severe first, then by name (Danish order kept)."""
        states = [s for s in (self.state(a, year, regime) for a in area_ids) if s is not None]
        return sorted(states, key=lambda s: -s.rank)

    def reasons(self, state: AreaState) -> list[str]:
        """Danish sentences for the area's signals (pages on the message catalogue use
        `signals.Words`)."""
        from indicators.site.signals import Words
        return Words.load("da", self).reasons(state)

    # --- municipalities ----------------------------------------------------

    def municipalities(self) -> list[tuple[int | None, str]]:
        codes = {a.municipality_code for a in self.areas.values()}
        return danish.sorted_danish([(c, municipality_name(c)) for c in codes],
                                    key=lambda x: x[1])

    def areas_in(self, code: int | None) -> list[str]:
        return self._areas_by_municipality.get(code, [])

    # --- official lists --------------------------------------------------

    def official_rows(self, area_id: str) -> list[dict]:
        return sorted(self._official_by_area.get(area_id, []),
                      key=lambda r: (r["year"] or 0, str(r["status"])))

    @property
    def has_official(self) -> bool:
        return bool(self._official)

    def official_statuses(self, area_id: str, year: int) -> list[str] | None:
        """The statuses the published list gave the area in `year` (None: no official file)."""
        if not self._official:
            return None
        return [str(r["status"]) for r in self._official_by_area.get(area_id, [])
                if r["year"] == year and _as_bool(r["official"])]

    def official_disagrees(self, area_id: str, year: int) -> bool:
        return any(r["year"] == year and _as_bool(r["agrees"]) is False
                   for r in self._official_by_area.get(area_id, []))

    # --- surveys -----------------------------------------------------------

    def survey_rows(self, item_id: str = EVENING_SAFETY, area_id: str | None = None
                    ) -> list[dict]:
        """One item's survey results: of every area, or of one (`"all"`: the whole survey)."""
        if area_id is None:
            return self._survey_by_item.get(item_id, [])
        return self._survey_by_item_area.get((item_id, area_id), [])

    def survey_rows_by_wave(self, item_id: str = EVENING_SAFETY) -> dict[str, list[dict]]:
        """One item's results by wave id (as text), each wave's rows in the table's order:
        indexed once, for the municipalities' pages that each look up every wave."""
        by_wave = self._survey_by_wave.get(item_id)
        if by_wave is None:
            by_wave = self._survey_by_wave[item_id] = {}
            for r in self.survey_rows(item_id):
                by_wave.setdefault(str(r["wave_id"]), []).append(r)
        return by_wave

    def survey_row(self, wave_id: str, area_id: str, item_id: str = EVENING_SAFETY
                   ) -> dict | None:
        return next((r for r in self.survey_rows(item_id, area_id)
                     if str(r["wave_id"]) == wave_id), None)

    def survey_items(self, wave_id: str | None = None) -> list[SurveyItem]:
        """The catalogue's items with results (in one wave, or in any), evening safety
        first since it drives the survey signal, then the battery in catalogue order.
        An item the catalogue does not define has no question text to show and is left
        out."""
        if self._items_cache is None:
            self._items_cache = load_items()
            # Once: every area page asks, and must not scan the national table.
            self._items_by_wave = {}
            for r in self._survey:
                self._items_by_wave.setdefault(str(r["wave_id"]), set()).add(r["item_id"])
        present = (set().union(*self._items_by_wave.values()) if wave_id is None
                   else self._items_by_wave.get(wave_id, set()))
        ordered = sorted(self._items_cache.values(),
                         key=lambda i: i.item_id != EVENING_SAFETY)
        return [i for i in ordered if i.item_id in present]

    def waves(self) -> list[dict]:
        """Waves with their year and title, oldest first."""
        if self._waves_cache is not None:
            return self._waves_cache
        waves: dict[str, dict] = {}
        for r in self.survey_rows():
            waves.setdefault(str(r["wave_id"]), {"wave_id": str(r["wave_id"]),
                                                 "slug": wave_slug(str(r["wave_id"])),
                                                 "year": _as_int(r["year"]), "title": None})
        for r in self._waves_info:
            w = waves.get(str(r.get("wave_id")))
            if w is not None and r.get("title"):
                w["title"] = r["title"]
        self._waves_cache = sorted(waves.values(), key=lambda w: (w["year"] or 0, w["wave_id"]))
        return self._waves_cache

    def wave_year(self, wave_id: str | None) -> int | None:
        return next((w["year"] for w in self.waves() if w["wave_id"] == wave_id), None)

    def wave_info(self, wave_id: str, area_id: str) -> dict:
        return self._wave_info_index.get((wave_id, area_id), {})

    # --- municipality context ------------------------------------------

    @property
    def has_municipality(self) -> bool:
        return bool(self._municipality)

    def municipality_value(self, code: int | None, year: int, maal: str) -> float | None:
        return self._municipality_index.get((code, year, maal))

    def municipality_years(self, code: int | None) -> list[int]:
        return sorted(self._municipality_years.get(code, set()))

    # --- provenance ----------------------------------------------------------

    def data_years_used(self, area_id: str | None = None, msgs=None) -> list[str]:
        """Data years behind the current list, per criterion, and the span of the series,
        in the language of `msgs` (a messages.Messages; default Danish)."""
        if msgs is None:
            from indicators.site.messages import Messages
            msgs = Messages.load("da")
        out = []
        if area_id is not None:
            state = self.state(area_id)
            for c in state.criteria if state else []:
                if c.data_years:
                    out.append(msgs.t("areabox.data_years_item",
                                      code=msgs.t(f"rules.indicator.{c.indicator_id}.code"),
                                      year=state.year,
                                      years=c.data_years))
        if area_id is None:
            if self._data_years_all is None:
                self._data_years_all = _years_in(set().union(
                    *self._data_years_by_area.values()))
            years = self._data_years_all
        else:
            years = _years_in(self._data_years_by_area.get(area_id, ()))
        if years:
            out.append(msgs.t("areabox.data_years_span", first=min(years), last=max(years)))
        return out


def distance_words(points: float) -> str:
    """"3,6 pct.point"; a distance that rounds to 0,0 is said to be under 0,1."""
    if abs(points) < 0.05:
        return "under 0,1 pct.point"
    return f"{danish.number(abs(points))} pct.point"


def wave_slug(wave_id: str) -> str:
    """A file name for the wave's page (wave ids are free text in wave.json)."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", wave_id.lower()).strip("-")
    return slug or "boelge"
