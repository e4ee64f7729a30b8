"""docs/data-format.md stays in step with the schema and the built-in aliases."""

from __future__ import annotations

from pathlib import Path

from reportgen.data.aliases import HEADER_ALIASES, TABLE_ALIASES, VALUE_ALIASES
from reportgen.data.schema import SCHEMA

DOC = (Path(__file__).parents[2] / "docs" / "data-format.md").read_text(encoding="utf-8")


def test_every_table_and_column_is_documented() -> None:
    for table in SCHEMA.values():
        assert f"### {table.name}" in DOC
        for column in table.names:
            assert column in DOC, column


def test_every_built_in_alias_is_documented() -> None:
    listed = [a for aliases in HEADER_ALIASES.values() for a in aliases]
    listed += [a for aliases in TABLE_ALIASES.values() for a in aliases]
    listed += [a for codes in VALUE_ALIASES.values() for aliases in codes.values() for a in aliases]
    missing = [alias for alias in listed if alias not in DOC]
    assert missing == []
