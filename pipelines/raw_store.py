"""The raw layer on disk: every received file hashed and kept as received.

Copies are stored by content hash (`raw/<sha256[:2]>/<sha256>/<file name>`),
so a file received twice is stored once and a revised file never overwrites
the one it revises. They hold personal data (survey exports): `raw/` and
everything in it is owner-only (folders 0700, copies 0400) whatever the umask.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from pipelines.safe_paths import PRIVATE_DIR, open_regular, private_dir

# What the product reads, relative to the data directory (contract.md).
PATTERNS = {
    "areas": ["areas/areas.csv", "areas/membership.csv", "areas/areas.geojson",
              "areas/afdelinger.csv", "areas/plans.csv"],
    "kaas": ["kaas/*.csv", "kaas/*.xlsx", "kaas/labels.yaml"],
    "local": ["local/*.csv", "local/*.xlsx"],
    "models": ["models/local.yaml"],
    "reference": [
        "reference/national.csv",
        "reference/regional.csv",
        "reference/official_status.csv",
    ],
    "survey": ["survey/*/wave.json", "survey/*/dataset.csv", "survey/*/structure.csv",
               "survey/*/labels.csv"],
}


@dataclass
class ReceivedFile:
    name: str
    kind: str
    received_as: str  # where it was found: its own place or incoming/
    size_bytes: int
    sha256: str
    modified_at: datetime
    raw_copy: Path


RAW_COPY_MODE = 0o400


def sha256_of(path: Path, follow: bool = True) -> str:
    """Content hash of a regular file (a FIFO is never read; with `follow` False, as for
    deliveries in incoming/, a link is not followed)."""
    digest = hashlib.sha256()
    with open_regular(path, follow) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy_as_received(path: Path, copy: Path, follow: bool) -> str:
    """Copy `path` to `copy` owner-only, returning the hash of the bytes written."""
    private_dir(copy.parent.parent)
    private_dir(copy.parent)
    partial = copy.with_name(copy.name + ".partial")
    partial.unlink(missing_ok=True)
    digest = hashlib.sha256()
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with open_regular(path, follow) as source, os.fdopen(fd, "wb") as target:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
            target.write(block)
    partial.chmod(RAW_COPY_MODE)
    partial.replace(copy)
    return digest.hexdigest()


def discover(data_dir: Path) -> list[tuple[str, Path]]:
    found: dict[str, tuple[str, Path]] = {}
    for kind, patterns in PATTERNS.items():
        for pattern in patterns:
            for path in sorted(data_dir.glob(pattern)):
                if path.is_file() and not path.name.startswith((".", "~$")):
                    found[path.relative_to(data_dir).as_posix()] = (kind, path)
    return [found[name] for name in sorted(found)]


def kind_of(name: str) -> str:
    return name.split("/", 1)[0]


def receive(
    data_dir: Path, raw_dir: Path, incoming: dict[str, Path] | None = None
) -> list[ReceivedFile]:
    """Hash every input file and keep a copy as received (copies are read-only).

    `incoming` maps data-dir names to admitted files still in incoming/; they are
    read in place of (or beside) the files already there.
    """
    chosen = {path.relative_to(data_dir).as_posix(): (kind, path)
              for kind, path in discover(data_dir)}
    private_dir(raw_dir)
    for name, path in (incoming or {}).items():
        chosen[name] = (kind_of(name), path)
    received = []
    for name in sorted(chosen):
        kind, path = chosen[name]
        # The operator may link files into the data directory; a delivery is never followed.
        follow = name not in (incoming or {})
        digest = sha256_of(path, follow)
        copy = raw_dir / digest[:2] / digest / path.name
        if not copy.exists():
            if _copy_as_received(path, copy, follow) != digest:
                copy.chmod(0o600)
                copy.unlink()
                raise OSError(f"{name} changed while it was being copied; try again")
        elif os.stat(copy.parent).st_mode & 0o077:  # a copy kept from before 0700 folders
            copy.parent.parent.chmod(PRIVATE_DIR)
            copy.parent.chmod(PRIVATE_DIR)
            copy.chmod(RAW_COPY_MODE)
        stat = os.stat(path, follow_symlinks=follow)
        received.append(
            ReceivedFile(
                name=name,
                kind=kind,
                received_as=path.relative_to(data_dir).as_posix(),
                size_bytes=stat.st_size,
                sha256=digest,
                modified_at=datetime.fromtimestamp(stat.st_mtime, tz=UTC),
                raw_copy=copy,
            )
        )
    return received


def manifest_frame(files: list[ReceivedFile], loaded_at: datetime) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "name": [f.name for f in files],
            "kind": [f.kind for f in files],
            "received_as": [f.received_as for f in files],
            "size_bytes": [f.size_bytes for f in files],
            "sha256": [f.sha256 for f in files],
            "modified_at": [f.modified_at for f in files],
            "loaded_at": [loaded_at] * len(files),
            "raw_copy": [str(f.raw_copy) for f in files],
        },
        schema={
            "name": pl.Utf8, "kind": pl.Utf8, "received_as": pl.Utf8,
            "size_bytes": pl.Int64, "sha256": pl.Utf8,
            "modified_at": pl.Datetime("us", "UTC"), "loaded_at": pl.Datetime("us", "UTC"),
            "raw_copy": pl.Utf8,
        },
    )


def received_copies(conn, kind: str) -> dict[str, Path]:
    """The raw copies of this refresh's files of one kind, by their name in the data dir."""
    rows = conn.execute(
        "SELECT name, raw_copy FROM raw.files WHERE kind = ? ORDER BY name", [kind]
    ).fetchall()
    return {name: Path(copy) for name, copy in rows}
