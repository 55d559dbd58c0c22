"""Harness for the live-session benchmarks (test_bench_sessions.py): a session with
many participants prepared in a server's database, crowds of WebSocket clients in
separate processes (ws_clients.py), a facilitator connection, and the figures."""

from __future__ import annotations

import asyncio
import json
import math
import os
import re
import resource
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from tests.frames import unpack

ROOT = Path(__file__).resolve().parents[2]
CLIENT_SCRIPT = Path(__file__).with_name("ws_clients.py")
HELLO = json.dumps({"type": "hello", "last_seq": None})

# Run by `manage.py shell -c` in the server's environment; parameters come in the
# BENCH_SETUP environment variable, the answer is the last stdout line.
SETUP_SCRIPT = """
import json, os
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from cocrea.accounts.models import Entity, EntityKind, Role, User
from cocrea.accounts.services import membership_grant
from cocrea.toolkit.models import Level, Pillar
from sessions import live
from sessions.cookies import cookie_name, sign_participant
from sessions.services import StageInput, process_create

params = json.loads(os.environ["BENCH_SETUP"])
tag = params["tag"]
with transaction.atomic():
    entity = Entity.objects.create(
        name=f"Alcaldía de prueba {tag}", slug=f"alcaldia-bench-{tag}",
        kind=EntityKind.ALCALDIA, department="76", municipality="Buenaventura",
    )
    user = User.objects.create_user(
        email=f"facilitadora-{tag}@example.org", password=None, full_name="Facilitadora"
    )
    membership_grant(user=user, entity=entity, role=Role.FACILITATOR)
    process = process_create(
        entity=entity,
        title=f"Proceso de prueba {tag}",
        primary_pillar=Pillar.objects.order_by("order").first(),
        stages=[StageInput(name="Diálogo", level=Level.objects.get(code="colaborar"))],
        created_by=user,
    )
    session = live.session_create(
        stage=process.stages.get(), title=f"Sesión de prueba {tag}", created_by=user
    )
    activities = [
        live.activity_add(session=session, kind="slide", title=f"Diapositiva {n}",
                          body=f"Contenido de la diapositiva {n}.")
        for n in (1, 2)
    ]
    actor = live.Actor(role="facilitator", key=f"u:{user.pk}", user_id=user.pk)
    live.session_command(
        session_id=session.pk, actor=actor, type="session.start", data={},
        op_id="bench-start",
    )
    cookies = []
    for n in range(params["participants"]):
        participant = live.participant_join(
            session=session, display_name=f"Participante {n:04d}", consent=True
        )
        cookies.append(sign_participant(participant))
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.save()
print("SETUP " + json.dumps({
    "code": session.code,
    "session_id": session.pk,
    "cookie_name": cookie_name(session.code),
    "cookies": cookies,
    "sessionid": store.session_key,
    "activities": [activity.pk for activity in activities],
}))
"""


def prepare_session(
    env: dict[str, str],
    *,
    participants: int,
    tag: str,
    extra_script: str = "",
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A live session with ``participants`` consenting participants and a facilitator,
    written straight into the server's database. Returns the join code, the
    participants' signed cookies, the facilitator's ``sessionid`` and two slides.

    ``extra_script`` runs after SETUP_SCRIPT in the same shell, with its names in
    scope (``params``, ``session``, ``user``, ``actor``, ``activities``, ...; ``extra``
    arrives as ``params["extra"]``); a line it prints as ``EXTRA {json}`` is merged
    into the answer."""
    result = run_script(
        env,
        SETUP_SCRIPT + extra_script,
        {"participants": participants, "tag": tag, "extra": extra or {}},
        timeout=300 if extra_script else 180,
    )
    answer = json.loads(last_line(result, "SETUP "))
    if extra_script and any(row.startswith("EXTRA ") for row in result.splitlines()):
        answer.update(json.loads(last_line(result, "EXTRA ")))
    return answer


def run_script(env: dict[str, str], script: str, params: dict[str, Any], timeout: float) -> str:
    """Run ``script`` with ``manage.py shell -c`` in the server's environment, with
    ``params`` in the BENCH_SETUP environment variable; returns its stdout."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env={**env, "BENCH_SETUP": json.dumps(params)},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"setup script failed:\n{result.stdout[-2000:]}\n{result.stderr[-5000:]}"
        )
    return result.stdout


def last_line(stdout: str, prefix: str) -> str:
    return [row for row in stdout.splitlines() if row.startswith(prefix)][-1].removeprefix(prefix)


def raise_nofile_limit() -> None:
    """Lift the soft open-files limit to the hard one. Daphne inherits it from us."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_average() -> float:
    """The 1-minute load average: other work on the machine skews wall-clock figures."""
    return round(os.getloadavg()[0], 2)


ACCESS_LINE = re.compile(r'^\S+ - - \[[^]]*\] "')


def log_tail(log: Path, lines: int = 40) -> str:
    """The end of a Daphne log without its access lines (one per WebSocket)."""
    try:
        text = log.read_text(errors="replace")
    except OSError as exc:
        return f"(no log: {exc})"
    return "\n".join([row for row in text.splitlines() if not ACCESS_LINE.match(row)][-lines:])


def log_count(log: Path, needle: str) -> int:
    try:
        return log.read_text(errors="replace").count(needle)
    except OSError:
        return -1


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0-100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def latency_figures(seconds: list[float], prefix: str = "") -> dict[str, float]:
    """p50/p95/p99/max in milliseconds, rounded to 0.1 ms."""
    if not seconds:
        return {f"{prefix}{k}_ms": -1.0 for k in ("p50", "p95", "p99", "max")}
    return {
        f"{prefix}p50_ms": round(percentile(seconds, 50) * 1000, 1),
        f"{prefix}p95_ms": round(percentile(seconds, 95) * 1000, 1),
        f"{prefix}p99_ms": round(percentile(seconds, 99) * 1000, 1),
        f"{prefix}max_ms": round(max(seconds) * 1000, 1),
    }


def report(figures: dict[str, Any]) -> None:
    print("BENCH " + json.dumps(figures, sort_keys=True), flush=True)


def ws_url(port: int, code: str) -> str:
    return f"ws://127.0.0.1:{port}/ws/sessions/{code}/"


def origin(port: int) -> str:
    return f"http://127.0.0.1:{port}"


# --- crowds of participants in other processes -------------------------------------------


class Crowd:
    """One ws_clients.py process and what it has told us."""

    def __init__(self, process: asyncio.subprocess.Process, progress: asyncio.Event) -> None:
        self.process = process
        self.progress = progress
        self.ready: dict[str, Any] | None = None
        self.done: dict[str, Any] | None = None
        self.seqs: dict[int, float] = {}
        self.stderr = b""
        self._ready = asyncio.Event()
        self._done = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def start(
        cls,
        *,
        port: int,
        code: str,
        cookies: list[tuple[str, str]],
        start_at: float,
        concurrency: int,
        progress: asyncio.Event,
    ) -> Crowd:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(CLIENT_SCRIPT),
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            limit=2**26,
        )
        crowd = cls(process, progress)
        config = {
            "url": ws_url(port, code),
            "origin": origin(port),
            "cookies": cookies,
            "concurrency": concurrency,
            "start_at": start_at,
        }
        crowd._write(config)
        return crowd

    def _write(self, payload: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps(payload) + "\n").encode())

    async def _read(self) -> None:
        assert self.process.stdout is not None and self.process.stderr is not None
        errors = asyncio.create_task(self.process.stderr.read())
        while line := await self.process.stdout.readline():
            message = json.loads(line)
            if message["kind"] == "ready":
                self.ready = message
                self._ready.set()
            elif message["kind"] == "seq":
                self.seqs[message["seq"]] = message["t_last"]
                self.progress.set()
            elif message["kind"] == "done":
                self.done = message
                self._done.set()
        self.stderr = await errors
        self._ready.set()  # the process ended: wake whoever waits
        self._done.set()
        self.progress.set()

    async def wait_ready(self, timeout: float) -> dict[str, Any]:
        await asyncio.wait_for(self._ready.wait(), timeout)
        if self.ready is None:
            raise RuntimeError(f"client process ended early:\n{self.stderr.decode()[-3000:]}")
        return self.ready

    async def stop(self, final_seq: int | None, timeout: float) -> dict[str, Any]:
        self._write({"cmd": "stop", "final_seq": final_seq, "timeout": timeout})
        await asyncio.wait_for(self._done.wait(), timeout + 30)
        if self.done is None:
            raise RuntimeError(f"client process ended early:\n{self.stderr.decode()[-3000:]}")
        return self.done

    async def close(self) -> None:
        """Wait a little for a clean exit, then kill; always reap."""
        if self.process.returncode is None:
            try:
                await asyncio.wait_for(self.process.wait(), 15)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        self._reader.cancel()


async def start_crowds(
    *,
    targets: list[tuple[int, list[tuple[str, str]]]],
    code: str,
    concurrency: int,
    progress: asyncio.Event,
    start_delay: float = 2.0,
) -> list[Crowd]:
    """One client process per ``(port, cookies)``; all start connecting together,
    ``start_delay`` seconds from now (time for the interpreters to start)."""
    start_at = time.time() + start_delay
    return [
        await Crowd.start(
            port=port,
            code=code,
            cookies=cookies,
            start_at=start_at,
            concurrency=concurrency,
            progress=progress,
        )
        for port, cookies in targets
    ]


async def close_crowds(crowds: list[Crowd]) -> None:
    for crowd in crowds:
        if crowd.process.returncode is None and crowd.done is None:
            crowd.process.kill()
    await asyncio.gather(*(crowd.close() for crowd in crowds), return_exceptions=True)


def merge_ready(readies: list[dict[str, Any]]) -> dict[str, Any]:
    latencies = [ms / 1000 for ready in readies for ms in ready["latencies_ms"]]
    return {
        "connected": sum(ready["connected"] for ready in readies),
        "failed": sum(ready["failed"] for ready in readies),
        "errors": sorted({error for ready in readies for error in ready["errors"]})[:5],
        "latencies": latencies,
        "wall_s": round(
            max(ready["last_snapshot"] for ready in readies)
            - min(ready["first_start"] for ready in readies),
            2,
        ),
        "extensions": sorted({ext for ready in readies for ext in ready["extensions"]}),
    }


# --- the facilitator ---------------------------------------------------------------------


class Facilitator:
    """A facilitator's connection in this process: commands and their acks."""

    def __init__(self, ws: ClientConnection, snapshot: dict[str, Any]) -> None:
        self.ws = ws
        self.snapshot = snapshot
        self.acks: dict[str, asyncio.Future] = {}
        self.errors: list[dict[str, Any]] = []
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def connect(cls, port: int, code: str, sessionid: str) -> Facilitator:
        ws = await connect(
            ws_url(port, code),
            additional_headers={"Cookie": f"sessionid={sessionid}", "Origin": origin(port)},
            ping_interval=None,
            max_queue=None,
        )
        await ws.send(HELLO)
        snapshot = json.loads(await asyncio.wait_for(ws.recv(), 30))
        if snapshot.get("type") != "snapshot" or snapshot["you"]["role"] != "facilitator":
            raise RuntimeError(f"not a facilitator snapshot: {snapshot}")
        return cls(ws, snapshot)

    async def _read(self) -> None:
        async for message in self.ws:
            for frame in unpack(message):
                op_id = frame.get("op_id")
                if frame.get("type") == "ack" and op_id in self.acks:
                    self.acks.pop(op_id).set_result((frame, time.time()))
                elif frame.get("type") == "error":
                    self.errors.append(frame)
                    if op_id in self.acks:
                        error = RuntimeError(f"command refused: {frame}")
                        self.acks.pop(op_id).set_exception(error)

    async def command(self, type: str, **fields: Any) -> tuple[dict[str, Any], float, float]:
        """Send a command; returns (ack, send time, ack time) as ``time.time()``."""
        op_id = f"bench-{uuid.uuid4().hex}"
        future = asyncio.get_running_loop().create_future()
        self.acks[op_id] = future
        sent = time.time()
        await self.ws.send(json.dumps({"type": type, "op_id": op_id, **fields}))
        ack, acked = await asyncio.wait_for(future, 30)
        return ack, sent, acked

    async def close(self) -> None:
        await self.ws.close()
        self._reader.cancel()


async def advance_many(
    facilitator: Facilitator,
    crowds: list[Crowd],
    progress: asyncio.Event,
    *,
    activities: list[int],
    advances: int,
    settle: float = 0.05,
    per_advance_timeout: float = 3.0,
) -> tuple[dict[int, float], list[float]]:
    """``activity.goto`` ``advances`` times, alternating ``activities``; after each ack,
    wait until every crowd reports that all its clients got the event (or a timeout),
    then pause ``settle`` seconds. Returns {seq: send time} and the ack latencies."""
    sent_at: dict[int, float] = {}
    ack_latencies: list[float] = []
    for n in range(advances):
        ack, sent, acked = await facilitator.command(
            "activity.goto", activity_id=activities[n % len(activities)]
        )
        seq = ack["result"]["seq"]
        sent_at[seq] = sent
        ack_latencies.append(acked - sent)
        deadline = time.monotonic() + per_advance_timeout
        while not all(seq in crowd.seqs for crowd in crowds):
            progress.clear()
            if all(seq in crowd.seqs for crowd in crowds):
                break
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                await asyncio.wait_for(progress.wait(), left)
            except TimeoutError:
                break
        await asyncio.sleep(settle)
    return sent_at, ack_latencies


def delivery_figures(
    sent_at: dict[int, float], dones: list[dict[str, Any]], clients: int
) -> dict[str, Any]:
    """Per advance: send to the last participant's receipt; and every receipt; and the
    (participant, event) pairs never received."""
    times: dict[int, list[float]] = {seq: [] for seq in sent_at}
    for done in dones:
        for seq, values in done["times"].items():
            if int(seq) in times:
                times[int(seq)].extend(values)
    to_last = [max(times[seq]) - sent for seq, sent in sent_at.items() if times[seq]]
    every = [at - sent_at[seq] for seq, values in times.items() for at in values]
    lost = sum(clients - len(values) for values in times.values())
    return {
        **latency_figures(to_last),
        **latency_figures(every, prefix="each_"),
        "lost": lost,
        "gaps": sum(done["gaps"] for done in dones),
        "clients_with_gaps": sum(done["clients_with_gaps"] for done in dones),
        "closed_early": sum(len(done["closed_early"]) for done in dones),
    }


def env_without_redis(env: dict[str, str]) -> dict[str, str]:
    return {key: value for key, value in env.items() if key != "REDIS_URL"}


def environ_redis_url() -> str | None:
    return os.environ.get("REDIS_TEST_URL")


class ClientProcess:
    """One client-crowd process (``SCRIPT``) and the messages it has sent back: one
    JSON object per line, each with a ``kind`` among ``KINDS``."""

    SCRIPT: Path
    KINDS: tuple[str, ...] = ("ready", "done")

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        loop = asyncio.get_running_loop()
        self.answers: dict[str, asyncio.Future] = {k: loop.create_future() for k in self.KINDS}
        self.stderr = b""
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def start(cls, config: dict[str, Any]) -> Any:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(cls.SCRIPT),
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            limit=2**28,
        )
        crowd = cls(process)
        crowd.send(config)
        return crowd

    def send(self, payload: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps(payload) + "\n").encode())

    async def _read(self) -> None:
        assert self.process.stdout is not None and self.process.stderr is not None
        errors = asyncio.create_task(self.process.stderr.read())
        while line := await self.process.stdout.readline():
            message = json.loads(line)
            future = self.answers.get(message["kind"])
            if future is not None and not future.done():
                future.set_result(message)
        self.stderr = await errors
        for future in self.answers.values():
            if not future.done():
                future.set_exception(
                    RuntimeError(f"client process ended early:\n{self.stderr.decode()[-3000:]}")
                )

    async def answer(self, kind: str, timeout: float) -> dict[str, Any]:
        return await asyncio.wait_for(asyncio.shield(self.answers[kind]), timeout)

    async def close(self) -> None:
        if self.process.returncode is None:
            try:
                await asyncio.wait_for(self.process.wait(), 15)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        self._reader.cancel()


async def close_client_processes(crowds: list[ClientProcess]) -> None:
    for crowd in crowds:
        if crowd.process.returncode is None and not crowd.answers["done"].done():
            crowd.process.kill()
    await asyncio.gather(*(crowd.close() for crowd in crowds), return_exceptions=True)
