"""The path-safety rules: what the product deletes or overwrites is inside its root,
reached without links, and a folder the product made; private files are owner-only."""

import json
import os
import stat

import pytest

from pipelines import safe_paths
from pipelines.raw_store import receive
from pipelines.safe_paths import UnsafePath, checked, remove_tree
from tests.tiny_data import write_tiny_data

RUN_ID = "0b6f2c1e-4a57-4c3e-9d2a-7f1e2d3c4b5a"


def test_checked_accepts_only_paths_strictly_inside_the_root(tmp_path):
    root = tmp_path / "data"
    (root / "survey" / "2020").mkdir(parents=True)
    assert checked(root / "survey" / "2020", root) == (root / "survey" / "2020").resolve()
    for outside in (root, root / "survey" / ".." / "..", tmp_path / "victim", "/tmp/victim",
                    root / ".." / "victim"):
        with pytest.raises(UnsafePath):
            checked(outside, root)


def test_checked_refuses_any_link_below_the_root(tmp_path):
    root = tmp_path / "data"
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("keep")
    (root / "survey").mkdir(parents=True)
    (root / "survey" / "2020").symlink_to(victim)
    with pytest.raises(UnsafePath, match="symbolic link"):
        checked(root / "survey" / "2020", root)
    with pytest.raises(UnsafePath, match="symbolic link"):
        remove_tree(root / "survey" / "2020" / "precious.txt", root)
    with pytest.raises(UnsafePath):
        remove_tree(root / "survey" / "2020", root)
    assert (victim / "precious.txt").read_text() == "keep"


def test_a_linked_root_is_followed_but_nothing_below_it(tmp_path):
    real = tmp_path / "real-home"
    (real / "raw").mkdir(parents=True)
    (tmp_path / "home").symlink_to(real)
    assert checked(tmp_path / "home" / "raw", tmp_path / "home") == (real / "raw").resolve()


def test_remove_tree_deletes_read_only_contents_but_never_a_file(tmp_path):
    folder = tmp_path / "raw" / "ab" / ("ab" * 32)
    folder.mkdir(parents=True)
    (folder / "copy.csv").write_text("x")
    (folder / "copy.csv").chmod(0o400)
    folder.chmod(0o500)
    with pytest.raises(UnsafePath, match="not a folder"):
        remove_tree(tmp_path / "raw" / "ab" / ("ab" * 32) / "copy.csv", tmp_path / "raw")
    remove_tree(folder, tmp_path / "raw")
    assert not folder.exists() and (tmp_path / "raw" / "ab").is_dir()


def test_a_wave_folder_is_one_whose_wave_json_names_the_wave(tmp_path):
    data = write_tiny_data(tmp_path / "data")  # survey/2020 holds wave 2020
    assert safe_paths.is_wave_folder(data / "survey" / "2020", data, "2020")
    assert not safe_paths.is_wave_folder(data / "survey" / "2020", data, "2021")
    assert not safe_paths.is_wave_folder(data / "survey", data, "2020")
    assert not safe_paths.is_wave_folder(data, data, "2020")
    (data / "survey" / "kopi").symlink_to(data / "survey" / "2020")
    assert not safe_paths.is_wave_folder(data / "survey" / "kopi", data, "2020")
    nested = data / "survey" / "2020" / "inner"
    nested.mkdir()
    (nested / "wave.json").write_text('{"wave_id": "2020"}')
    assert not safe_paths.is_wave_folder(nested, data, "2020")


def test_a_publication_folder_is_one_the_product_made(tmp_path):
    home = tmp_path / "home"
    publications = home / "publications"
    published = publications / RUN_ID
    (published / "site").mkdir(parents=True)
    (published / "publication.json").write_text(json.dumps({"refresh_id": RUN_ID}))
    assert safe_paths.is_publication_folder(published, home)
    unfinished = publications / RUN_ID.replace("0b6f", "1c7a")
    unfinished.mkdir()
    (unfinished / ".boligmonitor.duckdb.building").write_bytes(b"")
    assert safe_paths.is_publication_folder(unfinished, home)
    # An operator's folder, a run-id-named folder with foreign files, a forged manifest.
    notes = publications / "notes"
    notes.mkdir()
    (notes / "publication.json").write_text(json.dumps({"refresh_id": "other"}))
    foreign = publications / RUN_ID.replace("0b6f", "2d8b")
    foreign.mkdir()
    (foreign / "budget.xlsx").write_bytes(b"x")
    for folder in (notes, foreign, publications, home):
        assert not safe_paths.is_publication_folder(folder, home)


def test_raw_copy_holders_are_named_by_a_sha256(tmp_path):
    raw = tmp_path / "raw"
    digest = "ef" * 32
    (raw / "ef" / digest).mkdir(parents=True)
    assert safe_paths.raw_copy_holder(raw, digest) == (raw / "ef" / digest).resolve()
    for bad in ("..", "ef", "../../etc", "EF" * 32, "ab" * 32):
        assert safe_paths.raw_copy_holder(raw, bad) is None


def test_raw_copies_are_owner_only_whatever_the_umask(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    raw = tmp_path / "home" / "raw"
    previous = os.umask(0)
    try:
        files = receive(data, raw)
    finally:
        os.umask(previous)
    assert files
    assert stat.S_IMODE(raw.stat().st_mode) == 0o700
    for received in files:
        copy = received.raw_copy
        assert stat.S_IMODE(copy.stat().st_mode) == 0o400, copy
        assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(copy.parent.parent.stat().st_mode) == 0o700


def test_private_writes_never_go_through_a_link(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    target = tmp_path / "report.txt"
    target.symlink_to(victim)
    previous = os.umask(0)
    try:
        safe_paths.write_private(target, b"new")
    finally:
        os.umask(previous)
    assert victim.read_text() == "keep"
    assert not target.is_symlink() and target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_open_regular_refuses_links_and_fifos_without_blocking(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="not a regular file"):
        safe_paths.open_regular(fifo)
    link = tmp_path / "link"
    link.symlink_to("/etc/hostname")
    with pytest.raises(OSError):
        safe_paths.open_regular(link)
    big = tmp_path / "big"
    big.write_bytes(b"x" * 10)
    with pytest.raises(OSError, match="larger than 5 bytes"):
        safe_paths.read_regular(big, 5)


def test_the_publication_prune_removes_only_product_publications(tmp_path):
    from pipelines import publication as pub
    from pipelines.settings import Paths

    paths = Paths(home=tmp_path / "home", data=tmp_path / "data")
    ids = [RUN_ID.replace("0b6f", f"0b6{n}") for n in "abc"]
    for n, refresh_id in enumerate(ids):
        folder = paths.publication(refresh_id)
        (folder / "site").mkdir(parents=True)
        (folder / pub.DB_NAME).write_text("warehouse")
        (folder / "publication.json").write_text(json.dumps(
            {"refresh_id": refresh_id, "finished_at": f"2026-01-0{n + 1}T00:00:00+00:00"}))
    os.symlink(f"publications/{ids[2]}", paths.current)
    notes = paths.publications / "notes"
    notes.mkdir()
    (notes / "referat.txt").write_text("keep")
    foreign = paths.publication(RUN_ID.replace("0b6f", "0b6d"))
    foreign.mkdir()
    (foreign / "budget.xlsx").write_bytes(b"keep")
    removed = pub.prune_publications(paths, keep=2)
    assert [p.name for p in removed] == [ids[0]]
    assert (notes / "referat.txt").exists() and (foreign / "budget.xlsx").exists()
    assert paths.publication(ids[1]).is_dir() and paths.publication(ids[2]).is_dir()
