"""Traditional Chinese in Taiwan usage, where OpenCC's s2twp leaves mainland words."""

from __future__ import annotations

import pytest

from reportgen.narrative.chinese import to_traditional, traditional_template


@pytest.mark.parametrize(
    ("simplified", "taiwan"),
    [
        ("未来工作计划", "未來工作計畫"),
        ("恢复到去年同期的水平", "恢復到去年同期的水準"),
        ("核查预留联系人", "查核預留聯絡人"),
        ("逐月数据见“全年逐月情况”。", "逐月資料見「全年逐月情況」。"),
    ],
)
def test_taiwan_usage(simplified, taiwan):
    assert to_traditional(simplified) == taiwan


def test_template_conversion_uses_taiwan_quotes_outside_tags_only():
    text = '见“全年逐月情况”{{ ui.by_channel(x, "次") }}'
    assert traditional_template(text) == '見「全年逐月情況」{{ ui.by_channel(x, "次") }}'
