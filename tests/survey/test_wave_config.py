"""wave.json per contract.md, and the errors a person fixing it needs."""

from __future__ import annotations

import json

import pytest

from indicators.errors import InputError
from indicators.survey.wave import WaveConfig, load_wave_config

NAME = "survey/2010/wave.json"
MINIMAL = {
    "wave_id": "2010",
    "year": 2010,
    "title": "Beboerundersøgelse 2010",
    "area_variable": "omraade",
    "items": {"tryg_aften": "evening_safety"},
}


def write(tmp_path, content) -> object:
    path = tmp_path / "wave.json"
    text = content if isinstance(content, str) else json.dumps(content, indent=2)
    path.write_text(text, encoding="utf-8")
    return path


def load_error(tmp_path, content, **kwargs) -> InputError:
    with pytest.raises(InputError) as caught:
        load_wave_config(write(tmp_path, content), NAME, **kwargs)
    return caught.value


def test_minimal_wave_loads_with_defaults(tmp_path):
    config = load_wave_config(write(tmp_path, MINIMAL), NAME)
    assert config == WaveConfig(**MINIMAL)
    assert config.invited is None
    assert config.area_codes is None
    assert config.weight_variable is None
    assert config.drop_variables == []


def test_full_wave_as_in_the_contract(tmp_path):
    full = {
        **MINIMAL,
        "invited": {"vangdalen": 300, "gl_jennumparken": 450},
        "area_codes": {"1": "vangdalen", "2": "gl_jennumparken"},
        "weight_variable": "vaegt",
        "drop_variables": ["navn", "email"],
    }
    config = load_wave_config(write(tmp_path, full), NAME,
                              known_areas={"vangdalen", "gl_jennumparken"})
    assert config.invited == {"vangdalen": 300, "gl_jennumparken": 450}
    assert config.area_codes == {"1": "vangdalen", "2": "gl_jennumparken"}
    assert config.weight_variable == "vaegt"
    assert config.drop_variables == ["navn", "email"]


def test_utf8_with_bom_is_accepted(tmp_path):
    path = tmp_path / "wave.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(MINIMAL).encode("utf-8"))
    assert load_wave_config(path, NAME).wave_id == "2010"


def only_problem(error: InputError):
    assert len(error.problems) == 1, str(error)
    problem = error.problems[0]
    assert problem.file == NAME
    assert NAME in str(error)
    assert "expected" in str(error)
    return problem


def test_unknown_field_is_named_with_its_line(tmp_path):
    problem = only_problem(load_error(tmp_path, {**MINIMAL, "weights": "vaegt"}))
    assert "'weights'" in problem.message
    assert "weight_variable" in problem.message  # the list of fields it could have meant
    assert problem.row == 9  # json.dumps(indent=2): "{", five keys, items over 3 lines


def test_missing_required_field(tmp_path):
    content = {k: v for k, v in MINIMAL.items() if k != "area_variable"}
    problem = only_problem(load_error(tmp_path, content))
    assert "'area_variable'" in problem.message
    assert "missing" in problem.message


def test_year_as_text_is_not_silently_converted(tmp_path):
    problem = only_problem(load_error(tmp_path, {**MINIMAL, "year": "2010"}))
    assert "'year'" in problem.message
    assert "whole number" in problem.message
    assert problem.row == 3


def test_wave_id_as_number_is_an_error(tmp_path):
    problem = only_problem(load_error(tmp_path, {**MINIMAL, "wave_id": 2010}))
    assert "'wave_id'" in problem.message


def test_json_syntax_error_gives_line_and_column(tmp_path):
    text = '{\n  "wave_id": "2010",\n  "year": 2010\n  "title": "x"\n}\n'
    problem = only_problem(load_error(tmp_path, text))
    assert problem.row == 4
    assert "line 4, column 3" in problem.message


def test_duplicate_field_is_an_error(tmp_path):
    text = json.dumps(MINIMAL, indent=2)[:-2] + ',\n  "year": 2012\n}'
    problem = only_problem(load_error(tmp_path, text))
    assert "'year'" in problem.message
    assert "more than once" in problem.message


def test_item_must_be_in_the_catalogue(tmp_path):
    content = {**MINIMAL, "items": {"tryg_aften": "evening_safty"}}
    problem = only_problem(load_error(tmp_path, content))
    assert "'items'" in problem.message
    assert "evening_safty" in problem.message
    assert "evening_safety" in problem.message  # what was expected
    assert problem.row == 6  # the line of "items"


def test_one_variable_per_item(tmp_path):
    content = {**MINIMAL, "items": {"tryg_aften": "evening_safety", "q7": "evening_safety"}}
    problem = only_problem(load_error(tmp_path, content))
    assert "tryg_aften" in problem.message and "q7" in problem.message


def test_area_variable_cannot_be_an_item(tmp_path):
    content = {**MINIMAL, "items": {"Omraade": "evening_safety"}}
    problem = only_problem(load_error(tmp_path, content))
    assert "area_variable" in problem.message


def test_drop_variables_cannot_drop_a_used_column(tmp_path):
    content = {**MINIMAL, "weight_variable": "vaegt", "drop_variables": ["email", "VAEGT"]}
    problem = only_problem(load_error(tmp_path, content))
    assert "'drop_variables'" in problem.message
    assert "VAEGT" in problem.message


def test_area_ids_follow_the_contract_pattern(tmp_path):
    content = {**MINIMAL, "area_codes": {"1": "Gl. Jennumparken"}}
    problem = only_problem(load_error(tmp_path, content))
    assert "'area_codes.1'" in problem.message
    assert "lower-case" in problem.message


def test_invited_must_be_positive_whole_numbers(tmp_path):
    error = load_error(tmp_path, {**MINIMAL, "invited": {"vangdalen": 0, "b": 12.5}})
    fields = sorted(p.message.split("'")[1] for p in error.problems)
    assert fields == ["invited.b", "invited.vangdalen"]


def test_areas_must_be_known_when_the_register_is_given(tmp_path):
    content = {**MINIMAL, "invited": {"atlantis": 10}}
    problem = only_problem(load_error(tmp_path, content, known_areas={"vangdalen"}))
    assert "'invited'" in problem.message
    assert "atlantis" in problem.message and "vangdalen" in problem.message


def test_top_level_must_be_an_object(tmp_path):
    only_problem(load_error(tmp_path, "[1, 2]"))


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="survey/2010/wave.json"):
        load_wave_config(tmp_path / "wave.json", NAME)


def test_all_problems_are_reported_at_once(tmp_path):
    content = {**MINIMAL, "year": "2010", "title": "", "extra": 1}
    error = load_error(tmp_path, content)
    fields = sorted(p.message.split("'")[1] for p in error.problems)
    assert fields == ["extra", "title", "year"]
