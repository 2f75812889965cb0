"""Area pages rendered in forked workers: the same files as in one process, and a
worker's failure is an error here, not a silently missing page."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from indicators.site.build import build_site
from indicators.site.options import SiteOptions
from indicators.site.workers import run_split, worker_count
from tests.site.conftest import synthetic_frames, synthetic_geojson, synthetic_refresh


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_workers_write_exactly_the_files_of_one(tmp_path):
    frames, refresh = synthetic_frames(), synthetic_refresh()
    one = build_site(frames, refresh, tmp_path / "one", geojson=synthetic_geojson(),
                     options=SiteOptions(workers=1))
    two = build_site(frames, refresh, tmp_path / "two", geojson=synthetic_geojson(),
                     options=SiteOptions(workers=2))
    assert sorted(p.relative_to(tmp_path / "one") for p in one) == sorted(
        p.relative_to(tmp_path / "two") for p in two)
    assert len(set(two)) == len(two)
    digests = _digests(tmp_path / "one")
    assert len([n for n in digests if n.startswith("omraade/")]) > 8
    assert _digests(tmp_path / "two") == digests


def _write(folder: Path, names) -> list[Path]:
    written = []
    for name in names:
        if name == "boom":
            raise ValueError("cannot render boom")
        path = folder / f"{name}.txt"
        path.write_text(name)
        written.append(path)
    return written


def test_every_slice_is_written_once(tmp_path):
    names = [f"n{i}" for i in range(7)]
    written = run_split(names, lambda chunk: _write(tmp_path, chunk), workers=2)
    assert sorted(p.name for p in written) == sorted(f"{n}.txt" for n in names)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{n}.txt" for n in names)


@pytest.mark.parametrize("names", [["a", "boom"], ["boom", "a"]])
def test_a_failure_in_either_process_is_raised_with_its_cause(tmp_path, names):
    # Slice 0 runs here, slice 1 in the child: "boom" fails in one or the other.
    with pytest.raises((RuntimeError, ValueError), match="cannot render boom"):
        run_split(names, lambda chunk: _write(tmp_path, chunk), workers=2)


def test_worker_count_needs_enough_items_unless_asked():
    assert worker_count(None, 50, 100) == 1
    assert worker_count(1, 5000, 100) == 1
    assert worker_count(8, 3, 100) <= 3
