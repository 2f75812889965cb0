"""How `boligmonitor sql` writes a result: table, CSV or JSON Lines.

DuckDB does the serialisation, so every type comes out as DuckDB itself writes
it and reads it back (nothing passes through Python's float or timedelta):

- CSV cell: `CAST(value AS VARCHAR)` for scalars; lists, arrays, structs, maps
  and unions as the JSON text of `to_json(value)`; NULL is an empty cell and an
  empty string is `""`, so the two stay apart. Booleans are `true`/`false`.
- JSON Lines: one object per row; each value is `to_json(value)`: numbers
  (HUGEINT and DECIMAL with their exact value as JSON number text, `1.10` as
  `1.1`: no float rounding happens, so a decimal-aware reader such as
  `json.loads(line, parse_float=Decimal)` gets every digit),
  `true`/`false`, `null`, nested lists and objects (a map is an object with its
  keys as text), and strings for everything else. NaN and ±infinity, which JSON
  has no number for, are the strings "NaN", "Infinity", "-Infinity".
- Text forms, the same in CSV, JSON and the table: DATE `2024-01-31`,
  TIMESTAMP `2024-01-31 12:30:00.123456`, TIMESTAMPTZ `2024-01-31 11:30:00+00`
  (ISO 8601 with the space RFC 3339 allows; the session time zone is UTC),
  INTERVAL in DuckDB's own text `1 year 2 months 3 days 04:05:06` (months, days
  and microseconds kept apart, unlike an ISO duration's calendar ambiguity;
  `CAST(text AS INTERVAL)` reads it back), BLOB as `\\x00ab` escapes, UUID,
  BIT, ENUM and TIME as their text.
- Duplicate column names stay distinct: the second `a` is `a_1`, the third
  `a_2` (skipping names the result already has), in the CSV header, the JSON
  keys and the table alike.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TextIO

import duckdb

MODES = ("table", "csv", "json")
NESTED = {"list", "array", "struct", "map", "union"}
NUMERIC = {
    "tinyint", "smallint", "integer", "bigint", "hugeint", "utinyint", "usmallint",
    "uinteger", "ubigint", "uhugeint", "float", "double", "decimal", "bignum", "varint",
}
BATCH = 2048


def unique_names(columns: list[str]) -> list[str]:
    taken = set(columns)
    names: list[str] = []
    for name in columns:
        if name not in names:
            names.append(name)
            continue
        k = 1
        while f"{name}_{k}" in taken:
            k += 1
        names.append(f"{name}_{k}")
        taken.add(f"{name}_{k}")
    return names


def _guarded(position: int, expression: str) -> str:
    # DuckDB folds to_json(error(...)) to NULL without evaluating it; the IS NULL
    # test makes the value be computed, so the query's own error still surfaces.
    return f"CASE WHEN #{position} IS NULL THEN NULL ELSE {expression} END"


def text_expression(position: int, type_id: str) -> str:
    if type_id in NESTED:
        return _guarded(position, f"CAST(to_json(#{position}) AS VARCHAR)")
    return f"CAST(#{position} AS VARCHAR)"


def json_expression(position: int) -> str:
    return _guarded(position, f"CAST(to_json(#{position}) AS VARCHAR)")


def quote_non_finite(fragment: str) -> str:
    """DuckDB's to_json writes NaN and Infinity bare; JSON needs them as strings."""
    if "NaN" not in fragment and "Infinity" not in fragment:
        return fragment
    out: list[str] = []
    i, in_string = 0, False
    while i < len(fragment):
        ch = fragment[i]
        if in_string:
            out.append(ch)
            if ch == "\\":
                out.append(fragment[i + 1])
                i += 1
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
            out.append(ch)
        else:
            for token in ("-Infinity", "Infinity", "NaN"):
                if fragment.startswith(token, i):
                    out.append(f'"{token}"')
                    i += len(token) - 1
                    break
            else:
                out.append(ch)
        i += 1
    return "".join(out)


def csv_field(value: str | None) -> str:
    if value is None:
        return ""
    if value == "" or any(c in value for c in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


class Result:
    """A statement's result as text rows, fetched in batches from DuckDB."""

    def __init__(self, relation: duckdb.DuckDBPyRelation, mode: str):
        self.names = unique_names(list(relation.columns))
        type_ids = [t.id for t in relation.types]
        self.numeric = [t in NUMERIC for t in type_ids]
        if mode == "json":
            expressions = [json_expression(i + 1) for i in range(len(type_ids))]
        else:
            expressions = [text_expression(i + 1, t) for i, t in enumerate(type_ids)]
        self.relation = relation.project(", ".join(expressions)) if expressions else relation

    def batches(self) -> Iterator[list[tuple]]:
        while True:
            rows = self.relation.fetchmany(BATCH)
            if not rows:
                return
            yield rows


def write_csv(result: Result, out: TextIO, cancelled) -> None:
    out.write(",".join(csv_field(n) for n in result.names) + "\n")
    for rows in result.batches():
        if cancelled():
            return
        out.write("".join(",".join(csv_field(v) for v in row) + "\n" for row in rows))


def write_json(result: Result, out: TextIO, cancelled) -> None:
    keys = [json.dumps(n, ensure_ascii=False) + ":" for n in result.names]
    for rows in result.batches():
        if cancelled():
            return
        out.write("".join(
            "{" + ",".join(k + ("null" if v is None else quote_non_finite(v))
                           for k, v in zip(keys, row, strict=True)) + "}\n"
            for row in rows
        ))


def write_table(result: Result, out: TextIO, cancelled) -> None:
    from tabulate import tabulate

    rows: list[tuple] = []
    for batch in result.batches():
        if cancelled():
            return
        rows.extend(batch)
    align = ["right" if n else "left" for n in result.numeric]
    out.write(tabulate(rows, headers=result.names, tablefmt="simple", missingval="NULL",
                       disable_numparse=True, colalign=align or None) + "\n")
    out.write(f"({len(rows)} {'row' if len(rows) == 1 else 'rows'})\n")


WRITERS = {"csv": write_csv, "json": write_json, "table": write_table}


def write(relation: duckdb.DuckDBPyRelation, mode: str, out: TextIO, cancelled) -> None:
    WRITERS[mode](Result(relation, mode), out, cancelled)
    out.flush()
