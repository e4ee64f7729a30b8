"""index.md and index.csv: one row per report of the archive, written or failed.

The CSV is for spreadsheets: UTF-8 with a BOM (so Excel shows Chinese names),
raw figures (money to the cent, ratios as unrounded fractions, blank for
null), English column keys, and every text cell that Excel would read as a
formula made inert. The Markdown is for people: headings in the archive's
first language, figures rounded for reading, links to the files.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from typing import Any

KEY_FIGURES = (
    "recovered_amount",
    "recovery_rate",
    "connect_rate",
    "rpc_rate",
    "ptp_kept_rate",
    "contact_coverage",
    "complaints",
    "compliance_flags",
)
MONEY_FIGURES = {"recovered_amount"}
RATE_FIGURES = {"recovery_rate", "connect_rate", "rpc_rate", "ptp_kept_rate", "contact_coverage"}

CSV_COLUMNS = (
    "kind",
    "id",
    "name",
    "team_id",
    "team_name",
    "language",
    "title",
    *KEY_FIGURES,
    "status",
    "error",
    "files",
)


@dataclass(frozen=True)
class IndexRow:
    kind: str
    id: str | None
    name: str | None
    team_id: str | None
    team_name: str | None
    language: str
    title: str
    figures: dict[str, Any]
    files: tuple[str, ...]  # the report documents (md, docx), relative POSIX paths
    error: str | None

    @property
    def status(self) -> str:
        return "failed" if self.error else "ok"


# ---------------------------------------------------------------- CSV

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(text: str) -> str:
    """Prefix a single quote to text that Excel or LibreOffice would run as a formula
    (OWASP CSV injection): cells starting with = + - @ tab or carriage return."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_figure(key: str, value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if key in MONEY_FIGURES:
        return f"{value:.2f}"
    return repr(float(value)) if key in RATE_FIGURES else str(value)


def index_csv(rows: list[IndexRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        text = {
            "kind": row.kind,
            "id": row.id or "",
            "name": row.name or "",
            "team_id": row.team_id or "",
            "team_name": row.team_name or "",
            "language": row.language,
            "title": row.title,
            "status": row.status,
            "error": row.error or "",
            "files": " ".join(row.files),
        }
        cells = []
        for column in CSV_COLUMNS:
            if column in KEY_FIGURES:
                # figures are numbers we format ourselves: a negative one must stay a number
                cells.append(_csv_figure(column, row.figures.get(column)))
            else:
                cells.append(excel_safe(text[column]))
        writer.writerow(cells)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# ---------------------------------------------------------------- Markdown

_HEADINGS = {
    "zh-CN": {
        "title": "{period} 工作总结归档",
        "summary": "共 {total} 份报告：成功 {ok} 份，失败 {failed} 份。",
        "failures": "未能生成的报告",
        "columns": (
            "范围",
            "编号",
            "姓名/名称",
            "团队",
            "语言",
            "回收金额",
            "回收率",
            "接通率",
            "承诺兑现率",
            "合规标记",
            "文件",
            "状态",
        ),
        "kinds": {"collector": "催收员", "team": "团队", "all": "全体"},
        "status": {"ok": "成功", "failed": "失败"},
    },
    "zh-TW": {
        "title": "{period} 工作總結歸檔",
        "summary": "共 {total} 份報告：成功 {ok} 份，失敗 {failed} 份。",
        "failures": "未能產生的報告",
        "columns": (
            "範圍",
            "編號",
            "姓名/名稱",
            "團隊",
            "語言",
            "回收金額",
            "回收率",
            "接通率",
            "承諾兌現率",
            "合規標記",
            "檔案",
            "狀態",
        ),
        "kinds": {"collector": "催收員", "team": "團隊", "all": "全體"},
        "status": {"ok": "成功", "failed": "失敗"},
    },
    "en": {
        "title": "Work summaries archive, {period}",
        "summary": "{total} reports: {ok} written, {failed} failed.",
        "failures": "Reports that failed",
        "columns": (
            "Scope",
            "ID",
            "Name",
            "Team",
            "Language",
            "Recovered",
            "Recovery rate",
            "Connect rate",
            "Promises kept",
            "Compliance flags",
            "Files",
            "Status",
        ),
        "kinds": {"collector": "collector", "team": "team", "all": "all"},
        "status": {"ok": "ok", "failed": "failed"},
    },
}
_MD_FIGURES = ("recovered_amount", "recovery_rate", "connect_rate", "ptp_kept_rate")
_MD_SPECIAL = re.compile(r"([\\|*_`\[\]<>#~])")
_NONE = "—"


def md_cell(text: str) -> str:
    """Text safe inside a GitHub table cell: Markdown punctuation escaped, no line breaks."""
    flat = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", flat) if flat else ""


def _md_figure(key: str, value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return _NONE
    if key in MONEY_FIGURES:
        return f"{value:,.2f}"
    if key in RATE_FIGURES:
        return f"{value * 100:.1f}%"
    return f"{value:,}"


def _md_link(path: str) -> str:
    label = md_cell(path.rsplit("/", 1)[-1])
    return f"[{label}](<{path}>)"


def index_markdown(rows: list[IndexRow], period_label: str, language: str) -> bytes:
    words = _HEADINGS[language]
    failed = [row for row in rows if row.error]
    lines = [
        "# " + words["title"].format(period=period_label),
        "",
        words["summary"].format(total=len(rows), ok=len(rows) - len(failed), failed=len(failed)),
        "",
        "| " + " | ".join(words["columns"]) + " |",
        "|" + "|".join(["---"] * 5 + ["---:"] * 5 + ["---"] * 2) + "|",
    ]
    for row in rows:
        cells = [
            words["kinds"][row.kind],
            md_cell(row.id or ""),
            md_cell(row.name or ""),
            md_cell(row.team_name or row.team_id or ""),
            row.language,
            *(_md_figure(key, row.figures.get(key)) for key in _MD_FIGURES),
            _md_figure("compliance_flags", row.figures.get("compliance_flags")),
            "<br>".join(_md_link(path) for path in row.files) or _NONE,
            words["status"][row.status],
        ]
        lines.append("| " + " | ".join(cells) + " |")
    if failed:
        lines += ["", "## " + words["failures"], ""]
        for row in failed:
            who = " ".join(part for part in (words["kinds"][row.kind], row.id or "") if part)
            lines.append(f"- {md_cell(who)} ({row.language}): {md_cell(row.error or '')}")
    return ("\n".join(lines) + "\n").encode("utf-8")
