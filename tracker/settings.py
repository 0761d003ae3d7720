"""Settings, all read from the environment.

Local defaults are safe: with nothing set you get a production-shaped
configuration that refuses to start until DJANGO_SECRET_KEY and
DJANGO_ALLOWED_HOSTS are given. `make run` writes a git-ignored `.env` with
DJANGO_DEBUG=1 and a random key; it is read here, and real environment
variables win over it.
"""

import datetime
import ipaddress
import json
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def read_env_file(path):
    """Put the KEY=value lines of a .env file into os.environ, where the environment has no such key.

    Blank lines and # comments are skipped; a value may be wrapped in single or double quotes.
    """
    try:
        lines = Path(path).read_text().splitlines()
    except FileNotFoundError:
        return
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, equals, value = line.removeprefix("export ").partition("=")
        if not equals or not key.strip():
            raise ImproperlyConfigured(f"{path}, line {number}: expected KEY=value, not {line!r}.")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        os.environ.setdefault(key.strip(), value)


# DJANGO_ENV_FILE names another file (tests point it at one of theirs, or at /dev/null for none).
read_env_file(os.environ.get("DJANGO_ENV_FILE") or BASE_DIR / ".env")


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off, not {value!r}.")


def env_list(name):
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def env_int(name, default=0):
    value = os.environ.get(name, "")
    if value == "":
        return default
    if not value.isdigit():
        raise ImproperlyConfigured(f"{name} must be a whole number (0 or more), not {value!r}.")
    return int(value)


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

if DEBUG:
    SECRET_KEY = SECRET_KEY or "django-insecure-local-development-only"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]
else:
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a random string of at least 50 characters "
            "when DJANGO_DEBUG is off. Generate one with: python -c "
            "'import secrets; print(secrets.token_urlsafe(64))'. "
            "For local development set DJANGO_DEBUG=1 instead (make run does)."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS must list the host names this site answers to "
            "(comma-separated, e.g. arms.example.org) when DJANGO_DEBUG is off."
        )
    # Only a configured proxy's X-Forwarded-Proto counts: TrustedProxyMiddleware drops anyone else's.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
    # HTTPS only: off by default so that a plain-HTTP test deployment works; see docs/operations.md, "Production".
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT")
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS")
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served as our own static files
    "corsheaders",
    "reversion",
    "axes",
    "django_tasks",  # the backport of Django 6's tasks API (docs/operations.md, "Jobs worker")
    "django_tasks_db",  # its database backend: the queue is a table of our own database
    "tracker",
]

# Background jobs (tracker/jobs/): the queue is a table in the same database, so the embedded
# default needs no other server and workers on any number of machines share PostgreSQL.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
JOBS_HEARTBEAT_SECONDS = env_int("DJANGO_JOBS_HEARTBEAT_SECONDS", 5)
JOBS_LEASE_SECONDS = env_int("DJANGO_JOBS_LEASE_SECONDS", 60)  # no heartbeat for this long: the worker died
JOBS_PROGRESS_FILE = os.environ.get("DJANGO_JOBS_PROGRESS_FILE")  # SQLite only; default: the database file + -jobs

# Evidence fetches (tracker/evidence/): only public addresses, except the host:port entries named
# here (a test's local server, a closed network's mirror), matched against the URL's host:port and
# each address it resolves to; the body cap stops reading, not buffering.
EVIDENCE_ALLOWED_HOSTS = env_list("EVIDENCE_ALLOWED_HOSTS")
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 25 * 1024 * 1024)
EVIDENCE_CONNECT_TIMEOUT = env_int("EVIDENCE_CONNECT_TIMEOUT", 10)
EVIDENCE_READ_TIMEOUT = env_int("EVIDENCE_READ_TIMEOUT", 30)  # seconds without a byte
EVIDENCE_TOTAL_SECONDS = env_int("EVIDENCE_TOTAL_SECONDS", 300)  # a server dripping bytes is cut off here
EVIDENCE_CA_CERTS = os.environ.get("EVIDENCE_CA_CERTS") or None  # a PEM file of roots; unset: the system's
EVIDENCE_TEXT_MAX_BYTES = env_int("EVIDENCE_TEXT_MAX_BYTES", 3 * 1024 * 1024)  # larger pages: kept, text not extracted
EVIDENCE_CAPTURE = env_bool(
    "EVIDENCE_CAPTURE", True
)  # a source saved with a new URL queues a capture; 0: only on request
EVIDENCE_MAX_ATTEMPTS = env_int("EVIDENCE_MAX_ATTEMPTS", 4)  # network failures retry with backoff up to this
EVIDENCE_CHECK_EVERY_HOURS = env_int("EVIDENCE_CHECK_EVERY_HOURS", 24)  # run_jobs queues check_sources; 0: never
# Kept copies are the publishers' work: curators see them; the public only where the instance may share them.
EVIDENCE_PUBLIC = env_bool("EVIDENCE_PUBLIC")
# Where kept copies are stored: a folder (git-ignored) by default, or any Django storage (docs/operations.md).
EVIDENCE_ROOT = Path(os.environ.get("EVIDENCE_ROOT") or BASE_DIR / "evidence")
# Releases (issue 25): dated, write-once freezes of every published record, in a folder (git-ignored) or any storage.
RELEASES_ROOT = Path(os.environ.get("RELEASES_ROOT") or BASE_DIR / "release-files")
# The site's address in a release's record links (https://tracker.example.org); unset: the address the button was
# pressed at, or make_release --base-url (default http://localhost:8000).
RELEASES_BASE_URL = os.environ.get("RELEASES_BASE_URL", "").rstrip("/")

MIDDLEWARE = [
    "tracker.middleware.TrustedProxyMiddleware",  # first: forwarded headers only from DJANGO_TRUSTED_PROXIES
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",  # CORS on /api/ only (CORS_URLS_REGEX), errors included
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tracker.api.problems.ProblemDetailsMiddleware",  # any error under /api/ as application/problem+json
    "tracker.middleware.RefuseUnusableInputMiddleware",  # before CsrfViewMiddleware, which reads a form body
    "tracker.routing.ReadReplicaMiddleware",  # before sessions: a session saved is a write that pins
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tracker.middleware.RefuseNulInFormsMiddleware",  # a form read only once CSRF passed
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Unset DATABASE_URL means the embedded SQLite file; postgres://… means PostgreSQL (psycopg 3).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=0 if DEBUG else 60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and a command share the file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: compiling a plan costs 100 ms or more, and a page's queries (subqueries that check what the
    # public may see) are estimated costly enough to trigger it while they run in milliseconds.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

# PostgreSQL streaming replicas for reads (docs/operations.md, "Read replicas"): comma-separated URLs, each an
# alias replica1, replica2, …; tracker/routing.py sends the public side's reads there, all else to default.
DATABASE_REPLICAS = []
for number, url in enumerate(env_list("DATABASE_REPLICA_URLS"), 1):
    replica = dj_database_url.parse(url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True)
    if "postgresql" not in DATABASES["default"]["ENGINE"] or "postgresql" not in replica["ENGINE"]:
        raise ImproperlyConfigured("DATABASE_REPLICA_URLS needs PostgreSQL: a postgres:// DATABASE_URL and replicas.")
    DATABASES[f"replica{number}"] = {**replica, "TEST": {"MIRROR": "default"}}
    DATABASE_REPLICAS.append(f"replica{number}")
DATABASE_ROUTERS = ["tracker.routing.ReplicaRouter"]
# How long a browser that wrote reads the primary: longer than the replicas ever lag.
DATABASE_REPLICA_PIN_SECONDS = env_int("DATABASE_REPLICA_PIN_SECONDS", 10)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
FORMAT_MODULE_PATH = ["tracker.locale_formats"]  # ISO dates in the admin
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "assets"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")  # nginx serves it in production
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Write-once copies of cited pages, named by their SHA-256 (tracker/evidence/storage.py).
    "evidence": {
        "BACKEND": os.environ.get("EVIDENCE_STORAGE_BACKEND") or "django.core.files.storage.FileSystemStorage",
        "OPTIONS": json.loads(os.environ.get("EVIDENCE_STORAGE_OPTIONS") or "{}")
        or {"location": EVIDENCE_ROOT, "directory_permissions_mode": 0o750, "file_permissions_mode": 0o640},
    },
    # Releases' files, never rewritten (tracker/releases/storage.py).
    "releases": {
        "BACKEND": os.environ.get("RELEASES_STORAGE_BACKEND") or "django.core.files.storage.FileSystemStorage",
        "OPTIONS": json.loads(os.environ.get("RELEASES_STORAGE_OPTIONS") or "{}")
        or {"location": RELEASES_ROOT, "directory_permissions_mode": 0o755, "file_permissions_mode": 0o444},
    },
    "staticfiles": {
        # Hashed, compressed files in production (after collectstatic); plain files locally.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or env_bool("DJANGO_PLAIN_STATIC")
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

LOGIN_URL = "admin:login"

# Login throttling (django-axes): 20 failed logins for one username from one address lock
# that pair out, right password or not, for DJANGO_LOGIN_COOLOFF_HOURS (0: until an admin
# unlocks it). Counting the pair, not the address alone or the username alone, means an
# attacker can neither lock the real admin out from elsewhere nor, behind a proxy, lock
# out everyone who shares its address. See docs/operations.md, "Login throttling".
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out pair before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 20
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = datetime.timedelta(hours=env_int("DJANGO_LOGIN_COOLOFF_HOURS", 1)) or None
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
# The address axes counts: REMOTE_ADDR, or X-Forwarded-For read from the right past this many proxies.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT")
# The reverse proxies whose X-Forwarded-* headers are believed (addresses or networks, comma-separated);
# from any other peer those headers are dropped (tracker.middleware.TrustedProxyMiddleware).
try:
    TRUSTED_PROXIES = [ipaddress.ip_network(item) for item in env_list("DJANGO_TRUSTED_PROXIES")]
except ValueError as error:
    message = f"DJANGO_TRUSTED_PROXIES: {error}; list addresses or networks, comma-separated."
    raise ImproperlyConfigured(message) from error
if TRUSTED_PROXY_COUNT and not TRUSTED_PROXIES:
    raise ImproperlyConfigured(
        "DJANGO_TRUSTED_PROXY_COUNT is set but DJANGO_TRUSTED_PROXIES is not: name the proxy's address "
        "(e.g. 127.0.0.1), or X-Forwarded-For would be dropped from every request."
    )
AXES_CLIENT_IP_CALLABLE = "tracker.security.client_ip"
AXES_VERBOSE = False  # no banner on every manage.py command; lockouts are still logged

# Content-Security-Policy (django-csp 4): only our own files; no inline script, style
# attribute, plugin, framing or foreign form target, the admin included.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# The read-only JSON API (tracker/api/, docs/api.md): Django REST framework, no authentication
# (published records only, the same for everyone), throttled per client address.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "tracker.api.bulk.JSONLinesRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_THROTTLE_CLASSES": ["tracker.api.throttling.ClientThrottle"],
    "DEFAULT_THROTTLE_RATES": {"client": os.environ.get("DJANGO_API_RATE", "30/second")},
    "EXCEPTION_HANDLER": "tracker.api.problems.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Arms Request Tracker API",
    "DESCRIPTION": "Published arms requests and deployments, read-only. Lists take the query parameters of "
    "their page (/requests/, /deployments/) and page with cursors; add ?format=jsonl for every row as JSON Lines. "
    "Each record also reads at any of its published versions (/api/requests/<id>/versions/<n>/), the state its "
    "permanent page (/requests/<id>/v/<n>/) shows for good.",
    "VERSION": "1",
    # 3.1: a nullable nested object is oneOf [it, null]; 3.0's allOf + nullable leaves null invalid to validators.
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "PREPROCESSING_HOOKS": ["tracker.api.docs.documented_endpoints"],
    "ENUM_NAME_OVERRIDES": {
        "DatePrecisionEnum": "tracker.dates.DatePrecision",
        "CountryKindEnum": "tracker.models.CountryKind",
        "SourceKindEnum": "tracker.models.SourceKind",
        "RequestStatusEnum": "tracker.models.RequestStatus",
        "DeploymentStatusEnum": "tracker.models.DeploymentStatus",
        "ReliabilityEnum": "tracker.models.Reliability",  # a source's grade, in records and in claims
    },
}
# Any origin may read the API (GET, HEAD, OPTIONS); nothing else of the site is shared.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]
CORS_PREFLIGHT_MAX_AGE = 86400

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
