"""The resident-survey battery beside evening safety (issue 12, domain.md §3-4).

Every item of the catalogue is computed exactly as evening safety: its own positive
codes over its own substantive answers, "Ved ikke" and blanks left out, a Wilson
interval, the vs-rest test, and suppression (primary, complementary and the
group-disclosure rule on the `all` row) decided per wave and item.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from scipy import stats as scipy_stats

from indicators.errors import InputError
from indicators.survey.items import CATALOGUE_FILE, load_items
from indicators.survey.reader import ANSWERS_SCHEMA
from indicators.survey.results import survey_results
from indicators.survey.wave import load_wave_config

ITEMS = load_items()
BATTERY = ["area_satisfaction", "daytime_safety", "neighbour_contact", "wish_to_move",
           "vandalism_noise"]
SAMPLE_SURVEYS = Path(__file__).resolve().parents[2] / "data" / "sample" / "survey"


def frame(rows: list[tuple[str, str, int | None]], wave: str = "2010") -> pl.DataFrame:
    """(area, item, code) rows of one unweighted wave."""
    return pl.DataFrame([(wave, int(wave), a, i, c, None) for a, i, c in rows],
                        schema=ANSWERS_SCHEMA, orient="row")


def repeat(area: str, item: str, code: int | None, times: int) -> list:
    return [(area, item, code)] * times


def row(results: pl.DataFrame, area: str, item: str) -> dict:
    return results.filter((pl.col("area_id") == area) & (pl.col("item_id") == item)).row(
        0, named=True)


@pytest.mark.parametrize("item_id", BATTERY)
def test_every_battery_item_has_codes_positive_answers_dont_know_and_both_languages(item_id):
    item = ITEMS[item_id]
    assert item.positive_codes < item.valid_codes
    assert item.dont_know_code == 9 and item.dont_know_code not in item.valid_codes
    assert item.codes_en is not None and item.codes_en.keys() == item.codes.keys()
    for text in (item.question_text, item.question_text_en, item.share_label_da,
                 item.share_label_en, item.positive_label, item.positive_label_en,
                 item.dont_know_label, item.dont_know_label_en):
        assert text and text.strip()
    assert item.share_label_da != item.share_label_en


def test_the_battery_sits_beside_evening_safety_with_distinct_labels():
    assert {"evening_safety", *BATTERY} <= ITEMS.keys()
    labels = [i.share_label_da for i in ITEMS.values()]
    assert len(labels) == len(set(labels))


def test_each_item_counts_its_own_positive_codes_without_dont_know():
    # The same codes mean different things per item: 1 is the problem answer of
    # wish_to_move ("Ja"), 1 and 2 of vandalism_noise, 4 and 5 of area_satisfaction.
    rows = []
    for area in ("a", "b"):
        rows += repeat(area, "wish_to_move", 1, 6) + repeat(area, "wish_to_move", 2, 4)
        rows += repeat(area, "wish_to_move", 3, 10) + repeat(area, "wish_to_move", 9, 5)
        rows += repeat(area, "vandalism_noise", 1, 3) + repeat(area, "vandalism_noise", 2, 5)
        rows += repeat(area, "vandalism_noise", 3, 12)
        rows += repeat(area, "vandalism_noise", None, 2)
        rows += repeat(area, "area_satisfaction", 5, 2) + repeat(area, "area_satisfaction", 4, 1)
        rows += repeat(area, "area_satisfaction", 1, 17) + repeat(area, "area_satisfaction", 9, 3)
    results = survey_results(frame(rows), ITEMS)
    move, noise, dissatisfied = (row(results, "a", i) for i in
                                 ("wish_to_move", "vandalism_noise", "area_satisfaction"))
    assert (move["n_answers"], move["n_positive"]) == (20, 6)
    assert (noise["n_answers"], noise["n_positive"]) == (20, 8)
    assert (dissatisfied["n_answers"], dissatisfied["n_positive"]) == (20, 3)
    assert move["share"] == pytest.approx(30.0)
    ci = scipy_stats.binomtest(8, 20).proportion_ci(confidence_level=0.95, method="wilson")
    assert (noise["ci_low"], noise["ci_high"]) == (pytest.approx(100 * ci.low),
                                                    pytest.approx(100 * ci.high))
    everyone = row(results, "all", "wish_to_move")
    assert (everyone["n_answers"], everyone["n_positive"], everyone["vs_rest"]) == (40, 12, None)
    assert move["vs_rest"] == "ingen forskel"


def test_vs_rest_finds_a_worse_area_on_a_battery_item():
    rows = repeat("a", "daytime_safety", 4, 30) + repeat("a", "daytime_safety", 1, 20)
    rows += repeat("b", "daytime_safety", 5, 5) + repeat("b", "daytime_safety", 2, 95)
    results = survey_results(frame(rows), ITEMS)
    assert row(results, "a", "daytime_safety")["vs_rest"] == "over"
    assert row(results, "b", "daytime_safety")["vs_rest"] == "under"


def test_suppression_is_decided_per_item_with_the_group_disclosure_rule():
    # neighbour_contact: area c has 6 answers, all positive; all other figures >= 10.
    # contact: c primary, the smallest other area (b) complementary, and the `all` row
    # suppressed, since all minus the published area would give c's count.
    # wish_to_move in the same wave: every area >= 10 answers, nothing suppressed.
    rows = repeat("a", "neighbour_contact", 4, 20) + repeat("a", "neighbour_contact", 1, 30)
    rows += repeat("b", "neighbour_contact", 5, 4) + repeat("b", "neighbour_contact", 2, 10)
    rows += repeat("c", "neighbour_contact", 4, 6)
    for area, n in (("a", 50), ("b", 14), ("c", 12)):
        rows += repeat(area, "wish_to_move", 1, n // 2) + repeat(area, "wish_to_move", 3, n // 2)
    results = survey_results(frame(rows), ITEMS)
    contact = {r["area_id"]: r for r in results.filter(pl.col("item_id") == "neighbour_contact")
               .iter_rows(named=True)}
    assert {a for a, r in contact.items() if r["suppressed"]} == {"b", "c", "all"}
    for r in (contact["b"], contact["c"], contact["all"]):
        assert r["n_positive"] is None and r["share"] is None and r["ci_low"] is None
    assert contact["c"]["n_answers"] == 6 and contact["all"]["n_answers"] == 70
    assert contact["a"]["vs_rest"] is None  # no published rest to compare with
    move = results.filter(pl.col("item_id") == "wish_to_move")
    assert not move.get_column("suppressed").any()
    assert row(results, "all", "wish_to_move")["n_positive"] == 38


def test_codes_en_naming_other_codes_is_an_error_naming_file_and_item(tmp_path):
    text = CATALOGUE_FILE.read_text(encoding="utf-8").replace(
        "    1: Yes, several times\n", "    4: Yes, several times\n")
    bad = tmp_path / "items.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_items(bad)
    message = str(raised.value)
    assert str(bad) in message and "vandalism_noise" in message and "codes_en" in message


@pytest.mark.parametrize("wave", ["2010", "2012", "2023"])
def test_the_sample_waves_map_their_variables_to_every_item(wave):
    folder = SAMPLE_SURVEYS / wave
    config = load_wave_config(folder / "wave.json", f"survey/{wave}/wave.json")
    assert sorted(config.items.values()) == sorted(ITEMS)
    raw = json.loads((folder / "wave.json").read_text(encoding="utf-8"))
    assert raw["items"] == dict(config.items)
