"""The local model on the site: the area pages' "Lokale nøgletal" and the municipality
pages' table coloured by points, in both languages, and the local signal's words.

The site tests' synthetic tables (conftest.py) get local tables built here from the
published layouts: every area's nine default-model indicators for data years
2021-2023, each area value a chosen multiple of the municipality's, so that the
points (and the category they add up to) are known in advance:

- Gl. Jennumparken 2023: 3+3+2+2+2+2+1+1+1 = 17 points, red (cut-off 16), and the
  local signal of list year 2024;
- Glarbjergvej-området 2023: 12 points, orange;
- Vangdalen 2023: 3 known points and two unknown indicators (a suppressed cell, a
  missing year), 3-9 points possible: green or yellow, so undecided;
- Energivej-området has values but no category row (below the model's residents);
- Æblehaven: 0 points and one unknown indicator, 0-3 points: green either way.
"""

from __future__ import annotations

import csv
import re
import time
from html.parser import HTMLParser
from pathlib import Path

import fastexcel
import polars as pl
import pytest

from indicators import tables
from indicators.local_model import load_local_model
from indicators.local_scoring import local_categories
from indicators.site.build import build_site
from tests.site.conftest import CURRENT, residents, synthetic_frames, synthetic_refresh

MODEL = load_local_model()
IDS = list(MODEL.indicators)          # the default model's nine, in its order
YEARS = [2021, 2022, 2023]
COMPARISON = 10.0                     # the municipality's value of every indicator
RATIO_OF_POINTS = {0: 0.8, 1: 1.1, 2: 1.3, 3: 1.6}

# Points per indicator in 2023 (None: unknown); earlier years one point less where > 0.
POINTS_2023 = {
    "gl_jennumparken": [3, 3, 2, 2, 2, 2, 1, 1, 1],        # 17: red
    "glarbjergvej": [2, 1, 1, 1, 1, 1, 1, 2, 2],           # 12: orange
    "vangdalen": [1, 1, 1, 0, None, 0, 0, None, 0],        # 3 known + 2 unknown
    "energivej": [1, 1, 1, 1, 1, 1, 1, 1, 1],              # no category row
    "aeblehaven": [0, 0, 0, 0, 0, 0, 0, 0, None],          # green whatever the unknown
}
NO_CATEGORY = {"energivej"}


def _indicator_rows() -> list[dict]:
    rows = []
    for area_id, points_2023 in POINTS_2023.items():
        for year in YEARS:
            for ind, pts in zip(IDS, points_2023, strict=True):
                if pts is not None and year < 2023:
                    pts = max(0, pts - 1)
                survey = MODEL.indicators[ind].is_survey
                suppressed = pts is None and ind == IDS[4]
                if pts is None:
                    value = ratio = None
                else:
                    ratio = RATIO_OF_POINTS[pts]
                    value = COMPARISON * ratio
                den = 200.0
                rows.append({
                    "area_id": area_id, "year": year, "model_id": MODEL.model_id,
                    "indicator_id": ind, "value": value,
                    "numerator": None if survey or value is None else value * den / 100,
                    "denominator": None if survey or value is None else den,
                    "comparison_value": COMPARISON,
                    "comparison_left_out": None if survey else 1,
                    "ratio": ratio, "points": pts, "suppressed": suppressed,
                    "wave_id": "2022" if survey else None})
    return rows


def local_frames() -> dict[str, pl.DataFrame]:
    """conftest's synthetic tables plus the local tables and a local signal."""
    frames = dict(synthetic_frames())
    columns = tables.by_name("local_indicators").column_names()
    indicators = pl.DataFrame(_indicator_rows(), infer_schema_length=None).select(columns)
    people = pl.DataFrame([{"area_id": a, "year": y, "residents": residents(a, y)}
                           for a in POINTS_2023 if a not in NO_CATEGORY for y in YEARS])
    # The warehouse's own scoring sums the points, as the refresh does.
    categories = local_categories(MODEL, indicators.cast({"year": pl.Int32,
                                                          "points": pl.Int32}), people)
    frames["local_indicators"] = indicators
    frames["local_categories"] = categories
    # The local signal of list year 2024 (data year 2023), as signals.local_signals gives it.
    signals = frames["area_signals"]
    local = pl.DataFrame([{"area_id": "gl_jennumparken", "year": CURRENT, "regime": regime,
                           "signal": "local", "colour": "red", "value": 17.0,
                           "threshold": 16.0}
                          for regime in ("2021",)])
    frames["area_signals"] = pl.concat([signals, local], how="diagonal_relaxed").select(
        signals.columns)
    return frames


@pytest.fixture(scope="module")
def local_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "site"
    build_site(local_frames(), synthetic_refresh(), out)
    return out


class _Tables(HTMLParser):
    """Every table of a page by id: rows of (cell text, cell class)."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[tuple[str, str]]]] = {}
        self._table = None
        self._cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self._table = self.tables.setdefault(a.get("id") or f"t{len(self.tables)}", [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = [[], a.get("class") or ""]
        elif tag == "br" and self._cell is not None:
            self._cell[0].append(" ")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            text = re.sub(r"\s+", " ", "".join(self._cell[0])).strip()
            self._table[-1].append((text, self._cell[1]))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[0].append(data)


def page_tables(page: Path) -> dict[str, list[list[tuple[str, str]]]]:
    parser = _Tables()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.tables


def texts(rows) -> list[list[str]]:
    return [[text for text, _ in row] for row in rows]


def section(page: Path) -> str:
    html = page.read_text(encoding="utf-8")
    start = html.index('aria-labelledby="local-title"')
    return html[start: html.index("</section>", start)]


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- the area page -------------------------------------------------------------------


def test_area_section_shows_values_comparison_ratio_and_points(local_site):
    page = local_site / "omraade" / "gl_jennumparken.html"
    words = plain(section(page))
    assert "Lokale nøgletal" in words
    assert "2023: kategori rød med 17 point (grænse 16 point)." in words
    rows = texts(page_tables(page)["local-table"])
    header, body = rows[0], rows[1:]
    assert header[:5] == ["Indikator", "Området", "Kommunens almene boliger", "Forhold",
                          "Point"]
    assert len(body) == len(IDS)
    first = body[0]   # l_uden_tilknytning at 3 points: 1,6 x the municipality
    assert first[0] == MODEL.indicators[IDS[0]].label_da + " (%)"
    assert first[1:5] == ["16,0", "10,0", "1,60", "3"]
    # Days of absence per pupil are no percent: the label carries no "(%)".
    absence = next(r for r in body if r[0].startswith("Fraværsdage"))
    assert "(%)" not in absence[0]
    assert [r[4] for r in body] == [str(p) for p in POINTS_2023["gl_jennumparken"]]


def test_area_section_tells_the_category_per_year_with_its_points(local_site):
    page = local_site / "omraade" / "gl_jennumparken.html"
    rows = next(texts(t) for t in page_tables(page).values()
                if t and [c for c, _ in t[0][:2]] == ["Dataår", "Kategori"])
    assert rows[0][:5] == ["Dataår", "Kategori", "Point (kendte)", "Ukendte indikatorer",
                           "Højst mulige point"]
    assert rows[1][:5] == ["2023", "rød", "17", "0", "17"]
    # 2022: one point less on every indicator that had any, 8 points: yellow.
    assert rows[2][:5] == ["2022", "gul", "8", "0", "8"]
    aeblehaven = local_site / "omraade" / "aeblehaven.html"
    assert ("2023: kategori grøn med 0 point (under 6 point). 1 indikator er ukendt, men med "
            "den bliver summen højst 3 point, og kategorien er den samme.") in plain(
                section(aeblehaven))


def test_undecided_category_says_so_with_the_unknown_indicators(local_site):
    page = local_site / "omraade" / "vangdalen.html"
    words = plain(section(page))
    assert ("2023: uafgjort – 3 point på de kendte indikatorer, men 2 indikatorer er "
            "ukendte, og med dem kan summen blive 3–9 point") in words
    body = texts(page_tables(page)["local-table"])[1:]
    unknown = [r for r in body if r[4] == "ukendt"]
    assert len(unknown) == 2
    assert {r[-1] for r in unknown} == {"diskretioneret", "mangler data"}
    assert "uafgjort (2 ukendte)" in words
    # An undecided category is never shown as a colour.
    assert "badge-" not in section(page)


def test_area_without_a_category_names_the_residents_floor(local_site):
    words = plain(section(local_site / "omraade" / "energivej.html"))
    assert f"ingen kategori – den lokale model kategoriserer kun områder med mindst " \
           f"{MODEL.min_residents} beboere" in words


def test_area_without_local_rows_has_no_section(local_site):
    html = (local_site / "omraade" / "oestergaard.html").read_text(encoding="utf-8")
    assert 'id="local-title"' not in html


def test_area_section_in_english(local_site):
    page = local_site / "en" / "omraade" / "gl_jennumparken.html"
    words = plain(section(page))
    assert "Local indicators" in words
    assert "2023: category red with 17 points (cut-off 16 points)." in words
    body = texts(page_tables(page)["local-table"])[1:]
    assert body[0][0] == MODEL.indicators[IDS[0]].label_en + " (%)"
    assert body[0][1:5] == ["16.0", "10.0", "1.60", "3"]
    vangdalen = plain(section(local_site / "en" / "omraade" / "vangdalen.html"))
    assert "2023: undecided – 3 points on the known indicators, but 2 indicators are " \
           "unknown" in vangdalen


def test_area_section_downloads_hold_the_numbers(local_site):
    folder = local_site / "omraade"
    with (folder / "gl_jennumparken_lokale_noegletal.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert rows[0][:5] == ["Indikator", "Området", "Kommunens almene boliger", "Forhold",
                           "Point"]
    assert rows[1][1:5] == ["16,0", "10,0", "1,60", "3"]
    with (folder / "gl_jennumparken_lokale_aar.csv").open(encoding="utf-8-sig") as f:
        history = list(csv.reader(f, delimiter=";"))
    assert len(history) == 1 + len(YEARS) * len(IDS)
    page = (folder / "gl_jennumparken.html").read_text(encoding="utf-8")
    assert 'href="gl_jennumparken_lokale_noegletal.csv"' in page
    sheets = fastexcel.read_excel(str(folder / "gl_jennumparken.xlsx")).sheet_names
    assert any(name.split(" ", 1)[1].startswith("Lokale nøgletal for Gl.") for name in sheets)


def test_local_sections_link_only_to_what_exists(local_site):
    from tests.site.site_checks import broken_links

    assert broken_links(local_site) == []


def test_area_section_is_left_out_of_the_printed_handout(local_site):
    html = (local_site / "omraade" / "gl_jennumparken.html").read_text(encoding="utf-8")
    assert re.search(r'<section aria-labelledby="local-title" class="[^"]*\bno-print\b', html)


def test_a_municipalitys_own_model_gives_the_pages_its_labels_and_cut_offs(tmp_path):
    """models/local.yaml of the data directory, passed by the publisher as the frame
    local_model (staging.local_model): its labels, units and cut-offs are the pages'."""
    from indicators.local_model import Categories

    first = IDS[0]
    own = MODEL.model_copy(update={
        "model_id": "randers_2026",
        "categories": Categories(red_from=20, orange_from=14, yellow_from=7),
        "indicators": {**MODEL.indicators, first: MODEL.indicators[first].model_copy(
            update={"label_da": "Ledige og uden uddannelse", "label_en": "Idle"})}})
    frames = local_frames()
    for name in ("local_indicators", "local_categories"):
        frames[name] = frames[name].with_columns(pl.lit(own.model_id).alias("model_id"))
    frames["local_model"] = pl.DataFrame({"model_id": [own.model_id], "source": [
        "models/local.yaml"], "model_json": [own.model_dump_json()]})
    out = tmp_path / "site"
    build_site(frames, synthetic_refresh(), out)
    page = out / "omraade" / "gl_jennumparken.html"
    words = plain(section(page))
    assert "den lokale model randers_2026" in words
    assert "rød fra 20 point, orange fra 14, gul fra 7, ellers grøn" in words
    assert texts(page_tables(page)["local-table"])[1][0] == "Ledige og uden uddannelse (%)"
    header = texts(page_tables(out / "en" / "kommune" / "730.html")["local-matrix"])[0]
    assert header[3] == "Idle"


# --- the municipality page ---------------------------------------------------------


def test_municipality_table_colours_each_cell_by_its_points(local_site):
    page = local_site / "kommune" / "730.html"
    rows = page_tables(page)["local-matrix"]
    header = texts(rows)[0]
    # The category and total first: what a planner looks for; then the indicators.
    assert header[:3] == ["Område", "Kategori", "Point i alt"]
    assert header[3:] == [MODEL.indicators[i].label_da for i in IDS]
    comparison = texts(rows)[1]
    assert comparison[0] == "Randers Kommunes almene boliger"
    assert comparison[3:] == ["10,0 %"] * 6 + ["10,0"] + ["10,0 %"] * 2
    # Most points first, as a planner scans for the worst.
    assert [row[0][0] for row in rows[2:]] == ["Gl. Jennumparken", "Glarbjergvej-området",
                                                "Energivej-området", "Vangdalen"]
    by_name = {row[0][0]: row for row in rows[2:]}
    for name, area_id in (("Gl. Jennumparken", "gl_jennumparken"),
                          ("Vangdalen", "vangdalen")):
        cells = by_name[name][3:]
        for (text, css), pts in zip(cells, POINTS_2023[area_id], strict=True):
            if pts is None:
                assert "pts-unknown" in css and text == "ukendt"
            else:
                assert f"pts-{pts}" in css.split()
                assert text.endswith(f"{pts} point")
    first = by_name["Gl. Jennumparken"]
    assert first[3][0].startswith("16,0 %")
    assert first[1][0] == "rød" and first[2][0] == "17 point"
    assert texts([by_name["Vangdalen"]])[0][1:3] == ["uafgjort (2 ukendte)", "3–9 point"]
    assert texts([by_name["Energivej-området"]])[0][1] == "ingen kategori"
    html = page.read_text(encoding="utf-8")
    red_row = html[html.index(">Gl. Jennumparken</a>"):]
    assert "badge-roed" in red_row[:red_row.index("</tr>")]


def test_municipality_table_download_has_a_number_column_per_value_and_points(local_site):
    with (local_site / "kommune" / "730_lokal_model.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    label = MODEL.indicators[IDS[0]].label_da
    gl = next(r for r in rows if r["Område"] == "Gl. Jennumparken")
    assert gl[f"{label} (værdi) (%)"] == "16,0"
    assert gl[f"{label} (point)"] == "3"
    assert gl["Kategori"] == "rød" and gl["Point (kendte)"] == "17"
    vangdalen = next(r for r in rows if r["Område"] == "Vangdalen")
    assert vangdalen["Højst mulige point"] == "9" and vangdalen["Ukendte indikatorer"] == "2"


def test_municipality_table_in_english(local_site):
    rows = texts(page_tables(local_site / "en" / "kommune" / "730.html")["local-matrix"])
    assert rows[0][:4] == ["Area", "Category", "Total points", MODEL.indicators[IDS[0]].label_en]
    assert rows[1][0] == "Social housing of Randers Kommune"
    gl = next(r for r in rows if r[0] == "Gl. Jennumparken")
    assert gl[3].startswith("16.0%") and gl[3].endswith("3 points")
    assert gl[1:3] == ["red", "17 points"]


# --- the local signal's words ----------------------------------------------------------


def test_local_signal_names_category_points_and_cut_off(local_site):
    da = plain((local_site / "kommune" / "730.html").read_text(encoding="utf-8"))
    en = plain((local_site / "en" / "kommune" / "730.html").read_text(encoding="utf-8"))
    assert "Lokal model: kategori rød (17 point, grænse 16)" in da
    assert "Local model: category red (17 points, cut-off 16)" in en
    area = plain((local_site / "omraade" / "gl_jennumparken.html").read_text(encoding="utf-8"))
    assert "Lokal model: kategori rød (17 point, grænse 16)" in area
    assert "kategori Rød" not in da + area


# --- a phone -----------------------------------------------------------------------------


def test_local_sections_fit_a_phone_and_draw(local_site, browser):
    browser.driver.set_window_size(390, 900)
    try:
        for page in (local_site / "omraade" / "gl_jennumparken.html",
                     local_site / "omraade" / "vangdalen.html",
                     local_site / "kommune" / "730.html",
                     local_site / "en" / "kommune" / "730.html"):
            report = browser.open(page.as_uri())
            assert report.console_errors() == []
            browser.run("document.getElementById('local-title').scrollIntoView()")
            wide = browser.run("return document.scrollingElement.scrollWidth")
            assert wide <= 390, f"{page} is {wide} px wide at 390 px"
            # The section's tables scroll in their own box, never the page.
            boxes = browser.run(
                "return [...document.querySelectorAll('.local-section .table-wrap')]"
                ".map(e => e.getBoundingClientRect().right)")
            assert boxes and max(boxes) <= 390
        # Vangdalen's chart: the known points and, hatched, what the unknowns could add.
        browser.open((local_site / "omraade" / "vangdalen.html").as_uri())
        browser.run("document.getElementById('local-points').scrollIntoView()")
        for _ in range(100):
            if browser.run("return !!document.querySelector('#local-points svg.main-svg')"):
                break
            time.sleep(0.05)
        assert browser.run("return !!document.querySelector('#local-points svg.main-svg')")
        assert browser.run("return document.getElementById('local-points').data.length") == 2
        right = browser.run("return document.querySelector('#local-points svg.main-svg')"
                            ".getBoundingClientRect().right")
        assert right <= 390
    finally:
        browser.driver.set_window_size(1280, 1000)


def test_local_sections_are_not_printed(local_site, browser):
    """The printed handout (two A4 pages) is about the official criteria."""
    from tests.site.test_print import pdf_pages, print_pdf

    try:
        for page in (local_site / "omraade" / "gl_jennumparken.html",
                     local_site / "kommune" / "730.html"):
            browser.open(page.as_uri())
            browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
            shown = browser.run("return getComputedStyle(document.querySelector("
                                "'.local-section')).display")
            assert shown == "none", page
            browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        pdf = local_site.parent / "gl_jennumparken.pdf"
        pages = pdf_pages(print_pdf(browser, (local_site / "omraade" /
                                              "gl_jennumparken.html").as_uri(), pdf))
        assert 1 <= len(pages) <= 2
    finally:
        browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


# --- the shipped sample -----------------------------------------------------------------


def test_sample_area_pages_show_the_section_and_undecided_honestly(sample_home):
    site = sample_home / "site"
    page = site / "omraade" / "gl_jennumparken.html"
    words = plain(section(page))
    assert "Lokale nøgletal" in words
    # The sample makes Gl. Jennumparken red (data/generate_sample.py) in the years with
    # every measure; the early years lack the new measures: undecided, with the count.
    assert re.search(r"20\d\d: kategori rød med \d+ point \(grænse 16 point\)", words)
    category_table = next(t for t in page_tables(page).values()
                          if t and [c for c, _ in t[0][:2]] == ["Dataår", "Kategori"])
    cells = {row[0][0]: row[1][0] for row in category_table[1:]}
    undecided = [c for c in cells.values() if c.startswith("uafgjort")]
    assert undecided and all(re.fullmatch(r"uafgjort \(\d+ ukendte?\)", c) for c in undecided)
    municipality = (site / "kommune" / "730.html").read_text(encoding="utf-8")
    assert "Den lokale model for kommunens områder" in municipality
    red_row = municipality[municipality.index(">Gl. Jennumparken</a>",
                                              municipality.index('id="local-matrix"')):]
    assert "badge-roed" in red_row[:red_row.index("</tr>")]
    assert re.search(r"Lokal model: kategori rød \(\d+ point, grænse 16\)", plain(municipality))
