"""read_wave on tiny exports in SurveyXact's three encodings/delimiters."""

from __future__ import annotations

import polars as pl
import pytest

from indicators.errors import InputError
from indicators.survey.reader import ANSWERS_SCHEMA, check_distinct_wave_ids, read_wave

from .exports import (
    EMAIL,
    FREE_TEXT_MARKER,
    RESPONDENT_ID,
    VARIANTS,
    all_text,
    membership,
    write_wave,
)

HEADER = ["respondent_id", "email", "omraade", "tryg_aften", "fritekst", "vaegt"]
WAVE = {
    "wave_id": "2010",
    "year": 2010,
    "title": "Beboerundersøgelse 2010",
    "area_variable": "omraade",
    "items": {"tryg_aften": "evening_safety"},
}
MEMBERSHIP = membership(
    [
        ("vangdalen", "071-0001", 2005, None),
        ("gl_jennumparken", "104-0001", 2005, None),
        ("glarbjergvej", "027-0028", 2005, 2011),
        ("gl_jennumparken", "027-0028", 2012, None),
    ]
)
VARIANT_IDS = [v.id for v in VARIANTS]


def respondent(area: str, code: str, weight: str = "", number: int = 1) -> list[str]:
    """One dataset row; the identifying columns carry the planted markers."""
    return [f"{RESPONDENT_ID}-{number}", EMAIL, area, code, f"{FREE_TEXT_MARKER} {number}",
            weight]


def rows(*cells: tuple[str, str]) -> list[list[str]]:
    return [respondent(area, code, number=i) for i, (area, code) in enumerate(cells)]


def answers_as_tuples(frame: pl.DataFrame) -> list[tuple]:
    return sorted(
        frame.select("area_id", "item_id", "code", "weight").iter_rows(),
        key=lambda r: (r[0], r[1], -1 if r[2] is None else r[2]),
    )


@pytest.fixture(params=VARIANTS, ids=VARIANT_IDS)
def variant(request):
    return request.param


def test_reads_area_ids_codes_blanks_and_dont_know(tmp_path, variant):
    folder = write_wave(
        tmp_path / "2010", variant, HEADER,
        rows(("vangdalen", "4"), ("vangdalen", "9"), ("vangdalen", ""),
             ("gl_jennumparken", " 1 ")),
        WAVE,
    )
    wave = read_wave(folder, "survey/2010", MEMBERSHIP)
    assert wave.answers.schema == pl.Schema(ANSWERS_SCHEMA)
    assert answers_as_tuples(wave.answers) == [
        ("gl_jennumparken", "evening_safety", 1, None),
        ("vangdalen", "evening_safety", None, None),
        ("vangdalen", "evening_safety", 4, None),
        ("vangdalen", "evening_safety", 9, None),
    ]
    assert set(wave.answers.get_column("wave_id")) == {"2010"}
    assert set(wave.answers.get_column("year")) == {2010}
    assert wave.source_files == ["survey/2010/wave.json", "survey/2010/dataset.csv"]


def test_three_variants_give_the_same_answers(tmp_path):
    cells = [("vangdalen", "5"), ("gl_jennumparken", "2"), ("vangdalen", "")]
    frames = [
        read_wave(write_wave(tmp_path / v.id, v, HEADER, rows(*cells), WAVE), "survey/2010",
                  MEMBERSHIP).answers
        for v in VARIANTS
    ]
    assert frames[0].equals(frames[1])
    assert frames[0].equals(frames[2])


def test_answers_are_ordered_by_value_not_by_file_line(tmp_path, variant):
    # File order would let a row of the answers frame be traced back to a raw line.
    cells = [("vangdalen", "5"), ("gl_jennumparken", "2"), ("vangdalen", "1")]
    wave = read_wave(write_wave(tmp_path, variant, HEADER, rows(*cells), WAVE), "survey/2010",
                     MEMBERSHIP)
    assert wave.answers.get_column("area_id").to_list() == [
        "gl_jennumparken", "vangdalen", "vangdalen"]
    assert wave.answers.get_column("code").to_list() == [2, 1, 5]


def test_area_codes_map_numeric_codes_to_areas(tmp_path, variant):
    wave_json = {**WAVE, "area_codes": {"1": "vangdalen", "02": "gl_jennumparken"}}
    folder = write_wave(tmp_path, variant, HEADER, rows(("1", "4"), ("2", "3"), ("01", "5")),
                        wave_json)
    wave = read_wave(folder, "survey/2010", MEMBERSHIP)
    assert answers_as_tuples(wave.answers) == [
        ("gl_jennumparken", "evening_safety", 3, None),
        ("vangdalen", "evening_safety", 4, None),
        ("vangdalen", "evening_safety", 5, None),
    ]


@pytest.mark.parametrize(("year", "expected_area"),
                         [(2010, "glarbjergvej"), (2011, "glarbjergvej"),
                          (2012, "gl_jennumparken")])
def test_afdeling_maps_to_its_area_in_the_wave_year(tmp_path, variant, year, expected_area):
    wave_json = {**WAVE, "year": year}
    folder = write_wave(tmp_path, variant, HEADER, rows(("027-0028", "4"), ("071-0001", "1")),
                        wave_json)
    wave = read_wave(folder, "survey/x", MEMBERSHIP)
    assert sorted(wave.answers.get_column("area_id").to_list()) == sorted(
        [expected_area, "vangdalen"])


def test_weights_with_decimal_comma_or_point(tmp_path, variant):
    wave_json = {**WAVE, "weight_variable": "vaegt"}
    data = [respondent("vangdalen", "4", "1,5", 1), respondent("vangdalen", "2", "0.5", 2)]
    wave = read_wave(write_wave(tmp_path, variant, HEADER, data, wave_json), "survey/2010",
                     MEMBERSHIP)
    assert answers_as_tuples(wave.answers) == [
        ("vangdalen", "evening_safety", 2, 0.5),
        ("vangdalen", "evening_safety", 4, 1.5),
    ]


def test_blank_area_is_left_out_with_a_warning_naming_rows(tmp_path, variant):
    folder = write_wave(tmp_path / "2010", variant, HEADER,
                        rows(("vangdalen", "4"), ("", "5"), ("vangdalen", "1")), WAVE)
    wave = read_wave(folder, "survey/2010", MEMBERSHIP)
    assert wave.answers.height == 2
    assert len(wave.warnings.items) == 1
    assert "(rows 3)" in wave.warnings.items[0]
    assert "'omraade'" in wave.warnings.items[0]


def test_respondents_and_response_rate(tmp_path, variant):
    wave_json = {**WAVE, "invited": {"vangdalen": 4, "gl_jennumparken": 10}}
    folder = write_wave(
        tmp_path, variant, HEADER,
        rows(("vangdalen", "4"), ("vangdalen", ""), ("vangdalen", "9"),
             ("glarbjergvej", "1")),
        wave_json,
    )
    respondents = read_wave(folder, "survey/2010", MEMBERSHIP).respondents
    by_area = {r["area_id"]: r for r in respondents.iter_rows(named=True)}
    assert by_area["vangdalen"]["n_respondents"] == 3
    assert by_area["vangdalen"]["response_rate"] == pytest.approx(75.0)
    assert by_area["gl_jennumparken"]["n_respondents"] == 0
    assert by_area["gl_jennumparken"]["response_rate"] == pytest.approx(0.0)
    assert by_area["glarbjergvej"]["invited"] is None
    assert by_area["glarbjergvej"]["response_rate"] is None


STRUCTURE = [
    ["questionName", "variableName", "questionType", "subType", "questionText", "choiceValue",
     "choiceText", ""],
    ["omraade", "omraade", "Closed", "Single", "Hvor bor du?", "", "", ""],
    ["tryg_aften", "tryg_aften", "Closed", "Single",
     "Hvor tryg føler du dig i dit boligområde om aftenen?", "", "", ""],
]
LABELS = [
    ["omraade", "1", "Vangdalen"],
    ["tryg_aften", "1", "Meget tryg"],
    ["tryg_aften", "4", "Utryg; om aftenen"],
    ["tryg_aften", "9", "Ved ikke"],
]


def test_structure_and_labels_give_question_text_and_labels(tmp_path, variant):
    folder = write_wave(tmp_path / "2010", variant, HEADER, rows(("vangdalen", "4")), WAVE,
                        structure=STRUCTURE, labels=LABELS)
    wave = read_wave(folder, "survey/2010", MEMBERSHIP)
    question = wave.questions.row(0, named=True)
    assert question["item_id"] == "evening_safety"
    assert question["variable"] == "tryg_aften"
    assert question["question_text"] == "Hvor tryg føler du dig i dit boligområde om aftenen?"
    assert question["catalogue_text"].startswith("Hvor tryg eller utryg")
    assert wave.labels.select("code", "label").rows() == [
        (1, "Meget tryg"), (4, "Utryg; om aftenen"), (9, "Ved ikke")]
    assert wave.source_files[-2:] == ["survey/2010/structure.csv", "survey/2010/labels.csv"]
    assert wave.warnings.items == []


def test_wave_id_differing_from_folder_name_is_a_warning(tmp_path, variant):
    folder = write_wave(tmp_path / "2012", variant, HEADER, rows(("vangdalen", "4")), WAVE)
    wave = read_wave(folder, "survey/2012", MEMBERSHIP)
    assert wave.warnings.items == [
        "survey/2012/wave.json: wave_id '2010' differs from the folder name '2012'"]


def test_without_structure_question_text_is_null(tmp_path, variant):
    folder = write_wave(tmp_path, variant, HEADER, rows(("vangdalen", "4")), WAVE)
    assert read_wave(folder, "survey/2010", MEMBERSHIP).questions.get_column(
        "question_text").to_list() == [None]


# --- errors: file, row (line in the file) and column, never the cell's content ------------


def read_error(tmp_path, variant, data, wave_json=WAVE, header=HEADER) -> InputError:
    folder = write_wave(tmp_path / "2010", variant, header, data, wave_json)
    with pytest.raises(InputError) as caught:
        read_wave(folder, "survey/2010", MEMBERSHIP)
    return caught.value


def assert_points_at(error: InputError, row: int, column: str) -> None:
    assert len(error.problems) == 1, str(error)
    problem = error.problems[0]
    assert problem.file == "survey/2010/dataset.csv"
    assert (problem.row, problem.column) == (row, column)
    text = str(error)
    assert "survey/2010/dataset.csv" in text
    assert f"row {row}" in text
    assert repr(column) in text
    assert "expected" in text
    for secret in (FREE_TEXT_MARKER, RESPONDENT_ID, EMAIL):
        assert secret not in text


def test_missing_area_column(tmp_path, variant):
    header = ["respondent_id", "email", "bolig", "tryg_aften", "fritekst", "vaegt"]
    error = read_error(tmp_path, variant, rows(("vangdalen", "4")), header=header)
    assert_points_at(error, 1, "omraade")


def test_missing_item_column(tmp_path, variant):
    header = ["respondent_id", "email", "omraade", "tryg", "fritekst", "vaegt"]
    error = read_error(tmp_path, variant, rows(("vangdalen", "4")), header=header)
    assert_points_at(error, 1, "tryg_aften")


@pytest.mark.parametrize("bad_code", ["7", "0", "xq-zz", "4.5", "-4"])
def test_item_code_outside_catalogue(tmp_path, variant, bad_code):
    data = rows(("vangdalen", "4"), ("vangdalen", bad_code))
    error = read_error(tmp_path, variant, data)
    assert_points_at(error, 3, "tryg_aften")
    assert "1, 2, 3, 4, 5, 9 (Ved ikke)" in str(error)
    if not bad_code.isdigit() or len(bad_code) > 1:
        assert bad_code not in str(error)


def test_row_is_the_line_in_the_file_even_after_multiline_free_text(tmp_path, variant):
    data = rows(("vangdalen", "4"), ("vangdalen", "7"))
    data[0][4] = "første linje\nanden linje"
    error = read_error(tmp_path, variant, data)
    assert_points_at(error, 4, "tryg_aften")


def test_unknown_area_id(tmp_path, variant):
    error = read_error(tmp_path, variant, rows(("vangdalen", "4"), ("nowhere_zz", "4")))
    assert_points_at(error, 3, "omraade")
    assert "nowhere_zz" not in str(error)


def test_unmapped_area_code(tmp_path, variant):
    wave_json = {**WAVE, "area_codes": {"1": "vangdalen"}}
    error = read_error(tmp_path, variant, rows(("1", "4"), ("1", "2"), ("38", "4")), wave_json)
    assert_points_at(error, 4, "omraade")
    assert "area_codes" in str(error)
    assert "38" not in str(error)


def test_afdeling_not_in_any_area_that_year(tmp_path, variant):
    wave_json = {**WAVE, "year": 2004}  # before every membership starts
    error = read_error(tmp_path, variant, rows(("071-0001", "4")), wave_json)
    assert_points_at(error, 2, "omraade")
    assert "2004" in str(error)
    assert "071-0001" not in str(error)


@pytest.mark.parametrize("bad_weight", ["en halv", "-0,5", "", "1.234,5", "0", "0,0", "NaN",
                                        "inf", "-Infinity", "1e12", "1000000000000",
                                        "1000000,5"])
def test_bad_weight(tmp_path, variant, bad_weight):
    wave_json = {**WAVE, "weight_variable": "vaegt"}
    data = [respondent("vangdalen", "4", "1", 1), respondent("vangdalen", "4", bad_weight, 2)]
    error = read_error(tmp_path, variant, data, wave_json)
    assert_points_at(error, 3, "vaegt")
    assert "expected a positive number up to 1000000" in str(error)


def test_weights_up_to_the_bound_are_read(tmp_path, variant):
    wave_json = {**WAVE, "weight_variable": "vaegt"}
    data = [respondent("vangdalen", "4", "0,001", 1),
            respondent("vangdalen", "4", "1000000", 2)]
    folder = write_wave(tmp_path, variant, HEADER, data, wave_json)
    weights = read_wave(folder, "survey/2010", MEMBERSHIP).answers["weight"].to_list()
    assert sorted(weights) == [0.001, 1_000_000.0]


def test_every_bad_cell_is_reported(tmp_path, variant):
    data = rows(("vangdalen", "7"), ("nowhere_zz", "4"), ("vangdalen", "8"))
    error = read_error(tmp_path, variant, data)
    assert [(p.row, p.column) for p in error.problems] == [
        (2, "tryg_aften"), (3, "omraade"), (4, "tryg_aften")]


def test_missing_dataset_is_an_error_naming_the_file(tmp_path):
    folder = tmp_path / "2010"
    folder.mkdir()
    (folder / "wave.json").write_text('{"wave_id": "2010", "year": 2010, "title": "t", '
                                      '"area_variable": "a", "items": {"b": "evening_safety"}}')
    with pytest.raises(InputError, match="survey/2010/dataset.csv"):
        read_wave(folder, "survey/2010", MEMBERSHIP)


def test_wave_json_area_codes_must_name_known_areas(tmp_path, variant):
    wave_json = {**WAVE, "area_codes": {"1": "atlantis"}}
    folder = write_wave(tmp_path, variant, HEADER, rows(("1", "4")), wave_json)
    with pytest.raises(InputError) as caught:
        read_wave(folder, "survey/2010", MEMBERSHIP)
    assert caught.value.problems[0].file == "survey/2010/wave.json"
    assert "area_codes" in str(caught.value) and "atlantis" in str(caught.value)


# --- privacy ---------------------------------------------------------------------------------


def test_identifiers_and_free_text_never_reach_returned_frames(tmp_path, variant):
    wave_json = {**WAVE, "weight_variable": "vaegt", "invited": {"vangdalen": 5},
                 "drop_variables": ["email", "respondent_id", "fritekst"]}
    data = [respondent("vangdalen", "4", "1", 1), respondent("", "2", "1", 2),
            respondent("gl_jennumparken", "", "2", 3)]
    folder = write_wave(tmp_path, variant, HEADER, data, wave_json, structure=STRUCTURE,
                        labels=LABELS)
    wave = read_wave(folder, "survey/2010", MEMBERSHIP)
    everything = all_text(wave.answers, wave.questions, wave.respondents, wave.labels)
    everything += "\n".join(wave.warnings.items + wave.source_files)
    everything += repr(wave)
    for secret in (FREE_TEXT_MARKER, RESPONDENT_ID, EMAIL):
        assert secret not in everything
    frame_text = all_text(wave.answers, wave.questions, wave.respondents, wave.labels)
    for column in ("respondent_id", "email", "fritekst"):
        assert column not in frame_text
    assert set(wave.answers.columns) == set(ANSWERS_SCHEMA)


def test_one_wave_id_in_two_folders_names_both(tmp_path, variant):
    first = write_wave(tmp_path / "a", variant, HEADER, rows(("vangdalen", "4")), WAVE)
    copy = write_wave(tmp_path / "b", variant, HEADER, rows(("vangdalen", "4")), WAVE)
    waves = [(name, read_wave(folder, name, MEMBERSHIP).config)
             for name, folder in (("survey/2010", first), ("survey/2010_kopi", copy))]
    with pytest.raises(InputError) as caught:
        check_distinct_wave_ids(waves)
    message = str(caught.value)
    assert message.startswith("survey/2010_kopi/wave.json, column 'wave_id': wave_id '2010' "
                              "is also the wave_id of survey/2010/wave.json")
    assert "expected each wave in exactly one folder" in message


def test_distinct_wave_ids_pass(tmp_path, variant):
    folder = write_wave(tmp_path / "a", variant, HEADER, rows(("vangdalen", "4")), WAVE)
    config = read_wave(folder, "survey/2010", MEMBERSHIP).config
    other = config.model_copy(update={"wave_id": "2012"})
    check_distinct_wave_ids([("survey/2010", config), ("survey/2012", other)])
