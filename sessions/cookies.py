"""The participant cookie: signed (not encrypted: it holds no secret beyond a random
token that must match the database), HttpOnly, one per session code."""

from __future__ import annotations

from django.core import signing

from sessions.models import Participant

SALT = "cocrea.participant"
MAX_AGE = 12 * 3600


def cookie_name(code: str) -> str:
    return f"cocrea_p_{code}"


def sign_participant(participant: Participant) -> str:
    return signing.dumps(
        {"p": participant.pk, "s": participant.session_id, "t": participant.token}, salt=SALT
    )


class CookieError(Exception):
    """Why a participant cookie was refused: ``missing``, ``expired``, ``forged``,
    ``unknown`` or ``removed``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def participant_from_cookie(value: str | None, *, session_id: int) -> Participant:
    if not value:
        raise CookieError("missing")
    try:
        data = signing.loads(value, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise CookieError("expired") from None
    except signing.BadSignature:
        raise CookieError("forged") from None
    if not isinstance(data, dict) or data.get("s") != session_id:
        raise CookieError("forged")
    try:
        participant = Participant.objects.get(
            pk=data.get("p"), session_id=session_id, token=data.get("t")
        )
    except (Participant.DoesNotExist, ValueError, TypeError):
        raise CookieError("unknown") from None
    if participant.removed_at is not None:
        raise CookieError("removed")
    return participant
