"""Resident-survey waves as SurveyXact exports (contract.md, survey/<wave>/).

Four national safety surveys (every large area and a fifth of the small ones)
and eight municipal ones (every area of one municipality), about 100,000
answers in all at scale 1. The waves rotate through SurveyXact's three export
dialects and the three ways a wave names the respondent's area (area_id,
afdeling_id, numbered single choice). One wave carries post-stratification
weights, one an e-mail column that wave.json drops. Free text is invented and
impersonal. The share feeling unsafe follows the area's deprivation.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from benchmarks.national.rand import allocate, stream
from benchmarks.national.register import Area, Register

ANSWERS = 100_000  # at scale 1
SAFETY_CODES = [1, 2, 3, 4, 5, 9]
COMMENTS = [
    "Der mangler lys på stierne.", "Godt sted at bo.", "For meget larm om aftenen.",
    "Opgangene bliver ikke gjort rent.", "Dejlige naboer.", "Mere politi, tak.",
    "Legepladsen trænger til renovering.", "Bussen kører for sjældent.",
    "Det er blevet bedre de sidste år.", "Der køres for stærkt på vejene.",
    "Affaldsøerne flyder over.", "Ingen kommentarer",
]
SAFETY_TEXT = ("Hvor tryg eller utryg føler du dig ved at færdes i dit boligområde om "
               "aftenen?")
MORE_SAFE = ["Bedre belysning", "Flere voksne ude om aftenen", "Mere synligt politi",
             "Bedre vedligeholdelse"]


@dataclass(frozen=True)
class WavePlan:
    wave_id: str
    year: int
    title: str
    style: str  # semicolon_ansi | tab_utf16 | comma_utf8
    area_mode: str  # area_id | afdeling | codes
    municipality: int | None  # None: national
    weighted: bool = False
    with_email: bool = False


WAVES = [
    WavePlan("tryghed_2012", 2012, "Tryghedsmåling i almene boligområder 2012", "tab_utf16",
             "afdeling", None),
    WavePlan("tryghed_2016", 2016, "Tryghedsmåling i almene boligområder 2016", "comma_utf8",
             "area_id", None),
    WavePlan("tryghed_2020", 2020, "Tryghedsmåling i almene boligområder 2020",
             "semicolon_ansi", "area_id", None, weighted=True),
    WavePlan("tryghed_2024", 2024, "Tryghedsmåling i almene boligområder 2024", "comma_utf8",
             "area_id", None, with_email=True),
    WavePlan("randers_2011", 2011, "Beboerundersøgelse Randers 2011", "semicolon_ansi", "codes",
             730),
    WavePlan("koebenhavn_2014", 2014, "Trivselsundersøgelse København 2014", "comma_utf8",
             "area_id", 101),
    WavePlan("aarhus_2015", 2015, "Beboerundersøgelse Aarhus 2015", "semicolon_ansi", "codes",
             751),
    WavePlan("odense_2017", 2017, "Beboerundersøgelse Odense 2017", "tab_utf16", "afdeling",
             461),
    WavePlan("aalborg_2019", 2019, "Tryghed i Aalborgs boligområder 2019", "semicolon_ansi",
             "codes", 851),
    WavePlan("esbjerg_2021", 2021, "Beboerundersøgelse Esbjerg 2021", "comma_utf8", "area_id",
             561),
    WavePlan("kolding_2022", 2022, "Beboerundersøgelse Kolding 2022", "semicolon_ansi", "codes",
             621),
    WavePlan("hoeje_taastrup_2023", 2023, "Tryghedsmåling Høje-Taastrup 2023", "tab_utf16",
             "area_id", 169),
]


def _members_in(register: Register, year: int) -> dict[str, list[str]]:
    members: dict[str, list[str]] = {}
    for area, afd, first, last in register.membership:
        if first <= year <= (last or 9999):
            members.setdefault(area, []).append(afd)
    return members


def _wave_areas(seed: int, wave: WavePlan, register: Register,
                members: dict[str, list[str]]) -> list[Area]:
    rng = stream(seed, f"survey|areas|{wave.wave_id}")
    chosen = []
    for area in register.areas:
        if area.area_id not in members:
            continue  # not delimited in the wave's year
        if wave.municipality is not None:
            if area.municipality.code == wave.municipality:
                chosen.append(area)
        elif area.large or rng.random() < 0.2:
            chosen.append(area)
    return chosen


def plan_answers(seed: int, scale: float, register: Register):
    """Per wave: [(area, invited, answers)], scaled so all waves total ANSWERS x scale."""
    planned = []
    for wave in WAVES:
        rng = stream(seed, f"survey|size|{wave.wave_id}")
        members = _members_in(register, wave.year)
        rows = []
        for area in _wave_areas(seed, wave, register, members):
            adults = 0.78 * area.residents
            invited = max(5.0, adults * (0.45 if wave.municipality is None else 0.6))
            rows.append((area, invited, invited * rng.uniform(0.28, 0.57)))
        planned.append((wave, members, rows))
    total = sum(answers for _, _, rows in planned for _, _, answers in rows)
    factor = ANSWERS * scale / total if total else 0.0
    out = []
    for wave, members, rows in planned:
        answers = allocate(round(sum(a for _, _, a in rows) * factor), [a for _, _, a in rows])
        scaled = [(area, max(n, round(invited * factor)), n)
                  for (area, invited, _), n in zip(rows, answers, strict=True)]
        out.append((wave, members, [r for r in scaled if r[2] > 0]))
    return out


def _safety(rng, unsafe: float) -> int | None:
    draw = rng.random()
    if draw < 0.03:
        return None
    if draw < 0.07:
        return 9
    if rng.random() < unsafe:
        return 4 if rng.random() < 0.65 else 5
    return rng.choices([1, 2, 3], [30, 45, 25])[0]


def _columns(wave: WavePlan) -> list[tuple[str, str, str, list]]:
    """(variable, kind, question text, choices) in export order."""
    area_var = "afdeling" if wave.area_mode == "afdeling" else "omraade"
    cols = [("respondentid", "open", "Baggrundsdata - respondent-id", [])]
    if wave.area_mode == "codes":
        cols.append((area_var, "single", "Hvilket boligområde bor du i?", []))
    else:
        cols.append((area_var, "open", f"Baggrundsdata - {area_var}", []))
    if wave.with_email:
        cols.append(("email", "open", "Kontaktoplysninger - e-mail", []))
    cols += [
        ("koen", "single", "Er du mand eller kvinde?", [(1, "Mand"), (2, "Kvinde")]),
        ("alder", "single", "Hvor gammel er du?",
         [(1, "18-29 år"), (2, "30-49 år"), (3, "50-66 år"), (4, "67 år eller derover")]),
        ("tryg_aften", "single", SAFETY_TEXT,
         [(1, "Meget tryg"), (2, "Tryg"), (3, "Hverken tryg eller utryg"), (4, "Utryg"),
          (5, "Meget utryg"), (9, "Ved ikke")]),
        ("tilfreds", "single", "Hvor tilfreds er du alt i alt med din bolig?",
         [(1, "Meget tilfreds"), (2, "Tilfreds"), (3, "Hverken eller"), (4, "Utilfreds"),
          (5, "Meget utilfreds"), (9, "Ved ikke")]),
    ]
    cols += [(f"mere_tryg_{i}", "multiple", "Hvad ville gøre dig mere tryg?", [(i, text)])
             for i, text in enumerate(MORE_SAFE, start=1)]
    if wave.weighted:
        cols.append(("vaegt", "open", "Vægt (efterstratificering)", []))
    cols.append(("kommentar", "open", "Andre kommentarer til tryghed og trivsel?", []))
    return cols


def _respondents(seed: int, wave: WavePlan, rows, members, codes: dict[str, int]):
    rng = stream(seed, f"survey|answers|{wave.wave_id}")
    people = []
    for area, _, n in rows:
        z = area.z + area.slope * (wave.year - 2015)
        unsafe = min(0.6, max(0.02, 0.09 + 0.08 * z))
        afds = members[area.area_id]
        for _ in range(n):
            if wave.area_mode == "afdeling":
                where = rng.choice(afds)
            elif wave.area_mode == "codes":
                where = str(codes[area.area_id])
            else:
                where = area.area_id
            safety = _safety(rng, unsafe)
            person = {
                "omraade": where, "afdeling": where,
                "koen": "" if rng.random() < 0.03 else str(rng.choice([1, 2])),
                "alder": str(rng.choices([1, 2, 3, 4], [12, 30, 30, 28])[0]),
                "tryg_aften": "" if safety is None else str(safety),
                "tilfreds": str(rng.choices([1, 2, 3, 4, 5, 9], [25, 40, 15, 10, 5, 5])[0]),
                "kommentar": rng.choice(COMMENTS) if rng.random() < 0.2 else "",
            }
            for i in range(1, len(MORE_SAFE) + 1):
                person[f"mere_tryg_{i}"] = "1" if rng.random() < 0.3 else "0"
            if wave.weighted:
                person["vaegt"] = f"{rng.uniform(0.6, 1.6):.3f}".replace(".", ",")
            if wave.with_email:
                person["email"] = f"beboer{rng.randint(10000, 99999)}@example.dk" \
                    if rng.random() < 0.5 else ""
            people.append(person)
    rng.shuffle(people)
    for i, person in enumerate(people):
        person["respondentid"] = str(wave.year * 1_000_000 + 7 * i + 11)
    return people


def _encode(rows: list[list[str]], quoted: set[int], style: str) -> bytes:
    """One of SurveyXact's three export dialects; `quoted` = text columns (comma style
    quotes them always)."""
    if style == "comma_utf8":
        lines = [",".join('"' + v.replace('"', '""') + '"' if i in quoted else v
                          for i, v in enumerate(r)) for r in rows]
        return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")
    delimiter, encoding = {"semicolon_ansi": (";", "cp1252"), "tab_utf16": ("\t", "utf-16")}[style]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)  # Python's utf-16 writes the BOM


def write_wave(folder: Path, seed: int, wave: WavePlan, rows, members) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    codes = {area.area_id: i for i, (area, _, _) in enumerate(rows, start=1)}
    columns = _columns(wave)
    people = _respondents(seed, wave, rows, members, codes)
    names = [c[0] for c in columns]
    texts = {i for i, c in enumerate(columns) if c[1] == "open"}
    dataset = [names] + [[p.get(n, "") for n in names] for p in people]
    structure = [["questionName", "variableName", "questionType", "subType", "questionText",
                  "choiceValue", "choiceText"]]
    labels = []
    for variable, kind, text, choices in columns:
        if kind == "multiple":
            value, choice = choices[0]
            structure.append(["mere_tryg", variable, "Closed", "Multiple", text, str(value),
                              choice, ""])  # SurveyXact's spurious trailing column
            labels += [[variable, "0", "Ikke valgt"], [variable, "1", "Valgt"]]
            continue
        qtype, subtype = ("Open", "String") if kind == "open" else ("Closed", "Single")
        structure.append([variable, variable, qtype, subtype, text, "", ""])
        if variable == "omraade" and wave.area_mode == "codes":
            choices = [(code, area.name) for area, code in
                       ((a, codes[a.area_id]) for a, _, _ in rows)]
        labels += [[variable, str(value), label] for value, label in choices]
    (folder / "dataset.csv").write_bytes(_encode(dataset, texts, wave.style))
    (folder / "structure.csv").write_bytes(_encode(structure, {4, 6}, wave.style))
    (folder / "labels.csv").write_bytes(_encode(labels, {0, 2}, wave.style))
    meta = {
        "wave_id": wave.wave_id, "year": wave.year, "title": wave.title,
        "area_variable": "afdeling" if wave.area_mode == "afdeling" else "omraade",
        "items": {"tryg_aften": "evening_safety"},
        "invited": {area.area_id: invited for area, invited, _ in rows},
    }
    if wave.area_mode == "codes":
        meta["area_codes"] = {str(code): area for area, code in codes.items()}
    if wave.weighted:
        meta["weight_variable"] = "vaegt"
    if wave.with_email:
        meta["drop_variables"] = ["email"]
    (folder / "wave.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n",
                                      encoding="utf-8")
    return len(people)


def write_surveys(survey_dir: Path, seed: int, scale: float, register: Register) -> int:
    """Write every wave with answers; returns the number of respondents written."""
    total = 0
    for wave, members, rows in plan_answers(seed, scale, register):
        if rows:
            total += write_wave(survey_dir / wave.wave_id, seed, wave, rows, members)
    return total
