"""Settings of the whole test run."""

from __future__ import annotations

import os
import shutil
import tempfile

_CACHE = tempfile.mkdtemp(prefix="reportgen-test-cache-")


def pytest_configure(config) -> None:
    # reportgen keeps what it learns of the chart font in the user's cache folder
    # (render/glyph_cache.py): the tests, and the reportgen processes they start, use
    # a folder of their own instead of the real one.
    os.environ["XDG_CACHE_HOME"] = _CACHE


def pytest_unconfigure(config) -> None:
    shutil.rmtree(_CACHE, ignore_errors=True)
