"""Reads of the reasoned response: every contribution of a process with what became of
it, and a person's own contributions found by their participant keys.

Rows are :class:`Contribution` values that carry no author key or name by construction,
so a page built from them cannot leak who wrote what; only :func:`own_contributions`
uses author keys, to select the caller's own."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from cocrea.accounts.models import User
from cocrea.policy.models import (
    Commitment,
    ContributionResponse,
    DraftItem,
    DraftVersion,
    PlanVersion,
    ResponseStatus,
    SourceKind,
)
from cocrea.policy.services.responses import CONTRIBUTION_KINDS
from cocrea.policy.sources import (
    Output,
    OutputNotFound,
    contributions_by_author,
    output_by_ref,
    outputs_of_process,
)
from cocrea.toolkit.models import Level
from sessions.cookies import CookieError, cookie_name, participant_from_cookie
from sessions.models import LiveSession, Participant, Process

STATUS_ORDER = (
    ResponseStatus.INCORPORATED,
    ResponseStatus.MERGED,
    ResponseStatus.NOT_INCORPORATED,
    ResponseStatus.PENDING,
)

# Where the published documents live. Other parts of the policy app own these pages: the
# first name that resolves wins, and a missing page just means no link (never an error).
DRAFT_VERSION_URLS = (
    ("policy:draft_version", ("slug", "number")),
    ("policy:draft_public", ("slug",)),
)
ACCOUNTABILITY_URLS = (("policy:plan_accountability", ("slug", "pk")),)


@dataclass(frozen=True)
class Contribution:
    """One contribution and its response. Deliberately without the author."""

    ref: str
    kind: str
    text: str
    session: LiveSession | None
    level: Level | None
    activity_title: str
    participants: int
    status: str
    item: DraftItem | None = None
    item_url: str = ""
    commitment: Commitment | None = None
    commitment_url: str = ""
    merged_into: str = ""
    merged_into_text: str = ""
    reason: str = ""
    # False when the contribution is no longer among the session's public outputs
    # (a note deleted, a question unpublished after it was answered).
    current: bool = True
    process: Process | None = None

    @property
    def kind_label(self) -> str:
        return str(SourceKind(self.kind).label) if self.kind in SourceKind.values else self.kind

    @property
    def status_label(self) -> str:
        return str(ResponseStatus(self.status).label)

    @property
    def item_id(self) -> str:
        return str(self.item.pk) if self.item else ""

    @property
    def commitment_id(self) -> str:
        return str(self.commitment.pk) if self.commitment else ""

    @property
    def anchor(self) -> str:
        """An HTML id for the contribution (refs contain colons)."""
        return "c-" + self.ref.replace(":", "-")


@dataclass
class ActivityGroup:
    title: str
    contributions: list[Contribution] = field(default_factory=list)


@dataclass
class SessionGroup:
    session: LiveSession | None
    level: Level | None
    activities: list[ActivityGroup] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Summary:
    total: int
    counts: dict[str, int]

    @property
    def incorporated(self) -> int:
        return self.counts.get(ResponseStatus.INCORPORATED, 0)

    @property
    def merged(self) -> int:
        return self.counts.get(ResponseStatus.MERGED, 0)

    @property
    def not_incorporated(self) -> int:
        return self.counts.get(ResponseStatus.NOT_INCORPORATED, 0)

    @property
    def pending(self) -> int:
        return self.counts.get(ResponseStatus.PENDING, 0)


@dataclass
class ProcessResponses:
    contributions: list[Contribution]
    sessions: list[SessionGroup]
    summary: Summary


# --- links -------------------------------------------------------------------------------


def _first_url(candidates: tuple[tuple[str, tuple[str, ...]], ...], values: dict[str, Any]) -> str:
    for name, params in candidates:
        try:
            return reverse(name, kwargs={p: values[p] for p in params})
        except NoReverseMatch:
            continue
    return ""


def _mentions(snapshot: Any, collection: str, pk: int) -> bool:
    """Whether a published snapshot contains the object: any dict with that ``id`` in a
    list under ``collection`` (``items``, ``commitments``), at any depth, since the
    snapshot formats belong to the drafts and plans code."""
    if isinstance(snapshot, dict):
        for key, value in snapshot.items():
            if key == collection and isinstance(value, list):
                if any(isinstance(e, dict) and e.get("id") == pk for e in value):
                    return True
            if _mentions(value, collection, pk):
                return True
    elif isinstance(snapshot, list):
        return any(_mentions(e, collection, pk) for e in snapshot)
    return False


class _Links:
    """Public links of items and commitments: only to what a published version holds,
    so a link never lands on a page that does not show the item or commitment."""

    def __init__(self) -> None:
        self._drafts: dict[int, list[DraftVersion]] = {}
        self._plans: dict[int, PlanVersion | None] = {}

    def item_url(self, item: DraftItem | None) -> str:
        if item is None:
            return ""
        draft = item.draft
        if draft.pk not in self._drafts:
            self._drafts[draft.pk] = list(
                DraftVersion.objects.filter(draft=draft).order_by("-number")
            )
        for version in self._drafts[draft.pk]:
            if _mentions(version.snapshot, "items", item.pk):
                url = _first_url(
                    DRAFT_VERSION_URLS, {"slug": draft.process.slug, "number": version.number}
                )
                # The version page marks each item with this id (ask drafts if it moves).
                return f"{url}#item-{item.pk}" if url else ""
        return ""

    def commitment_url(self, commitment: Commitment | None) -> str:
        if commitment is None:
            return ""
        plan = commitment.plan
        if plan.pk not in self._plans:
            # The accountability page shows the latest published version.
            self._plans[plan.pk] = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
        latest = self._plans[plan.pk]
        if latest is None or not _mentions(latest.snapshot, "commitments", commitment.pk):
            return ""
        url = _first_url(ACCOUNTABILITY_URLS, {"slug": plan.process.slug, "pk": plan.pk})
        # The accountability page marks each commitment with id="commitment-<number>".
        return f"{url}#commitment-{commitment.number}" if url else ""


def _responses(queryset: Any) -> Any:
    return queryset.select_related(
        "session__level",
        "session__stage__process",
        "item__draft__process",
        "commitment__plan__process",
    )


def _contribution(
    output: Output | None,
    response: ContributionResponse | None,
    links: _Links,
    texts: dict[str, str],
    process: Process | None,
) -> Contribution:
    status = response.status if response else ResponseStatus.PENDING
    base: dict[str, Any]
    if output is not None:
        base = {
            "ref": output.ref,
            "kind": output.kind,
            "text": output.text,
            "session": output.session,
            "level": output.level,
            "activity_title": output.activity_title,
            "participants": output.participants,
            "current": True,
        }
    else:
        assert response is not None
        base = {
            "ref": response.ref,
            "kind": response.kind,
            "text": response.text,
            "session": response.session,
            "level": response.session.level if response.session else None,
            "activity_title": "",
            "participants": 0,
            "current": False,
        }
    if response is None or status == ResponseStatus.PENDING:
        return Contribution(status=ResponseStatus.PENDING, process=process, **base)
    return Contribution(
        status=status,
        item=response.item,
        item_url=links.item_url(response.item),
        commitment=response.commitment,
        commitment_url=links.commitment_url(response.commitment),
        merged_into=response.merged_into,
        merged_into_text=texts.get(response.merged_into, ""),
        reason=response.reason,
        process=process,
        **base,
    )


def _group(contributions: list[Contribution]) -> list[SessionGroup]:
    groups: dict[int | None, SessionGroup] = {}
    activities: dict[tuple[int | None, str], ActivityGroup] = {}
    for c in contributions:
        key = c.session.pk if c.session else None
        group = groups.get(key)
        if group is None:
            group = groups[key] = SessionGroup(
                session=c.session, level=c.level, counts={s: 0 for s in STATUS_ORDER}
            )
        group.counts[c.status] += 1
        activity = activities.get((key, c.activity_title))
        if activity is None:
            activity = activities[(key, c.activity_title)] = ActivityGroup(c.activity_title)
            group.activities.append(activity)
        activity.contributions.append(c)
    return list(groups.values())


def _summary(contributions: Iterable[Contribution]) -> Summary:
    counts = Counter(c.status for c in contributions)
    ordered = {s: counts.get(s, 0) for s in STATUS_ORDER}
    return Summary(total=sum(ordered.values()), counts=ordered)


# --- public API --------------------------------------------------------------------------


def responses_of_process(process: Process, *, include_withdrawn: bool = False) -> ProcessResponses:
    """Every contribution of ``process`` (notes, clusters, statements, questions, open
    answers) with its response; a contribution without a response row is pending.

    ``include_withdrawn`` adds responses whose contribution is no longer public (for the
    team, who answered them): the public page leaves them out, since their author or a
    moderator took them down."""
    outputs = [o for o in outputs_of_process(process) if o.kind in CONTRIBUTION_KINDS]
    responses = {r.ref: r for r in _responses(ContributionResponse.objects.filter(process=process))}
    texts = {o.ref: o.text for o in outputs}
    if include_withdrawn:
        for r in responses.values():
            texts.setdefault(r.ref, r.text)
    links = _Links()
    contributions = [_contribution(o, responses.get(o.ref), links, texts, process) for o in outputs]
    if include_withdrawn:
        seen = {o.ref for o in outputs}
        contributions += [
            _contribution(None, r, links, texts, process)
            for ref, r in sorted(responses.items())
            if ref not in seen
        ]
    return ProcessResponses(
        contributions=contributions,
        sessions=_group(contributions),
        summary=_summary(contributions),
    )


def contribution_refs(process: Process) -> list[tuple[str, str]]:
    """(ref, text) of every contribution of ``process``: the choices of "merged into"."""
    return [(o.ref, o.text) for o in outputs_of_process(process) if o.kind in CONTRIBUTION_KINDS]


def response_targets(process: Process) -> tuple[list[DraftItem], list[Commitment]]:
    """The draft items and commitments of ``process`` a contribution can be
    incorporated into."""
    items = list(
        DraftItem.objects.filter(draft__process=process, removed=False).select_related(
            "lineamiento"
        )
    )
    commitments = list(
        Commitment.objects.filter(plan__process=process)
        .select_related("plan")
        .order_by("plan__created", "number")
    )
    return items, commitments


@dataclass
class OwnProcess:
    process: Process
    contributions: list[Contribution]


def own_contributions(keys: Iterable[str]) -> list[OwnProcess]:
    """The contributions written under any of ``keys`` (``p:<participant id>``,
    ``u:<user id>``), with their responses, grouped by process. Includes responses to
    contributions that are no longer public: the author may always see what became of
    their own input."""
    keys = sorted({k for k in keys if k})
    if not keys:
        return []
    outputs = [o for o in contributions_by_author(keys) if o.kind in CONTRIBUTION_KINDS]
    refs = [o.ref for o in outputs]
    rows = list(
        _responses(
            ContributionResponse.objects.filter(Q(ref__in=refs) | Q(participant_key__in=keys))
        ).select_related("process")
    )
    by_key = {(r.process_id, r.ref): r for r in rows}
    processes: dict[int, Process] = {r.process_id: r.process for r in rows}
    missing = {o.session.stage.process_id for o in outputs} - set(processes)
    processes |= {p.pk: p for p in Process.objects.filter(pk__in=missing)}
    texts = _merged_texts(rows, processes)
    links = _Links()
    grouped: dict[int, list[Contribution]] = defaultdict(list)
    seen: set[tuple[int, str]] = set()
    for o in outputs:
        process_id = o.session.stage.process_id
        seen.add((process_id, o.ref))
        grouped[process_id].append(
            _contribution(o, by_key.get((process_id, o.ref)), links, texts, processes[process_id])
        )
    for r in rows:
        # Only the author's own: a response matched by ref alone belongs to an output
        # listed above.
        if (r.process_id, r.ref) not in seen and r.participant_key in keys:
            grouped[r.process_id].append(_contribution(None, r, links, texts, r.process))
    return [OwnProcess(processes[pid], grouped[pid]) for pid in grouped]


def _merged_texts(
    rows: list[ContributionResponse], processes: dict[int, Process]
) -> dict[str, str]:
    """The text of each contribution another one was merged into (one read per target:
    a person has few contributions)."""
    texts: dict[str, str] = {}
    stored = {
        (r.process_id, r.ref): r.text
        for r in ContributionResponse.objects.filter(
            ref__in=[r.merged_into for r in rows if r.merged_into]
        )
    }
    for r in rows:
        if not r.merged_into or r.merged_into in texts:
            continue
        try:
            texts[r.merged_into] = output_by_ref(processes[r.process_id], r.merged_into).text
        except OutputNotFound:
            texts[r.merged_into] = stored.get((r.process_id, r.merged_into), "")
    return texts


# --- who is asking ------------------------------------------------------------------------

COOKIE_PREFIX = cookie_name("")
# A browser sends what it has; reading a bounded number keeps a stuffed Cookie header
# from turning one page view into many database reads.
MAX_COOKIES = 40

# The participant cookie lasts hours, but responses come weeks later. A visitor may ask
# this browser to remember which participants are theirs: a signed list of participant
# ids, nothing else, set only on that explicit request (views/responses.py).
REMEMBER_COOKIE = "cocrea_mis_aportes"
REMEMBER_SALT = "cocrea.policy.my_contributions"
REMEMBER_MAX_AGE = 365 * 24 * 3600
REMEMBER_MAX_IDS = 200


@dataclass(frozen=True)
class VisitorKeys:
    """Who the visitor proves to be, by source."""

    from_cookies: frozenset[str] = frozenset()  # valid participant cookies now
    remembered: frozenset[str] = frozenset()  # this browser's remembered participants
    account: frozenset[str] = frozenset()  # u:<id> and the account's participants

    @property
    def all(self) -> set[str]:
        return set(self.from_cookies | self.remembered | self.account)

    @property
    def not_remembered(self) -> frozenset[str]:
        """Participant cookies this browser could still remember."""
        return self.from_cookies - self.remembered


def _cookie_keys(cookies: Mapping[str, str]) -> set[str]:
    keys: set[str] = set()
    named = [(n, v) for n, v in cookies.items() if n.startswith(COOKIE_PREFIX) and v]
    for name, value in named[:MAX_COOKIES]:
        code = name[len(COOKIE_PREFIX) :]
        # A code is reused once its session ends, so several sessions may have had it:
        # the signed cookie names exactly one, and only that one accepts it.
        for session_id in LiveSession.objects.filter(code=code).values_list("pk", flat=True):
            try:
                participant = participant_from_cookie(value, session_id=session_id)
            except CookieError:
                continue
            keys.add(f"p:{participant.pk}")
            break
    return keys


def remembered_ids(value: str | None) -> list[int]:
    """The participant ids a remember cookie names (none if forged or expired)."""
    if not value:
        return []
    try:
        data = signing.loads(value, salt=REMEMBER_SALT, max_age=REMEMBER_MAX_AGE)
    except signing.BadSignature:
        return []
    ids = data.get("p") if isinstance(data, dict) else None
    if not isinstance(ids, list):
        return []
    return [i for i in ids if isinstance(i, int)][:REMEMBER_MAX_IDS]


def remember_value(keys: Iterable[str]) -> str:
    """The remember cookie's value for participant keys (``p:<id>``; others ignored)."""
    ids = sorted({int(k[2:]) for k in keys if k.startswith("p:") and k[2:].isdigit()})
    return signing.dumps({"p": ids[-REMEMBER_MAX_IDS:]}, salt=REMEMBER_SALT)


def visitor_keys(
    cookies: Mapping[str, str], user: User | AnonymousUser | None = None
) -> VisitorKeys:
    """The participant keys the visitor proves: one ``p:<id>`` per valid participant
    cookie (signature, session and token checked by ``participant_from_cookie``; a
    forged, expired or removed one adds nothing), the participants this browser was
    asked to remember (still not removed), and ``u:<id>`` plus the participants joined
    under the account when signed in."""
    remembered: set[str] = set()
    ids = remembered_ids(cookies.get(REMEMBER_COOKIE))
    if ids:
        remembered = {
            f"p:{pk}"
            for pk in Participant.objects.filter(pk__in=ids, removed_at__isnull=True).values_list(
                "pk", flat=True
            )
        }
    account: set[str] = set()
    if user is not None and user.is_authenticated:
        account.add(f"u:{user.pk}")
        account |= {
            f"p:{pk}"
            for pk in Participant.objects.filter(user=user, removed_at__isnull=True).values_list(
                "pk", flat=True
            )
        }
    return VisitorKeys(
        from_cookies=frozenset(_cookie_keys(cookies)),
        remembered=frozenset(remembered),
        account=frozenset(account),
    )


def participant_keys(
    cookies: Mapping[str, str], user: User | AnonymousUser | None = None
) -> set[str]:
    """Every key of :func:`visitor_keys`, whatever its source."""
    return visitor_keys(cookies, user).all
