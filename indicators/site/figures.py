"""Pure Plotly figure builders: plain lists in, a Plotly figure spec out.

A figure is the JSON plotly.js draws (`{"data": [...], "layout": {...}}`),
built as plain dicts: `plotly.graph_objects` validates every property on
every update, which cost ~20-40 ms a chart and dominated a national site
build (thousands of charts); plotly.js validates on drawing anyway, and the
browser tests draw every chart. No data access and no HTML here, so each
builder can be tested alone; every word arrives from the caller (the
message catalogue), so the same builder draws the Danish and the English
site. Every figure shares one small layout: the language's separators
(Danish decimal comma in ticks and hover labels), a system font (no web
fonts), a white background and no template, because Plotly's default
template alone adds several kilobytes of JSON to every chart on a page.

Phones: year axes are written as whole years ("2024", never "2k" or "20")
with `automargin`, rule changes are labelled by their year alone (a longer
label would collide at 390 px; the hover text and the page say what the
line means), and legends sit below the plot where they can wrap.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Figure = dict[str, Any]


def trace(kind: str, **properties: Any) -> dict[str, Any]:
    return {"type": kind, **properties}


def figure(traces: list[dict[str, Any]], layout: dict[str, Any]) -> Figure:
    fig = {"data": traces, "layout": layout}
    if layout.get("separators") == SEPARATORS["en"]:
        _english_percent(fig)
    return fig


def _english_percent(fig: Figure) -> None:
    """English writes "46.2%", Danish "46,2 %": the builders write the Danish space,
    taken out here for an English figure (ticks, hover texts and bar labels)."""
    for t in fig["data"]:
        for key in ("hovertemplate",):
            if isinstance(t.get(key), str):
                t[key] = t[key].replace(" %<", "%<")
        if isinstance(t.get("text"), list):
            t["text"] = [x.replace("\u00a0%", "%").replace(" %", "%") if isinstance(x, str)
                         else x for x in t["text"]]
    for name, axis in fig["layout"].items():
        if name.startswith(("xaxis", "yaxis")) and axis.get("ticksuffix") == " %":
            axis["ticksuffix"] = "%"

# Colours chosen for WCAG AA: text colours reach 4.5:1 on white, lines and
# markers at least 3:1; meaning is always also carried by text or shape.
INK = "#1a1a1a"
GRID = "#d9d9d9"
SERIES = "#1f4e79"
THRESHOLD = "#b3261e"
PROJECTION = "#5b6f82"
BAND = "rgba(91,111,130,0.22)"
PREVENTION = "#a04000"   # forebyggelse thresholds: orange-brown, 5.6:1 on white
MUNICIPALITY = "#6b4c9a"
REST = "#1e6b52"
MET = "#a93226"
NOT_MET = "#4f6475"
OVERALL = "#6b4c9a"
RULE_CHANGE = "#595959"

FONT = ("system-ui, -apple-system, 'Segoe UI', Roboto, 'Liberation Sans', "
        "'DejaVu Sans', Arial, sans-serif")


SEPARATORS = {"da": ",.", "en": ".,"}


def base_layout(title: str, lang: str = "da", **overrides) -> dict:
    layout = {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        "separators": SEPARATORS[lang],
        "font": {"family": FONT, "size": 13, "color": INK},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "margin": {"l": 64, "r": 24, "t": 56, "b": 56},
        "hoverlabel": {"font": {"family": FONT}},
        "legend": {"orientation": "h", "x": 0, "y": -0.18, "yanchor": "top"},
        "showlegend": True,
    }
    layout.update(overrides)
    return layout


def _axis(**kw) -> dict:
    axis = {"gridcolor": GRID, "linecolor": "#8c8c8c", "zeroline": False,
            "tickfont": {"color": INK}}
    axis.update(kw)
    return axis


def _rule_change_marks(years: Sequence[int], changes: Sequence[int],
                       hover: str = "{year}") -> tuple[list, list]:
    """Dotted vertical lines where the rules changed, labelled with the year at the top
    (`hover`, e.g. "Nye regler {year}", is the longer text on hover)."""
    if not years:
        return [], []
    shapes, notes = [], []
    for year in changes:
        if min(years) < year <= max(years) + 0.5:
            x = year - 0.5
            shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x,
                           "y0": 0, "y1": 1, "line": {"color": RULE_CHANGE, "width": 1,
                                                      "dash": "dot"}})
            notes.append({"x": x, "xref": "x", "y": 1, "yref": "paper", "yanchor": "bottom",
                          "text": str(year), "hovertext": hover.format(year=year),
                          "showarrow": False,
                          "font": {"size": 11, "color": RULE_CHANGE}})
    return shapes, notes


def trend_figure(
    *,
    title: str,
    years: Sequence[int],
    values: Sequence[float | None],
    thresholds: Sequence[float | None],
    value_name: str,
    threshold_name: str,
    rule_changes: Sequence[int] = (),
    rule_change_hover: str = "{year}",
    projection: dict | None = None,
    comparison: dict | None = None,
    prevention_thresholds: Sequence[float | None] | None = None,
    prevention_name: str = "",
    y_title: str = "Procent",
    lang: str = "da",
) -> Figure:
    """Time series of one indicator with its threshold, rule changes and projection.

    prevention_thresholds: the forebyggelse threshold per year, drawn beside the
    main one as its own labelled line (omitted where it equals the main one, e.g.
    K3's 60 %, or where the regime has none).

    projection: {"years": [...], "values": [...], "low": [...], "high": [...],
    "name": str} — the projected trend from the last value and its band
    (low/high optional). comparison: {"years", "values", "name"}, e.g. the
    municipality's social housing.
    """
    years = list(years)
    traces: list[dict[str, Any]] = []
    if projection and projection.get("low") and projection.get("high"):
        xs = list(projection["years"])
        traces.append(trace(
            "scatter",
            x=xs + xs[::-1], y=list(projection["high"]) + list(projection["low"])[::-1],
            fill="toself", fillcolor=BAND, line={"width": 0}, mode="lines",
            name="Usikkerhed på fremskrivningen", hoverinfo="skip",
        ))
    threshold_x, threshold_y = years, list(thresholds)
    if projection and projection.get("years") and threshold_y and threshold_y[-1] is not None:
        # The threshold in force now, carried on over the projected years.
        extra = [y for y in projection["years"] if y > years[-1]]
        threshold_x = years + extra
        threshold_y = threshold_y + [threshold_y[-1]] * len(extra)
    traces.append(trace(
        "scatter",
        x=threshold_x, y=threshold_y, mode="lines", name=threshold_name,
        line={"color": THRESHOLD, "width": 2, "dash": "dash", "shape": "hv"},
        hovertemplate="%{x}: %{y:.2f} %<extra>" + threshold_name + "</extra>",
    ))
    if prevention_thresholds is not None:
        prevention = [None if p is None or (t is not None and abs(p - t) < 1e-9) else p
                      for p, t in zip(prevention_thresholds, thresholds, strict=True)]
        if any(p is not None for p in prevention):
            px, py = years, prevention
            if projection and projection.get("years") and prevention[-1] is not None:
                extra = [y for y in projection["years"] if y > years[-1]]
                px, py = years + extra, prevention + [prevention[-1]] * len(extra)
            traces.append(trace(
                "scatter",
                x=px, y=py, mode="lines", name=prevention_name,
                line={"color": PREVENTION, "width": 2, "dash": "dashdot", "shape": "hv"},
                hovertemplate="%{x}: %{y:.2f} %<extra>" + prevention_name + "</extra>",
            ))
    if comparison and comparison.get("years"):
        traces.append(trace(
            "scatter",
            x=list(comparison["years"]), y=list(comparison["values"]), mode="lines+markers",
            name=comparison["name"], line={"color": MUNICIPALITY, "width": 1.5, "dash": "dot"},
            marker={"symbol": "square", "size": 6},
            hovertemplate=comparison["name"] + " %{x}: %{y:.1f} %<extra></extra>",
        ))
    traces.append(trace(
        "scatter",
        x=years, y=list(values), mode="lines+markers", name=value_name,
        line={"color": SERIES, "width": 3}, marker={"size": 8},
        hovertemplate="%{x}: %{y:.1f} %<extra></extra>",
    ))
    all_years = years[:]
    if projection and projection.get("years"):
        traces.append(trace(
            "scatter",
            x=list(projection["years"]), y=list(projection["values"]), mode="lines",
            name=projection.get("name", "Fremskrevet tendens"),
            line={"color": PROJECTION, "width": 2, "dash": "longdash"},
            hovertemplate="%{x:.0f}: %{y:.1f} %<extra>"
            + projection.get("name", "") + "</extra>",
        ))
        all_years += [int(round(y)) for y in projection["years"]]
    shapes, notes = _rule_change_marks(years, rule_changes, rule_change_hover)
    return figure(traces, base_layout(
        title, lang, shapes=shapes, annotations=notes, height=400,
        legend={"orientation": "h", "x": 0, "y": -0.14, "yanchor": "top"},
        xaxis=_axis(tickformat="d", tick0=min(all_years) if all_years else 0,
                    dtick=1 if len(set(all_years)) <= 12 else 2, automargin=True),
        yaxis=_axis(title={"text": y_title}, ticksuffix=" %", rangemode="tozero",
                    automargin=True),
    ))


def survey_area_figure(
    *,
    title: str,
    labels: Sequence[str],
    shares: Sequence[float | None],
    lows: Sequence[float | None],
    highs: Sequence[float | None],
    overall: Sequence[float | None],
    overall_lows: Sequence[float | None],
    overall_highs: Sequence[float | None],
    area_name: str,
    rest: Sequence[float | None] | None = None,
    rest_lows: Sequence[float | None] | None = None,
    rest_highs: Sequence[float | None] | None = None,
    rest_name: str = "Resten af undersøgelsen",
    overall_name: str = "Hele undersøgelsen",
    y_title: str = "Andel utrygge om aftenen",
    lang: str = "da",
) -> Figure:
    """One area's share of unsafe residents per wave, beside the rest of the wave (what
    the significance test compares with) and the whole wave, each with its interval."""

    def errors(mid, low, high):
        up = [None if m is None or h is None else h - m for m, h in zip(mid, high, strict=True)]
        down = [None if m is None or lo is None else m - lo
                for m, lo in zip(mid, low, strict=True)]
        return {"type": "data", "array": up, "arrayminus": down, "thickness": 1.5, "width": 6}

    labels = list(labels)
    traces = [
        trace("scatter", x=labels, y=list(shares), mode="markers", name=area_name,
              marker={"color": SERIES, "size": 12, "symbol": "circle"},
              error_y={**errors(shares, lows, highs), "color": SERIES},
              hovertemplate="%{x}: %{y:.1f} %<extra>" + area_name + "</extra>"),
    ]
    if rest is not None and any(r is not None for r in rest):
        traces.append(trace(
            "scatter", x=labels, y=list(rest), mode="markers", name=rest_name,
            marker={"color": REST, "size": 11, "symbol": "square"},
            error_y={**errors(rest, rest_lows, rest_highs), "color": REST},
            hovertemplate="%{x}: %{y:.1f} %<extra>" + rest_name + "</extra>"))
    traces.append(trace(
        "scatter", x=labels, y=list(overall), mode="markers", name=overall_name,
        marker={"color": OVERALL, "size": 10, "symbol": "diamond-open",
                "line": {"width": 2}},
        error_y={**errors(overall, overall_lows, overall_highs), "color": OVERALL},
        hovertemplate="%{x}: %{y:.1f} %<extra>" + overall_name + "</extra>"))
    return figure(traces, base_layout(
        title, lang, height=340, scattermode="group",
        xaxis=_axis(type="category", automargin=True),
        yaxis=_axis(title={"text": y_title}, ticksuffix=" %", rangemode="tozero",
                    automargin=True),
    ))


def survey_wave_figure(
    *,
    title: str,
    names: Sequence[str],
    shares: Sequence[float],
    lows: Sequence[float],
    highs: Sequence[float],
    comparisons: Sequence[str | None],
    overall: float | None,
    legends: dict[str, str] | None = None,
    overall_name: str = "Hele undersøgelsen",
    lang: str = "da",
) -> Figure:
    """Areas of one wave, highest share at the top, with intervals and the wave's share.

    Areas significantly above the rest of the wave get their own marker,
    legend entry and a "▲" in their label, so the flag is not colour alone.
    legends: the words for "over", "ingen forskel" and "under".
    """
    words = {"over": "Signifikant flere utrygge end resten",
             "ingen forskel": "Ingen sikker forskel",
             "under": "Signifikant færre utrygge end resten", **(legends or {})}
    groups = {
        "over": (words["over"], MET, "diamond", "▲ "),
        "ingen forskel": (words["ingen forskel"], SERIES, "circle", ""),
        "under": (words["under"], NOT_MET, "square", "▼ "),
    }
    order = list(range(len(names)))[::-1]  # Plotly draws the first category at the bottom
    labels = [groups.get(comparisons[i] or "", ("", "", "", ""))[3] + names[i] for i in order]
    traces = []
    for key, (legend, colour, symbol, _) in groups.items():
        idx = [i for i in order if (comparisons[i] or "ingen forskel") == key]
        if not idx:
            continue
        traces.append(trace(
            "scatter",
            y=[labels[order.index(i)] for i in idx], x=[shares[i] for i in idx],
            mode="markers", name=legend, marker={"color": colour, "size": 12, "symbol": symbol},
            error_x={"type": "data", "array": [highs[i] - shares[i] for i in idx],
                     "arrayminus": [shares[i] - lows[i] for i in idx], "color": colour,
                     "thickness": 1.5, "width": 5},
            hovertemplate="%{y}: %{x:.1f} %<extra></extra>",
        ))
    shapes, notes = [], []
    if overall is not None:
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": overall,
                       "x1": overall, "y0": 0, "y1": 1,
                       "line": {"color": OVERALL, "width": 2, "dash": "dash"}})
        notes.append({"x": overall, "xref": "x", "y": 1, "yref": "paper", "yanchor": "bottom",
                      "text": overall_name, "showarrow": False,
                      "font": {"color": OVERALL, "size": 12}})
    return figure(traces, base_layout(
        title, lang, shapes=shapes, annotations=notes, height=max(300, 150 + 34 * len(names)),
        margin={"l": 12, "r": 24, "t": 64, "b": 56},  # automargin fits the names
        # No x-axis title: the page's heading names the measure, and a title there
        # collides with the legend below the plot.
        xaxis=_axis(ticksuffix=" %", rangemode="tozero"),
        yaxis=_axis(type="category", categoryorder="array", categoryarray=labels,
                    automargin=True),
    ))


def ranking_figure(
    *,
    title: str,
    names: Sequence[str],
    values: Sequence[float],
    meets: Sequence[bool | None],
    threshold: float | None,
    threshold_name: str,
    legends: tuple[str, str] = ("Opfylder kriteriet", "Opfylder ikke kriteriet"),
    lang: str = "da",
) -> Figure:
    """Areas ranked on one indicator, most worrying first, with the threshold line.
    legends: the words for met and not met."""
    decimal = SEPARATORS[lang][0]
    order = list(range(len(names)))[::-1]
    traces = []
    for flag, legend, colour, mark in ((True, legends[0], MET, " ✔"),
                                       (False, legends[1], NOT_MET, "")):
        idx = [i for i in order if bool(meets[i]) == flag]
        if not idx:
            continue
        traces.append(trace(
            "bar",
            orientation="h", y=[names[i] for i in idx], x=[values[i] for i in idx],
            name=legend, marker={"color": colour},
            text=[f"{values[i]:.1f}".replace(".", decimal) + " %" + mark for i in idx],
            textposition="outside", cliponaxis=False,
            hovertemplate="%{y}: %{x:.1f} %<extra>" + legend + "</extra>",
        ))
    shapes, notes = [], []
    if threshold is not None:
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": threshold,
                       "x1": threshold, "y0": 0, "y1": 1,
                       "line": {"color": THRESHOLD, "width": 2, "dash": "dash"}})
        notes.append({"x": threshold, "xref": "x", "y": 1, "yref": "paper",
                      "yanchor": "bottom", "text": threshold_name, "showarrow": False,
                      "font": {"color": THRESHOLD, "size": 12}})
    top = max([v for v in values if v is not None] + [threshold or 0, 1])
    return figure(traces, base_layout(
        title, lang, shapes=shapes, annotations=notes, height=max(260, 140 + 30 * len(names)),
        margin={"l": 12, "r": 40, "t": 64, "b": 56}, barmode="overlay",  # automargin
        xaxis=_axis(ticksuffix=" %", range=[0, top * 1.18]),
        yaxis=_axis(type="category", categoryorder="array",
                    categoryarray=[names[i] for i in order], automargin=True),
    ))


def discrete_colorscale(colours: Sequence[str]) -> list[list]:
    """Stepped colour scale: value k (0..n-1) gets colours[k] exactly."""
    n = len(colours)
    scale = []
    for k, colour in enumerate(colours):
        scale.append([k / n, colour])
        scale.append([(k + 1) / n, colour])
    return scale


def map_figure(
    *,
    title: str,
    geojson: dict,
    area_ids: Sequence[str],
    z: Sequence[float | None],
    labels: Sequence[str],
    hovers: Sequence[str],
    label_lon: Sequence[float],
    label_lat: Sequence[float],
    colorscale,
    zmin: float,
    zmax: float,
    colorbar: dict,
) -> Figure:
    """Outline map without tiles: the areas filled by value, names written on them.

    `fitbounds="locations"` zooms to the areas and `visible=False` hides the
    world base map, so nothing beyond our own GeoJSON is drawn or fetched.
    """
    spread = max(label_lon) - min(label_lon) if label_lon else 0.0
    pad = max(0.12 * spread, 0.005)
    traces = [
        trace(
            "choropleth",
            geojson=geojson, featureidkey="properties.area_id", locations=list(area_ids),
            z=list(z), colorscale=colorscale, zmin=zmin, zmax=zmax, colorbar=colorbar,
            marker={"line": {"color": "#333333", "width": 1.2}},
            customdata=list(hovers), hovertemplate="%{customdata}<extra></extra>",
            name="Områder",
        ),
        trace(
            "scattergeo",
            lon=list(label_lon), lat=list(label_lat), text=list(labels), mode="text",
            textfont={"size": 11, "color": INK, "family": FONT}, hoverinfo="skip",
            name="Navne", showlegend=False,
        ),
        # Names are written centred on each area and the geo frame clips text, so two
        # invisible points widen the fitted bounds and keep edge names readable.
        trace(
            "scattergeo",
            lon=[min(label_lon) - pad, max(label_lon) + pad],
            lat=[sum(label_lat) / len(label_lat)] * 2, mode="markers",
            marker={"opacity": 0, "size": 1}, hoverinfo="skip", showlegend=False,
            name="Margen",
        ),
    ]
    return figure(traces, base_layout(
        title, height=520, showlegend=False, margin={"l": 8, "r": 8, "t": 56, "b": 8},
        geo={"fitbounds": "locations", "visible": False, "projection": {"type": "mercator"}},
    ))
