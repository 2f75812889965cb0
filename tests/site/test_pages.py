import csv
import datetime as dt
import re

import fastexcel
import plotly.offline
import polars as pl
import pytest

from indicators.site import vendor
from indicators.site.build import build_site
from indicators.site.formatting import locale
from indicators.site.options import SiteOptions
from tests.site.conftest import synthetic_frames, synthetic_geojson, synthetic_refresh
from tests.site.site_checks import broken_links, html_pages, oversized, page_refs


def test_site_has_every_page_kind(synthetic_site):
    site, pages = synthetic_site
    names = {p.relative_to(site).as_posix() for p in pages}
    assert {"index.html", "metode.html", "tryghed.html", "tryghed/2010.html",
            "tryghed/2012.html", "omraade/vangdalen.html", "omraade/aabyhoej.html"} <= names
    assert len([n for n in names if n.startswith("omraade/")]) == 8
    assert set(html_pages(site)) == set(pages)


def test_plotly_is_shared_and_only_a_page_with_a_map_loads_the_full_bundle(synthetic_site):
    site, pages = synthetic_site
    # Vendored by `make install` (indicators/site/vendor.py); without it every page would
    # load the full bundle, and this test says so rather than passing.
    assert vendor.vendored() is not None, "run `make install`: no vendored plotly-basic.min.js"
    assert sorted(p.name for p in site.rglob("plotly*.js")) == [
        "plotly-basic.min.js", "plotly.min.js"]
    assert oversized(site) == []
    maps = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        # plotly.js is never inlined; each page loads one shared copy by a relative path.
        assert "Plotly.register" not in text and len(text) < 500_000
        if '<div class="plot"' not in text:
            assert "plotly" not in text.split("</head>")[0], page
            continue
        root = "../" * page.relative_to(site).as_posix().count("/")
        has_map = '"type":"choropleth"' in text or '"type":"scattergeo"' in text
        bundle = "plotly.min.js" if has_map else "plotly-basic.min.js"
        assert re.findall(r'src="[^"]*plotly[^"]*"', text) == [f'src="{root}{bundle}"'], page
        maps += [page.relative_to(site).as_posix()] if has_map else []
    # The overviews draw the map; the area, survey and municipality pages draw none.
    assert "index.html" in maps and "en/index.html" in maps
    assert not [m for m in maps if "omraade/" in m or "kommune/" in m]


def test_the_basic_bundle_is_plotly_pys_own_release():
    full = plotly.offline.get_plotlyjs()[:200]
    release = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", full).group(1)
    assert release == vendor.VERSION, (
        f"plotly.py ships plotly.js {release}: pin {vendor.PACKAGE} {release} in vendor.py")
    assert vendor.vendored() is not None, "run `make install`: no vendored plotly-basic.min.js"
    head = vendor.BASIC.read_bytes()[:200].decode()
    assert f"(basic - minified) v{release}" in head


def test_a_tarball_that_is_not_the_pinned_one_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"integrity sha512-.*expected sha512-1oNF8"):
        vendor.unpack(b"not the package", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_links_resolve_and_nothing_points_off_the_machine(synthetic_site):
    site, _ = synthetic_site
    assert broken_links(site) == []


def test_no_web_fonts_cdn_or_tiles(synthetic_site):
    site, pages = synthetic_site
    css = (site / "static" / "site.css").read_text(encoding="utf-8")
    assert "@import" not in css and "url(" not in css and "@font-face" not in css
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "cdn.plot.ly" not in text and "mapbox" not in text.lower()
        assert "tile" not in text.lower()


def test_geo_stub_is_defined_before_plotly_loads(synthetic_site):
    site, _ = synthetic_site
    text = (site / "index.html").read_text(encoding="utf-8")
    assert text.index("window.PlotlyGeoAssets") < text.index('src="plotly.min.js"')
    assert '"world_110m"' in text


def test_overview_shows_status_colour_words_and_reasons(synthetic_site):
    site, _ = synthetic_site
    text = (site / "index.html").read_text(encoding="utf-8")
    assert "listen 1. december 2024" in text and "2021-reglerne" in text
    # Each colour badge carries an icon and a word.
    for word, key in (("Rød", "roed"), ("Orange", "orange"), ("Gul", "gul"),
                      ("Grøn", "groen")):
        assert re.search(rf'badge-{key}"><svg[^>]*><use href="#icon-{key}"></use></svg>{word}',
                         text)
    attention = text[text.index("Her bør der handles"):text.index("Alle områder")]
    # Most severe first: the red areas before the orange and the yellow ones.
    assert attention.index("Gl. Jennumparken") < attention.index("Hermann Stillingsvej") \
        < attention.index("Energivej-området")
    # Reasons in words from the signals' codes and numbers, never the codes.
    assert "K1 uden for arbejde og uddannelse: 45,2\u00a0% mod tærsklen over 40,0\u00a0%" \
        in attention
    assert "men har 985 beboere (grænsen er 1.000)" in attention
    assert "Ét kriterium fra forebyggelsesområde: K4 indkomst i forhold til regionen: " \
        "65,8\u00a0% mod tærsklen under 65,0\u00a0% (0,8\u00a0procentpoint fra)" in attention
    visible = re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", "", text, flags=re.S))
    for code in ("k2_domte", "k5_ikkevestlige", "forebyggelsesomraade", "udsat:"):
        assert code not in visible
    assert "Ændring siden 2023" in text
    assert "Offentliggjort liste" in text


def test_every_card_and_row_carries_area_and_signal_codes(synthetic_site):
    site, _ = synthetic_site
    text = (site / "index.html").read_text(encoding="utf-8")
    cards = re.findall(r'<li class="area-card[^"]*" data-area="([a-z_]+)" '
                       r'data-signals="([a-z ]*)"', text)
    assert dict(cards)["gl_jennumparken"] == "status"
    assert dict(cards)["hermann_stillingsvej"].split()[0] == "floor"
    rows = re.findall(r'<tr data-area="([a-z_]+)" data-signals="([a-z ]*)"', text)
    assert len(rows) == 8 and dict(rows)["aeblehaven"] == ""


def test_vangdalen_is_yellow_with_its_survey_signal_on_the_2010_and_2011_lists(synthetic_site):
    site, _ = synthetic_site
    for year in (2010, 2011):
        text = (site / "liste" / f"{year}.html").read_text(encoding="utf-8")
        card = text[text.index('data-area="vangdalen"'):]
        card = card[:card.index("</li>")]
        assert 'data-signals="survey"' in card and 'data-colour="yellow"' in card
        assert "Tryghed 2010: 36\u00a0% utrygge mod 12\u00a0% i resten af undersøgelsen" in card
    # The 2012 wave decides for Vangdalen (no difference): no survey signal any more.
    text = (site / "liste" / "2012.html").read_text(encoding="utf-8")
    assert not re.search(r'data-area="vangdalen" data-signals="[^"]*survey', text)


def test_list_year_pages_and_municipality_pages_exist_in_both_languages(synthetic_site):
    site, pages = synthetic_site
    names = {p.relative_to(site).as_posix() for p in pages}
    for root in ("", "en/"):
        assert {f"{root}liste/{y}.html" for y in range(2010, 2024)} <= names
        assert {f"{root}kommune/730.html", f"{root}kommune/751.html"} <= names
        assert f"{root}index.html" in names and f"{root}liste/2024.html" not in names
    da = {n for n in names if not n.startswith("en/")}
    assert {"en/" + n for n in da} == names - da  # English mirrors every page
    assert (site / "search-index.js").read_text(encoding="utf-8").startswith(
        "window.BOLIGMONITOR_SEARCH = [")


def test_language_switch_links_the_same_page_in_the_other_language(synthetic_site):
    site, _ = synthetic_site
    da = (site / "kommune" / "730.html").read_text(encoding="utf-8")
    en = (site / "en" / "kommune" / "730.html").read_text(encoding="utf-8")
    assert '<html lang="da">' in da and '<html lang="en">' in en
    assert 'href="../en/kommune/730.html" hreflang="en"' in da
    assert 'href="../../kommune/730.html" hreflang="da"' in en
    assert "Randers Kommune: social housing areas on the list of 1 December 2024" in en
    assert 'src="../../plotly-basic.min.js"' in en and 'src="../search-index.js"' in en


def test_municipality_page_orders_its_areas_by_severity_with_changes_and_what_if(
        synthetic_site):
    site, _ = synthetic_site
    text = (site / "kommune" / "730.html").read_text(encoding="utf-8")
    in_force = text[text.index('data-regime="2021"'):]
    in_force = in_force[:in_force.index('class="regime-block"')]
    order = re.findall(r'<li class="area-card[^"]*" data-area="([a-z_]+)"', in_force)
    assert order[:2] == ["gl_jennumparken", "glarbjergvej"]
    assert order[-1] not in ("gl_jennumparken", "glarbjergvej", "hermann_stillingsvej")
    assert "Tendens: K1 falder 0,2\u00a0procentpoint pr. år" in in_force
    # What-if: every other regime evaluated has its own hidden block.
    for regime in ("2010", "2013", "2018"):
        assert f'<div class="regime-block" data-regime="{regime}" hidden>' in text
    # Changes from mart.status_changes, with the list they happened on.
    changes = text[text.index('id="changes-title"'):]
    assert "Listen 1. december 2018" in changes and "Ude: Ghettoområde" in changes
    # The Aarhus areas are on Aarhus' page only.
    assert "aeblehaven" not in in_force


def test_area_status_box_says_colour_why_prevention_survey_then_details(synthetic_site):
    site, _ = synthetic_site
    text = (site / "omraade" / "energivej.html").read_text(encoding="utf-8")
    box = text[text.index('class="status-box'):]
    box = box[:box.index("</section>")]
    parts = [box.index(s) for s in ("Hvorfor", "Forebyggelseskriterierne",
                                    "Seneste tryghedsundersøgelse", "Detaljer")]
    assert parts == sorted(parts)
    # The forebyggelse thresholds: 30 %, 2 x the national average, 65 %.
    assert "mod tærsklen over 30,0\u00a0%" in box
    assert "mod tærsklen mindst 1,8\u00a0%" in box or "K2 dømte: ukendt" in box
    assert "mod tærsklen under 65,0\u00a0%" in box
    vangdalen = (site / "omraade" / "vangdalen.html").read_text(encoding="utf-8")
    assert "Tryghed 2012: 25\u00a0% utrygge om aftenen" in vangdalen


def test_overview_uses_decimal_comma_everywhere(synthetic_site):
    site, _ = synthetic_site
    text = (site / "index.html").read_text(encoding="utf-8")
    visible = re.sub(r"<script.*?</script>", "", text, flags=re.S)
    visible = re.sub(r"<[^>]+>", " ", visible)
    assert not re.search(r"\d\.\d\s?%", visible), "a decimal point before a percent sign"
    assert "1.270" in visible  # thousands separator


def test_overview_rows_in_danish_order_with_municipality_filter(synthetic_site):
    site, _ = synthetic_site
    text = (site / "index.html").read_text(encoding="utf-8")
    table = text[text.index('id="status-table"'):]
    order = [m for m in re.findall(r'<th scope="row"><a href="omraade/([a-z_]+)\.html"', table)]
    assert order[-3:] == ["aeblehaven", "oestergaard", "aabyhoej"]
    assert 'id="municipality-filter"' in text
    assert "Randers Kommune" in text and "Aarhus Kommune" in text


def test_every_chart_has_title_summary_and_table(synthetic_site):
    site, pages = synthetic_site
    charts = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for match in re.finditer(r'<div class="plot" id="([^"]+)"', text):
            charts += 1
            chart_id = match.group(1)
            block = text[text.rindex("<figure", 0, match.start()):]
            assert f'<h3 class="chart-title" id="{chart_id}-title">' in block[:400]
            caption = re.search(r'<figcaption class="summary">(.*?)</figcaption>', block, re.S)
            assert caption and len(caption.group(1).strip()) > 20
            after = block[block.index("</figure>"):]
            assert '<details class="chart-table' in after[:200]
            assert "<table" in after[:3000]
    assert charts >= 8 * 6


def test_area_page_has_thresholds_projection_survey_and_provenance(synthetic_site):
    site, _ = synthetic_site
    text = (site / "omraade" / "gl_jennumparken.html").read_text(encoding="utf-8")
    for chart in ("trend-k1", "trend-k2", "trend-k3", "trend-k4", "trend-k5", "survey"):
        assert f'id="{chart}"' in text
    assert "Fremskrevet tendens" in text
    assert "Hele undersøgelsen" in text
    assert "Hvor kommer tallene fra?" in text
    assert "kaas/kaas_2024-05-01.csv" in text and "abababababab" in text
    assert "abababababababab" not in text  # only the prefix
    assert "K1 på listen 2024: 2022\u20132023" in text
    assert "test-refresh-0001" in text and "27. november" in text or "kl." in text
    assert "Randers Kommunes almene boliger" in text


def test_year_ranges_in_the_criteria_tables_and_downloads_take_an_en_dash(synthetic_site):
    # The marts write data years as "2022-2023"; the site writes a range as 2022–2023.
    site, _ = synthetic_site
    text = (site / "omraade" / "gl_jennumparken.html").read_text(encoding="utf-8")
    tables = text[text.index('<table class="data"'):]
    assert re.search(r"<td[^>]*>2022\u20132023</td>", tables)
    assert not re.search(r">\d{4}-\d{4}<", text)
    for name in ("gl_jennumparken_noegletal.csv", "gl_jennumparken_k1.csv"):
        csv_text = (site / "omraade" / name).read_text(encoding="utf-8-sig")
        assert "2022\u20132023" in csv_text and not re.search(r"\d{4}-\d{4}", csv_text)


def test_no_caption_or_heading_nests_parentheses(synthetic_site):
    # A regime's name carries its period in parentheses ("2021-reglerne (fra 2021)"):
    # a caption that put it in parentheses again read "listen 2024 (2021-reglerne (fra
    # 2021))".
    site, _ = synthetic_site
    nested = re.compile(r"\([^()]*\(")
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        for kind in ("caption", "h1", "h2", "h3"):
            for found in re.findall(rf"<{kind}[^>]*>(.*?)</{kind}>", text, re.S):
                words = re.sub(r"<[^>]+>", "", found)
                assert not nested.search(words), f"{page.relative_to(site)}: {words}"


def test_area_table_marks_suppressed_and_unknown(synthetic_site):
    site, _ = synthetic_site
    text = (site / "omraade" / "energivej.html").read_text(encoding="utf-8")
    assert "Diskretioneret" in text
    assert '<span class="unknown">ukendt</span>' in text


def test_survey_page_flags_vangdalen_but_not_the_wide_interval(synthetic_site):
    site, _ = synthetic_site
    text = (site / "tryghed" / "2010.html").read_text(encoding="utf-8")
    flagged = re.findall(r'<li class="flagged" data-area-id="([a-z_]+)"', text)
    assert flagged == ["vangdalen"]
    assert "36,0\u00a0%" in text
    wide = text[text.index('class="wide-note"'):]
    assert 'data-area-id="hermann_stillingsvej"' in wide[:600]
    assert "Skjult: for få svar" in text
    assert "I hele undersøgelsen var 17," in text or "17,0" in text
    # 2012: nobody stands out.
    text2012 = (site / "tryghed" / "2012.html").read_text(encoding="utf-8")
    assert 'class="flagged"' not in text2012


def test_every_table_downloads_as_danish_csv_and_xlsx(synthetic_site):
    site, pages = synthetic_site
    count = 0
    for page in pages:
        refs, _ = page_refs(page)
        csvs = [v for tag, attr, v in refs if v.endswith(".csv")]
        xlsxs = [v for tag, attr, v in refs if v.endswith(".xlsx")]
        assert len(csvs) == len(xlsxs)
        # A municipality's print report repeats its areas' tables, whose downloads are
        # on the area pages.
        if not page.name.endswith("_rapport.html"):
            assert page.read_text(encoding="utf-8").count("<table") <= len(csvs) + 1
        for href in csvs:
            path = page.parent / href
            assert path.parent == page.parent  # next to the page
            raw = path.read_bytes()
            assert raw.startswith(b"\xef\xbb\xbf")
            lang = "en" if page.relative_to(site).as_posix().startswith("en/") else "da"
            rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(),
                                   delimiter=locale(lang).csv_delimiter))
            assert len(rows) >= 2 and all(len(r) == len(rows[0]) for r in rows)
            count += 1
        # Every table's XLSX link is to the page's one workbook, a sheet per table and
        # one naming them, the link's sheet number the table's place on the page.
        assert set(xlsxs) <= {f"{page.stem}.xlsx"}
        if xlsxs:
            reader = fastexcel.read_excel(str(page.parent / xlsxs[0]))
            assert len(reader.sheet_names) == len(xlsxs) + 1
            assert reader.sheet_names[-1] in ("About the tables", "Om tabellerne")
            text = page.read_text(encoding="utf-8")
            numbers = [int(n) for n in re.findall(r"\((?:XLSX, )?(?:ark|sheet) (\d+)\)", text)]
            assert numbers == list(range(1, len(xlsxs) + 1)), page.name
    assert count > 50


def test_csv_numbers_use_decimal_comma_without_thousands(synthetic_site):
    site, _ = synthetic_site
    text = (site / "kommune" / "730_rangering_k1.csv").read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("Nr.;Område;Værdi (%);Grænse (%)")
    assert "Hermann Stillingsvej-området;46,0;40,0;" in text
    status = (site / "index_status.csv").read_text(encoding="utf-8-sig")
    assert ";1270;" in status and "1.270" not in status
    page = (site / "kommune" / "730.html").read_text(encoding="utf-8")
    sheet = re.search(r'href="730_rangering_k1\.csv" download>CSV</a> · <a href="730\.xlsx" '
                      r'download title="[^"]*">Excel \(XLSX, ark (\d+)\)', page)
    xlsx = fastexcel.read_excel(str(site / "kommune" / "730.xlsx")).load_sheet(
        int(sheet[1]) - 1).to_polars()
    assert xlsx["Værdi (%)"].dtype == pl.Float64 and xlsx["Værdi (%)"][0] == 46.0


def test_every_page_states_its_refresh_time_and_stale_limit(synthetic_site):
    site, pages = synthetic_site
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert re.search(r'data-refreshed="\d{4}-\d\d-\d\dT[^"]+\+00:00"', text)
        assert 'data-stale-hours="36' in text
        assert 'id="stale-warning"' in text
        if page.relative_to(site).as_posix().startswith("en/"):
            assert '<html lang="en">' in text and "Data refreshed" in text
        else:
            assert '<html lang="da">' in text and "Data opdateret" in text


def test_method_page_covers_criteria_warning_suppression_and_lag(synthetic_site):
    site, _ = synthetic_site
    text = (site / "metode.html").read_text(encoding="utf-8")
    for heading in ("Kriterier og regelsæt", "Tidligt varsel", "Skjulte og ukendte tal",
                    "Dataforsinkelse", "Beboerundersøgelser", "Farverne"):
        assert heading in text
    assert "36 timer" in text and "to år forsinket" in text


def test_build_refuses_a_folder_in_use(tmp_path):
    (tmp_path / "old.html").write_text("x")
    with pytest.raises(ValueError, match="not empty"):
        build_site(synthetic_frames(), synthetic_refresh(), tmp_path)


def test_build_names_a_missing_table_or_column(tmp_path):
    frames = synthetic_frames()
    del frames["area_status"]
    with pytest.raises(ValueError, match="area_status"):
        build_site(frames, synthetic_refresh(), tmp_path / "a")
    frames = synthetic_frames()
    frames["areas"] = frames["areas"].drop("region_code")
    with pytest.raises(ValueError, match="region_code"):
        build_site(frames, synthetic_refresh(), tmp_path / "b")


def test_site_with_empty_optional_tables_and_no_map(tmp_path):
    out = tmp_path / "site"
    pages = build_site(synthetic_frames(optional=False), synthetic_refresh(), out,
                       geojson=None, options=SiteOptions(stale_after_hours=12))
    text = (out / "index.html").read_text(encoding="utf-8")
    assert 'id="map"' not in text
    assert "Offentliggjort liste" not in text  # mart.official_comparison is empty
    assert 'data-stale-hours="12' in text
    assert broken_links(out) == []
    names = {p.relative_to(out).as_posix() for p in pages}
    danish = {n for n in names if not n.startswith("en/")}
    assert len(danish) >= 29 and {"en/" + n for n in danish} == names - danish


def test_failed_runs_are_announced(tmp_path):
    refresh = synthetic_refresh(dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
    refresh["failed_runs_since_last_publish"] = ["run-1 2026-01-03", "run-2 2026-01-04"]
    build_site(synthetic_frames(), refresh, tmp_path / "s", geojson=synthetic_geojson())
    text = (tmp_path / "s" / "index.html").read_text(encoding="utf-8")
    assert "2 opdateringer er fejlet" in text


def test_municipality_page_lists_refresh_changes_with_their_date(synthetic_site):
    site, _ = synthetic_site
    text = (site / "kommune" / "730.html").read_text(encoding="utf-8")
    alerts = text[text.index('id="alerts-title"'):text.index('id="changes-title"')]
    assert "4. marts 2025</time>: " in alerts
    assert "Vangdalen</a> skiftede fra grøn til gul" in alerts
    assert "nye signaler: Tæt på listen (forebyggelsesområde, K2)" in alerts
    assert "near:" not in alerts and "k2_domte" not in alerts
    english = (site / "en" / "kommune" / "730.html").read_text(encoding="utf-8")
    assert "4 March 2025</time>: " in english and "changed from green to yellow" in english
    # Aarhus' page has no such change.
    assert "Vangdalen" not in (site / "kommune" / "751.html").read_text(encoding="utf-8")
