"""Turning the single-day 'held' dose records of older files into interruptions.

Older files stored a hold as one 'held' dose record per day, and read a hold as lasting until
the drug's next other record or the next cycle start. Each such run becomes one interruption
row ending there (open when nothing followed), and the 'held' records are archived. Both
changes get audit rows, so the history says what the conversion did.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tracker.storage.audit import audit_json, os_user, utc_now

if TYPE_CHECKING:
    from sqlite_utils import Database

CONVERSION_NOTE = "converted from single-day 'held' dose records"


def _audit(db: Database, table: str, row: dict[str, Any], patient_id: int, action: str,
           before: dict[str, Any] | None) -> None:
    db["audit_log"].insert(
        {
            "at": utc_now(),
            "os_user": os_user(),
            "staff": "schema upgrade",
            "table_name": table,
            "row_id": row["id"],
            "patient_id": patient_id,
            "action": action,
            "before_json": audit_json(before),
            "after_json": audit_json(row),
        }
    )


def _next_cycle_start(cycle_starts: list[str], after: str) -> str | None:
    return min((start for start in cycle_starts if start > after), default=None)


def _runs(records: list[dict[str, Any]], cycle_starts: list[str]) -> list[tuple[list[dict], str | None]]:
    """Runs of held records of one drug, each with the day the drug was given again: its next
    other record or the next cycle start, whichever came first (None: neither)."""
    runs: list[tuple[list[dict], str | None]] = []
    current: list[dict] = []
    for record in records:
        if current:
            boundary = _next_cycle_start(cycle_starts, current[-1]["date"])
            if boundary is not None and boundary <= record["date"]:
                runs.append((current, boundary))
                current = []
        if record["status"] == "held":
            current.append(record)
        elif current:
            runs.append((current, record["date"]))
            current = []
    if current:
        runs.append((current, _next_cycle_start(cycle_starts, current[-1]["date"])))
    return runs


def convert_held_records(db: Database) -> int:
    """Convert every live 'held' record; returns the number of interruptions made."""
    made = 0
    course_rows = list(db.query(
        "SELECT DISTINCT d.course_id, c.patient_id FROM dose_records d "
        "JOIN courses c ON c.id = d.course_id WHERE d.status = 'held' AND d.archived = 0"
    ))
    for course in course_rows:
        starts = [
            row["actual_start"]
            for row in db.query(
                "SELECT actual_start FROM cycles WHERE course_id = ? AND archived = 0",
                [course["course_id"]],
            )
        ]
        records = list(db.query(
            "SELECT * FROM dose_records WHERE course_id = ? AND archived = 0 ORDER BY drug, date",
            [course["course_id"]],
        ))
        for drug in sorted({record["drug"] for record in records}):
            of_drug = [record for record in records if record["drug"] == drug]
            for held, end in _runs(of_drug, starts):
                stamp = utc_now()
                note = json.dumps([record["note"] for record in held if record["note"]])
                row_id = db["interruptions"].insert(
                    {
                        "course_id": course["course_id"],
                        "drug": drug,
                        "start_date": held[0]["date"],
                        "end_date": end,
                        "reason": held[0]["note"] or "",
                        "resume_level": None,
                        "note": CONVERSION_NOTE if note == "[]" else f"{CONVERSION_NOTE}: {note}",
                        "archived": 0,
                        "created_at": stamp,
                        "updated_at": stamp,
                    }
                ).last_pk
                row = next(db.query("SELECT * FROM interruptions WHERE id = ?", [row_id]))
                _audit(db, "interruptions", row, course["patient_id"], "insert", None)
                for record in held:
                    db["dose_records"].update(record["id"], {"archived": 1, "updated_at": stamp})
                    after = next(db.query("SELECT * FROM dose_records WHERE id = ?", [record["id"]]))
                    _audit(db, "dose_records", after, course["patient_id"], "archive", record)
                made += 1
    return made
