"""SQL written for SQLite, as PostgreSQL reads it: the one place where statements are
translated, so operations, queries and the audit log keep one text for both engines.

What changes, outside string literals and quoted names:

- placeholders: ``?`` becomes ``%s`` and ``:name`` becomes ``%(name)s`` (psycopg's), and a
  literal ``%`` is doubled;
- ``[name]`` quoting becomes ``"name"``;
- ``IS x`` and ``IS NOT x`` (SQLite compares any two values so) become ``IS [NOT] DISTINCT
  FROM x`` unless ``x`` is NULL, TRUE or FALSE;
- ``LIKE`` becomes ``ILIKE`` (SQLite's LIKE ignores case), ``x COLLATE NOCASE`` becomes
  ``lower(x)``, ``IFNULL`` becomes ``COALESCE``;
- ``MAX(a, b, ...)`` and ``MIN(a, b, ...)`` with more than one argument (SQLite's scalar
  forms) become ``GREATEST`` and ``LEAST``; with one they stay aggregates;
- ``9e999`` (SQLite's infinity) becomes ``'Infinity'::float8``; ``LIMIT -1`` (no limit)
  becomes ``LIMIT ALL``.

``PRAGMA table_info(t)`` is answered from ``information_schema`` in SQLite's columns; a bare
``BEGIN`` (a read of one snapshot, as SQLite's deferred transaction) is REPEATABLE READ.

``typeof(x)`` and ``date(x, '+N days')`` stay as written: the server database has functions
of those names that answer as SQLite's do (``postgres_schema``).
"""

from __future__ import annotations

import re
from functools import lru_cache

_LITERAL = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"")
_HOLE = "\x00{}\x00"
_HOLE_PATTERN = re.compile("\x00(\\d+)\x00")

_BRACKETED = re.compile(r"\[([A-Za-z_][A-Za-z0-9_ ]*)\]")
_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
_IS = re.compile(r"\bIS\s+(NOT\s+)?(?!NULL\b|TRUE\b|FALSE\b|DISTINCT\b|NOT\b)", re.IGNORECASE)
_LIKE = re.compile(r"(?<!I)\bLIKE\b", re.IGNORECASE)
_NOCASE = re.compile(r"((?:\"[^\"]+\"|[\w.]+))\s+COLLATE\s+NOCASE", re.IGNORECASE)
_IFNULL = re.compile(r"\bIFNULL\s*\(", re.IGNORECASE)
_INFINITY = re.compile(r"(?<![\w.])9e999\b", re.IGNORECASE)
_NO_LIMIT = re.compile(r"\bLIMIT\s+-1\b", re.IGNORECASE)
_HOLE_IS_NULL = re.compile(r"(%\(\w+\)s|%s)(\s+IS\s+(?:NOT\s+)?NULL\b)", re.IGNORECASE)
_MAX_MIN = re.compile(r"\b(MAX|MIN)\s*\(", re.IGNORECASE)


_TABLE_INFO = re.compile(r"^\s*PRAGMA\s+table_info\(\[?(\w+)\]?\)\s*$", re.IGNORECASE)
# SQLite's table_info columns: cid, name, type, notnull, dflt_value, pk.
_COLUMNS_OF = (
    "SELECT c.ordinal_position - 1 AS cid, c.column_name AS name, upper(c.data_type) AS type, "
    "(c.is_nullable = 'NO')::int AS \"notnull\", "
    "regexp_replace(c.column_default, '::[a-z ]+$', '') AS dflt_value, "
    "(c.column_name = 'id' AND c.is_identity = 'YES')::int AS pk "
    "FROM information_schema.columns c WHERE c.table_schema = current_schema() "
    "AND c.table_name = '{}' ORDER BY c.ordinal_position"
)


@lru_cache(maxsize=4096)
def to_postgres(sql: str) -> str:
    """``sql`` (SQLite's dialect, ``?`` or ``:name`` placeholders) for psycopg."""
    table_info = _TABLE_INFO.match(sql)
    if table_info:
        return _COLUMNS_OF.format(table_info.group(1)).replace("%", "%%")
    if sql.strip().upper() == "BEGIN":
        # SQLite's deferred transaction reads one snapshot throughout.
        return "BEGIN ISOLATION LEVEL REPEATABLE READ"
    literals: list[str] = []
    # psycopg reads every % (in literals too) as the start of a placeholder.
    sql = sql.replace("%", "%%")

    def hide(match: re.Match[str]) -> str:
        literals.append(match.group(0))
        return _HOLE.format(len(literals) - 1)

    text = _LITERAL.sub(hide, sql)
    text = _BRACKETED.sub(lambda match: f'"{match.group(1)}"', text)
    text = text.replace("?", "%s")
    text = _NAMED.sub(lambda match: f"%({match.group(1)})s", text)
    text = _HOLE_IS_NULL.sub(lambda match: f"CAST({match.group(1)} AS text){match.group(2)}", text)
    text = _IS.sub(
        lambda match: "IS DISTINCT FROM " if match.group(1) else "IS NOT DISTINCT FROM ", text
    )
    text = _LIKE.sub("ILIKE", text)
    text = _NOCASE.sub(lambda match: f"lower({match.group(1)})", text)
    text = _IFNULL.sub("COALESCE(", text)
    text = _INFINITY.sub("'Infinity'::float8", text)
    text = _NO_LIMIT.sub("LIMIT ALL", text)
    text = _scalar_extremes(text)
    return _HOLE_PATTERN.sub(lambda match: literals[int(match.group(1))], text)


def _scalar_extremes(text: str) -> str:
    """``MAX(a, b)`` as ``GREATEST(a, b)`` (and MIN as LEAST), inner calls first."""
    out: list[str] = []
    position = 0
    for match in _MAX_MIN.finditer(text):
        if match.start() < position:
            continue
        close, commas = _matching_parenthesis(text, match.end())
        if close < 0:
            break
        inner = _scalar_extremes(text[match.end() : close])
        name = match.group(1).upper()
        if commas:
            name = "GREATEST" if name == "MAX" else "LEAST"
        out.append(text[position : match.start()] + f"{name}(" + inner + ")")
        position = close + 1
    out.append(text[position:])
    return "".join(out)


def _matching_parenthesis(text: str, start: int) -> tuple[int, int]:
    """Index of the ``)`` closing the one before ``start``, and the commas at its level."""
    depth, commas = 1, 0
    for index in range(start, len(text)):
        character = text[index]
        if character == "(":
            depth += 1
        elif character == ")":
            depth -= 1
            if depth == 0:
                return index, commas
        elif character == "," and depth == 1:
            commas += 1
    return -1, commas
