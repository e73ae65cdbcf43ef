"""Fazhi settings: everything a deployment changes comes from the environment, and bad values fail fast.

Environment:
  DATABASE_URL      default sqlite:///<FAZHI_VAR_DIR>/fazhi.sqlite3 (the embedded database);
                    production: postgres://user:pass@host:5432/fazhi
  SECRET_KEY        required when FAZHI_DEBUG is off and no key file exists; the embedded
                    mode keeps a generated key in <FAZHI_VAR_DIR>/secret-key
  FAZHI_DEBUG       "1" for development pages with tracebacks
  ALLOWED_HOSTS     comma-separated host names, default "127.0.0.1,localhost"
  FAZHI_VAR_DIR     where the embedded database, uploaded files and the key file live (default ./var)
  FAZHI_SECURE_COOKIES  "1" when served over HTTPS
  FAZHI_CACHE_URL   default: files under <FAZHI_VAR_DIR>/cache, shared by every worker on one machine;
                    several machines: redis://host:6379/0
  FAZHI_JOBS_INLINE "1" runs long work (imports) inside the request instead of a background thread
"""
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0/true/false, got {value!r}")


VAR_DIR = Path(os.environ.get("FAZHI_VAR_DIR", PROJECT_DIR / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_flag("FAZHI_DEBUG")


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long")
        return key
    key_file = VAR_DIR / "secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_filters",
    "django_tables2",
    "django_htmx",
    # Without `ninja` here its docs page loads Swagger UI from a CDN; with it, from our own static files.
    "ninja",
    "fazhi.core",
    "fazhi.entities",
    "fazhi.inspections",
    "fazhi.laws",
    "fazhi.cases",
    "fazhi.reviews",
    "fazhi.supervision",
    "fazhi.reports",
    "fazhi.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "fazhi.core.language.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "fazhi.core.middleware.IdleTimeoutMiddleware",
    "fazhi.core.workdays.SharedCalendarMiddleware",
    "fazhi.core.middleware.ForcePasswordChangeMiddleware",
    # Last, so that a locked-out login attempt is answered before the view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fazhi.urls"
WSGI_APPLICATION = "fazhi.wsgi.application"

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
                "fazhi.core.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'fazhi.sqlite3'}"),
        conn_max_age=int(os.environ.get("FAZHI_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Waiting on a lock beats failing: the embedded database has one writer at a time.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# 等保2.0 account rules; the numbers live in fazhi.core.rules and are read from there.
from fazhi.core.rules import ACCOUNT_RULES  # noqa: E402

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": ACCOUNT_RULES.password_min_length},
    },
    {"NAME": "fazhi.core.passwords.CharacterClassValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AXES_FAILURE_LIMIT = ACCOUNT_RULES.lockout_failures
AXES_COOLOFF_TIME = ACCOUNT_RULES.lockout_minutes / 60  # hours
# Lock the account, not the address: offices share one NAT address, and one clumsy colleague must not lock
# out the whole bureau. Rotating addresses does not help an attacker, since the count is per account.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
# The lock ends 15 minutes after the last counted failure; tries during the lock do not prolong it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# The idle timeout is enforced by IdleTimeoutMiddleware, which can say why it signed a person out; the
# session itself lives longer so that the middleware still finds it, stale, when the person comes back.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_COOKIES = env_flag("FAZHI_SECURE_COOKIES")
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# The cache carries what every worker must see at once, such as an import's progress while its transaction
# is still open. Files work for one machine with several workers; Redis for several machines.
_cache_url = os.environ.get("FAZHI_CACHE_URL", "")
if _cache_url.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}}
elif _cache_url:
    raise ImproperlyConfigured("FAZHI_CACHE_URL 只支持 redis:// 地址；不设置则使用本机文件缓存。")
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "cache")}
    }
# Long work (an import's check and apply) runs in a background thread unless this is set (tests set it).
FAZHI_JOBS_INLINE = env_flag("FAZHI_JOBS_INLINE")

STATIC_ROOT = Path(os.environ.get("FAZHI_STATIC_ROOT", PROJECT_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the apps' static folders when collectstatic has not run (tests, runserver).
WHITENOISE_USE_FINDERS = True

DJANGO_TABLES2_TEMPLATE = "core/_table.html"
DJANGO_TABLES2_PAGE_RANGE = 7

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("FAZHI_LOG_LEVEL", "WARNING")},
}
