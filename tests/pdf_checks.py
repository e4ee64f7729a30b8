"""What an archivist checks in a PDF/A, shared by the PDF, demo and archive tests."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader


def metadata_xml(reader: PdfReader) -> str:
    return reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")


def fonts(reader: PdfReader) -> dict:
    """Base font name → font dictionary of every font the pages use."""
    seen = {}
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descendant = descendant.get_object()
                seen[str(descendant.get("/BaseFont"))] = descendant
    return seen


def assert_pdf_a(pdf: bytes, language: str, title: str) -> PdfReader:
    """PDF/A-2b identification, an output intent, tags, every font embedded (the bundled
    one), the language and the title."""
    reader = PdfReader(io.BytesIO(pdf))
    metadata = metadata_xml(reader)
    assert re.search(r"pdfaid:part(>|=\")2", metadata)
    assert re.search(r"pdfaid:conformance(>|=\")B", metadata)
    assert title in metadata
    root = reader.trailer["/Root"]
    assert root["/Lang"] == language
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    assert "/StructTreeRoot" in root  # tagged
    used = fonts(reader)
    assert used
    for name, font in used.items():
        descriptor = font["/FontDescriptor"].get_object()
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), name
        assert "NotoSansSC" in name  # the bundled font, never a system one
    return reader
