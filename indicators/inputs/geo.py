"""Area outlines (`areas/areas.geojson`): WGS84 polygons keyed by area_id."""

from __future__ import annotations

import json
from pathlib import Path

from indicators.errors import InputError, InputProblem


def read_geojson(path: Path, name: str) -> dict:
    """A FeatureCollection with `properties.area_id` on every feature, or InputError."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(InputProblem(name, "cannot be decoded: expected UTF-8 GeoJSON")) from None
    except json.JSONDecodeError as exc:
        raise InputError(InputProblem(
            name, f"is not valid JSON ({exc.msg}, column {exc.colno}); expected GeoJSON",
            row=exc.lineno)) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise InputError(InputProblem(name, "expected a GeoJSON FeatureCollection"))
    problems = []
    for number, feature in enumerate(data.get("features") or [], start=1):
        properties = feature.get("properties") or {}
        geometry = feature.get("geometry") or {}
        if not properties.get("area_id"):
            problems.append(InputProblem(name, f"feature {number} has no properties.area_id; "
                                         "expected the area it outlines"))
        if geometry.get("type") not in {"Polygon", "MultiPolygon"}:
            problems.append(InputProblem(name, f"feature {number} has geometry "
                                         f"{geometry.get('type')!r}; expected Polygon or "
                                         "MultiPolygon in WGS84 longitude/latitude"))
    if problems:
        raise InputError(problems)
    return data
