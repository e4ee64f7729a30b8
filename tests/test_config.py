"""Settings: defaults, overrides from TOML, and clear errors for typos and bad values."""

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
