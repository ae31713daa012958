"""The engine's pregnancy-prevention answer (``DayState.rems``) in words, as Today's tooltip
and the patient's status strip give it. Plain Python, without Qt."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.ui.common.dates import long_date, short_date

if TYPE_CHECKING:
    from datetime import date

    from tracker.domain.treatment.rems import RemsState
    from tracker.domain.treatment.rems_facts import PregnancyTest


def pregnancy_test_text(test: PregnancyTest, on: date) -> str:
    """'2 Mar negative (urine)'."""
    return f"{short_date(test.on, on)} {test.result} ({test.kind})"


def rems_detail(rems: RemsState | None) -> str:
    """Everything the engine says about the patient's pregnancy prevention today."""
    if rems is None:
        return ""
    lines = [f"REMS category: {rems.category_text}"]
    if rems.category_missing:
        lines.append("No course or cycle can start until the category is set (Edit patient).")
    if rems.stop is not None:
        lines.append(rems.stop)
    last = rems.last_test
    if last is not None:
        sensitivity = (
            f", {last.sensitivity_miu_ml:g} mIU/mL" if last.sensitivity_miu_ml is not None else ""
        )
        lines.append(
            f"Last pregnancy test {long_date(last.on)}: {last.result} ({last.kind}{sensitivity})"
        )
    if rems.next_test is not None:
        when = "overdue since" if rems.overdue else "due" if rems.test_due else "next"
        lines.append(f"Pregnancy test {when} {long_date(rems.next_test)} ({rems.why})")
    if rems.authorization is not None:
        lines.append(f"REMS authorization {rems.authorization}")
    elif rems.authorization_missing:
        lines.append("No REMS authorization is recorded for this cycle's prescription")
    if rems.testing:
        counselled = rems.contraception
        lines.append(
            f"Contraception: {counselled.text} (counselled {long_date(counselled.counselled_on)})"
            if counselled is not None
            else "No contraception counselling recorded"
        )
    return "\n".join(lines)
