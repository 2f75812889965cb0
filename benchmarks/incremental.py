"""The yearly case: a data directory that has everything but the newest KÅS delivery.

`without_newest` builds a copy of a data directory (hard links, so it costs
no disk and no time) that lacks the files of the newest delivery date; the
benchmark refreshes it (the state before the delivery arrives), then links
the new files in with `add_newest` and refreshes the same home again: that
second refresh is the incremental case.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from benchmarks.national.deliveries import NEWEST_DELIVERY


def _link_tree(source: Path, target: Path, skip) -> None:
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if path.is_dir() or skip(relative):
            continue
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, destination)
        except OSError:  # another file system: copy instead
            shutil.copy2(path, destination)


def newest_files(data_dir: Path, date: str = NEWEST_DELIVERY) -> list[Path]:
    """The KÅS files of the newest delivery (relative paths)."""
    return [p.relative_to(data_dir) for p in sorted((data_dir / "kaas").glob(f"*{date}*"))]


def without_newest(data_dir: Path, target: Path, date: str = NEWEST_DELIVERY) -> list[Path]:
    """Link `data_dir` into `target` without the newest delivery; returns the files left out."""
    if target.exists():
        shutil.rmtree(target)
    left_out = set(newest_files(data_dir, date))
    if not left_out:
        raise ValueError(f"{data_dir} has no KÅS files dated {date}")
    _link_tree(data_dir, target, lambda relative: relative in left_out)
    return sorted(left_out)


def add_newest(data_dir: Path, target: Path, files: list[Path]) -> None:
    """Deliver the newest files into the copy, as a new delivery arrives."""
    for relative in files:
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.link(data_dir / relative, destination)
