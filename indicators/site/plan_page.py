"""Plan pages: one per social-housing plan (indsats/<plan_id>.html) and their index.

Everything shown is published: `mart.plans`, `mart.plan_effects` (the estimates),
`mart.plan_series` (the event-study chart: each plan area's and the comparison mean's
distance from their own pre-window means, under the plan's start-year delimitation) and
`mart.plan_moves` (moves in and out beside the effect). The site decides nothing: an
effect, its interval and "too few comparison areas" are the warehouse's; the words are the
message catalogue's (plan.<lang>.yaml). The caveats of domain.md §8 (not proof; moves;
regression to the mean) stand beside the numbers, on screen and in print.

A frame set without these tables (built before they existed) gives no plan pages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import polars as pl

from indicators import effects
from indicators.site.datatable import Column, DataTable, Link
from indicators.site.figures import Figure, _axis, base_layout, figure, trace
from indicators.site.messages import Messages
from indicators.site.render import Chart, PageWriter

INDEX = "indsats/index.html"
# A difference that rounds to 0,0 percentage points is said to be none.
SAME = 0.05
# The estimator's numbers the words state, from the estimator itself (indicators/effects.py).
ESTIMATOR = {"pre_years": effects.PRE_YEARS, "min_comparison": effects.MIN_COMPARISON,
             "twins": effects.TWINS, "min_years": effects.MIN_WINDOW_YEARS}
AREA_COLOURS = ("#1f4e79", "#a04000", "#6b4c9a", "#1e6b52", "#8a1c4a", "#4f6475")
COMPARISON_COLOUR = "#595959"


def _clean(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _rows(frame: pl.DataFrame | None) -> list[dict]:
    return [] if frame is None else [{k: _clean(v) for k, v in r.items()}
                                     for r in frame.to_dicts()]


@dataclass(frozen=True)
class PlanRow:
    area_id: str
    start_year: int
    end_year: int | None


@dataclass
class Plan:
    plan_id: str
    name: str
    rows: list[PlanRow] = field(default_factory=list)

    @property
    def href(self) -> str:
        """Page of the plan, relative to the site root."""
        return f"indsats/{self.plan_id}.html"

    @property
    def start_year(self) -> int:
        return min(r.start_year for r in self.rows)

    @property
    def end_year(self) -> int | None:
        ends = [r.end_year for r in self.rows]
        return None if any(e is None for e in ends) else max(ends)

    def row(self, area_id: str) -> PlanRow | None:
        return next((r for r in self.rows if r.area_id == area_id), None)


class PlanData:
    """The plan tables, indexed for the pages (built once per site)."""

    def __init__(self, frames: dict[str, pl.DataFrame]):
        self.present = frames.get("plans") is not None and frames.get("plan_effects") is not None
        self.has_series = frames.get("plan_series") is not None
        self.has_moves = frames.get("plan_moves") is not None
        plans: dict[str, Plan] = {}
        for r in _rows(frames.get("plans")):
            plan = plans.setdefault(r["plan_id"], Plan(r["plan_id"], r["plan_name"]))
            plan.rows.append(PlanRow(r["area_id"], int(r["start_year"]),
                                     None if r["end_year"] is None else int(r["end_year"])))
        for plan in plans.values():
            plan.rows.sort(key=lambda p: (p.start_year, p.area_id))
        self.plans = sorted(plans.values(), key=lambda p: (p.start_year, p.plan_id))
        self._effects = {(r["plan_id"], r["area_id"], r["indicator_id"], r["comparison"]): r
                         for r in _rows(frames.get("plan_effects"))}
        self._series: dict[tuple[str, str, str], list[dict]] = {}
        for r in _rows(frames.get("plan_series")):
            self._series.setdefault((r["plan_id"], r["area_id"], r["indicator_id"]),
                                    []).append(r)
        for points in self._series.values():
            points.sort(key=lambda r: r["year"])
        self._moves: dict[tuple[str, str], list[dict]] = {}
        for r in _rows(frames.get("plan_moves")):
            self._moves.setdefault((r["plan_id"], r["area_id"]), []).append(r)
        for points in self._moves.values():
            points.sort(key=lambda r: r["year"])
        self._by_area: dict[str, list[Plan]] = {}
        for plan in self.plans:
            for row in plan.rows:
                self._by_area.setdefault(row.area_id, []).append(plan)

    def plans_of(self, area_id: str) -> list[Plan]:
        """The area's plans, oldest first."""
        return self._by_area.get(area_id, [])

    def effect(self, plan_id: str, area_id: str, indicator_id: str, comparison: str
               ) -> dict | None:
        return self._effects.get((plan_id, area_id, indicator_id, comparison))

    def indicators(self, plan: Plan, comparison: str = "all") -> list[str]:
        """Indicators with an effect row of the plan, in id order (K1 … K5, local, items)."""
        ids = {k[2] for k in self._effects if k[0] == plan.plan_id and k[3] == comparison}
        return sorted(ids)

    def series(self, plan_id: str, area_id: str, indicator_id: str) -> list[dict]:
        return self._series.get((plan_id, area_id, indicator_id), [])

    def moves(self, plan_id: str, area_id: str) -> list[dict]:
        return self._moves.get((plan_id, area_id), [])


# --- words ----------------------------------------------------------------


def _period(msgs: Messages, text: str | None) -> str:
    """"2006-2008" as "2006–2008" (the en dash of a year range)."""
    return msgs.t("common.unknown") if text is None else str(text).replace("-", "\u2013")


def _local_label(msgs: Messages, indicator_id: str, data) -> str | None:
    """A local-model indicator's own label (the model the refresh scored with), in the
    page's language; None for an id the model does not define."""
    model = getattr(getattr(data, "local", None), "model", None)
    if model is None or indicator_id not in model.labels:
        return None
    return model.label(indicator_id, msgs.lang)


def is_ratio(indicator_id: str, data=None) -> bool:
    """A local-model indicator measured as a ratio (e.g. absence days per pupil): its
    differences are plain numbers, never percentage points."""
    model = getattr(getattr(data, "local", None), "model", None)
    return model is not None and indicator_id in model.labels and model.unit(indicator_id) != "pct"


def amount(msgs: Messages, value: float, ratio: bool, signed: bool = True) -> str:
    """A difference in the indicator's unit: "+1,9 procentpoint", or "+0,2" for a ratio."""
    if ratio:
        return msgs.fmt.number(value if signed else abs(value), 1, signed=signed)
    return msgs.format_value(value, "pp" if signed else "ppabs")


def indicator_code(msgs: Messages, indicator_id: str, data=None) -> str:
    """"K1" for a criterion; a local indicator has no code, so its label stands in the
    sentences ("Sigtede 15-24 år faldt …")."""
    key = f"rules.indicator.{indicator_id}.code"
    if msgs.has(key):
        return msgs.t(key)
    return _local_label(msgs, indicator_id, data) or indicator_id


def indicator_title(msgs: Messages, indicator_id: str, data=None) -> str:
    key = f"rules.indicator.{indicator_id}.title"
    if msgs.has(key):
        return msgs.t(key)
    # The label is already the code: the title says where the indicator comes from.
    if _local_label(msgs, indicator_id, data) is not None:
        return msgs.t("local.area.title")
    return indicator_id


def item_words(msgs: Messages, item_id: str) -> str:
    key = f"plan.item.{item_id}"
    return msgs.t(key) if msgs.has(key) else item_id


def effect_sentence(msgs: Messages, subject: str, row: dict | None, against: str,
                    ratio: bool = False) -> str:
    """"K1 faldt 3,1 procentpoint mere end i sammenligningsområderne (95 %-interval −5,0 til
    −1,2)"; without an interval (fewer than 5 comparison areas) "for få
    sammenligningsområder"; an unknown effect says why."""
    t = msgs.t
    against_words = t(f"plan.against.{against}")
    if row is None or row.get("effect") is None:
        if row is not None and row.get("change") is not None and not row.get("n_comparison"):
            return t("plan.effect.no_comparison", subject=subject, against=against_words)
        return t("plan.effect.unknown", subject=subject, min_years=ESTIMATOR["min_years"])
    effect = row["effect"]
    direction = "same" if abs(effect) < SAME else ("fell" if effect < 0 else "rose")
    params = {"subject": subject, "effect": amount(msgs, effect, ratio, signed=False),
              "against": against_words}
    if row.get("ci_low") is None or row.get("ci_high") is None:
        return t(f"plan.effect.{direction}_few", n=int(row.get("n_comparison") or 0), **params)
    return t(f"plan.effect.{direction}", low=msgs.number(row["ci_low"], 1),
             high=msgs.number(row["ci_high"], 1), **params)


def detail_sentence(msgs: Messages, row: dict | None, ratio: bool = False) -> str | None:
    """The two changes behind a register effect, and its placebo p-value."""
    if row is None or row.get("change") is None:
        return None
    text = msgs.t("plan.detail", change=amount(msgs, row["change"], ratio),
                  pre=_period(msgs, row["pre_period"]),
                  post=_period(msgs, row["post_period"]))
    if row.get("comparison_change") is not None:
        text += " " + msgs.t("plan.detail_comparison",
                             change=amount(msgs, row["comparison_change"], ratio),
                             n=int(row["n_comparison"]))
    if row.get("placebo_p") is not None:
        text += " " + msgs.t("plan.placebo", p=msgs.number(row["placebo_p"], 2))
    return text


def short_effect(msgs: Messages, indicator_id: str, row: dict | None, data=None) -> str:
    """The area page's compact form: "K1 −1,9 procentpoint (−3,0 til −0,7)"."""
    code = indicator_code(msgs, indicator_id, data)
    if row is None or row.get("effect") is None:
        return msgs.t("plan.short.unknown", code=code)
    effect = amount(msgs, row["effect"], is_ratio(indicator_id, data))
    if row.get("ci_low") is None:
        return msgs.t("plan.short.few", code=code, effect=effect)
    return msgs.t("plan.short.interval", code=code, effect=effect,
                  low=msgs.number(row["ci_low"], 1), high=msgs.number(row["ci_high"], 1))


# --- chart ----------------------------------------------------------------


def event_study_figure(*, title: str, lang: str, lines: list[dict], comparisons: list[dict],
                       marks: list[dict], y_title: str, hover_unit: str) -> Figure:
    """Plan areas (solid) and comparison means (dashed) by data year, each relative to its
    own pre-window mean (0 = as before); `marks` are vertical lines ({x, text, dash})."""
    traces = []
    for i, line in enumerate(lines):
        traces.append(trace("scatter", mode="lines+markers", name=line["name"],
                            x=line["years"], y=line["values"],
                            line={"color": AREA_COLOURS[i % len(AREA_COLOURS)], "width": 2.5},
                            marker={"size": 6},
                            hovertemplate=f"%{{x}}: %{{y:+.1f}} {hover_unit}<extra>"
                                          f"{line['name']}</extra>"))
    for line in comparisons:
        traces.append(trace("scatter", mode="lines+markers", name=line["name"],
                            x=line["years"], y=line["values"],
                            line={"color": COMPARISON_COLOUR, "width": 2, "dash": "dash"},
                            marker={"size": 5, "symbol": "square"},
                            hovertemplate=f"%{{x}}: %{{y:+.1f}} {hover_unit}<extra>"
                                          f"{line['name']}</extra>"))
    shapes = [{"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": 0,
               "y1": 0, "line": {"color": "#8c8c8c", "width": 1}}]
    notes = []
    for mark in marks:
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": mark["x"],
                       "x1": mark["x"], "y0": 0, "y1": 1,
                       "line": {"color": "#1a1a1a", "width": 1,
                                "dash": mark.get("dash", "solid")}})
        notes.append({"x": mark["x"], "xref": "x", "y": 1, "yref": "paper",
                      "yanchor": "bottom", "text": mark["text"], "showarrow": False,
                      "font": {"size": 11}})
    # Room on the left for the axis title (English "Percentage points" was cut at 64 px).
    layout = base_layout(title, lang, shapes=shapes, annotations=notes, height=380,
                         margin={"l": 80, "r": 24, "t": 56, "b": 56},
                         xaxis=_axis(dtick=1, tickformat="d", automargin=True),
                         yaxis=_axis(title={"text": y_title}, automargin=True,
                                     ticksuffix=""))
    return figure(traces, layout)


def _chart(msgs: Messages, data, pd: PlanData, plan: Plan, indicator_id: str) -> Chart | None:
    t = msgs.t
    lines, comparisons, table_rows = [], [], []
    seen: dict[tuple, str] = {}
    for row in plan.rows:
        points = pd.series(plan.plan_id, row.area_id, indicator_id)
        if not points:
            continue
        name = _area_name(data, row.area_id)
        years = [p["year"] for p in points]
        lines.append({"name": name, "years": years, "values": [p["relative"] for p in points]})
        shape = tuple((p["year"], p["comparison_relative"]) for p in points)
        if shape not in seen:
            seen[shape] = name
            comparisons.append({"years": years,
                                "values": [p["comparison_relative"] for p in points],
                                "for": name})
        for p in points:
            table_rows.append({"area": name, "year": p["year"], "value": p["value"],
                               "relative": p["relative"],
                               "comparison": p["comparison_relative"],
                               "n": p["n_comparison"]})
    # A series without one known value (a measure delivered only after the plan's years)
    # draws nothing: no empty chart, the effect sentence says why there is no effect.
    lines = [line for line in lines if any(v is not None for v in line["values"])]
    if not lines:
        return None
    # No comparison area with a known change (e.g. a one-year effort): no empty legend entry.
    comparisons = [c for c in comparisons if any(v is not None for v in c["values"])]
    for c in comparisons:
        c["name"] = (t("plan.chart.comparison") if len(comparisons) == 1
                     else t("plan.chart.comparison_for", area=c["for"]))
    marks = []
    for start in sorted({r.start_year for r in plan.rows}):
        marks.append({"x": start, "text": t("plan.chart.start", year=start)})
    for end in sorted({r.end_year for r in plan.rows if r.end_year is not None}):
        if any(end in line["years"] for line in lines):
            marks.append({"x": end, "text": t("plan.chart.end", year=end), "dash": "dash"})
    code = indicator_code(msgs, indicator_id, data)
    title = t("plan.chart.title", code=code, title=indicator_title(msgs, indicator_id, data))
    ratio = is_ratio(indicator_id, data)
    unit = "ratio" if ratio else "pp"
    figure_ = event_study_figure(title=title, lang=msgs.lang, lines=lines,
                                 comparisons=comparisons, marks=marks,
                                 y_title=t(f"plan.chart.y_title_{unit}"),
                                 hover_unit=t(f"plan.chart.hover_unit_{unit}"))
    table = DataTable(
        slug=f"graf_{indicator_id}", caption=title, lang=msgs.lang,
        columns=[Column("area", t("plan.table.area")), Column("year", t("plan.table.year"),
                                                               "year"),
                 Column("value", t("plan.table.value"), "dec1" if ratio else "pct1"),
                 Column("relative", t("plan.table.relative"), "dec1" if ratio else "pp1"),
                 Column("comparison", t("plan.table.comparison"),
                        "dec1" if ratio else "pp1"),
                 Column("n", t("plan.table.n"), "int", secondary=True)],
        rows=table_rows, note=t("plan.table.note", pre_years=ESTIMATOR["pre_years"]))
    summary = " ".join(
        t("plan.chart.summary_item", area=_area_name(data, r.area_id),
          text=effect_sentence(msgs, code, pd.effect(plan.plan_id, r.area_id, indicator_id,
                                                     "all"), "all", ratio))
        for r in plan.rows if pd.series(plan.plan_id, r.area_id, indicator_id))
    return Chart(id=f"plan-{indicator_id}", title=title, summary=summary, figure=figure_,
                 table=table)


def _area_name(data, area_id: str) -> str:
    area = data.areas.get(area_id) if data is not None else None
    return area.name if area else area_id


def _area_link(data, area_id: str, root: str) -> dict:
    area = data.areas.get(area_id)
    return {"area_id": area_id, "name": _area_name(data, area_id),
            "href": root + area.href if area else None}


# --- page content ---------------------------------------------------------


def _years(msgs: Messages, start: int, end: int | None) -> str:
    return msgs.year_range(start, end) if end is not None else msgs.t("plan.ongoing",
                                                                      start=start)


def _register_section(msgs, data, pd: PlanData, plan: Plan, indicator_id: str) -> dict:
    code = indicator_code(msgs, indicator_id, data)
    ratio = is_ratio(indicator_id, data)
    effects = []
    for row in plan.rows:
        every = pd.effect(plan.plan_id, row.area_id, indicator_id, "all")
        twins = pd.effect(plan.plan_id, row.area_id, indicator_id, "twins")
        if every is None and twins is None:
            continue
        twin_ids = list((twins or {}).get("comparison_areas") or [])
        known = (every or {}).get("effect") is not None
        # With 10 or fewer comparison areas the twins are all of them: one sentence.
        same_set = (twins is not None and every is not None
                    and twins.get("n_comparison") == every.get("n_comparison"))
        effects.append({
            "area_id": row.area_id, "name": _area_name(data, row.area_id),
            "all": effect_sentence(msgs, code, every, "all", ratio),
            "detail": detail_sentence(msgs, every, ratio),
            "twins": (effect_sentence(msgs, code, twins, "twins", ratio)
                      if twins and known and not same_set else None),
            "twins_are_all": same_set and bool(twin_ids),
            "twin_links": [_area_link(data, a, "../") for a in twin_ids],
        })
    return {"id": indicator_id, "code": code,
            "title": msgs.t("plan.indicator_title", code=code,
                            title=indicator_title(msgs, indicator_id, data)),
            "chart": _chart(msgs, data, pd, plan, indicator_id) if pd.has_series else None,
            "effects": effects}


def _survey_section(msgs, data, pd: PlanData, plan: Plan) -> list[dict]:
    out = []
    items = pd.indicators(plan, "rest_of_wave")
    for item in items:
        for row in plan.rows:
            e = pd.effect(plan.plan_id, row.area_id, item, "rest_of_wave")
            if e is None:
                continue
            subject = msgs.t("plan.survey.subject", item=item_words(msgs, item))
            waves = msgs.t("plan.survey.waves", pre=_wave(data, e["pre_period"]),
                           post=_wave(data, e["post_period"]))
            if e.get("effect") is None:
                text = msgs.t("plan.survey.unknown", subject=subject)
            else:
                text = effect_sentence(msgs, subject, e, "rest_of_wave")
            shares = None
            if e.get("pre_value") is not None and e.get("post_value") is not None:
                shares = msgs.t("plan.survey.shares", pre=e["pre_value"], post=e["post_value"],
                                n=int(e.get("n_comparison") or 0))
            out.append({"area_id": row.area_id, "name": _area_name(data, row.area_id),
                        "waves": waves, "text": text, "shares": shares})
    return out


def _wave(data, wave_id) -> str:
    year = data.wave_year(str(wave_id)) if data is not None else None
    return str(year if year is not None else wave_id)


def _moves_section(msgs, data, pd: PlanData, plan: Plan) -> dict:
    """Moves in and out and the share of residents who moved out, per area and year."""
    t = msgs.t
    rows, delivered = [], False
    for row in plan.rows:
        for m in pd.moves(plan.plan_id, row.area_id):
            known = m["moved_in"] is not None or m["moved_out"] is not None
            delivered = delivered or known
            turnover = (100 * m["moved_out"] / m["residents"]
                        if m["moved_out"] is not None and m["residents"] else None)
            rows.append({"area": _area_name(data, row.area_id), "year": m["year"],
                         "residents": m["residents"], "moved_in": m["moved_in"],
                         "moved_out": m["moved_out"], "turnover": turnover})
    if not delivered:
        return {"table": None, "text": t("plan.moves.not_delivered")}
    table = DataTable(
        slug="flytninger", caption=t("plan.moves.caption"), lang=msgs.lang,
        columns=[Column("area", t("plan.table.area")),
                 Column("year", t("plan.table.year"), "year"),
                 Column("moved_in", t("plan.moves.moved_in"), "int", unit="persons"),
                 Column("moved_out", t("plan.moves.moved_out"), "int", unit="persons"),
                 Column("turnover", t("plan.moves.turnover"), "pct1"),
                 Column("residents", t("plan.moves.residents"), "int", unit="persons",
                        secondary=True)],
        rows=rows, note=t("plan.moves.note"))
    return {"table": table, "text": t("plan.moves.lead")}


def plan_content(data, pd: PlanData, plan: Plan, msgs: Messages) -> dict:
    """Everything the plan page shows, in the language of `msgs`."""
    register = [i for i in pd.indicators(plan, "all")]
    sections = [_register_section(msgs, data, pd, plan, i) for i in register]
    areas = [dict(_area_link(data, r.area_id, "../"),
                  years=_years(msgs, r.start_year, r.end_year)) for r in plan.rows]
    rows = [pd.effect(plan.plan_id, r.area_id, i, "all") or {}
            for r in plan.rows for i in register]
    any_interval = any(r.get("ci_low") is not None for r in rows)
    any_effect = any(r.get("effect") is not None for r in rows)
    return {
        "plan": plan, "years": _years(msgs, plan.start_year, plan.end_year),
        "areas": areas, "sections": sections,
        "survey": _survey_section(msgs, data, pd, plan),
        "moves": _moves_section(msgs, data, pd, plan),
        "few_note": msgs.t("plan.few_note", min_comparison=ESTIMATOR["min_comparison"])
        if any_effect and not any_interval else None,
        "has_series": pd.has_series, "estimator": ESTIMATOR,
    }


def area_plans(data, pd: PlanData | None, area_id: str, msgs: Messages) -> list[dict]:
    """The area page's plan section: each plan with its years, newest first, and for the
    newest plan with a known register effect, compactly, its estimates against every
    comparison area (the `all` rows); the older plans are a link to their page."""
    if pd is None:
        return []
    out, shown = [], False
    for plan in reversed(pd.plans_of(area_id)):  # newest first
        row = plan.row(area_id)
        rows = {i: pd.effect(plan.plan_id, area_id, i, "all")
                for i in pd.indicators(plan, "all")}
        known = any(r is not None and r.get("effect") is not None for r in rows.values())
        effects = []
        if known and not shown:
            effects = [short_effect(msgs, i, r, data) for i, r in rows.items() if r is not None]
            shown = True
        out.append({"name": plan.name, "href": "../" + plan.href, "plan_id": plan.plan_id,
                    "years": _years(msgs, row.start_year, row.end_year), "effects": effects,
                    "known": known})
    return out


def write_plan_pages(data, writer: PageWriter) -> None:
    # The navigation links the index on every page: it is written even without plans.
    pd: PlanData = getattr(data, "plans", None) or PlanData({})
    msgs = writer.msgs
    t = msgs.t
    index_rows = []
    for plan in pd.plans:
        content = plan_content(data, pd, plan, msgs)
        tables = [s["chart"].table for s in content["sections"] if s["chart"]]
        if content["moves"]["table"] is not None:
            tables.append(content["moves"]["table"])
        writer.page(plan.href, "plan.html.j2", tables=tables, page_title=plan.name,
                    nav="indsats", uses_plotly=bool(tables), **content)
        index_rows.append({"plan": Link(plan.name, plan.href.removeprefix("indsats/")),
                           "years": content["years"],
                           "areas": msgs.join([a["name"] for a in content["areas"]])})
    index = DataTable(
        slug="planer", caption=t("plan.index.caption"), lang=msgs.lang,
        columns=[Column("plan", t("plan.index.plan"), "link"),
                 Column("years", t("plan.index.years")),
                 Column("areas", t("plan.index.areas"))],
        rows=index_rows)
    # No plans: no empty table to download.
    writer.page(INDEX, "plan_index.html.j2", tables=[index] if index_rows else [],
                page_title=t("plan.index.title"),
                nav="indsats", uses_plotly=False, index=index, plans=pd.plans)
