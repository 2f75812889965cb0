"""The nightly schedule ticks at 03:30 Copenhagen time, also around DST changes."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from dagster._utils.schedules import cron_string_iterator

from pipelines.jobs import nightly_schedule

CPH = ZoneInfo("Europe/Copenhagen")


def ticks(start: dt.datetime, count: int) -> list[dt.datetime]:
    """The tick times the Dagster daemon computes for this schedule."""
    iterator = cron_string_iterator(
        start.timestamp(), nightly_schedule.cron_schedule, nightly_schedule.execution_timezone
    )
    return [next(iterator).astimezone(CPH) for _ in range(count)]


@pytest.mark.parametrize(
    "start",
    [
        dt.datetime(2026, 3, 26, 12, tzinfo=CPH),  # summer time begins 29 March 2026
        dt.datetime(2026, 10, 22, 12, tzinfo=CPH),  # and ends 25 October 2026
    ],
)
def test_one_tick_per_day_at_0330_across_dst(start):
    days = ticks(start, 6)
    assert [(t.hour, t.minute) for t in days] == [(3, 30)] * 6
    dates = [t.date() for t in days]
    assert dates == [start.date() + dt.timedelta(days=i + 1) for i in range(6)]
    # The UTC offset changes across the switch, the wall-clock time does not.
    assert len({t.utcoffset() for t in days}) == 2


def test_schedule_is_on_by_default_in_copenhagen_time():
    assert nightly_schedule.execution_timezone == "Europe/Copenhagen"
    assert nightly_schedule.cron_schedule == "30 3 * * *"
    assert nightly_schedule.default_status.value == "RUNNING"
