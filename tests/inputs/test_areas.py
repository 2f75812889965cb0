"""Area register and membership validation."""

import pytest

from indicators.errors import InputError
from indicators.inputs.areas import read_areas, read_membership

AREAS = "area_id;area_name;municipality_code;region_code\n" \
        "gl_jennumparken;Gl. Jennumparken;730;1082\nvangdalen;Vangdalen;730;1082\n"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def areas(tmp_path):
    return read_areas(write(tmp_path, "areas.csv", AREAS), "areas/areas.csv")


def test_areas_are_typed(tmp_path):
    frame = areas(tmp_path)
    assert frame["municipality_code"].to_list() == [730, 730]
    assert frame["area_name"].to_list() == ["Gl. Jennumparken", "Vangdalen"]


def test_bad_region_code(tmp_path):
    path = write(tmp_path, "a.csv", "area_id;area_name;municipality_code;region_code\n"
                 "x;X;730;82\n")
    with pytest.raises(InputError) as err:
        read_areas(path, "areas/areas.csv")
    message = str(err.value)
    assert "row 2" in message and "column 'region_code'" in message and "1081 to 1085" in message


def test_membership_open_ended_and_changes(tmp_path):
    path = write(tmp_path, "m.csv", "area_id;afdeling_id;valid_from;valid_to\n"
                 "vangdalen;020-0001;2000;\nvangdalen;020-0002;2012;\n"
                 "gl_jennumparken;020-0003;2000;2015\nvangdalen;020-0003;2016;\n")
    frame = read_membership(path, "areas/membership.csv", areas(tmp_path))
    assert frame.filter(frame["afdeling_id"] == "020-0001")["valid_to"].to_list() == [None]


def test_afdeling_in_two_areas_at_once(tmp_path):
    path = write(tmp_path, "m.csv", "area_id;afdeling_id;valid_from;valid_to\n"
                 "gl_jennumparken;020-0003;2000;2016\nvangdalen;020-0003;2016;\n")
    with pytest.raises(InputError) as err:
        read_membership(path, "areas/membership.csv", areas(tmp_path))
    message = str(err.value)
    assert "020-0003" in message and "row 2" in message and "row 3" in message


def test_membership_of_unknown_area(tmp_path):
    path = write(tmp_path, "m.csv", "area_id;afdeling_id;valid_from;valid_to\n"
                 "nowhere;020-0003;2000;\n")
    with pytest.raises(InputError) as err:
        read_membership(path, "areas/membership.csv", areas(tmp_path))
    assert "'nowhere'" in str(err.value) and "column 'area_id'" in str(err.value)
