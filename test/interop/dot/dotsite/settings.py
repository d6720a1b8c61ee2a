"""
A Django OAuth Toolkit server for Tokenkeeper's interop tests, nothing more.

Its state lives in DOT_STATE_DIR, a temporary folder the test makes and
deletes: the SQLite database, the Django secret key and the OpenID Connect
RSA key, each made on first start (never committed).
"""
import os
from pathlib import Path

from jwcrypto import jwk

STATE_DIR = Path(os.environ["DOT_STATE_DIR"])


def _state_file(name, make):
    path = STATE_DIR / name
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(make())
    return path.read_text()


SECRET_KEY = _state_file("secret-key", lambda: os.urandom(32).hex())
# DOT signs RS256 ID tokens with this key and publishes it at /o/.well-known/jwks.json.
OIDC_RSA_PRIVATE_KEY = _state_file(
    "oidc.key", lambda: jwk.JWK.generate(kty="RSA", size=2048).export_to_pem(private_key=True, password=None).decode()
)

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
    "notes",
]
MIDDLEWARE = [
    "notes.middleware.CountTokenRequests",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "dotsite.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": STATE_DIR / "dot.sqlite3",
        # Writers wait for each other instead of failing at once with "database is locked".
        "OPTIONS": {"timeout": 20},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
TIME_ZONE = "UTC"
STATIC_URL = "/static/"
LOGIN_URL = "/accounts/login/"

# https://django-oauth-toolkit.readthedocs.io/en/latest/settings.html
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": OIDC_RSA_PRIVATE_KEY,
    "OAUTH2_VALIDATOR_CLASS": "notes.validators.NotesValidator",
    "PKCE_REQUIRED": True,
    "ROTATE_REFRESH_TOKEN": True,
    "ACCESS_TOKEN_EXPIRE_SECONDS": int(os.environ.get("DOT_ACCESS_TOKEN_EXPIRE_SECONDS", "60")),
    "SCOPES": {
        "openid": "OpenID Connect",
        "profile": "Your name",
        "email": "Your e-mail address",
        "read": "Read your notes",
    },
    "DEFAULT_SCOPES": ["read"],
}
