"""Small things a reader trips on: stray spaces in Chinese, zero-count items listed as
problems, a figure said twice, one word spelt two ways, who wrote the Word file."""

from __future__ import annotations

import re

import docx
import pytest

from hostile.corpus import PERIOD, read_rows, run, tiny_source
from reportgen.render.report import close_han_gaps


def test_a_space_left_between_two_han_characters_is_closed_outside_tables():
    text = "回收率为 无法计算，最多的是 胡平（C002），共 3 户\n| 王 芳 | 1 |"
    assert close_han_gaps(text) == "回收率为无法计算，最多的是胡平（C002），共 3 户\n| 王 芳 | 1 |"


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("glitches")
    source = tiny_source(folder / "data")
    out = folder / "out"
    for language in ("zh-CN", "zh-TW", "en"):
        for collector in ("C001", "C002"):
            result = run(
                "report", source, "--period", PERIOD, "--collector", collector,
                "--lang", language, "--out", out,
            )  # fmt: skip
            assert result.exit_code == 0, result.output
    return source, out


def _text(out, collector, language):
    return (out / f"{collector}_{PERIOD}_{language}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("language", ["zh-CN", "zh-TW", "en"])
@pytest.mark.parametrize("collector", ["C001", "C002"])
def test_compliance_lists_only_the_kinds_that_occurred(reports, collector, language):
    _, out = reports
    text = _text(out, collector, language)
    flagged = [line for line in text.splitlines() if "合规提示" in line or "合規提示" in line]
    flagged += [line for line in text.splitlines() if "ompliance flag" in line]
    assert flagged
    for line in flagged:
        assert not re.search(r"(?<![\d,.])0 (次|户次|戶次)", line), line
        assert not re.search(r"limit 0\b|hours 0\b|: 0\b", line), line


@pytest.mark.parametrize("language", ["zh-CN", "zh-TW"])
def test_the_workload_paragraph_gives_the_call_count_once(reports, language):
    _, out = reports
    workload = next(line for line in _text(out, "C001", language).splitlines() if "次（" in line)
    calls = re.search(r"[电電][话話] ([\d,]+) 次", workload).group(1)
    assert workload.count(calls) == 1, workload


def test_zh_tw_spells_share_one_way(reports):
    _, out = reports
    assert "占" not in _text(out, "C001", "zh-TW")


def test_the_word_author_is_the_collector(reports):
    source, out = reports
    roster = read_rows(source / "collectors.csv")
    name = roster[1][roster[0].index("name")]
    properties = docx.Document(str(out / f"C001_{PERIOD}_zh-CN.docx")).core_properties
    assert properties.author == name
