"""The sample centre's people: the collectors table and each collector's skill and style."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾萧田董"
_GIVEN = "芳伟娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚婷浩宇欣佳晨琳雪鹏慧"
_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 40 → 四十, 105 → 一百零五 (team names read as people write them)."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        head = _DIGITS[n // 100] + "百"
        if rest == 0:
            return head
        return head + ("零" + _DIGITS[rest] if rest < 10 else _DIGITS[rest // 10] + "十"
                       + (_DIGITS[rest % 10] if rest % 10 else ""))  # fmt: skip
    return str(n)


def unique_names(rng: np.random.Generator, count: int) -> list[str]:
    """``count`` distinct Chinese names: surname + one given character, then two."""
    singles = [s + g for s in _SURNAMES for g in _GIVEN]
    doubles = [s + g + h for s in _SURNAMES for g in _GIVEN for h in _GIVEN if g != h]
    names = [singles[i] for i in rng.permutation(len(singles))]
    if count > len(names):
        names += [doubles[i] for i in rng.permutation(len(doubles))]
    if count > len(names):
        names += [f"{names[i % len(names)]}{i // len(names) + 1}" for i in range(len(names), count)]
    return names[:count]


def id_width(count: int, minimum: int) -> int:
    return max(minimum, len(str(count)))


@dataclass(frozen=True)
class Roster:
    """The collectors table plus the traits that shape each collector's results.

    Every array has one entry per collector, in roster order.
    """

    table: pa.Table
    ids: pa.Array  # collector_id strings
    calls_per_day: np.ndarray  # call attempts on a normal working day
    connect_skill: np.ndarray  # multiplies the chance a call is answered
    rpc_share: np.ndarray  # share of answered calls reaching the debtor
    promise_skill: np.ndarray  # multiplies the chance a payment follows a promise
    keep_skill: np.ndarray  # multiplies the chance a promise is kept on time
    cure_skill: np.ndarray  # multiplies the chance an account cures or holds
    sms_per_account: np.ndarray  # text messages per account-month
    im_per_account: np.ndarray  # messenger (WeChat) contacts per account-month
    visits: np.ndarray  # bool: a field collector who visits debtors
    after_hours: np.ndarray  # share of contacts made before 08:00 or from 22:00
    complaints_per_1k: np.ndarray  # complaints per thousand contacts

    @property
    def size(self) -> int:
        return len(self.calls_per_day)


def build_roster(
    rng: np.random.Generator, collectors: int, teams: int, first_month: date
) -> Roster:
    """Collectors split into ``teams`` contiguous teams; the last of each team of three or
    more (or else the last collector) is a field (visiting) collector; skills vary around
    the centre's norm."""
    width = id_width(collectors, 3)
    ids = [f"C{i:0{width}d}" for i in range(1, collectors + 1)]
    team_of = np.arange(collectors) * teams // collectors
    team_width = id_width(teams, 2)
    team_ids = [f"T{t + 1:0{team_width}d}" for t in range(teams)]
    team_names = [f"催收{chinese_number(t + 1)}组" for t in range(teams)]
    names = unique_names(rng, collectors + teams)
    people, supervisors = names[:collectors], names[collectors:]

    last_of_team = np.r_[team_of[1:] != team_of[:-1], True]
    team_size = np.bincount(team_of, minlength=teams)[team_of]
    visits = last_of_team & (team_size >= 3)
    if collectors >= 2 and not visits.any():  # every centre has someone in the field
        visits[-1] = True

    start = np.datetime64(first_month, "D")
    hired_on = start - rng.integers(60, 365 * 8, collectors).astype("timedelta64[D]")
    table = pa.table(
        {
            "collector_id": pa.array(ids, pa.string()),
            "name": pa.array(people, pa.string()),
            "team_id": pa.array([team_ids[t] for t in team_of], pa.string()),
            "team_name": pa.array([team_names[t] for t in team_of], pa.string()),
            "supervisor": pa.array([supervisors[t] for t in team_of], pa.string()),
            "hired_on": pa.array(hired_on, pa.date32()),
        }
    )
    return Roster(
        table=table,
        ids=table.column("collector_id").combine_chunks(),
        calls_per_day=np.where(
            visits, rng.uniform(108, 125, collectors), rng.uniform(115, 175, collectors)
        ),  # fmt: skip
        connect_skill=rng.uniform(0.8, 1.2, collectors),
        rpc_share=rng.uniform(0.4, 0.6, collectors),
        promise_skill=rng.uniform(0.7, 1.25, collectors),
        keep_skill=rng.uniform(0.8, 1.2, collectors),
        cure_skill=rng.uniform(0.85, 1.15, collectors),
        sms_per_account=rng.choice([0.5, 1.0, 2.0, 4.0], collectors, p=[0.3, 0.3, 0.25, 0.15]),
        im_per_account=rng.choice([0.1, 0.3, 1.5], collectors, p=[0.4, 0.4, 0.2]),
        visits=visits,
        after_hours=rng.choice([0.0002, 0.0008, 0.003], collectors, p=[0.5, 0.35, 0.15]),
        complaints_per_1k=rng.uniform(0.03, 0.3, collectors),
    )
