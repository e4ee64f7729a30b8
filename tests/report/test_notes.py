"""Notes files: paragraphs per section, and a clear error for anything else."""

from __future__ import annotations

import pytest

from reportgen.render.notes import SECTIONS, Notes, NotesError, load_notes, parse_notes


def test_paragraphs_per_section_in_order():
    notes = parse_notes("plans:\n  - 第一段\n  - 第二段\noverview: 一段话\nmethods:\n")
    assert notes.get("plans") == ("第一段", "第二段")
    assert notes.get("overview") == ("一段话",)
    assert notes.get("methods") == () and notes.get("problems") == ()
    assert list(notes.as_context()) == list(SECTIONS)


def test_line_breaks_inside_a_paragraph_are_joined_and_blank_ones_dropped():
    notes = parse_notes("results:\n  - |\n    第一行\n    第二行\n  - '   '\n")
    assert notes.get("results") == ("第一行 第二行",)


def test_an_empty_file_has_no_notes():
    assert parse_notes("") == Notes()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "challenges:\n  - x\n",
            "notes.yaml: unknown section 'challenges'; expected one of overview",
        ),
        ("- just a list\n", "notes.yaml: expected sections"),
        ("plans:\n  nested: map\n", "notes.yaml: section 'plans' must be a list of paragraphs"),
        ("plans: [ok, [nested]]\n", "section 'plans' must be a list of paragraphs"),
        ("plans: [unclosed\n", "notes.yaml: not valid YAML"),
    ],
)
def test_bad_notes_name_the_file_and_the_problem(text, message):
    with pytest.raises(NotesError, match=message.replace("[", r"\[").replace("(", r"\(")):
        parse_notes(text, origin="notes.yaml")


def test_load_notes_reads_utf8_with_or_without_bom(tmp_path):
    path = tmp_path / "C001.yaml"
    path.write_bytes("\ufeffproblems:\n  - 客户失业\n".encode())
    assert load_notes(path).get("problems") == ("客户失业",)
    path.write_bytes("problems:\n  - 客户失业\n".encode("gbk"))
    with pytest.raises(NotesError, match="must be UTF-8"):
        load_notes(path)
    with pytest.raises(NotesError, match="not found"):
        load_notes(tmp_path / "missing.yaml")


def test_every_value_is_text_exactly_as_written():
    notes = parse_notes("plans:\n  - 010\n  - 12:30\n  - yes\n  - 2024-09-30\n  - 0x1F\n  - .inf\n")
    assert notes.get("plans") == ("010", "12:30", "yes", "2024-09-30", "0x1F", ".inf")
    assert parse_notes("overview: 1_000\n").get("overview") == ("1_000",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("plans: [a]\noverview: [b]\nplans: [c]\n", "n.yaml, line 3: 'plans' appears twice"),
        ("plans:\n  - {k: 1, k: 2}\n", "n.yaml, line 2: 'k' appears twice"),
        ("a: &x [p, p]\nplans: *x\n", "n.yaml, line 2: anchors and aliases"),
        ("plans: " + "[" * 3000 + "]" * 3000, "n.yaml, line 1: nested more than 10"),
        ("plans: " + "{a: " * 3000 + "x" + "}" * 3000, "nested more than 10"),
    ],
)
def test_repeated_keys_aliases_and_deep_nesting_are_refused(text, message):
    with pytest.raises(NotesError, match=message):
        parse_notes(text, origin="n.yaml")


def test_an_empty_section_has_no_paragraphs():
    assert parse_notes("plans:\noverview: ''\n") == Notes()


def test_a_notes_file_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    from reportgen.render import notes as notes_module

    monkeypatch.setattr(notes_module, "NOTES_LIMIT_BYTES", 100)
    path = tmp_path / "big.yaml"
    path.write_text("plans:\n  - " + "x" * 200 + "\n", encoding="utf-8")
    with pytest.raises(NotesError, match="big.yaml: larger than 100 bytes"):
        load_notes(path)
    with pytest.raises(NotesError, match="is a folder"):
        load_notes(tmp_path)
