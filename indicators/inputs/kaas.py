"""KÅS deliveries: long CSV or wide 10-year XLSX, combined in delivery order.

Files overlap (each 10-year series repeats nine earlier years, sometimes
revised). A delivery date in the file name orders them: the later value wins
and the revision is recorded. Undated or same-date files that disagree are an
error, since nothing says which one is right.

Within one file nothing is chosen silently either: a key (afdeling, year,
measure) given twice is an error naming both rows, a count of persons must be
whole (`1.290` is neither 1.29 nor 1290 persons), and an XLSX cell that fastexcel
would read as empty although it is not (an error value, a formula never
calculated, a merged range) is an error naming the cell.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import fastexcel
import polars as pl

from indicators.errors import InputError, InputProblem
from indicators.excel_cells import column_letter
from indicators.inputs.files import read_input_bytes
from indicators.inputs.measures import DeliveryLabels, load_measures, whole_number_measures
from indicators.inputs.schemas import (
    AFDELING_PATTERN,
    MAX_PROBLEMS,
    ColumnSpec,
    FileSchema,
    validate_frame,
)
from indicators.inputs.textfile import read_text_columns
from indicators.inputs.xlsx_cells import first_sheet_issues

DATE_IN_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
HEADER_SEARCH_ROWS = 11  # up to 10 title/notes rows, then the header

RECORD_SCHEMA = {
    "afdeling_id": pl.Utf8,
    "aar": pl.Int32,
    "maal": pl.Utf8,
    "vaerdi": pl.Decimal(18, 6),
    "suppressed": pl.Boolean,
    "source_file": pl.Utf8,
    "delivery_date": pl.Date,
    "location": pl.Utf8,
}


def kaas_schema(labels: DeliveryLabels | None) -> FileSchema:
    codes = list(load_measures().measures)
    allowed = codes + (sorted(labels.lookup()) if labels else [])
    return FileSchema(
        kind="kaas",
        columns=[
            ColumnSpec(
                name="afdeling_id", kind="text", pattern=AFDELING_PATTERN,
                description="Afdeling: organisation number - department number.",
            ),
            ColumnSpec(
                name="aar", kind="integer", minimum=1990, maximum=2100,
                description="Data year.",
            ),
            ColumnSpec(
                name="maal", kind="text", allowed=allowed,
                description="Measure code (or a name mapped by kaas/labels.yaml).",
            ),
            ColumnSpec(
                name="vaerdi", kind="number", required=False, suppressible=True,
                description="Value; '..' = suppressed by DST, empty = not delivered.",
            ),
        ],
    )


def delivery_date(name: str) -> date | None:
    match = DATE_IN_NAME.search(Path(name).name)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _normalise_maal(frame: pl.DataFrame, labels: DeliveryLabels | None) -> pl.DataFrame:
    """Map a delivery's own names to maal codes; codes match case-insensitively. Worked
    out once per distinct name (a delivery has a few dozen), not once per cell."""
    lookup = {code: code for code in load_measures().measures}
    if labels:
        lookup.update(labels.lookup())
    renamed = (
        frame.select(pl.col("maal").unique().drop_nulls())
        .with_columns(
            pl.col("maal").str.strip_chars().str.to_lowercase()
            .replace_strict(lookup, default=None, return_dtype=pl.Utf8).alias("code"))
        .filter(pl.col("code").is_not_null() & (pl.col("code") != pl.col("maal")))
    )
    if renamed.is_empty():
        return frame
    return frame.with_columns(pl.col("maal").replace(renamed["maal"], renamed["code"]))


def read_kaas_csv(path: Path, name: str, labels: DeliveryLabels | None) -> pl.DataFrame:
    schema = kaas_schema(labels)
    frame = read_text_columns(path, name, schema.names)
    frame = _normalise_maal(frame, labels)
    typed = _validate(frame, schema, name)
    return _records(typed, name, pl.format("row {}", pl.col("_row")))


Locate = Callable[[pl.DataFrame], pl.DataFrame]


def _validate(frame: pl.DataFrame, schema: FileSchema, name: str,
              locate: Locate | None = None, sheet: str | None = None) -> pl.DataFrame:
    """Cell types, then the rules across a row (persons are whole) and across rows (each
    key once in a file). `locate` adds the cells' `_where_<column>` and `_sheet` to rows
    that are reported (a workbook's cells; see validate_frame)."""
    typed = validate_frame(frame.with_columns(pl.col("vaerdi").alias("_text")), schema, name,
                           locate)
    _check_whole_persons(typed, name, locate)
    _check_unique_keys(typed, name, schema, sheet)
    return typed


# A value like 1.290 or 12,500: three digits after the only separator, the way a
# thousands separator is written.
_THOUSANDS_LIKE = r"^\d{1,3}[.,]\d{3}$"
_FRACTION = r"^\d+[.,]\d*[1-9]\d*$"


def _check_whole_persons(typed: pl.DataFrame, name: str, locate: Locate | None = None) -> None:
    """A count of persons is a whole number (full-time persons and amounts may have
    decimals). Under the contract's decimal point `1.290` is 1.29 persons; it is
    refused, never read as 1.29 or as 1290."""
    text = pl.col("_text")
    bad = typed.filter(
        pl.col("maal").is_in(whole_number_measures())
        & (text.str.contains(_FRACTION) | text.str.contains(_THOUSANDS_LIKE))
    )
    if bad.is_empty():
        return
    bad = bad.head(MAX_PROBLEMS)
    if locate is not None:
        bad = locate(bad)
    problems = []
    for record in bad.iter_rows(named=True):
        found = record["_text"]
        hint = (
            f"; {found} looks like a number with a thousands separator, which the contract "
            f"does not allow (write {found.replace('.', '').replace(',', '')})"
            if re.match(_THOUSANDS_LIKE, found) else ""
        )
        problems.append(InputProblem(
            name,
            f"{record['maal']} {_counts(record['maal'])}: expected a whole number; found "
            f"{found!r}{hint}",
            row=None if record.get("_where_vaerdi") else record["_row"],
            column="vaerdi", sheet=record.get("_sheet"), cell=record.get("_where_vaerdi"),
        ))
    if problems:
        raise InputError(problems)


def _counts(maal: str) -> str:
    return "counts persons" if load_measures().measures[maal].unit == "personer" else "is a count"


def _check_unique_keys(typed: pl.DataFrame, name: str, schema: FileSchema,
                       sheet: str | None = None) -> None:
    """Within one file each (afdeling_id, aar, maal) is given once: otherwise the row read
    last would win without anyone choosing it."""
    if _packed_key(typed, schema).n_unique() == typed.height:
        return
    dupes = typed.filter(pl.struct(KEY).is_duplicated())
    # In the wide layout a repeated row repeats every year: report rows, not cells.
    by_rows = (
        dupes.group_by(KEY).agg(pl.col("_row").unique().sort().alias("rows"))
        .group_by("afdeling_id", "maal", "rows")
        .agg(pl.col("aar").sort().alias("years"))
        .sort(pl.col("rows").list.first())
    )
    problems = []
    for record in by_rows.head(MAX_PROBLEMS).iter_rows(named=True):
        rows = record["rows"]
        years = _year_list(record["years"])
        problems.append(InputProblem(
            name,
            f"afdeling {record['afdeling_id']}, maal {record['maal']}, aar {years} appears "
            f"in rows {', '.join(map(str, rows[:-1]))} and {rows[-1]}; expected each "
            "(afdeling_id, aar, maal) once in a file",
            row=rows[0], column="afdeling_id", sheet=sheet,
        ))
    raise InputError(problems)


def _packed_key(typed: pl.DataFrame, schema: FileSchema) -> pl.Series:
    """(afdeling_id, aar, maal) of validated cells as one integer, equal exactly when the
    keys are: hashing one integer per cell is many times cheaper than a struct of three.
    The afdeling is NNN-NNNN (its pattern), the year within the schema's bounds and the
    maal one of the allowed names, so the mixed radix below never overflows 64 bits."""
    allowed = list(dict.fromkeys(schema.column("maal").allowed or []))
    year = schema.column("aar")
    afdeling = pl.col("afdeling_id")
    years = year.maximum - year.minimum + 1
    return typed.select(
        (
            (
                (afdeling.str.slice(0, 3).cast(pl.UInt64) * 10_000
                 + afdeling.str.slice(4, 4).cast(pl.UInt64)) * years
                + (pl.col("aar") - year.minimum).cast(pl.UInt64)
            ) * len(allowed)
            + pl.col("maal").replace_strict(allowed, range(len(allowed)),
                                            return_dtype=pl.UInt64)
        ).alias("key")
    ).to_series()


def _year_list(years: list[int]) -> str:
    if len(years) > 2 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}-{years[-1]}"
    return ", ".join(map(str, years))


def read_kaas_xlsx(path: Path, name: str, labels: DeliveryLabels | None) -> pl.DataFrame:
    """Wide layout: title rows, then `afdeling_id | maal | <year> | ...`."""
    content = read_input_bytes(path, name)  # once, for both readers below
    try:
        reader = fastexcel.read_excel(content)
        sheet_name = reader.sheet_names[0]
        grid = reader.load_sheet(0, header_row=None, dtypes="string").to_polars()
    except Exception as exc:  # fastexcel raises its own error types per failure
        raise InputError(
            InputProblem(name, f"cannot be read as an XLSX workbook ({exc.__class__.__name__})")
        ) from None
    cols = grid.columns
    header_index = None
    for i, row in enumerate(grid.head(HEADER_SEARCH_ROWS).iter_rows()):
        first = (row[0] or "").strip().lower() if row else ""
        second = (row[1] or "").strip().lower() if len(row) > 1 else ""
        if first == "afdeling_id" and second == "maal":
            header_index = i
            break
    if header_index is None:
        raise InputError(
            InputProblem(
                name,
                "expected a header row 'afdeling_id | maal | <year> | <year> ...' "
                f"within the first {HEADER_SEARCH_ROWS} rows of the first sheet",
                sheet=sheet_name,
            )
        )
    header = list(grid.row(header_index))
    excel_header_row = header_index + 1
    year_columns: list[tuple[str, int, str]] = []
    problems = []
    for position in range(2, len(header)):
        text = (header[position] or "").strip()
        if text == "":
            continue
        letter = column_letter(position)
        try:
            year = int(float(text))
            if not 1990 <= year <= 2100 or float(text) != year:
                raise ValueError
        except ValueError:
            problems.append(
                InputProblem(
                    name, f"expected a data year in the header; found {text!r}",
                    sheet=sheet_name, cell=f"{letter}{excel_header_row}",
                )
            )
            continue
        year_columns.append((cols[position], year, letter))
    if problems:
        raise InputError(problems)
    read_positions = {0, 1} | {cols.index(column) for column, _, _ in year_columns}
    _refuse_cells_read_as_empty(content, name, sheet_name, excel_header_row, read_positions)
    body = grid.slice(header_index + 1).with_row_index("_i")
    body = body.with_columns((pl.col("_i") + excel_header_row + 1).cast(pl.Int64).alias("_row"))
    body = body.filter(~pl.all_horizontal(pl.col(c).is_null() for c in cols))
    # The row's afdeling and maal once, before each year's column becomes a cell.
    body = _normalise_maal(body.with_columns(
        pl.col(cols[0]).str.strip_chars().alias("afdeling_id"),
        pl.col(cols[1]).str.strip_chars().alias("maal"),
    ), labels)
    long = pl.concat(
        [
            body.select(
                pl.col("afdeling_id"),
                pl.lit(str(year)).alias("aar"),
                pl.col("maal"),
                pl.col(column).str.strip_chars().alias("vaerdi"),
                pl.col("_row"),
                pl.lit(letter).alias("_letter"),
            )
            for column, year, letter in year_columns
        ]
    )

    def locate(rows: pl.DataFrame) -> pl.DataFrame:
        """Sheet and cell of each reported row, for the rows reported only."""
        return rows.with_columns(
            pl.lit(sheet_name).alias("_sheet"),
            pl.format("A{}", pl.col("_row")).alias("_where_afdeling_id"),
            pl.format("B{}", pl.col("_row")).alias("_where_maal"),
            pl.format("{}{}", pl.col("_letter"), pl.col("_row")).alias("_where_vaerdi"),
            pl.format("{}{}", pl.col("_letter"), pl.lit(excel_header_row)).alias("_where_aar"),
        )

    typed = _validate(long, kaas_schema(labels), name, locate, sheet_name)
    location = pl.format("sheet {} cell {}{}", pl.lit(sheet_name), pl.col("_letter"),
                         pl.col("_row"))
    return _records(typed, name, location)


def _refuse_cells_read_as_empty(
    content: bytes, name: str, sheet: str, header_row: int, read_positions: set[int]
) -> None:
    """Error cells, formulas without a saved value and merged ranges in the header row and
    in the cells read below it (the afdeling, maal and year columns): fastexcel reads
    them as empty cells, which would mean "not delivered" (or, in the header, a column
    that is not a year). Title rows above the header and notes beside the table may be
    merged and calculated as they like."""
    try:
        issues = first_sheet_issues(io.BytesIO(content))
    except (zipfile.BadZipFile, KeyError, StopIteration, ElementTree.ParseError) as exc:
        raise InputError(InputProblem(
            name, f"cannot be read as an XLSX workbook ({exc.__class__.__name__})")) from None
    problems = [
        InputProblem(name, _CELL_MESSAGES[issue.kind].format(error=issue.error or "an error"),
                     sheet=sheet, cell=issue.ref)
        for issue in issues
        if issue.last_row >= header_row
        and (issue.first_row <= header_row  # a year lost in the header loses its column
             or any(issue.first_column <= at <= issue.last_column for at in read_positions))
    ]
    if problems:
        raise InputError(problems[:MAX_PROBLEMS])


_CELL_MESSAGES: dict[str, str] = {
    "error": "holds the error value {error}; expected a number, '..' (suppressed) or an "
    "empty cell (not delivered)",
    "no_value": "holds a formula with no calculated value saved in the workbook; expected "
    "a value (open and save the workbook in Excel, or paste the values)",
    "merged": "is a merged range; expected one value in every cell (unmerge the cells and "
    "fill each one)",
}


def _records(typed: pl.DataFrame, name: str, location: pl.Expr) -> pl.DataFrame:
    delivered = typed.filter(pl.col("vaerdi").is_not_null() | pl.col("vaerdi_suppressed"))
    return delivered.select(
        pl.col("afdeling_id"),
        pl.col("aar").cast(pl.Int32),
        pl.col("maal"),
        pl.col("vaerdi").cast(pl.Decimal(18, 6)),
        pl.col("vaerdi_suppressed").alias("suppressed"),
        pl.lit(name).alias("source_file"),
        pl.lit(delivery_date(name), dtype=pl.Date).alias("delivery_date"),
        location.alias("location"),
    )


def read_kaas_file(path: Path, name: str, labels: DeliveryLabels | None) -> pl.DataFrame:
    if path.suffix.lower() == ".xlsx":
        return read_kaas_xlsx(path, name, labels)
    return read_kaas_csv(path, name, labels)


@dataclass
class CombinedKaas:
    values: pl.DataFrame  # afdeling_id, aar, maal, vaerdi, suppressed, source_file, location
    revisions: pl.DataFrame  # every value a later delivery replaced


KEY = ["afdeling_id", "aar", "maal"]


def combine_deliveries(records: list[pl.DataFrame]) -> CombinedKaas:
    """Apply deliveries in date order; the later value wins, revisions are kept."""
    frame = pl.concat(records) if records else pl.DataFrame(schema=RECORD_SCHEMA)
    # In delivery order a key's cells are adjacent, the last one wins, and the key is
    # disputed where a cell differs from the one before it. Only the order and a cell
    # number per key are sorted; the frame is moved once, for the values kept.
    positions, cells = _delivery_order(frame)
    steps = pl.DataFrame({
        "cell": cells,
        "vaerdi": frame["vaerdi"].gather(positions),
        "suppressed": frame["suppressed"].gather(positions),
    }).select(
        pl.col("cell"),
        (pl.col("cell") == pl.col("cell").shift(1)).fill_null(False).alias("same_as_before"),
        (pl.col("cell") != pl.col("cell").shift(-1)).fill_null(True).alias("last"),
        _shown_differs().alias("differs"),
    )
    disputed = steps.filter(pl.col("same_as_before") & pl.col("differs"))["cell"].unique()
    candidates = frame[positions.filter(steps["cell"].is_in(disputed.implode()))]
    candidates = candidates.with_columns(_shown(pl.col("vaerdi"), pl.col("suppressed")))
    _raise_on_unordered_conflicts(candidates)
    values = frame.drop("delivery_date")[positions.filter(steps["last"])]
    history = candidates.sort([*KEY, "delivery_date", "source_file"]).with_columns(
        pl.col("_shown").shift(1).over(KEY).alias("old_value"),
        pl.col("source_file").shift(1).over(KEY).alias("old_file"),
        pl.col("delivery_date").shift(1).over(KEY).alias("old_delivery_date"),
    )
    revisions = history.filter(
        pl.col("old_value").is_not_null() & (pl.col("old_value") != pl.col("_shown"))
    ).select(
        *KEY,
        pl.col("old_value"),
        pl.col("_shown").alias("new_value"),
        pl.col("old_file"),
        pl.col("source_file").alias("new_file"),
        pl.col("old_delivery_date"),
        pl.col("delivery_date").alias("new_delivery_date"),
    )
    return CombinedKaas(values=values, revisions=revisions.sort(KEY))


def _shown(value: pl.Expr, suppressed: pl.Expr) -> pl.Expr:
    """A cell as compared and as a revision records it: '..' or the plain decimal."""
    return pl.when(suppressed).then(pl.lit("..")).otherwise(_plain_decimal(value)).alias("_shown")


def _shown_differs() -> pl.Expr:
    """`_shown != _shown.shift(1)` over `vaerdi` and `suppressed`, without writing every
    cell as text: '..' equals '..'; '..' and a number differ; two numbers differ as
    decimals do (their plain text is the decimal's, at one scale); a missing number
    compares as null, as its missing text did."""
    value, before = pl.col("vaerdi"), pl.col("vaerdi").shift(1)
    now = pl.col("suppressed").fill_null(False)
    then = now.shift(1)
    return (
        pl.when(now & then).then(pl.lit(False))
        .when(now).then(pl.when(before.is_not_null()).then(pl.lit(True)))
        .when(then).then(pl.when(value.is_not_null()).then(pl.lit(True)))
        .otherwise(value != before)
    )


def _delivery_order(frame: pl.DataFrame) -> tuple[pl.Series, pl.Series]:
    """(the row positions in the order of a sort by KEY, delivery_date and source_file,
    nulls first; a number per key in that order, equal where the key equals the one
    before).

    A national set is millions of cells, and sorting (and so moving) five columns of
    them, three of text, was most of the step. Each column is instead replaced by a
    small integer in the same order (a text's rank among its distinct values, which
    are few: afdelinger, measures, files; a year's distance from the first), and these
    are the digits of one mixed-radix integer: one integer sort orders by all five. A
    missing key (never in validated records) or a file with two dates falls back to the
    sort by the columns themselves."""
    # A delivery's cells come as one run of rows; its rank is found once per run.
    file, when = pl.col("source_file"), pl.col("delivery_date")
    starts = frame.select(
        ((file != file.shift(1)) | when.ne_missing(when.shift(1))).fill_null(True)
    ).to_series()
    runs = frame.filter(starts).select("source_file", "delivery_date")
    files = runs.unique().sort(["delivery_date", "source_file"], nulls_last=False)
    years = frame.select(pl.col("aar").min().alias("first"), pl.col("aar").max().alias("last"))
    first_year, last_year = years.row(0)
    texts = {k: frame[k].unique().sort() for k in ("afdeling_id", "maal")}
    if frame.is_empty():
        return pl.Series([], dtype=pl.get_index_type()), pl.Series([], dtype=pl.UInt64)
    radix = {"afdeling_id": len(texts["afdeling_id"]), "aar": last_year - first_year + 1,
             "maal": len(texts["maal"]), "source_file": len(files)}
    general = (
        frame.select(pl.any_horizontal(pl.col(k).has_nulls() for k in KEY)).item()
        or files["source_file"].is_duplicated().any()
        or math.prod(radix.values()) >= 2**64
    )
    if general:
        positions = frame.select(pl.arg_sort_by([*KEY, "delivery_date", "source_file"],
                                                nulls_last=False)).to_series()
        keys = frame.select(KEY)[positions]
        same = keys.select(pl.all_horizontal(pl.col(k) == pl.col(k).shift(1) for k in KEY)
                           .fill_null(False)).to_series()
        return positions, (~same).cum_sum()

    def rank(column: str, distinct: pl.Series) -> pl.Series:
        return frame[column].replace_strict(
            distinct, pl.int_range(len(distinct), dtype=pl.UInt64, eager=True))

    digits = {
        "afdeling_id": rank("afdeling_id", texts["afdeling_id"]),
        "aar": (frame["aar"] - first_year).cast(pl.UInt64),
        "maal": rank("maal", texts["maal"]),
        "source_file": runs["source_file"].replace_strict(
            files["source_file"], pl.int_range(len(files), dtype=pl.UInt64, eager=True)
        ).gather(starts.cum_sum() - 1),
    }
    key = pl.zeros(frame.height, dtype=pl.UInt64, eager=True)
    for column, digit in digits.items():
        key = key * radix[column] + digit
    positions = key.arg_sort()
    return positions, (key // radix["source_file"]).gather(positions)


def _plain_decimal(expr: pl.Expr) -> pl.Expr:
    """Decimal as a person writes it: 12.500000 -> 12.5, 100.000000 -> 100."""
    text = expr.cast(pl.Utf8)
    return (
        pl.when(text.str.contains(".", literal=True))
        .then(text.str.strip_chars_end("0").str.strip_chars_end("."))
        .otherwise(text)
    )


def _raise_on_unordered_conflicts(candidates: pl.DataFrame) -> None:
    """Undated files, or files of the same date, may not disagree."""
    if candidates.is_empty():
        return
    problems = []
    with_date = candidates.with_columns(
        pl.col("delivery_date").cast(pl.Utf8).fill_null("undated").alias("_when")
    )
    # Every disagreeing pair where one side is undated, or both share a date.
    pairs = with_date.join(with_date, on=KEY, suffix="_b").filter(
        (pl.col("_shown") != pl.col("_shown_b"))
        & (pl.col("source_file") < pl.col("source_file_b"))
        & (
            pl.col("delivery_date").is_null()
            | pl.col("delivery_date_b").is_null()
            | (pl.col("delivery_date") == pl.col("delivery_date_b"))
        )
    )
    for rec in pairs.head(20).iter_rows(named=True):
        reason = (
            "both have delivery date " + rec["_when"]
            if rec["delivery_date"] is not None and rec["delivery_date"] == rec["delivery_date_b"]
            else "at least one of them has no delivery date (YYYY-MM-DD) in its name"
        )
        problems.append(
            InputProblem(
                rec["source_file"],
                f"{rec['afdeling_id']} {rec['aar']} {rec['maal']} is {rec['_shown']} "
                f"({rec['location']}) but {rec['_shown_b']} in {rec['source_file_b']} "
                f"({rec['location_b']}); {reason}, so neither can be preferred — "
                "expected them to agree",
                column="vaerdi",
            )
        )
    if problems:
        raise InputError(problems)
