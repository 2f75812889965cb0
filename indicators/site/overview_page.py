"""The overview (index.html): which areas to worry about, and why.

Every area with its colour, status words, criteria met, early-warning mark
and change since the previous list; the areas needing attention first, with
their reasons in plain Danish; an outline map selectable by indicator and
year; and one ranking per indicator.
"""

from __future__ import annotations

from indicators.site import danish
from indicators.site.datatable import Column, DataTable, Link
from indicators.site.figures import map_figure, ranking_figure
from indicators.site.map_data import MapView, build_map
from indicators.site.model import SiteData
from indicators.site.render import Chart, PageWriter
from indicators.site.vocabulary import (
    CATEGORIES,
    INDICATORS,
    REGIME_LABELS,
    indicator_label,
    threshold_words,
)


def _status_table(data: SiteData) -> DataTable:
    columns = [
        Column("area", "Område", "link"),
        Column("municipality", "Kommune"),
        Column("residents", "Beboere", "int"),
        Column("category", "Farve", "category"),
        Column("status", "Status"),
        Column("criteria", "Kriterier opfyldt"),
        Column("watch", "Tidligt varsel"),
    ]
    if data.previous_year is not None:
        columns.append(Column("change", f"Ændring siden {data.previous_year}"))
    if data.has_official:
        columns.append(Column("official", "Offentliggjort liste"))
    columns.append(Column("kombineret", "Kombineret udlejning", "bool3"))
    rows, attributes = [], []
    for area_id in data.area_order:
        area = data.areas[area_id]
        state = data.state(area_id)
        change = data.change(area_id)
        if state is None:
            row = {"area": Link(area.name, area.href), "municipality": area.municipality,
                   "category": "ukendt", "status": "Ingen status beregnet"}
        else:
            row = {
                "area": Link(area.name, area.href),
                "municipality": area.municipality,
                "residents": state.residents,
                "category": state.category,
                "status": state.status_text,
                "criteria": state.criteria_summary(),
                "watch": watch_text(data, state),
                "change": change.text() if change else None,
                "official": data.official_now(area_id),
                "kombineret": state.kombineret_udlejning,
            }
        rows.append(row)
        attributes.append({"data-municipality": str(area.municipality_code),
                           "data-category": row["category"]})
    return DataTable(
        slug="status", columns=columns, rows=rows, row_attributes=attributes,
        caption=f"Alle områder på listen 1. december {data.current_year}",
        note="Ukendt betyder, at manglende eller diskretionerede tal kan ændre resultatet; "
             "det er aldrig det samme som nej.",
    )


def watch_text(data: SiteData, state) -> str:
    if not data.has_early_warning:
        return "Ikke beregnet"
    if state.watch is None:
        return "Ukendt"
    if not state.watch:
        return "Nej"
    return "Ja: " + "; ".join(state.watch_reasons) if state.watch_reasons else "Ja"


def _ranking_charts(data: SiteData) -> list[Chart]:
    charts = []
    regime = data.current_regime
    year = data.current_year
    for indicator_id in data.indicators_present():
        ind = INDICATORS[indicator_id]
        points = []
        for area_id in data.area_order:
            c = data.criterion(area_id, year, regime, indicator_id)
            if c is not None:
                points.append((data.areas[area_id].name, c))
        if not points:
            continue
        known = [(n, c) for n, c in points if c.value is not None]
        unknown = [(n, c) for n, c in points if c.value is None]
        # Most worrying first: highest value, or lowest for K4 (met when below).
        known.sort(key=lambda nc: nc[1].value, reverse=not ind.below)
        thresholds = sorted({c.threshold for _, c in known if c.threshold is not None})
        threshold = thresholds[0] if len(thresholds) == 1 else None
        words = threshold_words(indicator_id, regime)
        threshold_name = (f"Grænse: {words} {danish.percent(threshold)}" if threshold is not None
                          else "Grænse")
        title = f"{ind.code} {ind.short}: rangering, liste {year}"
        met = [n for n, c in known if c.meets]
        summary = (
            f"{len(met)} af {len(points)} områder opfylder {ind.code} ({threshold_name.lower()})"
            + (f": {', '.join(met)}." if met else ".")
        )
        if known:
            top_name, top = known[0]
            summary += f" Højest placeret: {top_name} med {danish.percent(top.value)}."
        if unknown:
            summary += f" Ukendt for {', '.join(n for n, _ in unknown)}."
        table = DataTable(
            slug=f"rangering_{ind.code.lower()}",
            caption=f"{ind.code} {ind.short}, liste {year} ({REGIME_LABELS.get(regime, '')})",
            columns=[Column("rank", "Nr.", "int"), Column("area", "Område"),
                     Column("value", "Værdi", "pct1"), Column("threshold", "Grænse", "pct1"),
                     Column("margin", "Afstand til grænsen", "pp1"),
                     Column("meets", "Opfyldt", "bool3"), Column("data_years", "Dataår"),
                     Column("mark", "Bemærkning")],
            rows=[{"rank": i + 1 if c.value is not None else None, "area": n,
                   "value": c.value, "threshold": c.threshold, "margin": c.margin,
                   "meets": c.meets, "data_years": c.data_years,
                   "mark": mark(c)} for i, (n, c) in enumerate(known + unknown)],
            note="Afstand til grænsen: positiv betyder, at kriteriet er opfyldt med så mange "
                 "procentpoint.",
        )
        figure = ranking_figure(
            title=title, names=[n for n, _ in known], values=[c.value for _, c in known],
            meets=[c.meets for _, c in known], threshold=threshold,
            threshold_name=threshold_name,
        )
        charts.append(Chart(id=f"rank-{ind.code.lower()}", title=title, summary=summary,
                            figure=figure, table=table))
    return charts


def mark(criterion) -> str:
    if criterion.suppressed:
        return "Diskretioneret"
    if criterion.value is None:
        return "Ukendt"
    return ""


def _map_chart(data: SiteData, geojson: dict | None) -> tuple[Chart | None, dict | None]:
    built = build_map(data, geojson)
    if built is None:
        return None, None
    default: MapView = built.default_view
    title = f"Kort over områderne: {default.label}, {default.year}"
    figure = map_figure(
        title=f"{default.label}, {default.year}", geojson=built.geojson,
        area_ids=built.area_ids, z=default.z, labels=built.labels(default),
        hovers=built.hovers(default),
        label_lon=built.label_lon, label_lat=built.label_lat, colorscale=default.colorscale,
        zmin=default.zmin, zmax=default.zmax, colorbar=default.colorbar,
    )
    table = DataTable(
        slug="kort", caption=f"Kortets tal: {default.label}, {default.year}",
        columns=[Column("area", "Område"), Column("value", "Værdi")],
        rows=[{"area": n, "value": v} for n, v in zip(built.names, default.texts, strict=True)],
    )
    chart = Chart(id="map", title=title, summary=built.summary(default), figure=figure,
                  table=table)
    return chart, built.client_data()


def _map_download_table(data: SiteData, client: dict | None) -> DataTable | None:
    """Everything the map can show, in one long table."""
    if client is None:
        return None
    rows = []
    for view in client["views"]:
        for year, values in view["years"].items():
            for name, text in zip(client["names"], values["v"], strict=True):
                rows.append({"view": view["label"], "year": int(year), "area": name,
                             "value": text})
    return DataTable(slug="kort_alle", caption="Alle kortets visninger",
                     columns=[Column("view", "Visning"), Column("year", "Listeår", "year"),
                              Column("area", "Område"), Column("value", "Værdi")], rows=rows)


def write_overview(data: SiteData, writer: PageWriter, geojson: dict | None) -> None:
    status_table = _status_table(data)
    rankings = _ranking_charts(data)
    map_chart, map_client = _map_chart(data, geojson)
    map_all = _map_download_table(data, map_client)
    attention = []
    for area_id in data.area_order:
        state = data.state(area_id)
        if state is None or state.category == "groen":
            continue
        attention.append({"area": data.areas[area_id], "state": state,
                          "reasons": data.reasons(state), "change": data.change(area_id)})
    attention.sort(key=lambda a: -CATEGORIES[a["state"].category].rank)
    calm = [data.areas[a] for a in data.area_order
            if data.state(a) is not None and data.state(a).category == "groen"]
    tables = [status_table] + [c.table for c in rankings]
    if map_chart is not None:
        tables += [map_chart.table, map_all]
    writer.page(
        "index.html", "overview.html.j2", tables=tables,
        page_title=f"Oversigt {data.current_year}", nav="oversigt", uses_plotly=True,
        data=data, year=data.current_year, previous_year=data.previous_year,
        regime_label=REGIME_LABELS.get(data.current_regime, "ukendte regler"),
        counts=data.category_counts(), attention=attention, calm=calm,
        status_table=status_table, rankings=rankings, map_chart=map_chart,
        map_client=map_client, map_all=map_all,
        municipalities=data.municipalities(),
        show_filter=len(data.municipalities()) >= data.options.municipality_filter_from,
        waves=data.waves(), indicator_label=indicator_label,
        has_early_warning=data.has_early_warning,
    )
