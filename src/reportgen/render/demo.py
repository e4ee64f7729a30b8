"""``reportgen demo``: the three kinds of report, rendered from the bundled sample data.

What a new user runs first: a collector's monthly summary, the collector's
team's quarterly report and the collector's year-end review, each in Markdown
and Word, and the review as the PDF/A HR would file. The collector is the first
on the roster and the periods end with the data's last month, so the demo
follows the sample data wherever it ends.
All files are rendered in memory and checked against existing ones before the
first is written: a refused run leaves the folder as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportgen.config import Config
from reportgen.data.dataset import Dataset
from reportgen.errors import ReportgenError
from reportgen.output import publish_files, refuse_existing
from reportgen.resources import sample_data_dir
from reportgen.scope import Scope
from reportgen.store import Store


@dataclass(frozen=True)
class DemoReport:
    """One report of the demo: whose, for which period."""

    scope: Scope
    period: str


def demo_reports(dataset: Store | Dataset) -> list[DemoReport]:
    """A month, the quarter holding it and a whole year, for the first collector and team."""
    collectors = dataset.collectors.sort_values("collector_id", kind="stable")
    first = collectors.iloc[0]
    if isinstance(dataset, Store):
        last_month = dataset.snapshot_months[-1]
    else:
        last_month = str(dataset.accounts["month"].max())
    year, month = int(last_month[:4]), int(last_month[5:7])
    quarter = f"{year}-Q{(month - 1) // 3 + 1}"
    # A year-end review needs the whole year: the last complete one in the data.
    review_year = year if month == 12 else year - 1
    return [
        DemoReport(Scope.collector(str(first["collector_id"])), last_month),
        DemoReport(Scope.team(str(first["team_id"])), quarter),
        DemoReport(Scope.collector(str(first["collector_id"])), str(review_year)),
    ]


def run_demo(
    out_dir: Path,
    *,
    language: str = "zh-CN",
    force: bool = False,
    source: Path | None = None,
) -> list[Path]:
    """Render the demo reports (md and docx, with their charts, and the review's PDF/A)
    into ``out_dir``.

    ``source`` defaults to the bundled sample data. Returns the paths written.
    """
    from reportgen.metrics import MetricsEngine
    from reportgen.periods import parse_period
    from reportgen.render.report import Renderer, ReportOptions, build_report_models
    from reportgen.store.open import open_store

    source = Path(source) if source is not None else sample_data_dir()
    if not source.exists():
        raise ReportgenError(f"{source}: the sample data is missing from this installation")
    # Built-in settings only: the demo shows what reportgen does out of the box,
    # whatever reportgen.toml happens to be in the working folder.
    config = Config()
    dataset = open_store(source, config)
    engine = MetricsEngine(dataset, config)
    renderer = Renderer(config, ReportOptions.build(language=language, formats="md,docx"))
    pdf_renderer = Renderer(config, ReportOptions.build(language=language, formats="pdf"))
    models = [
        build_report_models(engine, parse_period(report.period), [report.scope], config)[0]
        for report in demo_reports(dataset)
    ]
    # Refuse before the slow part when the reports themselves are already there.
    refuse_existing(
        [
            Path(out_dir) / f"{renderer.basename(model)}.{suffix}"
            for model in models
            for suffix in ("md", "docx")
        ]
        + [Path(out_dir) / f"{renderer.basename(models[-1])}.pdf"],
        force=force,
    )
    files: dict[str, bytes] = {}
    for model in models:
        files.update(renderer.render(model).files)
    # And the year-end review as HR files it: a PDF/A.
    review = models[-1]
    files.update(pdf_renderer.render(review).files)
    return publish_files(Path(out_dir), files, force=force)
