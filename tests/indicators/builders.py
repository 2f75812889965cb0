"""Tiny input frames for the criteria tests, built cell by cell.

`neutral()` gives one afdeling-year that meets no criterion under any
regime; tests override the few cells their rule is about, so every expected
value can be worked out by hand next to the test.

Neutral afdeling-year (one afdeling of 1,200 residents):
  K1  160 / 800   = 20 %      (list threshold > 40, forebyggelse > 30)
  K2    9 / 900   =  1 %      (national 1 % -> >= 3 %, forebyggelse >= 2 %)
  K3  100 / 500   = 20 %      (2013: (100 + 10) / 500 = 22 %)
  K4  300,000 DKK / 300,000   = 100 % of the regional mean
  K5  120 / 1,200 = 10 %
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import polars as pl

from indicators.catalogue import Catalogue, load_catalogue
from indicators.criteria import compute_area_status, compute_indicator_values

SUPPRESSED = ".."
REGION = 1082
NATIONAL_SHARE = "1"
REGIONAL_MEAN = "300000"

KAAS_SCHEMA = {
    "afdeling_id": pl.Utf8,
    "aar": pl.Int32,
    "maal": pl.Utf8,
    "vaerdi": pl.Decimal(18, 6),
    "suppressed": pl.Boolean,
}

# Overrides that make one criterion met at the list threshold (all regimes).
MET = {
    "k1": {"uden_tilknytning_18_64": 400},  # 400 / 800 = 50 %
    "k2": {"domte_18plus": 36},  # 36 / 900 = 4 % (>= 3 x 1 %, > 2.70 %)
    "k3": {"grundskole_30_59": 350},  # 350 / 500 = 70 % (2013: 360 / 500 = 72 %)
    "k4": {"bruttoindkomst_15_64": 700 * 150_000},  # 150,000 / 300,000 = 50 %
    "k5": {"ikkevestlige": 720},  # 720 / 1,200 = 60 %
}


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    return load_catalogue()


def neutral(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "beboere": 1200,
        "beboere_18_64": 800,
        "uden_tilknytning_18_64": 160,
        "beboere_18plus": 900,
        "domte_18plus": 9,
        "beboere_30_59": 500,
        "grundskole_30_59": 100,
        "uoplyst_udd_30_59": 10,
        "skattepligtige_15_64": 700,
        "bruttoindkomst_15_64": 700 * 300_000,
        "ikkevestlige": 120,
    }
    values.update(overrides)
    return values


def met(*criteria: str, **overrides: object) -> dict[str, object]:
    """Neutral values with the named criteria ('k1'..'k5') met."""
    values = neutral()
    for criterion in criteria:
        values.update(MET[criterion])
    values.update(overrides)
    return values


class Inputs:
    """Mutable bag of cells; `frames()` gives the five input frames."""

    def __init__(self) -> None:
        self.cells: dict[tuple[str, int, str], object] = {}
        self.members: list[tuple[str, str, int, int | None]] = []
        self.regions: dict[str, int] = {}
        self.national: dict[int, object] = {y: NATIONAL_SHARE for y in range(2000, 2031)}
        self.regional: dict[int, object] = {y: REGIONAL_MEAN for y in range(2000, 2031)}

    def member(self, area: str, afdeling: str, valid_from: int = 2000,
               valid_to: int | None = None, region: int = REGION) -> Inputs:
        self.members.append((area, afdeling, valid_from, valid_to))
        self.regions[area] = region
        return self

    def year(self, afdeling: str, aar: int, values: dict[str, object]) -> Inputs:
        for maal, value in values.items():
            self.cells[(afdeling, aar, maal)] = value
        return self

    def years(self, afdeling: str, years: range, values: dict[str, object]) -> Inputs:
        for aar in years:
            self.year(afdeling, aar, values)
        return self

    def drop(self, afdeling: str, aar: int, maal: str) -> Inputs:
        del self.cells[(afdeling, aar, maal)]
        return self

    def frames(self) -> tuple[pl.DataFrame, ...]:
        kaas = pl.DataFrame(
            [
                (afd, aar, maal, None if v == SUPPRESSED or v is None else Decimal(str(v)),
                 v == SUPPRESSED)
                for (afd, aar, maal), v in self.cells.items()
            ],
            schema=KAAS_SCHEMA,
            orient="row",
        )
        membership = pl.DataFrame(
            self.members,
            schema={"area_id": pl.Utf8, "afdeling_id": pl.Utf8, "valid_from": pl.Int32,
                    "valid_to": pl.Int32},
            orient="row",
        )
        areas = pl.DataFrame(
            [(a, a.title(), 730, r) for a, r in self.regions.items()],
            schema={"area_id": pl.Utf8, "area_name": pl.Utf8, "municipality_code": pl.Int32,
                    "region_code": pl.Int32},
            orient="row",
        )
        national = _reference(
            [(y, "domte_andel_18plus", v) for y, v in self.national.items()],
            {"aar": pl.Int32, "maal": pl.Utf8},
        )
        regional = _reference(
            [(REGION, y, "gns_bruttoindkomst_15_64", v) for y, v in self.regional.items()],
            {"region_code": pl.Int32, "aar": pl.Int32, "maal": pl.Utf8},
        )
        return kaas, membership, areas, national, regional

    def run(self, cat: Catalogue | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
        cat = cat or catalogue()
        frames = self.frames()
        values = compute_indicator_values(*frames, cat)
        return values, compute_area_status(values, *frames, cat)


def _reference(rows: list[tuple], keys: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(
        [(*r[:-1], None if r[-1] == SUPPRESSED else Decimal(str(r[-1])), r[-1] == SUPPRESSED)
         for r in rows],
        schema={**keys, "vaerdi": pl.Decimal(18, 6), "suppressed": pl.Boolean},
        orient="row",
    )


def one(frame: pl.DataFrame, **key: object) -> dict[str, object]:
    """The single row matching `key` (fails loudly otherwise)."""
    rows = frame.filter(*[pl.col(k) == v for k, v in key.items()]).to_dicts()
    assert len(rows) == 1, f"{len(rows)} rows for {key}"
    return rows[0]


def indicator(values: pl.DataFrame, year: int, regime: str, indicator_id: str,
              area: str = "a") -> dict[str, object]:
    return one(values, area_id=area, year=year, regime=regime, indicator_id=indicator_id)


def status(statuses: pl.DataFrame, year: int, regime: str, area: str = "a") -> dict[str, object]:
    return one(statuses, area_id=area, year=year, regime=regime)
