"""Afdelinger, areas and membership for the whole country.

Sizes are skewed as in reality: areas hold a few large afdelinger, while most
afdelinger outside areas are small (a lognormal with a median of ~35
residents). About a fifth of the areas have 1,000+ residents; they sit mostly
in the big cities. Every area has a latent deprivation score `z` that the
panel turns into its K1-K5 rates, and a yearly drift (`slope`) so that areas
improve or slide over the 19 data years. Membership changes: some areas are
extended, some lose an afdeling, a few are split in two.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from benchmarks.national.geography import Municipality, municipalities
from benchmarks.national.rand import allocate, lognormal, stream

FIRST_YEAR, LAST_YEAR = 2006, 2024  # KÅS data years
CRITERIA = ("k1", "k2", "k3", "k4", "k5")

# At scale 1 (Denmark): afdelinger, areas, areas of 1,000+ residents, housing organisations.
AFDELINGER, AREAS, LARGE_AREAS, ORGANISATIONS = 8000, 1000, 200, 500

PREFIXES = [
    "Birke", "Bøge", "Ege", "Aske", "Elme", "Lærke", "Rosen", "Lyng", "Kilde", "Skov",
    "Strand", "Mølle", "Enghave", "Fugle", "Hjorte", "Trane", "Svane", "Solsikke", "Nørre",
    "Sønder", "Vester", "Øster", "Bakke", "Dal", "Park", "Sø", "Kastanie", "Valmue", "Hassel",
    "Kløver", "Toft", "Ager", "Hede", "Grøn", "Falke", "Ugle", "Ravn", "Spurve", "Vibe",
    "Glente", "Ahorn", "Lind", "Pile", "Tjørne", "Hyld", "Gran", "Fyrre", "Ene", "Mose",
    "Kær",
]
SUFFIXES = ["parken", "vænget", "gården", "haven", "høj", "bakken", "toften", "løkken",
            "lunden", "engen", "hegnet", "byen"]


@dataclass
class Area:
    area_id: str
    name: str
    municipality: Municipality
    large: bool
    residents: float  # planned residents in 2015
    z: float  # latent deprivation in 2015 (0 = typical social housing)
    slope: float  # change of z per year
    offsets: dict[str, float]  # how each criterion departs from z
    growth: float  # yearly relative change in residents
    members: list[str] = field(default_factory=list)


@dataclass
class Afdeling:
    afdeling_id: str
    municipality: Municipality
    residents: float  # planned residents in 2015
    start_year: int  # first data year (new buildings appear later)
    z: float
    slope: float
    offsets: dict[str, float]
    growth: float
    area_id: str | None  # the area it was planned in (its profile follows that area)


@dataclass
class Register:
    areas: list[Area]
    afdelinger: list[Afdeling]
    membership: list[tuple[str, str, int, int | None]]  # area, afdeling, from, to


def slug(text: str) -> str:
    text = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _weighted_choice(rng, items: list, weights: list[float]):
    return rng.choices(items, weights=weights, k=1)[0]


def _area_name(rng, used: set[str]) -> str:
    for _ in range(50):
        name = rng.choice(PREFIXES) + rng.choice(SUFFIXES)
        if name not in used:
            used.add(name)
            return name
    n = 2
    base = rng.choice(PREFIXES) + rng.choice(SUFFIXES)
    while f"{base} {n}" in used:
        n += 1
    used.add(f"{base} {n}")
    return f"{base} {n}"


def _offsets(rng, sigma: float) -> dict[str, float]:
    return {c: rng.gauss(0.0, sigma) for c in CRITERIA}


def plan_areas(seed: int, scale: float, munis: list[Municipality]) -> list[Area]:
    """Areas placed by social-housing weight; large ones favour the big cities."""
    rng = stream(seed, "areas")
    n_areas = max(2, round(AREAS * scale))
    n_large = max(1, round(LARGE_AREAS * scale))
    names: dict[int, set[str]] = {m.code: set() for m in munis}
    areas = []
    for i in range(n_areas):
        large = i < n_large
        power = 1.3 if large else 1.0
        muni = _weighted_choice(rng, munis, [m.weight**power for m in munis])
        name = _area_name(rng, names[muni.code])
        if large:
            # Most large areas sit between 1,000 and 3,000 residents; a few exceed 5,000.
            residents = min(8500.0, 1000.0 * math.exp(rng.expovariate(1 / 0.5)))
            z = rng.gauss(0.85, 1.0)
        else:
            residents = min(990.0, lognormal(rng, 420.0, 0.55))
            z = rng.gauss(0.0, 1.0)
        # Deprived areas tend to improve (the national counts fall after 2018).
        slope = rng.gauss(-0.05, 0.03) if z > 1.0 else rng.gauss(-0.005, 0.02)
        areas.append(Area(
            area_id=f"{slug(name)}_{muni.code}", name=name, municipality=muni, large=large,
            residents=residents, z=z, slope=slope, offsets=_offsets(rng, 0.5),
            growth=rng.gauss(0.0, 0.006)))
    return areas


def _organisations(scale: float, munis: list[Municipality]) -> dict[int, list[int]]:
    """Organisation numbers per municipality (a housing organisation works locally)."""
    total = max(len(munis), round(ORGANISATIONS * min(1.0, max(scale, 0.2))))
    counts = [max(1, c) for c in allocate(total, [m.weight for m in munis])]
    orgs, number = {}, 1
    for muni, count in zip(munis, counts, strict=True):
        orgs[muni.code] = list(range(number, number + count))
        number += count
    if number > 1000:
        raise ValueError("more than 999 organisations: organisation numbers have 3 digits")
    return orgs


def plan_register(seed: int, scale: float) -> Register:
    munis = municipalities()
    areas = plan_areas(seed, scale, munis)
    rng = stream(seed, "afdelinger")
    orgs = _organisations(scale, munis)
    next_dept = {org: 1 for codes in orgs.values() for org in codes}

    def new_id(muni: Municipality) -> str:
        org = rng.choice(orgs[muni.code])
        dept = next_dept[org]
        next_dept[org] += 1
        if dept > 9999:
            raise ValueError("more than 9,999 afdelinger in one organisation")
        return f"{org:03d}-{dept:04d}"

    afdelinger: list[Afdeling] = []
    for area in areas:
        typical = rng.uniform(150, 400) if area.large else rng.uniform(120, 350)
        k = max(1, round(area.residents / typical))
        weights = [rng.gammavariate(2.0, 1.0) for _ in range(k)]
        for share in weights:
            afd = Afdeling(
                afdeling_id=new_id(area.municipality), municipality=area.municipality,
                residents=max(6.0, area.residents * share / sum(weights)), start_year=FIRST_YEAR,
                z=area.z + rng.gauss(0.0, 0.25), slope=area.slope,
                offsets={c: v + rng.gauss(0.0, 0.15) for c, v in area.offsets.items()},
                growth=area.growth + rng.gauss(0.0, 0.004), area_id=area.area_id)
            area.members.append(afd.afdeling_id)
            afdelinger.append(afd)

    # Afdelinger in no area: many small ones, in proportion to each municipality's weight.
    outside = max(0, round(AFDELINGER * scale) - len(afdelinger))
    for muni, count in zip(munis, allocate(outside, [m.weight for m in munis]), strict=True):
        for _ in range(count):
            new_building = rng.random() < 0.06
            afdelinger.append(Afdeling(
                afdeling_id=new_id(muni), municipality=muni,
                residents=max(4.0, min(1500.0, lognormal(rng, 35.0, 1.0))),
                start_year=rng.randint(2008, 2022) if new_building else FIRST_YEAR,
                z=rng.gauss(-0.6, 0.8), slope=rng.gauss(0.0, 0.015),
                offsets=_offsets(rng, 0.4), growth=rng.gauss(0.0, 0.01), area_id=None))
    membership = _membership(seed, areas, afdelinger)
    return Register(areas=areas, afdelinger=afdelinger, membership=membership)


def _membership(seed: int, areas: list[Area], afdelinger: list[Afdeling]):
    """Membership by year: most areas stay as delimited; some change (contract.md)."""
    rng = stream(seed, "membership")
    by_id = {a.afdeling_id: a for a in afdelinger}
    free: dict[int, list[str]] = {}
    for afd in afdelinger:
        if afd.area_id is None:
            free.setdefault(afd.municipality.code, []).append(afd.afdeling_id)
    rows: list[tuple[str, str, int, int | None]] = []
    new_areas: list[Area] = []
    for area in areas:
        members = list(area.members)
        draw = rng.random()
        candidates = free.get(area.municipality.code, [])
        if draw < 0.08 and candidates:
            # Extended: a neighbouring afdeling joins from some year on.
            joiner = candidates.pop(rng.randrange(len(candidates)))
            year = max(rng.randint(2010, 2022), by_id[joiner].start_year)
            rows.append((area.area_id, joiner, year, None))
        elif draw < 0.11 and len(members) >= 3:
            # Reduced: one afdeling leaves (sold, demolished or re-delimited).
            leaver = members.pop(rng.randrange(len(members)))
            rows.append((area.area_id, leaver, FIRST_YEAR, rng.randint(2012, 2022) - 1))
        elif draw < 0.13 and len(members) >= 4:
            # Split: half of the afdelinger form a new area from some year on.
            year = rng.randint(2012, 2021)
            half = members[len(members) // 2:]
            members = members[: len(members) // 2]
            split = Area(area_id=f"{area.area_id}_nord", name=f"{area.name} Nord",
                         municipality=area.municipality, large=False,
                         residents=area.residents / 2, z=area.z, slope=area.slope,
                         offsets=area.offsets, growth=area.growth, members=half)
            new_areas.append(split)
            for afd in half:
                rows.append((area.area_id, afd, FIRST_YEAR, year - 1))
                rows.append((split.area_id, afd, year, None))
        rows.extend((area.area_id, afd, FIRST_YEAR, None) for afd in members)
    areas.extend(new_areas)
    return sorted(rows, key=lambda r: (r[0], r[1], r[2]))
