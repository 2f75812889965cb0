"""Area outlines prepared for Plotly's offline outline map.

Plotly's geo drawing (d3-geo) treats a ring wound counter-clockwise as
"everything except this polygon", so the RFC 7946 winding the data come in
(exterior counter-clockwise) fills the whole globe instead of the area.
Exterior rings are therefore rewound clockwise and holes counter-clockwise.
Coordinates are rounded to 5 decimals (about one metre), which is far
finer than a planner's overview map needs and keeps every page small.
"""

from __future__ import annotations

from typing import Any

COORDINATE_DECIMALS = 5

# plotly.js fetches its world topojson from a CDN when a geo subplot is drawn,
# even with the base map hidden, and draws nothing until it arrives. A stub
# with empty layers defined before plotly.js loads keeps the page offline.
_EMPTY_LAYER = {"type": "GeometryCollection", "geometries": []}
TOPOJSON_STUB = {
    "type": "Topology",
    "objects": {name: _EMPTY_LAYER for name in (
        "coastlines", "land", "ocean", "lakes", "rivers", "countries", "subunits")},
    "arcs": [],
}
TOPOJSON_NAMES = ("world_110m", "world_50m")


def _signed_area(ring: list[list[float]]) -> float:
    """Shoelace sum in lon/lat: positive for counter-clockwise rings."""
    total = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        total += x1 * y2 - x2 * y1
    return total / 2


def _round_ring(ring) -> list[list[float]]:
    return [[round(float(p[0]), COORDINATE_DECIMALS), round(float(p[1]), COORDINATE_DECIMALS)]
            for p in ring]


def _wind(ring, clockwise: bool) -> list[list[float]]:
    ring = _round_ring(ring)
    is_clockwise = _signed_area(ring) < 0
    return ring if is_clockwise == clockwise else ring[::-1]


def _rewind_polygon(rings) -> list:
    return [_wind(ring, clockwise=(i == 0)) for i, ring in enumerate(rings)]


def rewind_for_plotly(geojson: dict[str, Any], keep_ids: set[str] | None = None
                      ) -> dict[str, Any]:
    """A copy with exterior rings clockwise, holes counter-clockwise, and only the
    features (of `keep_ids`) and property `area_id` the map needs."""
    features = []
    for feature in geojson.get("features", []):
        area_id = (feature.get("properties") or {}).get("area_id")
        geometry = feature.get("geometry") or {}
        if area_id is None or (keep_ids is not None and area_id not in keep_ids):
            continue
        kind = geometry.get("type")
        if kind == "Polygon":
            coords = _rewind_polygon(geometry["coordinates"])
        elif kind == "MultiPolygon":
            coords = [_rewind_polygon(p) for p in geometry["coordinates"]]
        else:
            continue
        features.append({"type": "Feature", "properties": {"area_id": area_id},
                         "geometry": {"type": kind, "coordinates": coords}})
    return {"type": "FeatureCollection", "features": features}


def label_point(feature: dict[str, Any]) -> tuple[float, float]:
    """Where to write the area's name: the centroid of its largest exterior ring."""
    geometry = feature["geometry"]
    polygons = ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                else geometry["coordinates"])
    ring = max((p[0] for p in polygons), key=lambda r: abs(_signed_area(r)))
    area = _signed_area(ring)
    if area == 0:
        xs, ys = zip(*ring, strict=True)
        return sum(xs) / len(xs), sum(ys) / len(ys)
    cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    return cx / (6 * area), cy / (6 * area)
