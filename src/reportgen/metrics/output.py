"""``reportgen metrics`` output: a terminal table, the JSON document, or CSV.

All three are deterministic: the same document gives the same text. Keys keep
the spec's order (the order the engine builds them in), never sorted.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from rich import box
from rich.console import Console
from rich.table import Table

from reportgen.metrics.keys import MONEY_KEYS, RATIO_KEYS

FORMATS = ("table", "json", "csv")
_TABLE_WIDTH = 110


def format_document(document: dict, fmt: str) -> str:
    """Render a :func:`metrics_document` result as ``table``, ``json`` or ``csv`` text."""
    if fmt == "json":
        return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    if fmt == "csv":
        return _csv(document)
    if fmt == "table":
        return _table(document)
    raise ValueError(f"unknown metrics format {fmt!r}; expected one of {', '.join(FORMATS)}")


# -- flattening ------------------------------------------------------------------------------


def _flatten(prefix: str, value) -> Iterator[tuple[str, object]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _flatten(f"{prefix}.{key}", inner)
    else:
        yield prefix, value


def _rows(document: dict, *, members: bool = False) -> list[tuple]:
    """(top-level key, flat name, value, previous, year-ago[, member values...]) per leaf.

    A breakdown's leaves are the union over the three periods (a channel used
    only last period still gets a row) and, with ``members``, over the members'
    figures for this period, which follow in the document's member order; a
    metric null everywhere keeps one row.
    """
    periods = [
        document["metrics"],
        (document.get("previous") or {}).get("metrics"),
        (document.get("year_ago") or {}).get("metrics"),
    ]
    if members:
        periods += [member["metrics"] for member in document.get("members", [])]
    rows = []
    for key in document["metrics"]:
        flat = [dict(_flatten(key, m[key])) if m is not None else {} for m in periods]
        names = list(dict.fromkeys(name for f in flat for name in f)) or [key]
        for name in names:
            values = [f.get(name) for f in flat]
            rows.append((key, name, *values))
    return rows


# -- csv -------------------------------------------------------------------------------------


def _csv_value(value) -> str:
    if value is None:
        return ""
    return json.dumps(value, allow_nan=False)


def _csv(document: dict) -> str:
    """One row per metric leaf; a team or ``--all`` adds one column per member (this period)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    member_ids = [str(member["id"]) for member in document.get("members", [])]
    writer.writerow(["metric", "value", "previous", "year_ago", *member_ids])
    for _key, name, *values in _rows(document, members=True):
        writer.writerow([name, *(_csv_value(v) for v in values)])
    return buffer.getvalue()


# -- table -----------------------------------------------------------------------------------


def _leaf_kind(key: str, name: str) -> str:
    """How a leaf reads: "money", "ratio" or "count" (a bucket table's accounts are counts)."""
    if name.endswith(".accounts"):
        return "count"
    if name.endswith(".balance") or key in MONEY_KEYS:
        return "money"
    if key in RATIO_KEYS:
        return "ratio"
    return "count"


def _show(value, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "money":
        return f"{value:,.2f}"
    if kind == "ratio":
        return f"{value * 100:.2f}%"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{value:,.0f}"


def _change(value, previous, kind: str) -> str:
    if value is None or previous is None:
        return ""
    difference = value - previous
    if kind == "ratio":
        return f"{difference * 100:+.2f} pp"
    if kind == "money":
        return f"{difference:+,.2f}"
    if isinstance(difference, float) and not difference.is_integer():
        return f"{difference:+,.2f}"
    return f"{difference:+,.0f}"


def _heading(document: dict) -> str:
    scope = document["scope"]
    who = {"collector": "collector", "team": "team", "all": "all collectors"}[scope["kind"]]
    if scope["id"] is not None:
        who += f" {scope['id']}"
    if scope.get("name"):
        who += f" ({scope['name']})"
    period = document["period"]
    lines = [f"Metrics for {who}, {period['label']} ({period['start']} to {period['end']})"]
    for title, key in (("previous", "previous"), ("year ago", "year_ago")):
        other = document.get(key)
        label = other["period"]["label"] if other else "not covered by the accounts snapshots"
        lines.append(f"  {title}: {label}")
    return "\n".join(lines)


def _table(document: dict) -> str:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("metric")
    for title in ("this period", "previous", "change", "year ago"):
        table.add_column(title, justify="right")
    headed: set[str] = set()
    for key, name, value, previous, year_ago in _rows(document):
        kind = _leaf_kind(key, name)
        label = name if name == key else "  " + name[len(key) + 1 :]
        if name != key and key not in headed:  # a breakdown: its name, then one row per leaf
            headed.add(key)
            table.add_row(key, "", "", "", "")
        table.add_row(
            label,
            _show(value, kind),
            _show(previous, kind),
            _change(value, previous, kind),
            _show(year_ago, kind),
        )
    parts = [_heading(document), _render(table)]
    if "members" in document:
        parts.append(_render(_members_table(document["members"])))
    return "\n".join(parts)


_MEMBER_COLUMNS = (
    ("recovered_amount", "recovered"),
    ("recovery_rate", "recovery rate"),
    ("contacts", "contacts"),
    ("connect_rate", "connect rate"),
    ("ptp_kept_rate", "kept rate"),
    ("compliance_flags", "compliance flags"),
)


def _members_table(members: list[dict]) -> Table:
    table = Table(title="Members", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("id")
    table.add_column("name")
    for _key, title in _MEMBER_COLUMNS:
        table.add_column(title, justify="right")
    for member in members:
        metrics = member["metrics"]
        table.add_row(
            member["id"],
            member["name"] or "",
            *(_show(metrics[key], _leaf_kind(key, key)) for key, _title in _MEMBER_COLUMNS),
        )
    return table


def _render(table: Table) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=_TABLE_WIDTH,
        color_system=None,
        force_terminal=False,
        legacy_windows=False,
    )
    console.print(table)
    return buffer.getvalue()
