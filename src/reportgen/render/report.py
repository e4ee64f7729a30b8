"""Rendering reports: options, the renderer, and writing one report's files.

The flow for one report::

    ReportModel ──context──▶ Jinja (sandboxed) ──▶ Markdown ──▶ .md ◀── SVG (or PNG) charts
                                   │                   └──────▶ .docx (render.docx)
                              chart specs ──────────────────────▶ Word's own charts in the .docx

:class:`Renderer` prepares the template environment (and the Word builder)
once, so the archive can render thousands of models with one renderer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportgen.config import LANGUAGES, Config
from reportgen.errors import ReportgenError
from reportgen.narrative.formatting import Formatter
from reportgen.render.charts import ChartSpec

if TYPE_CHECKING:
    from reportgen.render.pdf import PdfProperties
from reportgen.render.model import ReportModel, build_report_models
from reportgen.render.notes import Notes, load_notes
from reportgen.render.templates import TEMPLATE_SUFFIX, make_environment, render_template
from reportgen.scope import Scope

__all__ = [
    "RenderedReport",
    "Renderer",
    "ReportOptions",
    "build_report_models",
    "no_data_note",
    "write_report",
]

FORMATS = ("md", "docx", "pdf")


@dataclass(frozen=True)
class ReportOptions:
    language: str
    formats: tuple[str, ...]
    notes: Notes | None = None
    templates_dir: Path | None = None
    reference_docx: Path | None = None

    @classmethod
    def build(
        cls,
        language: str,
        formats: str | Sequence[str],
        notes_path: Path | str | None = None,
        templates_dir: Path | str | None = None,
        reference_docx: Path | str | None = None,
    ) -> ReportOptions:
        if language not in LANGUAGES:
            raise ReportgenError(
                f"unknown language '{language}'; expected one of {', '.join(LANGUAGES)}"
            )
        return cls(
            language=language,
            formats=parse_formats(formats),
            notes=load_notes(notes_path) if notes_path is not None else None,
            templates_dir=Path(templates_dir) if templates_dir is not None else None,
            reference_docx=Path(reference_docx) if reference_docx is not None else None,
        )


def parse_formats(formats: str | Sequence[str]) -> tuple[str, ...]:
    """'md,docx' → ('md', 'docx'); order kept, duplicates dropped, any case, unknown refused."""
    from reportgen.choices import split_list

    return split_list(formats, "format", FORMATS)


@dataclass
class RenderedReport:
    basename: str
    files: dict[str, bytes]  # relative path → content
    title: str
    key_figures: dict[str, Any] = field(default_factory=dict)


# The figures the archive's index shows for every report.
KEY_FIGURES = (
    "recovered_amount",
    "recovery_rate",
    "connect_rate",
    "ptp_kept_rate",
    "contact_coverage",
    "complaints",
    "compliance_flags",
)


class Renderer:
    """Renders models in one language and set of formats; prepare once, render many."""

    def __init__(self, config: Config, options: ReportOptions) -> None:
        self.config = config
        self.options = options
        self.formatter = Formatter(options.language, config.organisation.currency)
        self.environment = make_environment(options.language, self.formatter, options.templates_dir)
        self._docx = None
        if "docx" in options.formats:
            from reportgen.render.docx import DocxBuilder

            self._docx = DocxBuilder(config, options.language, options.reference_docx)
        self._pdf = None
        if "pdf" in options.formats:
            from reportgen.render.pdf import PdfBuilder

            self._pdf = PdfBuilder(options.language, options.templates_dir)

    def basename(self, model: ReportModel) -> str:
        """The report's file name without suffix; the scope's id comes from the data, so it
        is made safe (no separators, no `..`, bounded length) before it names a file."""
        from reportgen.output import safe_name

        return f"{safe_name(model.basename_scope)}_{model.period.label}_{self.options.language}"

    def render_markdown(
        self, model: ReportModel, notes: Notes | None = None, *, draw_charts: bool = True
    ) -> tuple[str, dict[str, bytes]]:
        """(Markdown text, {relative image path: SVG or PNG bytes}).

        ``draw_charts=False`` gives the same text without drawing the charts (the
        image links do not depend on the drawing), for callers that need only words.
        """
        charts = self.chart_links(model)
        text = self._markdown(model, notes, charts)
        return text, self._draw(charts) if draw_charts else {}

    def chart_links(self, model: ReportModel) -> dict[str, tuple[str, ChartSpec]]:
        """Chart key (as templates name it) → (image path the Markdown links to, its spec)."""
        from reportgen.render.chart_specs import chart_specs

        basename = self.basename(model)
        suffix = self.config.charts.image_format
        return {
            key: (f"{basename}_files/{spec.name}.{suffix}", spec)
            for key, spec in chart_specs(model, self.options.language).items()
        }

    def _markdown(
        self, model: ReportModel, notes: Notes | None, charts: dict[str, tuple[str, ChartSpec]]
    ) -> str:
        from reportgen.render.context import build_context

        image_links = {key: f"![{spec.title}]({path})" for key, (path, spec) in charts.items()}
        chosen_notes = notes if notes is not None else self.options.notes
        context = build_context(model, self.formatter, chosen_notes, image_links)
        text = render_template(self.environment, model.kind + TEMPLATE_SUFFIX, context)
        text = tidy_markdown(text)
        if self.options.language.startswith("zh"):
            text = close_han_gaps(text)
        return text

    def _svg_pictures(
        self, charts: dict[str, tuple[str, ChartSpec]], drawn: dict[str, bytes]
    ) -> dict[str, bytes]:
        """Image link → SVG, for the PDF: vector charts whatever ``image_format`` says,
        reusing the Markdown's own when they are SVGs already."""
        from reportgen.render.charts import render_chart

        return {
            path: drawn[path] if path.endswith(".svg") and path in drawn
            else render_chart(spec, self.options.language)
            for path, spec in charts.values()
        }  # fmt: skip

    def _pdf_properties(self, model: ReportModel, title: str) -> PdfProperties:
        from datetime import date

        from reportgen.render.pdf import PdfProperties

        end = model.period.end
        return PdfProperties(
            title=title,
            subject=report_subject(model, self.options.language),
            author=report_author(model),
            organisation=model.organisation,
            keywords=(model.period.label, model.kind, str(model.scope.id or "all")),
            period_end=end if isinstance(end, date) else date.fromisoformat(end),
            language=self.options.language,
            header_text=model.organisation or title,
        )

    def _draw(self, charts: dict[str, tuple[str, ChartSpec]]) -> dict[str, bytes]:
        from reportgen.render.charts import render_chart

        image_format = self.config.charts.image_format
        return {
            path: render_chart(spec, self.options.language, image_format)
            for path, spec in charts.values()
        }

    def render(self, model: ReportModel, notes: Notes | None = None) -> RenderedReport:
        charts = self.chart_links(model)
        markdown = self._markdown(model, notes, charts)
        basename = self.basename(model)
        title = unescape_markdown(markdown_title(markdown) or "") or basename
        files: dict[str, bytes] = {}
        if "md" in self.options.formats:
            files[f"{basename}.md"] = markdown.encode("utf-8")
            # The Markdown links to the chart pictures; a Word file carries its own charts.
            files.update(self._draw(charts))
        if self._docx is not None:
            from reportgen.render.docx import DocProperties

            properties = DocProperties(
                title=title,
                subject=report_subject(model, self.options.language),
                author=report_author(model),
                period_start=model.period.start,
                period_end=model.period.end,
                language=self.options.language,
                header_text=model.organisation or title,
            )
            word_charts = dict(charts.values())
            files[f"{basename}.docx"] = self._docx.build(markdown, {}, properties, word_charts)
        if self._pdf is not None:
            files[f"{basename}.pdf"] = self._pdf.build(
                markdown, self._svg_pictures(charts, files), self._pdf_properties(model, title)
            )
        if charts:
            from reportgen.render.glyphs import save_chart_font_cache

            save_chart_font_cache()  # the next run then opens the font only for new letters
        return RenderedReport(
            basename=basename,
            files=dict(sorted(files.items())),
            title=title,
            key_figures={key: model.metrics.get(key) for key in KEY_FIGURES},
        )


def tidy_markdown(text: str) -> str:
    """One blank line between blocks, none inside a table or a list; one final newline.

    Templates write every paragraph on one line, so each line that is not a
    table row or a list item is a block of its own. Normalising here keeps
    templates free of whitespace bookkeeping, and the output byte-stable.
    """
    blocks: list[str] = []
    previous_kind = None
    for raw in text.strip().splitlines():
        line = raw.rstrip()
        if not line.strip():
            continue
        kind = _line_kind(line)
        if blocks and not (kind == previous_kind and kind in ("table", "list")):
            blocks.append("")
        blocks.append(line)
        previous_kind = kind
    return "\n".join(blocks) + "\n"


# A space between two Han characters: templates put spaces around figures (共 3 户), and a
# figure that turns out to be a word or a name (无法计算, 胡平) must not keep them.
_HAN_GAP = re.compile(r"(?<=[\u3400-\u4dbf\u4e00-\u9fff]) (?=[\u3400-\u4dbf\u4e00-\u9fff])")


def close_han_gaps(markdown: str) -> str:
    """Chinese prose has no spaces between characters: remove one left between two Han
    characters, outside tables (whose cells are padded on purpose)."""
    return "\n".join(
        line if line.startswith("|") else _HAN_GAP.sub("", line) for line in markdown.split("\n")
    )


_LIST_ITEM = re.compile(r"^(\s*[-*+] |\s*\d+\. )")


def _line_kind(line: str) -> str:
    if line.startswith("|"):
        return "table"
    if _LIST_ITEM.match(line):
        return "list"
    return "block"


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def unescape_markdown(text: str) -> str:
    """Heading text as a reader sees it: Markdown's backslash escapes removed."""
    return _ESCAPED.sub(r"\1", text)


_SUBJECTS = {
    "collector": ("催收工作总结", "Collection work summary"),
    "team": ("催收工作报告", "Team collection report"),
    "review": ("年终工作总结", "Year-end review"),
}


def report_subject(model: ReportModel, language: str) -> str:
    """The Word subject property: the kind of report and its period, not the title again."""
    from reportgen.narrative.wording import localise
    from reportgen.render.context import period_display

    zh, en = _SUBJECTS[model.kind]
    if model.kind == "team" and model.scope.kind == "all":
        zh, en = "全体催收员工作报告", "Collection report for all collectors"
    return localise(zh, en, language) + " · " + period_display(model.period, language)


def report_author(model: ReportModel) -> str:
    """Who wrote it, as Word shows it: the collector for their own summary, the supervisor
    (else the organisation) for a team's, the organisation for the whole centre's."""
    info = model.scope
    if info.kind == "collector":
        candidates = (info.name, info.id, model.organisation)
    elif info.kind == "team":
        candidates = (info.supervisor, model.organisation, info.name)
    else:
        candidates = (model.organisation,)
    return next((str(c).strip() for c in candidates if c and str(c).strip()), "")


def no_data_note(model: ReportModel) -> str | None:
    """One line for stderr when the report has no data to give (``ReportModel.no_data``),
    so nobody files a report of zeros without knowing; None otherwise.

    ``C009 held no accounts and made no contacts or payments in 2024-09 (joined 2024-10-08)``
    """
    if not model.no_data:
        return None
    scope, label = model.scope, model.period.label
    if scope.kind == "collector":
        joined = f" (joined {scope.hired_on})" if model.joined is not None else ""
        return f"{scope.id} held no accounts and made no contacts or payments in {label}{joined}"
    who = f"team {scope.id}" if scope.kind == "team" else "all collectors"
    return f"{who}: no member held accounts or made contacts or payments in {label}"


def markdown_title(markdown: str) -> str | None:
    for line in markdown.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return None


def write_report(
    dataset,
    period_label: str,
    scope: Scope,
    config: Config,
    options: ReportOptions,
    out_dir: Path,
    force: bool = False,
    source: Path | None = None,
    notify: Callable[[str], None] | None = None,
    notes_path: Path | None = None,
) -> list[Path]:
    """Compute, render and write one report; refuse existing files unless ``force``.

    ``notify`` is told, in one line, when the report has no data to give (see
    :func:`no_data_note`): the command line prints it on stderr.

    ``out_dir`` may not be the data ``source`` (or the notes or templates folder) or lie
    inside it, and no file or folder the report replaces may be or hold anything the run
    reads (the report's files are written only under ``out_dir``, all at once: see
    :func:`reportgen.output.publish_files`).
    """
    from reportgen.metrics import MetricsEngine
    from reportgen.output import publish_files, refuse_overlap_with_inputs, run_inputs
    from reportgen.periods import parse_period

    inputs = run_inputs(
        source,
        dataset.sources.values(),
        config.source,
        notes=notes_path,
        templates=options.templates_dir,
        reference_docx=options.reference_docx,
    )
    refuse_overlap_with_inputs(Path(out_dir), inputs, allow_containing=True)
    period = parse_period(period_label)
    engine = MetricsEngine(dataset, config)
    (model,) = build_report_models(engine, period, [scope], config)
    rendered = Renderer(config, options).render(model)
    written = publish_files(Path(out_dir), rendered.files, force=force, inputs=inputs)
    note = no_data_note(model)
    if note is not None and notify is not None:
        notify(f"note: {note}; the report says so")
    return written
