"""The US label's lenalidomide hold and resume rules, as advice for a clinician.

Advice never changes anything: it names an action, the dose level to resume at, and the
label wording it rests on, for the clinician to accept or not. Thresholds and wording come
from ``resources/advice/lenalidomide-label.toml``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tracker.domain.errors import DomainError
from tracker.domain.grading import NEUTROPENIA, THROMBOCYTOPENIA
from tracker.domain.label_rules import LabelRules, hold_thresholds, load_label_rules
from tracker.domain.regimen import DrugSchedule, Regimen, format_mg
from tracker.domain.toxicity_history import ToxicityHistory, history_from

__all__ = [
    "CONTINUE",
    "INTERRUPT",
    "KEEP_HOLDING",
    "RESUME",
    "Advice",
    "ToxicityHistory",
    "advise",
    "advise_other_toxicity",
    "history_from",
    "hold_thresholds",
]

INTERRUPT = "interrupt"
KEEP_HOLDING = "keep_holding"
RESUME = "resume"
CONTINUE = "continue"

_COUNT_NAMES = {NEUTROPENIA: "ANC", THROMBOCYTOPENIA: "platelets"}
_LOW_RULE = {NEUTROPENIA: "anc_low", THROMBOCYTOPENIA: "platelets_low"}
_MAX_GRADE = 5


@dataclass(frozen=True)
class Advice:
    """What the label suggests. ``level``/``dose_mg`` are set for RESUME only."""

    action: str
    reason: str
    rules: tuple[str, ...]
    source: str
    level: int | None = None
    dose_mg: float | None = None
    cbc_weekly: bool = False

    @property
    def text(self) -> str:
        """The reason followed by the label wording it rests on."""
        return f"{self.reason}\nUS label: {' '.join(self.rules)}"


def _number(value: float) -> str:
    """1.0 stays '1.0' (as the label writes the ANC threshold), 30.0 becomes '30'."""
    return f"{value:.1f}" if value < 10 and float(value).is_integer() else f"{value:g}"


def _count_text(event_type: str, count: float, rules: LabelRules) -> str:
    relation = "below" if rules.is_low(event_type, count) else "not below"
    threshold = _number(rules.hold_below(event_type))
    return f"{_COUNT_NAMES[event_type]} {_number(count)} x10^9/L, {relation} {threshold}"


def _check_count(count: float | None, name: str) -> float | None:
    if count is not None and (not math.isfinite(count) or count < 0):
        raise DomainError(f"{name} must be a count of 0 or more, not {count!r}")
    return count


def _dose_text(ladder: DrugSchedule, level: int) -> str:
    return f"{format_mg(ladder.dose_for_level(level))} mg"


@dataclass(frozen=True)
class _Plan:
    """Where a resume lands: the level, the label rules behind it, and how to say it."""

    level: int
    keys: tuple[str, ...]
    phrase: str


def _one_lower(ladder: DrugSchedule, current_level: int, *keys: str) -> _Plan:
    lower = ladder.next_lower_level(current_level)
    if lower == current_level:
        return _Plan(
            lower,
            (*keys, "lowest_dose"),
            f"{_dose_text(ladder, lower)} (the lowest dose level: the label goes no lower)",
        )
    return _Plan(lower, keys, f"{_dose_text(ladder, lower)} (one dose level lower)")


def _resume_plan(
    held_for: frozenset[str],
    history: ToxicityHistory,
    current_level: int,
    ladder: DrugSchedule,
) -> _Plan:
    """Where the label resumes once every count that caused the hold has recovered."""
    if history.earlier_drops:
        return _one_lower(ladder, current_level, "later_drop")
    if THROMBOCYTOPENIA in held_for:
        extra = ("anc_back_other",) if NEUTROPENIA in held_for else ()
        return _one_lower(ladder, current_level, "platelets_back", *extra)
    if history.other_toxicity:
        return _one_lower(ladder, current_level, "anc_back_other")
    # Back to the starting dose, but never above the dose in use before the hold: that
    # would undo a reduction the clinician made for another reason.
    start = history.starting_level
    if start is None or start < current_level:
        return _Plan(
            current_level,
            ("anc_back_only",),
            f"{_dose_text(ladder, current_level)} (the dose before the hold)",
        )
    return _Plan(start, ("anc_back_only",), f"{_dose_text(ladder, start)} (the starting dose)")


def _restart_grade(rules: LabelRules) -> str:
    """'grade 2 or less': when the label restarts after another toxicity."""
    return f"grade {rules.other_restart_at_or_below_grade} or less"


def _advice(action: str, reason: str, keys: tuple[str, ...], rules: LabelRules, **extra) -> Advice:
    wording = tuple(dict.fromkeys(rules.wording[key] for key in keys))
    return Advice(action, reason, wording, rules.source, **extra)


def _resume(reason: str, plan: _Plan, ladder: DrugSchedule, rules: LabelRules) -> Advice:
    return _advice(
        RESUME,
        reason,
        plan.keys,
        rules,
        level=plan.level,
        dose_mg=ladder.dose_for_level(plan.level),
    )


def advise(
    anc: float | None,
    platelets: float | None,
    *,
    history: ToxicityHistory,
    current_level: int,
    regimen: Regimen,
) -> Advice:
    """Advice for new counts in x10^9/L (None: not measured).

    ``current_level`` is the lenalidomide dose level in use (before any hold).
    """
    rules = load_label_rules()
    ladder = regimen.lenalidomide
    ladder.dose_for_level(current_level)
    counts = {
        NEUTROPENIA: _check_count(anc, "ANC"),
        THROMBOCYTOPENIA: _check_count(platelets, "platelets"),
    }
    low = frozenset(kind for kind, count in counts.items() if rules.is_low(kind, count))
    findings = "; ".join(
        _count_text(kind, count, rules) for kind, count in counts.items() if count is not None
    )
    findings = findings or "no count entered"
    low_keys = tuple(_LOW_RULE[kind] for kind in _COUNT_NAMES if kind in low)

    if not history.held:
        if not low:
            return _no_change(findings, history, rules)
        plan = _resume_plan(low, history, current_level, ladder)
        later = ("later_drop",) if history.earlier_drops else ()
        return _advice(
            INTERRUPT,
            f"Interrupt lenalidomide and check the CBC weekly: {findings}. Once recovered, "
            f"resume at {plan.phrase}.",
            (*low_keys, *later, *plan.keys),
            rules,
            cbc_weekly=True,
        )

    waiting_for = history.held_for | low
    unmeasured = [
        name for kind, name in _COUNT_NAMES.items() if kind in waiting_for and counts[kind] is None
    ]
    if low or unmeasured:
        plan = _resume_plan(waiting_for, history, current_level, ladder)
        missing = f"; {' and '.join(unmeasured)} not measured" if unmeasured else ""
        return _advice(
            KEEP_HOLDING,
            f"Keep lenalidomide on hold and check the CBC weekly: {findings}{missing}. "
            f"Once recovered, resume at {plan.phrase}.",
            (*low_keys, *plan.keys),
            rules,
            cbc_weekly=True,
        )
    if not waiting_for:
        return _hold_not_for_counts(findings, history, current_level, ladder, rules)

    plan = _resume_plan(waiting_for, history, current_level, ladder)
    if history.other_unresolved:
        return _advice(
            KEEP_HOLDING,
            f"Counts have recovered: {findings}. Another grade 3-4 toxicity is still "
            f"open: restart at {plan.phrase} once it is {_restart_grade(rules)}.",
            (*plan.keys, "other_toxicity"),
            rules,
        )
    return _resume(
        f"Counts have recovered: {findings}. Resume lenalidomide at {plan.phrase}.",
        plan,
        ladder,
        rules,
    )


def _no_change(findings: str, history: ToxicityHistory, rules: LabelRules) -> Advice:
    reason = f"No count below the label's hold thresholds: {findings}."
    keys: tuple[str, ...] = ("anc_low", "platelets_low")
    if history.other_unresolved:
        reason += " An open grade 3-4 toxicity is recorded: see the other-toxicity rule."
        keys = (*keys, "other_toxicity")
    return _advice(CONTINUE, reason, keys, rules)


def _hold_not_for_counts(
    findings: str,
    history: ToxicityHistory,
    current_level: int,
    ladder: DrugSchedule,
    rules: LabelRules,
) -> Advice:
    plan = _one_lower(ladder, current_level, "other_toxicity")
    if history.other_unresolved:
        return _advice(
            KEEP_HOLDING,
            f"The hold is for another grade 3-4 toxicity that is still open: restart at "
            f"{plan.phrase} once it is {_restart_grade(rules)}.",
            plan.keys,
            rules,
        )
    if history.other_toxicity:
        return _resume(
            f"The grade 3-4 toxicity behind the hold has resolved; {findings}. Restart "
            f"lenalidomide at {plan.phrase}.",
            plan,
            ladder,
            rules,
        )
    return _advice(
        CONTINUE,
        f"Counts are not below the hold thresholds: {findings}. The hold was not for low "
        "counts or a recorded grade 3-4 toxicity, so these rules do not say when to resume.",
        ("anc_low", "platelets_low"),
        rules,
    )


def advise_other_toxicity(
    grade: int,
    *,
    held: bool,
    current_level: int,
    regimen: Regimen,
    term: str = "the toxicity",
) -> Advice:
    """The label's rule for another toxicity judged related to lenalidomide: hold at grade
    3-4, restart one dose level lower once it is grade 2 or less."""
    if not 0 <= grade <= _MAX_GRADE:
        raise DomainError(f"a CTCAE grade is 0 to {_MAX_GRADE}, not {grade}")
    rules = load_label_rules()
    ladder = regimen.lenalidomide
    plan = _one_lower(ladder, current_level, "other_toxicity")
    subject = f"{term[:1].upper()}{term[1:]}"
    if grade >= rules.other_hold_from_grade:
        action, opening = (
            (KEEP_HOLDING, "Keep lenalidomide on hold")
            if held
            else (INTERRUPT, "Hold lenalidomide")
        )
        return _advice(
            action,
            f"{opening}: {term} is grade {grade}. Restart at {plan.phrase} once it is "
            f"{_restart_grade(rules)}.",
            plan.keys,
            rules,
        )
    if held and grade <= rules.other_restart_at_or_below_grade:
        return _resume(
            f"{subject} is now grade {grade}: restart lenalidomide at {plan.phrase}.",
            plan,
            ladder,
            rules,
        )
    if held:
        # Below the hold grade but not yet down to the restart grade (when the data file
        # leaves a gap between the two): the hold goes on.
        return _advice(
            KEEP_HOLDING,
            f"Keep lenalidomide on hold: {term} is grade {grade}. Restart at {plan.phrase} "
            f"once it is {_restart_grade(rules)}.",
            plan.keys,
            rules,
        )
    return _advice(
        CONTINUE,
        f"{subject} is grade {grade}, below the grade that calls for a hold.",
        ("other_toxicity",),
        rules,
    )
