"""``reportgen archive``: every collector's, team's and the centre's report for a period.

The run, in order:

1. Check everything that can be checked before any work: the output folder,
   the period (the snapshots must cover it), the notes folder, the options.
2. Compute the metrics of every scope once, in this process, and build every
   report model from them.
3. Render the reports over ``--jobs`` processes into a temporary folder beside
   the archive (``DIR.tmp-<random>``); a report that fails is recorded, the rest
   are written.
4. Write index.md, index.csv and manifest.json, then rename the temporary
   folder into place. With ``--force`` an old archive is renamed aside first
   and deleted only once the new one is in place.

An interruption (Ctrl-C, SIGTERM) removes the temporary folder, so DIR is
either absent, the old archive, or the complete new one: never half-written.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from glob import escape as glob_escape
from pathlib import Path
from typing import Any

from reportgen import __version__
from reportgen.archive.index import IndexRow, index_csv, index_markdown
from reportgen.archive.layout import (
    INDEX_CSV,
    INDEX_MD,
    MANIFEST,
    check_distinct_folders,
    scope_folder,
)
from reportgen.archive.manifest import (
    MANIFEST_FORMAT,
    build_manifest,
    configuration_entry,
    database_inputs,
    fingerprint,
    input_fingerprints,
    manifest_bytes,
    template_files,
)
from reportgen.archive.notes_folder import load_notes_folder, notes_files
from reportgen.archive.options import ArchiveOptions
from reportgen.archive.progress import progress_bar, status
from reportgen.archive.runner import render_all, warm_up
from reportgen.archive.workers import (
    FileRecord,
    ReportJob,
    ReportOutcome,
    describe_error,
    sha256_bytes,
)
from reportgen.config import Config
from reportgen.data.dataset import Dataset
from reportgen.errors import OutputError, PeriodError, ReportgenError
from reportgen.output import (
    Inputs,
    make_staging,
    refuse_overlap_with_inputs,
    release_staging,
    remove_stale_staging,
    run_inputs,
    write_atomic,
)
from reportgen.resources import templates_dir as builtin_templates_dir
from reportgen.scope import Scope
from reportgen.store import Store


@dataclass
class ArchiveResult:
    out_dir: Path
    period_label: str
    reports: int
    written: list[Path] = field(default_factory=list)
    failures: list[ReportOutcome] = field(default_factory=list)
    seconds: float = 0.0
    # Staging or set-aside folders of earlier runs that were killed outright.
    leftovers: list[Path] = field(default_factory=list)
    # One line per scope whose reports have no data to give (render.report.no_data_note):
    # they are written and say so, and the summary names them so none is filed unread.
    no_data: list[str] = field(default_factory=list)

    @property
    def listed(self) -> int:
        """Files the manifest lists (every file written but the manifest itself), the count
        ``verify`` checks."""
        return sum(
            1 for path in self.written if path.name != MANIFEST or path.parent != self.out_dir
        )

    def summary(self) -> str:
        done = self.reports - len(self.failures)
        lines = [
            f"{self.out_dir}: {done} of {self.reports} report(s) written, "
            f"{len(self.failures)} failed; {self.listed} file(s) listed in {MANIFEST}, "
            f"in {self.seconds:.1f} s"
        ]
        if self.failures:
            lines.append("failed reports (also listed in index.md and index.csv):")
            for outcome in self.failures:
                who = " ".join(p for p in (outcome.scope.kind, outcome.scope.id or "") if p)
                lines.append(f"  {who} ({outcome.language}): {outcome.error}")
        if self.no_data:
            lines.append("reports with no data for the period (written; each says so):")
            lines.extend(f"  {note}" for note in self.no_data)
        if self.leftovers:
            lines.append("left beside it by an earlier run that was killed (safe to delete):")
            lines.extend(f"  {path}" for path in self.leftovers)
        return "\n".join(lines)


@dataclass(frozen=True)
class _Member:
    name: str | None
    team_id: str | None
    team_name: str | None


def archive_scopes(dataset: Store | Dataset) -> list[Scope]:
    """Every collector on the roster, every team, and the whole centre, in that order."""
    roster = dataset.collector_rows
    collectors = sorted({str(row["collector_id"]) for row in roster})
    teams = sorted({str(row["team_id"]) for row in roster})
    return (
        [Scope.collector(cid) for cid in collectors]
        + [Scope.team(tid) for tid in teams]
        + [Scope.everyone()]
    )


def _who(dataset: Store | Dataset) -> dict[Scope, _Member]:
    members: dict[Scope, _Member] = {}
    for row in dataset.collector_rows:
        cid, tid = str(row["collector_id"]), str(row["team_id"])
        name = row["name"] or None
        tname = row.get("team_name", tid) or tid
        members[Scope.collector(cid)] = _Member(name, tid, tname)
        members.setdefault(Scope.team(tid), _Member(tname, tid, tname))
    members[Scope.everyone()] = _Member(None, None, None)
    return members


def _build_models(engine: Any, period: Any, scopes: list[Scope], config: Config):
    """Every scope's model in one call (metrics computed once); if that raises for reasons
    other than bad input, build scope by scope so one bad scope fails alone."""
    from reportgen.render.report import build_report_models

    try:
        return list(build_report_models(engine, period, scopes, config)), {}
    except ReportgenError:
        raise
    except Exception:
        # The period and its comparisons first, once, in this engine (a failure there is
        # the whole archive's, raised here, not repeated per scope); each scope then
        # takes them from its cache.
        engine.period_metrics(period)
        for comparison in (period.previous, period.year_ago):
            with contextlib.suppress(PeriodError):  # before year 1: not covered
                needed = comparison()
                if engine.covers(needed):
                    engine.period_metrics(needed)
        models: list[Any] = []
        errors: dict[int, str] = {}
        for position, scope in enumerate(scopes):
            try:
                models.extend(build_report_models(engine, period, [scope], config))
            except ReportgenError:
                raise
            except Exception as exc:
                models.append(None)
                errors[position] = describe_error(exc)
        return models, errors


def _check_out_dir(out_dir: Path, force: bool, inputs: Inputs) -> None:
    """Refuse an output folder that would put the data or someone's files at risk.

    The archive may not be, hold or lie inside anything the run reads (the data source,
    notes, templates, settings, reference document), whatever the options.
    An existing folder is replaced only with ``--force``, and then only when it is empty
    or holds a reportgen archive (its manifest.json parses and says so): never an
    arbitrary folder that merely has a file of that name.
    """
    refuse_overlap_with_inputs(out_dir, inputs)
    if not out_dir.exists() and not out_dir.is_symlink():
        return
    if out_dir.is_symlink():
        raise OutputError(f"{out_dir} is a link; give the folder it points to as --out")
    if not out_dir.is_dir():
        raise OutputError(f"{out_dir} exists and is not a folder; choose another --out")
    if not force:
        raise OutputError(f"{out_dir} already exists; use --force to replace the whole archive")
    if any(out_dir.iterdir()) and not is_reportgen_archive(out_dir):
        raise OutputError(
            f"{out_dir} is not empty and is not a reportgen archive (no {MANIFEST} of format "
            f"{MANIFEST_FORMAT}); refusing to replace it even with --force"
        )


# An archive's manifest lists every file; a few MiB even for a centre's year.
_MANIFEST_MAX_BYTES = 64 << 20


def is_reportgen_archive(folder: Path) -> bool:
    """True when ``folder`` holds a manifest.json written by reportgen: a regular file (not a
    link), of sane size, whose JSON says it is a reportgen archive manifest."""
    path = folder / MANIFEST
    try:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > _MANIFEST_MAX_BYTES:
            return False
        manifest = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(manifest, dict) and manifest.get("format") == MANIFEST_FORMAT


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C while the archive is built, so the temporary folder is
    removed on the way out."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt("terminated")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _publish(staging: Path, out_dir: Path, force: bool, inputs: Inputs) -> None:
    """Rename the finished archive into place, replacing an old one whole."""
    # Again: the folder may have appeared while rendering.
    _check_out_dir(out_dir, force, inputs)
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    aside = Path(tempfile.mkdtemp(prefix=f"{out_dir.name}.old-", dir=out_dir.parent))
    aside.rmdir()
    os.rename(out_dir, aside)
    try:
        os.rename(staging, out_dir)
    except BaseException:
        os.rename(aside, out_dir)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def build_archive(
    dataset: Store | Dataset,
    period: str | Any,
    config: Config,
    options: ArchiveOptions,
    out_dir: Path,
    *,
    force: bool = False,
    progress: Callable[[int, str], AbstractContextManager[Callable[[int], None]]] | None = None,
    source: Path | None = None,
) -> ArchiveResult:
    """Write the archive of ``period`` to ``out_dir``; see the module docstring.

    ``progress(total, description)`` is a context manager giving the callback told how many
    reports just finished (default: a rich progress bar on stderr, silent off a terminal).
    With ``jobs > 1`` worker processes re-import the calling script (``forkserver``), so a
    script calling this must do so under ``if __name__ == "__main__":``. ``source`` is the
    data source as given (folder or workbook): the archive may not be, hold or lie inside it.
    """
    from reportgen.metrics import MetricsEngine
    from reportgen.periods import parse_period
    from reportgen.render.report import ReportOptions

    started = time.perf_counter()
    shown_dir = Path(out_dir)  # paths are reported as the user gave them
    out_dir = Path(os.path.abspath(out_dir))  # "." has a name and a parent to stage beside
    inputs = run_inputs(
        source,
        dataset.sources.values(),
        config.source,
        notes=options.notes_dir,
        templates=options.templates_dir,
        reference_docx=options.reference_docx,
    )
    _check_out_dir(out_dir, force, inputs)
    period_obj = parse_period(period) if isinstance(period, str) else period
    warm_up(options.jobs)

    engine = MetricsEngine(dataset, config)
    engine.check_covered(period_obj)  # before anything is computed or written
    scopes = archive_scopes(dataset)
    check_distinct_folders(scopes)
    who = _who(dataset)
    team_ids = [scope.id for scope in scopes if scope.kind == "team"]
    collector_ids = [scope.id for scope in scopes if scope.kind == "collector"]
    notes = (
        load_notes_folder(options.notes_dir, collector_ids, team_ids)
        if options.notes_dir is not None
        else {}
    )
    report_options = {
        language: ReportOptions.build(
            language=language,
            formats=options.formats,
            templates_dir=options.templates_dir,
            reference_docx=options.reference_docx,
        )
        for language in options.languages
    }
    # The period's metrics, the comparisons' and the reviews' months, computed side by side.
    with status(f"computing the metrics of {period_obj.label}"):
        models, model_errors = _build_models(engine, period_obj, scopes, config)
    period_metrics = engine.period_metrics(period_obj)  # computed above: from the cache
    jobs, failed_early = _plan_reports(scopes, models, model_errors, options.languages, notes)

    total = len(jobs) + len(failed_early)
    # A run killed with SIGKILL left its staging folder; its owner is gone, so it goes.
    remove_stale_staging(out_dir.parent, f"{out_dir.name}.tmp-")
    staging = make_staging(out_dir.parent, f"{out_dir.name}.tmp-")
    try:
        with _sigterm_as_interrupt():
            bar = progress or progress_bar
            with bar(total, f"archive {period_obj.label}") as advance:
                advance(len(failed_early))
                outcomes = render_all(
                    jobs,
                    config=config,
                    report_options=report_options,
                    root=staging,
                    processes=options.jobs,
                    progress=advance,
                )
            outcomes = sorted(outcomes + failed_early, key=lambda outcome: outcome.order)
            records = [record for outcome in outcomes for record in outcome.files]
            rows = [
                _index_row(outcome, who[outcome.scope], period_metrics.for_scope(outcome.scope))
                for outcome in outcomes
            ]
            records += _write_index(staging, rows, period_obj.label, options.languages[0])
            manifest = _manifest(dataset, period_obj, config, options, outcomes, records)
            write_atomic(staging / MANIFEST, manifest_bytes(manifest))
            release_staging(staging)
            _publish(staging, out_dir, force, inputs)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    written = sorted(shown_dir / record.path for record in records)
    written.append(shown_dir / MANIFEST)
    return ArchiveResult(
        out_dir=shown_dir,
        period_label=period_obj.label,
        reports=total,
        written=written,
        failures=[outcome for outcome in outcomes if not outcome.ok],
        seconds=time.perf_counter() - started,
        leftovers=_leftovers(out_dir),
        no_data=_no_data_notes(models),
    )


def _no_data_notes(models: list[Any]) -> list[str]:
    """The stderr line of every scope without data, in archive order (None: failed model)."""
    from reportgen.render.report import no_data_note

    notes = (no_data_note(model) for model in models if model is not None)
    return [note for note in notes if note is not None]


def _leftovers(out_dir: Path) -> list[Path]:
    """Folders a run killed with SIGKILL could not clean up: named, never deleted.

    They are only reported: another archive run into the same folder may be under
    way right now, and its staging folder looks the same.
    """
    parent = out_dir.parent
    found = [
        *parent.glob(f"{glob_escape(out_dir.name)}.tmp-*"),
        *parent.glob(f"{glob_escape(out_dir.name)}.old-*"),
    ]
    return sorted(path for path in found if path.is_dir())


def _plan_reports(
    scopes: list[Scope],
    models: list[Any],
    model_errors: dict[int, str],
    languages: tuple[str, ...],
    notes: dict[Scope, Any],
) -> tuple[list[ReportJob], list[ReportOutcome]]:
    """One job per scope and language, numbered in index order; scopes whose model could not
    be built are failed outcomes from the start."""
    jobs: list[ReportJob] = []
    failed: list[ReportOutcome] = []
    for position, (scope, model) in enumerate(zip(scopes, models, strict=True)):
        for offset, language in enumerate(languages):
            order = position * len(languages) + offset
            if position in model_errors:
                failed.append(ReportOutcome(order, scope, language, error=model_errors[position]))
            else:
                folder = scope_folder(scope)
                jobs.append(ReportJob(order, scope, language, folder, model, notes.get(scope)))
    return jobs, failed


def _write_index(
    staging: Path, rows: list[IndexRow], period_label: str, language: str
) -> list[FileRecord]:
    records = []
    for name, data in (
        (INDEX_MD, index_markdown(rows, period_label, language)),
        (INDEX_CSV, index_csv(rows)),
    ):
        write_atomic(staging / name, data)
        records.append(FileRecord(name, len(data), sha256_bytes(data)))
    return records


def _index_row(outcome: ReportOutcome, member: _Member, metrics: dict[str, Any]) -> IndexRow:
    documents = tuple(
        record.path for record in outcome.files if record.path.endswith((".md", ".docx"))
    )
    scope = outcome.scope
    return IndexRow(
        kind=scope.kind,
        id=scope.id,
        name=member.name,
        team_id=member.team_id,
        team_name=member.team_name,
        language=outcome.language,
        title=outcome.title,
        figures=metrics,
        files=documents,
        error=outcome.error,
    )


def _manifest(
    dataset: Store | Dataset,
    period: Any,
    config: Config,
    options: ArchiveOptions,
    outcomes: list[ReportOutcome],
    records: list[FileRecord],
) -> dict[str, Any]:
    failures = [
        {
            "kind": outcome.scope.kind,
            "id": outcome.scope.id,
            "language": outcome.language,
            "error": outcome.error,
        }
        for outcome in outcomes
        if not outcome.ok
    ]
    notes = (
        [fingerprint(path) for path in notes_files(options.notes_dir)]
        if options.notes_dir is not None
        else []
    )
    return build_manifest(
        version=__version__,
        period=period.as_json(),
        languages=options.languages,
        formats=options.formats,
        inputs=input_fingerprints(dataset.sources) + database_inputs(dataset),
        configuration=configuration_entry(config),
        templates=template_files(builtin_templates_dir(), options.templates_dir, options.languages),
        reference_docx=(
            fingerprint(options.reference_docx) if options.reference_docx is not None else None
        ),
        notes=notes,
        reports={
            "total": len(outcomes),
            "written": len(outcomes) - len(failures),
            "failed": failures,
        },
        files=records,
    )
