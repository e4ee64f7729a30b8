"""Settings and their defaults, read from a TOML file.

Every setting has a default, so no configuration file is needed to start.
``reportgen.toml`` in the working folder is read when present; ``--config``
names another file. Unknown keys are an error naming the key, so a typo never
silently falls back to a default, and every value is checked against its
allowed range (:data:`RANGES`, :data:`TEXTS`: one table for all settings), so a
share of 5.0 or an inverted working-hours window is an error naming the
setting and the range, not a report full of nonsense.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import time
from pathlib import Path
from typing import Any

from reportgen.errors import ConfigError
from reportgen.small_files import SmallFileError, read_small_text

DEFAULT_CONFIG_NAME = "reportgen.toml"
LANGUAGES = ("zh-CN", "zh-TW", "en")
# A configuration file is a few kilobytes; anything near this is not one.
CONFIG_LIMIT_BYTES = 1_000_000


@dataclass(frozen=True)
class Organisation:
    name: str = ""
    currency: str = "CNY"
    language: str = "zh-CN"
    # The centre's IANA time zone (e.g. "Asia/Shanghai"). Timestamps that carry a
    # zone (Parquet in UTC, ISO text with an offset) are converted to it before the
    # after-hours rules look at the clock; empty means none is configured.
    timezone: str = ""


@dataclass(frozen=True)
class Buckets:
    """Delinquency buckets: ``lower_bounds[i]`` is the smallest dpd of ``labels[i]``.

    dpd 0 is always "current". The last bucket is open-ended.
    """

    lower_bounds: tuple[int, ...] = (1, 31, 61, 91)
    labels: tuple[str, ...] = ("M1", "M2", "M3", "M4+")


@dataclass(frozen=True)
class Promises:
    grace_days: int = 3
    kept_share: float = 1.0


@dataclass(frozen=True)
class ComplianceProfile:
    """Limits of one compliance profile (see spec/metrics.md, Compliance)."""

    day_start: time = time(8, 0, 0)
    day_end: time = time(22, 0, 0)
    # profile "cn": per (account, date)
    max_unanswered_calls_per_day: int = 6
    max_connected_calls_per_day: int = 3
    # profile "us": rolling windows
    max_calls_in_window: int = 7
    call_window_days: int = 7
    days_after_rpc: int = 6


def _cn_profile() -> ComplianceProfile:
    return ComplianceProfile()


def _us_profile() -> ComplianceProfile:
    return ComplianceProfile(day_end=time(21, 0, 0))


@dataclass(frozen=True)
class Compliance:
    profile: str = "cn"
    cn: ComplianceProfile = field(default_factory=_cn_profile)
    us: ComplianceProfile = field(default_factory=_us_profile)

    @property
    def active(self) -> ComplianceProfile:
        return self.cn if self.profile == "cn" else self.us


@dataclass(frozen=True)
class Findings:
    """Thresholds that turn metrics into findings (problems) in a report."""

    lost_contact_share: float = 0.10  # lost-contact accounts / accounts attempted
    connect_rate_min: float = 0.25
    rpc_rate_min: float = 0.10
    rate_drop_points: float = 0.02  # a fall of this many points (0.02 = 2 pp) is a finding
    ptp_kept_rate_min: float = 0.60
    bucket_lag_ratio: float = 0.5  # bucket recovery rate below half the overall rate lags
    complaints_per_1k_max: float = 0.5
    # A rate at or below the maximum is a finding only when it rose by at least this
    # much per thousand contacts (as printed, two decimals) since the previous period.
    complaints_rise_per_1k: float = 0.10
    roll_forward_rate_max: float = 0.20
    contact_coverage_min: float = 0.80


@dataclass(frozen=True)
class Targets:
    """Targets for the next period; ``None`` means derive them from this period."""

    recovery_rate: float | None = None
    connect_rate: float | None = None
    ptp_kept_rate: float | None = None
    contact_coverage: float | None = None
    improvement_points: float = 0.01  # derived targets: this period's figure + 1 pp


@dataclass(frozen=True)
class Fonts:
    latin: str
    east_asian: str


def _default_fonts() -> dict[str, Fonts]:
    return {
        "zh-CN": Fonts(latin="Calibri", east_asian="微软雅黑"),
        "zh-TW": Fonts(latin="Calibri", east_asian="微軟正黑體"),
        "en": Fonts(latin="Calibri", east_asian="微软雅黑"),
    }


@dataclass(frozen=True)
class Word:
    fonts: dict[str, Fonts] = field(default_factory=_default_fonts)
    table_of_contents: bool = False


@dataclass(frozen=True)
class Aliases:
    """Extra header and value mappings for input files, on top of the built-in ones.

    ``headers`` maps a header as exported to a canonical column name, for any
    table. ``values`` maps a canonical column (``channel``, ``outcome``,
    ``kind``) to ``{value as exported: canonical value}``.
    """

    headers: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Engine:
    """DuckDB's resources (see docs/engine.md); empty means DuckDB's own default."""

    memory_limit: str = ""  # e.g. "8GB": beyond it DuckDB spills to temp_directory
    # Where spilled data goes (default: beside a .duckdb file, else a private folder under
    # the system's temporary folder; see store.in_memory_settings).
    temp_directory: str = ""


@dataclass(frozen=True)
class Database:
    """Where a database source (postgresql://, sqlite:///) keeps the six tables.

    ``tables`` maps a table (``contacts``) to the table or view that holds it
    (``催收记录``); ``columns`` maps a table to ``{column: database column}``
    (``{"contacted_at": "联系时间"}``). Tables and columns not named here are found
    by the same names and aliases as in files. ``schema`` is PostgreSQL's schema
    (empty: the server's search path).
    """

    schema: str = ""
    tables: dict[str, str] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Charts:
    """How the Markdown's charts are drawn (Word files carry their own, editable charts)."""

    image_format: str = "svg"  # "svg" (vector, text as outlines) or "png" (reportgen[png])


# "8GB", "512 MiB", "1.5TB": the forms DuckDB's memory_limit accepts, units required.
_MEMORY_LIMIT = re.compile(r"^\d+(\.\d+)? ?(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$")


@dataclass(frozen=True)
class Config:
    organisation: Organisation = field(default_factory=Organisation)
    buckets: Buckets = field(default_factory=Buckets)
    promises: Promises = field(default_factory=Promises)
    compliance: Compliance = field(default_factory=Compliance)
    findings: Findings = field(default_factory=Findings)
    targets: Targets = field(default_factory=Targets)
    word: Word = field(default_factory=Word)
    aliases: Aliases = field(default_factory=Aliases)
    engine: Engine = field(default_factory=Engine)
    charts: Charts = field(default_factory=Charts)
    database: Database = field(default_factory=Database)
    source: Path | None = None  # the file the settings came from, if any


def load_config(path: Path | str | None = None, *, cwd: Path | None = None) -> Config:
    """Read settings from ``path``, or ``reportgen.toml`` in ``cwd`` when present."""
    if path is None:
        candidate = (cwd or Path.cwd()) / DEFAULT_CONFIG_NAME
        if not candidate.is_file():
            return Config()
        path = candidate
    path = Path(path)
    raw = _parse_toml(_read_config_text(path), path)
    config = config_from_dict(raw, origin=str(path))
    return replace(config, source=path)


def _read_config_text(path: Path) -> str:
    """The file's text: at most CONFIG_LIMIT_BYTES of UTF-8, or one ConfigError naming it."""
    try:
        return read_small_text(path, CONFIG_LIMIT_BYTES, what="configuration file")
    except SmallFileError as exc:
        raise ConfigError(str(exc)) from None


def _parse_toml(text: str, path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}){_unset_hint(text, exc)}") from None
    except RecursionError:
        # tomllib parses nested arrays and inline tables recursively.
        raise ConfigError(f"{path}: not valid TOML (values nested too deeply)") from None


def _unset_hint(text: str, exc: tomllib.TOMLDecodeError) -> str:
    """The starter file's ``key = (unset)`` lines are placeholders, not values."""
    # TOMLDecodeError carries the line only in its message before Python 3.14.
    found = re.search(r"at line (\d+)", str(exc))
    lineno = int(found.group(1)) if found else None
    lines = text.splitlines()
    if lineno and 0 < lineno <= len(lines) and "(unset)" in lines[lineno - 1]:
        return (
            "; '(unset)' is a placeholder: delete the line (or keep it commented out) to "
            "leave the setting unset, or write a value"
        )
    return ""


def config_from_dict(raw: dict[str, Any], *, origin: str = "configuration") -> Config:
    """Build a :class:`Config` from parsed TOML, checking every key and type."""
    config = Config()
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "word":
            values[key] = _word_from_dict(value, origin)
        elif key == "aliases":
            values[key] = _aliases_from_dict(value, origin)
        elif key == "compliance":
            values[key] = _compliance_from_dict(value, origin)
        elif key == "database":
            values[key] = _database_from_dict(value, origin)
        elif key in {f.name for f in fields(Config)} and key != "source":
            values[key] = _merge(getattr(config, key), value, f"{origin}: [{key}]")
        elif not isinstance(value, dict):
            # A bare key at the top of the file: say where settings live instead of
            # calling it an unknown section.
            raise ConfigError(
                f"{origin}: unknown setting '{key}' at the top of the file; settings belong "
                "in sections such as [organisation] (see docs/configuration.md)"
            )
        else:
            raise ConfigError(f"{origin}: unknown section [{key}]")
    config = replace(config, **values)
    _check(config, origin)
    return config


def _merge(default: Any, value: Any, where: str) -> Any:
    """Return ``default`` (a dataclass) with the keys of ``value`` replaced, type-checked."""
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a table of settings")
    known = {f.name: f for f in fields(default)}
    changes: dict[str, Any] = {}
    for key, item in value.items():
        if key not in known:
            raise ConfigError(f"{where}: unknown setting '{key}'")
        current = getattr(default, key)
        changes[key] = _coerce(current, item, f"{where} {key}")
    return replace(default, **changes)


def _coerce(current: Any, item: Any, where: str) -> Any:
    if is_dataclass(current):
        return _merge(current, item, where)
    if isinstance(current, tuple):
        if not isinstance(item, list):
            raise ConfigError(f"{where}: expected a list")
        return tuple(_coerce(current[0], element, where) for element in item) if current else ()
    if isinstance(current, time):
        return _coerce_time(item, where)
    if isinstance(current, bool):
        if not isinstance(item, bool):
            raise ConfigError(f"{where}: expected true or false, found {item!r}")
        return item
    if isinstance(current, int) and not isinstance(current, bool):
        if not isinstance(item, int) or isinstance(item, bool):
            raise ConfigError(f"{where}: expected a whole number, found {item!r}")
        return item
    if isinstance(current, float) or current is None:
        if isinstance(item, bool) or not isinstance(item, int | float):
            raise ConfigError(f"{where}: expected a number, found {item!r}")
        return float(item)
    if isinstance(current, str):
        if not isinstance(item, str):
            raise ConfigError(f"{where}: expected text, found {item!r}")
        return item
    return item


def _coerce_time(item: Any, where: str) -> time:
    if isinstance(item, time):
        parsed = item
    else:
        try:
            parsed = time.fromisoformat(str(item))
        except ValueError:
            raise ConfigError(
                f"{where}: expected a time such as 08:00:00, found {item!r}"
            ) from None
    if parsed.tzinfo is not None:
        # Contact times are compared as local clock times; an offset here would
        # make every comparison fail. The zone is [organisation] timezone.
        raise ConfigError(
            f"{where}: expected a local time without an offset such as 08:00:00, found {item!r}"
        )
    return parsed


def _compliance_from_dict(value: Any, origin: str) -> Compliance:
    where = f"{origin}: [compliance]"
    return _merge(Compliance(), value, where)


def _word_from_dict(value: Any, origin: str) -> Word:
    where = f"{origin}: [word]"
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a table of settings")
    word = Word()
    fonts = dict(word.fonts)
    for key, item in value.items():
        if key == "table_of_contents":
            word = replace(word, table_of_contents=_coerce(False, item, f"{where} {key}"))
        elif key == "fonts":
            if not isinstance(item, dict):
                raise ConfigError(f"{where} fonts: expected a table per language")
            for lang, font in item.items():
                if lang not in LANGUAGES:
                    raise ConfigError(f"{where} fonts: unknown language '{lang}'")
                base = fonts[lang]
                fonts[lang] = _merge(base, font, f"{where}.fonts.{lang}")
        else:
            raise ConfigError(f"{where}: unknown setting '{key}'")
    return replace(word, fonts=fonts)


def _aliases_from_dict(value: Any, origin: str) -> Aliases:
    where = f"{origin}: [aliases]"
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a table of settings")
    headers: dict[str, str] = {}
    values: dict[str, dict[str, str]] = {}
    for key, item in value.items():
        if key == "headers":
            if not isinstance(item, dict) or not all(isinstance(v, str) for v in item.values()):
                raise ConfigError(f'{where} headers: expected header = "column" pairs')
            headers.update(item)
        elif key == "values":
            if not isinstance(item, dict):
                raise ConfigError(f"{where} values: expected a table per column")
            for column, mapping in item.items():
                if not isinstance(mapping, dict) or not all(
                    isinstance(v, str) for v in mapping.values()
                ):
                    raise ConfigError(f'{where}.values.{column}: expected value = "code" pairs')
                values[column] = dict(mapping)
        else:
            raise ConfigError(f"{where}: unknown setting '{key}'")
    return Aliases(headers=headers, values=values)


def _database_from_dict(value: Any, origin: str) -> Database:
    """[database]: schema, [database.tables] and [database.columns.<table>], all checked."""
    from reportgen.data.dataset import TABLES
    from reportgen.data.sql_schema import COLUMN_TYPES

    where = f"{origin}: [database]"
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a table of settings")
    schema, tables, columns = "", {}, {}
    for key, item in value.items():
        if key == "schema":
            if not isinstance(item, str):
                raise ConfigError(f"{where} schema: expected text, found {item!r}")
            schema = item
        elif key == "tables":
            tables = _name_pairs(item, TABLES, f"{where}.tables", "table")
        elif key == "columns":
            if not isinstance(item, dict):
                raise ConfigError(f"{where}.columns: expected a table per table name")
            for table, mapping in item.items():
                if table not in TABLES:
                    raise ConfigError(
                        f"{where}.columns: unknown table {table!r}; expected one of "
                        + ", ".join(TABLES)
                    )
                pairs = _name_pairs(
                    mapping, tuple(COLUMN_TYPES[table]), f"{where}.columns.{table}", "column"
                )
                if pairs:  # an empty [database.columns.<table>] names nothing
                    columns[table] = pairs
        else:
            raise ConfigError(f"{where}: unknown setting '{key}'")
    return Database(schema=schema, tables=tables, columns=columns)


def _name_pairs(item: Any, known: tuple[str, ...], where: str, what: str) -> dict[str, str]:
    """``{canonical name: name in the database}``, every key known and every value text."""
    if not isinstance(item, dict):
        raise ConfigError(f'{where}: expected {what} = "name in the database" pairs')
    for key, name in item.items():
        if key not in known:
            raise ConfigError(
                f"{where}: unknown {what} {key!r}; expected one of {', '.join(known)}"
            )
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{where} {key}: expected the name in the database, found {name!r}")
    return dict(item)


def _check(config: Config, origin: str) -> None:
    """Every setting against its allowed values; the first problem raises, naming the setting."""
    _check_organisation(config.organisation, origin)
    _check_buckets(config.buckets, origin)
    for section, name, value in _settings(config):
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            _check_range(section, name, value, origin)
        elif isinstance(value, str):
            _check_text(section, name, value, origin)
    if config.compliance.profile not in ("cn", "us"):
        raise ConfigError(
            f"{origin}: [compliance] profile must be 'cn' or 'us', "
            f"found {config.compliance.profile!r}"
        )
    for profile in ("cn", "us"):
        limits = getattr(config.compliance, profile)
        if not limits.day_start < limits.day_end:
            raise ConfigError(
                f"{origin}: [compliance.{profile}] day_start must be earlier than day_end "
                f"(the permitted contact hours), found {limits.day_start.isoformat()} "
                f"to {limits.day_end.isoformat()}"
            )
    _check_aliases(config.aliases, origin)
    if config.charts.image_format not in ("svg", "png"):
        raise ConfigError(
            f"{origin}: [charts] image_format must be 'svg' or 'png', "
            f"found {config.charts.image_format!r}"
        )
    limit = config.engine.memory_limit
    if limit and not _MEMORY_LIMIT.match(limit):
        raise ConfigError(
            f"{origin}: [engine] memory_limit must be an amount with its unit, such as "
            f"'8GB' or '512MiB', found {limit!r}"
        )


# ---------------------------------------------------------------------------
# The allowed values of every setting, in one place


@dataclass(frozen=True)
class Allowed:
    """A closed range ``low..high`` (``low`` excluded when ``above_low``) and what it means."""

    low: float
    high: float
    meaning: str
    above_low: bool = False

    def admits(self, value: float) -> bool:
        # NaN fails every comparison, so it is never admitted.
        low_ok = value > self.low if self.above_low else value >= self.low
        return low_ok and value <= self.high

    def describe(self) -> str:
        low, high = _number(self.low), _number(self.high)
        if self.above_low:
            return f"must be more than {low} and at most {high} ({self.meaning})"
        return f"must be between {low} and {high} ({self.meaning})"


SHARE = "a share: 0.35 = 35%"
POINTS = "a change in points as a share: 0.02 = 2 percentage points"
PER_1K = "complaints per thousand contacts"
CALLS = "a number of calls"

# (section class, setting) → allowed values. Every number in Config has an
# entry (tests/test_config.py checks), so a new setting cannot go unchecked.
RANGES: dict[tuple[type, str], Allowed] = {
    (Promises, "grace_days"): Allowed(0, 90, "days"),
    (Promises, "kept_share"): Allowed(0, 1, SHARE, above_low=True),
    (ComplianceProfile, "max_unanswered_calls_per_day"): Allowed(1, 100, CALLS),
    (ComplianceProfile, "max_connected_calls_per_day"): Allowed(1, 100, CALLS),
    (ComplianceProfile, "max_calls_in_window"): Allowed(1, 100, CALLS),
    (ComplianceProfile, "call_window_days"): Allowed(1, 366, "days"),
    (ComplianceProfile, "days_after_rpc"): Allowed(0, 366, "days; 0 = no such rule"),
    (Findings, "lost_contact_share"): Allowed(0, 1, SHARE),
    (Findings, "connect_rate_min"): Allowed(0, 1, SHARE),
    (Findings, "rpc_rate_min"): Allowed(0, 1, SHARE),
    (Findings, "rate_drop_points"): Allowed(0, 1, POINTS),
    (Findings, "ptp_kept_rate_min"): Allowed(0, 1, SHARE),
    (Findings, "bucket_lag_ratio"): Allowed(0, 1, "a share of the overall rate: 0.5 = half"),
    (Findings, "complaints_per_1k_max"): Allowed(0, 1000, PER_1K),
    (Findings, "complaints_rise_per_1k"): Allowed(0, 1000, PER_1K),
    (Findings, "roll_forward_rate_max"): Allowed(0, 1, SHARE),
    (Findings, "contact_coverage_min"): Allowed(0, 1, SHARE),
    (Targets, "recovery_rate"): Allowed(0, 1, SHARE),
    (Targets, "connect_rate"): Allowed(0, 1, SHARE),
    (Targets, "ptp_kept_rate"): Allowed(0, 1, SHARE),
    (Targets, "contact_coverage"): Allowed(0, 1, SHARE),
    (Targets, "improvement_points"): Allowed(0, 1, "added points as a share: 0.01 = 1 point"),
    (Buckets, "lower_bounds"): Allowed(1, 36_500, "days past due"),
}


@dataclass(frozen=True)
class TextRule:
    """Text printed in reports or written into Word files: bounded, no control characters."""

    max_length: int
    may_be_empty: bool = False


TEXTS: dict[tuple[type, str], TextRule] = {
    (Organisation, "name"): TextRule(200, may_be_empty=True),
    (Fonts, "latin"): TextRule(100),
    (Fonts, "east_asian"): TextRule(100),
    (Buckets, "labels"): TextRule(40),
}
ALIAS_TEXT = TextRule(200)
MAX_BUCKETS = 20
CURRENCY = re.compile(r"[A-Z]{3}")
# IANA names: "UTC", "Asia/Shanghai", "America/Argentina/Buenos_Aires", "Etc/GMT+8".
TIMEZONE = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*")
TIMEZONE_MAX_LENGTH = 64
# Control, format (e.g. right-to-left override), surrogate and line/paragraph separators.
_HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def _settings(config: Config) -> Iterator[tuple[str, str, Any]]:
    """(section as written in TOML, setting, value) for every scalar, list items one by one."""
    for section in fields(Config):
        value = getattr(config, section.name)
        if is_dataclass(value):
            yield from _dataclass_settings(section.name, value)


def _dataclass_settings(section: str, value: Any) -> Iterator[tuple[str, str, Any]]:
    for item in fields(value):
        setting = getattr(value, item.name)
        if is_dataclass(setting):
            yield from _dataclass_settings(f"{section}.{item.name}", setting)
        elif isinstance(setting, dict) and section == "word":
            for language, fonts in setting.items():
                yield from _dataclass_settings(f'{section}.{item.name}."{language}"', fonts)
        elif isinstance(setting, tuple):
            yield from ((section, item.name, element) for element in setting)
        elif not isinstance(setting, dict):
            yield section, item.name, setting


def _owner(section: str) -> type:
    """The dataclass a TOML section's settings belong to (for RANGES and TEXTS)."""
    if section.startswith("compliance."):
        return ComplianceProfile
    if section.startswith("word.fonts."):
        return Fonts
    return {f.name: type(getattr(Config(), f.name)) for f in fields(Config)}[section]


def _check_range(section: str, name: str, value: float, origin: str) -> None:
    allowed = RANGES.get((_owner(section), name))
    if allowed is None:  # pragma: no cover - the table covers every number (tested)
        raise ConfigError(f"{origin}: [{section}] {name} has no allowed range (a reportgen bug)")
    if not allowed.admits(value):
        raise ConfigError(
            f"{origin}: [{section}] {name} {allowed.describe()}, found {_number(value)}"
        )


def _check_text(section: str, name: str, value: str, origin: str) -> None:
    rule = TEXTS.get((_owner(section), name))
    if rule is not None:
        _check_text_rule(rule, value, f"{origin}: [{section}] {name}")


def _check_text_rule(rule: TextRule, value: str, where: str) -> None:
    if not value.strip() and not rule.may_be_empty:
        raise ConfigError(f"{where} must not be empty")
    if len(value) > rule.max_length:
        raise ConfigError(
            f"{where} must be at most {rule.max_length} characters, found {len(value)}"
        )
    hidden = next((ch for ch in value if unicodedata.category(ch) in _HIDDEN_CATEGORIES), None)
    if hidden is not None:
        raise ConfigError(
            f"{where} must not contain control characters, found U+{ord(hidden):04X} in {value!r}"
        )


def _check_organisation(org: Organisation, origin: str) -> None:
    if org.language not in LANGUAGES:
        raise ConfigError(
            f"{origin}: [organisation] language must be one of {', '.join(LANGUAGES)}, "
            f"found {org.language!r}"
        )
    if not CURRENCY.fullmatch(org.currency):
        raise ConfigError(
            f"{origin}: [organisation] currency must be an ISO 4217 code of three capital "
            f"letters such as CNY, HKD or USD, found {org.currency!r}"
        )
    if org.timezone and not _is_timezone(org.timezone):
        raise ConfigError(
            f"{origin}: [organisation] timezone must be empty or an IANA time zone name "
            f"such as Asia/Shanghai, found {org.timezone!r}"
        )


def _is_timezone(name: str) -> bool:
    """An IANA name zoneinfo knows; shaped like one first, so no path is ever opened."""
    if len(name) > TIMEZONE_MAX_LENGTH or not TIMEZONE.fullmatch(name):
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _check_buckets(buckets: Buckets, origin: str) -> None:
    if len(buckets.lower_bounds) != len(buckets.labels) or not buckets.labels:
        raise ConfigError(f"{origin}: [buckets] needs as many labels as lower_bounds")
    if len(buckets.labels) > MAX_BUCKETS:
        raise ConfigError(
            f"{origin}: [buckets] at most {MAX_BUCKETS} buckets, found {len(buckets.labels)}"
        )
    bounds = list(buckets.lower_bounds)
    if bounds[0] != 1 or any(b <= a for a, b in zip(bounds, bounds[1:], strict=False)):
        raise ConfigError(
            f"{origin}: [buckets] lower_bounds must start at 1 and rise, found {bounds}"
        )
    if len(set(buckets.labels)) != len(buckets.labels) or {"current", "other"} & set(
        buckets.labels
    ):
        raise ConfigError(
            f"{origin}: [buckets] labels must be distinct and not 'current' or 'other'"
        )


def _check_aliases(aliases: Aliases, origin: str) -> None:
    where = f"{origin}: [aliases]"
    for header, column in aliases.headers.items():
        _check_text_rule(ALIAS_TEXT, header, f"{where} headers: a header")
        _check_text_rule(ALIAS_TEXT, column, f"{where} headers: the column for {header!r}")
    for column, mapping in aliases.values.items():
        _check_text_rule(ALIAS_TEXT, column, f"{where} values: a column name")
        for exported, code in mapping.items():
            _check_text_rule(ALIAS_TEXT, exported, f"{where}.values.{column}: a value")
            _check_text_rule(
                ALIAS_TEXT, code, f"{where}.values.{column}: the code for {exported!r}"
            )


def _number(value: float) -> str:
    """0.35, 5.0, 1, -1.0: as a user wrote it in TOML."""
    return repr(value) if isinstance(value, float) else str(value)
