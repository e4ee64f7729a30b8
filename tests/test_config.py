"""Settings: defaults, overrides from TOML, and clear errors for typos and bad values."""

import re
from datetime import time
from pathlib import Path

import pytest

from reportgen.config import Config, config_from_dict, load_config
from reportgen.errors import ConfigError


def test_defaults_need_no_file(tmp_path: Path) -> None:
    config = load_config(cwd=tmp_path)
    assert config == Config()
    assert config.compliance.active.day_end == time(22, 0)
    assert config.promises.grace_days == 3


def test_reportgen_toml_in_working_folder_is_read(tmp_path: Path) -> None:
    (tmp_path / "reportgen.toml").write_text(
        '[organisation]\nname = "示例银行"\n[promises]\ngrace_days = 5\n', encoding="utf-8"
    )
    config = load_config(cwd=tmp_path)
    assert config.organisation.name == "示例银行"
    assert config.promises.grace_days == 5
    assert config.source == tmp_path / "reportgen.toml"


def test_nested_profile_limits_and_fonts() -> None:
    config = config_from_dict(
        {
            "compliance": {
                "profile": "us",
                "us": {"day_end": "20:30:00", "max_calls_in_window": 5},
            },
            "word": {"fonts": {"zh-TW": {"east_asian": "新細明體"}}, "table_of_contents": True},
            "aliases": {
                "headers": {"客户号": "account_id"},
                "values": {"channel": {"电催": "call"}},
            },
        }
    )
    assert config.compliance.active.day_end == time(20, 30)
    assert config.compliance.active.max_calls_in_window == 5
    assert config.word.fonts["zh-TW"].east_asian == "新細明體"
    assert config.word.fonts["zh-TW"].latin == "Calibri"
    assert config.word.table_of_contents is True
    assert config.aliases.values["channel"] == {"电催": "call"}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"organsation": {}}, "unknown section [organsation]"),
        ({"name": "示例银行"}, "unknown setting 'name' at the top of the file"),
        ({"promises": {"grace": 2}}, "unknown setting 'grace'"),
        ({"promises": {"grace_days": "3"}}, "expected a whole number"),
        ({"buckets": {"lower_bounds": [1, 31], "labels": ["M1"]}}, "as many labels"),
        ({"buckets": {"lower_bounds": [0, 31], "labels": ["A", "B"]}}, "start at 1"),
        ({"compliance": {"profile": "eu"}}, "'cn' or 'us'"),
        ({"compliance": {"cn": {"day_start": "8am"}}}, "expected a time"),
        ({"organisation": {"language": "fr"}}, "language must be one of"),
        ({"word": {"fonts": {"ja": {"latin": "x"}}}}, "unknown language 'ja'"),
    ],
)
def test_bad_settings_name_the_key(raw: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        config_from_dict(raw, origin="my.toml")


def test_bad_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[organisation\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="bad.toml: not valid TOML"):
        load_config(path)


# --- Allowed ranges ---------------------------------------------------------------

from dataclasses import fields, is_dataclass  # noqa: E402

from reportgen.config import RANGES, TEXTS, Allowed  # noqa: E402


def _numbers(value):
    for item in fields(value):
        setting = getattr(value, item.name)
        if is_dataclass(setting):
            yield from _numbers(setting)
        elif isinstance(setting, dict):
            for nested in setting.values():
                if is_dataclass(nested):
                    yield from _numbers(nested)
        elif isinstance(setting, tuple) and all(isinstance(v, str) for v in setting):
            continue  # text items (bucket labels): checked by TEXTS
        elif not isinstance(setting, bool | str | time) and item.name != "source":
            yield type(value), item.name, setting


def test_every_number_has_an_allowed_range_and_the_defaults_are_inside() -> None:
    for owner, name, default in _numbers(Config()):
        allowed = RANGES[(owner, name)]
        for value in default if isinstance(default, tuple) else [default]:
            if value is not None:
                assert allowed.admits(value), (owner.__name__, name, value)
    for owner, name in TEXTS:
        assert name in {f.name for f in fields(owner)}


def test_a_range_says_what_it_allows() -> None:
    share = Allowed(0, 1, "a share")
    assert share.admits(0) and share.admits(1) and not share.admits(1.01)
    assert not share.admits(float("nan"))
    assert share.describe() == "must be between 0 and 1 (a share)"
    assert "more than 0" in Allowed(0, 1, "x", above_low=True).describe()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            {"targets": {"recovery_rate": 5.0}},
            "my.toml: [targets] recovery_rate must be between 0 and 1 (a share: 0.35 = 35%), "
            "found 5.0",
        ),
        ({"targets": {"improvement_points": -0.01}}, "improvement_points must be between 0"),
        ({"findings": {"complaints_per_1k_max": 1e9}}, "complaints_per_1k_max must be between"),
        ({"findings": {"lost_contact_share": float("inf")}}, "found inf"),
        ({"promises": {"kept_share": 0}}, "kept_share must be more than 0 and at most 1"),
        ({"promises": {"grace_days": -1}}, "grace_days must be between 0 and 90 (days)"),
        ({"compliance": {"us": {"max_calls_in_window": 0}}}, "[compliance.us] max_calls"),
        (
            {"compliance": {"cn": {"day_start": "09:00:00", "day_end": "09:00:00"}}},
            "day_start must be earlier than day_end",
        ),
        ({"compliance": {"cn": {"day_end": "21:00:00+08:00"}}}, "without an offset"),
        ({"buckets": {"lower_bounds": [1, 99999], "labels": ["a", "b"]}}, "lower_bounds must"),
        ({"buckets": {"lower_bounds": [1, True], "labels": ["a", "b"]}}, "whole number"),
        ({"buckets": {"lower_bounds": [1, 2], "labels": ["a", 2]}}, "expected text"),
        ({"buckets": {"lower_bounds": [1, 2], "labels": ["a", "b\n"]}}, "control characters"),
        ({"organisation": {"currency": "RMB1"}}, "currency must be an ISO 4217 code"),
        ({"organisation": {"timezone": "/etc/localtime"}}, "timezone must be empty or an IANA"),
        ({"organisation": {"timezone": "Asia/../../etc/passwd"}}, "timezone"),
        ({"organisation": {"timezone": "Asia"}}, "timezone"),
        ({"organisation": {"name": "x" * 201}}, "name must be at most 200 characters"),
        ({"organisation": {"name": "Bank\u202eknaB"}}, "U+202E"),
        ({"word": {"fonts": {"en": {"east_asian": " "}}}}, "east_asian must not be empty"),
        ({"aliases": {"values": {"channel": {"电催": "ca\x07ll"}}}}, "control characters"),
    ],
)
def test_out_of_range_settings_name_the_setting_and_the_range(raw: dict, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_dict(raw, origin="my.toml")
    assert message in str(caught.value)


@pytest.mark.parametrize("zone", ["", "UTC", "Asia/Shanghai", "America/Argentina/Buenos_Aires"])
def test_valid_time_zones_are_accepted(zone: str) -> None:
    assert config_from_dict({"organisation": {"timezone": zone}}).organisation.timezone == zone


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"x = " + b"[" * 10000 + b"]" * 10000, "nested too deeply"),
        (b'[organisation]\nname = "\xe9"\n', "not UTF-8 text"),
        (b"[targets]\nrecovery_rate = (unset)\n", "'(unset)' is a placeholder"),
    ],
)
def test_unreadable_files_give_one_error_naming_the_file(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "odd.toml"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match=rf"odd.toml: .*{re.escape(message)}"):
        load_config(path)


def test_a_huge_or_folder_config_is_refused(tmp_path: Path, monkeypatch) -> None:
    import reportgen.config as config_module

    monkeypatch.setattr(config_module, "CONFIG_LIMIT_BYTES", 10)
    path = tmp_path / "big.toml"
    path.write_text("# " + "x" * 20 + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="big.toml: larger than 10 bytes"):
        load_config(path)
    with pytest.raises(ConfigError, match="is a folder"):
        load_config(tmp_path)


def test_every_line_of_the_starter_file_is_valid_uncommented_as_it_is(tmp_path: Path) -> None:
    from reportgen.render.starter import starter_config_text

    text = starter_config_text()
    assert "Allowed: 0 to 1." in text  # the ranges come from the same table
    assert "(unset)" not in text
    lines = [
        line.removeprefix("# ")
        for line in text.splitlines()
        if re.match(r'^# (\[[^\]]+\]|("[^"]+"|\w+) = \S.*)$', line)
    ]
    path = tmp_path / "reportgen.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = load_config(path)
    assert config.targets.recovery_rate == 0.35  # the example value, as written


def test_database_settings_are_read_and_checked() -> None:
    from reportgen.config import Database, config_from_dict
    from reportgen.errors import ConfigError

    config = config_from_dict(
        {
            "database": {
                "schema": "催收系统",
                "tables": {"contacts": "催收记录"},
                "columns": {"contacts": {"contacted_at": "联系时间"}, "accounts": {}},
            }
        }
    )
    assert config.database == Database(
        schema="催收系统",
        tables={"contacts": "催收记录"},
        columns={"contacts": {"contacted_at": "联系时间"}},
    )
    for raw, needle in (
        ({"tables": {"calls": "x"}}, "unknown table 'calls'"),
        ({"columns": {"calls": {}}}, "unknown table 'calls'"),
        ({"columns": {"contacts": {"when": "x"}}}, "unknown column 'when'"),
        ({"tables": {"contacts": ""}}, "expected the name in the database"),
        ({"tables": {"contacts": 3}}, "expected the name in the database"),
        ({"host": "db"}, "unknown setting 'host'"),
    ):
        with pytest.raises(ConfigError, match=re.escape(needle)):
            config_from_dict({"database": raw})
