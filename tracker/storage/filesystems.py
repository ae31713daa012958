"""Whether a path lies on a network filesystem, where an SQLite database must not live.

SQLite's write-ahead log needs shared memory that network filesystems do not give, and their
locking is unreliable, so two computers using one file on a shared drive can corrupt it
(sqlite.org, "SQLite Over a Network, Caveats and Considerations"). A clinic with several
workstations needs one server database instead.

Linux reads the filesystem type of the path's mount from ``/proc/self/mounts``; Windows asks
``GetDriveTypeW`` of the path's drive; macOS reads ``mount``'s list.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# Filesystem types that are network (or remote) filesystems.
NETWORK_TYPES = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "9p",
        "afs",
        "coda",
        "ncpfs",
        "ceph",
        "glusterfs",
        "fuse.sshfs",
        "fuse.glusterfs",
        "fuse.s3fs",
        "davfs",
        "fuse.davfs",
        "lustre",
        "gpfs",
        "webdav",
        "afpfs",
    }
)
_DRIVE_REMOTE = 4


def _unescape(field: str) -> str:
    """/proc/mounts writes spaces and tabs in paths as octal escapes."""
    return field.replace("\\040", " ").replace("\\011", "\t").replace("\\134", "\\")


def mount_type(path: Path, mounts: str) -> str | None:
    """The filesystem type of the longest mount point containing ``path`` in a mounts table
    (the text of /proc/self/mounts, or macOS ``mount`` output)."""
    best: tuple[int, str] | None = None
    target = str(path)
    for line in mounts.splitlines():
        if " on " in line and " (" in line:  # macOS: "//server/share on /Volumes/x (smbfs, ...)"
            point = line.split(" on ", 1)[1].rsplit(" (", 1)[0]
            kind = line.rsplit(" (", 1)[1].split(",")[0].rstrip(")")
        else:
            fields = line.split()
            if len(fields) < 3:
                continue
            point, kind = _unescape(fields[1]), fields[2]
        inside = target == point or target.startswith(point.rstrip("/") + "/") or point == "/"
        if inside and (best is None or len(point) > best[0]):
            best = (len(point), kind)
    return None if best is None else best[1]


def network_filesystem(path: Path) -> str | None:
    """The network filesystem type ``path`` (or, for a new file, its folder) lies on, else
    None. Nothing is decided when the system does not say."""
    where = Path(path).expanduser().resolve()
    while not where.exists() and where != where.parent:
        where = where.parent
    if sys.platform == "win32":
        return _windows_network_drive(where)
    try:
        if sys.platform == "darwin":
            mounts = subprocess.run(
                ["mount"], capture_output=True, text=True, check=False, timeout=5
            ).stdout
        else:
            mounts = Path("/proc/self/mounts").read_text()
    except (OSError, subprocess.SubprocessError):
        return None
    kind = mount_type(where, mounts)
    return kind if kind in NETWORK_TYPES or (kind or "").startswith("nfs") else None


def _windows_network_drive(path: Path) -> str | None:
    import ctypes

    root = os.path.splitdrive(str(path))[0] + "\\"
    if root.startswith("\\\\"):
        return "network share"
    drive_type = ctypes.windll.kernel32.GetDriveTypeW(root)  # type: ignore[attr-defined]
    return "network drive" if drive_type == _DRIVE_REMOTE else None


def refuse_network_drive(path: Path) -> None:
    """Refuse (NotADatabaseError) a database on a network filesystem."""
    from tracker.storage.errors import NotADatabaseError

    network = network_filesystem(path)
    if network is not None:
        raise NotADatabaseError(
            f"{path} is on a network drive ({network}); an SQLite database shared over a network "
            "can be corrupted. Keep the database on this computer, or run the clinic on one "
            "server database for several workstations"
        )
