"""Production settings: every secret from the environment, TLS-only cookies, HSTS (S31, S32)."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def _required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production")
    return value


SECRET_KEY = _required("DJANGO_SECRET_KEY")
CASEWORK_AUDIT_KEY = _required("CASEWORK_AUDIT_KEY")
# The audit chain's checkpoints, outside the database and off its volume (S24).
CASEWORK_AUDIT_CHECKPOINT_FILE = _required("CASEWORK_AUDIT_CHECKPOINT_FILE")
if Path(CASEWORK_AUDIT_CHECKPOINT_FILE).resolve().is_relative_to(DATA_DIR):  # noqa: F405
    raise ImproperlyConfigured(
        "CASEWORK_AUDIT_CHECKPOINT_FILE must not be in the data directory: put it on "
        "another volume than the database (docs/audit.md)"
    )
ALLOWED_HOSTS = [h for h in os.environ.get("CASEWORK_ALLOWED_HOSTS", "").split(",") if h]
CASEWORK_PRODUCTION = True
DEBUG = False
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
