"""Deterministic .docx bytes: the same document always gives the same file.

python-docx stamps every zip entry with the current time; rewriting the zip
with a fixed time, fixed attributes and a fixed order removes the clock from
the file. (Timestamps inside docProps/core.xml are set by the builder.)
"""

from __future__ import annotations

import io
import zipfile

# The MS-DOS epoch: the earliest time a zip entry can carry.
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Readers find the package's parts through these two, so they lead.
_FIRST_ENTRIES = ("[Content_Types].xml", "_rels/.rels")


def normalise_zip(data: bytes) -> bytes:
    """Rewrite an OOXML zip with fixed entry times and a fixed entry order."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    names = [n for n in _FIRST_ENTRIES if n in entries]
    names += sorted(n for n in entries if n not in _FIRST_ENTRIES)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # as Word writes it, whatever the platform
            info.external_attr = 0
            target.writestr(info, entries[name], compresslevel=6)
    return buffer.getvalue()
