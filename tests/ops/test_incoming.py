"""Deliveries in incoming/: the sensor, routing, rejection and settling into place."""

import dagster as dg

from pipelines import incoming
from pipelines.resources import Workspace
from pipelines.sensors import incoming_deliveries
from tests.tiny_data import HEADER_KAAS, write_tiny_data


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
    routed = {e.name: [n for _, n in incoming.route(e).files] for e in incoming.entries(data)}
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
