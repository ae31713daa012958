"""Pregnancy prevention (Lenalidomide REMS) for one patient: what the engine says today (the
category, the last test and the next one due, what stands) and a page for each record: a
pregnancy test, contraception counselling, a missed period or abnormal bleeding, a
clinician clearing a finding, and the authorization of a cycle started without one."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QStackedWidget, QWidget

from tracker.domain.rems_rules import category_text
from tracker.domain.treatment.rems import rems_state
from tracker.domain.treatment.rems_start import cycle_capsules
from tracker.storage import queries
from tracker.storage.operations import rems as rems_operations
from tracker.storage.rems_reads import menstrual_reports_of, pregnancy_tests_of, prescriptions_of
from tracker.storage.rems_reads import rems_facts as read_rems_facts
from tracker.ui.common.dates import long_date
from tracker.ui.common.rems_text import rems_detail
from tracker.ui.forms.prescription_box import PrescriptionBox
from tracker.ui.forms.record_dialog import InputProblem, RecordDialog
from tracker.ui.forms.rems_pages import (
    ClearPage,
    ContraceptionPage,
    MenstrualPage,
    Page,
    PregnancyTestPage,
    Write,
)

if TYPE_CHECKING:
    from tracker.domain.treatment.rems import RemsState
    from tracker.storage.database import Store
    from tracker.storage.records import Patient
    from tracker.ui.common.context import AppContext

TEST, CONTRACEPTION, MENSTRUAL, CLEAR, AUTHORIZATION = (
    "test",
    "contraception",
    "menstrual",
    "clear",
    "authorization",
)


class AuthorizationPage(Page):
    """The prescription of a cycle started before its authorization was recorded."""

    def __init__(
        self, course_id: int, cycle: int, day: date, capsules: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.course_id, self.cycle = course_id, cycle
        self.box = PrescriptionBox(day, capsules)
        self.box.needs_label.setText(
            f"Cycle {cycle} started without its REMS authorization recorded: record it here."
        )
        self.form.addRow(self.box)

    def write(self) -> Write:
        prescription = self.box.prescription()
        if prescription is None:
            raise InputProblem("Type the REMS authorization number")
        return Write(
            rems_operations.record_prescription, (self.course_id, self.cycle, prescription), {}
        )


class PregnancyPreventionDialog(RecordDialog):
    """One form, one page per record; Save writes the page shown."""

    def __init__(
        self, context: AppContext, patient: Patient, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, "Pregnancy prevention (REMS)", parent)
        self.setObjectName("pregnancyPreventionDialog")
        self.setMinimumWidth(560)
        self.patient = patient
        store, today = context.store, self.today()
        self.state = self._state(patient)
        self.set_intro(self._intro())
        self.what_combo = QComboBox(objectName="remsRecordCombo")
        self.pages = QStackedWidget(objectName="remsPages")
        self._add(TEST, "Pregnancy test", PregnancyTestPage(patient.id, today))
        self._add(CONTRACEPTION, "Contraception counselling", ContraceptionPage(patient.id, today))
        self._add(MENSTRUAL, "Missed period or abnormal bleeding", MenstrualPage(patient.id, today))
        findings = self._standing(store)
        if findings:
            self._add(CLEAR, "Clear a finding (clinician)", ClearPage(findings, today))
        missing = self._cycle_without_authorization()
        if missing is not None:
            self._add(AUTHORIZATION, f"Authorization of cycle {missing[1]}", missing[0])
        self.form.addRow("Rec&ord", self.what_combo)
        self.form.addRow(self.pages)
        self.what_combo.currentIndexChanged.connect(self._show_page)

    # -- what the engine says ------------------------------------------------------------------
    def _state(self, patient: Patient) -> RemsState:
        store = self.context.store
        course = queries.current_course(store, patient.id)
        if course is not None and course.is_active:
            state = queries.course_state(store, course, self.today()).rems
            if state is not None:
                return state
        return rems_state(read_rems_facts(store, patient), self.today())

    def _intro(self) -> str:
        patient = self.patient
        category = category_text(patient.rems_category, patient.rems_category_reason)
        lines = [f"{patient.name} ({patient.mrn}): {category}"]
        lines += rems_detail(self.state).splitlines()[1:]
        return "\n".join(lines)

    def _standing(self, store: Store) -> list[tuple[str, str, int]]:
        findings = [
            (f"Positive {test.kind} test of {long_date(test.date)}", "test", test.id)
            for test in pregnancy_tests_of(store, self.patient.id)
            if test.result == "positive" and test.cleared_on is None
        ]
        findings += [
            (f"{report.kind.capitalize()} reported {long_date(report.reported_on)}", "report",
             report.id)
            for report in menstrual_reports_of(store, self.patient.id)
            if report.cleared_on is None
        ]  # fmt: skip
        return findings

    def _cycle_without_authorization(self) -> tuple[AuthorizationPage, int] | None:
        store = self.context.store
        course = queries.current_course(store, self.patient.id)
        if course is None or not course.is_active:
            return None
        cycles = queries.cycles_of(store, course.id)
        recorded = {prescription.cycle for prescription in prescriptions_of(store, course.id)}
        if not cycles or cycles[-1].number in recorded:
            return None
        last = cycles[-1]
        capsules = cycle_capsules(queries.regimen_of(course), last.number, course.len_every_days)
        page = AuthorizationPage(course.id, last.number, last.actual_start, capsules)
        return page, last.number

    # -- the pages ------------------------------------------------------------------------------
    def _add(self, key: str, title: str, page: Page) -> None:
        self.what_combo.addItem(title, key)
        self.pages.addWidget(page)

    def _show_page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self.fit_to_contents()

    def show_record(self, key: str) -> Page:
        """Turn to the page of ``key`` (``TEST``, ``CONTRACEPTION``, ...)."""
        self.what_combo.setCurrentIndex(self.what_combo.findData(key))
        return self.current_page()

    def current_page(self) -> Page:
        page = self.pages.currentWidget()
        assert isinstance(page, Page)
        return page

    def submit(self) -> bool:
        write = self.current_page().write()
        return self.run(write.operation, *write.args, **write.kwargs) is not None
