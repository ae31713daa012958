"""``tracker report`` and ``tracker chart``: the clinic's grade 3-4 rates against MM-010, and
the chart of those rates or of the outcomes (``tracker outcomes``)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tracker.cli.arguments import iso_date
from tracker.cli.database_option import add_database_option, database_path, open_existing_store
from tracker.cli.errors import CommandError

CHART_SUFFIXES = (".png", ".svg", ".pdf")
CHART_KINDS = ("cohort", "outcomes")


def register(commands: argparse._SubParsersAction) -> None:
    report = commands.add_parser("report", help="grade 3-4 event rates against the trial")
    _period_arguments(report)
    report.add_argument("--json", action="store_true", help="print a JSON object")
    report.set_defaults(handler=run_report)

    chart = commands.add_parser(
        "chart", help="write the cohort or outcomes chart as PNG, SVG or PDF"
    )
    _period_arguments(chart)
    chart.add_argument("-o", "--output", type=Path, required=True, help="FILE.png|svg|pdf")
    chart.add_argument(
        "--kind",
        choices=CHART_KINDS,
        default="cohort",
        help="grade 3-4 rates (cohort, the default) or response and time to progression",
    )
    chart.add_argument("--force", action="store_true", help="replace an existing chart file")
    chart.set_defaults(handler=run_chart)


def _period_arguments(parser: argparse.ArgumentParser) -> None:
    add_database_option(parser)
    parser.add_argument(
        "--from", dest="period_from", type=iso_date, help="courses started on or after"
    )
    parser.add_argument(
        "--to", dest="period_to", type=iso_date, help="courses started on or before"
    )


def _report(args: argparse.Namespace):
    from tracker.reports.cohort_report import cohort_report

    if args.period_from and args.period_to and args.period_from > args.period_to:
        raise CommandError(
            f"--from {args.period_from.isoformat()} is after --to {args.period_to.isoformat()}"
        )
    with open_existing_store(args) as store:
        return cohort_report(store, period_from=args.period_from, period_to=args.period_to)


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{100 * rate:.1f}%"


def run_report(args: argparse.Namespace) -> int:
    report = _report(args)
    if args.json:
        print(json.dumps(report.as_json(), indent=2))
        return 0
    statistics = report.statistics
    print(f"Grade 3-4 events, {statistics.period_text}: {statistics.patients} patients")
    print(
        f"{'event':<17} {'n/N':>11} {'rate':>7} {'95% CI':>15} {'p':>8} {'MM-010':>7} "
        f"{'placebo':>8} {'grade 5':>8} {'counts only':>12}"
    )
    for event in report.as_json()["events"]:
        rate = statistics.rate(event["event"])
        interval = f"{_percent(rate.ci_low)}-{_percent(rate.ci_high)}" if rate.ci else "-"
        p_value = "-" if rate.p_value is None else f"{rate.p_value:.3f}"
        print(
            f"{event['event']:<17} {rate.fraction_text:>11} {_percent(rate.rate):>7} "
            f"{interval:>15} {p_value:>8} {_percent(event['reference_rate']):>7} "
            f"{_percent(event['placebo_reference_rate']):>8} {rate.grade5_patients:>8} "
            f"{rate.from_counts_only:>12}"
        )
    print()
    for name, text in report.as_json()["definitions"].items():
        print(f"{name}: {text}")
    return 0


def run_chart(args: argparse.Namespace) -> int:
    from tracker.cli.output_option import checked_output

    output: Path = args.output
    if output.suffix.lower() not in CHART_SUFFIXES:
        raise CommandError(f"the chart file must end in .png, .svg or .pdf: {output}")
    checked_output(args, what="chart")
    figure = _outcomes_figure(args) if args.kind == "outcomes" else _cohort_figure(args)

    from tracker.reports.charts import save_figure
    from tracker.reports.errors import ReportError
    from tracker.storage.errors import StorageError
    from tracker.storage.output_files import database_files

    try:
        save_figure(
            figure, output, overwrite=args.force, guarded=database_files(database_path(args))
        )
    except (StorageError, ReportError) as error:
        raise CommandError(str(error)) from error
    except OSError as error:
        raise CommandError(f"could not write {output}: {error}") from error
    print(f"wrote {output}")
    return 0


def _cohort_figure(args: argparse.Namespace):
    report = _report(args)
    from matplotlib.figure import Figure

    from tracker.reports.charts import cohort_chart

    figure = Figure(figsize=(9, 5.5), layout="constrained")
    cohort_chart(figure, report.statistics, report.references)
    return figure


def _outcomes_figure(args: argparse.Namespace):
    from tracker.cli.outcomes_command import read_outcomes

    report = read_outcomes(args)
    from matplotlib.figure import Figure

    from tracker.reports.outcome_charts import OUTCOMES_FIGURE_SIZE, outcomes_chart

    figure = Figure(figsize=OUTCOMES_FIGURE_SIZE, layout="constrained")
    outcomes_chart(figure, report.statistics)
    return figure
