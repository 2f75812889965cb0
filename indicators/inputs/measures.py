"""The measures a KÅS delivery may carry and the names deliveries give them."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from indicators import yaml_text
from indicators.errors import InputError, InputProblem
from indicators.inputs.files import read_input_bytes


class Measure(BaseModel):
    label_da: str
    unit: str
    timing: Literal["stock", "flow"] | None = None


class MeasureCatalogue(BaseModel):
    measures: dict[str, Measure]
    reference: dict[Literal["national", "regional"], dict[str, Measure]]


@cache
def load_measures() -> MeasureCatalogue:
    text = (Path(__file__).parent / "measures.yaml").read_text(encoding="utf-8")
    return MeasureCatalogue.model_validate(yaml_text.safe_load(text))


# Head counts, and counts of things (dwellings, evictions). Full-time persons
# (`fuldtidspersoner`) are full-time equivalents, amounts are in kroner and days of
# absence may be half days: these may carry decimals.
WHOLE_NUMBER_UNITS = frozenset({"personer", "antal"})


@cache
def whole_number_measures() -> list[str]:
    """The maal codes that count persons, whose values must be whole numbers."""
    return sorted(code for code, measure in load_measures().measures.items()
                  if measure.unit in WHOLE_NUMBER_UNITS)


class DeliveryLabels(BaseModel):
    """`kaas/labels.yaml`: a delivery's own measure names mapped to maal codes."""

    model_config = ConfigDict(extra="forbid")
    labels: dict[str, str]

    @field_validator("labels")
    @classmethod
    def _known_codes(cls, labels: dict[str, str]) -> dict[str, str]:
        known = load_measures().measures
        unknown = sorted({code for code in labels.values() if code not in known})
        if unknown:
            raise ValueError(
                f"maps to unknown maal {', '.join(unknown)}; expected one of {', '.join(known)}"
            )
        return labels

    def lookup(self) -> dict[str, str]:
        """Name (case-insensitive, trimmed) -> maal."""
        return {name.strip().lower(): code for name, code in self.labels.items()}


def load_delivery_labels(path: Path, name: str) -> DeliveryLabels | None:
    if not path.exists():
        return None
    try:
        raw = yaml_text.safe_load(read_input_bytes(path, name).decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            InputProblem(
                name,
                f"is not valid UTF-8 YAML ({exc.__class__.__name__}); expected "
                "'labels:' followed by 'Name in delivery: maal' lines",
                row=mark.line + 1 if mark else None,
            )
        ) from None
    try:
        return DeliveryLabels.model_validate(raw)
    except ValidationError as exc:
        problems = [
            InputProblem(name, f"{err['msg']}", column=".".join(str(p) for p in err["loc"]))
            for err in exc.errors()
        ]
        raise InputError(problems) from None
