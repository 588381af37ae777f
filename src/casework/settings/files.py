"""Private files: what the product writes holds PHI or secrets (S-checklist, issue 12).

The data directory is 0700 and the files in it 0600, whatever umask the process was
started with: `PRIVATE_UMASK` is set by the console entry point (`casework.cli`) and
the WSGI module; the SQLite files are also chmod'ed when a connection opens
(`core.db`), and uploads get explicit modes (settings.base).
"""

import os
from pathlib import Path

PRIVATE_UMASK = 0o077
FILE_MODE = 0o600
DIRECTORY_MODE = 0o700


def private_directory(path: Path) -> Path:
    """Create `path` (and its parents) and make it 0700 if this user owns it."""
    path.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
    if path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o777 != DIRECTORY_MODE:
        path.chmod(DIRECTORY_MODE)
    return path


def private_file(path: Path) -> None:
    """Make an existing file 0600 (a missing one is left alone)."""
    try:
        if path.stat().st_mode & 0o777 != FILE_MODE:
            path.chmod(FILE_MODE)
    except FileNotFoundError:
        pass
