"""Downloads people can use: header on row 1 with units, frozen and filtered, numbers as
numbers, codes as words, and CSV cells that cannot run as formulas."""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

import fastexcel
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.site.datatable import (
    NOT_APPLICABLE,
    Column,
    DataTable,
    Link,
    _cell_slowly,
    neutralise,
    write_csv,
    write_downloads,
    write_xlsx,
)
from indicators.site.vocabulary import CATEGORIES


def _table(lang: str = "da") -> DataTable:
    return DataTable(
        slug="t", caption="Kriterierne for Gl. Jennumparken", lang=lang,
        note="Afstand: positiv = opfyldt.",
        columns=[Column("area", "Område"), Column("category", "Farve", "category"),
                 Column("value", "Værdi", "pct1"), Column("threshold", "Grænse", "pct2"),
                 Column("margin", "Afstand", "pp1"), Column("residents", "Beboere", "int",
                                                             unit="persons"),
                 Column("income", "Indkomst", "dkk"), Column("meets", "Opfyldt", "bool3"),
                 Column("year", "Listeår", "year"), Column("mark", "Mærke")],
        rows=[
            {"area": "=HYPERLINK(\"http://x\")", "category": "roed", "value": 44.25,
             "threshold": 2.88, "margin": -0.8, "residents": 1270, "income": 312000.4,
             "meets": True, "year": 2024, "mark": "-skjult"},
            {"area": "+45 Vej", "category": "groen", "value": None, "threshold": 40,
             "margin": NOT_APPLICABLE, "residents": 13, "income": None, "meets": None,
             "year": 2023, "mark": "@note"},
            {"area": "Vangdalen", "category": "ukendt", "value": -3.14, "threshold": 30,
             "margin": 3.0, "residents": 999, "income": 1, "meets": False, "year": 2022,
             "mark": ""},
        ],
    )


def _xml(path: Path, part: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(part).decode("utf-8")


def test_xlsx_header_on_row_one_with_units_frozen_and_filtered(tmp_path):
    path = tmp_path / "t.xlsx"
    write_xlsx(_table(), path)
    reader = fastexcel.read_excel(str(path))
    assert reader.sheet_names == ["1 Kriterierne for Gl. Jennumpar", "Om tabellerne"]
    frame = reader.load_sheet(0).to_polars()
    assert frame.columns == ["Område", "Farve", "Værdi (%)", "Grænse (%)",
                             "Afstand (procentpoint)", "Beboere (personer)", "Indkomst (kr.)",
                             "Opfyldt", "Listeår", "Mærke"]
    assert frame.height == 3
    # Numbers are numbers, unknown is empty (never 0, never the word "ukendt").
    assert frame["Værdi (%)"].dtype == pl.Float64
    assert frame["Værdi (%)"].to_list() == [44.3, None, -3.1]
    assert frame["Grænse (%)"].to_list() == [2.88, 40.0, 30.0]
    assert frame["Afstand (procentpoint)"].to_list() == [-0.8, None, 3.0]
    assert frame["Beboere (personer)"].to_list() == [1270, 13, 999]
    assert frame["Indkomst (kr.)"].to_list() == [312000, None, 1]
    assert frame["Listeår"].to_list() == [2024, 2023, 2022]
    # Codes are written as the words the page shows.
    assert frame["Farve"].to_list() == [CATEGORIES[c].label for c in ("roed", "groen", "ukendt")]
    assert frame["Opfyldt"].to_list() == ["Ja", "Ukendt", "Nej"]
    # Text stays text: an XLSX inline string is never a formula.
    sheet = _xml(path, "xl/worksheets/sheet1.xml")
    assert "<f>" not in sheet and frame["Område"][0] == '=HYPERLINK("http://x")'
    assert re.search(r'<pane xSplit="1" ySplit="1" topLeftCell="B2" activePane="bottomRight" '
                     r'state="frozen"/>', sheet)
    assert '<autoFilter ref="A1:J4"/>' in sheet
    workbook = _xml(path, "xl/workbook.xml")
    assert "'1 Kriterierne for Gl. Jennumpar'!$A$1:$J$4</definedName>" in workbook
    about = reader.load_sheet(1).to_polars()
    assert about.rows() == [("1 Kriterierne for Gl. Jennumpar", "Kriterierne for Gl. Jennumparken",
                             "Afstand: positiv = opfyldt.")]
    assert about.columns == ["Ark", "Tabel", "Note"]


def test_xlsx_in_english(tmp_path):
    path = tmp_path / "t.xlsx"
    table = _table("en")
    write_xlsx(table, path)
    reader = fastexcel.read_excel(str(path))
    assert reader.sheet_names == ["1 Kriterierne for Gl. Jennumpar", "About the tables"]
    frame = reader.load_sheet(0).to_polars()
    assert "Afstand (percentage points)" in frame.columns and "Indkomst (DKK)" in frame.columns
    assert frame["Opfyldt"].to_list() == ["Yes", "Unknown", "No"]


def test_a_page_workbook_holds_every_table_as_a_sheet_of_its_own(tmp_path):
    """One workbook a page: each table on its own numbered sheet (the number the page's
    link names), frozen and filtered; the last sheet names each sheet's table in full."""
    first = _table()
    second = DataTable(slug="k4", caption="K4's indkomst, Gl. Jennumparken: alle år",
                       columns=[Column("year", "Listeår", "year"),
                                Column("income", "Indkomst", "dkk")],
                       rows=[{"year": 2023, "income": 250000}, {"year": 2024, "income": None}])
    workbook = write_downloads([second, first], tmp_path, "gl_jennumparken")
    # Numbered as the page shows them, whatever order the page listed them in.
    assert (first.xlsx_href, first.xlsx_sheet()) == ("gl_jennumparken.xlsx", 1)
    assert (second.xlsx_href, second.xlsx_sheet(), first.xlsx_sheet()) == (
        "gl_jennumparken.xlsx", 2, 1)
    workbook.write([second, first])
    assert first.csv_href == "gl_jennumparken_t.csv" and second.csv_href == "gl_jennumparken_k4.csv"
    assert (tmp_path / "gl_jennumparken_k4.csv").is_file()
    assert sorted(p.name for p in tmp_path.glob("*.xlsx")) == ["gl_jennumparken.xlsx"]
    path = tmp_path / "gl_jennumparken.xlsx"
    reader = fastexcel.read_excel(str(path))
    assert reader.sheet_names == ["1 Kriterierne for Gl. Jennumpar",
                                  "2 K4's indkomst, Gl. Jennumpark", "Om tabellerne"]
    assert reader.load_sheet(1).to_polars().rows() == [(2023, 250000), (2024, None)]
    assert reader.load_sheet(0).to_polars().height == 3
    sheet = _xml(path, "xl/worksheets/sheet2.xml")
    assert 'state="frozen"' in sheet and '<autoFilter ref="A1:B3"/>' in sheet
    # The filter's defined name quotes the sheet, its apostrophe written twice.
    assert "'2 K4''s indkomst, Gl. Jennumpark'!$A$1:$B$3" in _xml(path, "xl/workbook.xml")
    about = reader.load_sheet(2).to_polars()
    assert about["Tabel"].to_list() == [first.caption, second.caption]
    assert about["Note"].to_list() == [first.note, None]


def test_csv_text_cannot_run_as_a_formula_but_numbers_stay_numbers(tmp_path):
    path = tmp_path / "t.csv"
    write_csv(_table(), path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    header, first, second, third = rows
    assert header[2] == "Værdi (%)" and header[4] == "Afstand (procentpoint)"
    assert first[0] == "'=HYPERLINK(\"http://x\")"
    assert second[0] == "'+45 Vej" and second[9] == "'@note" and first[9] == "'-skjult"
    # A negative number is a number: no apostrophe, Danish decimal comma, plain minus.
    assert first[4] == "-0,8" and third[2] == "-3,1"
    assert first[2] == "44,3" and first[3] == "2,88" and first[5] == "1270"
    assert first[1] == "Rød" and second[2] == "" and second[4] == ""


def test_english_csv_uses_commas_and_points(tmp_path):
    path = tmp_path / "t.csv"
    write_csv(_table("en"), path)
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[1][2] == "44.3" and rows[1][4] == "-0.8" and rows[1][5] == "1270"


def test_nan_is_unknown_in_the_page_the_csv_and_the_xlsx(tmp_path):
    """A NaN reaching a table (a float column's missing value) is unknown, as None is:
    never "nan" in a cell, never a crash on a whole-number column."""
    nan = float("nan")
    table = _table()
    table.rows = [{**row, **{key: nan for key in ("value", "threshold", "margin", "residents",
                                                  "income", "meets", "year", "mark")}}
                  for row in table.rows[:1]]
    write_csv(table, tmp_path / "t.csv")
    write_xlsx(table, tmp_path / "t.xlsx")
    html = "".join(cell for column in table.cells().html for cell in column)
    assert "nan" not in html.lower() and html.count('class="unknown"') == 7
    header, row = list(csv.reader((tmp_path / "t.csv").read_text(encoding="utf-8-sig")
                                  .splitlines(), delimiter=";"))
    assert row[2:] == ["", "", "", "", "", "Ukendt", "", ""]
    frame = fastexcel.read_excel(str(tmp_path / "t.xlsx")).load_sheet(0).to_polars()
    assert frame.row(0)[2:] == (None, None, None, None, None, "Ukendt", None, None)
    assert "nan" not in _xml(tmp_path / "t.xlsx", "xl/worksheets/sheet1.xml").lower()


@pytest.mark.parametrize(("text", "expected"), [
    ("=1+1", "'=1+1"), ("+45", "'+45"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("Vangdalen", "Vangdalen"), ("", ""),
    ("\u22123,1 procentpoint", "\u22123,1 procentpoint"),  # a real minus sign is no formula
])
def test_neutralise(text, expected):
    assert neutralise(text) == expected


def test_every_download_of_the_synthetic_site_is_usable(synthetic_site):
    site, _ = synthetic_site
    codes = set(CATEGORIES) | {"udsat", "parallelsamfund", "omdannelsesomraade",
                               "forebyggelsesomraade", "k1_uden_tilknytning", "k2_domte",
                               "k3_grundskole", "k4_indkomst", "k5_ikkevestlige"}
    files = sorted(site.rglob("*.xlsx"))
    assert len(files) > 20
    for path in files:
        reader = fastexcel.read_excel(str(path))
        assert reader.sheet_names[-1] in ("Om tabellerne", "About the tables"), path.name
        for number in range(1, len(reader.sheet_names)):  # the last one names the tables
            _assert_usable(reader.load_sheet(number - 1).to_polars(), codes,
                           f"{path.name} sheet {number}")
            sheet = _xml(path, f"xl/worksheets/sheet{number}.xml")
            assert 'state="frozen"' in sheet and "<autoFilter " in sheet, (path.name, number)


def _assert_usable(frame: pl.DataFrame, codes: set[str], where: str) -> None:
    assert frame.height >= 1, where
    for name in frame.columns:
        assert not name.startswith("__UNNAMED"), f"{where}: empty header cell"
        column = frame[name]
        if column.dtype == pl.String:
            values = set(column.drop_nulls().to_list())
            assert not values & codes, f"{where}: {name} holds codes {values & codes}"
            # A number written as text with its unit ("44,2 % – opfyldt") belongs in
            # a number column beside a text column.
            glued = [v for v in values if re.fullmatch(r"[\u2212-]?[\d.,]+\s?%.*", v)]
            assert not glued, f"{where}: {name} holds numbers as text: {glued[:3]}"


_KINDS = ("text", "int", "dec1", "dec2", "pct1", "pct2", "pp1", "pp2", "dkk", "year",
          "bool3", "category", "link")
_values = st.one_of(
    st.none(), st.booleans(), st.integers(-10 ** 7, 10 ** 7),
    st.floats(min_value=-1e15, max_value=1e15), st.just(float("nan")),
    st.builds(lambda n, d: n / 10 ** d, st.integers(-10 ** 6, 10 ** 6), st.integers(0, 4)),
    st.sampled_from([0, 0.0, -0.0, -0.04, 2.675, -0.05, 1270, "", "ukendt", "unknown",
                     NOT_APPLICABLE, "=SUM(A1)", "-x", "Gl. Jennumparken & <Øst>", "a\x01b",
                     *CATEGORIES]),
    st.builds(Link, st.text(max_size=8), st.sampled_from(["a.html", "x?a=1&b=2"])),
)


@st.composite
def _tables(draw):
    kinds = draw(st.lists(st.sampled_from(_KINDS), min_size=1, max_size=6))
    columns = [Column(f"c{j}", f"K{j}", kind, secondary=draw(st.booleans()),
                      decimals_key=f"d{j}" if draw(st.booleans()) else None)
               for j, kind in enumerate(kinds)]
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        row = {}
        for column in columns:
            value = draw(_values)
            # What no path can write: int(nan) as a year, a link's rounding or colour.
            if column.kind == "year" and isinstance(value, float) and value != value:
                value = 2024.0
            if isinstance(value, Link) and column.kind not in ("link", "text"):
                value = None
            row[column.key] = value
            if column.decimals_key:
                row[column.decimals_key] = draw(st.one_of(st.none(), st.integers(0, 4)))
        rows.append(row)
    return DataTable(slug="t", caption="c", columns=columns, rows=rows,
                     lang=draw(st.sampled_from(["da", "en"])))


@settings(max_examples=400, deadline=None)
@given(table=_tables())
def test_each_cell_is_what_the_general_rules_write(table):
    """The per-column fast paths (and the cells they remember across tables) give every
    cell's HTML, CSV text and XLSX cell exactly as the general per-cell rules do."""
    for _ in range(2):  # the second time from what the first remembered
        table._cells = None
        cells = table.cells()
        for j, column in enumerate(table.columns):
            classes = column.css_class
            tags = ('<th scope="row">', "</th>") if j == 0 else (
                f'<td class="{classes}">' if classes else "<td>", "</td>")
            for i, row in enumerate(table.rows):
                decimals = row.get(column.decimals_key) if column.decimals_key else None
                expected = _cell_slowly(row.get(column.key), column, table.fmt, decimals,
                                        tags)
                assert (cells.html[j][i], cells.csv[j][i], cells.xlsx[j][i]) == expected, (
                    column.kind, row.get(column.key), decimals)
