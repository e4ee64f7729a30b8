"""Reading a file's next chunk while the loader works on this one.

pyarrow's CSV reader and zlib let go of Python's lock while they parse and
decompress, and so does DuckDB while it checks and appends a chunk: with the
reading in a thread of its own, a big file's reading and checking overlap on
two cores instead of taking turns. The loader starts the next file's reader
while it works on this file, so no file starts with a wait either.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Generic, TypeVar

__all__ = ["Prefetched"]

T = TypeVar("T")

# How long the reading thread waits at a time for room to hand a chunk over, before
# it looks again whether the loader has stopped wanting chunks.
_POLL_SECONDS = 0.1


class Prefetched(Generic[T]):
    """``chunks``, read one ahead in a thread started at once; what reading raises is
    raised by ``next``, in turn.

    The thread reads the next chunk only once the caller has taken the one before:
    memory holds the chunk the caller works on and the next one, no more (and a file
    waiting its turn holds its first chunk). :meth:`close` (also at the end, or when
    used as a context manager) stops the thread and closes ``chunks``, and its files.
    """

    def __init__(self, chunks: Iterator[T]) -> None:
        self._chunks = chunks
        self._handed: queue.Queue[tuple[str, object]] = queue.Queue(maxsize=1)
        self._stop = threading.Event()
        self._taken = threading.Event()  # the caller took the last chunk handed over
        self._done = False
        self._thread = threading.Thread(target=self._read, name="reportgen-read-ahead", daemon=True)
        self._thread.start()

    def _hand(self, kind: str, value: object) -> bool:
        """Hand ``value`` over and wait until the caller takes it; False if stopped."""
        self._taken.clear()
        self._handed.put((kind, value))  # room: the last one was taken
        while not self._stop.is_set():
            if self._taken.wait(_POLL_SECONDS):
                return True
        return False

    def _read(self) -> None:
        try:
            for chunk in self._chunks:
                if not self._hand("chunk", chunk):
                    return
            self._hand("end", None)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, raised there
            self._hand("error", exc)
        finally:
            close = getattr(self._chunks, "close", None)
            if close is not None:
                close()

    def __iter__(self) -> Prefetched[T]:
        return self

    def __next__(self) -> T:
        if self._done:
            raise StopIteration
        kind, value = self._handed.get()
        self._taken.set()
        if kind == "chunk":
            return value  # type: ignore[return-value]
        self.close()
        if kind == "end":
            raise StopIteration
        raise value  # type: ignore[misc]

    def close(self) -> None:
        """Stop reading ahead; wait for the thread, which closes ``chunks``."""
        self._done = True
        self._stop.set()
        self._thread.join()

    def __enter__(self) -> Prefetched[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
