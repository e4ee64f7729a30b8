"""Fixtures shared by the tests of sources (files, DuckDB, PostgreSQL, SQLite)."""

from __future__ import annotations

import pytest

from reportgen.config import Config
from reportgen.resources import sample_data_dir
from reportgen.store.open import open_store


@pytest.fixture(scope="session")
def folder_store():
    """The bundled sample data, loaded and checked from its folder: what every other
    form of the same data is compared with, and copied from into databases."""
    store = open_store(sample_data_dir(), Config())
    yield store
    store.close()
