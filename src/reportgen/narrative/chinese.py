"""Simplified → Traditional Chinese (Taiwan usage) for wording generated in Python.

OpenCC's phrase-aware ``s2twp`` profile converts vocabulary as well as
characters (信息 → 資訊, 短信 → 簡訊). A few collection terms it leaves in
mainland usage are corrected after it.
"""

from __future__ import annotations

from functools import lru_cache

import opencc

# Taiwan usage that s2twp does not produce on its own.
_TAIWAN_FIXES = (
    ("賬", "帳"),
    ("質量", "品質"),
    ("互聯網", "網際網路"),
    ("季度", "季"),
    ("渠道", "管道"),
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
