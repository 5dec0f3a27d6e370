from __future__ import annotations

import pytest
from django.test import Client

from kefu.org.roles import Role
from kefu.org.services import token_create
from tests import factories


class ApiClient:
    """Calls /api/v1 as a user with a real bearer token, the way an integration would."""

    def __init__(self, user=None, token: str | None = None):
        self.client = Client()
        self.headers = {}
        if user is not None and token is None:
            _t, token = token_create(actor=user, user=user, name="test")
        if token is not None:
            self.headers["Authorization"] = f"Bearer {token}"
        self.user = user

    def _call(self, method: str, path: str, data=None, **params):
        url = path if path.startswith("/") else f"/api/v1/{path}"
        fn = getattr(self.client, method)
        if method in {"post", "put", "patch"}:
            return fn(url, data=data or {}, content_type="application/json", headers=self.headers)
        return fn(url, data=params or None, headers=self.headers)

    def get(self, path, **params):
        return self._call("get", path, **params)

    def post(self, path, data=None):
        return self._call("post", path, data)

    def put(self, path, data=None):
        return self._call("put", path, data)

    def patch(self, path, data=None):
        return self._call("patch", path, data)

    def delete(self, path):
        return self._call("delete", path)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: what one test's pages cached (scorecards, sign-in
    lookups) is keyed by ids another test's rolled-back database can reuse."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    """``api(Role.AGENT)`` gives an API client signed in as a new user with that role."""

    def make(*roles: Role | str, department=None, user=None) -> ApiClient:
        if user is None:
            user = factories.user(*roles, department=department)
        return ApiClient(user)

    return make


@pytest.fixture
def anonymous_api() -> ApiClient:
    return ApiClient()


@pytest.fixture
def web():
    """``web(Role.AGENT)`` gives a page client logged in as a new user with that role."""

    def make(*roles: Role | str, department=None, user=None) -> Client:
        if user is None:
            user = factories.user(*roles, department=department)
        client = Client()
        client.force_login(user)
        client.user = user
        return client

    return make


@pytest.fixture
def sysadmin():
    return factories.user(Role.SYSADMIN, username="admin1")
