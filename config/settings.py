"""unioncase settings: 12-factor, every deployment choice comes from the environment.

Embedded default (no variables set): DEBUG on, SQLite file in var/, Celery eager,
files on local disk. Production sets DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug"
# Previous keys, still accepted for existing sessions and signed links while a new key rolls out.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "viewflow",
    "viewflow.workflow",
    "cases",
    "notifications",
    "workflows",
    "public",
    # REST framework works without being an installed app, and is kept out of the list: its
    # Chinese catalogue would replace Django's own messages on every form ("请输入合法的邮件地址").
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc served from our own static files (the CSP allows no CDN)
    "oauth2_provider",  # system clients' OAuth2 client credentials (api/system/)
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # A NUL in an /api/ address is a 400 problem before any view reads it (api/problems.py).
    "api.problems.NulInAddress",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "workflows.accounts.middleware.RolesReadOnceMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "workflows.accounts.middleware.TwoFactorMiddleware",
    "workflows.accounts.middleware.IdleTimeoutMiddleware",
    "workflows.accounts.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages (it leaves one) and TwoFactorMiddleware: an admin-set password is replaced first.
    "workflows.accounts.middleware.TemporaryPasswordMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "viewflow.middleware.SiteMiddleware",
    "viewflow.middleware.HotwireTurboMiddleware",
    # Last: turns a sign-in refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'unioncase.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Wait for a writer rather than failing at once; SQLite serialises writers.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("timeout", 20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Sign-in protection (SECURITY.md). The throttling backend refuses an account at an address that
# failed too often, before the password is even checked; the model backend then checks it.
AUTHENTICATION_BACKENDS = [
    "cases.platform.signin.throttling.ThrottlingBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "cases.platform.signin.throttling.ThrottlingHandler"
# Failures of one account from one address before that pair is locked, and of every account
# from one address (password spraying) before the address is.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_RESET_ON_SUCCESS = True  # the handler resets only the account's own failures at that address
# A refused sign-in during a lockout is not another failure: the lock ends at a fixed time.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "workflows.accounts.views.lockout_response"
AXES_CLIENT_IP_CALLABLE = "cases.platform.signin.addresses.client_address"
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are journalled (cases/signals.py)
AXES_VERBOSE = False
# Reverse proxies in front of the app that append to X-Forwarded-For; 0 = use the peer address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Two-factor sign-in (TOTP). Required for superusers and the roles in cases.rules.roles
# TWO_FACTOR_ROLES; anyone else may enrol.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="unioncase")
OTP_TOTP_THROTTLE_FACTOR = 1  # each wrong code doubles the wait before the next is checked (1 s, 2 s, 4 s …)
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a device's secret key or QR code
TWO_FACTOR_ENFORCED = True

# Sessions end when the browser closes, or after SESSION_IDLE_TIMEOUT minutes without a request
# (IdleTimeoutMiddleware starts the period again, at most once a minute).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 60 * env.int("SESSION_IDLE_TIMEOUT", default=30)

# HTTPS=on behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips a client's own).
HTTPS = env.bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", default=31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env.bool("HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = HTTPS and env.bool("HSTS_PRELOAD", default=True)

# Content-Security-Policy: scripts only from our own static files, never inline. Styles allow
# inline because viewflow's Material templates (and ours) set style="" attributes; no script runs
# from a style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LANGUAGE_CODE = "zh-hans"
FORMAT_MODULE_PATH = ["config.formats"]  # ¥8,000.00 on Chinese pages too (config/formats/zh_Hans)

# The dispute queue's indexes carry the organisation as a non-key (INCLUDE) column on
# PostgreSQL, so its counts read the index alone; SQLite builds them without it, which is all
# W040 says.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
# Our own strings are written in Chinese; locale/ holds their English. viewflow ships an
# empty Chinese catalog, so its strings are translated in locale_vendor/ — kept apart so
# `makemessages` on our code can never drop them. Its English catalog puts viewflow's words in
# ours ("Assign" is "Claim", "Queue" "To claim"); it comes first because makemessages copies the
# viewflow msgids our template overrides repeat into locale/en as themselves ("Queue" = "Queue"),
# which would otherwise win. Only English msgids live there, so no string of ours is shadowed.
LOCALE_PATHS = [BASE_DIR / "locale_vendor" / "viewflow", BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Largest file one upload may carry (cases/platform/uploads.py); a caller may set a lower limit.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="unioncase@localhost")

# Celery: no broker configured means every task runs inline (eager).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Eager tasks never reach a broker; naming the in-memory one keeps kombu from looking for localhost.
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
CELERY_TASK_EAGER_PROPAGATES = env.bool("CELERY_TASK_EAGER_PROPAGATES", default=True)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="")
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# JSON, e.g. {"visibility_timeout": 3600}. On Redis a message a worker took and never acknowledged
# (the worker was killed) is redelivered after visibility_timeout seconds; RabbitMQ redelivers at once.
CELERY_BROKER_TRANSPORT_OPTIONS = env.json("CELERY_BROKER_TRANSPORT_OPTIONS", default={})
CELERY_TIMEZONE = TIME_ZONE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {  # runserver's access log, as Django's default logging writes it
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server", "level": "INFO"},
    },
    "filters": {"refusals": {"()": "config.refusals.RefusalLine"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # WeasyPrint logs seven INFO lines per PDF ("Step 1 - Fetching and parsing HTML", ...).
        # axes logs every failed sign-in at WARNING (masked); its INFO lines add nothing.
        "weasyprint.progress": {"level": "WARNING"}, "axes": {"level": "WARNING"},
        # Django's own console handler (DEBUG only) printed each of its records a second time
        # beside the root's: its records go to the root's handler alone.
        # (Naming `django` resets its children: runserver's access log is set again below.)
        "django": {"handlers": [], "level": "INFO"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # A refused request (403): one warning line with the user, the path and the reason.
        "django.request": {"filters": ["refusals"]},
    },
}

# Domain configuration that is not law (laws live in cases/rules/ with citations).
UNIONCASE = {
    # The seal and signature blocks of generated documents use this font family.
    "DOCUMENT_FONT_FAMILY": env.str("DOCUMENT_FONT_FAMILY", default="Noto Serif CJK SC"),
}
UNIONCASE["HARDSHIP_PUBLICITY_WORKING_DAYS"] = env.int("HARDSHIP_PUBLICITY_WORKING_DAYS", default=5)
# Identification above this proposed yearly aid (yuan) needs a second reviewer's approval.
UNIONCASE["HARDSHIP_SECOND_APPROVAL_ABOVE"] = env.str("HARDSHIP_SECOND_APPROVAL_ABOVE", default="5000.00")
# Civil-affairs links at or above MATCH are matched outright; from REVIEW they wait for a caseworker.
UNIONCASE["LINKAGE_MATCH_THRESHOLD"] = env.float("LINKAGE_MATCH_THRESHOLD", default=0.85)
UNIONCASE["LINKAGE_REVIEW_THRESHOLD"] = env.float("LINKAGE_REVIEW_THRESHOLD", default=0.70)

# Notifications: the channels that are on (email, sms; in_app always is); email goes through EMAIL_BACKEND.
UNIONCASE["NOTIFICATION_CHANNELS"] = env.list("NOTIFICATION_CHANNELS", default=["in_app", "email", "sms"])
# Attempts per email or SMS delivery before it is marked failed (retries back off 30 s, 60 s, … ≤ 1 h).
UNIONCASE["NOTIFICATION_MAX_ATTEMPTS"] = env.int("NOTIFICATION_MAX_ATTEMPTS", default=6)
# The wait after the first failed attempt; it doubles with each further failure, up to an hour.
UNIONCASE["NOTIFICATION_RETRY_BASE_SECONDS"] = env.int("NOTIFICATION_RETRY_BASE_SECONDS", default=30)
# Links in email and SMS are made absolute with this origin.
UNIONCASE["SITE_URL"] = env.str("SITE_URL", default="http://localhost:8000")
# SMS: the recording backend keeps what would be sent (SmsRecord); the HTTP one posts to a provider.
UNIONCASE["SMS_BACKEND"] = env.str("SMS_BACKEND", default="notifications.sms.RecordingSmsBackend")
UNIONCASE["SMS_GATEWAY_URL"] = env.str("SMS_GATEWAY_URL", default="")
UNIONCASE["SMS_GATEWAY_KEY"] = env.str("SMS_GATEWAY_KEY", default="")  # HMAC-SHA256 signing key
UNIONCASE["SMS_GATEWAY_TIMEOUT"] = env.float("SMS_GATEWAY_TIMEOUT", default=10.0)  # seconds
# Local time (TIME_ZONE) in which no SMS goes out; those due then wait until it ends.
UNIONCASE["SMS_QUIET_HOURS"] = env.str("SMS_QUIET_HOURS", default="22:00-08:00")

# --- The workers' pages under /public/ (README: "Pages for workers") ---
# Where workers and employers reach the public pages: messages to parties link there, never to
# the staff workbench (SITE_URL). May be another host than the workbench's.
UNIONCASE["PUBLIC_BASE_URL"] = env.str("PUBLIC_BASE_URL", default=UNIONCASE["SITE_URL"])
# One-time SMS codes (cases/platform/phone_codes.py): minutes a code lives, wrong tries it takes,
# minutes a confirmed number stays confirmed for filling in the form or reading the progress.
UNIONCASE["PUBLIC_CODE_MINUTES"] = env.int("PUBLIC_CODE_MINUTES", default=10)
UNIONCASE["PUBLIC_CODE_ATTEMPTS"] = env.int("PUBLIC_CODE_ATTEMPTS", default=5)
UNIONCASE["PUBLIC_CONFIRMED_MINUTES"] = env.int("PUBLIC_CONFIRMED_MINUTES", default=30)
# Throttle: seconds between two codes to one number; codes per number and per sender's address an hour.
UNIONCASE["PUBLIC_CODE_INTERVAL_SECONDS"] = env.int("PUBLIC_CODE_INTERVAL_SECONDS", default=60)
UNIONCASE["PUBLIC_CODES_PER_PHONE_HOUR"] = env.int("PUBLIC_CODES_PER_PHONE_HOUR", default=5)
UNIONCASE["PUBLIC_CODES_PER_CLIENT_HOUR"] = env.int("PUBLIC_CODES_PER_CLIENT_HOUR", default=20)
# Attachments one online application may carry (each within UPLOAD_MAX_BYTES).
UNIONCASE["PUBLIC_MAX_ATTACHMENTS"] = env.int("PUBLIC_MAX_ATTACHMENTS", default=5)
# --- end of the workers' pages block ---

# --- Audit journal: its key and its anchors, both outside the database (issue 17, point 5; SECURITY.md) ---
# HMAC-SHA256 key sealing every audit event and anchor line. Unset: a public development key,
# which `check --deploy` refuses when DEBUG is off (unioncase.E020). Rotate with rekey_audit_chain.
AUDIT_HMAC_KEY = env.str("AUDIT_HMAC_KEY", default="")
# Append-only file of chain anchors (one JSON line each), written by beat and `verify_audit --anchor`.
AUDIT_ANCHOR_PATH = env.str("AUDIT_ANCHOR_PATH", default=str(VAR_DIR / "audit-anchors.jsonl"))
# --- end of the audit journal block ---

# --- Personal data at rest (issue 17, point 4; SECURITY.md) ---
# AES-256-GCM keys of the encrypted fields (resident IDs, phones, health, expense notes), comma-separated:
# the first encrypts, every one decrypts. Rotate: put the new key first, keep the old after it, run
# `manage.py rotate_field_keys`, then drop the old. Unset: a public development key, refused by
# `check --deploy` when DEBUG is off (unioncase.E021).
FIELD_ENCRYPTION_KEYS = env.str("FIELD_ENCRYPTION_KEYS", default="")
# HMAC-SHA256 key of the blind indexes (exact lookup, uniqueness, duplicates, linkage). After
# changing it run `manage.py rotate_field_keys` at once: until then lookups by ID find nothing (E022).
BLIND_INDEX_KEY = env.str("BLIND_INDEX_KEY", default="")
# --- end of the personal data block ---

# --- REST API under /api/v1/ (issue 21, point 1; api/) ---
REST_FRAMEWORK = {
    # Staff sign in with their session (CSRF checked) or a personal token (Authorization: Bearer …).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.auth.PersonalTokenAuthentication",
        "api.auth.StaffSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.problem_handler",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ReadThrottle", "api.throttling.WriteThrottle"],
    # Per signed-in user and per system client: requests a minute, reads and writes apart.
    "DEFAULT_THROTTLE_RATES": {
        "read": env.str("API_READ_RATE", default="300/min"),
        "write": env.str("API_WRITE_RATE", default="60/min"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "unioncase API",
    "DESCRIPTION": _("工会劳动争议调解与困难职工帮扶系统的接口：工作人员以会话或个人令牌访问，角色和组织范围与页面相同；"
                     "系统客户端（工会App、民政部门、总工会数据看板）以OAuth2客户端凭证访问，限于其登记的组织范围和权限范围。"),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Links from an answer to the requests its values lead to (api/links.py), after the enums' own hook.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.links.add_links"],
    # One name per choice list that several fields share.
    "ENUM_NAME_OVERRIDES": {
        "ConsentMethodEnum": "cases.models.dispute.mediation.ConsentMethod",
        # Service's party and an agent's side are the same pair (劳动者, 用人单位).
        "PartySideEnum": "cases.models.dispute.representation.PartySide",
        "AgentKindEnum": "cases.models.dispute.representation.AgentKind",
        "IncomeKindEnum": "cases.models.hardship.household.IncomeKind",
        "ExpenseKindEnum": "cases.rules.eligibility.ExpenseKind",
    },
    # Staff endpoints list the staff's ways in, system endpoints OAuth2 (api/system/auth.py); the
    # staff endpoints' refusal of a system client's token is no way in and is left out.
    "AUTHENTICATION_WHITELIST": [
        "api.auth.PersonalTokenAuthentication",
        "api.auth.StaffSessionAuthentication",
        "api.system.auth.SystemClientAuthentication",
    ],
}
# Rows per page of the API's lists (cursor pagination, api/pagination.py); a client may ask for up to 200.
API_PAGE_SIZE = env.int("API_PAGE_SIZE", default=50)
# A repeated POST with the same Idempotency-Key within this many hours gets the first answer.
API_IDEMPOTENCY_HOURS = env.int("API_IDEMPOTENCY_HOURS", default=24)
# System clients (api/system/): OAuth2 client credentials at /api/v1/oauth/token/, each client
# bound to an organisation subtree and to scopes (`manage.py register_system_client`). Only the
# client-credentials grant is used; the RFC 9700 gates are on (tokens stored hashed, none in a
# query string, no implicit or password grant).
# Named so that a migration of ours referring to the application model resolves (the model is swappable).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "SCOPES_BACKEND_CLASS": "api.system.clients.SystemClientScopes",
    "OAUTH2_VALIDATOR_CLASS": "api.system.clients.SystemClientValidator",
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("API_CLIENT_TOKEN_SECONDS", default=3600),
    # The client-credentials grant issues no refresh token; a lifetime makes `clear_expired`
    # (beat, daily: api/tasks.py) remove any that appear, and keeps `cleartokens` from warning.
    "REFRESH_TOKEN_EXPIRE_SECONDS": 24 * 3600,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "PKCE_REQUIRED": True,
    "ALLOW_URI_WILDCARDS": False,
    **{f"COMPLIANT_BCP_RFC9700_{gate}": True for gate in (
        "IMPLICIT_GRANT", "PASSWORD_GRANT", "PKCE_METHOD", "ACCESS_TOKEN_TRANSPORT", "AUTHZ_RESPONSE_ISS",
        "TOKEN_STORAGE", "REFRESH_TOKEN", "REDIRECT_URI_SCHEME", "REDIRECT_URI_MATCHING", "PKCE_REQUIRED")},
}
# Failed client authentications at the token endpoint (api/system/token_failures.py): this many
# within the window, from one client id or from one address, and the endpoint answers 429 there.
API_TOKEN_FAILURE_LIMIT = env.int("API_TOKEN_FAILURE_LIMIT", default=10)
API_TOKEN_FAILURE_MINUTES = env.int("API_TOKEN_FAILURE_MINUTES", default=10)
# --- end of the REST API block ---
