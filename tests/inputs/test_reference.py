"""Reference values: one value per year and measure (and region)."""

import pytest

from indicators.errors import InputError
from indicators.inputs.reference import read_reference


def write(tmp_path, text):
    path = tmp_path / "ref.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_national_value_twice_names_both_rows(tmp_path):
    path = write(tmp_path, "aar;maal;vaerdi\n2019;domte_andel_18plus;1,2\n"
                 "2020;domte_andel_18plus;1,1\n2019;domte_andel_18plus;1,3\n")
    with pytest.raises(InputError) as err:
        read_reference(path, "reference/national.csv", regional=False)
    assert str(err.value) == (
        "reference/national.csv, row 2, column 'aar': aar 2019, maal domte_andel_18plus "
        "appears in rows 2 and 4; expected each (aar, maal) once")


def test_regional_values_are_keyed_by_region_too(tmp_path):
    text = ("region_code;aar;maal;vaerdi\n1082;2019;gns_bruttoindkomst_15_64;300000\n"
            "1081;2019;gns_bruttoindkomst_15_64;310000\n")
    frame = read_reference(write(tmp_path, text), "reference/regional.csv", regional=True)
    assert frame.height == 2
    with pytest.raises(InputError, match=r"region_code 1082, aar 2019, .* rows 2 and 4"):
        read_reference(write(tmp_path, text + "1082;2019;gns_bruttoindkomst_15_64;1\n"),
                       "reference/regional.csv", regional=True)
