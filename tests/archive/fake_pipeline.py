"""A stand-in for the metrics engine and the renderer, for archive tests that are about the
archive (failures, interruption, replacement) rather than about what a report says.

The figures are real ones worked from a tiny dataset: recovered_amount is the scope's
payments in the period, in yuan. ``install(modules)`` swaps the fakes in; ``modules`` is a
dict-like (``sys.modules`` or a monkeypatch wrapper).
"""

from __future__ import annotations

import os
import time
import types
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reportgen.data.dataset import Dataset
from reportgen.scope import Scope

# Set by tests: scopes whose rendering raises, and a delay per report (for the kill test).
FAIL_SCOPES: set[Scope] = set()
DELAY_SECONDS = float(os.environ.get("FAKE_RENDER_DELAY", "0"))


def tiny_dataset(folder: Path) -> Dataset:
    """Three collectors in two teams; payments in September 2024. Written to ``folder`` too,
    so the manifest has real input files to fingerprint."""
    collectors = pd.DataFrame(
        {
            "collector_id": ["C001", "C002", "C003"],
            "name": ["张三", '=HYPERLINK("x")', "Li | Si"],
            "team_id": ["T01", "T01", "T02"],
            "team_name": ["一组", "一组", "-二组"],
        },
        dtype="str",
    )
    accounts = pd.DataFrame(
        {
            "month": ["2024-08", "2024-09"],
            "account_id": ["A1", "A1"],
            "collector_id": ["C001", "C001"],
            "dpd": [30, 0],
            "balance": [100_00, 0],
        }
    ).astype({"month": "str", "account_id": "str", "collector_id": "str"})
    payments = pd.DataFrame(
        {
            "paid_on": pd.to_datetime(["2024-09-03", "2024-09-10", "2024-09-11"]),
            "account_id": ["A1", "A2", "A3"],
            "collector_id": ["C001", "C001", "C003"],
            "amount": [100_10, 200_20, 5_00],
            "channel": ["call", "sms", "other"],
        }
    ).astype({"account_id": "str", "collector_id": "str", "channel": "str"})
    folder.mkdir(parents=True, exist_ok=True)
    sources = {}
    for name, frame in (("collectors", collectors), ("accounts", accounts), ("payments", payments)):
        path = folder / f"{name}.csv"
        frame.to_csv(path, index=False)
        sources[name] = path
    return Dataset(collectors, accounts, payments=payments, sources=sources)


class FakePeriodMetrics:
    def __init__(self, dataset: Dataset, period) -> None:
        payments = dataset.payments
        in_period = payments[
            (payments["paid_on"] >= pd.Timestamp(period.start))
            & (payments["paid_on"] <= pd.Timestamp(period.end))
        ]
        roster = dataset.collectors
        team_of = dict(zip(roster["collector_id"], roster["team_id"], strict=True))
        self.collectors = {
            cid: self._figures(in_period[in_period["collector_id"] == cid])
            for cid in dataset.collectors["collector_id"]
        }
        teams = in_period["collector_id"].map(team_of)
        self.teams = {
            tid: self._figures(in_period[teams == tid]) for tid in sorted(set(team_of.values()))
        }
        self.everyone = self._figures(in_period)

    @staticmethod
    def _figures(rows: pd.DataFrame) -> dict:
        cents = int(rows["amount"].sum())
        return {
            "recovered_amount": cents / 100,
            "recovery_rate": None if cents == 0 else cents / 100 / 1000,
            "connect_rate": None,
            "rpc_rate": None,
            "ptp_kept_rate": None,
            "contact_coverage": None,
            "complaints": None,
            "compliance_flags": None,
            "overdue_accounts_change": -0.5,
        }

    def for_scope(self, scope: Scope) -> dict:
        if scope.kind == "collector":
            return self.collectors[scope.id]
        if scope.kind == "team":
            return self.teams[scope.id]
        return self.everyone


class FakeEngine:
    def __init__(self, dataset: Dataset, config) -> None:
        self.dataset = dataset

    def check_covered(self, period) -> None:
        """The fake data covers every period."""

    def covers(self, period) -> bool:
        return True

    def period_metrics(self, period) -> FakePeriodMetrics:
        return FakePeriodMetrics(self.dataset, period)


@dataclass(frozen=True)
class FakeModel:
    scope: Scope
    period_label: str
    recovered_amount: float


def build_report_models(engine, period, scopes, config):
    metrics = engine.period_metrics(period)
    return [
        FakeModel(scope, period.label, metrics.for_scope(scope)["recovered_amount"])
        for scope in scopes
    ]


@dataclass(frozen=True)
class ReportOptions:
    language: str
    formats: tuple[str, ...]
    notes: object = None
    templates_dir: Path | None = None
    reference_docx: Path | None = None

    @classmethod
    def build(cls, language, formats, notes_path=None, templates_dir=None, reference_docx=None):
        formats = tuple(formats.split(",")) if isinstance(formats, str) else tuple(formats)
        return cls(language, formats, None, templates_dir, reference_docx)


@dataclass
class RenderedReport:
    basename: str
    files: dict[str, bytes]
    title: str
    key_figures: dict


class Renderer:
    def __init__(self, config, options: ReportOptions) -> None:
        self.options = options

    def render(self, model: FakeModel, notes=None) -> RenderedReport:
        if model.scope in FAIL_SCOPES:
            raise ValueError(f"cannot render {model.scope.id}\nsecond line")
        if DELAY_SECONDS:
            time.sleep(DELAY_SECONDS)
        stem = {"collector": model.scope.id, "team": f"team-{model.scope.id}", "all": "all"}[
            model.scope.kind
        ]
        basename = f"{stem}_{model.period_label}_{self.options.language}"
        paragraphs = list(notes.get("problems")) if notes is not None else []
        text = f"# {basename}\n\nrecovered {model.recovered_amount:.2f}\n" + "".join(
            f"\n{p}\n" for p in paragraphs
        )
        files = {f"{basename}.md": text.encode("utf-8")}
        if "docx" in self.options.formats:
            files[f"{basename}.docx"] = b"PK fake docx " + basename.encode()
        files[f"{basename}_files/chart.png"] = b"\x89PNG fake " + basename.encode()
        return RenderedReport(basename, files, f"Title {basename}", {})


def install(modules) -> None:
    """Put the fakes where build_archive imports them from."""
    metrics = types.ModuleType("reportgen.metrics")
    metrics.MetricsEngine = FakeEngine
    report = types.ModuleType("reportgen.render.report")
    report.ReportOptions = ReportOptions
    report.Renderer = Renderer
    report.build_report_models = build_report_models
    report.no_data_note = lambda model: None  # every fake scope has data
    modules["reportgen.metrics"] = metrics
    modules["reportgen.render.report"] = report
