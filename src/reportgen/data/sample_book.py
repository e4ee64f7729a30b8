"""Month-by-month simulation of a delinquent credit-card book, vectorised over accounts.

Each month every account on the book gets one fate (cure, hold its bucket,
roll to the next, settle, be written off), drawn from bucket-specific rates
that the holder's skill shifts; new delinquent accounts top the book up. The
fates decide the money (payments, and the promises that led to them, kept,
late or part-paid), and the collectors' capacity and style decide the
contacts (:mod:`reportgen.data.sample_contacts`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from reportgen.data.sample_calendar import MonthCalendar, sample_days
from reportgen.data.sample_contacts import ContactMaker, holder_on
from reportgen.data.sample_roster import Roster
from reportgen.data.sample_tables import (
    EXTENSION,
    INSTALLMENT,
    KINDS,
    PAY_BY_CONTACT,
    PAYMENT_CHANNELS,
    SCHEMAS,
    SETTLEMENT,
    account_ids,
    nullable,
)

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


def bucket_of(dpd: np.ndarray) -> np.ndarray:
    """0..3 for M1..M4+ (dpd ≥ 1)."""
    return np.searchsorted(BUCKET_LOWER, dpd, side="right") - 1


def categorical(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One draw per row from row-wise probabilities (rows need not sum exactly to 1)."""
    cumulative = np.cumsum(probabilities, axis=1)
    cumulative /= cumulative[:, -1:]
    return (
        (rng.random((len(probabilities), 1)) > cumulative)
        .sum(axis=1)
        .clip(0, probabilities.shape[1] - 1)
    )


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
        self.contacts = ContactMaker(rng, roster)
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
        yield from self.contacts.batches(cal, month)
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
        month["account_ids"] = account_ids(month["serial"])
        self._money(cal, month)
        return month

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
            # the last day the account is chased: nobody calls once it has paid in full
            "last_day": np.where(np.isin(fate, (CURE, SETTLE)), pay_day, last),
        }

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
                "collector_id": self.roster.ids.take(pa.array(holder_on(month, account, paid_on))),
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
                    pa.array(holder_on(month, account, day[account]))
                ),
                "kind": pa.array(KINDS, pa.string()).take(pa.array(kind[account])),
                "amount": pa.array(amount[account], pa.int64()),
                "installments": nullable(terms[account], terms[account] > 0, pa.int64()),
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
