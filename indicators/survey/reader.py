"""Reading one survey wave (a SurveyXact export plus its wave.json) into frames.

Privacy decides the shape of this module (domain.md §4). The dataset holds
respondent ids, names, e-mails and free text next to the answers we need. Only
three kinds of column are ever taken out of the decoded file: the area
variable, the item variables named in wave.json and the weight variable. Every
other column stays inside the TextTable, which does not leave this module.
Problems are reported by row number and column name, never by a cell's
content. The answers frame is sorted by its values, not kept in file order,
so a row's position cannot be traced back to a line of the raw file.

An area variable holds one of three things, decided per wave: a code listed in
wave.json's `area_codes` (when the area was asked as a numbered single-choice
question), an `afdeling_id` (mapped to the area it belonged to in the wave's
year, as membership.csv says), or an `area_id`. A respondent whose area cell
is blank cannot be placed in any area; such rows are left out (also of the
wave's `all` row, so that the areas always add up to it) and reported as a
warning by row number.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path, PurePosixPath

import polars as pl

from indicators.errors import InputError, InputProblem, Warnings
from indicators.inputs.files import read_input_bytes
from indicators.inputs.textfile import (
    DELIMITERS,
    NumberError,
    TextTable,
    decode,
    normalise,
    parse_decimal,
    read_text_table,
)
from indicators.survey.items import SurveyItem, load_items
from indicators.survey.wave import WaveConfig, load_wave_config

AFDELING_PATTERN = re.compile(r"^\d{3}-\d{4}$")
_WHOLE_NUMBER = re.compile(r"^\d+$")

ANSWERS_SCHEMA = {
    "wave_id": pl.String,
    "year": pl.Int32,
    "area_id": pl.String,
    "item_id": pl.String,
    "code": pl.Int16,
    "weight": pl.Float64,
}
QUESTIONS_SCHEMA = {
    "wave_id": pl.String,
    "item_id": pl.String,
    "variable": pl.String,
    "question_text": pl.String,
    "catalogue_text": pl.String,
}
LABELS_SCHEMA = {
    "wave_id": pl.String,
    "item_id": pl.String,
    "variable": pl.String,
    "code": pl.Int16,
    "label": pl.String,
}
RESPONDENTS_SCHEMA = {
    "wave_id": pl.String,
    "area_id": pl.String,
    "n_respondents": pl.Int64,
    "invited": pl.Int64,
    "response_rate": pl.Float64,
}
MEMBERSHIP_COLUMNS = ("area_id", "afdeling_id", "valid_from", "valid_to")


@dataclass
class SurveyWave:
    """One wave, loaded: configuration and frames free of personal identifiers.

    answers      one row per respondent and item: wave_id, year, area_id,
                 item_id, code (NULL = not answered), weight (NULL = unweighted)
    questions    the wording behind each item in this wave's export
    respondents  respondents and response rate per area
    labels       the export's value labels for the item variables
    source_files the files read, as the user knows them (relative to the data dir)
    """

    config: WaveConfig
    answers: pl.DataFrame
    questions: pl.DataFrame
    respondents: pl.DataFrame
    source_files: list[str]
    labels: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=LABELS_SCHEMA))
    warnings: Warnings = field(default_factory=Warnings)


def read_wave(
    folder: Path,
    name: str,
    membership: pl.DataFrame,
    items: dict[str, SurveyItem] | None = None,
) -> SurveyWave:
    """Read survey/<wave>/ (wave.json, dataset.csv, optional structure.csv and labels.csv).

    `name` is the folder as the user knows it (e.g. `survey/2010`); `membership`
    has area_id, afdeling_id, valid_from and valid_to (NULL = still valid).
    Raises InputError naming file, row and column for any problem.
    """
    items = items if items is not None else load_items()
    _check_membership_columns(membership)
    known_areas = set(membership.get_column("area_id").drop_nulls().to_list())
    config = load_wave_config(folder / "wave.json", f"{name}/wave.json", items, known_areas)
    warnings = Warnings()
    source_files = [f"{name}/wave.json"]
    shown_parts = PurePosixPath(name).parts
    if len(shown_parts) >= 2 and shown_parts[-2] == "survey" and shown_parts[-1] != config.wave_id:
        # Waves are filed under survey/<wave_id>/ (contract.md); a mismatch usually
        # means a wave.json copied from another wave. `name`, not the folder on disk,
        # is compared: callers may read a wave through a temporary view folder.
        warnings.add(
            f"{name}/wave.json: wave_id {config.wave_id!r} differs from the folder name "
            f"{shown_parts[-1]!r}"
        )

    dataset_name = f"{name}/dataset.csv"
    dataset = _read_dataset(folder / "dataset.csv", dataset_name, config)
    source_files.append(dataset_name)
    resolve_area = _AreaResolver(config, membership, known_areas)
    respondents = _extract_respondents(dataset, config, items, resolve_area, warnings)

    answers = _answers_frame(config, respondents)
    respondents_frame = _respondents_frame(config, respondents, warnings)

    structure_texts: dict[str, str] = {}
    structure_path = folder / "structure.csv"
    if structure_path.is_file():
        structure_name = f"{name}/structure.csv"
        structure_texts = _read_structure(structure_path, structure_name, config, warnings)
        source_files.append(structure_name)
    labels = pl.DataFrame(schema=LABELS_SCHEMA)
    labels_path = folder / "labels.csv"
    if labels_path.is_file():
        labels_name = f"{name}/labels.csv"
        labels = _read_labels(labels_path, labels_name, config, items, dataset.delimiter,
                              warnings)
        source_files.append(labels_name)

    questions = pl.DataFrame(
        [
            {
                "wave_id": config.wave_id,
                "item_id": item_id,
                "variable": variable,
                "question_text": structure_texts.get(normalise(variable)),
                "catalogue_text": items[item_id].question_text,
            }
            for variable, item_id in config.items.items()
        ],
        schema=QUESTIONS_SCHEMA,
    )
    return SurveyWave(config, answers, questions, respondents_frame, source_files, labels,
                      warnings)


# A data directory without survey waves is legitimate (a municipality without a
# survey, or one whose only wave was forgotten on request): the survey tables are
# published empty and the run says so, which an accidental loss of survey/ also needs.
NO_WAVES = ("survey/ holds no survey wave (survey/<wave>/wave.json): the survey tables are "
            "published empty and every survey indicator is unknown")


def check_distinct_wave_ids(waves: list[tuple[str, WaveConfig]]) -> None:
    """Each wave in one folder: a copied folder under another name would count every
    answer twice. `waves` pairs the folder as the user knows it with its wave.json."""
    first: dict[str, str] = {}
    problems = []
    for folder, config in waves:
        if config.wave_id in first:
            problems.append(InputProblem(
                f"{folder}/wave.json",
                f"wave_id {config.wave_id!r} is also the wave_id of {first[config.wave_id]}"
                "/wave.json; expected each wave in exactly one folder under survey/ (remove "
                "the copy, or give a different wave its own wave_id)",
                column="wave_id",
            ))
        else:
            first[config.wave_id] = folder
    if problems:
        raise InputError(problems)


# --- dataset ------------------------------------------------------------------


def _check_membership_columns(membership: pl.DataFrame) -> None:
    missing = [c for c in MEMBERSHIP_COLUMNS if c not in membership.columns]
    if missing:
        raise ValueError(f"membership frame lacks columns {missing}")


def _read_dataset(path: Path, name: str, config: WaveConfig) -> TextTable:
    if not path.is_file():
        raise InputError(
            InputProblem(name, "file is missing: expected the SurveyXact dataset export")
        )
    needed = _needed_columns(config)
    try:
        table = read_text_table(path, name, needed)
    except InputError:
        # The header lacks a needed column under every delimiter; read it with the
        # delimiter the header itself suggests so the report can say which column.
        table = read_text_table(path, name)
    problems = [
        InputProblem(name, f"missing column: expected the {role} named in wave.json",
                     row=1, column=column)
        for column, role in _roles(config)
        if not table.has(column)
    ]
    problems += [
        InputProblem(name, "column appears more than once in the header: expected it once",
                     row=1, column=column)
        for column, _ in _roles(config)
        if sum(normalise(h) == normalise(column) for h in table.header) > 1
    ]
    if problems:
        raise InputError(problems)
    if not table.rows:
        raise InputError(
            InputProblem(name, "has no respondents: expected one row per respondent", row=2)
        )
    return table


def _roles(config: WaveConfig) -> list[tuple[str, str]]:
    roles = [(config.area_variable, "area variable")]
    roles += [(variable, f"item variable for {item_id}") for variable, item_id in
              config.items.items()]
    if config.weight_variable is not None:
        roles.append((config.weight_variable, "weight variable"))
    return roles


def _needed_columns(config: WaveConfig) -> list[str]:
    return [column for column, _ in _roles(config)]


@dataclass
class _Respondent:
    area_id: str
    codes: dict[str, int | None]  # item_id -> code
    weight: float | None


def _extract_respondents(
    table: TextTable,
    config: WaveConfig,
    items: dict[str, SurveyItem],
    resolve_area: _AreaResolver,
    warnings: Warnings,
) -> list[_Respondent]:
    """Take the area, item and weight cells out of the table; nothing else."""
    area_at = table.index(config.area_variable)
    item_at = {
        item_id: (variable, table.index(variable)) for variable, item_id in config.items.items()
    }
    weight_at = (
        table.index(config.weight_variable) if config.weight_variable is not None else None
    )
    problems: list[InputProblem] = []
    without_area: list[int] = []
    respondents: list[_Respondent] = []
    for number, row in zip(table.row_numbers, table.rows, strict=True):
        area_cell = row[area_at].strip()
        if area_cell == "":
            without_area.append(number)
            continue
        area_id, area_problem = resolve_area(area_cell)
        if area_problem is not None:
            problems.append(InputProblem(table.name, area_problem, row=number,
                                         column=config.area_variable))
        codes: dict[str, int | None] = {}
        for item_id, (variable, at) in item_at.items():
            code, code_problem = _parse_code(row[at], items[item_id])
            if code_problem is not None:
                problems.append(InputProblem(table.name, code_problem, row=number,
                                             column=variable))
            codes[item_id] = code
        weight = None
        if weight_at is not None:
            weight, weight_problem = _parse_weight(row[weight_at])
            if weight_problem is not None:
                problems.append(InputProblem(table.name, weight_problem, row=number,
                                             column=config.weight_variable))
        if area_id is not None:
            respondents.append(_Respondent(area_id, codes, weight))
    if problems:
        raise InputError(problems)
    if without_area:
        warnings.add(
            f"{table.name}: {len(without_area)} respondent(s) have no value in column "
            f"{config.area_variable!r} and are left out (rows {_row_list(without_area)})"
        )
    return respondents


def _row_list(numbers: list[int], limit: int = 20) -> str:
    shown = ", ".join(str(n) for n in numbers[:limit])
    return shown + (f" and {len(numbers) - limit} more" if len(numbers) > limit else "")


def _parse_code(cell: str, item: SurveyItem) -> tuple[int | None, str | None]:
    text = cell.strip()
    if text == "":
        return None, None
    if _WHOLE_NUMBER.match(text):
        code = int(text)
        if code in item.accepted_codes:
            return code, None
    problem = (
        f"answer code not in the item catalogue for {item.item_id}: expected "
        f"{item.describe_accepted()}"
    )
    return None, problem


# [convention] A post-stratification weight says how many respondents of its kind one
# respondent stands for: a positive, finite number. Zero would leave a respondent
# counted in n but not in the share, and an area whose weights are all zero has no
# share at all. The upper bound is no statistical rule but a guard against a
# misplaced column or a unit slip (1e12 is no weight anyone computed); the results
# are scale-free (Kish's effective n), so real weights are far below it.
MAX_WEIGHT = Decimal(1_000_000)
_WEIGHT_EXPECTED = f"expected a positive number up to {MAX_WEIGHT} (decimal comma or point)"


def _parse_weight(cell: str) -> tuple[float | None, str | None]:
    try:
        value = parse_decimal(cell)
    except NumberError:
        return None, f"weight is not a number: {_WEIGHT_EXPECTED}"
    if value is None:
        return None, f"weight is empty: {_WEIGHT_EXPECTED} for every respondent"
    if value < 0:
        return None, f"weight is negative: {_WEIGHT_EXPECTED}"
    if value == 0:
        return None, f"weight is zero: {_WEIGHT_EXPECTED}"
    if value > MAX_WEIGHT:
        return None, f"weight is implausibly large: {_WEIGHT_EXPECTED}"
    return float(value), None


def _code_key(code: str) -> str:
    # "01" and "1" are the same single-choice code.
    code = code.strip()
    return str(int(code)) if _WHOLE_NUMBER.match(code) else code


class _AreaResolver:
    """Turns an area cell into an area_id, or says what was expected instead."""

    def __init__(self, config: WaveConfig, membership: pl.DataFrame, known_areas: set[str]):
        self.config = config
        self.known_areas = known_areas
        self.codes = (
            {_code_key(code): area for code, area in config.area_codes.items()}
            if config.area_codes is not None
            else None
        )
        self.afdeling_areas = _afdeling_areas_in(membership, config.year)

    def __call__(self, cell: str) -> tuple[str | None, str | None]:
        if self.codes is not None:
            area = self.codes.get(_code_key(cell))
            if area is None:
                return None, (
                    "area code is not listed in wave.json's area_codes: expected one of "
                    + ", ".join(sorted(self.codes, key=_natural))
                )
            return area, None
        if AFDELING_PATTERN.match(cell):
            areas = self.afdeling_areas.get(cell, set())
            if len(areas) == 1:
                return next(iter(areas)), None
            if not areas:
                return None, (
                    f"afdeling is not part of any area in {self.config.year} "
                    "(areas/membership.csv): expected an afdeling_id that belongs to an "
                    "area in the wave's year"
                )
            return None, (
                f"afdeling belongs to more than one area in {self.config.year} "
                "(areas/membership.csv): expected exactly one"
            )
        if cell in self.known_areas:
            return cell, None
        return None, (
            "unknown area: expected an area_id from the area register, an afdeling_id "
            "like 027-0051, or a code listed in wave.json's area_codes"
        )


def _natural(code: str) -> tuple[int, int | str]:
    return (0, int(code)) if _WHOLE_NUMBER.match(code) else (1, code)


def _afdeling_areas_in(membership: pl.DataFrame, year: int) -> dict[str, set[str]]:
    valid = membership.filter(
        (pl.col("valid_from") <= year)
        & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= year))
    )
    areas: dict[str, set[str]] = {}
    for afdeling, area in valid.select("afdeling_id", "area_id").iter_rows():
        areas.setdefault(afdeling, set()).add(area)
    return areas


# --- frames -------------------------------------------------------------------


def _answers_frame(config: WaveConfig, respondents: list[_Respondent]) -> pl.DataFrame:
    rows = [
        (r.area_id, item_id, code, r.weight)
        for r in respondents
        for item_id, code in r.codes.items()
    ]
    frame = pl.DataFrame(
        rows,
        schema={k: v for k, v in ANSWERS_SCHEMA.items() if k not in ("wave_id", "year")},
        orient="row",
    )
    return (
        frame.with_columns(
            pl.lit(config.wave_id, dtype=pl.String).alias("wave_id"),
            pl.lit(config.year, dtype=pl.Int32).alias("year"),
        )
        .select(list(ANSWERS_SCHEMA))
        .sort(["area_id", "item_id", "code", "weight"], nulls_last=True)
    )


def _respondents_frame(
    config: WaveConfig, respondents: list[_Respondent], warnings: Warnings
) -> pl.DataFrame:
    counts = Counter(r.area_id for r in respondents)
    invited = config.invited or {}
    rows = []
    for area_id in sorted(set(counts) | set(invited)):
        n = counts.get(area_id, 0)
        asked = invited.get(area_id)
        rate = 100.0 * n / asked if asked else None
        if rate is not None and rate > 100:
            warnings.add(
                f"wave {config.wave_id}, area {area_id}: {n} respondents but {asked} invited "
                "(wave.json invited); the response rate is over 100 %"
            )
        rows.append((config.wave_id, area_id, n, asked, rate))
    return pl.DataFrame(rows, schema=RESPONDENTS_SCHEMA, orient="row")


# --- structure.csv and labels.csv (questionnaire texts, optional) ---------------


def _read_structure(
    path: Path, name: str, config: WaveConfig, warnings: Warnings
) -> dict[str, str]:
    """Question text per item variable, from SurveyXact's structure.csv."""
    try:
        table = read_text_table(path, name, ["variableName", "questionText"])
    except InputError as exc:
        warnings.add(f"{exc} (structure.csv is optional and was ignored)")
        return {}
    variable_at, text_at = table.index("variableName"), table.index("questionText")
    wanted = {normalise(v) for v in config.items}
    texts: dict[str, str] = {}
    for row in table.rows:
        variable = normalise(row[variable_at])
        if variable in wanted and variable not in texts:
            texts[variable] = row[text_at].strip()
    for variable in config.items:
        if normalise(variable) not in texts:
            warnings.add(f"{name}: no question text for item variable {variable!r}")
    return texts


def _read_labels(
    path: Path,
    name: str,
    config: WaveConfig,
    items: dict[str, SurveyItem],
    dataset_delimiter: str,
    warnings: Warnings,
) -> pl.DataFrame:
    """Value labels of the item variables, from labels.csv (no header row)."""
    try:
        text, _ = decode(read_input_bytes(path, name), name)
    except InputError as exc:
        warnings.add(f"{exc} (labels.csv is optional and was ignored)")
        return pl.DataFrame(schema=LABELS_SCHEMA)
    delimiter = _labels_delimiter(text, dataset_delimiter)
    if delimiter is None:
        warnings.add(
            f"{name}: expected lines variableName;value;valueLabel separated by "
            f"{' or '.join(DELIMITERS.values())} (labels.csv is optional and was ignored)"
        )
        return pl.DataFrame(schema=LABELS_SCHEMA)
    item_of = {normalise(v): (v, item_id) for v, item_id in config.items.items()}
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    for record in reader:
        fields = _without_trailing_blanks(record)
        if len(fields) < 3 or normalise(fields[0]) not in item_of:
            continue
        variable, item_id = item_of[normalise(fields[0])]
        value = fields[1].strip()
        label = delimiter.join(fields[2:]).strip()
        if not _WHOLE_NUMBER.match(value):
            warnings.add(f"{name}, row {reader.line_num}: value of {variable!r} is not a "
                         "whole number; label ignored")
            continue
        code = int(value)
        if code not in items[item_id].accepted_codes:
            warnings.add(
                f"{name}, row {reader.line_num}: {variable!r} has a label for code {code}, "
                f"which {item_id} does not accept ({items[item_id].describe_accepted()}); "
                "label ignored"
            )
            continue
        rows.append((config.wave_id, item_id, variable, code, label))
    return pl.DataFrame(rows, schema=LABELS_SCHEMA, orient="row")


def _without_trailing_blanks(record: Iterable[str]) -> list[str]:
    fields = list(record)
    while fields and fields[-1].strip() == "":
        fields.pop()
    return fields


def _labels_delimiter(text: str, preferred: str) -> str | None:
    """The delimiter under which the first line reads as variable, number, label."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    for delimiter in [preferred, *(d for d in DELIMITERS if d != preferred)]:
        fields = next(csv.reader([first], delimiter=delimiter, quotechar='"'), [])
        if len(fields) >= 3 and _WHOLE_NUMBER.match(fields[1].strip()):
            return delimiter
    return None
