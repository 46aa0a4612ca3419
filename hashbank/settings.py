"""Django settings for hashbank: every value comes from the environment, read here and only here.

The embedded default (no variables set) runs on an SQLite file under var/ with Celery tasks executed
in-process. Production (HASHBANK_ENV=production) requires SECRET_KEY, ALLOWED_HOSTS and
HASHBANK_ORIGIN and runs on PostgreSQL, Redis and Celery workers. docs/operations.md lists every variable.
"""

from __future__ import annotations

import os
from pathlib import Path

from hashbank import config

ENV = dict(os.environ)
BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(ENV.get("HASHBANK_VAR_DIR", BASE_DIR / "var"))

HASHBANK_ENV = ENV.get("HASHBANK_ENV", "embedded").strip().lower()
if HASHBANK_ENV not in {"embedded", "production", "test"}:
    raise config.ConfigError("HASHBANK_ENV must be embedded, production or test.")
PRODUCTION = HASHBANK_ENV == "production"

SECRET_KEY = config.secret_key(ENV, PRODUCTION, VAR_DIR)
DEBUG = config.env_bool(ENV, "DEBUG", False)
ALLOWED_HOSTS = config.env_list(
    ENV, "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise config.ConfigError(
        "ALLOWED_HOSTS is required in production (comma-separated host names)."
    )
CSRF_TRUSTED_ORIGINS = config.env_list(ENV, "CSRF_TRUSTED_ORIGINS", [])

# The bank's public name, the first line of every checkpoint.
HASHBANK_ORIGIN = config.origin(ENV, PRODUCTION)
# Signing keys live in files here (or come from HASHBANK_SIGNING_KEYS), never in the database.
HASHBANK_KEY_DIR = Path(ENV.get("HASHBANK_KEY_DIR", VAR_DIR / "keys"))
HASHBANK_SIGNING_KEYS = ENV.get("HASHBANK_SIGNING_KEYS", "")
# The bank's witness for its peers (docs/witness.md): its own key, a file in HASHBANK_KEY_DIR/witness/.
HASHBANK_WITNESS_NAME = ENV.get("HASHBANK_WITNESS_NAME", "").strip() or f"{HASHBANK_ORIGIN}/witness"
HASHBANK_PUBLIC_URL = ENV.get("HASHBANK_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# The log as C2SP tlog-tiles files, rewritten after every seal and served at /log/ (by nginx in
# production). Empty switches writing them off.
HASHBANK_TILES_DIR = ENV.get("HASHBANK_TILES_DIR", str(VAR_DIR / "tiles"))
# Where `make hasher-dist` wrote the offline hasher's wheel, served at /offline-hasher/ with the
# sha256 of the file itself (docs/offline-hasher.md). Empty: no download is offered.
HASHBANK_HASHER_DIST_DIR = ENV.get("HASHBANK_HASHER_DIST_DIR", str(BASE_DIR / "dist"))
# Publishing only what witnesses saw (docs/publishing.md): a C2SP tlog-policy file naming the
# witnesses (with their add-checkpoint URL prefixes) and the quorum a checkpoint needs before
# members are shown it. Empty: every seal is published at once, cosigned by nobody.
HASHBANK_WITNESS_POLICY = config.env_file(ENV, "HASHBANK_WITNESS_POLICY")
# Bootstrap only: publish a checkpoint without the quorum once the publish timeout has passed
# (marked as such). Off (the default) is fail-closed: members keep the last cosigned checkpoint.
HASHBANK_WITNESS_FAIL_OPEN = config.env_bool(ENV, "HASHBANK_WITNESS_FAIL_OPEN", False)
# Tessera's defaults: each witness gets 1 s to answer, the whole round 5 s to publish or skip.
HASHBANK_WITNESS_TIMEOUT = config.env_float(ENV, "HASHBANK_WITNESS_TIMEOUT", 1.0)
HASHBANK_PUBLISH_TIMEOUT = config.env_float(ENV, "HASHBANK_PUBLISH_TIMEOUT", 5.0)
# An idle log's checkpoint is re-signed (and re-witnessed) once it is this old, so its freshness
# is attested by the witnesses, not only by the bank.
HASHBANK_RESIGN_SECONDS = config.env_int(ENV, "HASHBANK_RESIGN_SECONDS", 600)
# Federation (docs/federation.md): each HTTP call to a peer bank gets this long; the mirror syncs
# every active peer this often (beat in production, a thread of the server in embedded mode), and
# at once when the peer nudges us after its publish. 15 s of mirror plus the members' 30 s poll
# (HASHBANK_MIN_WAIT_SECONDS) keep a removal at a peer under 60 s to this bank's members even when
# every nudge is lost.
HASHBANK_PEER_TIMEOUT = config.env_float(ENV, "HASHBANK_PEER_TIMEOUT", 30.0)
HASHBANK_MIRROR_INTERVAL = config.env_float(ENV, "HASHBANK_MIRROR_INTERVAL", 15.0)
# Nudges (docs/peer-api.md): after each publish, tell every active peer to sync our log now; a
# failed nudge is retried after 2 s, 4 s, 8 s, ... at most HASHBANK_NUDGE_RETRIES times, each call
# given HASHBANK_NUDGE_TIMEOUT seconds (a nudge is answered before the peer syncs).
HASHBANK_NUDGE_PEERS = config.env_bool(ENV, "HASHBANK_NUDGE_PEERS", True)
HASHBANK_NUDGE_TIMEOUT = config.env_float(ENV, "HASHBANK_NUDGE_TIMEOUT", 5.0)
HASHBANK_NUDGE_RETRY_SECONDS = config.env_float(ENV, "HASHBANK_NUDGE_RETRY_SECONDS", 2.0)
HASHBANK_NUDGE_RETRIES = config.env_int(ENV, "HASHBANK_NUDGE_RETRIES", 5)
# Entries pages a mirror catch-up fetches ahead while it verifies and stores the one before (0:
# one page at a time, in the sync's own thread). Each is at most the peer's page (about 5 MB).
HASHBANK_MIRROR_FETCH_AHEAD = config.env_int(ENV, "HASHBANK_MIRROR_FETCH_AHEAD", 2)
# Reports and disputes about a mirrored origin's signals are forwarded to its bank
# (docs/peer-api.md): a failed delivery is retried after 10 s, 20 s, 40 s, ... (at most an hour
# apart), an undecided dispute's outcome is read from the origin every minute, and beat looks for
# what is due every HASHBANK_FORWARD_SWEEP_SECONDS.
HASHBANK_FORWARD_RETRY_SECONDS = config.env_int(ENV, "HASHBANK_FORWARD_RETRY_SECONDS", 10)
HASHBANK_FORWARD_RETRY_MAX_SECONDS = config.env_int(ENV, "HASHBANK_FORWARD_RETRY_MAX_SECONDS", 3600)
HASHBANK_FORWARD_POLL_SECONDS = config.env_int(ENV, "HASHBANK_FORWARD_POLL_SECONDS", 60)
HASHBANK_FORWARD_SWEEP_SECONDS = config.env_int(ENV, "HASHBANK_FORWARD_SWEEP_SECONDS", 10)
# The mirror's cosigning key's name (its own key in HASHBANK_KEY_DIR/mirror/, never the log's or
# the witness's: one key, one kind of statement).
HASHBANK_MIRROR_NAME = ENV.get("HASHBANK_MIRROR_NAME", "").strip() or f"{HASHBANK_ORIGIN}/mirror"

DATABASES = {
    "default": config.parse_database_url(
        ENV.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'hashbank.sqlite3'}",
        prepared_statements=config.env_bool(ENV, "DATABASE_PREPARED_STATEMENTS", True),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = config.parse_redis_url(ENV.get("REDIS_URL"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    # The bank's domain, one app per concept.
    "hashbank.core",
    "hashbank.signals",
    "hashbank.ledger",
    "hashbank.cases",
    "hashbank.submissions",
    "hashbank.disputes",
    "hashbank.audit",
    "hashbank.witness",
    "hashbank.publishing",
    "hashbank.peers",
    "hashbank.mirrors",
    "hashbank.helpline",
    "hashbank.forwarding",
    "hashbank.receipts",
    "hashbank.benign",
    "hashbank.staff",
    # What member platforms use.
    "member_portal.members",
    "member_portal.api",
    "member_portal.reports",
    "member_portal.webhooks",
    "member_portal.stopncii",
    "member_portal.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "hashbank.core.middleware.SecurityHeadersMiddleware",
    # A view that cannot reach the database answers 503 with Retry-After, not 500.
    "hashbank.core.middleware.DatabaseUnavailableMiddleware",
    # Before anything that could read the body (CsrfViewMiddleware parses request.POST): refuses
    # a multipart or large body on the victim routes from the headers alone. Only the header
    # middlewares, which never read the body, come first, so that the refusal carries them.
    "hashbank.core.middleware.NoUploadMiddleware",
    # A member-API client this process already saw past its failed-attempt limit is refused here,
    # exactly as authentication would refuse it, before everything below (issue 17).
    "member_portal.api.early_refusal.EarlyRefusalMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Sessions, sign-in and messages are a browser's: a member API request (a Bearer credential)
    # passes them by (hashbank/core/browser_middleware.py); every other request runs Django's.
    "hashbank.core.browser_middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Restores a same-origin form POST's Origin, which Referrer-Policy: no-referrer nulls.
    "hashbank.submissions.csrf.SameOriginNullOriginMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "hashbank.core.browser_middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "hashbank.core.browser_middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hashbank.urls"
WSGI_APPLICATION = "hashbank.wsgi.application"
ASGI_APPLICATION = "hashbank.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "hashbank" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # The helpline's contact and the quick exit's destination (lazy: no query unless
                # a page shows them).
                "hashbank.submissions.context_processors.victim_pages",
            ],
        },
    },
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# PINs and API tokens are stored with these slow, salted hashers (see cases and members).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
LOGIN_URL = "/staff/login/"

# Staff sessions end after 30 minutes without activity; cookies are never sent to third parties.
SESSION_COOKIE_AGE = config.env_int(ENV, "SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SAMESITE = "Strict"
# The CSRF cookie lasts as long as the browser session, not Django's default of a year: a person
# who used the victim pages on a shared computer leaves no year-long trace of the visit.
CSRF_COOKIE_AGE = None
# JSON for the API, a plain page with a way back for forms.
CSRF_FAILURE_VIEW = "hashbank.submissions.csrf.csrf_failure"
LANGUAGE_COOKIE_SAMESITE = "Strict"
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = config.env_bool(ENV, "SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = config.env_int(ENV, "SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Failed staff sign-ins lock the pair (username, address) for an hour after five attempts: one
# list inside the list is django-axes' "combination". Two separate entries would lock a username
# from every address, so anyone who knows a caseworker's username could lock them out.
AXES_FAILURE_LIMIT = config.env_int(ENV, "AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "staff/locked_out.html"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
OTP_TOTP_ISSUER = ENV.get("HASHBANK_TOTP_ISSUER", "hashbank")

# Victim-facing throttles, per client per hour (clients are keyed by an HMAC of the address).
HASHBANK_SUBMISSIONS_PER_HOUR = config.env_int(ENV, "HASHBANK_SUBMISSIONS_PER_HOUR", 30)
# Reverse proxies (addresses or networks) whose X-Forwarded-For is believed: throttles and
# credential allow-lists then see the client's address rather than the proxy's.
HASHBANK_TRUSTED_PROXIES = config.env_list(ENV, "HASHBANK_TRUSTED_PROXIES", [])
HASHBANK_PIN_CHECKS_PER_HOUR = config.env_int(ENV, "HASHBANK_PIN_CHECKS_PER_HOUR", 60)
# Wrong PINs per client per hour, across all case numbers; past it the client is refused (429).
# A client with a wrong PIN in the last hour or two is "guessing": only guessing clients are
# held back by a case's delay and lock (docs/submissions.md).
HASHBANK_PIN_FAILURES_PER_CLIENT_PER_HOUR = config.env_int(
    ENV, "HASHBANK_PIN_FAILURES_PER_CLIENT_PER_HOUR", 20
)
# IPv6 clients are counted per /64; each /48 has a second limit of this many times a client's
# (0 turns the /48 tier off). See docs/submissions.md.
HASHBANK_THROTTLE_48_FACTOR = config.env_int(ENV, "HASHBANK_THROTTLE_48_FACTOR", 10)
# Hashes one client (IPv4 address or IPv6 /64, with the /48 tier) may submit per day, across all
# its cases (a case holds at most 1,000). 0 turns the cap off.
HASHBANK_HASHES_PER_CLIENT_PER_DAY = config.env_int(ENV, "HASHBANK_HASHES_PER_CLIENT_PER_DAY", 3000)
# Proof of work (hashbank/submissions/proof.py): a client's first HASHBANK_POW_FREE_PER_DAY
# submissions a day need none; each later one a challenge of BASE_BITS bits, one more bit per
# submission, at most MAX_BITS; a challenge is valid for TTL seconds.
HASHBANK_POW_FREE_PER_DAY = config.env_int(ENV, "HASHBANK_POW_FREE_PER_DAY", 3)
HASHBANK_POW_BASE_BITS = config.env_int(ENV, "HASHBANK_POW_BASE_BITS", 16)
HASHBANK_POW_MAX_BITS = config.env_int(ENV, "HASHBANK_POW_MAX_BITS", 20)
HASHBANK_POW_TTL_SECONDS = config.env_int(ENV, "HASHBANK_POW_TTL_SECONDS", 600)
if not 1 <= HASHBANK_POW_BASE_BITS <= HASHBANK_POW_MAX_BITS <= 32:
    raise config.ConfigError(
        "HASHBANK_POW_BASE_BITS and HASHBANK_POW_MAX_BITS must satisfy 1 <= BASE <= MAX <= 32."
    )
# The global cap on submission attempts per minute (hashbank/core/admission.py): the factor times
# the median minute of the last hour, within [floor, ceiling]. A floor of 0 turns it off.
HASHBANK_SUBMISSION_CAP_FLOOR = config.env_int(ENV, "HASHBANK_SUBMISSION_CAP_FLOOR", 300)
HASHBANK_SUBMISSION_CAP_CEILING = config.env_int(ENV, "HASHBANK_SUBMISSION_CAP_CEILING", 3000)
HASHBANK_SUBMISSION_CAP_FACTOR = config.env_int(ENV, "HASHBANK_SUBMISSION_CAP_FACTOR", 4)

# The helpline every victim page names, until an administrator saves it in the console
# (/staff/helpline/, then the saved values win). docs/operations.md.
HASHBANK_HELPLINE = {
    "organisation": ENV.get("HASHBANK_HELPLINE_NAME", "").strip() or "The hashbank helpline",
    "phone": ENV.get("HASHBANK_HELPLINE_PHONE", "").strip(),
    "email": ENV.get("HASHBANK_HELPLINE_EMAIL", "").strip(),
    "hours": ENV.get("HASHBANK_HELPLINE_HOURS", "").strip(),
    "website": ENV.get("HASHBANK_HELPLINE_WEBSITE", "").strip(),
}
# Where "Leave this site quickly" goes, per language (a neutral weather or news site); a language
# not listed goes to the first one.
HASHBANK_QUICK_EXIT_URLS = config.language_urls(
    ENV,
    "HASHBANK_QUICK_EXIT_URLS",
    {"en": "https://www.bbc.com/weather", "es": "https://www.eltiempo.es/"},
)
# Values withdrawn (or removed after review) this many days ago are erased by
# beat every day and by `manage.py ledger purge` (its default); the public log keeps only their
# salted digest.
# The seal's minimum mix (issue 17; docs/publishing.md): entries are sealed once changes of this
# many distinct cases are queued, or once the oldest has waited HASHBANK_SEAL_MAX_DELAY seconds.
# 5 in production; 1 (seal at once) on the embedded bank and under test, where one person's demo
# would otherwise wait the maximum delay.
HASHBANK_SEAL_MIN_MIX = config.env_int(ENV, "HASHBANK_SEAL_MIN_MIX", 5 if PRODUCTION else 1)
HASHBANK_SEAL_MAX_DELAY = config.env_int(ENV, "HASHBANK_SEAL_MAX_DELAY", 300)
if HASHBANK_SEAL_MIN_MIX < 1 or HASHBANK_SEAL_MAX_DELAY < 0:
    raise config.ConfigError(
        "HASHBANK_SEAL_MIN_MIX must be 1 or more and HASHBANK_SEAL_MAX_DELAY 0 or more (seconds)."
    )
HASHBANK_PURGE_REMOVED_DAYS = config.env_int(ENV, "HASHBANK_PURGE_REMOVED_DAYS", 90)
# A person's withdrawal takes effect this many seconds after they ask (the one asking may be an
# abuser holding the victim's phone or printout): until then the PIN holder can cancel it and a
# caseworker can expedite it. 0: at once. Beat applies due withdrawals every minute.
HASHBANK_WITHDRAWAL_COOLING_OFF = config.env_int(ENV, "HASHBANK_WITHDRAWAL_COOLING_OFF", 86400)
if HASHBANK_WITHDRAWAL_COOLING_OFF < 0:
    raise config.ConfigError(
        f"HASHBANK_WITHDRAWAL_COOLING_OFF={HASHBANK_WITHDRAWAL_COOLING_OFF} must be 0 or more "
        "seconds (0: withdrawals take effect at once)."
    )
# ... but only once every active platform acknowledged past its removal (hashbank.receipts), or
# once this many days passed since the removal, whichever comes first (docs/operations.md).
HASHBANK_PURGE_MAX_RETENTION_DAYS = config.env_int(ENV, "HASHBANK_PURGE_MAX_RETENTION_DAYS", 90)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "hashbank" / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(ENV.get("STATIC_ROOT", VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# The hasher and its worker are ES modules; served with the right type everywhere.
WHITENOISE_MIMETYPES = {".js": "text/javascript", ".mjs": "text/javascript"}
# The largest body Django reads into memory (member API batches); above it, RequestDataTooBig.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# No route takes a file (NoUploadMiddleware refuses multipart bodies on the victim routes before
# anything parses them). Wherever one is parsed, the first file part fails the parse before its
# bytes are read, and the only handler would keep nothing, in memory or on disk.
FILE_UPLOAD_HANDLERS = ["hashbank.core.middleware.NoFileUploadHandler"]
DATA_UPLOAD_MAX_NUMBER_FILES = 0
# The victim routes' cap (pages and their API): the offline hasher's text for 1,000 rotated
# photos, form-encoded, is about 430 KB; a submission's JSON of 1,000 hashes about 100 KB.
HASHBANK_VICTIM_BODY_MAX_BYTES = config.env_int(ENV, "HASHBANK_VICTIM_BODY_MAX_BYTES", 512 * 1024)

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: with REDIS_URL unset, tasks run in-process (the embedded default).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = ENV.get("CELERY_QUEUE", "hashbank")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The worker keeps LOGGING's handlers (with the redaction filter) instead of installing its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE: dict = {
    # Seal stragglers and re-sign a checkpoint older than HASHBANK_RESIGN_SECONDS (10 minutes):
    # checked every minute, so the latest checkpoint is never more than 11 minutes old.
    "ledger-reseal": {"task": "hashbank.ledger.resign_checkpoint", "schedule": 60.0},
    # A checkpoint the witnesses did not cosign in time (fail-closed) is offered to them again.
    "publishing-retry": {"task": "hashbank.publishing.publish_latest", "schedule": 60.0},
    # A lost seal task (broker restarted, Redis down when the submission committed) is replaced
    # within this many seconds: the sweep reads one row when nothing waits, and seals otherwise.
    "ledger-seal-sweep": {
        "task": "hashbank.ledger.seal_if_pending",
        "schedule": float(config.env_int(ENV, "HASHBANK_SEAL_SWEEP_SECONDS", 10)),
    },
    # Sync every active peer's log into its mirror (a sync of an up-to-date mirror is one request).
    "mirrors-sync": {"task": "hashbank.mirrors.sync_mirrors", "schedule": HASHBANK_MIRROR_INTERVAL},
    # Forwards to origin banks: retries whose backoff is over, outcomes of undecided disputes.
    "forwarding-run-due": {
        "task": "hashbank.forwarding.run_due",
        "schedule": float(HASHBANK_FORWARD_SWEEP_SECONDS),
    },
    # Erase values removed from the feed more than HASHBANK_PURGE_REMOVED_DAYS ago.
    "ledger-purge-removed": {"task": "hashbank.ledger.purge_removed", "schedule": 86400.0},
    # Withdrawals whose cooling-off period (HASHBANK_WITHDRAWAL_COOLING_OFF) has ended.
    "cases-apply-withdrawals": {"task": "hashbank.cases.apply_due_withdrawals", "schedule": 60.0},
}

REST_FRAMEWORK = {
    "EXCEPTION_HANDLER": "hashbank.core.http_errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # UTF-8 only, no repeated field, bounded nesting and size (hashbank/core/parsers.py).
    "DEFAULT_PARSER_CLASSES": ["hashbank.core.parsers.StrictJSONParser"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "hashbank API",
    "DESCRIPTION": "The signed hash feed, match reports and disputes for member platforms.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Member platforms (member_portal): API rate limit per credential and minute, the polling hint,
# where snapshots are kept, webhook retry backoff base, dispute review target.
HASHBANK_API_RATE_LIMIT = config.env_int(ENV, "HASHBANK_API_RATE_LIMIT", 600)
# API tokens are stored as an HMAC-SHA256 of their secret under this key; empty: derived from
# SECRET_KEY. Set it in production so that rotating SECRET_KEY keeps tokens valid (changing it
# invalidates every token). See docs/operations.md.
HASHBANK_TOKEN_KEY = ENV.get("HASHBANK_TOKEN_KEY", "")
# Failed authentications (unknown key id, wrong secret, malformed token) allowed per client
# (IPv4 address or IPv6 /64) and per key id in a window of this many seconds; then 429.
HASHBANK_AUTH_FAILURES_PER_CLIENT = config.env_int(ENV, "HASHBANK_AUTH_FAILURES_PER_CLIENT", 30)
HASHBANK_AUTH_FAILURES_PER_KEY = config.env_int(ENV, "HASHBANK_AUTH_FAILURES_PER_KEY", 30)
HASHBANK_AUTH_FAILURE_WINDOW = config.env_int(ENV, "HASHBANK_AUTH_FAILURE_WINDOW", 600)
# The `min_wait` hint of the member API: members are asked to sync no more often than this (and
# this often is what keeps a removal under a minute: docs/federation.md, "Removal propagation").
HASHBANK_MIN_WAIT_SECONDS = config.env_int(ENV, "HASHBANK_MIN_WAIT_SECONDS", 30)
# Entries per page of GET /api/v1/entries (a peer's mirror reads pages of this size too).
HASHBANK_ENTRIES_PAGE_MAX = config.env_int(ENV, "HASHBANK_ENTRIES_PAGE_MAX", 50_000)
HASHBANK_SNAPSHOT_DIR = Path(ENV.get("HASHBANK_SNAPSHOT_DIR", VAR_DIR / "snapshots"))
HASHBANK_WEBHOOK_BACKOFF_SECONDS = config.env_int(ENV, "HASHBANK_WEBHOOK_BACKOFF_SECONDS", 30)
HASHBANK_DISPUTE_TARGET_HOURS = config.env_int(ENV, "HASHBANK_DISPUTE_TARGET_HOURS", 72)
# Four eyes on removals: how many different reviewers uphold a dispute before its signal leaves
# the feed (1 for a helpline of one or two reviewers). Never the person who raised it.
HASHBANK_DISPUTE_REVIEWERS = config.env_int(ENV, "HASHBANK_DISPUTE_REVIEWERS", 2)
if HASHBANK_DISPUTE_REVIEWERS < 1:
    raise config.ConfigError(
        f"HASHBANK_DISPUTE_REVIEWERS={HASHBANK_DISPUTE_REVIEWERS} must be 1 or more."
    )
# Snapshots for bootstrap are rebuilt by beat (a build for an unchanged checkpoint is a no-op).
CELERY_BEAT_SCHEDULE["member_portal.build_snapshot"] = {
    "task": "member_portal.api.build_snapshot",
    "schedule": config.env_int(ENV, "HASHBANK_SNAPSHOT_INTERVAL_SECONDS", 900),
}

# Logs: one JSON object per line in production; hash values and IP addresses never written.
LOG_FORMAT = ENV.get("HASHBANK_LOG_FORMAT", "json" if PRODUCTION else "plain")
LOG_LEVEL = ENV.get("HASHBANK_LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "hashbank.core.logging.RedactFilter"}},
    "formatters": {
        "json": {"()": "hashbank.core.logging.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT if LOG_FORMAT in {"json", "plain"} else "plain",
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's request logs would carry paths with case numbers and client details.
        "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # One line per task run is noise; failures are still logged at ERROR.
        "celery.app.trace": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# The checks /readyz runs, each a dotted path to a function returning (ok, detail).
HASHBANK_READINESS_CHECKS = [
    "hashbank.core.health.check_database",
    "hashbank.core.health.check_disk_space",
    "hashbank.core.health.check_redis",
    "hashbank.ledger.health.check_signing_key",
    "hashbank.publishing.health.check_witness_quorum",
    "hashbank.core.health.check_celery_worker",
]

# /readyz is not ready when the disk of the SQLite database, the tiles, the keys or the snapshots
# has less free space than this (a full disk fails every seal and submission).
HASHBANK_MIN_FREE_DISK_MB = config.env_int(ENV, "HASHBANK_MIN_FREE_DISK_MB", 512)
# Django's admin site (/django-admin/) is routed only with DEBUG or this set: the console at
# /staff/ is the staff's tool, and an admin sign-in page is one more door to knock on.
HASHBANK_DJANGO_ADMIN = config.env_bool(ENV, "HASHBANK_DJANGO_ADMIN", DEBUG)

if PRODUCTION:
    SILENCED_SYSTEM_CHECKS: list[str] = []
