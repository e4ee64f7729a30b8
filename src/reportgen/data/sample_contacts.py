"""The contacts of one month, and the complaints they draw, for the sample data.

Collectors call up to their daily capacity, spread over their accounts by
bucket; most calls go unanswered, better collectors get through more. Text
messages, WeChat, letters, e-mail and (for field collectors) visits follow each
collector's style. Every promise behind a payment or broken this month is a
contact too. Rows are made for runs of accounts of at most ``CHUNK_ROWS`` at a
time, so memory stays flat however big the centre is.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from reportgen.data.sample_calendar import MonthCalendar, sample_days, weight_between
from reportgen.data.sample_roster import Roster
from reportgen.data.sample_tables import (
    BUSY,
    CALL,
    CHANNELS,
    COMPLAINT_CATEGORIES,
    DISPUTE,
    EMAIL,
    FAILED,
    IM,
    INVALID,
    LETTER,
    NO_ANSWER,
    OUTCOMES,
    PROMISE,
    REFUSED,
    RIGHT_PARTY,
    SCHEMAS,
    SENT,
    SMS,
    THIRD_PARTY,
    VISIT,
    nullable,
)

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


def holder_on(month: dict[str, np.ndarray], account: np.ndarray, day: np.ndarray):
    """Who holds ``account`` on ``day`` (0-based), given a handover during the month."""
    return np.where(
        day < month["handover"][account], month["old_holder"][account], month["holder"][account]
    )


class ContactMaker:
    """Makes one month's contact rows in chunks, then its complaints.

    ``month`` is the book's month (see ``BookSimulator._month_fates``): one entry
    per account for serial, account_ids, holder, old_holder, handover, bucket,
    reachable, connect_propensity, first_day, last_day, has_promise,
    promise_contact_day, promise_day, promised and promise_amount_given. The
    channel of each promise is written back as ``promise_channel`` so the payment
    it led to comes in through the same channel.
    """

    def __init__(self, rng: np.random.Generator, roster: Roster) -> None:
        self.rng = rng
        self.roster = roster

    def _counts(self, cal: MonthCalendar, month: dict[str, np.ndarray]) -> dict:
        rng, roster = self.rng, self.roster
        n = len(month["serial"])
        holder, bucket, last_day = month["holder"], month["bucket"], month["last_day"]
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
        month["excess_day"] = sample_days(rng, cal.activity, month["first_day"], last_day)
        return counts

    def batches(
        self, cal: MonthCalendar, month: dict[str, np.ndarray]
    ) -> Iterator[tuple[str, pa.Table]]:
        """("contacts", batch) per chunk of accounts, then ("complaints", table)."""
        counts = self._counts(cal, month)
        per_account = sum(counts.values())
        ends = np.cumsum(per_account)
        complaints = []
        start = 0
        while start < len(per_account):
            before = ends[start - 1] if start else 0
            stop = int(np.searchsorted(ends, before + CHUNK_ROWS, side="right"))
            stop = max(stop, start + 1)
            chunk = np.arange(start, stop)
            table, complaint_rows = self._rows(
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

    def _rows(self, cal, month, counts, chunk):
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
        collector = holder_on(month, account, day)
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
        field = roster.visits[holder_on(month, account, day)]
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
        collector = holder_on(month, account, day)

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
                "duration_s": nullable(talk, channel == CALL, pa.int64()),
                "promise_amount": nullable(month["promised"][account], amount_given, pa.int64()),
                "promise_date": nullable(promise_date, is_promise, pa.date32()),
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
                "upheld": nullable(upheld == 0, upheld < 2, pa.bool_()),
            },
            schema=SCHEMAS["complaints"],
        )
