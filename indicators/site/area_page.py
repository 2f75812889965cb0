"""One page per area (omraade/<area_id>.html), in each site language.

The status box first (status_box.py, area_status.html.j2); below it the
criteria in figures, with each threshold shown with enough decimals that the
value minus the threshold is the distance shown; K1–K5 over time against the
list threshold and, beside it, the forebyggelse threshold, with the rule
changes marked and the projected trend with its band; the evening-safety
share per wave against the rest of the wave (what the test compares with)
and the whole wave, with invited, respondents and answers that reconcile;
the status on every list; the municipality's social housing beside the area;
and where the figures come from. Printed, the page is a handout of at most
two A4 pages: status box, criteria table and the charts of the criteria that
decide the status (site.css `@media print`; the rest is marked `no-print`).
"""

from __future__ import annotations

import math
from pathlib import Path

from indicators.site.datatable import NOT_APPLICABLE, Column, DataTable
from indicators.site.figures import survey_area_figure, trend_figure
from indicators.site.formatting import exact
from indicators.site.local_section import area_local
from indicators.site.members import members_section
from indicators.site.messages import Messages
from indicators.site.model import EVENING_SAFETY, Area, Criterion, Projection, SiteData
from indicators.site.plan_page import area_plans
from indicators.site.render import Chart, PageWriter
from indicators.site.workers import run_split, worker_count

# The municipality's social-housing sums behind each indicator (contract.md,
# kaas maal codes) are the catalogue's numerator and denominator measures.
Z95 = 1.959964


def _words(writer: PageWriter):
    msgs: Messages = getattr(writer, "msgs", None) or Messages.load("da")
    return msgs, getattr(writer, "words", None)


class _Page:
    """What every section of one area page needs: data, words, the area."""

    def __init__(self, data: SiteData, writer: PageWriter, area: Area):
        self.data, self.area = data, area
        self.msgs, self.w = _words(writer)
        self.lang = self.msgs.lang
        self.t = self.msgs.t  # bound once: a page says hundreds of messages
        self.rules = data.rules
        self.catalogue = data.rules.catalogue

    def t(self, key: str, **params) -> str:
        return self.msgs.t(key, **params)

    def label(self, indicator_id: str) -> str:
        return self.w.indicator_label(indicator_id)

    def code(self, indicator_id: str) -> str:
        return self.w.indicator_code(indicator_id)

    def regime_label(self, regime: str | None) -> str:
        return self.w.regime_label(regime)

    def comparison(self, indicator_id: str, regime: str | None, level: str = "main") -> str:
        return self.w.comparison(indicator_id, regime, level)

    def is_money(self, indicator_id: str) -> bool:
        return self.catalogue.indicators[indicator_id].kind == "income_relative_to_region"

    def count_kind(self, measure: str) -> str:
        """Persons are whole ("13 dømte"); full-time persons carry one decimal."""
        return "int" if self.catalogue.measures[measure].whole else "dec1"

    def table(self, **kw) -> DataTable:
        return DataTable(lang=self.lang, **kw)


def mark(p: _Page, c: Criterion) -> str:
    if c.suppressed:
        return p.t("common.table.suppressed")
    if c.value is None:
        return p.t("common.table.missing")
    return ""


def _last_data_year(data_years: str | None) -> int | None:
    if not data_years:
        return None
    digits = [int(x) for x in str(data_years).replace("–", "-").split("-")
              if x.strip().isdigit()]
    return max(digits) if digits else None


def _projection_lines(p: _Page, series: list[Criterion], proj: Projection | None,
                      horizon: int) -> dict | None:
    """The projected trend from the last known value, and a band between the
    earliest and latest projected crossing years (the engine's uncertainty)."""
    known = [c for c in series if c.value is not None]
    if proj is None or proj.trend_pp_per_year is None or not known:
        return None
    last = known[-1]
    threshold = last.threshold
    end_candidates = [last.year + horizon]
    for y in (proj.projected_year, proj.projected_year_high):
        if y is not None and last.year < y <= last.year + 12:
            end_candidates.append(math.ceil(y))
    years = list(range(last.year, max(end_candidates) + 1))
    slope = proj.trend_pp_per_year
    values = [round(last.value + slope * (y - last.year), 2) for y in years]
    result = {"years": years, "values": values,
              "name": p.t("area.trend.projection_name", slope=p.msgs.points(slope, 2))}
    lo_year, hi_year = proj.projected_year_low, proj.projected_year_high
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


def _projection_words(p: _Page, proj: Projection | None, last: Criterion | None) -> str:
    if proj is None:
        return ""
    if proj.projected_year is not None:
        text = p.t("area.trend.reaches", year=int(round(proj.projected_year)))
        if proj.projected_year_low is not None and proj.projected_year_high is not None:
            text += p.t("area.trend.uncertainty", range=p.msgs.year_range(
                round(proj.projected_year_low), round(proj.projected_year_high)))
        return text + "."
    if proj.trend_pp_per_year is not None:
        slope = p.msgs.points(proj.trend_pp_per_year, 2)
        if last is not None and last.meets:
            return p.t("area.trend.stays", slope=slope)
        return p.t("area.trend.away", slope=slope)
    return ""


def _state_word(p: _Page, meets: bool | None) -> str:
    key = {True: "met", False: "not_met"}.get(meets, "unknown")
    return p.t(f"area.trend.state_{key}")


def _trend_summary(p: _Page, indicator_id: str, series: list[Criterion],
                   proj: Projection | None) -> str:
    code = p.code(indicator_id)
    known = [c for c in series if c.value is not None]
    if not known:
        return p.t("area.trend.all_unknown", code=code) + _projection_words(p, proj, None)
    last = known[-1]
    d = last.decimals
    text = p.t("area.trend.summary", code=code, value=p.msgs.percent(last.value, d),
               year=last.year, comparison=p.comparison(indicator_id, last.regime),
               threshold=p.msgs.percent(last.threshold, d), state=_state_word(p, last.meets))
    if last.margin is not None:
        distance = p.msgs.points(abs(last.margin), d, signed=False)
        text += p.t("area.trend.met_side" if last.margin >= 0 else "area.trend.short_side",
                    distance=distance)
    text += "."
    prevention = last.forebyggelse_threshold
    if prevention is not None and last.threshold is not None and prevention != last.threshold:
        pd = last.prevention_decimals
        text += p.t("area.trend.prevention",
                    comparison=p.comparison(indicator_id, last.regime, "forebyggelse"),
                    threshold=p.msgs.percent(prevention, pd),
                    state=_state_word(p, last.meets_forebyggelse))
    if len(known) > 1:
        first = known[0]
        delta = last.value - first.value
        if abs(delta) < 0.05:
            text += p.t("area.trend.unchanged", first=first.year, last=last.year)
        else:
            text += p.t("area.trend.rose" if delta > 0 else "area.trend.fell",
                        first=first.year, last=last.year,
                        delta=p.msgs.points(abs(delta), 1, signed=False))
    return text + _projection_words(p, proj, last)


def _trend_chart(p: _Page, indicator_id: str) -> Chart | None:
    data, area = p.data, p.area
    series = data.series(area.area_id, indicator_id)
    if not series:
        return None
    proj = data.projections.get((area.area_id, data.current_year, indicator_id))
    lines = _projection_lines(p, series, proj, data.options.projection_years)
    label = p.label(indicator_id)
    title = p.t("area.trend.chart_title", label=label, area=area.name)
    prevention = [c.forebyggelse_threshold for c in series]
    has_prevention = any(v is not None for v in prevention)
    same = has_prevention and all(
        v is None or (c.threshold is not None and abs(v - c.threshold) < 1e-9)
        for v, c in zip(prevention, series, strict=True))
    figure = trend_figure(
        title=title, years=[c.year for c in series], values=[c.value for c in series],
        thresholds=[c.threshold for c in series], value_name=area.name,
        threshold_name=p.t("area.trend.threshold_same_name" if same
                           else "area.trend.threshold_name"),
        rule_changes=p.rules.rule_change_years,
        rule_change_hover=p.t("area.trend.rule_change", year="{year}"),
        projection=lines,
        prevention_thresholds=prevention if has_prevention else None,
        prevention_name=p.t("area.trend.prevention_name"),
        y_title=p.t("area.trend.y_title"), lang=p.lang,
    )
    if lines and lines.get("low"):
        figure["data"][0]["name"] = p.t("area.trend.band_name")
    summary = _trend_summary(p, indicator_id, series, proj)
    money = p.is_money(indicator_id)
    definition = p.catalogue.indicators[indicator_id]
    count_kind = "dkk" if money else p.count_kind(definition.numerator[0])
    den_kind = "dkk" if money else p.count_kind(definition.denominator)
    rows = []
    for c in series:
        d = c.decimals
        rows.append({"year": c.year, "regime": p.regime_label(c.regime), "value": c.value,
                     "threshold": c.threshold, "prevention": c.forebyggelse_threshold,
                     "decimals": d, "meets": c.meets, "numerator": c.numerator,
                     "denominator": c.denominator, "data_years": c.data_years,
                     "mark": mark(p, c)})
    if lines:
        for y, v in zip(lines["years"][1:], lines["values"][1:], strict=True):
            rows.append({"year": y, "regime": p.t("area.trend.projection_row"), "value": v,
                         "mark": p.t("common.table.projected")})
    columns = [Column("year", p.t("area.trend.year"), "year"),
               Column("value", p.t("area.key.value"), "pct2", decimals_key="decimals"),
               Column("threshold", p.t("area.key.threshold"), "pct2", decimals_key="decimals")]
    if has_prevention and not same:
        columns.append(Column("prevention", p.t("area.key.prevention_threshold"), "pct1",
                              secondary=True))
    columns += [
        Column("meets", p.t("area.key.meets"), "bool3"),
        Column("regime", p.t("area.trend.regime"), secondary=True),
        Column("numerator", p.t("area.trend.numerator_money") if money
               else p.t("area.key.numerator"), count_kind, secondary=True,
               unit=None if money or count_kind != "int" else "persons"),
        Column("denominator", p.t("area.trend.denominator_money") if money
               else p.t("area.key.denominator"), den_kind, secondary=True,
               unit=None if money or den_kind != "int" else "persons"),
        Column("data_years", p.t("area.key.data_years"), secondary=True),
        Column("mark", p.t("area.key.mark"), secondary=True),
    ]
    label_long = definition.label_da if p.lang == "da" else definition.label_en
    table = p.table(
        slug=p.code(indicator_id).lower(),
        caption=p.t("area.trend.table_caption", label=label, area=area.name),
        columns=columns, rows=rows,
        note=p.t("area.trend.table_note", definition=label_long),
    )
    return Chart(id=f"trend-{p.code(indicator_id).lower()}", title=title, summary=summary,
                 figure=figure, table=table)


def _key_figures(p: _Page, state) -> DataTable | None:
    if state is None:
        return None
    has_prevention = any(c.forebyggelse_threshold is not None for c in state.criteria)
    rows = []
    for c in state.criteria:
        d, pd = c.decimals, c.prevention_decimals
        money = p.is_money(c.indicator_id)
        definition = p.catalogue.indicators[c.indicator_id]
        whole = not money and p.catalogue.measures[definition.numerator[0]].whole
        rows.append({
            "indicator": p.label(c.indicator_id), "value": c.value,
            "comparison": p.comparison(c.indicator_id, c.regime), "threshold": c.threshold,
            "margin": _aligned_margin(c.value, c.threshold, c.below), "d": d,
            "meets": c.meets,
            "prevention": c.forebyggelse_threshold,
            "prevention_margin": _aligned_margin(c.value, c.forebyggelse_threshold, c.below),
            "pd": pd, "prevention_meets": c.meets_forebyggelse,
            "numerator": NOT_APPLICABLE if money else c.numerator,
            # Persons are whole ("13", never "13,0"); K1's full-time persons keep a decimal.
            "nd": 0 if whole else 1,
            "denominator": NOT_APPLICABLE if money else c.denominator,
            "data_years": c.data_years, "mark": mark(p, c),
        })
    columns = [Column("indicator", p.t("area.key.criterion")),
               Column("value", p.t("area.key.value"), "pct2", decimals_key="d"),
               Column("comparison", p.t("area.key.comparison"), phone_hidden=True),
               Column("threshold", p.t("area.key.threshold"), "pct2", decimals_key="d"),
               Column("margin", p.t("area.key.margin"), "pp2", decimals_key="d"),
               Column("meets", p.t("area.key.meets"), "bool3")]
    if has_prevention:
        columns += [Column("prevention", p.t("area.key.prevention_threshold"), "pct2",
                           decimals_key="pd"),
                    Column("prevention_margin", p.t("area.key.prevention_margin"), "pp2",
                           decimals_key="pd"),
                    Column("prevention_meets", p.t("area.key.prevention_meets"), "bool3")]
    columns += [Column("numerator", p.t("area.key.numerator"), "dec1", decimals_key="nd",
                       secondary=True),
                Column("denominator", p.t("area.key.denominator"), "int", secondary=True,
                       unit="persons"),
                Column("data_years", p.t("area.key.data_years"), secondary=True),
                Column("mark", p.t("area.key.mark"), secondary=True)]
    return p.table(
        slug="noegletal",
        caption=p.t("area.key.caption", area=p.area.name, year=state.year,
                    regime=p.regime_label(state.regime)),
        columns=columns, rows=rows, note=p.t("area.key.note"),
    )


def _aligned_margin(value, threshold, below: bool):
    """The distance from the shown (rounded) numbers' exact difference, on the met side."""
    if value is None or threshold is None:
        return None
    diff = exact(value) - exact(threshold)
    return float(-diff if below else diff)


def _history(p: _Page) -> DataTable:
    data, area = p.data, p.area
    rows = []
    for year in sorted(data.list_years, reverse=True):
        s = data.state(area.area_id, year)
        if s is None:
            continue
        official = data.official_statuses(area.area_id, year)
        rows.append({
            "year": year, "regime": p.regime_label(s.regime), "residents": s.residents,
            "category": s.category, "status": p.w.headline(s),
            "criteria": p.t("area.history.criteria_value", met=s.criteria_met,
                            total=s.criteria_total)
            + (" (" + ", ".join(c.code for c in s.counted if c.meets) + ")"
               if any(c.meets for c in s.counted) else ""),
            "kombineret": s.kombineret_udlejning,
            "official": (", ".join(p.w.status_label(o, s.regime) for o in official)
                         if official else (p.t("area.history.not_on_list")
                                           if data.has_official else None)),
        })
    columns = [Column("year", p.t("area.history.year"), "year"),
               Column("category", p.t("area.history.colour"), "category"),
               Column("status", p.t("area.history.status")),
               Column("criteria", p.t("area.history.criteria")),
               Column("residents", p.t("area.history.residents"), "int", unit="persons"),
               Column("regime", p.t("area.history.regime"), secondary=True),
               Column("kombineret", p.t("area.history.kombineret"), "bool3", secondary=True)]
    if data.has_official:
        columns.append(Column("official", p.t("area.history.official")))
    return p.table(slug="historik", caption=p.t("area.history.caption", area=area.name),
                   columns=columns, rows=rows, note=p.t("area.history.note"))


def _official_table(p: _Page) -> DataTable | None:
    rows = p.data.official_rows(p.area.area_id)
    if not rows:
        return None
    return p.table(
        slug="offentlig_liste", caption=p.t("area.official.caption", area=p.area.name),
        columns=[Column("year", p.t("area.official.year"), "year"),
                 Column("status", p.t("area.official.status")),
                 Column("official", p.t("area.official.official"), "bool3"),
                 Column("ours", p.t("area.official.ours"), "bool3"),
                 Column("agrees", p.t("area.official.agrees"), "bool3")],
        rows=[{"year": r.get("year"),
               "status": p.w.status_label(str(r.get("status")),
                                          p.rules.regime_in_force(r.get("year") or 0)),
               "official": r.get("official"), "ours": r.get("ours"), "agrees": r.get("agrees")}
              for r in rows],
    )


def wilson(positive: int, n: int) -> tuple[float, float]:
    """95 % Wilson interval in percent (the survey marts use the same)."""
    if n <= 0:
        return (math.nan, math.nan)
    phat = positive / n
    denominator = 1 + Z95 ** 2 / n
    centre = (phat + Z95 ** 2 / (2 * n)) / denominator
    half = Z95 * math.sqrt(phat * (1 - phat) / n + Z95 ** 2 / (4 * n * n)) / denominator
    return (100 * max(0.0, centre - half), 100 * min(1.0, centre + half))


def rest_of_wave(area_row: dict, all_row: dict) -> dict | None:
    """The rest of the wave (every other substantive answer): the group the test compares
    the area with. Only for an unweighted wave whose counts are published: the area's own
    row and the wave's row are both on the page, so the rest discloses nothing new; a
    weighted share is not n_positive / n_answers and has no rest we can recompute."""
    if area_row.get("suppressed") or all_row.get("suppressed"):
        return None
    n_all, pos_all = all_row.get("n_answers"), all_row.get("n_positive")
    n_area, pos_area = area_row.get("n_answers"), area_row.get("n_positive")
    if None in (n_all, pos_all, n_area, pos_area) or all_row.get("share") is None:
        return None
    if n_all <= 0 or abs(100 * pos_all / n_all - all_row["share"]) > 1e-6:
        return None  # weighted (or rounded) wave
    n, positive = n_all - n_area, pos_all - pos_area
    if n <= 0 or positive < 0:
        return None
    low, high = wilson(positive, n)
    return {"share": 100 * positive / n, "ci_low": low, "ci_high": high, "n": n,
            "positive": positive}


def _survey_chart(p: _Page) -> tuple[Chart | None, list[str]]:
    data, area = p.data, p.area
    mine = {str(r["wave_id"]): r for r in data.survey_rows(EVENING_SAFETY, area.area_id)}
    if not mine:
        return None, []
    overall = {str(r["wave_id"]): r for r in data.survey_rows(EVENING_SAFETY, "all")}
    waves = [w for w in data.waves() if w["wave_id"] in mine]
    labels = [str(w["year"]) if w["year"] else (w["title"] or w["wave_id"]) for w in waves]
    rests = {w["wave_id"]: rest_of_wave(mine[w["wave_id"]], overall.get(w["wave_id"], {}))
             for w in waves}

    def col(source, wave, key):
        r = source.get(wave["wave_id"])
        return None if r is None or r.get("suppressed") else r.get(key)

    def rest_col(wave, key):
        r = rests[wave["wave_id"]]
        return None if r is None else r[key]

    title = p.t("area.survey.chart_title", area=area.name)
    figure = survey_area_figure(
        title=title, labels=labels,
        shares=[col(mine, w, "share") for w in waves],
        lows=[col(mine, w, "ci_low") for w in waves],
        highs=[col(mine, w, "ci_high") for w in waves],
        overall=[col(overall, w, "share") for w in waves],
        overall_lows=[col(overall, w, "ci_low") for w in waves],
        overall_highs=[col(overall, w, "ci_high") for w in waves],
        rest=[rest_col(w, "share") for w in waves],
        rest_lows=[rest_col(w, "ci_low") for w in waves],
        rest_highs=[rest_col(w, "ci_high") for w in waves],
        area_name=area.name, rest_name=p.t("area.survey.rest"),
        overall_name=p.t("area.survey.whole"), y_title=p.t("area.survey.y_title"),
        lang=p.lang,
    )
    vs_key = {"over": "vs_over", "under": "vs_under", "ingen forskel": "vs_none"}
    vs_word = {"over": "vs_word_over", "under": "vs_word_under", "ingen forskel": "vs_word_none"}
    sentences, totals, table_rows = [], [], []
    for w, label in zip(waves, labels, strict=True):
        r, a, rest = mine[w["wave_id"]], overall.get(w["wave_id"], {}), rests[w["wave_id"]]
        info = data.wave_info(w["wave_id"], area.area_id)
        invited, respondents = info.get("invited"), info.get("n_respondents")
        rate = info.get("response_rate")
        if rate is None and invited and respondents is not None:
            rate = 100 * respondents / invited
        if r.get("suppressed"):
            sentences.append(p.t("area.survey.suppressed", wave=label, n=r.get("n_answers")))
        else:
            vs = p.t("area.survey." + vs_key.get(r.get("vs_rest") or "", "vs_unknown"))
            common = dict(wave=label, share=r.get("share"), low=r.get("ci_low"),
                          high=r.get("ci_high"), n=r.get("n_answers"), all=a.get("share"),
                          vs=vs)
            if rest is not None:
                sentences.append(p.t("area.survey.finding", rest=rest["share"], **common))
            else:
                sentences.append(p.t("area.survey.finding_no_rest", **common))
        if invited is not None and respondents is not None:
            totals.append(p.t("area.survey.totals", wave=label, invited=invited,
                              respondents=respondents, rate=rate, answers=r.get("n_answers")))
        else:
            totals.append(p.t("area.survey.totals_partial", wave=label,
                              answers=r.get("n_answers")))
        table_rows.append({
            "wave": label, "invited": invited, "respondents": respondents, "rate": rate,
            "n": r.get("n_answers"), "positive": r.get("n_positive"), "share": r.get("share"),
            "low": r.get("ci_low"), "high": r.get("ci_high"),
            "rest": None if rest is None else rest["share"], "all": a.get("share"),
            "vs": p.t("area.survey." + vs_word[r["vs_rest"]]) if r.get("vs_rest") in vs_word
            else "",
            "mark": p.t("area.survey.hidden") if r.get("suppressed") else "",
        })
    table = p.table(
        slug="tryghed", caption=p.t("area.survey.caption", area=area.name),
        columns=[Column("wave", p.t("area.survey.wave")),
                 Column("share", p.t("area.survey.share"), "pct1"),
                 Column("rest", p.t("area.survey.rest_share"), "pct1"),
                 Column("vs", p.t("area.survey.vs")),
                 Column("n", p.t("area.survey.answers"), "int", unit="persons"),
                 Column("all", p.t("area.survey.all_share"), "pct1", secondary=True),
                 Column("positive", p.t("area.survey.positive"), "int", secondary=True,
                        unit="persons"),
                 Column("low", p.t("area.survey.low"), "pct1", secondary=True),
                 Column("high", p.t("area.survey.high"), "pct1", secondary=True),
                 Column("invited", p.t("area.survey.invited"), "int", secondary=True,
                        unit="persons"),
                 Column("respondents", p.t("area.survey.respondents"), "int", secondary=True,
                        unit="persons"),
                 Column("rate", p.t("area.survey.rate"), "pct1", secondary=True),
                 Column("mark", p.t("area.survey.mark"), secondary=True)],
        rows=table_rows, note=p.t("area.survey.note"),
    )
    return Chart(id="survey", title=title, summary=" ".join(sentences), figure=figure,
                 table=table), totals


def _survey_items_table(p: _Page) -> tuple[DataTable | None, str | None]:
    """Every catalogue item of the area's latest wave: its share beside the rest of the
    wave, compact (the survey pages hold the intervals and the other areas)."""
    from indicators.site.survey_page import item_texts  # the survey pages import this module
    data, area = p.data, p.area
    waves = [w for w in data.waves()
             if any(data.survey_row(w["wave_id"], area.area_id, i.item_id)
                    for i in data.survey_items(w["wave_id"]))]
    if not waves:
        return None, None
    wave = waves[-1]
    label = str(wave["year"]) if wave["year"] else (wave["title"] or wave["wave_id"])
    vs_word = {"over": "item_vs_over", "under": "item_vs_under", "ingen forskel": "item_vs_none"}
    rows = []
    for item in data.survey_items(wave["wave_id"]):
        r = data.survey_row(wave["wave_id"], area.area_id, item.item_id)
        if r is None:
            continue
        hidden = bool(r.get("suppressed")) or r.get("share") is None
        whole = data.survey_row(wave["wave_id"], "all", item.item_id) or {}
        # A suppressed wave row hides the rest too (it would reveal the suppressed areas).
        hidden_rest = hidden or bool(whole.get("suppressed"))
        rest = None if hidden else rest_of_wave(r, whole)
        rows.append({
            "item": item_texts(item, p.lang)["share_label"],
            "share": p.t("survey.suppressed_cell") if hidden else r["share"],
            "rest": rest["share"] if rest is not None else (
                p.t("survey.suppressed_cell") if hidden_rest else None),
            "vs": "" if hidden or r.get("vs_rest") not in vs_word
            else p.t("survey." + vs_word[r["vs_rest"]]),
            "n": r.get("n_answers")})
    table = p.table(
        slug="spoergsmaal", caption=p.t("survey.area_items.caption", area=area.name, wave=label),
        columns=[Column("item", p.t("survey.area_items.item")),
                 Column("share", p.t("survey.area_items.share"), "pct1"),
                 Column("rest", p.t("survey.area_items.rest"), "pct1"),
                 Column("vs", p.t("survey.area_items.vs")),
                 Column("n", p.t("survey.area_items.answers"), "int", unit="persons",
                        secondary=True)],
        rows=rows)
    return table, p.t("survey.area_items.lead", wave=label)


def _municipality_context(p: _Page, state) -> tuple[list[str], DataTable | None]:
    """The area beside its municipality's social housing: sentences and a table of shares."""
    data, area = p.data, p.area
    if not data.has_municipality or state is None:
        return [], None
    code = area.municipality_code
    years = data.municipality_years(code)
    if not years:
        return [], None
    sentences = []
    resident_year = state.year if state.year in years else max(years)
    mine = data.residents_by_year.get((area.area_id, resident_year))
    residents = p.catalogue.residents_measure
    total = data.municipality_value(code, resident_year, residents)
    if mine and total:
        sentences.append(p.t("area.context.residents", area=area.name, mine=mine, total=total,
                             municipality=area.municipality, year=resident_year,
                             share=100 * mine / total))
    rows = []
    for c in state.criteria:
        definition = p.catalogue.indicators[c.indicator_id]
        year = _last_data_year(c.data_years)
        if p.is_money(c.indicator_id) or year is None or len(definition.numerator) != 1:
            continue
        num = data.municipality_value(code, year, definition.numerator[0])
        den = data.municipality_value(code, year, definition.denominator)
        area_share = (100 * c.numerator / c.denominator
                      if c.numerator is not None and c.denominator else None)
        muni_share = 100 * num / den if num is not None and den else None
        rows.append({"measure": p.label(c.indicator_id), "year": year,
                     "area": area_share, "municipality": muni_share,
                     "difference": (area_share - muni_share
                                    if area_share is not None and muni_share is not None
                                    else None)})
    income = next((c for c in state.criteria if p.is_money(c.indicator_id)), None)
    year = _last_data_year(income.data_years) if income is not None else None
    if income is not None and year is not None and income.numerator:
        definition = p.catalogue.indicators[income.indicator_id]
        total_income = data.municipality_value(code, year, definition.numerator[0])
        payers = data.municipality_value(code, year, definition.denominator)
        if total_income and payers:
            sentences.append(p.t("area.context.income", year=year,
                                 area_income=income.numerator,
                                 municipality_income=total_income / payers))
    table = p.table(
        slug="kommune",
        caption=p.t("area.context.caption", area=area.name, municipality=area.municipality),
        columns=[Column("measure", p.t("area.context.measure")),
                 Column("area", p.t("area.context.area"), "pct1"),
                 Column("municipality", p.t("area.context.municipality"), "pct1"),
                 Column("difference", p.t("area.context.difference"), "pp1"),
                 Column("year", p.t("area.context.year"), "year")],
        rows=rows, note=p.t("area.context.note"),
    ) if rows else None
    return sentences, table


def _deciding(state, charts: list[Chart], p: _Page, budget: int) -> set[str]:
    """The charts a printed handout keeps (at most PRINT_CHARTS): the criteria met at
    the list threshold, then those a signal names (near, forebyggelse), then the
    nearest to their threshold; the others are left to the screen."""
    if state is None:
        return set()
    signalled = [s.indicator_id for s in state.signals if s.indicator_id]
    met = [c.indicator_id for c in state.criteria if c.meets]
    nearest = [c.indicator_id for c in sorted(
        (c for c in state.counted if c.margin is not None and not c.meets),
        key=lambda c: -c.margin)]
    keep: list[str] = []
    for indicator_id in met + signalled + nearest:
        if indicator_id not in keep and indicator_id in p.catalogue.indicators:
            keep.append(indicator_id)
    ids = [f"trend-{p.code(i).lower()}" for i in keep[:budget]]
    return {c.id for c in charts if c.id in ids}


def _survey_matters(state) -> bool:
    """The survey chart is printed when a wave flags the area (a survey signal)."""
    return state is not None and any(s.signal == "survey" for s in state.signals)


# A handout of two A4 pages holds the status box, the criteria table and this many
# charts: the survey chart when the survey flags the area, the trend charts for the rest.
PRINT_CHARTS = 2


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
        p = _Page(data, writer, area)
        state = data.state(area_id)
        charts = [c for c in (_trend_chart(p, i) for i in data.indicators_present())
                  if c is not None]
        survey, survey_totals = _survey_chart(p)
        survey_items, survey_items_lead = _survey_items_table(p)
        key_figures = _key_figures(p, state)
        history = _history(p)
        official = _official_table(p)
        context_sentences, municipality = _municipality_context(p, state)
        local = area_local(p.msgs, data.local, area_id, area.name,
                           p.catalogue.signals.local.data_year_lag, data.current_year)
        tables = [t for t in (key_figures, history, official, municipality) if t is not None]
        tables += local.tables if local else []
        tables += [c.table for c in charts] + ([survey.table] if survey else [])
        tables += [survey_items] if survey_items else []
        box = None
        if getattr(writer, "words", None) is not None:
            from indicators.site.status_box import status_box
            box = status_box(data, writer.words, area_id)
        has_prevention = any(c.forebyggelse_threshold is not None
                             for c in (state.criteria if state else []))
        print_survey = survey is not None and _survey_matters(state)
        intro = p.t("area.trend.intro", regime=p.regime_label(data.current_regime),
                    years=p.msgs.join(p.rules.rule_change_years))
        if has_prevention:
            intro += p.t("area.trend.intro_prevention")
        if data.has_early_warning:
            intro += p.t("area.trend.intro_projection")
        writer.page(
            area.href, "area.html.j2", tables=tables,
            page_title=area.name, nav="oversigt", uses_plotly=True,
            area=area, state=state, year=data.current_year, box=box,
            reasons=data.reasons(state) if state else [], change=data.change(area_id),
            previous_year=data.previous_year,
            regime_label=p.regime_label(data.current_regime),
            key_figures=key_figures, charts=charts,
            print_charts=_deciding(state, charts, p, PRINT_CHARTS - print_survey),
            print_survey=print_survey,
            survey=survey, survey_totals=survey_totals, survey_items=survey_items,
            survey_items_lead=survey_items_lead, history=history, official=official,
            municipality=municipality, local=local,
            context=context_sentences, trend_intro=intro, provenance=provenance,
            data_years=data.data_years_used(area_id, p.msgs),
            has_early_warning=data.has_early_warning,
            members=members_section(p.msgs, data.members, area_id, area.name,
                                    data.current_year),
            plans=area_plans(data, getattr(data, "plans", None), area_id, p.msgs),
        )
    return writer.written[before:]
