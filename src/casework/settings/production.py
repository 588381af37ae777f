"""Production settings: every secret from the environment, TLS-only cookies, HSTS (S31, S32).

casework serves plain HTTP behind a TLS-terminating reverse proxy (docs/deploy.md):

  DJANGO_SECRET_KEY        required; at least 50 characters of real entropy
  CASEWORK_AUDIT_KEY       required; at least 32 characters of real entropy
  CASEWORK_ALLOWED_HOSTS   the host names served, comma-separated
  CASEWORK_TRUSTED_PROXY   the address of the reverse proxy (e.g. 127.0.0.1). Only a
                           request from that address may say, with X-Forwarded-Proto:
                           https, that it came in over TLS (and, with X-Forwarded-For,
                           from which client). Unset: every request is taken as plain
                           HTTP and redirected to https://, so nothing is served.

Generate a key with: python -c "import secrets; print(secrets.token_urlsafe(48))"
"""

import math
import os
from collections import Counter
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

# Minimum strength of a secret: length, and bits estimated from the characters used
# (Shannon entropy per character x length). A 48-byte token_urlsafe has ~350 bits.
SECRET_MIN_BITS = 128


def _required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production")
    return value


def secret_bits(value: str) -> float:
    """An estimate of the entropy of `value` from its character frequencies."""
    if not value:
        return 0.0
    counts = Counter(value)
    per_char = -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())
    return per_char * len(value)


def strong_secret(name: str, *, min_length: int) -> str:
    """The secret `name` from the environment; refuses to start on a short or repetitive
    one, with a message saying how to make a good one."""
    value = _required(name)
    if len(value) < min_length or secret_bits(value) < SECRET_MIN_BITS:
        raise ImproperlyConfigured(
            f"{name} is too weak: use at least {min_length} random characters, e.g. "
            '`python -c "import secrets; print(secrets.token_urlsafe(48))"`'
        )
    return value


SECRET_KEY = strong_secret("DJANGO_SECRET_KEY", min_length=50)
CASEWORK_AUDIT_KEY = strong_secret("CASEWORK_AUDIT_KEY", min_length=32)
# The audit chain's checkpoints, outside the database and off its volume (S24).
CASEWORK_AUDIT_CHECKPOINT_FILE = _required("CASEWORK_AUDIT_CHECKPOINT_FILE")
if Path(CASEWORK_AUDIT_CHECKPOINT_FILE).resolve().is_relative_to(DATA_DIR):  # noqa: F405
    raise ImproperlyConfigured(
        "CASEWORK_AUDIT_CHECKPOINT_FILE must not be in the data directory: put it on "
        "another volume than the database (docs/audit.md)"
    )
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("CASEWORK_ALLOWED_HOSTS", "").split(",") if h]
CASEWORK_PRODUCTION = True
CASEWORK_MFA_REQUIRED = True  # every staff role gives a second factor (S17)
DEBUG = False

# Behind the TLS-terminating proxy. `casework serve` gives waitress the proxy's address
# (trusted_proxy): waitress honours X-Forwarded-Proto/-For only from that address and
# strips them from every other peer, so Django may then read the scheme from the header.
CASEWORK_TRUSTED_PROXY = os.environ.get("CASEWORK_TRUSTED_PROXY", "").strip()
if CASEWORK_TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
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
# Static files come from STATIC_ROOT (`casework collectstatic`), hashed and compressed.
WHITENOISE_USE_FINDERS = False
