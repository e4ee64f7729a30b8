"""The dataset turned once into numpy arrays the metric groups can slice fast.

Identifiers become integer codes (collectors by their place on the sorted
roster, accounts by one code shared by every table), dates become day and
month numbers, outcomes become yes/no flags. This happens once per engine;
every period then slices these arrays with a boolean mask.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

import numpy as np
import pandas as pd

from reportgen.config import Config
from reportgen.data.dataset import Dataset
from reportgen.errors import DataError, Problem
from reportgen.periods import Period, month_label

# Channel orders for output dictionaries: the spec's order, then anything else alphabetically.
CONTACT_CHANNELS = ("call", "sms", "letter", "visit", "im", "email")
PAYMENT_CHANNELS = ("call", "sms", "letter", "visit", "im", "agency", "legal", "self", "other")
ARRANGEMENT_KINDS = ("installment", "extension", "settlement")

CONNECTED_OUTCOMES = ("third_party", "right_party", "promise", "refused", "dispute")
RIGHT_PARTY_OUTCOMES = ("right_party", "promise", "refused", "dispute")
UNANSWERED_OUTCOMES = ("no_answer", "busy")
# Channels a debtor experiences as a contact at the moment it happens; letters and
# e-mail are not timed contacts, so the after-hours rule does not apply to them.
TIMED_CHANNELS = ("call", "sms", "visit", "im")

_NS_PER_DAY = 86_400 * 10**9
_EPOCH_MONTH_INDEX = 1970 * 12  # numpy datetime64[M] counts months from 1970-01


def day_number(value) -> int:
    """A date → days since 1970-01-01, the unit the prepared tables use."""
    return int(np.datetime64(value, "D").astype(np.int64))


# Day numbers shifted by this are non-negative for any date from year 1 on.
DAY_OFFSET = day_number("0001-01-01")


def _encode(
    table: str, values: pd.Series, known_order: tuple[str, ...]
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Text column → (codes, labels) with labels in ``known_order`` then alphabetical.

    A blank would otherwise be counted under a neighbouring code, so it is a data
    error naming the first such row (the loader normally rejects it first).
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if (codes < 0).any():
        row = int(np.flatnonzero(codes < 0)[0]) + 2
        raise DataError([Problem(table, row, str(values.name), "a blank", "a value")])
    found = [str(u) for u in uniques]
    labels = tuple([c for c in known_order if c in found] + sorted(set(found) - set(known_order)))
    position = {label: i for i, label in enumerate(labels)}
    remap = np.array([position[u] for u in found] + [-1], dtype=np.int64)
    return remap[codes], labels


def _flag(codes: np.ndarray, labels: tuple[str, ...], wanted: tuple[str, ...]) -> np.ndarray:
    """Rows whose code is one of the ``wanted`` labels."""
    lookup = np.array([label in wanted for label in labels] + [False], dtype=bool)
    return lookup[codes]


def _days_months_tod(column: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Datetime column → (day number, month index, nanoseconds since midnight).

    Integer arithmetic on nanoseconds; the calendar month is looked up per
    distinct day (a few hundred) rather than converted per row (millions).
    """
    nanoseconds = column.to_numpy(dtype="datetime64[ns]").view(np.int64)
    days = nanoseconds // _NS_PER_DAY  # floor division: right for dates before 1970 too
    tod = nanoseconds - days * _NS_PER_DAY
    if len(days) == 0:
        return days, days.copy(), tod
    first = int(days.min())
    calendar_days = np.arange(first, int(days.max()) + 1).astype("datetime64[D]")
    month_of_day = calendar_days.astype("datetime64[M]").astype(np.int64) + _EPOCH_MONTH_INDEX
    return days, month_of_day[days - first], tod


@dataclass(frozen=True)
class Roster:
    collector_ids: tuple[str, ...]  # sorted; a collector's code is its place here
    collector_names: tuple[str, ...]
    team_ids: tuple[str, ...]  # sorted
    team_names: tuple[str, ...]
    team_of: np.ndarray  # collector code → team code


def _roster(collectors: pd.DataFrame) -> Roster:
    frame = collectors.sort_values("collector_id", kind="stable")
    collector_ids = tuple(frame["collector_id"].astype(str))
    names = tuple("" if pd.isna(n) else str(n) for n in frame["name"])
    team_col = frame["team_id"].astype(str)
    team_ids = tuple(sorted(set(team_col)))
    team_name_col = frame["team_name"] if "team_name" in frame.columns else team_col
    first_names: dict[str, str] = {}
    for team, name in zip(team_col, team_name_col, strict=True):
        first_names.setdefault(team, team if pd.isna(name) or name == "" else str(name))
    team_code = {t: i for i, t in enumerate(team_ids)}
    team_of = np.array([team_code[t] for t in team_col], dtype=np.int64)
    return Roster(
        collector_ids=collector_ids,
        collector_names=names,
        team_ids=team_ids,
        team_names=tuple(first_names[t] for t in team_ids),
        team_of=team_of,
    )


class _Coder:
    """Maps collector and account identifiers of every table to shared integer codes."""

    def __init__(self, dataset: Dataset, roster: Roster) -> None:
        self._collectors = pd.Index(roster.collector_ids)
        # Each table's account column is hashed once: its codes are kept and only its
        # (far fewer) distinct ids are matched against the shared list.
        self._factorized = {
            name: pd.factorize(table["account_id"])
            for name in ("accounts", "contacts", "payments")  # the tables metrics link by account
            if (table := dataset.table(name)) is not None
        }
        combined = pd.unique(
            np.concatenate(
                [np.asarray(uniques, dtype=object) for _, uniques in self._factorized.values()]
            )
        )
        self.accounts = pd.Index(combined)

    def collector_codes(self, table: str, column: pd.Series) -> np.ndarray:
        codes, uniques = pd.factorize(column)
        mapped = self._collectors.get_indexer(uniques)
        if (mapped < 0).any():
            unknown = [str(u) for u, m in zip(uniques, mapped, strict=True) if m < 0]
            first_row = int(np.flatnonzero(mapped[codes] < 0)[0])
            raise DataError(
                [
                    Problem(
                        file=table,
                        row=first_row + 2,
                        column="collector_id",
                        found=", ".join(sorted(unknown)[:10]),
                        expected="a collector_id on the collectors roster",
                    )
                ]
            )
        return mapped[codes].astype(np.int64)

    def account_codes(self, table: str) -> np.ndarray:
        """Shared account codes of ``table``'s rows (-1 for a blank id)."""
        codes, uniques = self._factorized.pop(table)  # used once; free the memory
        mapped = np.append(self.accounts.get_indexer(uniques), -1)
        return mapped[codes].astype(np.int64)


@dataclass
class Snapshots:
    """The accounts table sorted by month; ``rows[m]`` is the slice of month index m."""

    month: np.ndarray
    account: np.ndarray
    collector: np.ndarray
    dpd: np.ndarray
    balance: np.ndarray  # cents
    bucket: np.ndarray  # -1 current (dpd 0), else index into the bucket labels
    rows: dict[int, slice]

    def month_rows(self, month: int) -> slice:
        return self.rows.get(month, slice(0, 0))


@dataclass
class DatedTable:
    """Columns of one dated table as arrays, plus the months it covers."""

    collector: np.ndarray
    day: np.ndarray
    month: np.ndarray
    first_month: int | None
    last_month: int | None

    def covers(self, first: int, last: int) -> bool:
        return (
            self.first_month is not None and self.first_month <= first and last <= self.last_month
        )

    def only(self, start_day: int, end_day: int):
        """A copy of this table holding only the rows dated from ``start_day`` to ``end_day``.

        One sequential pass per column (a boolean compress), done once per period,
        so every scope level then reads short contiguous arrays.
        """
        keep = (self.day >= start_day) & (self.day <= end_day)
        rows = len(self.day)
        changes = {
            f.name: value[keep]
            for f in fields(self)
            if isinstance(value := getattr(self, f.name), np.ndarray) and len(value) == rows
        }
        # Caches of the whole table (names starting with "_") do not describe the cut.
        changes |= {f.name: None for f in fields(self) if f.name.startswith("_")}
        return replace(self, **changes)


def _dated(table: pd.DataFrame, date_column: str, collector: np.ndarray) -> dict:
    day, month, tod = _days_months_tod(table[date_column])
    return {
        "collector": collector,
        "day": day,
        "month": month,
        "first_month": int(month.min()) if len(month) else None,
        "last_month": int(month.max()) if len(month) else None,
        "_tod": tod,
    }


@dataclass
class Contacts(DatedTable):
    account: np.ndarray
    time_of_day: np.ndarray  # ns since midnight
    channel: np.ndarray
    channel_labels: tuple[str, ...]
    is_call: np.ndarray
    connected: np.ndarray
    right_party: np.ndarray
    unanswered: np.ndarray
    invalid_number: np.ndarray
    promise: np.ndarray
    timed_channel: np.ndarray
    duration: np.ndarray | None  # seconds, blank = 0; None when the column is absent
    promise_amount: np.ndarray | None  # cents, blank = 0
    promise_amount_given: np.ndarray | None  # False where blank
    promise_day: np.ndarray | None  # day number; promise_date_given False where blank
    promise_date_given: np.ndarray | None


@dataclass
class Payments(DatedTable):
    account: np.ndarray
    amount: np.ndarray  # cents
    channel: np.ndarray
    channel_labels: tuple[str, ...]
    _by_account_day: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    def by_account_day(self) -> tuple[np.ndarray, np.ndarray]:
        """(sorted account*2**32+day keys, running total of cents with a leading 0).

        The total paid on one account between two days is then two binary
        searches and a subtraction, for any number of promises at once.
        """
        if self._by_account_day is None:
            keys = self.account * 2**32 + (self.day - DAY_OFFSET)
            order = np.argsort(keys, kind="stable")
            running = np.concatenate([[0], np.cumsum(self.amount[order], dtype=np.int64)])
            self._by_account_day = (keys[order], running)
        return self._by_account_day


@dataclass
class Arrangements(DatedTable):
    amount: np.ndarray
    kind: np.ndarray
    kind_labels: tuple[str, ...]


@dataclass
class Complaints(DatedTable):
    upheld: np.ndarray | None  # True only where upheld is true; None when the column is absent


class PreparedData:
    """Everything the metric groups need, computed once from a :class:`Dataset`."""

    def __init__(self, dataset: Dataset, config: Config) -> None:
        self.config = config
        self.bucket_labels: tuple[str, ...] = tuple(config.buckets.labels)
        self.bucket_bounds = np.asarray(config.buckets.lower_bounds, dtype=np.int64)
        self.roster = _roster(dataset.collectors)
        coder = _Coder(dataset, self.roster)
        self.account_count = max(len(coder.accounts), 1)
        self.snapshots = self._snapshots(dataset.accounts, coder)
        self.contacts: Contacts | None = None
        self.payments: Payments | None = None
        self.arrangements: Arrangements | None = None
        self.complaints: Complaints | None = None
        if dataset.contacts is not None:
            self.contacts = self._contacts(dataset.contacts, coder)
        if dataset.payments is not None:
            self.payments = self._payments(dataset.payments, coder)
        if dataset.arrangements is not None:
            self.arrangements = self._arrangements(dataset.arrangements, coder)
        if dataset.complaints is not None:
            self.complaints = self._complaints(dataset.complaints, coder)

    # -- coverage ---------------------------------------------------------------------------

    def missing_snapshot_months(self, period: Period) -> list[str]:
        """Months whose snapshot the period needs (opening month and every month) but lacks."""
        needed = range(period.first_month_index - 1, period.last_month_index + 1)
        return [month_label(m) for m in needed if m not in self.snapshots.rows]

    def snapshot_months(self) -> list[str]:
        return [month_label(m) for m in sorted(self.snapshots.rows)]

    def bucket_of(self, dpd: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.bucket_bounds, dpd, side="right").astype(np.int64) - 1

    # -- tables ------------------------------------------------------------------------------

    def _snapshots(self, accounts: pd.DataFrame, coder: _Coder) -> Snapshots:
        month_codes, month_uniques = pd.factorize(accounts["month"])
        month_values = np.array(
            [
                np.datetime64(str(m), "M").astype(np.int64) + _EPOCH_MONTH_INDEX
                for m in month_uniques
            ],
            dtype=np.int64,
        )
        month = month_values[month_codes]
        order = np.argsort(month, kind="stable")
        month = month[order]
        dpd = accounts["dpd"].to_numpy(dtype=np.int64)[order]
        present, starts = np.unique(month, return_index=True)
        # Each month's rows end where the next month's start; no month (an accounts
        # table with no rows) has no ends either.
        ends = np.append(starts[1:], len(month))[: len(starts)]
        rows = {
            int(m): slice(int(s), int(e)) for m, s, e in zip(present, starts, ends, strict=True)
        }
        return Snapshots(
            month=month,
            account=coder.account_codes("accounts")[order],
            collector=coder.collector_codes("accounts", accounts["collector_id"])[order],
            dpd=dpd,
            balance=accounts["balance"].to_numpy(dtype=np.int64)[order],
            bucket=self.bucket_of(dpd),
            rows=rows,
        )

    def _contacts(self, contacts: pd.DataFrame, coder: _Coder) -> Contacts:
        base = _dated(
            contacts,
            "contacted_at",
            coder.collector_codes("contacts", contacts["collector_id"]),
        )
        tod = base.pop("_tod")
        channel, channel_labels = _encode("contacts", contacts["channel"], CONTACT_CHANNELS)
        outcome, outcome_labels = _encode("contacts", contacts["outcome"], ())
        is_call = _flag(channel, channel_labels, ("call",))
        duration = promise_amount = amount_given = promise_day = date_given = None
        if "duration_s" in contacts.columns:
            duration = contacts["duration_s"].to_numpy(dtype=np.float64, na_value=0.0)
        if "promise_amount" in contacts.columns:
            column = contacts["promise_amount"]
            amount_given = column.notna().to_numpy(dtype=bool)
            promise_amount = column.to_numpy(dtype=np.int64, na_value=0)
        if "promise_date" in contacts.columns:
            column = contacts["promise_date"]
            date_given = column.notna().to_numpy(dtype=bool)
            days = column.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
            promise_day = np.where(date_given, days.astype(np.int64), 0)
        return Contacts(
            **base,
            account=coder.account_codes("contacts"),
            time_of_day=tod,
            channel=channel,
            channel_labels=channel_labels,
            is_call=is_call,
            connected=_flag(outcome, outcome_labels, CONNECTED_OUTCOMES),
            right_party=_flag(outcome, outcome_labels, RIGHT_PARTY_OUTCOMES),
            unanswered=_flag(outcome, outcome_labels, UNANSWERED_OUTCOMES),
            invalid_number=_flag(outcome, outcome_labels, ("invalid_number",)),
            promise=_flag(outcome, outcome_labels, ("promise",)),
            timed_channel=_flag(channel, channel_labels, TIMED_CHANNELS),
            duration=duration,
            promise_amount=promise_amount,
            promise_amount_given=amount_given,
            promise_day=promise_day,
            promise_date_given=date_given,
        )

    def _payments(self, payments: pd.DataFrame, coder: _Coder) -> Payments:
        base = _dated(
            payments, "paid_on", coder.collector_codes("payments", payments["collector_id"])
        )
        base.pop("_tod")
        channel_column = (
            payments["channel"].fillna("other")
            if "channel" in payments.columns
            else pd.Series(["other"] * len(payments), dtype="str")
        )
        channel, labels = _encode("payments", channel_column, PAYMENT_CHANNELS)
        return Payments(
            **base,
            account=coder.account_codes("payments"),
            amount=payments["amount"].to_numpy(dtype=np.int64),
            channel=channel,
            channel_labels=labels,
        )

    def _arrangements(self, arrangements: pd.DataFrame, coder: _Coder) -> Arrangements:
        base = _dated(
            arrangements,
            "created_on",
            coder.collector_codes("arrangements", arrangements["collector_id"]),
        )
        base.pop("_tod")
        kind, labels = _encode("arrangements", arrangements["kind"], ARRANGEMENT_KINDS)
        return Arrangements(
            **base,
            amount=arrangements["amount"].to_numpy(dtype=np.int64, na_value=0),
            kind=kind,
            kind_labels=labels,
        )

    def _complaints(self, complaints: pd.DataFrame, coder: _Coder) -> Complaints:
        base = _dated(
            complaints,
            "received_on",
            coder.collector_codes("complaints", complaints["collector_id"]),
        )
        base.pop("_tod")
        upheld = None
        if "upheld" in complaints.columns:
            upheld = complaints["upheld"].fillna(False).to_numpy(dtype=bool)
        return Complaints(**base, upheld=upheld)
