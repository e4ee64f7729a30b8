"""What a loaded data source holds, in a few plain lines (``reportgen validate``)."""

from __future__ import annotations

import pandas as pd

from reportgen.data.dataset import DATE_COLUMNS, TABLES
from reportgen.store import Store


def describe_store(store: Store) -> str:
    """Tables and row counts, months of the snapshots, span of each dated table, people.

    Deterministic: the same source always gives the same text. Skipped rows are
    not repeated here: the command line reports them on stderr.
    """
    lines = ["Tables:"]
    width = max(len(name) for name in TABLES)
    for name in TABLES:
        if not store.has(name):
            lines.append(f"  {name:<{width}}  (absent)")
            continue
        source = store.sources.get(name)
        origin = f"  from {source.name}" if source is not None else ""
        if name in store.relations:
            origin = f"  from table {store.relations[name]}"
        lines.append(f"  {name:<{width}}  {store.row_counts[name]:>12,} rows{origin}")

    months = list(store.snapshot_months)
    if months:
        line = f"Months (accounts): {months[0]}..{months[-1]}, {len(months)} month(s)"
        lines.append(line + _missing_months(months))
    else:
        lines.append("Months (accounts): none")

    for name in DATE_COLUMNS:
        if not store.has(name):
            continue
        span = store.date_spans.get(name)
        if span is None:
            lines.append(f"Span of {name}: no rows")
        else:
            lines.append(f"Span of {name}: {span[0]}..{span[1]}")

    collectors = store.collectors
    lines.append(f"Collectors: {collectors['collector_id'].nunique()}")
    lines.append(f"Teams: {collectors['team_id'].nunique()}")
    return "\n".join(lines)


# Missing months named in full up to this many; beyond, the rest are counted.
_MISSING_NAMED = 12


def _missing_months(months: list[str]) -> str:
    """``"; missing: 2024-08"`` for the months absent between the first and last ("" if none).

    A gap in the snapshots changes every month-on-month figure around it, so
    it is said, not left for the reader to notice from the count.
    """
    every = pd.period_range(months[0], months[-1], freq="M").strftime("%Y-%m")
    present = set(months)
    missing = [month for month in every if month not in present]
    if not missing:
        return ""
    named = ", ".join(missing[:_MISSING_NAMED])
    rest = len(missing) - _MISSING_NAMED
    if rest > 0:
        named += f" and {rest} more ({len(missing)} in all)"
    return f"; missing: {named}"
