"""Settings shared by every environment.

Environment variables:
  CASEWORK_DATA_DIR   where the embedded SQLite database and generated secrets live (default ./var)
  DATABASE_URL        PostgreSQL in production, e.g. postgres://user@host/db (default: SQLite file)
  CASEWORK_AUDIT_KEY  HMAC key for the audit chain (kept outside the database)
  CASEWORK_AUDIT_CHECKPOINT_FILE  append-only file of audit chain checkpoints (another volume)
  CASEWORK_API_LIST_RATE  API list requests per user per minute (default 600)
  CASEWORK_MAX_REQUEST_BYTES  the largest request body accepted, in bytes (default 6 MiB:
                      a 5 MiB evidence file and its form); larger is 413 before it is read
  CASEWORK_HOST, CASEWORK_PORT  where `casework serve` listens (default 127.0.0.1:8000);
                      `casework demo-data` prints the same address
"""

import contextlib
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from .files import DIRECTORY_MODE, FILE_MODE, private_directory

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("CASEWORK_DATA_DIR", Path.cwd() / "var")).resolve()

DEBUG = False
ALLOWED_HOSTS: list[str] = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "ninja",
    "axes",
    # multi-factor sign-in (S17, S18): the authenticators (TOTP, recovery codes) of
    # allauth.mfa, which needs allauth.account's models; sign-in itself stays Django's
    # (casework.web.mfa adds the second step; allauth's own views are not routed)
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "casework.core",
    "casework.staff",
    "casework.consumers",
    "casework.cases",
    "casework.coordination",
    "casework.resources",
    "casework.assessments",
    "casework.careplans",
    "casework.complaints",
    "casework.protections",
    "casework.stays",
    "casework.transitions",
    "casework.governance",
    "casework.web",
    "casework.demo",
]

MIDDLEWARE = [
    # first: a body over the limit is refused (413) before anything reads it (S37)
    "casework.web.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # NUL in the query refused, JSON-only API bodies (415), every API error as JSON
    "casework.web.middleware.InputContractMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # the signed-in person's program time zone for the request (issue 13): times shown
    # and typed are local, stored in UTC
    "casework.web.local_time.TimeZoneMiddleware",
    # a form posted into an expired session is kept (sealed, server-side) and put back
    # after sign-in (issue 13); its work runs after the CSRF check
    "casework.web.session_expiry.ResumeFormMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "casework.core.middleware.NoStoreMiddleware",
    # required by allauth.account; no allauth sign-in flow is routed, so it has no flow
    # to resume
    "allauth.account.middleware.AccountMiddleware",
    # the second sign-in step (S17): a session signed in with a password only reaches
    # nothing but that step and sign-out until it gives a second factor
    "casework.web.mfa.MfaMiddleware",
    "casework.web.middleware.ConfidentialityGateMiddleware",
    # API POSTs with an Idempotency-Key header: a retry replays the first response
    "casework.web.idempotency.IdempotencyMiddleware",
    # last, as django-axes asks: turns a locked-out sign-in into the lockout page (S14)
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "casework.urls"
WSGI_APPLICATION = "casework.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
            ],
        },
    },
]


def sqlite_database(path: Path) -> dict[str, Any]:
    """The embedded default: WAL, synchronous=FULL, IMMEDIATE transactions (S46).

    Connections persist (per thread, as on PostgreSQL): opening one costs more than a
    whole API read (the file, the PRAGMAs, the SQL functions), so each request thread
    keeps its own."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "CONN_MAX_AGE": None,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=FULL;"
                "PRAGMA foreign_keys=ON;PRAGMA busy_timeout=20000;"
            ),
        },
    }


if os.environ.get("DATABASE_URL"):
    DATABASES: dict[str, Any] = {
        "default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)
    }
else:
    private_directory(DATA_DIR)
    DATABASES = {"default": sqlite_database(DATA_DIR / "casework.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "staff.User"
# Brute-force throttling (S14) with django-axes: five failed sign-ins for a username lock
# it for fifteen minutes, whatever address they come from; a success resets the count.
# Usernames are matched case-insensitively, as they are unique (staff.User). The address
# recorded is REMOTE_ADDR only (core.actor.client_address): X-Forwarded-For is not
# trusted, so a client can neither reset its count nor lock out someone else by forging it.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "casework.staff.services.accounts.sign_in_username"
AXES_CLIENT_IP_CALLABLE = "casework.core.actor.client_address"
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are in the audit trail already (core.auth_audit)
# axes.W006 asks to also lock by address. Staff sign in from shared clinic networks, where
# one address is a whole ward: an address lock would let one mistyping colleague (or an
# attacker) lock everyone out. Spraying one password over many usernames is countered by
# the password policy (S15) instead.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "worklist"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
with contextlib.suppress(OSError):  # whitenoise serves from it, and warns when it is absent
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
# Uploaded documents are PHI: owner-only, whatever the umask.
FILE_UPLOAD_PERMISSIONS = FILE_MODE
FILE_UPLOAD_DIRECTORY_PERMISSIONS = DIRECTORY_MODE
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Sessions: a clinical workstation is shared; keep sessions short (S11).
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Signed-in pages warn this long before the idle timeout (SESSION_COOKIE_AGE) with a
# "Stay signed in" button; a form posted after it is put back after sign-in within
# CASEWORK_FORM_RESUME_SECONDS (casework.web.session_expiry).
CASEWORK_SESSION_WARNING_SECONDS = int(os.environ.get("CASEWORK_SESSION_WARNING_SECONDS", "120"))
CASEWORK_FORM_RESUME_SECONDS = 15 * 60
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Strict CSP with nonces; no inline script or style anywhere (S32).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Request bodies (S37). The server (`casework serve`, waitress) refuses a body over
# CASEWORK_MAX_REQUEST_BYTES with 413 before reading it, and cuts off a chunked body when
# it passes the limit; RequestSizeLimitMiddleware does the same from Content-Length under
# any other server. Django keeps form fields to DATA_UPLOAD_MAX_MEMORY_SIZE and spools an
# uploaded file to disk only past FILE_UPLOAD_MAX_MEMORY_SIZE (never past the limit).
CASEWORK_MAX_REQUEST_BYTES = int(os.environ.get("CASEWORK_MAX_REQUEST_BYTES", 6 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # Django's default, written down
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 5
FILE_UPLOAD_MAX_MEMORY_SIZE = CASEWORK_MAX_REQUEST_BYTES

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The audit chain's HMAC key never lives in the database (S24).
CASEWORK_AUDIT_KEY = os.environ.get("CASEWORK_AUDIT_KEY", "")
# The append-only file the sealer writes a checkpoint to after each batch, outside the
# database (core.audit_checkpoints). Development and tests default to one in the data
# directory; production requires an explicit path on another volume (docs/audit.md).
CASEWORK_AUDIT_CHECKPOINT_FILE = os.environ.get("CASEWORK_AUDIT_CHECKPOINT_FILE", "")
# Per-user limit on API list requests per minute (S37; casework.core.api.ListRateThrottle).
CASEWORK_API_LIST_RATE = int(os.environ.get("CASEWORK_API_LIST_RATE", "600"))
# Reminders for work items are due this long before the work item itself.
CASEWORK_REMINDER_LEAD_HOURS = 24
# Multi-factor sign-in (S17): required of every staff user under production settings;
# optional elsewhere (a user who enrolled is still asked). MFA_ADAPTER encrypts the
# authenticator secrets at rest (S18).
CASEWORK_MFA_REQUIRED = False
MFA_ADAPTER = "casework.web.mfa.MfaAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
CASEWORK_MFA_MAX_FAILURES = 5
# How long a declared emergency (break-glass, N2, S19) opens a consumer's records.
CASEWORK_BREAK_GLASS_MINUTES = int(os.environ.get("CASEWORK_BREAK_GLASS_MINUTES", "60"))
CASEWORK_PRODUCTION = False
# Where `casework serve` listens by default, and so the address `demo-data` prints.
CASEWORK_HOST = os.environ.get("CASEWORK_HOST", "127.0.0.1")
CASEWORK_PORT = int(os.environ.get("CASEWORK_PORT", "8000"))
# The sign-in page says where the demo accounts are (development settings only).
CASEWORK_DEMO_HINT = False

# No consumer data in any log line (S34): casework.core.logs.configure installs a log
# record factory that drops exception messages and SQL parameters from every record.
LOGGING_CONFIG = "casework.core.logs.configure"

# Hospital stays (docs/stays.md). Calendar-day clocks end at midnight facility time.
CASEWORK_FACILITY_TIME_ZONE = os.environ.get("CASEWORK_FACILITY_TIME_ZONE", "America/Chicago")
# IM within 2 calendar days of inpatient admission (42 CFR 405.1205(b)).
CASEWORK_IM_DAYS = 2
# The shipped DRG table (stays/data/drg/<version>.json) used for titles and GMLOS.
CASEWORK_STAYS_DRG_TABLE = os.environ.get("CASEWORK_STAYS_DRG_TABLE", "demo-v42")
# The review criteria set shipped in stays/data/criteria (<id>-<version>).
CASEWORK_STAYS_CRITERIA = "casework-open-um-2026.1"
# The avoidable-days taxonomy shipped in stays/data/avoidable (<id>-<version>; H3).
CASEWORK_STAYS_AVOIDABLE_TAXONOMY = "casework-avoidable-2026.1"
# The denial reason categories (stays/data/denials/<key>.json; docs/stays.md).
CASEWORK_STAYS_DENIAL_TAXONOMY = "casework-denial-reasons-2026.1"
# Denial education (prevention): COUNT denials of one reason category for one attending or
# unit received within DAYS (the newest denial's day counted as day 1) open one education
# item for the program's physician advisor, due DUE_DAYS calendar days after it opens.
CASEWORK_STAYS_DENIAL_EDUCATION_COUNT = 3
CASEWORK_STAYS_DENIAL_EDUCATION_DAYS = 90
CASEWORK_STAYS_DENIAL_EDUCATION_DUE_DAYS = 30
# The largest document attached to a stay (bytes; within CASEWORK_MAX_REQUEST_BYTES).
CASEWORK_STAYS_DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
# Continued-stay review interval and the physician advisor's turnaround (program policy).
CASEWORK_STAYS_REVIEW_HOURS = 24
CASEWORK_ADVISOR_REVIEW_HOURS = 24
# Written notice of a not-necessary determination: 2 days (42 CFR 482.30(d)(3); the day
# type is not stated, so calendar days by default).
CASEWORK_UR_NOTICE_DAYS = 2

# Transitions of care (docs/transitions.md; regulatory-timers.md C). The follow-up contact
# is due this many hours after discharge (72: Project RED, HEDIS TRC), or, when
# CASEWORK_FOLLOW_UP_BUSINESS_DAYS is set, by the end of that business day; it escalates
# after this many failed attempts. Programs that bill TCM track its 2-business-day
# interactive contact. The receiving provider confirms the handoff within this many hours;
# a referral unanswered or not completed this many days is stalled.
CASEWORK_FOLLOW_UP_HOURS = int(os.environ.get("CASEWORK_FOLLOW_UP_HOURS", "72"))
CASEWORK_FOLLOW_UP_BUSINESS_DAYS = int(os.environ.get("CASEWORK_FOLLOW_UP_BUSINESS_DAYS", "0"))
CASEWORK_FOLLOW_UP_MAX_FAILED = int(os.environ.get("CASEWORK_FOLLOW_UP_MAX_FAILED", "2"))
CASEWORK_TCM_BILLED = os.environ.get("CASEWORK_TCM_BILLED", "1") == "1"
CASEWORK_HANDOFF_RECEIPT_HOURS = int(os.environ.get("CASEWORK_HANDOFF_RECEIPT_HOURS", "24"))
CASEWORK_REFERRAL_STALLED_DAYS = int(os.environ.get("CASEWORK_REFERRAL_STALLED_DAYS", "7"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "casework.core.logs.RedactFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # The serve sweeper runs tasks in-process: log task failures, not every run.
        "django.tasks": {"level": "WARNING"},
        "django.db.backends": {"filters": ["redact"]},
    },
}

# Backups (casework backup / restore, docs/operations.md): the key that encrypts archives,
# as base64 text, or the path of a file holding it, on a volume apart from the database
# and the archives (refused otherwise). Dumps are staged in CASEWORK_BACKUP_TMPDIR (default:
# the system's temporary folder), in a folder only this user can read.
CASEWORK_BACKUP_KEY = os.environ.get("CASEWORK_BACKUP_KEY", "")
CASEWORK_BACKUP_KEY_FILE = os.environ.get("CASEWORK_BACKUP_KEY_FILE", "")
CASEWORK_BACKUP_TMPDIR = os.environ.get("CASEWORK_BACKUP_TMPDIR") or None
