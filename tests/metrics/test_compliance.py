"""Compliance counts, profile cn (default) and us, worked out by hand."""

from metrics_builders import BOOK, C1, C2, T1, make_dataset, metrics_of

from reportgen.config import Compliance, ComplianceProfile, Config


def calls(day, account, collector, outcomes, hour=10):
    """One call per outcome, a minute apart, starting at ``hour``:00."""
    return [
        (f"{day} {hour:02d}:{minute:02d}:00", account, collector, "call", outcome)
        for minute, outcome in enumerate(outcomes)
    ]


# A7: contacts around the night limits (profile cn: before 08:00:00 or from 22:00:00).
NIGHT = [
    ("2024-09-03 07:59:59", "A7", "C1", "call", "no_answer"),  # after hours
    ("2024-09-03 08:00:00", "A7", "C1", "call", "no_answer"),
    ("2024-09-04 21:59:59", "A7", "C1", "call", "no_answer"),
    ("2024-09-04 22:00:00", "A7", "C1", "call", "no_answer"),  # after hours
    ("2024-09-05 23:00:00", "A7", "C1", "sms", "sent"),  # after hours
    ("2024-09-05 23:00:00", "A7", "C1", "letter", "sent"),  # letters are not timed contacts
    ("2024-09-05 23:00:00", "A7", "C1", "email", "sent"),  # nor e-mail
    ("2024-09-06 06:00:00", "A7", "C1", "visit", "right_party"),  # after hours
    ("2024-09-06 22:30:00", "A7", "C1", "im", "sent"),  # after hours
]

CN_CONTACTS = (
    NIGHT
    + calls("2024-09-02", "A1", "C1", ["no_answer"] * 4 + ["busy"] * 3)  # 7th attempt: excess
    + calls("2024-09-02", "A2", "C1", ["no_answer"] * 6)  # exactly 6: fine
    + calls("2024-09-04", "A3", "C1", ["third_party", "right_party", "refused", "dispute"])
    + calls("2024-09-04", "A4", "C1", ["promise", "right_party", "refused"])  # exactly 3
    + [("2024-09-04 12:00:00", "A4", "C1", "visit", "right_party")]  # not a call
    # Team from rows: neither member crosses a limit, the team does.
    + calls("2024-09-05", "A5", "C1", ["no_answer"] * 4)
    + calls("2024-09-05", "A5", "C2", ["busy"] * 3, hour=11)
    + calls("2024-09-06", "A6", "C1", ["right_party", "refused"])
    + calls("2024-09-06", "A6", "C2", ["dispute", "third_party"], hour=11)
    # Outside the period: not counted.
    + calls("2024-08-31", "A1", "C1", ["no_answer"] * 7)
)


def test_cn_collector():
    m = metrics_of(make_dataset(BOOK, contacts=CN_CONTACTS), "2024-09", C1)
    assert m["after_hours_contacts"] == 5
    assert m["excess_attempt_days"] == 1  # (A1, 09-02)
    assert m["excess_connected_days"] == 1  # (A3, 09-04)
    assert m["compliance_flags"] == 7


def test_cn_team_counts_come_from_rows_not_members():
    dataset = make_dataset(BOOK, contacts=CN_CONTACTS)
    c2 = metrics_of(dataset, "2024-09", C2)
    assert (c2["excess_attempt_days"], c2["excess_connected_days"], c2["compliance_flags"]) == (
        0,
        0,
        0,
    )
    t1 = metrics_of(dataset, "2024-09", T1)
    # (A5, 09-05): 4 + 3 unanswered calls by the team; (A6, 09-06): 2 + 2 connected.
    assert t1["excess_attempt_days"] == 2
    assert t1["excess_connected_days"] == 2
    assert t1["compliance_flags"] == 9  # more than C1's 7 + C2's 0


def test_cn_limits_are_configurable():
    strict = ComplianceProfile(max_unanswered_calls_per_day=5, max_connected_calls_per_day=2)
    config = Config(compliance=Compliance(profile="cn", cn=strict))
    m = metrics_of(make_dataset(BOOK, contacts=CN_CONTACTS), "2024-09", C1, config)
    assert m["excess_attempt_days"] == 2  # A1 (7) and A2 (6)
    assert m["excess_connected_days"] == 2  # A3 (4), A4 (3); A6 (2) is not over 2
    assert m["after_hours_contacts"] == 5


US = Config(compliance=Compliance(profile="us"))

US_CONTACTS = (
    # after hours for us: before 08:00:00 or from 21:00:00
    [
        ("2024-09-01 20:59:59", "A7", "C1", "call", "no_answer"),
        ("2024-09-02 21:00:00", "A7", "C1", "call", "no_answer"),  # after hours
        ("2024-09-03 07:59:59", "A7", "C1", "call", "no_answer"),  # after hours
    ]
    # A1: one call a day 09-01..09-07 is 7 in 7 days (fine); a second call on 09-08
    # makes 09-02..09-08 hold 8 calls: (A1, 09-08) is over.
    + [row for d in range(1, 9) for row in calls(f"2024-09-{d:02d}", "A1", "C1", ["no_answer"])]
    + calls("2024-09-08", "A1", "C1", ["busy"], hour=11)
    # A2: 8 calls on 09-10 (over), 1 on 09-16 (09-10..09-16: 9, over), 1 on 09-17 (2).
    + calls("2024-09-10", "A2", "C1", ["no_answer"] * 8)
    + calls("2024-09-16", "A2", "C1", ["no_answer"])
    + calls("2024-09-17", "A2", "C1", ["no_answer"])
    # A3: a conversation on 09-20 (day 1); calls later that day, on day 7 and on day 8.
    + calls("2024-09-20", "A3", "C1", ["right_party", "no_answer"])
    + calls("2024-09-26", "A3", "C1", ["no_answer"])  # day 7: within 6 days after
    + calls("2024-09-27", "A3", "C1", ["no_answer"])  # day 8: fine
    # A4: a conversation by im is not a right-party call.
    + [("2024-09-21 10:00:00", "A4", "C1", "im", "right_party")]
    + calls("2024-09-22", "A4", "C1", ["no_answer"])
)


def test_us_profile():
    m = metrics_of(make_dataset(BOOK, contacts=US_CONTACTS), "2024-09", C1, US)
    assert m["after_hours_contacts"] == 2
    assert m["excess_attempt_days"] == 3  # (A1, 09-08), (A2, 09-10), (A2, 09-16)
    assert m["excess_connected_days"] == 1  # (A3, 09-26)
    assert m["compliance_flags"] == 6


def test_us_limits_are_configurable():
    looser = ComplianceProfile(day_end=ComplianceProfile().day_end, max_calls_in_window=8)
    config = Config(compliance=Compliance(profile="us", us=looser))
    m = metrics_of(make_dataset(BOOK, contacts=US_CONTACTS), "2024-09", C1, config)
    assert m["excess_attempt_days"] == 1  # only (A2, 09-16) with 9
    assert m["after_hours_contacts"] == 1  # this profile ends the day at 22:00:00
    shorter = ComplianceProfile(days_after_rpc=5)
    config = Config(compliance=Compliance(profile="us", us=shorter))
    m = metrics_of(make_dataset(BOOK, contacts=US_CONTACTS), "2024-09", C1, config)
    assert m["excess_connected_days"] == 0  # 09-26 is 6 days after 09-20


def test_us_team_window_adds_members_calls():
    contacts = calls("2024-09-10", "A1", "C1", ["no_answer"] * 4) + calls(
        "2024-09-12", "A1", "C2", ["no_answer"] * 4
    )
    dataset = make_dataset(BOOK, contacts=contacts)
    assert metrics_of(dataset, "2024-09", C1, US)["excess_attempt_days"] == 0
    assert metrics_of(dataset, "2024-09", C2, US)["excess_attempt_days"] == 0
    assert metrics_of(dataset, "2024-09", T1, US)["excess_attempt_days"] == 1  # (A1, 09-12): 8
