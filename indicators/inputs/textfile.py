"""Reading delimited text files as the contract describes them.

Encodings are detected, never assumed: a BOM decides UTF-8 or UTF-16; a file
without one is UTF-8 when it decodes strictly as UTF-8, else Windows-1252.
The delimiter is read off the header line: `;` (the Danish default), `,` or
tab, and only when the header leaves no doubt.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import polars as pl

from indicators.errors import InputError, InputProblem
from indicators.inputs.files import read_input_bytes

DELIMITERS = {";": "';'", ",": "','", "\t": "tab"}
SUPPRESSED = ".."

# C0 control characters other than tab/CR/LF never occur in real text exports;
# finding them means the bytes are not text in the encoding we guessed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# In UTF-8 and Windows-1252 each of these characters is the one byte of the same value
# and no other byte means it, so the bytes can be searched before decoding: a C-speed
# translate instead of a regex over every character (a national delivery is 20 MB).
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if not _CONTROL.match(chr(b)))
_DECIMAL = re.compile(r"^-?(\d+([.,]\d*)?|[.,]\d+)$")


@dataclass
class TextTable:
    """A decoded delimited file: header and rows with their line numbers."""

    name: str
    encoding: str
    delimiter: str
    header: list[str]
    rows: list[list[str]]
    row_numbers: list[int]

    def index(self, column: str) -> int:
        """Position of a column, matched case-insensitively ignoring blanks."""
        wanted = normalise(column)
        for i, name in enumerate(self.header):
            if normalise(name) == wanted:
                return i
        raise InputError(
            InputProblem(
                self.name,
                f"missing column {column!r}; the header has {', '.join(self.header)}",
                row=1,
            )
        )

    def has(self, column: str) -> bool:
        wanted = normalise(column)
        return any(normalise(name) == wanted for name in self.header)


def normalise(name: str) -> str:
    return name.strip().lower()


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode file bytes; returns (text, encoding) or raises InputError."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "cp1252"]
    byte_control = candidates != ["utf-16"] and bool(data.translate(None, _NOT_CONTROL_BYTES))
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        bad = _CONTROL.search(text) if encoding == "utf-16" else byte_control
        if not bad:
            return text, encoding
    # Point at the line where decoding fails under the last candidate.
    line = _first_bad_line(data, candidates[-1])
    raise InputError(
        InputProblem(
            name,
            "cannot be decoded as text: expected UTF-8 (with or without BOM), "
            "UTF-16 with BOM or Windows-1252",
            row=line,
        )
    )


def _first_bad_line(data: bytes, encoding: str) -> int:
    for number, raw in enumerate(data.splitlines(), start=1):
        try:
            if _CONTROL.search(raw.decode(encoding)):
                return number
        except UnicodeDecodeError:
            return number
    return 1


def _split_header(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter, quotechar='"'))


def sniff_delimiter(
    header_line: str, name: str, expected: list[str] | None = None
) -> str:
    """Choose the delimiter the header line makes unambiguous."""
    if expected:
        wanted = [normalise(c) for c in expected]
        best_missing: list[str] | None = None
        for delimiter in DELIMITERS:
            fields = [normalise(f) for f in _split_header(header_line, delimiter)]
            missing = [c for c, w in zip(expected, wanted, strict=True) if w not in fields]
            if not missing:
                return delimiter
            if len(missing) < len(expected) and (
                best_missing is None or len(missing) < len(best_missing)
            ):
                best_missing = missing
        # Under some delimiter the header holds a few of the columns: the delimiter is
        # right and columns are missing. Under none: the delimiter itself is wrong.
        what = (
            f"header lacks column {', '.join(map(repr, best_missing))}; expected the columns"
            if best_missing is not None
            else ("header does not split into columns under any accepted delimiter; "
                  "expected the columns")
        )
        raise InputError(
            InputProblem(
                name,
                f"{what} {';'.join(expected)} separated by ';' (',' or tab also accepted); "
                f"found {header_line.strip()[:120]!r}",
                row=1,
            )
        )
    splits = {d: len(_split_header(header_line, d)) for d in DELIMITERS}
    usable = [d for d, n in splits.items() if n > 1]
    if len(usable) == 1:
        return usable[0]
    if not usable:
        raise InputError(
            InputProblem(name, "header has a single column: expected ';', ',' or tab", row=1)
        )
    # Several candidates split the header: the one that splits it most wins when
    # it is clearly ahead; otherwise the header is ambiguous.
    ranked = sorted(usable, key=lambda d: splits[d], reverse=True)
    if splits[ranked[0]] >= 2 * splits[ranked[1]]:
        return ranked[0]
    raise InputError(
        InputProblem(
            name,
            "the header could be split on more than one delimiter "
            f"({', '.join(DELIMITERS[d] for d in usable)}); expected one",
            row=1,
        )
    )


def read_text_table(
    path: Path, name: str | None = None, expected_columns: list[str] | None = None
) -> TextTable:
    """Read a delimited text file into a TextTable.

    `name` is the file name shown in errors (relative to the data directory).
    When `expected_columns` is given, the delimiter is the one under which the
    header holds all of them.
    """
    name = name or str(path)
    return parse_text_table(read_input_bytes(path, name), name, expected_columns)


def parse_text_table(
    data: bytes, name: str, expected_columns: list[str] | None = None
) -> TextTable:
    text, encoding = decode(data, name)
    if not text.strip():
        raise InputError(InputProblem(name, "file is empty: expected a header row", row=1))
    header_line = text.splitlines()[0]
    delimiter = sniff_delimiter(header_line, name, expected_columns)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    header = [h.strip() for h in next(reader)]
    # SurveyXact writes a spurious trailing empty column; drop empty trailing names.
    while header and header[-1] == "":
        header.pop()
    width = len(header)
    rows: list[list[str]] = []
    numbers: list[int] = []
    line_start = reader.line_num + 1
    for record in reader:
        number = line_start
        line_start = reader.line_num + 1
        if not record or all(cell.strip() == "" for cell in record):
            continue
        extra = record[width:]
        if any(cell.strip() for cell in extra):
            raise InputError(
                InputProblem(
                    name,
                    f"has {len(record)} fields where the header has {width}: "
                    f"expected {DELIMITERS[delimiter]} as the only delimiter",
                    row=number,
                )
            )
        record = record[:width] + [""] * (width - len(record))
        rows.append(record)
        numbers.append(number)
    return TextTable(name, encoding, delimiter, header, rows, numbers)


class NumberError(ValueError):
    """A cell that should be a number is not; the caller adds file/row/column."""


def parse_decimal(text: str) -> Decimal | None:
    """A number written with a decimal comma or point; None for an empty cell.

    `..` (suppressed) must be handled by the caller before this. Thousands
    separators are not allowed: '1.234,5' is an error, not 1234.5.
    """
    cell = text.strip()
    if cell == "":
        return None
    if "," in cell and "." in cell:
        raise NumberError("a number with both ',' and '.' (thousands separators are not allowed)")
    # Python's Decimal also takes 'NaN', 'Infinity', '1e12' and '1_000'; the contract
    # knows only digits with one decimal comma or point.
    if not _DECIMAL.match(cell):
        raise NumberError("expected a number (decimal comma or point), '..' or empty")
    return Decimal(cell.replace(",", "."))


def read_text_columns(
    path: Path, name: str, columns: list[str]
) -> pl.DataFrame:
    """The named columns of a delimited file as a Polars frame of stripped strings plus
    `_row` (the line number shown in errors).

    Large deliveries (millions of lines, hundreds of MB) take a vectorised path when
    every line is one record split on the delimiter: no quotes, or quotes only around
    whole fields that hold no quote or delimiter (`"027-0051";"2020"`). Lines are never
    one Python object each, and the file is split in chunks so that memory stays near
    the file's size. Anything else (quoted delimiters or line breaks, ragged lines)
    goes through `parse_text_table`, which also gives the precise error for a malformed
    line.
    """
    data = read_input_bytes(path, name)
    text, _ = decode(data, name)
    if text and not text.isspace():
        frame = _split_simple(text, name, columns)
        if frame is not None:
            return frame
    del text
    table = parse_text_table(data, name, columns)
    positions = {c: table.index(c) for c in columns}
    cells = {c: [row[at].strip() for row in table.rows] for c, at in positions.items()}
    return pl.DataFrame(cells, schema={c: pl.Utf8 for c in columns}).with_columns(
        pl.Series("_row", table.row_numbers, dtype=pl.Int64))


_CHUNK_CHARACTERS = 8 << 20
_WHOLE_FIELD_QUOTED = r'^"[^"]*"$'


def _split_simple(text: str, name: str, columns: list[str]) -> pl.DataFrame | None:
    """The columns of a file whose lines split on the delimiter alone, or None when a
    line does not (more fields than the header, a quote inside a field): the slow path
    then reads or names it. A CR before LF stays on the line's last field, which is
    stripped anyway."""
    newline = "\r" if "\n" not in text else "\n"  # old Mac files end lines with CR only
    header_end = text.find(newline)
    header_end = len(text) if header_end < 0 else header_end
    header_line = text[:header_end]
    delimiter = sniff_delimiter(header_line, name, columns)
    header = [h.strip() for h in header_line.split(delimiter)]
    if any('"' in h and not re.match(_WHOLE_FIELD_QUOTED, h) for h in header):
        return None
    header = [h.strip('"').strip() for h in header]
    while header and header[-1] == "":
        header.pop()
    table = TextTable(name, "", delimiter, header, [], [])
    positions = {c: table.index(c) for c in columns}
    parts = []
    position, line_number = header_end + 1, 2
    while position < len(text):
        end = text.find(newline, position + _CHUNK_CHARACTERS)
        end = len(text) if end < 0 else end + 1
        chunk = text[position:end]
        part = _chunk_columns(chunk, name, line_number, newline, delimiter, len(header),
                              positions)
        if part is None:
            return None
        parts.append(part)
        line_number += chunk.count(newline)
        position = end
    if not parts:
        return pl.DataFrame(schema={**{c: pl.Utf8 for c in columns}, "_row": pl.Int64})
    return pl.concat(parts)


def _chunk_columns(
    chunk: str, name: str, first_line: int, newline: str, delimiter: str, width: int,
    positions: dict[str, int],
) -> pl.DataFrame | None:
    frame = (
        pl.Series("line", [chunk], dtype=pl.Utf8).str.split(newline).explode().to_frame()
        .with_row_index("_row", offset=first_line)
        .filter(pl.col("line").str.contains(r"\S"))
    )
    # Extra fields are allowed only when blank (a trailing delimiter); look closer only
    # at the lines that have any.
    quoted = '"' in chunk
    longer = frame.filter(pl.col("line").str.count_matches(delimiter, literal=True) >= width)
    if not longer.is_empty():
        ragged = longer.filter(
            pl.col("line").str.split(delimiter).list.slice(width)
            .list.eval(pl.element().str.strip_chars() != "").list.any()
        )
        if not ragged.is_empty():
            if quoted:
                return None  # a quoted delimiter may explain it: the csv reader decides
            first = ragged.row(0, named=True)
            fields = first["line"].count(delimiter) + 1
            raise InputError(InputProblem(
                name, f"has {fields} fields where the header has {width}: expected "
                f"{DELIMITERS[delimiter]} as the only delimiter", row=first["_row"]))
    if quoted:
        cells = (
            frame.filter(pl.col("line").str.contains('"', literal=True))
            .select(pl.col("line").str.split(delimiter).explode().str.strip_chars())
            .to_series()
        )
        if not cells.filter(cells.str.contains('"', literal=True)).str.contains(
                _WHOLE_FIELD_QUOTED).all():
            return None
    fields = pl.col("line").str.splitn(delimiter, max(positions.values()) + 2)
    cells_out = []
    for column, at in positions.items():
        cell = fields.struct.field(f"field_{at}").fill_null("").str.strip_chars()
        if quoted:
            cell = cell.str.strip_prefix('"').str.strip_suffix('"').str.strip_chars()
        cells_out.append(cell.alias(column))
    return frame.select(*cells_out, pl.col("_row").cast(pl.Int64))
