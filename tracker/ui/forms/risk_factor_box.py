"""The IMWG VTE risk factors as tick boxes (``domain.prophylaxis``), two columns."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QGroupBox, QWidget

from tracker.domain.prophylaxis import prophylaxis_rules


class RiskFactorBox(QGroupBox):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("VTE risk factors (IMWG)", parent)
        self.setObjectName("riskFactorBox")
        self.checks: dict[str, QCheckBox] = {}
        layout = QGridLayout(self)
        for index, (key, label) in enumerate(prophylaxis_rules().risk_factors.items()):
            check = QCheckBox(label, objectName=f"risk_{key}")
            check.toggled.connect(self.changed)
            layout.addWidget(check, index // 2, index % 2)
            self.checks[key] = check

    def chosen(self) -> tuple[str, ...]:
        return tuple(key for key, check in self.checks.items() if check.isChecked())
