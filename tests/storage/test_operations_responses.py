"""Response assessments and program settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from tracker.storage.database import Store
from tracker.storage.operations.courses import end_course
from tracker.storage.operations.responses import archive_response, record_response
from tracker.storage.operations.settings import get_setting, set_setting
from tracker.storage.queries import responses_of
from tracker.storage.records import ResponseRecord

from .conftest import TODAY


def test_a_response_round_trips(store: Store, course_id: int) -> None:
    response_id = record_response(
        store, course_id, date(2027, 5, 2), "PD", date(2027, 4, 28), "M-protein up"
    )
    assert responses_of(store, course_id) == [
        ResponseRecord(
            id=response_id,
            course_id=course_id,
            assessed_on=date(2027, 5, 2),
            response="PD",
            progression_date=date(2027, 4, 28),
            note="M-protein up",
        )
    ]


def test_responses_are_in_assessment_order_and_allowed_after_the_end(
    store: Store, course_id: int
) -> None:
    end_course(store, course_id, date(2027, 4, 20), "other")
    record_response(store, course_id, date(2027, 5, 20), "VGPR")
    record_response(store, course_id, date(2027, 4, 1), "PR")
    assert [record.response for record in responses_of(store, course_id)] == ["PR", "VGPR"]


def test_a_response_entered_in_error_is_archived(store: Store, course_id: int) -> None:
    response_id = record_response(store, course_id, TODAY, "SD")
    archive_response(store, response_id, reason="entered in error")
    assert responses_of(store, course_id) == []


@pytest.mark.parametrize(
    ("assessed_on", "response", "progression", "message"),
    [
        (TODAY, "good", None, "response 'good'"),
        (TODAY, "pr", None, "response 'pr'"),
        (TODAY + timedelta(days=1), "PR", None, "in the future"),
        (date(2027, 2, 27), "PR", None, "before the course start"),
        (TODAY, "PD", date(2027, 2, 1), "progression date .* before the course start"),
        (TODAY, "PD", TODAY + timedelta(days=3), "progression date .* in the future"),
    ],
)
def test_bad_responses_are_refused(
    store: Store,
    course_id: int,
    assert_refused: Callable,
    assessed_on: date,
    response: str,
    progression: date | None,
    message: str,
) -> None:
    assert_refused(
        lambda: record_response(store, course_id, assessed_on, response, progression), message
    )


def test_responses_of_unknown_courses_are_refused(store: Store, assert_refused: Callable) -> None:
    assert_refused(lambda: record_response(store, 12, TODAY, "PR"), "no treatment course")
    assert_refused(lambda: archive_response(store, 12, reason="entered in error"), "no response assessment")


def test_settings_round_trip_with_a_default(store: Store) -> None:
    assert get_setting(store, "clinic_name") is None
    assert get_setting(store, "clinic_name", "My clinic") == "My clinic"
    set_setting(store, "clinic_name", "Day Unit")
    set_setting(store, "clinic_name", "Ward 7")
    assert get_setting(store, "clinic_name", "My clinic") == "Ward 7"


def test_bad_settings_are_refused(store: Store, assert_refused: Callable) -> None:
    assert_refused(lambda: set_setting(store, "", "x"), "setting name must not be empty")
    assert_refused(lambda: set_setting(store, "copies", 3), "must be text")
