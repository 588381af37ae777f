"""Secrets for non-production settings: generated once into the data directory.

There is no fixed default secret anywhere in the code: each installation makes its own.
"""

import secrets
from pathlib import Path


def data_dir_secret(data_dir: Path, name: str) -> str:
    """Read the secret `name` from the data directory, creating it on first use."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
