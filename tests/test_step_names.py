"""Step names in log lines and messages are the asset keys the Dagster UI shows;
the data directory is checked before a run (pipelines/preflight.py)."""

from __future__ import annotations

from pipelines.definitions import build_definitions
from pipelines.preflight import data_dir_problem, missing_inputs
from pipelines.settings import Paths
from pipelines.step_names import asset_labels, step_label
from tests.tiny_data import write_tiny_data


def nightly(tmp_path):
    paths = Paths(home=tmp_path / "home", data=tmp_path / "data")
    return build_definitions(paths).resolve_job_def("nightly")


def test_every_step_is_named_by_the_asset_keys_it_materialises(tmp_path):
    job = nightly(tmp_path)
    labels = asset_labels(job)
    assert labels["staging__areas"] == "staging/areas"
    assert labels["staging_kaas"] == "staging/kaas + staging/kaas_revisions"
    assert labels["mart_criteria"] == "mart/area_status + mart/indicator_values"
    named = {key for label in labels.values() for key in label.split(" + ")}
    expected = {key.to_user_string() for key in job.asset_layer.executable_asset_keys}
    assert named == expected
    assert all("__" not in label and label.count("/") == label.count("+") + 1
               for label in labels.values())


def test_step_label_uses_the_job_and_falls_back_to_the_layer_convention(tmp_path):
    job = nightly(tmp_path)
    assert step_label("mart_criteria", job) == "mart/area_status + mart/indicator_values"
    assert step_label("publish__serving", job) == "publish/serving"
    assert step_label("raw__files") == "raw/files"
    assert step_label(None) == ""


def test_complete_data_directory_passes(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    assert missing_inputs(data) == []
    assert data_dir_problem(data) is None


def test_missing_inputs_are_named_and_hidden_or_office_lock_files_do_not_count(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    (data / "areas" / "membership.csv").unlink()
    for delivery in (data / "kaas").glob("*.csv"):
        delivery.rename(delivery.with_name("~$" + delivery.name))
    problem = data_dir_problem(data)
    assert problem == (f"data directory {data} has no areas/membership.csv, kaas/*.csv or "
                       "kaas/*.xlsx (see docs/contract.md)")


def test_a_waiting_delivery_leaves_the_decision_to_the_run(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    (data / "reference" / "national.csv").rename(tmp_path / "national.csv")
    assert data_dir_problem(data) is not None
    (data / "incoming").mkdir()
    (tmp_path / "national.csv").rename(data / "incoming" / "national.csv")
    assert data_dir_problem(data) is None


def test_a_missing_directory_is_said_so(tmp_path):
    missing = tmp_path / "nope"
    assert data_dir_problem(missing) == f"data directory {missing} does not exist"
