"""The municipality's printable report (kommune/<code>_rapport.html).

For a steering group or a council committee: every area of the municipality,
most severe first, with its colour and reasons, its criteria (value, rule,
threshold, distance, met, at both levels), the latest survey finding, then
the decided changes since the previous list and the survey waves' findings.
No charts and no data dumps: words and compact tables that print on A4 with
no table cut at the page edge (site.css `@media print`: repeated table
headers, rows and area sections kept whole).
"""

from __future__ import annotations

from indicators.site.datatable import Column, DataTable
from indicators.site.formatting import exact
from indicators.site.model import ALL_AREAS, EVENING_SAFETY, SiteData
from indicators.site.places import municipality_name
from indicators.site.render import PageWriter


def report_path(code: int | None) -> str:
    return f"kommune/{code}_rapport.html"


def _criteria_rows(w, state) -> list[dict]:
    rows = []
    for c in state.criteria:
        d, pd = c.decimals, c.prevention_decimals
        rows.append({
            "criterion": w.indicator_label(c.indicator_id), "value": c.value, "d": d,
            "comparison": w.comparison(c.indicator_id, c.regime), "threshold": c.threshold,
            "margin": _margin(c.value, c.threshold, c.below), "meets": c.meets,
            "prevention": c.forebyggelse_threshold, "pd": pd,
            "prevention_margin": _margin(c.value, c.forebyggelse_threshold, c.below),
            "prevention_meets": c.meets_forebyggelse,
        })
    return rows


def _columns(w, has_prevention: bool) -> list[Column]:
    t = w.t
    columns = [Column("criterion", t("area.key.criterion")),
               Column("value", t("area.key.value"), "pct2", decimals_key="d"),
               Column("comparison", t("area.key.comparison")),
               Column("threshold", t("area.key.threshold"), "pct2", decimals_key="d"),
               Column("margin", t("area.key.margin"), "pp2", decimals_key="d"),
               Column("meets", t("area.key.meets"), "bool3")]
    if has_prevention:
        columns += [Column("prevention", t("area.key.prevention_threshold"), "pct2",
                           decimals_key="pd"),
                    Column("prevention_margin", t("area.key.prevention_margin"), "pp2",
                           decimals_key="pd"),
                    Column("prevention_meets", t("area.key.prevention_meets"), "bool3")]
    return columns


def _criteria_table(w, state) -> DataTable:
    """One area's criteria, shown in its section (the download is the combined table)."""
    has_prevention = any(c.forebyggelse_threshold is not None for c in state.criteria)
    return DataTable(slug="kriterier", caption=w.t("report.criteria_caption", year=state.year),
                     columns=_columns(w, has_prevention), rows=_criteria_rows(w, state),
                     lang=w.lang)


def _margin(value, threshold, below: bool):
    if value is None or threshold is None:
        return None
    diff = exact(value) - exact(threshold)
    return float(-diff if below else diff)


def _survey_findings(data: SiteData, w, area_ids: list[str]) -> list[dict]:
    """Per wave covering the municipality: its areas' shares against the rest."""
    out = []
    ids = set(area_ids)
    by_wave = data.survey_rows_by_wave(EVENING_SAFETY)
    for wave in data.waves():
        rows = [r for r in by_wave.get(wave["wave_id"], []) if r["area_id"] in ids]
        if not rows:
            continue
        overall = next((r for r in data.survey_rows(EVENING_SAFETY, ALL_AREAS)
                        if str(r["wave_id"]) == wave["wave_id"]), {})
        lines = []
        for r in sorted(rows, key=lambda r: -(r.get("share") or -1)):
            name = data.areas[r["area_id"]].name if r["area_id"] in data.areas else r["area_id"]
            if r.get("suppressed") or r.get("share") is None:
                lines.append(w.t("report.survey_hidden", area=name,
                                 n=w.t("common.units.answers", n=r.get("n_answers"))))
                continue
            key = {"over": "report.survey_over", "under": "report.survey_under"}.get(
                r.get("vs_rest") or "", "report.survey_none")
            lines.append(w.t(key, area=name, share=r["share"],
                             n=w.t("common.units.answers", n=r.get("n_answers"))))
        out.append({"label": wave["title"] or w.t("survey.default_label", year=wave["year"]),
                    "whole": overall.get("share"), "lines": lines})
    return out


def write_report_pages(data: SiteData, writer: PageWriter) -> None:
    w = writer.words
    year = data.current_year
    if year is None or w is None:
        return
    from indicators.site.status_box import latest_survey

    previous = data.previous_year
    for code, name in data.municipalities():
        ids = data.areas_in(code)
        areas, combined = [], []
        states = data.ranked(ids, year)
        for state in states:
            area = data.areas[state.area_id]
            table = _criteria_table(w, state)
            combined += [{"area": area.name, **row} for row in table.rows]
            areas.append({"area": area, "state": state, "headline": w.headline(state),
                          "colour_label": w.colour_label(state.colour),
                          "reasons": w.reasons(state), "table": table,
                          "survey": latest_survey(data, w, state.area_id),
                          "href": "../" + area.href})
        changes = [{"area": data.areas[c.area_id].name,
                    "text": w.t(f"overview.change.{c.change}",
                                status=w.status_label(c.status, c.regime))}
                   for c in (data.changes_in(year, ids) if previous is not None else [])]
        counts = data.colour_counts(year, ids)
        has_prevention = any(c.forebyggelse_threshold is not None
                             for s in states for c in s.criteria)
        download = DataTable(
            slug="kriterier", caption=w.t("report.all_caption", name=name, year=year),
            columns=[Column("area", w.t("overview.table.area")), *_columns(w, has_prevention)],
            rows=combined, lang=w.lang)
        writer.page(
            report_path(code), "report.html.j2", tables=[download], download=download,
            kommune_href=f"{code}.html",
            page_title=w.t("report.page_title", name=municipality_name(code)),
            nav="oversigt", uses_plotly=False, name=municipality_name(code), code=code,
            year=year, previous_year=previous, areas=areas, changes=changes,
            counts=[{"colour": c, "css": w.css_key[c], "label": w.colour_label(c), "n": n}
                    for c, n in sorted(counts.items(), key=lambda kv: -w.rank[kv[0]]) if n],
            surveys=_survey_findings(data, w, ids), provenance=writer.provenance(),
            regime_label=w.regime_label(data.current_regime),
            data_years=data.data_years_used(msgs=w.msgs),
        )
