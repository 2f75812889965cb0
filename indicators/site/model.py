"""What the pages show, derived once from the published tables.

The published frames are small (areas × years × indicators), so they are
turned into plain Python lookups here and every page reads the same
derived facts: the current list year and its regime, each area's status
and colour category, the criteria behind it, the early-warning mark and
what changed since the previous list. Optional tables (early warning,
status changes, official lists, survey waves, municipality sums) are read
defensively: a missing table or column means the page leaves that context
out, never that it shows a guess.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from indicators.site import danish
from indicators.site.options import SiteOptions
from indicators.site.places import municipality_name, region_name
from indicators.site.vocabulary import (
    CATEGORIES,
    INDICATOR_ORDER,
    INDICATORS,
    REGIME_CRITERIA,
    REGIME_REQUIRED,
    REGIME_STATUSES,
    regime_in_force,
    status_label,
    threshold_words,
)

EVENING_SAFETY = "evening_safety"
ALL_AREAS = "all"


def _rows(frame: pl.DataFrame | None) -> list[dict[str, Any]]:
    return [] if frame is None else frame.to_dicts()


def _clean(value):
    """NaN from a float column is as unknown as NULL."""
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _years_in(rows) -> set[int]:
    """Every data year named in the rows' `data_years` (e.g. '2020-2021')."""
    texts = {str(r["data_years"]) for r in rows if r.get("data_years")}
    return {int(p) for text in texts for p in re.findall(r"\d{4}", text)}


def _as_bool(value) -> bool | None:
    value = _clean(value)
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "ja", "yes", "t")
    return bool(value)


def _as_int(value) -> int | None:
    value = _clean(value)
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


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

    @property
    def code(self) -> str:
        ind = INDICATORS.get(self.indicator_id)
        return ind.code if ind else self.indicator_id

    @property
    def margin(self) -> float | None:
        """Percentage points on the met side of the threshold (negative = not met)."""
        if self.value is None or self.threshold is None:
            return None
        ind = INDICATORS.get(self.indicator_id)
        return self.threshold - self.value if ind and ind.below else self.value - self.threshold

    def threshold_text(self) -> str:
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
    """The early-warning engine's trend for one indicator (fields may be missing)."""

    indicator_id: str
    year: int
    distance_pp: float | None = None
    trend_pp_per_year: float | None = None
    projected_year: float | None = None
    projected_year_low: float | None = None
    projected_year_high: float | None = None


@dataclass
class AreaState:
    """An area in one list year under the regime in force then."""

    area_id: str
    year: int
    regime: str | None
    residents: int | None
    eligible: bool | None
    statuses: dict[str, bool | None]
    kombineret_udlejning: bool | None
    criteria: list[Criterion]
    criteria_met: int
    required: int
    category: str
    status_text: str
    watch: bool | None = None
    watch_reasons: list[str] = field(default_factory=list)

    @property
    def criteria_total(self) -> int:
        return len(REGIME_CRITERIA.get(self.regime or "", ()))

    @property
    def counted(self) -> list[Criterion]:
        """The criteria the regime counts (K5 decides parallelsamfund from 2018 but is
        not one of the four)."""
        return [c for c in self.criteria if c.indicator_id in REGIME_CRITERIA[self.regime]]

    def criteria_summary(self) -> str:
        """"2 af 4 kriterier (K1, K4); K2 ukendt" """
        met = [c.code for c in self.counted if c.meets is True]
        unknown = [c.code for c in self.counted if c.meets is None]
        text = f"{self.criteria_met} af {self.criteria_total} kriterier"
        if met:
            text += " (" + ", ".join(met) + ")"
        if unknown:
            text += "; " + ", ".join(unknown) + " ukendt"
        return text


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


@dataclass
class Change:
    area_id: str
    gained: list[str]
    lost: list[str]
    unknown: list[str]
    previous_category: str | None
    category: str

    def text(self) -> str:
        parts = [f"Ny: {s}" for s in self.gained] + [f"Ude: {s}" for s in self.lost]
        parts += [f"Nu ukendt: {s}" for s in self.unknown]
        if self.previous_category and self.previous_category != self.category:
            parts.append(f"{CATEGORIES[self.previous_category].label} → "
                         f"{CATEGORIES[self.category].label}")
        return "; ".join(parts) if parts else "Uændret"

    @property
    def changed(self) -> bool:
        return self.text() != "Uændret"


class SiteData:
    """The published frames, indexed for the pages."""

    def __init__(self, frames: dict[str, pl.DataFrame], options: SiteOptions):
        self.options = options
        self.areas = {
            r["area_id"]: Area(r["area_id"], r["area_name"], _as_int(r.get("municipality_code")),
                               _as_int(r.get("region_code")))
            for r in _rows(frames.get("areas"))
        }
        self.area_order = [a.area_id for a in danish.sorted_danish(
            self.areas.values(), key=lambda a: a.name)]

        self._status = {(r["area_id"], int(r["year"]), str(r["regime"])): r
                        for r in _rows(frames.get("area_status"))}
        self._values: dict[tuple[str, int, str, str], dict] = {}
        for r in _rows(frames.get("indicator_values")):
            key = (r["area_id"], int(r["year"]), str(r["regime"]), r["indicator_id"])
            self._values[key] = r
        self.residents_by_year = {(r["area_id"], int(r["year"])): _as_int(r.get("residents"))
                                  for r in _rows(frames.get("area_year"))}

        list_years = sorted({y for (_, y, _) in self._status})
        self.list_years = list_years
        self.current_year = list_years[-1] if list_years else None
        self.previous_year = list_years[-2] if len(list_years) > 1 else None
        self.current_regime = (regime_in_force(self.current_year)
                               if self.current_year is not None else None)

        self._read_early_warning(frames.get("early_warning"))
        self._survey = _rows(frames.get("survey_results"))
        self._waves_info = _rows(frames.get("survey_waves"))
        self._official = _rows(frames.get("official_comparison"))
        self._changes_frame = frames.get("status_changes")
        self._municipality = _rows(frames.get("municipality_year"))
        self._states: dict[tuple[str, int], AreaState | None] = {}
        self._index()

    def _index(self) -> None:
        """Lookups the pages make once per area, built once: a page per area must not
        scan every row of a national table (that made the site quadratic in areas)."""
        self._indicator_years = sorted({y for (_, y, _, _) in self._values})
        present = {k[3] for k in self._values}
        self._indicators_present = [i for i in INDICATOR_ORDER if i in present]
        self._values_by_area: dict[str, list[dict]] = {}
        for (area_id, _, _, _), r in self._values.items():
            self._values_by_area.setdefault(area_id, []).append(r)
        self._official_by_area: dict[str, list[dict]] = {}
        for r in self._official:
            self._official_by_area.setdefault(r.get("area_id"), []).append(r)
        self._wave_info_index = {(str(r.get("wave_id")), r.get("area_id")): r
                                 for r in reversed(self._waves_info)}
        self._survey_by_item: dict[str, list[dict]] = {}
        self._survey_by_item_area: dict[tuple[str, str], list[dict]] = {}
        for r in self._survey:
            self._survey_by_item.setdefault(r.get("item_id"), []).append(r)
            self._survey_by_item_area.setdefault((r.get("item_id"), r.get("area_id")),
                                                 []).append(r)
        self._municipality_index: dict[tuple[int | None, int | None, str], object] = {}
        self._municipality_years: dict[int | None, set[int | None]] = {}
        for r in reversed(self._municipality):
            code, year = _as_int(r.get("municipality_code")), _as_int(r.get("year"))
            self._municipality_index[(code, year, r.get("maal"))] = _clean(r.get("vaerdi"))
            self._municipality_years.setdefault(code, set()).add(year)
        self._changes_by_area: dict[str, list[dict]] | None = None
        frame = self._changes_frame
        if frame is not None and {"year", "area_id", "status", "change"} <= set(frame.columns):
            self._changes_by_area = {}
            for r in frame.filter(pl.col("year") == self.current_year).to_dicts():
                self._changes_by_area.setdefault(r["area_id"], []).append(r)
        self._waves_cache: list[dict] | None = None
        self._data_years_all: set[int] | None = None

    # --- early warning ---------------------------------------------------

    def _read_early_warning(self, frame: pl.DataFrame | None) -> None:
        """Index the early-warning table, whatever subset of its columns exists."""
        self.has_early_warning = frame is not None and "area_id" in (frame.columns if
                                                                      frame is not None else [])
        self.projections: dict[tuple[str, int, str], Projection] = {}
        self._watch: dict[tuple[str, int], list[bool | None]] = {}
        self._watch_reasons: dict[tuple[str, int], list[str]] = {}
        if not self.has_early_warning:
            return
        for r in frame.to_dicts():
            year = _as_int(r.get("year")) or self.current_year
            key = (r["area_id"], year)
            if "watch" in r:
                self._watch.setdefault(key, []).append(_as_bool(r.get("watch")))
            reason = _clean(r.get("watch_reason"))
            if reason and _as_bool(r.get("watch")) is not False:
                reasons = self._watch_reasons.setdefault(key, [])
                if str(reason) not in reasons:
                    reasons.append(str(reason))
            indicator = r.get("indicator_id")
            if indicator:
                self.projections[(r["area_id"], year, indicator)] = Projection(
                    indicator_id=indicator, year=year,
                    **{f: _clean(r.get(f)) for f in (
                        "distance_pp", "trend_pp_per_year", "projected_year",
                        "projected_year_low", "projected_year_high")},
                )

    def watch(self, area_id: str, year: int) -> tuple[bool | None, list[str]]:
        flags = self._watch.get((area_id, year))
        reasons = self._watch_reasons.get((area_id, year), [])
        if not flags:
            return (None if self.has_early_warning else None), reasons
        if any(f is True for f in flags):
            return True, reasons
        if all(f is False for f in flags):
            return False, []
        return None, reasons

    # --- indicators ------------------------------------------------------

    def criterion(self, area_id: str, year: int, regime: str, indicator_id: str
                  ) -> Criterion | None:
        r = self._values.get((area_id, year, regime, indicator_id))
        if r is None:
            return None
        return Criterion(
            indicator_id=indicator_id, regime=regime, year=year,
            value=_clean(r.get("value")), threshold=_clean(r.get("threshold")),
            meets=_as_bool(r.get("meets_threshold")),
            numerator=_clean(r.get("numerator")), denominator=_clean(r.get("denominator")),
            data_years=_clean(r.get("data_years")),
            suppressed=bool(_as_bool(r.get("suppressed"))),
        )

    def indicator_years(self) -> list[int]:
        return self._indicator_years

    def series(self, area_id: str, indicator_id: str) -> list[Criterion]:
        """One point per list year, all under the current regime where it was evaluated.

        One definition across the whole series makes the line comparable; a year
        the current regime was not evaluated for falls back to the rules then in
        force (the table says which regime each point follows).
        """
        points = []
        for year in self.indicator_years():
            c = None
            if self.current_regime:
                c = self.criterion(area_id, year, self.current_regime, indicator_id)
            if c is None and regime_in_force(year):
                c = self.criterion(area_id, year, regime_in_force(year), indicator_id)
            if c is not None:
                points.append(c)
        return points

    def indicators_present(self) -> list[str]:
        return self._indicators_present

    # --- statuses --------------------------------------------------------

    def state(self, area_id: str, year: int | None = None) -> AreaState | None:
        """The area in `year` (default: the current list) under the regime then in force."""
        year = self.current_year if year is None else year
        if year is None:
            return None
        key = (area_id, year)
        if key not in self._states:
            self._states[key] = self._build_state(area_id, year)
        return self._states[key]

    def _build_state(self, area_id: str, year: int) -> AreaState | None:
        regime = regime_in_force(year)
        row = self._status.get((area_id, year, regime)) if regime else None
        if row is None:
            return None
        defined = REGIME_STATUSES[regime]
        statuses = {s: _as_bool(row.get(s)) for s in defined}
        criteria = [c for c in (self.criterion(area_id, year, regime, i)
                                for i in REGIME_CRITERIA[regime]) if c is not None]
        # K5 decides parallelsamfund from 2018 on without being one of the four.
        if regime in ("2018", "2021"):
            k5 = self.criterion(area_id, year, regime, "k5_ikkevestlige")
            extra = [k5] if k5 is not None else []
        else:
            extra = []
        watch, reasons = self.watch(area_id, year)
        met = _as_int(row.get("criteria_met")) or 0
        eligible = _as_bool(row.get("eligible"))
        category, text = categorize(regime, statuses, met, eligible, watch)
        state = AreaState(
            area_id=area_id, year=year, regime=regime,
            residents=_as_int(row.get("residents")), eligible=eligible,
            statuses=statuses, kombineret_udlejning=_as_bool(row.get("kombineret_udlejning")),
            criteria=criteria + extra, criteria_met=met, required=REGIME_REQUIRED[regime],
            category=category, status_text=text, watch=watch, watch_reasons=reasons,
        )
        return state

    def reasons(self, state: AreaState) -> list[str]:
        """Why an area has its colour: met criteria, near misses, unknowns, warnings."""
        out: list[str] = []
        counted = state.counted
        met = [c for c in counted if c.meets is True]
        if met:
            out.append("Opfylder " + "; ".join(c.describe() for c in met) + ".")
        if state.regime in ("2018", "2021"):
            k5 = next((c for c in state.criteria if c.indicator_id == "k5_ikkevestlige"), None)
            if k5 is not None and k5.meets and any(state.statuses.get(s) for s in
                                                   ("udsat", "parallelsamfund")):
                out.append(f"Parallelsamfund-kriteriet: {k5.describe()}.")
        near = sorted((c for c in counted if self.is_near(c)), key=lambda c: -c.margin)
        for c in near:
            out.append(f"Tæt på {c.code}: {danish.percent(c.value)}, "
                       f"{distance_words(-c.margin)} fra grænsen ({c.threshold_text()}).")
        unknown = [c for c in counted if c.meets is None]
        if unknown:
            out.append("Ukendt: " + "; ".join(c.describe() for c in unknown) + ".")
        if state.eligible is False and state.criteria_met >= state.required:
            out.append(f"Opfylder {state.criteria_met} kriterier, men har kun "
                       f"{danish.integer(state.residents)} beboere (grænsen er 1.000).")
        if state.eligible is None:
            out.append("Antal beboere ukendt, så status kan ikke afgøres.")
        if state.watch:
            reasons = state.watch_reasons or ["en indikator bevæger sig mod grænsen"]
            out.append("Tidligt varsel: " + "; ".join(reasons) + ".")
        return out

    def is_near(self, c: Criterion) -> bool:
        """Not met, but close enough that a few residents moving could change it."""
        if c.meets is not False or c.margin is None or c.threshold is None:
            return False
        limit = min(self.options.near_threshold_pp,
                    self.options.near_threshold_relative * abs(c.threshold))
        return -c.margin <= limit

    def category_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(CATEGORIES, 0)
        for area_id in self.area_order:
            s = self.state(area_id)
            counts[s.category if s else "ukendt"] += 1
        return counts

    # --- changes since the previous list --------------------------------

    def change(self, area_id: str) -> Change | None:
        now = self.state(area_id)
        if now is None or self.previous_year is None:
            return None
        before = self.state(area_id, self.previous_year)
        gained: list[str] = []
        lost: list[str] = []
        unknown: list[str] = []
        if self._changes_by_area is not None:
            for r in self._changes_by_area.get(area_id, []):
                label = status_label(str(r["status"]), now.regime)
                (gained if r["change"] == "gained" else lost).append(label)
        else:
            for status in REGIME_STATUSES.get(now.regime, ()):
                new = now.statuses.get(status)
                old = before.statuses.get(status) if before else None
                # A ghettoområde under 2010–2017 counts as parallelsamfund (domain.md §2).
                if new is True and old is not True and before is not None:
                    gained.append(status_label(status, now.regime))
                elif new is False and old is True:
                    lost.append(status_label(status, now.regime))
                elif new is None and old is True:
                    unknown.append(status_label(status, now.regime))
        return Change(area_id, gained, lost, unknown,
                      before.category if before else None, now.category)

    # --- official lists --------------------------------------------------

    def official_rows(self, area_id: str) -> list[dict]:
        return sorted(self._official_by_area.get(area_id, []),
                      key=lambda r: (r.get("year") or 0, str(r.get("status"))))

    @property
    def has_official(self) -> bool:
        return bool(self._official)

    def official_now(self, area_id: str) -> str | None:
        """The published list statuses of the area in the current year, in words."""
        if not self._official:
            return None
        regime = self.current_regime
        mine = self._official_by_area.get(area_id, [])
        on = [status_label(str(r["status"]), regime) for r in mine
              if r.get("year") == self.current_year and _as_bool(r.get("official"))]
        disagree = [r for r in mine
                    if r.get("year") == self.current_year and _as_bool(r.get("agrees")) is False]
        text = ", ".join(on) if on else "Ikke på listen"
        if disagree:
            text += " (afviger fra vores beregning)"
        return text

    # --- surveys -----------------------------------------------------------

    def survey_rows(self, item_id: str = EVENING_SAFETY, area_id: str | None = None
                    ) -> list[dict]:
        """One item's survey results: of every area, or of one (`"all"`: the whole survey)."""
        if area_id is None:
            return self._survey_by_item.get(item_id, [])
        return self._survey_by_item_area.get((item_id, area_id), [])

    def waves(self) -> list[dict]:
        """Waves with their year and title, oldest first."""
        if self._waves_cache is not None:
            return self._waves_cache
        waves: dict[str, dict] = {}
        for r in self.survey_rows():
            waves.setdefault(str(r["wave_id"]), {"wave_id": str(r["wave_id"]),
                                                 "slug": wave_slug(str(r["wave_id"])),
                                                 "year": _as_int(r.get("year")), "title": None})
        for r in self._waves_info:
            w = waves.get(str(r.get("wave_id")))
            if w is not None and r.get("title"):
                w["title"] = r["title"]
        self._waves_cache = sorted(waves.values(), key=lambda w: (w["year"] or 0, w["wave_id"]))
        return self._waves_cache

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

    def municipalities(self) -> list[tuple[int | None, str]]:
        codes = {a.municipality_code for a in self.areas.values()}
        return danish.sorted_danish([(c, municipality_name(c)) for c in codes],
                                    key=lambda x: x[1])

    # --- provenance ----------------------------------------------------------

    def data_years_used(self, area_id: str | None = None) -> list[str]:
        """Data years behind the current list, per criterion, and the span of the series."""
        out = []
        if area_id is not None:
            state = self.state(area_id)
            for c in state.criteria if state else []:
                if c.data_years:
                    out.append(f"{c.code} på listen {state.year}: {c.data_years}")
        if area_id is None:
            if self._data_years_all is None:
                self._data_years_all = _years_in(self._values.values())
            years = self._data_years_all
        else:
            years = _years_in(self._values_by_area.get(area_id, []))
        if years:
            out.append(f"tidsserierne: dataår {min(years)}–{max(years)}")
        return out


def categorize(regime: str, statuses: dict[str, bool | None], criteria_met: int,
               eligible: bool | None, watch: bool | None) -> tuple[str, str]:
    """Colour category and status words of an area in one list year.

    Rød: on a list of the regime. Orange: forebyggelsesområde, one criterion
    short of the list, or meeting the criteria with fewer than 1,000
    residents. Gul: at least one criterion met, or an early warning. Grøn:
    none of that. Ukendt: a status the regime defines is NULL (unknown
    criteria could decide it), which is never shown as "no".
    """
    defined = REGIME_STATUSES[regime]
    listed = [s for s in defined if s != "forebyggelsesomraade"]
    on = [s for s in listed if statuses.get(s) is True]
    if on:
        return "roed", status_label(on[0], regime)
    if statuses.get("forebyggelsesomraade") is True:
        return "orange", status_label("forebyggelsesomraade", regime)
    if any(statuses.get(s) is None for s in listed):
        return "ukendt", "Ukendt status"
    required = REGIME_REQUIRED[regime]
    prevention_unknown = ("forebyggelsesomraade" in defined
                          and statuses.get("forebyggelsesomraade") is None)
    suffix = " (forebyggelse ukendt)" if prevention_unknown else ""
    if criteria_met >= required and eligible is False:
        return "orange", "Ikke på listen: under 1.000 beboere" + suffix
    if criteria_met == required - 1 and criteria_met > 0:
        return "orange", "Ikke på listen: ét kriterium fra" + suffix
    if criteria_met >= 1 or watch:
        return "gul", "Ikke på listen" + suffix
    if prevention_unknown:
        return "ukendt", "Ikke på listen, forebyggelse ukendt"
    return "groen", "Ikke på listen"


def distance_words(points: float) -> str:
    """"3,6 pct.point"; a distance that rounds to 0,0 is said to be under 0,1."""
    if abs(points) < 0.05:
        return "under 0,1 pct.point"
    return f"{danish.number(abs(points))} pct.point"


def wave_slug(wave_id: str) -> str:
    """A file name for the wave's page (wave ids are free text in wave.json)."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", wave_id.lower()).strip("-")
    return slug or "boelge"
