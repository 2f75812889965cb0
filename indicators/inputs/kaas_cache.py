"""Parsed KÅS deliveries kept by content, so a refresh parses only new files.

A delivery's records depend on its bytes, its name (the delivery date and the
file named in errors come from it), `kaas/labels.yaml` and the reader's own
code. The cache key hashes all four; a changed reader or mapping parses
everything again. Entries are Parquet files under `<home>/cache/kaas/`; after
each refresh the entries it did not use (files since changed or removed, an
older reader) are deleted, so the cache holds one entry per current delivery.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import polars as pl

from indicators.inputs.kaas import read_kaas_file
from indicators.inputs.measures import DeliveryLabels

_READER_FILES = ["kaas.py", "textfile.py", "schemas.py", "measures.py", "measures.yaml",
                 "xlsx_cells.py"]


@cache
def reader_version() -> str:
    digest = hashlib.sha256()
    for name in _READER_FILES:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()[:16]


def cache_key(file_sha256: str, name: str, labels_sha256: str | None) -> str:
    text = f"{reader_version()}|{file_sha256}|{name}|{labels_sha256 or '-'}"
    return hashlib.sha256(text.encode()).hexdigest()


def cache_entry(cache_dir: Path, file_sha256: str, name: str, labels_sha256: str | None) -> Path:
    return cache_dir / f"{cache_key(file_sha256, name, labels_sha256)}.parquet"


def read_kaas_cached(path: Path, name: str, labels: DeliveryLabels | None, *,
                     file_sha256: str, labels_sha256: str | None,
                     cache_dir: Path) -> tuple[pl.DataFrame, bool]:
    """(records, read from cache) for one delivery."""
    target = cache_entry(cache_dir, file_sha256, name, labels_sha256)
    if target.exists():
        return pl.read_parquet(target), True
    records = read_kaas_file(path, name, labels)
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    # Without column statistics: entries are read whole, never filtered, and computing
    # them was a third of the write.
    records.write_parquet(partial, compression="lz4", statistics=False)
    partial.replace(target)
    return records, False


def prune_cache(cache_dir: Path, used: Iterable[Path]) -> int:
    """Delete every entry not in `used` (and partial writes of interrupted runs); returns
    how many. Runs hold the home's refresh lock, so no other run is using the cache."""
    keep = {Path(p).name for p in used}
    removed = 0
    for entry in sorted(cache_dir.glob("*")) if cache_dir.is_dir() else []:
        if entry.name not in keep and entry.suffix in (".parquet", ".partial"):
            entry.unlink()
            removed += 1
    return removed
