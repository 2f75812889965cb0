"""Alert options and mails: codes and addresses checked, one Danish mail per
municipality with changes, a failing relay told and never raised."""

from __future__ import annotations

import socket
from datetime import date

import polars as pl
import pytest

from indicators.catalogue import load_catalogue
from indicators.signal_changes import SIGNAL_CHANGES_SCHEMA
from pipelines.alerts import compose_mails, send_alerts
from pipelines.settings import RefreshOptions
from tests.smtp_sink import SmtpSink

CATALOGUE = load_catalogue()
AREAS = pl.DataFrame({"area_id": ["a", "b", "c"],
                      "area_name": ["Gl. Jennumparken", "Vangdalen", "Skovparken"],
                      "municipality_code": [730, 730, 751]})


def _changes() -> pl.DataFrame:
    return pl.DataFrame([
        {"area_id": "a", "municipality_code": 730, "list_year": 2024,
         "changed_at": date(2026, 12, 1), "refresh_id": "r2", "colour_before": "red",
         "colour_after": "green", "signals_added": [], "signals_removed": ["status:udsat"]},
        {"area_id": "b", "municipality_code": 730, "list_year": 2024,
         "changed_at": date(2026, 12, 1), "refresh_id": "r2", "colour_before": "green",
         "colour_after": "yellow", "signals_added": ["near:udsat:k2_domte"],
         "signals_removed": []},
        {"area_id": "c", "municipality_code": 751, "list_year": 2024,
         "changed_at": date(2026, 12, 1), "refresh_id": "r2", "colour_before": "yellow",
         "colour_after": "orange", "signals_added": ["floor:udsat"], "signals_removed": []},
    ], schema=SIGNAL_CHANGES_SCHEMA)


def test_alert_codes_accept_leading_zero_and_numbers():
    options = RefreshOptions.model_validate(
        {"alerts": {"0730": ["planner@randers.dk"], 751: "plan@aarhus.dk"}})
    assert options.alerts == {730: ["planner@randers.dk"], 751: ["plan@aarhus.dk"]}


@pytest.mark.parametrize("alerts, says", [
    ({"73": ["a@b.dk"]}, "'73' is not a municipality code"),
    ({"randers": ["a@b.dk"]}, "'randers' is not a municipality code"),
    ({"0730": ["planner.randers.dk"]}, "'planner.randers.dk' is not an e-mail address"),
    ({"0730": ["two words@randers.dk"]}, "is not an e-mail address"),
    ({"0730": []}, "expected a list of e-mail addresses"),
    (["a@b.dk"], "expected a mapping of municipality code to addresses"),
])
def test_bad_alerts_are_named(tmp_path, alerts, says):
    import yaml

    (tmp_path / "boligmonitor.yaml").write_text(yaml.safe_dump({"alerts": alerts}))
    with pytest.raises(ValueError, match="boligmonitor.yaml") as caught:
        RefreshOptions.load(tmp_path)
    assert says in str(caught.value)


def test_one_danish_mail_per_municipality_with_addresses():
    mails = compose_mails(_changes(), AREAS, {730: ["planner@randers.dk"]}, CATALOGUE)
    assert len(mails) == 1  # 751 has changes but no addresses
    recipients, subject, body = mails[0]
    assert recipients == ["planner@randers.dk"]
    assert "2 områder" in subject
    assert "Gl. Jennumparken: rød → grøn" in body
    assert "Vangdalen: grøn → gul" in body
    assert "Tæt på listen" in body and "K2" in body
    assert "01.12.2026" in body
    assert "site/kommune/730.html" in body
    assert "Skovparken" not in body


def test_mails_go_through_the_relay(monkeypatch):
    with SmtpSink() as sink:
        monkeypatch.setenv("BOLIGMONITOR_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("BOLIGMONITOR_SMTP_PORT", str(sink.port))
        sent = send_alerts(_changes(), AREAS, {730: ["planner@randers.dk"],
                                               751: ["plan@aarhus.dk"]}, CATALOGUE, print)
    assert sent == 2
    assert sorted(r for rcpts, _ in sink.mails for r in rcpts) == [
        "plan@aarhus.dk", "planner@randers.dk"]
    aarhus = next(m for rcpts, m in sink.mails if rcpts == ["plan@aarhus.dk"])
    assert "Skovparken: gul → orange" in aarhus.get_content()


def test_no_relay_no_mail(monkeypatch):
    monkeypatch.delenv("BOLIGMONITOR_SMTP_HOST", raising=False)
    assert send_alerts(_changes(), AREAS, {730: ["planner@randers.dk"]}, CATALOGUE, print) == 0


def test_a_failing_relay_is_told_not_raised(monkeypatch):
    # A port bound but not listening: the relay refuses the connection.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        monkeypatch.setenv("BOLIGMONITOR_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("BOLIGMONITOR_SMTP_PORT", str(taken.getsockname()[1]))
        warnings: list[str] = []
        assert send_alerts(_changes(), AREAS, {730: ["planner@randers.dk"]}, CATALOGUE,
                           warnings.append) == 0
    assert len(warnings) == 1 and "planner@randers.dk" in warnings[0]
