"""Writing output files safely: never half-written, never overwritten without --force,
never outside the output folder, never over the data being read.

Every file is written to a temporary name in the same folder and renamed into
place, so an interrupted run leaves either the old file or the new one, never
a truncated one. A run that writes several files (a report with its Word file
and charts) writes them all into a hidden staging folder inside the output
folder first and moves them into place at the end; a staging folder left by a
run that was killed (``kill -9`` gives no chance to clean up) is recognised by
the owner its name carries, and the next run finishes the moves the killed run
had begun (a journal in the folder lists them) and removes it.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import re
import secrets
import shutil
import stat
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from reportgen.errors import OutputError
from reportgen.store.database_url import DatabaseUrl

# --------------------------------------------------------------------------- names

# Characters that Windows, macOS or Linux refuse (or treat specially) in a file name.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
# Unicode controls, format characters (right-to-left overrides hide a name's real
# ending), line separators, lone surrogates and private-use characters.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)}
)
# A file name may hold 255 bytes; a component leaves room for "_2024-Q3_zh-CN_files" etc.
MAX_COMPONENT_BYTES = 120


def safe_name(identifier: str, *, max_bytes: int = MAX_COMPONENT_BYTES) -> str:
    """A file or folder name made from an identifier taken from the data.

    Path separators, characters file systems refuse, invisible characters and
    leading or trailing dots and spaces become ``_`` or go; the name is never
    empty, ``.`` or ``..``, nor a reserved Windows device name. A name longer
    than ``max_bytes`` (UTF-8) is cut and given a short hash of the whole
    identifier, so two long ids that share a beginning stay apart.
    """
    cleaned = _UNSAFE.sub("_", identifier)
    cleaned = "".join(
        "_" if unicodedata.category(char) in _INVISIBLE_CATEGORIES else char for char in cleaned
    )
    cleaned = cleaned.strip(" .") or "_"
    if cleaned.split(".")[0].upper() in _WINDOWS_RESERVED:
        cleaned = "_" + cleaned
    if len(cleaned.encode("utf-8")) > max_bytes:
        digest = hashlib.sha256(identifier.encode("utf-8", "surrogatepass")).hexdigest()[:10]
        budget = max_bytes - len(digest) - 1
        cut = cleaned.encode("utf-8")[:budget].decode("utf-8", "ignore").rstrip(" .")
        cleaned = f"{cut}~{digest}"
    return cleaned


# ---------------------------------------------------------------------- containment


def _real(path: Path | str) -> str:
    return os.path.realpath(os.path.abspath(path))


def _is_within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def is_plain_path(relative: str) -> bool:
    """A relative path of plain parts (``/`` or ``\\`` between them): never empty, absolute,
    a drive (``C:``), ``.`` or ``..``, nor holding NUL. The one rule for every path that a
    renderer, the archive or a manifest hands over."""
    parts = relative.replace("\\", "/").split("/")
    return not (
        any(part in ("", ".", "..") for part in parts) or ":" in parts[0] or "\x00" in relative
    )


def path_inside(root: Path, relative: str) -> Path:
    """``root / relative``, refusing a path that is oddly formed or, once links on the way
    are followed, lands outside ``root``."""
    if not is_plain_path(relative):
        raise OutputError(f"refusing to write {relative!r}: not a plain path inside the output")
    candidate = Path(root, *relative.replace("\\", "/").split("/"))
    if not _is_within(_real(candidate), _real(root)):
        raise OutputError(
            f"refusing to write {candidate}: it resolves outside {root} (a link points elsewhere)"
        )
    return candidate


# What a run reads, as (what it is, path): the data source and its files, notes,
# templates, settings, a reference document. Outputs must never replace any of them.
Inputs = Iterable[tuple[str, "Path | None"]]


def run_inputs(
    source: Path | DatabaseUrl | None,
    data_files: Iterable[Path],
    settings_file: Path | None,
    *,
    notes: Path | None = None,
    templates: Path | None = None,
    reference_docx: Path | None = None,
) -> list[tuple[str, Path | None]]:
    """Everything a ``report`` or ``archive`` run reads, named for messages (a database
    server is no file: only a SQLite file's path is among them)."""
    if isinstance(source, DatabaseUrl):
        source = source.path
    return [
        ("the data source", source),
        *(("the data file", path) for path in data_files),
        ("the settings file", settings_file),
        ("the notes", notes),
        ("the templates folder", templates),
        ("the reference document", reference_docx),
    ]


def refuse_overlap_with_inputs(
    out_dir: Path, inputs: Inputs, *, allow_containing: bool = False
) -> None:
    """Refuse an output folder that is an input folder or lies inside one, or (unless
    ``allow_containing``) holds an input: outputs are never written over, into or around
    what the run reads, where ``--force`` could replace it.

    ``report`` allows an output folder that holds inputs (``--out .`` beside the data is
    the everyday case) and checks each file and folder it replaces instead, with
    :func:`refuse_replacing_inputs`.
    """
    out = _real(out_dir)
    for what, path in inputs:
        if path is None:
            continue
        real = _real(path)
        if Path(path).is_dir() and _is_within(out, real):
            where = "is" if out == real else "lies inside"
            raise OutputError(
                f"--out {out_dir} {where} {what} {path}; choose an output folder outside it"
            )
        if not allow_containing and _is_within(real, out):
            raise OutputError(
                f"--out {out_dir} holds {what} {path}; "
                "choose an output folder that does not contain it"
            )


def refuse_replacing_inputs(targets: Iterable[Path], inputs: Inputs) -> None:
    """Refuse to replace a file or folder that is, or holds, an input (once links are
    followed: a data file may be a link into the output folder)."""
    resolved = [(what, path, _real(path)) for what, path in inputs if path is not None]
    for target in targets:
        real_target = _real(target)
        for what, path, real in resolved:
            if _is_within(real, real_target):
                raise OutputError(
                    f"refusing to replace {target}: it holds {what} {path}; choose another --out"
                )


# ---------------------------------------------------------------- existing files


def refuse_existing(paths: Iterable[Path], *, force: bool) -> None:
    """Raise naming every path that exists, unless ``force``. Call before writing anything."""
    if force:
        return
    existing = [str(p) for p in paths if Path(p).exists() or Path(p).is_symlink()]
    if existing:
        listing = "\n  ".join(existing)
        raise OutputError(
            f"{len(existing)} file(s) already exist; use --force to overwrite:\n  {listing}"
        )


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_error(path: Path | str, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    return OutputError(f"cannot write {exc.filename or path}: {reason}")


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename."""
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _write_error(path, exc) from None
    try:
        if hasattr(os, "fchmod"):  # mkstemp makes the file private (0600): use open()'s mode
            os.fchmod(fd, 0o666 & ~_current_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        if isinstance(exc, OSError):
            raise _write_error(path, exc) from None
        raise
    return path


# ------------------------------------------------------------------ staging folders


def _process_start(pid: int) -> str | None:
    """When ``pid`` started (clock ticks since boot), so a reused pid is not taken for its
    former owner; None where /proc cannot tell."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def _process_alive(pid: int, started: str | None) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return started is None or _process_start(pid) in (started, None)


def _owner_tag() -> str:
    pid = os.getpid()
    return f"{pid}-{_process_start(pid) or 0}-"


# Written into a staging folder the moment it exists: a folder is only ever taken for a
# dead run's leftovers when its name has the exact form reportgen gives and it holds this
# mark (or nothing at all), so a user's folder that happens to look alike is never touched.
STAGING_MARK = ".reportgen-staging"


def make_staging(parent: Path, prefix: str) -> Path:
    """A new staging folder in ``parent``, readable as the user's umask says, named
    ``<prefix><pid>-<start>-<random>`` after the process that owns it and marked inside,
    so a later run can tell a dead run's folder from a live one's or a user's."""
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=prefix + _owner_tag(), dir=parent))
        (staging / STAGING_MARK).write_bytes(b"")
        os.chmod(staging, 0o777 & ~_current_umask())  # mkdtemp makes it private (0700)
    except OSError as exc:
        raise _write_error(parent, exc) from None
    return staging


def release_staging(staging: Path) -> None:
    """Remove the mark before a staging folder becomes the output itself (an archive)."""
    with contextlib.suppress(FileNotFoundError):
        (staging / STAGING_MARK).unlink()


def _staging_name(prefix: str) -> re.Pattern[str]:
    # mkdtemp's random part: eight of a-z, 0-9 and _.
    return re.compile(re.escape(prefix) + r"(\d{1,10})-(\d{1,20})-[a-z0-9_]{8}")


def _is_stale(folder: Path, prefix: str) -> bool:
    match = _staging_name(prefix).fullmatch(folder.name)
    if match is None:
        return False  # not a name reportgen gives: leave it alone
    try:
        marked = (folder / STAGING_MARK).is_file() or not any(folder.iterdir())
    except OSError:
        return False
    if not marked:
        return False
    pid, started = int(match.group(1)), match.group(2)
    return not _process_alive(pid, None if started == "0" else started)


def remove_stale_staging(parent: Path, prefix: str, *, inputs: Inputs = ()) -> list[Path]:
    """Remove staging folders in ``parent`` left by a reportgen run that is gone (killed
    with SIGKILL): the name must be exactly as :func:`make_staging` gives, the folder
    marked (or empty), and its owner process dead. Anything else is left alone.

    Each such folder is first claimed (renamed to a name this process owns), so of two
    runs that find it at once only one acts on it. A folder whose run was stopped while
    moving its files into place (it holds a publishing journal, :func:`publish_files`)
    is then finished: the entries not yet moved are moved, in the journal's order.
    """
    removed = []
    with contextlib.suppress(OSError):
        for folder in sorted(parent.glob(glob.escape(prefix) + "*")):
            if folder.is_dir() and not folder.is_symlink() and _is_stale(folder, prefix):
                claimed = _claim(folder, prefix)
                if claimed is None:
                    continue  # another run claimed it first
                _finish_publishing(claimed, parent, inputs)
                shutil.rmtree(claimed, ignore_errors=True)
                removed.append(folder)
    return removed


def _claim(folder: Path, prefix: str) -> Path | None:
    """Rename a dead run's staging folder to one named after this process (so it is no
    longer stale to anyone else); None when another run renamed or removed it first."""
    claimed = folder.with_name(prefix + _owner_tag() + secrets.token_hex(4))
    try:
        os.rename(folder, claimed)
    except OSError:
        return None
    return claimed


# -------------------------------------------------------------------- publishing

STAGING_PREFIX = ".reportgen-staging-"


# Written into a report's staging folder once every file is staged, just before the
# first rename: the top-level entries in the order they are moved, and whether the run
# was allowed to replace existing ones. Several renames cannot be one atomic step; with
# this a later run can finish what a stopped run had begun to move into place.
PUBLISH_JOURNAL = ".reportgen-publish.json"


def _write_journal(staging: Path, tops: list[str], *, force: bool) -> None:
    journal = json.dumps({"entries": tops, "force": force}, ensure_ascii=False)
    partial = staging / (PUBLISH_JOURNAL + ".part")
    # Private to the user (0600 whatever the umask): a journal anyone else could have
    # written is never obeyed (see _trusted).
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(journal)
    os.replace(partial, staging / PUBLISH_JOURNAL)  # whole or absent


def _trusted(journal: Path) -> bool:
    """Whether ``journal`` and its folder belong to this user and only this user can have
    written the journal: one planted in a shared output folder by someone else (asking
    to replace the user's files) is not obeyed."""
    info, folder = journal.lstat(), journal.parent.lstat()
    uid = os.getuid() if hasattr(os, "getuid") else None
    if uid is not None and (info.st_uid != uid or folder.st_uid != uid):
        return False
    return stat.S_ISREG(info.st_mode) and not info.st_mode & 0o022


def _plain_name(entry: object) -> bool:
    """A journal entry may only name a visible entry directly inside the output folder."""
    if not isinstance(entry, str) or entry in ("", ".", "..") or entry.startswith("."):
        return False
    if "\x00" in entry or entry != Path(entry).name:
        return False
    try:
        entry.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


def _read_journal(staging: Path) -> tuple[list[str], bool] | None:
    """The entries and the force flag of a staging folder's journal; None when there is
    none (the run died before its first rename) or it is not one reportgen wrote."""
    path = staging / PUBLISH_JOURNAL
    try:
        if not _trusted(path):
            return None
        journal = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(journal, dict):
        return None
    entries, force = journal.get("entries"), journal.get("force")
    if not isinstance(entries, list) or not isinstance(force, bool):
        return None
    return (entries, force) if all(_plain_name(entry) for entry in entries) else None


def _finish_publishing(staging: Path, out_dir: Path, inputs: Inputs) -> None:
    """Move what a stopped run had staged but not yet moved, in its journal's order.

    Nothing is finished when the journal is missing or not trusted, or when an entry
    is or holds what the current run reads. The moves stop at the first entry that
    would replace something made since, unless the stopped run had ``--force``:
    entries come in publishing order, so the Markdown is never moved without what
    comes before it.
    """
    journal = _read_journal(staging)
    if journal is None:
        return
    entries, force = journal
    with contextlib.suppress(OSError, OutputError):
        refuse_replacing_inputs([out_dir / entry for entry in entries], inputs)
        for entry in entries:
            staged = staging / entry
            if staged.is_symlink() or not (staged.is_file() or staged.is_dir()):
                continue  # moved before the run stopped
            target = out_dir / entry
            if not force and (target.exists() or target.is_symlink()):
                return  # made by someone else since: publish nothing more
            _move_into_place(staged, target, staging)


def _publish_order(name: str) -> tuple[int, str]:
    # Pictures first, the Markdown that links to them last: a reader who finds the
    # .md finds its charts.
    if name.endswith(".md"):
        return (2, name)
    return (0 if not Path(name).suffix or name.endswith("_files") else 1, name)


def publish_files(
    out_dir: Path, files: Mapping[str, bytes], *, force: bool, inputs: Inputs = ()
) -> list[Path]:
    """Write ``files`` ({relative path: bytes}) under ``out_dir``, all or nothing.

    Without ``force``, any top-level file or folder the run would replace is an
    error before anything is written; with it, one that is or holds an input still
    is. The files go to a staging folder inside ``out_dir`` and each top-level entry
    is then renamed into place (a folder of charts replaces the old one whole), charts
    first and the Markdown last. Before the first rename a journal of those entries is
    written beside them, so if the run is killed between two renames the next run into
    ``out_dir`` finishes the move (:func:`remove_stale_staging`).
    """
    out_dir = Path(out_dir)
    targets = {relative: path_inside(out_dir, relative) for relative in files}
    tops = sorted({PurePosixPath(relative).parts[0] for relative in files}, key=_publish_order)
    refuse_replacing_inputs([out_dir / top for top in tops], inputs)
    # Before the check for existing files: a killed run's half-published files are
    # finished first, so they are then reported as existing, whole.
    remove_stale_staging(out_dir, STAGING_PREFIX, inputs=inputs)
    refuse_existing([out_dir / top for top in tops], force=force)
    staging = make_staging(out_dir, STAGING_PREFIX)
    moving = False
    try:
        for relative, data in files.items():
            staged = Path(staging, *PurePosixPath(relative).parts)
            staged.parent.mkdir(parents=True, exist_ok=True)
            with open(staged, "wb") as handle:
                handle.write(data)
                os.fchmod(handle.fileno(), 0o666 & ~_current_umask())
                handle.flush()
                os.fsync(handle.fileno())
        _write_journal(staging, tops, force=force)
        moving = True
        for top in tops:
            _move_into_place(staging / top, out_dir / top, staging)
        moving = False
    except OSError as exc:
        raise _write_error(out_dir, exc) from None
    finally:
        # Stopped between two moves (Ctrl-C, a disk error): the staging folder and its
        # journal stay, and the next run into out_dir finishes the moves.
        if not moving:
            shutil.rmtree(staging, ignore_errors=True)
    return [targets[relative] for relative in files]


def _move_into_place(new: Path, target: Path, staging: Path) -> None:
    if target.is_dir() and not target.is_symlink():
        # An old chart folder is moved into the staging folder (removed with it), so no
        # chart of an earlier run lingers beside the new ones.
        os.rename(target, staging / f".replaced-{target.name}")
    elif new.is_dir() and (target.exists() or target.is_symlink()):
        target.unlink()
    os.replace(new, target)
