"""The national-scale generator, at a small scale: the contract's files, read by the
product's own readers, and the same bytes from the same seed."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import polars as pl
import pytest

from benchmarks.generate_national import generate
from benchmarks.incremental import add_newest, newest_files, without_newest
from benchmarks.national.deliveries import NEWEST_DELIVERY
from benchmarks.national.geography import REGIONS, municipalities
from indicators.inputs.areas import read_areas, read_membership
from indicators.inputs.kaas import combine_deliveries, delivery_date, read_kaas_file
from indicators.inputs.measures import load_delivery_labels, load_measures
from indicators.inputs.reference import read_official_status, read_reference
from indicators.survey.reader import read_wave

SCALE = 0.02
SEED = 11


@pytest.fixture(scope="module")
def national(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("national") / "data", SCALE, SEED).out


@pytest.fixture(scope="module")
def areas(national):
    return read_areas(national / "areas" / "areas.csv", "areas/areas.csv")


@pytest.fixture(scope="module")
def membership(national, areas):
    frame = read_membership(national / "areas" / "membership.csv", "areas/membership.csv", areas)
    return frame.drop("_row")


@pytest.fixture(scope="module")
def kaas_records(national):
    kaas = national / "kaas"
    labels = load_delivery_labels(kaas / "labels.yaml", "kaas/labels.yaml")
    return {p.name: read_kaas_file(p, f"kaas/{p.name}", labels)
            for p in sorted(kaas.iterdir()) if p.suffix in (".csv", ".xlsx")}


def digest_tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_writes_the_contract_layout(national):
    assert (national / "areas" / "areas.csv").is_file()
    assert (national / "areas" / "membership.csv").is_file()
    assert (national / "reference" / "national.csv").is_file()
    assert (national / "reference" / "regional.csv").is_file()
    assert (national / "kaas" / "labels.yaml").is_file()
    kaas = {p.suffix for p in (national / "kaas").iterdir()}
    assert {".csv", ".xlsx"} <= kaas
    waves = [p for p in (national / "survey").iterdir() if p.is_dir()]
    assert waves
    for wave in waves:
        assert {p.name for p in wave.iterdir()} == {"wave.json", "dataset.csv",
                                                    "structure.csv", "labels.csv"}


def test_refuses_to_write_inside_the_repository():
    repository = Path(__file__).resolve().parents[2]
    with pytest.raises(ValueError, match="inside the repository"):
        generate(repository / "national-data", SCALE, SEED)


def test_areas_use_real_municipality_and_region_codes(areas, membership):
    codes = {m.code: m.region for m in municipalities()}
    assert len(codes) == 98 and set(codes.values()) == set(REGIONS)
    for row in areas.iter_rows(named=True):
        assert codes[row["municipality_code"]] == row["region_code"]
    assert membership["afdeling_id"].str.contains(r"^\d{3}-\d{4}$").all()
    # Some areas change: an afdeling joins or leaves after the first year.
    changed = membership.filter(pl.col("valid_to").is_not_null() | (pl.col("valid_from") > 2006))
    assert changed.height > 0


def test_every_kaas_delivery_reads_through_the_product(kaas_records):
    measures = set(load_measures().measures)
    for name, records in kaas_records.items():
        assert records.height > 0, name
        assert set(records["maal"].unique()) <= measures, name
        assert delivery_date(name) is not None, f"{name} carries no delivery date"
    years = pl.concat(kaas_records.values())["aar"]
    assert (years.min(), years.max()) == (2006, 2024)  # 19 data years


def test_deliveries_mix_layouts_encodings_and_decimal_commas(national):
    files = sorted((national / "kaas").iterdir())
    heads = {p.name: p.read_bytes()[:4096] for p in files if p.suffix == ".csv"}
    assert any(p.suffix == ".xlsx" for p in files)
    cp1252 = [n for n, h in heads.items() if "år".encode("cp1252") in h]
    assert cp1252, "no Windows-1252 delivery"
    assert any(re.search(rb";\d+,\d;", h) or re.search(rb";\d+,\d\r\n", h)
               for n, h in heads.items() if n in cp1252), "no decimal comma"


def test_suppressed_cells_are_read_as_suppressed_never_zero(kaas_records):
    records = pl.concat(kaas_records.values())
    suppressed = records.filter(pl.col("suppressed"))
    assert suppressed.height > 0
    assert suppressed["vaerdi"].is_null().all()


def test_overlapping_dated_deliveries_combine_with_recorded_revisions(kaas_records):
    combined = combine_deliveries(list(kaas_records.values()))
    keys = ["afdeling_id", "aar", "maal"]
    assert combined.values.select(keys).is_duplicated().sum() == 0
    total = sum(r.height for r in kaas_records.values())
    assert total > combined.values.height  # the files overlap
    revisions = combined.revisions
    assert revisions.height > 0
    assert (revisions["old_delivery_date"] < revisions["new_delivery_date"]).all()


def test_references_and_published_statuses_read(national, areas):
    national_ref = read_reference(national / "reference" / "national.csv",
                                  "reference/national.csv", regional=False)
    regional = read_reference(national / "reference" / "regional.csv",
                              "reference/regional.csv", regional=True)
    assert set(regional["region_code"].unique()) == set(REGIONS)
    assert national_ref.height == 19
    official = read_official_status(national / "reference" / "official_status.csv",
                                    "reference/official_status.csv", areas)
    assert set(official["status"].unique()) <= {"udsat", "parallelsamfund",
                                                 "omdannelsesomraade", "forebyggelsesomraade"}


def test_every_survey_wave_reads_through_the_product(national, membership):
    answers = 0
    dialects = set()
    for folder in sorted((national / "survey").iterdir()):
        wave = read_wave(folder, f"survey/{folder.name}", membership)
        assert wave.answers.height > 0
        answers += wave.answers.height
        head = (folder / "dataset.csv").read_bytes()[:2]
        dialects.add("utf-16" if head == b"\xff\xfe" else "other")
        config = json.loads((folder / "wave.json").read_text(encoding="utf-8"))
        assert config["items"] == {"tryg_aften": "evening_safety"}
    assert "utf-16" in dialects
    # About 100,000 answers at scale 1, in proportion below it.
    assert 0.8 * 100_000 * SCALE <= answers <= 1.2 * 100_000 * SCALE


def test_same_seed_same_bytes_other_seed_other_data(tmp_path, national):
    again = generate(tmp_path / "again", SCALE, SEED).out
    assert digest_tree(again) == digest_tree(national)
    other = generate(tmp_path / "other", SCALE, SEED + 1).out
    assert digest_tree(other) != digest_tree(national)


def test_incremental_copy_lacks_exactly_the_newest_delivery(tmp_path, national):
    newest = newest_files(national)
    assert newest and all(NEWEST_DELIVERY in p.name for p in newest)
    copy = tmp_path / "copy"
    left_out = without_newest(national, copy)
    assert left_out == newest
    assert not any((copy / p).exists() for p in newest)
    add_newest(national, copy, left_out)
    assert digest_tree(copy) == digest_tree(national)
