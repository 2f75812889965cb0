"""The real SurveyXact export (readSX's ex_survey2) in its three encodings.

The survey is a Norwegian school survey, not about housing: its wave.json
(written here) maps the single-choice item p_02 (codes 1-5, see structure.csv
and labels.csv) to evening_safety and uses the school (b_1_1, a numeric code)
as the area variable through area_codes.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import polars as pl
import pytest

from indicators.inputs.textfile import decode
from indicators.survey.items import load_items
from indicators.survey.reader import read_wave
from indicators.survey.results import survey_results

from .exports import all_text, membership

# Vendored in the repository (tests/fixtures/surveyxact-readsx/SOURCE.md: readSX, MIT).
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "surveyxact-readsx"
VARIANTS = {"semicolon_ansi": ";", "comma_ansi": ",", "tab_utf16": "\t"}
SCHOOL_CODES = ["10", "24", "26", "29", "30", "32", "33", "35", "37", "42", "45", "52",
                "54", "56"]
# Columns of the comma export that identify people: they must never be copied.
IDENTIFYING = ["id", "orgnr", "forn", "ettern", "email"]


def test_the_vendored_fixture_is_there():
    # Fail, never skip: without the fixture the tests below would prove nothing.
    for variant in VARIANTS:
        for name in ("dataset.csv", "structure.csv", "labels.csv"):
            assert (FIXTURE / variant / name).is_file(), f"missing {FIXTURE / variant / name}"


def school_area(code: str) -> str:
    return f"skole_{code}"


MEMBERSHIP = membership([(school_area(c), f"900-{int(c):04d}", 2000, None)
                         for c in SCHOOL_CODES])


def prepare_wave(tmp_path: Path, variant: str) -> Path:
    folder = tmp_path / variant / "ex2"
    folder.mkdir(parents=True)
    for name in ("dataset.csv", "structure.csv", "labels.csv"):
        (folder / name).symlink_to(FIXTURE / variant / name)
    wave = {
        "wave_id": "ex2",
        "year": 2020,
        "title": "readSX ex_survey2",
        "area_variable": "b_1_1",
        "items": {"p_02": "evening_safety"},
        "area_codes": {code: school_area(code) for code in SCHOOL_CODES},
        "drop_variables": ["a_fp", "a_p", "s_1"],
    }
    (folder / "wave.json").write_text(json.dumps(wave), encoding="utf-8")
    return folder


def raw_rows(variant: str) -> list[dict[str, str]]:
    """The dataset read independently of the product's reader (csv module only)."""
    text, _ = decode((FIXTURE / variant / "dataset.csv").read_bytes(), variant)
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=VARIANTS[variant]))


@pytest.fixture(scope="module")
def waves(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("fixture")
    return {v: read_wave(prepare_wave(tmp_path, v), "survey/ex2", MEMBERSHIP)
            for v in VARIANTS}


def test_three_encodings_give_the_same_answers(waves):
    first, *others = (w.answers for w in waves.values())
    assert first.height == 999  # one row per respondent for the one item
    for other in others:
        assert first.equals(other)


def test_answers_agree_with_an_independent_count(waves):
    raw = raw_rows("semicolon_ansi")
    expected = Counter((school_area(r["b_1_1"]), int(r["p_02"]) if r["p_02"] else None)
                       for r in raw)
    got = Counter(waves["semicolon_ansi"].answers.select("area_id", "code").iter_rows())
    assert got == expected


def test_questions_and_labels_are_decoded_alike(waves):
    for wave in waves.values():
        question = wave.questions.row(0, named=True)
        assert question["variable"] == "p_02"
        assert question["question_text"].startswith("Kryss av for de programfagene")
        assert question["question_text"].rstrip().endswith("Matematikk R2")
        assert wave.labels.select("code", "label").rows() == [
            (1, "Har faget dette skoleåret"), (2, "Hadde på VG 1"),
            (3, "Skal velge neste skoleår"), (4, "Tilbys ikke på skolen"),
            (5, "Har ikke bestemt meg")]
        assert wave.warnings.items == []


def test_respondents_per_school(waves):
    raw = raw_rows("tab_utf16")
    expected = Counter(school_area(r["b_1_1"]) for r in raw)
    respondents = waves["tab_utf16"].respondents
    assert dict(respondents.select("area_id", "n_respondents").iter_rows()) == expected


def test_identifying_columns_never_reach_the_frames(waves):
    raw = raw_rows("comma_ansi")
    secrets = {r[c].strip() for r in raw for c in IDENTIFYING if len(r[c].strip()) >= 5}
    secrets |= {r[c].strip() for r in raw for c in ("a_fp", "a_p") if len(r[c].strip()) >= 5}
    assert len(secrets) > 20  # the export really carries names, e-mails and free text
    wave = waves["comma_ansi"]
    text = all_text(wave.answers, wave.questions, wave.respondents, wave.labels)
    text += "\n".join(wave.warnings.items)
    leaked = sorted(s for s in secrets if s in text)
    assert leaked == []


def test_results_on_the_fixture(waves):
    raw = raw_rows("comma_ansi")
    answered = [int(r["p_02"]) for r in raw if r["p_02"]]
    results = survey_results(waves["comma_ansi"].answers, load_items())
    overall = results.filter(pl.col("area_id") == "all").row(0, named=True)
    assert overall["n_answers"] == len(answered)
    area_rows = results.filter(pl.col("area_id") != "all")
    # Schools with answers are suppressed, so the total is too (it would give their sum:
    # group disclosure, domain.md §4); the published schools' counts add up with the raw.
    assert overall["suppressed"] and overall["n_positive"] is None
    hidden = set(area_rows.filter("suppressed").get_column("area_id").to_list())
    hidden_raw = sum(1 for r in raw if r["p_02"] and int(r["p_02"]) in (4, 5)
                     and school_area(r["b_1_1"]) in hidden)
    assert sum(area_rows.get_column("n_positive").drop_nulls()) + hidden_raw == \
        sum(1 for c in answered if c in (4, 5))
    assert area_rows.height == len(SCHOOL_CODES)
    # Every school with fewer than 10 answers is hidden.
    small = area_rows.filter(pl.col("n_answers") < 10)
    assert small.get_column("suppressed").all()
    assert small.get_column("share").is_null().all()
