"""Web security (issue 10, docs/reliability.md): `kefu check --deploy` clean in production,
HTTPS settings, security headers and a Content-Security-Policy the pages live under, CSRF on
every form, and the sign-in lockout in Chinese."""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

import kefu
from kefu.org.roles import Role
from tests import factories
from tests.customers import factories as customer_factories
from tests.tickets import factories as ticket_factories

ROOT = Path(kefu.__file__).parent


def _production_env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEFU_", "DJANGO_"))}
    env |= {
        "KEFU_VAR_DIR": str(tmp_path),
        "KEFU_DEBUG": "0",
        "KEFU_TESTING": "0",
        "KEFU_SECRET_KEY": secrets.token_urlsafe(50),
        "KEFU_ALLOWED_HOSTS": "kefu.example.com",
        "KEFU_HTTPS": "1",
        **extra,
    }
    return env


def _kefu(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "kefu.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    done = _kefu(_production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout
    assert "WARNINGS" not in done.stdout + done.stderr


def test_check_deploy_names_what_is_missing_without_https(tmp_path):
    env = _production_env(tmp_path, KEFU_HTTPS="0")
    done = _kefu(env, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode != 0
    report = done.stdout + done.stderr
    for check_id in ("security.W004", "security.W008", "security.W012", "kefu.W001"):
        assert check_id in report, report


def test_production_settings_turn_on_https_cookies_hsts_and_two_factor(tmp_path):
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, s.TWO_FACTOR_REQUIRED]))"
    )
    env = _production_env(tmp_path, DJANGO_SETTINGS_MODULE="kefu.settings")
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        True,
        True,
        True,
        31536000,
        ["HTTP_X_FORWARDED_PROTO", "https"],
        True,
    ]
    # `make run`: the local demo on 127.0.0.1 stays on plain HTTP, without two-factor.
    local = {k: v for k, v in env.items() if k not in {"KEFU_HTTPS", "KEFU_ALLOWED_HOSTS"}}
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=local, capture_output=True, text=True, timeout=60
    )
    assert json.loads(done.stdout) == [False, False, False, 0, None, False]


SERVE = """
import django, sys
django.setup()
from django.conf import settings
from waitress import serve
from kefu.wsgi import application
serve(application, host="127.0.0.1", port=int(sys.argv[1]), _quiet=True, **settings.WAITRESS_PROXY)
"""


def test_waitress_behind_a_tls_proxy_redirects_plain_http_and_answers_https(tmp_path):
    """Kefu's web server in production settings: waitress drops X-Forwarded-Proto from
    untrusted peers, so without WAITRESS_PROXY every page would redirect to itself."""
    import http.client
    import socket
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", SERVE, str(port)],
        env=_production_env(tmp_path, DJANGO_SETTINGS_MODULE="kefu.settings"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def get(path, **headers):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", path, headers={"Host": "kefu.example.com", **headers})
        response = connection.getresponse()
        response.read()
        connection.close()
        return response

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                plain = get("/accounts/login/")
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.2)
        assert plain.status == 301
        assert plain.getheader("Location") == "https://kefu.example.com/accounts/login/"
        secure = get("/accounts/login/", **{"X-Forwarded-Proto": "https"})
        assert secure.status == 200
        assert "max-age=31536000" in secure.getheader("Strict-Transport-Security")
        assert "Secure" in secure.getheader("Set-Cookie")  # the CSRF cookie
        assert "nonce-" in secure.getheader("Content-Security-Policy")
    finally:
        server.terminate()
        server.wait(timeout=15)


@pytest.mark.django_db
def test_kefu_serve_hands_the_proxy_setting_to_waitress(monkeypatch, settings):
    import waitress
    from django.core.management import call_command

    settings.WAITRESS_PROXY = {"trusted_proxy": "10.0.0.5", "trusted_proxy_headers": {"x"}}
    seen = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **kwargs: seen.update(kwargs))
    monkeypatch.setattr("kefu.core.management.commands.serve.call_command", lambda *a, **k: None)
    monkeypatch.setattr("kefu.core.webpool.settle", lambda: None)  # no gc.freeze of the tests
    call_command("serve", "--no-worker", stdout=io.StringIO())
    assert seen["trusted_proxy"] == "10.0.0.5"
    assert seen["trusted_proxy_headers"] == {"x"}


@pytest.mark.django_db
def test_behind_https_it_redirects_plain_http_and_sends_hsts_and_secure_cookies(settings, client):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    plain = client.get("/accounts/login/")
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")
    secure = {"HTTP_X_FORWARDED_PROTO": "https"}
    page = client.get("/accounts/login/", **secure)
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    member = factories.user(Role.AGENT, password="a-long-pass-phrase")
    signed_in = client.post(
        "/accounts/login/",
        {"username": member.username, "password": "a-long-pass-phrase"},
        **secure,
    )
    assert signed_in.status_code == 302
    session = signed_in.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"
    assert client.cookies[settings.CSRF_COOKIE_NAME]["secure"]


@pytest.mark.django_db
def test_every_page_sends_a_strict_content_security_policy_and_the_nonce_matches(web):
    page = web(Role.CS_SUPERVISOR).get("/tickets/new/")
    csp = page["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    nonce = re.search(r"'nonce-([^']+)'", directives["script-src"]).group(1)
    assert directives["script-src"] == f"'self' 'nonce-{nonce}'"
    assert "unsafe" not in directives["script-src"] and "unsafe-eval" not in csp
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    html = page.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert len(inline) == 2  # the top bar's and the phone lookup's
    assert all(f'nonce="{nonce}"' in attrs for attrs in inline)
    # A fresh nonce on every response.
    again = web(Role.AGENT).get("/")
    assert nonce not in again["Content-Security-Policy"]
    assert again["X-Frame-Options"] == "DENY"
    assert again["X-Content-Type-Options"] == "nosniff"
    assert again["Referrer-Policy"] == "same-origin"
    assert "camera=()" in again["Permissions-Policy"]
    api = web(Role.AGENT).get("/api/v1/me")
    assert "Content-Security-Policy" in api


def _templates() -> list[Path]:
    return sorted(p for p in ROOT.glob("**/templates/**/*.html") if p.is_file())


def test_templates_run_no_script_the_content_security_policy_would_block():
    """Inline scripts carry the nonce; no inline handlers (onclick=) or javascript: links."""
    templates = _templates()
    assert len(templates) > 50
    problems = []
    for path in templates:
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "nonce=" not in tag and "application/json" not in tag:
                problems.append(f"{path}: {tag}")
        problems += [f"{path}: {m}" for m in re.findall(r"\son[a-z]+\s*=\s*[\"']", text)]
        problems += [f"{path}: javascript:" for _ in re.findall(r"javascript:", text)]
        problems += [f"{path}: {m}" for m in re.findall(r"hx-on[:\w-]*=|hx-vals=[\"']js:", text)]
    assert not problems, "\n".join(problems)


def test_every_post_form_of_every_template_carries_a_csrf_token():
    forms = 0
    missing = []
    templates = _templates()
    for path in templates:
        text = path.read_text()
        for match in re.finditer(r"<form\b([^>]*)>(.*?)</form>", text, flags=re.S | re.I):
            attrs, body = match.groups()
            if not re.search(r"method=[\"']?post", attrs, flags=re.I):
                continue
            forms += 1
            if "{% csrf_token %}" not in body:
                missing.append(f"{path.relative_to(ROOT)}: <form{attrs}>")
    assert forms > 80
    assert not missing, "\n".join(missing)


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []  # {"method", "action", "csrf"}
        self.hx_posts = 0
        self.body_headers = ""
        self._form: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action")}
            self._form["csrf"] = False
            self.forms.append(self._form)
        elif tag == "input" and self._form is not None:
            if a.get("name") == "csrfmiddlewaretoken" and a.get("value"):
                self._form["csrf"] = True
        elif tag == "body":
            self.body_headers = a.get("hx-headers") or ""
        if any(k in a for k in ("hx-post", "hx-put", "hx-patch", "hx-delete")):
            self.hx_posts += 1

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


SKIP = ("/api/", "/admin/", "/accounts/logout/", "/static/", "/i18n/")


@pytest.mark.django_db
def test_every_rendered_page_puts_a_csrf_token_in_each_post_form(web):
    """Walks the site as one person holding every role, following every link from home,
    and looks at every form a page renders (docs/reliability.md, Web security)."""
    department = factories.department(name="客户服务部")
    member = factories.user(*Role, department=department, full_name="全能")
    customer = customer_factories.customer(department=department, name="走查客户")
    ticket_factories.ticket(actor=member, customer=customer)
    client = web(user=member)
    seen: set[str] = set()
    seen_routes = {":"}
    queue = ["/"]
    pages = post_forms = 0
    problems = []
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        assert "Content-Security-Policy" in response, path
        parsed = _Page()
        parsed.feed(response.content.decode())
        for form in parsed.forms:
            if form["method"] == "post":
                post_forms += 1
                if not form["csrf"]:
                    problems.append(f"{path}: form action={form['action']!r}")
        if parsed.hx_posts and "X-CSRFToken" not in parsed.body_headers:
            problems.append(f"{path}: htmx posts without the X-CSRFToken header")
        for href in parsed.links:
            target = urlsplit(urljoin(path, href))
            if target.netloc or not target.path.startswith("/") or target.path.startswith(SKIP):
                continue
            if target.path.endswith((".xlsx", ".csv", "/export/", ".pdf")):
                continue
            # One visit per page kind (URL pattern): another customer's page adds nothing.
            try:
                match = resolve(target.path)
            except Resolver404:
                continue
            route = f"{match.namespace}:{match.route}"
            if route not in seen_routes:
                seen_routes.add(route)
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    print(f"crawl: {pages} pages of {len(seen_routes)} kinds, {post_forms} POST forms")
    assert pages >= 60, pages
    assert post_forms >= 40, post_forms
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_a_post_without_the_csrf_token_is_refused(settings):
    member = factories.user(Role.AGENT, password="a-long-pass-phrase")
    strict = Client(enforce_csrf_checks=True)
    refused = strict.post(
        "/accounts/login/", {"username": member.username, "password": "a-long-pass-phrase"}
    )
    assert refused.status_code == 403
    strict.force_login(member)
    assert strict.post("/settings/tokens/", {"name": "x"}).status_code == 403
    # The API through a web session needs the token on writes too; a bearer token does not.
    assert (
        strict.post("/api/v1/tokens", {"name": "x"}, content_type="application/json").status_code
        == 403
    )


@pytest.mark.django_db
def test_it_locks_the_account_after_repeated_failures_and_says_so_in_chinese(settings):
    member = factories.user(Role.AGENT, password="a-long-pass-phrase")
    client = Client()
    for attempt in range(1, settings.AXES_FAILURE_LIMIT + 1):
        wrong = client.post("/accounts/login/", {"username": member.username, "password": "x"})
        assert wrong.status_code == (429 if attempt == settings.AXES_FAILURE_LIMIT else 200)
    locked = client.post(
        "/accounts/login/", {"username": member.username, "password": "a-long-pass-phrase"}
    )
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "账号已锁定" in html and "15" in html
    assert "_auth_user_id" not in client.session
    # Another address does not help: the lock is on the login name (a call centre's agents
    # share one outgoing address, see settings.AXES_LOCKOUT_PARAMETERS).
    elsewhere = Client(REMOTE_ADDR="10.9.8.7").post(
        "/accounts/login/", {"username": member.username, "password": "a-long-pass-phrase"}
    )
    assert elsewhere.status_code == 429
    # Another person on the same floor still signs in.
    colleague = factories.user(Role.AGENT, password="a-long-pass-phrase")
    other = client.post(
        "/accounts/login/", {"username": colleague.username, "password": "a-long-pass-phrase"}
    )
    assert other.status_code == 302
