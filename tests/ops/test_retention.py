"""Retention of raw copies and the deployment options file."""

import hashlib
from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from pipelines.retention import prune_raw_copies
from pipelines.settings import RefreshOptions


def holder_of(tmp_path, name):
    digest = hashlib.sha256(name.encode()).hexdigest()
    return tmp_path / "raw" / digest[:2] / digest


def history(tmp_path, rows):
    conn = duckdb.connect()
    conn.execute("CREATE SCHEMA raw")
    conn.execute("CREATE TABLE raw.file_history (raw_copy VARCHAR, sha256 VARCHAR, "
                 "loaded_at TIMESTAMPTZ, run_id VARCHAR)")
    for name, age_days, run_id in rows:
        holder = holder_of(tmp_path, name)
        copy = holder / "file.csv"
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text("x")
        conn.execute("INSERT INTO raw.file_history VALUES (?, ?, ?, ?)",
                     [str(copy), holder.name, datetime.now(UTC) - timedelta(days=age_days),
                      run_id])
    return conn


def test_old_copies_go_unless_a_kept_publication_read_them(tmp_path):
    conn = history(tmp_path, [
        ("old", 500, "run-a"),        # old, read only by a pruned publication: removed
        ("kept", 500, "run-b"),       # old, but the kept publication read it: kept
        ("recent", 10, "run-c"),      # read recently: kept
        ("reread", 500, "run-a"), ("reread", 5, "run-d"),  # read again lately: kept
    ])
    removed = prune_raw_copies(conn, kept_refresh_ids=["run-b"], keep_days=400)
    assert removed == 1
    assert not holder_of(tmp_path, "old").exists()
    for name in ("kept", "recent", "reread"):
        assert (holder_of(tmp_path, name) / "file.csv").exists()


def test_the_prune_deletes_only_raw_copy_folders_it_can_vouch_for(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "keep.txt").write_text("not ours")
    conn = history(tmp_path, [("old", 500, "run-a")])
    digest = holder_of(tmp_path, "old").name
    # A record pointing outside the raw store's layout, and a hash folder that is a link.
    conn.execute("INSERT INTO raw.file_history VALUES (?, ?, ?, 'run-a')",
                 [str(outside / "keep.txt"), "ab" * 32, datetime.now(UTC) - timedelta(days=900)])
    linked = "cd" * 32
    (tmp_path / "raw" / linked[:2]).mkdir()
    (tmp_path / "raw" / linked[:2] / linked).symlink_to(outside)
    conn.execute("INSERT INTO raw.file_history VALUES (?, ?, ?, 'run-a')",
                 [str(tmp_path / "raw" / linked[:2] / linked / "keep.txt"), linked,
                  datetime.now(UTC) - timedelta(days=900)])
    assert prune_raw_copies(conn, kept_refresh_ids=[], keep_days=400,
                            raw_dir=tmp_path / "raw") == 1
    assert not holder_of(tmp_path, "old").exists() and digest
    assert (outside / "keep.txt").read_text() == "not ours"


def test_a_copy_received_under_two_names_stays_while_either_is_recent(tmp_path):
    conn = history(tmp_path, [("same", 500, "run-a")])
    holder = holder_of(tmp_path, "same")
    (holder / "renamed.csv").write_text("x")
    conn.execute("INSERT INTO raw.file_history VALUES (?, ?, ?, 'run-b')",
                 [str(holder / "renamed.csv"), holder.name, datetime.now(UTC)])
    assert prune_raw_copies(conn, kept_refresh_ids=[], keep_days=400) == 0
    assert (holder / "file.csv").exists()


def test_options_file_is_optional_and_validated(tmp_path):
    assert RefreshOptions.load(tmp_path).keep_publications == 3
    (tmp_path / "boligmonitor.yaml").write_text("keep_publications: 5\nmin_survey_answers: 20\n")
    options = RefreshOptions.load(tmp_path)
    assert (options.keep_publications, options.min_survey_answers) == (5, 20)
    (tmp_path / "boligmonitor.yaml").write_text("keep_publicatons: 5\n")
    with pytest.raises(ValueError, match="keep_publicatons"):
        RefreshOptions.load(tmp_path)
