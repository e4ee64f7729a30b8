"""Reading a file's next chunk while the loader works on this one.

pyarrow's CSV reader and zlib let go of Python's lock while they parse and
decompress, and so does DuckDB while it checks and appends a chunk: with the
reading in a thread of its own, a big file's reading and checking overlap on
two cores instead of taking turns.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

__all__ = ["prefetched"]

T = TypeVar("T")

# How long the reading thread waits at a time for room to hand a chunk over, before
# it looks again whether the loader has stopped wanting chunks.
_POLL_SECONDS = 0.1


def prefetched(chunks: Iterator[T]) -> Iterator[T]:
    """``chunks``, one read ahead in a thread; what reading raises is raised here, in turn.

    At most one chunk waits while the caller works on another, so memory stays that
    of two chunks. When the caller stops early, the thread stops and ``chunks`` is
    closed (its files with it) before this generator finishes closing.
    """
    handed: queue.Queue[tuple[str, object]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def hand(kind: str, value: object) -> bool:
        while not stop.is_set():
            try:
                handed.put((kind, value), timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for chunk in chunks:
                if not hand("chunk", chunk):
                    return
            hand("end", None)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, raised there
            hand("error", exc)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=read, name="reportgen-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = handed.get()
            if kind == "chunk":
                yield value  # type: ignore[misc]
            elif kind == "end":
                return
            else:
                raise value  # type: ignore[misc]
    finally:
        stop.set()
        thread.join()
