"""wave.json: how one survey export maps onto the product (contract.md, survey/<wave>/).

The file is written by a person, once per wave, so every mistake in it is
reported with the field's path and, where it can be found, its line: the
person fixing it opens wave.json, not this code. Types are strict (a year
written as "2010" is an error, not silently converted) because a wrong type
usually means a wrong field.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from indicators.errors import InputError, InputProblem
from indicators.inputs.files import read_input_bytes
from indicators.survey.items import SurveyItem, load_items

AREA_ID_PATTERN = r"^[a-z0-9_]+$"
AreaId = Annotated[str, StringConstraints(pattern=AREA_ID_PATTERN)]
VariableName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
WaveId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]


@lru_cache(maxsize=1)
def _shipped_items() -> dict[str, SurveyItem]:
    return load_items()


def _same(a: str, b: str) -> bool:
    # Column names are matched case-insensitively, ignoring blanks (contract.md).
    return a.strip().lower() == b.strip().lower()


class WaveConfig(BaseModel):
    """One survey wave as described by its wave.json."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    wave_id: WaveId
    year: StrictInt = Field(ge=1900, le=2100)
    title: str = Field(min_length=1)
    area_variable: VariableName
    items: dict[VariableName, str] = Field(min_length=1)
    invited: dict[AreaId, Annotated[StrictInt, Field(ge=1)]] | None = None
    area_codes: dict[VariableName, AreaId] | None = None
    weight_variable: VariableName | None = None
    drop_variables: list[VariableName] = Field(default_factory=list)

    @field_validator("items")
    @classmethod
    def _items_known_and_single(cls, items: dict[str, str], info: ValidationInfo):
        catalogue = (info.context or {}).get("items") or _shipped_items()
        for variable, item_id in items.items():
            if item_id not in catalogue:
                raise ValueError(
                    f"variable {variable!r} maps to item {item_id!r}, which is not in the "
                    f"item catalogue; expected one of {', '.join(sorted(catalogue))}"
                )
        seen: dict[str, str] = {}
        for variable, item_id in items.items():
            if item_id in seen:
                raise ValueError(
                    f"item {item_id!r} is mapped from both {seen[item_id]!r} and {variable!r}; "
                    "expected one variable per item"
                )
            seen[item_id] = variable
        area_variable = info.data.get("area_variable")
        if area_variable and any(_same(v, area_variable) for v in items):
            raise ValueError(
                f"{area_variable!r} is the area_variable; expected item variables to be "
                "other columns"
            )
        return items

    @field_validator("invited", "area_codes")
    @classmethod
    def _areas_known(cls, mapping: dict[str, str] | None, info: ValidationInfo):
        known = (info.context or {}).get("known_areas")
        if mapping is None or known is None:
            return mapping
        areas = mapping.keys() if info.field_name == "invited" else mapping.values()
        unknown = sorted(set(areas) - set(known))
        if unknown:
            raise ValueError(
                f"area {', '.join(map(repr, unknown))} is not in the area register; "
                f"expected one of {', '.join(sorted(known))}"
            )
        return mapping

    @field_validator("weight_variable")
    @classmethod
    def _weight_is_own_column(cls, weight: str | None, info: ValidationInfo):
        if weight is None:
            return weight
        taken = [info.data.get("area_variable") or "", *(info.data.get("items") or {})]
        if any(_same(weight, t) for t in taken):
            raise ValueError(
                f"{weight!r} is already the area variable or an item; expected its own column"
            )
        return weight

    @field_validator("drop_variables")
    @classmethod
    def _never_drop_what_is_used(cls, dropped: list[str], info: ValidationInfo):
        used = [
            info.data.get("area_variable") or "",
            *(info.data.get("items") or {}),
            info.data.get("weight_variable") or "",
        ]
        clash = [d for d in dropped if any(u and _same(d, u) for u in used)]
        if clash:
            raise ValueError(
                f"{', '.join(map(repr, clash))} is used by this wave (area, item or weight); "
                "expected drop_variables to list only columns the product never reads"
            )
        return dropped


_FIELD_HELP = {
    "wave_id": 'the wave\'s id as text, e.g. "2010"',
    "year": "the wave's year as a whole number, e.g. 2010",
    "title": "the wave's title as text",
    "area_variable": "the name of the dataset column holding the respondent's area",
    "items": 'an object mapping dataset columns to item ids, e.g. {"tryg_aften": '
    '"evening_safety"}',
}

_FRIENDLY = {
    "string_type": "expected text in double quotes",
    "int_type": "expected a whole number",
    "dict_type": "expected an object {...}",
    "list_type": "expected a list [...]",
}


def _explain(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "missing":
        field = str(error["loc"][0]) if error["loc"] else ""
        return f"required field is missing: expected {_FIELD_HELP.get(field, 'a value')}"
    if kind == "extra_forbidden":
        return "unknown field; expected only " + ", ".join(WaveConfig.model_fields)
    if kind in _FRIENDLY:
        return _FRIENDLY[kind]
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        if pattern == AREA_ID_PATTERN:
            return "expected an area_id of lower-case letters, digits and '_'"
        return f"expected text matching {pattern}"
    message = error["msg"]
    return message.removeprefix("Value error, ")


def _field_path(loc: tuple[Any, ...]) -> str:
    # Pydantic marks an invalid dict key with a trailing "[key]".
    return ".".join(str(part) for part in loc if part != "[key]")


def _line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """Best-effort line of a field: the line of its innermost key found in the text."""
    position, line = 0, None
    for part in loc:
        if not isinstance(part, str) or part == "[key]":
            continue
        match = re.compile(re.escape(json.dumps(part)) + r"\s*:").search(text, position)
        if match is None:
            break
        position = match.start()
        line = text.count("\n", 0, position) + 1
    return line


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


class _DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def load_wave_config(
    path: Path,
    name: str,
    items: dict[str, SurveyItem] | None = None,
    known_areas: set[str] | None = None,
) -> WaveConfig:
    """Read and validate a wave.json; `name` is the file as the user knows it.

    `items` is the item catalogue (the shipped one by default); `known_areas`,
    when given, are the area ids that `invited` and `area_codes` may name.
    """
    if not path.is_file():
        raise InputError(
            InputProblem(name, "file is missing: expected wave.json describing the wave")
        )
    try:
        text = read_input_bytes(path, name).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(InputProblem(name, "cannot be decoded: expected UTF-8 JSON")) from exc
    try:
        data = json.loads(text, object_pairs_hook=_reject_duplicate_keys)
    except json.JSONDecodeError as exc:
        raise InputError(
            InputProblem(
                name,
                f"is not valid JSON at line {exc.lineno}, column {exc.colno} ({exc.msg}): "
                "expected a JSON object like "
                '{"wave_id": "2010", "year": 2010, "title": "...", ...}',
                row=exc.lineno,
            )
        ) from exc
    except _DuplicateKey as exc:
        raise InputError(
            InputProblem(
                name,
                f"field {exc.key!r} appears more than once: expected each field once",
                row=_line_of(text, (exc.key,)),
            )
        ) from exc
    if not isinstance(data, dict):
        raise InputError(InputProblem(name, "expected a JSON object {...} at the top level"))
    context = {"items": items, "known_areas": known_areas}
    try:
        return WaveConfig.model_validate(data, context=context)
    except ValidationError as exc:
        problems = [
            InputProblem(
                name,
                f"field {_field_path(error['loc'])!r}: {_explain(error)}",
                row=_line_of(text, error["loc"]),
            )
            for error in exc.errors()
        ]
        raise InputError(problems) from exc
