"""The value checks every operation uses at its boundary."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tracker.storage.database import Store
from tracker.storage.errors import StorageError, ValidationError
from tracker.storage.validation import (
    as_date,
    choice,
    flag,
    note_text,
    optional_amount,
    optional_choice,
    optional_date,
    optional_text,
    past_or_today,
    required_text,
    whole_number,
)

from .conftest import TODAY


def test_validation_errors_are_storage_errors_for_the_ui() -> None:
    assert issubclass(ValidationError, StorageError)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2027, 1, 5), date(2027, 1, 5)),
        (datetime(2027, 1, 5, 23, 59), date(2027, 1, 5)),
        (" 2027-01-05 ", date(2027, 1, 5)),
    ],
)
def test_dates_from_date_datetime_or_iso_text(value: object, expected: date) -> None:
    assert as_date(value, "visit date") == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("05/01/2027", "visit date '05/01/2027' is not a date in the form YYYY-MM-DD"),
        ("2027-02-30", "not a date"),
        (None, "visit date is missing"),
        (20270105, "visit date is missing or is not a date"),
        (date(1899, 12, 31), "before 1900"),
    ],
)
def test_bad_dates_name_the_field(value: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        as_date(value, "visit date")


def test_optional_dates_treat_blank_as_none() -> None:
    assert optional_date(None, "x") is None
    assert optional_date("  ", "x") is None
    assert optional_date("2027-03-04", "x") == date(2027, 3, 4)


def test_today_is_allowed_and_tomorrow_is_not(store: Store) -> None:
    assert past_or_today(store, TODAY, "lab date") == TODAY
    with pytest.raises(
        ValidationError, match=r"2027-06-02 is in the future \(today is 2027-06-01\)"
    ):
        past_or_today(store, "2027-06-02", "lab date")


def test_text_is_trimmed_and_limited() -> None:
    assert required_text("  Ada   King ", "name") == "Ada King"
    with pytest.raises(ValidationError, match="name must not be empty"):
        required_text(None, "name")
    with pytest.raises(ValidationError, match="longer than 5 characters"):
        required_text("abcdef", "name", max_length=5)
    assert optional_text("  ", "term") is None
    assert optional_text(" G3 rash ", "term") == "G3 rash"
    with pytest.raises(ValidationError, match="term must be text"):
        optional_text(3, "term")
    assert note_text(None) == ""


def test_choices_list_what_is_allowed() -> None:
    assert choice("held", ("taken", "held"), "status") == "held"
    with pytest.raises(ValidationError, match='status \'Held\' is not one of "taken", "held"'):
        choice("Held", ("taken", "held"), "status")
    assert optional_choice("", ("F", "M"), "sex") is None


def test_whole_numbers_refuse_bools_text_and_out_of_range() -> None:
    assert whole_number(3, "grade", 1, 5) == 3
    for bad in (True, "3", 3.0, None):
        with pytest.raises(ValidationError, match="grade must be a whole number from 1 to 5"):
            whole_number(bad, "grade", 1, 5)
    with pytest.raises(ValidationError, match="grade 9 is outside 1 to 5"):
        whole_number(9, "grade", 1, 5)


def test_amounts() -> None:
    assert optional_amount(None, "ANC", zero_allowed=True) is None
    assert optional_amount(0, "ANC", zero_allowed=True) == 0.0
    assert optional_amount(2, "ANC", zero_allowed=True) == 2.0
    with pytest.raises(ValidationError, match="weight 0 is not possible; it must be more than 0"):
        optional_amount(0, "weight", zero_allowed=False)
    with pytest.raises(ValidationError, match="ANC -1 is not possible; it must be 0 or more"):
        optional_amount(-1, "ANC", zero_allowed=True)
    for bad in (float("nan"), float("inf"), "1.5", True):
        with pytest.raises(ValidationError, match="ANC must be a number"):
            optional_amount(bad, "ANC", zero_allowed=True)
    with pytest.raises(ValidationError, match="implausibly high"):
        optional_amount(500, "weight", zero_allowed=False, maximum=400)


def test_flags() -> None:
    assert (flag(True, "x"), flag(False, "x"), flag(1, "x"), flag(0, "x")) == (1, 0, 1, 0)
    for bad in ("yes", 2, None):
        with pytest.raises(ValidationError, match="must be yes or no"):
            flag(bad, "on dialysis")
