"""Settings for the test suite: the same as dev, with fast password hashing."""

import os

from .base import *  # noqa: F403
from .base import PASSWORD_HASHERS as PRODUCTION_PASSWORD_HASHERS

SECRET_KEY = "test-only-secret-key-not-used-anywhere-else-0123456789"  # noqa: S105
CASEWORK_AUDIT_KEY = os.environ.get("CASEWORK_AUDIT_KEY", "test-only-audit-key")
# Each test gets a file of its own (tests/conftest.py), as each gets an empty database.
CASEWORK_AUDIT_CHECKPOINT_FILE = os.environ.get("CASEWORK_AUDIT_CHECKPOINT_FILE") or str(
    DATA_DIR / "audit-checkpoints.log"  # noqa: F405
)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PRODUCTION_PASSWORD_HASHERS]

# SQLite's audit triggers (core migration 0005) refuse UPDATE and DELETE unless unlocked;
# the test runner empties tables with DELETE between transactional tests.
CASEWORK_AUDIT_UNLOCKED = True

# PostgreSQL refuses TRUNCATE on the audit tables (core migration 0004) unless the
# session allows it; the test runner empties tables with TRUNCATE between tests.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # A test database is thrown away: its commits need not wait for the WAL to reach the
    # disk (the browser journeys and the servers the tests start commit every request).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (  # noqa: F405
        "-c casework.allow_truncate=on -c synchronous_commit=off"
    )

# WhiteNoise scans every static file when its middleware is built, and the test client
# builds the middleware stack once per Client: about a tenth of the suite's CPU went to
# re-reading the same ~200 files. Looking a file up when a /static/ URL is asked for
# (what it does under DEBUG) serves the same files with the same headers.
WHITENOISE_AUTOREFRESH = True
