"""A tiny data directory in the contract's format, written by tests into tmp folders."""

from __future__ import annotations

import json
from pathlib import Path

AREAS = """area_id;area_name;municipality_code;region_code
nord;Nordparken;730;1082
syd;Sydparken;730;1082
"""

MEMBERSHIP = """area_id;afdeling_id;valid_from;valid_to
nord;100-0001;2000;
nord;100-0002;2000;2019
syd;100-0002;2020;
syd;100-0003;2000;
"""

MEASURES = {
    # maal: value per afdeling (the same every year keeps expectations simple)
    "beboere": (600, 450, 700),
    "beboere_18_64": (400, 300, 420),
    "uden_tilknytning_18_64": ("180,5", "100", "90"),
    "beboere_18plus": (450, 340, 520),
    "domte_18plus": (20, 12, 6),
    "beboere_30_59": (200, 150, 250),
    "grundskole_30_59": (90, 60, 70),
    "uoplyst_udd_30_59": (20, 10, 5),
    "skattepligtige_15_64": (380, 290, 400),
    "bruttoindkomst_15_64": (60_000_000, 55_000_000, 110_000_000),
    "ikkevestlige": (300, 150, 100),
}
AFDELINGER = ("100-0001", "100-0002", "100-0003")
YEARS = range(2015, 2025)
HEADER_KAAS = "afdeling_id;aar;maal;vaerdi\n"


def kaas_csv() -> str:
    lines = ["afdeling_id;aar;maal;vaerdi"]
    for year in YEARS:
        for maal, values in MEASURES.items():
            for afdeling, value in zip(AFDELINGER, values, strict=True):
                lines.append(f"{afdeling};{year};{maal};{value}")
    return "\n".join(lines) + "\n"


def survey_files() -> dict[str, str]:
    rows = ["respondent;omraade;tryg_aften;kommentar"]
    # nord: 12 answers, 6 unsafe; syd: 12 answers, 1 unsafe, plus a don't know.
    codes = {
        "nord": [4, 5, 4, 5, 4, 5, 1, 2, 2, 1, 3, 2],
        "syd": [1, 2, 1, 2, 1, 4, 2, 1, 2, 3, 1, 2, 9],
    }
    number = 1
    for area, answers in codes.items():
        for code in answers:
            comment = "PRIVATMARKOER-7Q3X bor her" if number == 1 else ""
            rows.append(f"R{number:04d};{area};{code};{comment}")
            number += 1
    wave = {
        "wave_id": "2020", "year": 2020, "title": "Testbølge 2020",
        "area_variable": "omraade", "items": {"tryg_aften": "evening_safety"},
        "invited": {"nord": 30, "syd": 35},
    }
    return {"dataset.csv": "\n".join(rows) + "\n", "wave.json": json.dumps(wave)}


def write_tiny_data(root: Path) -> Path:
    (root / "areas").mkdir(parents=True)
    (root / "kaas").mkdir()
    (root / "reference").mkdir()
    (root / "areas" / "areas.csv").write_text(AREAS, encoding="utf-8")
    (root / "areas" / "membership.csv").write_text(MEMBERSHIP, encoding="utf-8")
    (root / "kaas" / "kaas_2025-03-01.csv").write_bytes(kaas_csv().encode("cp1252"))
    national = ["aar;maal;vaerdi"] + [f"{y};domte_andel_18plus;1,1" for y in YEARS]
    regional = ["region_code;aar;maal;vaerdi"] + [
        f"1082;{y};gns_bruttoindkomst_15_64;320000" for y in YEARS
    ]
    (root / "reference" / "national.csv").write_text("\n".join(national) + "\n")
    (root / "reference" / "regional.csv").write_text("\n".join(regional) + "\n")
    wave_dir = root / "survey" / "2020"
    wave_dir.mkdir(parents=True)
    for name, text in survey_files().items():
        (wave_dir / name).write_text(text, encoding="utf-8")
    return root
