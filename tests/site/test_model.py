import polars as pl
import pytest

from indicators.catalogue import load_catalogue
from indicators.site.frames import FrameError
from indicators.site.messages import LANGUAGES, Messages
from indicators.site.model import AreaState, Signal, SiteData
from indicators.site.options import SiteOptions
from indicators.site.rules import rules
from indicators.site.signals import Words
from tests.site.conftest import synthetic_frames


@pytest.fixture(scope="module")
def data():
    return SiteData(synthetic_frames(), SiteOptions())


@pytest.mark.parametrize(("year", "regime"), [
    (2009, None), (2010, "2010"), (2012, "2010"), (2013, "2013"), (2017, "2013"),
    (2018, "2018"), (2020, "2018"), (2021, "2021"), (2030, "2021")])
def test_regime_in_force_comes_from_the_catalogue(year, regime):
    assert rules().regime_in_force(year) == regime


def test_rules_are_read_from_the_catalogue():
    r = rules()
    assert r.required("2013") == 3 and r.required("2021") == 2
    assert r.counted("2018") == ["k1_uden_tilknytning", "k2_domte", "k3_grundskole",
                                 "k4_indkomst"]
    assert r.statuses("2021") == ["omdannelsesomraade", "parallelsamfund", "udsat",
                                  "forebyggelsesomraade"]
    assert r.list_statuses("2010") == ["parallelsamfund"]
    assert r.below("k4_indkomst") and not r.below("k1_uden_tilknytning")
    assert r.rule_change_years == (2013, 2018, 2021)
    assert r.status_label("omdannelsesomraade", "2018") == "Hårdt ghettoområde"
    assert r.status_label("parallelsamfund", "2021", "en") == "Parallel society"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_indicator_status_and_regime_of_the_catalogue_has_words(lang, data):
    w = Words.load(lang, data)
    catalogue = load_catalogue()
    for indicator_id in catalogue.indicators:
        assert w.indicator_code(indicator_id).startswith("K")
        assert w.indicator_title(indicator_id)
        for regime in catalogue.regimes:
            assert w.comparison(indicator_id, regime) in (
                {"over", "mindst", "under", "højst"} if lang == "da"
                else {"over", "at least", "under", "at most"})
    for regime_id, regime in catalogue.regimes.items():
        assert regime_id in w.regime_label(regime_id)
        for status in regime.statuses:
            assert w.status_label(status, regime_id)
    for colour in w.colours:
        assert w.colour_label(colour) and w.colour_meaning(colour)


def test_colour_is_the_most_severe_signal(data):
    assert data.state("gl_jennumparken").colour == "red"
    assert data.state("hermann_stillingsvej").colour == "orange"   # floor
    assert data.state("aeblehaven").colour == "green"
    vangdalen = data.state("vangdalen", 2010)
    assert vangdalen.colour == "yellow" and vangdalen.signal_codes == ["survey"]
    assert data.state("vangdalen", 2011).colour == "yellow"


def test_grey_only_when_no_signal_and_a_list_status_is_unknown():
    frames = synthetic_frames()
    frames["area_signals"] = frames["area_signals"].filter(pl.col("area_id") != "energivej")
    frames["area_status"] = frames["area_status"].with_columns(
        pl.when((pl.col("area_id") == "energivej") & (pl.col("year") == 2024))
        .then(None).otherwise(pl.col("udsat")).alias("udsat"))
    data = SiteData(frames, SiteOptions())
    state = data.state("energivej")
    assert state.colour == "grey" and state.category == "ukendt"
    assert "K2" in Words.load("da", data).reasons(state)[0]
    # The same unknown status beside a decided signal: the signal's colour.
    assert SiteData(synthetic_frames(), SiteOptions()).state("energivej").colour == "yellow"


def test_what_if_reads_another_regime(data):
    in_force = data.state("glarbjergvej", 2015)
    what_if = data.state("glarbjergvej", 2015, "2021")
    assert (in_force.regime, in_force.required) == ("2013", 3)
    assert (what_if.regime, what_if.required) == ("2021", 2)
    assert what_if.signals == data.signals("glarbjergvej", 2015, "2021")


def test_a_missing_column_or_table_is_an_error_naming_it():
    frames = synthetic_frames()
    frames["status_changes"] = frames["status_changes"].rename({"list_year": "year"})
    with pytest.raises(FrameError, match=r"mart.status_changes lacks column\(s\) list_year"):
        SiteData(frames, SiteOptions())
    frames = synthetic_frames()
    del frames["area_signals"]
    with pytest.raises(FrameError, match="mart.area_signals is missing"):
        SiteData(frames, SiteOptions())


def test_an_indicator_the_catalogue_does_not_define_is_an_error():
    frames = synthetic_frames()
    frames["indicator_values"] = frames["indicator_values"].with_columns(
        pl.when(pl.col("indicator_id") == "k3_grundskole").then(pl.lit("k9_ny"))
        .otherwise(pl.col("indicator_id")).alias("indicator_id"))
    with pytest.raises(ValueError, match="k9_ny"):
        SiteData(frames, SiteOptions())


def test_changes_are_those_of_mart_status_changes(data):
    frames = synthetic_frames()
    frames["status_changes"] = pl.DataFrame(
        {"list_year": [2024], "area_id": ["vangdalen"], "status": ["udsat"],
         "change": ["gained"], "regime": ["2021"], "first_listing": [True]})
    mine = SiteData(frames, SiteOptions())
    assert [(c.status, c.change, c.regime) for c in mine.change("vangdalen").changes] == [
        ("udsat", "gained", "2021")]
    assert mine.change("glarbjergvej").changes == []
    assert ("parallelsamfund", "lost") in [(c.status, c.change)
                                  for c in data.change("glarbjergvej", 2018).changes]


def _state(signals, regime="2021"):
    return AreaState(area_id="x", year=2024, regime=regime, residents=1200, eligible=True,
                     statuses={}, kombineret_udlejning=False, criteria=[], criteria_met=1,
                     required=2, colour="yellow", headline=None, signals=signals,
                     counted_ids=rules().counted(regime))


def _signal(**kw):
    base = {"area_id": "x", "year": 2024, "regime": "2021", "signal": "near",
            "colour": "yellow", "indicator_id": None, "value": None, "threshold": None,
            "distance_pp": None, "wave_id": None, "projected_year": None}
    extra = tuple(kw.pop("extra", {}).items())
    return Signal(**{**base, **kw}, extra=extra)


def test_signal_words_show_decimals_that_subtract(data):
    near = _signal(indicator_id="k2_domte", value=2.61, threshold=2.88, distance_pp=-0.27,
                   extra={"status": "udsat"})
    da = Words.load("da", data).reasons(_state([near]))
    assert da == ["Ét kriterium fra udsat boligområde: K2 dømte: 2,61\u00a0% mod tærsklen "
                  "mindst 2,88\u00a0% (0,27\u00a0procentpoint fra)"]
    en = Words.load("en", data).reasons(_state([near]))
    assert en == ["One criterion short of vulnerable housing area: K2 convicted: 2.61% "
                  "against the threshold at least 2.88% (0.27\u00a0percentage points away)"]


def test_survey_signal_words_name_the_wave_and_the_rest(data):
    survey = _signal(signal="survey", indicator_id="evening_safety", value=36.0,
                     threshold=17.0, distance_pp=19.0, wave_id="2010")
    assert Words.load("da", data).reasons(_state([survey])) == [
        "Tryghed 2010: 36\u00a0% utrygge mod 17\u00a0% i resten af undersøgelsen"]


def test_messages_exist_for_every_signal_kind():
    from indicators.tables import SIGNAL_CODES
    for lang in LANGUAGES:
        msgs = Messages.load(lang)
        for code in SIGNAL_CODES:
            assert msgs.has(f"signals.kinds.{code}")


@pytest.mark.parametrize("name", ["area_afdelinger", "plan_effects", "local_categories",
                                  "signal_changes"])
def test_a_published_table_left_out_is_an_error_not_a_missing_section(name):
    frames = synthetic_frames()
    del frames[name]
    with pytest.raises(FrameError, match=rf"table mart\.{name} is missing"):
        SiteData(frames, SiteOptions())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_status_box_compares_with_the_whole_survey_only_when_its_share_is_known(lang):
    from indicators.site.status_box import latest_survey

    known = SiteData(synthetic_frames(), SiteOptions())
    frames = synthetic_frames()
    results = frames["survey_results"]
    # The whole survey's share of 2012 (Vangdalen's newest wave) unknown.
    frames["survey_results"] = results.with_columns(
        pl.when((pl.col("area_id") == "all") & (pl.col("wave_id") == "2012"))
        .then(None).otherwise(pl.col("share")).alias("share"))
    unknown = SiteData(frames, SiteOptions())
    with_whole = latest_survey(known, Words.load(lang, known), "vangdalen")
    without = latest_survey(unknown, Words.load(lang, unknown), "vangdalen")
    whole = {"da": "i hele undersøgelsen", "en": "in the whole survey"}[lang]
    unknown_word = {"da": "ukendt", "en": "unknown"}[lang]
    twenty = {"da": "20\u00a0%", "en": "20%"}[lang]
    assert whole in with_whole and twenty in with_whole
    assert whole not in without and unknown_word not in without and twenty not in without
    # The rest of the sentence stays: the wave, the area's share, the verdict, the answers.
    wave_and_share = with_whole[:with_whole.index("%") + 1]
    assert without.startswith(wave_and_share)
    assert with_whole.endswith(without[without.index(";"):])
