"""What differs between the two database engines, one module each: ``sqlite`` (the embedded
file, the default for one workstation) and ``postgres`` (one server database for several).

Operations, queries, the audit log and validation are written once, in SQLite's dialect; the
server's adapter translates each statement (``postgres_sql``) and supplies what has no common
form: connecting, inserting with a returned id, upserts, the migrations table, locking and the
change notifications other workstations listen for.
"""

from __future__ import annotations

SERVER_SCHEMES = ("postgresql://", "postgres://")


def is_server_address(target: object) -> bool:
    """True for a ``postgresql://`` address (a server database), False for a file path."""
    return isinstance(target, str) and target.lower().startswith(SERVER_SCHEMES)
