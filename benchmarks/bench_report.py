"""Time the report stage on the bundled sample data: models, Markdown, charts, Word.

    .venv/bin/python benchmarks/bench_report.py [--period 2024] [--lang zh-CN]

Prints the time to build every scope's model (metrics for the period, the
previous, the year-ago and twelve months), then the time per report for the
words alone, with charts, and with Word, and the peak memory of the process.
"""

from __future__ import annotations

import argparse
import resource
import time

from reportgen.config import Config
from reportgen.data.load import load_source
from reportgen.metrics import MetricsEngine
from reportgen.periods import parse_period
from reportgen.render.model import build_report_models
from reportgen.render.report import Renderer, ReportOptions
from reportgen.resources import sample_data_dir
from reportgen.scope import Scope


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--period", default="2024")
    parser.add_argument("--lang", default="zh-CN")
    args = parser.parse_args()
    config = Config()

    start = time.perf_counter()
    dataset = load_source(sample_data_dir(), config)
    print(f"load sample_data: {time.perf_counter() - start:.2f} s")

    engine = MetricsEngine(dataset, config)
    scopes = [Scope.collector(c) for c in engine.collector_ids]
    scopes += [Scope.team(t) for t in engine.team_ids] + [Scope.everyone()]
    start = time.perf_counter()
    models = build_report_models(engine, parse_period(args.period), scopes, config)
    print(f"build {len(models)} models for {args.period}: {time.perf_counter() - start:.2f} s")

    for label, formats, draw in (
        ("words only", "md", False),
        ("md with charts", "md", True),
        ("md + docx", "md,docx", True),
    ):
        renderer = Renderer(config, ReportOptions.build(args.lang, formats))
        start = time.perf_counter()
        for model in models:
            if draw:
                renderer.render(model)
            else:
                renderer.render_markdown(model, draw_charts=False)
        each = (time.perf_counter() - start) / len(models)
        print(f"{label}: {each * 1000:.0f} ms per report")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
