"""Area outlines (`areas/areas.geojson`): WGS84 polygons keyed by area_id.

Every feature is checked before anything draws it, so a bad outline is reported
as the feature's number and area_id with what was expected, not as an exception
from the map code: a Polygon is a list of closed rings of at least four
[longitude, latitude] positions, each a finite number inside WGS84's range (a
projected file, e.g. UTM metres, fails here), and a MultiPolygon is a list of
Polygons.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from indicators.errors import InputError, InputProblem
from indicators.inputs.files import read_input_bytes

MAX_PROBLEMS = 20
_POSITION = "[longitude, latitude] in WGS84 degrees (longitude -180..180, latitude -90..90)"


def read_geojson(path: Path, name: str) -> dict:
    """A FeatureCollection with `properties.area_id` on every feature, or InputError."""
    try:
        data = json.loads(read_input_bytes(path, name).decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(InputProblem(name, "cannot be decoded: expected UTF-8 GeoJSON")) from None
    except json.JSONDecodeError as exc:
        raise InputError(InputProblem(
            name, f"is not valid JSON ({exc.msg}, column {exc.colno}); expected GeoJSON",
            row=exc.lineno)) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise InputError(InputProblem(name, "expected a GeoJSON FeatureCollection"))
    features = data.get("features")
    if not isinstance(features, list):
        raise InputError(InputProblem(name, "expected 'features': a list of Feature objects"))
    problems = []
    for number, feature in enumerate(features, start=1):
        problems += [InputProblem(name, message) for message in _feature_problems(number,
                                                                                   feature)]
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise InputError(problems[:MAX_PROBLEMS])
    return data


def _feature_problems(number: int, feature: Any) -> list[str]:
    if not isinstance(feature, dict):
        return [f"feature {number} is not a JSON object; expected a GeoJSON Feature"]
    properties = feature.get("properties")
    area_id = properties.get("area_id") if isinstance(properties, dict) else None
    label = f"feature {number}" + (f" (area_id {area_id!r})" if area_id else "")
    problems = []
    if not area_id or not isinstance(area_id, str):
        problems.append(f"{label} has no properties.area_id; expected the area it outlines")
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict):
        return [*problems, f"{label} has no geometry; expected a Polygon or MultiPolygon "
                f"with positions {_POSITION}"]
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        problem = _polygon_problem(coordinates)
    elif kind == "MultiPolygon":
        problem = _multipolygon_problem(coordinates)
    else:
        problem = (f"has geometry {kind!r}; expected Polygon or MultiPolygon in WGS84 "
                   "longitude/latitude")
    if problem is not None:
        problems.append(f"{label} {problem}")
    return problems


def _multipolygon_problem(coordinates: Any) -> str | None:
    if not isinstance(coordinates, list) or not coordinates:
        return "has MultiPolygon coordinates that are not a list of polygons; expected " \
               "[[ring, ...], ...]"
    for at, polygon in enumerate(coordinates, start=1):
        problem = _polygon_problem(polygon)
        if problem is not None:
            return f"polygon {at} {problem.removeprefix('has ')}"
    return None


def _polygon_problem(coordinates: Any) -> str | None:
    if not isinstance(coordinates, list) or not coordinates:
        return "has Polygon coordinates that are not a list of rings; expected " \
               "[[[longitude, latitude], ...], ...]"
    for at, ring in enumerate(coordinates, start=1):
        if not isinstance(ring, list) or len(ring) < 4:
            return (f"has ring {at} with fewer than 4 positions; expected a closed ring "
                    "(at least 4 positions, the last equal to the first)")
        for index, position in enumerate(ring, start=1):
            if not _is_position(position):
                return f"has ring {at}, position {index} {_shown(position)}; expected {_POSITION}"
        if ring[0][:2] != ring[-1][:2]:
            return (f"has ring {at} that is not closed (its last position differs from the "
                    "first); expected a closed ring")
    return None


def _is_position(position: Any) -> bool:
    if not isinstance(position, list) or len(position) < 2:
        return False
    lon, lat = position[0], position[1]
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
                  for v in (lon, lat))
    return numbers and -180 <= lon <= 180 and -90 <= lat <= 90


def _shown(position: Any) -> str:
    text = json.dumps(position)
    return text if len(text) <= 60 else text[:57] + "..."
