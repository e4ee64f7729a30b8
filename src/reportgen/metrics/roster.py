"""Who is on which team, from the ``collectors`` table (the roster as given)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Roster:
    collector_ids: tuple[str, ...]  # sorted
    collector_names: tuple[str, ...]
    team_ids: tuple[str, ...]  # sorted
    team_names: tuple[str, ...]
    team_of: dict[str, str]  # collector id → team id

    @classmethod
    def of(cls, collectors: pd.DataFrame) -> Roster:
        frame = collectors.sort_values("collector_id", kind="stable")
        collector_ids = tuple(frame["collector_id"].astype(str))
        names = tuple("" if pd.isna(n) else str(n) for n in frame["name"])
        team_col = tuple(frame["team_id"].astype(str))
        team_ids = tuple(sorted(set(team_col)))
        team_name_col = frame["team_name"] if "team_name" in frame.columns else team_col
        first_names: dict[str, str] = {}
        for team, name in zip(team_col, team_name_col, strict=True):
            first_names.setdefault(team, team if pd.isna(name) or name == "" else str(name))
        return cls(
            collector_ids=collector_ids,
            collector_names=names,
            team_ids=team_ids,
            team_names=tuple(first_names[t] for t in team_ids),
            team_of=dict(zip(collector_ids, team_col, strict=True)),
        )

    def members(self, team_id: str) -> tuple[str, ...]:
        return tuple(c for c in self.collector_ids if self.team_of[c] == team_id)
