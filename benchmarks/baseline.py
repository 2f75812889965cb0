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
PHASE = re.compile(r"^-- @phase (\w+)\s*$", re.MULTILINE)


@dataclass
class BaselineRun:
    seconds: dict[str, float] = field(default_factory=dict)  # load (incl. XLSX), compute
    rows: dict[str, int] = field(default_factory=dict)
    conn: duckdb.DuckDBPyConnection | None = None

    @property
    def total_s(self) -> float:
        return sum(self.seconds.values())


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
    from indicators.inputs.kaas import read_kaas_xlsx
    from indicators.inputs.measures import load_delivery_labels

    kaas_dir = data_dir / "kaas"
    labels_path = kaas_dir / "labels.yaml"
    raw_labels = (yaml.safe_load(labels_path.read_text(encoding="utf-8")) or {}).get(
        "labels", {}) if labels_path.exists() else {}
    conn.register("delivery_labels_in", pl.DataFrame(
        {"label": [k.strip().lower() for k in raw_labels],
         "maal": list(raw_labels.values())}, schema={"label": pl.Utf8, "maal": pl.Utf8}))
    conn.execute("CREATE TABLE delivery_labels AS SELECT * FROM delivery_labels_in")

    groups: dict[tuple[str, str], list[Path]] = {}
    for path in sorted(kaas_dir.glob("*.csv")):
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
    conn.execute("CREATE VIEW kaas_csv_raw AS " + " UNION ALL ".join(reads or [empty]))

    labels = load_delivery_labels(labels_path, "kaas/labels.yaml") if labels_path.exists() \
        else None
    frames = [read_kaas_xlsx(p, f"kaas/{p.name}", labels) for p in sorted(kaas_dir.glob("*.xlsx"))]
    xlsx = pl.concat(frames) if frames else pl.DataFrame(schema={
        "afdeling_id": pl.Utf8, "aar": pl.Int32, "maal": pl.Utf8, "vaerdi": pl.Decimal(18, 6),
        "suppressed": pl.Boolean, "source_file": pl.Utf8, "delivery_date": pl.Date})
    conn.register("kaas_xlsx", xlsx.select("afdeling_id", "aar", "maal", "vaerdi", "suppressed",
                                           "source_file", "delivery_date").to_arrow())


def phases(data_dir: Path) -> list[tuple[str, str]]:
    """The script split at its `-- @phase` lines, with the data directory filled in."""
    text = SCRIPT.read_text(encoding="utf-8").replace("{data}", str(data_dir).replace("'", "''"))
    parts = PHASE.split(text)
    return [(parts[i], parts[i + 1]) for i in range(1, len(parts) - 1, 2)]


def run_baseline(data_dir: Path, threads: int | None = None) -> BaselineRun:
    """Run the baseline on `data_dir`; the returned connection holds its tables."""
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
    for table in ("kaas", "area_year", "indicator_values", "area_status"):
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
        }
        out = []
        for table, (key, columns) in checks.items():
            product_columns = {r[0] for r in conn.execute(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = 'product' "
                "AND schema_name = 'mart' AND table_name = ?", [table]).fetchall()}
            columns = [c for c in columns if c in product_columns]
            same = " AND ".join(
                f"abs(coalesce(b.{c}, -1) - coalesce(p.{c}, -1)) < 1e-9" if c == "value"
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
