"""A collector's own words: a YAML file of paragraphs per report section.

::

    problems:
      - 本月有两名客户失业，还款能力明显下降。
    plans:
      - 十月起每周复盘一次承诺还款。

Keys are the six section names; each holds a list of paragraphs (a single
string is taken as one paragraph). Anything else is an error naming the key.

Notes are words, so every value is read as text exactly as written: ``010``
stays ``010`` and ``12:30`` stays ``12:30`` (YAML 1.1 would make them 8 and
750), ``yes`` stays ``yes``. A section written twice is an error, not a silent
loss of the first one. Anchors and aliases are refused (they only serve to
repeat, and repeated expansion is the "billion laughs" attack), as are files
over :data:`NOTES_LIMIT_BYTES` and nesting deeper than notes ever need.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import BaseConstructor
from yaml.nodes import MappingNode, Node, ScalarNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from reportgen.errors import ReportgenError
from reportgen.small_files import SmallFileError, read_small_text

SECTIONS = ("overview", "results", "methods", "problems", "improvements", "plans")

NOTES_LIMIT_BYTES = 1_000_000
# A notes file is a mapping of lists of text: depth 2. Some slack for the
# errors about a wrong shape to name the section, no more.
NOTES_DEPTH_LIMIT = 10


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


class _NotesYAMLError(yaml.YAMLError):
    """A rule of notes files broken: duplicate key, alias, nesting too deep."""


class _TextLoader(Reader, Scanner, Parser, Composer, BaseConstructor, BaseResolver):
    """PyYAML's BaseLoader (no implicit types: every scalar is text as written) plus rules.

    BaseResolver has no implicit resolvers, so nothing is turned into a number,
    a date or a boolean; BaseConstructor builds only str, list and dict.
    """

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        BaseConstructor.__init__(self)
        BaseResolver.__init__(self)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise _NotesYAMLError(
                f"line {mark.line + 1}: anchors and aliases (*name) are not allowed in notes; "
                "write the text out"
            )
        self._depth += 1
        if self._depth > NOTES_DEPTH_LIMIT:
            mark = self.peek_event().start_mark
            raise _NotesYAMLError(
                f"line {mark.line + 1}: nested more than {NOTES_DEPTH_LIMIT} levels deep; "
                "notes are sections holding lists of paragraphs"
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[str, int] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, ScalarNode):
                line = key_node.start_mark.line + 1
                if key_node.value in seen:
                    raise _NotesYAMLError(
                        f"line {line}: '{key_node.value}' appears twice (first on line "
                        f"{seen[key_node.value]}); write all its paragraphs under one key"
                    )
                seen[key_node.value] = line
        return super().construct_mapping(node, deep=deep)


def _load_text_yaml(text: str) -> Any:
    loader = _TextLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def parse_notes(text: str, origin: str = "notes") -> Notes:
    if len(text) > NOTES_LIMIT_BYTES:  # characters ≤ bytes: a cheap first bound
        raise NotesError(f"{origin}: larger than {NOTES_LIMIT_BYTES:,} bytes; refused")
    try:
        raw = _load_text_yaml(text)
    except _NotesYAMLError as exc:
        raise NotesError(f"{origin}, {exc}") from None
    except yaml.YAMLError as exc:
        raise NotesError(f"{origin}: not valid YAML ({exc})") from None
    if raw is None or raw == "":
        return Notes()
    if not isinstance(raw, dict):
        raise NotesError(
            f"{origin}: expected sections ({', '.join(SECTIONS)}) each with a list of paragraphs"
        )
    return Notes({key: paragraphs for key, paragraphs in _sections(raw, origin) if paragraphs})


def _sections(raw: dict[Any, Any], origin: str) -> list[tuple[str, tuple[str, ...]]]:
    sections = []
    for key, value in raw.items():
        if key not in SECTIONS:
            raise NotesError(
                f"{origin}: unknown section '{key}'; expected one of {', '.join(SECTIONS)}"
            )
        # With no implicit types an empty value is "" (not None): no paragraphs.
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(p, str) for p in items):
            raise NotesError(f"{origin}: section '{key}' must be a list of paragraphs (text)")
        for paragraph in items:
            if _UNWRITABLE.search(paragraph):
                raise NotesError(
                    f"{origin}: section '{key}' holds a control character or an unpaired "
                    f"surrogate (an escape such as \\x1b or \\ud800), which no report can "
                    f"show: {paragraph[:40]!r}"
                )
        paragraphs = tuple(" ".join(p.split()) for p in items)
        sections.append((key, tuple(p for p in paragraphs if p)))
    return sections


# Characters a paragraph cannot carry into Markdown, Word or a terminal: controls other
# than tab and line breaks (which become spaces), and lone surrogates (YAML's "\ud800"
# escape), which no UTF-8 file can hold.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def load_notes(path: Path | str) -> Notes:
    path = Path(path)
    try:
        text = read_small_text(path, NOTES_LIMIT_BYTES, what="notes file", encoding="utf-8-sig")
    except SmallFileError as exc:
        raise NotesError(str(exc)) from None
    return parse_notes(text, origin=str(path))
