"""unioncase settings: 12-factor, every deployment choice comes from the environment.

Embedded default (no variables set): DEBUG on, SQLite file in var/, Celery eager,
files on local disk. Production sets DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY.
"""

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
    "viewflow",
    "viewflow.workflow",
    "cases",
    "notifications",
    "workflows",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "viewflow.middleware.SiteMiddleware",
    "viewflow.middleware.HotwireTurboMiddleware",
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
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
# Our own strings are written in Chinese; locale/ holds their English. viewflow ships an
# empty Chinese catalog, so its strings are translated in locale_vendor/ — kept apart so
# `makemessages` on our code can never drop them.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor" / "viewflow"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")

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
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs seven INFO lines per PDF ("Step 1 - Fetching and parsing HTML", ...).
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
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
