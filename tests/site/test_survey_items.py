"""Survey pages show every item of the catalogue the wave answered, not only evening safety.

The site tests' synthetic tables (conftest.py) hold evening safety only; here every
other catalogue item is added to the 2010 wave, built from the published layout of
mart.survey_results: each area's count a different fraction of its answers per item,
Vangdalen over the rest on area satisfaction and Æblehaven under it, and the same two
areas suppressed as in evening safety (Aabyhøj Syd with 7 answers, Østergård as its
complementary partner). The 2012 wave stays evening-safety only, so a wave shows the
items it answered and no others. End to end: the refreshed sample (`sample_home`) and
one headless Chromium at 390 px.
"""

from __future__ import annotations

import csv
import re
import time
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest

from indicators import tables
from indicators.site.build import build_site
from indicators.survey.items import load_items
from indicators.survey.stats import wilson_interval
from tests.site.conftest import synthetic_frames, synthetic_refresh

ITEMS = load_items()
BATTERY = [i for i in ITEMS if i != "evening_safety"]
SUPPRESSED = {"aabyhoej", "oestergaard"}
# vs_rest per area on area_satisfaction; every other item 'ingen forskel'.
SATISFACTION_VS = {"vangdalen": "over", "aeblehaven": "under"}


def _battery_rows(evening: pl.DataFrame) -> list[dict]:
    rows = []
    wave = evening.filter(pl.col("wave_id") == "2010").to_dicts()
    for k, item_id in enumerate(BATTERY):
        total_n = total_pos = 0
        for r in wave:
            if r["area_id"] == "all":
                continue
            n = r["n_answers"]
            total_n += n
            if r["area_id"] in SUPPRESSED:
                rows.append({**r, "item_id": item_id, "n_positive": None, "share": None,
                             "ci_low": None, "ci_high": None, "vs_rest": None,
                             "suppressed": True})
                total_pos += n // 3
                continue
            pos = {"over": n * 5 // 13, "under": n // 13}.get(
                SATISFACTION_VS.get(r["area_id"], "") if item_id == "area_satisfaction"
                else "", n * (k + 2) // 13)
            total_pos += pos
            lo, hi = wilson_interval(pos, n)
            vs = (SATISFACTION_VS.get(r["area_id"], "ingen forskel")
                  if item_id == "area_satisfaction" else "ingen forskel")
            rows.append({**r, "item_id": item_id, "n_positive": pos, "share": 100 * pos / n,
                         "ci_low": 100 * lo, "ci_high": 100 * hi, "vs_rest": vs,
                         "suppressed": False})
        lo, hi = wilson_interval(total_pos, total_n)
        rows.append({"wave_id": "2010", "year": 2010, "area_id": "all", "item_id": item_id,
                     "n_answers": total_n, "n_positive": total_pos,
                     "share": 100 * total_pos / total_n, "ci_low": 100 * lo,
                     "ci_high": 100 * hi, "vs_rest": None, "suppressed": False})
    return rows


def item_frames() -> dict[str, pl.DataFrame]:
    frames = dict(synthetic_frames())
    evening = frames["survey_results"]
    columns = tables.by_name("survey_results").column_names()
    battery = pl.DataFrame([{c: r.get(c) for c in columns} for r in _battery_rows(evening)],
                           schema=evening.schema)
    frames["survey_results"] = pl.concat([evening, battery]).select(columns)
    return frames


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("survey-items") / "site"
    build_site(item_frames(), synthetic_refresh(), out)
    return out


class _Text(HTMLParser):
    """The page's visible text (scripts and the chart JSON left out)."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return re.sub(r"\s+", " ", " ".join(parser.parts)).replace("\u00a0", " ")


def _section(html: str, item_id: str) -> str:
    start = html.index(f'data-item-id="{item_id}"')
    return html[start:html.index("</section>", start)]


def _row_cells(section: str, area_name: str) -> list[str]:
    """The cells of the area's row in the section's table, as text."""
    for row in re.findall(r"<tr>(.*?)</tr>", section, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).replace("\u00a0", " ").strip()
                 for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        if len(cells) > 1 and cells[1] == area_name:
            return cells
    raise AssertionError(f"no row of {area_name} in the table")


def test_every_catalogue_item_of_the_wave_is_on_its_page(site):
    html = (site / "tryghed" / "2010.html").read_text(encoding="utf-8")
    text = _text(site / "tryghed" / "2010.html")
    # Evening safety first (it drives the signal), then the battery in catalogue order.
    positions = [html.index(f'data-item-id="{i}"') for i in BATTERY]
    assert positions == sorted(positions)
    assert html.index('id="wave"') < positions[0]
    for item_id in BATTERY:
        item = ITEMS[item_id]
        assert item.share_label_da in text
        assert item.question_text in text, item_id
        assert f'id="item-{item_id.replace("_", "-")}"' in html  # its chart, drawn lazily
        csv_name = f"2010_omraader-{item_id.replace('_', '-')}.csv"
        assert f'href="{csv_name}"' in html
        assert (site / "tryghed" / csv_name).is_file()
    assert (site / "tryghed" / "2010.xlsx").is_file()  # every table of the page, a sheet each
    # The 2012 wave answered evening safety only: no battery section there.
    assert "data-item-id" not in (site / "tryghed" / "2012.html").read_text(encoding="utf-8")


def test_item_table_has_the_rest_and_the_verdict_in_words_in_danish_numbers(site):
    html = (site / "tryghed" / "2010.html").read_text(encoding="utf-8")
    section = _section(html, "area_satisfaction")
    vangdalen = _row_cells(section, "Vangdalen")
    # 150 answers, 150 * 5 // 13 = 57 dissatisfied: 38,0 %.
    assert vangdalen[2] == "38,0 %"
    assert re.fullmatch(r"\d+,\d %", vangdalen[3])  # the rest of the wave
    assert vangdalen[4] == "Højere end resten (værre)"
    assert _row_cells(section, "Æblehaven")[4] == "Lavere end resten (bedre)"
    assert "Signifikant højere end resten: Vangdalen 38,0 %." in _text(
        site / "tryghed" / "2010.html")


def test_a_suppressed_cell_never_shows_a_number(site):
    html = (site / "tryghed" / "2010.html").read_text(encoding="utf-8")
    for item_id in BATTERY:
        section = _section(html, item_id)
        for name in ("Aabyhøj Syd", "Østergård"):
            cells = _row_cells(section, name)
            # share, rest, verdict | answers kept | interval, count, item and mark
            share, rest, low, high, positive = cells[2], cells[3], cells[6], cells[7], cells[8]
            assert share == "skjult", (item_id, name, cells)
            for cell in (rest, low, high, positive):
                assert not re.search(r"\d", cell), (item_id, name, cells)
        # Nor in the chart the reader hovers over.
        chart = re.search(r'<script type="application/json" id="item-[a-z-]+-data">(.*?)'
                          r"</script>", section, re.S).group(1)
        assert "Aabyhøj Syd" not in chart and "Østergård" not in chart
        csv_path = site / "tryghed" / f"2010_omraader-{item_id.replace('_', '-')}.csv"
        with csv_path.open(encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh, delimiter=";"))
        header = rows[0]
        for row in rows[1:]:
            record = dict(zip(header, row, strict=True))
            if row[1] in ("Aabyhøj Syd", "Østergård"):
                numeric = [v for k, v in record.items()
                           if k not in (header[1], header[5]) and re.search(r"\d", v)]
                assert numeric == [], (item_id, record)
            assert ITEMS[item_id].share_label_da in row  # the download names its item


def test_english_pages_use_the_catalogues_english_texts(site):
    text = _text(site / "en" / "tryghed" / "2010.html")
    for item_id in BATTERY:
        item = ITEMS[item_id]
        assert item.share_label_en in text
        assert item.question_text_en in text
        assert item.share_label_da not in text
        assert item.question_text not in text
    assert "Higher than the rest (worse)" in text
    assert " hidden " in f" {text} "
    index = _text(site / "en" / "tryghed.html")
    assert "The surveys ask about:" in index
    assert ITEMS["wish_to_move"].share_label_en in index


def test_survey_index_names_the_items(site):
    index = _text(site / "tryghed.html")
    assert "Undersøgelserne spørger om:" in index
    for item in ITEMS.values():
        assert item.share_label_da in index


def _area_items(site: Path, area_id: str) -> str:
    html = (site / "omraade" / f"{area_id}.html").read_text(encoding="utf-8")
    start = html.index('class="survey-items no-print"')
    block = html[start:html.index("</section>", start)]
    return block[block.index("<tbody>"):]


def test_area_page_has_the_latest_waves_items_compactly_and_screen_only(site):
    # Æblehaven answered only the 2010 wave: every item, its share beside the rest.
    block = _area_items(site, "aeblehaven")
    assert "Æblehaven: alle spørgsmål i 2010" in (site / "omraade" / "aeblehaven.html").read_text(
        encoding="utf-8")
    labels = [re.sub(r"<[^>]+>", "", c).strip() for c in
              re.findall(r"<tr>\s*<t[dh][^>]*>(.*?)</t[dh]>", block, re.S)]
    assert labels == [ITEMS[i].share_label_da for i in ["evening_safety", *BATTERY]]
    row = _row_cells(block.replace("<tr>", "<tr><td></td>"),
                     ITEMS["area_satisfaction"].share_label_da)
    # 160 answers, 160 // 13 = 12: 7,5 %, under the rest.
    assert row[2] == "7,5 %" and row[4] == "Lavere end resten (bedre)"
    # Vangdalen's latest wave (2012) asked evening safety only.
    vangdalen = _area_items(site, "vangdalen")
    assert "Vangdalen: alle spørgsmål i 2012" in (site / "omraade" / "vangdalen.html").read_text(
        encoding="utf-8")
    assert ITEMS["wish_to_move"].share_label_da not in vangdalen
    # Aabyhøj Syd is suppressed on every item: the word, never a share or a rest.
    for row in re.findall(r"<tr>(.*?)</tr>", _area_items(site, "aabyhoej"), re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip()
                 for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        assert cells[1] == "skjult" and not re.search(r"\d", cells[2] + cells[3]), cells


@pytest.mark.e2e
def test_sample_wave_pages_show_every_item_and_stay_small(sample_home):
    site = sample_home / "site"
    for root, lang in ((site, "da"), (site / "en", "en")):
        for wave in ("2010", "2012", "2023"):
            page = root / "tryghed" / f"{wave}.html"
            html = page.read_text(encoding="utf-8")
            for item_id in BATTERY:
                assert f'data-item-id="{item_id}"' in html, (page, item_id)
                label = (ITEMS[item_id].share_label_en if lang == "en"
                         else ITEMS[item_id].share_label_da)
                assert label in html
            assert page.stat().st_size < 1_000_000, (page, page.stat().st_size)
        area = root / "omraade" / "vangdalen.html"
        assert area.stat().st_size < 1_000_000
    # Vangdalen 2010: satisfied with the area as the rest, though unsafe in the evening.
    html = (site / "tryghed" / "2010.html").read_text(encoding="utf-8")
    vangdalen = _row_cells(_section(html, "area_satisfaction"), "Vangdalen")
    assert vangdalen[4] == "Ingen sikker forskel"
    assert re.fullmatch(r"\d+,\d %", vangdalen[2])
    # 2023: Kristrupvænget (< 10 answers) and Energivej (its partner) suppressed on
    # every battery item: the word, never a number.
    html = (site / "tryghed" / "2023.html").read_text(encoding="utf-8")
    for item_id in BATTERY:
        section = _section(html, item_id)
        for name in ("Kristrupvænget", "Energivej-området"):
            cells = _row_cells(section, name)
            assert cells[2] == "skjult", (item_id, cells)
            assert not re.search(r"\d", cells[3] + cells[6] + cells[7] + cells[8]), cells
    # The area page's compact table of the latest wave's items.
    area = (site / "omraade" / "vangdalen.html").read_text(encoding="utf-8")
    block = area[area.index('class="survey-items no-print"'):]
    for item in ITEMS.values():
        assert item.share_label_da in block[:block.index("</section>")]


@pytest.mark.e2e
def test_sample_survey_pages_draw_every_chart_and_fit_a_phone(sample_home, browser):
    site = (sample_home / "site").resolve()
    browser.driver.set_window_size(390, 900)
    try:
        for page in ("tryghed/2010.html", "en/tryghed/2023.html", "tryghed.html",
                     "omraade/vangdalen.html"):
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
            if page.startswith("tryghed/"):
                assert charts == 1 + len(BATTERY)
            wide = browser.run("return document.documentElement.scrollWidth - "
                               "document.documentElement.clientWidth")
            assert wide <= 0, f"{page} scrolls sideways by {wide} px at 390 px"
    finally:
        browser.driver.set_window_size(1280, 1000)


def test_an_item_with_every_area_suppressed_has_its_table_and_no_empty_chart(tmp_path):
    frames = item_frames()
    survey = frames["survey_results"]
    hide = (pl.col("item_id") == "wish_to_move") & (pl.col("wave_id") == "2010")
    frames["survey_results"] = survey.with_columns(
        [pl.when(hide).then(None).otherwise(pl.col(c)).alias(c)
         for c in ("n_positive", "share", "ci_low", "ci_high", "vs_rest")]
        + [pl.when(hide).then(True).otherwise(pl.col("suppressed")).alias("suppressed")])
    out = tmp_path / "site"
    build_site(frames, synthetic_refresh(), out)
    section = _section((out / "tryghed" / "2010.html").read_text(encoding="utf-8"),
                       "wish_to_move")
    assert 'id="item-wish-to-move"' not in section
    for name in ("Vangdalen", "Æblehaven", "Hele undersøgelsen"):
        cells = _row_cells(section, name)
        assert cells[2] == "skjult", cells
