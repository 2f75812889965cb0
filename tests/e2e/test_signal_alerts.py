"""Signal-change alerts through the real command: a second refresh whose data move an
area off the list records the change in mart.signal_changes with its date and mails the
municipality's planner once; a failed night before it records and mails nothing."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

import duckdb
import pytest

from tests.e2e.conftest import run_cli
from tests.smtp_sink import SmtpSink

pytestmark = pytest.mark.e2e

KAAS = "kaas/kaas_randers_2025-11-03.csv"
RESIDENTS = "Beboere i alt"


def published(home, sql: str, params=()):
    conn = duckdb.connect(str(home / "serving" / "boligmonitor.duckdb"), read_only=True)
    try:
        return conn.execute(sql, list(params)).fetchall()
    finally:
        conn.close()


def red_area(home) -> tuple[str, str]:
    """An area red in the newest list year under the regime in force, with its name."""
    rows = published(home, """
        SELECT DISTINCT s.area_id, a.area_name FROM mart.area_signals s
        JOIN mart.area_status st USING (area_id, year, regime)
        JOIN mart.areas a USING (area_id)
        WHERE st.in_force AND s.colour = 'red'
          AND s.year = (SELECT max(year) FROM mart.area_status) ORDER BY 1""")
    assert rows, "the sample has no red area in its newest list year"
    return rows[0]


def shrink_residents(data, area_id: str) -> int:
    """Divide the area's residents by ten in the newest KÅS delivery; rows changed."""
    with open(data / "areas" / "membership.csv", encoding="utf-8") as f:
        afdelinger = {r["afdeling_id"] for r in csv.DictReader(f, delimiter=";")
                      if r["area_id"] == area_id}
    path = data / KAAS
    lines = path.read_bytes().decode("latin-1").splitlines(keepends=True)
    changed = 0
    for i, line in enumerate(lines):
        fields = line.rstrip("\r\n").split(";")
        if fields[0] in afdelinger and fields[2] == RESIDENTS:
            fields[3] = str(int(float(fields[3].replace(",", "."))) // 10)
            lines[i] = ";".join(fields) + line[len(line.rstrip("\r\n")):]
            changed += 1
    path.write_bytes("".join(lines).encode("latin-1"))
    return changed


def test_a_changed_colour_is_recorded_with_its_date_and_mailed_once(published_copy):
    home, data = published_copy
    # The first refresh of a home has no before: nothing recorded.
    assert published(home, "SELECT count(*) FROM mart.signal_changes") == [(0,)]
    area_id, area_name = red_area(home)
    assert shrink_residents(data, area_id) > 0
    (home / "boligmonitor.yaml").write_text(
        'alerts:\n  "0730": ["planner@randers.dk"]\n', encoding="utf-8")
    with SmtpSink() as sink:
        env = {"BOLIGMONITOR_SMTP_HOST": "127.0.0.1", "BOLIGMONITOR_SMTP_PORT": str(sink.port)}
        env.pop("BOLIGMONITOR_SMTP_TO", None)
        failed = run_cli("refresh", "--home", str(home), "--data", str(data),
                         "--fail-at", "publish/site", env=env)
        assert failed.returncode != 0
        assert sink.mails == []
        assert published(home, "SELECT count(*) FROM mart.signal_changes") == [(0,)]

        result = run_cli("refresh", "--home", str(home), "--data", str(data), env=env)
        assert result.returncode == 0, result.stderr[-4000:]
        today = datetime.now(UTC).date()
        alerts = [m for m in sink.mails if "planner@randers.dk" in m[0]]
    assert len(alerts) == 1
    body = alerts[0][1].get_content()
    assert area_name in body
    assert "rød → " in body
    assert "kommune/730.html" in body
    (refresh_id,) = published(home, "SELECT refresh_id FROM mart.refresh")[0]
    rows = published(home, """SELECT changed_at, refresh_id, colour_before, colour_after,
                                     signals_removed, municipality_code
                              FROM mart.signal_changes WHERE area_id = ?""", [area_id])
    assert len(rows) == 1  # once: the failed night recorded nothing
    changed_at, by, before, after, removed, code = rows[0]
    assert (changed_at, by, before, code) == (today, refresh_id, "red", 730)
    assert after != "red"
    assert any(key.startswith("status:") for key in removed)
