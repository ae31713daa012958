"""``tracker schedule``: the planned days of a course, without a database."""

from __future__ import annotations

import argparse
import json

from tracker.cli.arguments import iso_date, positive_float, positive_int
from tracker.domain.calendar import plan_course
from tracker.domain.regimen import format_mg, load_regimen

MAX_CYCLES = 200


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("schedule", help="print the planned days of a course")
    parser.add_argument("--start", type=iso_date, required=True, help="cycle 1 day 1, YYYY-MM-DD")
    parser.add_argument("--cycles", type=positive_int, required=True, help="number of cycles")
    parser.add_argument("--len-dose", type=positive_float, help="lenalidomide mg (a ladder rung)")
    parser.add_argument("--regimen", default="mm010-rd", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print a JSON list")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from tracker.cli.errors import CommandError

    if args.cycles > MAX_CYCLES:
        raise CommandError(f"--cycles must be at most {MAX_CYCLES}")
    regimen = load_regimen(args.regimen)
    level = 0
    if args.len_dose is not None:
        level = regimen.lenalidomide.level_for_dose(args.len_dose)
    days = plan_course(regimen, args.start, args.cycles, lenalidomide_level=level)
    if args.json:
        print(json.dumps([day.as_json() for day in days], indent=1))
        return 0
    print(f"{'date':<10}  {'weekday':<3}  cycle  day  lenalidomide  dexamethasone")
    for day in days:
        len_text = f"{format_mg(day.lenalidomide_mg)} mg" if day.lenalidomide_mg else "rest"
        dex_text = f"{format_mg(day.dexamethasone_mg)} mg" if day.dexamethasone_mg else "-"
        print(
            f"{day.date.isoformat()}  {day.date.strftime('%a')}  {day.cycle:>5}  {day.day:>3}"
            f"  {len_text:>12}  {dex_text:>13}"
        )
    return 0
