"""cocrea settings: every deploy-time knob is read here, from the environment.

The embedded default (no variables) is SQLite plus Channels' in-memory layer in
one Daphne process. ``DATABASE_URL`` switches to PostgreSQL and ``REDIS_URL`` to
channels_redis and a Redis cache, which is what several Daphne replicas share.
"""

from __future__ import annotations

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def _required(name: str) -> str:
    """Read a variable that production cannot start without, naming it when missing."""
    value = env.str(name, default="").strip()
    if not value:
        raise ImproperlyConfigured(
            f"The environment variable {name} is required when DEBUG is off."
        )
    return value


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


def _strict_bool(name: str, default: bool) -> bool:
    """django-environ reads any unknown word as False; a typo such as DEBUG=ture must
    stop start-up instead of silently changing behaviour."""
    raw = env.str(name, default="1" if default else "0").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"The environment variable {name} must be a boolean (1/0, true/false, yes/no, "
        f"on/off), not {raw!r}."
    )


def _int(name: str, default: int) -> int:
    raw = env.str(name, default=str(default)).strip()
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be a whole number, not {raw!r}."
        ) from None


DEBUG = _strict_bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-dev-key-only-for-debug-" + "x" * 32)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
else:
    SECRET_KEY = _required("SECRET_KEY")
    ALLOWED_HOSTS = [h.strip() for h in _required("ALLOWED_HOSTS").split(",") if h.strip()]

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "csp",
    "cocrea.accounts",
    "cocrea.toolkit",
    "cocrea.realtime",
    "cocrea.policy",
    "cocrea.assessment",
    "cocrea.audit",
    "cocrea.privacy",
    "sessions.apps.LiveSessionsConfig",
    "canvases",
    "voting",
    "frontend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cocrea.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cocrea.i18n.SpanishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "cocrea.urls"
ASGI_APPLICATION = "cocrea.asgi.application"
WSGI_APPLICATION = None

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
            ],
        },
    },
]

try:
    DATABASES = {
        "default": env.db(
            "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'cocrea.sqlite3'}"
        )
    }
    _engine = DATABASES["default"]["ENGINE"]  # a URL without a scheme has no engine
except (ImproperlyConfigured, KeyError, ValueError) as exc:
    raise ImproperlyConfigured(f"The environment variable DATABASE_URL is invalid: {exc}") from exc
if _engine not in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
    raise ImproperlyConfigured(
        "The environment variable DATABASE_URL must be a postgres:// or sqlite:/// URL."
    )
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Daphne serves sync views from a thread pool: without a busy timeout two
    # concurrent writers get "database is locked" instead of waiting their turn.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("timeout", 20)
    # BEGIN IMMEDIATE takes the write lock up front: two transactions that read and
    # then write would otherwise deadlock and one fail at once, busy timeout or not.
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    # WAL: readers never wait for the writer, and a commit appends to the log instead
    # of syncing the whole journal (NORMAL is durable across application crashes;
    # only an OS crash may lose the last commits). Several Daphne processes on one
    # host share the file safely.
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    # Keep the connection: the WebSocket consumers make many short database calls.
    DATABASES["default"].setdefault("CONN_MAX_AGE", _int("CONN_MAX_AGE", default=60))
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", _int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

REDIS_URL = env.str("REDIS_URL", default="").strip()
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        "The environment variable REDIS_URL must start with redis://, rediss:// or unix://."
    )
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "cocrea.realtime.layers.EmbeddedChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "toolkit:home"
LOGOUT_REDIRECT_URL = "toolkit:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Español")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Bogota"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "cocrea.storage.StaticStorage"
        )
    },
}
# Tests run without collectstatic; let whitenoise find files in app folders then.
WHITENOISE_USE_FINDERS = _strict_bool("WHITENOISE_USE_FINDERS", default=DEBUG)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "cocrea.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "cocrea.api.StrictPageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "EXCEPTION_HANDLER": "cocrea.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "cocrea API",
    "DESCRIPTION": "Participatory co-creation for open government (MEGA IP / HAGA).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Serve Swagger UI from our own static files: no CDN, works on closed networks.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Ley 1581: days after a session ends before its participants' identities are
# anonymised (manage.py anonymise_expired, also run at most once a day by the app). 0 = never.
PARTICIPANT_RETENTION_DAYS = _int("PARTICIPANT_RETENTION_DAYS", default=365)

# Security: on behind HTTPS by default when not debugging. ``SECURE_HTTPS=false``
# exists for a plain-HTTP private network, where secure cookies would never be sent.
SECURE_HTTPS = _strict_bool("SECURE_HTTPS", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = SECURE_HTTPS and _strict_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_HSTS_SECONDS = _int("SECURE_HSTS_SECONDS", default=31536000 if SECURE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Django's default, stated: a page opened from ours cannot reach back through
# window.opener (and ours cannot be scripted by the page that opened it).
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp 4): scripts and styles only from our own static
# files, so an injected <script> or inline handler never runs. The JavaScript only
# sets element.style properties (CSSOM), which style-src does not restrict; the only
# <style> blocks are in the PDF templates, which never reach a browser. img-src allows
# data: URLs for QR codes and charts. cocrea.csp adds the request's own ws(s):// origin
# to connect-src for browsers where 'self' does not cover WebSockets. The SVG canvas
# export sets its own, stricter header, which the middleware leaves in place.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Live-session WebSockets open at once from one client address, per Daphne process;
# the next one is closed with 4429 (docs/realtime-protocol.md). A venue's Wi-Fi puts a
# whole workshop behind one address, so the default leaves room for a large assembly
# while stopping one client from exhausting the process's sockets. 0 turns it off.
WS_MAX_CONNECTIONS_PER_ADDRESS = _int("WS_MAX_CONNECTIONS_PER_ADDRESS", default=500)
if WS_MAX_CONNECTIONS_PER_ADDRESS < 0:
    raise ImproperlyConfigured(
        "The environment variable WS_MAX_CONNECTIONS_PER_ADDRESS must be 0 (no limit) or "
        "a positive whole number."
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
