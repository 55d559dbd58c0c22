"""The outputs of a process's live sessions that a lineamiento item may be promoted from,
named by the refs :class:`~cocrea.policy.models.ItemSource` stores.

An output is what the public produced and the session made public: a canvas note (not
deleted), a cluster of notes, a closed or published poll (with its full result), a
published question, a published statement or open answer. Each carries the facts the
trace shows next to an item (session, IAP2 level, activity, how many people are behind
it) and the ``snapshot`` frozen into the item's source, so the trace survives later
edits or deletion of the original.

Reads only: nothing here writes. Listing a process costs a fixed number of queries
(plus one tally per closed poll), never one per note or question.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q

from canvases.models import Canvas, CanvasNote
from cocrea.policy.models import SourceKind
from cocrea.toolkit.models import Level
from sessions.models import LiveSession, Process, Question, QuestionStatus, QuestionVote
from voting.models import (
    Ballot,
    Poll,
    PollStatus,
    PollSubmission,
    SubmissionStatus,
)

# What "published" means for each kind of contribution.
QUESTION_PUBLISHED = (QuestionStatus.APPROVED, QuestionStatus.ANSWERED)
POLL_FINISHED = (PollStatus.CLOSED, PollStatus.PUBLISHED)


@dataclass(frozen=True)
class Output:
    ref: str
    kind: str
    text: str
    session: LiveSession
    level: Level
    activity_title: str
    participants: int
    author_key: str
    snapshot: dict[str, Any] = field(hash=False, compare=False)
    # Where the output sits in its session, for listing in agenda order.
    activity_order: int = field(default=0, compare=False)


class OutputNotFound(Exception):
    """The ref is malformed, names nothing, or names something outside the process."""

    def __init__(self, ref: str, reason: str = "") -> None:
        self.ref = ref
        super().__init__(f"{ref!r}: {reason or 'no such output in this process'}")


# --- helpers ---------------------------------------------------------------------------


def _dot_givers(canvas: Canvas) -> dict[str, set[str]]:
    """note key -> voters who gave it at least one dot."""
    givers: dict[str, set[str]] = defaultdict(set)
    for voter, notes in (canvas.dots or {}).items():
        for key, count in (notes or {}).items():
            if count and count > 0:
                givers[key].add(voter)
    return givers


def _dot_total(canvas: Canvas, key: str) -> int:
    return sum(int((notes or {}).get(key) or 0) for notes in (canvas.dots or {}).values())


def _zone_label(canvas: Canvas, zone: str) -> str:
    for z in canvas.zones or []:
        if z.get("key") == zone:
            label = z.get("label") or {}
            return str(label.get("es") or zone) if isinstance(label, dict) else str(label)
    return ""


def _note_output(note: CanvasNote, canvas: Canvas, givers: dict[str, set[str]]) -> Output:
    activity = canvas.activity
    session = activity.session
    people = {note.author} | givers.get(note.key, set())
    cluster = (canvas.clusters or {}).get(note.cluster, "") if note.cluster else ""
    return Output(
        ref=f"note:{note.pk}",
        kind=SourceKind.NOTE,
        text=note.text,
        session=session,
        level=session.level,
        activity_title=activity.title,
        participants=len(people),
        author_key=note.author,
        snapshot={
            "text": note.text,
            "zone": note.zone,
            "zone_label": _zone_label(canvas, note.zone),
            "cluster": cluster,
            "dots": _dot_total(canvas, note.key),
        },
        activity_order=activity.order,
    )


def _cluster_output(
    canvas: Canvas, cluster_id: str, notes: list[CanvasNote], givers: dict[str, set[str]]
) -> Output:
    activity = canvas.activity
    session = activity.session
    people: set[str] = set()
    for note in notes:
        people.add(note.author)
        people |= givers.get(note.key, set())
    name = str((canvas.clusters or {}).get(cluster_id, ""))
    return Output(
        ref=f"cluster:{canvas.pk}:{cluster_id}",
        kind=SourceKind.CLUSTER,
        text=name,
        session=session,
        level=session.level,
        activity_title=activity.title,
        participants=len(people),
        author_key="",
        snapshot={
            "name": name,
            "notes": [n.text for n in notes],
            "dots": sum(_dot_total(canvas, n.key) for n in notes),
        },
        activity_order=activity.order,
    )


def _canvas_outputs(canvas: Canvas, notes: list[CanvasNote]) -> list[Output]:
    """Clusters first (they gather the notes below them), then notes in board order."""
    givers = _dot_givers(canvas)
    by_cluster: dict[str, list[CanvasNote]] = defaultdict(list)
    for note in notes:
        if note.cluster:
            by_cluster[note.cluster].append(note)
    outputs = [
        _cluster_output(canvas, cluster_id, by_cluster.get(cluster_id, []), givers)
        for cluster_id in (canvas.clusters or {})
    ]
    outputs += [_note_output(note, canvas, givers) for note in notes]
    return outputs


def _poll_participants(poll: Poll, ballots: int) -> int:
    if poll.method == "open":
        # An open question takes no ballots: its people are those whose answers were
        # published.
        authors = {
            _submission_key(s)
            for s in poll.submissions.all()
            if s.status == SubmissionStatus.APPROVED
        }
        return len(authors - {""})
    return ballots


def _poll_output(poll: Poll, ballots: int) -> Output:
    from voting.live import current_counts, result_data  # pulls in the tallies: load late

    activity = poll.activity
    session = activity.session
    result = result_data(poll)
    labels = {o.key: o.label for o in poll.options.all()}
    return Output(
        ref=f"poll:{poll.pk}",
        kind=SourceKind.POLL,
        text=poll.title,
        session=session,
        level=session.level,
        activity_title=activity.title,
        participants=_poll_participants(poll, ballots),
        author_key="",
        snapshot={
            "title": poll.title,
            "method": poll.method,
            "options": [{"key": o.key, "label": o.label} for o in poll.options.all()],
            "result": result,
            # The winners by their labels, so a page can show them without the options.
            "winner_labels": [labels.get(k, k) for k in result.get("winners") or []],
            "ballots": ballots,
            # Per-option figures of every method (first preferences, averages, agree /
            # disagree…), so documents can chart any poll, not only those whose steps
            # carry one number per option.
            "counts": current_counts(poll),
        },
        activity_order=activity.order,
    )


def _submission_key(submission: PollSubmission) -> str:
    if submission.participant_id:
        return f"p:{submission.participant_id}"
    if submission.author_id:
        return f"u:{submission.author_id}"
    return ""


def _submission_output(submission: PollSubmission) -> Output:
    activity = submission.poll.activity
    session = activity.session
    kind = SourceKind.STATEMENT if submission.kind == "statement" else SourceKind.ANSWER
    return Output(
        ref=f"{kind}:{submission.pk}",
        kind=kind,
        text=submission.text,
        session=session,
        level=session.level,
        activity_title=activity.title,
        participants=1,
        author_key=_submission_key(submission),
        snapshot={"text": submission.text},
        activity_order=activity.order,
    )


def _question_output(question: Question) -> Output:
    activity = question.activity
    session = activity.session
    author = f"p:{question.participant_id}" if question.participant_id else ""
    people = {v.voter for v in question.votes.all()} | ({author} if author else set())
    return Output(
        ref=f"question:{question.pk}",
        kind=SourceKind.QUESTION,
        text=question.text,
        session=session,
        level=session.level,
        activity_title=activity.title,
        participants=len(people),
        author_key=author,
        snapshot={"text": question.text, "upvotes": question.upvotes},
        activity_order=activity.order,
    )


def _ballot_counts(poll_ids: Iterable[int]) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for poll_id in Ballot.objects.filter(poll_id__in=list(poll_ids), superseded=False).values_list(
        "poll_id", flat=True
    ):
        counts[poll_id] += 1
    return counts


_SESSION_RELATED = ("session__level", "session__stage")


def _notes_query():
    return CanvasNote.objects.filter(deleted=False).order_by("created_seq", "pk")


def _polls_query():
    return Poll.objects.select_related(
        "activity", *(f"activity__{r}" for r in _SESSION_RELATED)
    ).prefetch_related(
        "options",
        Prefetch("submissions", queryset=PollSubmission.objects.order_by("created", "pk")),
    )


def _submissions_query():
    return PollSubmission.objects.filter(status=SubmissionStatus.APPROVED).select_related(
        "poll", "poll__activity", *(f"poll__activity__{r}" for r in _SESSION_RELATED)
    )


def _questions_query():
    return (
        Question.objects.filter(status__in=QUESTION_PUBLISHED)
        .select_related("activity", *(f"activity__{r}" for r in _SESSION_RELATED))
        .prefetch_related(Prefetch("votes", queryset=QuestionVote.objects.order_by("pk")))
    )


def _sort_key(output: Output, sessions: dict[int, int], position: int) -> tuple[int, int, int]:
    return (sessions.get(output.session.pk, 0), output.activity_order, position)


# --- public API -------------------------------------------------------------------------


def process_sessions(process: Process) -> list[LiveSession]:
    """The process's sessions in the order of its stages, oldest first within a stage."""
    return list(
        LiveSession.objects.filter(stage__process=process)
        .select_related("level", "stage")
        .order_by("stage__order", "created", "pk")
    )


def outputs_of_process(process: Process) -> list[Output]:
    """Every output of every session of ``process``, in session and agenda order."""
    sessions = {s.pk: i for i, s in enumerate(process_sessions(process))}
    outputs: list[Output] = []

    canvases = list(
        Canvas.objects.filter(activity__session__stage__process=process).select_related(
            "activity", *(f"activity__{r}" for r in _SESSION_RELATED)
        )
    )
    notes_by_canvas: dict[int, list[CanvasNote]] = defaultdict(list)
    for note in _notes_query().filter(canvas__in=canvases):
        notes_by_canvas[note.canvas_id].append(note)
    for canvas in canvases:
        outputs += _canvas_outputs(canvas, notes_by_canvas.get(canvas.pk, []))

    polls = list(
        _polls_query().filter(activity__session__stage__process=process, status__in=POLL_FINISHED)
    )
    ballots = _ballot_counts(p.pk for p in polls)
    outputs += [_poll_output(poll, ballots.get(poll.pk, 0)) for poll in polls]

    outputs += [
        _submission_output(s)
        for s in _submissions_query()
        .filter(poll__activity__session__stage__process=process)
        .order_by("created", "pk")
    ]
    outputs += [
        _question_output(q)
        for q in _questions_query()
        .filter(activity__session__stage__process=process)
        .order_by("created", "pk")
    ]
    # A stable sort on (session, activity) keeps each query's own order inside an activity.
    positioned = list(enumerate(outputs))
    positioned.sort(key=lambda pair: _sort_key(pair[1], sessions, pair[0]))
    return [output for _, output in positioned]


def _parse(ref: str) -> tuple[str, list[int | str]]:
    if not isinstance(ref, str) or ":" not in ref:
        raise OutputNotFound(str(ref), "malformed reference")
    kind, _, rest = ref.partition(":")
    if kind not in SourceKind.values:
        raise OutputNotFound(ref, "unknown kind")
    parts = rest.split(":")
    expected = 2 if kind == SourceKind.CLUSTER else 1
    if len(parts) != expected or not parts[0].isdigit() or not all(parts):
        raise OutputNotFound(ref, "malformed reference")
    values: list[int | str] = [int(parts[0]), *parts[1:]]
    return kind, values


def _find(ref: str, process: Process | None) -> Output:
    """The output ``ref`` names, in ``process`` (``None``: in any process)."""
    kind, values = _parse(ref)
    pk = values[0]

    def within(prefix: str) -> dict[str, Any]:
        return {f"{prefix}session__stage__process": process} if process is not None else {}

    if kind == SourceKind.NOTE:
        note = (
            _notes_query()
            .filter(pk=pk, **within("canvas__activity__"))
            .select_related("canvas", "canvas__activity", "canvas__activity__session__level")
            .first()
        )
        if note is None:
            raise OutputNotFound(ref)
        return _note_output(note, note.canvas, _dot_givers(note.canvas))
    if kind == SourceKind.CLUSTER:
        canvas = (
            Canvas.objects.filter(pk=pk, **within("activity__"))
            .select_related("activity", *(f"activity__{r}" for r in _SESSION_RELATED))
            .first()
        )
        cluster_id = str(values[1])
        if canvas is None or cluster_id not in (canvas.clusters or {}):
            raise OutputNotFound(ref)
        notes = list(_notes_query().filter(canvas=canvas, cluster=cluster_id))
        return _cluster_output(canvas, cluster_id, notes, _dot_givers(canvas))
    if kind == SourceKind.POLL:
        poll = (
            _polls_query()
            .filter(pk=pk, status__in=POLL_FINISHED, activity__isnull=False, **within("activity__"))
            .first()
        )
        if poll is None:
            raise OutputNotFound(ref)
        return _poll_output(poll, _ballot_counts([poll.pk]).get(poll.pk, 0))
    if kind in (SourceKind.STATEMENT, SourceKind.ANSWER):
        submission = (
            _submissions_query()
            .filter(pk=pk, kind=kind, poll__activity__isnull=False, **within("poll__activity__"))
            .first()
        )
        if submission is None:
            raise OutputNotFound(ref)
        return _submission_output(submission)
    question = _questions_query().filter(pk=pk, **within("activity__")).first()
    if question is None:
        raise OutputNotFound(ref)
    return _question_output(question)


def output_by_ref(process: Process, ref: str) -> Output:
    """The output ``ref`` names among ``process``'s sessions; :class:`OutputNotFound` if
    it is malformed, names nothing published, or belongs to another process."""
    return _find(ref, process)


def process_of_ref(ref: str) -> Process | None:
    """The process an existing output belongs to, whatever process that is (``None`` if
    the ref names no output). Lets a caller tell "not there" from "not yours"."""
    try:
        output = _find(ref, None)
    except OutputNotFound:
        return None
    return output.session.stage.process


def contributions_by_author(keys: Iterable[str]) -> list[Output]:
    """The published notes, questions, statements and answers written by any of
    ``keys`` (``p:<participant id>`` / ``u:<user id>``), oldest session first."""
    keys = {k for k in keys if isinstance(k, str) and k}
    participant_ids = [int(k[2:]) for k in keys if k.startswith("p:") and k[2:].isdigit()]
    user_ids = [int(k[2:]) for k in keys if k.startswith("u:") and k[2:].isdigit()]
    if not participant_ids and not user_ids:
        return []
    outputs: list[Output] = []

    notes = list(
        _notes_query()
        .filter(author__in=keys)
        .select_related(
            "canvas", "canvas__activity", *(f"canvas__activity__{r}" for r in _SESSION_RELATED)
        )
    )
    givers_by_canvas: dict[int, dict[str, set[str]]] = {}
    for note in notes:
        if note.canvas_id not in givers_by_canvas:
            givers_by_canvas[note.canvas_id] = _dot_givers(note.canvas)
        outputs.append(_note_output(note, note.canvas, givers_by_canvas[note.canvas_id]))

    outputs += [
        _question_output(q)
        for q in _questions_query().filter(participant_id__in=participant_ids).order_by("created")
    ]
    outputs += [
        _submission_output(s)
        for s in _submissions_query()
        .filter(poll__activity__isnull=False)
        .filter(Q(participant_id__in=participant_ids) | Q(author_id__in=user_ids))
        .order_by("created", "pk")
    ]
    positioned = list(enumerate(outputs))
    positioned.sort(
        key=lambda pair: (
            pair[1].session.created,
            pair[1].session.pk,
            pair[1].activity_order,
            pair[0],
        )
    )
    return [output for _, output in positioned]
