"""Lists of choices given as text on the command line: ``--lang zh-CN,en``, ``--format md``."""

from __future__ import annotations

from collections.abc import Sequence

from reportgen.errors import ReportgenError


def split_list(value: str | Sequence[str], what: str, allowed: Sequence[str]) -> tuple[str, ...]:
    """Parse ``"zh-CN,en"`` (or a sequence) into unique items, order kept, each in ``allowed``.

    Letter case does not matter (``zh-tw``, ``MD``): each item comes back as ``allowed``
    spells it.
    """
    items = value.split(",") if isinstance(value, str) else list(value)
    canonical = {choice.casefold(): choice for choice in allowed}
    chosen: list[str] = []
    for raw in items:
        item = str(raw).strip()
        if not item:
            continue
        if item.casefold() not in canonical:
            raise ReportgenError(
                f"unknown {what} {item!r}; expected one or more of {', '.join(allowed)}"
            )
        if canonical[item.casefold()] not in chosen:
            chosen.append(canonical[item.casefold()])
    if not chosen:
        raise ReportgenError(f"no {what} given; expected one or more of {', '.join(allowed)}")
    return tuple(chosen)
