"""docs/metrics.md quotes real figures of the bundled sample data; they must stay real.

The JSON example, the CSV excerpt, the worked example's numbers and the
pandas code that recomputes them are all checked against the engine.
"""

import contextlib
import csv
import io
import json
import re
from pathlib import Path

import pytest

from reportgen.config import Config
from reportgen.data.load import load_source
from reportgen.metrics import MetricsEngine, metrics_document
from reportgen.metrics.output import format_document
from reportgen.resources import sample_data_dir
from reportgen.scope import Scope

DOC = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"
ELIDED = "..."


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def engine() -> MetricsEngine:
    config = Config()
    return MetricsEngine(load_source(sample_data_dir(), config), config)


def section(doc: str, heading: str) -> str:
    start = doc.index(heading)
    following = doc.find("\n## ", start + len(heading))
    return doc[start : following if following >= 0 else len(doc)]


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def assert_same(shown, real, where: str) -> None:
    """Every value the doc shows equals the real one; ``"...": "..."`` marks an omission."""
    if isinstance(shown, dict):
        assert isinstance(real, dict), where
        for key, value in shown.items():
            if key == ELIDED:
                continue
            assert key in real, f"{where}.{key} is not in the real output"
            assert_same(value, real[key], f"{where}.{key}")
    elif isinstance(shown, list):
        assert len(shown) == len(real), where
        for i, (a, b) in enumerate(zip(shown, real, strict=True)):
            assert_same(a, b, f"{where}[{i}]")
    else:
        assert shown == real, f"{where}: the doc shows {shown!r}, reportgen gives {real!r}"


def test_json_example_is_real_output(doc, engine):
    (shown,) = blocks(section(doc, "## The JSON document"), "json")
    real = metrics_document(engine, "2024-Q3", Scope.team("T01"), engine.config)
    real = json.loads(format_document(real, "json"))
    assert_same(json.loads(shown), real, "document")
    assert real["year_ago"] is not None


def test_csv_excerpt_is_real_output(doc, engine):
    shown = next(b for b in blocks(doc, "") if b.startswith("metric,value,previous,year_ago,"))
    document = metrics_document(engine, "2024-Q3", Scope.team("T01"), engine.config)
    real = format_document(document, "csv").splitlines()
    lines = shown.splitlines()
    assert lines[0] == real[0]
    for line in lines[1:]:
        assert line in real
    assert len(next(csv.reader([real[0]]))) == 4 + len(document["members"])


WORKED = "## Worked example on the sample data"


def expected_output(metrics: dict) -> str:
    m = metrics
    return (
        f"opening {m['opening_accounts']} accounts, {m['opening_balance']:.2f}\n"
        f"new {m['new_accounts']} accounts, {m['new_balance']:.2f}\n"
        f"recovery_rate {m['recovered_amount']:.2f} / {m['assigned_balance']:.2f}"
        f" = {m['recovery_rate']:.4f}\n"
        f"connect_rate {m['connected_calls']} / {m['calls']} = {m['connect_rate']:.4f}\n"
        f"ptp_kept_rate {m['promises_kept']} / {m['promises_due']} = {m['ptp_kept_rate']:.4f}\n"
    )


def test_worked_example_quotes_the_engine(doc, engine):
    text = section(doc, WORKED)
    m = engine.period_metrics("2024-09").for_scope(Scope.collector("C001"))
    (output,) = blocks(text, "text")
    assert output == expected_output(m)
    quoted = [
        f"**{m['opening_accounts']:,}**",
        f"**{m['opening_balance']:,.2f}**",
        f"**{m['new_accounts']:,}**",
        f"**{m['new_balance']:,.2f}**",
        f"**{m['assigned_balance']:,.2f}**",
        f"**{m['recovered_amount']:,.2f}**",
        f"= **{m['recovery_rate']:.4f}**",
        f"**{m['calls']:,}** calls",
        f"**{m['connected_calls']:,}** have outcome",
        f"= **{m['connect_rate']:.4f}**",
        f"**{m['promises_due']:,}** promises due",
        f"**{m['promises_kept']:,}** are kept",
        f"= **{m['ptp_kept_rate']:.4f}**",
        f"`recovery_rate` {m['recovery_rate'] * 100:.2f}%",
        f"`connect_rate` {m['connect_rate'] * 100:.2f}%",
        f"`ptp_kept_rate` {m['ptp_kept_rate'] * 100:.2f}%",
    ]
    for phrase in quoted:
        assert phrase in text, phrase


def test_worked_example_code_prints_what_the_doc_shows(doc, monkeypatch):
    text = section(doc, WORKED)
    (code,) = blocks(text, "python")
    (output,) = blocks(text, "text")
    monkeypatch.chdir(sample_data_dir().parent)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, str(DOC), "exec"), {"__name__": "docs_metrics_example"})
    assert printed.getvalue() == output
