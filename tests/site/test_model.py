import polars as pl
import pytest

from indicators.site.model import SiteData, categorize
from indicators.site.options import SiteOptions
from indicators.site.vocabulary import regime_in_force, status_label
from tests.site.conftest import synthetic_frames


@pytest.mark.parametrize(("year", "regime"), [
    (2009, None), (2010, "2010"), (2012, "2010"), (2013, "2013"), (2017, "2013"),
    (2018, "2018"), (2020, "2018"), (2021, "2021"), (2030, "2021")])
def test_regime_in_force(year, regime):
    assert regime_in_force(year) == regime


def _s(udsat=False, parallel=False, omdannelse=False, forebyggelse=False):
    return {"udsat": udsat, "parallelsamfund": parallel, "omdannelsesomraade": omdannelse,
            "forebyggelsesomraade": forebyggelse}


def test_categories_under_2021_rules():
    assert categorize("2021", _s(udsat=True), 2, True, None) == ("roed", "Udsat boligområde")
    assert categorize("2021", _s(udsat=True, parallel=True, omdannelse=True), 3, True,
                      None)[1] == "Omdannelsesområde"
    assert categorize("2021", _s(forebyggelse=True), 1, True, None) == \
        ("orange", "Forebyggelsesområde")
    assert categorize("2021", _s(), 2, False, None)[0] == "orange"  # under 1,000 residents
    assert categorize("2021", _s(), 1, True, None)[0] == "orange"   # one criterion short
    assert categorize("2021", _s(), 0, True, True)[0] == "gul"      # early warning only
    assert categorize("2021", _s(), 0, True, False) == ("groen", "Ikke på listen")


def test_unknown_status_is_unknown_never_no():
    category, words = categorize("2021", _s(udsat=None, parallel=None), 1, True, None)
    assert category == "ukendt" and "Ukendt" in words
    category, words = categorize("2021", _s(forebyggelse=None), 0, True, None)
    assert category == "ukendt" and "ukendt" in words
    # Known to be on the list even when a later status is unknown.
    assert categorize("2021", _s(udsat=True, parallel=None), 2, True, None)[0] == "roed"


def test_older_regimes_name_the_ghetto_list_and_count_their_own_criteria():
    old = {"parallelsamfund": True}
    assert categorize("2013", old, 3, True, None) == ("roed", "Ghettoområde")
    assert categorize("2013", {"parallelsamfund": False}, 2, True, None)[0] == "orange"
    assert categorize("2013", {"parallelsamfund": False}, 1, True, None)[0] == "gul"
    assert categorize("2010", {"parallelsamfund": False}, 1, True, None)[0] == "orange"
    assert status_label("omdannelsesomraade", "2018") == "Hårdt ghettoområde"
    assert status_label("parallelsamfund", "2021") == "Parallelsamfund"


def test_site_data_reads_current_year_and_regime():
    data = SiteData(synthetic_frames(), SiteOptions())
    assert data.current_year == 2024 and data.previous_year == 2023
    assert data.current_regime == "2021"
    # Danish order: Æ, Ø, Aa after Z.
    names = [data.areas[a].name for a in data.area_order]
    assert names[-3:] == ["Æblehaven", "Østergård", "Aabyhøj Syd"]


def test_suppressed_criterion_is_unknown_and_named():
    data = SiteData(synthetic_frames(), SiteOptions())
    state = data.state("energivej")
    k2 = next(c for c in state.criteria if c.code == "K2")
    assert k2.value is None and k2.meets is None and k2.suppressed
    assert "K2 ukendt" in state.criteria_summary()
    assert any("K2 ukendt (diskretioneret)" in r for r in data.reasons(state))


def test_reasons_name_met_criteria_near_misses_and_small_population():
    data = SiteData(synthetic_frames(), SiteOptions())
    state = data.state("hermann_stillingsvej")
    reasons = " ".join(data.reasons(state))
    assert "Opfylder K1 46,0" in reasons
    assert "985 beboere" in reasons
    assert "Tæt på K4" in reasons


def test_early_warning_read_defensively():
    frames = synthetic_frames()
    frames["early_warning"] = pl.DataFrame({"area_id": ["vangdalen"], "year": [2024],
                                            "watch": [True]})
    data = SiteData(frames, SiteOptions())
    assert data.state("vangdalen").watch is True
    assert data.state("vangdalen").category == "gul"
    assert data.projections == {}
    del frames["early_warning"]
    data = SiteData(frames, SiteOptions())
    assert data.has_early_warning is False and data.state("vangdalen").watch is None


def test_changes_computed_without_status_changes_table():
    frames = synthetic_frames()
    status = frames["area_status"]
    # Vangdalen becomes udsat in 2024 in this variant.
    frames["area_status"] = status.with_columns(
        pl.when((pl.col("area_id") == "vangdalen") & (pl.col("year") == 2024)
                & (pl.col("regime") == "2021")).then(True).otherwise(pl.col("udsat"))
        .alias("udsat"))
    data = SiteData(frames, SiteOptions())
    change = data.change("vangdalen")
    assert change.gained == ["Udsat boligområde"]
    assert "Ny: Udsat boligområde" in change.text()
    assert data.change("aeblehaven").text() == "Uændret"


def test_changes_taken_from_status_changes_table_when_present():
    frames = synthetic_frames()
    frames["status_changes"] = pl.DataFrame({"year": [2024], "area_id": ["glarbjergvej"],
                                             "status": ["udsat"], "change": ["lost"]})
    data = SiteData(frames, SiteOptions())
    assert data.change("glarbjergvej").lost == ["Udsat boligområde"]
    assert data.change("vangdalen").gained == []


def test_survey_rows_of_one_area_are_that_areas_rows_of_the_item():
    frames = synthetic_frames()
    data = SiteData(frames, SiteOptions())
    survey = frames["survey_results"]
    for area_id in [*survey["area_id"].unique().to_list(), "nowhere"]:
        expected = survey.filter(item_id="evening_safety", area_id=area_id).to_dicts()
        rows = data.survey_rows("evening_safety", area_id)
        assert sorted((r["wave_id"], r["share"]) for r in rows) == sorted(
            (r["wave_id"], r["share"]) for r in expected)
    assert data.survey_rows("evening_safety", "vangdalen")
    assert data.survey_rows("evening_safety", "nowhere") == []
