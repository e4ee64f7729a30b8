"""Simplified → Traditional Chinese (Taiwan usage) for wording generated in Python.

OpenCC's phrase-aware ``s2twp`` profile converts vocabulary as well as
characters (信息 → 資訊, 短信 → 簡訊). A few collection terms it leaves in
mainland usage are corrected after it.
"""

from __future__ import annotations

import re
from functools import lru_cache

import opencc

# Taiwan usage that s2twp does not produce on its own (計畫, 水準, 查核, 「」 quotes
# are what Taiwanese readers expect where s2twp leaves 計劃, 水平, 核查, “”).
_TAIWAN_FIXES = (
    ("賬", "帳"),
    ("質量", "品質"),
    ("互聯網", "網際網路"),
    ("季度", "季"),
    ("渠道", "管道"),
    ("計劃", "計畫"),
    ("水平", "水準"),
    ("核查", "查核"),
    ("“", "「"),
    ("”", "」"),
)


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("s2twp")


@lru_cache(maxsize=4096)
def to_traditional(text: str) -> str:
    converted = _converter().convert(text)
    for mainland, taiwan in _TAIWAN_FIXES:
        converted = converted.replace(mainland, taiwan)
    return converted


_TEMPLATE_TAG = re.compile(r"({{.*?}}|{%.*?%}|{#.*?#})", re.S)
_QUOTED = re.compile(r'"([^"]*)"')


def traditional_template(text: str) -> str:
    """A zh-CN Jinja template in Traditional Chinese: words converted, code left alone.

    Text outside tags is converted; inside tags only double-quoted strings are
    (they hold words such as "次"), so variable and filter names stay intact.
    The zh-TW templates are made with this and reviewed; a test keeps them in step.
    """
    parts = _TEMPLATE_TAG.split(text)
    return "".join(
        _QUOTED.sub(lambda m: '"' + to_traditional(m.group(1)) + '"', part)
        if part.startswith(("{{", "{%", "{#"))
        else to_traditional(part)
        for part in parts
    )


def main(argv: list[str] | None = None) -> None:
    """python -m reportgen.narrative.chinese SRC_DIR DEST_DIR: convert every *.j2 file."""
    import sys
    from pathlib import Path

    source, destination = (Path(a) for a in (argv or sys.argv[1:]))
    destination.mkdir(parents=True, exist_ok=True)
    for template in sorted(source.glob("*.j2")):
        converted = traditional_template(template.read_text(encoding="utf-8"))
        (destination / template.name).write_text(converted, encoding="utf-8")


if __name__ == "__main__":
    main()
