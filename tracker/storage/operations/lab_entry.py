"""Record labs as the form does: the counts, the grade 3-4 events they were logged as, and
the dose decision the clinician accepted with them, in one transaction with their audit rows.

The decision is what the treatment engine advised for the typed counts and the clinician
ticked: interrupt lenalidomide from the day of the result, resume it (ending the open
interruption), or give it at the level the label resumes at after a drop that passed with
no interruption. Nothing about dosing changes unless one of those is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tracker.domain import grading
from tracker.domain.regimen import LENALIDOMIDE
from tracker.storage.database import Store
from tracker.storage.errors import ValidationError
from tracker.storage.operations import courses as course_operations
from tracker.storage.operations import events as event_operations
from tracker.storage.operations import interruptions as interruption_operations
from tracker.storage.operations import labs as lab_operations
from tracker.storage.roles import RECORD_CARE, requires

DEFAULT_INTERRUPTION_REASON = "low counts"


@dataclass(frozen=True)
class EventToLog:
    """A grade 3-4 count event to log, linked to the lab result."""

    event_type: str
    grade: int


@dataclass(frozen=True)
class LabEntry:
    """Everything the Record labs form asks the database to do.

    ``interrupt_lenalidomide``: interrupt it from ``on`` (``interruption_reason`` says why).
    ``resume_level``: end the open interruption on ``on``, giving lenalidomide at that level.
    ``change_level``: no interruption is open; give lenalidomide at that level from ``on``.
    """

    patient_id: int
    on: date
    anc: float | None
    anc_unit: str
    platelets: float | None
    platelets_unit: str
    creatinine: float | None
    creatinine_unit: str | None
    note: str
    course_id: int | None = None
    events: tuple[EventToLog, ...] = ()
    interrupt_lenalidomide: bool = False
    resume_level: int | None = None
    change_level: int | None = None
    interruption_reason: str = DEFAULT_INTERRUPTION_REASON


@dataclass(frozen=True)
class SavedLabs:
    lab_id: int
    event_ids: list[int] = field(default_factory=list)
    interruption_id: int | None = None
    level_change_id: int | None = None


def _decisions(entry: LabEntry) -> int:
    return sum(
        (
            entry.interrupt_lenalidomide,
            entry.resume_level is not None,
            entry.change_level is not None,
        )
    )


@requires(RECORD_CARE)
def save_labs(store: Store, entry: LabEntry) -> SavedLabs:
    """Record the labs and whatever the clinician accepted with them, all or nothing."""
    if _decisions(entry) > 1:
        raise ValidationError(
            "accept one dose decision with a lab result: interrupt, resume or a new dose level"
        )
    if _decisions(entry) and entry.course_id is None:
        raise ValidationError("a dose decision needs a course in progress")
    with store.transaction():
        lab_id = lab_operations.record_labs(
            store,
            entry.patient_id,
            entry.on,
            anc=entry.anc,
            anc_unit=entry.anc_unit,
            platelets=entry.platelets,
            platelets_unit=entry.platelets_unit,
            creatinine=entry.creatinine,
            creatinine_unit=entry.creatinine_unit,
            note=entry.note,
        )
        interruption_id = level_change_id = None
        action = "none"
        if entry.course_id is not None and entry.interrupt_lenalidomide:
            interruption_id = interruption_operations.interrupt(
                store,
                entry.course_id,
                entry.on,
                entry.interruption_reason or DEFAULT_INTERRUPTION_REASON,
                drug=LENALIDOMIDE,
            )
            action = "held"
        elif entry.course_id is not None and entry.resume_level is not None:
            interruption_id = interruption_operations.resume(
                store, entry.course_id, entry.on, level=entry.resume_level, drug=LENALIDOMIDE
            )
        elif entry.course_id is not None and entry.change_level is not None:
            level_change_id = course_operations.change_dose_level(
                store,
                entry.course_id,
                LENALIDOMIDE,
                entry.change_level,
                entry.on,
                reason="label dose after counts below the hold thresholds",
            )
            action = "reduced"
        event_ids = [
            event_operations.log_event(
                store,
                entry.patient_id,
                event.event_type,
                event.grade,
                entry.on,
                course_id=entry.course_id,
                lab_id=lab_id,
                action=action,
                ctcae_version=grading.CTCAE_VERSION,
            )
            for event in entry.events
        ]
    return SavedLabs(lab_id, event_ids, interruption_id, level_change_id)
