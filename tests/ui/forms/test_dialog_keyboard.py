"""Forms work from the keyboard: they open on their first field, Tab walks the fields top
to bottom and reaches Save and Cancel last, and no two controls share an Alt shortcut."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QTabBar,
    QWidget,
)

from tests.ui.conftest import activate
from tests.ui.patient_fixtures import make_view, seed_course


def tab_chain(dialog: QWidget) -> list[QWidget]:
    """The widgets Tab visits, from the one with focus round to it again."""
    start = dialog.focusWidget()
    assert start is not None, f"{dialog.objectName()} opened with nothing focused"
    chain, widget = [], start
    while True:
        inner = isinstance(widget, QLineEdit) and isinstance(
            widget.parent(), (QAbstractSpinBox, QComboBox)
        )
        takes_tab = bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
        if takes_tab and widget.isVisible() and widget.isEnabled() and not inner:
            chain.append(widget)
        widget = widget.nextInFocusChain()
        if widget is start or len(chain) > 50:
            return chain


def row_of(widget: QWidget) -> int:
    return widget.mapTo(widget.window(), widget.rect().topLeft()).y()


DIALOGS = {
    "start_course": "startDateEdit",
    "start_next_cycle": "cycleStartEdit",
    "reduce_dose": "drugCombo",
    "record_labs": "labDateEdit",
    "log_event": "eventTypeCombo",
    "record_response": "assessedOnEdit",
    "end_course": "endDateEdit",
}


@pytest.mark.parametrize("opener", DIALOGS)
def test_forms_open_on_their_first_field_and_end_with_save_and_cancel(
    qtbot, store, context, opener
):
    # Cycle 2 is due and no counts are recorded: every form shows all its rows, the
    # override reason of the start check included.
    seeded = seed_course(store, days_ago=31)
    view = make_view(qtbot, context, seeded.patient_id)
    if opener == "start_course":
        from tracker.ui.forms.start_course_dialog import StartCourseDialog

        patient = view.patient
        dialog = StartCourseDialog(context, patient, parent=view)
        view._open(dialog)
    else:
        dialog = getattr(view, opener)()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.focusWidget() is not None)

    chain = tab_chain(dialog)
    assert chain[0].objectName() == DIALOGS[opener]
    box = dialog.findChild(QDialogButtonBox)
    buttons = [button for button in box.buttons() if button.isEnabled()]  # Save may be off
    assert set(chain[-len(buttons) :]) == set(buttons)
    fields = chain[: -len(buttons)]
    assert [row_of(widget) for widget in fields] == sorted(row_of(widget) for widget in fields)
    dialog.reject()


def mnemonic(text: str) -> str | None:
    found = re.search(r"&([^&])", text.replace("&&", ""))
    return found.group(1).lower() if found else None


def has_alt_key(widget: QWidget) -> bool:
    """Push buttons, check boxes and buddied labels answer Alt; tool buttons drop the '&'."""
    if isinstance(widget, QAbstractButton):
        return not widget.inherits("QToolButton")
    return isinstance(widget, QLabel) and widget.buddy() is not None


def alt_keys(window: QWidget) -> list[str]:
    """The Alt+letter of every control on screen in ``window``, menu titles included."""
    keys = [mnemonic(action.text()) for action in window.menuBar().actions()]
    for widget in window.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QTabBar):
            keys += [mnemonic(widget.tabText(index)) for index in range(widget.count())]
        elif has_alt_key(widget):
            keys.append(mnemonic(widget.text()))
    return sorted(key for key in keys if key)


def repeated(keys: list[str]) -> list[str]:
    return sorted({key for key in keys if keys.count(key) > 1})


def test_no_two_controls_on_a_screen_share_an_alt_key(qtbot, window, store):
    seeded = seed_course(store, days_ago=31)
    activate(qtbot, window)
    for screen in (window.show_today, window.show_patients, window.show_cohort):
        screen()
        assert repeated(alt_keys(window)) == [], screen.__name__
    window.open_patient(seeded.patient_id)
    for tab in range(window.patient_view.tabs.count()):
        window.patient_view.tabs.setCurrentIndex(tab)
        assert repeated(alt_keys(window)) == [], window.patient_view.tabs.tabText(tab)


def test_tab_leaves_a_date_field_instead_of_typing_into_its_month(qtbot, store, context):
    seeded = seed_course(store, days_ago=31)  # cycle 2 was due 3 days ago: a reason is needed
    view = make_view(qtbot, context, seeded.patient_id)
    activate(qtbot, view)
    dialog = view.start_next_cycle()
    qtbot.waitUntil(lambda: dialog.start_edit.hasFocus())
    started = dialog.start_edit.date()

    qtbot.keyClick(dialog.start_edit, Qt.Key.Key_Tab)
    assert dialog.reason_edit.hasFocus()
    qtbot.keyClicks(dialog.reason_edit, "holiday 2 weeks")
    assert dialog.start_edit.date() == started
    assert dialog.reason_edit.text() == "holiday 2 weeks"
    dialog.reject()
