"""Who is on which team, from the ``collectors`` table (the roster as given)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Roster:
    collector_ids: tuple[str, ...]  # sorted
    collector_names: tuple[str, ...]
    team_ids: tuple[str, ...]  # sorted
    team_names: tuple[str, ...]
    team_of: dict[str, str]  # collector id → team id

    @classmethod
    def of(cls, collectors: Sequence[Mapping[str, Any]]) -> Roster:
        """From the roster's rows (``Store.collector_rows``: blanks are ``None``)."""
        rows = sorted(collectors, key=lambda row: str(row["collector_id"]))
        collector_ids = tuple(str(row["collector_id"]) for row in rows)
        names = tuple("" if row["name"] is None else str(row["name"]) for row in rows)
        team_col = tuple(str(row["team_id"]) for row in rows)
        team_ids = tuple(sorted(set(team_col)))
        first_names: dict[str, str] = {}
        for team, row in zip(team_col, rows, strict=True):
            name = row.get("team_name")
            first_names.setdefault(team, team if name is None or name == "" else str(name))
        return cls(
            collector_ids=collector_ids,
            collector_names=names,
            team_ids=team_ids,
            team_names=tuple(first_names[t] for t in team_ids),
            team_of=dict(zip(collector_ids, team_col, strict=True)),
        )

    def members(self, team_id: str) -> tuple[str, ...]:
        return tuple(c for c in self.collector_ids if self.team_of[c] == team_id)
