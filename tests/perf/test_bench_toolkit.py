"""Benchmarks for the toolkit (run by `make bench`, never by `make test`).

Each prints one ``BENCH {json}`` line. They measure a real Daphne process over real
sockets from client threads in this process; numbers depend on the machine, so they
assert nothing about speed, only that every request succeeded."""

from __future__ import annotations

import json
import statistics
import threading
import time
import urllib.request
from collections.abc import Callable

import pytest

from tests.conftest import DaphneServer

pytestmark = pytest.mark.django_db(transaction=False)

CLIENTS = 8
REQUESTS_PER_CLIENT = 60


def hammer(server: DaphneServer, paths: list[str]) -> dict[str, float]:
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client(index: int) -> None:
        for n in range(REQUESTS_PER_CLIENT):
            path = paths[(index + n) % len(paths)]
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(server.url + path, timeout=30) as response:
                    response.read()
                    ok = response.status == 200
            except Exception as exc:  # noqa: BLE001 - counted as a failure
                ok = False
                failures.append(f"{path}: {exc}")
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies.append(elapsed)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    assert not failures, failures[:3]
    latencies.sort()
    return {
        "requests": len(latencies),
        "clients": CLIENTS,
        "rps": round(len(latencies) / wall, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1),
    }


def report(name: str, figures: dict[str, float]) -> None:
    print("BENCH " + json.dumps({"name": name, **figures}, sort_keys=True))


CASES: dict[str, Callable[[], list[str]]] = {
    "api_experiences_filtered": lambda: [
        "/api/v1/toolkit/experiences/?pillar=transparencia",
        "/api/v1/toolkit/experiences/?level=colaborar&country=CO",
        "/api/v1/toolkit/experiences/?q=datos%20abiertos",
    ],
    "page_repository_filtered": lambda: [
        "/repositorio/?pillar=participacion",
        "/repositorio/?q=bogota",
        "/repositorio/",
    ],
    "page_methodology_canvas": lambda: [
        "/metodologias/mapa-de-empatia/",
        "/metodologias/arbol-de-problemas/",
    ],
    "healthz": lambda: ["/healthz"],
}


@pytest.mark.parametrize("name", list(CASES))
def test_bench(daphne_server, name):
    paths = CASES[name]()
    hammer(daphne_server, paths[:1])  # warm up caches and the connection pool
    report(name, hammer(daphne_server, paths))
