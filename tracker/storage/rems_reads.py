"""Reading pregnancy prevention: the records of the REMS tables, and the engine's
``RemsFacts`` for one patient or, in a few queries, for everyone on treatment (Today)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, time
from functools import cache
from typing import Any

from tracker.domain.treatment.rems_facts import (
    Contraception,
    MenstrualFlag,
    PregnancyTest,
    RemsFacts,
    Supply,
)
from tracker.storage.database import Store
from tracker.storage.records import Course, Patient, RowRecord


def clock_time(value: str | None) -> time | None:
    """'08:30' -> 08:30; None stays None."""
    return time.fromisoformat(value) if value else None


@dataclass(frozen=True)
class PregnancyTestRecord(RowRecord):
    id: int
    patient_id: int
    date: date
    time: str | None
    kind: str
    sensitivity_miu_ml: float | None
    result: str
    cleared_on: date | None
    clearance: str
    note: str

    def fact(self) -> PregnancyTest:
        return PregnancyTest(
            self.date,
            self.kind,
            self.sensitivity_miu_ml,
            self.result,
            clock_time(self.time),
            self.cleared_on,
            self.clearance,
        )


@dataclass(frozen=True)
class ContraceptionRecord(RowRecord):
    id: int
    patient_id: int
    counselled_on: date
    method_1: str | None
    method_2: str | None
    abstinence: bool
    note: str

    def fact(self) -> Contraception:
        methods = tuple(method for method in (self.method_1, self.method_2) if method)
        return Contraception(self.counselled_on, methods, self.abstinence)


@dataclass(frozen=True)
class MenstrualReport(RowRecord):
    id: int
    patient_id: int
    reported_on: date
    kind: str
    cleared_on: date | None
    clearance: str
    note: str

    def fact(self) -> MenstrualFlag:
        return MenstrualFlag(self.reported_on, self.kind, self.cleared_on, self.clearance)


@dataclass(frozen=True)
class PrescriptionRecord(RowRecord):
    """A cycle's lenalidomide prescription; ``cycle`` is the cycle's number (joined)."""

    id: int
    course_id: int
    cycle_id: int
    cycle: int
    authorization_number: str
    authorized_on: date
    authorized_at: str | None
    capsules: int | None
    days_supply: int | None
    note: str

    def fact(self) -> Supply:
        return Supply(
            self.cycle,
            self.authorization_number,
            self.authorized_on,
            self.days_supply or 0,
            self.capsules or 0,
            clock_time(self.authorized_at),
        )


_PRESCRIPTIONS = (
    "SELECT p.id, p.course_id, p.cycle_id, c.number AS cycle, p.authorization_number, "
    "p.authorized_on, p.authorized_at, p.capsules, p.days_supply, p.note "
    "FROM prescriptions p JOIN cycles c ON c.id = p.cycle_id "
    "WHERE p.archived = 0 AND c.archived = 0"
)


def pregnancy_tests_of(store: Store, patient_id: int) -> list[PregnancyTestRecord]:
    rows = store.query(
        "SELECT * FROM pregnancy_tests WHERE patient_id = ? AND archived = 0 "
        "ORDER BY date, time, id",
        [patient_id],
    )
    return [PregnancyTestRecord.from_row(row) for row in rows]


def contraception_of(store: Store, patient_id: int) -> list[ContraceptionRecord]:
    rows = store.query(
        "SELECT * FROM contraception WHERE patient_id = ? AND archived = 0 "
        "ORDER BY counselled_on, id",
        [patient_id],
    )
    return [ContraceptionRecord.from_row(row) for row in rows]


def menstrual_reports_of(store: Store, patient_id: int) -> list[MenstrualReport]:
    rows = store.query(
        "SELECT * FROM menstrual_reports WHERE patient_id = ? AND archived = 0 "
        "ORDER BY reported_on, id",
        [patient_id],
    )
    return [MenstrualReport.from_row(row) for row in rows]


def prescriptions_of(store: Store, course_id: int) -> list[PrescriptionRecord]:
    rows = store.query(f"{_PRESCRIPTIONS} AND p.course_id = ? ORDER BY c.number", [course_id])
    return [PrescriptionRecord.from_row(row) for row in rows]


def facts_of(
    patient: Patient,
    tests: Iterable[PregnancyTestRecord] = (),
    reports: Iterable[MenstrualReport] = (),
    contraception: Iterable[ContraceptionRecord] = (),
    prescriptions: Iterable[PrescriptionRecord] = (),
) -> RemsFacts:
    return RemsFacts(
        category=patient.rems_category,
        sex=patient.sex,
        reason=patient.rems_category_reason,
        irregular_cycles=patient.irregular_cycles,
        tests=tuple(record.fact() for record in tests),
        flags=tuple(record.fact() for record in reports),
        contraception=tuple(record.fact() for record in contraception),
        supplies=tuple(record.fact() for record in prescriptions),
    )


def rems_facts(store: Store, patient: Patient, course_id: int | None = None) -> RemsFacts:
    """Everything recorded about the patient's pregnancy prevention; the supplies are those
    of ``course_id`` (none without one)."""
    return facts_of(
        patient,
        pregnancy_tests_of(store, patient.id),
        menstrual_reports_of(store, patient.id),
        contraception_of(store, patient.id),
        prescriptions_of(store, course_id) if course_id is not None else (),
    )


def course_rems_facts(store: Store, course: Course) -> RemsFacts:
    """``rems_facts`` of the course's patient (archived or not) with the course's supplies."""
    row = next(iter(store.query("SELECT * FROM patients WHERE id = ?", [course.patient_id])))
    return rems_facts(store, Patient.from_row(row), course.id)


def _by(rows: Iterable[tuple], make: Callable[[tuple], Any]) -> dict[int, list]:
    """``make(row[1:])`` of each row, grouped by the row's first value."""
    grouped: dict[int, list] = defaultdict(list)
    for row in rows:
        grouped[row[0]].append(make(row[1:]))
    return grouped


def active_rems_facts(store: Store) -> dict[int, RemsFacts]:
    """The facts of every patient on an active course, by course id, in a handful of queries
    read as plain tuples: Today's read, for thousands of courses. Of the course's supplies
    only its latest cycle's is read: the one the day (Today) and the week's sheets show."""
    active = "SELECT id FROM courses WHERE status = 'active' AND archived = 0"
    patients = "SELECT patient_id FROM courses WHERE status = 'active' AND archived = 0"
    day: Callable[[str], date] = cache(date.fromisoformat)
    clock: Callable[[str | None], time | None] = cache(clock_time)

    def optional_day(text: str | None) -> date | None:
        return day(text) if text else None

    tests = _by(
        store.execute(
            "SELECT patient_id, date, kind, sensitivity_miu_ml, result, time, cleared_on, "
            f"clearance FROM pregnancy_tests WHERE archived = 0 AND patient_id IN ({patients}) "
            "ORDER BY date, time, id"
        ),
        lambda r: PregnancyTest(day(r[0]), r[1], r[2], r[3], clock(r[4]), optional_day(r[5]), r[6]),
    )
    reports = _by(
        store.execute(
            "SELECT patient_id, reported_on, kind, cleared_on, clearance FROM menstrual_reports "
            f"WHERE archived = 0 AND patient_id IN ({patients}) ORDER BY reported_on, id"
        ),
        lambda r: MenstrualFlag(day(r[0]), r[1], optional_day(r[2]), r[3]),
    )
    counselling = _by(
        store.execute(
            "SELECT patient_id, counselled_on, method_1, method_2, abstinence FROM contraception "
            f"WHERE archived = 0 AND patient_id IN ({patients}) ORDER BY counselled_on, id"
        ),
        lambda r: Contraception(day(r[0]), tuple(m for m in r[1:3] if m), bool(r[3])),
    )
    supplies = _by(
        store.execute(
            "WITH latest AS (SELECT course_id, MAX(number) AS number FROM cycles "
            f"WHERE archived = 0 AND course_id IN ({active}) GROUP BY course_id) "
            "SELECT p.course_id, c.number, p.authorization_number, p.authorized_on, "
            "p.days_supply, p.capsules, p.authorized_at FROM latest l "
            "JOIN cycles c ON c.course_id = l.course_id AND c.number = l.number "
            "JOIN prescriptions p ON p.cycle_id = c.id WHERE p.archived = 0 AND c.archived = 0"
        ),
        lambda r: Supply(r[0], r[1], day(r[2]), r[3] or 0, r[4] or 0, clock(r[5])),
    )
    facts = {}
    for course_id, patient_id, sex, category, reason, irregular in store.execute(
        "SELECT c.id, p.id, p.sex, p.rems_category, p.rems_category_reason, "
        "p.irregular_cycles FROM courses c JOIN patients p ON p.id = c.patient_id "
        "WHERE c.status = 'active' AND c.archived = 0"
    ):
        facts[course_id] = RemsFacts(
            category=category,
            sex=sex,
            reason=reason,
            irregular_cycles=bool(irregular),
            tests=tuple(tests.get(patient_id, ())),
            flags=tuple(reports.get(patient_id, ())),
            contraception=tuple(counselling.get(patient_id, ())),
            supplies=tuple(supplies.get(course_id, ())),
        )
    return facts
