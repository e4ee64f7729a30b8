"""Deterministic .docx bytes: the same document always gives the same file.

python-docx stamps every zip entry with the current time. Its parts are
written here instead, straight into one zip with a fixed time, fixed
attributes and a fixed order, which also compresses each part once (saving
with python-docx and rewriting the zip would compress everything twice).
Pictures and embedded workbooks are stored, not deflated: they are compressed already.
(Timestamps inside docProps/core.xml are set by the builder.)
"""

from __future__ import annotations

import io
import zipfile

from docx.document import Document as DocumentObject
from docx.opc.packuri import PACKAGE_URI

# python-docx builds [Content_Types].xml with this; it has no public name.
from docx.opc.pkgwriter import _ContentTypesItem

# The MS-DOS epoch: the earliest time a zip entry can carry.
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Readers find the package's parts through these two, so they lead.
_FIRST_ENTRIES = ("[Content_Types].xml", "_rels/.rels")
_ALREADY_COMPRESSED = (".png", ".jpg", ".jpeg", ".gif", ".xlsx")


def document_bytes(document: DocumentObject) -> bytes:
    """The .docx file of ``document``, byte for byte the same for the same content."""
    package = document.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    entries = {
        "[Content_Types].xml": _ContentTypesItem.from_parts(parts).blob,
        PACKAGE_URI.rels_uri.membername: package.rels.xml,
    }
    for part in parts:
        entries[part.partname.membername] = part.blob
        if len(part.rels):
            entries[part.partname.rels_uri.membername] = part.rels.xml
    return write_zip(entries)


def write_zip(entries: dict[str, bytes]) -> bytes:
    """A zip of ``entries`` with fixed entry times, attributes and order."""
    names = [n for n in _FIRST_ENTRIES if n in entries]
    names += sorted(n for n in entries if n not in _FIRST_ENTRIES)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            stored = name.lower().endswith(_ALREADY_COMPRESSED)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.create_system = 0  # as Word writes it, whatever the platform
            info.external_attr = 0
            target.writestr(info, entries[name], compresslevel=None if stored else 6)
    return buffer.getvalue()
