"""models/local.yaml: the contract's format, unknown keys refused, errors naming file and key."""

from decimal import Decimal
from pathlib import Path

import pytest

from indicators.errors import InputError
from indicators.local_model import load_local_model, parse_local_model

MEASURES = ["offentligt_forsoergede_16_64", "beboere_16_64", "fravaersdage", "elever_0_10"]
ITEMS = ["evening_safety"]

# contract.md's example, as printed there.
CONTRACT_EXAMPLE = """\
model_id: randers_2026            # [a-z0-9_]+, published with every result
min_residents: 500                # areas below this get no category
bands: ["1.00", "1.25", "1.50"]   # r >= each band gives one more point (0-3)
categories: {red_from: 16, orange_from: 11, yellow_from: 6}
indicators:                       # the model's indicators, in display order
  l_offentligt_forsoergede:
    numerator: offentligt_forsoergede_16_64
    denominator: beboere_16_64
    unit: pct                     # pct (x 100) or ratio (e.g. days per pupil)
    direction: higher_worse       # or lower_worse
    label_da: Offentligt forsørgede 16-64 år
    label_en: Residents 16-64 on public support
  l_utryghed:
    survey_item: evening_safety   # a survey share instead of two measures
    direction: higher_worse
    label_da: Utrygge om aftenen
    label_en: Unsafe in the evening
"""


def parse(text: str):
    return parse_local_model(text, "models/local.yaml", measures=MEASURES, survey_items=ITEMS)


def error_of(text: str) -> str:
    with pytest.raises(InputError) as err:
        parse(text)
    return str(err.value)


def test_the_contract_example_reads():
    model = parse(CONTRACT_EXAMPLE)
    assert model.model_id == "randers_2026" and model.min_residents == 500
    assert model.bands == [Decimal("1.00"), Decimal("1.25"), Decimal("1.50")]
    assert (model.categories.red_from, model.categories.orange_from,
            model.categories.yellow_from) == (16, 11, 6)
    assert list(model.indicators) == ["l_offentligt_forsoergede", "l_utryghed"]  # display order
    survey = model.indicators["l_utryghed"]
    assert survey.is_survey and survey.measures is None and survey.scale == 100
    assert model.indicators["l_offentligt_forsoergede"].measures == (
        "offentligt_forsoergede_16_64", "beboere_16_64")
    assert model.max_points == 3


def test_min_residents_defaults_to_500():
    model = parse(CONTRACT_EXAMPLE.replace("min_residents: 500", "# no floor given"))
    assert model.min_residents == 500


def test_yaml_float_bands_are_read_as_the_decimals_written():
    model = parse(CONTRACT_EXAMPLE.replace('["1.00", "1.25", "1.50"]', "[1.0, 1.1, 1.3]"))
    assert model.bands == [Decimal("1.0"), Decimal("1.1"), Decimal("1.3")]


def test_an_unknown_key_names_the_file_the_key_path_and_the_line():
    text = CONTRACT_EXAMPLE.replace("    unit: pct ", "    weight: 2\n    unit: pct ")
    message = error_of(text)
    assert message.startswith("models/local.yaml, row 9:")
    assert "key 'indicators.l_offentligt_forsoergede.weight': unknown key" in message


def test_an_unknown_top_level_key_is_an_error():
    message = error_of(CONTRACT_EXAMPLE + "colours: {red: '#f00'}\n")
    assert "key 'colours': unknown key" in message and "row 18" in message


def test_a_missing_key_is_named():
    message = error_of(CONTRACT_EXAMPLE.replace("model_id: randers_2026", "# none"))
    assert "key 'model_id': missing" in message


def test_a_bad_direction_names_its_key_and_the_expectation():
    message = error_of(CONTRACT_EXAMPLE.replace("direction: higher_worse       #",
                                                "direction: up #"))
    assert "key 'indicators.l_offentligt_forsoergede.direction'" in message
    assert "'higher_worse' or 'lower_worse'" in message and "row 10" in message


def test_an_unknown_maal_names_the_key_and_lists_the_known_ones():
    message = error_of(CONTRACT_EXAMPLE.replace("denominator: beboere_16_64",
                                                "denominator: beboere_16_65"))
    assert "models/local.yaml, row 8:" in message
    assert "key 'indicators.l_offentligt_forsoergede.denominator': unknown maal " \
           "'beboere_16_65'; expected one of beboere_16_64" in message


def test_an_unknown_survey_item_is_an_error():
    message = error_of(CONTRACT_EXAMPLE.replace("survey_item: evening_safety",
                                                "survey_item: daytime_safety"))
    assert "key 'indicators.l_utryghed.survey_item': unknown survey item 'daytime_safety'" \
        in message


@pytest.mark.parametrize(("bands", "expected"), [
    ('["1.00", "1.50", "1.25"]', "strictly increasing"),
    ('["0", "1.25", "1.50"]', "positive"),
    ('["1.00", "x", "1.50"]', "bands.1"),
    ("[]", "bands"),
])
def test_bands_must_be_positive_increasing_numbers(bands, expected):
    message = error_of(CONTRACT_EXAMPLE.replace('["1.00", "1.25", "1.50"]', bands))
    assert "key 'bands" in message and expected in message


def test_categories_must_be_ordered():
    message = error_of(CONTRACT_EXAMPLE.replace("orange_from: 11", "orange_from: 17"))
    assert "key 'categories'" in message and "red_from > orange_from > yellow_from" in message


def test_an_indicator_is_two_measures_or_a_survey_item_not_both():
    both = CONTRACT_EXAMPLE.replace("    survey_item: evening_safety",
                                    "    survey_item: evening_safety\n"
                                    "    numerator: fravaersdage")
    assert "key 'indicators.l_utryghed': expected either survey_item or numerator" in (
        error_of(both))
    half = CONTRACT_EXAMPLE.replace("    denominator: beboere_16_64\n", "")
    assert "key 'indicators.l_offentligt_forsoergede': expected numerator and denominator" in (
        error_of(half))
    no_unit = CONTRACT_EXAMPLE.replace("    unit: pct ", "    # ")
    assert "expected unit: pct (x 100) or ratio" in error_of(no_unit)


def test_a_key_given_twice_is_an_error_not_the_last_one_silently():
    message = error_of(CONTRACT_EXAMPLE.replace("min_residents: 500",
                                                "min_residents: 500\nmin_residents: 800"))
    assert "key 'min_residents' is given twice" in message and "row 3" in message


def test_invalid_yaml_names_the_file_and_line():
    message = error_of(CONTRACT_EXAMPLE.replace("categories: {red_from", "categories: {{red_from"))
    assert message.startswith("models/local.yaml") and "not valid YAML" in message


def test_model_id_must_be_a_key():
    assert "key 'model_id'" in error_of(CONTRACT_EXAMPLE.replace("randers_2026", "Randers 2026"))


def test_the_shipped_default_model_is_used_without_a_model_file(tmp_path: Path):
    model = load_local_model(tmp_path)
    assert model.model_id == "boligmonitor_standard_1"
    assert len(model.indicators) == 9
    assert model.bands == [Decimal("1.00"), Decimal("1.25"), Decimal("1.50")]
    assert model.min_residents == 500
    assert sum(1 for i in model.indicators.values() if i.is_survey) == 1
    assert model.indicators["l_skolefravaer"].unit == "ratio"
    for ind in model.indicators.values():
        assert ind.label_da != ind.label_en


def test_a_data_directorys_model_replaces_the_default(tmp_path: Path):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "local.yaml").write_text(CONTRACT_EXAMPLE, encoding="utf-8")
    model = load_local_model(tmp_path)
    assert model.model_id == "randers_2026" and len(model.indicators) == 2


def test_a_data_directorys_model_is_checked_against_the_catalogue(tmp_path: Path):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "local.yaml").write_text(
        CONTRACT_EXAMPLE.replace("numerator: offentligt_forsoergede_16_64", "numerator: boliger"),
        encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_local_model(tmp_path)
    assert "models/local.yaml, row 7:" in str(err.value)
    assert "unknown maal 'boliger'" in str(err.value)
