"""Arrangements and complaints, worked out by hand for 2024-09."""

from metrics_builders import BOOK, C1, C2, C3, T1, make_dataset, metrics_of

ARRANGEMENTS = [
    ("2024-08-30", "A1", "C1", "installment", "999.00"),  # before the period
    ("2024-09-03", "A1", "C1", "installment", "100.10"),
    ("2024-09-30", "A2", "C1", "settlement", "200.20"),
    ("2024-09-15", "A3", "C2", "extension", "50.00"),
]

COMPLAINTS = [
    ("2024-08-20", "C1", True),  # before the period
    ("2024-09-04", "C1", True),
    ("2024-09-05", "C1", None),  # blank: not upheld
    ("2024-09-06", "C2", False),
]

CONTACTS = [
    ("2024-09-02 10:00:00", "A1", "C1", "call", "no_answer"),
    ("2024-09-02 11:00:00", "A1", "C1", "call", "no_answer"),
    ("2024-09-02 12:00:00", "A2", "C1", "call", "right_party"),
    ("2024-09-02 13:00:00", "A2", "C1", "sms", "sent"),
]


def dataset(**options):
    defaults = {"arrangements": ARRANGEMENTS, "complaints": COMPLAINTS, "contacts": CONTACTS}
    return make_dataset(BOOK, **(defaults | options))


def test_collector():
    m = metrics_of(dataset(), "2024-09", C1)
    assert m["arrangements"] == 2
    assert list(m["arrangements_by_kind"].items()) == [("installment", 1), ("settlement", 1)]
    assert m["arranged_amount"] == 300.30
    assert (m["complaints"], m["upheld_complaints"]) == (2, 1)
    assert m["complaints_per_1k_contacts"] == 2 * 1000 / 4


def test_team_and_zero_contacts():
    t1 = metrics_of(dataset(), "2024-09", T1)
    assert list(t1["arrangements_by_kind"].items()) == [
        ("installment", 1),
        ("extension", 1),
        ("settlement", 1),
    ]
    assert (t1["arrangements"], t1["arranged_amount"]) == (3, 350.30)
    assert (t1["complaints"], t1["upheld_complaints"]) == (3, 1)
    assert t1["complaints_per_1k_contacts"] == 3 * 1000 / 4
    c2 = metrics_of(dataset(), "2024-09", C2)
    assert c2["complaints"] == 1
    assert c2["complaints_per_1k_contacts"] is None  # C2 made no contact
    c3 = metrics_of(dataset(), "2024-09", C3)
    assert (c3["arrangements"], c3["arrangements_by_kind"], c3["arranged_amount"]) == (0, {}, 0.0)


def test_missing_tables_and_columns():
    m = metrics_of(dataset(arrangements=None, complaints=None), "2024-09", C1)
    for key in ("arrangements", "arrangements_by_kind", "arranged_amount"):
        assert m[key] is None
    for key in ("complaints", "upheld_complaints", "complaints_per_1k_contacts"):
        assert m[key] is None
    no_upheld = make_dataset(BOOK, complaints=COMPLAINTS, complaint_upheld=False)
    m = metrics_of(no_upheld, "2024-09", C1)
    assert (m["complaints"], m["upheld_complaints"]) == (2, None)
    assert m["complaints_per_1k_contacts"] is None  # no contacts table


def test_tables_not_covering_the_period():
    late = [("2024-10-01", "A1", "C1", "installment", "1.00")]
    m = metrics_of(dataset(arrangements=late, complaints=[("2024-10-02", "C1")]), "2024-09", C1)
    assert (m["arrangements"], m["complaints"]) == (None, None)
