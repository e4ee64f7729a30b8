"""Charts for reports: plain data in (a :class:`ChartSpec`), PNG bytes out.

The report model decides which charts a report has and fills their specs
with figures already computed; this module only draws them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ChartKind = Literal["bar", "grouped_bar", "bar_line"]
ValueFormat = Literal["money", "percent", "count"]


@dataclass(frozen=True)
class ChartSpec:
    """One chart, described in plain values.

    ``name`` is the file stem of the PNG (``recovery-by-channel``), unique in a
    report. ``series`` holds (label, values) pairs, one value per category;
    ``None`` is a missing value (drawn as a gap, never as 0). For
    ``bar_line`` the first series is drawn as bars on the left axis
    (``value_format``) and the second as a line on the right axis
    (``line_format``), e.g. twelve months of recovery and recovery rate.
    """

    name: str
    kind: ChartKind
    title: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]
    value_format: ValueFormat = "money"
    line_format: ValueFormat = "percent"
    value_axis_label: str = ""
    line_axis_label: str = ""
