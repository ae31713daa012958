"""The patient form's pregnancy-prevention fields: the Lenalidomide REMS category, the reason
for a female not of reproductive potential, and irregular menstrual cycles.

A female patient without a category cannot start a course or a cycle; the form says so in
red under the category, and names a category that does not fit the sex, before Save does.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QVBoxLayout, QWidget

from tracker.domain.rems_rules import FEMALE_CATEGORIES, rems_rules
from tracker.ui.forms.lab_fields import PROBLEM_STYLE

NOT_SET = "- not set -"
MISSING_FOR_FEMALE = (
    "Set the REMS category: a female patient cannot start a course or a cycle without one."
)


class RemsCategoryFields(QWidget):
    """Category, reason and irregular cycles; ``values()`` gives them as the storage
    operations take them."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        rules = rems_rules()
        self.category_combo = QComboBox(objectName="remsCategoryCombo")
        self.category_combo.addItem(NOT_SET, None)
        for key, category in rules.categories.items():
            self.category_combo.addItem(category.label, key)
        self.reason_combo = QComboBox(objectName="remsReasonCombo")
        self.irregular_check = QCheckBox(
            "Irregular menstrual cycles (pregnancy tests every 2 weeks)",
            objectName="irregularCyclesCheck",
        )
        self.prompt = QLabel(objectName="remsCategoryPrompt")
        self.prompt.setWordWrap(True)
        self.prompt.setStyleSheet(PROBLEM_STYLE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.category_combo, self.reason_combo, self.irregular_check, self.prompt):
            layout.addWidget(widget)
        self._sex: str | None = None
        # The form's "REMS category" label focuses the category itself.
        self.setFocusProxy(self.category_combo)
        self.category_combo.currentIndexChanged.connect(self._category_changed)
        self.reason_combo.currentIndexChanged.connect(self.changed)
        self.irregular_check.toggled.connect(self.changed)
        self._category_changed()

    # -- filling and reading ----------------------------------------------------------------
    def set_values(self, category: str | None, reason: str | None, irregular: bool) -> None:
        self.category_combo.setCurrentIndex(max(0, self.category_combo.findData(category)))
        self.reason_combo.setCurrentIndex(max(0, self.reason_combo.findData(reason)))
        self.irregular_check.setChecked(irregular)

    def category(self) -> str | None:
        return self.category_combo.currentData()

    def values(self) -> dict[str, object]:
        category = self.category()
        rules = rems_rules()
        needs_reason = category is not None and bool(rules.category(category).reasons)
        return {
            "rems_category": category,
            "rems_category_reason": self.reason_combo.currentData() if needs_reason else None,
            "irregular_cycles": rules.testing(category) and self.irregular_check.isChecked(),
        }

    def raw(self) -> tuple:
        return (
            self.category_combo.currentIndex(),
            self.reason_combo.currentIndex(),
            self.irregular_check.isChecked(),
        )

    # -- what is offered ----------------------------------------------------------------------
    def set_sex(self, sex: str | None) -> None:
        """The sex typed in the form: what the prompt checks the category against."""
        self._sex = sex
        self._show_prompt()

    def _category_changed(self) -> None:
        category = self.category()
        reasons = rems_rules().category(category).reasons if category else {}
        chosen = self.reason_combo.currentData()
        self.reason_combo.blockSignals(True)
        self.reason_combo.clear()
        if reasons:
            self.reason_combo.addItem("- why not of reproductive potential? -", None)
            for key, text in reasons.items():
                self.reason_combo.addItem(text, key)
            self.reason_combo.setCurrentIndex(max(0, self.reason_combo.findData(chosen)))
        self.reason_combo.blockSignals(False)
        self.reason_combo.setVisible(bool(reasons))
        self.irregular_check.setVisible(rems_rules().testing(category))
        self._show_prompt()
        self.changed.emit()

    def _show_prompt(self) -> None:
        self.prompt.setText(self.problem() or "")
        self.prompt.setVisible(bool(self.prompt.text()))

    def problem(self) -> str | None:
        """What Save or a course start would refuse about the category, for the sex typed."""
        category = self.category()
        if category is None:
            return MISSING_FOR_FEMALE if self._sex == "F" else None
        female = category in FEMALE_CATEGORIES
        if self._sex is not None and female != (self._sex == "F"):
            return (
                f"The REMS category {rems_rules().category(category).label.lower()!r} does not "
                "fit the sex recorded."
            )
        return None
