"""Reading ahead in a thread hands over every chunk in order, and what reading raises."""

from __future__ import annotations

import threading

import pytest

from reportgen.data.prefetch import Prefetched


def test_chunks_come_in_order_and_then_stop():
    assert list(Prefetched(iter(range(5)))) == [0, 1, 2, 3, 4]


def test_what_reading_raises_is_raised_after_the_chunks_before_it():
    def chunks():
        yield 1
        yield 2
        raise ValueError("a broken file")

    ahead = Prefetched(chunks())
    assert next(ahead) == 1 and next(ahead) == 2
    with pytest.raises(ValueError, match="a broken file"):
        next(ahead)
    with pytest.raises(StopIteration):
        next(ahead)


def test_closing_early_stops_the_thread_and_closes_the_reader():
    closed = threading.Event()

    def chunks():
        try:
            yield from range(1000)
        finally:
            closed.set()

    ahead = Prefetched(chunks())
    assert next(ahead) == 0
    ahead.close()
    assert closed.is_set()
    assert not ahead._thread.is_alive()
    with pytest.raises(StopIteration):
        next(ahead)


def test_reading_starts_before_the_first_chunk_is_asked_for():
    started = threading.Event()

    def chunks():
        started.set()
        yield "first"

    with Prefetched(chunks()) as ahead:
        assert started.wait(5)
        assert next(ahead) == "first"
