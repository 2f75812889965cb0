"""Distance, trend, projection and watch flags; status changes; official comparison."""

from __future__ import annotations

import math

import polars as pl
import pytest

from indicators.early_warning import (
    EarlyWarningConfig,
    compute_early_warning,
    compute_official_comparison,
    compute_status_changes,
    describe_criteria,
    watch_list,
    watch_signals,
)
from tests.indicators.builders import SUPPRESSED, Inputs, catalogue, met, neutral, one


def _warning(inputs: Inputs, config: EarlyWarningConfig | None = None) -> pl.DataFrame:
    values, statuses = inputs.run()
    return compute_early_warning(values, statuses, catalogue(), config)


def _row(warning: pl.DataFrame, indicator_id: str, level: str = "main",
         year: int = 2021) -> dict:
    return one(warning, area_id="a", year=year, indicator_id=indicator_id, level=level)


def _k1_rising() -> Inputs:
    # Annual K1 rates of 800: 2014..2020 = 24, 26, ..., 36 % (192, 208, ..., 288).
    # Two-year means by list year 2017..2021: 27, 29, 31, 33, 35 %: +2 pp a year.
    inputs = Inputs().member("a", "001-0001")
    for i, aar in enumerate(range(2014, 2022)):
        inputs.year("001-0001", aar, neutral(uden_tilknytning_18_64=192 + 16 * i))
    return inputs


def test_distance_is_signed_towards_the_met_side() -> None:
    # 2021: K1 35 % vs > 40 -> -5 pp; vs forebyggelse > 30 -> +5 pp.
    # K4 100 % vs < 55 -> -45 pp; K2 1 % vs >= 3 x 1 % -> -2 pp.
    warning = _warning(_k1_rising())
    assert _row(warning, "k1_uden_tilknytning")["distance_pp"] == pytest.approx(-5)
    assert _row(warning, "k1_uden_tilknytning", "forebyggelse")["distance_pp"] == pytest.approx(5)
    assert _row(warning, "k4_indkomst")["distance_pp"] == pytest.approx(-45)
    assert _row(warning, "k2_domte")["distance_pp"] == pytest.approx(-2)
    assert _row(warning, "k4_indkomst")["comparison"] == "<"


def test_linear_trend_and_first_projected_list_year() -> None:
    # Slope +2 pp a year, perfect fit (standard error 0).
    # From -5 pp: -3 (2022), -1 (2023), +1 (2024) -> crosses "> 40" in 2024.
    row = _row(_warning(_k1_rising()), "k1_uden_tilknytning")
    assert row["trend_pp_per_year"] == pytest.approx(2)
    assert row["distance_trend_pp_per_year"] == pytest.approx(2)
    assert row["trend_points"] == 5
    assert row["slope_se"] == pytest.approx(0, abs=1e-9)
    assert (row["projected_year"], row["projected_year_low"], row["projected_year_high"]) == (
        2024, 2024, 2024)
    # already met at the forebyggelse level and moving away from it: no crossing
    assert _row(_warning(_k1_rising()), "k1_uden_tilknytning", "forebyggelse")[
        "projected_year"] is None


def test_projection_landing_exactly_on_a_strict_threshold_is_not_a_crossing() -> None:
    # One person more each year: rates 25..37 % -> list values 28, 30, 32, 34, 36 %.
    # From -4 pp: -2 (2022), 0 (2023: exactly 40 %, "> 40" not met), +2 (2024).
    inputs = Inputs().member("a", "001-0001")
    for i, aar in enumerate(range(2014, 2022)):
        inputs.year("001-0001", aar, neutral(uden_tilknytning_18_64=200 + 16 * i))
    row = _row(_warning(inputs), "k1_uden_tilknytning")
    assert row["distance_pp"] == pytest.approx(-4)
    assert row["projected_year"] == 2024


def test_noisy_trend_gives_a_band_from_the_slope_standard_error() -> None:
    # K3 (data year L-1) for list years 2017..2021: 47, 51, 50, 53, 54 % of 500.
    # x = -4..0 (centred -2..2, sum of squares 10); mean 51; deviations -4, 0, -1, 2, 3.
    # slope = (8 + 0 + 0 + 2 + 6) / 10 = 1.6 pp a year.
    # fitted 47.8, 49.4, 51, 52.6, 54.2; residuals -0.8, 1.6, -1, 0.4, -0.2;
    # SSR = 0.64 + 2.56 + 1 + 0.16 + 0.04 = 4.4; s = sqrt(4.4 / 3); se = s / sqrt(10).
    se = math.sqrt(4.4 / 3) / math.sqrt(10)  # 0.38297
    # From -6 pp: slope 1.6 -> k > 3.75 -> 2025; 1.6 + se -> k > 3.03 -> 2025;
    # 1.6 - se = 1.217 -> k > 4.93 -> 2026.
    inputs = Inputs().member("a", "001-0001")
    for aar, count in zip(range(2016, 2022), (235, 255, 250, 265, 270, 270), strict=True):
        inputs.year("001-0001", aar, neutral(grundskole_30_59=count))
    warning = _warning(inputs)
    row = _row(warning, "k3_grundskole")
    assert row["trend_pp_per_year"] == pytest.approx(1.6)
    assert row["slope_se"] == pytest.approx(se)
    assert (row["projected_year"], row["projected_year_low"], row["projected_year_high"]) == (
        2025, 2025, 2026)
    # Two standard errors: 1.6 + 0.766 -> k > 2.54 -> 2024; 1.6 - 0.766 = 0.834 ->
    # k > 7.2, beyond the six-list horizon -> the late end is NULL.
    wide = _row(_warning(inputs, EarlyWarningConfig(band_width=2)), "k3_grundskole")
    assert (wide["projected_year"], wide["projected_year_low"], wide["projected_year_high"]) == (
        2025, 2024, None)


def test_too_few_known_years_give_no_trend() -> None:
    # Data from 2019: K3 known for list years 2020, 2021 only (2 < 3 points).
    inputs = Inputs().member("a", "001-0001").years("001-0001", range(2019, 2022), neutral())
    row = _row(_warning(inputs), "k3_grundskole")
    assert row["trend_points"] == 2
    assert row["trend_pp_per_year"] is None and row["projected_year"] is None


def _watch(inputs: Inputs) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(early warning, its watch signals with their numbers)."""
    values, statuses = inputs.run()
    warning = compute_early_warning(values, statuses, catalogue())
    return warning, watch_signals(describe_criteria(values, catalogue()), statuses, catalogue())


def test_watch_one_criterion_short_hermann_stillingsvej_2022() -> None:
    # 1,010 residents, K1 50 % (met), K2 18 / 900 = 2 % vs >= 3 % -> -1.0 pp.
    # One criterion short of udsat, within 3 pp. Nothing else is close.
    inputs = Inputs().member("a", "001-0001")
    inputs.years("001-0001", range(2016, 2023), met("k1", beboere=1010, domte_18plus=18))
    warning, reasons = _watch(inputs)
    row = one(watch_list(warning), area_id="a", year=2022)
    assert (row["watch"], row["watch_codes"]) == (True, ["near"])
    reason = one(reasons, area_id="a", year=2022)
    assert (reason["signal"], reason["status"], reason["indicator_id"], reason["level"]) == (
        "near", "udsat", "k2_domte", "main")
    assert (reason["value"], reason["threshold"]) == (pytest.approx(2), pytest.approx(3))
    assert reason["distance_pp"] == pytest.approx(-1)


def test_watch_below_the_resident_floor_hermann_stillingsvej_2023() -> None:
    # 990 residents (within 10 % below 1,000), K1 and K2 met: the criteria of udsat
    # hold but the area is below the floor.
    inputs = Inputs().member("a", "001-0001")
    inputs.years("001-0001", range(2016, 2024), met("k1", "k2", beboere=990))
    warning, reasons = _watch(inputs)
    assert one(watch_list(warning), area_id="a", year=2023)["watch_codes"] == ["floor"]
    reason = one(reasons, area_id="a", year=2023)
    assert (reason["signal"], reason["status"], reason["value"], reason["threshold"]) == (
        "floor", "udsat", 990, 1000)


def test_watch_projected_status_within_two_lists() -> None:
    # K1 rising 2 pp a year crosses in 2024 (see above); K3 met (70 %).
    # In 2022: K1 list values 37 %, projected 2024 -> udsat projected for 2024 = 2022 + 2.
    inputs = Inputs().member("a", "001-0001")
    for i, aar in enumerate(range(2014, 2023)):
        inputs.year("001-0001", aar, met("k3", uden_tilknytning_18_64=192 + 16 * i))
    warning, reasons = _watch(inputs)
    assert _row(warning, "k1_uden_tilknytning", year=2022)["projected_year"] == 2024
    assert "projected" in one(watch_list(warning), area_id="a", year=2022)["watch_codes"]
    projected = one(reasons, area_id="a", year=2022, signal="projected")
    assert (projected["status"], projected["projected_year"]) == ("udsat", 2024)
    # 2021: projected 2024 is three lists ahead -> not this reason
    assert "projected" not in one(watch_list(warning), area_id="a", year=2021)["watch_codes"]


def test_no_watch_when_far_from_everything() -> None:
    inputs = Inputs().member("a", "001-0001").years("001-0001", range(2014, 2022), neutral())
    warning, reasons = _watch(inputs)
    row = one(watch_list(warning), area_id="a", year=2021)
    assert (row["watch"], row["watch_codes"]) == (False, [])
    assert reasons.filter(pl.col("year") == 2021).is_empty()


def test_status_changes_gained_lost_and_unknown_steps() -> None:
    # K1 met throughout; K3 (data year L-1) 70 % in data years 2018, 2019 only:
    #   udsat 2018 F, 2019 T, 2020 T, 2021 F; 2022: K3 of 2021 suppressed -> NULL.
    inputs = Inputs().member("a", "001-0001")
    inputs.years("001-0001", range(2014, 2023), met("k1"))
    inputs.years("001-0001", range(2018, 2020), met("k1", "k3"))
    inputs.year("001-0001", 2021, met("k1", grundskole_30_59=SUPPRESSED))
    _, statuses = inputs.run()
    changes = compute_status_changes(statuses, catalogue()).filter(pl.col("status") == "udsat")
    assert changes.rows() == [
        (2019, "a", "udsat", "gained", "2018", True),
        (2021, "a", "udsat", "lost", "2021", False),
    ]


def test_status_changes_record_a_first_listing_with_nothing_decided_before() -> None:
    # K1 and K3 met from the start: udsat on the 2018 list, the first that defines it
    # (2017 under the 2013 rules has no udsat: NULL). Lost in 2021 (K3 of 2020 back to
    # 20 %), regained in 2022: a gain, but not the first listing.
    inputs = Inputs().member("a", "001-0001")
    inputs.years("001-0001", range(2014, 2020), met("k1", "k3"))
    inputs.year("001-0001", 2020, met("k1"))
    inputs.years("001-0001", range(2021, 2023), met("k1", "k3"))
    _, statuses = inputs.run()
    udsat = compute_status_changes(statuses, catalogue()).filter(pl.col("status") == "udsat")
    assert udsat.select("list_year", "change", "first_listing").rows() == [
        (2018, "first", True), (2021, "lost", False), (2022, "gained", False)]


def test_official_comparison() -> None:
    # Area a: udsat 2019, 2020 (as above, data to 2020); area b never udsat.
    inputs = Inputs().member("a", "001-0001").member("b", "002-0001")
    inputs.years("001-0001", range(2014, 2021), met("k1"))
    inputs.years("001-0001", range(2018, 2020), met("k1", "k3"))
    inputs.years("002-0001", range(2014, 2021), neutral())
    _, statuses = inputs.run()
    official = pl.DataFrame({
        "area_id": ["a", "a", "b", "c"],
        "year": [2019, 2020, 2020, 2020],
        "status": ["udsat"] * 4,
    })
    comparison = compute_official_comparison(statuses, official, catalogue())
    assert comparison.rows() == [
        ("a", 2019, "udsat", True, True, True),
        ("b", 2019, "udsat", False, False, True),
        ("a", 2020, "udsat", True, True, True),
        ("b", 2020, "udsat", True, False, False),
        ("c", 2020, "udsat", True, None, None),  # not an area we evaluate
    ]
