"""The progress bar names each of its two times, so neither reads as the time left."""

from __future__ import annotations

import io
import re
import sys

from reportgen.archive.progress import progress_bar


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_each_time_on_the_bar_says_what_it_is(monkeypatch):
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with progress_bar(33, "archive 2024") as advance:
        advance(30)
    drawn = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", terminal.getvalue())
    assert re.search(r"30/33 reports · elapsed \d+:\d\d:\d\d · left (\d+:\d\d:\d\d|-:--:--)", drawn)
