"""The fault tests reuse the live-session fixtures (a live session, participants)."""

from tests.sessions.conftest import (  # noqa: F401
    agenda,
    ana,
    facilitator,
    live_session,
    make_stage,
)
