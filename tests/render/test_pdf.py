"""PDF/A reports: what an archivist checks (PDF/A identification, output intent, fonts
embedded, language, title, bookmarks) and what a reader checks (the title, the six
sections in order, the key figures), in every language; and that nothing from the data
runs as Typst code.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from pdf_checks import assert_pdf_a
from reportgen.config import Config
from reportgen.errors import TemplateError
from reportgen.metrics import MetricsEngine
from reportgen.periods import parse_period
from reportgen.render.notes import parse_notes
from reportgen.render.report import Renderer, ReportOptions, build_report_models
from reportgen.scope import Scope
from reportgen.store.open import open_store
from section_headings import SECTION_HEADINGS

PAGE_WORDS = {"zh-CN": "第 1 页 共", "zh-TW": "第 1 頁 共", "en": "Page 1 of"}


@pytest.fixture(scope="module")
def review_models(small_source):
    config = Config()
    store = open_store(small_source, config)
    engine = MetricsEngine(store, config)
    scopes = [Scope.collector("C001"), Scope.team("T01")]
    return config, build_report_models(engine, parse_period("2024"), scopes, config)


def _render(config, model, language, notes=None, templates_dir=None):
    options = ReportOptions.build(language, "md,pdf", templates_dir=templates_dir)
    report = Renderer(config, options).render(model, notes)
    (pdf_name,) = [name for name in report.files if name.endswith(".pdf")]
    markdown = next(v for k, v in report.files.items() if k.endswith(".md")).decode()
    return report, report.files[pdf_name], markdown


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("language", ["zh-CN", "zh-TW", "en"])
def test_a_review_is_pdf_a_with_embedded_fonts_language_title_and_bookmarks(
    review_models, language
):
    config, (review, _team) = review_models
    report, pdf, markdown = _render(config, review, language)
    reader = assert_pdf_a(pdf, language, report.title)
    outline = reader.outline
    assert outline and outline[0].title == report.title


@pytest.mark.parametrize("language", ["zh-CN", "zh-TW", "en"])
def test_the_pdf_says_what_the_markdown_says(review_models, language):
    config, (review, team) = review_models
    for model in (review, team):
        report, pdf, markdown = _render(config, model, language)
        text = _compact(_text(pdf))
        assert _compact(report.title) in text
        positions = [text.find(_compact(heading)) for heading in SECTION_HEADINGS[language]]
        assert -1 not in positions, positions
        assert positions == sorted(positions)
        # The key figures as the Markdown prints them (12,345.67 and 38.5%).
        figures = re.findall(r"\d{1,3}(?:,\d{3})+\.\d{2}|\d+\.\d%", markdown)
        assert figures
        for figure in figures[:15]:
            assert figure in text
        assert _compact(PAGE_WORDS[language]) in text


def test_same_report_same_pdf_bytes(review_models):
    config, (review, _team) = review_models
    assert _render(config, review, "zh-CN")[1] == _render(config, review, "zh-CN")[1]


HOSTILE = (
    '#read("/etc/passwd")',
    '#import "@preview/cetz:0.2.0"',
    "$ x^2 $",
    "= heading",
    "x" * 200,
)


def test_typst_code_in_names_and_notes_is_printed_not_run(review_models):
    config, (review, _team) = review_models
    # Names are Markdown-escaped by the templates: *bold* and _it_ stay letters too.
    name = "张三 #set page(fill: red) $ y $ *bold* _it_ <label> @ref back\\slash \\\\ #"
    model = replace(review, scope=replace(review.scope, name=name))
    lines = "\n".join(f"  - {yaml_quoted(text)}" for text in HOSTILE)
    notes = parse_notes(f"overview:\n{lines}\n", origin="notes.yaml")
    _report, pdf, markdown = _render(config, model, "en", notes=notes)
    text = _compact(_text(pdf))
    assert _compact(name) in text
    for hostile in HOSTILE[:-1]:
        assert _compact(hostile) in text, hostile
    assert "root:" not in text  # /etc/passwd was not read
    assert "x" * 120 in text  # the long word is set, broken where it must be


def test_typst_code_in_a_table_cell_is_printed_not_run(review_models):
    config, (_review, team) = review_models
    # Table cells that are plain text are written as string literals, not markup.
    name = '#read("/etc/passwd") $ y $ "quoted" back\\slash'
    members = (replace(team.members[0], name=name), *team.members[1:])
    _report, pdf, markdown = _render(config, replace(team, members=members), "en")
    assert "read" in markdown  # the name is in a table of the Markdown
    text = _compact(_text(pdf))
    assert _compact(name) in text
    assert "root:" not in text


def yaml_quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def test_an_organisations_style_file_sets_the_look(review_models, tmp_path):
    config, (review, _team) = review_models
    (tmp_path / "style.typ").write_text(
        "#set page(header: align(right, text(size: 8pt)[ACME 信用卡中心]))\n"
        '#show heading: set text(fill: rgb("#8B0000"))\n',
        encoding="utf-8",
    )
    _report, pdf, _markdown = _render(config, review, "zh-CN", templates_dir=tmp_path)
    assert "ACME信用卡中心" in _compact(_text(pdf))


@pytest.mark.parametrize(
    "style",
    ['#import "@preview/cetz:0.2.0"', '#let x = read("/etc/passwd")', '#include "other.typ"'],
)
def test_a_style_file_may_not_reach_outside_its_document(review_models, tmp_path, style):
    config, (review, _team) = review_models
    (tmp_path / "style.typ").write_text(f"#set text(size: 11pt)\n{style}\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"style\.typ, line 2"):
        _render(config, review, "zh-CN", templates_dir=tmp_path)


def test_the_demo_writes_the_reviews_pdf(demo_output):
    out, paths = demo_output
    pdfs = [p for p in paths if p.suffix == ".pdf"]
    assert len(pdfs) == 1 and pdfs[0].name.endswith("_2024_zh-CN.pdf")
    markdown = pdfs[0].with_suffix(".md").read_text(encoding="utf-8")
    title = markdown.splitlines()[0].removeprefix("# ")
    assert_pdf_a(Path(pdfs[0]).read_bytes(), "zh-CN", title)
