"""Settings for bkk1555, read from the environment (12-factor).

Every variable has a safe local default so `make demo` works with nothing set;
production must set SECRET_KEY, DEBUG=false, ALLOWED_HOSTS, DATABASE_URL,
REDIS_URL, the LINE channel secret and token and PUBLIC_BASE_URL (see the
system checks in bkk1555/checks.py).
"""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_float, env_int, env_list, env_str
from .redisconf import celery_transport_options, is_sentinel
from .settings_parts import CSP, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("BKK1555_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "insecure-local-only-key-change-me-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
DEMO_MODE = env_bool("DEMO_MODE", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "bkk1555.apps.Bkk1555Config",
    "agencies",
    "complaints",
    "line_oa",
    "notices",
    "audits",
    "reports",
    "api",
    "privacy",
    "drf_spectacular_sidecar",
    "csp",
]

MIDDLEWARE = [
    "bkk1555.observability.RequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bkk1555.middleware.ThaiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it must see the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "bkk1555.urls"
WSGI_APPLICATION = "bkk1555.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
            # One date format and names in the reader's language on every page, without a {% load %} to forget.
            "builtins": ["bkk1555.templatetags.thaidates", "bkk1555.templatetags.localized"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
# Connection handling: persistent connections (DB_CONN_MAX_AGE, default 60 s) suit gunicorn's
# sync workers, one connection per process; DB_POOL=true switches to Django's psycopg pool
# (for threaded workers). PgBouncer, if used, must run in session mode: the beat's leader lock
# and the reminder sweep rely on session state. Why: docs/capacity.md.
DB_POOL = env_bool("DB_POOL", False)
if DB_POOL and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DB_POOL_MIN", 1),
        "max_size": env_int("DB_POOL_MAX", 4),
        "timeout": env_int("DB_POOL_TIMEOUT", 10),
    }
# A streaming replica for the executives' reports and the read-only API lists
# (bkk1555/dbrouter.py); the workflow always uses the primary. Unset → one database.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    # A stopped replica must not hold a report for long: fail fast, read from the primary.
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = 2
    # Tests see the primary's data through the "replica" alias instead of creating a second test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["bkk1555.dbrouter.ReplicaRouter"]
# Reads go back to the primary when the replica is down or further behind than this.
REPLICA_MAX_LAG_SECONDS = env_int("REPLICA_MAX_LAG_SECONDS", 30)
REPLICA_CHECK_SECONDS = env_int("REPLICA_CHECK_SECONDS", 5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo runs web, worker and beat against one SQLite file: wait for locks
    # instead of failing, and take the write lock at BEGIN to avoid upgrade deadlocks.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
# locale_django/th: Thai for Django's own admin strings its catalogue lacks or gets wrong (built by
# locale_django/build.py); after locale/ so makemessages never writes there.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_django"]
USE_I18N = True
TIME_ZONE = "Asia/Bangkok"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Photo originals (with EXIF) and staff thumbnails: outside MEDIA_ROOT, never served as
# open files; complaints/media.py serves them to signed-in staff only.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private_media")))
PRIVATE_MEDIA_URL = "/media/private/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

LOGIN_URL = "admin:login"

# Admin login failures are counted per user name from any address (a distributed guess at
# one account) and per address across user names (password spraying); either reaching the
# limit locks for the cool-off time.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "bkk1555.security.client_ip"

# --- Redis and Celery --------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
# REDIS_URL (and CACHE_URL) may name Redis Sentinels instead of a Redis:
# `sentinel://h1:26379;sentinel://h2:26379;sentinel://h3:26379` (bkk1555/redisconf.py).
REDIS_SENTINEL_MASTER = env_str("REDIS_SENTINEL_MASTER", "bkk1555")
REDIS_SENTINEL_PASSWORD = env_str("REDIS_SENTINEL_PASSWORD", "")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
else:
    # No Redis (the local demo): kombu's filesystem transport, so tasks still run
    # truly asynchronously in a worker process started by `make demo`.
    _queue_dir = VAR_DIR / "celery"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "processed_folder": str(_queue_dir / "processed"),
        # Without this kombu writes its exchange tables to ./control in the working directory.
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
# Keep work when a worker dies: ack only after the task ran, give a killed
# worker's message back, and take one message at a time (LINE calls are slow).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 90)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "line_oa.tasks.send_outbox_message": {"queue": "line"},
    "line_oa.tasks.send_outbox_batch": {"queue": "line"},
}
# A worker never gives up on the broker: through a Sentinel failover (seconds) or a Redis outage
# (minutes) it keeps reconnecting instead of exiting after Celery's default 100 attempts.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A dead broker must not hold an officer's request: outbox tasks are published by a background
# thread (bkk1555/publisher.py, no retries); elsewhere fail fast. The outbox sweep re-sends.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
if REDIS_URL:
    # Redis hands an unacknowledged message to another worker after this long:
    # far longer than the longest task (hard limit above), or it would run twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        **celery_transport_options(REDIS_URL, master=REDIS_SENTINEL_MASTER, sentinel_password=REDIS_SENTINEL_PASSWORD),
    }
    # The one beat: a PostgreSQL advisory lock decides which beat process runs the schedule (bkk1555/beat.py).
# The outbox: a row still pending this long after it was due is re-queued by the
# sweep; a row claimed ("sending") longer than the lease is taken over. The lease
# is longer than the task's hard time limit, so a live worker never loses its row.
OUTBOX_PENDING_GRACE_SECONDS = env_int("OUTBOX_PENDING_GRACE_SECONDS", 60)
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 120)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
OUTBOX_RETRY_BASE_SECONDS = env_int("OUTBOX_RETRY_BASE_SECONDS", 10)
REMINDER_SWEEP_SECONDS = env_int("REMINDER_SWEEP_SECONDS", 60)
OUTBOX_SWEEP_SECONDS = env_int("OUTBOX_SWEEP_SECONDS", 60)
# Stored LINE webhook events: a row "processing" longer than the lease belongs to a dead
# worker and is taken over by the sweep (every WEBHOOK_SWEEP_SECONDS). Keep the lease
# above CELERY_TASK_TIME_LIMIT so a live worker never loses its event.
WEBHOOK_PROCESSING_LEASE_SECONDS = env_int("WEBHOOK_PROCESSING_LEASE_SECONDS", 120)
WEBHOOK_SWEEP_SECONDS = env_int("WEBHOOK_SWEEP_SECONDS", 60)
WEBHOOK_PENDING_GRACE_SECONDS = env_int("WEBHOOK_PENDING_GRACE_SECONDS", 60)
# A retryable failure (LINE 429/5xx, a deadlock, a lost connection) is tried again after
# WEBHOOK_RETRY_BASE_SECONDS, doubled each time, up to WEBHOOK_MAX_ATTEMPTS in all (line_oa/retrying.py).
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 5)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 5)
REMINDER_HORIZON_DAYS = env_int("REMINDER_HORIZON_DAYS", 7)
# Intake refuses a received time before this date (ISO): the day the system (or the MIS history it imports) began.
INTAKE_EARLIEST = env_str("INTAKE_EARLIEST", "2020-01-01")

# --- Retention (PDPA; privacy/retention.py, daily beat task) -------------------
RETENTION_COMPLAINANT_DAYS = env_int("RETENTION_COMPLAINANT_DAYS", 730)  # after the case ended
RETENTION_PHOTO_ORIGINAL_DAYS = env_int("RETENTION_PHOTO_ORIGINAL_DAYS", 730)  # after the case ended
RETENTION_WEBHOOK_DAYS = env_int("RETENTION_WEBHOOK_DAYS", 90)  # raw LINE webhook bodies

# --- LINE ---------------------------------------------------------------------
LINE_CHANNEL_SECRET = env_str("LINE_CHANNEL_SECRET", "")
LINE_CHANNEL_ACCESS_TOKEN = env_str("LINE_CHANNEL_ACCESS_TOKEN", "")
# Public in this repository: the deploy checks refuse them (bkk1555/checks.py).
DEMO_LINE_CHANNEL_SECRET = "demo-channel-secret-1555"
DEMO_LINE_CHANNEL_ACCESS_TOKEN = "demo-channel-access-token-1555"
# Only for tests and the local simulator: production leaves these empty so the
# SDK talks to api.line.me / api-data.line.me.
LINE_API_BASE = env_str("LINE_API_BASE", "")
LINE_DATA_API_BASE = env_str("LINE_DATA_API_BASE", "")
LINE_REQUEST_TIMEOUT = float(env_int("LINE_REQUEST_TIMEOUT_SECONDS", 10))
# Each web process batches its webhook task publishes over this many seconds (0 = per request).
LINE_WEBHOOK_PUBLISH_WINDOW = env_float("LINE_WEBHOOK_PUBLISH_WINDOW", 0.05)
LINE_LINK_CODE_MINUTES = env_int("LINE_LINK_CODE_MINUTES", 120)
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# The report form inside LINE (LIFF): the LIFF app's id and its LINE Login channel's id (the
# ID token's audience). Without LINE_LIFF_ID the รายงานผล button keeps the chat flow only.
# The demo has a LIFF id of its own so the cards and the rich menu carry the form's button; the
# simulator opens the form with a stand-in token (no LINE behind it).
LINE_LIFF_ID = env_str("LINE_LIFF_ID", "2000000000-Demo1555" if DEMO_MODE else "")
LINE_LOGIN_CHANNEL_ID = env_str("LINE_LOGIN_CHANNEL_ID", "")
# Mark a coordinator's messages read once handled; off where the OA's chat mode forbids it.
LINE_MARK_AS_READ = env_bool("LINE_MARK_AS_READ", True)
LINE_LOADING_SECONDS = env_int("LINE_LOADING_SECONDS", 20)
# At this share of the monthly push quota the centre is warned; at 100 % non-essential pushes wait.
LINE_QUOTA_WARN_PERCENT = env_int("LINE_QUOTA_WARN_PERCENT", 80)
if DEMO_MODE and not LINE_API_BASE:
    # `make demo` needs no LINE account: the simulator's fake LINE API is served by
    # this same Django process (line_oa/simulator.py), with a demo channel.
    LINE_API_BASE = PUBLIC_BASE_URL.rstrip("/") + "/line/simulator/api"
    LINE_CHANNEL_SECRET = LINE_CHANNEL_SECRET or DEMO_LINE_CHANNEL_SECRET
    LINE_CHANNEL_ACCESS_TOKEN = LINE_CHANNEL_ACCESS_TOKEN or DEMO_LINE_CHANNEL_ACCESS_TOKEN

# --- The complainant's notices and public case page (notices/) ---------------------
# Intake channels whose complainants get a notice with the reference at intake (dispatch and
# outcome notices go to every complainant who can be reached).
NOTICES_RECEIVED_CHANNELS = env_list("NOTICES_RECEIVED_CHANNELS", "phone,line,web")
# LINE notification messages by phone number (PNP) need LINE's approval of the account.
NOTICES_PNP_ENABLED = env_bool("NOTICES_PNP_ENABLED", False)
# "console" (log and list in the demo page; nothing leaves the machine), "thaibulksms", or "" (no SMS).
NOTICES_SMS_BACKEND = env_str("NOTICES_SMS_BACKEND", "console")
NOTICES_SMS_COST_SATANG = env_int("NOTICES_SMS_COST_SATANG", 30)  # per credit (one SMS segment)
NOTICES_SMS_TIMEOUT_SECONDS = env_float("NOTICES_SMS_TIMEOUT_SECONDS", 10.0)
THAIBULKSMS_API_BASE = env_str("THAIBULKSMS_API_BASE", "https://api-v2.thaibulksms.com")
THAIBULKSMS_API_KEY = env_str("THAIBULKSMS_API_KEY", "")
THAIBULKSMS_API_SECRET = env_str("THAIBULKSMS_API_SECRET", "")
THAIBULKSMS_SENDER = env_str("THAIBULKSMS_SENDER", "")
THAIBULKSMS_FORCE = env_str("THAIBULKSMS_FORCE", "corporate")
NOTICES_MAX_ATTEMPTS = env_int("NOTICES_MAX_ATTEMPTS", 8)
NOTICES_RETRY_BASE_SECONDS = env_int("NOTICES_RETRY_BASE_SECONDS", 30)
NOTICES_LEASE_SECONDS = env_int("NOTICES_LEASE_SECONDS", 120)
NOTICES_SWEEP_SECONDS = env_int("NOTICES_SWEEP_SECONDS", 120)
# The public page: "not fixed" is accepted this many days after the case ended as fixed; wrong
# tokens per client address per hour before it is refused (429); answers per case per hour.
PUBLIC_ANSWER_DAYS = env_int("PUBLIC_ANSWER_DAYS", 30)
PUBLIC_PAGE_MISSES_PER_HOUR = env_int("PUBLIC_PAGE_MISSES_PER_HOUR", 20)
PUBLIC_ANSWERS_PER_HOUR = env_int("PUBLIC_ANSWERS_PER_HOUR", 5)
# With a shared cache (CACHE_URL), rendered public pages are kept this long at most (0 = never);
# any save of what a page shows drops it at once (notices/page_cache.py).
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 60)

# --- Field audits (audits/) --------------------------------------------------------
# Share of cases closed as fixed that are re-checked on site (a category's own rate wins).
AUDIT_RATE_BEST = env_float("AUDIT_RATE_BEST", 0.05)
AUDIT_RATE_OTHER = env_float("AUDIT_RATE_OTHER", 0.01)
# The sampler's secret seed: draws are HMAC(seed, reference, round), reproducible by whoever has it.
AUDIT_SEED = env_str("AUDIT_SEED", "bkk1555-audit-demo-seed")
AUDIT_DUE_DAYS = env_int("AUDIT_DUE_DAYS", 3)
# An audit drawn when no auditor could take it waits this many days after the closure for one
# (audits.tasks.assign_waiting_audits), then lapses with its reason.
AUDIT_ASSIGN_DAYS = env_int("AUDIT_ASSIGN_DAYS", 14)
# League tables rank an agency only with at least this many cases in the period.
LEAGUE_MIN_CASES = env_int("LEAGUE_MIN_CASES", 10)

# --- REST API -----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Token first, so an unauthenticated call gets 401 with `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ThrottledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.RolePermissions"],
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.ReferencePagination",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenRateThrottle", "api.throttling.AnonymousRateThrottle"],
    "NUM_PROXIES": env_int("NUM_PROXIES", 0) or None,
    "DEFAULT_THROTTLE_RATES": {
        "user": env_str("API_THROTTLE_USER", "1200/minute"),
        "anon": env_str("API_THROTTLE_ANON", "60/minute"),
    },
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
API_TOKEN_FAILURES_PER_MINUTE = env_int("API_TOKEN_FAILURES_PER_MINUTE", 20)  # per address
SPECTACULAR_SETTINGS = {
    "TITLE": "bkk1555 API",
    "DESCRIPTION": "Bangkok 1555 complaint dispatch and follow-up. Token auth (`Authorization: Token …`) for "
    "systems, session auth for staff. Errors: `{error: {code, th, en, fields?}}`.",
    "VERSION": "1.0.0",
    # Swagger UI and Redoc assets served from our own static files (drf-spectacular-sidecar), no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "ComplaintStatusEnum": "complaints.models.Complaint.Status",
        "AssignmentStatusEnum": "complaints.models.Assignment.Status",
        "ComplaintChannelEnum": "complaints.models.Complaint.Channel",
        "AssignmentChannelEnum": "complaints.models.Assignment.Channel",
        "PhotoStageEnum": "complaints.models.Photo.Stage",
    },
}

# --- Running on many machines (deploy/) ------------------------------------------
# Django's cache (API throttling counters, …): shared by every web process when set.
CACHE_URL = env_str("CACHE_URL", "")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": (
                "bkk1555.cache.SentinelRedisCache" if is_sentinel(CACHE_URL) else "bkk1555.cache.FailOpenRedisCache"
            ),
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "bkk1555",
            "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        }
    }
# After Redis failed to answer, a web process treats the cache as empty this long before asking again.
CACHE_RETRY_SECONDS = env_int("CACHE_RETRY_SECONDS", 5)
# Behind nginx: how many proxies append to X-Forwarded-For (API throttling and login
# lockouts then see the client's address) and whether X-Forwarded-Proto is trusted.
NUM_PROXIES = env_int("NUM_PROXIES", 0)
if NUM_PROXIES:
    AXES_IPWARE_PROXY_COUNT = NUM_PROXIES
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
# /metrics (Prometheus): answered only with `Authorization: Bearer <METRICS_TOKEN>`; unset → 404.
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
# /healthz/ready answers 503 while this file exists, so the balancer takes the node out before it stops.
DRAIN_FILE = env_str("DRAIN_FILE", str(VAR_DIR / "drain"))
# Exactly one beat runs the schedule: the others wait on this PostgreSQL advisory lock.
BEAT_LOCK_ID = env_int("BEAT_LOCK_ID", 1555_0001)
# LOG_FORMAT=json → one JSON object per line (web and workers, same keys; bkk1555/logs.py).
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
# Celery workers keep Django's logging (and so the JSON lines) instead of their own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT != "json"

LOGGING = logging_config(LOG_FORMAT, env_str("LOG_LEVEL", "INFO"))

# --- Transport and browser security ----------------------------------------------
# Production is the deployment whose PUBLIC_BASE_URL is https (a deploy check insists):
# then every setting below defaults to its secure value; each can still be set by name.
_HTTPS = PUBLIC_BASE_URL.startswith("https://")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _HTTPS)
# The load balancer's health probe may speak plain http on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz(/.*)?$", r"^metrics$"]  # probes and scrapes inside the network
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if _HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", _HTTPS)
SECURE_COOKIES = env_bool("SECURE_COOKIES", _HTTPS)  # both cookies at once (deploy/env); each may override
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", SECURE_COOKIES)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", SECURE_COOKIES)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
# nginx in front terminates TLS and sets X-Forwarded-Proto (deploy/). Only trust the
# header behind such a proxy: without one a client could claim https itself.
if env_bool("SECURE_PROXY_SSL_HEADER", env_bool("TRUST_X_FORWARDED_PROTO", _HTTPS)):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Behind the proxy every request comes from it: count the client's address, the one
    # nginx appended to X-Forwarded-For (bkk1555/security.py), for logins and throttles.
    REST_FRAMEWORK["NUM_PROXIES"] = 1
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600)  # one shift
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = CSP  # bkk1555/settings_parts.py: what the pages may load
