"""reportgen: collection-team period data in, work summaries out."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # ``reportgen.__version__`` is read from the installed package's metadata when first
    # asked for: importlib.metadata costs about 50 ms, which every command would pay at
    # start-up, and only --version, import and archive need the version.
    if name != "__version__":
        raise AttributeError(f"module 'reportgen' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("reportgen")
    except PackageNotFoundError:  # running from a source tree that was never installed
        found = "0.0.0+source"
    globals()["__version__"] = found
    return found
