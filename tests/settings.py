"""Settings for the test run: the project's own settings with the embedded defaults.

The real settings refuse to start without SECRET_KEY and ALLOWED_HOSTS unless DEBUG
is on; tests need neither (Django's test runner forces DEBUG off anyway). Tests that
check production behaviour start their own processes with `cocrea.settings` and a
production environment (see tests/conftest.py and tests/test_settings_env.py)."""

import os

os.environ.setdefault("DEBUG", "1")

from cocrea.settings import *  # noqa: E402,F403

# PBKDF2's deliberate slowness costs ~0.25 s per user; tests create many.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
