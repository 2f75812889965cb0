"""`boligmonitor forget-wave`: a GDPR request removes a wave everywhere, then republishes."""

import duckdb
import pytest

from tests.e2e.conftest import run_cli

pytestmark = pytest.mark.e2e


def test_forget_wave_removes_files_copies_results_and_old_publications(tmp_path, sample_copy):
    home = tmp_path / "home"
    for _ in range(2):  # two publications that both hold the 2023 wave
        result = run_cli("refresh", "--home", str(home), "--data", str(sample_copy))
        assert result.returncode == 0, result.stderr[-3000:]
    private = duckdb.connect(str(home / "warehouse" / "private.duckdb"), read_only=True)
    copies = [r[0] for r in private.execute(
        "SELECT DISTINCT raw_copy FROM raw.file_history WHERE name LIKE 'survey/2023/%'")
        .fetchall()]
    private.close()
    assert copies

    forgotten = run_cli("forget-wave", "2023", "--yes", "--home", str(home),
                        "--data", str(sample_copy))
    assert forgotten.returncode == 0, forgotten.stderr[-3000:]

    assert not (sample_copy / "survey" / "2023").exists()
    for copy in copies:
        assert not (tmp_path / copy).exists()
    serving = duckdb.connect(str(home / "serving" / "boligmonitor.duckdb"), read_only=True)
    waves = {r[0] for r in serving.execute("SELECT DISTINCT wave_id FROM mart.survey_results")
             .fetchall()}
    serving.close()
    assert waves == {"2010", "2012"}
    publications = [p for p in (home / "publications").iterdir() if p.is_dir()]
    assert len(publications) == 1  # only the one made without the wave
    site = (home / "site").resolve()
    assert not (site / "tryghed" / "2023.html").exists()
    assert not any("2023" in p.name for p in (site / "tryghed").iterdir())


def test_forget_wave_refuses_the_shipped_sample(tmp_path):
    result = run_cli("forget-wave", "2010", "--yes", "--home", str(tmp_path / "home"))
    assert result.returncode != 0
    assert "shipped sample is never written" in result.stderr
