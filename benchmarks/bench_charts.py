"""Benchmark drawing one report's charts: before (matplotlib PNGs) and after (SVG, Word's own).

    .venv/bin/python benchmarks/bench_charts.py              # needs git; matplotlib for "before"
    .venv/bin/python benchmarks/bench_charts.py --repeat 50

The input is the year-end review of the demo (bundled sample data, first
collector, zh-CN, en and zh-TW): its chart specs are computed once and pickled. Each
method then runs in a fresh process, draws all of that report's charts once to warm up
(fonts read, modules imported), and is timed over ``--repeat`` runs (CPU time per report,
median):

* ``matplotlib-png``: the renderer reportgen used before this change (commit
  ``BEFORE``, taken from git into a temporary folder), PNGs at 150 dpi;
* ``svg``: the charts as the Markdown now links them;
* ``png``: the same SVGs rasterised (``[charts] image_format = "png"``);
* ``word-charts``: Word's own charts: chart XML and the embedded workbook of each.

The first-use cost (reading the font, importing) is reported apart. Prints a Markdown
table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

BEFORE = "264e4ed"  # the last commit drawing with matplotlib
LANGUAGES = ("zh-CN", "zh-TW", "en")
METHODS = ("matplotlib-png", "svg", "png", "word-charts")
REPO = Path(__file__).resolve().parents[1]


def prepare(work: Path) -> None:
    """The review's chart specs in each language, pickled as plain tuples."""
    from reportgen.config import Config
    from reportgen.data.load import load_source
    from reportgen.metrics import MetricsEngine
    from reportgen.periods import parse_period
    from reportgen.render.chart_specs import chart_specs
    from reportgen.render.demo import demo_reports
    from reportgen.render.report import build_report_models
    from reportgen.resources import sample_data_dir

    config = Config()
    dataset = load_source(sample_data_dir(), config)
    review = demo_reports(dataset)[2]
    engine = MetricsEngine(dataset, config)
    (model,) = build_report_models(engine, parse_period(review.period), [review.scope], config)
    specs = {
        language: [_plain(spec) for spec in chart_specs(model, language).values()]
        for language in LANGUAGES
    }
    (work / "specs.pickle").write_bytes(pickle.dumps(specs))


def _plain(spec) -> dict:
    return {field: getattr(spec, field) for field in spec.__dataclass_fields__}


def checkout_before(work: Path) -> Path:
    """The source tree of BEFORE, from git, without touching the working copy."""
    target = work / "before"
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", BEFORE, "src"],
        check=True,
        capture_output=True,
    ).stdout
    target.mkdir()
    with tarfile.open(fileobj=__import__("io").BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target / "src"


def run_method(method: str, work: Path, repeat: int) -> dict:
    """In this (fresh) process: warm up, then time drawing each language's charts."""
    from reportgen.render.charts import ChartSpec, render_chart

    specs = {
        language: [ChartSpec(**fields) for fields in items]
        for language, items in pickle.loads((work / "specs.pickle").read_bytes()).items()
    }
    if method == "word-charts":
        from reportgen.config import Config
        from reportgen.render.docx_charts import ChartText, chart_part_xml, chart_workbook
        from reportgen.render.fonts import word_fonts

        def draw(spec, language):
            text = ChartText(word_fonts(Config(), language), language)
            return chart_part_xml(spec, text) + chart_workbook(spec)
    elif method == "png":

        def draw(spec, language):
            return render_chart(spec, language, "png")
    else:  # svg, and matplotlib-png (the old render_chart draws PNGs)

        def draw(spec, language):
            return render_chart(spec, language)

    started = time.process_time()
    first = {
        language: b"".join(draw(s, language) for s in items) for language, items in specs.items()
    }
    first_use = time.process_time() - started
    per_report = []
    for _ in range(repeat):
        for language, items in specs.items():
            began = time.process_time()
            for spec in items:
                draw(spec, language)
            per_report.append(time.process_time() - began)
    return {
        "method": method,
        "first_use_s": first_use,
        "median_ms": statistics.median(per_report) * 1000,
        "charts": len(specs["zh-CN"]),
        "bytes_per_report": sum(len(v) for v in first.values()) // len(first),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--one", choices=METHODS, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_method(args.one, args.work, args.repeat)))
        return
    with tempfile.TemporaryDirectory(prefix="bench-charts-") as folder:
        work = Path(folder)
        prepare(work)
        before_src = checkout_before(work)
        rows = []
        for method in METHODS:
            env = dict(os.environ)
            if method == "matplotlib-png":
                env["PYTHONPATH"] = str(before_src)
            output = subprocess.run(
                [sys.executable, __file__, "--one", method, "--work", str(work),
                 "--repeat", str(args.repeat)],
                check=True, capture_output=True, text=True, env=env,
            ).stdout  # fmt: skip
            rows.append(json.loads(output))
            print(output.strip(), file=sys.stderr)
    print("| method | charts | CPU per report (median) | first use | bytes per report |")
    print("|---|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['method']} | {row['charts']} | {row['median_ms']:.1f} ms "
            f"| {row['first_use_s']:.2f} s | {row['bytes_per_report'] // 1024} KiB |"
        )


if __name__ == "__main__":
    main()
