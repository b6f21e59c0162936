"""Django settings for Stocktake.

Everything a deployment changes comes from environment variables, so the
same code runs the demo on SQLite and a national government on PostgreSQL:

    STOCKTAKE_DATABASE_URL  sqlite:///path/to/db.sqlite3 (default: var/stocktake.sqlite3)
                            or postgres://user:pass@host:5432/name
    STOCKTAKE_DEBUG         1 for development
    STOCKTAKE_SECRET_KEY    required in production
    STOCKTAKE_ALLOWED_HOSTS comma-separated host names
    STOCKTAKE_DATA_DIR      where the SQLite file and exports live (default: ./var)
    STOCKTAKE_PRODUCTION    1 on a real deployment: secure cookies, HSTS, and a refusal to
                            start with DEBUG on, the default secret key or no allowed hosts
    STOCKTAKE_SECURE_PROXY  1 when a TLS-terminating proxy sets X-Forwarded-Proto
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("STOCKTAKE_DATA_DIR", Path.cwd() / "var")).resolve()

DEFAULT_SECRET_KEY = "stocktake-insecure-development-key-change-me"
SECRET_KEY = os.environ.get("STOCKTAKE_SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = os.environ.get("STOCKTAKE_DEBUG", "0") == "1"
PRODUCTION = os.environ.get("STOCKTAKE_PRODUCTION", "0") == "1"
# In production nobody gets localhost for free: the deployment names its hosts.
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("STOCKTAKE_ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",  # background work (imports, packs, payment runs) queued in the database
    "ninja",  # serves /api/docs from its own static files instead of a CDN (our CSP allows only self)
    "stocktake.web",
    "stocktake.accounts",
    "stocktake.architecture",
    "stocktake.monitoring",
    "stocktake.collection",
    "stocktake.plans",
    "stocktake.routines",
    "stocktake.incentives",
    "stocktake.evaluations",
    "stocktake.problems",
    "stocktake.demo",
    "stocktake.onboarding",
    "stocktake.public",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the one chosen with the switcher (a cookie), else the browser's Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "stocktake.accounts.security.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "stocktake.web.middleware.RefuseUnreadableFields",
    "stocktake.web.busy.DatabaseTroubleMiddleware",
]

ROOT_URLCONF = "stocktake.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "stocktake.web.context.stocktake",
            ],
            # period_label: every template prints a period in words without loading a library
            "builtins": ["stocktake.architecture.templatetags.periods"],
        },
    },
]

WSGI_APPLICATION = "stocktake.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("STOCKTAKE_DATABASE_URL", f"sqlite:///{DATA_DIR / 'stocktake.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, grouping the partitioned values' tables by their whole key (docs/decisions/0007)
    DATABASES["default"]["ENGINE"] = "stocktake.monitoring.pgbackend"
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web server read while an import writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    # One writer at a time: the others wait this many seconds for their turn (SQLite's busy timeout)
    # before "database is locked", which stocktake.web.busy answers with 503 and Retry-After.
    DATABASES["default"]["OPTIONS"]["timeout"] = float(os.environ.get("STOCKTAKE_SQLITE_BUSY_SECONDS", 20))
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# PostgreSQL: how long a web request waits for a row another writer holds before a 503 with Retry-After
# (stocktake.web.busy.limit_lock_waits, applied by the web server only; the worker's jobs wait their turn).
STOCKTAKE_PG_LOCK_SECONDS = float(os.environ.get("STOCKTAKE_PG_LOCK_SECONDS", 20))

# Job progress and heartbeats are written on a second connection to the same database, so other
# processes see them while the job's own transaction is still open (see collection/jobs.py).
DATABASES["jobs"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
STOCKTAKE_JOBS_DATABASE = "jobs"  # the in-process tests write progress on "default", inside their transaction
if DATABASES["jobs"]["ENGINE"].endswith("sqlite3"):
    # SQLite has one writer: a progress write waits at most a moment behind the import's lock, then skips.
    DATABASES["jobs"]["OPTIONS"] = {**DATABASES["default"]["OPTIONS"], "timeout": 0.2}

# Background work through Django's tasks framework, stored in the database; `stocktake worker` runs it
# (`stocktake serve` starts one beside the web server).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
STOCKTAKE_IMPORT_INLINE_BYTES = int(os.environ.get("STOCKTAKE_IMPORT_INLINE_BYTES", 2 * 1024 * 1024))
# Queued work older than this with no task running: /api/health says the worker has stopped (503).
STOCKTAKE_WORKER_STALE_SECONDS = int(os.environ.get("STOCKTAKE_WORKER_STALE_SECONDS", 120))
STOCKTAKE_JOB_STALE_SECONDS = int(os.environ.get("STOCKTAKE_JOB_STALE_SECONDS", 15 * 60))
# Printed packs and reports: the government named on their covers (default: the national org unit's name) and
# the paper ("a4" or "letter"; default: Letter for readers whose browser language names a Letter country, else A4).
STOCKTAKE_GOVERNMENT = os.environ.get("STOCKTAKE_GOVERNMENT", "")
STOCKTAKE_PAPER = os.environ.get("STOCKTAKE_PAPER", "").lower()
# Separation of duties: whoever wrote a value's current version may not validate or publish it. "1" relaxes the
# rule for a delivery unit of one person; every decision it lets through says so in the audit trail.
STOCKTAKE_ALLOW_SELF_VERIFY = os.environ.get("STOCKTAKE_ALLOW_SELF_VERIFY", "0") == "1"
# The month the government's financial year starts in (1-12 or a month name): what "2005/06 Q1" in a file means.
STOCKTAKE_FINANCIAL_YEAR_START = os.environ.get("STOCKTAKE_FINANCIAL_YEAR_START", "4")
# Observers (read-only auditors, donors) read published values only unless this is on (decision 0005).
STOCKTAKE_OBSERVERS_READ_UNPUBLISHED = os.environ.get("STOCKTAKE_OBSERVERS_READ_UNPUBLISHED", "0") == "1"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["stocktake.accounts.backends.LockoutModelBackend"]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Rate limits and lockout (stocktake.accounts.throttle) count in Django's cache.
# One process (waitress) shares its memory cache; several processes need a
# shared cache: set STOCKTAKE_CACHE_TABLE and run `stocktake createcachetable`.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "stocktake"}}
if os.environ.get("STOCKTAKE_CACHE_TABLE"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": os.environ["STOCKTAKE_CACHE_TABLE"],
    }
STOCKTAKE_LOGIN_LIMIT = (120, 60)  # attempts per client address per seconds (argon2 costs CPU)
STOCKTAKE_LOGIN_FAIL_LIMIT = (30, 10 * 60)  # failed attempts per client address per seconds
STOCKTAKE_LOCKOUT = (5, 15 * 60)  # failures per user name, then locked for seconds
STOCKTAKE_TOKEN_LIMIT = (10, 60)  # token creations per user per seconds
STOCKTAKE_BAD_TOKEN_LIMIT = (20, 60)  # unknown bearer tokens per client address per seconds
STOCKTAKE_TOKEN_DAYS = 90  # default and maximum lifetime of an API token
# API requests per caller (a user, or a client address for the public) per seconds; "off" for none.
_api_rate = os.environ.get("STOCKTAKE_API_RATE", "600/60")
STOCKTAKE_API_RATE = None if _api_rate == "off" else tuple(int(n) for n in _api_rate.split("/", 1))

LANGUAGE_CODE = "en"
# The language the government writes its names and descriptions in; translations into the others are entered
# beside them (architecture.translations). Blank: LANGUAGE_CODE.
STOCKTAKE_CONTENT_LANGUAGE = os.environ.get("STOCKTAKE_CONTENT_LANGUAGE", "")
# The government's IATI organisation identifier: the reporting-org of the IATI export and the prefix of each
# activity's iati-identifier (docs/public.md, "IATI").
STOCKTAKE_IATI_ORG_REF = os.environ.get("STOCKTAKE_IATI_ORG_REF", "XX-STOCKTAKE")
# The languages of the delivery units in the seeds: English, Spanish (Latin America), Portuguese (one "pt"
# catalogue for Brazil and Lusophone Africa: a pt-BR or pt-PT browser gets it), French (Africa, Canada).
# Each app keeps its catalogues in its own locale/<lang>/LC_MESSAGES/django.po (docs/public.md, "Languages").
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("pt", "Português"),
    ("fr", "Français"),
]
# The plain-Python engine (delivery/) is no Django app, so its catalogues are named here (delivery/text.py).
# The engine (plain Python, no app) and the project's own modules (the API's refusals) have no app config to
# find their catalogues by.
LOCALE_PATHS = [Path(__file__).resolve().parent / "delivery" / "locale", Path(__file__).resolve().parent / "locale"]
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Only our own scripts (the vendored htmx and Vega bundle, charts.js). Styles may
# be inline because Vega and htmx inject <style> elements; styles cannot run code.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = os.environ.get("STOCKTAKE_SSL_REDIRECT", "1") == "1"
    if os.environ.get("STOCKTAKE_SECURE_PROXY") == "1":
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    from stocktake.accounts.production import refuse_insecure_production

    refuse_insecure_production(
        debug=DEBUG, secret_key=SECRET_KEY, allowed_hosts=ALLOWED_HOSTS, default_secret_key=DEFAULT_SECRET_KEY
    )
EMAIL_BACKEND = os.environ.get("STOCKTAKE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("STOCKTAKE_FROM_EMAIL", "stocktake@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Generated vendor assets (the Vega bundle from vl-convert) live outside the
# package so an installed copy stays read-only.
VENDOR_STATIC_DIR = DATA_DIR / "vendor-static"
STATICFILES_DIRS = [VENDOR_STATIC_DIR]
