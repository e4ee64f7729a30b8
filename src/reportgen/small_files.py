"""Reading a small input file (settings, notes) the safe way: only a regular file, and
never more than a limit.

``open()`` on a named pipe blocks until someone writes to it, and on a device such as
/dev/zero reads forever; a path given as a notes or settings file is checked to be a
regular file before a byte is read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class SmallFileError(Exception):
    """A small input file that cannot be read: the message names the file and why."""


def kind_name(mode: int) -> str:
    """What a ``stat`` mode is, in a user's words: file, folder, named pipe..."""
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISLNK(mode):
        return "symbolic link"
    if stat.S_ISFIFO(mode):
        return "named pipe"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


def kind_of(mode: int) -> str:
    """The same with its article, for sentences: "a folder", "a named pipe"."""
    return f"a {kind_name(mode)}"


def read_small_text(path: Path, limit: int, *, what: str, encoding: str = "utf-8") -> str:
    """:func:`read_small_file` decoded: text that is not UTF-8 is one :class:`SmallFileError`
    naming the file and the first byte that is not (``encoding`` "utf-8-sig" also drops a
    byte-order mark)."""
    data = read_small_file(path, limit, what=what)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise SmallFileError(
            f"{path}: not UTF-8 text (byte {exc.start}); a {what} must be UTF-8 text: "
            "save it as UTF-8"
        ) from None


def read_small_file(path: Path, limit: int, *, what: str) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them; else one
    :class:`SmallFileError` naming the file (``what`` it is, e.g. "notes file") and why:
    missing, a folder, pipe or device, unreadable, or too large."""
    try:
        data = _read_regular(path, limit)
    except FileNotFoundError:
        raise SmallFileError(f"{path}: {what} not found") from None
    except IsADirectoryError:
        raise SmallFileError(f"{path}: is a folder, not a {what}") from None
    except _NotRegular as exc:
        raise SmallFileError(f"{path}: is {exc.kind}, not a {what}") from None
    except OSError as exc:
        raise SmallFileError(f"{path}: cannot read the {what} ({exc.strerror})") from None
    if len(data) > limit:
        raise SmallFileError(f"{path}: larger than {limit:,} bytes; not a {what} reportgen reads")
    return data


class _NotRegular(OSError):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def _read_regular(path: Path, limit: int) -> bytes:
    # O_NONBLOCK: opening a pipe must not wait for a writer; fstat then says what it is.
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise _NotRegular(kind_of(mode))
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return handle.read(limit + 1)
    finally:
        os.close(descriptor)
