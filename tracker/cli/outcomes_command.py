"""``tracker outcomes``: the clinic's response and time to progression against MM-010."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from tracker.cli.arguments import iso_date
from tracker.cli.database_option import add_database_option, open_existing_store
from tracker.cli.errors import CommandError

if TYPE_CHECKING:
    from tracker.domain.outcome_statistics import ResponseRate, TimeToEvent
    from tracker.reports.outcomes_report import OutcomesReport

MEASURES = {"response": "overall response (PR or better)", "complete_response": "CR or sCR"}


def register(commands: argparse._SubParsersAction) -> None:
    outcomes = commands.add_parser(
        "outcomes", help="response and time to progression against the trial"
    )
    add_period_arguments(outcomes)
    outcomes.add_argument("--json", action="store_true", help="print a JSON object")
    outcomes.set_defaults(handler=run_outcomes)


def add_period_arguments(parser: argparse.ArgumentParser) -> None:
    add_database_option(parser)
    parser.add_argument(
        "--from", dest="period_from", type=iso_date, help="courses started on or after"
    )
    parser.add_argument(
        "--to", dest="period_to", type=iso_date, help="courses started on or before"
    )


def read_outcomes(args: argparse.Namespace) -> OutcomesReport:
    from tracker.reports.outcomes_report import outcomes_report

    if args.period_from and args.period_to and args.period_from > args.period_to:
        raise CommandError(
            f"--from {args.period_from.isoformat()} is after --to {args.period_to.isoformat()}"
        )
    with open_existing_store(args) as store:
        return outcomes_report(store, period_from=args.period_from, period_to=args.period_to)


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{100 * rate:.1f}%"


def _months(value: float | None) -> str:
    return "not reached" if value is None else f"{value:.1f}"


def _p_value(p_value: float | None) -> str:
    if p_value is None:
        return "-"
    return "<0.001" if p_value < 0.001 else f"{p_value:.3f}"


def _rate_line(name: str, rate: ResponseRate) -> str:
    interval = f"{_percent(rate.ci_low)}-{_percent(rate.ci_high)}" if rate.courses else "-"
    p_value = _p_value(rate.p_value)
    return (
        f"{name:<32} {rate.fraction_text:>11} {_percent(rate.rate):>7} {interval:>15} "
        f"{p_value:>7} {_percent(rate.reference_rate):>7} "
        f"{_percent(rate.placebo_reference_rate):>8}"
    )


def _time_line(name: str, estimate: TimeToEvent) -> str:
    low, high = estimate.median_ci_months
    reached = estimate.curve.subjects and low is not None
    interval = f"{_months(low)} to {_months(high)}" if reached else "-"
    reference = estimate.reference_median_months
    placebo = estimate.placebo_reference_median_months
    median = _months(estimate.median_months) if estimate.curve.subjects else "-"
    return (
        f"{name:<22} {median:>12} {interval:>26} "
        f"{estimate.curve.event_count:>7}/{estimate.curve.subjects:<7} "
        f"{'-' if reference is None else reference:>7} {'-' if placebo is None else placebo:>8}"
    )


def run_outcomes(args: argparse.Namespace) -> int:
    report = read_outcomes(args)
    data = report.as_json()
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    statistics = report.statistics
    print(f"Outcomes, {statistics.period_text}: {statistics.courses} courses")
    print(
        f"{'response (by intention to treat)':<32} {'n/N':>11} {'rate':>7} {'95% CI':>15} "
        f"{'p':>7} {'MM-010':>7} {'placebo':>8}"
    )
    print(_rate_line(MEASURES["response"], statistics.response))
    print(_rate_line(MEASURES["complete_response"], statistics.complete_response))
    print()
    print(
        f"{'months':<22} {'median':>12} {'95% CI':>26} {'events/n':>15} {'MM-010':>7} "
        f"{'placebo':>8}"
    )
    print(_time_line("time to progression", statistics.ttp))
    print(_time_line("overall survival", statistics.os))
    ratio = report.trial.efficacy.overall_survival_hazard_ratio
    if ratio is not None:
        print(f"{'':<22} MM-010 gives overall survival as a hazard ratio: {ratio}")
    print()
    best = ", ".join(f"{name} {count}" for name, count in statistics.best_responses.items())
    print(f"best response: {best}")
    criteria = data["criteria"]
    print(f"criteria: the clinic {criteria['clinic']}; {report.trial.name} {criteria['reference']}")
    pooled = data["pooled_reference"]
    flag = "" if pooled["confirmed"] else " [unconfirmed]"
    lenalidomide, placebo = pooled["arms"]["lenalidomide"], pooled["arms"]["placebo"]
    print(
        f"{pooled['name']}{flag}: response {_percent(lenalidomide['response_rate'])} vs "
        f"{_percent(placebo['response_rate'])}, median TTP {lenalidomide['median_ttp_months']} "
        f"vs {placebo['median_ttp_months']} months, median OS "
        f"{lenalidomide['median_os_months']} vs {placebo['median_os_months']} months"
    )
    print()
    for name, text in data["definitions"].items():
        print(f"{name}: {text}")
    return 0
