"""Writing output files safely: never half-written, never overwritten without --force.

Every file is written to a temporary name in the same folder and renamed into
place, so an interrupted run leaves either the old file or the new one, never
a truncated one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from reportgen.errors import OutputError


def refuse_existing(paths: Iterable[Path], *, force: bool) -> None:
    """Raise naming every path that exists, unless ``force``. Call before writing anything."""
    if force:
        return
    existing = [str(p) for p in paths if Path(p).exists()]
    if existing:
        listing = "\n  ".join(existing)
        raise OutputError(
            f"{len(existing)} file(s) already exist; use --force to overwrite:\n  {listing}"
        )


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if hasattr(os, "fchmod"):  # mkstemp makes the file private (0600): use open()'s mode
            mask = os.umask(0)
            os.umask(mask)
            os.fchmod(fd, 0o666 & ~mask)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    return path
