"""Before a refresh: does the data directory hold what every refresh needs?

Without this check an empty or wrong directory fails in `raw/files` and Dagster
then reports every step after it as not executed, burying the one line that
matters. The check names every missing file at once, in one line.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.incoming import entries as incoming_entries

CONTRACT = "docs/contract.md"

# What no refresh can do without (docs/contract.md, "Inputs"): a name, or a list of
# patterns of which at least one must match. Everything else is optional.
REQUIRED: dict[str, list[str]] = {
    "areas/areas.csv": ["areas/areas.csv"],
    "areas/membership.csv": ["areas/membership.csv"],
    "kaas/*.csv or kaas/*.xlsx": ["kaas/*.csv", "kaas/*.xlsx"],
    "reference/national.csv": ["reference/national.csv"],
    "reference/regional.csv": ["reference/regional.csv"],
}


def _present(data_dir: Path, patterns: list[str]) -> bool:
    return any(p.is_file() and not p.name.startswith((".", "~$"))
               for pattern in patterns for p in data_dir.glob(pattern))


def missing_inputs(data_dir: Path) -> list[str]:
    """The required inputs the data directory lacks, in contract order."""
    return [name for name, patterns in REQUIRED.items() if not _present(data_dir, patterns)]


def data_dir_problem(data_dir: Path) -> str | None:
    """One line saying what is wrong with the data directory, or None when a refresh can start.

    Deliveries waiting in `incoming/` may supply what is missing; the refresh validates and
    routes them, so with any waiting the check leaves the decision to the run.
    """
    if not data_dir.is_dir():
        return f"data directory {data_dir} does not exist"
    missing = missing_inputs(data_dir)
    if not missing or incoming_entries(data_dir):
        return None
    listed = ", ".join(missing)
    if any(data_dir.iterdir()):
        what = f"has no {listed}"
    else:
        what = f"is empty; a refresh needs {listed}"
    hint = ""
    if not missing_inputs(data_dir.parent):
        hint = f"; did you mean its parent {data_dir.parent}?"
    return f"data directory {data_dir} {what} (see {CONTRACT}){hint}"
