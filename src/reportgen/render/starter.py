"""``reportgen init DIR``: a starter configuration and copies of the built-in templates.

The starter ``reportgen.toml`` is generated from :class:`reportgen.config.Config`
itself, so it lists every setting with its default (commented out) and can
never fall behind the code. The templates are copied as they are, to be
edited or trimmed to the blocks an organisation wants to change.
"""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from datetime import time
from pathlib import Path
from typing import Any

from reportgen.config import DEFAULT_CONFIG_NAME, RANGES, Config
from reportgen.output import refuse_existing, write_atomic
from reportgen.resources import templates_dir

# What each setting does, for the starter file and docs/configuration.md.
DESCRIPTIONS: dict[str, str] = {
    "organisation": "Who the reports are for.",
    "organisation.name": (
        "Organisation name, shown at the top of every report and in Word properties."
    ),
    "organisation.currency": "ISO currency code; CNY is written 元 in Chinese reports.",
    "organisation.language": "Default report language: zh-CN, zh-TW or en.",
    "organisation.timezone": (
        'The centre\'s IANA time zone, e.g. "Asia/Shanghai"; empty: none configured.'
    ),
    "buckets": "Delinquency buckets by days past due (dpd 0 is current).",
    "buckets.lower_bounds": "Smallest dpd of each bucket; must start at 1 and rise.",
    "buckets.labels": "A label per bucket, in the same order.",
    "promises": "When a promise to pay counts as kept.",
    "promises.grace_days": "Days after the promised date a payment still keeps the promise.",
    "promises.kept_share": "Share of the promised amount that must be paid (1.0 = all of it).",
    "compliance": "Contact rules checked for compliance flags.",
    "compliance.profile": "Rule set in force: cn (GB/T 45251-2025, CBA 2026) or us (FDCPA, Reg F).",
    "day_start": "Earliest permitted local contact time.",
    "day_end": "Contacts at or after this local time are after hours.",
    "max_unanswered_calls_per_day": (
        "cn: unanswered calls to one debtor in a day above this are flagged."
    ),
    "max_connected_calls_per_day": (
        "cn: connected calls to one debtor in a day above this are flagged."
    ),
    "max_calls_in_window": "us: calls to one debtor within the window above this are flagged.",
    "call_window_days": "us: length of that rolling window in days.",
    "days_after_rpc": "us: days after a right-party call in which another call is flagged.",
    "charts": "How the Markdown's charts are drawn; Word files carry editable charts.",
    "charts.image_format": (
        '"svg" (vector, sharp at any size) or "png" (needs pip install \'reportgen[png]\').'
    ),
    "engine": "DuckDB's resources (docs/engine.md); empty: DuckDB's own default.",
    "engine.memory_limit": (
        'Most memory DuckDB may use, with its unit ("8GB"); beyond it data goes to disk.'
    ),
    "engine.temp_directory": (
        "Folder for data spilled to disk; empty: beside a .duckdb file, else a private "
        "folder under the system's temporary folder."
    ),
    "findings": "Thresholds that turn figures into findings in the Problems section.",
    "findings.lost_contact_share": (
        "Lost-contact accounts / accounts attempted at or above this is a finding."
    ),
    "findings.connect_rate_min": "Connect rate below this is a finding.",
    "findings.rpc_rate_min": "Right-party contact rate below this is a finding.",
    "findings.rate_drop_points": (
        "A rate falling (or roll-forward rising) by this much (0.02 = 2 points)."
    ),
    "findings.ptp_kept_rate_min": "Share of promises kept below this is a finding.",
    "findings.bucket_lag_ratio": "A bucket recovering below this share of the overall rate lags.",
    "findings.complaints_per_1k_max": "Complaints per thousand contacts above this is a finding.",
    "findings.roll_forward_rate_max": "Roll-forward rate above this is a finding.",
    "findings.contact_coverage_min": "Share of the book contacted below this is a finding.",
    "targets": "Targets for the next period in the Plans section.",
    "targets.recovery_rate": (
        "Fixed recovery-rate target; unset: this period's rate + improvement_points."
    ),
    "targets.connect_rate": "Fixed connect-rate target; unset: derived the same way.",
    "targets.ptp_kept_rate": "Fixed promises-kept target; unset: derived the same way.",
    "targets.contact_coverage": "Fixed contact-coverage target; unset: derived the same way.",
    "targets.improvement_points": (
        "Added to this period's figure for a derived target (0.01 = 1 point)."
    ),
    "word": "Word (.docx) output.",
    "word.table_of_contents": "Put a table of contents at the start of Word reports.",
    "word.fonts": "Fonts per report language: latin for Latin text, east_asian for Chinese.",
    "aliases": "Extra header and value mappings for input files, on top of the built-in ones.",
    "aliases.headers": 'Header as exported = canonical column, e.g. "客户号" = "account_id".',
    "aliases.values": (
        'Per column, value as exported = code, e.g. [aliases.values.channel] "电催" = "call".'
    ),
    "database": (
        "Where a database source (postgresql://, sqlite:///) keeps the tables "
        "(docs/data-format.md); names not given are found as in files."
    ),
    "database.schema": "PostgreSQL schema holding the tables; empty: the search path.",
    "database.tables": 'Which table or view holds each table: table = "name in the database".',
    "database.columns": 'Per table, which column holds each: column = "name in the database".',
}

# Valid example values for the settings that are unset by default (the targets).
_UNSET_EXAMPLES = {
    "targets.recovery_rate": 0.35,
    "targets.connect_rate": 0.3,
    "targets.ptp_kept_rate": 0.7,
    "targets.contact_coverage": 0.9,
}

# Example lines for the settings whose default is empty or unset.
_EXAMPLES = {
    "aliases.headers": ['"客户号" = "account_id"'],
    "aliases.values": ["[aliases.values.channel]", '"电催" = "call"'],
    "database.tables": [
        "[database.tables]",
        'collectors = "坐席花名册"  # Example value; by default none.',
    ],
    "database.columns": [
        "[database.columns.accounts]",
        'collector_id = "坐席工号"  # Example value; by default none.',
    ],
}


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")


def starter_config_text() -> str:
    """Every setting of :class:`Config`, commented out, with its default and what it does."""
    config = Config()
    lines = [
        "# reportgen settings. Every setting is shown with its default, commented out:",
        "# remove the '# ' before a [section] line and a setting line to change it.",
        "# reportgen reads ./reportgen.toml, or the file given with --config.",
        "",
    ]
    for section in fields(Config):
        if section.name == "source":
            continue
        value = getattr(config, section.name)
        lines.append(f"# {DESCRIPTIONS[section.name]}")
        if section.name == "compliance":
            lines += _table("compliance", value, skip=("cn", "us"))
            for profile in ("cn", "us"):
                lines += _table(f"compliance.{profile}", getattr(value, profile), generic=True)
        elif section.name == "word":
            lines += _table("word", value, skip=("fonts",))
            lines.append(f"# {DESCRIPTIONS['word.fonts']}")
            for language, fonts in value.fonts.items():
                lines += _table(f'word.fonts."{language}"', fonts, generic=True, blank=False)
            lines.append("")
        elif section.name == "aliases":
            lines.append("# [aliases.headers]")
            lines.append(f"# {DESCRIPTIONS['aliases.headers']}")
            lines += [f"# {example}" for example in _EXAMPLES["aliases.headers"]]
            lines.append(f"# {DESCRIPTIONS['aliases.values']}")
            lines += [f"# {example}" for example in _EXAMPLES["aliases.values"]]
            lines.append("")
        elif section.name == "database":
            lines += _table("database", value, skip=("tables", "columns"))[:-1]
            for part in ("tables", "columns"):
                lines.append(f"# {DESCRIPTIONS[f'database.{part}']}")
                lines += [f"# {example}" for example in _EXAMPLES[f"database.{part}"]]
            lines.append("")
        else:
            lines += _table(section.name, value)
    return "\n".join(lines).rstrip() + "\n"


def _table(
    name: str, value: Any, skip: tuple[str, ...] = (), generic: bool = False, blank: bool = True
) -> list[str]:
    lines = [f"# [{name}]"]
    for item in fields(value):
        if item.name in skip:
            continue
        default = getattr(value, item.name)
        key = item.name if generic else f"{name}.{item.name}"
        note = DESCRIPTIONS.get(key) or DESCRIPTIONS.get(item.name, "")
        note = (note + _allowed(type(value), item.name)).strip()
        if default is None:
            # No default to show: an example value that is valid as it stands, so a line
            # uncommented as it is works (a placeholder would be a TOML error).
            example = toml_value(_UNSET_EXAMPLES[key])
            lines.append(
                f"# {item.name} = {example}  # Example value; by default unset. {note}".rstrip()
            )
        elif is_dataclass(default):  # pragma: no cover - nested tables are handled above
            raise TypeError(f"unexpected nested setting {key}")
        else:
            lines.append(f"# {item.name} = {toml_value(default)}" + (f"  # {note}" if note else ""))
    if blank:
        lines.append("")
    return lines


def _allowed(owner: type, name: str) -> str:
    """ " Allowed: 0 to 1." from the one table of ranges, so the starter cannot disagree with it."""
    allowed = RANGES.get((owner, name))
    if allowed is None:
        return ""
    if allowed.above_low:
        return f" Allowed: above {_plain(allowed.low)}, up to {_plain(allowed.high)}."
    return f" Allowed: {_plain(allowed.low)} to {_plain(allowed.high)}."


def _plain(number: float) -> str:
    return f"{number:g}"


NOTES_EXAMPLE_NAME = "notes-example.yaml"

# A collector's notes file as it might be filled in: one key per section, each a list of
# paragraphs. Written by ``reportgen init`` so nobody starts from a blank page.
NOTES_EXAMPLE = """\
# Your own words for a report, by section: use with
#   reportgen report SOURCE --period 2024-09 --collector C001 --notes notes-example.yaml
# Each section is a list of paragraphs; leave out any section you have nothing to add to.
# Every value is read as text exactly as written (010 stays 010, 12:30 stays 12:30).
# In the report each section's notes follow its figures under the sub-heading
# 本人补充 (zh-TW 本人補充, en "In my own words").
overview:
  - 本月接手王芳调岗后移交的 120 户 M1 账户，前两周以核实联系方式为主。
results:
  - 大额账户 A00012345 于 9 月 28 日一次性结清 3.2 万元，是本月回收的主要来源。
methods:
  - 本月试行上午集中外呼、下午短信跟进，上午接通率明显高于下午。
problems:
  - 有两名客户失业，还款能力明显下降，承诺多次未兑现。
improvements:
  - 对失业客户改为申请分期方案，先保住每月最低还款。
plans:
  - 十月起每周复盘一次到期承诺，逐户确认未兑现原因。
"""


def write_starter(out_dir: Path, force: bool = False) -> list[Path]:
    """Write ``reportgen.toml``, an example notes file and ``templates/<language>/*.md.j2``
    under ``out_dir``. The templates are copies to edit; reports use them when given
    ``--templates out_dir/templates``."""
    out_dir = Path(out_dir)
    builtin = templates_dir()
    files: dict[Path, bytes | str] = {
        out_dir / DEFAULT_CONFIG_NAME: starter_config_text(),
        out_dir / NOTES_EXAMPLE_NAME: NOTES_EXAMPLE,
    }
    for template in sorted(builtin.rglob("*.j2")):
        files[out_dir / "templates" / template.relative_to(builtin)] = template.read_bytes()
    refuse_existing(files, force=force)
    return [write_atomic(path, content) for path, content in files.items()]
