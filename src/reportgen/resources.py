"""Where the built-in templates and sample data are, installed or not.

An installed wheel carries them inside the package (see pyproject.toml); a
source checkout has them at the top of the repository.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    installed = _PACKAGE_DIR / name
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent.parent / name


def templates_dir() -> Path:
    """The built-in Jinja templates."""
    return _find("templates")


def sample_data_dir() -> Path:
    """The bundled sample data source."""
    return _find("sample_data")
