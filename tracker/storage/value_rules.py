"""What a stored value may be: one rule per constrained column, written once and used three
ways: as the SQL of the triggers that refuse a bad value on every write (``guards``), as the
SQL ``tracker verify`` selects breaking rows with, and as the Python test a reader applies
before it builds a record (``records``).

Why triggers rather than CHECK constraints in the table definitions: SQLite can add a CHECK
only by rebuilding a table, and a rebuilt table holding a row that breaks its CHECK (an older
file's) makes ``PRAGMA quick_check`` and ``integrity_check`` report the file as corrupt. The
database is checked that way when it is opened and before every backup, so one old bad value
would lock a clinic out of its file and its backups. The triggers refuse every new bad value,
from the program or from any other SQLite client, while rows that already broke a rule stay
as they were, readable and reported by ``tracker verify`` until someone corrects them.

Dates are tested with ``date(x, '+0 days') IS x``: SQLite's plain ``date(x)`` gives back
'1950-02-31' unchanged (it checks the day against 31 only), while a modifier makes it work
the day out, so only a real calendar day written as YYYY-MM-DD equals itself.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import Any, Literal

from tracker.domain.rems_rules import CATEGORIES as REMS_CATEGORIES
from tracker.domain.treatment.rems_facts import FLAG_KINDS, RESULTS, TEST_KINDS

Kind = Literal["date", "choice", "whole", "amount", "flag"]

# The values the operations write (tests/storage/test_value_rules.py holds them to it).
SEXES = ("F", "M")
CREATININE_UNITS = ("mg/dL", "umol/L")
COUNT_UNITS = ("10^9/L", "/mm3")
DRUGS = ("lenalidomide", "dexamethasone")
THROMBOPROPHYLAXIS = ("aspirin", "LMWH", "warfarin", "DOAC", "none")
COURSE_STATUSES = ("active", "ended")
END_REASONS = ("progression", "toxicity", "death", "other")
CYCLE_STATUSES = ("active", "completed")
# 'held' records are an older file's, archived when they became interruptions.
DOSE_STATUSES = ("taken", "missed", "held")
EVENT_TYPES = ("neutropenia", "thrombocytopenia", "vte", "other")
EVENT_ACTIONS = ("none", "held", "reduced", "discontinued")
RESPONSES = ("sCR", "CR", "VGPR", "PR", "MR", "SD", "PD")
GRADES = (1, 5)

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class ValueRule:
    """``table.column`` holds NULL (unless ``required``) or a value of ``kind``."""

    table: str
    column: str
    kind: Kind
    choices: tuple[Any, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    above_zero: bool = False
    required: bool = False

    def sql(self, value: str | None = None) -> str:
        """An SQL condition true when ``value`` (default: the column) is acceptable."""
        name = value or f"[{self.column}]"
        if self.kind == "date":
            test = f"typeof({name}) = 'text' AND date({name}, '+0 days') IS {name}"
        # Alternatives are ORed, not listed with IN: in a trigger, SQLite builds a temporary
        # index for an IN list on every row, which made inserting a demo cohort a third slower.
        elif self.kind == "choice":
            test = _any_of(name, self.choices)
        elif self.kind == "flag":
            test = f"typeof({name}) = 'integer' AND {_any_of(name, (0, 1))}"
        elif self.kind == "whole":
            test = f"typeof({name}) = 'integer'" + self._bounds(name)
        else:
            # 9e999 is infinity to SQLite: a finite amount is below it.
            test = (
                f"{_any_of(f'typeof({name})', ('integer', 'real'))} AND {name} < 9e999"
                + self._bounds(name)
            )
        return f"({test})" if self.required else f"({name} IS NULL OR ({test}))"

    def _bounds(self, name: str) -> str:
        low = "> 0" if self.above_zero else None if self.minimum is None else f">= {self.minimum:g}"
        parts = [f" AND {name} {low}"] if low else []
        if self.maximum is not None:
            parts.append(f" AND {name} <= {self.maximum:g}")
        return "".join(parts)

    def __post_init__(self) -> None:
        # Readers test every value they build a record from (hundreds of thousands for
        # Today), so each rule gets its test made once for its kind.
        object.__setattr__(self, "_test", self._make_test())

    def accepts(self, value: Any) -> bool:
        """The Python twin of ``sql``: whether a value read from the column is acceptable."""
        if value is None:
            return not self.required
        return self._test(value)

    def _make_test(self) -> Callable[[Any], bool]:
        if self.kind == "date":
            return lambda value: isinstance(value, str) and _is_calendar_day(value)
        if self.kind == "choice":
            kind, choices = type(self.choices[0]), frozenset(self.choices)
            return lambda value: type(value) is kind and value in choices
        if self.kind == "flag":
            return lambda value: type(value) is int and (value == 0 or value == 1)
        if self.kind == "whole":
            return lambda value: type(value) is int and self._within(value)
        finite = math.isfinite
        return lambda value: (
            (type(value) is float or type(value) is int) and finite(value) and self._within(value)
        )

    def _within(self, value: float) -> bool:
        if self.above_zero and not value > 0:
            return False
        if self.minimum is not None and value < self.minimum:
            return False
        return self.maximum is None or value <= self.maximum

    def wanted(self) -> str:
        """What the column should hold, in words, for messages."""
        if self.kind == "date":
            return "a real date written YYYY-MM-DD"
        if self.kind == "choice":
            return "one of " + ", ".join(repr(choice) for choice in self.choices)
        if self.kind == "flag":
            return "0 or 1"
        whole = "a whole number" if self.kind == "whole" else "a number"
        if self.maximum is not None and self.minimum is not None:
            return f"{whole} from {self.minimum:g} to {self.maximum:g}"
        if self.above_zero:
            return f"{whole} above 0"
        return f"{whole} of {self.minimum:g} or more" if self.minimum is not None else whole

    def problem(self, value: Any) -> str:
        """``column 'value' is not …``: the complaint about a value that breaks the rule."""
        return f"{self.column} {value!r} is not {self.wanted()}"


def _sql_literal(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else str(value)


def _any_of(name: str, choices: tuple[Any, ...]) -> str:
    return "(" + " OR ".join(f"{name} = {_sql_literal(choice)}" for choice in choices) + ")"


@lru_cache(maxsize=65_536)  # a clinic's records fall on a few thousand days
def _is_calendar_day(text: str) -> bool:
    if not _ISO_DAY.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _dates(table: str, *columns: str) -> list[ValueRule]:
    return [ValueRule(table, column, "date") for column in columns]


def _choice(table: str, column: str, choices: tuple[Any, ...]) -> ValueRule:
    return ValueRule(table, column, "choice", choices=choices)


def _level(table: str, column: str) -> ValueRule:
    # The regimen's ladder says how low a level goes; no level is below the starting one.
    return ValueRule(table, column, "whole", minimum=0)


def _bookkeeping(table: str) -> list[ValueRule]:
    return [
        ValueRule(table, "archived", "flag", required=True),
        ValueRule(table, "version", "whole", minimum=1, required=True),
    ]


def _amount(table: str, column: str, *, zero_allowed: bool) -> ValueRule:
    if zero_allowed:
        return ValueRule(table, column, "amount", minimum=0)
    return ValueRule(table, column, "amount", above_zero=True)


RULES: tuple[ValueRule, ...] = (
    *_dates("patients", "date_of_birth", "date_of_death"),
    _choice("patients", "sex", SEXES),
    _amount("patients", "weight_kg", zero_allowed=False),
    _amount("patients", "creatinine", zero_allowed=False),
    _choice("patients", "creatinine_unit", CREATININE_UNITS),
    ValueRule("patients", "on_dialysis", "flag"),
    _choice("patients", "rems_category", REMS_CATEGORIES),
    ValueRule("patients", "irregular_cycles", "flag", required=True),
    *_bookkeeping("patients"),
    *_dates("courses", "start_date", "end_date"),
    _level("courses", "len_start_level"),
    _level("courses", "dex_start_level"),
    ValueRule("courses", "len_every_days", "whole", minimum=1, maximum=2),
    _choice("courses", "thromboprophylaxis", THROMBOPROPHYLAXIS),
    _choice("courses", "status", COURSE_STATUSES),
    _choice("courses", "end_reason", END_REASONS),
    *_bookkeeping("courses"),
    ValueRule("cycles", "number", "whole", minimum=1),
    *_dates("cycles", "planned_start", "actual_start"),
    _level("cycles", "len_level"),
    _level("cycles", "dex_level"),
    _choice("cycles", "status", CYCLE_STATUSES),
    *_bookkeeping("cycles"),
    *_dates("level_changes", "effective_date"),
    _choice("level_changes", "drug", DRUGS),
    _level("level_changes", "level"),
    *_bookkeeping("level_changes"),
    _choice("interruptions", "drug", DRUGS),
    *_dates("interruptions", "start_date", "end_date"),
    _level("interruptions", "resume_level"),
    *_bookkeeping("interruptions"),
    *_dates("dose_records", "date"),
    _choice("dose_records", "drug", DRUGS),
    _choice("dose_records", "status", DOSE_STATUSES),
    _amount("dose_records", "dose_mg", zero_allowed=False),
    *_bookkeeping("dose_records"),
    *_dates("labs", "date"),
    _amount("labs", "anc", zero_allowed=True),
    _choice("labs", "anc_unit", COUNT_UNITS),
    _amount("labs", "platelets", zero_allowed=True),
    _choice("labs", "platelets_unit", COUNT_UNITS),
    _amount("labs", "creatinine", zero_allowed=False),
    _choice("labs", "creatinine_unit", CREATININE_UNITS),
    *_bookkeeping("labs"),
    _choice("adverse_events", "event_type", EVENT_TYPES),
    ValueRule("adverse_events", "grade", "whole", minimum=GRADES[0], maximum=GRADES[1]),
    *_dates("adverse_events", "onset_date", "resolution_date"),
    _choice("adverse_events", "action", EVENT_ACTIONS),
    *_bookkeeping("adverse_events"),
    *_dates("responses", "assessed_on", "progression_date"),
    _choice("responses", "response", RESPONSES),
    *_bookkeeping("responses"),
    *_dates("pregnancy_tests", "date", "cleared_on"),
    _choice("pregnancy_tests", "kind", TEST_KINDS),
    _amount("pregnancy_tests", "sensitivity_miu_ml", zero_allowed=False),
    _choice("pregnancy_tests", "result", RESULTS),
    *_bookkeeping("pregnancy_tests"),
    *_dates("contraception", "counselled_on"),
    ValueRule("contraception", "abstinence", "flag", required=True),
    *_bookkeeping("contraception"),
    *_dates("menstrual_reports", "reported_on", "cleared_on"),
    _choice("menstrual_reports", "kind", FLAG_KINDS),
    *_bookkeeping("menstrual_reports"),
    *_dates("prescriptions", "authorized_on"),
    ValueRule("prescriptions", "capsules", "whole", minimum=1),
    ValueRule("prescriptions", "days_supply", "whole", minimum=1),
    *_bookkeeping("prescriptions"),
)

CLINICAL_TABLES: tuple[str, ...] = tuple(dict.fromkeys(rule.table for rule in RULES))


@cache
def rules_of(table: str) -> tuple[ValueRule, ...]:
    return tuple(rule for rule in RULES if rule.table == table)


@dataclass(frozen=True)
class BrokenValue:
    table: str
    row_id: int
    rule: ValueRule
    value: Any

    def __str__(self) -> str:
        return f"{self.table} row {self.row_id}: {self.rule.problem(self.value)}"


def breaking_values(
    connection: Any, table: str, columns: Collection[str] | None = None
) -> Iterator[BrokenValue]:
    """Every stored value of ``table`` (of ``columns``, default all) that breaks its rule,
    by row id, in one scan."""
    rules = [rule for rule in rules_of(table) if columns is None or rule.column in columns]
    columns = ", ".join(f"[{rule.column}]" for rule in rules)
    where = " OR ".join(f"NOT {rule.sql()}" for rule in rules)
    for row in connection.execute(f"SELECT id, {columns} FROM [{table}] WHERE {where} ORDER BY id"):
        for rule, value in zip(rules, row[1:], strict=True):
            if not rule.accepts(value):
                yield BrokenValue(table, row[0], rule, value)
