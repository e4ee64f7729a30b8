"""Settings and their defaults, read from a TOML file.

Every setting has a default, so no configuration file is needed to start.
``reportgen.toml`` in the working folder is read when present; ``--config``
names another file. Unknown keys are an error naming the key, so a typo never
silently falls back to a default.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import time
from pathlib import Path
from typing import Any

from reportgen.errors import ConfigError

DEFAULT_CONFIG_NAME = "reportgen.toml"
LANGUAGES = ("zh-CN", "zh-TW", "en")


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
class Config:
    organisation: Organisation = field(default_factory=Organisation)
    buckets: Buckets = field(default_factory=Buckets)
    promises: Promises = field(default_factory=Promises)
    compliance: Compliance = field(default_factory=Compliance)
    findings: Findings = field(default_factory=Findings)
    targets: Targets = field(default_factory=Targets)
    word: Word = field(default_factory=Word)
    aliases: Aliases = field(default_factory=Aliases)
    source: Path | None = None  # the file the settings came from, if any


def load_config(path: Path | str | None = None, *, cwd: Path | None = None) -> Config:
    """Read settings from ``path``, or ``reportgen.toml`` in ``cwd`` when present."""
    if path is None:
        candidate = (cwd or Path.cwd()) / DEFAULT_CONFIG_NAME
        if not candidate.is_file():
            return Config()
        path = candidate
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    config = config_from_dict(raw, origin=str(path))
    return replace(config, source=path)


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
        return tuple(item)
    if isinstance(current, time):
        if isinstance(item, time):
            return item
        try:
            return time.fromisoformat(str(item))
        except ValueError:
            raise ConfigError(
                f"{where}: expected a time such as 08:00:00, found {item!r}"
            ) from None
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


def _check(config: Config, origin: str) -> None:
    org = config.organisation
    if org.language not in LANGUAGES:
        raise ConfigError(
            f"{origin}: [organisation] language must be one of {', '.join(LANGUAGES)}, "
            f"found {org.language!r}"
        )
    buckets = config.buckets
    if len(buckets.lower_bounds) != len(buckets.labels) or not buckets.labels:
        raise ConfigError(f"{origin}: [buckets] needs as many labels as lower_bounds")
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
    if config.compliance.profile not in ("cn", "us"):
        raise ConfigError(
            f"{origin}: [compliance] profile must be 'cn' or 'us', "
            f"found {config.compliance.profile!r}"
        )
    if config.promises.grace_days < 0 or not 0 < config.promises.kept_share <= 1:
        raise ConfigError(f"{origin}: [promises] grace_days must be ≥ 0 and kept_share in (0, 1]")
