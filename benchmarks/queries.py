"""Five typical analyst queries on the published warehouse, timed.

Each runs on a read-only connection opened the way `boligmonitor sql` opens
it (pipelines.analyst), once to warm up and then RUNS times; the median is
reported. The queries are what the consultant asks most: the current list,
one area's history, who is close to a threshold, the national trend, and
where residents feel unsafe.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path

RUNS = 7

# The regime in force in a list year: the latest regime that started on or before it.
_IN_FORCE = "(SELECT max(r.regime) FROM (VALUES ('2010'), ('2013'), ('2018'), ('2021')) " \
            "r(regime) WHERE CAST(r.regime AS INTEGER) <= s.year)"

QUERIES = {
    "current_list": f"""
        SELECT a.area_name, a.municipality_code, s.residents, s.udsat, s.parallelsamfund,
               s.omdannelsesomraade, s.forebyggelsesomraade
        FROM mart.area_status s JOIN mart.areas a USING (area_id)
        WHERE s.year = (SELECT max(year) FROM mart.area_status) AND s.regime = {_IN_FORCE}
          AND (s.udsat OR s.parallelsamfund OR s.forebyggelsesomraade)
        ORDER BY a.municipality_code, a.area_name""",
    "area_history": """
        SELECT year, regime, indicator_id, value, threshold, meets_threshold, data_years
        FROM mart.indicator_values
        WHERE area_id = $area
        ORDER BY indicator_id, year, regime""",
    "near_threshold": """
        SELECT v.area_id, a.area_name, v.indicator_id, v.value, v.threshold,
               v.value - v.threshold AS distance
        FROM mart.indicator_values v JOIN mart.areas a USING (area_id)
        JOIN mart.area_status s ON s.area_id = v.area_id AND s.year = v.year
                              AND s.regime = v.regime
        WHERE v.year = (SELECT max(year) FROM mart.indicator_values) AND v.regime = '2021'
          AND s.eligible AND v.value IS NOT NULL
        ORDER BY abs(v.value - v.threshold) LIMIT 25""",
    "status_trend": f"""
        SELECT s.year, count(*) FILTER (WHERE s.eligible) AS eligible,
               count(*) FILTER (WHERE s.udsat) AS udsat,
               count(*) FILTER (WHERE s.parallelsamfund) AS parallelsamfund,
               count(*) FILTER (WHERE s.omdannelsesomraade) AS omdannelse,
               count(*) FILTER (WHERE s.forebyggelsesomraade) AS forebyggelse,
               count(*) FILTER (WHERE s.kombineret_udlejning) AS kombineret
        FROM mart.area_status s WHERE s.regime = {_IN_FORCE}
        GROUP BY s.year ORDER BY s.year""",
    "unsafe_areas": """
        SELECT r.wave_id, a.area_name, r.n_answers, r.share, r.ci_low, r.ci_high
        FROM mart.survey_results r JOIN mart.areas a USING (area_id)
        WHERE r.item_id = 'evening_safety' AND r.vs_rest = 'over'
        ORDER BY r.year DESC, r.share DESC""",
}


@dataclass
class QueryTiming:
    name: str
    rows: int
    median_ms: float
    max_ms: float


def _largest_area(conn) -> str:
    row = conn.execute(
        "SELECT area_id FROM mart.area_status ORDER BY year DESC, residents DESC NULLS LAST "
        "LIMIT 1").fetchone()
    return row[0] if row else ""


def time_queries(serving: Path, runs: int = RUNS) -> tuple[float, list[QueryTiming]]:
    """(milliseconds to open the file, one timing per query)."""
    from pipelines.analyst import connect_read_only

    started = time.perf_counter()
    conn = connect_read_only(serving)
    open_ms = 1000 * (time.perf_counter() - started)
    try:
        area = _largest_area(conn)
        timings = []
        for name, sql in QUERIES.items():
            params = {"area": area} if "$area" in sql else None
            rows = len(conn.execute(sql, params).fetchall())  # warm-up
            samples = []
            for _ in range(runs):
                started = time.perf_counter()
                conn.execute(sql, params).fetchall()
                samples.append(1000 * (time.perf_counter() - started))
            timings.append(QueryTiming(name, rows, statistics.median(samples), max(samples)))
        return open_ms, timings
    finally:
        conn.close()
