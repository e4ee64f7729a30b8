"""``reportgen verify``: check an archive folder against its manifest.json.

The folder may have been tampered with, so nothing in it is trusted:

* links are never followed: the folder is walked with ``os.scandir`` without following
  symlinks, and a file is opened with ``O_NOFOLLOW`` (and ``O_NONBLOCK``, so a FIFO swapped
  in cannot block) and read only when ``fstat`` says it is the very regular file the walk saw;
* only regular files are read: links, FIFOs, sockets and devices are reported, never opened;
* the manifest is read with a size cap, its JSON nesting is bounded before parsing, and every
  path it lists must be a relative path inside the archive;
* a file is hashed only when its size matches the manifest, so a huge planted file costs a
  ``stat``, not a read.

Every difference is listed at once; a manifest that cannot be trusted at all (unreadable, too
big, too deep, malformed, listing a path outside the archive) is one :class:`ReportgenError`
naming every such problem.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.archive.layout import (
    INDEX_CSV,
    INDEX_MD,
    MANIFEST,
    in_scope_folder,
    manifest_path_problem,
)
from reportgen.archive.manifest import MANIFEST_FORMAT
from reportgen.errors import ReportgenError
from reportgen.small_files import kind_name

# A manifest lists ~130 bytes per file: 64 MiB is some 500,000 files, far beyond any archive.
MAX_MANIFEST_BYTES = 64 << 20
# A real manifest nests 5 deep (settings inside configuration); json recurses once per level.
MAX_JSON_DEPTH = 64
# Manifest problems shown before "... and N more": enough to see the pattern.
MAX_SHOWN_PROBLEMS = 20
_BLOCK = 1 << 20
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)  # the last component: a link fails with ELOOP
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in after the walk opens without blocking
    | getattr(os, "O_BINARY", 0)
)
_SHA256 = re.compile(r"[0-9a-f]{64}")
_DOCUMENT_SUFFIXES = {"md": ".md", "docx": ".docx", "pdf": ".pdf"}


@dataclass(frozen=True)
class ChangedFile:
    path: str
    expected_size: int
    actual_size: int
    expected_sha256: str
    actual_sha256: str  # "" when the sizes differ: the file was not read


@dataclass(frozen=True)
class Entry:
    """Something in the archive folder: its path and its kind (``file``, ``folder``,
    ``symbolic link``, ``named pipe``, ``socket``, ``device``, ``special file``)."""

    path: str
    kind: str


@dataclass(frozen=True)
class VerifyOutcome:
    folder: Path
    checked: int  # distinct files listed in the manifest
    missing: tuple[str, ...] = ()
    extra_entries: tuple[Entry, ...] = ()  # anything on disk the manifest does not list
    changed: tuple[ChangedFile, ...] = field(default=())
    replaced: tuple[Entry, ...] = ()  # a listed file found as a link, FIFO, folder...
    unreadable: tuple[str, ...] = ()  # "path (reason)": listed files or folders not readable
    manifest_problems: tuple[str, ...] = ()  # the file list disagrees with itself

    @property
    def extra(self) -> tuple[str, ...]:
        return tuple(entry.path for entry in self.extra_entries)

    @property
    def ok(self) -> bool:
        return not (
            self.missing
            or self.extra_entries
            or self.changed
            or self.replaced
            or self.unreadable
            or self.manifest_problems
        )

    def describe(self) -> str:
        if self.ok:
            return f"{self.folder}: all {self.checked} file(s) match manifest.json"
        counts = (
            f"{len(self.missing)} missing, {len(self.extra)} extra, {len(self.changed)} changed"
        )
        if self.replaced:
            counts += f", {len(self.replaced)} not a regular file"
        if self.unreadable:
            counts += f", {len(self.unreadable)} unreadable"
        if self.manifest_problems:
            counts += f", {len(self.manifest_problems)} manifest problem(s)"
        lines = [
            f"{self.folder}: does NOT match manifest.json ({counts}, of {self.checked} listed)"
        ]
        lines += [f"manifest {problem}" for problem in self.manifest_problems]
        lines += [f"missing  {shown(path)}" for path in self.missing]
        lines += [f"replaced {shown(e.path)} (by a {e.kind}; not read)" for e in self.replaced]
        lines += [f"extra    {_describe_extra(entry)}" for entry in self.extra_entries]
        lines += [f"unread   {item}" for item in self.unreadable]
        lines += [f"changed  {_describe_change(change)}" for change in self.changed]
        return "\n".join(lines)


def _describe_extra(entry: Entry) -> str:
    return shown(entry.path) if entry.kind == "file" else f"{shown(entry.path)} ({entry.kind})"


def _describe_change(change: ChangedFile) -> str:
    if change.expected_size != change.actual_size:
        detail = f"size {change.actual_size}, expected {change.expected_size}"
    else:
        detail = f"sha256 {change.actual_sha256}, expected {change.expected_sha256}"
    return f"{shown(change.path)} ({detail})"


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def shown(path: str) -> str:
    """A path as printed: a file name planted with control characters must not drive the
    terminal, and one that is not valid UTF-8 (a lone surrogate) must not crash the print."""
    return _UNPRINTABLE.sub(lambda match: f"\\x{ord(match.group()):02x}", path)


# --- the manifest -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Listed:
    """The manifest's file list, and what it says the archive should hold."""

    files: dict[str, dict[str, Any]]  # path → first entry listing it
    problems: tuple[str, ...]


def _read_manifest(folder: Path) -> _Listed:
    path = folder / MANIFEST
    data = _read_manifest_bytes(path)
    manifest = _parse_json(path, data)
    entries = _file_entries(path, manifest)
    return _Listed(
        files=_first_entries(entries),
        problems=tuple(_consistency_problems(manifest, entries)),
    )


def _read_manifest_bytes(path: Path) -> bytes:
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        raise ReportgenError(
            f"{path}: no manifest.json; this is not a reportgen archive, or its manifest was lost"
        ) from None
    except OSError as exc:
        raise ReportgenError(f"{path}: cannot read the manifest ({exc.strerror})") from None
    kind = _kind(status.st_mode)
    if kind != "file":
        raise ReportgenError(f"{path}: the manifest is a {kind}, not a regular file; not read")
    if status.st_size > MAX_MANIFEST_BYTES:
        raise ReportgenError(
            f"{path}: the manifest is {status.st_size:,} bytes, over the "
            f"{MAX_MANIFEST_BYTES:,} a reportgen manifest can be; not read"
        )
    try:
        return _read_regular(path, (status.st_dev, status.st_ino), MAX_MANIFEST_BYTES)
    except _NotRegular as exc:
        raise ReportgenError(f"{path}: cannot read the manifest ({exc})") from None
    except OSError as exc:
        raise ReportgenError(f"{path}: cannot read the manifest ({exc.strerror})") from None


def _parse_json(path: Path, data: bytes) -> Any:
    if len(data) > MAX_MANIFEST_BYTES:  # it grew after the lstat
        raise ReportgenError(f"{path}: the manifest is over {MAX_MANIFEST_BYTES:,} bytes; not read")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReportgenError(f"{path}: cannot read the manifest ({exc})") from None
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise ReportgenError(
            f"{path}: cannot read the manifest (nested {depth} levels deep; "
            f"a reportgen manifest nests at most {MAX_JSON_DEPTH})"
        )
    try:
        return json.loads(text)
    except RecursionError:  # the depth check should have caught it; never a traceback
        raise ReportgenError(f"{path}: cannot read the manifest (nested too deep)") from None
    except ValueError as exc:  # JSONDecodeError, or an integer of thousands of digits
        raise ReportgenError(f"{path}: cannot read the manifest ({exc})") from None


# A JSON string (escapes included) or a bracket; strings are skipped so that a "[" inside a
# name does not count. The unrolled form keeps the regex linear on long strings, and the
# closing quote is optional: an unterminated string then runs to the end in one match
# instead of being retried from every later quote (quadratic; json.loads reports it).
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]')


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in JSON ``text``, without recursing."""
    depth = deepest = 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest


def _file_entries(path: Path, manifest: Any) -> list[dict[str, Any]]:
    """The manifest's ``files``, each a well-formed entry at a safe path; else one error
    naming every bad entry."""
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, list):
        raise ReportgenError(
            f"{path}: not a reportgen manifest (expected a 'files' list of path, size, sha256)"
        )
    problems = [problem for number, entry in enumerate(files, 1) for problem in _bad(number, entry)]
    if problems:
        shown_problems = problems[:MAX_SHOWN_PROBLEMS]
        if len(problems) > MAX_SHOWN_PROBLEMS:
            shown_problems.append(f"... and {len(problems) - MAX_SHOWN_PROBLEMS} more")
        if len(problems) == 1:
            raise ReportgenError(f"{path}: {problems[0]}")
        heading = f"{path}: {len(problems)} problems; nothing was checked:"
        raise ReportgenError("\n  ".join([heading, *shown_problems]))
    return files


def _bad(number: int, entry: Any) -> list[str]:
    """What is wrong with the ``number``-th entry of the file list (none for a good one)."""
    shape = (
        f"not a reportgen manifest: file entry {number} is not a path, a size and a sha256 "
        "(expected a 'files' list of path, size, sha256)"
    )
    if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
        return [shape]
    problems = []
    # A tampered manifest must not make verify read anything outside the archive.
    if (problem := manifest_path_problem(entry["path"])) is not None:
        problems.append(f"lists {problem}: {shown(repr(entry['path']))}")
    sha256 = entry.get("sha256")
    if not (_is_size(entry.get("size")) and isinstance(sha256, str) and _SHA256.fullmatch(sha256)):
        problems.append(shape)
    return problems


def _is_size(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _first_entries(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    listed: dict[str, dict[str, Any]] = {}
    for entry in entries:
        listed.setdefault(entry["path"], entry)
    return listed


def _consistency_problems(manifest: dict[str, Any], entries: list[dict[str, Any]]) -> list[str]:
    """Ways the file list disagrees with the rest of the manifest: an archive always lists its
    index files and one document per written report and format."""
    if not entries:
        return ["lists no files; an archive always holds index.md, index.csv and its reports"]
    problems = [
        f"lists {shown(repr(path))} {count} times"
        for path, count in sorted(Counter(e["path"] for e in entries).items())
        if count > 1
    ]
    if manifest.get("format") != MANIFEST_FORMAT:
        problems.append(f"format is {shown(repr(manifest.get('format')))}, not {MANIFEST_FORMAT}")
    paths = {entry["path"] for entry in entries}
    problems += [f"does not list {name}" for name in (INDEX_MD, INDEX_CSV) if name not in paths]
    problems += _document_count_problems(manifest, paths)
    return problems


def _document_count_problems(manifest: dict[str, Any], paths: set[str]) -> list[str]:
    reports, formats = manifest.get("reports"), manifest.get("formats")
    written = reports.get("written") if isinstance(reports, dict) else None
    if not _is_size(written) or not isinstance(formats, list) or not formats:
        return ["does not record how many reports were written in which formats"]
    problems = []
    for fmt in formats:
        suffix = _DOCUMENT_SUFFIXES.get(fmt) if isinstance(fmt, str) else None
        if suffix is None:
            problems.append(f"records an unknown format {shown(repr(fmt))}")
            continue
        documents = sum(1 for path in paths if _is_report_document(path, suffix))
        if documents != written:
            problems.append(
                f"records {written} report(s) written but lists {documents} {suffix} report(s)"
            )
    return problems


def _is_report_document(path: str, suffix: str) -> bool:
    """A report's own document (``teams/T01/team-T01_2024_en.md``), not an index at the top
    nor a file in a picture folder."""
    return in_scope_folder(path) and path.endswith(suffix)


# --- the folder -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    kind: str
    identity: tuple[int, int]  # (st_dev, st_ino) as the walk saw it
    size: int


def _kind(mode: int) -> str:
    return kind_name(mode)


def _walk(folder: Path) -> tuple[dict[str, _Found], list[str]]:
    """Every entry under ``folder`` (but the manifest) by relative path, never following a
    link; and what could not be listed. A loop, not recursion: any depth is safe."""
    found: dict[str, _Found] = {}
    unreadable: list[str] = []
    pending = [("", str(folder))]
    while pending:
        prefix, path = pending.pop()
        try:
            with os.scandir(path) as entries:
                for entry in entries:
                    _note(prefix + entry.name, entry, found, unreadable, pending)
        except OSError as exc:
            unreadable.append(f"{shown(prefix.rstrip('/') or '.')} (cannot list: {exc.strerror})")
    found.pop(MANIFEST, None)
    return found, unreadable


def _note(
    relative: str,
    entry: os.DirEntry,
    found: dict[str, _Found],
    unreadable: list[str],
    pending: list[tuple[str, str]],
) -> None:
    """Record one entry as the walk sees it (lstat); queue a real folder for listing."""
    try:
        status = entry.stat(follow_symlinks=False)
    except OSError as exc:  # gone since the listing, or not even lstat-able
        unreadable.append(f"{shown(relative)} (cannot inspect: {exc.strerror})")
        return
    kind = _kind(status.st_mode)
    found[relative] = _Found(kind, (status.st_dev, status.st_ino), status.st_size)
    if kind == "folder":
        pending.append((relative + "/", entry.path))


class _NotRegular(Exception):
    """The path opened is not the regular file the walk saw (swapped meanwhile)."""


def _read_regular(path: Path, identity: tuple[int, int], limit: int) -> bytes:
    """Up to ``limit`` + 1 bytes of a regular file, opened without following a link."""
    return b"".join(_blocks(path, identity, limit))


def _blocks(path: Path, identity: tuple[int, int], limit: int) -> Iterator[bytes]:
    descriptor = os.open(path, _OPEN_FLAGS)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise _NotRegular(f"it became a {_kind(status.st_mode)}")
        # st_ino is 0 where the platform's scandir does not give it (Windows): skip the check.
        if identity[1] and (status.st_dev, status.st_ino) != identity:
            raise _NotRegular("it was replaced while being checked")
        remaining = limit + 1
        while remaining > 0 and (block := os.read(descriptor, min(_BLOCK, remaining))):
            remaining -= len(block)
            yield block
    finally:
        os.close(descriptor)


def _sha256(path: Path, found: _Found) -> tuple[int, str]:
    """(bytes read, sha256 of them): at most one byte more than the size the walk saw."""
    digest = hashlib.sha256()
    size = 0
    for block in _blocks(path, found.identity, found.size):
        digest.update(block)
        size += len(block)
    return size, digest.hexdigest()


def _expected_folders(listed: dict[str, Any]) -> set[str]:
    """Every folder holding a listed file: these are no extra entries."""
    folders = set()
    for path in listed:
        parts = path.split("/")[:-1]
        folders.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    return folders


# --- comparing --------------------------------------------------------------------------------


@dataclass
class _Findings:
    missing: list[str] = field(default_factory=list)
    changed: list[ChangedFile] = field(default_factory=list)
    replaced: list[Entry] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)


def _check_listed(
    folder: Path, relative: str, entry: dict[str, Any], found: _Found | None, out: _Findings
) -> None:
    """Compare one listed file with what the walk found at its path."""
    if found is None:
        out.missing.append(relative)
    elif found.kind != "file":
        out.replaced.append(Entry(relative, found.kind))
    elif found.size != entry["size"]:  # no need to read it: the size already differs
        out.changed.append(ChangedFile(relative, entry["size"], found.size, entry["sha256"], ""))
    else:
        try:
            size, digest = _sha256(folder / relative, found)
        except _NotRegular as exc:
            out.unreadable.append(f"{shown(relative)} ({exc})")
            return
        except OSError as exc:  # its content cannot be vouched for
            out.unreadable.append(f"{shown(relative)} (cannot read: {exc.strerror})")
            return
        if size != entry["size"] or digest != entry["sha256"]:
            out.changed.append(ChangedFile(relative, entry["size"], size, entry["sha256"], digest))


def verify_archive(folder: Path) -> VerifyOutcome:
    """Recompute every file's sha256 and compare with the manifest; list every difference."""
    folder = Path(folder)
    if not folder.is_dir():  # the folder the user names may be a link; nothing inside may
        raise ReportgenError(f"{folder}: not a folder")
    listed = _read_manifest(folder)
    on_disk, not_listable = _walk(folder)
    findings = _Findings(unreadable=not_listable)
    for relative, entry in sorted(listed.files.items()):
        _check_listed(folder, relative, entry, on_disk.get(relative), findings)
    folders = _expected_folders(listed.files)
    # Anything not listed is extra, but for the folders holding listed files; a link or FIFO
    # where such a folder should be is extra too (and the files listed under it missing).
    extra = [
        Entry(path, found.kind)
        for path, found in sorted(on_disk.items())
        if path not in listed.files and not (path in folders and found.kind == "folder")
    ]
    return VerifyOutcome(
        folder,
        len(listed.files),
        missing=tuple(findings.missing),
        extra_entries=tuple(extra),
        changed=tuple(findings.changed),
        replaced=tuple(findings.replaced),
        unreadable=tuple(findings.unreadable),
        manifest_problems=listed.problems,
    )
