"""Numbering definitions for Markdown lists: bullets, and numbers that restart per list.

The base document's own list numbering (if any) cannot be relied on: python-
docx's "List Number" style continues one count through the whole document,
and a reference document may define none. So the builder adds one bullet and
one decimal definition of its own (nine levels, for nested lists); each
ordered list gets its own ``w:num`` with a start override, so every list
counts from its own first number, as in the Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass

from docx.document import Document as DocumentObject
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement

LEVELS = 9
_INDENT_TWIPS = 420  # two Chinese characters of body text per level
_BULLETS = ("•", "◦", "▪")


@dataclass(frozen=True)
class ListNumbering:
    """The abstract definitions the builder added, and the one bullet instance."""

    bullet_abstract_id: int
    decimal_abstract_id: int
    bullet_num_id: int


def add_list_definitions(document: DocumentObject) -> ListNumbering:
    numbering = document.part.numbering_part.element
    taken = [int(v) for v in numbering.xpath("./w:abstractNum/@w:abstractNumId")]
    bullet_id = max(taken, default=-1) + 1
    decimal_id = bullet_id + 1
    for abstract in (_abstract(bullet_id, bullet=True), _abstract(decimal_id, bullet=False)):
        # All w:abstractNum elements precede the first w:num.
        existing = numbering.findall(qn("w:abstractNum"))
        first_num = numbering.find(qn("w:num"))
        if existing:
            existing[-1].addnext(abstract)
        elif first_num is not None:
            first_num.addprevious(abstract)
        else:
            numbering.insert(0, abstract)
    bullet_num = numbering.add_num(bullet_id)
    return ListNumbering(
        bullet_abstract_id=bullet_id,
        decimal_abstract_id=decimal_id,
        bullet_num_id=bullet_num.numId,
    )


def new_ordered_list(
    document: DocumentObject, numbering: ListNumbering, level: int, start: int
) -> int:
    """A fresh numbering instance for one ordered list: returns its numId."""
    element = document.part.numbering_part.element
    num = element.add_num(numbering.decimal_abstract_id)
    override = num.add_lvlOverride(ilvl=level)
    override.add_startOverride(start)
    return num.numId


def _abstract(abstract_id: int, *, bullet: bool) -> BaseOxmlElement:
    levels = "".join(_level(level, bullet=bullet) for level in range(LEVELS))
    return parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        f'<w:multiLevelType w:val="hybridMultilevel"/>{levels}</w:abstractNum>'
    )


def _level(level: int, *, bullet: bool) -> str:
    if bullet:
        fmt, text = "bullet", _BULLETS[level % len(_BULLETS)]
    else:
        fmt, text = "decimal", f"%{level + 1}."
    left = _INDENT_TWIPS * (level + 1)
    return (
        f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{left}" w:hanging="{_INDENT_TWIPS}"/></w:pPr></w:lvl>'
    )


def indent_twips(level: int) -> int:
    """Left indent of a list level: for a list item's second paragraph, which has no number."""
    return _INDENT_TWIPS * (level + 1)
