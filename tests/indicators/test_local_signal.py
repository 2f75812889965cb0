"""The `local` signal of mart.area_signals (domain.md §6): the local model's red or orange
category of data year L - data_year_lag, in the category's own colour."""

from __future__ import annotations

import polars as pl
import pytest
from pydantic import ValidationError

from indicators.catalogue import Signals
from indicators.local_model import parse_local_model
from indicators.local_scoring import CATEGORY_SCHEMA
from indicators.signals import AREA_SIGNALS_SCHEMA, local_signals
from tests.indicators.builders import catalogue

MODEL = parse_local_model("""model_id: m1
bands: ["1.00", "1.25", "1.50"]
categories: {red_from: 16, orange_from: 11, yellow_from: 6}
indicators:
  l_x:
    numerator: underretninger_0_17
    denominator: beboere_0_17
    unit: pct
    direction: higher_worse
    label_da: x
    label_en: x
""", "m.yaml", measures=["underretninger_0_17", "beboere_0_17"], survey_items=[])


def categories(rows: list[tuple[str, int, int, str | None]]) -> pl.DataFrame:
    """(area, data year, points_min, category)."""
    return pl.DataFrame(
        [(a, y, "m1", 1000, 0, p, p, c) for a, y, p, c in rows],
        schema=CATEGORY_SCHEMA, orient="row")


def status(areas: list[str], years: list[int], regimes=("2018", "2021")) -> pl.DataFrame:
    return pl.DataFrame([(a, y, r) for a in areas for y in years for r in regimes],
                        schema={"area_id": pl.Utf8, "year": pl.Int32, "regime": pl.Utf8},
                        orient="row")


def test_red_and_orange_signal_in_their_colour_the_list_after_the_data_year():
    cats = categories([("a", 2022, 17, "red"), ("b", 2022, 11, "orange"),
                       ("c", 2022, 10, "yellow"), ("d", 2022, 0, "green"),
                       ("e", 2022, 12, None), ("a", 2023, 16, "red")])
    rows = local_signals(status(list("abcde"), [2022, 2023]), cats, MODEL, catalogue())
    got = sorted(rows.select("area_id", "year", "regime", "colour", "value", "threshold")
                 .iter_rows())
    # a's 2023 category would signal on the 2024 list, which area_status does not hold.
    assert got == [("a", 2023, "2018", "red", 17.0, 16.0), ("a", 2023, "2021", "red", 17.0, 16.0),
                   ("b", 2023, "2018", "orange", 11.0, 11.0),
                   ("b", 2023, "2021", "orange", 11.0, 11.0)]
    assert set(rows["signal"]) == {"local"}


def test_the_lag_and_categories_are_configuration():
    config = catalogue().signals.model_copy(update={"local": catalogue().signals.local
                                                    .model_copy(update={"data_year_lag": 0,
                                                                        "categories": ["red"]})})
    changed = catalogue().model_copy(update={"signals": config})
    cats = categories([("a", 2022, 17, "red"), ("b", 2022, 11, "orange")])
    rows = local_signals(status(["a", "b"], [2022]), cats, MODEL, changed)
    assert rows.select("area_id", "year", "colour").unique().rows() == [("a", 2022, "red")]


def test_no_model_no_local_rows():
    rows = local_signals(status(["a"], [2023]), None, None, catalogue())
    assert rows.is_empty() and set(rows.columns) <= set(AREA_SIGNALS_SCHEMA)


def test_a_local_category_outside_the_severity_is_refused():
    raw = catalogue().signals.model_dump()
    raw["local"]["categories"] = ["red", "green"]
    with pytest.raises(ValidationError, match="green"):
        Signals.model_validate(raw)
