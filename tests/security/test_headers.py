"""Security headers: the Content-Security-Policy (django-csp 4, cocrea/csp.py), the
headers Django's SecurityMiddleware sends, and production's HTTPS settings.

`manage.py check --deploy --fail-level WARNING` with production variables is
tests/test_settings_env.py::test_check_deploy_passes_with_production_variables; the
SVG canvas export's own, stricter policy is checked in tests/canvases/test_exports.py.
The browser test at the end loads the JavaScript pages in Chromium and fails on any
CSP violation."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from cocrea.csp import ContentSecurityPolicyMiddleware
from tests.test_settings_env import production, run

ROOT = Path(__file__).resolve().parents[2]


def directives(header: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


# --- the policy ----------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_send_the_content_security_policy():
    response = Client().get("/")
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy == {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'", "ws://testserver"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }


@pytest.mark.django_db
def test_no_page_allows_inline_or_eval_scripts():
    for path in ("/", "/s/", "/cuenta/ingresar/", "/api/docs/", "/no-existe/"):
        header = Client().get(path)["Content-Security-Policy"]
        assert "unsafe-inline" not in header, path
        assert "unsafe-eval" not in header, path


@pytest.mark.django_db
def test_over_https_the_socket_origin_is_wss():
    response = Client().get("/", secure=True)
    policy = directives(response["Content-Security-Policy"])
    assert policy["connect-src"] == ["'self'", "wss://testserver"]


def test_a_policy_the_view_set_itself_is_kept():
    """The SVG export answers with its own header; the middleware must not replace it."""
    own = "default-src 'none'; style-src 'unsafe-inline'"

    def view(request):
        response = HttpResponse("<svg/>", content_type="image/svg+xml")
        response["Content-Security-Policy"] = own
        return response

    middleware = ContentSecurityPolicyMiddleware(view)
    response = middleware(RequestFactory().get("/"))
    assert response["Content-Security-Policy"] == own


@pytest.mark.django_db
def test_security_headers_are_sent():
    response = Client().get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


# --- production: HTTPS, HSTS, secure cookies -------------------------------------------

PRODUCTION_PROBE = """
import json
from django.conf import settings
from django.test import Client, override_settings
# Headers are the point here, not static files: a clean checkout has no collected
# manifest, so the page's {% static %} links use the plain storage.
storages = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
client = Client(SERVER_NAME="cocrea.example.org")
with override_settings(STORAGES=storages):
    plain = client.get("/cuenta/ingresar/")
    secure = client.get("/cuenta/ingresar/", secure=True)
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location"),
    "status": secure.status_code,
    "hsts": secure.get("Strict-Transport-Security"),
    "csp": secure.get("Content-Security-Policy"),
    "csrf_cookie_secure": bool(secure.cookies["csrftoken"]["secure"]),
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "session_cookie_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "healthz": client.get("/healthz").status_code,
}))
"""


def test_production_redirects_to_https_with_hsts_and_secure_cookies(tmp_path):
    result = run(
        ["-c", "import django; django.setup()\n" + PRODUCTION_PROBE],
        tmp_path,
        **production(SECURE_HTTPS="1", DATABASE_URL=f"sqlite:///{tmp_path / 'p.sqlite3'}"),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["plain_status"] == 301
    assert found["plain_location"] == "https://cocrea.example.org/cuenta/ingresar/"
    assert found["status"] == 200
    assert found["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert "wss://cocrea.example.org" in found["csp"]
    assert found["csrf_cookie_secure"] is True
    assert found["session_cookie_secure"] is True
    assert found["session_cookie_httponly"] is True
    # The health check is exempt from the redirect: probes speak plain HTTP inside.
    assert found["healthz"] != 301


@pytest.mark.parametrize("value", ["-1", "many"])
def test_a_bad_connection_limit_stops_start_up(tmp_path, value):
    result = run(
        ["manage.py", "check"], tmp_path, **production(WS_MAX_CONNECTIONS_PER_ADDRESS=value)
    )
    assert result.returncode != 0
    assert "WS_MAX_CONNECTIONS_PER_ADDRESS" in result.stderr


# --- in a real browser ---------------------------------------------------------------

# Chromium reports every refused script, style, image or socket on the console and as
# a securitypolicyviolation event; both are collected.
COLLECT_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture(scope="module")
def chromium() -> Iterator:
    import os

    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM_ARGS

    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        # A page fulfilled by page.route() counts as a public page for Chromium's
        # local-network checks, which would refuse its socket to 127.0.0.1.
        args = [*CHROMIUM_ARGS, "--disable-features=LocalNetworkAccessChecks"]
        browser = playwright.chromium.launch(executable_path=executable, args=args, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def demo_site(daphne_server):
    subprocess.run(
        [sys.executable, "manage.py", "load_demo"],
        cwd=ROOT,
        env=daphne_server.env,
        check=True,
        timeout=120,
        capture_output=True,
    )
    return daphne_server


@contextmanager
def watched_page(browser, site, problems: list[str]):
    context = browser.new_context(base_url=site.url, locale="es-CO")
    context.set_default_timeout(10_000)
    context.add_init_script(COLLECT_VIOLATIONS)
    page = context.new_page()

    def on_console(message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    try:
        yield page
    finally:
        context.close()


def violations(page) -> list[str]:
    return [f"{page.url}: {v}" for v in page.evaluate("window.__csp || []")]


@pytest.mark.e2e
@pytest.mark.timeout(180)
def test_no_page_breaks_the_policy_in_chromium(chromium, demo_site):
    """Every kind of page that runs JavaScript, with the policy on: no violation, and
    the live pages' WebSockets open and bring their snapshot."""
    from playwright.sync_api import expect

    from cocrea.demo import DEMO_PASSWORD, FACILITATOR_EMAIL, PROCESS_SLUG

    problems: list[str] = []
    with (
        watched_page(chromium, demo_site, problems) as staff,
        watched_page(chromium, demo_site, problems) as citizen,
    ):
        for path in ("/", "/s/", "/cuenta/ingresar/", "/api/docs/", f"/procesos/{PROCESS_SLUG}/"):
            citizen.goto(path)
            citizen.wait_for_load_state("networkidle")
            problems += violations(citizen)
        expect(citizen.locator("#swagger-ui, body").first).to_be_visible()

        staff.goto("/cuenta/ingresar/")
        staff.get_by_label("Correo electrónico").fill(FACILITATOR_EMAIL)
        staff.get_by_label("Contraseña").fill(DEMO_PASSWORD)
        staff.get_by_role("button", name="Ingresar", exact=True).click()
        staff.wait_for_url(re.compile(r"^(?!.*/cuenta/ingresar/)"))
        staff.goto(f"/procesos/{PROCESS_SLUG}/")
        stage = staff.locator("#ns-stage option", has_text="(Colaborar)").get_attribute("value")
        staff.get_by_label("Etapa", exact=True).select_option(stage)
        staff.get_by_role("button", name="Abrir sesión").click()
        expect(staff).to_have_url(re.compile(r"/facilitar/[A-Z0-9]{6}/$"))
        code = staff.locator("#join-code").inner_text().strip()
        # The console is live once its snapshot set the input state.
        expect(staff.locator("#input-state")).not_to_have_text("")
        problems += violations(staff)

        staff.goto(f"/s/{code}/proyector/")
        expect(staff.locator("#projector-code")).to_have_text(code)
        qr = staff.get_by_role("img", name=re.compile(code))
        expect(qr).to_be_visible()
        assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
        staff.wait_for_load_state("networkidle")
        problems += violations(staff)

        citizen.goto(f"/s/{code}/")
        citizen.get_by_label("Nombre visible").fill("Ana")
        citizen.get_by_label(re.compile(r"^He leído el aviso")).check()
        citizen.get_by_role("button", name="Unirme a la sesión").click()
        expect(citizen.get_by_text("Participa como Ana")).to_be_visible()
        expect(citizen.locator("#live-notice")).to_contain_text("todavía no ha empezado")
        problems += violations(citizen)
        # The projector counted the participant: its socket is live too.
        expect(staff.locator("#presence-count")).to_have_text("1")
        problems += violations(staff)

    assert problems == []


@pytest.mark.e2e
@pytest.mark.parametrize(("connect_src", "outcome"), [("'self'", 4404), ("'none'", "blocked")])
def test_chromium_lets_connect_src_self_open_a_same_origin_websocket(
    chromium, daphne_server, connect_src, outcome
):
    """The claim behind connect-src: with 'self' alone (no ws:// source), Chromium still
    opens a WebSocket to the page's own host (and 'none' really blocks it, so the probe
    can tell). cocrea/csp.py names the ws origin anyway, for older Safari."""
    context = chromium.new_context(base_url=daphne_server.url)
    page = context.new_page()
    socket_url = daphne_server.url.replace("http://", "ws://") + "/ws/sessions/ZZZZZZ/"
    html = f"""<!doctype html><title>t</title><script>
      window.__closed = new Promise((resolve) => {{
        document.addEventListener("securitypolicyviolation", () => resolve("blocked"));
        try {{
          const ws = new WebSocket({json.dumps(socket_url)});
          ws.addEventListener("close", (e) => resolve(e.code));
        }} catch (e) {{
          resolve("blocked");
        }}
      }});
    </script>"""
    # The page is served by the test at the server's own origin, with only this policy.
    page.route(
        "**/probe",
        lambda route: route.fulfill(
            status=200,
            body=html,
            headers={
                "Content-Type": "text/html",
                "Content-Security-Policy": f"default-src 'self'; connect-src {connect_src}; "
                "script-src 'unsafe-inline'",
            },
        ),
    )
    try:
        page.goto("/probe")
        # 4404: the server accepted the socket and answered "no such code".
        assert page.evaluate("window.__closed") == outcome
    finally:
        context.close()
