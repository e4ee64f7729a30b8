"""The golden cases of ``reportgen metrics --format json``, written once for the maker and the test.

The golden files pin the exact text ``reportgen metrics SOURCE --period P --collector ID |
--team ID | --all --format json --config CFG`` prints, for every dataset × compliance
profile × period × scope below. They were made with the numpy engine (``make_golden.py``)
and ``test_golden.py`` holds any later engine to the same bytes.

A dataset is either the bundled ``sample_data`` or a ``sample-data`` set regenerated from its
:class:`SampleSpec` (the generator is deterministic, so the test writes it again into a
temporary folder). Each golden file also records a digest of every data file, so a changed
generator or bundled data is reported as such, not as an engine difference.

The outputs are computed in-process, the way the ``metrics`` command does (load the config,
load the source, :func:`metrics_document`, :func:`format_document`), but with one engine per
source instead of one per command: ``metrics_document`` accepts an engine and the engine
caches each period's metrics, so a whole dataset takes seconds.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shlex
from collections.abc import Iterator
from pathlib import Path

from reportgen.config import load_config
from reportgen.data.load import load_source
from reportgen.data.sample import SampleSpec, write_sample_data
from reportgen.metrics import MetricsEngine, metrics_document
from reportgen.metrics.output import format_document
from reportgen.scope import Scope

GOLDEN_DIR = Path(__file__).resolve().parent
REPO = GOLDEN_DIR.parents[2]
BUNDLED_SAMPLE = REPO / "sample_data"

# name → spec; None is the bundled sample_data folder. Sizes are small so the test is fast;
# the month counts differ so the first periods' comparisons are covered in some sets and not
# in others (the opening snapshot is the month before the first active month).
DATASETS: dict[str, SampleSpec | None] = {
    "sample_data": None,
    "seed11": SampleSpec(collectors=6, teams=2, accounts=600, months=26, end="2024-12", seed=11),
    "seed12": SampleSpec(collectors=5, teams=2, accounts=500, months=25, end="2024-12", seed=12),
    "seed13": SampleSpec(collectors=7, teams=3, accounts=700, months=27, end="2024-12", seed=13),
}

PROFILES = ("cn", "us")

# Every dataset holds 2023-01..2024-12 with an opening snapshot before it. Between them:
# every period kind, comparisons covered (2024-*), not covered (2023: no 2022 data) and
# covered in some datasets only (2023-01 and 2023-Q1 need late-2022 snapshots).
PERIODS = (
    "2023-01",
    "2023-Q1",
    "2023",
    "2023-11..2024-02",
    "2024-03..2024-08",
    "2024-09",
    "2024-Q3",
    "2024-H2",
    "2024",
    "2024-12",
)

FORMAT = "json"


def golden_path(dataset: str, profile: str) -> Path:
    return GOLDEN_DIR / f"{dataset}-{profile}.json.gz"


def cases() -> list[tuple[str, str]]:
    """(dataset, profile) of every golden file."""
    return [(dataset, profile) for dataset in DATASETS for profile in PROFILES]


def prepare_source(dataset: str, work_dir: Path) -> Path:
    """The data source folder: the bundled one, or a fresh ``sample-data`` set in ``work_dir``."""
    spec = DATASETS[dataset]
    if spec is None:
        return BUNDLED_SAMPLE
    out_dir = Path(work_dir) / dataset
    write_sample_data(out_dir, spec)
    return out_dir


def write_config(directory: Path, profile: str) -> Path:
    """A ``reportgen.toml`` choosing the compliance ``profile`` (everything else default)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"reportgen-{profile}.toml"
    path.write_text(f'[compliance]\nprofile = "{profile}"\n', encoding="utf-8")
    return path


def source_digest(source: Path) -> dict[str, str]:
    """sha256 of every file of the data source, by file name."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(Path(source).iterdir())
        if path.is_file() and path.name != "README.md"
    }


def scope_key(scope: Scope) -> str:
    return "all" if scope.kind == "all" else f"{scope.kind}:{scope.id}"


def scope_args(key: str) -> list[str]:
    """``collector:C001`` → ``["--collector", "C001"]``; ``all`` → ``["--all"]``."""
    if key == "all":
        return ["--all"]
    kind, _, scope_id = key.partition(":")
    return [f"--{kind}", scope_id]


def case_key(period: str, scope: Scope) -> str:
    return f"{period}|{scope_key(scope)}"


def cli_args(source: Path, key: str, config_path: Path) -> list[str]:
    """The ``reportgen`` arguments printing the output stored under ``key``."""
    period, _, scope = key.partition("|")
    return [
        "metrics",
        str(source),
        "--period",
        period,
        *scope_args(scope),
        "--format",
        FORMAT,
        "--config",
        str(config_path),
    ]


def cli_command(source: Path, key: str, config_path: Path) -> str:
    return shlex.join(["reportgen", *cli_args(source, key, config_path)])


def scopes_of(dataset) -> list[Scope]:
    """Every collector and team of the roster (sorted ids), then everyone."""
    roster = dataset.collectors
    collectors = sorted(str(c) for c in roster["collector_id"].dropna().unique())
    teams = sorted(str(t) for t in roster["team_id"].dropna().unique())
    return [
        *(Scope.collector(c) for c in collectors),
        *(Scope.team(t) for t in teams),
        Scope.everyone(),
    ]


def iter_outputs(
    source: Path, config_path: Path, *, per_scope: bool = False
) -> Iterator[tuple[str, str]]:
    """("period|scope", exact text of the CLI's stdout) for every period and scope.

    The source is loaded once. With ``per_scope`` each scope gets its own engine, which
    computes only that scope (and a team's members), as the command does; otherwise one
    engine computes every scope at once, as ``archive`` does.
    """
    config = load_config(config_path)
    source_data = _open(source, config)
    shared = MetricsEngine(source_data, config)
    scopes = scopes_of(source_data)
    if not per_scope and hasattr(shared, "require"):  # the DuckDB engine: all at once
        shared.require(scopes, members=True)
    for scope in scopes:
        engine = MetricsEngine(source_data, config) if per_scope else shared
        for period in PERIODS:
            document = metrics_document(engine, period, scope, config)
            yield case_key(period, scope), format_document(document, FORMAT)


def _open(source: Path, config):
    """The source as the command opens it (a Store), or as a Dataset for an older engine."""
    try:
        from reportgen.store.open import open_store
    except ImportError:  # the engine before DuckDB, which made the golden files
        return load_source(source, config, skip_bad_rows=False)
    return open_store(source, config)


def compute_outputs(source: Path, config_path: Path, *, per_scope: bool = False) -> dict[str, str]:
    return dict(iter_outputs(source, config_path, per_scope=per_scope))


def write_golden(path: Path, payload: dict) -> None:
    """Deterministic gzip JSON: sorted keys, one key per line, no timestamp or name inside."""
    text = json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    with (
        open(path, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as out,
    ):
        out.write(text.encode("utf-8"))


def read_golden(path: Path) -> dict:
    with gzip.open(path, "rt", encoding="utf-8") as file:
        return json.load(file)
