"""``tracker status``: the treatment engine's answer for one patient on one day."""

from __future__ import annotations

import argparse
import json

from tracker.cli.arguments import iso_date
from tracker.cli.database_option import add_database_option, open_existing_store


def register(commands: argparse._SubParsersAction) -> None:
    status = commands.add_parser(
        "status", help="a patient's doses due, interruption, label advice and labs on a day"
    )
    add_database_option(status)
    status.add_argument("--mrn", required=True, help="the patient's medical record number")
    status.add_argument("--on", type=iso_date, help="the day, YYYY-MM-DD (default: today)")
    status.add_argument("--json", action="store_true", help="print one JSON object")
    status.set_defaults(handler=run_status)


def run_status(args: argparse.Namespace) -> int:
    from tracker.domain.treatment.rems import rems_state
    from tracker.storage import queries
    from tracker.storage.rems_reads import rems_facts

    with open_existing_store(args) as store:
        patient = queries.patient_by_mrn(store, args.mrn)
        on = args.on or store.today()
        course = queries.current_course(store, patient.id)
        state = None if course is None else queries.course_state(store, course, on)
        # Without a course the REMS answer is the patient's: category, tests, what stands.
        rems = state.rems if state is not None else rems_state(rems_facts(store, patient), on)
    answer = _answer(patient.mrn, on.isoformat(), state)
    answer["rems"] = None if rems is None else rems.as_json()
    if args.json:
        print(json.dumps(answer, ensure_ascii=False))
    else:
        print(_as_text(patient.name, answer))
    return 0


def _answer(mrn: str, on: str, state) -> dict:
    if state is None:
        return {
            "mrn": mrn,
            "on": on,
            "course_active": False,
            "cycle": None,
            "day": None,
            "lenalidomide": {"planned_mg": 0, "due_mg": 0, "on_hold": False, "on_hold_since": None},
            "dexamethasone": {"planned_mg": 0, "due_mg": 0},
            "labs_due": False,
            "next_labs": None,
            "latest_counts": {},
            "open_grade3_4_events": [],
            "advice": {
                "action": "continue",
                "resume_mg": None,
                "reason": "No treatment course is recorded: nothing is due.",
                "rules": [],
                "basis": [],
            },
        }
    return {"mrn": mrn, **state.as_json(), "status": state.status_text}


def _as_text(name: str, answer: dict) -> str:
    len_ = answer["lenalidomide"]
    dex = answer["dexamethasone"]
    advice = answer["advice"]
    lines = [
        f"{name} (MRN {answer['mrn']}) on {answer['on']}: "
        + (answer.get("status") or "no treatment course"),
        f"Lenalidomide due {len_['due_mg']} mg (planned {len_['planned_mg']} mg)"
        + (f", interrupted since {len_['on_hold_since']}" if len_["on_hold"] else ""),
        f"Dexamethasone due {dex['due_mg']} mg (planned {dex['planned_mg']} mg)",
        "Blood counts: due" if answer["labs_due"] else
        f"Blood counts: next {answer['next_labs'] or 'not scheduled'}",
        f"Advice: {advice['action']}"
        + (f" (resume at {advice['resume_mg']} mg)" if advice["resume_mg"] is not None else ""),
        f"  {advice['reason']}",
    ]
    lines += [f"  US label: {rule}" for rule in advice["rules"]]
    rems = answer.get("rems")
    if rems is not None:
        lines.append(
            f"REMS: category {rems['category'] or 'not set'}; pregnancy test "
            + ("due" if rems["pregnancy_test_due"] else
               f"next {rems['next_pregnancy_test'] or 'not scheduled'}")
            + f"; authorization {rems['authorization'] or 'none recorded'}"
        )  # fmt: skip
    return "\n".join(lines)
