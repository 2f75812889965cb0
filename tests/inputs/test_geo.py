"""Area outlines: a bad feature is named by number and area_id with what was expected."""

import json
import math

import pytest

from indicators.errors import InputError
from indicators.inputs.geo import read_geojson

RING = [[10.0, 56.4], [10.1, 56.4], [10.1, 56.5], [10.0, 56.4]]


def feature(area_id="vangdalen", geometry=None):
    return {"type": "Feature", "properties": {"area_id": area_id},
            "geometry": {"type": "Polygon", "coordinates": [RING]} if geometry is None
            else geometry}


def read(tmp_path, *features, allow_nan=False):
    path = tmp_path / "areas.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)},
                               allow_nan=allow_nan), encoding="utf-8")
    return read_geojson(path, "areas/areas.geojson")


def problem(tmp_path, bad, allow_nan=False) -> str:
    with pytest.raises(InputError) as err:
        read(tmp_path, feature("gl_jennumparken"), bad, allow_nan=allow_nan)
    message = str(err.value)
    assert message.startswith("areas/areas.geojson: feature 2 (area_id 'vangdalen')"), message
    return message


def test_good_outlines_are_read(tmp_path):
    multi = {"type": "MultiPolygon", "coordinates": [[RING], [RING]]}
    data = read(tmp_path, feature(), feature("gl_jennumparken", multi))
    assert [f["properties"]["area_id"] for f in data["features"]] == [
        "vangdalen", "gl_jennumparken"]


@pytest.mark.parametrize(("position", "shown"), [
    (["10.0", 56.4], '["10.0", 56.4]'),  # text, not a number
    ([10.0], "[10.0]"),
    ([10.0, 156.4], "[10.0, 156.4]"),  # latitude beyond the pole
    ([570000.0, 6250000.0], "[570000.0, 6250000.0]"),  # UTM metres, not degrees
    ([True, 56.4], "[true, 56.4]"),
])
def test_bad_position_is_named(tmp_path, position, shown):
    ring = [RING[0], position, RING[2], RING[0]]
    message = problem(tmp_path, feature(geometry={"type": "Polygon", "coordinates": [ring]}))
    assert f"ring 1, position 2 {shown}; expected [longitude, latitude] in WGS84" in message


def test_nan_position_is_named(tmp_path):
    ring = [RING[0], [math.nan, 56.4], RING[2], RING[0]]
    message = problem(tmp_path, feature(geometry={"type": "Polygon", "coordinates": [ring]}),
                      allow_nan=True)
    assert "ring 1, position 2" in message and "expected [longitude, latitude]" in message


def test_unclosed_ring(tmp_path):
    ring = [*RING[:3], [10.05, 56.45]]
    message = problem(tmp_path, feature(geometry={"type": "Polygon", "coordinates": [ring]}))
    assert "ring 1 that is not closed" in message and "expected a closed ring" in message


def test_too_short_ring(tmp_path):
    ring = [RING[0], RING[1], RING[0]]
    message = problem(tmp_path, feature(geometry={"type": "Polygon", "coordinates": [ring]}))
    assert "ring 1 with fewer than 4 positions" in message


def test_bad_polygon_inside_multipolygon(tmp_path):
    multi = {"type": "MultiPolygon", "coordinates": [[RING], [[RING[0], [200, 0], *RING[2:]]]]}
    message = problem(tmp_path, feature(geometry=multi))
    assert "polygon 2 ring 1, position 2 [200, 0]" in message


@pytest.mark.parametrize("geometry", [None, "Polygon"])
def test_missing_geometry(tmp_path, geometry):
    bad = {"type": "Feature", "properties": {"area_id": "vangdalen"}, "geometry": geometry}
    message = problem(tmp_path, bad)
    assert "has no geometry; expected a Polygon or MultiPolygon" in message


def test_point_geometry_and_missing_coordinates(tmp_path):
    message = problem(tmp_path, feature(geometry={"type": "Point", "coordinates": [10, 56]}))
    assert "has geometry 'Point'; expected Polygon or MultiPolygon" in message
    message = problem(tmp_path, feature(geometry={"type": "Polygon"}))
    assert "not a list of rings" in message


def test_feature_without_area_id_is_named_by_number(tmp_path):
    bad = {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon",
                                                              "coordinates": [RING]}}
    with pytest.raises(InputError) as err:
        read(tmp_path, feature(), bad)
    assert "feature 2 has no properties.area_id" in str(err.value)


def test_features_must_be_a_list(tmp_path):
    path = tmp_path / "areas.geojson"
    path.write_text('{"type": "FeatureCollection", "features": {"a": 1}}', encoding="utf-8")
    with pytest.raises(InputError, match="expected 'features': a list"):
        read_geojson(path, "areas/areas.geojson")
