"""Retention of raw copies and the deployment options file."""

from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from pipelines.retention import prune_raw_copies
from pipelines.settings import RefreshOptions


def history(tmp_path, rows):
    conn = duckdb.connect()
    conn.execute("CREATE SCHEMA raw")
    conn.execute("CREATE TABLE raw.file_history (raw_copy VARCHAR, loaded_at TIMESTAMPTZ, "
                 "run_id VARCHAR)")
    for name, age_days, run_id in rows:
        copy = tmp_path / "raw" / name / "file.csv"
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text("x")
        conn.execute("INSERT INTO raw.file_history VALUES (?, ?, ?)",
                     [str(copy), datetime.now(UTC) - timedelta(days=age_days), run_id])
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
    assert not (tmp_path / "raw" / "old").exists()
    for name in ("kept", "recent", "reread"):
        assert (tmp_path / "raw" / name / "file.csv").exists()


def test_options_file_is_optional_and_validated(tmp_path):
    assert RefreshOptions.load(tmp_path).keep_publications == 3
    (tmp_path / "boligmonitor.yaml").write_text("keep_publications: 5\nmin_survey_answers: 20\n")
    options = RefreshOptions.load(tmp_path)
    assert (options.keep_publications, options.min_survey_answers) == (5, 20)
    (tmp_path / "boligmonitor.yaml").write_text("keep_publicatons: 5\n")
    with pytest.raises(ValueError, match="keep_publicatons"):
        RefreshOptions.load(tmp_path)
