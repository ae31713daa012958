"""Starting courses and cycles in tests whose subject is not the start check.

With no recent counts recorded, the storage operations refuse a start without a clinician's
override reason (``tests/storage/test_start_checks.py`` tests that); these give one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tracker.storage.database import Store
from tracker.storage.operations import courses

NOT_THE_SUBJECT = "counts are not the subject of this test"


def start_course(store: Store, patient_id: Any, start: Any, **options: Any) -> int:
    options.setdefault("override_reason", NOT_THE_SUBJECT)
    return courses.start_course(store, patient_id, start, **options)


def start_next_cycle(store: Store, course_id: Any, start: date, **options: Any) -> int:
    options.setdefault("override_reason", NOT_THE_SUBJECT)
    return courses.start_next_cycle(store, course_id, start, **options)
