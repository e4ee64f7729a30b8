"""Month-by-month simulation of a delinquent credit-card book, vectorised over accounts.

Each month every account on the book gets one fate (cure, hold its bucket,
roll to the next, settle, be written off), drawn from bucket-specific rates
that the holder's skill shifts; new delinquent accounts top the book up. The
fates decide the money (payments, and the promises that led to them, kept,
late or part-paid), and the collectors' capacity and style decide the
contacts. Contacts are materialised in chunks of accounts so memory stays
flat however big the centre is.

Batches use the canonical column names of spec/data.md with money as int64
cents; :mod:`reportgen.data.sample_writers` formats them per file type.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from reportgen.data.sample_calendar import MonthCalendar, sample_days, weight_between
from reportgen.data.sample_roster import Roster

# ---- codes and the text they stand for --------------------------------------------------
CHANNELS = ("call", "sms", "letter", "visit", "im", "email")
CALL, SMS, LETTER, VISIT, IM, EMAIL = range(6)
OUTCOMES = ("no_answer", "busy", "invalid_number", "third_party", "right_party", "promise",
            "refused", "dispute", "sent", "failed")  # fmt: skip
NO_ANSWER, BUSY, INVALID, THIRD_PARTY, RIGHT_PARTY, PROMISE, REFUSED, DISPUTE, SENT, FAILED = range(
    10
)
PAYMENT_CHANNELS = ("call", "sms", "visit", "letter", "im", "agency", "legal", "self", "other")
PAY_BY_CONTACT = np.array([0, 1, 3, 2, 4, 8])  # contact channel code -> payment channel code
KINDS = ("installment", "extension", "settlement")
INSTALLMENT, EXTENSION, SETTLEMENT = range(3)
COMPLAINT_CATEGORIES = (
    "频繁来电",
    "服务态度",
    "联系第三方",
    "非工作时间联系",
    "信息泄露",
    "言语威胁",
)

MONEY_COLUMNS = {
    "accounts": ("balance",),
    "contacts": ("promise_amount",),
    "payments": ("amount",),
    "arrangements": ("amount",),
    "complaints": (),
    "collectors": (),
}
SCHEMAS = {
    "collectors": pa.schema([("collector_id", pa.string()), ("name", pa.string()),
                             ("team_id", pa.string()), ("team_name", pa.string()),
                             ("supervisor", pa.string()), ("hired_on", pa.date32())]),
    "accounts": pa.schema([("month", pa.string()), ("account_id", pa.string()),
                           ("collector_id", pa.string()), ("dpd", pa.int64()),
                           ("balance", pa.int64())]),
    "contacts": pa.schema([("contacted_at", pa.timestamp("s")), ("account_id", pa.string()),
                           ("collector_id", pa.string()), ("channel", pa.string()),
                           ("outcome", pa.string()), ("duration_s", pa.int64()),
                           ("promise_amount", pa.int64()), ("promise_date", pa.date32())]),
    "payments": pa.schema([("paid_on", pa.date32()), ("account_id", pa.string()),
                           ("collector_id", pa.string()), ("amount", pa.int64()),
                           ("channel", pa.string())]),
    "arrangements": pa.schema([("created_on", pa.date32()), ("account_id", pa.string()),
                               ("collector_id", pa.string()), ("kind", pa.string()),
                               ("amount", pa.int64()), ("installments", pa.int64())]),
    "complaints": pa.schema([("received_on", pa.date32()), ("collector_id", pa.string()),
                             ("account_id", pa.string()), ("category", pa.string()),
                             ("upheld", pa.bool_())]),
}  # fmt: skip

# ---- the book's dynamics -----------------------------------------------------------------
BUCKET_LOWER = np.array([1, 31, 61, 91])
OPENING_MIX = np.array([0.40, 0.20, 0.14, 0.26])  # share of the opening book per bucket
OPENING_DPD = ((1, 30), (31, 60), (61, 90), (91, 200))
BALANCE_GROWTH = np.array([1.0, 1.6, 2.2, 3.5])  # overdue amount grows with months unpaid
MEDIAN_NEW_BALANCE_CENTS = 250_000
CURE, STAY, ROLL, SETTLE, WRITE_OFF, NEW = range(6)
# Monthly fates per bucket (cure, stay in bucket, roll on, settle, write off), before skill.
TRANSITIONS = np.array(
    [
        [0.56, 0.18, 0.26, 0.00, 0.00],
        [0.25, 0.25, 0.50, 0.00, 0.00],
        [0.14, 0.24, 0.58, 0.02, 0.02],
        [0.04, 0.12, 0.72, 0.06, 0.06],
    ]
)
WRITE_OFF_DPD = 180  # beyond this, banks write the debt off
WRITE_OFF_EXTRA = 0.30
TRANSFER_RATE = 0.02
CURED_STILL_LISTED = 0.4  # cured accounts still on the month-end list with dpd 0
PARTIAL_ROLL_PAYERS = 0.15
UNREACHABLE_SHARE = 0.08  # 失联: no working number

# Chance that a payment followed a promise, per fate (cure, stay, roll, settle).
PROMISE_LED = np.array([0.55, 0.65, 0.50, 0.90, 0.0, 0.0])
KEPT, LATE, PART_PAID = range(3)
PROMISE_KINDS = np.array([0.72, 0.13, 0.15])
BROKEN_PROMISE = 0.22
BLANK_PROMISE_AMOUNT = 0.10
# Payment channel when no promise led to it: self, sms, im, agency, legal, other.
UNPROMPTED_CHANNELS = np.array([7, 1, 4, 5, 6, 8])
UNPROMPTED_MIX = np.array(
    [
        [0.57, 0.25, 0.15, 0.00, 0.00, 0.03],
        [0.55, 0.25, 0.15, 0.02, 0.00, 0.03],
        [0.38, 0.20, 0.02, 0.25, 0.12, 0.03],
        [0.18, 0.02, 0.00, 0.45, 0.32, 0.03],
    ]
)
SPLIT_PAYMENT = 0.15

CALL_WEIGHT_BY_BUCKET = np.array([1.0, 1.3, 1.5, 1.2])
CONNECT_BASE = 0.28
CALL_HOURS = np.arange(8, 22)
CALL_HOUR_WEIGHTS = np.array([3, 8, 10, 10, 6, 5, 8, 9, 9, 7, 6, 7, 6, 3], dtype=float)
OFFICE_HOURS = np.arange(9, 18)
AFTER_HOURS = np.array([6, 7, 22, 23])
AFTER_HOURS_WEIGHTS = np.array([0.1, 0.5, 0.35, 0.05])
# Median talk seconds per outcome (0: not connected or not a call).
TALK_MEDIAN = np.array([0, 0, 0, 35, 110, 190, 60, 200, 0, 0], dtype=float)
EXCESS_ATTEMPT_SHARE = 0.001  # account-months with one day of 7-9 unanswered calls
CHUNK_ROWS = 120_000  # contact rows made and written at a time


def bucket_of(dpd: np.ndarray) -> np.ndarray:
    """0..3 for M1..M4+ (dpd ≥ 1)."""
    return np.searchsorted(BUCKET_LOWER, dpd, side="right") - 1


def account_ids(serials: np.ndarray) -> pa.Array:
    digits = pc.utf8_lpad(pa.array(serials).cast(pa.string()), 8, "0")
    return pc.binary_join_element_wise("A", digits, "")


def categorical(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One draw per row from row-wise probabilities (rows need not sum exactly to 1)."""
    cumulative = np.cumsum(probabilities, axis=1)
    cumulative /= cumulative[:, -1:]
    return (
        (rng.random((len(probabilities), 1)) > cumulative)
        .sum(axis=1)
        .clip(0, probabilities.shape[1] - 1)
    )


def _nullable(values: np.ndarray, present: np.ndarray, kind: pa.DataType) -> pa.Array:
    return pa.array(values, type=kind, mask=~present)


@dataclass
class Book:
    """Accounts in collection at the last month end (dpd ≥ 1), sorted by serial."""

    serial: np.ndarray
    holder: np.ndarray
    dpd: np.ndarray
    balance: np.ndarray  # cents
    reachable: np.ndarray
    pay_propensity: np.ndarray
    connect_propensity: np.ndarray

    def __len__(self) -> int:
        return len(self.serial)


class BookSimulator:
    """Carries the book from month end to month end and yields each month's rows."""

    def __init__(self, rng: np.random.Generator, roster: Roster, accounts: int) -> None:
        self.rng = rng
        self.roster = roster
        self.target = accounts
        self.next_serial = 1
        self.book = self._opening_book()

    # -- accounts entering the book ---------------------------------------------------------
    def _fresh(self, count: int, holder: np.ndarray, dpd: np.ndarray, growth: np.ndarray) -> Book:
        rng = self.rng
        serial = np.arange(self.next_serial, self.next_serial + count, dtype=np.int64)
        self.next_serial += count
        median = MEDIAN_NEW_BALANCE_CENTS * growth
        balance = np.clip(np.round(median * rng.lognormal(0.0, 0.85, count)), 10_000, 30_000_000)
        return Book(
            serial=serial,
            holder=holder.astype(np.int64),
            dpd=dpd.astype(np.int64),
            balance=balance.astype(np.int64),
            reachable=rng.random(count) >= UNREACHABLE_SHARE,
            pay_propensity=rng.lognormal(0.0, 0.35, count),
            connect_propensity=rng.lognormal(0.0, 0.35, count),
        )

    def _opening_book(self) -> Book:
        rng = self.rng
        count = self.target
        bucket = rng.choice(4, count, p=OPENING_MIX)
        low = np.array([lo for lo, _ in OPENING_DPD])[bucket]
        high = np.array([hi for _, hi in OPENING_DPD])[bucket]
        dpd = rng.integers(low, high + 1)
        holder = rng.permutation(np.arange(count) % self.roster.size)
        return self._fresh(count, holder, dpd, BALANCE_GROWTH[bucket])

    def opening_snapshot(self, label: str) -> pa.Table:
        book = self.book
        return self._snapshot(label, book.serial, book.holder, book.dpd, book.balance)

    def _snapshot(self, label, serial, holder, dpd, balance) -> pa.Table:
        return pa.table(
            {
                "month": pa.array([label] * len(serial), pa.string()),
                "account_id": account_ids(serial),
                "collector_id": self.roster.ids.take(pa.array(holder)),
                "dpd": pa.array(dpd, pa.int64()),
                "balance": pa.array(balance, pa.int64()),
            },
            schema=SCHEMAS["accounts"],
        )

    # -- one month ------------------------------------------------------------------------------
    def step(self, cal: MonthCalendar) -> Iterator[tuple[str, pa.Table]]:
        month = self._month_fates(cal)
        yield from self._contacts(cal, month)
        yield "payments", self._payments(cal, month)
        yield "arrangements", self._arrangements(cal, month)
        yield "accounts", self._close_month(cal, month)

    def _month_fates(self, cal: MonthCalendar) -> dict[str, np.ndarray]:
        rng, roster, book = self.rng, self.roster, self.book
        days = cal.days
        carried = len(book)

        # Fates of the accounts carried in: better collectors cure and hold more.
        bucket = bucket_of(book.dpd)
        probabilities = TRANSITIONS[bucket].copy()
        skill = roster.cure_skill[book.holder] * book.pay_propensity
        skill *= np.where(book.reachable, 1.0, 0.3)
        probabilities[:, CURE] *= skill
        probabilities[:, STAY] *= np.sqrt(skill)
        probabilities[:, WRITE_OFF] += np.where(book.dpd >= WRITE_OFF_DPD, WRITE_OFF_EXTRA, 0.0)
        others = probabilities.sum(axis=1) - probabilities[:, ROLL]
        probabilities[:, ROLL] = np.clip(1.0 - others, 0.05, None)
        fate = categorical(rng, probabilities)

        # A few accounts change hands during the month.
        old_holder = book.holder.copy()
        new_holder = book.holder.copy()
        handover = np.zeros(carried, dtype=np.int64)  # first day the new holder works it
        if roster.size > 1:
            moving = rng.random(carried) < TRANSFER_RATE
            moved = int(moving.sum())
            new_holder[moving] = (old_holder[moving] + rng.integers(1, roster.size, moved)) % (
                roster.size
            )
            handover[moving] = rng.integers(1, days, moved) if days > 1 else 0

        # New delinquent accounts keep the book near its size, spread to lighten the busiest.
        staying = (fate == STAY) | (fate == ROLL)
        target = round(self.target * (1.0 + 0.015 * rng.standard_normal()))
        entering = max(0, target - int(staying.sum()))
        load = np.bincount(new_holder[staying], minlength=roster.size)
        room = np.clip(self.target / roster.size - load, 0.5, None)
        entrant_holder = rng.choice(roster.size, entering, p=room / room.sum())
        entrant_dpd = rng.integers(1, min(30, days) + 1, entering)
        entrants = self._fresh(entering, entrant_holder, entrant_dpd, np.ones(entering))

        def joined(a: np.ndarray, b: np.ndarray) -> np.ndarray:
            return np.concatenate([a, b])

        month = {
            "serial": joined(book.serial, entrants.serial),
            "old_holder": joined(old_holder, entrants.holder),
            "holder": joined(new_holder, entrants.holder),
            "handover": joined(handover, np.zeros(entering, dtype=np.int64)),
            "dpd": joined(book.dpd, entrants.dpd),
            "balance": joined(book.balance, entrants.balance),
            "reachable": joined(book.reachable, entrants.reachable),
            "pay_propensity": joined(book.pay_propensity, entrants.pay_propensity),
            "connect_propensity": joined(book.connect_propensity, entrants.connect_propensity),
            "bucket": joined(bucket, np.zeros(entering, dtype=np.int64)),
            "fate": joined(fate, np.full(entering, NEW)),
            # first day (0-based) the account is overdue this month
            "first_day": joined(np.zeros(carried, dtype=np.int64), days - entrants.dpd),
        }
        self._money(cal, month)
        return month

    def holder_on(self, month: dict[str, np.ndarray], account: np.ndarray, day: np.ndarray):
        """Who holds ``account`` on ``day`` (0-based), given a handover during the month."""
        return np.where(
            day < month["handover"][account], month["old_holder"][account], month["holder"][account]
        )

    def _money(self, cal: MonthCalendar, month: dict[str, np.ndarray]) -> None:
        """Payments, the promises behind them (kept, late, part-paid) and broken promises."""
        rng, roster = self.rng, self.roster
        n = len(month["serial"])
        last = cal.days - 1
        fate, balance, first_day = month["fate"], month["balance"], month["first_day"]
        reachable = month["reachable"]

        partial_roll = (fate == ROLL) & (rng.random(n) < PARTIAL_ROLL_PAYERS)
        payer = np.isin(fate, (CURE, STAY, SETTLE)) | partial_roll
        share = np.select(
            [fate == CURE, fate == STAY, fate == SETTLE],
            [np.ones(n), rng.uniform(0.15, 0.5, n), rng.uniform(0.35, 0.7, n)],
            rng.uniform(0.05, 0.15, n),
        )
        pay_amount = np.where(payer, np.maximum(np.round(balance * share), 100), 0).astype(np.int64)
        unprompted_day = sample_days(rng, cal.payments, first_day, np.full(n, last))

        # A promise comes first and the payment follows it: on time, early, late or short.
        led_chance = PROMISE_LED[fate] * roster.promise_skill[month["holder"]]
        led = payer & (rng.random(n) < np.where(reachable, led_chance, 0.08 * led_chance))
        kind_mix = np.tile(PROMISE_KINDS, (n, 1))
        kind_mix[:, KEPT] *= roster.keep_skill[month["holder"]]
        kind = categorical(rng, kind_mix)
        delay = np.select(
            [kind == KEPT, kind == LATE],
            [rng.integers(-2, 4, n), rng.integers(4, 10, n)],
            rng.integers(-1, 4, n),
        )
        latest_promise = np.maximum(first_day, last - 3)
        promise_contact_day = sample_days(
            rng, cal.activity * cal.payments, first_day, latest_promise
        )
        promise_day = promise_contact_day + rng.integers(0, 6, n)
        pay_day = np.where(
            led, np.clip(promise_day + delay, promise_contact_day, last), unprompted_day
        )
        promised = np.where(
            kind == PART_PAID,
            np.ceil(pay_amount / rng.uniform(0.45, 0.85, n) / 100) * 100,
            np.floor(pay_amount / 100) * 100,
        )

        # Promises never kept: debtors who did not pay this month.
        broken = ~payer & reachable & np.isin(fate, (ROLL, NEW, WRITE_OFF))
        broken &= rng.random(n) < BROKEN_PROMISE * roster.promise_skill[month["holder"]]
        broken_day = sample_days(rng, cal.activity, first_day, np.full(n, last))
        promise_contact_day = np.where(broken, broken_day, promise_contact_day)
        promise_day = np.where(broken, broken_day + rng.integers(1, 8, n), promise_day)
        promised = np.where(
            broken, np.ceil(balance * rng.uniform(0.2, 1.0, n) / 100) * 100, promised
        )
        has_promise = led | broken

        month |= {
            "payer": payer,
            "pay_amount": pay_amount,
            "pay_day": pay_day,
            "led": led,
            "has_promise": has_promise,
            "promise_contact_day": promise_contact_day,
            "promise_day": promise_day,
            "promised": np.maximum(promised, 100).astype(np.int64),
            "promise_amount_given": rng.random(n) >= BLANK_PROMISE_AMOUNT,
        }

    # -- contacts ---------------------------------------------------------------------------
    def _contact_counts(self, cal: MonthCalendar, month: dict[str, np.ndarray]) -> dict:
        rng, roster = self.rng, self.roster
        n = len(month["serial"])
        last = cal.days - 1
        fate, holder, bucket = month["fate"], month["holder"], month["bucket"]
        # Nobody chases an account once it has paid in full.
        done_early = np.isin(fate, (CURE, SETTLE))
        last_day = np.where(done_early, month["pay_day"], last)
        span = weight_between(cal.activity, month["first_day"], last_day)
        share = span / cal.activity.sum()
        weight = CALL_WEIGHT_BY_BUCKET[bucket] * share * np.where(month["reachable"], 1.0, 0.7)
        capacity = roster.calls_per_day * cal.activity.sum()
        workload = np.bincount(holder, weights=weight, minlength=roster.size)
        expected = capacity[holder] * weight / np.where(workload[holder] > 0, workload[holder], 1)
        expected = np.minimum(expected, 1.2 * span)  # a tiny book is not called all day
        late_bucket = bucket >= 2
        excess = rng.random(n) < EXCESS_ATTEMPT_SHARE
        counts = {
            "call": rng.poisson(expected),
            "sms": rng.poisson(roster.sms_per_account[holder] * share),
            "im": rng.poisson(roster.im_per_account[holder] * share),
            "letter": rng.poisson(np.where(late_bucket, 0.3, 0.0) * share),
            "email": rng.poisson(0.06 * share),
            "visit": rng.poisson(np.where(roster.visits[holder] & (bucket >= 1), 0.35, 0) * share),
            "excess": np.where(excess, rng.integers(7, 10, n), 0),
            "promise": month["has_promise"].astype(np.int64),
        }
        month["last_day"] = last_day
        month["excess_day"] = sample_days(rng, cal.activity, month["first_day"], last_day)
        return counts

    def _contacts(
        self, cal: MonthCalendar, month: dict[str, np.ndarray]
    ) -> Iterator[tuple[str, pa.Table]]:
        counts = self._contact_counts(cal, month)
        per_account = sum(counts.values())
        ends = np.cumsum(per_account)
        month["account_ids"] = account_ids(month["serial"])
        complaints = []
        start = 0
        while start < len(per_account):
            before = ends[start - 1] if start else 0
            stop = int(np.searchsorted(ends, before + CHUNK_ROWS, side="right"))
            stop = max(stop, start + 1)
            chunk = np.arange(start, stop)
            table, complaint_rows = self._contact_rows(
                cal, month, {k: v[start:stop] for k, v in counts.items()}, chunk
            )
            complaints.append(complaint_rows)
            yield "contacts", table
            start = stop
        yield "complaints", self._complaints(cal, month, complaints)

    def _times(self, count: int, hours: np.ndarray, weights: np.ndarray, late: np.ndarray):
        rng = self.rng
        hour = rng.choice(hours, count, p=weights / weights.sum())
        odd = rng.choice(AFTER_HOURS, count, p=AFTER_HOURS_WEIGHTS)
        hour = np.where(late, odd, hour)
        return hour * 3600 + rng.integers(0, 3600, count)

    def _contact_rows(self, cal, month, counts, chunk):
        rng, roster = self.rng, self.roster
        first, last = month["first_day"], month["last_day"]
        reachable = month["reachable"]
        parts = []  # (account, day, channel, outcome)

        def spread(name: str, weights: np.ndarray) -> np.ndarray:
            account = np.repeat(chunk, counts[name])
            return account, sample_days(rng, weights, first[account], last[account])

        # Calls: most go unanswered; the collector's skill and the debtor's habits decide.
        account, day = spread("call", cal.activity)
        m = len(account)
        collector = self.holder_on(month, account, day)
        answer = np.minimum(
            month["connect_propensity"][account] * roster.connect_skill[collector] * CONNECT_BASE,
            0.9,
        )
        answer = np.where(reachable[account], answer, 0.02)
        connected = rng.random(m) < answer
        debtor = connected & (rng.random(m) < roster.rpc_share[collector])
        talk = rng.choice([RIGHT_PARTY, REFUSED, DISPUTE], m, p=[0.76, 0.18, 0.06])
        missed = np.where(
            reachable[account],
            rng.choice([NO_ANSWER, BUSY, INVALID], m, p=[0.82, 0.15, 0.03]),
            rng.choice([INVALID, NO_ANSWER, BUSY], m, p=[0.6, 0.35, 0.05]),
        )
        outcome = np.where(debtor, talk, np.where(connected, THIRD_PARTY, missed))
        parts.append((account, day, np.full(m, CALL), outcome))

        # Messages, letters and e-mail: mostly delivered, often not to the lost.
        for name, channel in (("sms", SMS), ("email", EMAIL)):
            account, day = spread(name, cal.activity)
            failed = rng.random(len(account)) < np.where(reachable[account], 0.03, 0.4)
            parts.append(
                (account, day, np.full(len(account), channel), np.where(failed, FAILED, SENT))
            )
        account, day = spread("im", cal.activity)
        m = len(account)
        outcome = np.where(
            reachable[account],
            rng.choice([SENT, FAILED, RIGHT_PARTY], m, p=[0.86, 0.06, 0.08]),
            rng.choice([SENT, FAILED], m, p=[0.5, 0.5]),
        )
        parts.append((account, day, np.full(m, IM), outcome))
        account, day = spread("letter", cal.office)
        failed = rng.random(len(account)) < 0.04
        parts.append((account, day, np.full(len(account), LETTER), np.where(failed, FAILED, SENT)))
        account, day = spread("visit", cal.office)
        m = len(account)
        outcome = np.where(
            reachable[account],
            rng.choice([RIGHT_PARTY, THIRD_PARTY, NO_ANSWER, REFUSED, DISPUTE], m,
                       p=[0.35, 0.2, 0.35, 0.07, 0.03]),
            rng.choice([NO_ANSWER, THIRD_PARTY], m, p=[0.7, 0.3]),
        )  # fmt: skip
        parts.append((account, day, np.full(m, VISIT), outcome))

        # A few days where one debtor was rung more than the rules allow.
        account = np.repeat(chunk, counts["excess"])
        m = len(account)
        parts.append(
            (account, month["excess_day"][account], np.full(m, CALL),
             rng.choice([NO_ANSWER, BUSY], m, p=[0.8, 0.2]))
        )  # fmt: skip

        # Promises: by phone mostly, at the door for field collectors, some over WeChat.
        account = np.repeat(chunk, counts["promise"])
        m = len(account)
        day = month["promise_contact_day"][account]
        field = roster.visits[self.holder_on(month, account, day)]
        channel = np.where(
            field,
            rng.choice([CALL, VISIT, IM], m, p=[0.55, 0.35, 0.10]),
            rng.choice([CALL, IM], m, p=[0.88, 0.12]),
        )
        month.setdefault("promise_channel", np.full(len(month["serial"]), CALL))
        month["promise_channel"][account] = channel
        promise_parts = len(parts)
        parts.append((account, day, channel, np.full(m, PROMISE)))

        account = np.concatenate([p[0] for p in parts])
        day = np.concatenate([p[1] for p in parts])
        channel = np.concatenate([p[2] for p in parts])
        outcome = np.concatenate([p[3] for p in parts])
        is_promise = np.zeros(len(account), dtype=bool)
        is_promise[len(account) - len(parts[promise_parts][0]) :] = True
        collector = self.holder_on(month, account, day)

        in_office = (channel == LETTER) | (channel == EMAIL) | (channel == VISIT)
        late = ~np.isin(channel, (LETTER, EMAIL)) & (
            rng.random(len(account)) < roster.after_hours[collector]
        )
        seconds = np.where(
            in_office,
            self._times(len(account), OFFICE_HOURS, np.ones(len(OFFICE_HOURS)), late),
            self._times(len(account), CALL_HOURS, CALL_HOUR_WEIGHTS, late),
        )
        median = TALK_MEDIAN[outcome]
        talk = np.where(
            median > 0, np.maximum(5, np.round(median * rng.lognormal(0.0, 0.6, len(account)))), 0
        ).astype(np.int64)

        order = np.lexsort((month["serial"][account], collector, seconds, day))
        account, day, channel, outcome = account[order], day[order], channel[order], outcome[order]
        collector, seconds, talk, is_promise = (
            collector[order], seconds[order], talk[order], is_promise[order]
        )  # fmt: skip
        start = cal.first.astype("datetime64[s]")
        moment = start + (day * 86400 + seconds).astype("timedelta64[s]")
        amount_given = is_promise & month["promise_amount_given"][account]
        promise_date = cal.first + month["promise_day"][account].astype("timedelta64[D]")
        table = pa.table(
            {
                "contacted_at": pa.array(moment, pa.timestamp("s")),
                "account_id": month["account_ids"].take(pa.array(account)),
                "collector_id": roster.ids.take(pa.array(collector)),
                "channel": pa.array(CHANNELS, pa.string()).take(pa.array(channel)),
                "outcome": pa.array(OUTCOMES, pa.string()).take(pa.array(outcome)),
                "duration_s": _nullable(talk, channel == CALL, pa.int64()),
                "promise_amount": _nullable(month["promised"][account], amount_given, pa.int64()),
                "promise_date": _nullable(promise_date, is_promise, pa.date32()),
            },
            schema=SCHEMAS["contacts"],
        )

        # Complaints follow from live contacts, more often for some collectors than others.
        live = np.isin(channel, (CALL, VISIT, IM, SMS))
        complained = live & (rng.random(len(account)) < roster.complaints_per_1k[collector] / 1000)
        return table, (account[complained], day[complained], collector[complained])

    def _complaints(self, cal, month, found) -> pa.Table:
        rng = self.rng
        account = np.concatenate([f[0] for f in found])
        day = np.concatenate([f[1] for f in found])
        collector = np.concatenate([f[2] for f in found])
        m = len(account)
        day = np.minimum(day + rng.integers(0, 5, m), cal.days - 1)
        order = np.lexsort((month["serial"][account], collector, day))
        account, day, collector = account[order], day[order], collector[order]
        upheld = rng.choice(3, m, p=[0.3, 0.6, 0.1])  # yes, no, not recorded
        return pa.table(
            {
                "received_on": pa.array(cal.first + day.astype("timedelta64[D]"), pa.date32()),
                "collector_id": self.roster.ids.take(pa.array(collector)),
                "account_id": pc.if_else(
                    pa.array(rng.random(m) < 0.9),
                    month["account_ids"].take(pa.array(account)),
                    pa.nulls(m, pa.string()),
                ),
                "category": pa.array(COMPLAINT_CATEGORIES, pa.string()).take(
                    pa.array(rng.integers(0, len(COMPLAINT_CATEGORIES), m))
                ),
                "upheld": _nullable(upheld == 0, upheld < 2, pa.bool_()),
            },
            schema=SCHEMAS["complaints"],
        )

    # -- money in, plans agreed, month end ----------------------------------------------------
    def _payments(self, cal: MonthCalendar, month: dict[str, np.ndarray]) -> pa.Table:
        rng = self.rng
        n = len(month["serial"])
        payer, led = month["payer"], month["led"]
        amount, day = month["pay_amount"], month["pay_day"]
        channel = np.where(
            led,
            PAY_BY_CONTACT[month.get("promise_channel", np.zeros(n, dtype=np.int64))],
            UNPROMPTED_CHANNELS[categorical(rng, UNPROMPTED_MIX[month["bucket"]])],
        )
        # Some pay a full cure in two goes: part first, the rest on the final day.
        split = payer & (month["fate"] == CURE) & (amount >= 1000) & (rng.random(n) < SPLIT_PAYMENT)
        early_part = np.where(split, np.round(amount * rng.uniform(0.3, 0.7, n)), 0).astype(
            np.int64
        )
        earliest = np.where(led, month["promise_contact_day"], month["first_day"])
        early_day = rng.integers(np.minimum(earliest, day), day + 1)
        account = np.concatenate([np.flatnonzero(payer), np.flatnonzero(split)])
        paid_on = np.concatenate([day[payer], early_day[split]])
        paid = np.concatenate([(amount - early_part)[payer], early_part[split]])
        how = np.concatenate([channel[payer], channel[split]])
        order = np.lexsort((month["serial"][account], paid_on))
        account, paid_on, paid, how = account[order], paid_on[order], paid[order], how[order]
        return pa.table(
            {
                "paid_on": pa.array(cal.first + paid_on.astype("timedelta64[D]"), pa.date32()),
                "account_id": month["account_ids"].take(pa.array(account)),
                "collector_id": self.roster.ids.take(
                    pa.array(self.holder_on(month, account, paid_on))
                ),
                "amount": pa.array(paid, pa.int64()),
                "channel": pa.array(PAYMENT_CHANNELS, pa.string()).take(pa.array(how)),
            },
            schema=SCHEMAS["payments"],
        )

    def _arrangements(self, cal: MonthCalendar, month: dict[str, np.ndarray]) -> pa.Table:
        rng = self.rng
        n = len(month["serial"])
        fate, led = month["fate"], month["led"]
        settle = fate == SETTLE
        installment = (fate == STAY) & led & (rng.random(n) < 0.3)
        extension = ~installment & (
            ((fate == STAY) & (rng.random(n) < 0.06))
            | (np.isin(fate, (ROLL, NEW)) & month["reachable"] & (rng.random(n) < 0.015))
        )
        random_day = sample_days(rng, cal.activity, month["first_day"], np.full(n, cal.days - 1))
        settle_day = np.where(
            led,
            month["promise_contact_day"],
            np.maximum(month["pay_day"] - rng.integers(0, 5, n), month["first_day"]),
        )
        day = np.select(
            [settle, installment], [settle_day, month["promise_contact_day"]], random_day
        )
        kind = np.select([settle, installment], [SETTLEMENT, INSTALLMENT], EXTENSION)
        amount = np.where(settle, month["pay_amount"], month["balance"])
        terms = np.select(
            [settle, installment], [1, rng.choice([3, 6, 12, 24], n, p=[0.3, 0.35, 0.25, 0.1])], 0
        )
        chosen = settle | installment | extension
        account = np.flatnonzero(chosen)
        order = np.lexsort((month["serial"][account], day[account]))
        account = account[order]
        return pa.table(
            {
                "created_on": pa.array(
                    cal.first + day[account].astype("timedelta64[D]"), pa.date32()
                ),
                "account_id": month["account_ids"].take(pa.array(account)),
                "collector_id": self.roster.ids.take(
                    pa.array(self.holder_on(month, account, day[account]))
                ),
                "kind": pa.array(KINDS, pa.string()).take(pa.array(kind[account])),
                "amount": pa.array(amount[account], pa.int64()),
                "installments": _nullable(terms[account], terms[account] > 0, pa.int64()),
            },
            schema=SCHEMAS["arrangements"],
        )

    def _close_month(self, cal: MonthCalendar, month: dict[str, np.ndarray]) -> pa.Table:
        rng = self.rng
        fate, dpd, balance = month["fate"], month["dpd"], month["balance"]
        unpaid = balance - month["pay_amount"]
        remaining = np.isin(fate, (STAY, ROLL, NEW))
        listed_cured = (fate == CURE) & (rng.random(len(fate)) < CURED_STILL_LISTED)
        dpd_end = np.select([fate == ROLL, remaining], [dpd + cal.days, dpd], 0)
        interest = np.where(fate == ROLL, 1.02, 1.015)
        balance_end = np.where(
            fate == NEW, balance, np.maximum(np.round(unpaid * interest), 100)
        ).astype(np.int64)
        balance_end = np.where(remaining, balance_end, 0)
        listed = remaining | listed_cured
        self.book = Book(
            serial=month["serial"][remaining],
            holder=month["holder"][remaining],
            dpd=dpd_end[remaining],
            balance=balance_end[remaining],
            reachable=month["reachable"][remaining],
            pay_propensity=month["pay_propensity"][remaining],
            connect_propensity=month["connect_propensity"][remaining],
        )
        return self._snapshot(
            cal.label,
            month["serial"][listed],
            month["holder"][listed],
            dpd_end[listed],
            balance_end[listed],
        )
