"""Browser tests: a real `kefu serve` on a free loopback port, driven by Playwright in Chromium.

The server runs in its own process on its own SQLite file, exactly as `make run`
starts it, so these tests see what a user sees.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@dataclass
class LiveServer:
    url: str
    var_dir: Path
    process: subprocess.Popen

    def kefu(self, *args: str) -> str:
        return subprocess.run(  # noqa: S603
            [sys.executable, "-m", "kefu.cli", *args],
            env=_env(self.var_dir, 0),
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout

    def get_json(self, path: str) -> dict:
        with urllib.request.urlopen(self.url + path, timeout=10) as response:  # noqa: S310
            return json.loads(response.read())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(var_dir: Path, port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEFU_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update({"KEFU_VAR_DIR": str(var_dir), "KEFU_TESTING": "0"})
    if port:
        env["KEFU_PORT"] = str(port)
    return env


def start_server(var_dir: Path, *, worker: bool) -> LiveServer:
    port = _free_port()
    env = _env(var_dir, port)
    for args in (["migrate", "--noinput"], ["demo", "--if-empty"]):
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "kefu.cli", *args], env=env, check=True, capture_output=True
        )
    command = [sys.executable, "-m", "kefu.cli", "serve", *([] if worker else ["--no-worker"])]
    log = (var_dir / "serve.log").open("w")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/api/v1/health", timeout=2)  # noqa: S310
            break
        except OSError:
            if process.poll() is not None:
                raise RuntimeError((var_dir / "serve.log").read_text()) from None
            time.sleep(0.2)
    else:
        process.kill()
        raise RuntimeError("kefu serve did not answer within 60 s")
    return LiveServer(url=url, var_dir=var_dir, process=process)


def stop_server(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="session")
def live(tmp_path_factory) -> Iterator[LiveServer]:
    server = start_server(tmp_path_factory.mktemp("kefu-var"), worker=False)
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser suite needs Debian's chromium")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 860})
    page = context.new_page()
    yield page
    shots = Path(os.environ.get("KEFU_SCREENSHOTS", "var/screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"{request.node.name}.png"), full_page=True)
    context.close()


def sign_in(page, live: LiveServer, username: str, password: str = "kefu-demo-2026") -> None:
    page.goto(live.url + "/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_load_state("networkidle")


def nav_go(page, href: str) -> None:
    """Follow a link of the top bar, opening its menu first when it sits in one."""
    link = page.locator(f"nav.mainnav a[href='{href}']")
    if not link.is_visible():
        link.locator("xpath=ancestor::details[1]/summary").click()
    link.click()
    page.wait_for_load_state("networkidle")
