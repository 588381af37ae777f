"""Local settings for `make run`: embedded SQLite, generated secrets in the data directory."""

import os

from .base import *  # noqa: F403
from .base import DATA_DIR
from .secrets import data_dir_secret

DEBUG = os.environ.get("CASEWORK_DEBUG", "") == "1"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or data_dir_secret(DATA_DIR, "secret.key")
CASEWORK_AUDIT_KEY = os.environ.get("CASEWORK_AUDIT_KEY") or data_dir_secret(DATA_DIR, "audit.key")
# Development only: beside the database. Production requires a path on another volume.
CASEWORK_AUDIT_CHECKPOINT_FILE = os.environ.get("CASEWORK_AUDIT_CHECKPOINT_FILE") or str(
    DATA_DIR / "audit-checkpoints.log"
)
# The sign-in page tells a newcomer where `demo-data` wrote the demo accounts.
CASEWORK_DEMO_HINT = True
