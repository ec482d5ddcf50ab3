"""Settings for the peer: sessions in signed cookies like Flask's, the same SQLite PRAGMAs as Straatwerk."""
from django.conf import settings

PRAGMAS = ("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000; "
           "PRAGMA secure_delete=ON; PRAGMA cache_size=-32768;")


def configure(path):
    """Configure Django for a database file at path (once per process)."""
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-peer-not-secret",
        ALLOWED_HOSTS=["localhost"],
        ROOT_URLCONF="djangopeer.views",
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
                        "django.contrib.messages", "djangopeer"],
        MIDDLEWARE=["django.middleware.security.SecurityMiddleware",
                    "django.contrib.sessions.middleware.SessionMiddleware",
                    "django.middleware.csrf.CsrfViewMiddleware",
                    "django.contrib.auth.middleware.AuthenticationMiddleware",
                    "django.contrib.messages.middleware.MessageMiddleware",
                    "django.middleware.clickjacking.XFrameOptionsMiddleware"],
        # Like Flask: the session in a signed cookie, no session table to read per request.
        SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies",
        MESSAGE_STORAGE="django.contrib.messages.storage.cookie.CookieStorage",
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path),
                               # Django 5.1+: BEGIN IMMEDIATE like Straatwerk's db.atomic(), the PRAGMAs per connection.
                               "OPTIONS": {"transaction_mode": "IMMEDIATE", "init_command": PRAGMAS},
                               "CONN_MAX_AGE": None}},  # One kept connection, like Straatwerk's per thread.
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
                    "OPTIONS": {"context_processors": ["django.template.context_processors.request",
                                                       "django.contrib.auth.context_processors.auth",
                                                       "django.contrib.messages.context_processors.messages"]}}],
        PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"],
        USE_TZ=True, TIME_ZONE="Europe/Amsterdam", LANGUAGE_CODE="nl",
        LOGIN_URL="/login/", DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    )
