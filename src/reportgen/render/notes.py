"""A collector's own words: a YAML file of paragraphs per report section.

::

    problems:
      - 本月有两名客户失业，还款能力明显下降。
    plans:
      - 十月起每周复盘一次承诺还款。

Keys are the six section names; each holds a list of paragraphs (a single
string is taken as one paragraph). Anything else is an error naming the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from reportgen.errors import ReportgenError

SECTIONS = ("overview", "results", "methods", "problems", "improvements", "plans")


class NotesError(ReportgenError):
    """Raised when a notes file cannot be read or has an unknown section or a bad value."""


@dataclass(frozen=True)
class Notes:
    """Paragraphs per section; sections without notes are absent."""

    sections: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def get(self, section: str) -> tuple[str, ...]:
        return self.sections.get(section, ())

    def as_context(self) -> dict[str, list[str]]:
        return {name: list(self.get(name)) for name in SECTIONS}


def parse_notes(text: str, origin: str = "notes") -> Notes:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise NotesError(f"{origin}: not valid YAML ({exc})") from None
    if raw is None:
        return Notes()
    if not isinstance(raw, dict):
        raise NotesError(
            f"{origin}: expected sections ({', '.join(SECTIONS)}) each with a list of paragraphs"
        )
    sections: dict[str, tuple[str, ...]] = {}
    for key, value in raw.items():
        if key not in SECTIONS:
            raise NotesError(
                f"{origin}: unknown section '{key}'; expected one of {', '.join(SECTIONS)}"
            )
        if value is None:
            continue
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(
            isinstance(p, str | int | float) and not isinstance(p, bool) for p in items
        ):
            raise NotesError(f"{origin}: section '{key}' must be a list of paragraphs (text)")
        paragraphs = tuple(" ".join(str(p).split()) for p in items)
        sections[key] = tuple(p for p in paragraphs if p)
    return Notes(sections)


def load_notes(path: Path | str) -> Notes:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise NotesError(f"{path}: notes file not found") from None
    except UnicodeDecodeError:
        raise NotesError(f"{path}: notes must be UTF-8 text") from None
    except OSError as exc:
        raise NotesError(f"{path}: cannot read notes ({exc.strerror})") from None
    return parse_notes(text, origin=str(path))
