"""Benchmark writing one report's PDF: Typst (reportgen) against LibreOffice converting the .docx.

    .venv/bin/python benchmarks/bench_pdf.py             # LibreOffice where soffice is installed
    .venv/bin/python benchmarks/bench_pdf.py --repeat 20

The input is the demo's year-end review (bundled sample data, first collector) in
zh-CN, zh-TW and en. ``typst``: reportgen's PdfBuilder, prepared once as the archive
uses it, timed per document (median CPU time of ``--repeat`` runs; the first run, which
reads the font, is reported apart). ``libreoffice``: ``soffice --headless --convert-to
pdf`` on the same report's .docx, one process per document as a user runs it (wall
time, median of a few runs; LibreOffice's work happens in its own process). Prints a
Markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

LANGUAGES = ("zh-CN", "zh-TW", "en")


def reports(language: str):
    """(renderer with md, docx and pdf, the review's model)."""
    from reportgen.config import Config
    from reportgen.metrics import MetricsEngine
    from reportgen.periods import parse_period
    from reportgen.render.demo import demo_reports
    from reportgen.render.report import Renderer, ReportOptions, build_report_models
    from reportgen.resources import sample_data_dir
    from reportgen.store.open import open_store

    config = Config()
    store = open_store(sample_data_dir(), config)
    review = demo_reports(store)[2]
    engine = MetricsEngine(store, config)
    (model,) = build_report_models(engine, parse_period(review.period), [review.scope], config)
    return Renderer(config, ReportOptions.build(language, "md,docx,pdf")), model


def time_typst(renderer, model, repeat: int) -> tuple[float, float, bytes, bytes]:
    """(first PDF's CPU seconds, median CPU seconds, PDF, .docx) of one report."""
    charts = renderer.chart_links(model)
    markdown = renderer._markdown(model, None, charts)
    title = model.scope.name or ""
    pictures = renderer._svg_pictures(charts, {})
    properties = renderer._pdf_properties(model, title)
    builder = renderer._pdf
    started = time.process_time()
    pdf = builder.build(markdown, pictures, properties)
    first = time.process_time() - started
    times = []
    for _ in range(repeat):
        began = time.process_time()
        builder.build(markdown, pictures, properties)
        times.append(time.process_time() - began)
    docx = next(v for k, v in renderer.render(model).files.items() if k.endswith(".docx"))
    return first, statistics.median(times), pdf, docx


def time_libreoffice(docx: bytes, work: Path, runs: int) -> float | None:
    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    source = work / "report.docx"
    source.write_bytes(docx)
    profile = work / "profile"
    command = [
        soffice,
        "--headless",
        f"-env:UserInstallation=file://{profile}",
        "--convert-to",
        "pdf",
        "--outdir",
        str(work),
        str(source),
    ]
    subprocess.run(command, check=True, capture_output=True)  # first start makes the profile
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--office-runs", type=int, default=3)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as folder:
        for language in LANGUAGES:
            renderer, model = reports(language)
            first, median, pdf, docx = time_typst(renderer, model, args.repeat)
            office = time_libreoffice(docx, Path(folder), args.office_runs)
            rows.append((language, first, median, len(pdf), office))
    print(
        "| language | Typst, first PDF | Typst, per PDF (CPU) | PDF size "
        "| LibreOffice, per .docx | ratio |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for language, first, median, size, office in rows:
        office_text = f"{office:.2f} s" if office is not None else "not installed"
        ratio = f"1/{office / median:.0f}" if office is not None else "—"
        print(
            f"| {language} | {first * 1000:.0f} ms | {median * 1000:.1f} ms | {size // 1024} KiB "
            f"| {office_text} | {ratio} |"
        )


if __name__ == "__main__":
    main()
