"""Validation of client frames: one serializer per message type.

Pure input checking (no database): the consumer turns a failure into an error frame
naming the first offending field."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from cocrea.realtime.errors import CodedError
from sessions.models import QuestionStatus

OP_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_FRAME_BYTES = 64 * 1024
# Ids are database keys: JSON integers have no size limit, and a bigger one would
# make the query itself fail (an exception, not an error frame).
MAX_ID = 2**63 - 1


class HelloSerializer(serializers.Serializer):
    last_seq = serializers.IntegerField(min_value=0, required=False, allow_null=True)


class EmptySerializer(serializers.Serializer):
    pass


class ActivityGotoSerializer(serializers.Serializer):
    activity_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class TimerStartSerializer(serializers.Serializer):
    seconds = serializers.IntegerField(min_value=1, max_value=7200)


class ParticipantRemoveSerializer(serializers.Serializer):
    participant_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class AskSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=500, trim_whitespace=True)


class UpvoteSerializer(serializers.Serializer):
    question_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class ModerateSerializer(serializers.Serializer):
    question_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    status = serializers.ChoiceField(
        choices=[QuestionStatus.APPROVED, QuestionStatus.REJECTED, QuestionStatus.ANSWERED]
    )


class CanvasOpSerializer(serializers.Serializer):
    activity_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    # The op's own fields are checked by canvases.ops, which names the field at fault.
    op = serializers.DictField()


class CanvasSettingsSerializer(serializers.Serializer):
    activity_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    locked = serializers.BooleanField(required=False)
    locked_zones = serializers.ListField(
        child=serializers.CharField(max_length=64), max_length=100, required=False
    )
    anonymous = serializers.BooleanField(required=False)
    private_mode = serializers.BooleanField(required=False)
    dots_revealed = serializers.BooleanField(required=False)
    one_dot_per_note = serializers.BooleanField(required=False)
    dots_per_voter = serializers.IntegerField(min_value=0, max_value=50, required=False)
    note_limit = serializers.IntegerField(min_value=1, max_value=500, required=False)
    focus_zone = serializers.CharField(max_length=64, allow_null=True, required=False)


class PollSerializer(serializers.Serializer):
    activity_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class PollVoteSerializer(serializers.Serializer):
    activity_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    # Any JSON: the poll's method checks the ballot and names what is wrong with it.
    ballot = serializers.JSONField()
    # Present only to change one's vote: the receipt of the ballot being replaced.
    receipt = serializers.CharField(max_length=200, required=False, trim_whitespace=True)


class PollSubmitSerializer(serializers.Serializer):
    activity_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    # Any string: voting.moderation trims it and checks its length (1–1,000).
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)


class PollModerateSerializer(serializers.Serializer):
    activity_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    submission_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    decision = serializers.ChoiceField(choices=["approve", "reject"])


COMMAND_SERIALIZERS: dict[str, type[serializers.Serializer]] = {
    "session.start": EmptySerializer,
    "session.pause": EmptySerializer,
    "session.resume": EmptySerializer,
    "session.end": EmptySerializer,
    "activity.goto": ActivityGotoSerializer,
    "timer.start": TimerStartSerializer,
    "timer.stop": EmptySerializer,
    "input.lock": EmptySerializer,
    "input.unlock": EmptySerializer,
    "results.hide": EmptySerializer,
    "results.reveal": EmptySerializer,
    "participant.remove": ParticipantRemoveSerializer,
    "qa.ask": AskSerializer,
    "qa.upvote": UpvoteSerializer,
    "qa.moderate": ModerateSerializer,
    "canvas.op": CanvasOpSerializer,
    "canvas.settings": CanvasSettingsSerializer,
    "poll.open": PollSerializer,
    "poll.close": PollSerializer,
    "poll.publish": PollSerializer,
    "poll.vote": PollVoteSerializer,
    "poll.submit": PollSubmitSerializer,
    "poll.moderate": PollModerateSerializer,
}


class FrameError(CodedError):
    """A client frame that is not valid protocol."""


def _first_error(errors: Any) -> tuple[str | None, str]:
    """Flatten DRF's error dict to its first (field, message)."""
    if isinstance(errors, dict):
        for field, value in errors.items():
            _inner, message = _first_error(value)
            return (None if field == "non_field_errors" else str(field)), message
    if isinstance(errors, list) and errors:
        return _first_error(errors[0])
    return None, str(errors)


def validate(serializer_class: type[serializers.Serializer], frame: dict[str, Any]) -> dict:
    payload = {k: v for k, v in frame.items() if k not in ("type", "op_id")}
    serializer = serializer_class(data=payload)
    if not serializer.is_valid():
        field, message = _first_error(serializer.errors)
        raise FrameError("invalid", message, field)
    return dict(serializer.validated_data)


def parse_command(frame: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """(type, op_id, data) for a command frame, or FrameError."""
    kind = frame["type"]
    serializer_class = COMMAND_SERIALIZERS.get(kind)
    if serializer_class is None:
        raise FrameError(
            "unknown_type", _("Tipo de mensaje desconocido: %(t)s.") % {"t": kind[:40]}, "type"
        )
    op_id = frame.get("op_id")
    if not isinstance(op_id, str) or not OP_ID.match(op_id):
        raise FrameError(
            "invalid",
            _("Cada orden necesita un op_id de 1 a 64 caracteres [A-Za-z0-9_-]."),
            "op_id",
        )
    return kind, op_id, validate(serializer_class, frame)
