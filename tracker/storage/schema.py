"""The database schema, created and upgraded only through migrations.

Migrations are append-only: a released migration is never edited, a change is a new one.
Each is a function listed in ``_MIGRATIONS`` in order and named as recorded in the database.

sqlite-utils is imported only when migrations are applied, as a database is opened: with its
dependencies it takes a quarter of a second to import, which the application spends after
its window is on screen rather than before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

MIGRATION_SET = "tracker"

# Every clinical table carries these: soft deletion keeps history, timestamps are UTC ISO-8601.
_BOOKKEEPING = {"archived": int, "created_at": str, "updated_at": str}


def m001_initial(db: Database) -> None:
    db["settings"].create({"key": str, "value": str}, pk="key")
    db["patients"].create(
        {
            "id": int,
            "mrn": str,
            "name": str,
            "date_of_birth": str,
            "sex": str,  # "F" or "M"
            "weight_kg": float,
            "creatinine": float,
            "creatinine_unit": str,  # "mg/dL" or "umol/L"
            "on_dialysis": int,
            "reproductive_potential": int,
            "notes": str,
            **_BOOKKEEPING,
        },
        pk="id",
        not_null={"mrn", "name"},
        defaults={"archived": 0, "on_dialysis": 0, "reproductive_potential": 0, "notes": ""},
    )
    db["patients"].create_index(["mrn"], unique=True)
    db["patients"].create_index(["name"])

    db["courses"].create(
        {
            "id": int,
            "patient_id": int,
            "regimen_id": str,
            "start_date": str,
            "len_start_level": int,
            "dex_start_level": int,
            "len_every_days": int,  # 2 for the every-48-hours renal schedule
            "renal_band": str,
            "thromboprophylaxis": str,  # "aspirin", "LMWH", "warfarin", "DOAC", "none"
            "status": str,  # "active" or "ended"
            "end_date": str,
            "end_reason": str,  # "progression", "toxicity", "other"
            "end_note": str,
            **_BOOKKEEPING,
        },
        pk="id",
        foreign_keys=[("patient_id", "patients", "id")],
        not_null={"patient_id", "regimen_id", "start_date", "status"},
        defaults={"archived": 0, "len_start_level": 0, "dex_start_level": 0, "len_every_days": 1},
    )
    db["courses"].create_index(["patient_id"])
    db["courses"].create_index(["status"])

    db["cycles"].create(
        {
            "id": int,
            "course_id": int,
            "number": int,
            "planned_start": str,
            "actual_start": str,
            "len_level": int,
            "dex_level": int,
            "status": str,  # "active", "completed"
            "delay_reason": str,
            **_BOOKKEEPING,
        },
        pk="id",
        foreign_keys=[("course_id", "courses", "id")],
        not_null={"course_id", "number", "planned_start", "actual_start"},
        defaults={"archived": 0},
    )
    db["cycles"].create_index(["course_id", "number"], unique=True)

    db["level_changes"].create(
        {
            "id": int,
            "course_id": int,
            "effective_date": str,
            "drug": str,  # "lenalidomide" or "dexamethasone"
            "level": int,
            "reason": str,
            **_BOOKKEEPING,
        },
        pk="id",
        foreign_keys=[("course_id", "courses", "id")],
        not_null={"course_id", "effective_date", "drug", "level"},
        defaults={"archived": 0},
    )
    db["level_changes"].create_index(["course_id"])

    db["dose_records"].create(
        {
            "id": int,
            "course_id": int,
            "date": str,
            "drug": str,
            "status": str,  # "taken", "missed", "held"
            "dose_mg": float,
            "note": str,
            **_BOOKKEEPING,
        },
        pk="id",
        foreign_keys=[("course_id", "courses", "id")],
        not_null={"course_id", "date", "drug", "status"},
        defaults={"archived": 0, "note": ""},
    )
    db["dose_records"].create_index(["course_id", "date", "drug"])

    db["labs"].create(
        {
            "id": int,
            "patient_id": int,
            "date": str,
            "anc": float,
            "anc_unit": str,  # "10^9/L" or "/mm3"
            "platelets": float,
            "platelets_unit": str,
            "creatinine": float,
            "creatinine_unit": str,
            "note": str,
            **_BOOKKEEPING,
        },
        pk="id",
        foreign_keys=[("patient_id", "patients", "id")],
        not_null={"patient_id", "date"},
        defaults={"archived": 0, "note": ""},
    )
    db["labs"].create_index(["patient_id", "date"])

    db["adverse_events"].create(
        {
            "id": int,
            "patient_id": int,
            "course_id": int,
            "lab_id": int,
            "event_type": str,  # "neutropenia", "thrombocytopenia", "vte", "other"
            "term": str,  # free text, required for "other"
            "grade": int,
            "ctcae_version": str,
            "onset_date": str,
            "resolution_date": str,
            "action": str,  # "none", "held", "reduced", "discontinued"
            "note": str,
            **_BOOKKEEPING,
        },
        pk="id",
        foreign_keys=[
            ("patient_id", "patients", "id"),
            ("course_id", "courses", "id"),
            ("lab_id", "labs", "id"),
        ],
        not_null={"patient_id", "event_type", "grade", "ctcae_version", "onset_date", "action"},
        defaults={"archived": 0, "note": "", "action": "none"},
    )
    db["adverse_events"].create_index(["patient_id"])
    db["adverse_events"].create_index(["event_type", "grade"])

    db["responses"].create(
        {
            "id": int,
            "course_id": int,
            "assessed_on": str,
            "response": str,  # IMWG: "sCR", "CR", "VGPR", "PR", "MR", "SD", "PD"
            "progression_date": str,
            "note": str,
            **_BOOKKEEPING,
        },
        pk="id",
        foreign_keys=[("course_id", "courses", "id")],
        not_null={"course_id", "assessed_on", "response"},
        defaults={"archived": 0, "note": ""},
    )
    db["responses"].create_index(["course_id"])

    db["audit_log"].create(
        {
            "id": int,
            "at": str,
            "os_user": str,
            "staff": str,
            "table_name": str,
            "row_id": int,
            "patient_id": int,
            "action": str,  # "insert", "update", "archive"
            "before_json": str,
            "after_json": str,
        },
        pk="id",
        not_null={"at", "os_user", "table_name", "action"},
    )
    db["audit_log"].create_index(["patient_id"])
    db["audit_log"].create_index(["table_name", "row_id"])


def m002_interruptions(db: Database) -> None:
    """Interruptions become state: a row with its start, its end (the first day the drug is
    given again) and its reason. A start that needed an override keeps the reason and what
    it overrode. Runs of single-day 'held' dose records become interruptions."""
    db["interruptions"].create(
        {
            "id": int,
            "course_id": int,
            "drug": str,
            "start_date": str,
            "end_date": str,  # the first day given again; NULL while interrupted
            "reason": str,
            "resume_level": int,
            "note": str,
            **_BOOKKEEPING,
        },
        pk="id",
        foreign_keys=[("course_id", "courses", "id")],
        not_null={"course_id", "drug", "start_date"},
        defaults={"archived": 0, "note": "", "reason": ""},
    )
    db["interruptions"].create_index(["course_id"])
    for table in ("courses", "cycles"):
        db[table].add_column("start_override", str)
        db[table].add_column("start_problems", str)
    from tracker.storage.held_records import convert_held_records

    convert_held_records(db)


def m003_date_of_death(db: Database) -> None:
    """A patient carries a date of death; courses may end for reason 'death'."""
    db["patients"].add_column("date_of_death", str)


def m004_mrn_key(db: Database) -> None:
    """MRNs are unique once normalised (``tracker.domain.identifiers.mrn_key``). Where an
    older file already holds two MRNs with one key, the later patient keeps no key (so the
    unique index holds) and is listed by ``queries.mrn_clashes``: reported, never merged."""
    from tracker.domain.identifiers import mrn_key

    db["patients"].add_column("mrn_key", str)
    seen: set[str] = set()
    for row in list(db.query("SELECT id, mrn FROM patients ORDER BY id")):
        key = mrn_key(row["mrn"])
        db["patients"].update(row["id"], {"mrn_key": None if key in seen else key})
        seen.add(key)
    db["patients"].create_index(["mrn_key"], unique=True)


def m005_vte_risk_factors(db: Database) -> None:
    """The IMWG VTE risk factors recorded when a course starts (comma-separated keys of
    ``resources/prophylaxis``), so the suggested agent can be explained later."""
    db["courses"].add_column("vte_risk_factors", str)


def m006_rems(db: Database) -> None:
    """Pregnancy prevention (Lenalidomide REMS): the patient's REMS category replaces the bare
    'reproductive potential' flag (mapped where the record decides it, reported where it does
    not); pregnancy tests, contraception counselling, missed-period reports and each cycle's
    lenalidomide prescription with its REMS authorization (``rems_upgrade``)."""
    from datetime import date

    from tracker.storage.rems_upgrade import upgrade_to_rems

    upgrade_to_rems(db, date.today())


def m007_row_versions(db: Database) -> None:
    """Each clinical row carries a version, 1 when written, raised by one with every update
    (a trigger refuses any other), so a save from an outdated form can be refused."""
    from tracker.storage import guards
    from tracker.storage.value_rules import CLINICAL_TABLES

    for table in CLINICAL_TABLES:
        db.execute(f"ALTER TABLE [{table}] ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
    guards.install(db, guards.version_triggers())


def m008_audit_chain(db: Database) -> None:
    """Audit rows carry the reason for a change and a hash chaining each to the one before;
    the existing rows are chained in id order, what the clinical tables hold now is attested
    (``attestation``), and triggers refuse any change to or removal of an audit row."""
    from tracker.storage import guards
    from tracker.storage.audit_chain import chain_existing_rows
    from tracker.storage.chain_start import attest_existing_rows

    db.execute("ALTER TABLE audit_log ADD COLUMN reason TEXT")
    db.execute("ALTER TABLE audit_log ADD COLUMN hash TEXT")
    chain_existing_rows(db.conn)
    attest_existing_rows(db.conn)
    guards.install(db, guards.audit_triggers())


def m009_value_rules(db: Database) -> None:
    """Triggers refuse a value that breaks its column's rule (``value_rules``); rows that
    already break one are kept as they are, and reported by ``tracker verify``."""
    from tracker.storage import guards

    guards.install(db, guards.value_triggers())


def m010_accounts(db: Database) -> None:
    """Staff accounts, each with one role (``tracker.storage.roles``); their passwords are
    never stored, they unlock key slots beside the file (``tracker.storage.crypto``). The
    audit log names the signed-in account, and for an electronic signature its signer and
    what the signature means (\"approved cycle start override\")."""
    db["accounts"].create(
        {
            "id": int,
            "name": str,
            "full_name": str,
            "role": str,  # "admin", "clinician", "nurse", "viewer"
            "disabled": int,
            "version": int,
            **_BOOKKEEPING,
        },
        pk="id",
        not_null={"name", "role"},
        defaults={"archived": 0, "disabled": 0, "full_name": "", "version": 1},
    )
    db["accounts"].create_index(["name"], unique=True)
    for column in ("account", "signer", "meaning"):
        db["audit_log"].add_column(column, str)


_MIGRATIONS: tuple[Callable[[Database], None], ...] = (
    m001_initial,
    m002_interruptions,
    m003_date_of_death,
    m004_mrn_key,
    m005_vte_risk_factors,
    m006_rems,
    m007_row_versions,
    m008_audit_chain,
    m009_value_rules,
    m010_accounts,
)


def known_migration_names() -> set[str]:
    return {migration.__name__ for migration in _MIGRATIONS}


def apply_migrations(db: Database) -> None:
    """Apply, in order, each migration the database has not had yet."""
    from sqlite_utils import Migrations

    migrations = Migrations(MIGRATION_SET)
    for migration in _MIGRATIONS:
        migrations()(migration)
    migrations.apply(db)
