"""The document a report is written into: python-docx's default, or an organisation's own.

Pandoc-style: an organisation's Word file (``--reference-docx``) is opened as
the base document; its body content is cleared but its final section
properties (page size, margins, header and footer references) are kept, so
the report inherits its styles, page setup, header and footer.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from reportgen.errors import ReportgenError


class ReferenceDocxError(ReportgenError):
    """Raised when the --reference-docx file cannot be read as a Word document."""


_TEMPLATE_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOCUMENT_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

# Parts the body never refers to by r:id but the document needs (styles,
# numbering, ...). Everything else the cleared body no longer refers to
# (pictures, charts, comments, hyperlinks of the old content) is dropped, so
# none of the reference's own content travels into a report.
_KEPT_RELATIONSHIPS = frozenset(
    {
        RT.STYLES,
        RT.NUMBERING,
        RT.SETTINGS,
        RT.THEME,
        RT.FONT_TABLE,
        RT.WEB_SETTINGS,
        RT.FOOTNOTES,
        RT.ENDNOTES,
        RT.CUSTOM_XML,
        RT.GLOSSARY_DOCUMENT,
    }
)
_RELATIONSHIP_ATTRIBUTE = re.compile(
    r"^\{http://schemas\.openxmlformats\.org/officeDocument/2006/relationships\}"
)


def open_base_document(reference_docx: Path | None) -> DocumentObject:
    """The document to write into, with an empty body and the reference's page setup."""
    document = Document() if reference_docx is None else _open_reference(Path(reference_docx))
    _clear_body(document)
    _drop_unreferenced_parts(document)
    return document


def _open_reference(path: Path) -> DocumentObject:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReferenceDocxError(f"{path}: cannot read the reference Word file ({exc})") from None
    try:
        # A Word template (.dotx) is a document with another content type.
        data = _template_as_document(data)
        return Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReferenceDocxError(
            f"{path}: not a Word .docx or .dotx file ({exc}); "
            "save it from Word as 'Word Document (*.docx)'"
        ) from None


def _template_as_document(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        content_types = source.read("[Content_Types].xml")
        if _TEMPLATE_MAIN not in content_types:
            return data
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                payload = source.read(info)
                if info.filename == "[Content_Types].xml":
                    payload = payload.replace(_TEMPLATE_MAIN, _DOCUMENT_MAIN)
                target.writestr(info, payload)
    return buffer.getvalue()


def _clear_body(document: DocumentObject) -> None:
    body = document.element.body
    final_section = body.find(qn("w:sectPr"))
    for child in list(body):
        if child is not final_section:
            body.remove(child)


def _drop_unreferenced_parts(document: DocumentObject) -> None:
    part = document.part
    referenced = {
        value
        for element in part.element.iter()
        for name, value in element.attrib.items()
        if _RELATIONSHIP_ATTRIBUTE.match(name)
    }
    for rel_id, rel in list(part.rels.items()):
        if rel_id not in referenced and rel.reltype not in _KEPT_RELATIONSHIPS:
            del part.rels[rel_id]
    # The package thumbnail is a picture of some other document's first page.
    package_rels = part.package.rels
    for rel_id, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package_rels[rel_id]
