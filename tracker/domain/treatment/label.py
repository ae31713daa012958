"""The US label's lenalidomide hold and resume rules (Table 1 and the other-toxicity rule),
applied to a course's history on one day.

How the record is read:
- A *drop* of a count is a result below its hold threshold whose previous result of that
  count in the course was not below it. Drops are counted per count over the whole course,
  so a first ANC drop stays "first" after any number of platelet drops, and the reverse.
  A count that dips again while the interruption it caused is still open is the same drop:
  nothing was resumed in between.
- An *episode* is what a resume answers: the open interruption and the drops and other
  grade 3-4 toxicities that overlap it; without an interruption, the counts below their
  thresholds now, or an open other toxicity.
- Where a drop or another toxicity has passed with no interruption and no dose decision
  recorded since, the label's resume dose still applies: the advice names it.

Advice is decision support: it names an action, the dose to resume at, the label's words
and the counts and dates it rests on. It never changes anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.domain.grading import NEUTROPENIA, THROMBOCYTOPENIA
from tracker.domain.label_rules import LabelRules, load_label_rules
from tracker.domain.regimen import LENALIDOMIDE, DrugSchedule, format_mg
from tracker.domain.treatment.drops import (
    Drop,
    find_drops,
    number_text,
    other_toxicities,
    reading_text,
)
from tracker.domain.treatment.history import COUNT_TYPES, CourseHistory, Interruption, ToxicityEvent

CONTINUE = "continue"
HOLD = "hold"
KEEP_HOLDING = "keep-holding"
RESUME = "resume"
DELAY_CYCLE = "delay-cycle"
STOP = "stop"
ACTIONS = (CONTINUE, HOLD, KEEP_HOLDING, RESUME, DELAY_CYCLE, STOP)
# Actions under which no lenalidomide should be given until a clinician decides.
WITHHOLDING = frozenset({HOLD, KEEP_HOLDING, DELAY_CYCLE, STOP})

_LOW_KEY = {NEUTROPENIA: "anc_low", THROMBOCYTOPENIA: "platelets_low"}
_LATER_KEY = {NEUTROPENIA: "anc_later", THROMBOCYTOPENIA: "platelets_later"}


@dataclass(frozen=True)
class Advice:
    """What the label suggests on a day.

    ``resume_level``/``resume_mg``: for ``resume`` the dose to give now; for ``hold``,
    ``keep-holding`` and ``delay-cycle`` the dose to resume at once the counts recover.
    ``rules`` are the label's words applied, ``basis`` the counts, events and dates used.
    """

    action: str
    reason: str
    rules: tuple[str, ...] = ()
    basis: tuple[str, ...] = ()
    source: str = ""
    resume_level: int | None = None
    resume_mg: float | None = None
    cbc_weekly: bool = False

    @property
    def text(self) -> str:
        """The reason followed by the label wording it rests on."""
        if not self.rules:
            return self.reason
        return f"{self.reason}\nUS label: {' '.join(self.rules)}"

    @property
    def withholds(self) -> bool:
        """True when the advice is not to give lenalidomide until a clinician decides."""
        return self.action in WITHHOLDING

    def as_json(self) -> dict:
        return {
            "action": self.action,
            "resume_mg": self.resume_mg,
            "reason": self.reason,
            "rules": list(self.rules),
            "basis": list(self.basis),
        }


@dataclass(frozen=True)
class _Plan:
    """Where a resume lands: the level, the label wording behind it, and how to say it."""

    level: int
    keys: tuple[str, ...]
    phrase: str


# -- where a resume lands ------------------------------------------------------------------


def _dose_text(ladder: DrugSchedule, level: int) -> str:
    return f"{format_mg(ladder.dose_for_level(level))} mg"


def _one_lower(ladder: DrugSchedule, base_level: int, *keys: str) -> _Plan:
    lower = ladder.next_lower_level(base_level)
    if lower == base_level:
        return _Plan(
            lower,
            (*keys, "lowest_dose"),
            f"{_dose_text(ladder, lower)} (the lowest dose: the label goes no lower)",
        )
    return _Plan(lower, keys, f"{_dose_text(ladder, lower)} (the next lower dose)")


def resume_plan(
    history: CourseHistory,
    drops: list[Drop],
    others: list[ToxicityEvent],
    base_level: int,
) -> _Plan:
    """The label's resume dose for an episode of ``drops`` and ``others``, from the level in
    force before it (``base_level``). Several rules at once: the lowest dose wins."""
    ladder = history.regimen.lenalidomide
    plans: list[_Plan] = []
    types = {drop.count_type for drop in drops}
    for drop in drops:
        if drop.ordinal > 1:
            plans.append(_one_lower(ladder, base_level, _LATER_KEY[drop.count_type]))
        elif drop.count_type == THROMBOCYTOPENIA:
            plans.append(_one_lower(ladder, base_level, "platelets_back"))
        elif THROMBOCYTOPENIA in types or others:
            plans.append(_one_lower(ladder, base_level, "anc_back_other"))
        else:
            start = history.len_start_level
            phrase = f"{_dose_text(ladder, start)} (the initial starting dose)"
            if start != base_level:
                phrase += f"; {_dose_text(ladder, base_level)} was in use before"
            plans.append(_Plan(start, ("anc_back_only",), phrase))
    if others:
        plans.append(_one_lower(ladder, base_level, "other_toxicity"))
    if not plans:
        return _Plan(base_level, (), f"{_dose_text(ladder, base_level)} (the dose before)")
    lowest = max(plans, key=lambda plan: plan.level)
    keys = tuple(dict.fromkeys(key for plan in plans for key in plan.keys))
    return _Plan(lowest.level, keys, lowest.phrase)


# -- the advice of a day -----------------------------------------------------------------


def _advice(
    action: str,
    reason: str,
    keys: tuple[str, ...],
    basis: tuple[str, ...],
    history: CourseHistory,
    rules: LabelRules,
    *,
    plan: _Plan | None = None,
    cbc_weekly: bool = False,
) -> Advice:
    wording = tuple(dict.fromkeys(rules.wording[key] for key in keys))
    level = None if plan is None else plan.level
    mg = None if level is None else history.regimen.lenalidomide.dose_for_level(level)
    return Advice(action, reason, wording, basis, rules.source, level, mg, cbc_weekly)


def _drop_basis(drops: list[Drop], history: CourseHistory, day: date) -> tuple[str, ...]:
    basis = []
    for drop in drops:
        order = "first" if drop.ordinal == 1 else f"drop {drop.ordinal}"
        basis.append(
            f"{drop.name} below threshold since {drop.start.isoformat()} ({order} {drop.name} "
            f"drop of the course, lowest {number_text(drop.lowest)})"
        )
        latest = history.latest(drop.count_type, day)
        if latest is not None and latest.on != drop.start:
            basis.append(f"latest {reading_text(latest)}")
    return tuple(basis)


def _event_basis(events: list[ToxicityEvent]) -> tuple[str, ...]:
    return tuple(
        f"{event.name} grade {event.grade} from {event.onset.isoformat()}"
        + (f", resolved {event.resolved.isoformat()}" if event.resolved else ", open")
        for event in events
    )


def _low_phrase(drops: list[Drop], history: CourseHistory, day: date, rules: LabelRules) -> str:
    parts = []
    for drop in drops:
        latest = history.latest(drop.count_type, day)
        if latest is not None:
            threshold = number_text(rules.hold_below(drop.count_type))
            parts.append(f"{reading_text(latest)} (below {threshold})")
    return "; ".join(parts)


def label_advice(history: CourseHistory, day: date, drops: list[Drop] | None = None) -> Advice:
    """The label's advice on ``day`` from everything recorded up to it (``drops``:
    ``find_drops(history, day)`` when the caller has them already)."""
    rules = load_label_rules()
    if drops is None:
        drops = find_drops(history, day, rules)
    others = other_toxicities(history, day, rules)
    interruption = history.interruption_on(day)
    if interruption is not None:
        return _while_interrupted(history, day, interruption, drops, others, rules)
    return _while_given(history, day, drops, others, rules)


def _while_interrupted(
    history: CourseHistory,
    day: date,
    interruption: Interruption,
    drops: list[Drop],
    others: list[ToxicityEvent],
    rules: LabelRules,
) -> Advice:
    base = history.level_on(LENALIDOMIDE, interruption.start)
    # The count that led to the hold may be a day or two older than the hold itself.
    episode_drops = [drop for drop in drops if drop.overlaps(interruption.start, day)]
    episode_others = [
        event
        for event in others
        if event.resolved is None or event.resolved >= interruption.start
    ]
    plan = resume_plan(history, episode_drops, episode_others, base)
    since = f"Lenalidomide interrupted since {interruption.start.isoformat()}"
    if interruption.reason:
        since += f" ({interruption.reason})"
    basis = (
        f"{since}; {_dose_text(history.regimen.lenalidomide, base)} before",
        *_drop_basis(episode_drops, history, day),
        *_event_basis(episode_others),
    )
    still_low = [drop for drop in episode_drops if drop.recovered_on is None]
    still_open = [event for event in episode_others if event.open_on(day)]
    low_keys = tuple(_LOW_KEY[drop.count_type] for drop in still_low)
    if still_low:
        return _advice(
            KEEP_HOLDING,
            f"{since}. Keep holding and check the CBC weekly: "
            f"{_low_phrase(still_low, history, day, rules)}. Once recovered, resume at "
            f"{plan.phrase}.",
            (*low_keys, *plan.keys),
            basis,
            history,
            rules,
            plan=plan,
            cbc_weekly=True,
        )
    if still_open:
        names = ", ".join(f"{event.name} grade {event.grade}" for event in still_open)
        return _advice(
            KEEP_HOLDING,
            f"{since}. Keep holding: {names} is still open. Restart at {plan.phrase} once it "
            f"is grade {rules.other_restart_at_or_below_grade} or less.",
            plan.keys,
            basis,
            history,
            rules,
            plan=plan,
        )
    if not episode_drops and not episode_others:
        return _advice(
            KEEP_HOLDING,
            f"{since}. No count below the label's thresholds and no grade 3-4 toxicity is "
            "behind this interruption: the label's rules do not say when to resume. Resume on "
            f"the clinician's order, at {plan.phrase}.",
            ("anc_low", "platelets_low"),
            basis,
            history,
            rules,
            plan=plan,
        )
    recovered = [
        reading_text(latest)
        for drop in episode_drops
        if (latest := history.latest(drop.count_type, day)) is not None
    ]
    what = "Counts have recovered: " + "; ".join(recovered) if recovered else ""
    if episode_others:
        resolved = ", ".join(f"{event.name} resolved" for event in episode_others)
        what = f"{what}; {resolved}" if what else resolved.capitalize()
    return _advice(
        RESUME,
        f"{since}. {what}. Resume lenalidomide at {plan.phrase}.",
        plan.keys,
        basis,
        history,
        rules,
        plan=plan,
    )


def _while_given(
    history: CourseHistory,
    day: date,
    drops: list[Drop],
    others: list[ToxicityEvent],
    rules: LabelRules,
) -> Advice:
    level = history.level_on(LENALIDOMIDE, day)
    low_now = [drop for drop in drops if drop.recovered_on is None]
    open_now = [event for event in others if event.open_on(day)]
    if low_now or open_now:
        plan = resume_plan(history, low_now, open_now, level)
        keys = tuple(_LOW_KEY[drop.count_type] for drop in low_now)
        if open_now:
            keys += ("other_toxicity",)
        findings = [_low_phrase(low_now, history, day, rules)] if low_now else []
        findings += [f"{event.name} grade {event.grade} is open" for event in open_now]
        return _advice(
            HOLD,
            f"Interrupt lenalidomide{' and check the CBC weekly' if low_now else ''}: "
            f"{'; '.join(findings)}. Once "
            f"{'recovered' if low_now else f'grade {rules.other_restart_at_or_below_grade} or less'}"
            f", resume at {plan.phrase}.",
            (*keys, *plan.keys),
            (*_drop_basis(low_now, history, day), *_event_basis(open_now)),
            history,
            rules,
            plan=plan,
            cbc_weekly=bool(low_now),
        )
    pending = _pending_reduction(history, day, drops, others, level)
    if pending is not None:
        return pending
    basis = tuple(
        reading_text(reading)
        for count_type in COUNT_TYPES
        if (reading := history.latest(count_type, day)) is not None
        and reading.on >= history.start
    )
    if basis:
        reason = "No count below the label's hold thresholds: " + "; ".join(basis) + "."
    else:
        reason = "No blood count recorded in this course yet: the label's rules need one."
    return _advice(CONTINUE, reason, (), basis, history, rules)


def _decided_since(history: CourseHistory, since: date, day: date) -> bool:
    """A lenalidomide dose decision (level change or interruption) recorded in the span."""
    return any(
        change.drug == LENALIDOMIDE and since <= change.effective <= day
        for change in history.level_changes
    ) or any(
        i.drug == LENALIDOMIDE and i.start <= day and (i.end is None or i.end >= since)
        for i in history.interruptions
    )


def _pending_reduction(
    history: CourseHistory,
    day: date,
    drops: list[Drop],
    others: list[ToxicityEvent],
    level: int,
) -> Advice | None:
    """A drop or toxicity that passed with no interruption and no dose decision since: the
    label's resume dose still applies once it has recovered."""
    rules = load_label_rules()
    undecided_drops = [d for d in drops if not _decided_since(history, d.start, day)]
    undecided_others = [e for e in others if not _decided_since(history, e.onset, day)]
    if not undecided_drops and not undecided_others:
        return None
    since = min(
        [d.start for d in undecided_drops] + [e.onset for e in undecided_others]
    )
    base = history.level_on(LENALIDOMIDE, since)
    plan = resume_plan(history, undecided_drops, undecided_others, base)
    if plan.level <= level:
        return None
    return _advice(
        RESUME,
        "A drop below the hold thresholds or a grade 3-4 toxicity has passed with no "
        f"interruption or dose change recorded. The label resumes at {plan.phrase}.",
        plan.keys,
        (*_drop_basis(undecided_drops, history, day), *_event_basis(undecided_others)),
        history,
        rules,
        plan=plan,
    )
