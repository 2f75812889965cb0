"""The words and categories the site shows: indicators, rule regimes, statuses.

Everything a planner reads about the rules is defined here once, so the
overview, the area pages and the method page cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- Rule regimes ------------------------------------------------------------

REGIME_STARTS = (2010, 2013, 2018, 2021)
RULE_CHANGE_YEARS = (2013, 2018, 2021)


def regime_in_force(list_year: int) -> str | None:
    """The rules in force for the list of 1 December `list_year` (None before 2010)."""
    in_force = None
    for start in REGIME_STARTS:
        if list_year >= start:
            in_force = str(start)
    return in_force


REGIME_LABELS = {
    "2010": "2010-reglerne (2010–2012)",
    "2013": "2013-reglerne (2013–2017)",
    "2018": "2018-reglerne (2018–2020)",
    "2021": "2021-reglerne (fra 2021)",
}

# Which indicators count as criteria under each regime, and how many of them
# put an area on the list (domain.md §2).
REGIME_CRITERIA = {
    "2010": ("k1_uden_tilknytning", "k2_domte", "k5_ikkevestlige"),
    "2013": ("k1_uden_tilknytning", "k2_domte", "k3_grundskole", "k4_indkomst",
             "k5_ikkevestlige"),
    "2018": ("k1_uden_tilknytning", "k2_domte", "k3_grundskole", "k4_indkomst"),
    "2021": ("k1_uden_tilknytning", "k2_domte", "k3_grundskole", "k4_indkomst"),
}
REGIME_REQUIRED = {"2010": 2, "2013": 3, "2018": 2, "2021": 2}


# --- Indicators --------------------------------------------------------------

@dataclass(frozen=True)
class Indicator:
    id: str
    code: str          # K1 ... K5
    short: str         # a few words, for table headers and selectors
    long: str          # the full definition
    below: bool = False  # met when the value is below the threshold (K4)
    unit: str = "%"


INDICATORS: dict[str, Indicator] = {
    i.id: i
    for i in (
        Indicator("k1_uden_tilknytning", "K1", "Uden for arbejde og uddannelse",
                  "Andel af de 18–64-årige uden tilknytning til arbejdsmarked eller "
                  "uddannelse (fuldtidspersoner, gennemsnit af to år)"),
        Indicator("k2_domte", "K2", "Dømte",
                  "Andel af beboere på 18 år og derover dømt efter straffeloven, "
                  "våbenloven eller lov om euforiserende stoffer (gennemsnit af to år)"),
        Indicator("k3_grundskole", "K3", "Kun grundskole",
                  "Andel af de 30–59-årige, der kun har en grundskoleuddannelse"),
        Indicator("k4_indkomst", "K4", "Indkomst i forhold til regionen",
                  "Gennemsnitlig bruttoindkomst for skattepligtige 15–64-årige (ekskl. "
                  "uddannelsessøgende) i procent af samme gruppe i regionen", below=True),
        Indicator("k5_ikkevestlige", "K5", "Ikke-vestlig baggrund",
                  "Andel indvandrere og efterkommere fra ikke-vestlige lande"),
    )
}
INDICATOR_ORDER = list(INDICATORS)


def indicator_label(indicator_id: str) -> str:
    ind = INDICATORS.get(indicator_id)
    return f"{ind.code} {ind.short}" if ind else indicator_id


def threshold_words(indicator_id: str, regime: str | None) -> str:
    """How the threshold is written in the law, e.g. "over" or "mindst" or "under"."""
    ind = INDICATORS.get(indicator_id)
    if ind is not None and ind.below:
        return "under"
    if indicator_id == "k2_domte" and regime in ("2018", "2021"):
        return "mindst"  # "≥ 3 × the national average": met at exactly three times
    return "over"


# --- Statuses ----------------------------------------------------------------

STATUS_COLUMNS = ("omdannelsesomraade", "parallelsamfund", "udsat", "forebyggelsesomraade")
# The statuses a regime defines, most severe first; the others are NULL there.
REGIME_STATUSES = {
    "2010": ("parallelsamfund",),
    "2013": ("parallelsamfund",),
    "2018": ("omdannelsesomraade", "parallelsamfund", "udsat"),
    "2021": ("omdannelsesomraade", "parallelsamfund", "udsat", "forebyggelsesomraade"),
}


def status_label(status: str, regime: str | None) -> str:
    """The name the status had under the regime (2010–2020 said "ghetto")."""
    if status == "parallelsamfund":
        return "Ghettoområde" if regime in ("2010", "2013", "2018") else "Parallelsamfund"
    if status == "omdannelsesomraade":
        return "Hårdt ghettoområde" if regime == "2018" else "Omdannelsesområde"
    return {
        "udsat": "Udsat boligområde",
        "forebyggelsesomraade": "Forebyggelsesområde",
        "kombineret_udlejning": "Kombineret udlejning",
    }.get(status, status)


# --- The four colours planners know (Aarhus' rød / orange / gul / grøn) -------

@dataclass(frozen=True)
class Category:
    key: str
    rank: int       # higher = more worrying; sorts the overview
    colour: str     # map fill
    label: str      # the word that always accompanies the colour
    meaning: str    # one line for the legend


CATEGORIES: dict[str, Category] = {
    c.key: c
    for c in (
        Category("roed", 4, "#c0392b", "Rød", "På listen under de gældende regler"),
        Category("orange", 3, "#e67e22", "Orange",
                 "Tæt på listen: ét kriterium fra, forebyggelsesområde, eller opfylder "
                 "kriterierne men har under 1.000 beboere"),
        Category("gul", 2, "#f1c40f", "Gul",
                 "Opmærksomhed: opfylder mindst ét kriterium eller har et tidligt varsel"),
        Category("groen", 1, "#27ae60", "Grøn", "Ingen kriterier opfyldt og intet varsel"),
        Category("ukendt", 0, "#9e9e9e", "Ukendt",
                 "Status ukendt: manglende eller diskretionerede tal kan ændre den"),
    )
}
CATEGORY_ORDER = ["roed", "orange", "gul", "groen", "ukendt"]
