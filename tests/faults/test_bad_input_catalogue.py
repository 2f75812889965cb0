"""The bad-input catalogue (issue 11): each case is a copy of the shipped sample with one
defect. Every case is read the way the refresh reads it and must fail naming the file,
the row or cell, the column and what was expected; the cases marked `cli` also go
through `boligmonitor refresh` on a home refreshed once from the good sample, which
must exit 1 and leave the published warehouse and site byte-identical.

A failed refresh through the CLI costs half a minute (the steps that do not depend on
the failing one still run), so one case per reader and failure kind goes through it;
the readers the in-process check calls are the ones the staging assets call.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path, PurePosixPath

import duckdb
import fastexcel
import pytest

from indicators.errors import InputError
from indicators.inputs.areas import read_afdelinger, read_areas, read_membership
from indicators.inputs.geo import read_geojson
from indicators.inputs.kaas import combine_deliveries, read_kaas_file
from indicators.inputs.measures import load_delivery_labels
from indicators.inputs.reference import read_official_status, read_reference
from indicators.survey.reader import NO_WAVES, check_distinct_wave_ids, read_wave
from pipelines.raw_store import discover
from tests.e2e.conftest import SAMPLE, digest_tree, run_cli

KAAS_CSV = "kaas/kaas_randers_2025-11-03.csv"
KAAS_XLSX = "kaas/kaas_randers_2021-11-01.xlsx"
SHEET_XML = "xl/worksheets/sheet1.xml"
DATASET_2010 = "survey/2010/dataset.csv"


# --- reading a data directory as the staging assets do ---------------------------------


def read_data_directory(data: Path) -> dict:
    """Every input of `data` through the readers the refresh uses, in its order."""
    files = {name: path for _, path in discover(data)
             for name in [path.relative_to(data).as_posix()]}
    areas = read_areas(files["areas/areas.csv"], "areas/areas.csv")
    membership = read_membership(files["areas/membership.csv"], "areas/membership.csv", areas)
    if "areas/afdelinger.csv" in files:
        read_afdelinger(files["areas/afdelinger.csv"], "areas/afdelinger.csv")
    labels = (load_delivery_labels(files["kaas/labels.yaml"], "kaas/labels.yaml")
              if "kaas/labels.yaml" in files else None)
    kaas = combine_deliveries([
        read_kaas_file(path, name, labels) for name, path in files.items()
        if name.startswith("kaas/") and name != "kaas/labels.yaml"
    ])
    read_reference(files["reference/national.csv"], "reference/national.csv", regional=False)
    read_reference(files["reference/regional.csv"], "reference/regional.csv", regional=True)
    read_official_status(files.get("reference/official_status.csv"),
                         "reference/official_status.csv", areas)
    folders = sorted({str(PurePosixPath(n).parent) for n in files if n.startswith("survey/")})
    waves = []
    for folder in folders:
        wave = read_wave(data / folder, folder, membership.drop("_row"))
        waves.append((folder, wave.config))
        check_distinct_wave_ids(waves)
    if "areas/areas.geojson" in files:
        read_geojson(files["areas/areas.geojson"], "areas/areas.geojson")
    return {"kaas": kaas.values, "waves": [config.wave_id for _, config in waves]}


# --- defects -----------------------------------------------------------------------------


def edit_lines(name: str, edit: Callable[[list[str]], list[str]], encoding="cp1252"):
    def defect(data: Path) -> None:
        path = data / name
        text = path.read_bytes().decode(encoding)
        path.write_bytes("\n".join(edit(text.split("\n"))).encode(encoding))
    return defect


def set_field(line: int, position: int, value: str) -> Callable[[list[str]], list[str]]:
    """Line numbers as editors show them (1 = header)."""
    def edit(lines: list[str]) -> list[str]:
        fields = lines[line - 1].split(";")
        fields[position] = value
        lines[line - 1] = ";".join(fields)
        return lines
    return edit


def append_copy_of_line(line: int) -> Callable[[list[str]], list[str]]:
    def edit(lines: list[str]) -> list[str]:
        body = [text for text in lines if text.strip()]
        return [*body, lines[line - 1], ""]
    return edit


def kaas_csv_lines() -> int:
    return len([t for t in (SAMPLE / KAAS_CSV).read_bytes().split(b"\n") if t.strip()])


def replace_bytes(name: str, old: bytes, new: bytes) -> Callable[[Path], None]:
    def defect(data: Path) -> None:
        path = data / name
        content = path.read_bytes()
        assert old in content
        path.write_bytes(content.replace(old, new, 1))
    return defect


def write_bytes(name: str, content: bytes) -> Callable[[Path], None]:
    def defect(data: Path) -> None:
        (data / name).write_bytes(content)
    return defect


def edit_sheet(edit: Callable[[str], str]) -> Callable[[Path], None]:
    """Rewrite the first sheet's XML of the wide KÅS workbook."""
    def defect(data: Path) -> None:
        path = data / KAAS_XLSX
        with zipfile.ZipFile(path) as book:
            members = [(info, book.read(info.filename)) for info in book.infolist()]
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
            for info, content in members:
                if info.filename == SHEET_XML:
                    content = edit(content.decode("utf-8")).encode("utf-8")
                book.writestr(info, content)
    return defect


def replace_cell(ref: str, xml: str) -> Callable[[str], str]:
    def edit(sheet: str) -> str:
        start = sheet.index(f'<c r="{ref}"')
        end = sheet.index("</c>", start) + len("</c>")
        return sheet[:start] + xml + sheet[end:]
    return edit


def merge_cells(ref: str, drop: str) -> Callable[[str], str]:
    def edit(sheet: str) -> str:
        sheet = replace_cell(drop, "")(sheet)
        return sheet.replace("</sheetData>",
                             f'</sheetData><mergeCells count="1"><mergeCell ref="{ref}"/>'
                             "</mergeCells>", 1)
    return edit


def copy_folder(source: str, target: str) -> Callable[[Path], None]:
    def defect(data: Path) -> None:
        shutil.copytree(data / source, data / target)
    return defect


def remove_folder(name: str) -> Callable[[Path], None]:
    def defect(data: Path) -> None:
        shutil.rmtree(data / name)
    return defect


def weight_in_2010(bad: str, respondent: int = 2) -> Callable[[Path], None]:
    """Give wave 2010 a weight column (1 for all) with `bad` for one respondent."""
    def defect(data: Path) -> None:
        wave_json = data / "survey/2010/wave.json"
        config = json.loads(wave_json.read_text(encoding="utf-8"))
        wave_json.write_text(json.dumps({**config, "weight_variable": "vaegt"},
                                        ensure_ascii=False), encoding="utf-8")
        path = data / DATASET_2010
        rows = list(csv.reader(io.StringIO(path.read_bytes().decode("cp1252"), newline=""),
                               delimiter=";"))
        rows[0].append("vaegt")
        for number, row in enumerate(rows[1:], start=1):
            row.append(bad if number == respondent else "1,0")
        out = io.StringIO(newline="")
        csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
        path.write_bytes(out.getvalue().encode("cp1252"))
    return defect


def edit_geojson(edit: Callable[[dict], None]) -> Callable[[Path], None]:
    def defect(data: Path) -> None:
        path = data / "areas/areas.geojson"
        collection = json.loads(path.read_text(encoding="utf-8"))
        edit(collection["features"][1])  # feature 2, glarbjergvej
        path.write_text(json.dumps(collection), encoding="utf-8")
    return defect


def set_position(index: int, position) -> Callable[[dict], None]:
    def edit(feature: dict) -> None:
        feature["geometry"]["coordinates"][0][index] = position
    return edit


def open_ring(feature: dict) -> None:
    ring = feature["geometry"]["coordinates"][0]
    ring[-1] = [ring[-1][0] + 0.001, ring[-1][1]]


def drop_geometry(feature: dict) -> None:
    feature["geometry"] = None


# --- the catalogue -------------------------------------------------------------------------


@dataclass
class Case:
    id: str
    defect: Callable[[Path], None]
    expected: list[str]  # every one of these appears in the error
    cli: bool = False
    never_shown: list[str] = field(default_factory=list)  # personal data in the row


ROW2 = f"{KAAS_CSV}, row 2, column"
XLSX = f"{KAAS_XLSX}, sheet 'KAAS', cell"
WEIGHT = f"{DATASET_2010}, row 3, column 'vaegt': weight is"
WEIGHT_EXPECTED = "expected a positive number up to 1000000"
GEO = "areas/areas.geojson: feature 2 (area_id 'glarbjergvej')"
RESPONDENT_2 = "2010104"  # respondentid of line 3 in wave 2010

CASES = [
    # XLSX cells that fastexcel reads as empty ("not delivered").
    Case("xlsx_formula_without_value", edit_sheet(replace_cell("D7", '<c r="D7"><f>C7</f></c>')),
         [f"{XLSX} D7:", "formula with no calculated value", "expected a value"]),
    Case("xlsx_error_div0", edit_sheet(replace_cell(
        "D7", '<c r="D7" t="e"><f>1/0</f><v>#DIV/0!</v></c>')),
         [f"{XLSX} D7:", "error value #DIV/0!", "expected a number"], cli=True),
    Case("xlsx_error_na", edit_sheet(replace_cell("E8", '<c r="E8" t="e"><v>#N/A</v></c>')),
         [f"{XLSX} E8:", "error value #N/A", "expected a number"]),
    Case("xlsx_merged_cells", edit_sheet(merge_cells("C7:D7", drop="D7")),
         [f"{XLSX} C7:D7:", "merged range", "expected one value in every cell"]),
    # Long CSV.
    Case("duplicate_key_in_one_file", edit_lines(KAAS_CSV, append_copy_of_line(2)),
         [f"{KAAS_CSV}, row 2", "afdeling 027-0012, maal beboere, aar 2015",
          f"appears in rows 2 and {kaas_csv_lines() + 1}", "expected each (afdeling_id, aar, "
          "maal) once in a file"], cli=True),
    Case("persons_thousands_separator", edit_lines(KAAS_CSV, set_field(2, 3, "1.290")),
         [f"{ROW2} 'vaerdi'", "beboere counts persons: expected a whole number",
          "1.290 looks like a number with a thousands separator, which the contract does "
          "not allow"], cli=True),
    Case("persons_fractional", edit_lines(KAAS_CSV, set_field(2, 3, "299,5")),
         [f"{ROW2} 'vaerdi'", "counts persons: expected a whole number; found '299,5'"]),
    Case("persons_negative", edit_lines(KAAS_CSV, set_field(2, 3, "-3")),
         [f"{ROW2} 'vaerdi'", "expected a number ≥ 0", "found '-3'"]),
    Case("year_with_letter_o", edit_lines(KAAS_CSV, set_field(2, 1, "2O15")),
         [f"{ROW2} 'aar'", "expected a whole number from 1990 to 2100", "found '2O15'"]),
    Case("wrong_delimiter", edit_lines(KAAS_CSV, lambda ls: [t.replace(";", "|") for t in ls]),
         [f"{KAAS_CSV}, row 1: header does not split into columns under any "
          "accepted delimiter; expected the columns afdeling_id;aar;maal;vaerdi separated by ';'"]),
    Case("header_missing_column", edit_lines(KAAS_CSV, lambda ls: [
        ls[0].replace(";maal", ""), *ls[1:]]),
         [f"{KAAS_CSV}, row 1: header lacks column 'maal'"], cli=True),
    Case("empty_file", write_bytes(KAAS_CSV, b""),
         [f"{KAAS_CSV}, row 1: file is empty: expected a header row"]),
    Case("undecodable_bytes", replace_bytes(KAAS_CSV, b"\n027-0012;2015;Beboere 18-64",
                                            b"\n027-0012;2015;\x81\x00Beboere 18-64"),
         [f"{KAAS_CSV}, row 3: cannot be decoded as text", "expected UTF-8"]),
    Case("duplicate_reference_value", edit_lines("reference/national.csv",
                                                 append_copy_of_line(2)),
         ["reference/national.csv, row 2, column 'aar': aar 2006, maal domte_andel_18plus "
          "appears in rows 2 and 21; expected each (aar, maal) once"]),
    # Survey waves.
    Case("duplicate_wave_folder", copy_folder("survey/2010", "survey/2010_kopi"),
         ["survey/2010_kopi/wave.json, column 'wave_id': wave_id '2010' is also the wave_id "
          "of survey/2010/wave.json", "expected each wave in exactly one folder"], cli=True),
    Case("survey_dataset_empty", write_bytes(DATASET_2010, b""),
         [f"{DATASET_2010}, row 1: file is empty: expected a header row"]),
    Case("survey_area_column_missing", edit_lines(DATASET_2010, lambda ls: [
        ls[0].replace(";omraade;", ";omr;"), *ls[1:]]),
         [f"{DATASET_2010}, row 1, column 'omraade': missing column: expected the area "
          "variable named in wave.json"]),
    Case("survey_answer_code_unknown", edit_lines(DATASET_2010, set_field(3, 6, "7")),
         [f"{DATASET_2010}, row 3, column 'tryg_aften': answer code not in the item "
          "catalogue for evening_safety: expected one of 1, 2, 3, 4, 5, 9"],
         never_shown=[RESPONDENT_2]),
    Case("survey_undecodable_bytes", replace_bytes(DATASET_2010, b"\n2010104;",
                                                   b"\n2010104\x81\x00;"),
         [f"{DATASET_2010}, row 3: cannot be decoded as text"], never_shown=[RESPONDENT_2]),
    Case("weight_negative", weight_in_2010("-1,5"),
         [f"{WEIGHT} negative: {WEIGHT_EXPECTED}"], never_shown=[RESPONDENT_2, "-1,5"]),
    Case("weight_zero", weight_in_2010("0"),
         [f"{WEIGHT} zero: {WEIGHT_EXPECTED}"], never_shown=[RESPONDENT_2]),
    Case("weight_nan", weight_in_2010("NaN"),
         [f"{WEIGHT} not a number: {WEIGHT_EXPECTED}"], never_shown=[RESPONDENT_2, "NaN"]),
    Case("weight_infinite", weight_in_2010("inf"),
         [f"{WEIGHT} not a number: {WEIGHT_EXPECTED}"], never_shown=[RESPONDENT_2]),
    Case("weight_absurdly_large", weight_in_2010("1000000000000"),
         [f"{WEIGHT} implausibly large: {WEIGHT_EXPECTED}"], cli=True,
         never_shown=[RESPONDENT_2, "1000000000000"]),
    # Area register.
    Case("area_listed_twice", edit_lines("areas/areas.csv", lambda ls: [
        *[t for t in ls if t.strip()], ls[1], ""], encoding="utf-8"),
         ["areas/areas.csv, row 2, column 'area_id': area_id 'gl_jennumparken' appears more "
          "than once; expected each area once", "row 10, column 'area_id'"]),
    Case("membership_year_with_letter_o", edit_lines(
        "areas/membership.csv", set_field(2, 2, "2O10"), encoding="utf-8"),
         ["areas/membership.csv, row 2, column 'valid_from': expected a whole number from "
          "1990 to 2100; found '2O10'"]),
    # Area outlines.
    Case("geojson_text_coordinate", edit_geojson(set_position(1, ["10.05", "56.48"])),
         [f'{GEO} has ring 1, position 2 ["10.05", "56.48"]; expected [longitude, latitude] '
          "in WGS84"]),
    Case("geojson_out_of_range", edit_geojson(set_position(1, [570000.0, 6260000.0])),
         [f"{GEO} has ring 1, position 2 [570000.0, 6260000.0]", "latitude -90..90"]),
    Case("geojson_unclosed_ring", edit_geojson(open_ring),
         [f"{GEO} has ring 1 that is not closed", "expected a closed ring"], cli=True),
    Case("geojson_missing_geometry", edit_geojson(drop_geometry),
         [f"{GEO} has no geometry; expected a Polygon or MultiPolygon"]),
]
CLI_CASES = [case for case in CASES if case.cli]


@pytest.fixture
def broken(request, tmp_path) -> tuple[Case, Path]:
    case: Case = request.param
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    case.defect(data)
    return case, data


def assert_names_the_place(case: Case, message: str) -> None:
    for expected in case.expected:
        assert expected in message, f"{case.id}: {expected!r} not in\n{message}"
    for secret in case.never_shown:
        assert secret not in message, f"{case.id}: {secret!r} shown in\n{message}"


@pytest.mark.parametrize("broken", CASES, ids=[c.id for c in CASES], indirect=True)
def test_reading_the_defect_names_file_place_column_and_expectation(broken):
    case, data = broken
    with pytest.raises(InputError) as err:
        read_data_directory(data)
    assert_names_the_place(case, str(err.value))


def test_a_data_directory_without_survey_waves_is_read(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    remove_folder("survey")(data)
    assert read_data_directory(data)["waves"] == []


def test_the_good_sample_reads_without_error():
    # Without this, a catalogue case could pass on a problem the sample itself has.
    read = read_data_directory(SAMPLE)
    assert read["kaas"].height > 0 and read["waves"] == ["2010", "2012", "2023"]


def test_xlsx_formula_with_a_saved_value_is_read_as_that_value(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    cell = SampleCell.read(data / KAAS_XLSX, "D7")
    edit_sheet(replace_cell("D7", f'<c r="D7"><f>C7+0</f><v>{cell.value}</v></c>'))(data)
    before = read_data_directory(SAMPLE)["kaas"]
    after = read_data_directory(data)["kaas"]
    assert after.equals(before)
    row = after.filter((after["afdeling_id"] == cell.afdeling) & (after["aar"] == 2012)
                       & (after["maal"] == cell.maal) & (after["source_file"] == KAAS_XLSX))
    assert row["vaerdi"].to_list() == [Decimal(cell.value)]


@dataclass
class SampleCell:
    """The afdeling, maal and value of one cell of the sample workbook's data row."""

    afdeling: str
    maal: str
    value: str

    @classmethod
    def read(cls, path: Path, ref: str) -> SampleCell:
        grid = fastexcel.read_excel(path).load_sheet(0, header_row=None, dtypes="string")
        frame = grid.to_polars()
        row = int(ref[1:]) - 1
        column = ord(ref[0]) - ord("A")
        values = frame.row(row)
        return cls(values[0], values[1], values[column])


# --- through the real refresh ---------------------------------------------------------------


def published(home: Path) -> dict[str, str]:
    """What readers see: the serving file and the site, by content."""
    state = {f"site/{k}": v for k, v in digest_tree(home / "site").items()}
    serving = home / "serving" / "boligmonitor.duckdb"
    state["serving"] = hashlib.sha256(serving.read_bytes()).hexdigest()
    return state


@pytest.fixture(scope="module")
def good_home(sample_home) -> tuple[Path, dict[str, str]]:
    """The session's refresh of the good sample (copied by each case) and what it publishes."""
    return sample_home, published(sample_home)


@pytest.mark.e2e
@pytest.mark.parametrize("broken", CLI_CASES, ids=[c.id for c in CLI_CASES], indirect=True)
def test_refresh_fails_clearly_and_publication_is_untouched(broken, good_home, tmp_path):
    case, data = broken
    base, before = good_home
    home = tmp_path / "home"
    shutil.copytree(base, home, symlinks=True)
    result = run_cli("refresh", "--data", str(data), "--home", str(home))
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
    assert_names_the_place(case, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    assert published(home) == before


@pytest.mark.e2e
def test_refresh_without_survey_waves_publishes_empty_survey_tables_and_says_so(tmp_path):
    # Not a defect: a municipality without a survey, or whose only wave was forgotten.
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    remove_folder("survey")(data)
    home = tmp_path / "home"
    result = run_cli("refresh", "--data", str(data), "--home", str(home))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert NO_WAVES in result.stdout + result.stderr
    with duckdb.connect(str(home / "serving" / "boligmonitor.duckdb"), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM mart.survey_results").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM mart.area_status").fetchone()[0] > 0
