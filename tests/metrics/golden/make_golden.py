"""Write the golden files of ``reportgen metrics --format json`` (see cases.py).

Run it with the engine whose output is to be pinned, e.g. an unchanged checkout:

    PYTHONPATH=/path/to/checkout/src python tests/metrics/golden/make_golden.py [--force]

It prints which reportgen it imported, and refuses to replace existing golden files
without ``--force`` (remaking them with the engine under test would bless its output).
``--verify-cli N`` also runs N cases per golden file through the real command line
(``python -m reportgen metrics ...`` with the same ``PYTHONPATH``) and stops if its stdout
differs by a byte; ``--verify-fresh`` recomputes every case with a new engine per case (as
the command does) to check the shared engine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from cases import (
    DATASETS,
    FORMAT,
    PERIODS,
    PROFILES,
    case_key,
    cli_args,
    cli_command,
    compute_outputs,
    golden_path,
    prepare_source,
    scopes_of,
    source_digest,
    write_config,
    write_golden,
)

import reportgen
from reportgen.config import load_config
from reportgen.data.load import load_source
from reportgen.metrics import metrics_document
from reportgen.metrics.output import format_document


def spread(keys: list[str], count: int) -> list[str]:
    """``count`` keys spread evenly over ``keys`` (first and last included)."""
    if count <= 0 or not keys:
        return []
    if count == 1:
        return [keys[-1]]
    step = (len(keys) - 1) / (count - 1)
    return list(dict.fromkeys(keys[round(i * step)] for i in range(count)))


def verify_cli(source: Path, config: Path, outputs: dict[str, str], count: int) -> None:
    for key in spread(list(outputs), count):
        result = subprocess.run(
            [sys.executable, "-m", "reportgen", *cli_args(source, key, config)],
            capture_output=True,
            check=False,
            env=os.environ.copy(),
        )
        if result.returncode != 0 or result.stdout != outputs[key].encode("utf-8"):
            sys.exit(
                f"CLI output differs for {key}: {cli_command(source, key, config)}\n"
                f"exit {result.returncode}; stderr: {result.stderr.decode(errors='replace')}"
            )
        print(f"    CLI identical: {key}")


def verify_fresh(source: Path, config_path: Path, outputs: dict[str, str]) -> None:
    """Each case again with a dataset passed in, so metrics_document builds its own engine."""
    config = load_config(config_path)
    dataset = load_source(source, config, skip_bad_rows=False)
    checked = 0
    for period in PERIODS:
        for scope in scopes_of(dataset):
            text = format_document(metrics_document(dataset, period, scope, config), FORMAT)
            key = case_key(period, scope)
            if text != outputs[key]:
                sys.exit(f"a fresh engine gives other text for {key}")
            checked += 1
    print(f"    fresh engine identical: {checked} cases")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="*", choices=list(DATASETS), default=list(DATASETS))
    parser.add_argument("--verify-cli", type=int, default=0, metavar="N")
    parser.add_argument("--verify-fresh", action="store_true")
    parser.add_argument("--force", action="store_true", help="replace existing golden files")
    args = parser.parse_args()

    existing = [
        golden_path(dataset, profile).name
        for dataset in args.datasets
        for profile in PROFILES
        if golden_path(dataset, profile).exists()
    ]
    if existing and not args.force:
        sys.exit(f"golden files exist ({', '.join(existing)}); --force replaces them")

    print(f"reportgen {reportgen.__version__} from {Path(reportgen.__file__).parent}")
    with tempfile.TemporaryDirectory(prefix="reportgen-golden-") as work:
        work_dir = Path(work)
        for dataset in args.datasets:
            source = prepare_source(dataset, work_dir / "data")
            digest = source_digest(source)
            spec = DATASETS[dataset]
            for profile in PROFILES:
                started = time.perf_counter()
                config = write_config(work_dir / "config", profile)
                outputs = compute_outputs(source, config)
                payload = {
                    "dataset": dataset,
                    "profile": profile,
                    "spec": None if spec is None else asdict(spec),
                    "periods": list(PERIODS),
                    "made_with": f"reportgen {reportgen.__version__}",
                    "source_files": digest,
                    "outputs": outputs,
                }
                path = golden_path(dataset, profile)
                write_golden(path, payload)
                seconds = time.perf_counter() - started
                print(
                    f"{path.name}: {len(outputs)} outputs, {path.stat().st_size:,} bytes, "
                    f"{seconds:.1f} s"
                )
                if args.verify_fresh:
                    verify_fresh(source, config, outputs)
                if args.verify_cli:
                    verify_cli(source, config, outputs, args.verify_cli)


if __name__ == "__main__":
    main()
