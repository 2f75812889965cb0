"""New deliveries dropped into `<data>/incoming/`, routed by shape (contract.md).

A delivery is validated on its own first; one that fails gets an error report
beside it (`<name>.error.txt`) and stays where it is, and the refresh goes on
without it. Valid deliveries are read from `incoming/` as if they were already
in place, and moved into place only after the refresh that read them has
published: until then the data directory is exactly as it was, so a failed
night touches nothing already loaded.

incoming/ is a drop folder others write to, so nothing in it is trusted:
only regular files and folders are accepted (a symbolic link, FIFO, socket or
device is rejected by its type, never opened or followed), a delivery larger
than `max_delivery_bytes` is rejected before it is read, and error reports
name file, row and column and what was expected but never quote the file's
content. Nothing already in the data directory is overwritten by a delivery
that differs from it, except the area and reference files, whose new version
replaces the old one (the raw store keeps every version by content hash).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

import duckdb

from indicators.errors import InputError, InputProblem
from indicators.inputs.textfile import parse_text_table
from pipelines.safe_paths import checked, open_regular, read_regular, remove_file, remove_tree
from pipelines.settings import RefreshOptions

REPORT_SUFFIX = ".error.txt"
KAAS_COLUMNS = {"afdeling_id", "maal"}
NAMED_FILES = {
    "areas.csv": "areas/areas.csv",
    "membership.csv": "areas/membership.csv",
    "afdelinger.csv": "areas/afdelinger.csv",
    "plans.csv": "areas/plans.csv",
    "areas.geojson": "areas/areas.geojson",
    "national.csv": "reference/national.csv",
    "regional.csv": "reference/regional.csv",
    "official_status.csv": "reference/official_status.csv",
    "labels.yaml": "kaas/labels.yaml",
    "local.yaml": "models/local.yaml",
}
# What incoming/ routes, as its rejection reports say it.
WHAT_BELONGS = (
    "a KÅS *.csv/*.xlsx (to kaas/; named local*/lokal* it is a delivery from the "
    "municipality or a housing organisation, to local/), a survey folder with wave.json, or one of "
    + ", ".join(sorted(NAMED_FILES)))
DEFAULT_MAX_BYTES = RefreshOptions().max_delivery_bytes
# A wave_id names a folder: no separators, no dot names.
SAFE_WAVE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
WAVE_JSON_MAX_BYTES = 1 << 20


class RoutingError(ValueError):
    pass


@dataclass(frozen=True)
class Delivery:
    entry: Path  # the file or folder in incoming/
    files: tuple[tuple[Path, str], ...]  # (file in incoming, its name in the data dir)
    target: str  # where it goes, relative to the data dir: a file, or survey/<wave_id>
    # A delivery byte-identical to what is already in place: nothing to read or move.
    in_place: bool = False

    @property
    def report(self) -> Path:
        return self.entry.with_name(self.entry.name + REPORT_SUFFIX)

    @property
    def is_wave(self) -> bool:
        return self.target.startswith("survey/")


def incoming_dir(data_dir: Path) -> Path:
    return data_dir / "incoming"


def entries(data_dir: Path) -> list[Path]:
    """What waits in incoming/ (links included: they are listed to be rejected)."""
    folder = incoming_dir(data_dir)
    if folder.is_symlink() or not folder.is_dir():
        return []
    with os.scandir(folder) as listing:
        return sorted(
            Path(e.path) for e in listing
            if not e.name.startswith(".") and not e.name.endswith(REPORT_SUFFIX)
        )


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "not a regular file or folder"


def _walk(entry: Path) -> list[tuple[Path, os.stat_result]]:
    """The entry and everything in it, by lstat: links are listed, never followed."""
    found = [(entry, os.lstat(entry))]
    if stat.S_ISDIR(found[0][1].st_mode):
        for dirpath, dirnames, filenames in os.walk(entry, followlinks=False):
            for name in sorted(dirnames + filenames):
                path = Path(dirpath) / name
                found.append((path, os.lstat(path)))
    return found


def inspect(entry: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> int:
    """Check a delivery's shape before anything of it is read; returns its size.

    Raises RoutingError naming the offending path and what was expected.
    """
    shown = f"incoming/{entry.name}"
    total = 0
    for path, info in _walk(entry):
        where = shown if path == entry else f"{shown}/{path.relative_to(entry).as_posix()}"
        if stat.S_ISDIR(info.st_mode):
            continue
        if not stat.S_ISREG(info.st_mode):
            raise RoutingError(
                f"{where} is {_kind(info.st_mode)}: expected a regular file or a folder. "
                "Links, FIFOs, sockets and devices are never opened or followed; put the "
                "file itself in incoming/.")
        if info.st_nlink > 1:
            raise RoutingError(
                f"{where} has {info.st_nlink} hard links: expected a file of its own. "
                "Copy the file into incoming/ instead of linking it.")
        total += info.st_size
        if total > max_bytes:
            raise RoutingError(
                f"{shown} is larger than {max_bytes} bytes, the limit for one delivery "
                "(max_delivery_bytes in boligmonitor.yaml): expected a smaller delivery, "
                "or raise the limit.")
    return total


def _newest_mtime(entry: Path) -> float:
    return max(info.st_mtime for _, info in _walk(entry))


def already_rejected(entry: Path) -> bool:
    """A delivery with an error report newer than itself waits for a corrected file."""
    report = entry.with_name(entry.name + REPORT_SUFFIX)
    try:
        if not stat.S_ISREG(os.lstat(report).st_mode):
            return False
        return os.lstat(report).st_mtime >= _newest_mtime(entry)
    except FileNotFoundError:
        return False


def _same_bytes(a: Path, b: Path, limit: int) -> bool:
    try:
        return (os.lstat(a).st_size == os.stat(b).st_size
                and read_regular(a, limit) == read_regular(b, limit))
    except OSError:
        return False


def _tree(folder: Path) -> dict[str, tuple[str, int]]:
    """Relative path -> (kind, size) of everything in a folder, by lstat."""
    return {p.relative_to(folder).as_posix(): ("dir" if stat.S_ISDIR(i.st_mode) else "file",
                                               i.st_size if stat.S_ISREG(i.st_mode) else 0)
            for p, i in _walk(folder) if p != folder}


def _same_folder(a: Path, b: Path, limit: int) -> bool:
    tree = _tree(a)
    if tree != _tree(b):
        return False
    return all(kind == "dir" or _same_bytes(a / name, b / name, limit)
               for name, (kind, _) in tree.items())


def waves_in_place(data_dir: Path) -> dict[str, list[Path]]:
    """wave_id -> the folders under `<data>/survey/` whose wave.json names it."""
    from pipelines.safe_paths import wave_id_of

    found: dict[str, list[Path]] = {}
    survey = data_dir / "survey"
    if survey.is_dir() and not survey.is_symlink():
        for folder in sorted(survey.iterdir()):
            if folder.is_dir() and not folder.is_symlink():
                wave_id = wave_id_of(folder / "wave.json")
                if wave_id is not None:
                    found.setdefault(wave_id, []).append(folder)
    return found


def route(entry: Path, data_dir: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Delivery:
    """Where a delivery belongs in the data directory, read off its shape."""
    inspect(entry, max_bytes)
    shown = f"incoming/{entry.name}"
    if stat.S_ISDIR(os.lstat(entry).st_mode):
        return _route_wave(entry, data_dir, max_bytes)
    name = entry.name.lower()
    if name in NAMED_FILES:
        # A new version of a register or reference file replaces the old one.
        return Delivery(entry, ((entry, NAMED_FILES[name]),), NAMED_FILES[name])
    if name.endswith(".csv"):
        try:
            table = parse_text_table(read_regular(entry, max_bytes), shown)
        except InputError as exc:
            raise RoutingError(report_text(exc)) from None
        except OSError:
            raise RoutingError(f"{shown} could not be read as a regular file") from None
        if not KAAS_COLUMNS <= {h.strip().lower() for h in table.header}:
            raise RoutingError(
                f"{shown}: the header has no afdeling_id and maal columns, so this is not a "
                f"KÅS file; expected {WHAT_BELONGS}")
    elif not name.endswith(".xlsx"):
        raise RoutingError(
            f"cannot tell where this delivery belongs: expected {WHAT_BELONGS}")
    from indicators.inputs.local import FOLDER, is_local_name

    # Local deliveries (municipality, housing organisations) say so in their name.
    target = f"{FOLDER if is_local_name(entry.name) else 'kaas'}/{entry.name}"
    existing = data_dir / target
    if existing.exists() or existing.is_symlink():
        if _same_bytes(entry, existing, max_bytes):
            return Delivery(entry, (), target, in_place=True)
        # Overwriting would lose the delivery already loaded and record no revision.
        raise RoutingError(
            f"{shown}: {target} already holds a different file under this name; a delivery "
            "never replaces another. A revised delivery needs its own name with its "
            "delivery date (YYYY-MM-DD), e.g. kaas_2026-12-01.csv: the later dated delivery "
            "then wins and every changed value is recorded as a revision (contract.md). "
            "Rename it and put it back; nothing already loaded was changed.")
    return Delivery(entry, ((entry, target),), target)


def _route_wave(entry: Path, data_dir: Path, max_bytes: int) -> Delivery:
    shown = f"incoming/{entry.name}"
    wave_json = entry / "wave.json"
    if not wave_json.is_file():
        raise RoutingError(f"{shown} is a folder without wave.json: expected a survey wave "
                           "folder")
    try:
        config = json.loads(read_regular(wave_json, WAVE_JSON_MAX_BYTES).decode("utf-8-sig"))
        wave_id = config["wave_id"]
    except (OSError, ValueError, KeyError, TypeError):
        raise RoutingError(f"{shown}/wave.json has no readable wave_id: expected a JSON object "
                           "with a wave_id") from None
    if not isinstance(wave_id, str | int) or not SAFE_WAVE_ID.fullmatch(str(wave_id)):
        raise RoutingError(f"{shown}/wave.json: the wave_id cannot name a folder; expected "
                           "letters, digits, '_', '-' or '.', starting with a letter or digit")
    wave_id = str(wave_id)
    target = f"survey/{wave_id}"
    same_wave = waves_in_place(data_dir).get(wave_id, [])
    occupied = data_dir / target
    if occupied.exists() or occupied.is_symlink():
        same_wave = sorted({*same_wave, occupied})
    if same_wave:
        where = ", ".join(p.relative_to(data_dir).as_posix() for p in same_wave)
        if len(same_wave) == 1 and _same_folder(entry, same_wave[0], max_bytes):
            return Delivery(entry, (), target, in_place=True)
        # Merging would mix two datasets; replacing would delete the one already loaded.
        raise RoutingError(
            f"{shown}: wave_id {wave_id!r} is already in the data directory ({where}) with "
            "different files; a delivered wave is never merged with or put over another. "
            f"To replace the wave, run `boligmonitor forget-wave {wave_id}` first; a new wave "
            "needs its own wave_id. Nothing already loaded was changed.")
    files = tuple(
        (p, f"{target}/{p.name}") for p in sorted(entry.iterdir())
        if p.is_file() and not p.is_symlink()
    )
    return Delivery(entry, files, target)


def signature(entry: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Content hash of a delivery, so a touched but unchanged file is no news.

    A delivery that cannot be accepted (a link, a FIFO, too large) is not read:
    its signature is its shape, so it is news once and then waits, rejected.
    """
    digest = hashlib.sha256()
    try:
        inspect(entry, max_bytes)
    except RoutingError:
        for path, info in _walk(entry):
            digest.update(f"{path.name}|{info.st_mode}|{info.st_size}|{info.st_mtime_ns}"
                          .encode())
        return "unreadable-" + digest.hexdigest()
    for path, info in _walk(entry):
        if stat.S_ISREG(info.st_mode):
            digest.update(path.relative_to(entry.parent).as_posix().encode())
            with open_regular(path) as handle:
                for block in iter(lambda h=handle: h.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()


def pending(data_dir: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, str]:
    """Deliveries waiting in incoming/ (not already rejected): entry name -> signature."""
    waiting = {}
    for entry in entries(data_dir):
        try:
            if not already_rejected(entry):
                waiting[entry.name] = signature(entry, max_bytes)
        except OSError:  # gone or changing while looked at: seen at the next tick
            continue
    return waiting


# Error reports go to whoever delivers into incoming/. They say where a problem
# is and what was expected, never what the file holds: a delivery may be a copy
# of a file its sender should not be shown.
_FOUND = re.compile(r"[;,]\s*(?:found|the header has)\b(?! an empty cell)[^;\n]*")
_QUOTED = re.compile(r"'([^'\n]*)'|\"([^\"\n]*)\"")
# Names (columns, measures, area ids) and the format's own marks (';', '..') may be quoted.
_HARMLESS = re.compile(r"[A-Za-z0-9_æøåÆØÅ.-]{1,40}|[^A-Za-z0-9\s]{1,3}")


def content_free(message: str) -> str:
    """A reader's message with every quoted value from the file left out."""
    text = _FOUND.sub("", message)

    def quoted(match: re.Match) -> str:
        value = match.group(1) if match.group(1) is not None else match.group(2)
        return match.group(0) if _HARMLESS.fullmatch(value) else "(a value not shown here)"

    return _QUOTED.sub(quoted, text)


def report_text(exc: Exception) -> str:
    if isinstance(exc, InputError):
        problems = exc.problems[:20]
        lines = [str(InputProblem(p.file, content_free(p.message), p.row,
                                  p.column if p.column is None or _HARMLESS.fullmatch(p.column)
                                  else "(not shown)", p.sheet, p.cell)) for p in problems]
        if len(exc.problems) > len(problems):
            lines.append(f"... and {len(exc.problems) - len(problems)} more problems")
        return "\n".join(lines)
    return content_free(str(exc))


def reject(delivery_entry: Path, reason: str) -> Path:
    """Write `<entry>.error.txt` beside the delivery (a link at that name is replaced,
    never written through). Readable by whoever can read the incoming folder."""
    report = delivery_entry.with_name(delivery_entry.name + REPORT_SUFFIX)
    text = (f"This delivery was not loaded.\n\n{reason}\n\n"
            "Correct it and put it back in incoming/ (a newer file replaces this report's "
            "verdict); nothing already loaded was changed.\n")
    folder_mode = stat.S_IMODE(os.stat(delivery_entry.parent).st_mode)
    mode = (folder_mode & 0o644) | 0o600
    partial = report.with_name(f".{report.name}.partial")
    if partial.is_symlink() or partial.exists():
        partial.unlink()
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(partial, mode)
    os.replace(partial, report)
    return report


def _move(source: Path, target: Path) -> None:
    """Rename `source` to `target` whole; across file systems, copy then rename."""
    try:
        os.replace(source, target)
    except OSError as exc:
        if exc.errno != 18:  # EXDEV: incoming/ is on another file system
            raise
        partial = target.with_name(f".{target.name}.partial")
        if source.is_dir():
            shutil.copytree(source, partial, symlinks=True)
        else:
            shutil.copy2(source, partial)
        os.replace(partial, target)
        if source.is_dir():
            shutil.rmtree(source)
        else:
            source.unlink()


def accept(data_dir: Path, delivery: Delivery) -> None:
    """Move a delivery into its place in the data directory, whole and bytes unchanged
    (a wave folder keeps its subfolders)."""
    box = incoming_dir(data_dir)
    if delivery.in_place:
        # Byte-identical to what is already loaded: the copy in incoming/ goes.
        if delivery.entry.is_dir():
            remove_tree(delivery.entry, box)
        else:
            remove_file(delivery.entry, box)
    else:
        target = checked(data_dir / delivery.target, data_dir)
        checked(target.parent, data_dir).mkdir(parents=True, exist_ok=True)
        if delivery.is_wave and (target.exists() or target.is_symlink()):
            raise RoutingError(f"{delivery.target} appeared while the refresh ran; "
                               f"incoming/{delivery.entry.name} stays in incoming/")
        if not delivery.is_wave and target.is_dir():
            raise RoutingError(f"{delivery.target} is a folder; expected a file there")
        _move(checked(delivery.entry, box), target)
    if delivery.report.is_symlink() or delivery.report.is_file():
        delivery.report.unlink()


def validate(delivery: Delivery, data_dir: Path) -> None:
    """Read a delivery with the reader its destination uses; raises InputError."""
    # Imported here: the readers pull in Polars, which the sensor does not need.
    import polars as pl

    from indicators.inputs.areas import read_afdelinger, read_areas, read_membership
    from indicators.inputs.kaas import read_kaas_file
    from indicators.inputs.measures import load_delivery_labels
    from indicators.inputs.plans import read_plans
    from indicators.inputs.reference import read_official_status, read_reference
    from indicators.survey.reader import read_wave

    if delivery.in_place:
        return  # the same bytes are already loaded

    def current_areas() -> pl.DataFrame:
        return read_areas(data_dir / "areas" / "areas.csv", "areas/areas.csv")

    def current_membership() -> pl.DataFrame:
        return read_membership(data_dir / "areas" / "membership.csv", "areas/membership.csv",
                               current_areas())

    shown = f"incoming/{delivery.entry.name}"
    if delivery.is_wave:
        read_wave(delivery.entry, shown, current_membership())
        return
    (path, name), = delivery.files
    if name.startswith("kaas/") and name != "kaas/labels.yaml":
        labels = load_delivery_labels(data_dir / "kaas" / "labels.yaml", "kaas/labels.yaml")
        read_kaas_file(path, shown, labels)
    elif name.startswith("local/"):
        from indicators.catalogue import load_catalogue
        from indicators.inputs.local import refuse_criteria_measures

        labels = load_delivery_labels(data_dir / "kaas" / "labels.yaml", "kaas/labels.yaml")
        refuse_criteria_measures(read_kaas_file(path, shown, labels), shown,
                                 list(load_catalogue().measures))
    elif name == "models/local.yaml":
        from indicators.local_model import validate_model_bytes

        validate_model_bytes(read_regular(path, os.lstat(path).st_size), shown)
    elif name == "kaas/labels.yaml":
        load_delivery_labels(path, shown)
    elif name == "areas/areas.csv":
        read_areas(path, shown)
    elif name == "areas/membership.csv":
        read_membership(path, shown, current_areas())
    elif name == "areas/afdelinger.csv":
        read_afdelinger(path, shown)
    elif name == "areas/plans.csv":
        read_plans(path, shown, current_areas())
    elif name == "areas/areas.geojson":
        try:
            json.loads(read_regular(path, os.lstat(path).st_size).decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise RoutingError(f"{shown}: expected UTF-8 GeoJSON; the file is not valid "
                               "JSON in UTF-8") from None
    elif name == "reference/official_status.csv":
        read_official_status(path, shown, current_areas())
    else:
        read_reference(path, shown, regional=name.endswith("regional.csv"))


def admit(data_dir: Path, warn, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Delivery]:
    """The pending deliveries that pass validation; the others get an error report."""
    routed: list[Delivery] = []

    def refuse(entry: Path, reason: str) -> None:
        report = reject(entry, reason)
        warn(f"incoming/{entry.name} rejected; see {report.name}")

    for entry in entries(data_dir):
        if already_rejected(entry):
            continue
        try:
            routed.append(route(entry, data_dir, max_bytes))
        except (RoutingError, InputError) as exc:
            refuse(entry, report_text(exc))
    # Two deliveries for one place (two folders with one wave_id, areas.csv twice in
    # different case): neither is taken, since either choice would drop the other.
    claims: dict[str, list[Delivery]] = {}
    for delivery in routed:
        claims.setdefault(delivery.target.lower(), []).append(delivery)
    admitted = []
    for delivery in routed:
        rivals = [d for d in claims[delivery.target.lower()] if d is not delivery]
        if rivals:
            names = ", ".join(f"incoming/{d.entry.name}" for d in [delivery, *rivals])
            what = "the same wave_id" if delivery.is_wave else "the same destination"
            refuse(delivery.entry, f"{names} have {what} ({delivery.target}); only one "
                   "delivery may go to one place. Remove all but one and put it back.")
            continue
        try:
            validate(delivery, data_dir)
        except (RoutingError, InputError) as exc:
            refuse(delivery.entry, report_text(exc))
            continue
        except OSError as exc:
            refuse(delivery.entry, f"incoming/{delivery.entry.name} could not be read "
                   f"({exc.strerror or 'input/output error'})")
            continue
        admitted.append(delivery)
    return admitted


def settle_incoming(conn, data_dir: Path) -> int:
    """After publishing: move the deliveries this run read into their place.

    A delivery changed since the run read it stays in incoming/ for the next run.
    """
    # The run admitted these within the size limit; an equal signature proves them unchanged.
    unbounded = 1 << 62
    moved = 0
    for entry_name, read_signature in conn.execute(
        "SELECT entry, signature FROM raw.incoming"
    ).fetchall():
        entry = incoming_dir(data_dir) / entry_name
        if not (entry.exists() or entry.is_symlink()):
            continue
        try:
            if signature(entry, unbounded) != read_signature:
                continue
            accept(data_dir, route(entry, data_dir, unbounded))
        except (RoutingError, OSError) as exc:  # stays for the next run, with the reason
            reject(entry, report_text(exc))
            continue
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
            reject(entry, "The refresh that read this delivery failed:\n"
                   + content_free(error))
