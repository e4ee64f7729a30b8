"""Text as it may go into a .docx: every string the Word writer puts in passes through here.

A name from the data can hold anything a CSV cell or a workbook can: NUL, other control
characters, a lone surrogate from a badly decoded export. XML 1.0 cannot carry them, and lxml
refuses the whole document for one of them; Word would show the rest as boxes. So
:func:`xml_text` removes them, once, for body text, table cells, header and footer, the core
properties, picture descriptions and link targets alike. Fields Word (or python-docx) limits
in length go through :func:`bounded`.
"""

from __future__ import annotations

import re

# Not allowed in XML 1.0 (C0 controls but tab, line feed and carriage return; lone surrogates;
# U+FFFE and U+FFFF), and DEL and the C1 controls, which XML allows but no reader shows.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
ELLIPSIS = "…"
# python-docx refuses a core property (title, subject, author...) over 255 characters.
CORE_PROPERTY_CHARS = 255


def xml_text(text: str) -> str:
    """``text`` without the characters XML cannot carry or a reader cannot show."""
    return _NOT_TEXT.sub("", text)


def bounded(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, an ellipsis marking the cut."""
    if len(text) <= limit:
        return text
    return text[: limit - len(ELLIPSIS)].rstrip() + ELLIPSIS


def core_property(text: str) -> str:
    """A core property value: XML-safe and within the length Word's properties allow."""
    return bounded(xml_text(text), CORE_PROPERTY_CHARS)


def escape_text(text: str) -> str:
    """``text`` as XML character data."""
    text = xml_text(text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attribute(text: str) -> str:
    """``text`` as a double-quoted XML attribute value."""
    return escape_text(text).replace('"', "&quot;")
