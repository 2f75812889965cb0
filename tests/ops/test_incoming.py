"""Deliveries in incoming/: the sensor, routing, rejection and settling into place."""

import json
import os
import subprocess
import sys

import dagster as dg

from pipelines import incoming
from pipelines.resources import Workspace
from pipelines.sensors import incoming_deliveries
from tests.tiny_data import HEADER_KAAS, survey_files, write_tiny_data


def evaluate(data, instance, cursor=None):
    workspace = Workspace(home=str(data.parent / "home"), data_dir=str(data))
    context = dg.build_sensor_context(instance=instance, cursor=cursor,
                                      resources={"workspace": workspace})
    result = incoming_deliveries.evaluate_tick(context)
    return result, context.cursor


def test_sensor_requests_one_run_per_new_delivery(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    instance = dg.DagsterInstance.ephemeral()
    result, cursor = evaluate(data, instance)
    assert not result.run_requests  # nothing waiting

    (data / "incoming").mkdir()
    (data / "incoming" / "kaas_2026-01-05.csv").write_text(
        HEADER_KAAS + "100-0001;2025;beboere;610\n", encoding="utf-8")
    result, cursor = evaluate(data, instance, cursor)
    assert len(result.run_requests) == 1
    assert result.run_requests[0].tags["boligmonitor/deliveries"] == "kaas_2026-01-05.csv"

    # The same file, evaluated again (even touched), asks for no second run.
    (data / "incoming" / "kaas_2026-01-05.csv").touch()
    result, cursor = evaluate(data, instance, cursor)
    assert not result.run_requests

    # A changed file is news again.
    (data / "incoming" / "kaas_2026-01-05.csv").write_text(
        HEADER_KAAS + "100-0001;2025;beboere;611\n", encoding="utf-8")
    result, _ = evaluate(data, instance, cursor)
    assert len(result.run_requests) == 1


def test_routing_by_shape(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    box = data / "incoming"
    box.mkdir()
    (box / "kaas_2026-01-05.csv").write_text(HEADER_KAAS + "100-0001;2025;beboere;1\n")
    (box / "regional.csv").write_text("region_code;aar;maal;vaerdi\n")
    wave = box / "beboer2026"
    wave.mkdir()
    (wave / "wave.json").write_text('{"wave_id": "2026"}')
    (wave / "dataset.csv").write_text("omraade;tryg_aften\n")
    routed = {e.name: [n for _, n in incoming.route(e, data).files]
              for e in incoming.entries(data)}
    assert routed == {
        "kaas_2026-01-05.csv": ["kaas/kaas_2026-01-05.csv"],
        "regional.csv": ["reference/regional.csv"],
        "beboer2026": ["survey/2026/dataset.csv", "survey/2026/wave.json"],
    }


def test_invalid_delivery_is_rejected_with_a_report_and_kept(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    (data / "incoming").mkdir()
    bad = data / "incoming" / "kaas_2026-01-05.csv"
    bad.write_text(HEADER_KAAS + "100-0001;2025;beboere;mange\n", encoding="utf-8")
    warnings = []
    admitted = incoming.admit(data, warn=warnings.append)
    assert admitted == []
    assert bad.exists()
    report = (data / "incoming" / "kaas_2026-01-05.csv.error.txt").read_text()
    assert "row 2" in report and "'vaerdi'" in report
    assert warnings and "rejected" in warnings[0]
    # A rejected delivery is not news for the sensor until it changes.
    assert incoming.pending(data) == {}


def test_unroutable_file_is_rejected(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    (data / "incoming").mkdir()
    (data / "incoming" / "notes.txt").write_text("hej")
    assert incoming.admit(data, warn=lambda _: None) == []
    report = (data / "incoming" / "notes.txt.error.txt").read_text()
    assert "cannot tell where this delivery belongs" in report
    # The report says every kind of delivery incoming/ takes, local ones too.
    assert "named local*/lokal* it is a delivery from the municipality" in report
    assert "local.yaml" in report and "plans.csv" in report


def report_of(entry):
    return entry.with_name(entry.name + ".error.txt").read_text(encoding="utf-8")


def wave_folder(box, name, wave_id="2026", extra=""):
    folder = box / name
    folder.mkdir(parents=True)
    files = survey_files()
    files["wave.json"] = json.dumps({**json.loads(files["wave.json"]), "wave_id": wave_id})
    for file_name, text in files.items():
        (folder / file_name).write_text(text + extra if file_name == "dataset.csv" else text,
                                        encoding="utf-8")
    return folder


def test_a_symlink_is_rejected_without_reading_its_target(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    secret = tmp_path / "secret.csv"
    secret.write_text("afdeling_id;aar;maal;vaerdi\nHEMMELIG-LINJE-1;2025;beboere;1\n")
    box = data / "incoming"
    box.mkdir()
    (box / "kaas_2026-01-05.csv").symlink_to(secret)
    (box / "nul.csv").symlink_to("/dev/zero")
    assert incoming.admit(data, warn=lambda _: None) == []
    for name in ("kaas_2026-01-05.csv", "nul.csv"):
        report = report_of(box / name)
        assert f"incoming/{name} is a symbolic link" in report
        assert "expected a regular file or a folder" in report
        assert "HEMMELIG" not in report
        assert (box / name).is_symlink()  # left as it was
    assert secret.read_text().startswith("afdeling_id")
    # Rejected by their shape, they are no news for the sensor until they change.
    assert incoming.pending(data) == {}


def test_a_fifo_is_rejected_and_never_opened(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    box = data / "incoming"
    box.mkdir()
    os.mkfifo(box / "kaas_2026-01-05.csv")
    wave = wave_folder(box, "beboer2026")
    os.mkfifo(wave / "structure.csv")
    # A reader of the FIFO would block for ever: run the scan in a child process, whose
    # timeout only keeps a broken version from hanging the test run.
    script = ("import sys; from pathlib import Path; from pipelines import incoming; "
              "d = Path(sys.argv[1]); print(len(incoming.pending(d))); "
              "print(len(incoming.admit(d, warn=print)))")
    done = subprocess.run([sys.executable, "-c", script, str(data)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "2"  # both seen by the sensor, by shape
    assert done.stdout.splitlines()[-1] == "0"  # neither admitted
    assert "incoming/kaas_2026-01-05.csv is a FIFO (named pipe)" in report_of(
        box / "kaas_2026-01-05.csv")
    assert "incoming/beboer2026/structure.csv is a FIFO (named pipe)" in report_of(wave)


def test_a_delivery_over_the_size_limit_is_rejected_before_it_is_read(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    box = data / "incoming"
    box.mkdir()
    (box / "kaas_2026-01-05.csv").write_text(HEADER_KAAS + "100-0001;2025;beboere;1\n" * 50)
    assert incoming.admit(data, warn=lambda _: None, max_bytes=100) == []
    report = report_of(box / "kaas_2026-01-05.csv")
    assert "larger than 100 bytes" in report and "max_delivery_bytes" in report


def test_reports_name_the_place_never_the_content(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    box = data / "incoming"
    box.mkdir()
    # A copy of a system file delivered under a reference file's name.
    (box / "national.csv").write_text("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1\n")
    (box / "kaas_2026-01-05.csv").write_text(HEADER_KAAS + "100-0001;2025;beboere;kodeord42x\n")
    assert incoming.admit(data, warn=lambda _: None) == []
    national = report_of(box / "national.csv")
    assert "incoming/national.csv, row 1" in national
    assert "expected the columns aar;maal;vaerdi separated by ';'" in national
    assert "root:x" not in national and "/bin/bash" not in national
    kaas = report_of(box / "kaas_2026-01-05.csv")
    assert "row 2" in kaas and "'vaerdi'" in kaas and "expected" in kaas
    assert "kodeord42x" not in kaas


def test_a_report_is_never_written_through_a_link(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    box = data / "incoming"
    box.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched")
    (box / "notes.txt").write_text("hej")
    (box / "notes.txt.error.txt").symlink_to(victim)
    incoming.admit(data, warn=lambda _: None)
    assert victim.read_text() == "untouched"
    assert not (box / "notes.txt.error.txt").is_symlink()
    assert "cannot tell where this delivery belongs" in report_of(box / "notes.txt")


def test_an_accepted_wave_folder_moves_whole(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    box = data / "incoming"
    wave = wave_folder(box, "beboer2026")
    (wave / "bilag").mkdir()
    (wave / "bilag" / "spoergeskema.pdf").write_bytes(b"%PDF-1.4 skema")
    (delivery,) = incoming.admit(data, warn=lambda _: None)
    incoming.accept(data, delivery)
    assert not wave.exists()
    placed = data / "survey" / "2026"
    assert (placed / "bilag" / "spoergeskema.pdf").read_bytes() == b"%PDF-1.4 skema"
    assert sorted(p.name for p in placed.iterdir()) == ["bilag", "dataset.csv", "wave.json"]


def test_two_incoming_folders_with_one_wave_id_are_both_rejected(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    box = data / "incoming"
    first = wave_folder(box, "beboer2026")
    second = wave_folder(box, "beboer2026_kopi", extra="R9999;nord;1;\n")
    warnings = []
    assert incoming.admit(data, warn=warnings.append) == []
    for folder in (first, second):
        report = report_of(folder)
        assert "incoming/beboer2026" in report and "incoming/beboer2026_kopi" in report
        assert "the same wave_id (survey/2026)" in report
        assert (folder / "dataset.csv").exists()
    assert not (data / "survey" / "2026").exists()
    assert len(warnings) == 2


def test_a_wave_already_in_place_is_taken_again_only_when_identical(tmp_path):
    data = write_tiny_data(tmp_path / "data")  # holds survey/2020, wave_id 2020
    box = data / "incoming"
    before = (data / "survey" / "2020" / "dataset.csv").read_bytes()
    changed = wave_folder(box, "beboer2020", wave_id="2020", extra="R9999;nord;1;\n")
    assert incoming.admit(data, warn=lambda _: None) == []
    report = report_of(changed)
    assert "wave_id '2020' is already in the data directory (survey/2020)" in report
    assert "forget-wave 2020" in report
    assert (data / "survey" / "2020" / "dataset.csv").read_bytes() == before

    # The same wave delivered again, byte for byte: accepted, and nothing changes.
    for path in changed.iterdir():
        path.unlink()
    changed.rmdir()
    (box / "beboer2020.error.txt").unlink()
    again = wave_folder(box, "beboer2020", wave_id="2020")
    (delivery,) = incoming.admit(data, warn=lambda _: None)
    assert delivery.in_place and delivery.files == ()
    incoming.accept(data, delivery)
    assert not again.exists()
    assert (data / "survey" / "2020" / "dataset.csv").read_bytes() == before


def test_a_kaas_redelivery_under_a_loaded_name_never_overwrites(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    loaded = data / "kaas" / "kaas_2025-03-01.csv"
    before = loaded.read_bytes()
    box = data / "incoming"
    box.mkdir()
    revised = box / "kaas_2025-03-01.csv"
    revised.write_text(HEADER_KAAS + "100-0001;2024;beboere;999\n")
    assert incoming.admit(data, warn=lambda _: None) == []
    report = report_of(revised)
    assert "kaas/kaas_2025-03-01.csv already holds a different file under this name" in report
    assert "delivery date (YYYY-MM-DD)" in report
    assert loaded.read_bytes() == before and revised.exists()

    # Renamed with its own delivery date, it is admitted beside the first.
    dated = revised.rename(box / "kaas_2026-01-05.csv")
    (box / "kaas_2025-03-01.csv.error.txt").unlink()
    (delivery,) = incoming.admit(data, warn=lambda _: None)
    incoming.accept(data, delivery)
    assert not dated.exists()
    assert (data / "kaas" / "kaas_2026-01-05.csv").exists() and loaded.read_bytes() == before


def test_a_kaas_redelivery_identical_to_the_loaded_file_is_no_change(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    loaded = data / "kaas" / "kaas_2025-03-01.csv"
    box = data / "incoming"
    box.mkdir()
    (box / loaded.name).write_bytes(loaded.read_bytes())
    (delivery,) = incoming.admit(data, warn=lambda _: None)
    assert delivery.in_place
    incoming.accept(data, delivery)
    assert not (box / loaded.name).exists() and loaded.exists()
