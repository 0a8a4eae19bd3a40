"""Django settings. One setting chooses the database: SAIKEN_DATABASE_URL.

Default: an SQLite file under ./var (or $SAIKEN_DATA_DIR). Production:
postgres://user:pass@host:5432/dbname.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("SAIKEN_DATA_DIR", Path.cwd() / "var"))

# Production unless SAIKEN_DEBUG=1: `make run` (the demo) and the test suite (pyproject's
# [tool.pytest.ini_options] env) set it; a server started any other way is a production one.
DEBUG = os.environ.get("SAIKEN_DEBUG", "") == "1"
SECRET_KEY = os.environ.get("SAIKEN_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SAIKEN_SECRET_KEY が設定されていません。本番では50文字以上の推測できない値を環境変数 SAIKEN_SECRET_KEY に設定してください"
            "（例: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'）。"
            "デモ・開発用に起動するときは SAIKEN_DEBUG=1 を設定してください（make run はそうしています）。"
        )
    SECRET_KEY = "saiken-development-key-never-used-in-production"
ALLOWED_HOSTS = [h for h in os.environ.get("SAIKEN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]

# HTTPS, on outside debug (SAIKEN_HTTPS=0 turns it off, e.g. for a test server without TLS):
# http:// is redirected to https://, cookies are sent over HTTPS only, and browsers are
# told to use HTTPS for a year (HSTS). Behind a reverse proxy that ends TLS, set
# SAIKEN_BEHIND_PROXY=1 so that the proxy's X-Forwarded-Proto tells a request was HTTPS
# (the proxy must set that header itself and drop one sent by the client).
SAIKEN_HTTPS = os.environ.get("SAIKEN_HTTPS", "0" if DEBUG else "1") == "1"
SECURE_SSL_REDIRECT = SAIKEN_HTTPS
SESSION_COOKIE_SECURE = SAIKEN_HTTPS
CSRF_COOKIE_SECURE = SAIKEN_HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("SAIKEN_HSTS_SECONDS", "31536000")) if SAIKEN_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SAIKEN_HTTPS
# The "preload" directive only allows the domain's owner to submit it to the browsers'
# HSTS lists (hstspreload.org); nothing is submitted by the header itself.
SECURE_HSTS_PRELOAD = SAIKEN_HTTPS and os.environ.get("SAIKEN_HSTS_PRELOAD", "1") == "1"
if os.environ.get("SAIKEN_BEHIND_PROXY", "") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # no script of ours reads it (forms carry the token)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "saiken.catalog",
    "saiken.debtors",
    "saiken.ledger",
    "saiken.accounting",
    "saiken.audit",
    "saiken.demands",
    "saiken.payments",
    "saiken.prescription",
    "saiken.relief",
    "saiken.staff",
    "saiken.cases",
    "saiken.goals",
    "saiken.slips",
    "saiken.demo",
    "saiken.web",
]

CSRF_FAILURE_VIEW = "saiken.web.views.errors.csrf_failure"  # our own 403 page, in Japanese

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "saiken.web.second_factor.SecondFactorMiddleware",
    "saiken.web.session.IdleTimeoutMiddleware",
    "saiken.audit.middleware.PageViewAuditMiddleware",
    "saiken.web.session.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

# Content-Security-Policy (django-csp): pages load scripts, styles, images and fonts from
# this server only; no inline script or style attribute runs (the templates have none:
# page styles live in saiken/web/static/saiken/saiken.css), no plugin, no framing, and
# forms post only to this server. The QR code of a TOTP enrolment is inline SVG.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

ROOT_URLCONF = "saiken.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

WSGI_APPLICATION = "saiken.wsgi.application"


def _database() -> dict:
    url = os.environ.get("SAIKEN_DATABASE_URL")
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA_DIR / 'saiken.sqlite3'}"
    db = dj_database_url.parse(url, conn_max_age=60)
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db["CONN_MAX_AGE"] = 0
        db["OPTIONS"] = {
            # IMMEDIATE: a writer takes the lock at BEGIN, so two clerks saving at
            # once queue instead of failing with "database is locked" mid-transaction.
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    if db["ENGINE"] == "django.db.backends.postgresql":
        # Short queries: JIT compilation costs more than it saves. The register's scoped
        # search (saiken.staff.access.debtor_scope) is costed high for its per-row
        # EXISTS alternative and would spend ~1 s compiling a 0.2 s query.
        db.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    return db


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A password policy a city would accept: 12 characters or more, not like the user's
# name, not a common password, not digits only. (The demo logins are created without it.)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": int(os.environ.get("SAIKEN_PASSWORD_MIN_LENGTH", "12"))}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Logins are throttled from the audit log's failed logins (saiken.audit.lockout).
AUTHENTICATION_BACKENDS = ["saiken.audit.lockout.ThrottledModelBackend"]
SAIKEN_LOGIN_MAX_FAILURES = int(os.environ.get("SAIKEN_LOGIN_MAX_FAILURES", "5"))
SAIKEN_LOGIN_LOCKOUT_MINUTES = int(os.environ.get("SAIKEN_LOGIN_LOCKOUT_MINUTES", "15"))
SAIKEN_LOGIN_MAX_FAILURES_PER_ADDRESS = int(os.environ.get("SAIKEN_LOGIN_MAX_FAILURES_PER_ADDRESS", "0"))  # 0: off (e.g. behind a proxy)

# Idle timeout: a session ends after this many minutes without a request (a request
# renews it: saiken.web.session), and when the browser closes.
SAIKEN_IDLE_TIMEOUT_MINUTES = int(os.environ.get("SAIKEN_IDLE_TIMEOUT_MINUTES", "30"))
SESSION_COOKIE_AGE = SAIKEN_IDLE_TIMEOUT_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# A second factor (TOTP, django-otp) after the password, for these roles (saiken.staff.models.Role;
# comma-separated; empty: nobody). `make run` (the demo) sets it empty. Users who may use the
# Django admin (is_staff) need it too whenever "admin" is listed (saiken.web.second_factor).
SAIKEN_OTP_ROLES = tuple(r.strip() for r in os.environ.get("SAIKEN_OTP_ROLES", "manager,admin").split(",") if r.strip())
OTP_TOTP_ISSUER = os.environ.get("SAIKEN_OTP_ISSUER", "saiken")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a device's secret or its QR code

LANGUAGE_CODE = "ja"
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# City-level settings that differ between municipalities.
SAIKEN_CITY_NAME = os.environ.get("SAIKEN_CITY_NAME", "新潟市（デモ）")
SAIKEN_SEED_HISTORY = Path(os.environ.get("SAIKEN_SEED_HISTORY", BASE_DIR / "accounting" / "data" / "seed_history.csv"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
# Where generated documents (督促状 PDFs) are written.
SAIKEN_DOCUMENT_DIR = Path(os.environ.get("SAIKEN_DOCUMENT_DIR", DATA_DIR / "documents"))
# The city's issuer line on notices, its convenience-store issuer code (GS1-128,
# assigned by the collection agency) and the amount above which no barcode is printed.
SAIKEN_ISSUER_TITLE = os.environ.get("SAIKEN_ISSUER_TITLE", "新潟市長")
SAIKEN_CONVENI_ISSUER = os.environ.get("SAIKEN_CONVENI_ISSUER", "912345")
SAIKEN_CONVENI_CAP = int(os.environ.get("SAIKEN_CONVENI_CAP", "300000"))
# Issuer codes the city printed before (comma-separated): slips still in residents' hands.
# A store file's slip of any other issuer refuses the file (saiken.payments.imports.check_contract).
# How long a reissued 納付書 stays payable by default (the form's 支払期限), and the store
# deadline of a 督促状's copy reissued after its 指定期限 (saiken.slips.actions.demand_copy).
SAIKEN_SLIP_DAYS = int(os.environ.get("SAIKEN_SLIP_DAYS", "14"))
SAIKEN_CONVENI_FORMER_ISSUERS = tuple(c.strip() for c in os.environ.get("SAIKEN_CONVENI_FORMER_ISSUERS", "").split(",") if c.strip())
# How far back a store file's 収納日 may reach from the import day (a late file, an agency's
# resend); an older date refuses the file. A year covers any resend; raise it for a migration.
SAIKEN_PAYMENT_MAX_AGE_DAYS = int(os.environ.get("SAIKEN_PAYMENT_MAX_AGE_DAYS", "366"))
# 窓口収納: the ways a person may pay at the counter (saiken.ledger.models.Channel codes):
# cash (counter), card (credit), other (smartphone: a QR or e-money terminal at the window).
SAIKEN_COUNTER_CHANNELS = tuple(c.strip() for c in os.environ.get("SAIKEN_COUNTER_CHANNELS", "counter,credit,smartphone").split(",") if c.strip())
# 口座振替・総合振込: the city's contract with its bank (委託者コード, names in half-width kana,
# the account refunds are paid from). Demo values; each city sets its own.
SAIKEN_BANK_CONSIGNOR_CODE = os.environ.get("SAIKEN_BANK_CONSIGNOR_CODE", "1234567890")
SAIKEN_BANK_CONSIGNOR_NAME = os.environ.get("SAIKEN_BANK_CONSIGNOR_NAME", "ﾆｲｶﾞﾀｼ")
SAIKEN_BANK_CODE = os.environ.get("SAIKEN_BANK_CODE", "0001")
SAIKEN_BANK_BRANCH = os.environ.get("SAIKEN_BANK_BRANCH", "001")
SAIKEN_BANK_ACCOUNT_TYPE = os.environ.get("SAIKEN_BANK_ACCOUNT_TYPE", "1")
SAIKEN_BANK_ACCOUNT_NUMBER = os.environ.get("SAIKEN_BANK_ACCOUNT_NUMBER", "1234567")
SAIKEN_BANK_LINE_ENDING = os.environ.get("SAIKEN_BANK_LINE_ENDING", "crlf")  # or "none", as the bank's contract says
# Uploaded files (収納データ・調定データ, screens and commands alike): refused before they are
# parsed when larger than these (saiken.payments.uploads). A large city's store file is some
# 200,000 records / 25 MB; a year's assessments of a big tax can be several hundred thousand rows.
SAIKEN_UPLOAD_MAX_BYTES = int(os.environ.get("SAIKEN_UPLOAD_MAX_BYTES", str(200 * 1024 * 1024)))
SAIKEN_UPLOAD_MAX_ROWS = int(os.environ.get("SAIKEN_UPLOAD_MAX_ROWS", "1000000"))
# A file larger than that is stopped while it arrives (saiken.web.uploads), before it reaches the disk.
FILE_UPLOAD_HANDLERS = [
    "saiken.web.uploads.SizeLimit",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# .xlsx: its parts together, uncompressed (200,000 rows × 7 columns is some 65 MB), and how many
# times a part may expand (real sheets: 10–15 times; a "zip bomb" hundreds).
SAIKEN_UPLOAD_MAX_UNZIPPED = int(os.environ.get("SAIKEN_UPLOAD_MAX_UNZIPPED", str(1024 * 1024 * 1024)))
SAIKEN_UPLOAD_MAX_RATIO = int(os.environ.get("SAIKEN_UPLOAD_MAX_RATIO", "100"))
# How long an uploaded file is kept (days): one taken by an import from the day it was taken
# (a fiscal year and its closing, for audit), any other (refused, never confirmed) from its upload.
SAIKEN_UPLOAD_RETENTION_DAYS = int(os.environ.get("SAIKEN_UPLOAD_RETENTION_DAYS", "400"))
SAIKEN_UPLOAD_REFUSED_RETENTION_DAYS = int(os.environ.get("SAIKEN_UPLOAD_REFUSED_RETENTION_DAYS", "30"))
# 行政サービス利用制限の照会 (saiken.staff.service_check): city settings. How old a consent
# may be (days from the 同意日; no statute fixes it), how many calls one client system or
# one clerk may make a minute, the answer for an identity that matches no record
# ("clear", as one without debts, or "refer"), and the days a due date may pass before
# a debt counts.
SAIKEN_SERVICE_CONSENT_VALID_DAYS = int(os.environ.get("SAIKEN_SERVICE_CONSENT_VALID_DAYS", "90"))
SAIKEN_SERVICE_CHECK_PER_MINUTE = int(os.environ.get("SAIKEN_SERVICE_CHECK_PER_MINUTE", "60"))
SAIKEN_SERVICE_CHECK_UNMATCHED_ANSWER = os.environ.get("SAIKEN_SERVICE_CHECK_UNMATCHED_ANSWER", "clear")
SAIKEN_SERVICE_CHECK_GRACE_DAYS = int(os.environ.get("SAIKEN_SERVICE_CHECK_GRACE_DAYS", "0"))
