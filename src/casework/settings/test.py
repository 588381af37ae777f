"""Settings for the test suite: the same as dev, with fast password hashing."""

import os

from .base import *  # noqa: F403
from .base import PASSWORD_HASHERS as PRODUCTION_PASSWORD_HASHERS

SECRET_KEY = "test-only-secret-key-not-used-anywhere-else-0123456789"  # noqa: S105
CASEWORK_AUDIT_KEY = os.environ.get("CASEWORK_AUDIT_KEY", "test-only-audit-key")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PRODUCTION_PASSWORD_HASHERS]
