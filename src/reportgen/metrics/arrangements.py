"""Arrangement and complaint metrics (spec/metrics.md, Arrangements and complaints)."""

from __future__ import annotations

from reportgen.metrics.context import ARRANGEMENT_KINDS, PeriodQuery, ScopeKey, count_where, ordered
from reportgen.metrics.figures import money, ratio


def compute(q: PeriodQuery, state: dict) -> dict[ScopeKey, dict]:
    w = q.window
    out: dict[ScopeKey, dict] = {scope: {} for scope in q.scopes}

    if "arrangements" in q.covered and q.wants(
        "arrangements", "arrangements_by_kind", "arranged_amount"
    ):
        rows = q.by_scope(
            "SELECT scope_kind, scope_id, kind, count(*), sum(COALESCE(amount, 0)) FROM ("
            f"{q.scoped('arrangements', w.dates('t.created_on'))}) a GROUP BY 1, 2, 3"
        )
        for scope in q.scopes:
            kinds = {kind: (int(n), int(cents)) for kind, n, cents in rows.get(scope, [])}
            out[scope].update(
                arrangements=sum(n for n, _ in kinds.values()),
                arrangements_by_kind={k: kinds[k][0] for k in ordered(kinds, ARRANGEMENT_KINDS)},
                arranged_amount=money(sum(cents for _, cents in kinds.values())),
            )
    else:
        for scope in q.scopes:
            out[scope].update(arrangements=None, arrangements_by_kind=None, arranged_amount=None)

    if "complaints" not in q.covered:
        for scope in q.scopes:
            out[scope].update(
                complaints=None, upheld_complaints=None, complaints_per_1k_contacts=None
            )
        return out
    has_upheld = q.store.has_column("complaints", "upheld")
    upheld = count_where("upheld") if has_upheld else "0"
    rows = q.by_scope(
        f"SELECT scope_kind, scope_id, count(*), {upheld} FROM ("
        f"{q.scoped('complaints', w.dates('t.received_on'))}) c GROUP BY 1, 2"
    )
    for scope in q.scopes:
        received, upheld_count = tuple(int(v) for v in rows[scope][0]) if scope in rows else (0, 0)
        contacts = state[scope].get("contacts")
        out[scope].update(
            complaints=received,
            upheld_complaints=upheld_count if has_upheld else None,
            complaints_per_1k_contacts=(
                None if contacts is None else ratio(received * 1000, contacts)
            ),
        )
    return out
