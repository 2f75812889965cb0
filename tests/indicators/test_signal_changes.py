"""Signal changes between two publications: colour and signal set per area."""

from datetime import date

import polars as pl
import pytest

from indicators.catalogue import load_catalogue
from indicators.signal_changes import (
    Publication,
    compute_signal_changes,
    parse_signal_key,
    signal_key,
    with_history,
)

CATALOGUE = load_catalogue()
DAY = date(2026, 12, 1)


def _areas(*ids: str) -> pl.DataFrame:
    return pl.DataFrame({"area_id": list(ids), "municipality_code": [730] * len(ids)})


def _status(year: int, rows: dict[str, bool | None]) -> pl.DataFrame:
    """In-force rows (2021 regime from 2021) with parallelsamfund/omdannelse/udsat."""
    regime = CATALOGUE.regime_in_force(year)
    return pl.DataFrame(
        {"area_id": list(rows), "year": [year] * len(rows), "regime": [regime] * len(rows),
         "udsat": list(rows.values()), "parallelsamfund": [False if v is not None else None
                                                            for v in rows.values()],
         "omdannelsesomraade": [False if v is not None else None for v in rows.values()],
         "forebyggelsesomraade": [False] * len(rows)},
        schema_overrides={"udsat": pl.Boolean, "parallelsamfund": pl.Boolean,
                          "omdannelsesomraade": pl.Boolean},
    )


def _signals(year: int, rows: list[tuple]) -> pl.DataFrame:
    """rows: (area_id, signal, colour, status, indicator_id[, regime])."""
    regime = CATALOGUE.regime_in_force(year)
    return pl.DataFrame(
        [{"area_id": r[0], "year": year, "regime": r[5] if len(r) > 5 else regime,
          "signal": r[1], "colour": r[2], "status": r[3], "indicator_id": r[4]} for r in rows],
        schema={"area_id": pl.String, "year": pl.Int32, "regime": pl.String,
                "signal": pl.String, "colour": pl.String, "status": pl.String,
                "indicator_id": pl.String},
    )


def _pub(year, status, signals, areas=("a", "b", "c")) -> Publication:
    return Publication(areas=_areas(*areas), status=_status(year, status),
                       signals=_signals(year, signals))


def _changes(before, after) -> dict[str, dict]:
    frame = compute_signal_changes(before, after, CATALOGUE, "run-2", DAY)
    return {r["area_id"]: r for r in frame.iter_rows(named=True)}


def test_first_refresh_records_nothing():
    after = _pub(2024, {"a": True}, [("a", "status", "red", "udsat", None)], areas=("a",))
    assert compute_signal_changes(None, after, CATALOGUE, "run-1", DAY).height == 0


def test_colour_up_and_down_with_signals_added_and_removed():
    before = _pub(2024, {"a": False, "b": True, "c": False},
                  [("b", "status", "red", "udsat", None),
                   ("c", "near", "yellow", "udsat", "K2")])
    after = _pub(2024, {"a": True, "b": False, "c": False},
                 [("a", "status", "red", "udsat", None),
                  ("c", "near", "yellow", "udsat", "K2")])
    changes = _changes(before, after)
    assert set(changes) == {"a", "b"}  # c unchanged
    assert (changes["a"]["colour_before"], changes["a"]["colour_after"]) == ("green", "red")
    assert changes["a"]["signals_added"] == ["status:udsat"]
    assert changes["a"]["signals_removed"] == []
    assert (changes["b"]["colour_before"], changes["b"]["colour_after"]) == ("red", "green")
    assert changes["b"]["signals_removed"] == ["status:udsat"]
    assert changes["a"]["changed_at"] == DAY and changes["a"]["refresh_id"] == "run-2"
    assert changes["a"]["municipality_code"] == 730 and changes["a"]["list_year"] == 2024


def test_same_colour_other_signal_is_a_change():
    before = _pub(2024, {"a": False}, [("a", "near", "yellow", "udsat", "K2")], areas=("a",))
    after = _pub(2024, {"a": False}, [("a", "near", "yellow", "udsat", "K4")], areas=("a",))
    row = _changes(before, after)["a"]
    assert (row["colour_before"], row["colour_after"]) == ("yellow", "yellow")
    assert row["signals_added"] == ["near:udsat:K4"]
    assert row["signals_removed"] == ["near:udsat:K2"]


def test_colour_is_the_most_severe_row_under_the_regime_in_force():
    # A what-if row under another regime (red) does not colour the area.
    before = _pub(2024, {"a": False}, [("a", "near", "yellow", "udsat", "K2"),
                                       ("a", "status", "red", "udsat", None, "2018")],
                  areas=("a",))
    after = _pub(2024, {"a": False}, [("a", "near", "yellow", "udsat", "K2"),
                                      ("a", "floor", "orange", "udsat", None)], areas=("a",))
    row = _changes(before, after)["a"]
    assert (row["colour_before"], row["colour_after"]) == ("yellow", "orange")
    assert row["signals_added"] == ["floor:udsat"] and row["signals_removed"] == []


def test_unknown_status_without_signals_is_grey():
    before = _pub(2024, {"a": False}, [], areas=("a",))
    after = _pub(2024, {"a": None}, [], areas=("a",))
    row = _changes(before, after)["a"]
    assert (row["colour_before"], row["colour_after"]) == ("green", "grey")


def test_each_publication_in_its_own_current_list_year():
    before = _pub(2023, {"a": True}, [("a", "status", "red", "udsat", None)], areas=("a",))
    # The new refresh adds list year 2024, where the area has left the list.
    after_status = pl.concat([_status(2023, {"a": True}), _status(2024, {"a": False})])
    after_signals = _signals(2023, [("a", "status", "red", "udsat", None)])
    after = Publication(areas=_areas("a"), status=after_status, signals=after_signals)
    row = _changes(before, after)["a"]
    assert row["list_year"] == 2024
    assert (row["colour_before"], row["colour_after"]) == ("red", "green")


def test_new_area_has_no_before():
    before = _pub(2024, {"a": False}, [], areas=("a",))
    after = _pub(2024, {"a": False, "b": True}, [("b", "status", "red", "udsat", None)],
                 areas=("a", "b"))
    assert _changes(before, after) == {}


def test_history_keeps_earlier_refreshes_once():
    before = _pub(2024, {"a": False}, [], areas=("a",))
    after = _pub(2024, {"a": True}, [("a", "status", "red", "udsat", None)], areas=("a",))
    first = compute_signal_changes(before, after, CATALOGUE, "run-2", DAY)
    later = compute_signal_changes(after, before, CATALOGUE, "run-3", date(2026, 12, 2))
    history = with_history(with_history(None, first), later)
    assert history["refresh_id"].to_list() == ["run-2", "run-3"]
    assert history["colour_after"].to_list() == ["red", "green"]
    # The same refresh carried in again (a retried publication) is not doubled.
    assert with_history(history, later).height == 2


@pytest.mark.parametrize("parts", [("near", "udsat", "K2"), ("status", "udsat", None),
                                   ("survey", None, "tryg_aften"), ("local", None, None)])
def test_signal_key_round_trip(parts):
    assert parse_signal_key(signal_key(*parts)) == parts
