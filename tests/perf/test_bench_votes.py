"""Benchmark of vote ingestion over real WebSockets (run by `make bench`).

``vote_ingest``: 2,000 participants of one live session, each on its own WebSocket to
one Daphne process, vote on an open poll (method ``single``, results ``live``). The
voters connect first (4 client processes, tests/perf/vote_clients.py); connecting is
not measured. Then the 2,000 ``poll.vote`` commands go out spread uniformly over
10 s (one every 5 ms over all processes, interleaved between them), each timed from
its send to its ``ack``. ``stored`` is the poll's Ballot rows read from the database
afterwards. The test asserts only correctness (sent = acked = stored, no errors);
timing is a figure, and a missed target shows as ``"target_met": false``."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest

from tests.conftest import DaphneServer, migrate, server_env, start_daphne
from tests.perf.live_harness import (
    ROOT,
    ClientProcess,
    close_client_processes,
    cpu_seconds,
    last_line,
    latency_figures,
    load_average,
    log_count,
    log_tail,
    merge_ready,
    origin,
    prepare_session,
    raise_nofile_limit,
    report,
    run_script,
    ws_url,
)

CLIENTS = 2000
PROCESSES = 4
WINDOW_S = 10.0
TARGET_P95_MS = 250
CONCURRENCY = 16  # handshakes in flight per client process, as in the join storm
CLIENT_SCRIPT = ROOT / "tests" / "perf" / "vote_clients.py"

# Appended to live_harness.SETUP_SCRIPT (the session is already started): a poll
# activity, made the current one and opened, all through ordinary commands.
POLL_SCRIPT = """
poll_activity = live.activity_add(
    session=session, kind="poll", title="¿Qué priorizamos?",
    poll_spec={
        "method": "single",
        "options": [{"key": "a", "label": "Agua"}, {"key": "b", "label": "Vías"},
                    {"key": "c", "label": "Salud"}],
        "results_visibility": "live",
    },
)
live.session_command(
    session_id=session.pk, actor=actor, type="activity.goto",
    data={"activity_id": poll_activity.pk}, op_id="bench-goto-poll",
)
live.session_command(
    session_id=session.pk, actor=actor, type="poll.open",
    data={"activity_id": poll_activity.pk}, op_id="bench-open-poll",
)
from voting.models import Poll
print("EXTRA " + json.dumps({
    "poll_activity": poll_activity.pk,
    "poll_id": Poll.objects.get(activity=poll_activity).pk,
}))
"""

COUNT_SCRIPT = """
import json, os
from voting.models import Ballot, Participation, Poll
params = json.loads(os.environ["BENCH_SETUP"])
poll = Poll.objects.get(pk=params["poll_id"])
print("COUNT " + json.dumps({
    "ballots": Ballot.objects.filter(poll_id=poll.pk).count(),
    "participations": Participation.objects.filter(poll_id=poll.pk).count(),
    "status": poll.status,
}))
"""


@pytest.fixture(scope="module")
def bench_env(tmp_path_factory) -> dict[str, Any]:
    raise_nofile_limit()
    folder = tmp_path_factory.mktemp("votes-bench")
    env = server_env(folder / "db.sqlite3")
    migrate(env)
    return {"env": env, "folder": folder}


class VoteCrowd(ClientProcess):
    """One vote_clients.py process and what it has told us."""

    SCRIPT = CLIENT_SCRIPT

    async def wait_ready(self, timeout: float) -> dict[str, Any]:
        return await self.answer("ready", timeout)

    async def drain(self, timeout: float) -> dict[str, Any]:
        self.send({"cmd": "drain", "timeout": timeout})
        return await self.answer("done", timeout + WINDOW_S + 30)


async def hello(port: int, code: str, cookie: tuple[str, str]) -> None:
    """A warm-up: imports, thread pool and database connection in place."""
    from websockets.asyncio.client import connect

    name, value = cookie
    async with connect(
        ws_url(port, code),
        additional_headers={"Cookie": f"{name}={value}", "Origin": origin(port)},
        max_size=None,
    ) as ws:
        await ws.send('{"type":"hello","last_seq":null}')
        await asyncio.wait_for(ws.recv(), 30)


async def ingest(server: DaphneServer, setup: dict[str, Any]) -> dict[str, Any]:
    code, name = setup["code"], setup["cookie_name"]
    cookies = [(name, value) for value in setup["cookies"]]
    await hello(server.port, code, cookies[-1])  # the spare participant; it does not vote
    voters = cookies[:CLIENTS]
    parts = [voters[n::PROCESSES] for n in range(PROCESSES)]
    start_at = time.time() + 2.0
    crowds: list[VoteCrowd] = []
    try:
        for n, part in enumerate(parts):
            crowds.append(
                await VoteCrowd.start(
                    {
                        "url": ws_url(server.port, code),
                        "origin": origin(server.port),
                        "cookies": part,
                        "concurrency": CONCURRENCY,
                        "start_at": start_at,
                        "activity_id": setup["poll_activity"],
                        "tag": f"p{n}",
                    }
                )
            )
        readies = [await crowd.wait_ready(300) for crowd in crowds]
        joined = merge_ready(readies)
        if joined["failed"]:
            raise AssertionError(f"{joined['failed']} voters failed: {joined['errors']}")
        await asyncio.sleep(2.0)  # the join presence broadcasts pass
        load = load_average()
        cpu_before = cpu_seconds(server.process.pid)
        go = time.time() + 1.0
        # Voter n of process p is global voter n * PROCESSES + p: sends interleave.
        step = WINDOW_S / CLIENTS
        for p, crowd in enumerate(crowds):
            send_at = [go + (n * PROCESSES + p) * step for n in range(len(parts[p]))]
            crowd.send({"cmd": "go", "send_at": send_at})
        dones = await asyncio.gather(*(crowd.drain(60) for crowd in crowds))
        cpu = cpu_seconds(server.process.pid) - cpu_before
    finally:
        await close_client_processes(crowds)
    votes = [vote for done in dones for vote in done["votes"]]
    sent = [v for v in votes if v[0] is not None]
    acked = [v for v in sent if v[1] is not None and v[2] is None]
    errors = [v[2] for v in votes if v[2] is not None]
    unanswered = sum(1 for v in sent if v[1] is None)
    latencies = [v[1] - v[0] for v in acked]
    first_send = min(v[0] for v in sent) if sent else go
    last_ack = max(v[1] for v in acked) if acked else go
    return {
        "clients": CLIENTS,
        "connected": joined["connected"],
        "processes": PROCESSES,
        "spread": f"uniform over {WINDOW_S:g} s",
        "sent": len(sent),
        "acked": len(acked),
        "errors": len(errors) + unanswered,
        "error_codes": sorted(set(errors)),
        "unanswered": unanswered,
        "other_errors": sorted({e for done in dones for e in done["other_errors"]}),
        "closed_early": sum(len(done["closed_early"]) for done in dones),
        **latency_figures(latencies),
        "wall_s": round(last_ack - first_send, 2),
        "send_wall_s": round(max(v[0] for v in sent) - first_send, 2) if sent else 0,
        "server_cpu_ms_per_vote": round(cpu * 1000 / max(1, len(acked)), 2),
        "server_cpu_cores": round(cpu / max(1e-9, last_ack - first_send), 2),
        **latency_figures(joined["latencies"], prefix="connect_"),
        "connect_wall_s": joined["wall_s"],
        "load_average_1m": load,
    }


@pytest.mark.timeout(900)
def test_vote_ingest(bench_env):
    env, folder = bench_env["env"], bench_env["folder"]
    setup = prepare_session(env, participants=CLIENTS + 1, tag="votes", extra_script=POLL_SCRIPT)
    server = start_daphne(env, folder / "daphne-votes.log")
    try:
        figures = asyncio.run(ingest(server, setup))
    except Exception as exc:
        raise AssertionError(f"{exc!r}\n{log_tail(server.log)}") from exc
    finally:
        server.stop()
    counts = json.loads(
        last_line(
            run_script(env, COUNT_SCRIPT, {"poll_id": setup["poll_id"]}, timeout=120), "COUNT "
        )
    )
    figures = {
        "scenario": "vote_ingest",
        **figures,
        "stored": counts["ballots"],
        "participations": counts["participations"],
        "rejected_by_server": log_count(server.log, '"WSREJECT '),
        "target_p95_ms": TARGET_P95_MS,
    }
    figures["submitted_within_10s"] = figures["send_wall_s"] <= WINDOW_S
    figures["target_met"] = 0 <= figures["p95_ms"] <= TARGET_P95_MS
    report(figures)
    assert figures["errors"] == 0, f"{figures['error_codes']}\n{log_tail(server.log)}"
    assert figures["sent"] == figures["acked"] == figures["stored"] == CLIENTS, figures
    assert figures["participations"] == CLIENTS, figures
