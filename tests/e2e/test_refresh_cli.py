"""`boligmonitor refresh` on the shipped sample, end to end through the real parts."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from tests.e2e.conftest import SAMPLE, digest_tree, run_cli

pytestmark = pytest.mark.e2e


def query(home: Path, sql: str):
    conn = duckdb.connect(str(home / "serving" / "boligmonitor.duckdb"), read_only=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_published_tables_exist(sample_home):
    tables = {r[0] for r in query(sample_home, "SELECT table_schema || '.' || table_name "
                                               "FROM information_schema.tables")}
    for name in ["areas", "area_year", "survey_results", "indicator_values", "area_status",
                 "refresh"]:
        assert f"mart.{name}" in tables


def test_refresh_row_lists_every_source_file_with_its_hash(sample_home):
    (refresh_id, data_dir, files), = query(
        sample_home, "SELECT refresh_id, data_dir, files FROM mart.refresh")
    assert refresh_id
    assert Path(data_dir) == SAMPLE.resolve()
    names = {f["name"] for f in files}
    assert "areas/areas.csv" in names and "survey/2010/dataset.csv" in names
    sample_file = SAMPLE / "areas" / "areas.csv"
    by_name = {f["name"]: f["sha256"] for f in files}
    assert by_name["areas/areas.csv"] == hashlib.sha256(sample_file.read_bytes()).hexdigest()


def test_survey_2010_matches_the_published_17_and_36_percent(sample_home):
    rows = dict(query(sample_home, "SELECT area_id, round(share, 1) FROM mart.survey_results "
                                   "WHERE wave_id = '2010' AND item_id = 'evening_safety'"))
    assert rows["all"] == 17.0
    assert rows["vangdalen"] == 36.0
    (flag,), = query(sample_home, "SELECT vs_rest FROM mart.survey_results WHERE wave_id = '2010' "
                                  "AND area_id = 'vangdalen' AND item_id = 'evening_safety'")
    assert flag == "over"


def test_survey_results_never_publish_small_cells(sample_home):
    rows = query(sample_home, "SELECT n_answers, n_positive, share, suppressed "
                              "FROM mart.survey_results")
    for n_answers, n_positive, share, suppressed in rows:
        if n_answers < 10:
            assert suppressed and n_positive is None and share is None


def test_area_year_sums_jennumparken_2024(sample_home):
    (residents,), = query(sample_home, "SELECT residents FROM mart.area_year "
                                       "WHERE area_id = 'gl_jennumparken' AND year = 2024")
    assert residents == 1270


def test_site_first_page_exists(sample_home):
    index = sample_home / "site" / "index.html"
    assert index.is_file()
    text = index.read_text(encoding="utf-8")
    assert "Vangdalen" in text


def test_sample_is_never_written(sample_home, sample_digest_before):
    assert digest_tree(SAMPLE) == sample_digest_before


def test_broken_input_fails_clearly_and_leaves_publication_untouched(published_copy):
    home, sample_copy = published_copy
    serving = home / "serving" / "boligmonitor.duckdb"
    before_serving = serving.read_bytes()
    before_site = digest_tree(home / "site")
    site_target = (home / "site").resolve()

    # Break one value in the long CSV delivery.
    target = sorted((sample_copy / "kaas").glob("*.csv"))[0]
    lines = target.read_bytes().split(b"\n")
    fields = lines[5].split(b";")
    fields[3] = b"ukendt"
    lines[5] = b";".join(fields)
    target.write_bytes(b"\n".join(lines))

    second = run_cli("refresh", "--home", str(home), "--data", str(sample_copy))
    assert second.returncode != 0
    message = second.stderr
    assert f"kaas/{target.name}" in message
    # Steps are named by their asset keys, and the steps after the failure are one line.
    assert "✗ staging/kaas + staging/kaas_revisions failed" in message
    assert "Not executing" not in message
    assert "later steps not run" in message
    assert "__" not in message and "staging_kaas" not in message and "mart_criteria" not in message
    assert "row 6" in message and "column 'vaerdi'" in message and "expected a number" in message
    assert "unchanged" in message
    assert serving.read_bytes() == before_serving
    assert (home / "site").resolve() == site_target
    assert digest_tree(home / "site") == before_site


def test_sql_prints_a_table_and_csv(sample_home):
    result = run_cli("sql", "SELECT area_id FROM mart.areas ORDER BY area_id", "--home",
                     str(sample_home))
    assert result.returncode == 0, result.stderr
    assert "gl_jennumparken" in result.stdout and "rows)" in result.stdout
    as_csv = run_cli("sql", "SELECT area_id, area_name FROM mart.areas WHERE area_id = "
                     "'vangdalen'", "--csv", "--home", str(sample_home))
    assert as_csv.stdout.splitlines()[0] == "area_id,area_name"


@pytest.mark.parametrize("statement", [
    "CREATE TABLE x AS SELECT 1",
    "INSERT INTO mart.areas VALUES ('x', 'x', 1, 1082)",
    "COPY mart.areas TO '/tmp/leak.csv'",
    "ATTACH '/tmp/other.duckdb' AS other",
    "SELECT * FROM read_csv('/etc/passwd')",
])
def test_sql_refuses_writes_and_files(sample_home, statement):
    result = run_cli("sql", statement, "--home", str(sample_home))
    assert result.returncode != 0
    assert "refused" in result.stderr.lower() or "read-only" in result.stderr.lower()



def test_empty_data_directory_is_one_line_naming_what_is_missing(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli("refresh", "--data", str(empty), "--home", str(tmp_path / "home"))
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [
        f"Error: data directory {empty} is empty; a refresh needs areas/areas.csv, "
        "areas/membership.csv, kaas/*.csv or kaas/*.xlsx, reference/national.csv, "
        "reference/regional.csv (see docs/contract.md)"
    ]
    assert not (tmp_path / "home" / "dagster").exists()  # no run was started


def test_a_subfolder_of_the_data_directory_is_named_and_its_parent_suggested(tmp_path):
    result = run_cli("refresh", "--data", str(SAMPLE / "kaas"), "--home", str(tmp_path / "h"))
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert lines[0].startswith(f"Error: data directory {SAMPLE / 'kaas'} has no areas/areas.csv")
    assert lines[0].endswith(f"did you mean its parent {SAMPLE}?")


def test_a_partial_data_directory_names_only_what_it_lacks(tmp_path, sample_copy):
    (sample_copy / "reference" / "regional.csv").unlink()
    for delivery in (sample_copy / "kaas").iterdir():
        if delivery.suffix in (".csv", ".xlsx"):
            delivery.unlink()
    result = run_cli("refresh", "--data", str(sample_copy), "--home", str(tmp_path / "h"))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"Error: data directory {sample_copy} has no kaas/*.csv or kaas/*.xlsx, "
        "reference/regional.csv (see docs/contract.md)")
