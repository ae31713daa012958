"""Turning the bare 'reproductive potential' flag of older files into REMS categories.

What the flag, the sex and the date of birth decide:
- a female flagged of reproductive potential: adult female of reproductive potential, or
  female child when under 18 (no date of birth: adult, tested either way);
- a female not flagged and under 18: female child;
- a male: adult male or male child by age.
What they cannot decide is left without a category and listed by
``rems_categories_undecided``: an adult female (or one of unknown age) not flagged, whose
reason (natural menopause, hysterectomy, bilateral oophorectomy) was never recorded; she
cannot start a course or a cycle until a clinician sets it. A male of unknown age, and a
patient of unknown sex, are left without one too. Every patient row gets an audit row (the
flag goes from all of them), so each History says what the upgrade did.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from tracker.domain.rems_rules import (
    ADULT_FROM_AGE,
    FEMALE_CHILD,
    FEMALE_REPRODUCTIVE,
    MALE_ADULT,
    MALE_CHILD,
)
from tracker.domain.renal import age_on
from tracker.storage.audit import audit_json, os_user, utc_now

if TYPE_CHECKING:
    from sqlite_utils import Database

    from tracker.storage.database import Store
    from tracker.storage.records import Patient

UPGRADE_STAFF = "schema upgrade"
# The bookkeeping columns every clinical table carries (as ``schema`` declares them).
_BOOKKEEPING = {"archived": int, "created_at": str, "updated_at": str}


def category_from_flag(
    sex: str | None, date_of_birth: date | None, flagged: bool, today: date
) -> str | None:
    """The REMS category the older record decides, or None where it cannot."""
    child = None if date_of_birth is None else age_on(date_of_birth, today) < ADULT_FROM_AGE
    if sex == "F":
        if flagged:
            return FEMALE_CHILD if child else FEMALE_REPRODUCTIVE
        return FEMALE_CHILD if child else None
    if sex == "M" and child is not None:
        return MALE_CHILD if child else MALE_ADULT
    return None


def _day_or_none(text: Any) -> date | None:
    # An older file may hold a date that is no day (verify reports it); its age is unknown.
    try:
        return date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def categories_from_flags(db: Database, today: date) -> None:
    """Set each patient's category from the flag (before the flag's column is dropped)."""
    rows = list(db.query("SELECT * FROM patients ORDER BY id"))
    stamp, user = utc_now(), os_user()
    audit: list[dict[str, Any]] = []
    for row in rows:
        born = _day_or_none(row["date_of_birth"])
        category = category_from_flag(row["sex"], born, bool(row["reproductive_potential"]), today)
        if category is not None:
            db.execute("UPDATE patients SET rems_category = ? WHERE id = ?", [category, row["id"]])
        after = {key: value for key, value in row.items() if key != "reproductive_potential"}
        audit.append(
            {
                "at": stamp,
                "os_user": user,
                "staff": UPGRADE_STAFF,
                "table_name": "patients",
                "row_id": row["id"],
                "patient_id": row["id"],
                "action": "update",
                "before_json": audit_json(row),
                "after_json": audit_json({**after, "rems_category": category}),
            }
        )
    if audit:
        db["audit_log"].insert_all(audit)


def upgrade_to_rems(db: Database, today: date) -> None:
    """The REMS columns and tables, and the categories mapped from the flag, which goes."""
    db["patients"].add_column("rems_category", str)
    db["patients"].add_column("rems_category_reason", str)
    db["patients"].add_column("irregular_cycles", int, not_null_default=0)
    categories_from_flags(db, today)
    db.execute("ALTER TABLE patients DROP COLUMN reproductive_potential")
    db["pregnancy_tests"].create(
        {
            "id": int,
            "patient_id": int,
            "date": str,
            "time": str,  # "HH:MM", when recorded
            "kind": str,  # "serum" or "urine"
            "sensitivity_miu_ml": float,
            "result": str,  # "negative" or "positive"
            "cleared_on": str,  # a positive result a clinician recorded as not standing
            "clearance": str,
            "note": str,
            **_BOOKKEEPING,
        },
        pk="id",
        foreign_keys=[("patient_id", "patients", "id")],
        not_null={"patient_id", "date", "kind", "result"},
        defaults={"archived": 0, "note": "", "clearance": ""},
    )
    db["pregnancy_tests"].create_index(["patient_id", "date"])
    db["contraception"].create(
        {
            "id": int,
            "patient_id": int,
            "counselled_on": str,
            "method_1": str,
            "method_2": str,
            "abstinence": int,
            "note": str,
            **_BOOKKEEPING,
        },
        pk="id",
        foreign_keys=[("patient_id", "patients", "id")],
        not_null={"patient_id", "counselled_on"},
        defaults={"archived": 0, "note": "", "abstinence": 0},
    )
    db["contraception"].create_index(["patient_id"])
    db["menstrual_reports"].create(
        {
            "id": int,
            "patient_id": int,
            "reported_on": str,
            "kind": str,  # "missed period" or "abnormal bleeding"
            "cleared_on": str,
            "clearance": str,
            "note": str,
            **_BOOKKEEPING,
        },
        pk="id",
        foreign_keys=[("patient_id", "patients", "id")],
        not_null={"patient_id", "reported_on", "kind"},
        defaults={"archived": 0, "note": "", "clearance": ""},
    )
    db["menstrual_reports"].create_index(["patient_id"])
    db["prescriptions"].create(
        {
            "id": int,
            "course_id": int,
            "cycle_id": int,
            "authorization_number": str,
            "authorized_on": str,
            "authorized_at": str,  # "HH:MM", when recorded
            "capsules": int,
            "days_supply": int,
            "note": str,
            **_BOOKKEEPING,
        },
        pk="id",
        foreign_keys=[("course_id", "courses", "id"), ("cycle_id", "cycles", "id")],
        not_null={"course_id", "cycle_id", "authorization_number", "authorized_on"},
        defaults={"archived": 0, "note": ""},
    )
    db["prescriptions"].create_index(["course_id"])
    db["prescriptions"].create_index(["cycle_id"])


def _undecided_why(patient: Patient) -> str:
    if patient.sex == "F":
        return (
            "female, not recorded as of reproductive potential, and no reason recorded "
            "(natural menopause for 24 months or more, hysterectomy, bilateral oophorectomy)"
        )
    if patient.sex == "M":
        return "male, date of birth not recorded: adult or child?"
    return "sex not recorded"


def rems_categories_undecided(store: Store) -> list[tuple[Patient, str]]:
    """Current patients without a REMS category, each with what is not known; the females
    among them cannot start a course or a cycle until one is set."""
    from tracker.storage.records import Patient

    rows = store.query(
        "SELECT * FROM patients WHERE rems_category IS NULL AND archived = 0 "
        "ORDER BY sex = 'F' DESC, name COLLATE NOCASE, id"
    )
    return [(patient, _undecided_why(patient)) for patient in map(Patient.from_row, rows)]
