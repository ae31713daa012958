"""The forms that change a course, one module each: start it, start the next cycle, reduce
a dose, record the response, end it. Each writes through ``context.run`` and stays open when
refused."""

from __future__ import annotations

from tracker.ui.end_course_dialog import END_REASONS, EndCourseDialog
from tracker.ui.next_cycle_dialog import NextCycleDialog
from tracker.ui.reduce_dose_dialog import REDUCTION_REASONS, ReduceDoseDialog
from tracker.ui.response_dialog import RESPONSES, ResponseDialog
from tracker.ui.start_course_dialog import (
    RenalSuggestion,
    StartCourseDialog,
    renal_start_suggestion,
)

__all__ = [
    "END_REASONS",
    "REDUCTION_REASONS",
    "RESPONSES",
    "EndCourseDialog",
    "NextCycleDialog",
    "ReduceDoseDialog",
    "RenalSuggestion",
    "ResponseDialog",
    "StartCourseDialog",
    "renal_start_suggestion",
]
