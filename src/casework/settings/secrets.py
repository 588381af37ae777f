"""Secrets for non-production settings: generated once into the data directory.

There is no fixed default secret anywhere in the code: each installation makes its own.
"""

import os
import secrets
from pathlib import Path

from .files import FILE_MODE, private_directory


def data_dir_secret(data_dir: Path, name: str) -> str:
    """Read the secret `name` from the data directory, creating it (0600 from the start,
    never readable by others in between) on first use."""
    private_directory(data_dir)
    path = data_dir / name
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
