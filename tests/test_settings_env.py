"""Settings are read from the environment: check each knob in a fresh interpreter.

Every case runs in a subprocess with an environment built from scratch (PATH, HOME,
DJANGO_SETTINGS_MODULE and what the case sets), so nothing leaks in from the shell
or from the test run's own settings.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json
from django.conf import settings
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ENGINE": settings.DATABASES["default"]["ENGINE"],
    "CHANNEL_LAYER": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "CHANNEL_HOSTS": settings.CHANNEL_LAYERS["default"].get("CONFIG", {}).get("hosts"),
    "CACHE": settings.CACHES["default"]["BACKEND"],
    "CACHE_LOCATION": settings.CACHES["default"].get("LOCATION"),
}))
"""


def run(args: list[str], tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "cocrea.settings",
        # Keep the default SQLite file out of the repository's var/ where possible.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **variables,
    }
    env = {key: value for key, value in env.items() if value is not None}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def probe(tmp_path: Path, **variables: str) -> dict:
    result = run(["-c", PROBE], tmp_path, **variables)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def production(**overrides: str) -> dict[str, str]:
    values = {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(45),  # 60 characters
        "ALLOWED_HOSTS": "cocrea.example.org",
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value != ""}


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        (production(SECRET_KEY=""), "SECRET_KEY"),
        (production(ALLOWED_HOSTS=""), "ALLOWED_HOSTS"),
        # With the other production variables present, only DEBUG can be at fault.
        (production(DEBUG="maybe"), "DEBUG"),
        (production(SECURE_HTTPS="si"), "SECURE_HTTPS"),
        (production(DATABASE_URL="mysqlx://db/x"), "DATABASE_URL"),
        (production(DATABASE_URL="not-a-url"), "DATABASE_URL"),
        (production(REDIS_URL="localhost:6379"), "REDIS_URL"),
        (production(CONN_MAX_AGE="forever", DATABASE_URL="postgres://u:p@db/x"), "CONN_MAX_AGE"),
    ],
    ids=[
        "no-secret-key",
        "no-allowed-hosts",
        "debug-not-boolean",
        "secure-https-not-boolean",
        "database-url-unknown-scheme",
        "database-url-garbage",
        "redis-url-no-scheme",
        "conn-max-age-not-int",
    ],
)
def test_bad_production_environment_is_refused_by_name(tmp_path, variables, named):
    result = run(["manage.py", "check"], tmp_path, **variables)
    # django-environ's env.bool() maps any unknown string to False without raising,
    # so settings must validate DEBUG's spelling themselves.
    assert result.returncode != 0, f"manage.py check accepted {variables}"
    assert named in result.stderr, result.stderr[-3000:]


def test_check_deploy_passes_with_production_variables(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        **production(DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}"),
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_database_url_selects_postgresql(tmp_path):
    found = probe(tmp_path, DATABASE_URL="postgres://u:p@db:5432/cocrea", **production())
    assert found["ENGINE"] == "django.db.backends.postgresql"


def test_redis_url_selects_redis_channel_layer_and_cache(tmp_path):
    url = "redis://redis.internal:6379/0"
    found = probe(tmp_path, REDIS_URL=url, **production())
    assert found["CHANNEL_LAYER"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    assert found["CHANNEL_HOSTS"] == [url]
    assert found["CACHE"] == "django.core.cache.backends.redis.RedisCache"
    assert found["CACHE_LOCATION"] == url


def test_embedded_default_is_sqlite_and_in_memory(tmp_path):
    found = probe(tmp_path, DEBUG="1", DATABASE_URL=None)
    assert found["DEBUG"] is True
    assert found["ENGINE"] == "django.db.backends.sqlite3"
    assert found["CHANNEL_LAYER"] == "cocrea.realtime.layers.EmbeddedChannelLayer"
    assert found["CACHE"] != "django.core.cache.backends.redis.RedisCache"
