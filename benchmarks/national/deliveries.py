"""KÅS deliveries as DST sends them: many files, overlapping, a few revised.

Per region: one wide 10-year XLSX delivered 2016-11-01 (2006-2015); then every
November from 2017 to 2025 a long CSV with the two latest data years (the
newest year plus a repeat of the one before, which may be revised). Two
regions also received a 10-year re-delivery in June 2021 (2011-2020). The long
CSVs come in three dialects: Windows-1252 with decimal commas and DST's own
measure names (mapped by kaas/labels.yaml), UTF-8 with BOM and `;`, and UTF-8
with `,` and decimal points. Every file's name carries its delivery date, so
the latest delivery of a cell wins and earlier values are revisions.

The November 2025 CSVs are the "new data year" of the incremental benchmark:
`NEWEST_DELIVERY` names their date.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from benchmarks.national.geography import REGIONS
from benchmarks.national.panel import MAAL, TENTHS
from benchmarks.national.xlsx import body_rows, head_rows, write_workbook

NEWEST_DELIVERY = "2025-11-01"
RE_DELIVERED_REGIONS = (1082, 1083)

# DST's own names for the measures, as one delivery dialect writes them. No character
# outside Latin-1, so the baseline can read these files with DuckDB's latin-1 decoder.
DST_LABELS = {
    "beboere": "Beboere i alt pr. 1. januar",
    "beboere_18_64": "Beboere 18-64 år",
    "uden_tilknytning_18_64": "Uden tilknytning til arbejde eller uddannelse, 18-64 år "
                              "(fuldtidspersoner)",
    "beboere_18plus": "Beboere på 18 år og derover",
    "domte_18plus": "Dømte 18 år og derover (straffelov, våbenlov, lov om euforiserende stoffer)",
    "beboere_30_59": "Beboere 30-59 år",
    "grundskole_30_59": "30-59 år med grundskole som eneste uddannelse",
    "uoplyst_udd_30_59": "30-59 år med uoplyst uddannelse",
    "skattepligtige_15_64": "Skattepligtige 15-64 år ekskl. studerende",
    "bruttoindkomst_15_64": "Samlet bruttoindkomst, skattepligtige 15-64 år ekskl. "
                            "studerende (kr.)",
    "ikkevestlige": "Indvandrere og efterkommere fra ikke-vestlige lande",
}


@dataclass(frozen=True)
class Delivery:
    name: str
    date: str
    region: int
    years: range
    layout: str  # wide_xlsx | long_csv
    dialect: str  # codes | labels (XLSX); cp1252_comma | utf8_semicolon | utf8_comma (CSV)
    title_rows: int = 0


def plan_deliveries() -> list[Delivery]:
    out = []
    for index, (region, (slug, _)) in enumerate(sorted(REGIONS.items())):
        out.append(Delivery(f"kaas_{slug}_2016-11-01.xlsx", "2016-11-01", region,
                            range(2006, 2016), "wide_xlsx", "codes", title_rows=4))
        if region in RE_DELIVERED_REGIONS:
            out.append(Delivery(f"kaas_{slug}_10aar_2021-06-15.xlsx", "2021-06-15", region,
                                range(2011, 2021), "wide_xlsx", "labels", title_rows=7))
        for year in range(2017, 2026):
            dialect = ("cp1252_comma", "utf8_semicolon", "utf8_comma")[(year + index) % 3]
            out.append(Delivery(f"kaas_{slug}_{year}-11-01.csv", f"{year}-11-01", region,
                                range(year - 2, year), "long_csv", dialect))
    return out


def _final_dates(deliveries: list[Delivery]) -> dict[tuple[int, int], str]:
    """(region, data year) -> date of the latest delivery carrying it."""
    final: dict[tuple[int, int], str] = {}
    for d in deliveries:
        for year in d.years:
            final[(d.region, year)] = max(final.get((d.region, year), ""), d.date)
    return final


def _cells(panel: pl.DataFrame, d: Delivery, final: dict, decimal: str) -> pl.DataFrame:
    """The delivery's cells as text, one column per measure: '..' where suppressed, and
    the pre-revision value where a later delivery revises this one."""
    rows = panel.filter((pl.col("region_code") == d.region) & pl.col("aar").is_in(list(d.years)))
    superseded = pl.lit(False)
    for year in d.years:
        if final.get((d.region, year), d.date) > d.date:
            superseded = superseded | (pl.col("aar") == year)
    columns = []
    for i, maal in enumerate(MAAL):
        value = pl.col(maal)
        # An earlier figure a later delivery corrects: a little off, never negative.
        revised = superseded & pl.col("revised_earlier") & (pl.col("revised_maal") == i)
        bump = (value // 100).clip(1, None) if maal == "bruttoindkomst_15_64" else pl.lit(2)
        value = pl.when(revised).then(value + bump).otherwise(value)
        if maal == TENTHS:
            text = pl.concat_str((value // 10).cast(pl.Utf8), pl.lit(decimal),
                                 (value % 10).cast(pl.Utf8))
        else:
            text = value.cast(pl.Utf8)
        hidden = (pl.col("suppressed") & (1 << i)) != 0
        columns.append(pl.when(hidden).then(pl.lit("..")).otherwise(text).alias(maal))
    return rows.select("afdeling_id", "aar", *columns).sort("afdeling_id", "aar")


def _long(cells: pl.DataFrame, labels: bool) -> pl.DataFrame:
    long = cells.unpivot(index=["afdeling_id", "aar"], on=MAAL, variable_name="maal",
                         value_name="vaerdi")
    if labels:
        long = long.with_columns(pl.col("maal").replace_strict(DST_LABELS))
    return long.sort("afdeling_id", "aar", maintain_order=True)


def write_long_csv(path: Path, cells: pl.DataFrame, dialect: str) -> None:
    long = _long(cells, labels=dialect == "cp1252_comma")
    buffer = io.BytesIO()
    separator = "," if dialect == "utf8_comma" else ";"
    long.write_csv(buffer, separator=separator, quote_style="never",
                   line_terminator="\r\n" if dialect == "cp1252_comma" else "\n")
    data = buffer.getvalue()
    if dialect == "cp1252_comma":
        data = data.decode("utf-8").encode("cp1252")
    elif dialect == "utf8_semicolon":
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)


def write_wide_xlsx(path: Path, cells: pl.DataFrame, d: Delivery) -> None:
    """Title rows, a blank row, `afdeling_id | maal | <year> ...`, one row per afdeling and
    measure; numbers as numbers, '..' as text, not-delivered cells left empty."""
    long = _long(cells, labels=d.dialect == "labels")
    wide = long.pivot(on="aar", index=["afdeling_id", "maal"], values="vaerdi",
                      sort_columns=True, maintain_order=True)
    years = [c for c in wide.columns if c not in ("afdeling_id", "maal")]
    region_name = REGIONS[d.region][1]
    titles = [
        f"KÅS - almene boligafdelinger i {region_name}, 10-årsserie {d.years[0]}-{d.years[-1]}",
        "Kilde: Danmarks Statistik, særkørsel (SYNTETISKE BENCHMARKDATA)",
        "Bestande pr. 1. januar; beskæftigelse, domme og indkomst for hele kalenderåret.",
        "'..' = diskretioneret (for få personer).",
        "Tal for tidligere år kan være revideret.",
        "Uden tilknytning opgøres i fuldtidspersoner med én decimal.",
        f"Leveret {d.date}",
    ]
    header = d.title_rows + 1  # one blank row between the titles and the header
    titles = titles[: d.title_rows - 1] + titles[-1:]
    head = head_rows([[t] for t in titles] + [[None]]
                     + [["afdeling_id", "maal", *[int(y) for y in years]]])
    body = body_rows(wide, header + 2, text_columns={"afdeling_id", "maal"})
    write_workbook(path, "KAAS", head, body)


def write_deliveries(kaas_dir: Path, panel: pl.DataFrame) -> list[Delivery]:
    kaas_dir.mkdir(parents=True, exist_ok=True)
    deliveries = plan_deliveries()
    final = _final_dates(deliveries)
    for d in deliveries:
        decimal = "," if d.dialect == "cp1252_comma" else "."
        cells = _cells(panel, d, final, decimal)
        if d.layout == "wide_xlsx":
            write_wide_xlsx(kaas_dir / d.name, cells, d)
        else:
            write_long_csv(kaas_dir / d.name, cells, d.dialect)
    body = ["# The measure names DST writes in some deliveries -> maal codes (contract.md).",
            "labels:"]
    body += [f'  "{label}": {maal}' for maal, label in DST_LABELS.items()]
    (kaas_dir / "labels.yaml").write_text("\n".join(body) + "\n", encoding="utf-8")
    return deliveries
