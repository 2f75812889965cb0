"""The indicator catalogue: indicators, rule sets and statuses as validated data.

Every threshold, inequality, data-year rule and status definition lives in
`catalogue.yaml`; the computing modules read them from a `Catalogue` and hold
no numbers of their own. `load_catalogue()` reads the package's file (or a
copy, for what-if and tests) and stamps it with `version`, a SHA-256 prefix of
the file's bytes, which the warehouse records for provenance.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from indicators import yaml_text

DEFAULT_CATALOGUE_PATH = Path(__file__).with_name("catalogue.yaml")
VERSION_LENGTH = 12

# The status columns of mart.area_status (contract.md), in dependency order.
STATUS_COLUMNS = ("udsat", "parallelsamfund", "omdannelsesomraade", "forebyggelsesomraade")

Comparison = Literal[">", ">=", "<", "<="]
Level = Literal["main", "forebyggelse"]
UPWARD = (">", ">=")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Measure(_Model):
    """A KÅS measure (maal) summed over an area's afdelinger."""

    label_da: str
    label_en: str
    unit: Literal["personer", "fuldtidspersoner", "kr.", "pct"]

    @property
    def whole(self) -> bool:
        """Persons are counted, never split: such sums must be whole numbers."""
        return self.unit == "personer"


class LocalMeasure(_Model):
    """A measure beyond the criteria (contract.md's second table), read from kaas/ or
    local/ for the local model (domain.md §7); no criterion uses it."""

    label_da: str
    label_en: str
    unit: Literal["personer", "fuldtidspersoner", "dage", "antal"]
    sources: list[Literal["dst", "police", "municipality", "housing_organisation"]] = Field(
        min_length=1)

    @property
    def whole(self) -> bool:
        """Persons, dwellings and evictions are counted, never split."""
        return self.unit in ("personer", "antal")


class Reference(_Model):
    """A national or regional reference value (reference/*.csv)."""

    scope: Literal["national", "regional"]
    label_da: str
    label_en: str
    unit: Literal["pct", "kr."]


class Threshold(_Model):
    """An inequality exactly as the law prints it.

    `value` is in percent, or, with `relative_to: national`, a multiple of the
    national average over the same data years.
    """

    comparison: Comparison
    value: Decimal = Field(ge=0)
    relative_to: Literal["national"] | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _no_binary_floats(cls, raw: object) -> object:
        # A YAML float such as 2.7 is already a binary approximation; read its
        # shortest decimal spelling, which is what the author wrote.
        return repr(raw) if isinstance(raw, float) else raw

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.value)

    @property
    def upward(self) -> bool:
        """Met by values above the threshold (`>`, `>=`)."""
        return self.comparison in UPWARD

    @property
    def strict(self) -> bool:
        return self.comparison in (">", "<")

    def contains(self, other: Threshold) -> bool:
        """Every value meeting `other` also meets this threshold."""
        if self.upward != other.upward or self.relative_to != other.relative_to:
            return False
        if self.value == other.value:
            return not (self.strict and not other.strict)
        return self.value < other.value if self.upward else self.value > other.value

    def text(self) -> str:
        """How the threshold reads in tables: '> 40 %', '>= 3 x national'."""
        if self.relative_to:
            return f"{self.comparison} {self.value} × landsgennemsnit"
        return f"{self.comparison} {self.value} %"


class Indicator(_Model):
    """An indicator and its default definition (a regime may override parts)."""

    label_da: str
    label_en: str
    age_band: str
    unit: Literal["pct"]
    kind: Literal["share", "income_relative_to_region"]
    numerator: list[str] = Field(min_length=1)
    denominator: str
    national_reference: str | None = None
    regional_reference: str | None = None
    data_year_lag: int = Field(ge=0)
    window: int = Field(ge=1, le=4)

    @model_validator(mode="after")
    def _reference_fits_kind(self) -> Indicator:
        if self.kind == "income_relative_to_region" and not self.regional_reference:
            raise ValueError("an income_relative_to_region indicator needs regional_reference")
        return self


class Criterion(_Model):
    """One criterion of a regime: an indicator, its thresholds and overrides."""

    numerator: list[str] | None = None
    window: int | None = Field(default=None, ge=1, le=4)
    data_year_lag: int | None = Field(default=None, ge=0)
    threshold: Threshold
    forebyggelse_threshold: Threshold | None = None

    @model_validator(mode="after")
    def _forebyggelse_is_laxer(self) -> Criterion:
        # The status evaluation relies on nesting: meeting the list threshold
        # implies meeting the forebyggelse threshold of the same criterion.
        fb = self.forebyggelse_threshold
        if fb is not None and not fb.contains(self.threshold):
            raise ValueError(
                f"forebyggelse_threshold {fb.text()} must be met by every value meeting "
                f"threshold {self.threshold.text()}"
            )
        return self

    def threshold_for(self, level: Level) -> Threshold | None:
        return self.threshold if level == "main" else self.forebyggelse_threshold

    @property
    def same_thresholds(self) -> bool:
        """Both levels cut at the same point (K3 from 2021: > 60 % for both)."""
        fb = self.forebyggelse_threshold
        return fb is None or fb == self.threshold


class Requirement(_Model):
    """At least `at_least` of the criteria in `of`, met at `level`."""

    at_least: int = Field(ge=1)
    of: list[str] = Field(min_length=1)
    level: Level = "main"

    @model_validator(mode="after")
    def _satisfiable(self) -> Requirement:
        if self.at_least > len(self.of):
            raise ValueError(f"at_least {self.at_least} exceeds the {len(self.of)} criteria")
        return self


class Lookback(_Model):
    """`status` held in each of the last `lists` lists (L-lists+1 .. L)."""

    status: str
    lists: int = Field(ge=1)


class StatusRule(_Model):
    label_da: str
    label_en: str
    all_of: list[Requirement] = Field(default_factory=list)
    requires: list[str] = Field(default_factory=list)
    excludes: list[str] = Field(default_factory=list)
    lookback: Lookback | None = None


class Regime(_Model):
    label_da: str
    label_en: str
    in_force_from: int
    in_force_to: int | None
    list_date: str
    resident_floor: int = Field(ge=1)
    criteria: dict[str, Criterion] = Field(min_length=1)
    counted: list[str] | None = None
    statuses: dict[str, StatusRule] = Field(min_length=1)

    @property
    def counted_criteria(self) -> list[str]:
        """The criteria `criteria_met` counts (contract: the four social ones from 2018)."""
        return list(self.criteria) if self.counted is None else self.counted

    @model_validator(mode="after")
    def _statuses_consistent(self) -> Regime:
        for criterion in self.counted or []:
            if criterion not in self.criteria:
                raise ValueError(f"counted criterion {criterion!r} is not a criterion")
        for name, rule in self.statuses.items():
            if name not in STATUS_COLUMNS:
                raise ValueError(f"status {name!r} is not one of {', '.join(STATUS_COLUMNS)}")
            for req in rule.all_of:
                for criterion in req.of:
                    if criterion not in self.criteria:
                        raise ValueError(f"status {name!r} uses undefined criterion {criterion!r}")
                    if self.criteria[criterion].threshold_for(req.level) is None:
                        raise ValueError(
                            f"status {name!r} needs a {req.level} threshold for {criterion!r}"
                        )
            for other in [*rule.requires, *rule.excludes]:
                if other not in self.statuses:
                    raise ValueError(f"status {name!r} refers to undefined status {other!r}")
            if rule.lookback is not None and rule.lookback.status not in rule.requires:
                raise ValueError(f"status {name!r} looks back at a status it does not require")
        self.status_order()  # raises on cycles
        return self

    def status_order(self) -> list[str]:
        """Statuses so that each comes after those it requires or excludes."""
        order: list[str] = []
        pending = dict(self.statuses)
        while pending:
            ready = [
                n for n, r in pending.items() if all(d in order for d in [*r.requires, *r.excludes])
            ]
            if not ready:
                raise ValueError(f"statuses refer to each other in a cycle: {sorted(pending)}")
            for name in sorted(ready, key=STATUS_COLUMNS.index):
                order.append(name)
                del pending[name]
        return order

    def in_force(self, year: int) -> bool:
        return self.in_force_from <= year and (self.in_force_to is None or year <= self.in_force_to)


class KombiRule(_Model):
    min_residents: int = Field(ge=1)
    threshold: Threshold


class KombineretUdlejning(_Model):
    """Almenboligloven § 51 b: its own list, the same under every regime."""

    label_da: str
    label_en: str
    indicator: str
    data_year_lag: int = Field(ge=0)
    window: int = Field(ge=1, le=4)
    resident_floor: int = Field(ge=1)
    rules: list[KombiRule] = Field(min_length=1)

    @model_validator(mode="after")
    def _rules_nest(self) -> KombineretUdlejning:
        # Bands of "how many thresholds are met" need one comparison, upward.
        comparisons = {r.threshold.comparison for r in self.rules}
        if len(comparisons) != 1 or not self.rules[0].threshold.upward:
            raise ValueError("kombineret_udlejning rules must share one upward comparison")
        if any(r.threshold.relative_to for r in self.rules):
            raise ValueError("kombineret_udlejning thresholds must be absolute")
        return self


Colour = Literal["red", "orange", "yellow"]
SIGNAL_CODES = ("status", "forebyggelse", "floor", "near", "projected", "survey", "local")


class SignalRule(_Model):
    colour: Colour


class StatusSignal(SignalRule):
    """The list statuses that make the `status` signal, the most severe first (the row
    names the most severe one the area holds)."""

    statuses: list[str] = Field(min_length=1)


class ForebyggelseSignal(SignalRule):
    """The status whose criteria met give one `forebyggelse` row each."""

    status: str


class FloorSignal(SignalRule):
    """Criteria hold but residents are below the floor, by at most this share of it."""

    margin_share: Decimal = Field(ge=0, lt=1)

    @field_validator("margin_share", mode="before")
    @classmethod
    def _exact(cls, raw: object) -> object:
        return repr(raw) if isinstance(raw, float) else raw


class NearSignal(SignalRule):
    """One criterion short of a status, the missing one within this many points."""

    margin_pp: Decimal = Field(ge=0)

    @field_validator("margin_pp", mode="before")
    @classmethod
    def _exact(cls, raw: object) -> object:
        return repr(raw) if isinstance(raw, float) else raw


class ProjectedSignal(SignalRule):
    """The trend projects a status within the next `lists` lists."""

    lists: int = Field(ge=1)


class SurveySignal(SignalRule):
    """A wave's `vs_rest` finding, for list years wave year .. wave year + lists_after_wave."""

    vs_rest: Literal["over", "under"]
    lists_after_wave: int = Field(ge=0)


class LocalSignal(_Model):
    """The local model's categories that signal (domain.md §6-7), each in its own colour,
    taken in list year L from data year L - data_year_lag."""

    categories: list[Colour] = Field(min_length=1)
    data_year_lag: int = Field(ge=0)


class Signals(_Model):
    """The overview's signal model (domain.md §6): colour and numbers of each rule."""

    severity: list[Colour] = Field(min_length=1)
    status: StatusSignal
    forebyggelse: ForebyggelseSignal
    floor: FloorSignal
    near: NearSignal
    projected: ProjectedSignal
    survey: SurveySignal
    local: LocalSignal

    @model_validator(mode="after")
    def _colours_ranked(self) -> Signals:
        if len(set(self.severity)) != len(self.severity):
            raise ValueError("signals.severity names a colour twice")
        for code in SIGNAL_CODES:
            rule = getattr(self, code, None)
            colours = rule.categories if isinstance(rule, LocalSignal) else [rule.colour]
            for colour in colours:
                if colour not in self.severity:
                    raise ValueError(f"signals.{code}: colour {colour!r} is not in severity")
        for status in [*self.status.statuses, self.forebyggelse.status]:
            if status not in STATUS_COLUMNS:
                raise ValueError(f"signals: {status!r} is not one of {', '.join(STATUS_COLUMNS)}")
        return self

    def colour(self, code: str) -> Colour:
        return getattr(self, code).colour


@dataclass(frozen=True)
class Definition:
    """How one indicator is computed under one regime (defaults plus overrides)."""

    indicator_id: str
    kind: str
    numerator: tuple[str, ...]
    denominator: str
    national_reference: str | None
    regional_reference: str | None
    data_year_lag: int
    window: int

    def data_year_offsets(self) -> list[int]:
        """Offsets k with data year L - k, the latest first."""
        return [self.data_year_lag + i for i in range(self.window)]


class Catalogue(_Model):
    schema_version: Literal[1]
    first_list_year: int
    measures: dict[str, Measure]
    local_measures: dict[str, LocalMeasure] = Field(default_factory=dict)
    references: dict[str, Reference]
    residents_measure: str
    indicators: dict[str, Indicator]
    regimes: dict[str, Regime]
    kombineret_udlejning: KombineretUdlejning
    signals: Signals
    version: str = "unversioned"

    @model_validator(mode="after")
    def _references_resolve(self) -> Catalogue:
        both = sorted(set(self.measures) & set(self.local_measures))
        if both:
            raise ValueError(f"local_measures {', '.join(both)} are also criteria measures")
        if self.residents_measure not in self.measures:
            raise ValueError(f"residents_measure {self.residents_measure!r} is not a measure")
        for ind_id, ind in self.indicators.items():
            for maal in [*ind.numerator, ind.denominator]:
                if maal not in self.measures:
                    raise ValueError(f"indicator {ind_id!r} uses unknown measure {maal!r}")
            for ref, scope in ((ind.national_reference, "national"),
                               (ind.regional_reference, "regional")):
                if ref is not None and (ref not in self.references
                                        or self.references[ref].scope != scope):
                    raise ValueError(f"indicator {ind_id!r}: {ref!r} is not a {scope} reference")
            if ind.kind == "income_relative_to_region" and ind.window > 2:
                raise ValueError(f"indicator {ind_id!r}: income windows beyond 2 years overflow")
        for regime_id, regime in self.regimes.items():
            self._check_regime(regime_id, regime)
        self._check_periods()
        if self.kombineret_udlejning.indicator not in self.indicators:
            raise ValueError("kombineret_udlejning.indicator is not an indicator")
        return self

    def _check_regime(self, regime_id: str, regime: Regime) -> None:
        if regime_id != str(regime.in_force_from):
            raise ValueError(f"regime key {regime_id!r} must be its in_force_from year")
        for ind_id, criterion in regime.criteria.items():
            if ind_id not in self.indicators:
                raise ValueError(f"regime {regime_id}: unknown indicator {ind_id!r}")
            for maal in criterion.numerator or []:
                if maal not in self.measures:
                    raise ValueError(f"regime {regime_id}: unknown measure {maal!r}")
            for threshold in (criterion.threshold, criterion.forebyggelse_threshold):
                if threshold is not None and threshold.relative_to == "national" and (
                    self.indicators[ind_id].national_reference is None
                ):
                    raise ValueError(
                        f"regime {regime_id}: {ind_id} is relative to a national average "
                        "it does not name (national_reference)"
                    )
        for name, rule in regime.statuses.items():
            if rule.lookback is None:
                continue
            for other_id, other in self.regimes.items():
                if rule.lookback.status not in other.statuses:
                    raise ValueError(
                        f"regime {regime_id}: {name} looks back at {rule.lookback.status!r}, "
                        f"which regime {other_id} does not define"
                    )

    def _check_periods(self) -> None:
        ordered = sorted(self.regimes.values(), key=lambda r: r.in_force_from)
        if ordered[0].in_force_from != self.first_list_year:
            raise ValueError("the first regime must come into force in first_list_year")
        for before, after in zip(ordered, ordered[1:], strict=False):
            if before.in_force_to is None or before.in_force_to + 1 != after.in_force_from:
                raise ValueError(
                    f"regimes {before.in_force_from} and {after.in_force_from} must follow "
                    "each other without gap or overlap"
                )
        if ordered[-1].in_force_to is not None:
            raise ValueError("the latest regime must be open-ended (in_force_to: null)")

    @cached_property
    def regime_ids(self) -> list[str]:
        return sorted(self.regimes, key=lambda r: self.regimes[r].in_force_from)

    def regime_in_force(self, year: int) -> str | None:
        """The regime whose rules applied to list year `year` (None before the first list)."""
        return next((r for r in self.regime_ids if self.regimes[r].in_force(year)), None)

    def regime_in_force_sql(self, year: str) -> str:
        """SQL CASE giving the regime in force in list year `year` (a column or
        expression), NULL before the first list; from the regimes' periods."""
        cases = " ".join(
            f"WHEN {year} >= {r.in_force_from}"
            + ("" if r.in_force_to is None else f" AND {year} <= {r.in_force_to}")
            + f" THEN '{regime_id}'"
            for regime_id, r in ((i, self.regimes[i]) for i in self.regime_ids))
        return f"(CASE {cases} END)"

    def definition(self, regime_id: str, indicator_id: str) -> Definition:
        indicator = self.indicators[indicator_id]
        criterion = self.regimes[regime_id].criteria[indicator_id]
        return Definition(
            indicator_id=indicator_id,
            kind=indicator.kind,
            numerator=tuple(criterion.numerator or indicator.numerator),
            denominator=indicator.denominator,
            national_reference=indicator.national_reference,
            regional_reference=indicator.regional_reference,
            data_year_lag=(
                indicator.data_year_lag
                if criterion.data_year_lag is None
                else criterion.data_year_lag
            ),
            window=indicator.window if criterion.window is None else criterion.window,
        )

    def kombi_definition(self) -> Definition:
        rule = self.kombineret_udlejning
        indicator = self.indicators[rule.indicator]
        return Definition(
            indicator_id=rule.indicator,
            kind=indicator.kind,
            numerator=tuple(indicator.numerator),
            denominator=indicator.denominator,
            national_reference=None,
            regional_reference=indicator.regional_reference,
            data_year_lag=rule.data_year_lag,
            window=rule.window,
        )

    def whole_measures(self) -> list[str]:
        return sorted(m for m, spec in self.all_measures().items() if spec.whole)

    def all_measures(self) -> dict[str, Measure | LocalMeasure]:
        """Every maal a delivery may carry: the criteria's and the local model's."""
        return {**self.measures, **self.local_measures}


def catalogue_version(path: Path | str | None = None) -> str:
    """SHA-256 prefix of the catalogue file: changes whenever any rule changes."""
    data = Path(path or DEFAULT_CATALOGUE_PATH).read_bytes()
    return hashlib.sha256(data).hexdigest()[:VERSION_LENGTH]


def load_catalogue(path: Path | str | None = None) -> Catalogue:
    """Read and validate the catalogue (the package's own file unless `path` is given)."""
    source = Path(path or DEFAULT_CATALOGUE_PATH)
    raw = yaml_text.safe_load(source.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError(f"{source}: the catalogue must be a YAML mapping")
    if "version" in raw:
        raise ValueError(f"{source}: 'version' is computed from the file, not written in it")
    return Catalogue.model_validate({**raw, "version": catalogue_version(source)})
