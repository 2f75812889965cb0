"""New deliveries dropped into `<data>/incoming/`, routed by shape (contract.md).

A delivery is validated on its own first; one that fails gets an error report
beside it (`<name>.error.txt`) and stays where it is, and the refresh goes on
without it. Valid deliveries are read from `incoming/` as if they were already
in place, and moved into place only after the refresh that read them has
published: until then the data directory is exactly as it was, so a failed
night touches nothing already loaded.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from indicators.errors import InputError
from indicators.inputs.textfile import read_text_table

REPORT_SUFFIX = ".error.txt"
KAAS_COLUMNS = {"afdeling_id", "maal"}
NAMED_FILES = {
    "areas.csv": "areas/areas.csv",
    "membership.csv": "areas/membership.csv",
    "afdelinger.csv": "areas/afdelinger.csv",
    "areas.geojson": "areas/areas.geojson",
    "national.csv": "reference/national.csv",
    "regional.csv": "reference/regional.csv",
    "official_status.csv": "reference/official_status.csv",
    "labels.yaml": "kaas/labels.yaml",
}


class RoutingError(ValueError):
    pass


@dataclass(frozen=True)
class Delivery:
    entry: Path  # the file or folder in incoming/
    files: tuple[tuple[Path, str], ...]  # (file in incoming, its name in the data dir)

    @property
    def report(self) -> Path:
        return self.entry.with_name(self.entry.name + REPORT_SUFFIX)


def incoming_dir(data_dir: Path) -> Path:
    return data_dir / "incoming"


def entries(data_dir: Path) -> list[Path]:
    folder = incoming_dir(data_dir)
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir()
        if not p.name.startswith(".") and not p.name.endswith(REPORT_SUFFIX)
    )


def _newest_mtime(entry: Path) -> float:
    if entry.is_file():
        return entry.stat().st_mtime
    return max((p.stat().st_mtime for p in entry.rglob("*") if p.is_file()), default=0.0)


def already_rejected(entry: Path) -> bool:
    """A delivery with an error report newer than itself waits for a corrected file."""
    report = entry.with_name(entry.name + REPORT_SUFFIX)
    return report.exists() and report.stat().st_mtime >= _newest_mtime(entry)


def route(entry: Path) -> Delivery:
    """Where a delivery belongs in the data directory, read off its shape."""
    if entry.is_dir():
        wave_json = entry / "wave.json"
        if not wave_json.exists():
            raise RoutingError("a folder without wave.json: expected a survey wave folder")
        try:
            wave_id = str(json.loads(wave_json.read_text(encoding="utf-8-sig"))["wave_id"])
        except (ValueError, KeyError, TypeError):
            raise RoutingError("wave.json has no readable wave_id") from None
        if not wave_id or "/" in wave_id or wave_id.startswith("."):
            raise RoutingError(f"wave_id {wave_id!r} cannot name a folder")
        files = tuple(
            (p, f"survey/{wave_id}/{p.name}") for p in sorted(entry.iterdir()) if p.is_file()
        )
        return Delivery(entry, files)
    name = entry.name.lower()
    if name in NAMED_FILES:
        return Delivery(entry, ((entry, NAMED_FILES[name]),))
    if name.endswith(".xlsx"):
        return Delivery(entry, ((entry, f"kaas/{entry.name}"),))
    if name.endswith(".csv"):
        try:
            header = {h.strip().lower() for h in read_text_table(entry, entry.name).header}
        except InputError as exc:
            raise RoutingError(str(exc)) from None
        if KAAS_COLUMNS <= header:
            return Delivery(entry, ((entry, f"kaas/{entry.name}"),))
    raise RoutingError(
        "cannot tell where this delivery belongs: expected a KÅS *.csv/*.xlsx, a survey "
        f"folder with wave.json, or one of {', '.join(sorted(NAMED_FILES))}"
    )


def signature(entry: Path) -> str:
    """Content hash of a delivery, so a touched but unchanged file is no news."""
    digest = hashlib.sha256()
    files = [entry] if entry.is_file() else sorted(p for p in entry.rglob("*") if p.is_file())
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def pending(data_dir: Path) -> dict[str, str]:
    """Deliveries waiting in incoming/ (not already rejected): entry name -> signature."""
    return {e.name: signature(e) for e in entries(data_dir) if not already_rejected(e)}


def reject(delivery_entry: Path, reason: str) -> Path:
    report = delivery_entry.with_name(delivery_entry.name + REPORT_SUFFIX)
    report.write_text(
        f"This delivery was not loaded.\n\n{reason}\n\n"
        "Correct it and put it back in incoming/ (a newer file replaces this report's "
        "verdict); nothing already loaded was changed.\n",
        encoding="utf-8",
    )
    return report


def accept(data_dir: Path, delivery: Delivery) -> None:
    """Move a delivery into its place in the data directory, bytes unchanged."""
    for source, name in delivery.files:
        target = data_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target.with_name(target.name + ".partial"))
        target.with_name(target.name + ".partial").replace(target)
    if delivery.entry.is_dir():
        shutil.rmtree(delivery.entry)
    else:
        delivery.entry.unlink()
    delivery.report.unlink(missing_ok=True)


def validate(delivery: Delivery, data_dir: Path) -> None:
    """Read a delivery with the reader its destination uses; raises InputError."""
    # Imported here: the readers pull in Polars, which the sensor does not need.
    import polars as pl

    from indicators.inputs.areas import read_afdelinger, read_areas, read_membership
    from indicators.inputs.kaas import read_kaas_file
    from indicators.inputs.measures import load_delivery_labels
    from indicators.inputs.reference import read_official_status, read_reference
    from indicators.survey.reader import read_wave

    def current_areas() -> pl.DataFrame:
        return read_areas(data_dir / "areas" / "areas.csv", "areas/areas.csv")

    def current_membership() -> pl.DataFrame:
        return read_membership(data_dir / "areas" / "membership.csv", "areas/membership.csv",
                               current_areas())

    shown = f"incoming/{delivery.entry.name}"
    if delivery.entry.is_dir():
        read_wave(delivery.entry, shown, current_membership())
        return
    (path, name), = delivery.files
    if name.startswith("kaas/") and name != "kaas/labels.yaml":
        labels = load_delivery_labels(data_dir / "kaas" / "labels.yaml", "kaas/labels.yaml")
        read_kaas_file(path, shown, labels)
    elif name == "kaas/labels.yaml":
        load_delivery_labels(path, shown)
    elif name == "areas/areas.csv":
        read_areas(path, shown)
    elif name == "areas/membership.csv":
        read_membership(path, shown, current_areas())
    elif name == "areas/afdelinger.csv":
        read_afdelinger(path, shown)
    elif name == "areas/areas.geojson":
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise RoutingError(f"{shown}: not valid UTF-8 GeoJSON ({exc})") from None
    elif name == "reference/official_status.csv":
        read_official_status(path, shown, current_areas())
    else:
        read_reference(path, shown, regional=name.endswith("regional.csv"))


def admit(data_dir: Path, warn) -> list[Delivery]:
    """The pending deliveries that pass validation; the others get an error report."""
    admitted = []
    for entry in entries(data_dir):
        if already_rejected(entry):
            continue
        try:
            delivery = route(entry)
            validate(delivery, data_dir)
        except (RoutingError, InputError) as exc:
            report = reject(entry, str(exc))
            warn(f"incoming/{entry.name} rejected; see {report.name}")
            continue
        admitted.append(delivery)
    return admitted


def settle_incoming(conn, data_dir: Path) -> int:
    """After publishing: move the deliveries this run read into their place.

    A delivery changed since the run read it stays in incoming/ for the next run.
    """
    moved = 0
    for entry_name, read_signature in conn.execute(
        "SELECT entry, signature FROM raw.incoming"
    ).fetchall():
        entry = incoming_dir(data_dir) / entry_name
        if entry.exists() and signature(entry) == read_signature:
            accept(data_dir, route(entry))
            moved += 1
    return moved


def report_incoming_failure(conn, data_dir: Path, error: str) -> None:
    """A failed run leaves the deliveries it read in incoming/, each with the error."""
    try:
        rows = conn.execute("SELECT entry FROM raw.incoming").fetchall()
    except duckdb.CatalogException:  # the run failed before it registered any delivery
        return
    for (entry_name,) in rows:
        entry = incoming_dir(data_dir) / entry_name
        if entry.exists():
            reject(entry, f"The refresh that read this delivery failed:\n{error}")
