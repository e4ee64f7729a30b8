"""Rendering reports and writing their files, in a worker process or in-process.

A worker prepares one :class:`~reportgen.render.report.Renderer` per language
once (Jinja environment, Word reference document) and then renders chunk
after chunk of report models. It writes each report's files straight into the
archive's temporary folder (atomically) and sends back only their paths,
sizes and checksums, so report bytes never travel between processes.

A report whose rendering raises is recorded as failed with its reason; the
worker goes on with the next one.
"""

from __future__ import annotations

import hashlib
import os
import select
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen.archive.layout import report_path
from reportgen.config import Config
from reportgen.output import write_atomic
from reportgen.scope import Scope


@dataclass(frozen=True)
class FileRecord:
    path: str  # relative to the archive folder, POSIX
    size: int
    sha256: str


@dataclass(frozen=True)
class ReportJob:
    """One report to render: a scope's model in one language."""

    order: int  # position in the archive's fixed order (index rows follow it)
    scope: Scope
    language: str
    folder: str
    model: Any  # reportgen.render.model.ReportModel: plain, picklable data
    notes: Any = None  # reportgen.render.notes.Notes or None


@dataclass(frozen=True)
class ReportOutcome:
    order: int
    scope: Scope
    language: str
    files: tuple[FileRecord, ...] = ()
    title: str = ""
    error: str | None = None  # why rendering failed; None when the report was written

    @property
    def ok(self) -> bool:
        return self.error is None


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class RenderWorker:
    """The renderers of one process and the folder they write into."""

    def __init__(self, config: Config, report_options: dict[str, Any], root: Path) -> None:
        from reportgen.render.report import Renderer

        self.root = Path(root)
        self.renderers = {
            language: Renderer(config, options) for language, options in report_options.items()
        }

    def render_chunk(self, jobs: list[ReportJob]) -> list[ReportOutcome]:
        return [self.render_one(job) for job in jobs]

    def render_one(self, job: ReportJob) -> ReportOutcome:
        try:
            rendered = self.renderers[job.language].render(job.model, notes=job.notes)
            files = rendered.files.items()
            placed = sorted((report_path(job.folder, relative), data) for relative, data in files)
        except Exception as exc:  # one bad report must not sink the archive
            return ReportOutcome(job.order, job.scope, job.language, error=describe_error(exc))
        records = []
        for relative, data in placed:
            write_atomic(self.root / relative, data)
            records.append(FileRecord(relative, len(data), sha256_bytes(data)))
        return ReportOutcome(
            job.order, job.scope, job.language, files=tuple(records), title=str(rendered.title)
        )


def describe_error(exc: BaseException) -> str:
    message = str(exc).strip().splitlines()
    first = message[0] if message else ""
    name = type(exc).__name__
    return f"{name}: {first}" if first else name


# The worker process's renderers, built once by the pool initializer.
_WORKER: RenderWorker | None = None


def init_worker_process(
    config: Config, report_options: dict[str, Any], root: Path, parent_pid: int | None = None
) -> None:
    global _WORKER
    if parent_pid is not None:
        exit_with_parent(parent_pid)
    _WORKER = RenderWorker(config, report_options, root)


def exit_with_parent(parent_pid: int) -> None:
    """End this worker as soon as the reportgen process that started the pool is gone.

    A pool's workers are children of the forkserver, not of reportgen, so nothing tells
    them when reportgen is killed with SIGKILL: they would wait for work forever, half a
    gigabyte each. A daemon thread waits on a pidfd of the parent (Linux) or polls for it.
    """
    threading.Thread(
        target=_wait_for_exit, args=(parent_pid,), name="exit-with-parent", daemon=True
    ).start()


def _wait_for_exit(pid: int) -> None:
    try:
        descriptor = os.pidfd_open(pid)
    except ProcessLookupError:
        os._exit(1)  # gone already
    except (AttributeError, OSError):
        descriptor = None  # no pidfd here: poll instead
    if descriptor is not None:
        select.select([descriptor], [], [])  # readable once the process has exited
        os._exit(1)
    while True:
        time.sleep(1.0)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:
            pass


def render_chunk_in_worker(jobs: list[ReportJob]) -> list[ReportOutcome]:
    assert _WORKER is not None, "init_worker_process did not run"
    return _WORKER.render_chunk(jobs)
