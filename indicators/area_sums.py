"""Area sums of KÅS counts in exact integer arithmetic, in a private DuckDB.

Every input value (DECIMAL with at most six decimals) becomes a HUGEINT
number of micro-units (value × 10^6), so sums are exact and the criteria
can be compared by cross-multiplying integers (see `indicator_values`).
DuckDB raises on HUGEINT overflow instead of wrapping, so an input too large
for exact arithmetic fails loudly.

An area's sum for list year L, data year L-k and a measure is taken over the
afdelinger that belong to the area in L (domain.md §2 [convention]: one
evaluation describes one area). It is known only when every one of those
afdelinger has a delivered, unsuppressed value; otherwise it is unknown, and
`suppressed` tells whether a suppressed cell was among the causes.
"""

from __future__ import annotations

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


def _check_frame(frame: pl.DataFrame, name: str, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s) {', '.join(missing)}")
    if "vaerdi" in columns:
        dtype = frame.schema["vaerdi"]
        exact = dtype.is_integer() or (isinstance(dtype, pl.Decimal) and dtype.scale <= 6)
        if not exact:
            raise TypeError(
                f"{name}.vaerdi must be Decimal with at most 6 decimals (found {dtype}): "
                "criteria are compared exactly and a float has already lost that"
            )


def _units(column: str) -> str:
    return f"CAST(CAST({column} AS DECIMAL(38,6)) * {MICRO} AS HUGEINT)"


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
    """An in-memory DuckDB holding the inputs in micro-units and the area sums.

    Tables: `list_years`, `members`, `area_region`, `area_sums` (area_id,
    list_year, k, maal, units, suppressed) for the offsets and measures the
    `definitions` need (plus residents), `national_units`, `regional_units`.
    """
    for frame, name, columns in (
        (kaas, "kaas", KAAS_COLUMNS),
        (membership, "membership", MEMBERSHIP_COLUMNS),
        (areas, "areas", AREAS_COLUMNS),
        (national, "national", NATIONAL_COLUMNS),
        (regional, "regional", REGIONAL_COLUMNS),
    ):
        _check_frame(frame, name, columns)

    con = duckdb.connect()
    for name, frame in (("kaas_in", kaas), ("membership_in", membership), ("areas_in", areas),
                        ("national_in", national), ("regional_in", regional)):
        con.register(name, frame)

    # Only the cells a sum can use: the measures these definitions need, of afdelinger
    # that belong to some area in some year (a national delivery is mostly others).
    measures = sorted(
        {catalogue.residents_measure}
        | {m for d in definitions for m in (*d.numerator, d.denominator)}
    )
    con.execute(
        f"""
        CREATE TABLE kaas_units AS
        SELECT afdeling_id, CAST(aar AS INTEGER) AS aar, maal,
               CASE WHEN NOT coalesce(suppressed, false) THEN {_units("vaerdi")} END AS units,
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
        CREATE TABLE list_years AS
        SELECT CAST(range AS INTEGER) AS list_year
        FROM range({catalogue.first_list_year},
                   coalesce((SELECT max(aar) FROM kaas_units
                             WHERE maal = $residents AND state = 'known'), 0) + 1)
        """,
        {"residents": catalogue.residents_measure},
    )
    con.execute(
        f"""
        CREATE TABLE members AS
        SELECT DISTINCT m.area_id, y.list_year, m.afdeling_id
        FROM membership_in m JOIN list_years y
          ON y.list_year BETWEEN m.valid_from AND coalesce(m.valid_to, {OPEN_END})
        """
    )
    con.execute(
        """
        CREATE TABLE area_region AS
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
            CREATE TABLE {table} AS
            SELECT {keys}, maal,
                   CASE WHEN NOT coalesce(suppressed, false) THEN {_units("vaerdi")} END AS units,
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
    needed_frame = pl.DataFrame(sorted(needed), schema={"k": pl.Int32, "maal": pl.Utf8},
                                orient="row")
    con.register("needed_in", needed_frame)
    con.execute("CREATE TABLE needed AS SELECT * FROM needed_in")
    # A sum is known only when every member afdeling delivered the cell.
    con.execute(
        """
        CREATE TABLE area_sums AS
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
