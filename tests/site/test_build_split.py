"""How a site build spreads over processes: a process per language, and the cores left
over split each language's area pages; every split writes the files of one process."""

from __future__ import annotations

import hashlib
from pathlib import Path

from indicators.site.build import _language_processes, build_site
from indicators.site.options import SiteOptions
from tests.site.conftest import synthetic_frames, synthetic_geojson, synthetic_refresh


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_processes_per_language_and_per_area_share():
    both = ("da", "en")
    assert _language_processes(SiteOptions(languages=both, workers=2), 1000) == (2, 1)
    assert _language_processes(SiteOptions(languages=both, workers=4), 1000) == (2, 2)
    assert _language_processes(SiteOptions(languages=("da",), workers=2), 1000) == (1, 2)
    assert _language_processes(SiteOptions(languages=both, workers=1), 1000) == (1, 1)
    # A small site is not worth a fork, whatever the cores.
    assert _language_processes(SiteOptions(languages=both), 8) == (1, 1)


def test_one_language_with_split_area_pages_writes_the_files_of_one_process(tmp_path):
    frames, refresh = synthetic_frames(), synthetic_refresh()
    written = {}
    for workers in (1, 2):
        out = tmp_path / f"w{workers}"
        written[workers] = build_site(frames, refresh, out, geojson=synthetic_geojson(),
                                      options=SiteOptions(languages=("da",), workers=workers))
    assert sorted(p.relative_to(tmp_path / "w1") for p in written[1]) == sorted(
        p.relative_to(tmp_path / "w2") for p in written[2])
    assert len(set(written[2])) == len(written[2])
    assert not (tmp_path / "w2" / "en").exists()
    assert _digests(tmp_path / "w2") == _digests(tmp_path / "w1")


def test_languages_in_their_own_processes_come_back_in_the_languages_order(tmp_path):
    written = build_site(synthetic_frames(), synthetic_refresh(), tmp_path / "site",
                         geojson=synthetic_geojson(), options=SiteOptions(workers=2))
    english = [p.is_relative_to(tmp_path / "site" / "en") for p in written]
    assert any(english) and not all(english)
    assert english == sorted(english)  # every Danish page listed before the English ones
