"""One settings module, read from the environment.

With no environment set, Alera runs on local defaults (SQLite, local-memory cache, eager
Celery, console email, the dev payment gateway). Setting ``SECRET_KEY`` switches to the
production shape: DEBUG off, secure cookies, HSTS, and every secret required.
"""

import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_DIR = BASE_DIR / ".local"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")


def _dev_secret_key() -> str:
    """A per-checkout secret kept in .local/ so tokens survive `make run` restarts."""
    LOCAL_DIR.mkdir(exist_ok=True)
    path = LOCAL_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


PRODUCTION = bool(env.str("SECRET_KEY", default=""))
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = env.str("SECRET_KEY") if PRODUCTION else _dev_secret_key()
if not DEBUG and not PRODUCTION:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Public base URL of every link Alera hands out (emails, checkout and return links, calendar
# feeds, avatars, the hosted portal). Tasks and emails have no request to read it from, so it
# is configuration: locally it follows PORT (what `make run PORT=8101` serves on).
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}")
SITE_URL = SITE_URL.rstrip("/")

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
    "django_htmx",
    "alera",
    "accounts",
    "customers",
    "classes",
    "payments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "alera.middleware.ApiErrorMiddleware",
    "alera.middleware.PageBodyLimitMiddleware",
    "alera.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "alera.urls"
WSGI_APPLICATION = "alera.wsgi.application"

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

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serialises writers; wait instead of failing under the dev server's threads.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")


def redis_cache(url: str, *, key_prefix: str) -> dict:
    """The default cache on Redis. An outage degrades, it doesn't break (issue 21): reads
    miss and writes are dropped (IGNORE_EXCEPTIONS, logged), so every reader falls back to
    the database; short socket timeouts keep a hung Redis from holding a request. Rate
    limits fail open on their own (alera/api/ratelimit.py)."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": key_prefix,
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CONNECT_TIMEOUT", default=1.0),
            "SOCKET_TIMEOUT": env.float("REDIS_SOCKET_TIMEOUT", default=1.0),
        },
    }


if REDIS_URL:
    CACHES = {
        "default": redis_cache(REDIS_URL, key_prefix=env.str("CACHE_KEY_PREFIX", default="alera"))
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "alera.cache"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/dashboard/login/"
LOGIN_REDIRECT_URL = "/dashboard/"
LOGOUT_REDIRECT_URL = "/dashboard/login/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# API bodies are small JSON documents; anything bigger is refused before parsing.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=64 * 1024)
# Whole bodies of page (non-API) requests, files included: a 5 MB avatar and its form fit.
PAGE_BODY_MAX_BYTES = env.int("PAGE_BODY_MAX_BYTES", default=6 * 1024 * 1024)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_PARSER_CLASSES": ["alera.api.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["alera.api.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "alera.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Alera public API",
    "DESCRIPTION": "Classes, bookings, packs, gift cards, tips and the customer portal.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # /api/docs/ loads Swagger UI from our own static files: no CDN, and CSP allows 'self' only.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "TenantKey": {"type": "apiKey", "in": "header", "name": "x-alera-key"},
            "CustomerToken": {"type": "apiKey", "in": "header", "name": "x-customer-token"},
        }
    },
}

# Rate limits: sliding 60-second windows in the default cache's Redis (shared by every
# process; alera/api/ratelimit.py). RATELIMIT_ENABLE=false lifts them, for benchmarks only.
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
# The WSGI environ key holding the client IP when behind a trusted proxy, e.g.
# HTTP_X_FORWARDED_FOR with CLIENT_IP_PROXY_COUNT=1 (the address the proxy saw).
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="")
CLIENT_IP_PROXY_COUNT = env.int("CLIENT_IP_PROXY_COUNT", default=1)

# Celery: eager in-process locally, Redis broker in production.
# The in-memory broker names a host so kombu doesn't warn "No hostname was supplied" when an
# eager task borrows a producer (it still connects nowhere).
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
# The worker survives a broker restart (issue 21): it reconnects for ever, at start-up too,
# instead of exiting after 100 tries; tasks in flight when the connection drops are given
# back (acks_late) rather than left running unacknowledgeable. Publishing (web processes
# queuing after commit) gives up fast instead: every queue point has a sweep behind it.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "retry_on_timeout": True}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Workers log through LOGGING below (and its secret-redacting filter), not Celery's own root
# handler: task arguments can carry magic links.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    "release-expired-holds": {
        "task": "classes.tasks.release_expired_holds",
        "schedule": 60.0,
    },
    "send-class-reminders": {
        "task": "customers.tasks.send_class_reminders",
        "schedule": 300.0,
    },
}

# Email: console locally, SMTP (or any EMAIL_URL scheme) in production.
if env.str("EMAIL_URL", default=""):
    globals().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Alera <bookings@alera.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Payments: the dev gateway serves a local checkout page; Stripe needs its keys.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
PAYMENT_GATEWAY = env.str("PAYMENT_GATEWAY", default="stripe" if STRIPE_SECRET_KEY else "dev")
if PAYMENT_GATEWAY not in {"stripe", "dev"}:
    raise ImproperlyConfigured("PAYMENT_GATEWAY must be 'stripe' or 'dev'.")
if PAYMENT_GATEWAY == "dev" and not DEBUG and not env.bool("ALLOW_DEV_GATEWAY", default=False):
    raise ImproperlyConfigured(
        "The dev payment gateway is refused with DEBUG off; set STRIPE_SECRET_KEY "
        "(or ALLOW_DEV_GATEWAY=true for a staging demo)."
    )
if PAYMENT_GATEWAY == "stripe" and not STRIPE_WEBHOOK_SECRET and PRODUCTION:
    raise ImproperlyConfigured("STRIPE_WEBHOOK_SECRET is required with the Stripe gateway.")
# How long a paid booking holds its seat: Stripe's minimum Checkout expiry is 30 minutes.
CHECKOUT_HOLD_MINUTES = env.int("CHECKOUT_HOLD_MINUTES", default=30)

# Security: production shape behind a TLS-terminating proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact_secrets": {"()": "alera.redaction.RedactSecretsFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # runserver's request lines ("GET /api/classes 200") go through the same redacting
    # handler as everything else, so a magic link's token never reaches the console.
    "loggers": {
        "django": {"level": LOG_LEVEL},
        "django.server": {"level": LOG_LEVEL, "propagate": True},
    },
}

# Class packs past their expiry lose their remaining credits (an `expired` ledger row).
CELERY_BEAT_SCHEDULE["expire-class-packs"] = {
    "task": "payments.tasks.expire_packages",
    "schedule": 3600.0,
}
# Refunds we owe are rows retried with backoff until Stripe accepts them (issue 21).
CELERY_BEAT_SCHEDULE["retry-owed-refunds"] = {
    "task": "payments.tasks.retry_refunds",
    "schedule": 60.0,
}
# Stored Stripe events nothing processed (never queued: broker down at commit; or the task
# gave up: database away longer than its retries) are queued again (issue 21).
CELERY_BEAT_SCHEDULE["requeue-stale-stripe-events"] = {
    "task": "payments.tasks.requeue_stale_stripe_events",
    "schedule": 60.0,
}

# --- Security headers and login throttling (issue 7) -------------------------------------
# Content-Security-Policy (django-csp 4) on every page: our own origin only, no inline
# scripts or styles, never framed. Forms may post to ourselves and be redirected on to
# Stripe Checkout/Connect or a partner's success URL (Chrome applies form-action to the
# redirect), hence https: (and http: for local partner sites while DEBUG is on).
INSTALLED_APPS += ["csp", "axes"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "csp.middleware.CSPMiddleware",
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'", "https:", *(["http:"] if DEBUG else [])],
        "frame-ancestors": ["'none'"],
    },
}

# CORS (django-cors-headers) for partner sites that call the API from a browser: only /api/
# paths, only origins some live API key allows (accounts/cors.py answers the library's
# check_request_enabled signal from a cached set), no cookies, no secrets exposed. The
# preflight is answered by the middleware itself, before rate limits and key checks.
INSTALLED_APPS += ["corsheaders"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware"),
    "corsheaders.middleware.CorsMiddleware",
)
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOWED_ORIGINS: list[str] = []
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "POST", "OPTIONS"]
CORS_ALLOW_HEADERS = ["x-alera-key", "x-customer-token", "content-type"]
CORS_EXPOSE_HEADERS = ["retry-after"]
CORS_PREFLIGHT_MAX_AGE = 600
CORS_ORIGINS_CACHE_SECONDS = env.int("CORS_ORIGINS_CACHE_SECONDS", default=60)

# Dashboard and admin logins: django-axes counts failures per (email, client IP) in the
# database and answers 429 after AXES_FAILURE_LIMIT of them until the cool-off passes.
# Per pair rather than per IP, so a studio's shared office IP (or a proxy address when
# CLIENT_IP_HEADER is unset) can't lock everyone out. Staff unlock people in the admin.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Per account, from any address: a doubling wait after 10 failures (accounts/throttling.py).
    "accounts.throttling.AccountBackoffBackend",
    "django.contrib.auth.backends.ModelBackend",
]
MIDDLEWARE.append("axes.middleware.AxesMiddleware")

# Outermost and innermost (issue 21): whatever fails after an /api/ view has answered (CORS
# headers, a cache that is down) never turns that answer into an error, and any error
# there is still the JSON envelope. Added last, so they wrap everything above.
MIDDLEWARE.insert(0, "alera.middleware.ApiResponseGuardMiddleware")
MIDDLEWARE.append("alera.middleware.ApiViewResponseMiddleware")
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "security/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "alera.settings.axes_client_ip"
AXES_USERNAME_CALLABLE = "alera.settings.axes_username"
AXES_VERBOSE = False
# Password-reset requests (sliding windows, accounts/throttling.py): per client address and
# per address asked for; a throttled request gets the same answer and no email.
PASSWORD_RESET_RATE_PER_IP = env.str("PASSWORD_RESET_RATE_PER_IP", default="10/h")
PASSWORD_RESET_RATE_PER_EMAIL = env.str("PASSWORD_RESET_RATE_PER_EMAIL", default="3/h")


def axes_client_ip(request) -> str | None:
    """The same client IP the API rate limits use (REMOTE_ADDR or our proxy's header);
    None when there is no valid address (e.g. a login made in code, without a request)."""
    import ipaddress

    from alera.api.ratelimit import client_ip

    address = client_ip(None, request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def axes_username(request, credentials) -> str:
    """Emails log in case-insensitively, so `Owner@x` and `owner@x` share one counter."""
    raw = (credentials or {}).get("username") or request.POST.get("username") or ""
    return str(raw).strip().lower()
