"""API tokens: bearer authentication, stored hashed, expiring and revocable."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from kefu.org.models import ApiToken
from kefu.org.roles import Role
from kefu.org.services import token_create, token_revoke
from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_it_authenticates_with_a_bearer_token_and_stores_only_its_hash():
    member = factories.user(Role.AGENT)
    token, key = token_create(actor=member, user=member, name="PBX")
    assert key not in {token.key_hash, token.prefix}
    assert not ApiToken.objects.filter(key_hash=key).exists()
    me = ApiClient(token=key).get("me")
    assert me.status_code == 200
    assert me.json()["username"] == member.username
    assert me.json()["roles"] == ["agent"]


def test_it_refuses_a_revoked_token():
    member = factories.user(Role.AGENT)
    token, key = token_create(actor=member, user=member)
    token_revoke(actor=member, token=token)
    assert ApiClient(token=key).get("me").status_code == 401


def test_it_refuses_an_expired_token():
    member = factories.user(Role.AGENT)
    past = timezone.now() - dt.timedelta(days=10)
    _token, key = token_create(actor=member, user=member, days=1, now=past)
    assert ApiClient(token=key).get("me").status_code == 401


def test_it_refuses_the_token_of_a_deactivated_user():
    member = factories.user(Role.AGENT)
    _token, key = token_create(actor=member, user=member)
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert ApiClient(token=key).get("me").status_code == 401


def test_it_lets_a_user_issue_list_and_revoke_their_own_tokens(api):
    client = api(Role.AGENT)
    created = client.post("tokens", {"name": "脚本", "days": 30})
    assert created.status_code == 201
    key = created.json()["key"]
    assert ApiClient(token=key).get("me").status_code == 200
    listed = client.get("tokens").json()
    assert {t["name"] for t in listed} >= {"脚本"}
    assert client.delete(f"tokens/{created.json()['id']}").status_code == 204
    assert ApiClient(token=key).get("me").status_code == 401
    assert client.delete(f"tokens/{created.json()['id']}").status_code == 409


def test_it_refuses_revoking_someone_elses_token_with_404(api):
    other = factories.user(Role.AGENT)
    token, _key = token_create(actor=other, user=other)
    assert api(Role.AGENT).delete(f"tokens/{token.pk}").status_code == 404


def test_it_answers_health_without_authentication(anonymous_api):
    body = anonymous_api.get("health").json()
    assert body["status"] == "ok"
    assert body["database"] in {"sqlite", "postgresql"}


def test_it_serves_the_openapi_schema_and_the_docs_page(anonymous_api):
    schema = anonymous_api.get("openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/org/staff" in schema.json()["paths"]
    docs = anonymous_api.get("docs")
    assert docs.status_code == 200
    links = re.findall(r'(?:src|href)="([^"]+)"', docs.content.decode())
    assert links and all(link.startswith("/static/") for link in links)
