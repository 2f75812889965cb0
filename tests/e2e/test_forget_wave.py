"""`boligmonitor forget-wave`: a GDPR request removes a wave everywhere, then republishes;
it takes only a known wave id and deletes nothing outside what it names."""

import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from tests.e2e.conftest import CLI, digest_tree, run_cli

pytestmark = pytest.mark.e2e

# An address in the sample's 2023 dataset (synthetic): it exists only in that export.
PLANTED = b"beboer8240@example.dk"


def files_holding(folder, needle: bytes) -> list[str]:
    found = []
    for dirpath, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path) and needle in open(path, "rb").read():
                found.append(path)
    return found


def test_forget_wave_removes_files_copies_results_and_old_publications(republished_copy):
    home, sample_copy = republished_copy
    assert files_holding(sample_copy / "survey" / "2023", PLANTED)
    # Two publications that both hold the 2023 wave: the session's and one more
    # (`republished_home`, copied).
    assert len([p for p in (home / "publications").iterdir() if p.is_dir()]) == 2
    assert files_holding(home / "raw", PLANTED)
    private = duckdb.connect(str(home / "warehouse" / "private.duckdb"), read_only=True)
    copies = [r[0] for r in private.execute(
        "SELECT DISTINCT raw_copy FROM raw.file_history WHERE name LIKE 'survey/2023/%'")
        .fetchall()]
    private.close()
    assert copies

    forgotten = run_cli("forget-wave", "2023", "--yes", "--home", str(home),
                        "--data", str(sample_copy))
    assert forgotten.returncode == 0, forgotten.stderr[-3000:]
    # It said what it removes before removing it, and what it checked afterwards.
    assert "published     mart.survey_results:" in forgotten.stderr
    assert "private       staging.survey_answers:" in forgotten.stderr
    assert "raw copy      " in forgotten.stderr and "Dagster runs" in forgotten.stderr
    assert "every file of the home" in forgotten.stderr
    assert "Wave 2023 forgotten: nothing of it is left" in forgotten.stdout

    assert not (sample_copy / "survey" / "2023").exists()
    assert (sample_copy / "survey" / "2010").is_dir() and (sample_copy / "survey" / "2012").is_dir()
    for copy in copies:
        # <home>/raw/<aa>/<sha256>/<name>, recorded under the home that made it (the
        # session's, for the copied publication): the same place in this home.
        assert not (home / Path(copy).relative_to(Path(copy).parents[3])).exists()
    assert files_holding(home, PLANTED) == []
    serving = duckdb.connect(str(home / "serving" / "boligmonitor.duckdb"), read_only=True)
    waves = {r[0] for r in serving.execute("SELECT DISTINCT wave_id FROM mart.survey_results")
             .fetchall()}
    serving.close()
    assert waves == {"2010", "2012"}
    publications = [p for p in (home / "publications").iterdir() if p.is_dir()]
    assert len(publications) == 1  # only the one made without the wave
    site = (home / "site").resolve()
    assert not (site / "tryghed" / "2023.html").exists()
    assert not any(p.name.startswith("2023") for p in (site / "tryghed").iterdir())
    assert files_holding(home / "dagster", b"survey/2023/") == []


def test_forget_wave_finds_the_raw_copies_when_the_warehouse_is_lost(published_copy):
    home, sample_copy = published_copy
    shutil.rmtree(home / "warehouse")
    assert files_holding(home / "raw", PLANTED)

    forgotten = run_cli("forget-wave", "2023", "--yes", "--home", str(home),
                        "--data", str(sample_copy))
    assert forgotten.returncode == 0, forgotten.stderr[-3000:]
    assert files_holding(home, PLANTED) == []
    assert files_holding(home, b"survey/2023/") == []
    assert not (sample_copy / "survey" / "2023").exists()


def test_forget_wave_refuses_paths_and_unknown_ids_and_deletes_nothing(tmp_path, sample_copy):
    victim = tmp_path / "victim"  # where survey/../../victim pointed
    victim.mkdir()
    (victim / "precious.txt").write_text("keep")
    home = tmp_path / "home"
    before = digest_tree(sample_copy)
    for argument in (str(victim), "../../victim", ".", "..", "survey/2023", "2032"):
        result = run_cli("forget-wave", argument, "--yes", "--home", str(home),
                         "--data", str(sample_copy))
        assert result.returncode != 0, argument
        assert "known wave ids: 2010, 2012, 2023" in result.stderr, result.stderr
        assert "Nothing was deleted" in result.stderr
    assert (victim / "precious.txt").read_text() == "keep"
    assert digest_tree(sample_copy) == before
    assert not (home / "raw").exists()

    # Without --yes it shows what it would remove and asks; "no" deletes nothing.
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOLIGMONITOR_")}
    asked = subprocess.run([str(CLI), "forget-wave", "2023", "--home", str(home), "--data",
                            str(sample_copy)], input="n\n", capture_output=True, text=True,
                           env=env, timeout=300, check=False)
    assert asked.returncode != 0
    assert f"folder        {sample_copy / 'survey' / '2023'}" in asked.stderr
    assert "raw copy      (none in this home)" in asked.stderr  # never refreshed
    assert "Aborted" in asked.stderr
    assert digest_tree(sample_copy) == before


def test_forget_wave_refuses_the_shipped_sample(tmp_path):
    result = run_cli("forget-wave", "2010", "--yes", "--home", str(tmp_path / "home"))
    assert result.returncode != 0
    assert "shipped sample is never written" in result.stderr
