"""The overview map's views: status colour or one indicator, for each list year.

The page draws the default view as a Plotly figure; the other views travel
as compact arrays (one number and one text per area, in the page's language) that
`site.js` swaps in when the reader picks another indicator or year, so the
outlines are embedded once, not once per view.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from indicators.site.figures import discrete_colorscale
from indicators.site.geo import label_point, rewind_for_plotly
from indicators.site.model import SiteData
from indicators.site.rules import HEX, RANK

# Map order of the colours: the z value of each (grey lowest, red highest).
_STATUS_KEYS = sorted(RANK, key=RANK.get)
_STATUS_Z = {c: i for i, c in enumerate(_STATUS_KEYS)}

# Sequential blues (light = low); its darkest step keeps black labels legible
# because labels sit on the lightened outline, not on the fill alone.
_SEQUENTIAL = [[0, "#f1f6fb"], [0.5, "#8fb4d6"], [1, "#2d6aa3"]]


@dataclass
class MapView:
    key: str
    label: str
    year: int
    z: list[float | None]
    texts: list[str]     # full words, for hover and the table
    shorts: list[str]    # a few characters written on the map
    colorscale: list
    zmin: float
    zmax: float
    colorbar: dict
    summary: str = ""


@dataclass
class BuiltMap:
    geojson: dict
    area_ids: list[str]
    names: list[str]
    label_lon: list[float]
    label_lat: list[float]
    views: dict[str, dict[int, MapView]] = field(default_factory=dict)
    labels_by_key: dict[str, str] = field(default_factory=dict)
    default_key: str = "status"
    default_year: int = 0

    @property
    def default_view(self) -> MapView:
        return self.views[self.default_key][self.default_year]

    def labels(self, view: MapView) -> list[str]:
        return [f"{n}<br>{t}" for n, t in zip(self.names, view.shorts, strict=True)]

    def hovers(self, view: MapView) -> list[str]:
        return [f"{n}<br>{t}" for n, t in zip(self.names, view.texts, strict=True)]

    def summary(self, view: MapView) -> str:
        return view.summary

    def client_data(self) -> dict:
        return {
            "names": self.names,
            "default": {"key": self.default_key, "year": self.default_year},
            "views": [
                {"key": key, "label": self.labels_by_key[key],
                 "colorscale": next(iter(years.values())).colorscale,
                 "zmin": next(iter(years.values())).zmin,
                 "zmax": next(iter(years.values())).zmax,
                 "colorbar": next(iter(years.values())).colorbar,
                 "years": {str(y): {"z": v.z, "v": v.texts, "l": v.shorts, "s": v.summary}
                           for y, v in sorted(years.items())}}
                for key, years in self.views.items()
            ],
        }


def build_map(data: SiteData, geojson: dict | None, w) -> BuiltMap | None:
    if not geojson or data.current_year is None:
        return None
    drawable = rewind_for_plotly(geojson, keep_ids=set(data.areas))
    by_id = {f["properties"]["area_id"]: f for f in drawable["features"]}
    area_ids = [a for a in data.area_order if a in by_id]
    if not area_ids:
        return None
    # One feature per area in the map's order (a MultiPolygon area stays one feature).
    drawable["features"] = [by_id[a] for a in area_ids]
    points = [label_point(by_id[a]) for a in area_ids]
    built = BuiltMap(
        geojson=drawable, area_ids=area_ids, names=[data.areas[a].name for a in area_ids],
        label_lon=[round(p[0], 5) for p in points], label_lat=[round(p[1], 5) for p in points],
        default_year=data.current_year,
    )
    _add_status_views(data, built, w)
    _add_indicator_views(data, built, w)
    return built


def _add_status_views(data: SiteData, built: BuiltMap, w) -> None:
    colours = [HEX[k] for k in _STATUS_KEYS]
    label = w.t("map.status")
    colorbar = {"title": {"text": w.t("map.colour")},
                "tickvals": list(range(len(_STATUS_KEYS))),
                "ticktext": [w.colour_label(k) for k in _STATUS_KEYS], "len": 0.6}
    built.labels_by_key["status"] = label
    built.views["status"] = {}
    for year in data.list_years:
        if data.rules.regime_in_force(year) is None:
            continue
        states = [data.state(a, year) for a in built.area_ids]
        cols = [s.colour if s else "grey" for s in states]
        texts = [f"{w.colour_label(c)}: {w.headline(s)}" for c, s in zip(cols, states,
                                                                          strict=True)]
        groups = []
        for key in reversed(_STATUS_KEYS):
            names = [n for n, c in zip(built.names, cols, strict=True) if c == key]
            if names:
                groups.append(f"{w.colour_label(key).lower()}: {', '.join(names)}")
        built.views["status"][year] = MapView(
            key="status", label=label, year=year,
            z=[_STATUS_Z[c] for c in cols], texts=texts,
            shorts=[w.colour_label(c) for c in cols],
            colorscale=discrete_colorscale(colours), zmin=-0.5,
            zmax=len(_STATUS_KEYS) - 0.5, colorbar=colorbar,
            summary=w.t("map.status_summary", year=year, groups="; ".join(groups)),
        )


def _add_indicator_views(data: SiteData, built: BuiltMap, w) -> None:
    position = {a: i for i, a in enumerate(built.area_ids)}
    msgs = w.msgs
    for indicator_id in data.indicators_present():
        code = w.indicator_code(indicator_id)
        label = w.indicator_label(indicator_id)
        per_year: dict[int, list] = {}
        for area_id in built.area_ids:
            for c in data.series(area_id, indicator_id):
                per_year.setdefault(c.year, [None] * len(built.area_ids))
                per_year[c.year][position[area_id]] = c
        values = [c.value for cs in per_year.values() for c in cs
                  if c is not None and c.value is not None]
        if not values:
            continue
        lo, hi = min(values), max(values)
        if hi == lo:
            hi = lo + 1
        below = data.rules.below(indicator_id)
        scale = [[1 - p, c] for p, c in reversed(_SEQUENTIAL)] if below else _SEQUENTIAL
        built.labels_by_key[indicator_id] = label
        built.views[indicator_id] = {}
        for year, crits in sorted(per_year.items()):
            texts, shorts = [], []
            for c in crits:
                if c is None or c.value is None:
                    texts.append(w.t("map.suppressed") if c and c.suppressed
                                 else w.t("common.unknown"))
                    shorts.append(w.t("common.unknown"))
                else:
                    texts.append(msgs.percent(c.value) + (" – " + w.t("map.met")
                                                          if c.meets else ""))
                    shorts.append(msgs.percent(c.value) + (" ✔" if c.meets else ""))
            known = [(n, c) for n, c in zip(built.names, crits, strict=True)
                     if c is not None and c.value is not None]
            summary = w.t("map.indicator_summary", indicator=label, year=year)
            if known:
                top = max(known, key=lambda nc: nc[1].value)
                low = min(known, key=lambda nc: nc[1].value)
                met = [n for n, c in known if c.meets]
                summary += " " + w.t("map.indicator_detail", top=top[0],
                                     top_value=msgs.percent(top[1].value), low=low[0],
                                     low_value=msgs.percent(low[1].value),
                                     met=w.t("common.units.areas", n=len(met)),
                                     names=msgs.join(met) if met else "–")
            built.views[indicator_id][year] = MapView(
                key=indicator_id, label=label, year=year,
                z=[None if c is None or c.value is None else round(c.value, 2) for c in crits],
                texts=texts, shorts=shorts, colorscale=scale, zmin=lo, zmax=hi,
                colorbar={"title": {"text": code}, "ticksuffix": msgs.fmt.percent_sign,
                          "len": 0.6},
                summary=summary,
            )
