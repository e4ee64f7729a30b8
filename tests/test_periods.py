"""Period labels: parsing, bad labels, previous and year-ago arithmetic."""

from datetime import date

import pytest

from reportgen.errors import PeriodError
from reportgen.periods import Period, parse_period


def months(year: int, first: int, last: int) -> tuple[str, ...]:
    return tuple(f"{year}-{m:02d}" for m in range(first, last + 1))


@pytest.mark.parametrize(
    ("label", "kind", "start", "end", "expected_months"),
    [
        ("2024-09", "month", date(2024, 9, 1), date(2024, 9, 30), ("2024-09",)),
        ("2024-02", "month", date(2024, 2, 1), date(2024, 2, 29), ("2024-02",)),  # leap year
        ("2023-02", "month", date(2023, 2, 1), date(2023, 2, 28), ("2023-02",)),
        ("2024-Q3", "quarter", date(2024, 7, 1), date(2024, 9, 30), months(2024, 7, 9)),
        ("2024-Q1", "quarter", date(2024, 1, 1), date(2024, 3, 31), months(2024, 1, 3)),
        ("2024-H2", "half", date(2024, 7, 1), date(2024, 12, 31), months(2024, 7, 12)),
        ("2024-H1", "half", date(2024, 1, 1), date(2024, 6, 30), months(2024, 1, 6)),
        ("2024", "year", date(2024, 1, 1), date(2024, 12, 31), months(2024, 1, 12)),
        ("2024-03..2024-08", "range", date(2024, 3, 1), date(2024, 8, 31), months(2024, 3, 8)),
        (
            "2023-11..2024-02",
            "range",
            date(2023, 11, 1),
            date(2024, 2, 29),
            months(2023, 11, 12) + months(2024, 1, 2),
        ),
    ],
)
def test_parse(label, kind, start, end, expected_months):
    period = parse_period(label)
    assert period == Period(label=label, kind=kind, months=expected_months, start=start, end=end)


@pytest.mark.parametrize(
    "label", ["2024-9", "2024/09", "2024.9", "2024年9月", "２０２４－０９", "202409", " 2024-09 "]
)
def test_a_month_is_accepted_in_every_form_the_data_files_accept(label):
    assert parse_period(label).label == "2024-09"


def test_a_run_of_months_takes_the_same_month_forms():
    assert parse_period("2024/3..2024年8月").label == "2024-03..2024-08"


def test_lowercase_quarter_and_spaces_are_normalised():
    assert parse_period(" 2024-q3 ").label == "2024-Q3"
    assert parse_period("2024-h1").label == "2024-H1"
    assert parse_period("2024-03 .. 2024-05").label == "2024-03..2024-05"


@pytest.mark.parametrize(
    "label",
    ["", "2024-13", "2024-00", "2024-Q5", "2024-Q0", "2024-H3", "24-09", "2024/09/01", "Sept 2024",
     "2024-09..", "2024-09..2024-13"],
)  # fmt: skip
def test_bad_labels_name_what_was_found_and_the_accepted_forms(label):
    with pytest.raises(PeriodError) as caught:
        parse_period(label)
    message = str(caught.value)
    assert repr(label).strip("'") in message or label.split("..")[-1] in message


def test_unknown_label_lists_every_accepted_form():
    with pytest.raises(PeriodError, match=r"2024-09.*2024-Q3.*2024-H2.*2024 .*2024-03\.\.2024-08"):
        parse_period("last month")


def test_range_ending_before_it_starts_is_an_error():
    with pytest.raises(PeriodError, match="ends before it starts"):
        parse_period("2024-08..2024-03")


@pytest.mark.parametrize(
    ("label", "previous", "year_ago"),
    [
        ("2024-09", "2024-08", "2023-09"),
        ("2024-01", "2023-12", "2023-01"),
        ("2024-Q1", "2023-Q4", "2023-Q1"),
        ("2024-Q3", "2024-Q2", "2023-Q3"),
        ("2024-H1", "2023-H2", "2023-H1"),
        ("2024-H2", "2024-H1", "2023-H2"),
        ("2024", "2023", "2023"),
        ("2024-03..2024-08", "2023-09..2024-02", "2023-03..2023-08"),
        ("2023-11..2024-02", "2023-07..2023-10", "2022-11..2023-02"),
        ("2024-05..2024-05", "2024-04..2024-04", "2023-05..2023-05"),
    ],
)
def test_previous_and_year_ago(label, previous, year_ago):
    period = parse_period(label)
    assert period.previous() == parse_period(previous)
    assert period.year_ago() == parse_period(year_ago)
    assert period.previous().kind == period.kind


@pytest.mark.parametrize(
    ("label", "opening"),
    [("2024-09", "2024-08"), ("2024-01", "2023-12"), ("2024-Q1", "2023-12"), ("2024", "2023-12"),
     ("2024-H2", "2024-06"), ("2024-03..2024-08", "2024-02")],
)  # fmt: skip
def test_opening_month_is_the_month_before(label, opening):
    assert parse_period(label).opening_month == opening


def test_closing_month_is_the_last_month():
    assert parse_period("2024-Q3").closing_month == "2024-09"


def test_as_json():
    assert parse_period("2024-Q3").as_json() == {
        "label": "2024-Q3",
        "start": "2024-07-01",
        "end": "2024-09-30",
    }


def test_period_before_year_one_is_an_error():
    with pytest.raises(PeriodError):
        parse_period("0001-01").previous()
