"""Entry point of the ``tracker`` command: subcommands, and the GUI when given none."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from tracker.cli.errors import USAGE_ERROR, CommandError, report_error
from tracker.domain.errors import DomainError
from tracker.storage.connections import database_errors
from tracker.storage.private_files import use_private_umask


class OneLineErrorParser(argparse.ArgumentParser):
    """Bad arguments give one line on stderr and exit status 2, not a usage dump."""

    def error(self, message: str) -> None:  # type: ignore[override]
        report_error(message)
        raise SystemExit(USAGE_ERROR)


def _command_modules(command: str | None) -> list:
    """The modules that register ``command``, or every command's when it is None.

    Opening the application needs only ``gui``: building the other commands' parsers (and
    importing what they import) would delay the window for nothing.
    """
    from tracker.cli import gui

    if command == "gui":
        return [gui]
    from tracker.cli import (
        copy_command,
        data_commands,
        outcomes_command,
        report_commands,
        schedule,
        sheet_commands,
        status_command,
        user_commands,
        verify_command,
    )

    return [
        gui,
        schedule,
        sheet_commands,
        data_commands,
        copy_command,
        report_commands,
        outcomes_command,
        status_command,
        user_commands,
        verify_command,
    ]


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or only of ``command`` when one is known to be asked."""
    parser = OneLineErrorParser(
        prog="tracker",
        description="Rd Cycle Tracker: lenalidomide plus dexamethasone cycles. Without a "
        "command, opens the desktop application and takes the options of 'gui'.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _command_modules(command):
        module.register(commands)
    return parser


def opens_the_application(argv: Sequence[str]) -> bool:
    """No command, only options (``tracker --db FILE``): the desktop application, as a
    launcher or a bundle starts it. Help stays the help of the whole command."""
    return not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help"))


def main(argv: Sequence[str] | None = None) -> int:
    # Whatever this run writes (database, backups, exports, sheets, logs) is the user's alone.
    use_private_umask()
    argv = list(sys.argv[1:] if argv is None else argv)
    if opens_the_application(argv):
        argv = ["gui", *argv]
    args = build_parser("gui" if argv[0] == "gui" else None).parse_args(argv)
    try:
        return args.handler(args)
    except (CommandError, DomainError) as error:
        return report_error(str(error))
    except BrokenPipeError:
        # The reader (``head``, a closed pager) stopped early; that is not a failure.
        sys.stderr.close()
        return 0
    except OSError as error:
        # A file the command met that the system refused: said plainly, never a traceback.
        where = f"{error.filename}: " if error.filename else ""
        return report_error(f"{where}{error.strerror or error}")
    except database_errors() as error:
        return report_error(f"the database could not be read or written ({error})")


if __name__ == "__main__":
    raise SystemExit(main())
