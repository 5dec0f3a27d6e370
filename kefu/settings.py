"""Kefu settings: one module, every knob read from a KEFU_* environment variable.

Each helper fails loudly with ImproperlyConfigured naming the variable, so a
mistyped setting stops `kefu serve` with one clear line instead of a traceback.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None else value.strip()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {value!r}")


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int = 65535) -> int:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from None
    if not minimum <= number <= maximum:
        raise ImproperlyConfigured(f"{name} must be between {minimum} and {maximum}, got {number}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_url(name: str, schemes: set[str]) -> str | None:
    value = env_str(name)
    if not value:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in schemes:
        allowed = ", ".join(sorted(schemes))
        raise ImproperlyConfigured(
            f"{name} must be a URL starting with one of {allowed}://, "
            f"got {parsed.scheme or value!r}"
        )
    return value


def _default_var_dir() -> Path:
    # In a source checkout (``make run``) data lives in the checkout's var/, wherever
    # the command is started from; an installed package uses ./var of the working directory.
    checkout = BASE_DIR.parent
    if (checkout / "pyproject.toml").exists():
        return checkout / "var"
    return Path.cwd() / "var"


VAR_DIR = Path(env_str("KEFU_VAR_DIR") or _default_var_dir()).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)
TESTING = "pytest" in sys.modules or env_bool("KEFU_TESTING", False)


def _secret_key() -> str:
    given = env_str("KEFU_SECRET_KEY")
    if given is not None:
        if len(given) < 32:
            raise ImproperlyConfigured("KEFU_SECRET_KEY must be at least 32 characters long")
        return given
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("KEFU_DEBUG", False)
ALLOWED_HOSTS = env_list("KEFU_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
if TESTING:
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]
CSRF_TRUSTED_ORIGINS = env_list("KEFU_CSRF_TRUSTED_ORIGINS", [])
HOST = env_str("KEFU_HOST", "127.0.0.1")
PORT = env_int("KEFU_PORT", 8000, minimum=1)

TIME_ZONE = env_str("KEFU_TIME_ZONE", "Asia/Shanghai")
try:
    ZoneInfo(TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"KEFU_TIME_ZONE is not a known time zone: {TIME_ZONE!r}") from None
USE_TZ = True
USE_I18N = True
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "huey.contrib.djhuey",
    "ninja",
    "kefu.core",
    "kefu.org",
    "kefu.audit",
    "kefu.customers",
    "kefu.tickets",
    "kefu.callcenter",
    "kefu.followups",
    "kefu.reports",
    "kefu.plans",
    "kefu.supervision",
    "kefu.incidents",
    "kefu.meetings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kefu.core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kefu.core.middleware.LanguageMiddleware",
    "kefu.policy.PolicyReadsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kefu.org.twofactor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kefu.errors.DomainErrorMiddleware",
    "kefu.core.access.AccessMiddleware",  # R-SEC-3: the endpoint table, before every page view
    "axes.middleware.AxesMiddleware",
    "kefu.core.db_router.PinAfterWriteMiddleware",
]

ROOT_URLCONF = "kefu.urls"
WSGI_APPLICATION = "kefu.wsgi.application"
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kefu.core.context.shell",
                "kefu.core.security.csp",
            ],
        },
    }
]


def _database() -> dict:
    import dj_database_url

    url = env_url("KEFU_DATABASE_URL", {"postgres", "postgresql", "sqlite"})
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        if config["ENGINE"].endswith("postgresql"):
            config.setdefault("TEST", {})["NAME"] = env_str("KEFU_TEST_DATABASE_NAME")
        return config
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "kefu.sqlite3",
        "OPTIONS": {
            # WAL lets readers run beside the one writer; IMMEDIATE takes the write
            # lock at BEGIN so concurrent writers queue instead of failing mid-transaction.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": _database()}


def _replica() -> dict | None:
    """A read replica of the PostgreSQL primary: reports and KPIs read from it (see
    kefu/core/db_router.py). In tests it mirrors the test database instead of being created."""
    import dj_database_url

    url = env_url("KEFU_REPLICA_DATABASE_URL", {"postgres", "postgresql"})
    if not url:
        return None
    if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured(
            "KEFU_REPLICA_DATABASE_URL needs KEFU_DATABASE_URL to name the PostgreSQL primary"
        )
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    config["TEST"] = {"MIRROR": "default"}
    return config


if (_replica_config := _replica()) is not None:
    DATABASES["replica"] = _replica_config
DATABASE_ROUTERS = ["kefu.core.db_router.PrimaryReplicaRouter"]
KEFU_REPLICA_PIN_SECONDS = env_int("KEFU_REPLICA_PIN_SECONDS", 5, minimum=0, maximum=3600)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_url("KEFU_REDIS_URL", {"redis", "rediss", "unix"})
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "kefu",
        "url": REDIS_URL,
        "immediate": TESTING,
        "utc": False,  # crontab hours are local (TIME_ZONE) times: 02:30 is 02:30 in Beijing
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "kefu",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": TESTING,
        "utc": False,  # crontab hours are local (TIME_ZONE) times: 02:30 is 02:30 in Beijing
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests create many users. Production keeps Argon2 first.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "kefu.org.backends.StaffBackend",
]
AXES_FAILURE_LIMIT = env_int("KEFU_LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=100)
AXES_COOLOFF_TIME = 0.25  # hours: a locked account opens again after 15 minutes
# Lock by login name only: a call centre's agents share one outgoing IP address, and
# locking the address would lock the whole floor out after one person's typos.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_ENABLED = env_bool("KEFU_AXES_ENABLED", True)
AXES_VERBOSE = False

# HTTPS (docs/reliability.md, Web security): Kefu's own server (waitress) speaks plain HTTP;
# in production a reverse proxy terminates TLS and sets X-Forwarded-Proto. KEFU_HTTPS=1 says
# so: secure cookies, a redirect of plain HTTP to HTTPS, and HSTS. It defaults on when Kefu
# listens beyond the loopback, so `make run` on 127.0.0.1 keeps working over plain HTTP.
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
HTTPS = env_bool("KEFU_HTTPS", not DEBUG and not TESTING and HOST not in LOOPBACK_HOSTS)
# With Redis (shared by every web process) a session is read from the cache and written
# through to the database, saving a query on every page (issue 9); without it, the database.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("KEFU_SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("KEFU_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("KEFU_HSTS_SECONDS", 31536000, maximum=63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("KEFU_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("KEFU_HSTS_PRELOAD", False)
    # The /health probe of a load balancer may come over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^api/v1/health$"]
# waitress drops X-Forwarded-* headers unless they come from a trusted proxy: the TLS proxy
# in front (KEFU_TRUSTED_PROXY, its address; default the same host) is trusted for the scheme.
# Open connections one web process keeps (waitress's default, 100, made the 101st keep-alive
# client of a busy floor wait unaccepted: issue 9's load test with 120 users).
WAITRESS_CONNECTION_LIMIT = env_int("KEFU_CONNECTION_LIMIT", 1000, minimum=10, maximum=100000)
WAITRESS_PROXY = (
    {
        "trusted_proxy": env_str("KEFU_TRUSTED_PROXY", "127.0.0.1"),
        "trusted_proxy_headers": {"x-forwarded-proto"},
    }
    if HTTPS
    else {}
)
# Asking browsers to preload the domain is the operator's choice (KEFU_HSTS_PRELOAD=1).
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# TOTP two-factor sign-in (django-otp) for the roles that can change everyone's access or
# see everything: required whenever the site is served over HTTPS (production), off for the
# plain-HTTP local demo unless KEFU_TWO_FACTOR=1. `kefu check --deploy` warns when it is off.
TWO_FACTOR_REQUIRED = env_bool("KEFU_TWO_FACTOR", HTTPS)
TWO_FACTOR_ROLES = env_list("KEFU_TWO_FACTOR_ROLES", ["sysadmin", "director", "gm"])
OTP_TOTP_ISSUER = "Kefu"
OTP_TOTP_THROTTLE_FACTOR = 1

# Uploads (docs/reliability.md, Web security): the largest file each kind of upload takes.
UPLOAD_MAX_MB = {
    "customer_import": env_int("KEFU_UPLOAD_CUSTOMERS_MB", 20, minimum=1, maximum=1024),
    "call_import": env_int("KEFU_UPLOAD_CALLS_MB", 200, minimum=1, maximum=4096),
    "incident_report": env_int("KEFU_UPLOAD_REPORT_MB", 10, minimum=1, maximum=1024),
}

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
MEDIA_ROOT = VAR_DIR / "media"

EMAIL_BACKEND = env_str("KEFU_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("KEFU_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("KEFU_EMAIL_PORT", 25, minimum=1)
DEFAULT_FROM_EMAIL = env_str("KEFU_EMAIL_FROM", "kefu@localhost")
if TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # R-SEC-1: phone and ID numbers are masked in every line the console handler writes.
    "filters": {"personal_data": {"()": "kefu.core.security.PersonalDataFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("KEFU_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # Huey's consumer adds its own handler; don't print each line twice, and keep
        # the every-minute heartbeat out of the terminal.
        # Their lines go to the consumer's own handler, not the console's: the same mask
        # is applied on the loggers themselves (a task's failure carries its arguments).
        "huey": {"level": "WARNING", "propagate": False, "filters": ["personal_data"]},
        "huey.consumer": {
            "level": "WARNING" if TESTING else "INFO",
            "propagate": False,
            "filters": ["personal_data"],
        },
        "huey.consumer.Scheduler": {
            "level": "WARNING",
            "propagate": False,
            "filters": ["personal_data"],
        },
    },
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 500
API_TOKEN_DAYS = env_int("KEFU_API_TOKEN_DAYS", 365, minimum=1, maximum=3650)

KEFU_SITE_NAME = _("Kefu customer service")
DEMO_PASSWORD = "kefu-demo-2026"  # noqa: S105 - the published demo password, demo data only
