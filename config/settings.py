"""Settings, read from environment variables (DESIGN.md §4).

Defaults give a newcomer a working app on SQLite with eager Celery tasks that serves the way
production does (DEBUG off, a secret key kept in var/); production also sets SECRET_KEY,
ALLOWED_HOSTS, DATABASE_URL and REDIS_URL. DEBUG=true is for development only.
"""

import secrets
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A .env file is optional; real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
# The installation's own files: the SQLite database, uploads, the generated secret key.
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))



def flag(name: str, default: bool) -> bool:
    """A yes/no variable; anything but true/false/1/0/yes/no/on/off stops the start-up
    (django-environ would read a typo such as DEBUG=ture as false without a word)."""
    value = env.str(name, default=str(default)).strip().lower()
    if value not in {"true", "false", "1", "0", "yes", "no", "on", "off"}:
        raise environ.ImproperlyConfigured(f"{name}={value!r}: expected true or false")
    return value in {"true", "1", "yes", "on"}


DEBUG = flag("DEBUG", default=False)


def _local_secret_key(path: Path) -> str:
    """The key of this installation, generated into var/ on first start (readable by its
    owner only), so a newcomer's `make run` never serves with a key known to anyone else."""
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        draft = path.with_name(f"{path.name}.{secrets.token_hex(8)}")
        draft.touch(mode=0o600)
        draft.write_text(secrets.token_urlsafe(50))
        try:
            path.hardlink_to(draft)  # atomic: the first of two processes wins
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or _local_secret_key(VAR_DIR / "secret_key")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

DISTRICT_NAME = env.str("DISTRICT_NAME", default="示范区")

INSTALLED_APPS = [
    "liaison.admin_site.LiaisonAdminConfig",  # admin behind allauth login + MFA
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    "import_export",
    "simple_history",
    "liaison",
    "research",
    "contactpoints",
    "petitions",
    "talks",
    "opinions",
    "pledges",
    "supervision",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "liaison.middleware.ContentSecurityPolicyMiddleware",
    # Static files from the app server itself: intranets have no CDN and often no nginx.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Deny by default: every view needs a login unless marked login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "liaison.middleware.AccountSetupMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
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
                "liaison.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'liaison.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    # Wait for a concurrent writer (web threads + background jobs) instead of failing at once;
    # every transaction takes the write lock when it begins (BEGIN IMMEDIATE), so that none
    # fails with "database is locked" when it turns from reading to writing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20,
                                                          transaction_mode="IMMEDIATE")
    # Tests use a file too, as `make run` does: an in-memory database shared between threads
    # fails at once with "table is locked" where a file waits for the writer.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: PostgreSQL compiled the plans of the pages' scoped queries for about 0.6 s of a
    # 0.8 s case list (bench/RESULTS.md); the platform's queries are many and short.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "liaison.User"

REDIS_URL = env.str("REDIS_URL", default="")
# One store every worker process sees (login lockouts and rate limits live there): Redis,
# falling back to the database table while Redis is down; the table alone without Redis.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "liaison.cache.FailoverCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                          "LOCATION": "liaison_cache"}}  # liaison.cache.CACHE_TABLE

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ACKS_LATE = True
# Enqueueing fails within a second when Redis is down (liaison.background then runs the job in
# the web process) instead of retrying for about 20 s.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1,
                                   "max_retries": 0}
# Without a broker, jobs run in a thread of the web process (liaison.background).
BACKGROUND_THREADS = flag("BACKGROUND_THREADS", default=True)
# A job still pending or running after this long was lost (a restart): it is marked failed.
JOB_TIME_LIMIT_SECONDS = env.int("JOB_TIME_LIMIT_SECONDS", default=30 * 60)
# A compliance run on the workers is split into this many parts, run in parallel (#16): one
# for the district-wide rows, the others by sub-district/cluster subtree.
COMPLIANCE_PARTS = env.int("COMPLIANCE_PARTS", default=4)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "liaison.auth.UsernameInPasswordValidator"},
    {"NAME": "liaison.auth.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# django-allauth: usernames only, accounts come from the roster, no public sign-up.
ACCOUNT_ADAPTER = "liaison.auth.AccountAdapter"
ACCOUNT_FORMS = {"change_password": "liaison.auth.InitialPasswordChangeForm"}
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "change_password": "5/m/user",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="联系服务群众平台")
# Accept the code of the 30-second step before or after the server's (RFC 6238 §5.2): a phone
# whose clock is a few seconds off, or a code typed as it turned over, still works.
MFA_TOTP_TOLERANCE = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

# Sessions end after inactivity: every request renews the cookie's clock.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# pathlib paths (env.path gives environ.Path, which code joining with "/" trips over).
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Collected (and compressed) by `manage.py collectstatic` in production; served from the
# source folders while developing and testing.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# No URL pattern serves MEDIA_URL: uploads are streamed by views after a permission check.
MEDIA_URL = "media/"

DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = 20 * 1024 * 1024
# A larger upload is previewed and imported in the background, with a progress bar (#16).
IMPORT_BACKGROUND_BYTES = env.int("IMPORT_BACKGROUND_BYTES", default=512 * 1024)

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Behind a reverse proxy that sets X-Forwarded-For, the client's address (for the rate limits
# of the public pages) is the proxy's last entry; without one, the header is not trusted.
BEHIND_PROXY = flag("BEHIND_PROXY", default=False)

# Production behind TLS sets HTTPS_ONLY=true (redirects, HSTS, secure cookies); the default
# serves plain HTTP on this machine, as `make run` does.
if not DEBUG and flag("HTTPS_ONLY", default=False):
    SECURE_SSL_REDIRECT = flag("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

IMPORT_EXPORT_USE_TRANSACTIONS = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Notifications also go out by e-mail: printed to the console unless a backend is configured.
EMAIL_BACKEND = env.str("EMAIL_BACKEND",
                        default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="liaison@localhost")
# The platform's address as users reach it, for links in e-mails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Plausibility flags (可信度提示, liaison.plausibility): thresholds of the rules; a key left out
# takes the default of liaison.plausibility.DEFAULTS.
PLAUSIBILITY = {
    "BACKDATING_DAYS": 30,
    "BURST_RECORDS": 20,
    "BURST_HOURS": 24,
    "BURST_SPREAD_DAYS": 60,
    "HOUSEHOLD_VISITS_PER_DAY": 8,
    "UNCONFIRMED_AFTER_DAYS": 7,
    "WINDOW_DAYS": 730,
}

CELERY_BEAT_SCHEDULE = {
    "audit-seal": {"task": "liaison.tasks.seal_audit_chain", "schedule": crontab(minute="*/10")},
    "hourly-pending-import-purge": {
        "task": "liaison.tasks.purge_pending_imports",
        "schedule": crontab(minute=15),
    },
    "daily-petition-deadlines": {
        "task": "petitions.tasks.notify_petition_deadlines",
        "schedule": crontab(hour=8, minute=0),
    },
    "nightly-plausibility": {
        "task": "supervision.tasks.nightly_plausibility",
        "schedule": crontab(hour=3, minute=30),
        "options": {"expires": 60 * 60 * 6},
    },
    "nightly-compliance": {
        "task": "supervision.tasks.nightly_compliance",
        "schedule": crontab(hour=2, minute=0),
        "options": {"expires": 60 * 60 * 6},
    },
}
