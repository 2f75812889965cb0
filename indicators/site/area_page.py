"""One page per area (omraade/<area_id>.html), printable as one document.

Status and the reasons for it; K1–K5 over time against the threshold, with
the rule changes marked and the projected trend with its band; the
evening-safety share per wave against the whole survey; the municipality's
social housing beside the area; every figure in a table with numerator,
denominator, data years and a mark where it is suppressed or unknown; and
where the figures come from.
"""

from __future__ import annotations

from pathlib import Path

from indicators.site import danish
from indicators.site.datatable import NOT_APPLICABLE, Column, DataTable
from indicators.site.figures import survey_area_figure, trend_figure
from indicators.site.model import (
    EVENING_SAFETY,
    Area,
    Criterion,
    Projection,
    SiteData,
    distance_words,
)
from indicators.site.render import Chart, PageWriter
from indicators.site.vocabulary import (
    INDICATORS,
    REGIME_LABELS,
    RULE_CHANGE_YEARS,
    regime_in_force,
    status_label,
    threshold_words,
)
from indicators.site.workers import run_split, worker_count

# The municipality's social-housing sums behind each indicator (contract.md,
# kaas maal codes): numerator and denominator of the same single-year share.
_MUNICIPALITY_MEASURES = {
    "k1_uden_tilknytning": ("uden_tilknytning_18_64", "beboere_18_64"),
    "k2_domte": ("domte_18plus", "beboere_18plus"),
    "k3_grundskole": ("grundskole_30_59", "beboere_30_59"),
    "k5_ikkevestlige": ("ikkevestlige", "beboere"),
}


def mark(c: Criterion) -> str:
    if c.suppressed:
        return "Diskretioneret"
    if c.value is None:
        return "Ukendt (mangler data)"
    return ""


def _last_data_year(data_years: str | None) -> int | None:
    if not data_years:
        return None
    digits = [int(p) for p in str(data_years).replace("–", "-").split("-") if p.strip().isdigit()]
    return max(digits) if digits else None


def _projection_lines(series: list[Criterion], p: Projection | None, horizon: int) -> dict | None:
    """The projected trend from the last known value, and a band between the
    earliest and latest projected crossing years (the engine's uncertainty)."""
    known = [c for c in series if c.value is not None]
    if p is None or p.trend_pp_per_year is None or not known:
        return None
    last = known[-1]
    threshold = last.threshold
    end_candidates = [last.year + horizon]
    for y in (p.projected_year, p.projected_year_high):
        if y is not None and last.year < y <= last.year + 12:
            end_candidates.append(int(-(-y // 1)))
    end = max(end_candidates)
    years = list(range(last.year, end + 1))
    slope = p.trend_pp_per_year
    values = [round(last.value + slope * (y - last.year), 2) for y in years]
    result = {"years": years, "values": values,
              "name": f"Fremskrevet tendens ({danish.points(slope, 2)} pr. år)"}
    lo_year, hi_year = p.projected_year_low, p.projected_year_high
    if (threshold is not None and lo_year is not None and lo_year > last.year
            and threshold != last.value):
        steep = (threshold - last.value) / (lo_year - last.year)
        shallow = ((threshold - last.value) / (hi_year - last.year)
                   if hi_year is not None and hi_year > last.year else 0.0)
        edge_a = [last.value + steep * (y - last.year) for y in years]
        edge_b = [last.value + shallow * (y - last.year) for y in years]
        result["low"] = [round(min(a, b), 2) for a, b in zip(edge_a, edge_b, strict=True)]
        result["high"] = [round(max(a, b), 2) for a, b in zip(edge_a, edge_b, strict=True)]
    return result


def _projection_words(p: Projection | None, last: Criterion | None) -> str:
    if p is None:
        return ""
    if p.projected_year is not None:
        text = f" Fremskrives tendensen, nås grænsen omkring {int(round(p.projected_year))}"
        if p.projected_year_low is not None and p.projected_year_high is not None:
            text += (f" (usikkerhed: {int(round(p.projected_year_low))}–"
                     f"{int(round(p.projected_year_high))})")
        return text + "."
    if p.trend_pp_per_year is not None:
        trend = f" Tendensen er {danish.points(p.trend_pp_per_year, 2)} pr. år"
        if last is not None and last.meets:
            return trend + "; fortsætter den, forbliver kriteriet opfyldt."
        return trend + " og peger ikke mod grænsen inden for fremskrivningens horisont."
    return ""


def _trend_chart(data: SiteData, area: Area, indicator_id: str) -> Chart | None:
    ind = INDICATORS[indicator_id]
    series = data.series(area.area_id, indicator_id)
    if not series:
        return None
    projection = data.projections.get((area.area_id, data.current_year, indicator_id))
    lines = _projection_lines(series, projection, data.options.projection_years)
    regime = data.current_regime
    words = threshold_words(indicator_id, regime)
    title = f"{ind.code} {ind.short}, {area.name}"
    figure = trend_figure(
        title=title, years=[c.year for c in series], values=[c.value for c in series],
        thresholds=[c.threshold for c in series], value_name=area.name,
        threshold_name=f"Grænse ({words}), {REGIME_LABELS.get(regime, '')}",
        rule_changes=RULE_CHANGE_YEARS, projection=lines,
    )
    known = [c for c in series if c.value is not None]
    if known:
        last = known[-1]
        state = ("opfyldt" if last.meets else "ikke opfyldt" if last.meets is False
                 else "ukendt")
        summary = (f"{ind.code} var {danish.percent(last.value)} på listen {last.year} "
                   f"(grænse: {last.threshold_text()}); kriteriet er {state}")
        if last.margin is not None:
            side = "på den opfyldte side af" if last.margin >= 0 else "fra"
            summary += f", {distance_words(last.margin)} {side} grænsen"
        summary += "."
        if len(known) > 1:
            first = known[0]
            delta = last.value - first.value
            if abs(delta) < 0.05:
                summary += f" Fra {first.year} til {last.year} var tallet stort set uændret."
            else:
                direction = "steg" if delta > 0 else "faldt"
                summary += (f" Fra {first.year} til {last.year} {direction} tallet med "
                            f"{danish.number(abs(delta))} pct.point.")
    else:
        summary = f"{ind.code} er ukendt i alle år (manglende eller diskretionerede tal)."
    summary += _projection_words(projection, known[-1] if known else None)
    rows = [{"year": c.year, "regime": REGIME_LABELS.get(c.regime, c.regime),
             "value": c.value, "threshold": c.threshold, "meets": c.meets,
             "numerator": c.numerator, "denominator": c.denominator,
             "data_years": c.data_years, "mark": mark(c)} for c in series]
    if lines:
        for y, v in zip(lines["years"][1:], lines["values"][1:], strict=True):
            rows.append({"year": y, "regime": "Fremskrivning", "value": v,
                         "mark": "Fremskrevet tendens, ikke et måletal"})
    money = indicator_id == "k4_indkomst"
    table = DataTable(
        slug=f"{ind.code.lower()}",
        caption=f"{ind.code} {ind.short}, {area.name}: alle år",
        columns=[Column("year", "Listeår", "year"), Column("regime", "Regler"),
                 Column("value", "Værdi", "pct1"), Column("threshold", "Grænse", "pct1"),
                 Column("meets", "Opfyldt", "bool3"),
                 Column("numerator", "Tæller (gns. indkomst)" if money else "Tæller",
                        "dkk" if money else "dec1"),
                 Column("denominator", "Nævner (regionens gns.)" if money else "Nævner",
                        "dkk" if money else "dec1"),
                 Column("data_years", "Dataår"), Column("mark", "Mærke")],
        rows=rows,
        note=f"{ind.long}. Tæller og nævner er områdets summer for det seneste dataår bag "
             "værdien.",
    )
    return Chart(id=f"trend-{ind.code.lower()}", title=title, summary=summary, figure=figure,
                 table=table)


def _key_figures(data: SiteData, area: Area, state) -> DataTable | None:
    if state is None:
        return None
    rows = []
    for c in state.criteria:
        ind = INDICATORS.get(c.indicator_id)
        rows.append({
            "indicator": f"{ind.code} {ind.short}" if ind else c.indicator_id,
            "value": c.value, "threshold_text": c.threshold_text(), "margin": c.margin,
            "meets": c.meets,
            "numerator": c.numerator if c.indicator_id != "k4_indkomst" else NOT_APPLICABLE,
            "denominator": c.denominator if c.indicator_id != "k4_indkomst" else NOT_APPLICABLE,
            "data_years": c.data_years, "mark": mark(c),
        })
    return DataTable(
        slug="noegletal",
        caption=f"Kriterierne for {area.name}, listen {state.year} "
                f"({REGIME_LABELS.get(state.regime, '')})",
        columns=[Column("indicator", "Kriterium"), Column("value", "Værdi", "pct1"),
                 Column("threshold_text", "Grænse"),
                 Column("margin", "Afstand til grænsen", "pp1"),
                 Column("meets", "Opfyldt", "bool3"), Column("numerator", "Tæller", "dec1"),
                 Column("denominator", "Nævner", "dec1"), Column("data_years", "Dataår"),
                 Column("mark", "Mærke")],
        rows=rows,
        note="Afstand til grænsen: positiv betyder opfyldt med så mange procentpoint, negativ "
             "hvor langt der er til grænsen. K4's tæller og nævner (kroner) står i tabellen "
             "under K4's graf.",
    )


def _history(data: SiteData, area: Area) -> DataTable:
    rows = []
    for year in sorted(data.list_years, reverse=True):
        s = data.state(area.area_id, year)
        if s is None:
            continue
        official = [status_label(str(r["status"]), s.regime) for r in data.official_rows(
            area.area_id) if r.get("year") == year and r.get("official")]
        rows.append({"year": year, "regime": REGIME_LABELS.get(s.regime, s.regime),
                     "residents": s.residents, "category": s.category, "status": s.status_text,
                     "criteria": s.criteria_summary(), "kombineret": s.kombineret_udlejning,
                     "official": ", ".join(official) if official else (
                         "Ikke på listen" if data.has_official else None)})
    columns = [Column("year", "Listeår", "year"), Column("regime", "Regler"),
               Column("residents", "Beboere", "int"), Column("category", "Farve", "category"),
               Column("status", "Status"), Column("criteria", "Kriterier opfyldt"),
               Column("kombineret", "Kombineret udlejning", "bool3")]
    if data.has_official:
        columns.append(Column("official", "Offentliggjort liste"))
    return DataTable(slug="historik", caption=f"{area.name}: status på hver liste",
                     columns=columns, rows=rows,
                     note="Hvert år er vurderet efter de regler, der gjaldt det år.")


def _official_table(data: SiteData, area: Area) -> DataTable | None:
    rows = data.official_rows(area.area_id)
    if not rows:
        return None
    return DataTable(
        slug="offentlig_liste",
        caption=f"{area.name}: vores beregning og den offentliggjorte liste",
        columns=[Column("year", "Listeår", "year"), Column("status", "Liste"),
                 Column("official", "Offentliggjort", "bool3"),
                 Column("ours", "Vores beregning", "bool3"), Column("agrees", "Enige", "bool3")],
        rows=[{"year": r.get("year"),
               "status": status_label(str(r.get("status")), regime_in_force(r.get("year") or 0)),
               "official": r.get("official"), "ours": r.get("ours"), "agrees": r.get("agrees")}
              for r in rows],
    )


def _survey_chart(data: SiteData, area: Area) -> Chart | None:
    mine = {str(r["wave_id"]): r for r in data.survey_rows(EVENING_SAFETY, area.area_id)}
    if not mine:
        return None
    overall = {str(r["wave_id"]): r for r in data.survey_rows(EVENING_SAFETY, "all")}
    waves = [w for w in data.waves() if w["wave_id"] in mine]
    labels = [w["title"] or str(w["year"]) for w in waves]
    labels = [f"{w['year']}" if w["year"] else lbl for w, lbl in zip(waves, labels, strict=True)]

    def col(source, wave, key):
        r = source.get(wave["wave_id"])
        return None if r is None or r.get("suppressed") else r.get(key)

    title = f"Utrygge om aftenen, {area.name}"
    figure = survey_area_figure(
        title=title, labels=labels,
        shares=[col(mine, w, "share") for w in waves],
        lows=[col(mine, w, "ci_low") for w in waves],
        highs=[col(mine, w, "ci_high") for w in waves],
        overall=[col(overall, w, "share") for w in waves],
        overall_lows=[col(overall, w, "ci_low") for w in waves],
        overall_highs=[col(overall, w, "ci_high") for w in waves],
        area_name=area.name,
    )
    sentences = []
    table_rows = []
    for w, label in zip(waves, labels, strict=True):
        r, a = mine[w["wave_id"]], overall.get(w["wave_id"], {})
        info = data.wave_info(w["wave_id"], area.area_id)
        if r.get("suppressed"):
            sentences.append(f"{label}: skjult, fordi tallet hviler på for få svar "
                             f"({r.get('n_answers')} svar).")
        else:
            vs = {"over": "signifikant flere utrygge end resten af undersøgelsen",
                  "under": "signifikant færre utrygge end resten af undersøgelsen",
                  "ingen forskel": "ingen sikker forskel fra resten af undersøgelsen"}.get(
                r.get("vs_rest") or "", "sammenligning ukendt")
            sentences.append(
                f"{label}: {danish.percent(r.get('share'))} utrygge (95 %-interval "
                f"{danish.percent(r.get('ci_low'))}–{danish.percent(r.get('ci_high'))}, "
                f"{danish.integer(r.get('n_answers'))} svar) mod "
                f"{danish.percent(a.get('share'))} i hele undersøgelsen: {vs}.")
        table_rows.append({
            "wave": label, "n": r.get("n_answers"), "positive": r.get("n_positive"),
            "share": r.get("share"), "low": r.get("ci_low"), "high": r.get("ci_high"),
            "vs": r.get("vs_rest"), "all": a.get("share"), "invited": info.get("invited"),
            "rate": info.get("response_rate"),
            "mark": "Skjult: for få svar" if r.get("suppressed") else "",
        })
    table = DataTable(
        slug="tryghed", caption=f"Andel utrygge om aftenen, {area.name}",
        columns=[Column("wave", "Undersøgelse"), Column("n", "Svar", "int"),
                 Column("positive", "Utrygge (svar)", "int"),
                 Column("share", "Andel utrygge", "pct1"),
                 Column("low", "95 %-interval, nedre", "pct1"),
                 Column("high", "95 %-interval, øvre", "pct1"),
                 Column("vs", "Forskel fra resten"),
                 Column("all", "Hele undersøgelsen", "pct1"),
                 Column("invited", "Inviterede", "int"), Column("rate", "Svarprocent", "pct1"),
                 Column("mark", "Mærke")],
        rows=table_rows,
        note="Utrygge = svar 'utryg' eller 'meget utryg'; 'ved ikke' tæller ikke med. "
             "Forskel fra resten: tosidet test på 5 %-niveau mod alle andre svar i samme "
             "undersøgelse.",
    )
    return Chart(id="survey", title=title, summary=" ".join(sentences), figure=figure,
                 table=table)


def _municipality_context(data: SiteData, area: Area, state) -> tuple[list[str], DataTable | None]:
    """The area beside its municipality's social housing: sentences and a table of shares."""
    if not data.has_municipality or state is None:
        return [], None
    code = area.municipality_code
    years = data.municipality_years(code)
    if not years:
        return [], None
    sentences = []
    resident_year = state.year if state.year in years else max(years)
    mine = data.residents_by_year.get((area.area_id, resident_year))
    total = data.municipality_value(code, resident_year, "beboere")
    if mine and total:
        sentences.append(
            f"{area.name} havde {danish.integer(mine)} af de {danish.integer(total)} beboere i "
            f"{area.municipality}s almene boliger pr. 1. januar {resident_year} "
            f"({danish.percent(100 * mine / total)}).")
    rows = []
    for c in state.criteria:
        measures = _MUNICIPALITY_MEASURES.get(c.indicator_id)
        year = _last_data_year(c.data_years)
        if measures is None or year is None:
            continue
        num = data.municipality_value(code, year, measures[0])
        den = data.municipality_value(code, year, measures[1])
        area_share = (100 * c.numerator / c.denominator
                      if c.numerator is not None and c.denominator else None)
        muni_share = 100 * num / den if num is not None and den else None
        ind = INDICATORS[c.indicator_id]
        rows.append({"measure": f"{ind.code} {ind.short}", "year": year,
                     "area": area_share, "municipality": muni_share,
                     "difference": (area_share - muni_share
                                    if area_share is not None and muni_share is not None
                                    else None)})
    income = next((c for c in state.criteria if c.indicator_id == "k4_indkomst"), None)
    year = _last_data_year(income.data_years) if income is not None else None
    if income is not None and year is not None and income.numerator:
        total_income = data.municipality_value(code, year, "bruttoindkomst_15_64")
        payers = data.municipality_value(code, year, "skattepligtige_15_64")
        if total_income and payers:
            sentences.append(
                f"Gennemsnitlig bruttoindkomst (15–64 år) {year}: "
                f"{danish.integer(income.numerator)} kr. i området mod "
                f"{danish.integer(total_income / payers)} kr. i kommunens almene boliger.")
    table = DataTable(
        slug="kommune",
        caption=f"{area.name} ved siden af {area.municipality}s almene boliger",
        columns=[Column("measure", "Mål"), Column("year", "Dataår", "year"),
                 Column("area", "Området", "pct1"),
                 Column("municipality", "Kommunens almene boliger", "pct1"),
                 Column("difference", "Forskel", "pp1")],
        rows=rows,
        note="Kommunens almene boliger = summen over alle kommunens almene afdelinger. "
             "Andelene er for ét dataår; listens K1 og K2 er gennemsnit af to år.",
    ) if rows else None
    return sentences, table


# Below this many areas per process a fork costs more than it saves.
MIN_AREAS_PER_WORKER = 100


def write_area_pages(data: SiteData, writer: PageWriter) -> None:
    areas = list(data.area_order)
    workers = worker_count(writer.options.workers, len(areas), MIN_AREAS_PER_WORKER)
    before = len(writer.written)
    # `written` holds every worker's pages, this process's included (already listed).
    writer.written[before:] = run_split(
        areas, lambda chunk: _write_some(data, writer, chunk), workers)


def _write_some(data: SiteData, writer: PageWriter, area_ids: list[str]) -> list[Path]:
    before = len(writer.written)
    provenance = writer.provenance()
    for area_id in area_ids:
        area = data.areas[area_id]
        state = data.state(area_id)
        charts = [c for c in (_trend_chart(data, area, i) for i in data.indicators_present())
                  if c is not None]
        survey = _survey_chart(data, area)
        key_figures = _key_figures(data, area, state)
        history = _history(data, area)
        official = _official_table(data, area)
        context_sentences, municipality = _municipality_context(data, area, state)
        tables = [t for t in (key_figures, history, official, municipality) if t is not None]
        tables += [c.table for c in charts] + ([survey.table] if survey else [])
        writer.page(
            area.href, "area.html.j2", tables=tables,
            page_title=area.name, nav="oversigt", uses_plotly=True,
            area=area, state=state, year=data.current_year,
            reasons=data.reasons(state) if state else [], change=data.change(area_id),
            previous_year=data.previous_year,
            regime_label=REGIME_LABELS.get(data.current_regime, "ukendte regler"),
            key_figures=key_figures, charts=charts, survey=survey, history=history,
            official=official, municipality=municipality, context=context_sentences,
            provenance=provenance,
            data_years=data.data_years_used(area_id),
            has_early_warning=data.has_early_warning,
        )
    return writer.written[before:]
