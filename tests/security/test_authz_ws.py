"""The authorization matrix over the live-session WebSocket: who may open A's socket,
and every message type × every role that can (``authz_table.WS_TABLE``), plus B's ids
sent on A's socket. The message types come from the command registry
(``sessions.live``) and the protocol's serializers, so a new one without a row fails."""

from __future__ import annotations

import itertools

import pytest
from django.test import Client as HttpClient

from sessions import live
from sessions.cookies import cookie_name, sign_participant
from sessions.protocol import COMMAND_SERIALIZERS
from tests.security.authz_table import (
    WS_CONNECT,
    WS_OBJECT_MESSAGES,
    WS_ROLES,
    WS_TABLE,
    ws_data,
)
from tests.security.conftest import ROLES, World, build_world
from tests.sessions.test_consumer import Closed, Ws, run

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Frames the consumer handles itself, outside the command registry.
NON_COMMANDS = {"hello", "ping", "canvas.drag"}
_op_ids = itertools.count(1)


@pytest.fixture
def ws_world() -> World:
    # The consumer reads the database from other threads: the world must be committed.
    return build_world()


def cookie_for(world: World, role: str) -> str | None:
    if role == "participant":
        name, value = world.a.cookie
        return f"{name}={value}"
    user = world.user(role)
    if user is None:
        return None
    client = HttpClient()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def test_every_message_type_has_a_row() -> None:
    registry = set(live.FACILITATOR_COMMANDS) | set(live.PARTICIPANT_COMMANDS)
    known = registry | set(COMMAND_SERIALIZERS) | NON_COMMANDS
    missing = sorted(known - set(WS_TABLE))
    stale = sorted(set(WS_TABLE) - known)
    assert not missing, f"message types without an authorization row: {missing}"
    assert not stale, f"rows for message types that no longer exist: {stale}"
    assert set(WS_CONNECT) == set(ROLES)


async def answer(ws: Ws, type: str, data: dict) -> dict:
    """Send one message; its answer: the ack or error carrying its op_id, the snapshot,
    the pong, or (for a drag, which has no answer) an error seen before a pong."""
    op_id = None
    if type == "canvas.drag":
        await ws.send({"type": type, **data})
        await ws.send({"type": "ping"})
        seen: dict | None = None
        while (frame := await ws.recv())["type"] != "pong":
            if frame["type"] == "error" and seen is None:
                seen = frame
        return seen or frame
    if type in NON_COMMANDS:
        await ws.send({"type": type, **data})
    else:
        op_id = f"op{next(_op_ids)}"
        await ws.send({"type": type, "op_id": op_id, **data})
    while True:
        frame = await ws.recv()
        if frame["type"] == "error" or frame["type"] in {"snapshot", "pong"}:
            return frame
        if frame["type"] == "ack" and frame.get("op_id") == op_id:
            return frame


def verdict(frame: dict) -> str:
    return "forbidden" if frame.get("code") == "forbidden" else "ok"


def test_who_may_open_the_socket(ws_world: World) -> None:
    code = ws_world.a.session.code
    cookies = {role: cookie_for(ws_world, role) for role in ROLES}

    async def scenario() -> None:
        wrong = []
        for role in ROLES:
            ws = await Ws(code, cookies[role]).open()
            # Admission runs after the accept: a refused socket is closed at once,
            # an admitted one waits for hello.
            if await ws.comm.receive_nothing(timeout=0.3):
                got = "open" if (await answer(ws, "hello", {}))["type"] == "snapshot" else "?"
                await ws.close()
            else:
                try:
                    got = f"frame {(await ws.recv())['type']}"
                except Closed:
                    got = "refused"
            if got != WS_CONNECT[role]:
                wrong.append(f"{role}: expected {WS_CONNECT[role]}, got {got}")
        assert not wrong, "\n".join(wrong)

    run(scenario())


def test_every_message_type_for_every_role(ws_world: World) -> None:
    code = ws_world.a.session.code
    data = ws_data(ws_world.a)
    cookies = {role: cookie_for(ws_world, role) for role in WS_ROLES}
    # session.end last: after it every command is refused as "locked", which still
    # shows it was not forbidden, but nothing else would be exercised.
    order = sorted(WS_TABLE, key=lambda t: (t == "session.end", t != "hello", t))

    async def scenario() -> None:
        sockets = {role: await Ws(code, cookies[role]).open() for role in WS_ROLES}
        wrong = []
        for type, (role, ws) in itertools.product(order, sockets.items()):
            expected = WS_TABLE[type][WS_ROLES.index(role)]
            frame = await answer(ws, type, data[type])
            if verdict(frame) != expected:
                wrong.append(f"{type} as {role}: expected {expected}: {frame}")
        for ws in sockets.values():
            await ws.close()
        assert not wrong, "\n".join(wrong)

    run(scenario())


def test_other_sessions_ids_on_own_socket(ws_world: World) -> None:
    """A's facilitator and A's participant, sending the ids of B's activities,
    questions and polls on A's socket, get not_found or forbidden: never an ack."""
    a, b = ws_world.a, ws_world.b
    theirs = ws_data(b)
    cookies = {
        "facilitator": cookie_for(ws_world, "facilitator"),
        "participant": f"{cookie_name(a.session.code)}={sign_participant(a.participant)}",
    }

    async def scenario() -> None:
        wrong = []
        facilitator = await Ws(a.session.code, cookies["facilitator"]).open()
        participant = await Ws(a.session.code, cookies["participant"]).open()
        for ws in (facilitator, participant):
            await answer(ws, "hello", {})
        # Live and open, so participants' commands reach the object lookup.
        assert (await answer(facilitator, "session.start", {}))["type"] == "ack"
        for (role, ws), type in itertools.product(
            (("facilitator", facilitator), ("participant", participant)), WS_OBJECT_MESSAGES
        ):
            frame = await answer(ws, type, theirs[type])
            if frame["type"] != "error" or frame["code"] not in {"not_found", "forbidden"}:
                wrong.append(f"{type} with B's ids as A's {role}: {frame}")
        for ws in (facilitator, participant):
            await ws.close()
        assert not wrong, "\n".join(wrong)

    run(scenario())


def test_other_sessions_participant_cookie_is_refused(ws_world: World) -> None:
    """A participant cookie is signed for one session: B's participant's value under
    A's cookie name, or A's participant's value presented to B's socket, is refused."""
    a, b = ws_world.a, ws_world.b
    forged = [
        (a.session.code, f"{cookie_name(a.session.code)}={sign_participant(b.participant)}"),
        (b.session.code, f"{cookie_name(b.session.code)}={sign_participant(a.participant)}"),
    ]

    async def scenario() -> None:
        for code, cookie in forged:
            ws = await Ws(code, cookie).open()
            assert not await ws.comm.receive_nothing(timeout=1), f"admitted to {code}"
            with pytest.raises(Closed) as closed:
                await ws.recv()
            assert closed.value.code == 4401, closed.value

    run(scenario())


def test_refused_socket_ignores_frames_in_flight(ws_world: World) -> None:
    """A frame that reaches a socket refused at admission (sent before the client saw
    the close) is dropped: it used to reach the handlers with no session or actor and
    crash the consumer."""
    code, cookie = ws_world.a.session.code, cookie_for(ws_world, "citizen")

    async def scenario() -> None:
        ws = await Ws(code, cookie).open()
        await ws.send({"type": "hello"})
        with pytest.raises(Closed):
            await ws.recv()
        await ws.comm.disconnect()  # re-raises any exception of the consumer

    run(scenario())
