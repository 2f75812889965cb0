"""Phone and print, in a real headless Chromium (Debian's), network blocked.

- No page scrolls sideways at 390 px; tables keep their key columns (name,
  value, threshold, distance) and hide the secondary ones; chart axes keep
  whole years.
- Printed (Chromium's own PDF), an area page is a handout of at most two A4
  pages, and the municipality report prints every area with no table wider
  than the page.

Page counts are read from the PDF Chromium writes (its page objects); the
PDFs are kept in a temporary folder whose path is printed (run with -s).
"""

from __future__ import annotations

import base64
import re
import tempfile
from pathlib import Path

import pytest

from tests.site.browser import Browser, check_every_page
from tests.site.site_checks import broken_links, html_pages, oversized

pytestmark = pytest.mark.e2e

PHONE = 390
A4_POINTS = (595.0, 842.0)   # 210 × 297 mm at 72 points per inch


@pytest.fixture(scope="module")
def pdf_folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="boligmonitor-print-"))
    print(f"\nPDFs: {folder}")
    return folder


def pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """The size of every page of a PDF Chromium wrote (its page objects are plain)."""
    assert pdf.startswith(b"%PDF")
    assert b"/ObjStm" not in pdf, "compressed object streams: count pages another way"
    pages = re.findall(rb"/Type\s*/Page\b(?!s).*?/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+"
                       rb"([\d.]+)\s+([\d.]+)\s*\]", pdf, flags=re.S)
    count = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    sizes = [(float(c) - float(a), float(d) - float(b)) for a, b, c, d in pages]
    if len(sizes) != count:  # MediaBox inherited from the page tree
        box = re.search(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", pdf)
        a, b, c, d = (float(x) for x in box.groups())
        sizes = [(c - a, d - b)] * count
    return sizes


def print_pdf(browser: Browser, url: str, path: Path) -> bytes:
    browser.open(url)
    _draw_every_chart(browser)
    pdf = browser.driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True,
                                                             "printBackground": True})
    raw = base64.b64decode(pdf["data"])
    path.write_bytes(raw)
    return raw


def _draw_every_chart(browser: Browser) -> None:
    """Charts draw when scrolled into view: bring each one into view, then go back up."""
    browser.draw_every_chart("svg.main-svg", per_chart_s=2)
    browser.run("window.scrollTo(0, 0)")


def _phone(browser: Browser):
    browser.driver.set_window_size(PHONE, 900)


def _desktop(browser: Browser):
    browser.driver.set_window_size(1280, 1000)


# --- phone ------------------------------------------------------------------------

def test_no_page_scrolls_sideways_on_a_phone(synthetic_site, browser):
    """Every page of the synthetic site (every optional table, a map, both languages) at
    390 px, in the one pass that also checks what the sample's pages are checked for at
    desktop width (test_browser.py): offline, no console error, every chart drawn, every
    link a file of the site."""
    site, _ = synthetic_site
    pages = html_pages(site)
    assert any("/en/" in str(p) for p in pages) and any("_rapport" in p.name for p in pages)
    _phone(browser)
    wide = {}

    def width(page: Path) -> None:
        scroll_width = browser.run("return document.scrollingElement.scrollWidth")
        if scroll_width > PHONE:
            wide[str(page.relative_to(site))] = scroll_width
    try:
        assert check_every_page(browser, site, also=width) >= 20
    finally:
        _desktop(browser)
    assert wide == {}, f"pages wider than {PHONE} px: {wide}"
    assert broken_links(site) == [] and oversized(site) == []


def test_phone_table_captions_wrap_in_their_box_and_stay_in_view(synthetic_site, browser):
    """A caption says what the table holds (area, list year, rules): on a phone it wraps
    inside the table's scrolling box and stays there when the table scrolls sideways."""
    site, _ = synthetic_site
    _phone(browser)
    try:
        for page in ("omraade/gl_jennumparken.html", "en/omraade/gl_jennumparken.html",
                     "kommune/730.html", "index.html"):
            browser.open((site / page).as_uri())
            problems = browser.run("""
                const out = [];
                for (const wrap of document.querySelectorAll('.table-wrap')) {
                  const caption = wrap.querySelector(':scope > table.data > caption');
                  if (!caption || getComputedStyle(wrap).display === 'none') continue;
                  const wide = wrap.scrollWidth > wrap.clientWidth + 1;
                  wrap.scrollLeft = wrap.scrollWidth;
                  const box = wrap.getBoundingClientRect(), cap = caption.getBoundingClientRect();
                  if (cap.left < box.left - 1 || cap.right > box.right + 1)
                    out.push([caption.textContent.trim(), wide, cap.left, cap.right,
                              box.left, box.right]);
                  wrap.scrollLeft = 0;
                }
                return out;""")
            assert problems == [], f"{page}: captions outside their box: {problems}"
            wide = browser.run("return [...document.querySelectorAll('.table-wrap')]"
                               ".filter(w => w.scrollWidth > w.clientWidth + 1).length")
            assert wide or page == "index.html", f"{page}: no wide table to scroll"
    finally:
        _desktop(browser)


def test_phone_tables_keep_the_key_columns(synthetic_site, browser):
    site, _ = synthetic_site
    _phone(browser)
    try:
        for page, words in (("omraade/gl_jennumparken.html",
                             ["Kriterium", "Værdi", "Grænse", "Afstand til grænsen", "Opfyldt"]),
                            ("en/omraade/gl_jennumparken.html",
                             ["Criterion", "Value", "Threshold", "Distance to the threshold"])):
            # Name, value, threshold and distance in view at once; the rest scrolls.
            in_view = words[:4]
            browser.open((site / page).as_uri())
            shown = browser.run(
                "const t = document.querySelector('.key-figures table.data');"
                "return [...t.querySelectorAll('thead th')]"
                ".filter(th => getComputedStyle(th).display !== 'none')"
                ".map(th => th.textContent.trim())")
            for word in words:
                # A header may carry its unit: "Afstand til grænsen (procentpoint)".
                assert any(h == word or h.startswith(word + " (") for h in shown), \
                    f"{page}: {word!r} hidden on a phone ({shown})"
            # ... the first four in view without scrolling the table's box sideways.
            outside = browser.run(
                "const wrap = document.querySelector('.key-figures .table-wrap');"
                "const right = wrap.getBoundingClientRect().right;"
                "return [...wrap.querySelectorAll('thead th')]"
                ".filter(th => getComputedStyle(th).display !== 'none'"
                " && th.getBoundingClientRect().right > right + 1)"
                ".map(th => th.textContent.trim())")
            for word in in_view:
                assert not [h for h in outside if h == word or h.startswith(word + " (")], \
                    f"{page}: {word!r} out of view on a phone (beyond the box: {outside})"
            hidden = browser.run(
                "return [...document.querySelectorAll('.key-figures th.secondary')]"
                ".map(th => getComputedStyle(th).display)")
            assert hidden and set(hidden) == {"none"}
            # The first column stays in view when the table scrolls inside its box.
            sticky = browser.run("return getComputedStyle(document.querySelector("
                                 "'.key-figures tbody th')).position")
            assert sticky == "sticky"
    finally:
        _desktop(browser)


def test_chart_axes_keep_whole_years_on_a_phone(synthetic_site, browser):
    site, _ = synthetic_site
    _phone(browser)
    try:
        browser.open((site / "omraade" / "gl_jennumparken.html").as_uri())
        _draw_every_chart(browser)
        ticks = browser.run(
            "return [...document.querySelectorAll('.plot[id^=trend-]')].map(p => "
            "[p.id, [...p.querySelectorAll('.xtick text')].map(t => t.textContent)])")
        assert ticks
        for chart_id, labels in ticks:
            assert len(labels) >= 3, f"{chart_id}: {labels}"
            assert all(re.fullmatch(r"20\d\d", label) for label in labels), \
                f"{chart_id} reads {labels} on a phone"
            # The plot fits the phone.
            width = browser.run("return document.getElementById(arguments[0])"
                                ".getBoundingClientRect().right", chart_id)
            assert width <= PHONE
    finally:
        _desktop(browser)


# --- print ------------------------------------------------------------------------

def test_area_pages_print_as_a_handout_of_at_most_two_a4_pages(synthetic_site, browser,
                                                                 pdf_folder):
    site, _ = synthetic_site
    pages = sorted((site / "omraade").glob("*.html")) + sorted((site / "en" / "omraade")
                                                               .glob("*.html"))
    assert len(pages) >= 10
    counts = {}
    for page in pages:
        name = ("en-" if "/en/" in str(page) else "") + page.stem
        sizes = pdf_pages(print_pdf(browser, page.as_uri(), pdf_folder / f"{name}.pdf"))
        counts[name] = len(sizes)
        for w, h in sizes:
            assert abs(w - A4_POINTS[0]) < 2 and abs(h - A4_POINTS[1]) < 2, (name, w, h)
    print(f"\narea pages printed: {counts}")
    assert all(1 <= n <= 2 for n in counts.values()), counts


def test_printed_area_page_holds_status_criteria_and_charts_not_dumps(synthetic_site,
                                                                      browser):
    site, _ = synthetic_site
    browser.open((site / "omraade" / "gl_jennumparken.html").as_uri())
    browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        shown = browser.run("""
            const vis = s => [...document.querySelectorAll(s)].filter(
                e => getComputedStyle(e).display !== 'none' && e.closest('.no-print') === null);
            return {status: vis('.status-box').length, key: vis('.key-figures table').length,
                    charts: vis('figure.chart').length, dumps: vis('details.chart-table').length,
                    downloads: vis('.downloads').length, history: vis('#history-title').length,
                    nav: vis('.site-header nav').length};""")
    finally:
        browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert shown["status"] == 1 and shown["key"] == 1
    assert 1 <= shown["charts"] <= 3
    assert shown["dumps"] == shown["downloads"] == shown["history"] == shown["nav"] == 0


def test_municipality_report_prints_every_area_with_no_table_cut(synthetic_site, browser,
                                                                 pdf_folder):
    site, _ = synthetic_site
    for page in (site / "kommune" / "730_rapport.html", site / "en" / "kommune" /
                 "730_rapport.html"):
        assert page.is_file()
        browser.open(page.as_uri())
        areas = browser.run("return [...document.querySelectorAll('.report-area')]"
                            ".map(a => a.getAttribute('data-area'))")
        assert set(areas) == {"gl_jennumparken", "glarbjergvej", "vangdalen",
                              "hermann_stillingsvej", "energivej"}
        # Laid out at the A4 text width in print media, no table is wider than the page,
        # headers repeat on every page and rows are never split.
        browser.driver.set_window_size(718, 1000)  # 190 mm at 96 px per inch
        browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        try:
            layout = browser.run("""
                const page = document.documentElement.clientWidth;
                return [...document.querySelectorAll('table.data')].map(t => ({
                  right: t.getBoundingClientRect().right, page: page,
                  head: getComputedStyle(t.tHead).display,
                  rows: getComputedStyle(t.tBodies[0].rows[0]).breakInside}));""")
        finally:
            browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
            _desktop(browser)
        assert layout
        for table in layout:
            assert table["right"] <= table["page"] + 1, table
            assert table["head"] == "table-header-group" and table["rows"] == "avoid"
        name = ("en-" if "/en/" in str(page) else "") + "730_rapport"
        sizes = pdf_pages(print_pdf(browser, page.as_uri(), pdf_folder / f"{name}.pdf"))
        print(f"\n{name}: {len(sizes)} A4 pages")
        assert 1 <= len(sizes) <= 8


# Every word of a header cell as the rectangles it is drawn in: a word split across
# lines ("Græns" / "e") is drawn in two.
_SPLIT_HEADER_WORDS = """
    const split = [];
    for (const th of document.querySelectorAll('table.data thead th')) {
      const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const m of node.data.matchAll(/\\S+/g)) {
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
          if (lines.size > 1) split.push(m[0]);
        }
      }
    }
    const page = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('table.data')]
      .filter(t => t.getBoundingClientRect().right > page + 1)
      .map(t => `${t.caption ? t.caption.textContent.trim() : ''}: ${Math.round(
        t.getBoundingClientRect().right)} px of ${page}`);
    return {split: split, wide: wide};"""


@pytest.mark.parametrize("page", ["omraade/gl_jennumparken.html",
                                  "en/omraade/gl_jennumparken.html",
                                  "kommune/730_rapport.html"])
def test_printed_headers_break_between_words_and_tables_fit_the_page(synthetic_site, browser,
                                                                      page):
    site, _ = synthetic_site
    browser.open((site / page).as_uri())
    browser.driver.set_window_size(718, 1000)  # the A4 text width, as above
    browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        found = browser.run(_SPLIT_HEADER_WORDS)
    finally:
        browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        _desktop(browser)
    assert found["split"] == [], found["split"]
    assert found["wide"] == [], found["wide"]
