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


class NotARegularFile(OSError):
    """The path is a folder, pipe, socket or device; ``kind`` says which, in a user's words."""

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(f"{path} is {kind}, not a file")
        self.kind = kind


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


def read_small_file(path: Path, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of the regular file ``path`` (so a caller can tell it was
    too large). Raises FileNotFoundError, NotARegularFile or another OSError."""
    # O_NONBLOCK: opening a pipe must not wait for a writer; fstat then says what it is.
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise NotARegularFile(Path(path), kind_of(mode))
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return handle.read(limit + 1)
    finally:
        os.close(descriptor)
