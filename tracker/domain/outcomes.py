"""What each course's recorded outcome comes to: its best response, its progression, and its
times to progression and to death as the Kaplan-Meier estimates take them.

Responses are IMWG categories (``IMWG_RESPONSES``, best first). Overall response is PR or
better; complete response is sCR or CR.

Progression: the first progression recorded for the course, as the treatment engine reads
assessments (an assessment's progression date, or the date of a PD assessment that gives
none), or the course's end date when it was ended for progression, whichever is earlier.

Time to progression runs from the course start to that progression. A course without one is
censored at its last response assessment, also when it ended for toxicity or the patient
died without progression (those courses are followed no further than their last
assessment); a course with no assessment yet adds nothing.

Overall survival runs from the course start to the patient's date of death. A patient not
recorded as dead is censored at the last date the record shows them alive (the latest
course start or end, cycle start, assessment or count).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from tracker.domain.errors import DomainError
from tracker.domain.survival import Observation

# IMWG uniform response criteria, best to worst.
IMWG_RESPONSES = ("sCR", "CR", "VGPR", "PR", "MR", "SD", "PD")
RESPONSE_RANK = {response: rank for rank, response in enumerate(IMWG_RESPONSES)}
OVERALL_RESPONSES = frozenset({"sCR", "CR", "VGPR", "PR"})
COMPLETE_RESPONSES = frozenset({"sCR", "CR"})
PROGRESSIVE_DISEASE = "PD"
ENDED_FOR_PROGRESSION = "progression"
NOT_ASSESSED = "not assessed"

DEFINITIONS = {
    "denominator": (
        "Every course started in the period, by intention to treat: a course with no "
        "response assessment counts as a non-responder."
    ),
    "response": "Overall response: best IMWG response PR, VGPR, CR or sCR.",
    "complete_response": "Complete response: best IMWG response CR or sCR.",
    "ttp": (
        "Time to progression: course start to the first recorded progression (an assessment's "
        "progression date, a PD assessment, or the end of a course ended for progression). "
        "Without one, censored at the last response assessment, also after an end for "
        "toxicity or a death without progression; a course with no assessment adds nothing. "
        "Months = days / 30.4375."
    ),
    "os": (
        "Overall survival: course start to the patient's recorded date of death; censored "
        "at the last date the record shows the patient alive."
    ),
}


class Assessment(NamedTuple):
    """One response assessment as recorded."""

    assessed_on: date
    response: str
    progression_date: date | None = None

    @property
    def progression(self) -> date | None:
        """The progression this assessment records, as the treatment engine reads it."""
        if self.progression_date is not None:
            return self.progression_date
        return self.assessed_on if self.response == PROGRESSIVE_DISEASE else None


class AssessmentSummary(NamedTuple):
    """What a course's assessments come to: the best response, the first progression and
    the last assessment date (all None without an assessment)."""

    best_response: str | None
    first_progression: date | None
    last_assessment: date | None


NO_ASSESSMENT = AssessmentSummary(None, None, None)


class CourseOutcome(NamedTuple):
    """One course as the outcome statistics take it: its start, what its assessments come
    to, how it ended, and the patient's date of death and last date known alive.

    A named tuple: a clinic's cohort is tens of thousands of these, made from query rows.
    """

    course_id: int
    start: date
    best_response: str | None = None
    first_progression: date | None = None
    last_assessment: date | None = None
    end_date: date | None = None
    end_reason: str | None = None
    date_of_death: date | None = None
    last_known_alive: date | None = None


def summarise_assessments(assessments: Iterable[Assessment]) -> AssessmentSummary:
    best: str | None = None
    progression: date | None = None
    last: date | None = None
    for assessment in assessments:
        if assessment.response not in RESPONSE_RANK:
            known = ", ".join(IMWG_RESPONSES)
            raise DomainError(f"{assessment.response!r} is not an IMWG response ({known})")
        if best is None or RESPONSE_RANK[assessment.response] < RESPONSE_RANK[best]:
            best = assessment.response
        found = assessment.progression
        if found is not None and (progression is None or found < progression):
            progression = found
        if last is None or assessment.assessed_on > last:
            last = assessment.assessed_on
    return AssessmentSummary(best, progression, last)


def course_outcome(
    course_id: int,
    start: date,
    assessments: Iterable[Assessment] = (),
    *,
    end_date: date | None = None,
    end_reason: str | None = None,
    date_of_death: date | None = None,
    last_known_alive: date | None = None,
) -> CourseOutcome:
    """A course's outcome from its assessments as recorded."""
    summary = summarise_assessments(assessments)
    return CourseOutcome(
        course_id,
        start,
        *summary,
        end_date=end_date,
        end_reason=end_reason,
        date_of_death=date_of_death,
        last_known_alive=last_known_alive,
    )


def progression_of(outcome: CourseOutcome) -> date | None:
    """The course's first progression: from its assessments, or the end of a course ended
    for progression, whichever is earlier."""
    found = outcome.first_progression
    if outcome.end_reason == ENDED_FOR_PROGRESSION and outcome.end_date is not None:
        found = outcome.end_date if found is None else min(found, outcome.end_date)
    return found


def time_to_progression(outcome: CourseOutcome) -> Observation | None:
    """Days from the course start to progression (an event), or to the last assessment
    (censored); None when there is neither."""
    progressed = progression_of(outcome)
    if progressed is not None:
        return Observation(_days(outcome, progressed, "progression"), True)
    if outcome.last_assessment is not None:
        return Observation(_days(outcome, outcome.last_assessment, "last assessment"), False)
    return None


def overall_survival(outcome: CourseOutcome) -> Observation:
    """Days from the course start to death (an event), or to the last date the patient is
    known alive (censored; the course start when nothing later is recorded)."""
    if outcome.date_of_death is not None:
        return Observation(_days(outcome, outcome.date_of_death, "date of death"), True)
    alive = outcome.last_known_alive
    return Observation(0 if alive is None else max(0, (alive - outcome.start).days), False)


def _days(outcome: CourseOutcome, day: date, what: str) -> int:
    days = (day - outcome.start).days
    if days < 0:
        raise DomainError(
            f"course {outcome.course_id} starts on {outcome.start.isoformat()}, after its "
            f"{what} ({day.isoformat()})"
        )
    return days
