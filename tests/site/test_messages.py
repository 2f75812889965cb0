"""The message catalogue: both languages complete and alike, errors that name file and key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from indicators.site.messages import (
    LANGUAGES,
    MESSAGES_DIR,
    MessageError,
    Messages,
    Plural,
    placeholders,
    read_language,
)


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def _placeholders_of(entry) -> set:
    texts = [entry.one, entry.other] if isinstance(entry, Plural) else [entry]
    return set().union(*(placeholders(t).items() for t in texts))


def test_shipped_catalogues_have_the_same_keys_and_placeholders():
    catalogues = {lang: read_language(lang) for lang in LANGUAGES}
    assert catalogues["da"].keys() == catalogues["en"].keys()
    for key, da in catalogues["da"].items():
        en = catalogues["en"][key]
        assert isinstance(da, Plural) == isinstance(en, Plural), key
        assert _placeholders_of(da) == _placeholders_of(en), key
    # Every page file exists in both languages.
    stems = {lang: {p.name.rsplit(".", 2)[0] for p in MESSAGES_DIR.glob(f"*.{lang}.yaml")}
             for lang in LANGUAGES}
    assert stems["da"] == stems["en"]
    assert {"common", "area", "survey", "method", "downloads"} <= stems["da"]


def test_no_danish_word_on_an_english_page():
    en = read_language("en")
    # The language switch speaks the other language on purpose; KÅS is a proper name.
    proper_names = ("KÅS",)

    def text(v):
        joined = v if isinstance(v, str) else v.one + v.other
        for name in proper_names:
            joined = joined.replace(name, "")
        return joined

    danish_letters = [k for k, v in en.items() if not k.startswith("common.language.")
                      and any(ch in text(v) for ch in "æøåÆØÅ")]
    # Place names (Århus, Nivåhøj) would be data, never message text.
    assert danish_letters == []


def test_missing_key_in_one_language_is_an_error_naming_the_key(tmp_path):
    _write(tmp_path, "page.da.yaml", "a: Hej\nb:\n  c: Farvel\n")
    _write(tmp_path, "page.en.yaml", "a: Hello\n")
    with pytest.raises(MessageError, match=r"page\.b\.c: in da, missing in en"):
        Messages.load("da", tmp_path)


def test_different_placeholders_are_an_error(tmp_path):
    _write(tmp_path, "page.da.yaml", "a: '{n:int} beboere i {name}'\n")
    _write(tmp_path, "page.en.yaml", "a: '{n:pct} residents'\n")
    with pytest.raises(MessageError, match=r"page\.a: placeholders"):
        Messages.load("en", tmp_path)


def test_plural_in_one_language_only_is_an_error(tmp_path):
    _write(tmp_path, "page.da.yaml", "a: {one: '{n:int} svar', other: '{n:int} svar'}\n")
    _write(tmp_path, "page.en.yaml", "a: '{n:int} answers'\n")
    with pytest.raises(MessageError, match=r"page\.a: a plural in da but a text in en"):
        Messages.load("da", tmp_path)


def test_bad_values_name_the_file_and_key(tmp_path):
    _write(tmp_path, "page.da.yaml", "a:\n  b: 3\n")
    _write(tmp_path, "page.en.yaml", "a:\n  b: three\n")
    with pytest.raises(MessageError, match=r"page\.da\.yaml: key page\.a\.b: expected a text"):
        Messages.load("da", tmp_path)
    # YAML 1.1 reads an unquoted `yes:` key as a boolean: caught, not silently renamed.
    _write(tmp_path, "page.da.yaml", "yes: Ja\n")
    _write(tmp_path, "page.en.yaml", "yes: 'Yes'\n")
    with pytest.raises(MessageError, match=r"page\.da\.yaml"):
        Messages.load("da", tmp_path)
    _write(tmp_path, "page.da.yaml", "a: '{n:percent}'\n")
    _write(tmp_path, "page.en.yaml", "a: '{n:percent}'\n")
    with pytest.raises(MessageError, match=r"page\.da\.yaml: page\.a: unknown placeholder"):
        Messages.load("da", tmp_path)


def test_unknown_key_and_missing_parameter_fail_loudly():
    msgs = Messages.load("da")
    with pytest.raises(MessageError, match=r"no message 'common\.nope'.*common\.da\.yaml"):
        msgs.t("common.nope")
    with pytest.raises(MessageError, match="needs n="):
        msgs.t("common.units.residents")
    with pytest.raises(MessageError, match="needs regime"):
        msgs.t("common.provenance.rules")
    with pytest.raises(MessageError, match="unknown site language 'de'"):
        Messages.load("de")


def test_plurals_and_formats_per_language():
    da, en = Messages.load("da"), Messages.load("en")
    assert da.t("common.units.residents", n=1161) == "1.161 beboere"
    assert da.t("common.units.residents", n=1) == "1 beboer"
    assert da.t("common.units.convicted", n=13) == "13 dømte"
    assert en.t("common.units.residents", n=1161) == "1,161 residents"
    assert en.t("common.units.areas", n=1000) == "1,000 areas"
    assert da.t("common.units.areas", n=1000) == "1.000 områder"
    # Whole persons never carry decimals, even when a sum arrives as a float.
    assert da.t("common.units.residents", n=1161.0) == "1.161 beboere"


def test_placeholder_kinds(tmp_path):
    _write(tmp_path, "p.da.yaml", "a: '{v:pct} {d:pp} {e:ppabs2} {k:kr} {w:date} {l:list} "
                                  "{x:num2} {y}'\n")
    _write(tmp_path, "p.en.yaml", "a: '{v:pct} {d:pp} {e:ppabs2} {k:kr} {w:date} {l:list} "
                                  "{x:num2} {y}'\n")
    args = dict(v=46.25, d=-3.14, e=-0.5, k=312000, w=dt.date(2024, 12, 1),
                l=["A", "B", "C"], x=2.875, y="fri tekst")
    da = Messages.load("da", tmp_path).t("p.a", **args)
    en = Messages.load("en", tmp_path).t("p.a", **args)
    assert da == ("46,3\u00a0% \u22123,1\u00a0procentpoint 0,50\u00a0procentpoint "
                  "312.000\u00a0kr. 1. december 2024 A, B og C 2,88 fri tekst")
    assert en == ("46.3% \u22123.1\u00a0percentage points 0.50\u00a0percentage points "
                  "312,000\u00a0DKK 1 December 2024 A, B and C 2.88 fri tekst")


def test_aligned_threshold_shows_k2_with_two_decimals():
    da = Messages.load("da")
    value, threshold, distance = da.aligned(3.24, 2.88)
    assert (value, threshold, distance) == ("3,24\u00a0%", "2,88\u00a0%",
                                            "+0,36\u00a0procentpoint")
    # An integer threshold keeps one decimal.
    assert da.aligned(46.2, 40) == ("46,2\u00a0%", "40,0\u00a0%", "+6,2\u00a0procentpoint")
    assert da.aligned(None, 40)[0] == "ukendt"
