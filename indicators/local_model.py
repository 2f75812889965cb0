"""The local monitoring model (`models/local.yaml`, contract.md; rules: domain.md §7).

A municipality's own categorisation, Aarhus-style: indicators as ratios of area
sums (or a survey item's share), points by distance from the municipality's
social housing, a category from the sum. Every number is configuration; when a
data directory has no `models/local.yaml`, the product's shipped default model
(`local_model_default.yaml`, documented in docs/method.md) is used.

Errors name the file, the key path (`indicators.l_x.numerator`) and, where the
YAML parser knows it, the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from indicators import yaml_text
from indicators.errors import InputError, InputProblem

DEFAULT_MODEL_PATH = Path(__file__).with_name("local_model_default.yaml")
MODEL_FILE = "models/local.yaml"  # its place in a data directory
ID_PATTERN = r"^[a-z0-9_]+$"

Direction = Literal["higher_worse", "lower_worse"]
Category = Literal["red", "orange", "yellow", "green"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Categories(_Strict):
    """Lowest point total of each category; below yellow_from is green."""

    red_from: int = Field(ge=1)
    orange_from: int = Field(ge=1)
    yellow_from: int = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> Categories:
        if not self.red_from > self.orange_from > self.yellow_from:
            raise ValueError(
                f"expected red_from > orange_from > yellow_from; found {self.red_from}, "
                f"{self.orange_from}, {self.yellow_from}")
        return self

    def of(self, points: int) -> Category:
        if points >= self.red_from:
            return "red"
        if points >= self.orange_from:
            return "orange"
        if points >= self.yellow_from:
            return "yellow"
        return "green"


class LocalIndicator(_Strict):
    """Either a ratio of two measures (numerator / denominator) or a survey item's share."""

    numerator: str | None = None
    denominator: str | None = None
    survey_item: str | None = None
    unit: Literal["pct", "ratio"] | None = None
    direction: Direction
    label_da: str = Field(min_length=1)
    label_en: str = Field(min_length=1)

    @model_validator(mode="after")
    def _one_source(self) -> LocalIndicator:
        measures = (self.numerator, self.denominator)
        if self.survey_item is not None:
            if any(m is not None for m in measures):
                raise ValueError("expected either survey_item or numerator and denominator, "
                                 "not both")
            if self.unit == "ratio":
                raise ValueError("a survey indicator is a share in percent: unit must be pct "
                                 "or left out")
        elif None in measures:
            raise ValueError("expected numerator and denominator (two maal codes), or "
                             "survey_item")
        elif self.unit is None:
            raise ValueError("expected unit: pct (x 100) or ratio")
        return self

    @property
    def is_survey(self) -> bool:
        return self.survey_item is not None

    @property
    def scale(self) -> int:
        """Factor from the ratio of sums to the published value (x 100 for percent)."""
        return 1 if self.unit == "ratio" else 100

    @property
    def measures(self) -> tuple[str, str] | None:
        if self.numerator is None or self.denominator is None:
            return None
        return self.numerator, self.denominator


class LocalModel(_Strict):
    model_id: str = Field(pattern=ID_PATTERN)
    min_residents: int = Field(default=500, ge=0)
    bands: list[Decimal] = Field(min_length=1)
    categories: Categories
    indicators: dict[str, LocalIndicator] = Field(min_length=1)

    @field_validator("bands", mode="before")
    @classmethod
    def _exact_bands(cls, raw: object) -> object:
        # A YAML float like 1.25 is a binary approximation; read the decimal the
        # author wrote (its shortest spelling), as the catalogue does.
        if isinstance(raw, list):
            return [repr(b) if isinstance(b, float) else b for b in raw]
        return raw

    @field_validator("bands")
    @classmethod
    def _increasing(cls, bands: list[Decimal]) -> list[Decimal]:
        if any(not b.is_finite() or b <= 0 for b in bands):
            raise ValueError("expected positive numbers")
        if any(a >= b for a, b in zip(bands, bands[1:], strict=False)):
            raise ValueError(f"expected strictly increasing edges; found {[str(b) for b in bands]}")
        return bands

    @field_validator("indicators")
    @classmethod
    def _ids(cls, indicators: dict[str, LocalIndicator]) -> dict[str, LocalIndicator]:
        bad = [i for i in indicators if not re.match(ID_PATTERN, i)]
        if bad:
            raise ValueError(f"indicator ids must match [a-z0-9_]+; found {', '.join(bad)}")
        return indicators

    @property
    def max_points(self) -> int:
        """Points of one indicator at most: one per band edge reached."""
        return len(self.bands)

    @property
    def band_fractions(self) -> list[Fraction]:
        return [Fraction(b) for b in self.bands]

    def measures(self) -> list[str]:
        """Every maal the model's indicators use."""
        return sorted({m for ind in self.indicators.values() for m in (ind.measures or ())})

    def survey_items(self) -> list[str]:
        return sorted({i.survey_item for i in self.indicators.values() if i.survey_item})


def _line_of(root: yaml.Node | None, loc: Iterable[object]) -> int | None:
    """1-based line of the deepest key in `loc` the document has (None if unknown)."""
    node, line = root, None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if match is None:
                break
            line = match[0].start_mark.line + 1
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and (
                part < len(node.value)):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _duplicate_keys(node: yaml.Node | None, path: str = "") -> list[tuple[str, int]]:
    """Keys given twice in one mapping: YAML would keep the last one silently."""
    found: list[tuple[str, int]] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            where = f"{path}.{key.value}" if path else str(key.value)
            if key.value in seen:
                found.append((where, key.start_mark.line + 1))
            seen.add(key.value)
            found.extend(_duplicate_keys(value, where))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found.extend(_duplicate_keys(item, f"{path}.{i}"))
    return found


def parse_local_model(text: str, name: str, *, measures: Iterable[str],
                      survey_items: Iterable[str]) -> LocalModel:
    """Validate a model's YAML text: structure, then that every maal and survey item it
    names exists. `name` is how errors name the file."""
    try:
        root = yaml_text.compose(text)
        raw = yaml_text.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(InputProblem(
            name, f"is not valid YAML ({getattr(exc, 'problem', exc)}); expected the model "
            "as contract.md shows it (model_id, min_residents, bands, categories, indicators)",
            row=mark.line + 1 if mark else None)) from None
    if not isinstance(raw, dict):
        raise InputError(InputProblem(
            name, "expected a mapping with model_id, bands, categories and indicators"))
    duplicates = _duplicate_keys(root)
    if duplicates:
        raise InputError([InputProblem(name, f"key {key!r} is given twice; expected each key "
                                       "once", row=line) for key, line in duplicates])
    try:
        model = LocalModel.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = list(err["loc"])
            key = ".".join(str(p) for p in loc) or "(model)"
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = "unknown key; expected only the keys contract.md lists"
            elif err["type"] == "missing":
                message = "missing; expected this key"
            problems.append(InputProblem(name, f"key {key!r}: {message}",
                                         row=_line_of(root, loc)))
        raise InputError(problems) from None
    _check_names(model, root, name, set(measures), set(survey_items))
    return model


def _check_names(model: LocalModel, root: yaml.Node | None, name: str, measures: set[str],
                 survey_items: set[str]) -> None:
    problems = []
    for ind_id, ind in model.indicators.items():
        for field, value, known in (("numerator", ind.numerator, measures),
                                    ("denominator", ind.denominator, measures),
                                    ("survey_item", ind.survey_item, survey_items)):
            if value is not None and value not in known:
                loc = ["indicators", ind_id, field]
                what = "maal" if field != "survey_item" else "survey item"
                problems.append(InputProblem(
                    name, f"key {'.'.join(loc)!r}: unknown {what} {value!r}; expected one of "
                    f"{', '.join(sorted(known))}", row=_line_of(root, loc)))
    if problems:
        raise InputError(problems)


def _known_names() -> tuple[list[str], list[str]]:
    from indicators.catalogue import load_catalogue
    from indicators.survey.items import load_items

    return list(load_catalogue().all_measures()), list(load_items())


def validate_model_bytes(data: bytes, name: str) -> LocalModel:
    """A model file's bytes (as received, or a delivery in incoming/), validated against
    the catalogue's maal and the survey items; `name` is how errors name the file."""
    measures, items = _known_names()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(InputProblem(name, "is not UTF-8 text; expected a YAML file in "
                                      "UTF-8")) from None
    return parse_local_model(text, name, measures=measures, survey_items=items)


def default_model_name() -> str:
    return f"indicators/{DEFAULT_MODEL_PATH.name}"


def load_local_model(data_dir: Path | None = None) -> LocalModel:
    """The data directory's `models/local.yaml`, else the shipped default model."""
    path = None if data_dir is None else Path(data_dir) / MODEL_FILE
    if path is not None and path.exists():
        return validate_model_bytes(path.read_bytes(), MODEL_FILE)
    return validate_model_bytes(DEFAULT_MODEL_PATH.read_bytes(), default_model_name())
