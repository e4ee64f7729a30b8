"""``reportgen metrics --format json`` prints, byte for byte, what the golden files hold.

The golden files (tests/metrics/golden/*.json.gz) were made with the numpy engine by
``golden/make_golden.py``; see ``golden/cases.py`` for the datasets, profiles, periods and
scopes. Any engine must reproduce them exactly. To remake them (only with an engine whose
output is right, e.g. an unchanged checkout):

    PYTHONPATH=/path/to/checkout/src python tests/metrics/golden/make_golden.py --force
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from metrics.golden.cases import (
    DATASETS,
    cases,
    cli_command,
    compute_outputs,
    golden_path,
    prepare_source,
    read_golden,
    source_digest,
    write_config,
)

SHOWN_CASES = 3
PER_SCOPE_DATASETS = ("seed12",)
SHOWN_DIFF_LINES = 40


@pytest.fixture(scope="module")
def source_of(tmp_path_factory):
    """dataset name → its data folder, each written once for both profiles."""
    made: dict[str, Path] = {}

    def source(dataset: str) -> Path:
        if dataset not in made:
            made[dataset] = prepare_source(dataset, tmp_path_factory.mktemp("golden-data"))
        return made[dataset]

    return source


def _diff(expected: str, actual: str) -> str:
    lines = list(
        difflib.unified_diff(
            expected.splitlines(),
            actual.splitlines(),
            "golden",
            "this engine",
            n=2,
            lineterm="",
        )
    )
    if not lines:  # same lines: the difference is in the line ends or the final newline
        return f"    golden ends {expected[-20:]!r}, this engine ends {actual[-20:]!r}"
    more = len(lines) - SHOWN_DIFF_LINES
    shown = lines[:SHOWN_DIFF_LINES] + ([f"... {more} more diff lines"] if more > 0 else [])
    return "\n".join(f"    {line}" for line in shown)


@pytest.mark.parametrize(("dataset", "profile"), cases(), ids=[f"{d}-{p}" for d, p in cases()])
def test_metrics_json_matches_golden(dataset, profile, source_of, tmp_path):
    golden = read_golden(golden_path(dataset, profile))
    source = source_of(dataset)
    assert source_digest(source) == golden["source_files"], (
        f"the data of {dataset!r} is not the data the golden file was made from "
        f"(spec {DATASETS[dataset]}): the sample generator or the bundled sample_data "
        "changed, not (only) the engine; remake the golden files with the old engine"
    )

    config = write_config(tmp_path, profile)
    # One data set goes the way the command goes (an engine per scope, computing only
    # that scope and a team's members); the others the way `archive` goes (one engine
    # computing every scope at once). Both must give the golden text.
    actual = compute_outputs(source, config, per_scope=dataset in PER_SCOPE_DATASETS)
    expected = golden["outputs"]

    assert sorted(actual) == sorted(expected), (
        f"cases differ: missing {sorted(set(expected) - set(actual))[:10]}, "
        f"unexpected {sorted(set(actual) - set(expected))[:10]}"
    )
    differing = [key for key in expected if actual[key] != expected[key]]
    if differing:
        report = [
            f"{len(differing)} of {len(expected)} outputs of {dataset} ({profile}) differ "
            f"from the golden file {golden_path(dataset, profile).name}; first ones:"
        ]
        for key in differing[:SHOWN_CASES]:
            report.append(f"  {key}   ({cli_command(source, key, config)})")
            report.append(_diff(expected[key], actual[key]))
        if len(differing) > SHOWN_CASES:
            report.append(f"  also: {', '.join(differing[SHOWN_CASES : SHOWN_CASES + 20])}")
        pytest.fail("\n".join(report), pytrace=False)
