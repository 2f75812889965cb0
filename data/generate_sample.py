#!/usr/bin/env python3
"""Generate Boligmonitor's shipped, synthetic sample data set (data/sample/).

    .venv/bin/python data/generate_sample.py            # (re)writes data/sample/
    .venv/bin/python data/generate_sample.py --check    # regenerate in a temp dir, verify, compare

Design
------
Nothing here is real data. The numbers are *designed* so that the product, computing
the official area criteria from the files exactly as contract.md and domain.md say,
reproduces the published Randers facts of domain.md §1 (see data/SAMPLE.md).

1. Every area is planned top-down: per data year 2006-2024 a residents count and the
   area-level rates K1 (uden tilknytning), K2 (dømte), K3 (grundskole, plus uoplyst),
   K4 (income relative to the region) and K5 (ikke-vestlige). Rates that carry a
   published fact are written out year by year; the rest are anchors with a little
   seeded noise, so series move plausibly.
2. Each area-year is split into its afdelinger with integer counts that sum exactly
   (largest-remainder allocation), so area rates hit the plan within a rounding error
   far smaller than the one-decimal precision the facts need.
3. Afdelinger that change area, and the Randers afdelinger outside any area, are
   planned individually.
4. The final values are written as three overlapping, dated KÅS deliveries; the older
   ones carry a handful of pre-revision values, and a few small cells are suppressed
   ("..") in every delivery that contains them.
5. --check re-reads the written files with its own small readers (never the in-memory
   plan), resolves revisions by delivery date, sums counts over each area's afdelinger
   (never averaging percentages) and recomputes every list year under the regime in
   force, in exact fractions. It fails on any deviation from the facts or from the
   designed statuses, and when data/sample differs from a fresh generation.

Randomness: every noise stream is seeded by a string naming what it is for, so adding a
stream does not shift the others, and two runs give byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import math
import random
import re
import shutil
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import fastexcel
import xlsxwriter
import yaml

HERE = Path(__file__).resolve().parent
SAMPLE_DIR = HERE / "sample"
SEED = "boligmonitor-sample-v1"
YEARS = list(range(2006, 2025))          # KÅS data years delivered
LIST_YEARS = list(range(2010, 2025))     # list years the product evaluates
MUNICIPALITY, REGION = 730, 1082         # Randers Kommune, Region Midtjylland
XLSX_CREATED = dt.datetime(2025, 11, 3, 8, 0, 0)   # fixed so XLSX bytes are reproducible
MARKER = "PRIVATMARKOER-7Q3X"                       # must never leave the raw layer
MAAL = ["beboere", "beboere_18_64", "uden_tilknytning_18_64", "beboere_18plus", "domte_18plus",
        "beboere_30_59", "grundskole_30_59", "uoplyst_udd_30_59", "skattepligtige_15_64",
        "bruttoindkomst_15_64", "ikkevestlige"]
TENTHS = "uden_tilknytning_18_64"   # full-time persons with one decimal: kept as integer tenths

# --------------------------------------------------------------------------- register
# Organisation numbers are invented (see SAMPLE.md): 027 Møllevænget & Storgaarden,
# 040 Randers Boligforening af 1940, 075 "Boligforeningen Kronjylland" (invented),
# 112 RandersBolig, 190 Lejerbo. Department numbers of Gl. Jennumparken are the real ones.
# area_id -> (name, [(afdeling_id, share of the area's residents in %)]); these members
# belong to the area in every year 2006-2024.
AREAS = {
    "gl_jennumparken": ("Gl. Jennumparken", [("190-0104", 33), ("027-0027", 24), ("027-0028", 20),
                                             ("027-0051", 14), ("027-0056", 9)]),
    "glarbjergvej": ("Glarbjergvej-området", [("040-0012", 22), ("040-0014", 19), ("040-0019", 15),
                                             ("112-0031", 20), ("112-0033", 19), ("112-0040", 5)]),
    "vangdalen": ("Vangdalen", [("112-0061", 40), ("112-0062", 35), ("112-0065", 25)]),
    "hermann_stillingsvej": ("Hermann Stillingsvej-området",
                             [("040-0025", 42), ("040-0026", 33), ("190-0117", 25)]),
    "energivej": ("Energivej-området", [("112-0071", 33), ("112-0072", 27), ("027-0063", 24),
                                        ("027-0064", 16)]),
    "romaltparken": ("Romaltparken", [("040-0031", 38), ("040-0033", 30), ("190-0121", 27),
                                      ("190-0126", 5)]),
    "kristrupvaenget": ("Kristrupvænget", [("112-0081", 45), ("112-0082", 35), ("040-0041", 20)]),
    "dronningborg_have": ("Dronningborg Have", [("040-0002", 50), ("040-0005", 43), ("040-0007", 7)]),
}
# Membership changes: (area, afdeling, valid_from, valid_to). Vangdalsparken's extension
# joins Vangdalen from 2012; one Energivej afdeling is taken out of the area after 2018.
# Outside those years both are ordinary Randers afdelinger in no area.
MOVERS = [("vangdalen", "112-0068", 2012, None), ("energivej", "112-0075", 2006, 2018)]
# Randers afdelinger in no area (they are in the KÅS data; the product warns with a count):
# afdeling -> residents 2006.
OUTSIDE = {"027-0012": 310, "027-0015": 145, "040-0008": 220, "040-0046": 95, "040-0052": 380,
           "075-0003": 62, "075-0009": 175, "112-0011": 260, "112-0020": 430, "112-0090": 120,
           "190-0131": 290, "190-0140": 85}

# --------------------------------------------------------------------------- references
# National share (%) of residents 18+ convicted, per data year.
NATIONAL_DOMTE = dict(zip(YEARS, ["1.16", "1.14", "1.13", "1.12", "1.10", "1.08", "1.05", "1.03",
                                  "1.00", "0.98", "0.97", "0.96", "0.95", "0.96", "0.94", "0.93",
                                  "0.95", "0.97", "0.98"]))
_INCOME_GROWTH = [0, 4.1, 3.9, 1.2, 1.6, 2.3, 2.1, 1.9, 2.2, 2.4, 2.3, 2.6, 2.8, 2.9, 1.7, 4.4, 3.6,
                  4.0, 4.3]   # % growth in mean gross income on the year before
_REGION_LEVEL = {1081: 0.955, 1082: 1.0, 1083: 0.972, 1084: 1.118, 1085: 0.991}


def regional_income() -> dict[int, dict[int, int]]:
    """Mean gross income (DKK) of taxpayers 15-64 excl. students, per region and year."""
    level, out = 271_400.0, {r: {} for r in _REGION_LEVEL}
    for year, growth in zip(YEARS, _INCOME_GROWTH):
        level *= 1 + growth / 100
        for region, rel in _REGION_LEVEL.items():
            out[region][year] = round(level * rel)
    return out


# --------------------------------------------------------------------------- area plans
def by_year(values: list[float]) -> dict[int, float]:
    return dict(zip(YEARS, values))


@dataclass
class Plan:
    """Yearly targets of one planned unit (an area's fixed members, or one afdeling).

    Each series is {year: value}: a value for every year is used as is; otherwise the
    anchors are interpolated and seeded noise is added, except in `pinned` years.
    Rates are percent: k1 of 18-64, k2 of 18+, grund and uoplyst of 30-59, k4 of the
    regional mean income, k5 of all residents.
    """
    residents: dict
    k1: dict
    k2: dict
    grund: dict
    uoplyst: dict
    k4: dict
    k5: dict
    pinned: dict = field(default_factory=dict)
    noise: dict = field(default_factory=lambda: {"residents": 0.004, "k1": 0.5, "k2": 0.08,
                                                 "grund": 0.5, "uoplyst": 0.25, "k4": 0.3, "k5": 0.5})


PLANS = {
    # Gl. Jennumparken: K1, K3 incl. uoplyst and K4 make it a 2013 ghetto; K1 dips in
    # 2015-16 (off the 2017 list); K1 + K4 make it udsat from 2018; K5 stays below 50.
    "gl_jennumparken": Plan(
        residents={2006: 1392, 2010: 1376, 2015: 1349, 2020: 1311, 2022: 1286, 2024: 1270},
        k1=by_year([44.0, 44.5, 43.8, 44.6, 45.0, 43.2, 42.4, 41.8, 41.6, 39.2, 40.3, 41.5, 41.9,
                    42.3, 45.5, 46.9, 44.6, 43.7, 43.1]),
        k2={2006: 2.35, 2012: 2.25, 2018: 2.15, 2024: 2.05},
        grund={2006: 46.0, 2024: 42.0}, uoplyst={2006: 9.0, 2012: 8.5, 2024: 7.0},
        k4={2006: 53.0, 2012: 52.5, 2018: 52.0, 2023: 53.6, 2024: 54.0},
        k5={2006: 38.0, 2012: 42.0, 2018: 45.0, 2024: 44.0},
        pinned={"residents": {2024}}),
    # Glarbjergvej: ghetto 2013-2015, udsat 2018-2022 (K1 + K4; K2 close in 2021), income
    # above 55 % of the region from 2022 -> off the udsat list, forebyggelse 2023-2024.
    "glarbjergvej": Plan(
        residents={2006: 1862, 2012: 1835, 2018: 1790, 2024: 1735},
        k1=by_year([42.2, 42.8, 42.0, 42.9, 43.5, 42.6, 41.9, 41.6, 40.4, 38.8, 40.6, 42.0, 41.6,
                    42.0, 43.4, 44.6, 42.5, 41.8, 41.2]),
        k2={2006: 2.45, 2012: 2.40, 2016: 2.45, 2019: 2.60, 2020: 2.64, 2021: 2.50, 2024: 2.35},
        grund={2006: 45.0, 2024: 41.5}, uoplyst={2006: 8.5, 2024: 6.5},
        k4={2006: 54.0, 2012: 53.8, 2016: 53.6, 2019: 54.0, 2021: 54.2, 2022: 55.6, 2023: 56.4,
            2024: 56.8},
        k5={2006: 34.0, 2012: 38.0, 2018: 41.0, 2024: 40.0},
        pinned={"k2": {2019, 2020}, "k4": {2021, 2022, 2023}},
        noise={"residents": 0.004, "k1": 0, "k2": 0.08, "grund": 0.4, "uoplyst": 0.2, "k4": 0.2,
               "k5": 0.5}),
    "vangdalen": Plan(   # worse than the contrast area, never near two criteria
        residents={2006: 905, 2024: 930},
        k1={2006: 33.5, 2010: 35.0, 2012: 34.0, 2016: 32.0, 2020: 33.5, 2024: 31.0},
        k2={2006: 1.9, 2024: 1.6}, grund={2006: 38.0, 2024: 35.0}, uoplyst={2006: 7.0, 2024: 6.0},
        k4={2006: 65.0, 2024: 66.0}, k5={2006: 21.0, 2024: 26.0}),
    # Hermann Stillingsvej: K1 rises above 40 from 2018; K2 jumps in 2022; residents
    # fall from just over 1,000 (1.1.2022) to below 1,000 (1.1.2023).
    "hermann_stillingsvej": Plan(
        residents={2006: 1078, 2012: 1060, 2018: 1041, 2021: 1026, 2022: 1013, 2023: 986,
                   2024: 972},
        k1=by_year([36.2, 36.8, 36.0, 37.1, 37.9, 37.4, 37.0, 38.1, 38.4, 37.8, 38.8, 39.5, 41.2,
                    42.6, 44.4, 45.8, 43.9, 44.8, 45.2]),
        k2={2006: 2.20, 2012: 2.30, 2018: 2.35, 2019: 2.40, 2020: 2.45, 2021: 2.60, 2022: 3.30,
            2023: 3.10, 2024: 2.90},
        grund={2006: 40.0, 2024: 38.0}, uoplyst={2006: 7.5, 2024: 6.0},
        k4={2006: 59.0, 2024: 58.0}, k5={2006: 22.0, 2024: 27.0},
        pinned={"residents": {2021, 2022, 2023, 2024}, "k2": {2020, 2021, 2022}}),
    "energivej": Plan(   # forebyggelse from 2021: K5 > 30, K1 > 30 and K4 < 65
        residents={2006: 1205, 2024: 1180},
        k1={2006: 35.0, 2012: 36.5, 2016: 35.5, 2020: 37.8, 2021: 38.2, 2024: 36.0},
        k2={2006: 1.8, 2024: 1.9}, grund={2006: 41.0, 2024: 39.0}, uoplyst={2006: 7.5, 2024: 6.5},
        k4={2006: 60.0, 2024: 61.0}, k5={2006: 30.5, 2012: 33.0, 2024: 37.0}),
    "romaltparken": Plan(   # K3 incl. uoplyst > 50 is its only 2013-regime criterion
        residents={2006: 1480, 2024: 1530},
        k1={2006: 34.5, 2012: 35.5, 2018: 34.0, 2024: 32.5},
        k2={2006: 1.9, 2024: 1.7}, grund={2006: 44.0, 2024: 42.6}, uoplyst={2006: 8.5, 2024: 7.5},
        k4={2006: 61.0, 2024: 62.0}, k5={2006: 22.0, 2024: 27.0}),
    # Kristrupvænget: the deliberate boundary example, K3 = 60.0 % exactly on the 2020
    # list (data year 2019) while K1 > 40: one criterion, not two.
    "kristrupvaenget": Plan(
        residents={2006: 1072, 2015: 1055, 2024: 1040},
        k1=by_year([36.5, 37.0, 36.2, 37.4, 37.9, 37.2, 36.8, 37.5, 38.0, 37.6, 38.2, 37.9, 41.4,
                    41.0, 38.2, 38.6, 37.8, 37.1, 36.9]),
        k2={2006: 1.6, 2024: 1.5},
        grund={2006: 56.0, 2012: 57.5, 2017: 58.0, 2018: 58.5, 2019: 60.0, 2020: 58.8, 2024: 57.0},
        uoplyst={2006: 5.5, 2024: 4.5}, k4={2006: 63.0, 2024: 64.0}, k5={2006: 18.0, 2024: 21.0},
        pinned={"grund": {2018, 2019, 2020}},
        noise={"residents": 0.004, "k1": 0, "k2": 0.08, "grund": 0.4, "uoplyst": 0.25, "k4": 0.3,
               "k5": 0.5}),
    "dronningborg_have": Plan(   # the popular contrast area
        residents={2006: 968, 2012: 990, 2024: 1012},
        k1={2006: 12.5, 2012: 13.5, 2018: 11.0, 2024: 10.5},
        k2={2006: 0.55, 2024: 0.45}, grund={2006: 18.0, 2024: 15.0}, uoplyst={2006: 5.0, 2024: 4.0},
        k4={2006: 93.0, 2024: 96.0}, k5={2006: 4.5, 2024: 6.0}),
}
# The K3 of Kristrupvænget in data year 2019 is made exact: grundskole/30-59 = 3/5.
EXACT_GRUND = {("kristrupvaenget", 2019): Fraction(3, 5)}


def single_afdeling_plan(afd: str, residents_2006: int, like: str | None = None) -> Plan:
    """A plausible plan for one afdeling: like an area's profile, or a random Randers one."""
    rng = random.Random(f"{SEED}|profile|{afd}")
    if like:
        base = PLANS[like]
        shift = rng.uniform(-1.5, 1.5)

        def near(series: dict) -> dict:
            first, last = series[min(series)], series[max(series)]
            return {2006: first + shift, 2024: last + shift}
        return Plan(residents={2006: residents_2006, 2024: residents_2006 * rng.uniform(0.95, 1.06)},
                    k1=near(base.k1), k2={2006: 1.9, 2024: 1.8}, grund=near(base.grund),
                    uoplyst=near(base.uoplyst), k4=near(base.k4), k5=near(base.k5))
    k1 = rng.uniform(14, 34)
    return Plan(residents={2006: residents_2006, 2024: residents_2006 * rng.uniform(0.9, 1.1)},
                k1={2006: k1, 2024: k1 + rng.uniform(-3, 2)}, k2={2006: rng.uniform(0.8, 2.0),
                                                                  2024: rng.uniform(0.7, 1.8)},
                grund={2006: rng.uniform(22, 42), 2024: rng.uniform(20, 40)},
                uoplyst={2006: rng.uniform(4, 8), 2024: rng.uniform(4, 7)},
                k4={2006: rng.uniform(66, 88), 2024: rng.uniform(66, 90)},
                k5={2006: rng.uniform(4, 22), 2024: rng.uniform(6, 26)})


def planned_units() -> list[tuple[str, list[tuple[str, float]], Plan]]:
    """(unit id, [(afdeling, weight)], plan) for every afdeling in the data set."""
    units = [(area, members, PLANS[area]) for area, (_, members) in AREAS.items()]
    units.append(("112-0068", [("112-0068", 1)], single_afdeling_plan("112-0068", 236, "vangdalen")))
    units.append(("112-0075", [("112-0075", 1)], single_afdeling_plan("112-0075", 228, "energivej")))
    units += [(a, [(a, 1)], single_afdeling_plan(a, n)) for a, n in OUTSIDE.items()]
    return units


def yearly(anchors: dict, noise: float, key: str, pinned=frozenset()) -> dict[int, float]:
    """The anchors interpolated over YEARS, plus seeded noise outside the pinned years."""
    rng = random.Random(f"{SEED}|noise|{key}")
    known = sorted(anchors)
    out = {}
    for y in YEARS:
        lo = max([k for k in known if k <= y], default=known[0])
        hi = min([k for k in known if k >= y], default=known[-1])
        value = anchors[lo] if lo == hi else anchors[lo] + (anchors[hi] - anchors[lo]) * (y - lo) / (hi - lo)
        jitter = rng.uniform(-noise, noise)   # drawn every year so streams stay aligned
        out[y] = value if (y in pinned or len(anchors) == len(YEARS)) else value + jitter
    return out


# --------------------------------------------------------------------------- splitting
def allocate(total: int, weights: list[float], caps: list[int] | None = None) -> list[int]:
    """Split an integer total into integers proportional to weights (largest remainder),
    never above caps; the parts always sum to the total."""
    parts, free, rest = [0] * len(weights), [i for i, w in enumerate(weights) if w > 0], total
    while rest:
        if not free:
            raise ValueError(f"cannot place {rest} under the caps")
        wsum = sum(weights[i] for i in free)
        ideal = [rest * weights[i] / wsum for i in free]
        base = [math.floor(x) for x in ideal]
        for k in sorted(range(len(free)), key=lambda k: (base[k] - ideal[k], k))[: rest - sum(base)]:
            base[k] += 1
        for k, i in enumerate(free):
            parts[i] += base[k]
        rest = 0
        if caps:
            for i in free:
                if parts[i] > caps[i]:
                    rest, parts[i] = rest + parts[i] - caps[i], caps[i]
            free = [i for i in free if parts[i] < caps[i]]
    return parts


@dataclass
class Profile:
    """How one afdeling differs from its area: age structure and relative rates."""
    a18: float
    a1864: float
    a3059: float
    tax: float           # taxpayers 15-64 excl. students per resident 18-64
    factor: dict         # rate multipliers for the numerators


def profile(afd: str) -> Profile:
    rng = random.Random(f"{SEED}|afdeling|{afd}")
    return Profile(a18=rng.uniform(0.71, 0.79), a1864=rng.uniform(0.56, 0.63),
                   a3059=rng.uniform(0.33, 0.39), tax=rng.uniform(0.88, 0.95),
                   factor={m: rng.uniform(0.82, 1.18) for m in ("k1", "k2", "grund", "uoplyst",
                                                                "k4", "k5")})


def build_truth() -> dict[tuple[str, int, str], int]:
    """Final value of every (afdeling, data year, maal); uden_tilknytning in tenths."""
    regional = regional_income()[REGION]
    truth = {}
    for unit, members, plan in planned_units():
        s = {name: yearly(getattr(plan, name), plan.noise[name] * (getattr(plan, name)[min(getattr(plan, name))]
                                                                   if name == "residents" else 1),
                          f"{unit}|{name}", plan.pinned.get(name, frozenset()))
             for name in ("residents", "k1", "k2", "grund", "uoplyst", "k4", "k5")}
        afds = [a for a, _ in members]
        profs = [profile(a) for a in afds]
        for y in YEARS:
            rng = random.Random(f"{SEED}|split|{unit}|{y}")
            # residents drift a little between afdelinger from year to year
            res = allocate(round(s["residents"][y]), [w * rng.uniform(0.98, 1.02) for _, w in members])
            b18 = [round(r * (p.a18 + rng.uniform(-0.01, 0.01))) for r, p in zip(res, profs)]
            b1864 = [round(r * (p.a1864 + rng.uniform(-0.01, 0.01))) for r, p in zip(res, profs)]
            b3059 = [round(r * (p.a3059 + rng.uniform(-0.01, 0.01))) for r, p in zip(res, profs)]
            exact = EXACT_GRUND.get((unit, y))
            while exact and sum(b3059) % exact.denominator:   # make the exact share reachable
                b3059[b3059.index(max(b3059))] += 1
            tax = [round(b * p.tax) for b, p in zip(b1864, profs)]

            def split(rate_pct: float, denominators: list[int], key: str, scale: int = 1,
                      caps: list[int] | None = None) -> list[int]:
                total = round(rate_pct / 100 * sum(denominators) * scale)
                weights = [d * p.factor[key] for d, p in zip(denominators, profs)]
                return allocate(total, weights, caps or [d * scale for d in denominators])

            u10 = split(s["k1"][y], b1864, "k1", scale=10)
            domte = split(s["k2"][y], b18, "k2")
            if exact:
                grund = allocate(int(exact * sum(b3059)), [d * p.factor["grund"] for d, p in zip(b3059, profs)], b3059)
            else:
                grund = split(s["grund"][y], b3059, "grund")
            uoplyst = split(s["uoplyst"][y], b3059, "uoplyst", caps=[d - g for d, g in zip(b3059, grund)])
            income_total = round(s["k4"][y] / 100 * regional[y] * sum(tax))
            income = allocate(income_total, [t * p.factor["k4"] for t, p in zip(tax, profs)])
            ikkevestlige = split(s["k5"][y], res, "k5")
            for i, afd in enumerate(afds):
                for maal, v in zip(MAAL, (res[i], b1864[i], u10[i], b18[i], domte[i], b3059[i],
                                          grund[i], uoplyst[i], tax[i], income[i], ikkevestlige[i])):
                    truth[(afd, y, maal)] = v
    return truth


# --------------------------------------------------------------------------- deliveries
# DST "diskretionering": small cells shown as ".." in every delivery that contains them.
SUPPRESSED = {("190-0126", 2013, "domte_18plus"), ("190-0126", 2014, "domte_18plus"),  # Romaltparken
              ("040-0007", 2010, "ikkevestlige"), ("040-0007", 2011, "ikkevestlige"),  # contrast area
              ("112-0040", 2017, "domte_18plus"),                                      # Glarbjergvej
              ("075-0003", 2019, "domte_18plus")}                                      # outside any area
DELIVERIES = [  # (file name, data years, layout)
    ("kaas_randers_2016-11-01.xlsx", range(2006, 2016), "wide"),
    ("kaas_randers_2021-11-01.xlsx", range(2011, 2021), "wide"),
    ("kaas_randers_2025-11-03.csv", range(2015, 2025), "long_labels"),
]
# Pre-revision values: (afdeling, year, maal) -> {older file: value minus final value}.
REVISED = {
    ("027-0051", 2013, "beboere_18_64"): {"kaas_randers_2016-11-01.xlsx": 2},
    ("040-0014", 2012, TENTHS): {"kaas_randers_2016-11-01.xlsx": -13},
    ("112-0090", 2014, "bruttoindkomst_15_64"): {"kaas_randers_2016-11-01.xlsx": -412_000},
    ("190-0121", 2011, "ikkevestlige"): {"kaas_randers_2016-11-01.xlsx": 1},
    ("112-0061", 2014, "domte_18plus"): {"kaas_randers_2016-11-01.xlsx": -1},
    ("027-0027", 2015, TENTHS): {"kaas_randers_2016-11-01.xlsx": 8, "kaas_randers_2021-11-01.xlsx": 3},
    ("112-0072", 2018, "beboere_30_59"): {"kaas_randers_2021-11-01.xlsx": -2},
    ("075-0009", 2019, "skattepligtige_15_64"): {"kaas_randers_2021-11-01.xlsx": 3},
    ("040-0052", 2020, "beboere"): {"kaas_randers_2021-11-01.xlsx": 1},
}
# The long CSV names its measures in its own Danish words (mapped by kaas/labels.yaml).
DANISH_LABELS = {
    "beboere": "Beboere i alt",
    "beboere_18_64": "Beboere 18-64 år",
    "uden_tilknytning_18_64": "18-64-årige uden tilknytning til arbejdsmarked eller uddannelse (fuldtidspersoner)",
    "beboere_18plus": "Beboere 18 år og derover",
    "domte_18plus": "Dømte 18 år og derover (straffeloven, våbenloven, lov om euforiserende stoffer)",
    "beboere_30_59": "Beboere 30-59 år",
    "grundskole_30_59": "30-59-årige med grundskole som højeste uddannelse",
    "uoplyst_udd_30_59": "30-59-årige med uoplyst uddannelse",
    "skattepligtige_15_64": "Skattepligtige 15-64 år ekskl. studerende",
    "bruttoindkomst_15_64": "Bruttoindkomst i alt for skattepligtige 15-64 år (kr.)",
    "ikkevestlige": "Indvandrere og efterkommere fra ikke-vestlige lande",
}


def delivered_value(truth: dict, key: tuple, file: str) -> int | str:
    if key in SUPPRESSED:
        return ".."
    return truth[key] + REVISED.get(key, {}).get(file, 0)


def write_wide_xlsx(path: Path, truth: dict, years: range, notes_sheet: bool) -> None:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": False})
    wb.set_properties({"title": "KÅS - almene boligafdelinger i Randers Kommune",
                       "author": "Danmarks Statistik (syntetiske eksempeldata)", "created": XLSX_CREATED})
    ws = wb.add_worksheet("KAAS")
    bold = wb.add_format({"bold": True})
    delivered = re.search(r"\d{4}-\d{2}-\d{2}", path.name).group(0)
    titles = [f"KÅS - almene boligafdelinger i Randers Kommune, 10-årsserie {years[0]}-{years[-1]}",
              "Kilde: Danmarks Statistik, særkørsel for Bysekretariatet Randers (SYNTETISKE EKSEMPELDATA)",
              "Bestande pr. 1. januar; beskæftigelse, domme og indkomst for hele kalenderåret. "
              "'..' = diskretioneret (for få personer).",
              f"Leveret {delivered}"]
    for r, text in enumerate(titles):
        ws.write(r, 0, text, bold if r == 0 else None)
    header = len(titles) + 1          # one blank row between the notes and the header
    ws.write_row(header, 0, ["afdeling_id", "maal", *years], bold)
    row = header + 1
    for afd in all_afdelinger():
        for maal in MAAL:
            ws.write(row, 0, afd)
            ws.write(row, 1, maal)
            for c, y in enumerate(years, start=2):
                v = delivered_value(truth, (afd, y, maal), path.name)
                if v == "..":
                    ws.write_string(row, c, v)
                else:
                    ws.write_number(row, c, v / 10 if maal == TENTHS else v)
            row += 1
    ws.set_column(0, 1, 24)
    if notes_sheet:
        notes = wb.add_worksheet("Noter")
        for r, text in enumerate(["Noter til leverancen",
                                  "Tal for tidligere år kan være revideret i forhold til tidligere leverancer.",
                                  "Uden tilknytning opgøres i fuldtidspersoner med én decimal."]):
            notes.write(r, 0, text)
    wb.close()


def write_long_csv(path: Path, truth: dict, years: range) -> None:
    """afdeling_id;aar;maal;vaerdi in Windows-1252, decimal comma, CRLF, Danish measure names."""
    lines = ["afdeling_id;aar;maal;vaerdi"]
    for afd in all_afdelinger():
        for y in years:
            for maal in MAAL:
                v = delivered_value(truth, (afd, y, maal), path.name)
                text = v if v == ".." else (f"{v // 10},{v % 10}" if maal == TENTHS else str(v))
                lines.append(f"{afd};{y};{DANISH_LABELS[maal]};{text}")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


def write_labels_yaml(path: Path) -> None:
    body = ["# Measure names used by kaas_randers_2025-11-03.csv -> maal codes (contract.md).",
            "labels:"]
    body += [f'  "{label}": {maal}' for maal, label in DANISH_LABELS.items()]
    path.write_text("\n".join(body) + "\n", encoding="utf-8")


def all_afdelinger() -> list[str]:
    return sorted({a for _, members, _ in planned_units() for a, _ in members})


# --------------------------------------------------------------------------- areas, references
def membership_rows() -> list[tuple[str, str, int, int | None]]:
    rows = [(area, afd, 2006, None) for area, (_, members) in AREAS.items() for afd, _ in members]
    return sorted(rows + MOVERS)


def write_areas(out: Path) -> None:
    d = out / "areas"
    d.mkdir(parents=True)
    lines = ["area_id;area_name;municipality_code;region_code"]
    lines += [f"{a};{name};{MUNICIPALITY};{REGION}" for a, (name, _) in AREAS.items()]
    (d / "areas.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = ["area_id;afdeling_id;valid_from;valid_to"]
    lines += [f"{a};{afd};{f};{'' if t is None else t}" for a, afd, f, t in membership_rows()]
    (d / "membership.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (d / "areas.geojson").write_text(json.dumps(area_geojson(), ensure_ascii=False, indent=1) + "\n",
                                     encoding="utf-8")


# Grid cells (column, row) of 0.02 deg lon x 0.0125 deg lat from (10.0, 56.44): Nordby north.
AREA_CELLS = {"gl_jennumparken": (1, 3), "glarbjergvej": (2, 3), "vangdalen": (3, 3),
              "hermann_stillingsvej": (0, 2), "energivej": (4, 2), "romaltparken": (4, 0),
              "kristrupvaenget": (3, 1), "dronningborg_have": (1, 1)}


def area_geojson() -> dict:
    """One simple irregular polygon per area, each inside its own grid cell (so none
    overlap), exterior ring counter-clockwise as RFC 7946 says."""
    features = []
    for area, (col, row) in AREA_CELLS.items():
        rng = random.Random(f"{SEED}|shape|{area}")
        cx, cy = 10.0 + 0.02 * (col + 0.5), 56.44 + 0.0125 * (row + 0.5)
        n = rng.randint(6, 8)
        ring = []
        for k in range(n):   # increasing angle = counter-clockwise
            ang = 2 * math.pi * (k + rng.uniform(-0.2, 0.2)) / n
            rad = rng.uniform(0.55, 0.8)
            ring.append([round(cx + 0.01 * rad * math.cos(ang), 6),
                         round(cy + 0.00625 * rad * math.sin(ang), 6)])
        ring.append(ring[0])
        features.append({"type": "Feature",
                         "properties": {"area_id": area, "area_name": AREAS[area][0]},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    return {"type": "FeatureCollection", "features": features}


def write_references(out: Path) -> None:
    d = out / "reference"
    d.mkdir(parents=True)
    lines = ["aar;maal;vaerdi"] + [f"{y};domte_andel_18plus;{v.replace('.', ',')}"
                                   for y, v in NATIONAL_DOMTE.items()]
    (d / "national.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = ["region_code;aar;maal;vaerdi"]
    lines += [f"{r};{y};gns_bruttoindkomst_15_64;{v}" for r, ys in regional_income().items()
              for y, v in ys.items()]
    (d / "regional.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = ["area_id;year;status"] + [f"{a};{y};{s}" for a, y, s in sorted(designed_statuses())]
    (d / "official_status.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def designed_statuses() -> set[tuple[str, int, str]]:
    """The list statuses the plan aims for, written as reference/official_status.csv
    ("ghettoområde" 2010-2017 reported as parallelsamfund, contract.md)."""
    s = set()
    s |= {("gl_jennumparken", y, "parallelsamfund") for y in range(2013, 2017)}
    s |= {("glarbjergvej", y, "parallelsamfund") for y in range(2013, 2016)}
    s |= {("gl_jennumparken", y, "udsat") for y in range(2018, 2025)}
    s |= {("glarbjergvej", y, "udsat") for y in range(2018, 2023)}
    s |= {("glarbjergvej", y, "forebyggelsesomraade") for y in (2023, 2024)}
    s |= {("energivej", y, "forebyggelsesomraade") for y in range(2021, 2025)}
    # kombineret udlejning: >= 1,000 residents and K1 of data year L-1 >= 40 %
    s |= {(a, y, "kombineret_udlejning") for a in ("gl_jennumparken", "glarbjergvej")
          for y in LIST_YEARS if y != 2016}
    s |= {("hermann_stillingsvej", y, "kombineret_udlejning") for y in range(2019, 2023)}
    s |= {("kristrupvaenget", y, "kombineret_udlejning") for y in (2019, 2020)}
    return s


# --------------------------------------------------------------------------- surveys
SAFETY = [(1, "Meget tryg"), (2, "Tryg"), (3, "Hverken tryg eller utryg"), (4, "Utryg"),
          (5, "Meget utryg"), (9, "Ved ikke")]
SATISFACTION = [(1, "Meget tilfreds"), (2, "Tilfreds"), (3, "Hverken tilfreds eller utilfreds"),
                (4, "Utilfreds"), (5, "Meget utilfreds"), (9, "Ved ikke")]
MORE_SAFE = ["Bedre belysning på stier og parkeringspladser", "Flere voksne og naboer ude om aftenen",
             "Mere synligt politi", "Færre grupper af unge i opgange og kældre",
             "Bedre vedligeholdelse; oprydning af affald og hærværk", "Andet"]
COMMENTS = [
    "Der mangler lys på stien ned mod busstoppestedet, det er helt mørkt om vinteren.",
    "Jeg er glad for at bo her, men der er for meget larm fra knallerter om aftenen.",
    "Godt at der er kommet en boligsocial medarbejder i området.",
    "Opgangen bliver ikke gjort ordentligt rent.",
    "Der samles unge ved indkørslen til p-pladsen, og det gør mig utryg.",
    "Dejlige naboer; vi hjælper hinanden.",
    "Mere politi, tak.",
    "Legepladsen trænger til at blive renoveret.",
    "Jeg tør ikke gå ud efter kl. 22.",
    "Fint område, men der er for meget hærværk i cykelkælderen.",
    "Vi savner et beboerhus med aktiviteter for de ældre.",
    "Affaldsøerne flyder tit over, især i weekenden.",
    "Det er blevet meget bedre de sidste par år.",
    "Bussen kører for sjældent om aftenen.",
    "Jeg føler mig selv tryg, men min datter gør ikke.",
    "Viceværten er altid hjælpsom.",
    "Huslejen er for høj i forhold til standarden.",
    "Der er brug for bedre udendørsbelysning ved garagerne.",
    "Min bil er blevet brudt op to gange i år.",
    "Naboskabet er godt, især om sommeren.",
    "Jeg ville ønske, at der var flere aktiviteter for børn og unge.",
    "Nej",
    "Ingen kommentarer",
    "For mange overholder ikke husordenen, fx hunde uden snor på legepladsen.",
    "Tak for en god undersøgelse.",
    "Skønt med de nye altaner.",
    "Renoveringen har gjort området pænere, men stierne er stadig mørke.",
    "Jeg har boet her i 30 år og har aldrig haft problemer.",
    "Kunne godt tænke mig, at der kom en fritidsklub igen.",
    "Svært at komme i kontakt med boligforeningen, når noget er i stykker.",
    "Der køres alt for stærkt på vejen gennem bebyggelsen.",
    "Jeg kender ikke mine naboer, folk flytter hele tiden.",
]
MARKER_COMMENT = f"Ring gerne til mig om belysningen ved blok 4 ({MARKER}), så fortæller jeg mere."


@dataclass
class Wave:
    wave_id: str
    title: str
    style: str                 # semicolon_ansi | tab_utf16 | comma_utf8
    area_mode: str             # codes | afdeling | area_id
    names: dict                # role -> variable name in this export
    areas: dict                # area -> (invited, answers 1-5, of which 4-5, "ved ikke", blank)
    drop: list = field(default_factory=list)


WAVES = [
    Wave("2010", "Beboerundersøgelse 2010 – otte boligområder i Randers", "semicolon_ansi", "codes",
         {"area": "omraade", "sex": "koen", "age": "alder", "years": "boet", "satisfaction": "tilfreds_bolig",
          "safety": "tryg_aften", "more": "mere_tryg", "comment": "kommentar"},
         {"gl_jennumparken": (540, 210, 50, 9, 6), "glarbjergvej": (690, 240, 52, 10, 7),
          "vangdalen": (390, 125, 45, 6, 4), "hermann_stillingsvej": (430, 150, 21, 5, 5),
          "energivej": (560, 170, 24, 7, 5), "romaltparken": (610, 180, 22, 8, 6),
          "kristrupvaenget": (420, 140, 17, 6, 3), "dronningborg_have": (400, 185, 7, 6, 4)}),
    Wave("2012", "Beboerundersøgelse 2012 – Randers Nordby", "tab_utf16", "afdeling",
         {"area": "afdeling", "sex": "s_1", "age": "s_2", "years": "s_3", "satisfaction": "s_4",
          "safety": "s_5", "more": "m_6", "comment": "s_7"},
         {"gl_jennumparken": (560, 230, 43, 8, 5), "glarbjergvej": (700, 260, 44, 11, 6),
          "vangdalen": (470, 150, 41, 7, 5)}),
    Wave("2023", "Tryghedsmåling 2023 – boligområder i Randers", "comma_utf8", "area_id",
         {"area": "omraade", "email": "email", "sex": "s_1", "age": "s_2", "safety": "s_3",
          "satisfaction": "s_4", "more": "m_5", "comment": "s_6"},
         {"gl_jennumparken": (250, 96, 22, 5, 3), "glarbjergvej": (320, 118, 21, 5, 3),
          "vangdalen": (200, 74, 12, 4, 2), "hermann_stillingsvej": (120, 41, 17, 2, 1),
          "energivej": (95, 31, 6, 2, 1), "kristrupvaenget": (20, 7, 2, 1, 0)},
         drop=["email"]),
]


def wave_questions(w: Wave) -> list[dict]:
    """The export's variables in column order: background first, open texts last."""
    n = w.names
    qs = [{"var": "respondentid", "kind": "open", "text": "Baggrundsdata - respondent-id"}]
    if w.area_mode == "codes":
        qs.append({"var": n["area"], "kind": "single", "text": "Hvilket boligområde bor du i?",
                   "choices": [(i, AREAS[a][0]) for i, a in enumerate(w.areas, start=1)]})
    else:
        qs.append({"var": n["area"], "kind": "open", "text": "Baggrundsdata - " +
                   ("afdeling" if w.area_mode == "afdeling" else "boligområde")})
    if "email" in n:
        qs.append({"var": n["email"], "kind": "open", "text": "Kontaktoplysninger - e-mail"})
    qs.append({"var": n["sex"], "kind": "single", "text": "Er du mand eller kvinde?",
               "choices": [(1, "Mand"), (2, "Kvinde")]})
    qs.append({"var": n["age"], "kind": "single", "text": "Hvor gammel er du?",
               "choices": [(1, "18-29 år"), (2, "30-49 år"), (3, "50-66 år"), (4, "67 år eller derover")]})
    if "years" in n:
        qs.append({"var": n["years"], "kind": "single", "text": "Hvor længe har du boet i dit boligområde?",
                   "choices": [(1, "Under 1 år"), (2, "1-5 år"), (3, "6-10 år"), (4, "Mere end 10 år")]})
    safety = {"var": n["safety"], "kind": "single", "choices": SAFETY,
              "text": "Hvor tryg eller utryg føler du dig ved at færdes i dit boligområde om aftenen?"}
    satisfaction = {"var": n["satisfaction"], "kind": "single", "choices": SATISFACTION,
                    "text": "Hvor tilfreds er du alt i alt med din bolig?"}
    qs += [safety, satisfaction] if w.wave_id == "2023" else [satisfaction, safety]
    qs.append({"var": n["more"], "kind": "multiple", "choices": list(enumerate(MORE_SAFE, start=1)),
               "text": "Hvad ville få dig til at føle dig mere tryg i dit boligområde? (flere svar er mulige)"})
    qs.append({"var": n["comment"], "kind": "open",
               "text": "Har du andre kommentarer til tryghed og trivsel i dit boligområde?"})
    return qs


def safety_answers(n: int, pos: int, dk: int, blank: int, contrast: bool) -> list[int | None]:
    c4 = round(pos * 0.65)
    low = allocate(n - pos, [55, 38, 7] if contrast else [28, 46, 26])
    return [1] * low[0] + [2] * low[1] + [3] * low[2] + [4] * c4 + [5] * (pos - c4) + [9] * dk + [None] * blank


def wave_respondents(w: Wave, truth: dict) -> list[dict]:
    rng = random.Random(f"{SEED}|survey|{w.wave_id}")
    n = w.names
    people = []
    for code, (area, (_, n_ans, n_pos, n_dk, n_blank)) in enumerate(w.areas.items(), start=1):
        answers = safety_answers(n_ans, n_pos, n_dk, n_blank, area == "dronningborg_have")
        rng.shuffle(answers)
        if w.area_mode == "afdeling":   # spread over the afdelinger valid in the wave year
            afds = [afd for a, afd, f, t in membership_rows()
                    if a == area and f <= int(w.wave_id) and (t is None or t >= int(w.wave_id))]
            counts = allocate(len(answers), [truth[(afd, int(w.wave_id), "beboere")] for afd in afds])
            where = [afd for afd, c in zip(afds, counts) for _ in range(c)]
            rng.shuffle(where)
        for i, safety in enumerate(answers):
            p = {n["area"]: {"codes": code, "afdeling": None, "area_id": area}[w.area_mode]}
            if w.area_mode == "afdeling":
                p[n["area"]] = where[i]
            p[n["sex"]] = None if rng.random() < 0.03 else rng.choice([1, 2])
            p[n["age"]] = rng.choices([1, 2, 3, 4], [12, 30, 30, 28])[0]
            if "years" in n:
                p[n["years"]] = rng.choices([1, 2, 3, 4, None], [8, 30, 22, 37, 3])[0]
            p[n["safety"]] = safety
            # people who feel unsafe tend to be less satisfied with their dwelling
            mood = 2 if safety in (None, 9) else safety
            p[n["satisfaction"]] = rng.choices([min(5, max(1, mood + rng.choice([-1, 0, 0, 1]))), 9, None],
                                               [90, 5, 5])[0]
            for k in range(1, len(MORE_SAFE) + 1):
                p[f"{n['more']}_{k}"] = int(rng.random() < (0.35 if k < 6 else 0.06))
            p[n["comment"]] = rng.choice(COMMENTS) if rng.random() < 0.3 else ""
            if "email" in n:
                p[n["email"]] = f"beboer{rng.randint(1000, 9999)}@example.dk" if rng.random() < 0.6 else ""
            people.append(p)
    rng.shuffle(people)
    people[len(people) // 3][n["comment"]] = MARKER_COMMENT   # exactly one planted marker
    for i, p in enumerate(people):
        p["respondentid"] = str(int(w.wave_id) * 1000 + 101 + i * 3)
    return people


def write_wave(out: Path, w: Wave, truth: dict) -> None:
    d = out / "survey" / w.wave_id
    d.mkdir(parents=True)
    qs, people = wave_questions(w), wave_respondents(w, truth)
    columns = []
    for q in qs:
        columns += [f"{q['var']}_{c}" for c, _ in q["choices"]] if q["kind"] == "multiple" else [q["var"]]
    open_vars = {q["var"] for q in qs if q["kind"] == "open"}
    structure, labels = [], []
    for q in qs:
        kind = {"single": ("Closed", "Single"), "multiple": ("Closed", "Multiple"), "open": ("Open", "String")}
        qt, st = kind[q["kind"]]
        if q["kind"] == "multiple":
            for c, text in q["choices"]:
                # SurveyXact writes a spurious trailing empty column on multiple-choice rows
                # (fixture comma_ansi); kept here in the semicolon and comma exports.
                extra = [("", False)] if w.style != "tab_utf16" else []
                structure.append([(q["var"], False), (f"{q['var']}_{c}", False), (qt, False), (st, False),
                                  (q["text"], True), (str(c), False), (text, True), *extra])
                labels += [[(f"{q['var']}_{c}", True), ("0", False), ("Ikke valgt", True)],
                           [(f"{q['var']}_{c}", True), ("1", False), ("Valgt", True)]]
        else:
            structure.append([(q["var"], False), (q["var"], False), (qt, False), (st, False),
                              (q["text"], True), ("", False), ("", False)])
            labels += [[(q["var"], True), (str(c), False), (text, True)] for c, text in q.get("choices", [])]
    data = [[(c, False) for c in columns]]
    for p in people:
        row = []
        for c in columns:
            v = p.get(c)
            row.append(("" if v is None else str(v), c in open_vars))
        data.append(row)
    header = [("questionName", False), ("variableName", False), ("questionType", False), ("subType", False),
              ("questionText", False), ("choiceValue", False), ("choiceText", False)]
    for name, rows in (("dataset.csv", data), ("structure.csv", [header] + structure), ("labels.csv", labels)):
        (d / name).write_bytes(encode_export(rows, w.style))
    meta = {"wave_id": w.wave_id, "year": int(w.wave_id), "title": w.title, "area_variable": w.names["area"],
            "items": {w.names["safety"]: "evening_safety"},
            "invited": {a: spec[0] for a, spec in w.areas.items()}}
    if w.area_mode == "codes":
        meta["area_codes"] = {str(i): a for i, a in enumerate(w.areas, start=1)}
    if w.drop:
        meta["drop_variables"] = w.drop
    (d / "wave.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def encode_export(rows: list[list[tuple[str, bool]]], style: str) -> bytes:
    """Rows of (text, is_text_field) in one of SurveyXact's three export dialects."""
    if style == "comma_utf8":   # like the fixture's comma export: text fields always quoted
        lines = [",".join('"' + v.replace('"', '""') + '"' if quoted else v for v, quoted in r) for r in rows]
        return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")
    delim, newline, enc = (";", "\n", "cp1252") if style == "semicolon_ansi" else ("\t", "\r\n", "utf-16-le")
    buf = io.StringIO()
    csv.writer(buf, delimiter=delim, lineterminator=newline).writerows([[v for v, _ in r] for r in rows])
    body = buf.getvalue().encode(enc)
    return b"\xff\xfe" + body if enc == "utf-16-le" else body


# --------------------------------------------------------------------------- generate
def generate(out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    truth = build_truth()
    write_areas(out)
    (out / "kaas").mkdir()
    for name, years, layout in DELIVERIES:
        if layout == "wide":
            write_wide_xlsx(out / "kaas" / name, truth, years, notes_sheet=name.startswith("kaas_randers_2021"))
        else:
            write_long_csv(out / "kaas" / name, truth, years)
    write_labels_yaml(out / "kaas" / "labels.yaml")
    write_references(out)
    for w in WAVES:
        write_wave(out, w, truth)


# =========================================================================== check
# Everything below reads the *written files* with its own small readers and recomputes
# the list figures in exact fractions; it never looks at the in-memory plan.
SUPPRESSED_CELL = ".."


def decode_text(raw: bytes) -> str:
    """UTF-16 (BOM), UTF-8 (with or without BOM), else Windows-1252: detected, not assumed."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def read_table(path: Path) -> list[list[str]]:
    text = decode_text(path.read_bytes())
    first = text.splitlines()[0]
    delim = max([";", "\t", ","], key=first.count)
    return [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=delim) if r]


def parse_number(text: str, maal: str) -> int:
    """A delivered value as an integer (uden_tilknytning as tenths); decimal comma or point."""
    value = Fraction(text.strip().replace(",", "."))
    value = value * 10 if maal == TENTHS else value
    if value.denominator != 1:
        raise ValueError(f"{text!r} is not a whole number of {'tenths' if maal == TENTHS else 'units'}")
    return int(value)


def read_kaas(root: Path) -> tuple[dict, list]:
    """Final (afdeling, aar, maal) -> int or '..' over all dated deliveries, and revisions."""
    labels = yaml.safe_load((root / "kaas" / "labels.yaml").read_text(encoding="utf-8"))["labels"]
    dated = []
    for path in sorted((root / "kaas").iterdir()):
        if path.suffix not in (".csv", ".xlsx"):
            continue
        cells = {}
        if path.suffix == ".xlsx":
            sheet = fastexcel.read_excel(str(path)).load_sheet(0, header_row=None, dtypes="string")
            rows = [[("" if v is None else str(v)) for v in r] for r in sheet.to_polars().rows()]
            h = next(i for i, r in enumerate(rows) if r[0].strip().lower() == "afdeling_id")
            assert h <= 10, f"{path.name}: more than 10 title rows"
            years = [int(float(y)) for y in rows[h][2:] if y]
            for r in rows[h + 1:]:
                maal = labels.get(r[1].strip(), r[1].strip())
                for y, v in zip(years, r[2:]):
                    if v.strip():
                        cells[(r[0].strip(), y, maal)] = v.strip()
        else:
            rows = read_table(path)
            assert [c.strip().lower() for c in rows[0]] == ["afdeling_id", "aar", "maal", "vaerdi"], path
            for afd, aar, label, v in rows[1:]:
                if v.strip():
                    cells[(afd.strip(), int(aar), labels.get(label.strip(), label.strip()))] = v.strip()
        for key, v in cells.items():
            assert key[2] in MAAL, f"{path.name}: unknown maal {key[2]!r}"
            cells[key] = v if v == SUPPRESSED_CELL else parse_number(v, key[2])
        date = re.search(r"\d{4}-\d{2}-\d{2}", path.name).group(0)
        dated.append((date, path.name, cells))
    dates = [d for d, _, _ in dated]
    assert len(set(dates)) == len(dates), "two deliveries share a date"
    final, source, revisions = {}, {}, []
    for _, name, cells in sorted(dated):
        for key, v in cells.items():
            if key in final and final[key] != v:
                revisions.append((key, final[key], v, source[key], name))
            final[key], source[key] = v, name
    return final, revisions


@dataclass
class Inputs:
    values: dict
    membership: list
    national: dict
    regional: dict
    areas: dict

    def members(self, area: str, year: int) -> list[str]:
        return [afd for a, afd, f, t in self.membership if a == area and f <= year and (t is None or year <= t)]


def read_inputs(root: Path) -> tuple[Inputs, list]:
    values, revisions = read_kaas(root)
    areas = {r[0]: r for r in read_table(root / "areas" / "areas.csv")[1:]}
    membership = [(a, afd, int(f), int(t) if t.strip() else None)
                  for a, afd, f, t in read_table(root / "areas" / "membership.csv")[1:]]
    national = {int(y): Fraction(v.replace(",", ".")) for y, m, v in read_table(root / "reference" / "national.csv")[1:]
                if m == "domte_andel_18plus"}
    regional = {int(y): Fraction(v.replace(",", ".")) for r, y, m, v in read_table(root / "reference" / "regional.csv")[1:]
                if int(r) == REGION and m == "gns_bruttoindkomst_15_64"}
    return Inputs(values, membership, national, regional, areas), revisions


# three-valued logic: True / False / None (= unknown)
def cmp(value, op: str, threshold, log: list | None = None, tag=None):
    if value is None:
        return None
    if log is not None:
        log.append((*tag, value, threshold))
    return {">": value > threshold, ">=": value >= threshold, "<": value < threshold}[op]


def all3(*flags):
    return False if False in flags else (None if None in flags else True)


def at_least(k: int, flags: list):
    met, unknown = flags.count(True), flags.count(None)
    return True if met >= k else (False if met + unknown < k else None)


def regime_in_force(year: int) -> int:
    return 2010 if year <= 2012 else 2013 if year <= 2017 else 2018 if year <= 2020 else 2021


class Evaluator:
    """The official criteria for one area and list year, from summed afdeling counts."""

    def __init__(self, inputs: Inputs):
        self.d = inputs
        self.log: list = []       # every (area, list year, regime, criterion, value, threshold)
        self.cache: dict = {}

    def total(self, area: str, list_year: int, data_year: int, *maal: str):
        s = 0
        for afd in self.d.members(area, list_year):
            for m in maal:
                v = self.d.values.get((afd, data_year, m))
                if v is None or v == SUPPRESSED_CELL:
                    return None
                s += v
        return s

    def rate(self, area, L, y, num: tuple, den: str, scale=1):
        n, m = self.total(area, L, y, *num), self.total(area, L, y, den)
        return None if n is None or m is None else Fraction(100 * n, scale * m)

    def k1(self, area, L, y):
        return self.rate(area, L, y, (TENTHS,), "beboere_18_64", scale=10)

    def k2(self, area, L, y):
        return self.rate(area, L, y, ("domte_18plus",), "beboere_18plus")

    @staticmethod
    def mean(values: list):
        return None if None in values else sum(values) / len(values)

    def evaluate(self, area: str, L: int, regime: int) -> dict:
        key = (area, L, regime)
        if key in self.cache:
            return self.cache[key]
        res = self.total(area, L, L, "beboere")
        eligible = None if res is None else res >= 1000
        span = range(L - 4, L) if regime == 2010 else range(L - 2, L)
        k1 = self.mean([self.k1(area, L, y) for y in span])
        k2 = self.mean([self.k2(area, L, y) for y in span])
        k3 = self.rate(area, L, L - 1, ("grundskole_30_59",), "beboere_30_59")
        k3i = self.rate(area, L, L - 1, ("grundskole_30_59", "uoplyst_udd_30_59"), "beboere_30_59")
        inc, tax = self.total(area, L, L - 1, "bruttoindkomst_15_64"), self.total(area, L, L - 1, "skattepligtige_15_64")
        k4 = None if inc is None or tax is None else Fraction(100 * inc, tax) / self.d.regional[L - 1]
        k5 = self.rate(area, L, L, ("ikkevestlige",), "beboere")
        nat = self.mean([self.d.national[y] for y in span])
        log = lambda name: (area, L, regime, name)   # noqa: E731
        r = {"residents": res, "eligible": eligible, "k1": k1, "k2": k2, "k3": k3, "k3_incl": k3i,
             "k4": k4, "k5": k5, "k2_threshold": None, "status": {}}
        st = r["status"]
        if regime == 2010:
            crit = [cmp(k1, ">", 40, self.log, log("k1")), cmp(k2, ">", Fraction(27, 10), self.log, log("k2")),
                    cmp(k5, ">", 50, self.log, log("k5"))]
            r["k2_threshold"] = Fraction(27, 10)
            st["parallelsamfund"] = all3(eligible, at_least(2, crit))
        elif regime == 2013:
            crit = [cmp(k1, ">", 40, self.log, log("k1")), cmp(k5, ">", 50, self.log, log("k5")),
                    cmp(k2, ">", Fraction(27, 10), self.log, log("k2")),
                    cmp(k3i, ">", 50, self.log, log("k3_incl")), cmp(k4, "<", 55, self.log, log("k4"))]
            r["k2_threshold"] = Fraction(27, 10)
            st["parallelsamfund"] = all3(eligible, at_least(3, crit))
        else:
            r["k2_threshold"] = 3 * nat
            crit = [cmp(k1, ">", 40, self.log, log("k1")), cmp(k2, ">=", 3 * nat, self.log, log("k2")),
                    cmp(k3, ">", 60, self.log, log("k3")), cmp(k4, "<", 55, self.log, log("k4"))]
            st["udsat"] = all3(eligible, at_least(2, crit))
            st["parallelsamfund"] = all3(st["udsat"], cmp(k5, ">", 50, self.log, log("k5")))
            # omdannelse: parallelsamfund on each of the lists L-4..L, each under its own rules
            history = [self.evaluate(area, y, regime_in_force(y))["status"]["parallelsamfund"]
                       if y >= 2010 else False for y in range(L - 4, L)]
            st["omdannelsesomraade"] = all3(st["parallelsamfund"], *history)
            if regime == 2021:
                prevent = [cmp(k1, ">", 30, self.log, log("k1_f")), cmp(k2, ">=", 2 * nat, self.log, log("k2_f")),
                           cmp(k3, ">", 60, self.log, log("k3_f")), cmp(k4, "<", 65, self.log, log("k4_f"))]
                not_udsat = None if st["udsat"] is None else not st["udsat"]
                st["forebyggelsesomraade"] = all3(eligible, cmp(k5, ">", 30, self.log, log("k5_f")),
                                                  at_least(2, prevent), not_udsat)
        r["criteria"] = crit
        r["criteria_met"] = crit.count(True)
        r["k1_last"] = self.k1(area, L, L - 1)
        st["kombineret_udlejning"] = all3(eligible, cmp(r["k1_last"], ">=", 40, self.log, log("k1_last")))
        self.cache[key] = r
        return r


def round1(x: Fraction) -> str:
    """Half-up rounding to one decimal of an exact value, as a string."""
    tenths = math.floor(x * 10 + Fraction(1, 2))
    return f"{tenths // 10}.{tenths % 10}" if tenths >= 0 else str(-x)


def fmt(x, decimals: int = 1) -> str:
    if x is None:
        return "?"
    return round1(Fraction(x)) if decimals == 1 else f"{float(x):.{decimals}f}"


def wilson(pos: int, n: int) -> tuple[float, float]:
    z, p = 1.959963984540054, pos / n
    centre, half = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n) * 100, (centre + half) / (1 + z * z / n) * 100


def survey_counts(root: Path, inputs: Inputs, wave_id: str) -> dict:
    d = root / "survey" / wave_id
    meta = json.loads((d / "wave.json").read_text(encoding="utf-8"))
    rows = read_table(d / "dataset.csv")
    header, data = [c.strip() for c in rows[0]], rows[1:]
    item = next(v for v, i in meta["items"].items() if i == "evening_safety")
    ai, si = header.index(meta["area_variable"]), header.index(item)
    per = defaultdict(Counter)
    for r in data:
        code = r[ai].strip()
        if "area_codes" in meta:
            area = meta["area_codes"][code]
        elif code in meta["invited"]:
            area = code
        else:
            area = next(a for a in inputs.areas if code in inputs.members(a, meta["year"]))
        per[area]["respondents"] += 1
        answer = r[si].strip()
        per[area]["blank" if not answer else "dk" if answer == "9" else "pos" if answer in "45" else "neg"] += 1
    structure = read_table(d / "structure.csv")
    return {"meta": meta, "per": per, "header": header, "data": data, "structure": structure,
            "raw": {p.name: decode_text(p.read_bytes()) for p in d.iterdir()}}


def run_check() -> int:
    failures: list[str] = []

    def expect(ok: bool, what: str) -> None:
        print(f"  [{'ok' if ok else 'FAIL'}] {what}")
        if not ok:
            failures.append(what)

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "sample"
        generate(root)
        inputs, revisions = read_inputs(root)
        ev = Evaluator(inputs)
        areas = list(inputs.areas)

        def run(area, L):
            return ev.evaluate(area, L, regime_in_force(L))
        for a in areas:
            for L in LIST_YEARS:
                for regime in (2010, 2013, 2018, 2021):
                    ev.evaluate(a, L, regime)

        print("\nKey figures per list year (regime in force; K1/K2 averages, K3/K4 of L-1, K5 of L):")
        print(f"{'area':<21}{'L':>5}{'reg':>5}{'res':>6}{'K1':>6}{'K1 L-1':>7}{'K2':>6}{'thr':>6}{'K3':>6}"
              f"{'K3+u':>6}{'K4':>6}{'K5':>6}{'met':>4}  status")
        for a in areas:
            for L in LIST_YEARS:
                r = run(a, L)
                status = ",".join(s for s, v in r["status"].items() if v) or "-"
                if None in r["status"].values():
                    status += " (NULL: " + ",".join(s for s, v in r["status"].items() if v is None) + ")"
                unknown = r["criteria"].count(None)
                print(f"{a:<21}{L:>5}{regime_in_force(L):>5}{r['residents']:>6}{fmt(r['k1']):>6}"
                      f"{fmt(r['k1_last']):>7}{fmt(r['k2'], 2):>6}{fmt(r['k2_threshold'], 2):>6}{fmt(r['k3']):>6}"
                      f"{fmt(r['k3_incl']):>6}{fmt(r['k4']):>6}{fmt(r['k5']):>6}"
                      f"{r['criteria_met']:>3}{'?' * unknown:<1}  {status}")

        print("\nFacts (domain.md §1-2):")
        gj, gb, hs, vd = "gl_jennumparken", "glarbjergvej", "hermann_stillingsvej", "vangdalen"
        for a in (gj, gb):
            expect(run(a, 2013)["status"]["parallelsamfund"] is True, f"{a}: ghettoområde on the 2013 list")
            expect(all(run(a, L)["status"]["parallelsamfund"] is False for L in (2010, 2011, 2012)),
                   f"{a}: not on the 2010-2012 lists")
            expect(run(a, 2017)["status"]["parallelsamfund"] is False, f"{a}: not on the 2017 list")
            expect(all(run(a, L)["status"]["udsat"] is True for L in range(2018, 2023)), f"{a}: udsat 2018-2022")
            expect(all(run(a, L)["status"]["parallelsamfund"] is False for L in range(2018, 2025))
                   and all(run(a, L)["k5"] <= 50 for L in LIST_YEARS), f"{a}: never parallelsamfund, K5 <= 50 %")
            r = run(a, 2021)
            expect(r["criteria_met"] == 2 and None not in r["criteria"], f"{a}: exactly 2 of 4 criteria on the 2021 list")
        close = [a for a in (gj, gb) if Fraction(9, 10) <= run(a, 2021)["k2"] / run(a, 2021)["k2_threshold"] < 1]
        expect(bool(close), f"2021: K2 within 10 % below 3 x national for {close} "
               f"({fmt(run(gb, 2021)['k2'], 2)} % vs {fmt(run(gb, 2021)['k2_threshold'], 2)} %)")
        for a, want in ((gj, "46.2"), (gb, "44.0"), (hs, "45.1")):
            got = round1(run(a, 2022)["k1"])
            expect(got == want, f"{a}: K1 on the 2022 list (2020-2021) = {got} %, published {want} %")
        r = run(hs, 2022)
        expect(1000 < r["residents"] < 1030 and r["criteria"][0] is True and r["criteria"][1] is False
               and r["criteria_met"] < 2 and r["status"]["udsat"] is False,
               f"{hs} 2022: {r['residents']} residents, meets K1 not K2, {r['criteria_met']} criteria, not udsat")
        r = run(hs, 2023)
        expect(950 < r["residents"] < 1000 and r["criteria"][0] is True and r["criteria"][1] is True
               and r["status"]["udsat"] is False,
               f"{hs} 2023: {r['residents']} residents (< 1,000), meets K1 and K2, not udsat")
        r = run(gj, 2024)
        expect(r["residents"] == 1270, f"{gj}: {r['residents']} residents on 1.1.2024 (published 1,270)")
        expect(round1(r["k1_last"]) == "43.7", f"{gj}: K1 of data year 2023 = {round1(r['k1_last'])} % (published 43.7 %)")
        expect(r["status"]["kombineret_udlejning"] is True, f"{gj}: kombineret udlejning on the 2024 list")
        on_list = [L for L in LIST_YEARS for s, v in run(vd, L)["status"].items() if v is not False]
        expect(not on_list, f"{vd}: on no list 2010-2024 (incl. forebyggelse, kombineret udlejning)")
        contrast = "dronningborg_have"
        worse = all(ev.k1(vd, y, y) > ev.k1(contrast, y, y) and ev.k2(vd, y, y) > ev.k2(contrast, y, y) for y in YEARS)
        expect(worse, f"{vd}: worse K1 and K2 than {contrast} in every data year")
        others = [(a, L) for a in areas if a not in (gj, gb) for L in LIST_YEARS
                  if run(a, L)["status"].get("udsat") or run(a, L)["status"]["parallelsamfund"]]
        expect(not others, "no other Randers area is ghetto/udsat/parallelsamfund on any list")

        print("\nDesign checks:")
        official = {(a, int(y), s) for a, y, s in read_table(root / "reference" / "official_status.csv")[1:]}
        computed, unknown_status = set(), []
        for a in areas:
            for L in LIST_YEARS:
                for s, v in run(a, L)["status"].items():
                    if v:
                        computed.add((a, L, s))
                    elif v is None:
                        unknown_status.append((a, L, s))
        expect(computed == official, f"official_status.csv equals the computed statuses ({len(official)} rows)"
               + ("" if computed == official else f"; only computed {sorted(computed - official)}, "
                  f"only official {sorted(official - computed)}"))
        expect(not unknown_status, f"no status in force is NULL {unknown_status}")
        at = [(e[:4], e[4]) for e in ev.log if e[4] == e[5]]
        deliberate = [x for x in at if x[0][0] == "kristrupvaenget" and x[0][1] == 2020 and x[0][3].startswith("k3")]
        expect(bool(deliberate) and len(at) == len(deliberate),
               f"only the deliberate boundary case is exactly at a threshold: {sorted(set(at))}")
        undecided = [(a, L) for a in areas for L in LIST_YEARS if None in run(a, L)["criteria"]]
        expect(bool(undecided), f"list years with an unknown criterion, status decided by the known ones: {undecided}")
        unknown_area_years = sorted({(a, y, m) for a in areas for y in YEARS for m in MAAL
                                     if ev.total(a, y, y, m) is None})
        expect(bool(unknown_area_years), f"area-level sums unknown because of '..': {unknown_area_years}")
        expect(len(revisions) >= 5, f"{len(revisions)} revisions between dated deliveries")
        for key, old, new, f_old, f_new in revisions:
            print(f"      {key}: {old} ({f_old}) -> {new} ({f_new})")
        afdelinger = sorted({k[0] for k in inputs.values})
        complete = all((afd, y, m) in inputs.values for afd in afdelinger for y in YEARS for m in MAAL)
        expect(complete and all(re.fullmatch(r"\d{3}-\d{4}", a) for a in afdelinger),
               f"{len(afdelinger)} afdelinger, every maal delivered for every year 2006-2024")
        sizes = [inputs.values[(a, y, "beboere")] for a in afdelinger for y in YEARS]
        shares = [inputs.values[(a, y, "beboere_18_64")] / inputs.values[(a, y, "beboere")] for a in afdelinger for y in YEARS]
        expect(50 <= min(sizes) and max(sizes) <= 600 and 0.53 <= min(shares) and max(shares) <= 0.66,
               f"afdelinger {min(sizes)}-{max(sizes)} residents, 18-64 share {min(shares):.3f}-{max(shares):.3f}")
        res = [ev.total(a, y, y, "beboere") for a in areas for y in YEARS]
        expect(900 <= min(res) and max(res) <= 2500, f"area residents per data year {min(res)}-{max(res)}")
        overlap = [(afd, y) for afd in afdelinger for y in YEARS
                   if sum(afd in inputs.members(a, y) for a in areas) > 1]
        outside = [sum(all(afd not in inputs.members(a, y) for a in areas) for afd in afdelinger) for y in YEARS]
        expect(not overlap and 10 <= min(outside) and max(outside) <= 15,
               f"no afdeling in two areas; {min(outside)}-{max(outside)} afdelinger outside any area per year")
        changing = sorted({a for a in areas for y in YEARS if inputs.members(a, y) != inputs.members(a, 2024)})
        expect(bool(changing), f"areas whose membership changes: {changing}")
        nat = list(inputs.national.values())
        reg = [inputs.regional[y] for y in YEARS]
        expect(0.9 <= min(nat) and max(nat) <= 1.2 and reg == sorted(reg),
               "national share 0.90-1.20 %, regional mean income growing")

        geo = json.loads((root / "areas" / "areas.geojson").read_text(encoding="utf-8"))
        boxes, ok = [], geo["type"] == "FeatureCollection"
        for f in geo["features"]:
            ring = f["geometry"]["coordinates"][0]
            signed = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:]))
            ok &= ring[0] == ring[-1] and signed > 0 and f["properties"]["area_id"] in inputs.areas
            ok &= all(10.0 <= x <= 10.1 and 56.44 <= y <= 56.49 for x, y in ring)
            boxes.append((min(x for x, _ in ring), max(x for x, _ in ring), min(y for _, y in ring), max(y for _, y in ring)))
        disjoint = all(b[1] < c[0] or c[1] < b[0] or b[3] < c[2] or c[3] < b[2]
                       for i, b in enumerate(boxes) for c in boxes[i + 1:])
        expect(ok and disjoint and len(boxes) == len(areas),
               "geojson: one closed counter-clockwise polygon per area, inside Randers, none overlapping")

        print("\nSurveys:")
        waves = {w: survey_counts(root, inputs, w) for w in sorted(p.name for p in (root / "survey").iterdir())}
        for w, s in waves.items():
            per = s["per"]
            n = sum(c["pos"] + c["neg"] for c in per.values())
            pos = sum(c["pos"] for c in per.values())
            rates = {a: 100 * per[a]["respondents"] / s["meta"]["invited"][a] for a in per}
            print(f"    wave {w}: {sum(c['respondents'] for c in per.values())} respondents, "
                  f"{n} answers 1-5, {round1(Fraction(100 * pos, n))} % utrygge; response rates "
                  f"{min(rates.values()):.1f}-{max(rates.values()):.1f} %")
            for a, c in per.items():
                lo, hi = wilson(c["pos"], c["pos"] + c["neg"])
                print(f"      {a:<22} n={c['pos'] + c['neg']:>4} 4-5={c['pos']:>3} "
                      f"share={100 * c['pos'] / (c['pos'] + c['neg']):5.1f} % CI {lo:4.1f}-{hi:4.1f}  "
                      f"ved ikke={c['dk']:>2} blank={c['blank']:>2}")
            expect(all(28 <= r <= 57 for r in rates.values()) and set(per) == set(s["meta"]["invited"]),
                   f"wave {w}: response rates within 28-57 %, every invited area answered")
            expect(all(c["dk"] > 0 for c in per.values()) and sum(c["blank"] for c in per.values()) > 0,
                   f"wave {w}: 'Ved ikke' and blanks present")
            hits = sum(t.count(MARKER) for t in s["raw"].values())
            expect(hits == 1 and MARKER in s["raw"]["dataset.csv"], f"wave {w}: {MARKER} planted once, in free text")
            expect(s["structure"][0][:7] == ["questionName", "variableName", "questionType", "subType",
                                             "questionText", "choiceValue", "choiceText"],
                   f"wave {w}: structure.csv header as SurveyXact writes it")
        p10 = waves["2010"]["per"]
        share = lambda c: Fraction(100 * c["pos"], c["pos"] + c["neg"])   # noqa: E731
        total = Counter()
        for c in p10.values():
            total.update(c)
        expect(round1(share(total)) == "17.0", f"2010: {round1(share(total))} % utrygge overall (published 17 %)")
        expect(round1(share(p10[vd])) == "36.0", f"2010: {round1(share(p10[vd]))} % utrygge in Vangdalen (published 36 %)")
        late = waves["2023"]["per"]
        by_n = sorted((c["pos"] + c["neg"], a) for a, c in late.items())
        expect(by_n[0][0] < 10 <= by_n[1][0] < by_n[2][0],
               f"2023: {by_n[0][1]} has {by_n[0][0]} answers (suppressed), next fewest {by_n[1][1]} "
               f"({by_n[1][0]}, complementary suppression)")
        lo, hi = wilson(late[hs]["pos"], late[hs]["pos"] + late[hs]["neg"])
        expect(share(late[hs]) > 35 and hi - lo > 25 and hs not in (by_n[0][1], by_n[1][1]),
               f"2023: {hs} share {fmt(share(late[hs]))} % with a wide interval {lo:.1f}-{hi:.1f}")
        expect(any(afd for afd in inputs.members(vd, 2012) if afd not in inputs.members(vd, 2011)
                   and afd in {r[waves['2012']['header'].index('afdeling')] for r in waves['2012']['data']}),
               "2012: respondents from an afdeling that joined its area in 2012")

        print("\nFiles:")
        files = sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())
        size = sum((root / p).stat().st_size for p in files)
        expect(size < 3_000_000, f"{len(files)} files, {size / 1e6:.2f} MB in total")
        shipped = sorted(p.relative_to(SAMPLE_DIR) for p in SAMPLE_DIR.rglob("*") if p.is_file()) \
            if SAMPLE_DIR.exists() else []
        same = shipped == files and all((root / p).read_bytes() == (SAMPLE_DIR / p).read_bytes() for p in files)
        expect(same, f"{SAMPLE_DIR} is byte-identical to a fresh generation")
    print(f"\n{'FAILED: ' + str(len(failures)) + ' check(s)' if failures else 'all checks passed'}")
    return 1 if failures else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="regenerate in a temp dir and verify the facts")
    args = parser.parse_args()
    if args.check:
        sys.exit(run_check())
    generate(SAMPLE_DIR)
    print(f"wrote {SAMPLE_DIR}")
