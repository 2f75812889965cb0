"""Driver of the hand-written DuckDB baseline (benchmarks/baseline.sql).

Reads the same data directory as the product: the long CSV deliveries with
DuckDB's own `read_csv` (one read per dialect: encoding and delimiter are
taken from each file's first bytes), the wide XLSX deliveries through the
product's Excel reader (DuckDB's excel extension cannot be downloaded here),
`kaas/labels.yaml` with PyYAML. Then it runs the script's phases in one
in-memory DuckDB and times them: `load` (files to one KÅS table, latest
delivery winning) and `compute` (area sums to statuses).

`compare` checks the baseline against the product's published tables, so the
speed comparison is between two programs that give the same answers.
"""

from __future__ import annotations

import codecs
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl
import yaml

SCRIPT = Path(__file__).with_name("baseline.sql")
LOCAL_SCRIPT = Path(__file__).with_name("baseline_local.sql")  # the local model, after SCRIPT
PHASE = re.compile(r"^-- @phase (\w+)\s*$", re.MULTILINE)


@dataclass
class BaselineRun:
    # load (incl. XLSX), compute; local_load and local (the local model, baseline_local.sql)
    seconds: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    conn: duckdb.DuckDBPyConnection | None = None

    @property
    def total_s(self) -> float:
        """The criteria part (load + compute), as the whole-refresh ratio has always used."""
        return self.seconds.get("load", 0.0) + self.seconds.get("compute", 0.0)


def csv_dialect(path: Path) -> tuple[str, str]:
    """(DuckDB encoding, delimiter) of a delivery from its first 64 KB."""
    head = path.open("rb").read(65536)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, text = "utf-16", head.decode("utf-16", errors="ignore")
    else:
        try:
            text, encoding = head.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 3:  # a character cut at the 64 KB boundary
                text, encoding = head[: exc.start].decode("utf-8"), "utf-8"
            else:
                # Windows-1252 read as Latin-1: they agree on every letter of a KÅS file.
                text, encoding = head.decode("latin-1"), "latin-1"
    header = text.lstrip("\ufeff").splitlines()[0]
    delimiter = max([";", ",", "\t"], key=header.count)
    return encoding, delimiter


_DELIM_SQL = {";": ";", ",": ",", "\t": "\\t"}


def _sql_list(paths: list[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def _register_inputs(conn: duckdb.DuckDBPyConnection, data_dir: Path) -> None:
    from indicators.inputs.measures import load_delivery_labels

    kaas_dir = data_dir / "kaas"
    labels_path = kaas_dir / "labels.yaml"
    raw_labels = (yaml.safe_load(labels_path.read_text(encoding="utf-8")) or {}).get(
        "labels", {}) if labels_path.exists() else {}
    conn.register("delivery_labels_in", pl.DataFrame(
        {"label": [k.strip().lower() for k in raw_labels],
         "maal": list(raw_labels.values())}, schema={"label": pl.Utf8, "maal": pl.Utf8}))
    conn.execute("CREATE TABLE delivery_labels AS SELECT * FROM delivery_labels_in")

    labels = load_delivery_labels(labels_path, "kaas/labels.yaml") if labels_path.exists() \
        else None
    _register_deliveries(conn, kaas_dir, "kaas", labels)


def _register_deliveries(conn: duckdb.DuckDBPyConnection, folder: Path, name: str,
                         labels) -> None:
    """`<name>_csv_raw`: a view reading the folder's long CSV deliveries with DuckDB's
    read_csv (one read per dialect); `<name>_xlsx`: its wide XLSX deliveries through the
    product's Excel reader."""
    from indicators.inputs.kaas import read_kaas_xlsx

    groups: dict[tuple[str, str], list[Path]] = {}
    for path in sorted(folder.glob("*.csv")) if folder.is_dir() else []:
        groups.setdefault(csv_dialect(path), []).append(path)
    reads = [
        f"SELECT afdeling_id, aar, maal, vaerdi, filename FROM read_csv({_sql_list(paths)}, "
        f"delim = '{_DELIM_SQL[delim]}', encoding = '{encoding}', "
        "header = true, names = ['afdeling_id', 'aar', 'maal', 'vaerdi'], "
        "all_varchar = true, filename = true, quote = '\"')"
        for (encoding, delim), paths in groups.items()
    ]
    empty = ("SELECT NULL::VARCHAR afdeling_id, NULL::VARCHAR aar, NULL::VARCHAR maal, "
             "NULL::VARCHAR vaerdi, NULL::VARCHAR filename WHERE false")
    conn.execute(f"CREATE VIEW {name}_csv_raw AS " + " UNION ALL ".join(reads or [empty]))
    frames = [read_kaas_xlsx(p, f"{folder.name}/{p.name}", labels)
              for p in sorted(folder.glob("*.xlsx"))] if folder.is_dir() else []
    xlsx = pl.concat(frames) if frames else pl.DataFrame(schema={
        "afdeling_id": pl.Utf8, "aar": pl.Int32, "maal": pl.Utf8, "vaerdi": pl.Decimal(18, 6),
        "suppressed": pl.Boolean, "source_file": pl.Utf8, "delivery_date": pl.Date})
    conn.register(f"{name}_xlsx", xlsx.select("afdeling_id", "aar", "maal", "vaerdi",
                                              "suppressed", "source_file",
                                              "delivery_date").to_arrow())

SURVEY_SCHEMA = {"wave_id": pl.Utf8, "year": pl.Int32, "area_id": pl.Utf8, "item_id": pl.Utf8,
                 "n_answers": pl.Int64, "n_positive": pl.Int64, "share": pl.Float64,
                 "suppressed": pl.Boolean}


def _register_local_inputs(conn: duckdb.DuckDBPyConnection, data_dir: Path,
                           survey: pl.DataFrame | None) -> None:
    """local/ deliveries, the afdeling register, the survey results and the model in
    force, as the inputs baseline_local.sql names."""
    from indicators.local_model import DEFAULT_MODEL_PATH, MODEL_FILE, validate_model_bytes

    _register_deliveries(conn, data_dir / "local", "local", None)
    for name, key, file in (("afdelinger_in", "afdeling_id", "afdelinger.csv"),
                            ("areas_in", "area_id", "areas.csv")):
        conn.execute(f"CREATE VIEW {name} AS SELECT trim({key}) AS {key}, "
                     "trim(municipality_code) AS municipality_code FROM read_csv("
                     f"'{data_dir}/areas/{file}', delim = ';', header = true, all_varchar = true)")
    survey = survey if survey is not None else pl.DataFrame(schema=SURVEY_SCHEMA)
    conn.register("survey_in", survey.select(list(SURVEY_SCHEMA)).cast(SURVEY_SCHEMA).to_arrow())

    own = data_dir / MODEL_FILE
    model = validate_model_bytes((own if own.exists() else DEFAULT_MODEL_PATH).read_bytes(),
                                 MODEL_FILE)
    rows = [(i, n, ind.numerator, ind.denominator, ind.survey_item, ind.direction, ind.scale)
            for n, (i, ind) in enumerate(model.indicators.items())]
    conn.register("model_indicators", pl.DataFrame(rows, orient="row", schema={
        "indicator_id": pl.Utf8, "ord": pl.Int32, "num_maal": pl.Utf8, "den_maal": pl.Utf8,
        "survey_item": pl.Utf8, "direction": pl.Utf8, "scale": pl.Int64}).to_arrow())
    conn.register("model_bands", pl.DataFrame(
        [(f.numerator, f.denominator) for f in model.band_fractions], orient="row",
        schema={"p": pl.Int64, "q": pl.Int64}).to_arrow())
    cut = model.categories
    conn.register("model_params", pl.DataFrame([{
        "model_id": model.model_id, "min_residents": model.min_residents,
        "max_points": model.max_points, "red_from": cut.red_from,
        "orange_from": cut.orange_from, "yellow_from": cut.yellow_from}]).to_arrow())


def phases(data_dir: Path, script: Path = SCRIPT) -> list[tuple[str, str]]:
    """The script split at its `-- @phase` lines, with the data directory filled in."""
    text = script.read_text(encoding="utf-8").replace("{data}", str(data_dir).replace("'", "''"))
    parts = PHASE.split(text)
    return [(parts[i], parts[i + 1]) for i in range(1, len(parts) - 1, 2)]


def run_baseline(data_dir: Path, threads: int | None = None,
                 survey: pl.DataFrame | None = None) -> BaselineRun:
    """Run the baseline on `data_dir`; the returned connection holds its tables. `survey`:
    the survey results the local model's survey indicators read (the product's
    mart.survey_results; none: those indicators are unknown)."""
    run = BaselineRun()
    conn = duckdb.connect()
    if threads:
        conn.execute(f"SET threads = {threads}")
    started = time.perf_counter()
    _register_inputs(conn, data_dir)
    inputs_s = time.perf_counter() - started
    for name, sql in phases(data_dir):
        started = time.perf_counter()
        conn.execute(sql)
        run.seconds[name] = time.perf_counter() - started
    run.seconds["load"] = run.seconds.get("load", 0.0) + inputs_s
    started = time.perf_counter()
    _register_local_inputs(conn, data_dir, survey)
    local_inputs_s = time.perf_counter() - started
    for name, sql in phases(data_dir, LOCAL_SCRIPT):
        started = time.perf_counter()
        conn.execute(sql)
        run.seconds[f"local_{name}" if name == "load" else name] = time.perf_counter() - started
    run.seconds["local_load"] = run.seconds.get("local_load", 0.0) + local_inputs_s
    for table in ("kaas", "area_year", "indicator_values", "area_status", "cells",
                  "local_indicators", "local_categories"):
        run.rows[table] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    run.conn = conn
    return run


@dataclass
class Agreement:
    table: str
    baseline_rows: int
    product_rows: int
    matched: int
    differing: int
    examples: list[tuple] = field(default_factory=list)


# Compared to 1e-9 relative: the sums are exact integers, the quotients floats.
LOCAL_FLOATS = ["value", "numerator", "denominator", "comparison_value", "ratio"]
FLOATS = {"value", *LOCAL_FLOATS}
_STATUS_COLUMNS = ["residents", "eligible", "criteria_met", "udsat", "parallelsamfund",
                   "omdannelsesomraade", "forebyggelsesomraade", "kombineret_udlejning"]


def compare(run: BaselineRun, serving: Path) -> list[Agreement]:
    """Row-by-row agreement of the baseline with the product's published tables."""
    conn = run.conn
    conn.execute(f"ATTACH '{serving}' AS product (READ_ONLY)")
    try:
        checks = {
            "area_year": (["area_id", "year"], ["residents"]),
            "area_status": (["area_id", "year", "regime"], _STATUS_COLUMNS),
            "indicator_values": (["area_id", "year", "regime", "indicator_id"],
                                 ["meets_threshold", "meets_forebyggelse_threshold",
                                  "suppressed", "value"]),
            "local_indicators": (["area_id", "year", "indicator_id"],
                                 ["model_id", "points", "suppressed", "wave_id",
                                  "comparison_left_out", *LOCAL_FLOATS]),
            "local_categories": (["area_id", "year"],
                                 ["model_id", "residents", "unknown_indicators", "points_min",
                                  "points_max", "category"]),
        }
        out = []
        for table, (key, columns) in checks.items():
            product_columns = {r[0] for r in conn.execute(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = 'product' "
                "AND schema_name = 'mart' AND table_name = ?", [table]).fetchall()}
            columns = [c for c in columns if c in product_columns]
            same = " AND ".join(
                f"(b.{c} IS NULL) = (p.{c} IS NULL) AND coalesce(abs(b.{c} - p.{c}) "
                f"<= 1e-9 * greatest(1, abs(p.{c})), true)" if c in FLOATS
                else f"b.{c} IS NOT DISTINCT FROM p.{c}" for c in columns)
            on = " AND ".join(f"b.{k} = p.{k}" for k in key)
            matched, differing = conn.execute(
                f"SELECT count(*) FILTER (WHERE {same}), count(*) FILTER (WHERE NOT ({same})) "
                f"FROM {table} b JOIN product.mart.{table} p ON {on}").fetchone()
            examples = conn.execute(
                f"SELECT {', '.join('b.' + k for k in key)}, "
                f"{', '.join(f'b.{c}, p.{c}' for c in columns)} "
                f"FROM {table} b JOIN product.mart.{table} p ON {on} WHERE NOT ({same}) "
                "LIMIT 3").fetchall()
            baseline_rows = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            product_rows = conn.execute(
                f"SELECT count(*) FROM product.mart.{table}").fetchone()[0]
            out.append(Agreement(table, baseline_rows, product_rows, matched, differing,
                                 examples))
        return out
    finally:
        conn.execute("DETACH product")
