"""Spread report rendering over processes, reporting progress as chunks finish.

``jobs == 1`` renders in this process (no pool) through the very same
:class:`RenderWorker`, so the bytes written are the same either way.

Worker processes are started with ``forkserver`` (``spawn`` where that is not
available): they do not inherit the parent's loaded data source, and the
render stack is imported once in the server and shared by every worker it
forks, so starting a worker is cheap.
"""

from __future__ import annotations

import math
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from reportgen.archive.workers import (
    RenderWorker,
    ReportJob,
    ReportOutcome,
    init_worker_process,
    render_chunk_in_worker,
)
from reportgen.config import Config
from reportgen.errors import ReportgenError

Progress = Callable[[int], None]  # called with the number of reports just finished

# Modules the forkserver imports once, before forking workers.
_PRELOAD = ["reportgen.archive.preload"]


MAX_CHUNK = 16  # reports sent to a worker at once, at most
# The order reports are handed out in: the larger roll-ups first (the whole centre's report
# has a row per collector and renders several times slower than a collector's), so no
# process is left alone with one of them at the end.
_DISPATCH_ORDER = {"all": 0, "team": 1, "collector": 2}


def chunked(jobs: list[ReportJob], processes: int) -> list[list[ReportJob]]:
    """The jobs in chunks, roll-ups first, in sizes that shrink towards the end (a quarter of
    each process's share of what is left, from MAX_CHUNK down to one): early chunks are large
    enough that pickling a model is not paid one report at a time, and the last ones small
    enough that every process finishes at about the same moment."""
    ordered = sorted(
        jobs, key=lambda job: _DISPATCH_ORDER.get(job.scope.kind, len(_DISPATCH_ORDER))
    )
    chunks = []
    start = 0
    while start < len(ordered):
        size = max(1, min(MAX_CHUNK, math.ceil((len(ordered) - start) / (processes * 4))))
        chunks.append(ordered[start : start + size])
        start += size
    return chunks


def _pool_context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def warm_up(processes: int) -> None:
    """Start the forkserver now, so it imports the render stack while the caller computes
    the metrics (on the other core) rather than after them. Does nothing for one process
    or where workers are spawned (no forkserver)."""
    if processes <= 1:
        return
    context = _pool_context()
    if context.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def render_all(
    jobs: list[ReportJob],
    *,
    config: Config,
    report_options: dict[str, Any],
    root: Path,
    processes: int,
    progress: Progress,
) -> list[ReportOutcome]:
    """Render every job, writing its files under ``root``; outcomes in the jobs' order."""
    # Prepared in this process first in every case: a bad template folder or reference
    # document is then one clear error before any worker starts.
    local = RenderWorker(config, report_options, root)
    processes = min(processes, len(jobs)) if jobs else 1
    if processes <= 1:
        outcomes = []
        for job in jobs:
            outcomes.append(local.render_one(job))
            progress(1)
        return outcomes
    del local
    return _render_in_pool(jobs, config, report_options, root, processes, progress)


def _render_in_pool(
    jobs: list[ReportJob],
    config: Config,
    report_options: dict[str, Any],
    root: Path,
    processes: int,
    progress: Progress,
) -> list[ReportOutcome]:
    chunks = chunked(jobs, processes)
    outcomes: list[ReportOutcome] = []
    executor = ProcessPoolExecutor(
        max_workers=processes,
        mp_context=_pool_context(),
        initializer=init_worker_process,
        initargs=(config, report_options, root, os.getpid()),
    )
    try:
        pending = {executor.submit(render_chunk_in_worker, chunk) for chunk in chunks}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                finished = future.result()
                outcomes.extend(finished)
                progress(len(finished))
    except BrokenProcessPool as exc:
        raise ReportgenError(
            f"a rendering process died ({exc}); no archive was written. "
            "Try again with --jobs 1 to see the cause."
        ) from None
    except BaseException:
        # Interrupted (Ctrl-C, SIGTERM): stop the workers now rather than let them finish
        # their chunks; the caller removes the temporary folder they were writing into.
        _terminate_workers(executor)
        raise
    finally:
        # Wait until no worker is left, so nothing still writes into the temporary folder
        # when it is removed.
        executor.shutdown(wait=True, cancel_futures=True)
    outcomes.sort(key=lambda outcome: outcome.order)
    return outcomes


def _terminate_workers(executor: ProcessPoolExecutor) -> None:
    # concurrent.futures offers no public way to stop running tasks; its process table
    # (stable since Python 3.2) is the only handle on the workers.
    processes = getattr(executor, "_processes", None) or {}
    for process in list(processes.values()):
        process.terminate()
