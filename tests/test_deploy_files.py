"""Static checks of the deployment files: compose, nginx, Dockerfile, Makefile, CI, scripts.

No Docker engine is needed: the files are parsed and checked for the properties the
scale-out story relies on (two replicas, shared Postgres/Redis, secrets from the
environment, WebSocket-aware proxy).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("migrate", "web1", "web2")
WEB_SERVICES = ("web1", "web2")

# Compose-style interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR?err}.
_VAR = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


class MissingVariable(Exception):
    pass


def interpolate(value: str, env: dict[str, str]) -> str:
    """Resolve compose interpolation the way `docker compose` would, given `env`."""

    def sub(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        current = env.get(name)
        unset = current is None or (op is not None and op.startswith(":") and current == "")
        if op is None:
            return current or ""
        if op.endswith("-"):
            return arg if unset else current
        if unset:
            raise MissingVariable(f"{name}: {arg}")
        return current

    return _VAR.sub(sub, value.replace("$$", "\0")).replace("\0", "$")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: str(value) for key, value in env.items()}


def depends_on(service: dict) -> dict[str, dict]:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return {name: {"condition": "service_started"} for name in deps}
    return deps


def test_compose_has_the_services(compose):
    assert "version" not in compose, "the compose spec has no version key"
    services = compose["services"]
    for name in ("db", "redis", "migrate", "web1", "web2", "proxy"):
        assert name in services, name
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert services["proxy"]["image"].startswith("nginx:")
    assert "8080:80" in [str(p) for p in services["proxy"]["ports"]]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_take_secrets_and_urls_from_the_environment(compose, name):
    env = environment(compose["services"][name])
    for key in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY"):
        assert key in env, f"{name} lacks {key}"
    assert env["DEBUG"] in ("0", "false", "False")

    # Secrets are interpolated from the caller's environment, and required.
    assert "${SECRET_KEY" in env["SECRET_KEY"], "SECRET_KEY must not be a literal"
    assert "${POSTGRES_PASSWORD" in env["DATABASE_URL"], "DB password must not be a literal"
    for missing in ("SECRET_KEY", "POSTGRES_PASSWORD"):
        given = {"SECRET_KEY": "s3cret", "POSTGRES_PASSWORD": "pw"}
        del given[missing]
        with pytest.raises(MissingVariable):
            for value in env.values():
                interpolate(value, given)

    resolved = {
        key: interpolate(value, {"SECRET_KEY": "s3cret", "POSTGRES_PASSWORD": "pw"})
        for key, value in env.items()
    }
    assert resolved["SECRET_KEY"] == "s3cret"
    db = urlsplit(resolved["DATABASE_URL"])
    assert db.scheme in ("postgres", "postgresql", "pgsql")
    assert (db.hostname, db.port, db.password) == ("db", 5432, "pw")
    redis = urlsplit(resolved["REDIS_URL"])
    assert redis.scheme == "redis"
    assert redis.hostname == "redis"


def test_app_services_share_one_environment(compose):
    services = compose["services"]
    envs = [environment(services[name]) for name in APP_SERVICES]
    assert envs[0] == envs[1] == envs[2]


def test_db_password_comes_from_the_same_variable(compose):
    db_env = environment(compose["services"]["db"])
    assert "${POSTGRES_PASSWORD" in db_env["POSTGRES_PASSWORD"]
    assert "healthcheck" in compose["services"]["db"]
    assert "healthcheck" in compose["services"]["redis"]


def test_migrate_runs_once_after_the_database(compose):
    migrate = compose["services"]["migrate"]
    assert str(migrate.get("restart")) == "no"
    command = migrate["command"]
    command = command if isinstance(command, str) else " ".join(command)
    assert "manage.py migrate" in command
    assert depends_on(migrate)["db"]["condition"] == "service_healthy"


@pytest.mark.parametrize("name", WEB_SERVICES)
def test_web_replicas_wait_for_migrations_and_run_daphne(compose, name):
    web = compose["services"][name]
    deps = depends_on(web)
    assert deps["migrate"]["condition"] == "service_completed_successfully"
    assert deps["redis"]["condition"] == "service_healthy"
    assert "build" in web or "image" in web
    command = web.get("command") or dockerfile_cmd()
    command = command if isinstance(command, str) else " ".join(command)
    assert "daphne" in command
    assert "cocrea.asgi:application" in command


def _proxy_config_path(compose) -> Path:
    for volume in compose["services"]["proxy"]["volumes"]:
        source = volume.split(":")[0] if isinstance(volume, str) else volume["source"]
        if source.endswith(".conf"):
            return (ROOT / source).resolve()
    raise AssertionError("the proxy mounts no nginx .conf file")


def test_proxy_config_balances_both_replicas_and_upgrades_websockets(compose):
    depends = depends_on(compose["services"]["proxy"])
    assert {"web1", "web2"} <= set(depends)

    path = _proxy_config_path(compose)
    assert path.is_file(), path
    conf = path.read_text()
    assert re.search(r"server\s+web1:8000", conf)
    assert re.search(r"server\s+web2:8000", conf)
    assert re.search(r"map\s+\$http_upgrade\s+\$connection_upgrade", conf)
    assert "proxy_http_version 1.1" in conf
    assert re.search(r"proxy_set_header\s+Upgrade\s+\$http_upgrade", conf)
    assert re.search(r"proxy_set_header\s+Connection\s+\$connection_upgrade", conf)
    assert re.search(r"proxy_set_header\s+Host\s", conf)
    assert "X-Forwarded-For" in conf
    assert "X-Forwarded-Proto" in conf
    assert "location /ws/" in conf
    assert conf.count("{") == conf.count("}")


def dockerfile_cmd() -> list[str]:
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    cmds = [line for line in lines if line.startswith("CMD ")]
    assert cmds, "Dockerfile has no CMD"
    return json.loads(cmds[-1][len("CMD ") :])


def test_dockerfile_runs_daphne_as_non_root():
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim-bookworm", text, re.M)
    cmd = dockerfile_cmd()
    assert cmd[0] == "daphne"
    assert cmd[-1] == "cocrea.asgi:application"
    assert "0.0.0.0" in cmd
    assert "--proxy-headers" in cmd
    users = re.findall(r"^USER\s+(\S+)", text, re.M)
    assert users and users[-1] not in ("root", "0")
    assert re.search(r"^EXPOSE 8000", text, re.M)
    assert re.search(r"^HEALTHCHECK .*", text, re.M)
    assert "collectstatic" in text
    assert (ROOT / "scripts" / "healthcheck.py").is_file()


def test_dockerignore_keeps_local_state_out():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".git", ".venv", "var"):
        assert entry in ignored


def test_ci_runs_make_test():
    run = ROOT / ".ci" / "run"
    assert os.access(run, os.X_OK), ".ci/run must be executable"
    text = run.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    assert re.search(r"^make test$", text, re.M)


def test_makefile_has_the_targets():
    text = (ROOT / "Makefile").read_text()
    for target in ("run", "test", "bench", "lint", "messages", "clean", "install", "venv"):
        rule = rf"^(?:[\w.-]+[ \t]+)*{target}(?:[ \t]+[\w.-]+)*[ \t]*:(?!=)"
        assert re.search(rule, text, re.M), target
    assert re.search(r"^\.PHONY:.*\brun\b.*\btest\b.*\bbench\b", text, re.M)


@pytest.mark.skipif(shutil.which("make") is None, reason="GNU make not installed")
def test_make_test_ignores_perf_and_runs_under_redis():
    out = subprocess.run(
        ["make", "-n", "-B", "test", "bench", "PYTEST_ARGS=tests/x"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    # A recipe continued with backslashes prints over several lines; join them.
    lines = out.replace("\\\n", " ").splitlines()
    test_line = next(line for line in lines if "--ignore=tests/perf" in line)
    assert "with-redis.sh" in test_line and "with-postgres.sh" in test_line
    assert "--ignore=tests/perf tests/x &&" in test_line
    assert "COCREA_TEST_DB=postgres" in test_line
    bench_line = next(line for line in lines if "pytest tests/perf" in line)
    assert "with-redis.sh" in bench_line
    assert "ensure-services.sh" in out


SCRIPTS = sorted((ROOT / "scripts").glob("*.sh"))


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_shell_scripts_parse(script):
    result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert os.access(script, os.X_OK), f"{script.name} must be executable"


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server not installed")
def test_with_redis_exports_a_live_redis_and_propagates_the_exit_code():
    probe = (
        'test -n "$REDIS_TEST_URL" && test -n "$CHROMIUM_PATH" && echo "$REDIS_TEST_URL" && exit 3'
    )
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "with-redis.sh"), "bash", "-c", probe],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 3, result.stderr
    url = urlsplit(result.stdout.strip())
    assert (url.scheme, url.hostname) == ("redis", "127.0.0.1")
    # Redis is gone once the script returns: nothing listens on that port any more.
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", url.port), timeout=1):
        pass
