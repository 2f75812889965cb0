"""Small synthetic published tables for the site tests.

The frames have exactly the columns of indicators/tables.py (plus the
optional tables the site reads when they exist). The figures are invented
but shaped like Randers: two areas on the list, Vangdalen never on it but
flagged in the 2010 survey, Hermann Stillingsvej meeting criteria with
fewer than 1,000 residents, one area whose status is unknown because a
cell was suppressed, and a second municipality so the filter shows.
"""

from __future__ import annotations

import datetime as dt
import functools

import polars as pl
import pytest

from indicators import tables
from indicators.catalogue import load_catalogue
from indicators.early_warning import compute_early_warning, compute_status_changes
from indicators.signals import compute_area_signals
from indicators.site.build import build_site
from indicators.survey.stats import wilson_interval

LIST_YEARS = list(range(2010, 2025))
CURRENT = 2024

AREAS = [
    # area_id, name, municipality, region, residents 2024
    ("gl_jennumparken", "Gl. Jennumparken", 730, 1082, 1270),
    ("glarbjergvej", "Glarbjergvej-området", 730, 1082, 1150),
    ("vangdalen", "Vangdalen", 730, 1082, 1400),
    ("hermann_stillingsvej", "Hermann Stillingsvej-området", 730, 1082, 985),
    ("energivej", "Energivej-området", 730, 1082, 1050),
    ("aeblehaven", "Æblehaven", 751, 1082, 1600),
    ("aabyhoej", "Aabyhøj Syd", 751, 1082, 1100),
    ("oestergaard", "Østergård", 751, 1082, 1020),
]

# Per area: value in 2010 and yearly change, per indicator (percent).
PROFILE = {
    "gl_jennumparken": {"k1": (48, -0.2), "k2": (2.4, 0.02), "k3": (58, 0.1), "k4": (52, 0.0),
                        "k5": (55, 0.3)},
    "glarbjergvej": {"k1": (47, -0.3), "k2": (2.0, 0.03), "k3": (55, 0.1), "k4": (53, 0.05),
                     "k5": (48, 0.2)},
    "vangdalen": {"k1": (35, -0.3), "k2": (1.5, 0.0), "k3": (45, -0.2), "k4": (62, 0.1),
                  "k5": (40, 0.1)},
    "hermann_stillingsvej": {"k1": (39, 0.5), "k2": (2.0, 0.15), "k3": (50, 0.2),
                             "k4": (60, -0.1), "k5": (45, 0.2)},
    "energivej": {"k1": (30, 0.6), "k2": (1.2, 0.05), "k3": (40, 0.3), "k4": (70, -0.3),
                  "k5": (32, 0.2)},
    "aeblehaven": {"k1": (20, 0.2), "k2": (0.8, 0.0), "k3": (30, 0.1), "k4": (85, 0.0),
                   "k5": (25, 0.1)},
    "aabyhoej": {"k1": (25, 0.1), "k2": (0.9, 0.0), "k3": (35, 0.1), "k4": (80, 0.0),
                 "k5": (20, 0.2)},
    "oestergaard": {"k1": (18, 0.0), "k2": (0.5, 0.0), "k3": (28, 0.0), "k4": (90, 0.0),
                    "k5": (15, 0.0)},
}

INDICATOR_IDS = {"k1": "k1_uden_tilknytning", "k2": "k2_domte", "k3": "k3_grundskole",
                 "k4": "k4_indkomst", "k5": "k5_ikkevestlige"}
REGIME_INDICATORS = {"2010": ["k1", "k2", "k5"], "2013": ["k1", "k2", "k3", "k4", "k5"],
                     "2018": ["k1", "k2", "k3", "k4", "k5"],
                     "2021": ["k1", "k2", "k3", "k4", "k5"]}
NATIONAL_K2 = 0.9  # national share convicted, percent (invented)


def regime_of(year: int) -> str:
    return "2021" if year >= 2021 else "2018" if year >= 2018 else "2013" if year >= 2013 \
        else "2010"


FOREBYGGELSE = {"k1": 30.0, "k2": 2 * NATIONAL_K2, "k3": 60.0, "k4": 65.0, "k5": 30.0}


def threshold(regime: str, k: str) -> float:
    if k == "k1":
        return 40.0
    if k == "k2":
        return 2.7 if regime in ("2010", "2013") else 3 * NATIONAL_K2
    if k == "k3":
        return 50.0 if regime == "2013" else 60.0
    if k == "k4":
        return 55.0
    return 50.0


def meets(k: str, value: float, limit: float, regime: str) -> bool:
    if k == "k4":
        return value < limit
    if k == "k2" and regime in ("2018", "2021"):
        return value >= limit
    return value > limit


def residents(area_id: str, year: int) -> int:
    final = next(a[4] for a in AREAS if a[0] == area_id)
    return int(final + (CURRENT - year) * 4)


def value(area_id: str, k: str, year: int) -> float:
    start, step = PROFILE[area_id][k]
    return round(start + step * (year - 2010), 3)


def _indicator_rows():
    rows = []
    for area_id, *_ in AREAS:
        for year in LIST_YEARS:
            for regime in sorted({regime_of(year), "2021"}):
                for k in REGIME_INDICATORS[regime]:
                    v = value(area_id, k, year)
                    suppressed = area_id == "energivej" and k == "k2" and year == CURRENT
                    limit = threshold(regime, k)
                    if k == "k4":
                        num, den = 300000 * v / 100, 300000.0
                    else:
                        den = residents(area_id, year - 1) * 0.6
                        num = den * v / 100
                    rows.append({
                        "area_id": area_id, "year": year, "regime": regime,
                        "indicator_id": INDICATOR_IDS[k],
                        "value": None if suppressed else v,
                        "numerator": None if suppressed else round(num, 1),
                        "denominator": round(den, 1),
                        "data_years": f"{year - 2}-{year - 1}" if k in ("k1", "k2")
                        else str(year - 1 if k in ("k3", "k4") else year),
                        "threshold": limit,
                        "meets_threshold": None if suppressed else meets(k, v, limit, regime),
                        "suppressed": suppressed,
                        "forebyggelse_threshold": FOREBYGGELSE[k] if regime == "2021" else None,
                        "meets_forebyggelse_threshold": None if suppressed or regime != "2021"
                        else meets(k, v, FOREBYGGELSE[k], regime),
                    })
    return rows


def _status_rows(indicator_rows):
    by_key = {}
    for r in indicator_rows:
        by_key.setdefault((r["area_id"], r["year"], r["regime"]), {})[r["indicator_id"]] = r
    history: dict[str, list[bool]] = {}
    rows = []
    for (area_id, year, regime), inds in sorted(by_key.items(), key=lambda kv: kv[0][1]):
        n = residents(area_id, year)
        eligible = n >= 1000
        social = ["k1", "k2", "k5"] if regime == "2010" else (
            ["k1", "k2", "k3", "k4", "k5"] if regime == "2013" else ["k1", "k2", "k3", "k4"])
        flags = [inds[INDICATOR_IDS[k]]["meets_threshold"] for k in social]
        met = sum(1 for f in flags if f)
        unknown = sum(1 for f in flags if f is None)
        required = 3 if regime == "2013" else 2
        if not eligible:
            on = False
        elif met >= required:
            on = True
        elif met + unknown >= required:
            on = None
        else:
            on = False
        k5 = inds[INDICATOR_IDS["k5"]]["value"] > 50
        row = {"area_id": area_id, "year": year, "regime": regime, "residents": n,
               "eligible": eligible, "criteria_met": met, "udsat": None,
               "parallelsamfund": None, "omdannelsesomraade": None,
               "forebyggelsesomraade": None,
               "kombineret_udlejning": eligible and inds[INDICATOR_IDS["k1"]]["value"] > 40}
        if regime in ("2010", "2013"):
            row["parallelsamfund"] = on
        else:
            row["udsat"] = on
            row["parallelsamfund"] = None if on is None else bool(on and k5)
            if regime == regime_of(year):
                history.setdefault(area_id, [])
            row["omdannelsesomraade"] = False if not row["parallelsamfund"] else (
                len(history.get(area_id, [])) >= 4 and all(history[area_id][-4:]))
            if regime == "2021":
                row["forebyggelsesomraade"] = None if on is None else bool(
                    eligible and not on and inds[INDICATOR_IDS["k5"]]["value"] > 30
                    and inds[INDICATOR_IDS["k1"]]["value"] > 30 and met >= 1)
        if regime == regime_of(year):
            history.setdefault(area_id, []).append(bool(row["parallelsamfund"]))
        rows.append(row)
    return rows


def _survey_rows():
    """Two waves; 2010 has Vangdalen clearly above, a small area with a high but
    uncertain share, and one suppressed area plus its complementary partner."""
    waves = {
        ("2010", 2010): [
            ("vangdalen", 150, 54, "over"),
            ("gl_jennumparken", 140, 25, "ingen forskel"),
            ("glarbjergvej", 130, 21, "ingen forskel"),
            ("hermann_stillingsvej", 12, 5, "ingen forskel"),  # 41.7 %, wide interval
            ("energivej", 120, 14, "ingen forskel"),
            ("aeblehaven", 160, 12, "under"),
            ("aabyhoej", 7, None, None),         # primary suppression (< 10 answers)
            ("oestergaard", 11, None, None),     # complementary suppression
        ],
        ("2012", 2012): [
            ("vangdalen", 120, 30, "ingen forskel"),
            ("gl_jennumparken", 150, 27, "ingen forskel"),
            ("glarbjergvej", 140, 22, "ingen forskel"),
        ],
    }
    rows, wave_rows = [], []
    for (wave_id, year), areas in waves.items():
        total_n = sum(n for _, n, _, _ in areas)
        # The wave total is published; with the 17 % of 2010 from domain.md.
        total_k = round(total_n * (0.17 if wave_id == "2010" else 0.2))
        for area_id, n, k, vs in areas:
            if k is None:
                rows.append({"wave_id": wave_id, "year": year, "area_id": area_id,
                             "item_id": "evening_safety", "n_answers": n, "n_positive": None,
                             "share": None, "ci_low": None, "ci_high": None, "vs_rest": None,
                             "suppressed": True})
            else:
                lo, hi = wilson_interval(k, n)
                rows.append({"wave_id": wave_id, "year": year, "area_id": area_id,
                             "item_id": "evening_safety", "n_answers": n, "n_positive": k,
                             "share": 100 * k / n, "ci_low": 100 * lo, "ci_high": 100 * hi,
                             "vs_rest": vs, "suppressed": False})
            wave_rows.append({"wave_id": wave_id, "year": year,
                              "title": f"Beboerundersøgelsen {year}", "area_id": area_id,
                              "n_respondents": n, "invited": n * 2,
                              "response_rate": 50.0})
        lo, hi = wilson_interval(total_k, total_n)
        rows.append({"wave_id": wave_id, "year": year, "area_id": "all",
                     "item_id": "evening_safety", "n_answers": total_n, "n_positive": total_k,
                     "share": 100 * total_k / total_n, "ci_low": 100 * lo, "ci_high": 100 * hi,
                     "vs_rest": None, "suppressed": False})
    return rows, wave_rows


def _municipality_rows():
    rows = []
    for code, scale in ((730, 14000), (751, 52000)):
        for year in range(2008, 2025):
            for maal, share in (("beboere", 1.0), ("beboere_18_64", 0.6),
                                ("uden_tilknytning_18_64", 0.6 * 0.22),
                                ("beboere_18plus", 0.78), ("domte_18plus", 0.78 * 0.012),
                                ("beboere_30_59", 0.4), ("grundskole_30_59", 0.4 * 0.33),
                                ("skattepligtige_15_64", 0.6),
                                ("bruttoindkomst_15_64", 0.6 * 260000),
                                ("ikkevestlige", 0.21)):
                rows.append({"municipality_code": code, "year": year, "maal": maal,
                             "vaerdi": scale * share, "afdelinger": 40, "suppressed": False})
    return rows


def _square(lon: float, lat: float, size: float = 0.01) -> list[list[float]]:
    # RFC 7946: exterior ring counter-clockwise.
    return [[lon, lat], [lon + size, lat], [lon + size, lat + size * 0.6],
            [lon, lat + size * 0.6], [lon, lat]]


def synthetic_geojson() -> dict:
    features = []
    for i, (area_id, *_) in enumerate(AREAS):
        lon = 10.00 + 0.015 * (i % 4)
        lat = 56.44 + 0.012 * (i // 4)
        features.append({"type": "Feature", "properties": {"area_id": area_id,
                                                           "name": "ignored"},
                         "geometry": {"type": "Polygon", "coordinates": [_square(lon, lat)]}})
    return {"type": "FeatureCollection", "features": features}


def _frame(name: str, rows: list[dict]) -> pl.DataFrame:
    """A frame with exactly the published table's columns, in order, typed as published."""
    table = tables.by_name(name)
    columns = table.column_names()
    if not rows:
        return pl.DataFrame({c: [] for c in columns}).select(columns)
    return pl.DataFrame([{c: r.get(c) for c in columns} for r in rows],
                        infer_schema_length=None).select(columns)


def synthetic_frames(optional: bool = True) -> dict[str, pl.DataFrame]:
    """The synthetic published tables. Deriving them runs the warehouse's engines (~0.3 s
    of CPU), and ~30 tests ask: they are made once per process, and each call gets a dict
    of its own to replace tables in (no test changes a frame in place)."""
    return dict(_synthetic_frames(optional))


@functools.cache
def _synthetic_frames(optional: bool) -> dict[str, pl.DataFrame]:
    indicator_rows = _indicator_rows()
    status_rows = _status_rows(indicator_rows)
    survey_rows, wave_rows = _survey_rows()
    frames = {
        "areas": _frame("areas", [{"area_id": a, "area_name": n, "municipality_code": m,
                                   "region_code": r} for a, n, m, r, _ in AREAS]),
        "area_year": _frame("area_year", [
            {"area_id": a, "year": y, "residents": residents(a, y), "afdelinger": 4}
            for a, *_ in AREAS for y in range(2008, 2025)]),
        "indicator_values": _frame("indicator_values", indicator_rows),
        "area_status": _frame("area_status", status_rows),
        "survey_results": _frame("survey_results", survey_rows),
    }
    # The warehouse's own engines derive the early warning, the signals and the
    # status changes from these marts, as the refresh does.
    catalogue = load_catalogue()
    values, status = frames["indicator_values"], frames["area_status"]
    frames["early_warning"] = _frame("early_warning", compute_early_warning(
        values, status, catalogue).to_dicts())
    frames["area_signals"] = _frame("area_signals", compute_area_signals(
        status, values, frames["survey_results"], catalogue).to_dicts())
    frames["status_changes"] = _frame("status_changes", compute_status_changes(
        status, catalogue).to_dicts())
    frames["signal_changes"] = _frame("signal_changes", [])
    frames["official_comparison"] = _frame("official_comparison", [])
    frames["municipality_year"] = _frame("municipality_year", [])
    # Published tables these synthetic areas have no rows in (tests that need rows add
    # their own): every published table is passed, as the publisher passes them.
    for name in ("area_afdelinger", "plans", "plan_effects", "plan_series", "plan_moves",
                 "local_indicators", "local_categories"):
        frames[name] = _frame(name, [])
    if optional:
        # One refresh that turned Vangdalen from green to yellow.
        frames["signal_changes"] = _frame("signal_changes", [{
            "area_id": "vangdalen", "municipality_code": 730, "list_year": CURRENT,
            "changed_at": dt.date(2025, 3, 4), "refresh_id": "test-refresh-0000",
            "colour_before": "green", "colour_after": "yellow",
            "signals_added": ["near:forebyggelsesomraade:k2_domte"],
            "signals_removed": ["survey:evening_safety"]}])
        frames["survey_waves"] = pl.DataFrame(wave_rows)
        frames["municipality_year"] = _frame("municipality_year", _municipality_rows())
        frames["official_comparison"] = _frame("official_comparison", [
            {"area_id": a, "year": y, "status": "udsat", "official": a in (
                "gl_jennumparken", "glarbjergvej") and 2018 <= y <= 2022,
             "ours": None, "agrees": None}
            for a in ("gl_jennumparken", "glarbjergvej", "hermann_stillingsvej")
            for y in range(2018, 2025)])
    return frames


def synthetic_refresh(finished: dt.datetime | None = None) -> dict:
    finished = finished or dt.datetime.now(dt.UTC)
    return {
        "refresh_id": "test-refresh-0001",
        "started_at": finished - dt.timedelta(minutes=2),
        "finished_at": finished,
        "data_dir": "/data/sample",
        "catalogue_version": "abc123",
        "files": [{"name": "kaas/kaas_2024-05-01.csv", "sha256": "ab" * 32, "size_bytes": 1234},
                  {"name": "areas/areas.csv", "sha256": "cd" * 32, "size_bytes": 456}],
        "failed_runs_since_last_publish": [],
    }


@pytest.fixture(scope="session")
def frames() -> dict[str, pl.DataFrame]:
    return synthetic_frames()


@pytest.fixture(scope="session")
def refresh() -> dict:
    return synthetic_refresh()


@pytest.fixture(scope="session")
def geojson() -> dict:
    return synthetic_geojson()


@pytest.fixture(scope="session")
def synthetic_site(tmp_path_factory, frames, refresh, geojson):
    """The site built once from the synthetic tables: (folder, pages written)."""
    out = tmp_path_factory.mktemp("synthetic") / "site"
    pages = build_site(frames, refresh, out, geojson=geojson)
    return out, pages


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (Debian's, network blocked) per test process for the browser
    and print tests: starting one costs seconds. A test that changes its window size or
    emulated media puts them back."""
    from tests.site.browser import Browser  # selenium only where a browser is asked for

    with Browser(block_network=True) as b:
        yield b
