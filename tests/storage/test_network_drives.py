"""A database on a network filesystem is refused: SQLite must not be shared over a network."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.storage import filesystems
from tracker.storage.database import open_database
from tracker.storage.errors import NotADatabaseError

LINUX_MOUNTS = """\
/dev/vda / ext4 rw,relatime 0 0
server:/export /mnt/clinic nfs4 rw,relatime 0 0
//fileserver/share /mnt/smb\\040share cifs rw 0 0
tmpfs /tmp tmpfs rw 0 0
/dev/vdb /mnt/clinic/local ext4 rw 0 0
"""

MAC_MOUNTS = """\
/dev/disk1s1 on / (apfs, local, journaled)
//user@server/share on /Volumes/share (smbfs, nodev, nosuid, mounted by user)
"""


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/mnt/clinic/tracker.sqlite", "nfs4"),
        ("/mnt/smb share/tracker.sqlite", "cifs"),
        ("/mnt/clinic/local/tracker.sqlite", "ext4"),  # a local disk mounted inside the share
        ("/home/nurse/tracker.sqlite", "ext4"),
        ("/tmp/tracker.sqlite", "tmpfs"),
    ],
)
def test_the_longest_mount_point_decides_the_type(path: str, kind: str) -> None:
    assert filesystems.mount_type(Path(path), LINUX_MOUNTS) == kind


def test_macos_mount_output_is_read_too() -> None:
    assert filesystems.mount_type(Path("/Volumes/share/t.sqlite"), MAC_MOUNTS) == "smbfs"
    assert filesystems.mount_type(Path("/Users/a/t.sqlite"), MAC_MOUNTS) == "apfs"


def test_a_database_on_a_network_drive_is_refused_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(filesystems, "network_filesystem", lambda path: "nfs4")
    target = tmp_path / "shared.sqlite"
    with pytest.raises(NotADatabaseError, match=r"on a network drive \(nfs4\)"):
        open_database(target)
    assert not target.exists()


def test_a_local_file_is_not_a_network_drive(tmp_path: Path) -> None:
    assert filesystems.network_filesystem(tmp_path / "new.sqlite") is None
