"""The XSS corpus (tests/security/payloads.py) through every user-text field, rendered
in real Chromium: nothing executes, and the text is shown as text.

One ``manage.py shell`` run writes the payloads into the server's own database
through services and the ORM (fast, and no form in the way): the process, session,
slide (Markdown) and activity titles, participants' display names, Q&A questions,
canvas notes, a poll's title and options, open answers, a lineamiento draft's item
and comments, an action plan's commitment (every OGP text field), milestone and
progress update, reasoned responses and their reasons, and a self-assessment's
evidence notes and links. Then every page where that text appears is opened, by the
person who can see it, with a ``window.__xss`` tripwire installed before any page
script and a dialog handler: neither may fire, and the page must show the payloads'
own characters (``__xss``) as text."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.test_voting_e2e import manage_shell
from tests.security.payloads import PAYLOADS, SHORT, TRIPWIRE, URLS

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

SETUP = """
import json
from django.test import Client
from canvases.models import Canvas
from cocrea.accounts.models import Entity, EntityKind, Role, User
from cocrea.accounts.services import membership_grant
from cocrea.assessment import questionnaire
from cocrea.assessment.models import Answer, Assessment
from cocrea.assessment.services import assessment_score
from cocrea.policy.models import (
    ActionPlan, Commitment, ContributionResponse, Draft, DraftItem, ItemComment,
    ItemOrigin, Milestone, PlanStatus, PlanVersion, ProgressUpdate, ReviewStatus,
)
from cocrea.policy.services.plans import plan_snapshot
from cocrea.toolkit.models import Level, Lineamiento, Pillar
from sessions import live
from sessions.cookies import cookie_name, sign_participant
from sessions.models import Question, QuestionStatus
from sessions.services import StageInput, process_create
from voting import moderation
from voting import services as voting
from voting.models import Poll

P = json.loads(PAYLOADS)
SHORT = json.loads(SHORTS)
URLS = json.loads(LINKS)
ALL = " ".join(P)
entity = Entity.objects.create(
    name="Alcaldía XSS " + SHORT[1], slug="alcaldia-xss", kind=EntityKind.ALCALDIA,
    department="76",
)
facilitator = User.objects.create_user(
    email="fac-xss@example.org", password="x-pass-123456", full_name=SHORT[2]
)
official = User.objects.create_user(
    email="fun-xss@example.org", password="x-pass-123456", full_name=SHORT[3]
)
membership_grant(user=facilitator, entity=entity, role=Role.FACILITATOR)
membership_grant(user=official, entity=entity, role=Role.OFFICIAL)
process = process_create(
    entity=entity, title="Proceso " + SHORT[0], description=ALL,
    primary_pillar=Pillar.objects.get(code="participacion"),
    lineamientos=list(Lineamiento.objects.all()),
    stages=[StageInput(name=SHORT[4], level=Level.objects.get(code="colaborar"))],
    created_by=facilitator,
)
process.status = "active"
process.save(update_fields=["status"])
session = live.session_create(stage=process.stages.get(), title=SHORT[5], created_by=facilitator)
slide = live.activity_add(session=session, kind="slide", title=SHORT[6], body=ALL)
qa = live.activity_add(session=session, kind="qa", title=SHORT[7])
board = live.activity_add(session=session, kind="canvas", title=SHORT[8])
poll_activity = live.activity_add(
    session=session, kind="poll", title=SHORT[9], created_by=facilitator,
    poll_spec={"method": "single", "title": P[10],
               "options": [{"key": f"o{i}", "label": p} for i, p in enumerate(SHORT[:8])]},
)
open_activity = live.activity_add(
    session=session, kind="poll", title=SHORT[10 % len(SHORT)], created_by=facilitator,
    poll_spec={"method": "open", "title": P[11], "options": [],
               "results_visibility": "live"},
)
actor = live.Actor(role="facilitator", key=f"u:{facilitator.pk}", user_id=facilitator.pk)
ops = iter(range(1, 10000))
def command(kind, **data):
    return live.session_command(
        session_id=session.pk, actor=actor, type=kind, data=data, op_id=f"x{next(ops)}"
    )[0]
command("session.start")
people = [live.participant_join(session=session, display_name=name, consent=True)
          for name in SHORT]
ana = people[0]
questions = [Question.objects.create(activity=qa, participant=ana, text=p,
                                     status=QuestionStatus.APPROVED) for p in P]
for i, p in enumerate(P):
    command("canvas.op", activity_id=board.pk,
            op={"op": "create", "id": f"n{i}", "text": p, "x": 60 + 40 * i, "y": 80})
poll = Poll.objects.get(activity=poll_activity)
open_poll = Poll.objects.get(activity=open_activity)
voting.poll_open(poll=poll)
voting.poll_open(poll=open_poll)
for person, p in zip(people, P):
    made = moderation.submission_create(poll=open_poll, text=p, participant_id=person.pk)
    moderation.submission_moderate(poll=open_poll, submission_id=made.pk, decision="approve")
for each in (poll, open_poll):
    voting.poll_close(poll=each)
    voting.poll_publish(poll=Poll.objects.get(pk=each.pk))
command("activity.goto", activity_id=qa.pk)

lineamiento = Lineamiento.objects.first()
draft = Draft.objects.create(process=process, title=P[12][:200])
item = DraftItem.objects.create(
    draft=draft, lineamiento=lineamiento, title=P[13][:200], text=ALL,
    origin=ItemOrigin.WRITTEN, status=ReviewStatus.APPROVED, order=1,
)
for p in P:
    ItemComment.objects.create(item=item, author=official, text=p)
plan = ActionPlan.objects.create(process=process, title=P[14][:200], status=PlanStatus.PUBLISHED)
texts = {name: ALL for name in (
    "problem", "baseline", "objective", "expected_results", "how_it_helps",
    "relevance_transparency", "relevance_participation", "relevance_accountability",
    "relevance_innovation")}
commitment = Commitment.objects.create(
    plan=plan, number=1, title=P[15][:200], lead_agency=P[1], budget=P[3],
    development_plan=P[4], **texts,
)
commitment.items.set([item])
Milestone.objects.create(commitment=commitment, deliverable=P[5], responsible=P[6], order=1)
for p in P:
    ProgressUpdate.objects.create(commitment=commitment, text=p, completion="limited",
                                  author=official)
PlanVersion.objects.create(plan=plan, number=1, snapshot=plan_snapshot(plan))
plan.next_version = 2
plan.save(update_fields=["next_version"])
for question, p in zip(questions, P):
    ContributionResponse.objects.create(
        process=process, session=session, kind="question", ref=f"question:{question.pk}",
        participant_key=f"p:{ana.pk}", text=p, status="not_incorporated", reason=p,
    )
assessments = []
for scored in (True, False):
    assessment = Assessment.objects.create(entity=entity, questionnaire=questionnaire.VERSION)
    for index, question in enumerate(questionnaire.QUESTIONS):
        Answer.objects.create(
            assessment=assessment, question=question.code, level=1,
            evidence_url=URLS[index % len(URLS)], evidence_note=P[index % len(P)],
        )
    if scored:
        assessment_score(assessment=assessment, actor=official)
    assessments.append(assessment.pk)

def session_cookie(user):
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value

print(json.dumps({
    "code": session.code, "slug": process.slug, "poll": poll.pk, "open_poll": open_poll.pk,
    "item": item.pk, "plan": plan.pk, "entity": entity.slug, "assessments": assessments,
    "facilitator": session_cookie(facilitator), "official": session_cookie(official),
    "participant": [cookie_name(session.code), sign_participant(ana)],
}))
"""


@pytest.fixture(scope="module")
def world(site) -> dict[str, Any]:
    script = (
        f"PAYLOADS = {json.dumps(json.dumps(PAYLOADS))}\n"
        f"SHORTS = {json.dumps(json.dumps(SHORT))}\n"
        f"LINKS = {json.dumps(json.dumps(URLS))}\n" + SETUP
    )
    return json.loads(manage_shell(site, script))


def pages(world: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(name, path, who): who is anonymous, participant, facilitator or official."""
    code, slug, plan = world["code"], world["slug"], world["plan"]
    return [
        ("participant", f"/s/{code}/", "participant"),
        ("console", f"/facilitar/{code}/", "facilitator"),
        ("projector", f"/s/{code}/proyector/", "facilitator"),
        ("process", f"/procesos/{slug}/", "anonymous"),
        ("results", f"/votaciones/{world['poll']}/", "anonymous"),
        ("open answers", f"/votaciones/{world['open_poll']}/", "anonymous"),
        ("draft", f"/procesos/{slug}/lineamientos/", "official"),
        ("draft item", f"/procesos/{slug}/lineamientos/items/{world['item']}/", "official"),
        ("plan editor", f"/procesos/{slug}/planes/{plan}/", "official"),
        ("plan published", f"/procesos/{slug}/planes/{plan}/publicado/", "anonymous"),
        (
            "accountability",
            f"/procesos/{slug}/planes/{plan}/rendicion-de-cuentas/",
            "anonymous",
        ),
        ("responses", f"/procesos/{slug}/respuestas/", "anonymous"),
        ("my contributions", "/mis-aportes/", "participant"),
        (
            "assessment results",
            f"/entidades/{world['entity']}/autodiagnostico/{world['assessments'][0]}/",
            "official",
        ),
        (
            "assessment form",
            f"/entidades/{world['entity']}/autodiagnostico/{world['assessments'][1]}/",
            "official",
        ),
    ]


PAGE_NAMES = [
    "participant",
    "console",
    "projector",
    "process",
    "results",
    "open answers",
    "draft",
    "draft item",
    "plan editor",
    "plan published",
    "accountability",
    "responses",
    "my contributions",
    "assessment results",
    "assessment form",
]

# Every URL a click or a load would follow: none may run script.
LINKS_JS = """() => [...document.querySelectorAll(
    'a[href], area[href], iframe[src], form[action], embed[src], object[data], base[href]'
)].map(el => el.href || el.src || el.action || el.data || '')
 .filter(url => /^\\s*(javascript|data|vbscript):/i.test(url))"""


@contextmanager
def open_as(browser: Browser, site, world: dict[str, Any], who: str) -> Iterator[Page]:
    context = browser.new_context(base_url=site.url, locale="es-CO")
    context.add_init_script(TRIPWIRE)
    host = "127.0.0.1"
    if who in ("facilitator", "official"):
        context.add_cookies(
            [{"name": "sessionid", "value": world[who], "domain": host, "path": "/"}]
        )
    if who == "participant":
        name, value = world["participant"]
        context.add_cookies([{"name": name, "value": value, "domain": host, "path": "/"}])
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_no_payload_executes(browser: Browser, site, world: dict[str, Any], name: str) -> None:
    _name, path, who = next(p for p in pages(world) if p[0] == name)
    dialogs: list[str] = []
    errors: list[str] = []
    with open_as(browser, site, world, who) as page:
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: errors.append(str(error)))
        response = page.goto(path, wait_until="load")
        assert response is not None and response.status == 200, (path, response and response.status)
        # Live pages draw from the WebSocket's snapshot: let it arrive and render.
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        # Focus and hover everything once: handlers such as onfocus/onmouseover
        # would fire only then.
        page.evaluate(
            "() => document.querySelectorAll('a, button, input, textarea, [tabindex]')"
            ".forEach(el => { try { el.focus(); el.dispatchEvent(new MouseEvent('mouseover')); }"
            " catch (e) {} })"
        )
        page.wait_for_timeout(100)
        fired = page.evaluate("() => window.__xssFired")
        scripted_links = page.evaluate(LINKS_JS)
        text = page.evaluate("() => document.body.innerText")
        assert fired == [], f"{name}: payloads {fired} executed"
        assert dialogs == [], f"{name}: dialogs {dialogs}"
        assert scripted_links == [], f"{name}: links that run script: {scripted_links}"
        # Form fields hold their text as values, not as page text.
        shown = text + " ".join(
            page.evaluate(
                "() => [...document.querySelectorAll('input, textarea')].map(e => e.value)"
            )
        )
        assert "__xss" in shown, f"{name}: no payload shown as text"
        assert not [e for e in errors if "__xss" in e], errors
