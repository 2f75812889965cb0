"""mart.area_signals (domain.md §6): each rule and its boundaries on hand-built frames.

The frames are what the marts hold: area_status and indicator_values rows
written out here with their values, so each expected signal can be checked by
hand. Thresholds under the 2021 rules (K2 given as an absolute 3 %, i.e. a
national share of 1 %):
  main:          K1 > 40, K2 >= 3, K3 > 60, K4 < 55, K5 > 50
  forebyggelse:  K1 > 30, K2 >= 2, K3 > 60, K4 < 65, K5 > 30
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest

from indicators.catalogue import NearSignal
from indicators.signals import AREA_SIGNALS_SCHEMA, compute_area_signals
from indicators.survey.results import RESULTS_SCHEMA
from tests.indicators.builders import catalogue

K1, K2, K3, K4, K5 = ("k1_uden_tilknytning", "k2_domte", "k3_grundskole", "k4_indkomst",
                      "k5_ikkevestlige")
# indicator: (comparison, main threshold, forebyggelse threshold)
RULES_2021 = {K1: (">", 40.0, 30.0), K2: (">=", 3.0, 2.0), K3: (">", 60.0, 60.0),
              K4: ("<", 55.0, 65.0), K5: (">", 50.0, 30.0)}
NEUTRAL = {K1: 20.0, K2: 1.0, K3: 20.0, K4: 100.0, K5: 10.0}
STATUSES = ("udsat", "parallelsamfund", "omdannelsesomraade", "forebyggelsesomraade")


def _meets(comparison: str, value: float, threshold: float) -> bool:
    return {">": value > threshold, ">=": value >= threshold, "<": value < threshold}[
        comparison]


class Marts:
    """area_status, indicator_values and survey_results rows, 2021 rules unless said."""

    def __init__(self) -> None:
        self.status: list[dict] = []
        self.values: list[dict] = []
        self.survey: list[dict] = []

    def area(self, area_id: str, year: int, residents: int = 1200, regime: str = "2021",
             values: dict[str, float] | None = None, **statuses: bool) -> Marts:
        criteria = {**NEUTRAL, **(values or {})}
        self.status.append({
            "area_id": area_id, "year": year, "regime": regime, "residents": residents,
            "eligible": residents >= 1000, "criteria_met": 0,
            **{s: statuses.get(s, False) for s in STATUSES}, "kombineret_udlejning": False})
        for indicator_id, value in criteria.items():
            comparison, main, forebyggelse = RULES_2021[indicator_id]
            self.values.append({
                "area_id": area_id, "year": year, "regime": regime,
                "indicator_id": indicator_id, "value": value, "threshold": main,
                "meets_threshold": _meets(comparison, value, main),
                "forebyggelse_threshold": forebyggelse,
                "meets_forebyggelse_threshold": _meets(comparison, value, forebyggelse)})
        return self

    def years(self, area_id: str, years: range, **kw) -> Marts:
        for year in years:
            self.area(area_id, year, **kw)
        return self

    def wave(self, wave_id: str, year: int, areas: dict[str, tuple[int, int, str | None]],
             weighted_share: float | None = None) -> Marts:
        """areas: {area_id: (n_answers, n_positive, vs_rest)}; the `all` row sums them
        with a rest of 1,000 answers, 150 positive."""
        n_all = 1000 + sum(n for n, _, _ in areas.values())
        k_all = 150 + sum(k for _, k, _ in areas.values())
        rows = [("all", n_all, k_all, None)] + [(a, *v) for a, v in areas.items()]
        for area_id, n, k, vs_rest in rows:
            share = 100.0 * k / n if weighted_share is None else weighted_share
            self.survey.append({
                "wave_id": wave_id, "year": year, "area_id": area_id,
                "item_id": "evening_safety", "n_answers": n, "n_positive": k, "share": share,
                "ci_low": None, "ci_high": None, "vs_rest": vs_rest, "suppressed": False})
        return self

    def signals(self, cat=None) -> pl.DataFrame:
        status = pl.DataFrame(self.status).with_columns(
            pl.col("year").cast(pl.Int32), pl.col("criteria_met").cast(pl.Int32))
        values = pl.DataFrame(self.values).with_columns(pl.col("year").cast(pl.Int32))
        survey = pl.DataFrame(self.survey, schema=RESULTS_SCHEMA)
        return compute_area_signals(status, values, survey, cat or catalogue())


def _rows(signals: pl.DataFrame, **key: object) -> list[dict]:
    return signals.filter(*[pl.col(k) == v for k, v in key.items()]).to_dicts()


def test_the_table_has_the_published_columns() -> None:
    signals = Marts().area("a", 2021, udsat=True).signals()
    assert dict(signals.schema) == AREA_SIGNALS_SCHEMA


def test_status_names_the_most_severe_status_held_in_red() -> None:
    signals = (Marts().area("a", 2021, udsat=True)
               .area("b", 2021, udsat=True, parallelsamfund=True, omdannelsesomraade=True)
               .area("c", 2021).signals())
    assert [(r["area_id"], r["status"], r["colour"]) for r in _rows(signals, signal="status")] == [
        ("a", "udsat", "red"), ("b", "omdannelsesomraade", "red")]
    assert _rows(signals, area_id="c") == []


def test_the_ghetto_list_of_2010_to_2017_is_a_status_signal() -> None:
    signals = Marts().area("a", 2015, regime="2013", parallelsamfund=True).signals()
    assert [(r["regime"], r["signal"], r["status"]) for r in signals.to_dicts()] == [
        ("2013", "status", "parallelsamfund")]


def test_forebyggelse_one_orange_row_per_criterion_met_at_its_level() -> None:
    # K1 35 > 30, K4 60 < 65, K5 40 > 30 met at the forebyggelse level; K2, K3 not.
    signals = Marts().area("a", 2022, forebyggelsesomraade=True,
                           values={K1: 35.0, K4: 60.0, K5: 40.0}).signals()
    rows = _rows(signals, signal="forebyggelse")
    assert [(r["indicator_id"], r["threshold"], r["colour"], r["status"]) for r in rows] == [
        (K1, 30.0, "orange", "forebyggelsesomraade"),
        (K4, 65.0, "orange", "forebyggelsesomraade"),
        (K5, 30.0, "orange", "forebyggelsesomraade")]
    assert [r["distance_pp"] for r in rows] == [pytest.approx(5), pytest.approx(5),
                                                pytest.approx(10)]


@pytest.mark.parametrize(("residents", "floor_row"), [(900, True), (899, False), (999, True)])
def test_floor_criteria_hold_with_residents_from_900_below_1000(residents: int,
                                                               floor_row: bool) -> None:
    signals = Marts().area("a", 2023, residents=residents,
                           values={K1: 45.0, K2: 3.0}).signals()
    floor = _rows(signals, signal="floor")
    if floor_row:
        assert [(r["status"], r["value"], r["threshold"], r["colour"]) for r in floor] == [
            ("udsat", residents, 1000.0, "orange")]
    else:
        assert floor == []


def test_no_floor_signal_when_the_criteria_do_not_hold() -> None:
    signals = Marts().area("a", 2023, residents=950, values={K1: 45.0}).signals()
    assert _rows(signals, signal="floor") == []


@pytest.mark.parametrize(("k3", "near"), [(57.0, True), (56.99, False), (60.0, True)])
def test_near_one_criterion_short_within_3_pp(k3: float, near: bool) -> None:
    # K1 met; K3 at 57.0 % is exactly 3.0 pp below "> 60": near. At 60.0 % exactly it
    # is not met ("> 60") and 0 pp away: near too.
    signals = Marts().area("a", 2022, values={K1: 45.0, K3: k3}).signals()
    rows = _rows(signals, signal="near", status="udsat", indicator_id=K3)
    if near:
        assert [(r["indicator_id"], r["value"], r["threshold"], r["colour"]) for r in rows] == [
            (K3, k3, 60.0, "yellow")]
        assert rows[0]["distance_pp"] == pytest.approx(k3 - 60.0)
    else:
        assert rows == []


def test_near_a_downward_criterion_exactly_3_pp_away() -> None:
    # K4 "< 55": 58.0 % is 3.0 pp on the wrong side.
    signals = Marts().area("a", 2022, values={K1: 45.0, K4: 58.0}).signals()
    assert [r["distance_pp"] for r in _rows(signals, signal="near", indicator_id=K4)] == [
        pytest.approx(-3)]


def test_near_at_the_forebyggelse_level() -> None:
    # K5 40 and K1 35 meet the forebyggelse thresholds; K4 67.9 misses "< 65" by 2.9 pp.
    signals = Marts().area("a", 2022, values={K1: 35.0, K4: 67.9, K5: 40.0}).signals()
    rows = _rows(signals, signal="near", status="forebyggelsesomraade", indicator_id=K4)
    assert [r["threshold"] for r in rows] == [65.0]
    assert rows[0]["distance_pp"] == pytest.approx(-2.9)


def test_k2_is_within_3_pp_whenever_its_threshold_is_below_3_percent() -> None:
    # The rule as written (domain.md §6): K2's threshold (3 x a national share of 1 %)
    # is 3 %, so with one other criterion met, any K2 value makes the area near udsat.
    signals = Marts().area("a", 2022, values={K1: 45.0, K2: 0.0}).signals()
    assert [r["distance_pp"] for r in _rows(signals, signal="near", indicator_id=K2)] == [
        pytest.approx(-3)]


def test_not_near_two_criteria_short() -> None:
    signals = Marts().area("a", 2022, values={K3: 59.0, K4: 56.0}).signals()
    assert _rows(signals, signal="near", status="udsat") == []


def test_not_near_below_the_resident_floor() -> None:
    signals = Marts().area("a", 2022, residents=950, values={K1: 45.0, K3: 59.0}).signals()
    assert _rows(signals, signal="near") == []


def test_projected_status_within_the_next_two_lists() -> None:
    # K3 met throughout; K1 rises 2 pp a year: 25 % (2016) .. 37 % (2022).
    # 2022: -3 pp, then -1 (2023), +1 (2024): udsat projected for 2024 = 2022 + 2.
    # 2021: -5 pp, crossing in 2024 = 2021 + 3: too far ahead.
    marts = Marts()
    for i, year in enumerate(range(2016, 2023)):
        marts.area("a", year, values={K1: 25.0 + 2 * i, K3: 70.0})
    signals = marts.signals()
    rows = _rows(signals, signal="projected", status="udsat")
    assert [(r["year"], r["projected_year"], r["colour"]) for r in rows] == [
        (2022, 2024, "yellow")]


def test_no_projected_signal_for_a_status_already_held() -> None:
    marts = Marts()
    for i, year in enumerate(range(2016, 2023)):
        marts.area("a", year, values={K1: 41.0 + 2 * i, K3: 70.0}, udsat=True)
    assert _rows(marts.signals(), signal="projected", status="udsat") == []


def _survey_years(signals: pl.DataFrame, area: str = "v") -> list[tuple[int, str]]:
    return [(r["year"], r["wave_id"]) for r in _rows(signals, signal="survey", area_id=area)]


def test_survey_signal_for_the_wave_year_and_three_lists_after() -> None:
    # 2010 wave: v 45 of 125 = 36 % against the rest 150 of 1,000 = 15 %: over.
    signals = (Marts().years("v", range(2009, 2016))
               .wave("w2010", 2010, {"v": (125, 45, "over")}).signals())
    assert _survey_years(signals) == [(y, "w2010") for y in (2010, 2011, 2012, 2013)]
    row = _rows(signals, signal="survey", year=2010)[0]
    assert (row["indicator_id"], row["colour"], row["status"]) == (
        "evening_safety", "yellow", None)
    assert (row["value"], row["threshold"]) == (pytest.approx(36), pytest.approx(15))
    assert row["distance_pp"] == pytest.approx(21)


def test_a_newer_wave_covering_the_area_decides() -> None:
    # 2012 wave finds no difference: the 2010 finding stops at the 2011 list.
    signals = (Marts().years("v", range(2010, 2016))
               .wave("w2010", 2010, {"v": (125, 45, "over")})
               .wave("w2012", 2012, {"v": (150, 25, "ingen forskel")}).signals())
    assert _survey_years(signals) == [(2010, "w2010"), (2011, "w2010")]


def test_a_newer_wave_over_again_carries_the_signal_on() -> None:
    signals = (Marts().years("v", range(2010, 2018))
               .wave("w2010", 2010, {"v": (125, 45, "over")})
               .wave("w2012", 2012, {"v": (150, 41, "over")}).signals())
    assert _survey_years(signals) == [(2010, "w2010"), (2011, "w2010"), *[
        (y, "w2012") for y in range(2012, 2016)]]


def test_a_wave_without_a_finding_for_the_area_does_not_decide() -> None:
    # Suppressed in 2012 (vs_rest NULL) or not in the 2012 wave at all: 2010 holds.
    signals = (Marts().years("v", range(2010, 2016)).years("u", range(2010, 2016))
               .wave("w2010", 2010, {"v": (125, 45, "over"), "u": (125, 45, "over")})
               .wave("w2012", 2012, {"v": (7, 3, None), "x": (150, 20, "ingen forskel")})
               .signals())
    assert _survey_years(signals, "v") == [(y, "w2010") for y in range(2010, 2014)]
    assert _survey_years(signals, "u") == [(y, "w2010") for y in range(2010, 2014)]


def test_survey_signal_is_on_every_regime_and_none_for_under() -> None:
    signals = (Marts().area("v", 2011).area("v", 2011, regime="2013").area("w", 2011)
               .wave("w2010", 2010, {"v": (125, 45, "over"), "w": (125, 5, "under")})
               .signals())
    assert [r["regime"] for r in _rows(signals, signal="survey", area_id="v")] == [
        "2013", "2021"]
    assert _rows(signals, area_id="w") == []


def test_a_weighted_wave_has_no_rest_share_to_recompute() -> None:
    signals = (Marts().area("v", 2010)
               .wave("w2010", 2010, {"v": (125, 45, "over")}, weighted_share=33.3).signals())
    row = _rows(signals, signal="survey")[0]
    assert (row["value"], row["threshold"], row["distance_pp"]) == (33.3, None, None)


def test_colours_and_margins_come_from_the_catalogue() -> None:
    # K3 55 % is 5 pp short: near only with a 5 pp margin, and orange if so configured.
    base = catalogue()
    wider = base.model_copy(update={"signals": base.signals.model_copy(update={
        "near": NearSignal(colour="orange", margin_pp=Decimal("5"))})})
    marts = Marts().area("a", 2022, values={K1: 45.0, K3: 55.0})
    assert _rows(marts.signals(), signal="near", indicator_id=K3) == []
    assert [r["colour"] for r in _rows(marts.signals(wider), signal="near",
                                       indicator_id=K3)] == ["orange"]


def test_rows_are_ordered_most_severe_first_and_local_gives_none_yet() -> None:
    signals = (Marts().area("a", 2023, residents=950, values={K1: 45.0, K2: 3.0, K3: 58.0})
               .wave("w2023", 2023, {"a": (60, 30, "over")}).signals())
    assert [r["colour"] for r in signals.to_dicts()] == sorted(
        (r["colour"] for r in signals.to_dicts()), key=["red", "orange", "yellow"].index)
    assert set(signals.get_column("signal")) == {"floor", "survey"}
    assert _rows(signals, signal="local") == []


def test_rows_are_unique_by_signal_status_criterion_and_wave() -> None:
    # No key is declared (its fields may be NULL), so the grain is checked here:
    # near K1 for udsat and for parallelsamfund are two rows, told apart by status.
    signals = (Marts().area("a", 2022, values={K3: 70.0, K5: 60.0, K1: 39.0})
               .wave("w2020", 2020, {"a": (60, 30, "over")}).signals())
    grain = ["area_id", "year", "regime", "signal", "status", "indicator_id", "wave_id"]
    assert signals.select(grain).is_duplicated().sum() == 0
    assert {(r["status"], r["indicator_id"]) for r in _rows(signals, signal="near")} >= {
        ("udsat", K1), ("parallelsamfund", K1)}
