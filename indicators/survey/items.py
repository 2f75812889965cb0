"""The catalogue of survey items, kept as data (items.yaml) and validated here.

An item's codes are defined once, in the catalogue, not per wave: the share
"Andel utrygge" must mean the same answers in every wave, whatever a vendor
calls the variable. A wave only says which of its variables holds which item.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from indicators import yaml_text
from indicators.errors import InputError, InputProblem

CATALOGUE_FILE = Path(__file__).parent / "items.yaml"

ItemId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]


class SurveyItem(BaseModel):
    """One survey item: its question and what its answer codes mean."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    item_id: ItemId
    question_text: str = Field(min_length=1)
    codes: dict[int, str] = Field(min_length=2)
    positive_codes: frozenset[int] = Field(min_length=1)
    positive_label: str = Field(min_length=1)
    dont_know_code: int | None = None
    dont_know_label: str | None = None
    share_label_da: str = Field(min_length=1)
    share_label_en: str = Field(min_length=1)
    # English texts for the English site; codes_en must name exactly the codes.
    question_text_en: str | None = Field(default=None, min_length=1)
    codes_en: dict[int, str] | None = None
    positive_label_en: str | None = Field(default=None, min_length=1)
    dont_know_label_en: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _codes_agree(self) -> SurveyItem:
        outside = self.positive_codes - self.codes.keys()
        if outside:
            raise ValueError(
                f"positive_codes {sorted(outside)} are not among the item's codes "
                f"{sorted(self.codes)}"
            )
        if self.positive_codes == frozenset(self.codes):
            raise ValueError("positive_codes must leave at least one code out")
        if self.dont_know_code is not None and self.dont_know_code in self.codes:
            raise ValueError("dont_know_code must not also be a substantive code")
        if (self.dont_know_code is None) != (self.dont_know_label is None):
            raise ValueError("dont_know_code and dont_know_label go together")
        if self.codes_en is not None and self.codes_en.keys() != self.codes.keys():
            raise ValueError(
                f"codes_en {sorted(self.codes_en)} must name exactly the item's codes "
                f"{sorted(self.codes)}"
            )
        if self.dont_know_label_en is not None and self.dont_know_code is None:
            raise ValueError("dont_know_label_en needs a dont_know_code")
        return self

    @property
    def valid_codes(self) -> frozenset[int]:
        """Substantive answers: the denominator of the share."""
        return frozenset(self.codes)

    @property
    def accepted_codes(self) -> frozenset[int]:
        """Every code an export may hold for this item."""
        extra = {self.dont_know_code} if self.dont_know_code is not None else set()
        return self.valid_codes | extra

    def describe_accepted(self) -> str:
        """The accepted codes in words, for error messages."""
        valid = ", ".join(str(c) for c in sorted(self.codes))
        if self.dont_know_code is None:
            return f"one of {valid} or empty"
        return f"one of {valid}, {self.dont_know_code} ({self.dont_know_label}) or empty"


def load_items(path: Path | None = None) -> dict[str, SurveyItem]:
    """Read and validate the item catalogue (the shipped items.yaml by default)."""
    path = path or CATALOGUE_FILE
    name = path.name if path == CATALOGUE_FILE else str(path)
    try:
        raw = yaml_text.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            InputProblem(
                name,
                f"is not valid YAML ({getattr(exc, 'problem', exc)}): expected a mapping of "
                "item ids to item definitions",
                row=mark.line + 1 if mark is not None else None,
            )
        ) from exc
    if not isinstance(raw, dict) or not raw:
        raise InputError(
            InputProblem(name, "expected a non-empty mapping of item ids to item definitions")
        )
    items: dict[str, SurveyItem] = {}
    problems: list[InputProblem] = []
    for item_id, body in raw.items():
        if not isinstance(body, dict):
            problems.append(
                InputProblem(name, f"item {item_id!r}: expected a mapping of item fields")
            )
            continue
        try:
            items[str(item_id)] = SurveyItem.model_validate({**body, "item_id": str(item_id)})
        except ValidationError as exc:
            for error in exc.errors():
                where = ".".join(str(part) for part in error["loc"]) or "(item)"
                problems.append(
                    InputProblem(name, f"item {item_id!r}, field {where!r}: {error['msg']}")
                )
    if problems:
        raise InputError(problems)
    return items
