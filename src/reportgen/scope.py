"""Who a report is about: one collector, one team, or all collectors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ScopeKind = Literal["collector", "team", "all"]


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    id: str | None = None

    @classmethod
    def collector(cls, collector_id: str) -> Scope:
        return cls("collector", collector_id)

    @classmethod
    def team(cls, team_id: str) -> Scope:
        return cls("team", team_id)

    @classmethod
    def everyone(cls) -> Scope:
        return cls("all", None)
