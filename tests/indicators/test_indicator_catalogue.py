"""The catalogue validates, versions itself, and is the only place rules live."""

from __future__ import annotations

import hashlib
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from indicators.catalogue import (
    DEFAULT_CATALOGUE_PATH,
    Threshold,
    catalogue_version,
    load_catalogue,
)
from tests.indicators.builders import Inputs, indicator, met, neutral, status


def _raw() -> dict:
    return yaml.safe_load(DEFAULT_CATALOGUE_PATH.read_text(encoding="utf-8"))


def _write(tmp_path: Path, raw: dict) -> Path:
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_the_shipped_catalogue_validates() -> None:
    cat = load_catalogue()
    assert cat.regime_ids == ["2010", "2013", "2018", "2021"]
    assert set(cat.indicators) == {"k1_uden_tilknytning", "k2_domte", "k3_grundskole",
                                   "k4_indkomst", "k5_ikkevestlige"}
    for indicator_id, spec in cat.indicators.items():
        assert spec.label_da and spec.label_en, indicator_id


def test_version_is_a_sha256_prefix_of_the_file() -> None:
    expected = hashlib.sha256(DEFAULT_CATALOGUE_PATH.read_bytes()).hexdigest()[:12]
    assert catalogue_version() == expected
    assert load_catalogue().version == expected


@pytest.mark.parametrize(("year", "regime"), [(2009, None), (2010, "2010"), (2012, "2010"),
                                              (2013, "2013"), (2017, "2013"), (2018, "2018"),
                                              (2020, "2018"), (2021, "2021"), (2030, "2021")])
def test_regime_in_force(year: int, regime: str | None) -> None:
    assert load_catalogue().regime_in_force(year) == regime


def test_law_as_printed() -> None:
    cat = load_catalogue()
    r2018 = cat.regimes["2018"].criteria
    comparisons = [r2018[k].threshold.comparison
                   for k in ("k1_uden_tilknytning", "k2_domte", "k3_grundskole", "k4_indkomst")]
    assert comparisons == [">", ">=", ">", "<"]
    assert r2018["k2_domte"].threshold.relative_to == "national"
    # 270 per 10,000 adults is kept as an exact decimal
    assert cat.regimes["2013"].criteria["k2_domte"].threshold.fraction == Fraction(27, 10)
    assert cat.definition("2010", "k1_uden_tilknytning").window == 4
    assert cat.definition("2013", "k3_grundskole").numerator == (
        "grundskole_30_59", "uoplyst_udd_30_59")
    assert cat.definition("2018", "k3_grundskole").numerator == ("grundskole_30_59",)
    assert all(r.resident_floor == 1000 for r in cat.regimes.values())
    omdannelse = cat.regimes["2021"].statuses["omdannelsesomraade"]
    assert omdannelse.lookback is not None and omdannelse.lookback.lists == 5


def test_a_float_written_in_yaml_is_read_as_the_decimal_written() -> None:
    assert Threshold.model_validate({"comparison": ">", "value": 2.7}).fraction == Fraction(27, 10)


def test_a_changed_threshold_in_a_copied_yaml_changes_the_result(tmp_path: Path) -> None:
    # K3 exactly 60 % (300 / 500): not met with "> 60"; met once the copy says "> 59.9".
    raw = _raw()
    raw["regimes"]["2018"]["criteria"]["k3_grundskole"]["threshold"]["value"] = "59.9"
    changed = load_catalogue(_write(tmp_path, raw))
    assert changed.version != load_catalogue().version

    inputs = Inputs().member("a", "001-0001")
    inputs.years("001-0001", range(2016, 2021), met("k1", grundskole_30_59=300))
    values, statuses = inputs.run()
    values2, statuses2 = inputs.run(changed)
    assert indicator(values, 2020, "2018", "k3_grundskole")["meets_threshold"] is False
    assert indicator(values2, 2020, "2018", "k3_grundskole")["meets_threshold"] is True
    assert status(statuses, 2020, "2018")["udsat"] is False
    assert status(statuses2, 2020, "2018")["udsat"] is True


def test_a_changed_resident_floor_changes_the_result(tmp_path: Path) -> None:
    raw = _raw()
    for regime in raw["regimes"].values():
        regime["resident_floor"] = 1500
    inputs = Inputs().member("a", "001-0001")
    inputs.years("001-0001", range(2016, 2021), met("k1", "k3"))
    _, statuses = inputs.run(load_catalogue(_write(tmp_path, raw)))
    row = status(statuses, 2020, "2018")
    assert (row["eligible"], row["udsat"]) == (False, False)  # 1,200 < 1,500


def test_a_changed_data_year_window_changes_the_result(tmp_path: Path) -> None:
    # K1 as one year (L-1) instead of two: 2018 20 %, 2019 50 % -> 50 % alone.
    raw = _raw()
    raw["regimes"]["2018"]["criteria"]["k1_uden_tilknytning"]["window"] = 1
    inputs = Inputs().member("a", "001-0001")
    inputs.years("001-0001", range(2016, 2021), neutral())
    inputs.year("001-0001", 2019, neutral(uden_tilknytning_18_64=400))
    values, _ = inputs.run(load_catalogue(_write(tmp_path, raw)))
    row = indicator(values, 2020, "2018", "k1_uden_tilknytning")
    assert (row["value"], row["data_years"]) == (50.0, "2019")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda r: r["regimes"]["2021"]["criteria"]["k1_uden_tilknytning"]
         ["forebyggelse_threshold"].update(value="45"), "must be met by every value"),
        (lambda r: r["regimes"]["2018"]["statuses"]["udsat"]["all_of"][0]["of"].append("k9"),
         "undefined criterion"),
        (lambda r: r["regimes"]["2013"].update(in_force_to=2016), "without gap or overlap"),
        (lambda r: r["regimes"]["2018"]["criteria"]["k1_uden_tilknytning"]["threshold"]
         .update(comparison="=>"), "comparison"),
        (lambda r: r["regimes"]["2018"]["statuses"]["udsat"].update(requires=["parallelsamfund"]),
         "cycle"),
        (lambda r: r["indicators"]["k1_uden_tilknytning"].update(numerator=["uden_job"]),
         "unknown measure"),
        (lambda r: r["regimes"]["2018"]["statuses"].update(ghetto={"label_da": "x",
                                                                   "label_en": "x"}),
         "not one of"),
        (lambda r: r.update(version="1"), "computed from the file"),
    ],
)
def test_invalid_catalogues_are_rejected(tmp_path: Path, edit, message: str) -> None:
    raw = _raw()
    edit(raw)
    with pytest.raises((ValidationError, ValueError), match=message):
        load_catalogue(_write(tmp_path, raw))
