"""The measures beyond the criteria (contract.md's second table): declared in the
catalogue with both languages, and read by the KÅS reader under the same rules."""

from decimal import Decimal

import pytest
import xlsxwriter

from indicators.catalogue import load_catalogue
from indicators.errors import InputError
from indicators.inputs.kaas import combine_deliveries, read_kaas_file
from indicators.inputs.measures import DeliveryLabels, load_measures, whole_number_measures

HEADER = "afdeling_id;aar;maal;vaerdi\n"

# contract.md, "Measures beyond the criteria": maal -> unit as the table prints it.
CONTRACT = {
    "beboere_0_17": "persons",
    "boern_enlig_forsoerger": "persons",
    "beboere_16_64": "persons",
    "offentligt_forsoergede_16_64": "full-time persons (decimal)",
    "beboere_18_24": "persons",
    "unge_uden_udd_18_24": "persons",
    "beboere_15_24": "persons",
    "sigtede_15_24": "persons",
    "tilflyttede": "persons",
    "fraflyttede": "persons",
    "underretninger_0_17": "persons",
    "elever_0_10": "persons",
    "fravaersdage": "days",
    "lejemaal": "count",
    "udsaettelser": "count",
}
PERSONS = sorted(m for m, unit in CONTRACT.items() if unit == "persons")
CRITERIA = {"beboere", "beboere_18_64", "uden_tilknytning_18_64", "beboere_18plus",
            "domte_18plus", "beboere_30_59", "grundskole_30_59", "uoplyst_udd_30_59",
            "skattepligtige_15_64", "bruttoindkomst_15_64", "ikkevestlige"}


def read(tmp_path, name, text, labels=None):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return read_kaas_file(path, f"local/{name}", labels)


def test_catalogue_declares_every_measure_of_the_contract_apart_from_the_criteria():
    cat = load_catalogue()
    assert set(cat.local_measures) == set(CONTRACT)
    assert set(cat.measures) == CRITERIA  # the criteria's list is unchanged
    for maal, spec in cat.local_measures.items():
        assert spec.label_da and spec.label_en and spec.label_da != spec.label_en, maal
        assert spec.sources, maal
    assert cat.local_measures["underretninger_0_17"].sources == ["municipality"]
    assert cat.local_measures["udsaettelser"].sources == ["housing_organisation"]
    assert "police" in cat.local_measures["sigtede_15_24"].sources


def test_persons_are_whole_and_full_time_persons_and_days_are_not():
    cat = load_catalogue()
    whole = {m for m, spec in cat.local_measures.items() if spec.whole}
    assert set(PERSONS) <= whole
    assert "offentligt_forsoergede_16_64" not in whole and "fravaersdage" not in whole
    assert whole == set(PERSONS) | {"lejemaal", "udsaettelser"}
    reader_whole = set(whole_number_measures())
    assert {m for m in reader_whole if m in CONTRACT} == whole  # reader and catalogue agree


def test_reader_and_catalogue_list_the_same_measures_with_the_same_units():
    cat = load_catalogue()
    reader = load_measures().measures
    assert set(reader) == set(cat.all_measures())
    for maal, spec in cat.local_measures.items():
        assert reader[maal].unit == spec.unit, maal
        assert reader[maal].label_da == spec.label_da, maal


def test_every_new_measure_reads_from_a_long_csv(tmp_path):
    rows = "".join(f"027-0051;2022;{maal};{'12' if unit in ('persons', 'count') else '12,5'}\n"
                   for maal, unit in CONTRACT.items())
    frame = read(tmp_path, "kommune_2024-03-01.csv", HEADER + rows)
    got = {r["maal"]: r["vaerdi"] for r in frame.iter_rows(named=True)}
    assert set(got) == set(CONTRACT)
    assert got["fravaersdage"] == Decimal("12.5")
    assert got["offentligt_forsoergede_16_64"] == Decimal("12.5")
    assert got["underretninger_0_17"] == Decimal("12")
    assert set(frame["source_file"]) == {"local/kommune_2024-03-01.csv"}


@pytest.mark.parametrize("maal", PERSONS)
def test_a_split_person_is_refused_naming_file_row_and_column(tmp_path, maal):
    with pytest.raises(InputError) as err:
        read(tmp_path, "k.csv", HEADER + "027-0051;2022;beboere;10\n"
             f"027-0051;2022;{maal};3,5\n")
    message = str(err.value)
    assert "local/k.csv" in message and "row 3" in message and "column 'vaerdi'" in message
    assert f"{maal} counts persons: expected a whole number" in message


@pytest.mark.parametrize("maal", ["lejemaal", "udsaettelser"])
def test_dwellings_and_evictions_are_counted_whole_too(tmp_path, maal):
    with pytest.raises(InputError) as err:
        read(tmp_path, "k.csv", HEADER + f"027-0051;2022;{maal};2,5\n")
    message = str(err.value)
    assert "row 2" in message and "column 'vaerdi'" in message
    assert f"{maal} is a count: expected a whole number; found '2,5'" in message


def test_days_and_full_time_persons_may_carry_decimals(tmp_path):
    frame = read(tmp_path, "k.csv", HEADER + "027-0051;2022;fravaersdage;1.290\n"
                 "027-0051;2022;offentligt_forsoergede_16_64;12,25\n")
    got = {r["maal"]: r["vaerdi"] for r in frame.iter_rows(named=True)}
    assert got == {"fravaersdage": Decimal("1.29"),
                   "offentligt_forsoergede_16_64": Decimal("12.25")}


def test_a_thousands_separator_in_a_new_count_is_refused(tmp_path):
    with pytest.raises(InputError) as err:
        read(tmp_path, "k.csv", HEADER + "027-0051;2022;fraflyttede;1.290\n")
    assert "thousands separator" in str(err.value)


def test_suppression_and_not_delivered_as_for_the_criteria(tmp_path):
    frame = read(tmp_path, "k.csv", HEADER + "027-0051;2022;underretninger_0_17;..\n"
                 "027-0052;2022;underretninger_0_17;\n")
    assert frame.height == 1
    row = frame.row(0, named=True)
    assert row["afdeling_id"] == "027-0051" and row["suppressed"] is True
    assert row["vaerdi"] is None


def test_a_measure_outside_both_tables_is_still_an_error(tmp_path):
    with pytest.raises(InputError) as err:
        read(tmp_path, "k.csv", HEADER + "027-0051;2022;boern_i_dagtilbud;7\n")
    message = str(err.value)
    assert "local/k.csv" in message and "row 2" in message and "column 'maal'" in message
    assert "found 'boern_i_dagtilbud'" in message


def test_labels_may_map_a_deliverys_name_to_a_new_measure(tmp_path):
    labels = DeliveryLabels(labels={"Børn med underretning": "underretninger_0_17"})
    frame = read(tmp_path, "k.csv", HEADER + "027-0051;2022;Børn med underretning;4\n", labels)
    assert frame["maal"].to_list() == ["underretninger_0_17"]


def test_wide_xlsx_with_new_measures_and_a_split_pupil(tmp_path):
    path = tmp_path / "fravaer.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Ark1")
    sheet.write_row(0, 0, ["Skolefravær pr. afdeling"])
    sheet.write_row(2, 0, ["afdeling_id", "maal", "2021", "2022"])
    sheet.write_row(3, 0, ["027-0051", "elever_0_10", 40, 42])
    sheet.write_row(4, 0, ["027-0051", "fravaersdage", 512.5, 530])
    book.close()
    frame = read_kaas_file(path, "local/fravaer.xlsx", None)
    got = {(r["maal"], r["aar"]): r["vaerdi"] for r in frame.iter_rows(named=True)}
    assert got[("fravaersdage", 2021)] == Decimal("512.5")
    assert got[("elever_0_10", 2022)] == Decimal("42")

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Ark1")
    sheet.write_row(0, 0, ["afdeling_id", "maal", "2022"])
    sheet.write_row(1, 0, ["027-0051", "elever_0_10", 41.5])
    book.close()
    with pytest.raises(InputError) as err:
        read_kaas_file(path, "local/fravaer.xlsx", None)
    assert "cell C2" in str(err.value) and "elever_0_10 counts persons" in str(err.value)


def test_dated_local_deliveries_revise_as_kaas_files_do(tmp_path):
    old = read(tmp_path, "kommune_2024-01-10.csv", HEADER + "027-0051;2022;udsaettelser;2\n")
    new = read(tmp_path, "kommune_2024-06-10.csv", HEADER + "027-0051;2022;udsaettelser;3\n")
    combined = combine_deliveries([old, new])
    assert combined.values["vaerdi"].to_list() == [Decimal("3")]
    revision = combined.revisions.row(0, named=True)
    assert (revision["old_value"], revision["new_value"]) == ("2", "3")
    assert revision["new_file"] == "local/kommune_2024-06-10.csv"
