"""Errors that point a person at the exact place in an input file.

Every input problem is reported as file + row (or sheet and cell) + column +
what was expected. Messages never quote survey cell contents: a row number is
enough to find the cell, and survey answers are personal data (domain.md §4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class InputProblem:
    """One problem found in one input file."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    sheet: str | None = None
    cell: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet is not None:
            where.append(f"sheet {self.sheet!r}")
        if self.cell is not None:
            where.append(f"cell {self.cell}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}"


class InputError(ValueError):
    """One or more problems in input files; nothing from them was loaded."""

    def __init__(self, problems: list[InputProblem] | InputProblem):
        self.problems = [problems] if isinstance(problems, InputProblem) else list(problems)
        shown = self.problems[:20]
        lines = [str(p) for p in shown]
        if len(self.problems) > len(shown):
            lines.append(f"... and {len(self.problems) - len(shown)} more problems")
        super().__init__("\n".join(lines))


@dataclass
class Warnings:
    """Non-fatal findings collected while loading (shown in run logs and metadata)."""

    items: list[str] = field(default_factory=list)

    def add(self, message: str) -> None:
        self.items.append(message)


def display_name(path: Path, root: Path | None = None) -> str:
    """The path as a person knows it: relative to the data directory when possible."""
    if root is not None:
        try:
            return str(path.relative_to(root))
        except ValueError:
            pass
    return str(path)
