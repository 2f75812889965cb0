"""Rendering pages in forked worker processes.

The site is pure Python (templates, CSV and XLSX writers) over a model built
once; on a national set its area pages are most of a refresh. A forked child
inherits the built model copy-on-write, so splitting the areas over the
machine's cores needs no pickling and no second model build. Only the paths
written travel back. Fork is Linux/macOS only; elsewhere, and for small sites
where a fork costs more than it saves, everything runs in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path


def worker_count(requested: int | None, items: int, min_items_per_worker: int) -> int:
    """Processes to use: as requested, else one per core with at least
    `min_items_per_worker` items each; never more than the cores or the items."""
    cores = os.cpu_count() or 1
    wanted = items // max(1, min_items_per_worker) if requested is None else requested
    return max(1, min(wanted, cores, items))


def _child(work: Callable[[Sequence], list[Path]], chunk: Sequence, results) -> None:
    try:
        results.put(("ok", [str(p) for p in work(chunk)]))
    except BaseException:  # noqa: BLE001 - everything must reach the parent
        results.put(("error", traceback.format_exc()))


def run_split(
    items: Sequence, work: Callable[[Sequence], list[Path]], workers: int
) -> list[Path]:
    """`work` over interleaved slices of `items`: one slice here, the others in forked
    children. Returns every path written, in slice order. A child's failure is raised
    here with its traceback, after all children have ended."""
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return list(work(items))
    context = multiprocessing.get_context("fork")
    slices = [items[i::workers] for i in range(workers)]
    results = [context.SimpleQueue() for _ in slices[1:]]
    children = [context.Process(target=_child, args=(work, chunk, queue), daemon=True)
                for chunk, queue in zip(slices[1:], results, strict=True)]
    for child in children:
        child.start()
    try:
        written = list(work(slices[0]))
    except BaseException:
        for child in children:  # no half-finished work left running behind the error
            child.terminate()
            child.join()
        raise
    failures = []
    # Read before joining: a child blocks on a full pipe until its result is taken.
    for child, queue in zip(children, results, strict=True):
        while queue.empty() and child.is_alive():
            child.join(0.05)
        if queue.empty():  # killed (e.g. out of memory) before it could report
            status, payload = "error", f"worker {child.pid} ended with exit code {child.exitcode}"
        else:
            status, payload = queue.get()
        child.join()
        if status == "ok":
            written += [Path(p) for p in payload]
        else:
            failures.append(payload)
    if failures:
        raise RuntimeError("a site worker failed:\n" + "\n".join(failures))
    return written
