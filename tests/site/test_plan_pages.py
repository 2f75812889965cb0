"""Plan pages (site/indsats/<plan>.html, both languages): the effect in plain words with its
interval, "too few comparison areas" without one, the twins named and linked, the chart
drawn from mart.plan_series, moves or the plain statement that they are not delivered;
the plan index in the navigation and the area page's plan section.

Synthetic frames: the site tests' tables (tests/site/conftest.py) plus plan tables built
here from the published schemas. End to end: the refreshed sample (`sample_home`) and one
headless Chromium at 390 px.
"""

from __future__ import annotations

import html
import json
import re
import time
from pathlib import Path

import polars as pl
import pytest

from indicators import tables
from indicators.site.build import build_site
from indicators.site.messages import Messages
from indicators.site.plan_page import effect_sentence, short_effect
from tests.site.conftest import synthetic_frames, synthetic_refresh

NBSP = "\u00a0"
PLAN = "test_plan_2015"
TWINS = ["hermann_stillingsvej", "energivej", "aeblehaven", "aabyhoej", "oestergaard"]


def _frame(name: str, rows: list[dict]) -> pl.DataFrame:
    """A frame with exactly the published table's columns, in order."""
    columns = tables.by_name(name).column_names()
    if not rows:
        return pl.DataFrame({c: [] for c in columns}).select(columns)
    return pl.DataFrame([{c: r.get(c) for c in columns} for r in rows],
                        infer_schema_length=None).select(columns)


def _effect(area, comparison, **kw) -> dict:
    row = {"plan_id": PLAN, "area_id": area, "indicator_id": "k1_uden_tilknytning",
           "comparison": comparison, "pre_period": "2012-2014", "post_period": "2016-2018",
           "pre_value": 40.0, "post_value": 38.0, "change": -2.0,
           "comparison_change": 1.14, "n_comparison": 6, "effect": -3.14, "ci_low": -5.04,
           "ci_high": -1.23, "placebo_p": 0.142857, "comparison_areas": None}
    row.update(kw)
    return row


def plan_frames(moves_delivered: bool = True) -> dict[str, pl.DataFrame]:
    plans = [{"plan_id": PLAN, "plan_name": "Testplanen 2015–2018", "area_id": a,
              "start_year": s, "end_year": 2018}
             for a, s in (("gl_jennumparken", 2015), ("vangdalen", 2016))]
    effects = [
        _effect("gl_jennumparken", "all"),
        _effect("gl_jennumparken", "twins", n_comparison=5, comparison_change=1.0,
                effect=-3.0, ci_low=-6.21, ci_high=0.21, placebo_p=0.5,
                comparison_areas=TWINS),
        # Three comparison areas: an effect, no interval.
        _effect("vangdalen", "all", pre_period="2013-2015", post_period="2017-2018",
                n_comparison=3, effect=0.52, change=1.0, comparison_change=0.48,
                ci_low=None, ci_high=None, placebo_p=None),
        _effect("vangdalen", "twins", pre_period="2013-2015", post_period="2017-2018",
                n_comparison=3, effect=0.52, change=1.0, comparison_change=0.48,
                ci_low=None, ci_high=None, placebo_p=None,
                comparison_areas=["energivej", "aabyhoej", "oestergaard"]),
        _effect("vangdalen", "rest_of_wave", indicator_id="evening_safety",
                pre_period="2015", post_period="2018", pre_value=36.0, post_value=27.3,
                change=-8.7, comparison_change=2.6, n_comparison=490, effect=-11.28,
                ci_low=-22.99, ci_high=0.42, placebo_p=None),
    ]
    series = []
    for area, start in (("gl_jennumparken", 2015), ("vangdalen", 2016)):
        for year in range(start - 3, 2019):
            series.append({"plan_id": PLAN, "area_id": area,
                           "indicator_id": "k1_uden_tilknytning", "year": year,
                           "value": 40.0 + (year - start) * 0.1,
                           "relative": round(-0.5 * max(0, year - start), 2),
                           "comparison_relative": round(0.25 * max(0, year - start), 2),
                           "n_comparison": 6})
    moves = [{"plan_id": PLAN, "area_id": "gl_jennumparken", "year": y, "residents": 1200.0,
              "moved_in": 150.0 if moves_delivered else None,
              "moved_out": 180.0 if moves_delivered else None}
             for y in range(2012, 2019)]
    return {"plans": _frame("plans", plans), "plan_effects": _frame("plan_effects", effects),
            "plan_series": _frame("plan_series", series),
            "plan_moves": _frame("plan_moves", moves)}


@pytest.fixture(scope="module")
def plan_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("plans") / "site"
    build_site({**synthetic_frames(), **plan_frames()}, synthetic_refresh(), out)
    return out


def _text(path: Path) -> str:
    """The page's visible text, one space between words."""
    page = path.read_text(encoding="utf-8")
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    # Not str.split(): it would take the no-break space of "3,1 procentpoint" for a space.
    return html.unescape(re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", page))).strip()


# --- the sentences ---------------------------------------------------------------


def test_effect_sentence_words_and_numbers_in_both_languages():
    row = _effect("gl_jennumparken", "all")
    assert effect_sentence(Messages.load("da"), "K1", row, "all") == (
        f"K1 faldt 3,1{NBSP}procentpoint mere end i sammenligningsområderne "
        "(95 %-interval −5,0 til −1,2).")
    assert effect_sentence(Messages.load("en"), "K1", row, "all") == (
        f"K1 fell 3.1{NBSP}percentage points more than in the comparison areas "
        "(95 % interval −5.0 to −1.2).")
    rose = dict(row, effect=2.26, ci_low=0.4, ci_high=4.12)
    assert effect_sentence(Messages.load("da"), "K3", rose, "twins") == (
        f"K3 steg 2,3{NBSP}procentpoint mere end i tvillingeområderne "
        "(95 %-interval 0,4 til 4,1).")


def test_too_few_comparison_areas_gives_no_interval():
    row = _effect("vangdalen", "all", n_comparison=3, effect=0.52, ci_low=None,
                  ci_high=None)
    da = effect_sentence(Messages.load("da"), "K1", row, "all")
    assert da == (f"K1 steg 0,5{NBSP}procentpoint mere end i sammenligningsområderne – "
                  "for få sammenligningsområder (3) til et 95 %-interval.")
    en = effect_sentence(Messages.load("en"), "K1", row, "all")
    assert "too few comparison areas (3)" in en and "to −" not in en
    assert short_effect(Messages.load("da"), "k1_uden_tilknytning", row) == (
        f"K1 +0,5{NBSP}procentpoint (for få sammenligningsområder)")


def test_an_unknown_effect_says_why():
    row = _effect("vangdalen", "all", effect=None, change=None, ci_low=None, ci_high=None,
                  post_period="2012")
    text = effect_sentence(Messages.load("da"), "K1", row, "all")
    assert text.startswith("K1: effekten kan ikke beregnes")
    assert "under 2 kendte år" in text


def test_the_estimators_numbers_are_the_estimators(monkeypatch, plan_site):
    """The words state the estimator's own window, minimum and twin count
    (indicators/effects.py), not numbers typed again in the message catalogue."""
    from indicators import effects
    from indicators.site import plan_page

    assert plan_page.ESTIMATOR == {
        "pre_years": effects.PRE_YEARS, "min_comparison": effects.MIN_COMPARISON,
        "twins": effects.TWINS, "min_years": effects.MIN_WINDOW_YEARS}
    da = _text(plan_site / "indsats" / f"{PLAN}.html")
    assert f"i de {effects.PRE_YEARS} år før starten" in da
    assert f"Med under {effects.MIN_COMPARISON} sammenligningsområder vises intet interval" in da
    monkeypatch.setitem(plan_page.ESTIMATOR, "min_years", 4)
    row = _effect("vangdalen", "all", effect=None, change=None, ci_low=None, ci_high=None,
                  post_period="2012")
    assert "under 4 kendte år" in effect_sentence(Messages.load("da"), "K1", row, "all")
    assert "fewer than 4 known years" in effect_sentence(Messages.load("en"), "K1", row, "all")


def test_a_difference_that_rounds_to_nothing_is_said_as_such():
    row = _effect("gl_jennumparken", "all", effect=-0.04, ci_low=-0.2, ci_high=0.12)
    assert effect_sentence(Messages.load("da"), "K2", row, "all") == (
        "K2 udviklede sig som i sammenligningsområderne (95 %-interval −0,2 til 0,1).")


# --- the built pages --------------------------------------------------------------


def test_plan_page_in_both_languages_with_effect_interval_and_too_few(plan_site):
    da = _text(plan_site / "indsats" / f"{PLAN}.html")
    en = _text(plan_site / "en" / "indsats" / f"{PLAN}.html")
    assert "Testplanen 2015–2018" in da
    assert (f"K1 faldt 3,1{NBSP}procentpoint mere end i sammenligningsområderne "
            "(95 %-interval −5,0 til −1,2)") in da
    # The twins are 5 of the 6: their own sentence, with their interval.
    assert (f"K1 faldt 3,0{NBSP}procentpoint mere end i tvillingeområderne "
            "(95 %-interval −6,2 til 0,2)") in da
    assert "for få sammenligningsområder (3)" in da
    assert "Placebo-p: 0,14" in da
    assert "fra 2012–2014 til 2016–2018" in da
    assert (f"K1 fell 3.1{NBSP}percentage points more than in the comparison areas "
            "(95 % interval −5.0 to −1.2)") in en
    assert "too few comparison areas (3)" in en
    # The caveats stand where the numbers are.
    assert "En effekt er ikke bevis for, at planen gjorde forskellen" in da
    assert "regression" not in da  # said in plain words
    assert "ekstreme værdier nærmer sig ofte gennemsnittet af sig selv" in da
    assert "An effect is not proof that the plan made the difference" in en
    # The survey effect, waves by year.
    assert (f"Andelen utrygge om aftenen faldt 11,3{NBSP}procentpoint mere end i resten af "
            "undersøgelsen (95 %-interval −23,0 til 0,4)") in da


def test_twins_are_named_and_linked_to_their_area_pages(plan_site):
    page = (plan_site / "indsats" / f"{PLAN}.html").read_text(encoding="utf-8")
    for area in TWINS:
        link = f'<a href="../omraade/{area}.html" data-area="{area}">'
        assert link in page
        assert (plan_site / "omraade" / f"{area}.html").is_file()
    assert 'data-area="gl_jennumparken"' in page and 'data-area="vangdalen"' in page


def test_chart_is_the_published_series_with_start_and_end_marked(plan_site):
    page = (plan_site / "indsats" / f"{PLAN}.html").read_text(encoding="utf-8")
    chart = re.search(r'<script type="application/json" id="plan-k1_uden_tilknytning-data">'
                      r"(.*?)</script>", page, re.S)
    figure = json.loads(chart.group(1))
    lines = {t["name"]: t for t in figure["data"]}
    own = lines["Gl. Jennumparken"]
    assert own["x"] == list(range(2012, 2019))
    assert own["y"] == [0.0, 0.0, 0.0, 0.0, -0.5, -1.0, -1.5]
    # Two windows (starts 2015 and 2016): a comparison line for each.
    assert {n for n in lines if n.startswith("Sammenligningsområder for")} == {
        "Sammenligningsområder for Gl. Jennumparken", "Sammenligningsområder for Vangdalen"}
    marks = {a["text"]: a["x"] for a in figure["layout"]["annotations"]}
    assert marks == {"Start 2015": 2015, "Start 2016": 2016, "Slut 2018": 2018}
    assert figure["layout"]["separators"] == ",."
    csv = (plan_site / "indsats" / f"{PLAN}_graf_k1_uden_tilknytning.csv").read_text(
        encoding="utf-8-sig")
    assert "Gl. Jennumparken" in csv and "-1,5" in csv


def test_moves_and_turnover_beside_the_effect(plan_site):
    da = _text(plan_site / "indsats" / f"{PLAN}.html")
    assert "Flytninger og beboerudskiftning" in da
    # 180 moved out of 1.200 residents: 15,0 %.
    row = re.search(r"Gl\. Jennumparken 2016 150 180 15,0\s?%", da.replace(NBSP, " "))
    assert row, "the moves table shows moved in, moved out and turnover"


def test_moves_not_delivered_are_said_plainly(tmp_path):
    out = tmp_path / "site"
    build_site({**synthetic_frames(), **plan_frames(moves_delivered=False)},
               synthetic_refresh(), out)
    da = _text(out / "indsats" / f"{PLAN}.html")
    en = _text(out / "en" / "indsats" / f"{PLAN}.html")
    assert "Flytninger er ikke leveret i data" in da
    assert "Moves are not delivered in the data" in en
    assert not list((out / "indsats").glob("*flytninger*"))


def test_index_in_navigation_and_area_page_links_its_plans(plan_site):
    overview = (plan_site / "index.html").read_text(encoding="utf-8")
    assert '<a href="indsats/index.html">Indsatser</a>' in overview
    english = (plan_site / "en" / "index.html").read_text(encoding="utf-8")
    assert '<a href="indsats/index.html">Plans</a>' in english
    index = _text(plan_site / "indsats" / "index.html")
    assert "Testplanen 2015–2018" in index and "Gl. Jennumparken og Vangdalen" in index
    area = (plan_site / "omraade" / "gl_jennumparken.html").read_text(encoding="utf-8")
    assert f'<a href="../indsats/{PLAN}.html">Testplanen 2015–2018</a>' in area
    assert (f"K1 −3,1{NBSP}procentpoint (95 %-interval −5,0 til −1,2)") in _text(
        plan_site / "omraade" / "gl_jennumparken.html")
    # An area without a plan has no plan section.
    assert "Indsatser i området" not in _text(plan_site / "omraade" / "aeblehaven.html")


def test_without_plan_tables_the_index_says_so(tmp_path):
    out = tmp_path / "site"
    build_site(synthetic_frames(), synthetic_refresh(), out)
    assert "Der er ingen planer i data" in _text(out / "indsats" / "index.html")
    assert [p.name for p in (out / "indsats").glob("*.html")] == ["index.html"]


# --- the refreshed sample -----------------------------------------------------------


@pytest.mark.e2e
def test_sample_has_a_page_for_every_plan_with_its_evaluation(sample_home):
    site = sample_home / "site"
    plans_csv = Path(__file__).resolve().parents[2] / "data" / "sample" / "areas" / "plans.csv"
    plan_ids = {line.split(";")[0] for line in plans_csv.read_text(
        encoding="utf-8-sig").splitlines()[1:] if line.strip()}
    assert len(plan_ids) == 4
    for plan_id in plan_ids:
        for root in (site, site / "en"):
            assert (root / "indsats" / f"{plan_id}.html").is_file(), (root, plan_id)
    nordby = _text(site / "indsats" / "nordby_2009_2013.html")
    # The Nordby plan has 5 comparison areas: intervals, in Danish numbers.
    assert re.search(r"K1 (faldt|steg) \d+,\d procentpoint mere end i "
                     r"sammenligningsområderne \(95 %-interval −?\d+,\d til −?\d+,\d\)",
                     nordby.replace(NBSP, " "))
    # The 2021–25 plan leaves 3 areas to compare with.
    assert "for få sammenligningsområder (3)" in _text(
        site / "indsats" / "helhedsplan_2021_2025.html")
    # Vangdalen's one-year effort: no register effect, the survey's 2010 -> 2012 change.
    vangdalen = _text(site / "indsats" / "vangdalen_tryghed_2011.html")
    assert "K1: effekten kan ikke beregnes" in vangdalen
    assert "undersøgelserne 2010 og 2012" in vangdalen
    # The sample delivers no moves: said plainly.
    assert "Flytninger er ikke leveret i data" in vangdalen
    area = (site / "omraade" / "vangdalen.html").read_text(encoding="utf-8")
    for plan_id in ("nordby_2009_2013", "vangdalen_tryghed_2011", "helhedsplan_2013_2017",
                    "helhedsplan_2021_2025"):
        assert f'href="../indsats/{plan_id}.html"' in area
    # The newest plan's estimates, compactly; the older plans link to their page.
    section = _text(site / "omraade" / "vangdalen.html").split("Indsatser i området")[1]
    assert "for få sammenligningsområder" in section
    assert "Se effekterne på planens side." in section


@pytest.mark.e2e
def test_sample_plan_page_draws_and_fits_a_phone(sample_home, browser):
    site = (sample_home / "site").resolve()
    browser.driver.set_window_size(390, 900)
    try:
        for page in ("indsats/helhedsplan_2021_2025.html", "en/indsats/nordby_2009_2013.html",
                     "indsats/index.html"):
            report = browser.open((site / page).as_uri())
            assert report.console_errors() == [], (page, report.console_errors())
            assert report.offsite_requests() == []
            charts = browser.run("return document.querySelectorAll('.plot[data-figure]')"
                                 ".length")
            for i in range(charts):  # drawn on scroll
                browser.run("document.querySelectorAll('.plot[data-figure]')[arguments[0]]"
                            ".scrollIntoView()", i)
            deadline = time.monotonic() + 10
            drawn = 0
            while time.monotonic() < deadline:
                drawn = browser.run("return document.querySelectorAll("
                                    "'.plot[data-figure] svg.main-svg').length")
                if drawn >= charts:
                    break
                time.sleep(0.1)
            assert drawn >= charts, f"{page}: {drawn} of {charts} charts drawn"
            wide = browser.run("return document.documentElement.scrollWidth - "
                               "document.documentElement.clientWidth")
            assert wide <= 0, f"{page} scrolls sideways by {wide} px at 390 px"
    finally:
        browser.driver.set_window_size(1280, 1000)
