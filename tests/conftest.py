"""Shared fixtures. Qt runs offscreen unless a display is asked for explicitly."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Preferences, the default database, backups and logs of every test, and of every process a
# test starts, go to a throwaway folder rather than the user's own.
_USER_FOLDERS = tempfile.mkdtemp(prefix="tracker-tests-")
atexit.register(shutil.rmtree, _USER_FOLDERS, ignore_errors=True)
for _variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
    os.environ[_variable] = os.path.join(_USER_FOLDERS, _variable.lower())
