"""The ``reportgen`` command line: parse options, call the core, print.

Each command is a few lines; everything it does is reachable from Python
without Click. Core modules are imported inside the commands so that
``reportgen --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from reportgen.errors import ReportgenError

if TYPE_CHECKING:
    from reportgen.scope import Scope


class SourceArgument(click.ParamType):
    """SOURCE: a folder, workbook or ``.duckdb`` file that exists, or a database URL
    (``postgresql://user@host/db``, ``sqlite:///centre.db``)."""

    name = "source"
    _path = click.Path(exists=True, path_type=Path)

    def convert(self, value, param, ctx):  # type: ignore[override]
        from reportgen.store.database_url import looks_like_url, parse_database_url

        if not isinstance(value, str) or not looks_like_url(value):
            return self._path.convert(value, param, ctx)
        try:
            return parse_database_url(value)
        except ReportgenError as exc:
            self.fail(str(exc), param, ctx)


SOURCE = SourceArgument()


class CommaList(click.ParamType):
    """``zh-CN,en`` or ``md,docx``: known items in any letter case, checked while the
    command line is read, so a mistake is a usage error like any other option's."""

    name = "list"

    def __init__(self, what: str, allowed: tuple[str, ...]) -> None:
        self.what = what
        self.allowed = allowed

    def convert(self, value, param, ctx):  # type: ignore[override]
        from reportgen.choices import split_list

        try:
            return ",".join(split_list(value, self.what, self.allowed))
        except ReportgenError as exc:
            self.fail(str(exc), param, ctx)


class PeriodLabel(click.ParamType):
    """A period label in any form the data accepts, normalised (``2024/9`` → ``2024-09``)."""

    name = "period"

    def convert(self, value, param, ctx):  # type: ignore[override]
        from reportgen.periods import parse_period

        try:
            return parse_period(value).label
        except ReportgenError as exc:
            self.fail(str(exc), param, ctx)


class OneOf(CommaList):
    """One choice in any letter case, named as the docs spell it in the message."""

    name = "choice"

    def convert(self, value, param, ctx):  # type: ignore[override]
        canonical = {choice.casefold(): choice for choice in self.allowed}
        chosen = canonical.get(str(value).strip().casefold())
        if chosen is None:
            self.fail(
                f"unknown {self.what} {value!r}; expected one of {', '.join(self.allowed)}",
                param,
                ctx,
            )
        return chosen

    def get_metavar(self, param, ctx=None):  # type: ignore[override]
        return "[" + "|".join(self.allowed) + "]"


LANGS = OneOf("language", ("zh-CN", "zh-TW", "en"))
LANG_LIST = CommaList("language", ("zh-CN", "zh-TW", "en"))
REPORT_FORMATS = CommaList("format", ("md", "docx", "pdf"))


class CommandLineError(click.ClickException):
    """A mistake in the command line itself, said in one line (exit 2), not Click's usage
    block: the option, what was found, what is accepted, and where help is."""

    exit_code = 2

    def __init__(self, error: click.UsageError) -> None:
        super().__init__(error.format_message())
        self.command_path = error.ctx.command_path if error.ctx is not None else "reportgen"

    def format_message(self) -> str:
        return f"{self.message} (see '{self.command_path} --help')"


class ReportgenGroup(click.Group):
    """Turns a :class:`ReportgenError` into one clear message on stderr and exit 1, and a
    mistake in the command line into one line and exit 2.

    The readers and writers name the file in their own errors; what still escapes them
    by class (the disk, the memory, input nested too deeply for the parsers) is caught
    here as a last line, so a user never sees a traceback for a problem of the machine
    or the input. Any other exception is a bug and shows its traceback.
    """

    def make_context(self, info_name, args, parent=None, **extra):  # type: ignore[override]
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            if _asks_for_help(exc):
                raise
            raise CommandLineError(exc) from None

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            if _asks_for_help(exc):
                raise
            raise CommandLineError(exc) from None
        except ReportgenError as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:
            raise click.ClickException(describe_os_error(exc)) from None
        except MemoryError:
            raise click.ClickException(
                "ran out of memory; the input is larger than this machine can hold"
            ) from None
        except RecursionError:  # before Exception, which it is a kind of
            raise click.ClickException(
                "an input is nested too deeply to read (a hostile or damaged file)"
            ) from None
        except Exception as exc:
            message = _engine_resource_error(exc)
            if message is None:
                raise
            raise click.ClickException(message) from None


def _engine_resource_error(exc: Exception) -> str | None:
    """One line for DuckDB running out of memory or disk; None for anything else.

    DuckDB is imported only by commands that use it, so it is looked up lazily.
    """
    import sys

    duckdb = sys.modules.get("duckdb")
    if duckdb is None:
        return None
    detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if isinstance(exc, duckdb.OutOfMemoryException):
        return (
            f"the database engine ran out of memory ({detail}); raise [engine] memory_limit "
            "or set [engine] temp_directory to a folder with free space (docs/configuration.md)"
        )
    if isinstance(exc, duckdb.IOException):
        return f"the database engine could not read or write a file ({detail})"
    return None


def _asks_for_help(error: click.UsageError) -> bool:
    """``reportgen`` with no command: Click answers with the help text, which is no mistake
    to shorten into one line."""
    no_args = getattr(click.exceptions, "NoArgsIsHelpError", None)
    return no_args is not None and isinstance(error, no_args)


def describe_os_error(exc: OSError) -> str:
    """'/x/y: No space left on device', naming the file when the error does."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    if exc.filename is not None:
        return f"{exc.filename}: {reason}"
    return f"input/output error: {reason}"


def _config_option(func):
    return click.option(
        "--config",
        "config_path",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="TOML settings file (default: ./reportgen.toml when present).",
    )(func)


def _skip_option(func):
    return click.option(
        "--skip-bad-rows",
        is_flag=True,
        help="Load the good rows and report how many bad rows of each file were skipped.",
    )(func)


def _period_option(func):
    return click.option(
        "--period",
        "-p",
        required=True,
        metavar="P",
        type=PeriodLabel(),
        help="2024-09, 2024-Q3, 2024-H2, 2024 or 2024-03..2024-08.",
    )(func)


def _template_options(func):
    """--templates and --reference-docx: how reports look, shared by report and archive."""
    func = click.option(
        "--reference-docx",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Word file whose styles, page setup, header and footer are used.",
    )(func)
    return click.option(
        "--templates",
        "templates_dir",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help="Folder of templates searched before the built-in ones.",
    )(func)


def _scope_options(func):
    func = click.option("--all", "all_collectors", is_flag=True, help="All collectors.")(func)
    func = click.option("--team", "team_id", metavar="ID", help="One team.")(func)
    func = click.option("--collector", "collector_id", metavar="ID", help="One collector.")(func)
    return func


def _scope(collector_id: str | None, team_id: str | None, all_collectors: bool):
    from reportgen.scope import Scope

    chosen = [x for x in (collector_id, team_id, all_collectors or None) if x]
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of --collector ID, --team ID or --all")
    if collector_id:
        return Scope.collector(collector_id)
    if team_id:
        return Scope.team(team_id)
    return Scope.everyone()


def _load(source: Path, config_path: Path | None, skip_bad_rows: bool, scope: Scope | None = None):
    """(settings, the source as a Store): a folder or workbook is checked and loaded,
    an imported ``.duckdb`` file opened as it is. With ``scope``, the one scope the
    command reports on: a folder then keeps only the contacts its figures read."""
    from reportgen.config import load_config
    from reportgen.store.open import open_store

    config = load_config(config_path)
    store = open_store(source, config, skip_bad_rows=skip_bad_rows, scope=scope)
    _echo_skipped(store.skipped_rows)
    return config, store


def _echo_skipped(skipped_rows: dict[str, int]) -> None:
    for file, count in sorted(skipped_rows.items()):
        click.echo(f"skipped {count} bad row(s) of {file}", err=True)


def _echo_paths(paths) -> None:
    for path in paths:
        click.echo(str(path))


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    # The version is looked up only when asked for (see reportgen.__getattr__).
    if not value or ctx.resilient_parsing:
        return
    import reportgen

    click.echo(f"reportgen, version {reportgen.__version__}")
    ctx.exit()


@click.group(cls=ReportgenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
def cli() -> None:
    """Turn a collection team's period data into work summaries.

    \b
    Start here:
      reportgen demo --out demo-reports
    """


@cli.command()
@click.argument("source", type=SOURCE)
@_skip_option
@_config_option
def validate(source: Path, skip_bad_rows: bool, config_path: Path | None) -> None:
    """Load and check a data source; print what it holds or every problem found.

    \b
    Example:
      reportgen validate sample_data
    """
    from reportgen.data.summary import describe_store

    _config, store = _load(source, config_path, skip_bad_rows)
    click.echo(describe_store(store))


@cli.command("import")
@click.argument("source", type=SOURCE)
@click.option(
    "--to",
    "target",
    required=True,
    metavar="FILE.duckdb",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The DuckDB file to write; every command then accepts it as SOURCE.",
)
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
@_skip_option
@_config_option
def import_(
    source: Path, target: Path, force: bool, skip_bad_rows: bool, config_path: Path | None
) -> None:
    """Check a data source once and keep it as a DuckDB file to report from all month.

    \b
    Example:
      reportgen import my-data --to centre.duckdb
      reportgen report centre.duckdb --period 2024-09 --collector C001
    """
    from reportgen.config import load_config
    from reportgen.store.importer import import_source

    config = load_config(config_path)
    counts, skipped = import_source(
        source, target, config, skip_bad_rows=skip_bad_rows, force=force
    )
    _echo_skipped(skipped)
    rows = ", ".join(f"{name} {count:,}" for name, count in counts.items())
    click.echo(f"{target}: {rows} rows")


@cli.command("sample-data")
@click.argument("out_dir", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--collectors", default=8, show_default=True, type=click.IntRange(1))
@click.option("--teams", default=2, show_default=True, type=click.IntRange(1))
@click.option(
    "--accounts",
    default=None,
    type=click.IntRange(1),
    help="Accounts in collection at any month end [default: 400 per collector].",
)
@click.option("--months", default=24, show_default=True, type=click.IntRange(1))
@click.option(
    "--end", default="2024-12", show_default=True, metavar="YYYY-MM", help="Last month of the data."
)
@click.option("--seed", default=1, show_default=True, type=int)
@click.option(
    "--format",
    "fmt",
    default="csv",
    show_default=True,
    type=OneOf("format", ("csv", "xlsx", "parquet")),
)
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def sample_data(
    out_dir: Path,
    collectors: int,
    teams: int,
    accounts: int | None,
    months: int,
    end: str,
    seed: int,
    fmt: str,
    force: bool,
) -> None:
    """Write a realistic synthetic data source, deterministic for a seed.

    \b
    Example:
      reportgen sample-data my-data --collectors 50 --months 13 --seed 7
    """
    from reportgen.data.sample import SampleSpec, write_sample_data

    spec = SampleSpec(
        collectors=collectors,
        teams=teams,
        accounts=accounts,
        months=months,
        end=end,
        seed=seed,
        fmt=fmt,
    )
    _echo_paths(write_sample_data(out_dir, spec, force=force))


@cli.command()
@click.argument("source", type=SOURCE)
@_period_option
@_scope_options
@click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    type=OneOf("format", ("table", "json", "csv")),
)
@_skip_option
@_config_option
def metrics(
    source: Path,
    period: str,
    collector_id: str | None,
    team_id: str | None,
    all_collectors: bool,
    fmt: str,
    skip_bad_rows: bool,
    config_path: Path | None,
) -> None:
    """Print the metrics of one scope and period, with previous and year-ago comparisons.

    \b
    Example:
      reportgen metrics sample_data --period 2024-Q3 --team T01 --format json
    """
    from reportgen.metrics import metrics_document
    from reportgen.metrics.output import format_document
    from reportgen.periods import parse_period

    scope = _scope(collector_id, team_id, all_collectors)
    chosen = parse_period(period)  # a mistyped label fails before a long load
    config, dataset = _load(source, config_path, skip_bad_rows, scope)
    document = metrics_document(dataset, chosen, scope, config)
    click.echo(format_document(document, fmt), nl=False)


@cli.command()
@click.argument("source", type=SOURCE)
@_period_option
@_scope_options
@click.option("--lang", default=None, type=LANGS, help="Report language [default: zh-CN].")
@click.option(
    "--format",
    "formats",
    default="md,docx",
    show_default=True,
    type=REPORT_FORMATS,
    help="Comma-separated: md, docx, pdf.",
)
@click.option(
    "--notes",
    "notes_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML notes: paragraphs per section.",
)
@_template_options
@click.option(
    "--out",
    "out_dir",
    default=Path("."),
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@_skip_option
@_config_option
def report(
    source: Path,
    period: str,
    collector_id: str | None,
    team_id: str | None,
    all_collectors: bool,
    lang: str | None,
    formats: str,
    notes_path: Path | None,
    templates_dir: Path | None,
    reference_docx: Path | None,
    out_dir: Path,
    force: bool,
    skip_bad_rows: bool,
    config_path: Path | None,
) -> None:
    """Write the work summary for one scope and period.

    A collector's report for a year is a year-end review; a team or --all
    report is a supervisor's roll-up.

    \b
    Example:
      reportgen report sample_data --period 2024-09 --collector C001 --out reports
    """
    from reportgen.render.report import ReportOptions, write_report

    scope = _scope(collector_id, team_id, all_collectors)
    config, dataset = _load(source, config_path, skip_bad_rows, scope)
    options = ReportOptions.build(
        language=lang or config.organisation.language,
        formats=formats,
        notes_path=notes_path,
        templates_dir=templates_dir,
        reference_docx=reference_docx,
    )
    _echo_paths(
        write_report(
            dataset,
            period,
            scope,
            config,
            options,
            out_dir,
            force=force,
            source=source,
            notes_path=notes_path,
            # A report without data is written (it says so), and the user is told here too.
            notify=lambda line: click.echo(line, err=True),
        )
    )


@cli.command()
@click.option(
    "--out",
    "out_dir",
    default=Path("reportgen-demo"),
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option("--lang", default="zh-CN", show_default=True, type=LANGS)
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def demo(out_dir: Path, lang: str, force: bool) -> None:
    """Render example reports from the bundled sample data.

    A collector's monthly summary, a team's quarterly report and a collector's
    year-end review, in Markdown and Word; the review also as a PDF/A.

    \b
    Example:
      reportgen demo --out demo-reports --lang en
    """
    from reportgen.render.demo import run_demo

    _echo_paths(run_demo(out_dir, language=lang, force=force))


@cli.command()
@click.argument("source", type=SOURCE)
@_period_option
@click.option(
    "--out",
    "out_dir",
    required=True,
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="The archive folder to create.",
)
@click.option(
    "--jobs",
    "-j",
    default=None,
    type=click.IntRange(1),
    help="Processes to render with [default: the machine's cores].",
)
@click.option(
    "--lang",
    "langs",
    default=None,
    type=LANG_LIST,
    help="Comma-separated languages [default: zh-CN].",
)
@click.option("--format", "formats", default="md,docx,pdf", show_default=True, type=REPORT_FORMATS)
@click.option(
    "--notes",
    "notes_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder of notes: C001.yaml, team-T01.yaml, all.yaml (see docs/archive.md).",
)
@_template_options
@click.option("--force", is_flag=True, help="Replace an existing archive folder.")
@_skip_option
@_config_option
def archive(
    source: Path,
    period: str,
    out_dir: Path,
    jobs: int | None,
    langs: str | None,
    formats: str,
    notes_dir: Path | None,
    templates_dir: Path | None,
    reference_docx: Path | None,
    force: bool,
    skip_bad_rows: bool,
    config_path: Path | None,
) -> None:
    """Write every collector's and team's report for a period, with index and manifest.

    The archive is built beside DIR and renamed into place when complete. A
    report that fails is listed (summary, index.md, index.csv) and the others
    are written; the exit status is then 1.

    \b
    Example:
      reportgen archive sample_data --period 2024 --out archive-2024
    """
    from reportgen.archive import ArchiveOptions, build_archive

    config, dataset = _load(source, config_path, skip_bad_rows)
    options = ArchiveOptions.build(
        languages=langs or config.organisation.language,
        formats=formats,
        notes_dir=notes_dir,
        templates_dir=templates_dir,
        reference_docx=reference_docx,
        jobs=jobs,
    )
    result = build_archive(dataset, period, config, options, out_dir, force=force, source=source)
    _echo_paths(result.written)
    click.echo(result.summary(), err=True)
    if result.failures:
        raise click.exceptions.Exit(1)


@cli.command()
@click.argument(
    "archive_dir", metavar="DIR", type=click.Path(exists=True, file_okay=False, path_type=Path)
)
def verify(archive_dir: Path) -> None:
    """Check an archive against its manifest: every missing, extra or changed file.

    \b
    Example:
      reportgen verify archive-2024
    """
    from reportgen.archive import verify_archive

    outcome = verify_archive(archive_dir)
    click.echo(outcome.describe())
    if not outcome.ok:
        raise click.exceptions.Exit(1)


@cli.command()
@click.argument("out_dir", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def init(out_dir: Path, force: bool) -> None:
    """Write a starter reportgen.toml and copies of the built-in templates.

    \b
    Example:
      reportgen init my-org
    """
    from reportgen.render.starter import write_starter

    _echo_paths(write_starter(out_dir, force=force))
    click.echo(
        f"The templates are copies to edit; reports use them when given "
        f"--templates {out_dir / 'templates'} (and the settings with --config "
        f"{out_dir / 'reportgen.toml'}, or from the folder you run reportgen in).",
        err=True,
    )


def main() -> None:
    cli(prog_name="reportgen")


if __name__ == "__main__":
    main()
