"""What stands in the way of starting a course or a cycle, and the override columns a start
keeps when a clinician starts it anyway."""

from __future__ import annotations

from datetime import date
from typing import Any

from tracker.domain.treatment.start_check import StartCheck, cycle_start_check, start_check
from tracker.storage.course_history import count_results, course_history
from tracker.storage.database import Store
from tracker.storage.errors import ValidationError
from tracker.storage.operations.settings import start_counts_max_age
from tracker.storage.queries import labs_of
from tracker.storage.records import Course
from tracker.storage.signatures import OVERRIDE_START, require_signature
from tracker.storage.validation import as_date, optional_text


def start_override(
    store: Store, check: StartCheck, override_reason: str | None, what: str
) -> dict[str, Any]:
    """The override columns of a start; refused when the check found problems and no reason
    was given, or (on a database with accounts) without the clinician's signature. A reason
    given where none was needed is not kept."""
    if not check.needs_override:
        return {"start_override": None, "start_problems": None}
    reason = optional_text(override_reason, "override reason", max_length=500)
    if reason is None:
        raise ValidationError(
            f"{what} on {check.on.isoformat()} needs a clinician's override reason: "
            + "; ".join(check.problems)
        )
    require_signature(store, OVERRIDE_START)
    return {"start_override": reason, "start_problems": "; ".join(check.problems)}


def start_check_for_course(store: Store, patient_id: int, start: date) -> StartCheck:
    """What stands in the way of starting a course on ``start`` (latest counts)."""
    counts = count_results(labs_of(store, patient_id))
    return start_check(counts, as_date(start, "start"), max_age_days=start_counts_max_age(store))


def start_check_for_cycle(
    store: Store, course: Course, start: date, *, resuming: bool = False
) -> StartCheck:
    """What stands in the way of starting the course's next cycle on ``start``."""
    return cycle_start_check(
        course_history(store, course),
        start,
        resuming=resuming,
        max_age_days=start_counts_max_age(store),
    )
