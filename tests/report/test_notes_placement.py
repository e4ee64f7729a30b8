"""Notes sit under a sub-heading of their own at the end of their section, in Markdown and
Word: never under whichever sub-heading the section happened to end with."""

from __future__ import annotations

import docx
import pytest

from hostile.corpus import PERIOD, run, tiny_source
from reportgen.render.notes import SECTIONS

HEADING = {"zh-CN": "本人补充", "zh-TW": "本人補充", "en": "In my own words"}


@pytest.mark.parametrize("language", ["zh-CN", "zh-TW", "en"])
def test_each_sections_notes_follow_their_own_heading(tmp_path, language):
    source = tiny_source(tmp_path / "data")
    notes = tmp_path / "notes.yaml"
    notes.write_text(
        "".join(f"{section}:\n  - NOTE-{section}\n" for section in SECTIONS), encoding="utf-8"
    )
    out = tmp_path / "out"
    result = run(
        "report", source, "--period", PERIOD, "--collector", "C001", "--lang", language,
        "--notes", notes, "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output

    markdown = (out / f"C001_{PERIOD}_{language}.md").read_text(encoding="utf-8")
    sections = markdown.split("\n## ")[1:]
    assert len(sections) == 6
    for section, text in zip(SECTIONS, sections, strict=True):
        blocks = [block.strip() for block in text.split("\n\n") if block.strip()]
        note = blocks.index(f"NOTE-{section}")
        assert blocks[note - 1] == f"### {HEADING[language]}", (section, blocks)
        assert all(not block.startswith("#") for block in blocks[note:]), (section, blocks)

    document = docx.Document(str(out / f"C001_{PERIOD}_{language}.docx"))
    last_heading = None
    for paragraph in document.paragraphs:
        if paragraph.style.name.startswith("Heading"):
            last_heading = paragraph
        elif paragraph.text.startswith("NOTE-"):
            assert last_heading is not None and last_heading.text == HEADING[language]


def test_a_section_without_notes_gets_no_empty_heading(tmp_path):
    source = tiny_source(tmp_path / "data")
    notes = tmp_path / "notes.yaml"
    notes.write_text("plans:\n  - 下月重点跟进 M2 账户。\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run(
        "report", source, "--period", PERIOD, "--collector", "C001", "--notes", notes,
        "--out", out, "--format", "md",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    markdown = (out / f"C001_{PERIOD}_zh-CN.md").read_text(encoding="utf-8")
    assert markdown.count("### 本人补充") == 1
    assert markdown.endswith("### 本人补充\n\n下月重点跟进 M2 账户。\n")
