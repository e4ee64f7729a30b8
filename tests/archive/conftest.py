"""Fixtures for the archive tests: the fake pipeline and a tiny dataset on disk."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def load_fake_pipeline():
    name = "archive_fake_pipeline"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, HERE / "fake_pipeline.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


class _ModulesPatch:
    """sys.modules as a dict whose assignments monkeypatch undoes after the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch

    def __setitem__(self, key: str, value) -> None:
        self.monkeypatch.setitem(sys.modules, key, value)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch):
    """The fake metrics engine and renderer, installed; FAIL_SCOPES reset after the test."""
    module = load_fake_pipeline()
    module.install(_ModulesPatch(monkeypatch))
    module.FAIL_SCOPES.clear()
    yield module
    module.FAIL_SCOPES.clear()


@pytest.fixture
def tiny(tmp_path: Path, fake):
    return fake.tiny_dataset(tmp_path / "source")
