"""Area sums of KÅS counts in exact integer arithmetic, in DuckDB.

Every input value (DECIMAL with at most six decimals, below 10^12) becomes an
integer number of micro-units (value × 10^6), summed into HUGEINTs, so sums are
exact and the criteria can be compared by cross-multiplying integers (see
`indicator_values`). DuckDB raises on overflow instead of wrapping, so an input
too large for exact arithmetic fails loudly.

An area's sum for list year L, data year L-k and a measure is taken over the
afdelinger that belong to the area in L (domain.md §2 [convention]: one
evaluation describes one area). It is known only when every one of those
afdelinger has a delivered, unsuppressed value; otherwise it is unknown, and
`suppressed` tells whether a suppressed cell was among the causes.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import polars as pl

from indicators.catalogue import Catalogue, Definition

MICRO = 1_000_000
OPEN_END = 9999

KAAS_COLUMNS = ("afdeling_id", "aar", "maal", "vaerdi", "suppressed")
MEMBERSHIP_COLUMNS = ("area_id", "afdeling_id", "valid_from", "valid_to")
AREAS_COLUMNS = ("area_id", "region_code")
NATIONAL_COLUMNS = ("aar", "maal", "vaerdi", "suppressed")
REGIONAL_COLUMNS = ("region_code", "aar", "maal", "vaerdi", "suppressed")


INPUTS = {
    "kaas": KAAS_COLUMNS,
    "membership": MEMBERSHIP_COLUMNS,
    "areas": AREAS_COLUMNS,
    "national": NATIONAL_COLUMNS,
    "regional": REGIONAL_COLUMNS,
}
# DuckDB types a value may arrive in without losing exactness.
EXACT_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT")


def _check_input(con: duckdb.DuckDBPyConnection, name: str) -> None:
    types = dict(
        (row[0], row[1]) for row in con.execute(f"DESCRIBE {name}_in").fetchall()
    )
    missing = [c for c in INPUTS[name] if c not in types]
    if missing:
        raise ValueError(f"{name} lacks column(s) {', '.join(missing)}")
    if "vaerdi" in INPUTS[name]:
        dtype = types["vaerdi"]
        exact = dtype in EXACT_TYPES or (
            dtype.startswith("DECIMAL(") and int(dtype[:-1].split(",")[1]) <= 6
        )
        if not exact:
            raise TypeError(
                f"{name}.vaerdi must be Decimal with at most 6 decimals (found {dtype}): "
                "criteria are compared exactly and a float has already lost that"
            )


def micro_units(column: str) -> str:
    """`column` × 10^6 as an exact BIGINT.

    Whole and fractional parts are scaled apart so every step stays in 64-bit
    integers: the direct DECIMAL(38,6) product is exact too but ~7× slower, which
    at national scale is a fifth of the criteria step. DECIMAL(18,6) holds values
    below 10^12, so its micro-units fit a BIGINT; a larger input fails the cast.
    """
    value = f"CAST({column} AS DECIMAL(18,6))"
    return (f"(CAST(trunc({value}) AS BIGINT) * {MICRO} "
            f"+ CAST(({value} - trunc({value})) * {MICRO} AS BIGINT))")


def _state(value: str, suppressed: str) -> str:
    return (
        f"CASE WHEN coalesce({suppressed}, false) THEN 'suppressed' "
        f"WHEN {value} IS NULL THEN 'missing' ELSE 'known' END"
    )


def open_workspace(
    kaas: pl.DataFrame,
    membership: pl.DataFrame,
    areas: pl.DataFrame,
    national: pl.DataFrame,
    regional: pl.DataFrame,
    catalogue: Catalogue,
    definitions: list[Definition],
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding the frames as inputs and the area sums
    (`build_workspace`)."""
    con = duckdb.connect()
    frames = dict(kaas=kaas, membership=membership, areas=areas, national=national,
                  regional=regional)
    for name, frame in frames.items():
        con.register(f"{name}_in", frame)
    build_workspace(con, catalogue, definitions)
    return con


def attach_inputs(con: duckdb.DuckDBPyConnection, relations: Mapping[str, str]) -> None:
    """Name relations already in `con` (e.g. a warehouse's staging tables) as the
    workspace's inputs, so the sums run where the data is, without a copy through Python.
    `relations` maps each of INPUTS to a table or view name."""
    for name in INPUTS:
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {name}_in AS SELECT * FROM {relations[name]}"
        )


def build_workspace(
    con: duckdb.DuckDBPyConnection, catalogue: Catalogue, definitions: list[Definition]
) -> None:
    """Temporary tables in `con` with the inputs in micro-units and the area sums.

    Reads the relations `kaas_in`, `membership_in`, `areas_in`, `national_in`,
    `regional_in`. Creates `list_years`, `members`, `area_region`, `area_sums`
    (area_id, list_year, k, maal, units, suppressed) for the offsets and measures
    the `definitions` need (plus residents), `national_units`, `regional_units`;
    all TEMP, so in a warehouse connection they vanish with it.
    """
    for name in INPUTS:
        _check_input(con, name)

    # Only the cells a sum can use: the measures these definitions need, of afdelinger
    # that belong to some area in some year (a national delivery is mostly others).
    measures = sorted(
        {catalogue.residents_measure}
        | {m for d in definitions for m in (*d.numerator, d.denominator)}
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE kaas_units AS
        SELECT afdeling_id, CAST(aar AS INTEGER) AS aar, maal,
               CASE WHEN NOT coalesce(suppressed, false) THEN {micro_units("vaerdi")} END AS units,
               {_state("vaerdi", "suppressed")} AS state
        FROM kaas_in
        WHERE maal IN (SELECT unnest($measures))
          AND afdeling_id IN (SELECT afdeling_id FROM membership_in)
        """,
        {"measures": measures},
    )
    _reject_duplicates(con, "kaas_units", "afdeling_id, aar, maal")
    _reject_duplicates(con, "national_in", "aar, maal")
    _reject_duplicates(con, "regional_in", "region_code, aar, maal")
    _reject_unknown_areas(con)
    _reject_split_persons(con, catalogue.whole_measures())

    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE list_years AS
        SELECT CAST(range AS INTEGER) AS list_year
        FROM range({catalogue.first_list_year},
                   coalesce((SELECT max(aar) FROM kaas_units
                             WHERE maal = $residents AND state = 'known'), 0) + 1)
        """,
        {"residents": catalogue.residents_measure},
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE members AS
        SELECT DISTINCT m.area_id, y.list_year, m.afdeling_id
        FROM membership_in m JOIN list_years y
          ON y.list_year BETWEEN m.valid_from AND coalesce(m.valid_to, {OPEN_END})
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE area_region AS
        SELECT DISTINCT m.area_id, CAST(a.region_code AS INTEGER) AS region_code
        FROM (SELECT DISTINCT area_id FROM members) m LEFT JOIN areas_in a USING (area_id)
        """
    )
    _create_area_sums(con, catalogue, definitions)
    for table, source, keys in (
        ("national_units", "national_in", "CAST(aar AS INTEGER) AS aar"),
        ("regional_units", "regional_in",
         "CAST(region_code AS INTEGER) AS region_code, CAST(aar AS INTEGER) AS aar"),
    ):
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {table} AS
            SELECT {keys}, maal,
                   CASE WHEN NOT coalesce(suppressed, false)
                        THEN CAST({micro_units("vaerdi")} AS HUGEINT) END AS units,
                   {_state("vaerdi", "suppressed")} AS state
            FROM {source}
            """
        )
    return con


def _create_area_sums(
    con: duckdb.DuckDBPyConnection, catalogue: Catalogue, definitions: list[Definition]
) -> None:
    needed = {(0, catalogue.residents_measure)}
    for d in definitions:
        for k in d.data_year_offsets():
            needed.update((k, maal) for maal in (*d.numerator, d.denominator))
    con.execute("CREATE OR REPLACE TEMP TABLE needed (k INTEGER, maal VARCHAR)")
    con.executemany("INSERT INTO needed VALUES (?, ?)", sorted(needed))
    # A sum is known only when every member afdeling delivered the cell.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE area_sums AS
        WITH size AS (
            SELECT area_id, list_year, count(*) AS n_members FROM members GROUP BY ALL
        )
        SELECT m.area_id, m.list_year, n.k, n.maal,
               CASE WHEN count(*) FILTER (WHERE u.state = 'known') = any_value(s.n_members)
                    THEN sum(u.units) END AS units,
               coalesce(bool_or(u.state = 'suppressed'), false) AS suppressed
        FROM members m
        JOIN size s USING (area_id, list_year)
        CROSS JOIN needed n
        LEFT JOIN kaas_units u
          ON u.afdeling_id = m.afdeling_id AND u.aar = m.list_year - n.k AND u.maal = n.maal
        GROUP BY m.area_id, m.list_year, n.k, n.maal
        """
    )


def _reject_duplicates(con: duckdb.DuckDBPyConnection, table: str, key: str) -> None:
    # A repeated cell would be counted twice in every sum it enters.
    dupes = con.execute(
        f"SELECT {key} FROM {table} GROUP BY ALL HAVING count(*) > 1 ORDER BY ALL LIMIT 5"
    ).fetchall()
    if dupes:
        shown = "; ".join(" ".join(map(str, row)) for row in dupes)
        name = table.removesuffix("_in").removesuffix("_units")
        raise ValueError(f"{name} has more than one row for the same {key}: {shown}")


def _reject_unknown_areas(con: duckdb.DuckDBPyConnection) -> None:
    # Without its region an area's K4 would silently be unknown.
    unknown = con.execute(
        """
        SELECT DISTINCT area_id FROM membership_in
        WHERE area_id NOT IN (SELECT area_id FROM areas_in) ORDER BY ALL LIMIT 5
        """
    ).fetchall()
    if unknown:
        shown = ", ".join(row[0] for row in unknown)
        raise ValueError(f"membership names areas missing from areas: {shown}")


def _reject_split_persons(con: duckdb.DuckDBPyConnection, whole: list[str]) -> None:
    # Denominators stay whole numbers of persons; that keeps the exact
    # cross-multiplied comparisons of four-year averages inside 128 bits.
    split = con.execute(
        f"""
        SELECT afdeling_id, aar, maal FROM kaas_units
        WHERE maal IN (SELECT unnest($whole)) AND units % {MICRO} <> 0
        ORDER BY ALL LIMIT 5
        """,
        {"whole": whole},
    ).fetchall()
    if split:
        shown = "; ".join(f"{a} {y} {m}" for a, y, m in split)
        raise ValueError(f"kaas counts persons in fractions (must be whole numbers): {shown}")


def residents(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> pl.DataFrame:
    """Residents on 1 January of each list year, through the list year's membership."""
    return con.execute(
        f"""
        SELECT area_id, list_year AS year, CAST(units // {MICRO} AS BIGINT) AS residents
        FROM area_sums WHERE k = 0 AND maal = $residents
        ORDER BY area_id, year
        """,
        {"residents": catalogue.residents_measure},
    ).pl()
