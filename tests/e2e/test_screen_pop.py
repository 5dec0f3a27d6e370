"""R-CC-3 in a browser: a PBX posts newCall, the agent's open desk shows the caller at once."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request

from tests.e2e.conftest import _env, sign_in

SHELL = """
import json
from kefu.callcenter.services import cti_settings
from kefu.customers.selectors import customers_visible
from kefu.org.models import User
agent = User.objects.get(username="agent")
c = customers_visible(agent).exclude(phone="").order_by("pk").first()
print(json.dumps({"token": cti_settings().token, "phone": c.phone if c else "13900001234",
                  "name": c.name if c else None}))
"""


def kefu_shell(live, code: str) -> str:
    # LiveServer.kefu passes port 0, which the settings refuse; use the server's own port.
    port = int(live.url.rsplit(":", 1)[1])
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "kefu.cli", "shell", "-c", code],
        env=_env(live.var_dir, port),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout


def post_event(live, token: str, body: str) -> dict:
    request = urllib.request.Request(  # noqa: S310 - the loopback test server
        f"{live.url}/api/v1/cti/{token}", data=body.encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


def test_a_posted_newcall_pops_the_callers_card_on_the_agents_desk_rcc3(page, live):
    facts = json.loads(kefu_shell(live, SHELL).strip().splitlines()[-1])
    sign_in(page, live, "agent")
    page.goto(live.url + "/callcenter/desk/")
    page.locator("[data-state=idle]").wait_for()
    body = f"event=newCall&callId=e2e-1&from={facts['phone']}&to=4008001234&direction=in&user=agent"
    assert post_event(live, facts["token"], body) == {}
    pop = page.locator(".cc-pop")
    pop.wait_for(timeout=3000)
    number = pop.locator(".cc-number").inner_text()
    assert number.startswith(facts["phone"][:3]) and "****" in number  # R-SEC-1
    if facts["name"]:
        assert facts["name"] in pop.inner_text()
    else:
        assert pop.locator("a[href^='/customers/new/']").count() == 1
    post_event(live, facts["token"], "event=hangup&callId=e2e-1&cause=cancel")
    page.locator("[data-state=idle]").wait_for(timeout=3000)
