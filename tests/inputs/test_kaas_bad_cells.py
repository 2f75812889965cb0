"""KÅS cells that used to be misread silently: XLSX formulas, error cells and merged
ranges, persons that are not whole, and one key given twice in a file."""

import zipfile
from decimal import Decimal

import pytest
import xlsxwriter

from indicators.errors import InputError
from indicators.inputs.kaas import read_kaas_file

HEADER = "afdeling_id;aar;maal;vaerdi\n"


def read_csv(tmp_path, text, name="k.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("cp1252"))
    return read_kaas_file(path, f"kaas/{name}", None)


def problem_text(call) -> str:
    with pytest.raises(InputError) as err:
        call()
    return str(err.value)


def wide_book(path, cells, merge=None):
    """A wide KÅS sheet: title, header on row 2, data from row 3. `cells` maps (row, col)
    (0-based) to a value or ("formula", formula, cached)."""
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("KÅS")
    sheet.write_row(0, 0, ["KÅS-tabel, Randers"])
    sheet.write_row(1, 0, ["afdeling_id", "maal", 2019, 2020])
    for (row, col), value in cells.items():
        if isinstance(value, tuple):
            _, formula, cached = value
            sheet.write_formula(row, col, formula, None, cached)
        else:
            sheet.write(row, col, value)
    if merge:
        first_row, first_col, last_row, last_col, value = merge
        sheet.merge_range(first_row, first_col, last_row, last_col, value)
    book.close()
    return path


def drop_cached_value(path, formula):
    """Rewrite the sheet as a program that never calculates writes it: the formula is
    kept, its saved value removed."""
    with zipfile.ZipFile(path) as book:
        members = {name: book.read(name) for name in book.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    start = sheet.index(f"<f>{formula}</f>")
    end = sheet.index("</c>", start)
    members["xl/worksheets/sheet1.xml"] = (
        sheet[:start] + f"<f>{formula}</f>" + sheet[end:]).encode()
    with zipfile.ZipFile(path, "w") as book:
        for name, data in members.items():
            book.writestr(name, data)
    return path


ROW = {(2, 0): "027-0051", (2, 1): "beboere", (2, 2): 400}


def test_formula_with_a_saved_value_reads_the_value(tmp_path):
    path = wide_book(tmp_path / "k.xlsx", {**ROW, (2, 3): ("formula", "=C3+10", 410)})
    frame = read_kaas_file(path, "kaas/k.xlsx", None).sort("aar")
    assert frame["vaerdi"].to_list() == [Decimal("400"), Decimal("410")]


def test_formula_without_a_saved_value_names_the_cell(tmp_path):
    path = wide_book(tmp_path / "k.xlsx", {**ROW, (2, 3): ("formula", "=C3+10", 410)})
    drop_cached_value(path, "C3+10")
    message = problem_text(lambda: read_kaas_file(path, "kaas/k.xlsx", None))
    assert "kaas/k.xlsx, sheet 'KÅS', cell D3:" in message
    assert "formula with no calculated value" in message


@pytest.mark.parametrize("error", ["#DIV/0!", "#N/A", "#VALUE!"])
def test_error_cell_names_the_cell_and_the_error(tmp_path, error):
    path = wide_book(tmp_path / "k.xlsx", {**ROW, (2, 3): ("formula", "=1/0", error)})
    message = problem_text(lambda: read_kaas_file(path, "kaas/k.xlsx", None))
    assert "kaas/k.xlsx, sheet 'KÅS', cell D3:" in message
    assert f"error value {error}" in message and "expected a number" in message


def test_merged_range_in_the_table_names_the_range(tmp_path):
    path = wide_book(tmp_path / "k.xlsx", {(2, 0): "027-0051", (2, 1): "beboere"},
                     merge=(2, 2, 2, 3, 400))
    message = problem_text(lambda: read_kaas_file(path, "kaas/k.xlsx", None))
    assert "sheet 'KÅS', cell C3:D3:" in message and "merged range" in message


def test_merged_title_and_notes_beside_the_table_are_allowed(tmp_path):
    path = wide_book(tmp_path / "k.xlsx", {**ROW, (2, 3): 410, (2, 6): ("formula", "=1/0",
                                                                         "#DIV/0!")},
                     merge=(0, 0, 0, 3, "KÅS-tabel, Randers"))
    frame = read_kaas_file(path, "kaas/k.xlsx", None)
    assert sorted(frame["aar"].to_list()) == [2019, 2020]


@pytest.mark.parametrize("value", ["1.290", "12,500", "1.000"])
def test_persons_with_what_looks_like_a_thousands_separator(tmp_path, value):
    message = problem_text(lambda: read_csv(tmp_path, HEADER + "027-0051;2020;beboere;400\n"
                                            f"027-0052;2020;beboere;{value}\n"))
    assert "kaas/k.csv, row 3, column 'vaerdi'" in message
    assert "beboere counts persons: expected a whole number" in message
    assert "thousands separator, which the contract does not allow" in message


@pytest.mark.parametrize("value", ["12,5", "0.25", "3,1415"])
def test_fractional_persons_are_an_error(tmp_path, value):
    message = problem_text(lambda: read_csv(tmp_path, HEADER
                                            + f"027-0051;2020;domte_18plus;{value}\n"))
    assert "row 2, column 'vaerdi'" in message and "expected a whole number" in message
    assert "thousands" not in message


def test_fractional_persons_in_xlsx_name_the_cell(tmp_path):
    path = wide_book(tmp_path / "k.xlsx", {**ROW, (2, 3): 1.29})
    message = problem_text(lambda: read_kaas_file(path, "kaas/k.xlsx", None))
    assert "sheet 'KÅS', cell D3" in message and "expected a whole number" in message


def test_whole_persons_and_decimal_measures_are_read(tmp_path):
    frame = read_csv(tmp_path, HEADER + "027-0051;2020;beboere;412,0\n"
                     "027-0051;2020;uden_tilknytning_18_64;1.290\n"
                     "027-0051;2020;bruttoindkomst_15_64;1234567,50\n")
    values = dict(frame.select("maal", "vaerdi").iter_rows())
    assert values == {"beboere": Decimal("412"), "uden_tilknytning_18_64": Decimal("1.29"),
                      "bruttoindkomst_15_64": Decimal("1234567.5")}


def test_same_key_twice_in_a_csv_names_both_rows(tmp_path):
    message = problem_text(lambda: read_csv(tmp_path, HEADER + "027-0051;2020;beboere;400\n"
                                            "027-0052;2020;beboere;300\n"
                                            "027-0051;2020;beboere;410\n"))
    assert "kaas/k.csv, row 2" in message and "appears in rows 2 and 4" in message
    assert "afdeling 027-0051, maal beboere, aar 2020" in message


def test_same_row_twice_in_xlsx_names_both_rows(tmp_path):
    path = wide_book(tmp_path / "k.xlsx", {**ROW, (2, 3): 410, (3, 0): "027-0051",
                                           (3, 1): "beboere", (3, 2): 401, (3, 3): 411})
    message = problem_text(lambda: read_kaas_file(path, "kaas/k.xlsx", None))
    assert "sheet 'KÅS'" in message and "appears in rows 3 and 4" in message
    assert "aar 2019, 2020" in message


def test_error_in_the_header_row_names_the_cell(tmp_path):
    # An empty header cell is skipped as "no year": an error there would drop a year.
    path = wide_book(tmp_path / "k.xlsx", {**ROW, (1, 4): ("formula", "=1/0", "#REF!"),
                                           (2, 4): 420})
    message = problem_text(lambda: read_kaas_file(path, "kaas/k.xlsx", None))
    assert "sheet 'KÅS', cell E2:" in message and "error value #REF!" in message
