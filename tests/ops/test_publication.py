"""Publication: one rename of `current` makes warehouse and site live together.

Publications here are small stand-ins (a file with the refresh id for the
warehouse, an index.html for the site), enough for what publishing does with
them: link, swap, migrate, refuse and prune.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pipelines import publication as pub
from pipelines.runner import run_refresh
from pipelines.settings import Paths

IDS = ["0b5e3d8a-0000-4000-8000-00000000000a", "0b5e3d8a-0000-4000-8000-00000000000b",
       "0b5e3d8a-0000-4000-8000-00000000000c"]


def make_publication(paths: Paths, refresh_id: str, finished: str = "2026-01-01") -> Path:
    folder = paths.publication(refresh_id)
    (folder / "site").mkdir(parents=True)
    (folder / pub.DB_NAME).write_text(f"warehouse {refresh_id}")
    (folder / pub.DB_NAME).chmod(0o444)
    (folder / "site" / "index.html").write_text(f"site {refresh_id}")
    (folder / "publication.json").write_text(json.dumps(
        {"refresh_id": refresh_id, "finished_at": f"{finished}T00:00:00+00:00"}))
    return folder


def published(paths: Paths) -> tuple[str, str]:
    """What a reader opening the contract's paths sees now."""
    return (paths.serving_db.read_text(), (paths.site / "index.html").read_text())


@pytest.fixture
def paths(tmp_path) -> Paths:
    return Paths(home=tmp_path / "home", data=tmp_path / "data")


def legacy_home(paths: Paths, live: str) -> None:
    """A home as the earlier layout left it: serving/ a folder holding a hard link of the
    live file, site a symlink into the publication."""
    paths.serving.mkdir(parents=True)
    os.link(paths.publication(live) / pub.DB_NAME, paths.serving_db)
    os.symlink(f"publications/{live}/site", paths.site)


def test_first_swap_creates_the_links_and_publishes_both(paths):
    first = make_publication(paths, IDS[0])
    pub.swap_in(paths, first)
    assert os.readlink(paths.current) == f"publications/{IDS[0]}"
    assert os.readlink(paths.serving) == "current"
    assert os.readlink(paths.site) == "current/site"
    assert published(paths) == (f"warehouse {IDS[0]}", f"site {IDS[0]}")
    assert pub.live_refresh_id(paths) == IDS[0]


def test_later_swaps_replace_only_current(paths):
    pub.swap_in(paths, make_publication(paths, IDS[0]))
    fixed = {link: os.lstat(link).st_ino for link in (paths.serving, paths.site)}
    current_before = os.lstat(paths.current).st_ino
    pub.swap_in(paths, make_publication(paths, IDS[1], "2026-01-02"))
    assert published(paths) == (f"warehouse {IDS[1]}", f"site {IDS[1]}")
    # The fixed links are the very same inodes: the one rename was of `current`.
    assert {link: os.lstat(link).st_ino for link in fixed} == fixed
    assert os.lstat(paths.current).st_ino != current_before
    assert not list(paths.home.glob(".*.swap"))


def test_a_home_of_the_earlier_layout_is_migrated_with_its_publication_unchanged(paths):
    make_publication(paths, IDS[0])
    make_publication(paths, IDS[1], "2026-01-02")
    legacy_home(paths, IDS[1])
    (paths.serving / f".{pub.DB_NAME}.swap").symlink_to("nowhere")  # an old leftover
    assert pub.layout_problem(paths) is None
    assert pub.live_refresh_id(paths) == IDS[1]
    pub.adopt_layout(paths)
    assert os.readlink(paths.current) == f"publications/{IDS[1]}"
    assert os.readlink(paths.serving) == "current"
    assert os.readlink(paths.site) == "current/site"
    assert published(paths) == (f"warehouse {IDS[1]}", f"site {IDS[1]}")
    assert not (paths.home / ".serving.old").exists()
    # The publications themselves are untouched, and rollback works across the migration.
    assert pub.rollback(paths).refresh_id == IDS[0]
    assert published(paths) == (f"warehouse {IDS[0]}", f"site {IDS[0]}")


def test_an_earlier_half_publication_is_repaired_to_the_served_file(paths):
    """The old two-rename swap could leave the new file served with the old site."""
    make_publication(paths, IDS[0])
    make_publication(paths, IDS[1], "2026-01-02")
    legacy_home(paths, IDS[1])
    paths.site.unlink()
    paths.site.symlink_to(f"publications/{IDS[0]}/site")
    pub.adopt_layout(paths)
    assert published(paths) == (f"warehouse {IDS[1]}", f"site {IDS[1]}")


def foreign_site_dir(paths: Paths) -> str:
    paths.site.mkdir(parents=True)
    (paths.site / "index.html").write_text("someone's own page")
    return "is a directory, which Boligmonitor did not create"


def foreign_serving_file(paths: Paths) -> str:
    paths.serving.mkdir(parents=True)
    paths.serving_db.write_text("a warehouse someone copied here")
    return "is a directory, which Boligmonitor did not create"


def foreign_serving_extra(paths: Paths) -> str:
    legacy_home(paths, IDS[0])
    (paths.serving / "notes.txt").write_text("mine")
    return "is a directory, which Boligmonitor did not create"


def foreign_current(paths: Paths) -> str:
    paths.current.mkdir(parents=True)
    return "current is a directory"


def foreign_site_link(paths: Paths) -> str:
    paths.home.mkdir(parents=True, exist_ok=True)
    paths.site.symlink_to("/var/www/html")
    return "is a symlink to /var/www/html"


@pytest.mark.parametrize("setup", [foreign_site_dir, foreign_serving_file,
                                   foreign_serving_extra, foreign_current, foreign_site_link])
def test_what_the_product_did_not_create_is_refused_and_left_alone(paths, setup):
    make_publication(paths, IDS[0])
    expected = setup(paths)
    before = {str(p): (p.is_symlink(), p.read_bytes() if p.is_file() else None)
              for p in paths.home.rglob("*")}
    problem = pub.layout_problem(paths)
    assert problem is not None and expected in problem
    assert "nothing was published" in problem
    with pytest.raises(pub.LayoutError, match="did not create"):
        pub.swap_in(paths, paths.publication(IDS[0]))
    after = {str(p): (p.is_symlink(), p.read_bytes() if p.is_file() else None)
             for p in paths.home.rglob("*")}
    assert after == before


def test_the_refresh_refuses_such_a_home_before_it_runs(paths):
    foreign_site_dir(paths)
    paths.data.mkdir()
    outcome = run_refresh(paths)
    assert not outcome.success and outcome.run_id is None
    assert f"{paths.site} is a directory, which Boligmonitor did not create" in outcome.error
    assert outcome.unchanged
    assert not paths.serving.exists() and not paths.current.exists()
    assert (paths.site / "index.html").read_text() == "someone's own page"


def test_prune_keeps_the_live_and_newest_and_what_is_not_ours(paths):
    for day, refresh_id in enumerate(IDS, start=1):
        make_publication(paths, refresh_id, f"2026-01-0{day}")
    pub.swap_in(paths, paths.publication(IDS[0]))  # an old one is live (a rollback)
    unfinished = paths.publication("0b5e3d8a-0000-4000-8000-0000000000ff")
    (unfinished / "site").mkdir(parents=True)
    notes = paths.publications / "notes"
    notes.mkdir()
    (notes / "readme.txt").write_text("an operator's notes")
    elsewhere = paths.home.parent / "elsewhere"
    elsewhere.mkdir()
    (paths.publications / "0b5e3d8a-0000-4000-8000-0000000000ee").symlink_to(elsewhere)
    removed = pub.prune_publications(paths, keep=1)
    assert sorted(p.name for p in removed) == sorted([IDS[1], unfinished.name])
    assert paths.publication(IDS[0]).is_dir() and paths.publication(IDS[2]).is_dir()
    assert (notes / "readme.txt").read_text() == "an operator's notes"
    assert elsewhere.is_dir()
    assert published(paths) == (f"warehouse {IDS[0]}", f"site {IDS[0]}")


def test_a_failed_swap_leaves_the_folder_unpublished(paths, monkeypatch):
    pub.swap_in(paths, make_publication(paths, IDS[0]))
    second = make_publication(paths, IDS[1], "2026-01-02")
    (second / "publication.json").unlink()

    def no_space(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pub.os, "replace", no_space)
    with pytest.raises(OSError):
        pub.swap_in(paths, second)
    assert not (second / "publication.json").exists()  # the next prune removes it
    assert published(paths) == (f"warehouse {IDS[0]}", f"site {IDS[0]}")


def test_rollback_is_the_same_swap(paths):
    pub.swap_in(paths, make_publication(paths, IDS[0]))
    pub.swap_in(paths, make_publication(paths, IDS[1], "2026-01-02"))
    assert pub.rollback(paths).refresh_id == IDS[0]
    assert os.readlink(paths.current) == f"publications/{IDS[0]}"
    assert published(paths) == (f"warehouse {IDS[0]}", f"site {IDS[0]}")
    with pytest.raises(LookupError):
        pub.rollback(paths)
