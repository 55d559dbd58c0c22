"""WCAG 2.1 AA with axe-core in real Chromium: every kind of page, in Spanish and English.

Resolución 1519 de 2020 (Colombia) asks public-sector sites for WCAG 2.1 AA. Each page is
loaded once per language and scanned with axe-core's ``wcag2a``, ``wcag2aa``, ``wcag21a``
and ``wcag21aa`` rules; any violation fails the test, reported per page with its rule id
and the selectors of the offending elements.

axe-core is vendored and pinned: ``tests/e2e/vendor/axe.min.js`` is axe-core **4.10.3**
(npm ``axe-core@4.10.3``, ``package/axe.min.js``, MPL-2.0 header kept; sha256
880970c081707360e64f34cea25ff91892f5bc95675b0776925b9709dd8a68bb). It is injected with
``page.add_script_tag(path=...)``, which inlines it; so that a Content-Security-Policy
without ``unsafe-inline`` cannot block the auditor, the browser contexts of this module
are made with ``bypass_csp=True`` (the CSP itself is tested elsewhere).

The data (a live session with a slide, Q&A, a canvas and two polls; an entity poll
voted with codes; a draft with an approved item; a published plan; a scored
self-assessment) is made once in the server's database through ``manage.py shell``
with the services, then every page is visited by one browser.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from cocrea.demo import DEMO_PASSWORD, FACILITATOR_EMAIL, OFFICIAL_EMAIL, PROCESS_SLUG
from tests.e2e.test_live_session import (
    ROOT,
    demo,  # noqa: F401  (loads the demo data)
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_VERSION = "4.10.3"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Results axe leaves "to review" that are failures here all the same: an id referenced
# by ARIA used twice, a name on an element whose role cannot be named (del, ins, div…).
STRICT_INCOMPLETE = {"duplicate-id-aria", "duplicate-id-active", "aria-prohibited-attr"}
TIMEOUT_MS = 10_000
LANGUAGES = ("es", "en")

WORLD = r"""
import json
from django.contrib.auth import get_user_model
from cocrea.accounts.models import Entity
from cocrea.assessment import questionnaire, services as assessment
from cocrea.demo import ENTITY_SLUG, FACILITATOR_EMAIL, OFFICIAL_EMAIL, PROCESS_SLUG
from cocrea.policy.models import Draft
from cocrea.policy.services import drafts, plans
from cocrea.toolkit.models import Methodology
from sessions import live
from sessions.models import Process
from voting import services as voting
from voting.models import Poll

User = get_user_model()
official = User.objects.get(email=OFFICIAL_EMAIL)
facilitator = User.objects.get(email=FACILITATOR_EMAIL)
entity = Entity.objects.get(slug=ENTITY_SLUG)
process = Process.objects.get(slug=PROCESS_SLUG)

stage = process.stages.get(level__code="colaborar")
session = live.session_create(stage=stage, title="Taller accesible", created_by=facilitator)
activities = {
    "slide": live.activity_add(
        session=session, kind="slide", title="Bienvenida",
        body="Hoy **co-creamos** propuestas.\n\n- Escuchar\n- Proponer",
    ),
    "qa": live.activity_add(session=session, kind="qa", title="Preguntas"),
    "canvas": live.activity_add(
        session=session, kind="canvas", title="Árbol de problemas del barrio",
        methodology=Methodology.objects.get(slug="arbol-de-problemas"),
    ),
    "ranked": live.activity_add(
        session=session, kind="poll", title="Prioridad del barrio",
        poll_spec={"method": "irv", "options": [
            {"key": "parque", "label": "Parque"}, {"key": "biblioteca", "label": "Biblioteca"},
            {"key": "huerta", "label": "Huerta"}],
            "results_visibility": "live"},
    ),
    "budget": live.activity_add(
        session=session, kind="poll", title="Presupuesto del barrio",
        poll_spec={"method": "budget", "options": [
            {"key": "luz", "label": "Luminarias", "cost": 400},
            {"key": "cancha", "label": "Cancha", "cost": 700},
            {"key": "arbol", "label": "Árboles", "cost": 200}],
            "settings": {"budget": 1000}},
    ),
}
boss = live.Actor(role="facilitator", key=f"u:{facilitator.pk}", user_id=facilitator.pk)
ops = iter(range(1000))
def run(type, **data):
    return live.session_command(
        session_id=session.pk, actor=boss, type=type, data=data, op_id=f"a11y-{next(ops)}"
    )[0]
run("session.start")
for key in ("ranked", "budget"):
    run("poll.open", activity_id=activities[key].pk)

coded = voting.poll_create(
    entity=entity, title="Consulta con códigos", method="single",
    options=[voting.OptionInput("si", "Sí"), voting.OptionInput("no", "No")],
    eligibility="codes", created_by=official,
)
voting.poll_open(poll=coded, actor=official)
codes = voting.codes_issue(poll=coded, count=2, actor=official).codes
published = Poll.objects.filter(entity=entity, status="published").latest("pk")

draft = drafts.draft_get_or_create(process, official)
item = drafts.item_write(
    draft, "gobernanza-abierta", "participacion", "Presupuesto abierto por barrio",
    "Publicar cada trimestre la inversión por barrio.", official,
)
drafts.item_set_status(item, "in_review", official)
drafts.item_set_status(item, "approved", official)
plan = plans.plan_create(process=process, title="Plan accesible 2027", actor=official)
plans.commitment_create(
    plan=plan, title="Datos abiertos del presupuesto", items=[item], actor=official,
    objective="Publicar el presupuesto por barrio.",
    relevance_transparency="Hace visible la inversión.",
)
plans.plan_publish(plan=plan, actor=official)

scored = assessment.assessment_start(entity=entity, actor=official)
assessment.answers_save(
    assessment=scored, answers={q.code: {"level": 2} for q in questionnaire.QUESTIONS},
    actor=official,
)
assessment.assessment_score(assessment=scored, actor=official)
assessment.stage_visibility_set(entity=entity, public=True, actor=official)
open_form = assessment.assessment_start(entity=entity, actor=official)

print(json.dumps({
    "code": session.code,
    "activities": {key: a.pk for key, a in activities.items()},
    "coded_poll": coded.pk, "voting_code": codes[0],
    "published_poll": published.pk,
    "item": item.pk, "plan": plan.pk,
    "entity": entity.slug, "assessment": scored.pk, "assessment_form": open_form.pk,
}))
"""


@pytest.fixture(scope="module")
def world(demo) -> dict:  # noqa: F811
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", WORLD],
        cwd=ROOT,
        env=demo.env,
        timeout=120,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


class Audit:
    """Scans pages and collects the violations of every page, to report them all."""

    def __init__(self) -> None:
        self.failures: dict[str, list[str]] = {}
        self.scanned: list[str] = []

    def scan(self, page: Page, label: str) -> None:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE))
        assert page.evaluate("axe.version") == AXE_VERSION
        # The page really is in the language the label says (cookie or switcher).
        wanted = re.match(r"\[(es|en)\]", label)
        if wanted:
            lang = page.evaluate("document.documentElement.lang")
            assert lang.startswith(wanted.group(1)), (label, lang)
        result = page.evaluate(
            """async ([tags, strict]) => {
                const r = await axe.run(document, {runOnly: {type: "tag", values: tags}});
                const bad = r.violations.concat(r.incomplete.filter(v => strict.includes(v.id)));
                return bad.map(v => ({id: v.id, impact: v.impact,
                    targets: v.nodes.slice(0, 6).map(n => n.target.join(" ") +
                        " :: " + (n.failureSummary || "").replace(/\\s+/g, " ").slice(0, 160))}));
            }""",
            [TAGS, sorted(STRICT_INCOMPLETE)],
        )
        self.scanned.append(label)
        if result:
            self.failures[label] = [
                f"{v['id']} ({v['impact']}): " + " | ".join(v["targets"]) for v in result
            ]

    def visit(self, page: Page, path: str, label: str, status: int = 200) -> None:
        response = page.goto(path)
        assert response is not None and response.status == status, (path, response)
        self.scan(page, label)

    def report(self) -> str:
        lines = []
        for label, problems in self.failures.items():
            lines.append(f"== {label}")
            lines.extend(f"   {p}" for p in problems)
        return "\n".join(lines)


@contextmanager
def person(browser: Browser, site, language: str, **options) -> Iterator[Page]:
    context: BrowserContext = browser.new_context(
        base_url=site.url, locale="es-CO", bypass_csp=True, **options
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": site.url}])
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: dialog.accept())
    try:
        yield page
        assert errors == [], errors
    finally:
        context.close()


def set_language(page: Page, site, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": site.url}])


def sign_in(page: Page, email: str) -> None:
    page.goto("/cuenta/ingresar/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("header form[action*='salir'] button")).to_be_visible()


def test_the_audit_can_fail(browser: Browser, demo) -> None:  # noqa: F811
    """The auditor is really running: a page with known violations is reported."""
    audit = Audit()
    with person(browser, demo, "es") as page:
        page.goto("/")
        page.evaluate(
            """() => {
                const main = document.querySelector("main");
                main.insertAdjacentHTML("beforeend",
                    '<img src="/static/none.png"><input type="text" id="x1">' +
                    '<p style="color:#bbb;background:#fff">gris sobre blanco</p>' +
                    '<p><del aria-label="antes">viejo</del></p>' +
                    '<span id="dup">uno</span><span id="dup">dos</span>' +
                    '<button type="button" aria-labelledby="dup"></button>');
            }"""
        )
        audit.scan(page, "home with planted faults")
    found = " ".join(audit.failures.get("home with planted faults", []))
    for rule in ("image-alt", "label", "color-contrast", "aria-prohibited-attr", "duplicate-id"):
        assert rule in found, (rule, audit.report())


def test_public_pages_have_no_wcag_violations(browser: Browser, demo, world) -> None:  # noqa: F811
    audit = Audit()
    code = world["code"]
    poll = world["published_poll"]
    with person(browser, demo, "es") as page:
        for lang in LANGUAGES:
            set_language(page, demo, lang)
            for path, name in [
                ("/", "home"),
                ("/decalogo/", "decálogo"),
                ("/metodologias/", "methodologies"),
                ("/metodologias/arbol-de-problemas/", "methodology with canvas preview"),
                ("/repositorio/", "repository"),
                ("/repositorio/?pillar=participacion&q=presupuesto", "repository filtered"),
                ("/procesos/", "processes"),
                (f"/procesos/{PROCESS_SLUG}/", "process (anonymous)"),
                (f"/procesos/{PROCESS_SLUG}/respuestas/", "responses (public)"),
                (
                    f"/procesos/{PROCESS_SLUG}/planes/{world['plan']}/rendicion-de-cuentas/",
                    "accountability",
                ),
                (f"/procesos/{PROCESS_SLUG}/planes/{world['plan']}/publicado/", "plan (published)"),
                ("/cuenta/ingresar/", "login"),
                ("/s/", "join by code"),
                (f"/s/{code}/", "join form"),
                (f"/votaciones/{poll}/", "poll results (public)"),
                (f"/votaciones/{poll}/comprobante/", "receipt check"),
                (f"/votaciones/{world['coded_poll']}/votar/", "ballot page: code form"),
                ("/mis-aportes/", "mis aportes (empty)"),
                ("/etapas/", "public stages"),
            ]:
                audit.visit(page, path, f"[{lang}] {name}")
            # The first experience of the repository, whatever it is.
            page.goto("/repositorio/")
            href = page.locator("main a[href^='/repositorio/']:not([href='/repositorio/'])")
            audit.visit(page, href.first.get_attribute("href"), f"[{lang}] experience")
            audit.visit(page, "/no-existe-esta-pagina/", f"[{lang}] 404", status=404)
            audit.visit(page, "/repositorio/?pilar=x", f"[{lang}] 400 (bad filter)", status=400)
            # Login error, join form errors.
            page.goto("/cuenta/ingresar/")
            page.locator("#id_username").fill("nadie@example.org")
            page.locator("#id_password").fill("mal")
            page.locator("main form button[type=submit]").click()
            audit.scan(page, f"[{lang}] login with error")
            page.goto("/s/")
            page.locator("#id_code").fill("ZZZZZZ")
            page.keyboard.press("Enter")
            expect(page.locator("[role=alert]").first).to_be_visible()
            audit.scan(page, f"[{lang}] join by code with error")
            # The ballot page with a code: the ballot itself.
            page.goto(f"/votaciones/{world['coded_poll']}/votar/")
            page.locator("#voting-code").fill(world["voting_code"])
            page.locator("#code-form button[type=submit]").click()
            expect(page.locator(".ballot-form")).to_be_visible()
            audit.scan(page, f"[{lang}] ballot page with code")
    assert not audit.failures, "axe-core violations:\n" + audit.report()


def test_team_pages_have_no_wcag_violations(browser: Browser, demo, world) -> None:  # noqa: F811
    audit = Audit()
    slug = PROCESS_SLUG
    entity = world["entity"]
    with person(browser, demo, "es") as page:
        sign_in(page, OFFICIAL_EMAIL)
        for lang in LANGUAGES:
            set_language(page, demo, lang)
            for path, name in [
                (f"/procesos/{slug}/", "process (team)"),
                (f"/procesos/{slug}/lineamientos/", "draft"),
                (f"/procesos/{slug}/lineamientos/construir/", "draft build"),
                (f"/procesos/{slug}/lineamientos/escribir/", "draft write"),
                (f"/procesos/{slug}/lineamientos/items/{world['item']}/", "draft item"),
                (f"/procesos/{slug}/planes/", "plans"),
                (f"/procesos/{slug}/planes/{world['plan']}/", "plan editor"),
                (f"/procesos/{slug}/respuestas/gestionar/", "responses (manage)"),
                (f"/votaciones/{world['coded_poll']}/codigos/", "codes management"),
                (f"/entidades/{entity}/autodiagnostico/", "assessments"),
                (
                    f"/entidades/{entity}/autodiagnostico/{world['assessment_form']}/",
                    "assessment form",
                ),
                (
                    f"/entidades/{entity}/autodiagnostico/{world['assessment']}/",
                    "assessment results",
                ),
                (f"/entidades/{entity}/autodiagnostico/progreso/", "assessment progress"),
            ]:
                audit.visit(page, path, f"[{lang}] {name}")
    assert not audit.failures, "axe-core violations:\n" + audit.report()


def goto_activity(console: Page, activity_id: int) -> None:
    result = console.evaluate(
        "(id) => window.__cocreaRealtime.send('activity.goto', {activity_id: id})", activity_id
    )
    assert result is not None


def test_live_pages_have_no_wcag_violations(browser: Browser, demo, world) -> None:  # noqa: F811
    audit = Audit()
    code = world["code"]
    ids = world["activities"]
    titles = {
        "slide": "Bienvenida",
        "qa": "Preguntas",
        "canvas": "Árbol de problemas del barrio",
        "ranked": "Prioridad del barrio",
        "budget": "Presupuesto del barrio",
    }
    with (
        person(browser, demo, "es") as console,
        person(browser, demo, "es") as ana,
        person(browser, demo, "en") as ben,
    ):
        sign_in(console, FACILITATOR_EMAIL)
        console.goto(f"/facilitar/{code}/")
        expect(console.locator("#input-state")).not_to_have_text("")
        projector = console.context.new_page()
        projector.goto(f"/s/{code}/proyector/")
        for citizen, name in ((ana, "Ana"), (ben, "Ben")):
            citizen.goto(f"/s/{code}/")
            citizen.locator("#id_display_name").fill(name)
            citizen.locator("#id_consent").check()
            citizen.locator("main form button[type=submit]").click()
            expect(citizen.locator("#live-connection")).to_be_hidden()
        expect(console.locator("#presence-count")).to_have_text("2")
        audit.scan(console, "[es] console (waiting)")
        audit.scan(projector, "[es] projector (waiting)")
        audit.scan(ana, "[es] participant (waiting)")
        audit.scan(ben, "[en] participant (waiting)")

        for kind in ("slide", "qa", "canvas", "ranked", "budget"):
            goto_activity(console, ids[kind])
            for citizen in (ana, ben):
                expect(citizen.locator("#activity-title")).to_have_text(titles[kind])
            expect(projector.locator("#activity-title")).to_have_text(titles[kind])
            if kind == "canvas":
                for citizen in (ana, ben):
                    expect(citizen.locator("#canvas")).to_be_visible()
            if kind in ("ranked", "budget"):
                for citizen in (ana, ben):
                    expect(citizen.locator(".ballot-form")).to_be_visible()
            audit.scan(ana, f"[es] participant: {kind}")
            audit.scan(ben, f"[en] participant: {kind}")
            audit.scan(projector, f"[es] projector: {kind}")
            audit.scan(console, f"[es] console: {kind}")
            if kind == "qa":
                ana.locator("#ask-text").fill("¿Cuándo se publica el presupuesto?")
                ana.locator("#ask-form button[type=submit]").click()
                expect(ana.locator("#qa-list > li")).to_have_count(1)
                audit.scan(ana, "[es] participant: qa with a pending question")
                audit.scan(console, "[es] console: qa with a pending question")
            if kind == "canvas":
                ana.locator("#canvas-add-toggle").click()
                ana.locator("#canvas-add-text").fill("Falta luz en el parque")
                ana.locator("#canvas-add-submit").click()
                expect(ana.locator("#canvas-add-feedback")).not_to_have_text("")
                audit.scan(ana, "[es] participant: canvas with the add form and a note")
                for citizen, lang in ((ana, "es"), (ben, "en")):
                    toggle = citizen.locator("#canvas-view-toggle, [data-canvas-view='list']")
                    if toggle.count():
                        toggle.first.click()
                        expect(citizen.locator("#canvas-sections")).to_be_visible()
                        audit.scan(citizen, f"[{lang}] participant: canvas list view")
            if kind == "ranked":
                for citizen, lang in ((ana, "es"), (ben, "en")):
                    citizen.locator(".ballot-form button[type=submit]").click()
                    expect(citizen.locator("#live-announcer")).to_contain_text(
                        re.compile("registrado|recorded")
                    )
                    audit.scan(citizen, f"[{lang}] participant: receipt")

        # Transient states: a countdown that ran out, a dropped connection.
        console.evaluate("() => window.__cocreaRealtime.send('timer.start', {seconds: 1})")
        expect(ana.locator("#live-timer")).to_contain_text("se acabó el tiempo")
        expect(ben.locator("#live-timer")).to_have_class(re.compile(r"\bis-over\b"))
        expect(projector.locator("#projector-timer")).to_have_class(re.compile(r"\bis-over\b"))
        audit.scan(ana, "[es] participant: time is up")
        audit.scan(ben, "[en] participant: time is up")
        audit.scan(projector, "[es] projector: time is up")
        audit.scan(console, "[es] console: time is up")
        ana.context.set_offline(True)
        ana.evaluate("window.__cocreaRealtime.socket && window.__cocreaRealtime.socket.close()")
        expect(ana.locator("#live-connection")).not_to_have_text("")
        audit.scan(ana, "[es] participant: reconnecting")
        ana.context.set_offline(False)
        expect(ana.locator("#live-connection")).to_have_text("")

        for citizen, lang in ((ana, "es"), (ben, "en")):
            audit.visit(citizen, "/mis-aportes/", f"[{lang}] mis aportes (with a session)")
            citizen.go_back()

        # English console and projector, on the last (budget) activity.
        set_language(console, demo, "en")
        console.reload()
        expect(console.locator("#input-state")).not_to_have_text("")
        audit.scan(console, "[en] console: budget")
        projector.reload()
        expect(projector.locator("#activity-title")).to_have_text(titles["budget"])
        audit.scan(projector, "[en] projector: budget")
        goto_activity(console, ids["ranked"])
        expect(projector.locator("#activity-title")).to_have_text(titles["ranked"])
        audit.scan(projector, "[en] projector: poll chart")
        goto_activity(console, ids["canvas"])
        expect(projector.locator("#canvas")).to_be_visible()
        audit.scan(projector, "[en] projector: canvas")
        audit.scan(console, "[en] console: canvas")
        projector.close()
        # The console's poll form, open and sent without a title: every error shown.
        console.locator("#act-kind").select_option("poll")
        console.locator("#act-poll-method").select_option("budget")
        expect(console.locator("#act-poll-fields")).to_be_visible()
        audit.scan(console, "[en] console: poll form")
        console.locator("#activity-form button[type=submit]").click()
        expect(console.locator("#act-title[aria-invalid=true]")).to_be_visible()
        audit.scan(console, "[en] console: poll form with errors")
    assert not audit.failures, "axe-core violations:\n" + audit.report()
