"""KÅS deliveries: long CSV, wide XLSX, labels, revisions and conflicts."""

from decimal import Decimal

import polars as pl
import pytest
import xlsxwriter

from indicators.errors import InputError
from indicators.inputs.kaas import combine_deliveries, delivery_date, read_kaas_file
from indicators.inputs.measures import DeliveryLabels, load_delivery_labels

HEADER = "afdeling_id;aar;maal;vaerdi\n"


def write(tmp_path, name, text, encoding="cp1252"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def read(tmp_path, name, text, labels=None, encoding="cp1252"):
    return read_kaas_file(write(tmp_path, name, text, encoding), f"kaas/{name}", labels)


def test_long_csv_with_decimal_commas_and_suppression(tmp_path):
    frame = read(tmp_path, "k.csv", HEADER + "027-0051;2020;beboere;412\n"
                 "027-0051;2020;uden_tilknytning_18_64;50,7\n027-0052;2020;domte_18plus;..\n"
                 "027-0052;2020;beboere;\n")
    rows = {(r["afdeling_id"], r["maal"]): r for r in frame.iter_rows(named=True)}
    assert rows[("027-0051", "uden_tilknytning_18_64")]["vaerdi"] == Decimal("50.7")
    suppressed = rows[("027-0052", "domte_18plus")]
    assert suppressed["suppressed"] is True and suppressed["vaerdi"] is None
    # An empty cell is "not delivered": no row at all, never 0.
    assert ("027-0052", "beboere") not in rows
    assert frame.schema["vaerdi"] == pl.Decimal(18, 6)


def test_unknown_maal_names_file_row_and_column(tmp_path):
    with pytest.raises(InputError) as err:
        read(tmp_path, "k.csv", HEADER + "027-0051;2020;beboere;1\n027-0051;2020;boliger;3\n")
    message = str(err.value)
    assert "kaas/k.csv" in message and "row 3" in message and "column 'maal'" in message
    assert "expected one of beboere" in message


def test_non_numeric_vaerdi(tmp_path):
    with pytest.raises(InputError) as err:
        read(tmp_path, "k.csv", HEADER + "027-0051;2020;beboere;mange\n")
    message = str(err.value)
    assert "row 2" in message and "column 'vaerdi'" in message and "'mange'" in message


def test_thousands_separator_is_rejected_not_misread(tmp_path):
    with pytest.raises(InputError) as err:
        read(tmp_path, "k.csv", HEADER + "027-0051;2020;bruttoindkomst_15_64;1.234.567\n")
    assert "column 'vaerdi'" in str(err.value)


def test_labels_map_a_deliverys_own_names(tmp_path):
    labels = DeliveryLabels(labels={"Beboere i alt": "beboere"})
    frame = read(tmp_path, "k.csv", HEADER + "027-0051;2020;beboere i alt;88\n", labels=labels)
    assert frame["maal"].to_list() == ["beboere"]


def test_labels_yaml_must_map_to_known_codes(tmp_path):
    path = tmp_path / "labels.yaml"
    path.write_text("labels:\n  Beboere i alt: beboerne\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_delivery_labels(path, "kaas/labels.yaml")
    assert "kaas/labels.yaml" in str(err.value) and "beboerne" in str(err.value)


def write_xlsx(path, rows):
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("KÅS")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    book.close()
    return path


def test_wide_xlsx_with_title_rows(tmp_path):
    path = write_xlsx(tmp_path / "k.xlsx", [
        ["KÅS-tabel, Randers"], ["Kilde: Danmarks Statistik"], [],
        ["afdeling_id", "maal", 2019, "2020"],
        ["027-0051", "beboere", 400, 410.0],
        ["027-0051", "uden_tilknytning_18_64", 50.5, ".."],
    ])
    frame = read_kaas_file(path, "kaas/k.xlsx", None).sort("maal", "aar")
    assert frame.select("maal", "aar", "vaerdi", "suppressed").rows() == [
        ("beboere", 2019, Decimal("400"), False),
        ("beboere", 2020, Decimal("410"), False),
        ("uden_tilknytning_18_64", 2019, Decimal("50.5"), False),
        ("uden_tilknytning_18_64", 2020, None, True),
    ]


def test_xlsx_error_names_sheet_and_cell(tmp_path):
    path = write_xlsx(tmp_path / "k.xlsx", [
        ["Titel"], ["afdeling_id", "maal", 2019, 2020],
        ["027-0051", "beboere", 400, "fire"],
    ])
    with pytest.raises(InputError) as err:
        read_kaas_file(path, "kaas/k.xlsx", None)
    message = str(err.value)
    assert "kaas/k.xlsx" in message and "sheet 'KÅS'" in message and "cell D3" in message


def test_xlsx_without_header_row(tmp_path):
    path = write_xlsx(tmp_path / "k.xlsx", [["Titel"], ["afd", "maal", 2019]])
    with pytest.raises(InputError) as err:
        read_kaas_file(path, "kaas/k.xlsx", None)
    assert "header row 'afdeling_id | maal" in str(err.value)


def test_delivery_date_from_name():
    assert str(delivery_date("kaas/randers_2021-02-15.xlsx")) == "2021-02-15"
    assert delivery_date("kaas/randers.xlsx") is None


def test_later_dated_delivery_wins_and_revision_is_recorded(tmp_path):
    old = read(tmp_path, "a_2020-01-01.csv", HEADER + "027-0051;2019;beboere;400\n"
               "027-0051;2019;domte_18plus;..\n")
    new = read(tmp_path, "b_2021-01-01.csv", HEADER + "027-0051;2019;beboere;402\n"
               "027-0051;2019;domte_18plus;4\n")
    # Order of the files given must not matter: dates decide.
    combined = combine_deliveries([new, old])
    values = {r["maal"]: r for r in combined.values.iter_rows(named=True)}
    assert values["beboere"]["vaerdi"] == Decimal("402")
    assert values["domte_18plus"]["vaerdi"] == Decimal("4")
    revisions = {r["maal"]: r for r in combined.revisions.iter_rows(named=True)}
    assert revisions["beboere"]["old_value"] == "400"
    assert revisions["beboere"]["new_value"] == "402"
    assert revisions["beboere"]["old_file"] == "kaas/a_2020-01-01.csv"
    assert revisions["beboere"]["new_file"] == "kaas/b_2021-01-01.csv"
    assert revisions["domte_18plus"]["old_value"] == ".."


def test_identical_overlap_is_no_revision(tmp_path):
    a = read(tmp_path, "a_2020-01-01.csv", HEADER + "027-0051;2019;beboere;400\n")
    b = read(tmp_path, "b_2021-01-01.csv", HEADER + "027-0051;2019;beboere;400,0\n")
    combined = combine_deliveries([a, b])
    assert combined.revisions.is_empty()
    assert combined.values.height == 1


def test_undated_deliveries_that_disagree_name_both_files(tmp_path):
    a = read(tmp_path, "a.csv", HEADER + "027-0051;2019;beboere;400\n")
    b = read(tmp_path, "b.csv", HEADER + "027-0051;2019;beboere;401\n")
    with pytest.raises(InputError) as err:
        combine_deliveries([a, b])
    message = str(err.value)
    assert "kaas/a.csv" in message and "kaas/b.csv" in message
    assert "027-0051 2019 beboere" in message and "no delivery date" in message


def test_same_date_deliveries_that_disagree(tmp_path):
    a = read(tmp_path, "a_2020-01-01.csv", HEADER + "027-0051;2019;beboere;400\n")
    b = read(tmp_path, "b_2020-01-01.csv", HEADER + "027-0051;2019;beboere;401\n")
    with pytest.raises(InputError) as err:
        combine_deliveries([a, b])
    assert "both have delivery date 2020-01-01" in str(err.value)
