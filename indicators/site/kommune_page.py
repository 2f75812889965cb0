"""A page per municipality (kommune/<code>.html): the planner's home.

Its areas first, most severe first, each with its reasons in words (criteria
at which level and how far, the trend, the survey share against the rest of
the wave), the decided status changes since the previous list
(`mart.status_changes`), and the same list read under every other regime
evaluated (what-if: a selector shows one regime's block at a time; every
block comes from `mart.area_status` / `mart.area_signals` under that regime).
Also the search index every page loads: a small script defining one
variable, so it works from file:// where fetch() does not.
"""

from __future__ import annotations

from indicators.site.local_section import kommune_local
from indicators.site.model import SiteData
from indicators.site.overview_page import area_entry, change_words, ranking_charts, status_table
from indicators.site.places import municipality_name
from indicators.site.render import PageWriter, compact_json
from indicators.site.report_page import report_path

SEARCH_INDEX = "search-index.js"


def kommune_path(code: int | None) -> str:
    return f"kommune/{code}.html"


def trend_words(data: SiteData, w, state) -> list[str]:
    """The early-warning trend of each counted criterion, in words."""
    out = []
    for c in state.counted:
        p = data.projections.get((state.area_id, state.year, c.indicator_id))
        if p is None or p.trend_pp_per_year is None:
            continue
        # A slope that rounds to 0,0 points a year is told as unchanged.
        slope = p.trend_pp_per_year if abs(p.trend_pp_per_year) >= 0.05 else 0.0
        key = "kommune.trend_up" if slope > 0 else (
            "kommune.trend_down" if slope < 0 else "kommune.trend_flat")
        out.append(w.t(key, code=w.indicator_code(c.indicator_id),
                       points=w.msgs.points(abs(p.trend_pp_per_year), 1, signed=False)))
    return out


def write_kommune_pages(data: SiteData, writer: PageWriter) -> None:
    w = writer.words
    year = data.current_year
    if year is None:
        return
    in_force = data.rules.regime_in_force(year)
    regimes = [r for r in data.regimes_evaluated if r != in_force]
    previous = data.previous_year
    for code, name in data.municipalities():
        path = kommune_path(code)
        root = "../"
        ids = data.areas_in(code)
        blocks = []
        for regime in [in_force, *regimes]:
            entries = []
            for state in data.ranked(ids, year, regime):
                entry = area_entry(data, w, state, root)
                entry["trend"] = trend_words(data, w, state) if regime == in_force else []
                entries.append(entry)
            blocks.append({"regime": regime, "label": w.regime_label(regime),
                           "in_force": regime == in_force, "entries": entries,
                           "counts": data.colour_counts(year, ids, regime)})
        changes = []
        for change_year in reversed(data.list_years[1:]):
            rows = data.changes_in(change_year, ids)
            if rows:
                changes.append({"year": change_year, "entries": [
                    {"area": data.areas[c.area_id], "href": root + data.areas[c.area_id].href,
                     "text": change_words(w, [c])[0]} for c in rows]})
        alerts = []
        for r in data.refresh_changes(code):
            area = data.areas.get(r["area_id"])
            if area is None:
                continue
            regime = data.rules.regime_in_force(r["list_year"])
            alerts.append({
                "date": w.msgs.long_date(r["changed_at"]), "area": area,
                "href": root + area.href,
                "text": w.t("kommune.alert", before=w.colour_label(r["colour_before"]).lower(),
                            after=w.colour_label(r["colour_after"]).lower()),
                "added": [w.signal_code_words(c, regime) for c in r["signals_added"] or []],
                "removed": [w.signal_code_words(c, regime)
                            for c in r["signals_removed"] or []]})
        table = status_table(data, w, year, ids, slug="status", root=root,
                             caption=w.t("kommune.table_caption", name=name, year=year))
        rankings = ranking_charts(data, w, year, ids) if len(ids) > 1 else []
        local = kommune_local(w.msgs, data.local, [data.areas[a] for a in ids], root,
                              municipality_name(code))
        writer.page(
            path, "kommune.html.j2",
            tables=[table] + [c.table for c in rankings] + (local.tables if local else []),
            page_title=w.t("kommune.page_title", name=municipality_name(code)),
            nav="oversigt", uses_plotly=bool(rankings), data=data, w=w, year=year,
            name=municipality_name(code), code=code, blocks=blocks, changes=changes,
            alerts=alerts,
            previous_year=previous, table=table, rankings=rankings, local=local,
            overview_href=root + "index.html",
            # Both pages live in kommune/: the link is the file name.
            report_href=report_path(code).rsplit("/", 1)[-1],
        )


def write_search_index(data: SiteData, writer: PageWriter) -> None:
    """Every area and municipality by name, with its page relative to the language root."""
    items = [{"n": data.areas[a].name, "m": data.areas[a].municipality,
              "h": data.areas[a].href} for a in data.area_order]
    items += [{"n": name, "m": "", "h": kommune_path(code)}
              for code, name in data.municipalities()]
    writer.out_dir.mkdir(parents=True, exist_ok=True)
    path = writer.out_dir / SEARCH_INDEX
    path.write_text("window.BOLIGMONITOR_SEARCH = " + compact_json(items) + ";\n",
                    encoding="utf-8")
