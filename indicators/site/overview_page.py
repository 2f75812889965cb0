"""The overviews: the current list (index.html) and every earlier one (liste/<year>.html).

Each says which areas need attention and why, as `mart.area_signals` says:
the colour is the most severe signal, every reason is written in words from
its codes and numbers. A small set of areas is shown as cards with their
reasons; a national set is summarised by colour and by municipality, each
municipality linking to its own page (kommune/<code>.html) where its areas
are told in full, so the overview never renders a thousand cards or bars.
"""

from __future__ import annotations

from indicators.site.datatable import Column, DataTable, Link
from indicators.site.figures import map_figure, ranking_figure
from indicators.site.formatting import aligned_decimals
from indicators.site.map_data import MapView, build_map
from indicators.site.model import AreaState, SiteData
from indicators.site.render import Chart, PageWriter
from indicators.site.rules import COLOUR_ORDER
from indicators.site.signals import Words


def overview_path(data: SiteData, year: int) -> str:
    return "index.html" if year == data.current_year else f"liste/{year}.html"


def area_entry(data: SiteData, w: Words, state: AreaState, root: str = "") -> dict:
    """What a card or a row says about one area in one list year."""
    area = data.areas[state.area_id]
    change = data.change(state.area_id, state.year)
    return {
        "area": area, "state": state, "href": root + area.href,
        "municipality_href": root + area.municipality_href,
        "headline": w.headline(state), "colour_label": w.colour_label(state.colour),
        "reasons": w.reasons(state), "codes": " ".join(state.signal_codes),
        "changes": change_words(w, change.changes) if change else [],
        "leaving": w.leaving(state),
    }


def change_words(w: Words, changes) -> list[str]:
    return [w.t(f"overview.change.{c.change}", status=w.status_label(c.status, c.regime))
            for c in changes]


def status_table(data: SiteData, w: Words, year: int, area_ids: list[str], *, slug: str,
                 root: str, caption: str) -> DataTable:
    t = w.t
    columns = [
        Column("area", t("overview.table.area"), "link"),
        Column("municipality", t("overview.table.municipality"), "link"),
        Column("residents", t("overview.table.residents"), "int"),
        Column("category", t("overview.table.colour"), "category"),
        Column("status", t("overview.table.status")),
        Column("signals", t("overview.table.signals")),
        Column("criteria", t("overview.table.criteria")),
    ]
    previous = _previous(data, year)
    if previous is not None:
        columns.append(Column("change", t("overview.table.change", year=previous)))
    if data.has_official:
        columns.append(Column("official", t("overview.table.official")))
    columns.append(Column("kombineret", w.status_label("kombineret_udlejning", None), "bool3"))
    rows, attributes = [], []
    for area_id in area_ids:
        area = data.areas[area_id]
        state = data.state(area_id, year)
        row = {"area": Link(area.name, root + area.href),
               "municipality": Link(area.municipality, root + area.municipality_href)}
        if state is None:
            row.update(category="ukendt", status=w.headline(None))
            colour, codes = "grey", ""
        else:
            met = [w.indicator_code(c.indicator_id) for c in state.counted if c.meets]
            change = data.change(area_id, year)
            row.update(
                residents=state.residents, category=state.category,
                status=w.headline(state),
                signals=w.msgs.join([w.t(f"signals.kinds.{k}") for k in state.signal_codes])
                or w.t("signals.none"),
                criteria=t("overview.criteria_met", met=state.criteria_met,
                           total=state.criteria_total) + (f" ({', '.join(met)})" if met else ""),
                change=w.msgs.join(change_words(w, change.changes)) if change and
                change.changes else t("overview.unchanged"),
                official=_official_words(data, w, area_id, year),
                kombineret=state.kombineret_udlejning,
            )
            colour, codes = state.colour, " ".join(state.signal_codes)
        rows.append(row)
        attributes.append({"data-area": area_id, "data-signals": codes,
                           "data-municipality": str(area.municipality_code),
                           "data-colour": colour})
    return DataTable(slug=slug, columns=columns, rows=rows, row_attributes=attributes,
                     caption=caption, note=t("overview.table.note"), lang=w.lang)


def _official_words(data: SiteData, w: Words, area_id: str, year: int) -> str | None:
    on = data.official_statuses(area_id, year)
    if on is None:
        return None
    regime = data.rules.regime_in_force(year)
    text = w.msgs.join([w.status_label(s, regime) for s in on]) if on else w.t(
        "overview.not_listed")
    if data.official_disagrees(area_id, year):
        text += " " + w.t("overview.official_differs")
    return text


def _previous(data: SiteData, year: int) -> int | None:
    earlier = [y for y in data.list_years if y < year]
    return earlier[-1] if earlier else None


def municipality_table(data: SiteData, w: Words, year: int, root: str) -> DataTable:
    t = w.t
    columns = [Column("municipality", t("overview.table.municipality"), "link"),
               Column("areas", t("overview.table.areas"), "int")]
    columns += [Column(c, w.colour_label(c), "int") for c in COLOUR_ORDER]
    rows, attributes = [], []
    summaries = []
    for code, name in data.municipalities():
        ids = data.areas_in(code)
        summaries.append((code, name, ids, data.colour_counts(year, ids)))
    # Where to act first: most red areas, then orange, then yellow (Danish order within).
    summaries.sort(key=lambda m: tuple(-m[3][c] for c in COLOUR_ORDER[:3]))
    for code, name, ids, counts in summaries:
        rows.append({"municipality": Link(name, f"{root}kommune/{code}.html"),
                     "areas": len(ids), **counts})
        worst = next((c for c in COLOUR_ORDER if counts[c]), "green")
        attributes.append({"data-municipality": str(code), "data-colour": worst})
    return DataTable(slug=f"kommuner_{year}", caption=t("overview.municipalities_caption",
                                                        year=year),
                     note=t("overview.municipalities_note"),
                     columns=columns, rows=rows, row_attributes=attributes, lang=w.lang)


def ranking_charts(data: SiteData, w: Words, year: int, area_ids: list[str],
                   slug_prefix: str = "rangering") -> list[Chart]:
    """One ranking per indicator of the regime in force: for a municipality's areas or a
    small site, never a thousand bars."""
    charts = []
    regime = data.rules.regime_in_force(year)
    for indicator_id in data.indicators_present():
        points = [(data.areas[a].name, c) for a in area_ids
                  if (c := data.criterion(a, year, regime, indicator_id)) is not None]
        if not points:
            continue
        below = data.rules.below(indicator_id)
        known = sorted([(n, c) for n, c in points if c.value is not None],
                       key=lambda nc: nc[1].value, reverse=not below)
        unknown = [(n, c) for n, c in points if c.value is None]
        thresholds = sorted({c.threshold for _, c in known if c.threshold is not None})
        threshold = thresholds[0] if len(thresholds) == 1 else None
        code = w.indicator_code(indicator_id)
        label = w.indicator_label(indicator_id)
        threshold_name = w.t("overview.ranking.threshold_bare")
        if threshold is not None:
            threshold_name = w.t("overview.ranking.threshold",
                                 comparison=w.comparison(indicator_id, regime),
                                 value=w.msgs.percent(threshold,
                                                      aligned_decimals(threshold, threshold)))
        title = w.t("overview.ranking.title", indicator=label, year=year)
        met = [n for n, c in known if c.meets]
        summary = w.t("overview.ranking.summary", met=len(met), n=len(points), code=code,
                      names=w.msgs.join(met) if met else "–")
        if unknown:
            summary += " " + w.t("overview.ranking.unknown",
                                 names=w.msgs.join([n for n, _ in unknown]))
        table = DataTable(
            slug=f"{slug_prefix}_{code.lower()}",
            caption=w.t("overview.ranking.caption", indicator=label, year=year,
                        regime=w.regime_label(regime)),
            columns=[Column("rank", w.t("overview.ranking.rank"), "int"),
                     Column("area", w.t("overview.table.area")),
                     Column("value", w.t("overview.ranking.value"), "pct1"),
                     Column("threshold", w.t("overview.ranking.limit"), "pct1"),
                     Column("margin", w.t("overview.ranking.margin"), "pp1"),
                     Column("meets", w.t("overview.ranking.meets"), "bool3"),
                     Column("data_years", w.t("overview.ranking.data_years"))],
            rows=[{"rank": i + 1 if c.value is not None else None, "area": n,
                   "value": c.value, "threshold": c.threshold, "margin": c.margin,
                   "meets": c.meets, "data_years": c.data_years}
                  for i, (n, c) in enumerate(known + unknown)],
            note=w.t("overview.ranking.note"), lang=w.lang,
        )
        figure = ranking_figure(
            title=title, names=[n for n, _ in known], values=[c.value for _, c in known],
            meets=[c.meets for _, c in known], threshold=threshold,
            threshold_name=threshold_name, lang=w.lang,
            legends=(w.t("common.chart.met"), w.t("common.chart.not_met")),  # H7
        )
        charts.append(Chart(id=f"rank-{code.lower()}", title=title, summary=summary,
                            figure=figure, table=table))
    return charts


def _map_chart(data: SiteData, w: Words, geojson: dict | None
               ) -> tuple[Chart | None, dict | None]:
    built = build_map(data, geojson, w)
    if built is None:
        return None, None
    default: MapView = built.default_view
    title = w.t("map.title", view=default.label, year=default.year)
    figure = map_figure(
        title=f"{default.label}, {default.year}", geojson=built.geojson,
        area_ids=built.area_ids, z=default.z, labels=built.labels(default),
        hovers=built.hovers(default),
        label_lon=built.label_lon, label_lat=built.label_lat, colorscale=default.colorscale,
        zmin=default.zmin, zmax=default.zmax, colorbar=default.colorbar,
    )
    table = DataTable(
        slug="kort", caption=w.t("map.caption", view=default.label, year=default.year),
        columns=[Column("area", w.t("overview.table.area")),
                 Column("value", w.t("overview.ranking.value"), "pct1"),
                 Column("text", w.t("downloads.remark"))],
        # The number in a number column, the words beside it (H7: downloads).
        rows=[{"area": n, "value": z if default.key != "status" else None,
               "text": _words_only(v, z) if default.key != "status" else v}
              for n, z, v in zip(built.names, default.z, default.texts, strict=True)],
    )
    chart = Chart(id="map", title=title, summary=built.summary(default), figure=figure,
                  table=table)
    client = built.client_data()
    # The words site.js writes when the reader picks another view or year.
    client["title"] = w.t("map.title", view="{view}", year="{year}")
    client["caption"] = w.t("map.caption", view="{view}", year="{year}")
    return chart, client


def _words_only(text: str, value) -> str:
    """A map label's words without its number ("47,4 % – opfyldt" -> "opfyldt"): the
    number has its own column in the downloads; an unknown value keeps its words."""
    if value is None:
        return text
    return text.split(" – ", 1)[1] if " – " in text else ""


def _map_download_table(w: Words, client: dict | None) -> DataTable | None:
    """Everything the map can show, in one long table."""
    if client is None:
        return None
    rows = []
    for view in client["views"]:
        numeric = view["key"] != "status"  # indicator views: z is the value in percent
        for year, values in view["years"].items():
            for name, z, text in zip(client["names"], values["z"], values["v"], strict=True):
                # The number in a number column, the words beside it (H7: downloads).
                rows.append({"view": view["label"], "year": int(year), "area": name,
                             "value": z if numeric else None,
                             "text": _words_only(text, z) if numeric else text})
    return DataTable(slug="kort_alle", caption=w.t("map.all_caption"),
                     columns=[Column("view", w.t("map.view")),
                              Column("year", w.t("map.list_year"), "year"),
                              Column("area", w.t("overview.table.area")),
                              Column("value", w.t("overview.ranking.value"), "pct1"),
                              Column("text", w.t("downloads.remark"))], rows=rows)


def write_overviews(data: SiteData, writer: PageWriter, geojson: dict | None) -> None:
    """The current overview and one per earlier list year."""
    map_parts = (None, None)
    options = data.options
    if geojson is not None and len(data.areas) <= options.overview_detail_max:
        map_parts = _map_chart(data, writer.words, geojson)
    for year in reversed(data.list_years):
        if data.rules.regime_in_force(year) is None:
            continue
        current = year == data.current_year
        write_overview(data, writer, year, map_parts if current else (None, None))


def write_overview(data: SiteData, writer: PageWriter, year: int,
                   map_parts: tuple[Chart | None, dict | None]) -> None:
    w = writer.words
    path = overview_path(data, year)
    root = "../" * path.count("/")
    regime = data.rules.regime_in_force(year)
    detailed = len(data.areas) <= data.options.overview_detail_max
    municipalities = data.municipalities()
    ranked = data.ranked(data.area_order, year)
    attention = [s for s in ranked if s.colour != "green"]
    calm = [s for s in ranked if s.colour == "green"]
    entries = [area_entry(data, w, s, root) for s in attention] if detailed else []
    watch_rows = None
    if not detailed:
        # A national set: the areas needing attention as compact rows, words on
        # the municipality pages.
        watch_rows = status_table(data, w, year, [s.area_id for s in attention],
                                  slug=f"signaler_{year}", root=root,
                                  caption=w.t("overview.attention_caption", year=year))
    # Shown or downloaded only there (an earlier list of a national set has it on
    # the municipality pages): not built for nothing.
    with_everything = detailed or year == data.current_year
    everything = status_table(data, w, year, data.area_order, slug="status", root=root,
                              caption=w.t("overview.all_caption", year=year)
                              ) if with_everything else None
    by_municipality = municipality_table(data, w, year, root)
    rankings = ranking_charts(data, w, year, data.area_order) if (
        detailed and len(municipalities) < data.options.municipality_filter_from) else []
    map_chart, map_client = map_parts
    map_all = _map_download_table(w, map_client)
    # Downloads for the tables the page shows; the full table of a national set only
    # for the current list (earlier lists' tables are on their municipality pages).
    tables = [by_municipality] + [c.table for c in rankings]
    if with_everything:
        tables.append(everything)
    if watch_rows is not None:
        tables.append(watch_rows)
    if map_chart is not None:
        tables += [map_chart.table, map_all]
    years = [(y, root + overview_path(data, y)) for y in reversed(data.list_years)
             if data.rules.regime_in_force(y) is not None]
    writer.page(
        path, "overview.html.j2", tables=tables,
        page_title=w.t("overview.page_title", year=year), nav="oversigt",
        uses_plotly=bool(rankings or map_chart), uses_maps=map_chart is not None,
        data=data, year=year, w=w,
        regime_label=w.regime_label(regime), counts=data.colour_counts(year),
        entries=entries, calm=[data.areas[s.area_id] for s in calm],
        detailed=detailed, watch_rows=watch_rows, everything=everything,
        show_everything=detailed, everything_download=with_everything,
        by_municipality=by_municipality,
        rankings=rankings, map_chart=map_chart, map_client=map_client, map_all=map_all,
        municipalities=municipalities, years=years, previous_year=_previous(data, year),
        show_filter=len(municipalities) >= data.options.municipality_filter_from,
        waves=data.waves(), colours=COLOUR_ORDER,
    )
