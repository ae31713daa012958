"""How the command line reports a refused request."""

import sys

USAGE_ERROR = 2


class CommandError(Exception):
    """A request the command refuses; reported as one line on stderr with exit status 2."""


def report_error(message: str) -> int:
    first_line = " ".join(str(message).split())
    print(f"tracker: error: {first_line}", file=sys.stderr)
    return USAGE_ERROR
