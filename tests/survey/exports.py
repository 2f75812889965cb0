"""Tiny SurveyXact-like exports written to a temporary folder, in the vendor's three forms."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl


@dataclass(frozen=True)
class Variant:
    """One of the three ways SurveyXact writes its CSV exports (domain.md §3)."""

    id: str
    encoding: str
    delimiter: str
    line_end: str


VARIANTS = [
    Variant("semicolon_ansi", "cp1252", ";", "\r\n"),
    Variant("comma_ansi", "cp1252", ",", "\r\n"),
    Variant("tab_utf16", "utf-16", "\t", "\r\n"),
]

# Markers planted in columns the product must never copy (privacy, domain.md §4).
FREE_TEXT_MARKER = "Hemmelig-fritekst-ÆØÅ-7731"
RESPONDENT_ID = "RID-559911"
EMAIL = "anna.hemmelig@example.dk"


def encode_table(rows: list[list[str]], variant: Variant) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=variant.delimiter, lineterminator=variant.line_end,
                        quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return buffer.getvalue().encode(variant.encoding)


def write_wave(
    folder: Path,
    variant: Variant,
    header: list[str],
    rows: list[list[str]],
    wave: dict,
    structure: list[list[str]] | None = None,
    labels: list[list[str]] | None = None,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "wave.json").write_text(json.dumps(wave, ensure_ascii=False), encoding="utf-8")
    (folder / "dataset.csv").write_bytes(encode_table([header, *rows], variant))
    if structure is not None:
        (folder / "structure.csv").write_bytes(encode_table(structure, variant))
    if labels is not None:
        (folder / "labels.csv").write_bytes(encode_table(labels, variant))
    return folder


def membership(rows: list[tuple[str, str, int, int | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"area_id": pl.String, "afdeling_id": pl.String, "valid_from": pl.Int64,
                "valid_to": pl.Int64},
        orient="row",
    )


def all_text(*frames: pl.DataFrame) -> str:
    """Every value and column name of the frames, as one string to search."""
    parts = []
    for frame in frames:
        parts.extend(frame.columns)
        for column in frame.columns:
            parts.extend(str(v) for v in frame.get_column(column).to_list())
    return "\n".join(parts)
