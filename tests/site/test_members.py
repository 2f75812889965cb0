"""The afdelinger of each area (mart.area_afdelinger) on the area page, and the links
between a municipality's page and its printable report.

The site tests build the published table from its layout in indicators/tables.py
(the conftest's `_frame`); the end-to-end tests read the table and the pages the real
refresh of the shipped sample published (data/sample/areas/membership.csv: Energivej's
112-0075 belongs until 2018, Vangdalen's 112-0068 from 2012).
"""

from __future__ import annotations

import csv
import html
import re

import duckdb
import pytest

from indicators import tables
from indicators.site.build import build_site
from indicators.site.frames import FrameError
from indicators.site.members import AreaMembers
from indicators.site.model import SiteData
from indicators.site.options import SiteOptions
from tests.e2e.conftest import SAMPLE
from tests.site.browser import Browser
from tests.site.conftest import _frame, synthetic_frames, synthetic_refresh
from tests.site.test_print import PHONE, _draw_every_chart, pdf_pages, print_pdf

# Energivej: one afdeling throughout, one leaving after 2018, one joining in 2019.
ENERGIVEJ = [("027-0063", 2006, None, 2008, 2024, 17),
             ("112-0075", 2006, 2018, 2008, 2018, 11),
             ("112-0080", 2019, None, 2019, 2024, 6)]
# Gl. Jennumparken: unchanged in every data year.
JENNUM = [("027-0027", 2006, None, 2008, 2024, 17), ("027-0028", 2006, None, 2008, 2024, 17)]


def member_rows() -> list[dict]:
    return [{"area_id": area, "afdeling_id": a, "valid_from": f, "valid_to": t,
             "first_data_year": fd, "last_data_year": ld, "years_with_data": n}
            for area, rows in (("energivej", ENERGIVEJ), ("gl_jennumparken", JENNUM))
            for a, f, t, fd, ld, n in rows]


def frames_with_members():
    frames = synthetic_frames()
    frames["area_afdelinger"] = _frame("area_afdelinger", member_rows())
    return frames


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("members") / "site"
    build_site(frames_with_members(), synthetic_refresh(), out)
    return out


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def section(page: str) -> str:
    start = page.index('aria-labelledby="members-title"')
    return page[start:page.index("</section>", start)]


def member_table(page: str) -> dict[str, tuple[str, list[str]]]:
    """afdeling -> (data-change, the row's cells as read)."""
    block = section(page)
    out = {}
    for afdeling, change, cells in re.findall(
            r'<tr data-afdeling="([^"]+)" data-change="([^"]*)">(.*?)</tr>', block, re.S):
        out[afdeling] = (change, [_text(c) for c in
                                  re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", cells, re.S)])
    return out


def test_the_area_page_lists_its_afdelinger_from_the_mart_with_the_changes(site):
    page = (site / "omraade" / "energivej.html").read_text(encoding="utf-8")
    rows = member_table(page)
    assert list(rows) == [a for a, *_ in ENERGIVEJ]
    assert rows["027-0063"] == ("", ["027-0063", "hele perioden", "Ja", "17"])
    assert rows["112-0075"] == ("left", ["112-0075", "til 2018", "Nej", "11"])
    assert rows["112-0080"] == ("joined", ["112-0080", "fra 2019", "Ja", "6"])
    text = _text(section(page))
    assert "Listen 2024 regner med 2 afdelinger." in text
    assert "2008–2018: 2 afdelinger" in text
    assert "2019–2024: 2 afdelinger (kom til: 112-0080; gik ud: 112-0075)" in text


def test_the_english_page_says_the_same_in_english(site):
    page = (site / "en" / "omraade" / "energivej.html").read_text(encoding="utf-8")
    rows = member_table(page)
    assert rows["112-0075"] == ("left", ["112-0075", "until 2018", "No", "11"])
    assert rows["112-0080"] == ("joined", ["112-0080", "from 2019", "Yes", "6"])
    assert rows["027-0063"][1][1] == "throughout"
    text = _text(section(page))
    assert "The 2024 list counts 2 housing departments." in text
    assert "(joined: 112-0080; left: 112-0075)" in text
    assert "afdeling" not in text.lower()


def test_an_unchanged_area_shows_no_periods_and_no_changes(site):
    page = (site / "omraade" / "gl_jennumparken.html").read_text(encoding="utf-8")
    rows = member_table(page)
    assert {a: change for a, (change, _) in rows.items()} == {"027-0027": "", "027-0028": ""}
    assert "member-periods" not in section(page)
    assert "Afgrænsningen er den samme i alle de år, dataene dækker." in _text(section(page))


def test_an_area_the_table_does_not_name_has_no_section(site):
    page = (site / "omraade" / "vangdalen.html").read_text(encoding="utf-8")
    assert 'aria-labelledby="members-title"' not in page


def test_the_section_is_left_out_of_the_printed_handout(site):
    page = (site / "omraade" / "energivej.html").read_text(encoding="utf-8")
    assert re.search(r'<section aria-labelledby="members-title" class="[^"]*\bno-print\b', page)


def test_periods_split_the_data_years_where_the_membership_changes():
    members = AreaMembers(_frame("area_afdelinger", member_rows()))
    assert (members.first_year, members.last_year) == (2008, 2024)
    periods = members.periods("energivej")
    assert [(p.first, p.last, p.members, p.joined, p.left) for p in periods] == [
        (2008, 2018, ("027-0063", "112-0075"), (), ()),
        (2019, 2024, ("027-0063", "112-0080"), ("112-0080",), ("112-0075",))]
    assert [(p.first, p.last) for p in members.periods("gl_jennumparken")] == [(2008, 2024)]


def test_a_members_table_without_a_published_column_is_an_error_naming_it():
    frames = frames_with_members()
    frames["area_afdelinger"] = frames["area_afdelinger"].drop("valid_to")
    with pytest.raises(FrameError, match=r"mart.area_afdelinger lacks column\(s\) valid_to"):
        SiteData(frames, SiteOptions())


@pytest.mark.parametrize("lang_root", ["", "en/"])
def test_the_municipality_page_links_its_report_and_the_report_links_back(site, lang_root):
    kommune = site / lang_root / "kommune"
    page = (kommune / "730.html").read_text(encoding="utf-8")
    link = re.search(r'<a href="([^"]+)" data-report>([^<]+)</a>', page)
    assert link, "no report link on the municipality page"
    assert link.group(1) == "730_rapport.html" and (kommune / link.group(1)).is_file()
    assert html.unescape(link.group(2)) == ("Printable report" if lang_root
                                            else "Rapport til udskrift")
    report = (kommune / "730_rapport.html").read_text(encoding="utf-8")
    back = re.search(r'<a class="no-print" href="([^"]+)" data-kommune>([^<]+)</a>', report)
    assert back and back.group(1) == "730.html"
    assert html.unescape(back.group(2)) == (
        "To the municipality page: Randers Kommune" if lang_root
        else "Til kommunens side: Randers Kommune")


# --- phone and print, in Debian's Chromium ---------------------------------------


@pytest.fixture(scope="module")
def browser():
    with Browser(block_network=True) as b:
        yield b


@pytest.mark.e2e
@pytest.mark.parametrize("page", ["omraade/energivej.html", "en/omraade/energivej.html"])
def test_the_section_fits_a_phone_and_stays_off_the_handout(site, browser, page, tmp_path):
    browser.driver.set_window_size(PHONE, 900)
    try:
        browser.open((site / page).as_uri())
        _draw_every_chart(browser)
        assert browser.run("return document.scrollingElement.scrollWidth") <= PHONE
        shown = browser.run(
            "return [...document.querySelectorAll('#members-table thead th')]"
            ".map(th => getComputedStyle(th).display !== 'none')")
        assert shown == [True, True, True, False]  # years with data: secondary, off a phone
    finally:
        browser.driver.set_window_size(1280, 1000)
    assert 1 <= len(pdf_pages(print_pdf(browser, (site / page).as_uri(),
                                        tmp_path / "area.pdf"))) <= 2


# --- through the real refresh of the shipped sample ------------------------------


@pytest.fixture(scope="module")
def db(sample_home):
    conn = duckdb.connect(str(sample_home / "serving" / "boligmonitor.duckdb"), read_only=True)
    yield conn
    conn.close()


def _membership_file() -> list[tuple]:
    with open(SAMPLE / "areas" / "membership.csv", encoding="utf-8-sig", newline="") as f:
        return sorted((r["area_id"], r["afdeling_id"], int(r["valid_from"]),
                       int(r["valid_to"]) if r["valid_to"].strip() else None)
                      for r in csv.DictReader(f, delimiter=";"))


@pytest.mark.e2e
def test_the_warehouse_publishes_the_membership_as_read(db):
    columns = [r[0] for r in db.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'mart' AND "
        "table_name = 'area_afdelinger' ORDER BY column_index").fetchall()]
    assert columns == tables.AREA_AFDELINGER.column_names()
    published = db.execute("SELECT area_id, afdeling_id, valid_from, valid_to "
                           "FROM mart.area_afdelinger ORDER BY ALL").fetchall()
    assert published == _membership_file()


@pytest.mark.e2e
def test_the_warehouse_declares_the_key_and_the_required_columns(db):
    constraints = db.execute(
        "SELECT constraint_type, constraint_column_names FROM duckdb_constraints() "
        "WHERE schema_name = 'mart' AND table_name = 'area_afdelinger'").fetchall()
    assert ("PRIMARY KEY", ["area_id", "afdeling_id", "valid_from"]) in constraints
    not_null = {cols[0] for kind, cols in constraints if kind == "NOT NULL"}
    assert not_null == {"area_id", "afdeling_id", "valid_from", "years_with_data"}


@pytest.mark.e2e
def test_the_data_years_of_a_changed_membership(db):
    first, last = db.execute("SELECT min(year), max(year) FROM mart.area_year").fetchone()
    rows = {a: rest for a, *rest in db.execute(
        "SELECT afdeling_id, first_data_year, last_data_year, years_with_data "
        "FROM mart.area_afdelinger WHERE area_id = 'energivej'").fetchall()}
    assert rows["112-0075"][:2] == [first, 2018]
    assert rows["027-0063"][:2] == [first, last]
    # Each year an afdeling belongs to the area, the sample delivers its cells.
    assert rows["112-0075"][2] == 2018 - first + 1
    (joined,) = db.execute("SELECT first_data_year FROM mart.area_afdelinger WHERE "
                           "afdeling_id = '112-0068'").fetchone()
    assert joined == 2012
    # mart.area_year counts the same afdelinger the table lists, year by year.
    mismatched = db.execute("""
        SELECT y.area_id, y.year FROM mart.area_year y
        LEFT JOIN mart.area_afdelinger m ON m.area_id = y.area_id
         AND y.year BETWEEN m.valid_from AND coalesce(m.valid_to, 9999)
        GROUP BY y.area_id, y.year, y.afdelinger HAVING count(m.afdeling_id) <> y.afdelinger
    """).fetchall()
    assert mismatched == []


@pytest.mark.e2e
def test_the_published_area_page_shows_the_sample_s_changes(sample_home):
    site = sample_home / "site"
    energivej = member_table((site / "omraade" / "energivej.html").read_text("utf-8"))
    assert energivej["112-0075"][0] == "left" and energivej["112-0075"][1][1] == "til 2018"
    assert energivej["027-0063"][1][1] == "hele perioden"
    vangdalen = member_table((site / "en" / "omraade" / "vangdalen.html").read_text("utf-8"))
    assert vangdalen["112-0068"][0] == "joined" and vangdalen["112-0068"][1][1] == "from 2012"
