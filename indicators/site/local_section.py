"""The local model on the site (domain.md §7, method.md §8): an area page's
"Lokale nøgletal" and the municipality page's table of every area's points.

Everything shown is read from `mart.local_indicators` and
`mart.local_categories`; nothing is scored here. The model's own words (its
indicators' labels and units, band edges and cut-offs) come from the model the
refresh scored with, `staging.local_model`, which the publisher passes as the
frame `local_model`; without it (frame sets made before the model was passed)
the product's shipped default is read when the tables name its model_id, else
the indicators are named by their ids and the cut-offs are not told.

A category the unknown indicators could change is said to be undecided
("uafgjort") with how many indicators are unknown and the range of points they
leave open, never shown as a colour. The sections are screen-only: the printed
handout is about the official criteria (site.css `no-print`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl

from indicators.site.datatable import Column, DataTable
from indicators.site.figures import GRID, INK, SERIES, THRESHOLD, base_layout, figure, trace
from indicators.site.frames import without_nan
from indicators.site.messages import Messages
from indicators.site.render import Chart

CATEGORY_CSS = {"red": "roed", "orange": "orange", "yellow": "gul", "green": "groen"}
MODEL_COLUMNS = ("model_id", "model_json")
# Bar colour of the points the unknown indicators could add (a light grey, with a
# pattern so it is not told by colour alone).
POSSIBLE = "rgba(120,120,120,0.35)"


def _clean(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


@dataclass(frozen=True)
class ModelInfo:
    """What the pages say about the model: its indicators in order, with labels and units,
    and its edges and cut-offs (None when not known to the site)."""

    model_id: str
    order: list[str]
    labels: dict[str, tuple[str, str]] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    bands: list[Decimal] | None = None
    cutoffs: dict[str, int] | None = None
    min_residents: int | None = None

    def label(self, indicator_id: str, lang: str) -> str:
        da, en = self.labels.get(indicator_id, (indicator_id, indicator_id))
        return da if lang == "da" else en

    def unit(self, indicator_id: str) -> str:
        return self.units.get(indicator_id, "pct")

    @property
    def max_points(self) -> int | None:
        return None if self.bands is None else len(self.bands)


def _info_from(model, ids_in_tables: list[str]) -> ModelInfo:
    order = [i for i in model.indicators] + [i for i in ids_in_tables
                                             if i not in model.indicators]
    c = model.categories
    return ModelInfo(
        model_id=model.model_id, order=order,
        labels={i: (d.label_da, d.label_en) for i, d in model.indicators.items()},
        units={i: ("pct" if d.is_survey else d.unit) for i, d in model.indicators.items()},
        bands=list(model.bands),
        cutoffs={"red": c.red_from, "orange": c.orange_from, "yellow": c.yellow_from},
        min_residents=model.min_residents)


def model_info(model_frame: pl.DataFrame | None, model_id: str | None,
               ids_in_tables: list[str]) -> ModelInfo:
    from indicators.local_model import LocalModel, load_local_model

    if model_frame is not None:
        absent = [c for c in MODEL_COLUMNS if c not in model_frame.columns]
        if absent:
            raise ValueError(f"table local_model lacks column(s) {', '.join(absent)}")
        rows = model_frame.filter(pl.col("model_id") == model_id) if model_id else model_frame
        if rows.height:
            return _info_from(LocalModel.model_validate_json(rows["model_json"][0]),
                              ids_in_tables)
    default = load_local_model()
    if model_id is None or model_id == default.model_id:
        return _info_from(default, ids_in_tables)
    return ModelInfo(model_id=model_id, order=list(ids_in_tables))


class LocalData:
    """The local tables indexed by area (a page per area must not scan the tables)."""

    def __init__(self, frames: dict[str, pl.DataFrame]):
        indicators = frames.get("local_indicators")
        categories = frames.get("local_categories")
        self.present = indicators is not None and indicators.height > 0
        self._rows: dict[str, dict[int, dict[str, dict]]] = {}
        self._categories: dict[str, dict[int, dict]] = {}
        ids: list[str] = []
        model_id = None
        if indicators is not None:
            for r in without_nan(indicators).iter_rows(named=True):
                self._rows.setdefault(r["area_id"], {}).setdefault(
                    int(r["year"]), {})[r["indicator_id"]] = r
            # In the order the rows first name them; the first model named.
            ids = indicators["indicator_id"].unique(maintain_order=True).to_list()
            model_id = next((m for m in indicators["model_id"] if m),
                            indicators["model_id"][-1] if indicators.height else None)
        if categories is not None:
            for r in without_nan(categories).iter_rows(named=True):
                self._categories.setdefault(r["area_id"], {})[int(r["year"])] = r
        self.model_frame = frames.get("local_model")  # the method page describes it
        self.model = model_info(frames.get("local_model"), model_id, ids) if self.present \
            else ModelInfo(model_id="", order=[])

    def years(self, area_id: str) -> list[int]:
        return sorted(self._rows.get(area_id, {}))

    def indicators(self, area_id: str, year: int) -> dict[str, dict]:
        return self._rows.get(area_id, {}).get(year, {})

    def category(self, area_id: str, year: int) -> dict | None:
        return self._categories.get(area_id, {}).get(year)

    def latest_year(self, area_ids: list[str]) -> int | None:
        """The newest data year with a category for any of the areas (else with values)."""
        years = {y for a in area_ids for y in self._categories.get(a, {})}
        if not years:
            years = {y for a in area_ids for y in self._rows.get(a, {})}
        return max(years) if years else None


# --- words -------------------------------------------------------------------


class _Words:
    def __init__(self, msgs: Messages, model: ModelInfo):
        self.msgs, self.model, self.lang = msgs, model, msgs.lang
        self.t = msgs.t  # bound once: a page says hundreds of messages
        self._label_units: dict[str, str] = {}

    def t(self, key: str, **params) -> str:
        return self.msgs.t(key, **params)

    def label(self, indicator_id: str) -> str:
        return self.model.label(indicator_id, self.lang)

    def label_unit(self, indicator_id: str) -> str:
        """The label with its unit where the figures are bare numbers ("... (%)")."""
        text = self._label_units.get(indicator_id)
        if text is None:  # once per indicator: a table names it in every year's rows
            text = self._label_units[indicator_id] = self._label_unit(indicator_id)
        return text

    def _label_unit(self, indicator_id: str) -> str:
        if self.model.unit(indicator_id) == "pct":
            return self.t("local.table.label_pct", label=self.label(indicator_id))
        return self.label(indicator_id)

    def value(self, indicator_id: str, value) -> str:
        if self.model.unit(indicator_id) == "pct":
            return self.msgs.percent(value, 1)
        return self.msgs.number(value, 1)

    def category_word(self, category: str | None) -> str:
        return self.t(f"local.category.{category}" if category else "local.category.undecided")

    def intro(self) -> str:
        m = self.model
        if m.cutoffs is None or m.bands is None:
            return self.t("local.intro_bare", model=m.model_id)
        edges = [self.msgs.number(float(b), 2) for b in m.bands]
        return self.t("local.intro", model=m.model_id, edges=edges, most=len(edges),
                      red=m.cutoffs["red"], orange=m.cutoffs["orange"],
                      yellow=m.cutoffs["yellow"])

    def category_sentence(self, year: int, cat: dict | None, residents_floor: int | None
                          ) -> str:
        """The area's category in one data year, with the points that made it."""
        if cat is None:
            if residents_floor is not None:
                return self.t("local.category_none_floor", year=year, floor=residents_floor)
            return self.t("local.category_none", year=year)
        known, high = cat["points_min"], cat["points_max"]
        unknown = cat["unknown_indicators"] or 0
        category = cat["category"]
        if category is None:
            return self.t("local.undecided_sentence", year=year, points=known, n=unknown,
                          low=known, high=high)
        cutoff = (self.model.cutoffs or {}).get(category)
        text = self.t("local.decided", year=year, category=self.category_word(category),
                      points=known)
        if cutoff is not None:
            text += self.t("local.cutoff", cutoff=cutoff)
        elif category == "green" and self.model.cutoffs:
            text += self.t("local.below_yellow", cutoff=self.model.cutoffs["yellow"])
        text += "."
        if unknown:
            text += " " + self.t("local.decided_unknown", n=unknown, high=high)
        return text

    def category_cell(self, cat: dict | None) -> str:
        if cat is None:
            return self.t("local.table.no_category")
        if cat["category"] is None:
            return self.t("local.table.undecided_cell", n=cat["unknown_indicators"] or 0)
        return self.category_word(cat["category"])

    def mark(self, row: dict) -> str:
        if row.get("suppressed"):
            return self.t("local.table.suppressed")
        if row.get("value") is None:
            return self.t("local.table.missing")
        if row.get("comparison_value") is None:
            return self.t("local.table.no_comparison")
        return ""


def _decimals(value) -> int:
    """Counts of persons or days are whole; a sum of full-time persons keeps a decimal."""
    return 0 if value is None or float(value).is_integer() else 1


def _kind(model: ModelInfo, indicator_id: str) -> str:
    return "pct1" if model.unit(indicator_id) == "pct" else "dec1"


# --- the area page -------------------------------------------------------------


@dataclass
class AreaLocal:
    """What the area page's "Lokale nøgletal" section shows."""

    intro: str
    latest_sentence: str
    signal_note: str
    latest: DataTable
    chart: Chart
    history: DataTable

    @property
    def tables(self) -> list[DataTable]:
        return [self.latest, self.chart.table, self.history]


def _indicator_table(w: _Words, local: LocalData, area_id: str, area_name: str, year: int
                     ) -> DataTable:
    rows = []
    found = local.indicators(area_id, year)
    for ind in [i for i in local.model.order if i in found]:
        r = found[ind]
        rows.append({"indicator": w.label_unit(ind), "value": r["value"],
                     "nd": _decimals(r["numerator"]), "dd": _decimals(r["denominator"]),
                     "comparison": r["comparison_value"], "ratio": r["ratio"],
                     "points": r["points"], "numerator": r["numerator"],
                     "denominator": r["denominator"], "left_out": r["comparison_left_out"],
                     "wave": r["wave_id"] or "", "mark": w.mark(r)})
    return DataTable(
        lang=w.lang, slug="lokale_noegletal",
        caption=w.t("local.area.latest_caption", area=area_name, year=year),
        columns=[Column("indicator", w.t("local.table.indicator")),
                 Column("value", w.t("local.table.value"), "dec1"),
                 Column("comparison", w.t("local.table.comparison"), "dec1"),
                 # On a phone the points stay and the ratio behind them goes.
                 Column("ratio", w.t("local.table.ratio"), "dec2", secondary=True),
                 Column("points", w.t("local.table.points"), "int"),
                 Column("numerator", w.t("local.table.numerator"), "dec1", secondary=True,
                        decimals_key="nd"),
                 Column("denominator", w.t("local.table.denominator"), "dec1",
                        secondary=True, decimals_key="dd"),
                 Column("left_out", w.t("local.table.left_out"), "int", secondary=True),
                 Column("wave", w.t("local.table.wave"), secondary=True),
                 Column("mark", w.t("local.table.mark"), secondary=True)],
        rows=rows, note=w.t("local.area.latest_note"))


def _history_table(w: _Words, local: LocalData, area_id: str, area_name: str) -> DataTable:
    rows = []
    for year in reversed(local.years(area_id)):
        found = local.indicators(area_id, year)
        for ind in [i for i in local.model.order if i in found]:
            r = found[ind]
            rows.append({"year": year, "indicator": w.label_unit(ind), "value": r["value"],
                         "comparison": r["comparison_value"], "ratio": r["ratio"],
                         "points": r["points"], "mark": w.mark(r)})
    return DataTable(
        lang=w.lang, slug="lokale_aar",
        caption=w.t("local.area.history_caption", area=area_name),
        columns=[Column("year", w.t("local.table.year"), "year"),
                 Column("indicator", w.t("local.table.indicator")),
                 Column("value", w.t("local.table.value"), "dec1"),
                 Column("comparison", w.t("local.table.comparison"), "dec1"),
                 Column("ratio", w.t("local.table.ratio"), "dec2"),
                 Column("points", w.t("local.table.points"), "int"),
                 Column("mark", w.t("local.table.mark"), secondary=True)],
        rows=rows, note=w.t("local.area.history_note"))


def _points_chart(w: _Words, local: LocalData, area_id: str, area_name: str) -> Chart:
    years = local.years(area_id)
    cats = [local.category(area_id, y) for y in years]
    rows, known, possible = [], [], []
    for year, cat in zip(years, cats, strict=True):
        found = local.indicators(area_id, year)
        if cat is not None:
            low, high, unknown = cat["points_min"], cat["points_max"], cat["unknown_indicators"]
        else:
            pts = [r["points"] for r in found.values()]
            unknown = sum(1 for p in pts if p is None)
            low = sum(p for p in pts if p is not None)
            high = None if local.model.max_points is None else \
                low + unknown * local.model.max_points
        known.append(low)
        possible.append(None if high is None else high - low)
        rows.append({"year": year, "category": w.category_cell(cat), "points": low,
                     "unknown": unknown, "high": high,
                     "residents": None if cat is None else cat["residents"]})
    title = w.t("local.area.chart_title", area=area_name)
    traces = [trace("bar", x=years, y=known, name=w.t("local.area.known_points"),
                    marker={"color": SERIES},
                    hovertemplate="%{x}: %{y}<extra>" + w.t("local.area.known_points")
                    + "</extra>")]
    if any(p for p in possible if p):
        traces.append(trace("bar", x=years, y=possible, name=w.t("local.area.possible_points"),
                            marker={"color": POSSIBLE, "pattern": {"shape": "/"}},
                            hovertemplate="%{x}: +%{y}<extra>"
                            + w.t("local.area.possible_points") + "</extra>"))
    shapes, notes = [], []
    for category, cutoff in (local.model.cutoffs or {}).items():
        shapes.append({"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y",
                       "y0": cutoff, "y1": cutoff,
                       "line": {"color": THRESHOLD if category == "red" else INK,
                                "width": 1, "dash": "dash"}})
        # Right of the plot, where no bar can hide it.
        notes.append({"xref": "paper", "x": 1, "xanchor": "left", "y": cutoff, "yref": "y",
                      "yanchor": "middle", "showarrow": False, "font": {"size": 11},
                      "text": w.t("local.area.cutoff_label", category=w.category_word(category),
                                  cutoff=cutoff)})
    top = max([k + (p or 0) for k, p in zip(known, possible, strict=True)]
              + list((local.model.cutoffs or {}).values()) + [1])
    fig = figure(traces, base_layout(
        title, w.lang, barmode="stack", height=300, shapes=shapes, annotations=notes,
        margin={"l": 48, "r": 100, "t": 24, "b": 56},
        # Whole years, every second or fifth one when there are many (a phone's width).
        xaxis={"tickformat": "d", "tick0": years[0],
               "dtick": 1 if len(years) <= 8 else 2 if len(years) <= 12 else 5,
               "gridcolor": GRID, "tickfont": {"color": INK}, "automargin": True},
        yaxis={"title": {"text": w.t("local.area.y_title")}, "gridcolor": GRID,
               "range": [0, top * 1.1], "rangemode": "tozero"}))
    table = DataTable(
        lang=w.lang, slug="lokal_kategori",
        caption=w.t("local.area.category_caption", area=area_name),
        columns=[Column("year", w.t("local.table.year"), "year"),
                 Column("category", w.t("local.table.category")),
                 Column("points", w.t("local.table.known_points"), "int"),
                 Column("unknown", w.t("local.table.unknown"), "int"),
                 Column("high", w.t("local.table.high"), "int", secondary=True),
                 Column("residents", w.t("local.table.residents"), "int", secondary=True,
                        unit="persons")],
        rows=list(reversed(rows)), note=w.t("local.area.category_note"))
    summary = w.t("local.area.chart_summary", first=years[0], last=years[-1])
    return Chart(id="local-points", title=title, summary=summary, figure=fig, table=table)


def area_local(msgs: Messages, local: LocalData | None, area_id: str, area_name: str,
               lag: int | None = None, list_year: int | None = None) -> AreaLocal | None:
    """The area page's local section; None when the area has no local rows."""
    if local is None or not local.present or not local.years(area_id):
        return None
    w = _Words(msgs, local.model)
    year = local.latest_year([area_id])
    cat = local.category(area_id, year)
    floor = local.model.min_residents if cat is None else None
    note = ""
    if lag is not None and list_year is not None:
        note = msgs.t("local.area.signal_note", list_year=list_year, year=list_year - lag)
    return AreaLocal(
        intro=w.intro(), latest_sentence=w.category_sentence(year, cat, floor),
        signal_note=note, latest=_indicator_table(w, local, area_id, area_name, year),
        chart=_points_chart(w, local, area_id, area_name),
        history=_history_table(w, local, area_id, area_name))


# --- the municipality page -------------------------------------------------------


@dataclass
class MatrixCell:
    text: str
    points: int | None
    points_text: str


@dataclass
class MatrixRow:
    name: str
    href: str
    cells: list[MatrixCell]
    total: str
    category: str | None      # the stylesheet's key (roed, ...) when decided
    category_text: str


@dataclass
class KommuneLocal:
    """The municipality page's table: areas as rows, the model's indicators as columns."""

    year: int
    intro: str
    caption: str
    headers: list[str]
    comparison_name: str
    comparison: list[str]     # the municipality's social housing, per indicator
    rows: list[MatrixRow]
    download: DataTable
    note: str

    @property
    def tables(self) -> list[DataTable]:
        return [self.download]


def _known_points(local: LocalData, area_id: str, year: int) -> int:
    return sum(r["points"] for r in local.indicators(area_id, year).values()
               if r.get("points") is not None)


def kommune_local(msgs: Messages, local: LocalData | None, areas: list, root: str,
                  municipality: str) -> KommuneLocal | None:
    """`areas`: the municipality's areas (model.Area), in the page's order."""
    if local is None or not local.present:
        return None
    ids = [a.area_id for a in areas if local.years(a.area_id)]
    year = local.latest_year(ids)
    if year is None:
        return None
    w = _Words(msgs, local.model)
    shown = [a for a in areas if local.indicators(a.area_id, year)]
    shown.sort(key=lambda a: -_known_points(local, a.area_id, year))  # stable: name order kept
    order = [i for i in local.model.order
             if any(i in local.indicators(a.area_id, year) for a in shown)]
    rows, download_rows = [], []
    for area in shown:
        found = local.indicators(area.area_id, year)
        cat = local.category(area.area_id, year)
        cells, download = [], {"area": area.name}
        for ind in order:
            r = found.get(ind, {})
            points = r.get("points")
            cells.append(MatrixCell(
                text=w.value(ind, r.get("value")), points=points,
                points_text=msgs.t("local.matrix.points", n=points) if points is not None
                else ""))
            download[f"{ind}_value"] = r.get("value")
            download[f"{ind}_points"] = points
        if cat is not None:
            total = msgs.t("local.matrix.total", n=cat["points_min"]) if not cat[
                "unknown_indicators"] else msgs.t("local.matrix.total_range",
                                                  low=cat["points_min"], high=cat["points_max"])
            download.update(points=cat["points_min"], high=cat["points_max"],
                            unknown=cat["unknown_indicators"], residents=cat["residents"])
        else:
            known = [r.get("points") for r in found.values() if r.get("points") is not None]
            total = msgs.t("local.matrix.total", n=sum(known))
            download.update(points=sum(known))
        download["category"] = w.category_cell(cat)
        rows.append(MatrixRow(
            name=area.name, href=root + area.href, cells=cells, total=total,
            category=CATEGORY_CSS.get(cat["category"]) if cat and cat["category"] else None,
            category_text=w.category_cell(cat)))
        download_rows.append(download)
    columns = [Column("area", w.t("local.matrix.area"))]
    for ind in order:
        columns.append(Column(f"{ind}_value", w.t("local.matrix.value_header",
                                                  label=w.label(ind)), _kind(local.model, ind)))
        columns.append(Column(f"{ind}_points", w.t("local.matrix.points_header",
                                                   label=w.label(ind)), "int"))
    columns += [Column("points", w.t("local.table.known_points"), "int"),
                Column("high", w.t("local.table.high"), "int"),
                Column("unknown", w.t("local.table.unknown"), "int"),
                Column("category", w.t("local.table.category")),
                Column("residents", w.t("local.table.residents"), "int", unit="persons")]
    caption = w.t("local.matrix.caption", municipality=municipality, year=year)
    download = DataTable(lang=w.lang, slug="lokal_model", caption=caption, columns=columns,
                         rows=download_rows, note=w.t("local.matrix.note"))
    headers = [w.label(i) for i in order]
    comparison = []
    for ind in order:
        values = {local.indicators(a.area_id, year).get(ind, {}).get("comparison_value")
                  for a in shown} - {None}
        # One municipality, one comparison; a survey item's may differ by wave.
        comparison.append(w.value(ind, values.pop()) if len(values) == 1 else "–")
    return KommuneLocal(year=year, intro=w.intro(), caption=caption, headers=headers,
                        comparison_name=w.t("local.matrix.comparison", municipality=municipality),
                        comparison=comparison, rows=rows, download=download,
                        note=w.t("local.matrix.note"))
