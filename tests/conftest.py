"""Shared fixtures: fixed people (like healthchecks' alice/bob/charlie), and real
Daphne servers in subprocesses for tests that cross a socket."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cocrea.accounts.models import Entity, EntityKind, Role, User
from cocrea.accounts.services import membership_grant

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def entity(db) -> Entity:
    return Entity.objects.create(
        name="Alcaldía de Buenaventura",
        slug="alcaldia-de-buenaventura",
        kind=EntityKind.ALCALDIA,
        department="76",
        municipality="Buenaventura",
        divipola_code="76109",
    )


@pytest.fixture
def other_entity(db) -> Entity:
    return Entity.objects.create(
        name="Gobernación de Santander",
        slug="gobernacion-de-santander",
        kind=EntityKind.GOBERNACION,
        department="68",
    )


def _person(email: str, name: str) -> User:
    return User.objects.create_user(email=email, password=PASSWORD, full_name=name)


@pytest.fixture
def alice(entity) -> User:
    """Facilitator of ``entity``."""
    user = _person("alice@example.org", "Alice Facilitadora")
    membership_grant(user=user, entity=entity, role=Role.FACILITATOR)
    return user


@pytest.fixture
def bob(entity) -> User:
    """Official of ``entity``."""
    user = _person("bob@example.org", "Bob Funcionario")
    membership_grant(user=user, entity=entity, role=Role.OFFICIAL)
    return user


@pytest.fixture
def carol(entity) -> User:
    """Registered citizen of ``entity``."""
    user = _person("carol@example.org", "Carol Ciudadana")
    membership_grant(user=user, entity=entity, role=Role.CITIZEN)
    return user


@pytest.fixture
def oscar(other_entity) -> User:
    """Facilitator of another entity: an outsider to ``entity``."""
    user = _person("oscar@example.org", "Oscar Externo")
    membership_grant(user=user, entity=other_entity, role=Role.FACILITATOR)
    return user


# --- real servers -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class DaphneServer:
    url: str
    port: int
    env: dict[str, str]
    process: subprocess.Popen
    log: Path
    extra: dict[str, str] = field(default_factory=dict)

    def get(self, path: str, timeout: float = 10) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def server_env(database: Path, **extra: str) -> dict[str, str]:
    """The environment of a production-like server (DEBUG off, manifest static
    storage) whose database and collected static files live next to ``database``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cocrea.settings",
        DEBUG="0",
        SECRET_KEY="test-only-secret-key-" + "k" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_HTTPS="0",
        DATABASE_URL=f"sqlite:///{database}",
        STATIC_ROOT=str(database.parent / "static"),
        PYTHONUNBUFFERED="1",
        # Every test client connects from 127.0.0.1: the benchmarks open 1,000 sockets.
        WS_MAX_CONNECTIONS_PER_ADDRESS="0",
    )
    env.update(extra)
    return env


def migrate(env: dict[str, str]) -> None:
    """Migrate and collect static files, as a deployment does before starting Daphne."""
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [sys.executable, "manage.py", *command, "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=180,
        )


def start_daphne(env: dict[str, str], log: Path, port: int | None = None) -> DaphneServer:
    port = port or free_port()
    handle = log.open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            # As shipped (Makefile, Dockerfile): a join storm queues handshakes behind
            # the database thread; Daphne's 5 s default would refuse some of them.
            "--websocket_connect_timeout",
            "30",
            "cocrea.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    server = DaphneServer(f"http://127.0.0.1:{port}", port, env, process, log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"daphne exited early:\n{log.read_text(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"daphne did not listen on {port}:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="session")
def daphne_server(tmp_path_factory) -> Iterator[DaphneServer]:
    """One real Daphne process on a migrated SQLite file, embedded defaults."""
    folder = tmp_path_factory.mktemp("daphne")
    env = server_env(folder / "db.sqlite3")
    migrate(env)
    server = start_daphne(env, folder / "daphne.log")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("REDIS_TEST_URL")
    if not url:
        pytest.fail(
            "REDIS_TEST_URL is not set: run the suite with `make test`, which starts a "
            "throwaway Redis (scripts/with-redis.sh)."
        )
    return url


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that use the real server may be the first to start it (migrate, collect
    static files, boot Daphne): on a loaded machine that alone can approach the default
    per-test timeout, so they get more room. A real hang still fails."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        uses_server = {"daphne_server", "site", "demo"} & set(names)
        if uses_server and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(300))
