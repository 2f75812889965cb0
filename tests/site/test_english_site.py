"""The English site reads English: no Danish word on any page of site/en/.

The sample is refreshed through the real command once per session
(`sample_home`, tests/conftest.py). Every English page is read as a reader
meets it: the visible text, the attributes a reader or screen reader is told
(title, aria-label, alt, placeholder) and the strings of the embedded charts
(axis titles, legends, hover texts). Names of places are Danish in both
languages and are left out before the search.
"""

from __future__ import annotations

import csv
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from indicators.site.datatable import _csv_value, cell_html, display
from indicators.site.formatting import DA, EN
from tests.e2e.conftest import SAMPLE

# Danish words that no English sentence holds (and no name of the sample's places).
DANISH_WORDS = (
    "kriterier", "kriterium", "kriteriet", "opfyldt", "opfylder", "mangler", "beboere",
    "ikke", "ukendt", "Ukendt", "på listen", "procentpoint", "grænsen", "tærsklen",
    "dømte", "bølgen", "Rød", "Grøn", "Gul", "Ingen", "ingen", "dataår", "tidsserierne",
    "1. december", "område", "områder", "og", "eller", "mellem", "forventes", "signaler",
    "Uændret", "afviger", "Hele", "øvrige", "utrygge", "svarprocent", "besvarelser",
)
_WORD = re.compile("|".join(rf"(?<![\wæøåÆØÅ]){re.escape(w)}(?![\wæøåÆØÅ])"
                            for w in DANISH_WORDS))
_CHART = re.compile(r'<script type="application/json"[^>]*>(.*?)</script>', re.S)
_ATTRIBUTE = re.compile(r'\b(?:title|aria-label|alt|placeholder)="([^"]*)"')
# The link to the Danish page is written in Danish, for the Danish reader.
_DANISH_LINK = re.compile(r'<a\b[^>]*\blang="da"[^>]*>.*?</a>', re.S)


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def reader_texts(page: str) -> Iterator[tuple[str, str]]:
    """(where, text) of everything a reader of the page is told."""
    for chart in _CHART.findall(page):
        for text in _strings(json.loads(chart)):
            yield "chart", text
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    body = _DANISH_LINK.sub(" ", body)
    for value in _ATTRIBUTE.findall(body):
        yield "attribute", html.unescape(value)
    yield "text", html.unescape(re.sub(r"<[^>]+>", " ", body))


def place_names() -> list[str]:
    with (SAMPLE / "areas" / "areas.csv").open(encoding="utf-8-sig") as f:
        names = [row["area_name"] for row in csv.DictReader(f, delimiter=";")]
    return sorted(names, key=len, reverse=True)  # "X-området" before any shorter name


def danish_words(folder: Path) -> list[str]:
    """Every Danish word found, as "page (where): …context…"."""
    names = place_names()
    found = []
    for path in sorted(folder.rglob("*.html")):
        for where, text in reader_texts(path.read_text(encoding="utf-8")):
            for name in names:
                text = text.replace(name, " ")
            for match in _WORD.finditer(text):
                context = " ".join(text[max(0, match.start() - 60):match.end() + 40].split())
                found.append(f"{path.relative_to(folder)} ({where}): {match.group()!r} "
                             f"in …{context}…")
    return found


@pytest.fixture(scope="module")
def sample_site(sample_home) -> Path:
    return sample_home / "site"


def test_every_english_page_reads_english(sample_site):
    pages = sorted((sample_site / "en").rglob("*.html"))
    assert len(pages) >= 10  # overviews, municipality, areas, surveys, method
    found = danish_words(sample_site / "en")
    assert not found, f"{len(found)} Danish words on English pages:\n" + "\n".join(found[:40])


def test_the_search_finds_the_danish_of_the_danish_pages(sample_site):
    # The same search over the Danish root finds the words the English pages must not
    # hold: the scan would see a Danish leftover.
    words = {line.split("'")[1] for line in danish_words(sample_site)
             if not line.startswith("en/")}
    assert {"kriterier", "beboere", "ikke", "område", "Rød", "på listen"} <= words


def test_colour_words_of_tables_and_downloads_follow_the_language():
    assert display("roed", "category", EN) == "Red"
    assert display("groen", "category", DA) == "Grøn"
    assert ">Yellow</span>" in str(cell_html("gul", "category", EN))
    assert _csv_value("ukendt", "category", EN) == "Unknown"
    assert display("no such colour", "category", EN) == ""


def test_the_catalogue_s_list_date_in_each_language():
    assert DA.day_month("1. december") == "1. december"
    assert EN.day_month("1. december") == "1 December"
    with pytest.raises(ValueError, match="expected a day and a Danish month"):
        EN.day_month("December 1")
