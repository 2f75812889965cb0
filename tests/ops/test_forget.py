"""Forgetting a wave, below the CLI: which ids are taken, what is found by content hash,
and that nothing but the wave's own folders and copies is deleted."""

import json
import shutil

import duckdb
import pytest

from pipelines import forget
from pipelines.raw_store import manifest_frame, receive
from pipelines.settings import Paths
from tests.tiny_data import survey_files, write_tiny_data


def setup_home(tmp_path):
    """A data directory with waves 2020 and 2021 and a home holding their raw copies."""
    data = write_tiny_data(tmp_path / "data")
    other = data / "survey" / "2021"
    other.mkdir()
    files = survey_files()
    files["wave.json"] = json.dumps({**json.loads(files["wave.json"]), "wave_id": "2021",
                                     "title": "Testbølge 2021"})
    for name, text in files.items():
        (other / name).write_text(text.replace("R0001", "R9001") if name == "dataset.csv"
                                  else text, encoding="utf-8")
    # The same questionnaire both years: one raw copy serves both waves.
    for folder in ("2020", "2021"):
        (data / "survey" / folder / "structure.csv").write_text("variabel;tekst\n",
                                                                 encoding="utf-8")
    (data / "survey" / "2020" / "dataset.csv").write_text(
        survey_files()["dataset.csv"].replace("bor her", "bor her, ole@example.dk"),
        encoding="utf-8")
    paths = Paths(home=tmp_path / "home", data=data)
    received = receive(data, paths.raw_dir)
    return paths, received


def with_history(paths, received):
    paths.private_db.parent.mkdir(parents=True)
    conn = duckdb.connect(str(paths.private_db))
    from datetime import UTC, datetime

    import polars as pl

    frame = manifest_frame(received, datetime.now(UTC)).with_columns(
        pl.lit("0b6f2c1e-4a57-4c3e-9d2a-7f1e2d3c4b5a").alias("run_id"))
    conn.execute("CREATE SCHEMA raw")
    conn.register("frame", frame.to_arrow())
    conn.execute("CREATE TABLE raw.file_history AS SELECT * FROM frame")
    conn.execute("CREATE TABLE raw.files AS SELECT * FROM frame")
    conn.close()


@pytest.mark.parametrize("argument", ["/tmp/victim", "../../victim", ".", "..", "2022", ""])
def test_only_a_known_wave_id_is_taken(tmp_path, argument):
    paths, _ = setup_home(tmp_path)
    with pytest.raises(forget.ForgetError, match="known wave ids: 2020, 2021. Nothing was"):
        forget.plan_forget(paths, argument)


def test_copies_are_found_by_hash_without_the_warehouse_and_shared_ones_kept(tmp_path):
    paths, received = setup_home(tmp_path)
    plan = forget.plan_forget(paths, "2020")
    by_name = {f.name: f for f in received}
    ours = {by_name[f"survey/2020/{n}"].sha256 for n in ("wave.json", "dataset.csv")}
    shared = by_name["survey/2020/structure.csv"].sha256
    assert {h.name for h in plan.raw_holders} == ours
    assert plan.shared == {shared: "survey/2021/structure.csv"}
    assert plan.emails == {b"ole@example.dk"}
    assert plan.folders == [paths.data / "survey" / "2020"]

    removed = forget.forget(paths, plan)
    assert len([r for r in removed if r.startswith("raw copy")]) == 2
    assert not (paths.data / "survey" / "2020").exists()
    assert (paths.data / "survey" / "2021" / "dataset.csv").exists()
    for copy in received:
        assert copy.raw_copy.exists() == (copy.sha256 not in ours), copy.name
    check = forget.verify_forgotten(paths, plan)
    assert check.clean, check.found


def test_the_records_name_copies_the_data_directory_no_longer_has(tmp_path):
    paths, received = setup_home(tmp_path)
    with_history(paths, received)
    shutil.rmtree(paths.data / "survey" / "2020")  # deleted by hand, copies left behind
    plan = forget.plan_forget(paths, "2020")
    dataset = next(f for f in received if f.name == "survey/2020/dataset.csv")
    assert dataset.sha256 in {h.name for h in plan.raw_holders}
    assert plan.emails == {b"ole@example.dk"}  # read from the raw copy
    assert plan.private_rows == {}  # no staged tables in this stand-in warehouse
    forget.forget(paths, plan)
    assert not dataset.raw_copy.exists()
    conn = duckdb.connect(str(paths.private_db), read_only=True)
    left = conn.execute("SELECT count(*) FROM raw.file_history WHERE name LIKE "
                        "'survey/2020/%'").fetchone()[0]
    conn.close()
    assert left == 0
    # DuckDB leaves deleted rows' bytes in free blocks until the file is rewritten.
    assert forget.verify_forgotten(paths, plan).found == [
        "warehouse/private.duckdb holds its records (5 matches)"]
    assert forget.compact_private_warehouse(paths)
    assert forget.verify_forgotten(paths, plan).clean
    conn = duckdb.connect(str(paths.private_db), read_only=True)
    kept = conn.execute("SELECT count(*) FROM raw.file_history").fetchone()[0]
    conn.close()
    assert kept == len([f for f in received if not f.name.startswith("survey/2020/")])


def test_a_linked_folder_naming_the_wave_is_never_followed(tmp_path):
    paths, _ = setup_home(tmp_path)
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "wave.json").write_text('{"wave_id": "2020"}')
    (paths.data / "survey" / "evil").symlink_to(victim)
    plan = forget.plan_forget(paths, "2020")
    assert plan.folders == [paths.data / "survey" / "2020"]
    forget.forget(paths, plan)
    assert (victim / "wave.json").exists()
    assert (paths.data / "survey" / "evil").is_symlink()


def test_the_final_check_names_what_is_left(tmp_path):
    paths, _ = setup_home(tmp_path)
    plan = forget.plan_forget(paths, "2020")
    forget.forget(paths, plan)
    stray = paths.home / "dagster" / "history" / "runs" / "stray.db"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"... ole@example.dk ...")
    check = forget.verify_forgotten(paths, plan)
    assert not check.clean
    assert check.found == ["dagster/history/runs/stray.db holds e-mail addresses (1 matches)"]


def test_a_waiting_delivery_of_the_wave_goes_too(tmp_path):
    paths, _ = setup_home(tmp_path)
    waiting = paths.data / "incoming" / "beboer2020_igen"
    shutil.copytree(paths.data / "survey" / "2020", waiting)
    (waiting.parent / "notes.txt").write_text("keep")
    plan = forget.plan_forget(paths, "2020")
    assert plan.incoming == [waiting]
    assert any("incoming      " in line for line in plan.describe(paths))
    forget.forget(paths, plan)
    assert not waiting.exists() and (waiting.parent / "notes.txt").exists()
    assert forget.verify_forgotten(paths, plan).clean
