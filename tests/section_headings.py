"""The six section headings of every report, by language: what a reader must find, in order.

Shared by the snapshot tests and the hand-worked report tests (tests/ is on pytest's
pythonpath), so the expectation is written once.
"""

SECTION_HEADINGS: dict[str, list[str]] = {
    "zh-CN": [
        "一、工作概况",
        "二、工作成果",
        "三、工作方法与策略",
        "四、问题与挑战",
        "五、改进措施",
        "六、未来工作计划",
    ],
    "zh-TW": [
        "一、工作概況",
        "二、工作成果",
        "三、工作方法與策略",
        "四、問題與挑戰",
        "五、改進措施",
        "六、未來工作計畫",
    ],
    "en": ["1. Overview", "2. Results", "3. Methods", "4. Problems", "5. Improvements", "6. Plans"],
}
