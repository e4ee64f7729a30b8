"""Benchmark ``reportgen archive``: a year of data, every report, --jobs 1 and all cores.

    .venv/bin/python benchmarks/bench_archive.py                  # 50 and 200 collectors
    .venv/bin/python benchmarks/bench_archive.py --collectors 50  # one size
    .venv/bin/python benchmarks/bench_archive.py --work /tmp/bench-archive --keep

For each size it generates ``reportgen sample-data --collectors N --months 13``
(the year 2024 plus its opening snapshot) and ``reportgen import``s it into a
.duckdb file (timed), then times ``reportgen archive SOURCE --period 2024`` end
to end (loading, metrics, rendering Markdown and Word, index, manifest) from the
folder and from the .duckdb file, once with ``--jobs 1`` and once with every core. Each
run is measured from a fresh wrapper process: wall time, and the peak
resident memory of the largest process of the run (``RUSAGE_CHILDREN``
ru_maxrss, which also covers the worker processes once they have exited).
Prints a Markdown section for docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_metrics import compile_bytecode

REPORTGEN = [sys.executable, "-m", "reportgen"]

# Runs one command and prints wall seconds, CPU seconds and the max RSS of any descendant
# it waited for (with --jobs > 1 the forkserver's workers are not always among them, so
# their CPU time may be missing: compare CPU time at --jobs 1).
_MEASURE = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = usage.ru_utime + usage.ru_stime
print(json.dumps({"code": code, "seconds": seconds, "cpu": cpu, "peak_kib": usage.ru_maxrss}))
"""


def measure(command: list[str]) -> dict:
    output = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command], check=True, capture_output=True, text=True
    ).stdout
    result = json.loads(output)
    if result["code"] != 0:
        raise SystemExit(f"failed ({result['code']}): {' '.join(command)}")
    return result


# Where one process's time goes: loading, metrics + report models, rendering one report.
_PHASES = """
import json, sys, time
from pathlib import Path
from reportgen.archive import archive_scopes
from reportgen.config import Config
from reportgen.metrics import MetricsEngine
from reportgen.periods import parse_period
from reportgen.render.report import Renderer, ReportOptions, build_report_models
from reportgen.store.open import open_store

config = Config()
started = time.perf_counter()
store = open_store(Path(sys.argv[1]), config)
loaded = time.perf_counter()
models = build_report_models(
    MetricsEngine(store, config), parse_period("2024"), archive_scopes(store), config
)
modelled = time.perf_counter()
renderer = Renderer(config, ReportOptions.build("zh-CN", sys.argv[2]))
renderer.render(models[0])  # first use: the chart font is read, modules imported
warm = time.perf_counter()
for model in models:
    renderer.render(model)
rendered = time.perf_counter()
print(json.dumps({
    "load": loaded - started,
    "metrics_and_models": modelled - loaded,
    "render_per_report": (rendered - warm) / len(models),
    "contacts": store.row_counts.get("contacts", 0),
}))
"""


def phases(source: Path, formats: str) -> dict:
    output = subprocess.run(
        [sys.executable, "-c", _PHASES, str(source), formats],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    # The last line: the loader may print notes about the data before it.
    return json.loads(output.strip().splitlines()[-1])


def count_reports(archive: Path) -> tuple[int, int]:
    manifest = json.loads((archive / "manifest.json").read_text(encoding="utf-8"))
    return manifest["reports"]["written"], len(manifest["files"]) + 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--collectors", type=int, action="append", help="default: 50 and 200")
    parser.add_argument("--teams", type=int, default=None, help="default: one per 10 collectors")
    parser.add_argument("--formats", default="md,docx")
    parser.add_argument("--work", type=Path, default=None, help="working folder (default: temp)")
    parser.add_argument("--keep", action="store_true", help="keep the generated data and archives")
    parser.add_argument(
        "--phases", action="store_true", help="also time loading, metrics and one report apart"
    )
    args = parser.parse_args()
    compile_bytecode()
    sizes = args.collectors or [50, 200]
    cores = os.cpu_count() or 1
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-archive-"))
    work.mkdir(parents=True, exist_ok=True)

    rows = []
    runs = []
    imports = {}
    split = {}
    try:
        for collectors in sizes:
            teams = args.teams or max(1, collectors // 10)
            source = work / f"data-{collectors}"
            if not (source / "collectors.csv").exists():
                subprocess.run(
                    [
                        *REPORTGEN,
                        "sample-data",
                        str(source),
                        "--collectors",
                        str(collectors),
                        "--teams",
                        str(teams),
                        "--months",
                        "13",
                        "--end",
                        "2024-12",
                        "--force",
                    ],
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
            imported = work / f"data-{collectors}.duckdb"
            result = measure([*REPORTGEN, "import", str(source), "--to", str(imported), "--force"])
            imports[collectors] = result
            print(f"{collectors} collectors, import: {result}", file=sys.stderr)
            for kind, path in (("folder", source), (".duckdb", imported)):
                if args.phases:
                    split[collectors, kind] = phases(path, args.formats)
                    print(
                        f"{collectors} {kind}, phases: {split[collectors, kind]}", file=sys.stderr
                    )
                for jobs in sorted({1, cores}):
                    runs.append((collectors, teams, kind, path, jobs))
        for collectors, teams, kind, path, jobs in runs:
            out = work / f"archive-{collectors}-j{jobs}"
            shutil.rmtree(out, ignore_errors=True)
            command = [
                *REPORTGEN,
                "archive",
                str(path),
                "--period",
                "2024",
                "--out",
                str(out),
                "--jobs",
                str(jobs),
                "--format",
                args.formats,
            ]
            result = measure(command)
            reports, files = count_reports(out)
            rows.append((collectors, teams, kind, jobs, reports, files, result))
            print(
                f"{collectors} collectors, {kind}, --jobs {jobs}: {reports} reports, "
                f"{files} files, "
                f"{result['seconds']:.1f} s (CPU {result['cpu']:.1f} s), "
                f"{reports / result['seconds']:.2f} reports/s, "
                f"peak {result['peak_kib'] / 1024:.0f} MiB",
                file=sys.stderr,
            )
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)

    print(
        "| collectors | teams | source | --jobs | reports | files | wall time | CPU time "
        "| reports/s | peak RSS |"
    )
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for collectors, teams, kind, jobs, reports, files, result in rows:
        print(
            f"| {collectors} | {teams} | {kind} | {jobs} | {reports} | {files} | "
            f"{result['seconds']:.1f} s | {result['cpu']:.1f} s | "
            f"{reports / result['seconds']:.2f} | "
            f"{result['peak_kib'] / 1024:.0f} MiB |"
        )
    print()
    print("| collectors | import once (wall) | peak RSS |")
    print("|---:|---:|---:|")
    for collectors, result in imports.items():
        print(f"| {collectors} | {result['seconds']:.1f} s | {result['peak_kib'] / 1024:.0f} MiB |")
    if split:
        print()
        print("| collectors | source | contacts | load | metrics + models | render one report |")
        print("|---:|---|---:|---:|---:|---:|")
        for (collectors, kind), times in split.items():
            print(
                f"| {collectors} | {kind} | {times['contacts']:,} | {times['load']:.1f} s | "
                f"{times['metrics_and_models']:.1f} s | {times['render_per_report']:.2f} s |"
            )


if __name__ == "__main__":
    main()
