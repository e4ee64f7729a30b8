"""Shared inputs of the Word-output tests: a report-like Markdown text, its chart and properties."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from reportgen.config import Config
from reportgen.render.charts import ChartSpec, render_chart
from reportgen.render.docx import DocProperties, DocxBuilder

CHART_PATH = "张三_2024-12_zh-CN_files/recovery-by-channel.png"

# Everything the templates use, once: title, headings of three levels, emphasis,
# code, an escaped pipe and star, a soft break, lists (nested, two numbered ones,
# the second starting at 3), a pipe table with left/right/centre columns, a
# picture, a page break, HTML to ignore and a link.
REPORT_MARKDOWN = f"""# 张三 2024年12月工作总结

**报告期间：** 2024-12-01 至 2024-12-31 · 团队：一组

## 一、工作概况

本月共联系 *1,234* 次，其中电话 `980` 次。a \\| b \\* c
第二行。

- 电话：980 次
- 短信：254 次
  - 其中营销短信 0 次

1. 先打电话
2. 再发短信

3) 外访跟进

## 二、工作成果

| 渠道 | 回收金额（元） | 占比 |
|:---|---:|:---:|
| 电话 | 123,456.78 | 45.6% |
| 短信 | 4,567.00 | 1.7% |

![按渠道回收金额]({CHART_PATH})

<!-- pagebreak -->

### 明细

#### 电话

<div>不应出现的 HTML</div>

详见 [制度](https://example.com/rules)。
"""


@pytest.fixture(scope="session")
def report_markdown() -> str:
    return REPORT_MARKDOWN


@pytest.fixture(scope="session")
def chart_path() -> str:
    return CHART_PATH


@pytest.fixture(scope="session")
def small_source(tmp_path_factory) -> Path:
    """A small generated data source: 3 collectors in one team, 2023-12 to 2024-12."""
    from reportgen.data.sample import SampleSpec, write_sample_data

    source = tmp_path_factory.mktemp("source")
    spec = SampleSpec(collectors=3, teams=1, accounts=90, months=13, end="2024-12", seed=3)
    write_sample_data(source, spec)
    return source


@pytest.fixture(scope="session")
def demo_output(small_source, tmp_path_factory) -> tuple[Path, list[Path]]:
    """The demo, rendered once in zh-CN from the small source: (folder, paths written)."""
    from reportgen.render.demo import run_demo

    out = tmp_path_factory.mktemp("demo")
    return out, run_demo(out, language="zh-CN", source=small_source)


@pytest.fixture(scope="session")
def chart_png() -> bytes:
    spec = ChartSpec(
        name="recovery-by-channel",
        kind="bar",
        title="按渠道回收金额",
        categories=("电话", "短信"),
        series=(("回收金额", (123456.78, 4567.0)),),
    )
    # A picture, as a template's own image would be (the report's charts are Word charts).
    return render_chart(spec, "zh-CN", "png")


@pytest.fixture
def properties() -> DocProperties:
    return DocProperties(
        title="张三 2024年12月工作总结",
        subject="催收员月度工作总结",
        author="",
        period_start=date(2024, 12, 1),
        period_end=date(2024, 12, 31),
        language="zh-CN",
        header_text="张三 · 2024年12月工作总结",
    )


@pytest.fixture
def build_report(chart_png, properties):
    """Build REPORT_MARKDOWN as .docx bytes, with optional config/language/reference."""

    def build(
        config: Config | None = None,
        language: str = "zh-CN",
        reference: Path | None = None,
        markdown: str = REPORT_MARKDOWN,
        images: dict[str, bytes] | None = None,
        props: DocProperties | None = None,
        charts: dict[str, ChartSpec] | None = None,
    ) -> bytes:
        builder = DocxBuilder(config or Config(), language, reference)
        return builder.build(
            markdown,
            {CHART_PATH: chart_png} if images is None else images,
            props or properties,
            charts,
        )

    return build
