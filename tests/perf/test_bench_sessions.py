"""Benchmarks for live sessions over real WebSockets (run by `make bench`).

Real Daphne processes, real sockets, participants in separate client processes
(tests/perf/ws_clients.py) so the clients do not share one event loop or core with
each other. Each scenario prints one ``BENCH {json}`` line. The tests assert only
correctness (everyone connected, every event arrived in order); timing and memory are
figures, and a missed target shows as ``"target_met": false``."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DaphneServer, migrate, server_env, start_daphne
from tests.perf.live_harness import (
    Crowd,
    Facilitator,
    advance_many,
    close_crowds,
    cpu_seconds,
    delivery_figures,
    latency_figures,
    load_average,
    log_count,
    log_tail,
    merge_ready,
    origin,
    prepare_session,
    raise_nofile_limit,
    report,
    rss_kib,
    start_crowds,
    ws_url,
)

STORM_CLIENTS = 1000
STORM_PROCESSES = 4
STORM_WINDOW_S = 10.0
TARGET_KIB_PER_CONNECTION = 64
BROADCAST_CLIENTS = 500
BROADCAST_REDIS_CLIENTS = 1000
CLIENTS_PER_PROCESS = 250
ADVANCES = 100
TARGET_P95_MS = 150
# Handshakes in flight per client process (64 in all). Enough for 1,000 joins in 10 s
# if the server manages 100 a second, with at most ~0.6 s each; more only queues inside
# Daphne, where a socket not accepted within 5 s (Daphne's --websocket_connect_timeout)
# is refused.
CONCURRENCY = 16


@pytest.fixture(scope="module")
def bench_env(tmp_path_factory) -> dict[str, Any]:
    """One migrated SQLite file for the module; each scenario adds its own session."""
    raise_nofile_limit()
    folder = tmp_path_factory.mktemp("sessions-bench")
    env = server_env(folder / "db.sqlite3")
    migrate(env)
    return {"env": env, "folder": folder}


def split(cookies: list[tuple[str, str]], parts: int) -> list[list[tuple[str, str]]]:
    return [cookies[n::parts] for n in range(parts)]


def stop_all(servers: list[DaphneServer]) -> None:
    for server in servers:
        server.stop()


def tails(servers: list[DaphneServer]) -> str:
    return "\n".join(f"--- {server.log.name}\n{log_tail(server.log)}" for server in servers)


async def warm_up(port: int, code: str, cookie: tuple[str, str]) -> None:
    """One participant connects, gets its snapshot and leaves: imports, thread pool and
    database connection are then in place before anything is measured."""
    from websockets.asyncio.client import connect

    name, value = cookie
    async with connect(
        ws_url(port, code),
        additional_headers={"Cookie": f"{name}={value}", "Origin": origin(port)},
    ) as ws:
        await ws.send('{"type":"hello","last_seq":null}')
        await asyncio.wait_for(ws.recv(), 30)


# --- 1. the join storm -------------------------------------------------------------------


@pytest.mark.timeout(300)
def test_session_join_storm(bench_env):
    env, folder = bench_env["env"], bench_env["folder"]
    setup = prepare_session(env, participants=STORM_CLIENTS + 1, tag="storm")
    cookies = [(setup["cookie_name"], value) for value in setup["cookies"]]
    server = start_daphne(env, folder / "daphne-storm.log")
    try:
        figures, readies = asyncio.run(storm(server, setup["code"], cookies))
    except Exception as exc:
        raise AssertionError(f"{exc!r}\n{tails([server])}") from exc
    finally:
        server.stop()
    # Handshakes Daphne refused because the application had not accepted within
    # --websocket_connect_timeout (5 s by default).
    figures["rejected_by_server"] = log_count(server.log, '"WSREJECT ')
    report(figures)
    errors = sorted({error for ready in readies for error in ready["errors"]})
    assert figures["failed"] == 0, f"{errors}\n{tails([server])}"
    assert figures["connected"] == STORM_CLIENTS


async def storm(
    server: DaphneServer, code: str, cookies: list[tuple[str, str]]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    await warm_up(server.port, code, cookies[0])
    await asyncio.sleep(1.0)  # the presence broadcast after the warm-up's leave
    load = load_average()
    before = rss_kib(server.process.pid)
    cpu_before = cpu_seconds(server.process.pid)
    progress = asyncio.Event()
    crowds: list[Crowd] = []
    try:
        crowds = await start_crowds(
            targets=[(server.port, part) for part in split(cookies[1:], STORM_PROCESSES)],
            code=code,
            concurrency=CONCURRENCY,
            progress=progress,
        )
        readies = [await crowd.wait_ready(120) for crowd in crowds]
        cpu = cpu_seconds(server.process.pid) - cpu_before
        await asyncio.sleep(1.0)  # the last presence broadcast
        after = rss_kib(server.process.pid)
        await asyncio.gather(*(crowd.stop(None, 0) for crowd in crowds))
    finally:
        await close_crowds(crowds)
    joined = merge_ready(readies)
    per_connection = (after - before) / STORM_CLIENTS
    figures = {
        "scenario": "session_join_storm",
        "clients": STORM_CLIENTS,
        "processes": STORM_PROCESSES,
        "concurrency_per_process": CONCURRENCY,
        "connected": joined["connected"],
        "failed": joined["failed"],
        "lost": joined["failed"],
        **latency_figures(joined["latencies"]),
        "storm_wall_s": joined["wall_s"],
        "within_10s": joined["wall_s"] <= STORM_WINDOW_S,
        "rss_before_kib": before,
        "rss_after_kib": after,
        "kib_per_connection": round(per_connection, 1),
        "target_kib_per_connection": TARGET_KIB_PER_CONNECTION,
        "target_met": per_connection <= TARGET_KIB_PER_CONNECTION,
        "server_cpu_ms_per_connection": round(cpu * 1000 / STORM_CLIENTS, 2),
        "load_average_1m": load,
        "ws_extensions": joined["extensions"],
    }
    return figures, readies


# --- 2 and 3. broadcasting an advance to everyone -----------------------------------------


async def broadcast(
    servers: list[DaphneServer],
    setup: dict[str, Any],
    clients: int,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Participants split evenly over ``servers`` (CLIENTS_PER_PROCESS per client
    process); the facilitator on the first server advances ADVANCES times."""
    code = setup["code"]
    cookies = [(setup["cookie_name"], value) for value in setup["cookies"]][:clients]
    per_server = split(cookies, len(servers))
    targets = [
        (server.port, part)
        for server, share in zip(servers, per_server, strict=True)
        for part in split(share, max(1, len(share) // CLIENTS_PER_PROCESS))
    ]
    for server in servers:
        await warm_up(server.port, code, cookies[0])
    progress = asyncio.Event()
    crowds: list[Crowd] = []
    facilitator: Facilitator | None = None
    try:
        cpu_start = [cpu_seconds(server.process.pid) for server in servers]
        crowds = await start_crowds(
            targets=targets, code=code, concurrency=CONCURRENCY, progress=progress
        )
        readies = [await crowd.wait_ready(120) for crowd in crowds]
        connect_cpu = [
            cpu_seconds(server.process.pid) - used
            for server, used in zip(servers, cpu_start, strict=True)
        ]
        joined = merge_ready(readies)
        if joined["failed"]:
            raise AssertionError(f"{joined['failed']} participants failed: {joined['errors']}")
        facilitator = await Facilitator.connect(servers[0].port, code, setup["sessionid"])
        await asyncio.sleep(1.0)  # let the join presence broadcasts pass
        load = load_average()
        cpu_before = [cpu_seconds(server.process.pid) for server in servers]
        sent_at, ack_latencies = await advance_many(
            facilitator,
            crowds,
            progress,
            activities=setup["activities"],
            advances=ADVANCES,
        )
        cpu = [
            cpu_seconds(server.process.pid) - used
            for server, used in zip(servers, cpu_before, strict=True)
        ]
        final_seq = max(sent_at)
        dones = await asyncio.gather(*(crowd.stop(final_seq, 10) for crowd in crowds))
    finally:
        if facilitator is not None:
            await facilitator.close()
        await close_crowds(crowds)
    delivery = delivery_figures(sent_at, dones, joined["connected"])
    figures = {
        "clients": clients,
        "servers": len(servers),
        "client_processes": len(crowds),
        "advances": len(sent_at),
        **delivery,
        **latency_figures(ack_latencies, prefix="ack_"),
        **latency_figures(joined["latencies"], prefix="connect_"),
        "connect_wall_s": joined["wall_s"],
        "connect_server_cpu_ms_per_connection": [
            round(used * 1000 * len(servers) / clients, 1) for used in connect_cpu
        ],
        "server_cpu_ms_per_advance": [round(used * 1000 / len(sent_at), 1) for used in cpu],
        "load_average_1m": load,
        "target_p95_ms": TARGET_P95_MS,
        "target_met": delivery["p95_ms"] <= TARGET_P95_MS,
        "facilitator_errors": len(facilitator.errors) if facilitator else -1,
    }
    checks = {
        "connected": joined["connected"],
        "expected_seqs": sorted(sent_at),
        "last_seqs": sorted({seq for done in dones for seq in done["last_seqs"]}),
    }
    return figures, checks


def check_broadcast(figures: dict[str, Any], checks: dict[str, Any], clients: int) -> None:
    assert checks["connected"] == clients
    assert figures["advances"] == ADVANCES
    # Consecutive seqs: nothing else was appended to the stream during the run.
    expected = checks["expected_seqs"]
    assert expected == list(range(expected[0], expected[0] + ADVANCES))
    assert figures["lost"] == 0
    assert figures["gaps"] == 0
    assert figures["closed_early"] == 0
    assert checks["last_seqs"] == [expected[-1]]


@pytest.mark.timeout(300)
def test_session_broadcast(bench_env):
    env, folder = bench_env["env"], bench_env["folder"]
    setup = prepare_session(env, participants=BROADCAST_CLIENTS, tag="broadcast")
    servers = [start_daphne(env, folder / "daphne-broadcast.log")]
    try:
        figures, checks = asyncio.run(broadcast(servers, setup, BROADCAST_CLIENTS))
    except Exception as exc:
        raise AssertionError(f"{exc!r}\n{tails(servers)}") from exc
    finally:
        stop_all(servers)
    figures = {"scenario": "session_broadcast", **figures}
    report(figures)
    try:
        check_broadcast(figures, checks, BROADCAST_CLIENTS)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{tails(servers)}") from exc


@pytest.mark.redis
@pytest.mark.timeout(300)
def test_session_broadcast_redis(bench_env, redis_url):
    base, folder = bench_env["env"], bench_env["folder"]
    setup = prepare_session(base, participants=BROADCAST_REDIS_CLIENTS, tag="redis")
    env = server_env(Path(base["DATABASE_URL"].removeprefix("sqlite:///")), REDIS_URL=redis_url)
    servers: list[DaphneServer] = []
    try:
        for name in ("a", "b"):
            servers.append(start_daphne(env, folder / f"daphne-redis-{name}.log"))
        figures, checks = asyncio.run(broadcast(servers, setup, BROADCAST_REDIS_CLIENTS))
    except Exception as exc:
        raise AssertionError(f"{exc!r}\n{tails(servers)}") from exc
    finally:
        stop_all(servers)
    figures = {"scenario": "session_broadcast_redis", **figures}
    report(figures)
    try:
        check_broadcast(figures, checks, BROADCAST_REDIS_CLIENTS)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{tails(servers)}") from exc
