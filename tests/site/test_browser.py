"""The dashboards in a real headless Chromium (Debian's), with the network blocked.

Two sites are tested: the one built from the synthetic tables of
conftest.py (every optional table and a map) and the one the product
publishes from the shipped sample through `boligmonitor refresh`. These
tests fail, never skip, when Chromium is missing: CI installs it.

Screenshots of the overview and one area page are kept in a temporary
folder whose path is printed (run with -s to see it).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from indicators.site.build import build_site
from pipelines.site_server import BackgroundServer
from tests.site.browser import (
    Browser,
    assert_charts_drawn,
    check_every_page,
    open_clean,
)
from tests.site.conftest import synthetic_frames, synthetic_geojson, synthetic_refresh
from tests.site.site_checks import broken_links, oversized

pytestmark = pytest.mark.e2e

PROJECT = Path(__file__).resolve().parents[2]


# --- fixtures ------------------------------------------------------------------

@pytest.fixture(scope="session")
def sample_site(sample_home) -> Path:
    """The site published by the real refresh of the shipped sample: the session's."""
    site = (sample_home / "site").resolve()
    assert (site / "index.html").is_file()
    return site


@pytest.fixture(params=["synthetic", "sample"])
def site(request) -> Path:
    if request.param == "synthetic":
        return request.getfixturevalue("synthetic_site")[0]
    return request.getfixturevalue("sample_site")


@pytest.fixture(scope="session")
def artefacts() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="boligmonitor-screenshots-"))
    print(f"\nScreenshots: {folder}")
    return folder


# --- every page --------------------------------------------------------------------

def test_every_page_loads_offline_draws_its_charts_and_links_resolve(sample_site, browser):
    """The published sample at desktop width, both languages. The synthetic site's pages
    get the same checks at phone width (test_print.py), one pass over them for both."""
    assert check_every_page(browser, sample_site) >= 20
    assert broken_links(sample_site) == [] and oversized(sample_site) == []


def test_vangdalen_stands_out_on_the_2010_survey_page(site, browser):
    open_clean(browser, (site / "tryghed.html").as_uri())
    rows = browser.driver.find_elements(By.CSS_SELECTOR, "table.data tbody tr")
    link = next(r.find_element(By.TAG_NAME, "a") for r in rows
                if r.find_elements(By.TAG_NAME, "td")[0].text.strip() == "2010")
    link.click()
    browser.open(browser.driver.current_url)
    flagged = browser.driver.find_elements(By.CSS_SELECTOR, "li.flagged")
    ids = [f.get_attribute("data-area-id") for f in flagged]
    assert "vangdalen" in ids
    vangdalen = flagged[ids.index("vangdalen")]
    assert vangdalen.is_displayed() and "Vangdalen" in vangdalen.text
    assert "signifikant flere" in vangdalen.text
    ticks = browser.run("return [...document.querySelectorAll('#wave .ytick text')]"
                        ".map(t => t.textContent)")
    assert "▲ Vangdalen" in ticks


def test_wide_interval_is_not_flagged(synthetic_site, browser):
    site, _ = synthetic_site
    open_clean(browser, (site / "tryghed" / "2010.html").as_uri())
    ids = [f.get_attribute("data-area-id")
           for f in browser.driver.find_elements(By.CSS_SELECTOR, "li.flagged")]
    assert ids == ["vangdalen"]
    ticks = browser.run("return [...document.querySelectorAll('#wave .ytick text')]"
                        ".map(t => t.textContent)")
    assert "Hermann Stillingsvej-området" in ticks and "▲ Hermann Stillingsvej-området" \
        not in ticks


def test_served_over_local_http_every_request_stays_on_the_machine(site):
    with BackgroundServer(site) as url, Browser(block_network=False) as b:
        for page in ("index.html", "metode.html", "tryghed.html"):
            report = open_clean(b, url + page)
            assert any(r.endswith("/plotly.min.js") for r in report.requests) or \
                page != "index.html"
            assert_charts_drawn(b, page)
        area = sorted((site / "omraade").glob("*.html"))[0]
        open_clean(b, url + "omraade/" + area.name)
        assert assert_charts_drawn(b, area.name) >= 5


def test_screenshots_of_overview_and_an_area(sample_site, synthetic_site, browser, artefacts):
    shots = []
    for name, site in (("sample", sample_site), ("synthetic", synthetic_site[0])):
        open_clean(browser, (site / "index.html").as_uri())
        shots.append(browser.screenshot(artefacts / f"{name}-oversigt.png"))
        area = "gl_jennumparken.html"
        open_clean(browser, (site / "omraade" / area).as_uri())
        shots.append(browser.screenshot(artefacts / f"{name}-omraade-gl_jennumparken.png"))
    for shot in shots:
        data = shot.read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 20_000


def test_sample_site_has_its_outline_map(sample_site, browser):
    """The shipped sample has areas.geojson, so the published overview must draw the map."""
    assert (PROJECT / "data" / "sample" / "areas" / "areas.geojson").is_file()
    open_clean(browser, (sample_site / "index.html").as_uri())
    drawn = browser.run("return document.querySelectorAll('#map path.choroplethlocation').length")
    assert drawn > 0


# --- interaction -------------------------------------------------------------------

def test_map_selector_switches_indicator_and_year(synthetic_site, browser):
    site, _ = synthetic_site
    open_clean(browser, (site / "index.html").as_uri())
    before = browser.run("return document.getElementById('map').data[0].z.slice()")
    Select(browser.driver.find_element(By.ID, "map-view")).select_by_value("k1_uden_tilknytning")
    Select(browser.driver.find_element(By.ID, "map-year")).select_by_value("2015")
    after = browser.run("return document.getElementById('map').data[0].z.slice()")
    assert after != before and all(isinstance(v, int | float) for v in after)
    heading = browser.driver.find_element(By.ID, "map-title").text
    assert "K1" in heading and "2015" in heading
    summary = browser.run("return document.getElementById('map').closest('figure')"
                          ".querySelector('.summary').textContent")
    assert summary.startswith("Kortet viser K1") and "2015" in summary
    cells = browser.run("return [...document.getElementById('map').closest('figure')"
                        ".nextElementSibling.querySelectorAll('tbody td')].map(c => c.textContent)")
    assert any("," in c and "%" in c for c in cells)
    assert browser.run("return document.querySelectorAll('#map path.choroplethlocation').length") \
        == len(synthetic_geojson()["features"])


def test_municipality_filter_hides_other_municipalities(synthetic_site, browser):
    site, _ = synthetic_site
    open_clean(browser, (site / "index.html").as_uri())
    Select(browser.driver.find_element(By.ID, "municipality-filter")).select_by_value("751")
    visible = browser.run("return [...document.querySelectorAll('#status-table tbody tr')]"
                          ".filter(r => r.offsetParent !== null).length")
    assert visible == 3
    assert "3 af 8" in browser.driver.find_element(By.ID, "filter-count").text


def test_keyboard_reaches_skip_link_navigation_and_controls(synthetic_site, browser):
    site, _ = synthetic_site
    open_clean(browser, (site / "index.html").as_uri())
    # Right after loading, the first Tab starts from the top of the document.
    ActionChains(browser.driver).send_keys(Keys.TAB).perform()
    active = browser.driver.switch_to.active_element
    assert active.get_attribute("class") == "skip-link" and active.is_displayed()
    active.send_keys(Keys.ENTER)
    assert browser.run("return document.activeElement.id") == "main"
    reached = set()
    for _ in range(60):
        ActionChains(browser.driver).send_keys(Keys.TAB).perform()
        el = browser.driver.switch_to.active_element
        reached.add(el.get_attribute("id") or el.tag_name)
    assert {"municipality-filter", "map-view", "map-year"} <= reached
    assert browser.run("return [...document.querySelectorAll('[tabindex]')]"
                       ".filter(e => e.tabIndex > 0).length") == 0
    # A focused control is visibly outlined.
    outline = browser.run("const s = document.getElementById('map-view'); s.focus();"
                          "return getComputedStyle(s).outlineStyle")
    assert outline != "none"


CONTRAST_JS = """
function lum(c) {
  const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
  const p = m[1].split(',').map(Number);
  if (p.length > 3 && p[3] === 0) return null;
  const f = v => {
    v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * f(p[0]) + 0.7152 * f(p[1]) + 0.0722 * f(p[2]);
}
function background(el) {
  for (let e = el; e; e = e.parentElement) {
    const l = lum(getComputedStyle(e).backgroundColor);
    if (l !== null) return l;
  }
  return 1;
}
const failures = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode;
  if (!node.textContent.trim()) continue;
  const el = node.parentElement;
  if (el.closest('svg, script, [hidden], details:not([open]) > :not(summary)')) continue;
  const style = getComputedStyle(el);
  if (style.visibility === 'hidden' || el.offsetParent === null) continue;
  const fg = lum(style.color), bg = background(el);
  const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
  const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
  const large = size >= 24 || (bold && size >= 18.66);
  if (ratio < (large ? 3 : 4.5)) {
    failures.push(node.textContent.trim().slice(0, 40) + ' ' + ratio.toFixed(2));
  }
}
return failures;
"""


def test_text_contrast_passes_wcag_aa(synthetic_site, browser):
    site, _ = synthetic_site
    for page in ("index.html", "omraade/energivej.html", "tryghed/2010.html", "metode.html"):
        open_clean(browser, (site / page).as_uri())
        assert browser.run(CONTRAST_JS) == [], page


def test_stale_warning_follows_the_readers_clock(tmp_path, browser):
    old = tmp_path / "old"
    build_site(synthetic_frames(optional=False),
               synthetic_refresh(dt.datetime.now(dt.UTC) - dt.timedelta(hours=72)), old)
    open_clean(browser, (old / "index.html").as_uri())
    warning = browser.driver.find_element(By.ID, "stale-warning")
    assert warning.is_displayed() and "forældede" in warning.text and "3 dage" in warning.text
    fresh = tmp_path / "fresh"
    build_site(synthetic_frames(optional=False),
               synthetic_refresh(dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)), fresh)
    open_clean(browser, (fresh / "metode.html").as_uri())
    assert not browser.driver.find_element(By.ID, "stale-warning").is_displayed()


def test_area_page_prints_cleanly(synthetic_site, browser, artefacts):
    site, _ = synthetic_site
    open_clean(browser, (site / "omraade" / "gl_jennumparken.html").as_uri())
    browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        hidden = browser.run(
            "return ['.site-header nav', '.downloads', '.skip-link']"
            ".map(s => document.querySelector(s))"
            ".every(e => !e || getComputedStyle(e).display === 'none')")
        assert hidden
    finally:
        browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = browser.print_pdf(artefacts / "omraade-gl_jennumparken.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000


# --- signals, search, lazy charts, phone width (H6) -------------------------------

def test_the_2010_overview_shows_vangdalen_with_its_survey_signal(site, browser):
    open_clean(browser, (site / "liste" / "2010.html").as_uri())
    cards = browser.driver.find_elements(By.CSS_SELECTOR, '[data-area="vangdalen"]')
    assert cards, "Vangdalen is not on the 2010 overview"
    card = cards[0]
    assert "survey" in card.get_attribute("data-signals").split()
    assert card.get_attribute("data-colour") == "yellow"
    assert card.is_displayed() and "Tryghed 2010: 36" in card.text


def test_search_finds_an_area_by_name_from_any_page(synthetic_site, browser):
    site, _ = synthetic_site
    for page in (site / "kommune" / "730.html", site / "en" / "omraade" / "aabyhoej.html"):
        open_clean(browser, page.as_uri())
        box = browser.driver.find_element(By.ID, "search-box")
        box.clear()
        box.send_keys("vangd")
        links = browser.driver.find_elements(By.CSS_SELECTOR, "#search-results a")
        assert [a.text for a in links] == ["Vangdalen (Randers Kommune)"]
        target = Path(links[0].get_attribute("href").removeprefix("file://"))
        assert target.is_file() and target.name == "vangdalen.html"
        assert ("/en/" in str(target)) == ("/en/" in str(page))


def test_charts_below_the_fold_draw_only_when_scrolled_to(synthetic_site, browser):
    site, _ = synthetic_site
    open_clean(browser, (site / "kommune" / "730.html").as_uri())
    drawn = browser.run("return [...document.querySelectorAll('.plot[data-figure]')]"
                        ".map(p => !!p.getAttribute('data-drawn'))")
    assert drawn and not all(drawn), "every chart was drawn at load"
    browser.draw_every_chart("[data-drawn]", per_chart_s=1)
    assert all(browser.run("return [...document.querySelectorAll('.plot[data-figure]')]"
                           ".map(p => !!p.querySelector('svg.main-svg'))"))


def test_municipality_filter_filters_everything_below_it(synthetic_site, browser):
    site, _ = synthetic_site
    open_clean(browser, (site / "index.html").as_uri())
    Select(browser.driver.find_element(By.ID, "municipality-filter")).select_by_value("751")
    shown = browser.run(
        "return [...document.querySelectorAll('main [data-area]')].filter(e => "
        "e.offsetParent !== null).map(e => e.getAttribute('data-area'))")
    assert shown and set(shown) <= {"aeblehaven", "aabyhoej", "oestergaard"}


def test_what_if_selector_shows_one_regime_at_a_time(synthetic_site, browser):
    site, _ = synthetic_site
    open_clean(browser, (site / "kommune" / "730.html").as_uri())
    visible = "return [...document.querySelectorAll('.regime-block')].filter(b => !b.hidden)" \
        ".map(b => b.getAttribute('data-regime'))"
    assert browser.run(visible) == ["2021"]
    Select(browser.driver.find_element(By.ID, "regime-select")).select_by_value("2013")
    assert browser.run(visible) == ["2013"]


def test_overview_and_municipality_pages_fit_a_phone(synthetic_site, browser):
    site, _ = synthetic_site
    browser.driver.set_window_size(390, 900)
    try:
        for page in ("index.html", "liste/2010.html", "kommune/730.html",
                     "en/kommune/751.html", "omraade/energivej.html"):
            open_clean(browser, (site / page).as_uri())
            wide = browser.run("return document.documentElement.scrollWidth - "
                               "document.documentElement.clientWidth")
            assert wide <= 0, f"{page} scrolls sideways by {wide} px at 390 px"
    finally:
        browser.driver.set_window_size(1280, 1000)
