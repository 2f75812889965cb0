"""Run a command and measure it: wall time, a timestamp per output line, peak memory.

Memory is sampled from /proc through psutil every 50 ms as the summed RSS of
the process and all its descendants; each process's own high-water mark
(VmHWM) is read too, so a peak between two samples is not missed in the
main process.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

SAMPLE_INTERVAL_S = 0.05


@dataclass
class Measured:
    command: list[str]
    returncode: int
    wall_s: float
    peak_rss_bytes: int
    lines: list[tuple[float, str]] = field(default_factory=list)  # (seconds since start, text)
    samples: list[tuple[float, int]] = field(default_factory=list)  # (seconds, tree RSS bytes)

    @property
    def peak_rss_mb(self) -> float:
        return self.peak_rss_bytes / 2**20

    @property
    def output(self) -> str:
        return "\n".join(text for _, text in self.lines)


def _high_water_mark(pid: int) -> int:
    """VmHWM of a process in bytes (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class _MemorySampler(threading.Thread):
    def __init__(self, pid: int, started: float):
        super().__init__(daemon=True)
        self.pid = pid
        self.started = started
        self.peak_tree = 0
        self.peak_own = 0
        self.samples: list[tuple[float, int]] = []
        self.done = threading.Event()

    def run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self.done.is_set():
            total = 0
            try:
                processes = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            for process in processes:
                try:
                    total += process.memory_info().rss
                except psutil.Error:
                    continue
            self.peak_tree = max(self.peak_tree, total)
            self.samples.append((time.perf_counter() - self.started, total))
            self.peak_own = max(self.peak_own, _high_water_mark(self.pid))
            self.done.wait(SAMPLE_INTERVAL_S)


def run_measured(command: list[str], env: dict[str, str] | None = None,
                 cwd: Path | None = None, echo=None) -> Measured:
    """Run `command`, merging stderr into stdout, timestamping every line.

    `echo`, when given, is called with each line as it arrives (live progress).
    """
    merged = {**os.environ, **(env or {}), "PYTHONUNBUFFERED": "1"}
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env=merged, cwd=cwd, text=True, encoding="utf-8",
                               errors="replace", bufsize=1)
    sampler = _MemorySampler(process.pid, started)
    sampler.start()
    lines: list[tuple[float, str]] = []
    assert process.stdout is not None
    for line in process.stdout:
        text = line.rstrip("\n")
        lines.append((time.perf_counter() - started, text))
        if echo is not None:
            echo(text)
    returncode = process.wait()
    wall = time.perf_counter() - started
    sampler.done.set()
    sampler.join()
    return Measured(command, returncode, wall, max(sampler.peak_tree, sampler.peak_own), lines,
                    sampler.samples)


def tree_size(path: Path) -> tuple[int, int]:
    """(bytes, files) under a folder, following the top-level symlink."""
    root = path.resolve()
    size = files = 0
    for item in root.rglob("*"):
        if item.is_file():
            size += item.stat().st_size
            files += 1
    return size, files
