"""Data sources held in DuckDB (see :mod:`reportgen.store.store`)."""

from reportgen.store.store import Store

__all__ = ["Store"]
