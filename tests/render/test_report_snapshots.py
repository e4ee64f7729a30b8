"""Golden files: the whole Markdown of each report kind in each language, on sample_data.

A change to the templates, wording, formatting or metrics shows up here as a
diff to review. When the change is intended, rewrite the golden files with::

    UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/render/test_report_snapshots.py

and commit them with the change.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from reportgen.config import Config
from reportgen.data.load import load_source
from reportgen.metrics import MetricsEngine
from reportgen.narrative.formatting import Formatter
from reportgen.periods import parse_period
from reportgen.render.model import build_report_models
from reportgen.render.report import Renderer, ReportOptions
from reportgen.resources import sample_data_dir
from reportgen.scope import Scope
from section_headings import SECTION_HEADINGS

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"
LANGUAGES = ("zh-CN", "zh-TW", "en")
CASES = {
    # name: (period, scope, kind)
    "collector_C001_2024-09": ("2024-09", Scope.collector("C001"), "collector"),
    "team_T01_2024-Q3": ("2024-Q3", Scope.team("T01"), "team"),
    "review_C001_2024": ("2024", Scope.collector("C001"), "review"),
}
HEADINGS = SECTION_HEADINGS


@pytest.fixture(scope="module")
def models():
    config = Config()
    engine = MetricsEngine(load_source(sample_data_dir(), config), config)
    built = {}
    for name, (period, scope, _kind) in CASES.items():
        (built[name],) = build_report_models(engine, parse_period(period), [scope], config)
    return config, built


@pytest.fixture(scope="module")
def rendered(models):
    config, built = models
    out = {}
    for language in LANGUAGES:
        renderer = Renderer(config, ReportOptions.build(language, "md"))
        for name, model in built.items():
            out[name, language] = renderer.render_markdown(model, draw_charts=False)[0]
    return out


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(CASES))
def test_markdown_matches_the_golden_file(rendered, name, language):
    text = rendered[name, language]
    path = SNAPSHOTS / f"{name}_{language}.md"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}; run with UPDATE_SNAPSHOTS=1 to create it"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(CASES))
def test_kind_sections_and_no_unfilled_text(models, rendered, name, language):
    _config, built = models
    assert built[name].kind == CASES[name][2]
    text = rendered[name, language]
    assert re.findall(r"^## (.+)$", text, flags=re.M) == HEADINGS[language]
    assert not re.search(r"\b(nan|NaN|None|inf|xxx|XXX)\b", text)
    assert not re.search(r"的的|，，|。。|；；|、、|, ,|\.\.(?![.\d])|\(\)|（）", text)
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("#"):
            following = next((x for x in lines[i + 1 :] if x.strip()), "")
            assert following and not following.startswith("#"), f"empty heading {line}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(CASES))
def test_figures_in_the_report_are_the_metrics(models, rendered, name, language):
    _config, built = models
    model, text, fmt = built[name], rendered[name, language], Formatter(language)
    m = model.metrics
    for key in ("recovered_amount", "opening_balance", "assigned_balance", "closing_balance"):
        assert fmt.money(m[key]) in text, key
    for key in ("recovery_rate", "connect_rate", "rpc_rate", "cure_rate", "ptp_kept_rate"):
        assert fmt.pct(m[key]) in text, key
    for key in ("contacts", "calls", "opening_accounts", "closing_accounts", "compliance_flags"):
        assert fmt.count(m[key]) in text, key
    previous = model.previous.metrics
    assert previous is not None  # sample_data covers every comparison period here
    assert fmt.money(previous["recovered_amount"]) in text
    for member in model.members:
        assert fmt.amount(member.figures["recovered_amount"]) in text
    for row in model.months:
        assert fmt.amount(row.figures["recovered_amount"]) in text
