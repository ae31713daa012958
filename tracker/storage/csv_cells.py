"""Text cells of an exported CSV that a spreadsheet cannot take for a formula.

Spreadsheets run a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and some a tab or a
carriage return) as a formula: a patient called ``=HYPERLINK(...)`` would become a link, and
``+cmd|' /C calc'!A0`` a command. Following OWASP's advice on CSV injection, such a text cell
is written with a ``'`` in front. Control characters (NUL, ESC, ...) are written as visible
escapes, so nothing invisible reaches a spreadsheet or a terminal.

The rule, and how an import reverses it (``original_text``), exactly:

* A text cell is written unchanged unless it begins with one of ``= + - @ '``, a tab or a
  carriage return, or holds a control character other than tab, line feed and carriage
  return (``\\x00``-``\\x08``, ``\\x0b``, ``\\x0c``, ``\\x0e``-``\\x1f``, ``\\x7f``).
* Otherwise it is written as ``'`` followed by the text in which each backslash is doubled
  and each such control character is written ``\\xHH`` (two lower-case hex digits).
* To read a cell back: if it begins with ``'``, drop that one ``'`` and turn ``\\\\`` into
  one backslash and ``\\xHH`` into the character HH; any other cell is the text itself.

Numbers and empty values are never changed (a negative dose is a number, not a formula), and
a cell that begins with ``'`` in the database is itself prefixed, so the reverse is exact.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ESCAPE = re.compile(r"\\(\\|x[0-9a-f]{2})")


def needs_quoting(text: str) -> bool:
    return text.startswith((*FORMULA_STARTS, PREFIX)) or _CONTROL.search(text) is not None


def spreadsheet_safe(value: Any) -> Any:
    """The value as it is written into a CSV cell (text made safe; anything else unchanged)."""
    if not isinstance(value, str) or not needs_quoting(value):
        return value
    escaped = _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", value.replace("\\", "\\\\"))
    return PREFIX + escaped


def original_text(cell: str) -> str:
    """The text a cell written by ``spreadsheet_safe`` held (for an import)."""
    if not cell.startswith(PREFIX):
        return cell

    def unescape(match: re.Match[str]) -> str:
        escape = match.group(1)
        return "\\" if escape == "\\" else chr(int(escape[1:], 16))

    return _ESCAPE.sub(unescape, cell[len(PREFIX) :])
