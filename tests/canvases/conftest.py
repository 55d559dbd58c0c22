"""Canvas tests reuse the live-session fixtures (a live session, participants, cookies)."""

from tests.sessions.conftest import (  # noqa: F401
    agenda,
    ana,
    as_participant,
    beto,
    cookie_of,
    events_of,
    facilitator,
    live_session,
    make_stage,
)
