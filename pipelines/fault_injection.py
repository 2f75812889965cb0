"""A test hook: the refresh kills itself at a named point (the fault-injection suite).

`BOLIGMONITOR_TEST_KILL_AT=<step>[:<moment>]`, with `<step>` as the progress
lines name it (`raw/files`, `staging_kaas`, `publish/serving`), makes the
process SIGKILL itself there, as a power cut or the OOM killer would:

- `<step>` (or `<step>:start`): the step has started, nothing of it done;
- `<step>:mid`: its first warehouse connection has written and is closing;
- `<step>:end`: its work is done, Dagster has not yet recorded the success;
- `publish/serving:swapped`: the new publication is live, nothing after the
  swap (records, incoming moves, prunes) done.

Unset in use, where each point costs one environment lookup.
"""

from __future__ import annotations

import os
import signal

KILL_AT = "BOLIGMONITOR_TEST_KILL_AT"

_current_step = ""


def kill_point(step: str, moment: str = "start") -> None:
    wanted = os.environ.get(KILL_AT)
    if not wanted:
        return
    target, _, at = wanted.partition(":")
    if target == step and (at or "start") == moment:
        os.kill(os.getpid(), signal.SIGKILL)


def step_started(step: str) -> None:
    global _current_step
    _current_step = step
    kill_point(step, "start")


def in_current_step(moment: str) -> None:
    """A point inside whichever step is running (the warehouse connection knows no step)."""
    kill_point(_current_step, moment)
