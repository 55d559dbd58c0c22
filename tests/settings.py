"""Settings for the test run: the project's own settings with the embedded defaults.

The real settings refuse to start without SECRET_KEY and ALLOWED_HOSTS unless DEBUG
is on; tests need neither (Django's test runner forces DEBUG off anyway). Tests that
check production behaviour start their own processes with `cocrea.settings` and a
production environment (see tests/conftest.py and tests/test_settings_env.py)."""

import os
import tempfile

os.environ.setdefault("DEBUG", "1")

# `make test` runs the database-backed tests a second time on a throwaway PostgreSQL
# (scripts/with-postgres.sh), the production database, with COCREA_TEST_DB=postgres.
if os.environ.get("COCREA_TEST_DB") == "postgres":
    if not os.environ.get("POSTGRES_TEST_URL"):
        raise RuntimeError(
            "COCREA_TEST_DB=postgres needs POSTGRES_TEST_URL: run through "
            "scripts/with-postgres.sh (as `make test` does)."
        )
    os.environ["DATABASE_URL"] = os.environ["POSTGRES_TEST_URL"]

from cocrea.settings import *  # noqa: E402,F403

# PBKDF2's deliberate slowness costs ~0.25 s per user; tests create many.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not shared-cache memory: shared cache has table locks that ignore the
    # busy timeout, so concurrency tests would fail spuriously. One file per test
    # process, so two runs on one machine never share (or delete) each other's.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"cocrea-test-{os.getpid()}.sqlite3")
    }
