"""The API's input checks read in Chinese, naming the field (English on request).

django-ninja checks path, query and body with pydantic, whose messages are English ("Input
should be a valid integer", "Field required"). Users of a Chinese service department read
them in Chinese, the field first as Kefu's other 400s ("year：应为整数。"); an integration that
sends ``Accept-Language: en`` reads English. The problem body keeps its shape.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from kefu.api import api
from kefu.core.input_errors import WORDED, field_error
from kefu.org.roles import Role
from kefu.tickets.models import Ticket
from tests.callcenter.factories import cti_link
from tests.customers import factories as customer_factories
from tests.tickets import factories as ticket_factories

pytestmark = pytest.mark.django_db

PROBLEM_KEYS = {"type", "title", "status", "detail", "errors"}


def _send(client, method: str, path: str, body=None, language: str | None = None, **params):
    """``client`` (an ApiClient) calls ``path``; ``body`` is sent as it is when a str."""
    headers = dict(client.headers)
    if language:
        headers["Accept-Language"] = language
    url = f"/api/v1/{path}"
    if method == "get":
        return client.client.get(url, data=params or None, headers=headers)
    data = body if isinstance(body, str) else json.dumps(body or {})
    return getattr(client.client, method)(
        url, data=data, content_type="application/json", headers=headers
    )


def _refusal(response, status: int = 400) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) == PROBLEM_KEYS
    assert body["type"] == "https://kefu.invalid/problems/invalid"
    assert body["status"] == status
    return body


@pytest.fixture
def desk(api):
    agent = ticket_factories.agent()
    customer = customer_factories.customer(department=agent.department, name="张伟")
    return api(user=agent), customer


@pytest.fixture
def admin(api, sysadmin):
    return api(user=sysadmin)


# ---------------------------------------------------------------- through the API


def test_a_path_number_that_is_not_a_number_is_refused_naming_it(admin):
    body = _refusal(_send(admin, "put", "calendar/abc", {"holidays": ["2031-01-01"]}))
    assert body["title"] == "输入有误"
    assert body["errors"] == [{"field": "year", "message": "year：应为整数。"}]
    assert body["detail"] == "year：应为整数。"
    english = _refusal(
        _send(admin, "put", "calendar/abc", {"holidays": ["2031-01-01"]}, language="en")
    )
    assert english["errors"] == [{"field": "year", "message": "year: give a whole number."}]
    assert english["title"] == "Invalid input"


def test_a_text_given_for_a_list_and_a_too_long_text_are_each_named(admin):
    bad = {"holidays": "2031-01-01", "source": "国" * 201}
    body = _refusal(_send(admin, "put", "calendar/2031", bad))
    assert body["errors"] == [
        {"field": "holidays", "message": "holidays：应为列表（[…]）。"},
        {"field": "source", "message": "source：最多 200 个字符。"},
    ]
    assert body["detail"] == "holidays：应为列表（[…]）。source：最多 200 个字符。"
    english = _refusal(_send(admin, "put", "calendar/2031", bad, language="en"))
    assert [e["message"] for e in english["errors"]] == [
        "holidays: give a list ([…]).",
        "source: at most 200 characters.",
    ]
    assert english["detail"] == "holidays: give a list ([…]). source: at most 200 characters."


def test_a_missing_field_and_an_empty_text_are_refused_and_nothing_is_written(desk):
    client, customer = desk
    body = _refusal(
        _send(client, "post", "tickets", {"channel": "phone", "description": "", "customer_id": 1})
    )
    assert body["errors"] == [
        {"field": "kind", "message": "kind：此项必填。"},
        {"field": "description", "message": "description：不能为空。"},
    ]
    english = _refusal(
        _send(client, "post", "tickets", {"channel": "phone", "description": ""}, language="en")
    )
    assert [e["message"] for e in english["errors"]] == [
        "kind: this is required.",
        "description: this cannot be empty.",
    ]
    assert not Ticket.objects.exists()


def test_a_bad_choice_names_each_choice_by_its_label_with_its_code(desk):
    client, customer = desk
    bad = {"kind": "gossip", "channel": "phone", "description": "x", "customer_id": customer.pk}
    body = _refusal(_send(client, "post", "tickets", bad))
    assert body["errors"] == [
        {
            "field": "kind",
            "message": "kind：只能是“咨询”（inquiry）、“服务请求”（service_request）、"
            "“投诉”（complaint）、“故障”（fault）、“需求”（demand）或“建议”（suggestion）。",
        }
    ]
    english = _refusal(_send(client, "post", "tickets", bad, language="en"))
    assert english["errors"][0]["message"] == (
        "kind: must be inquiry (inquiry), service request (service_request), complaint "
        "(complaint), fault (fault), demand (demand) or suggestion (suggestion)."
    )
    assert not Ticket.objects.exists()


def test_a_choice_without_labels_lists_its_codes(api):
    client = api(Role.CS_SUPERVISOR)
    body = _refusal(_send(client, "get", "customers/export", format="pdf"))
    assert body["errors"] == [{"field": "format", "message": "format：只能是“xlsx”或“csv”。"}]
    english = _refusal(_send(client, "get", "customers/export", format="pdf", language="en"))
    assert english["errors"][0]["message"] == "format: must be xlsx or csv."


def test_a_number_out_of_range_says_the_bound(desk):
    client, _customer = desk
    body = _refusal(_send(client, "get", "tickets", page=0))
    assert body["errors"] == [{"field": "page", "message": "page：不能小于 1。"}]
    english = _refusal(_send(client, "get", "tickets", page=0, language="en"))
    assert english["errors"][0]["message"] == "page: must be 1 or more."


def test_a_bad_date_and_a_bad_time_say_the_form_expected(desk):
    client, _customer = desk
    body = _refusal(
        _send(client, "get", "tickets/reports/hot-spots", since="2024-13-01", until="2024-12-31")
    )
    assert body["errors"] == [{"field": "since", "message": "since：应为日期，格式为 YYYY-MM-DD。"}]
    english = _refusal(
        _send(
            client,
            "get",
            "tickets/reports/hot-spots",
            since="2024-13-01",
            until="2024-12-31",
            language="en",
        )
    )
    assert english["errors"][0]["message"] == "since: give a date as YYYY-MM-DD."
    moment = _refusal(_send(client, "get", "tickets", since="yesterday"))
    assert moment["errors"] == [
        {
            "field": "since",
            "message": "since：应为日期和时间，格式为 YYYY-MM-DDTHH:MM"
            "（后面可加秒和时区，如 +08:00）。",
        }
    ]


def test_a_wrong_type_in_the_body_is_named(desk):
    client, customer = desk
    bad = {
        "kind": "inquiry",
        "channel": "phone",
        "description": "x",
        "customer_id": "张伟",
        "is_major": "maybe",
    }
    body = _refusal(_send(client, "post", "tickets", bad))
    assert body["errors"] == [
        {"field": "customer_id", "message": "customer_id：应为整数。"},
        {"field": "is_major", "message": "is_major：应为 true 或 false。"},
    ]
    assert not Ticket.objects.exists()


def test_a_field_the_schema_does_not_have_is_named_with_a_choice_left_empty(api):
    client = api(Role.CS_SUPERVISOR)
    bad = {"name": "李雷", "department_id": 1, "nickname": "小李", "gender": "x"}
    body = _refusal(_send(client, "post", "customers", bad))
    assert {"field": "nickname", "message": "nickname：没有这个字段，请去掉。"} in body["errors"]
    gender = next(e["message"] for e in body["errors"] if e["field"] == "gender")
    assert gender.startswith("gender：只能是") and "（male）" in gender and "（female）" in gender


def test_a_body_that_is_not_json_says_where_it_goes_wrong(desk):
    client, _customer = desk
    body = _refusal(_send(client, "post", "tickets", '{"kind": "inquiry",, }'))
    assert body["errors"] == [
        {"field": "body", "message": "请求正文不是有效的 JSON：第 1 行第 20 列有误。"}
    ]
    assert body["detail"] == "请求正文不是有效的 JSON：第 1 行第 20 列有误。"
    english = _refusal(_send(client, "post", "tickets", "{bad", language="en"))
    assert english["detail"] == (
        "The request body is not valid JSON: it goes wrong at line 1, column 2."
    )
    listed = _refusal(_send(client, "post", "tickets", "[1, 2]"))
    assert listed["errors"] == [{"field": "body", "message": "请求正文应为 JSON 对象（{…}）。"}]
    assert not Ticket.objects.exists()


def test_the_pbx_link_refuses_a_body_that_is_not_json_in_chinese():
    cti_link()
    response = Client().generic(
        "POST", "/api/v1/cti/pbx-token-123", b"{not json", content_type="application/json"
    )
    body = _refusal(response)
    assert body["errors"] == [
        {"field": "body", "message": "请求正文不是有效的 JSON：第 1 行第 2 列有误。"}
    ]


# ---------------------------------------------------------------- the wording itself


def test_kefus_own_validator_text_is_kept_and_an_unknown_type_keeps_pydantics_words():
    own = field_error(
        {
            "type": "value_error",
            "loc": ("body", "payload", "hours"),
            "msg": "Value error, 时段格式不对",
            "ctx": {"error": "时段格式不对"},
        }
    )
    assert (own.field, own.message) == ("hours", "hours：时段格式不对")
    unknown = field_error(
        {
            "type": "url_parsing",
            "loc": ("query", "link"),
            "msg": "Input should be a valid URL, relative URL without a base",
            "ctx": {"error": "relative URL without a base"},
        }
    )
    assert unknown.message == "link：Input should be a valid URL, relative URL without a base"


# The pydantic error types each kind of core schema node can give for bad input.
_ERRORS_BY_NODE = {
    "model": {"model_type", "model_attributes_type"},
    "model-fields": {"missing", "model_attributes_type"},
    "int": {"int_type", "int_parsing", "int_from_float", "int_parsing_size"},
    "float": {"float_type", "float_parsing"},
    "decimal": {"decimal_type", "decimal_parsing", "finite_number"},
    "str": {"string_type", "string_unicode"},
    "bool": {"bool_type", "bool_parsing"},
    "date": {
        "date_type",
        "date_parsing",
        "date_from_datetime_parsing",
        "date_from_datetime_inexact",
    },
    "datetime": {
        "datetime_type",
        "datetime_parsing",
        "datetime_from_date_parsing",
        "datetime_object_invalid",
    },
    "time": {"time_type", "time_parsing"},
    "list": {"list_type"},
    "tuple": {"tuple_type"},
    "set": {"set_type"},
    "frozenset": {"frozen_set_type"},
    "dict": {"dict_type"},
    "literal": {"literal_error"},
    "enum": {"enum"},
    "json": {"json_invalid", "json_type"},
    "function-plain": {"value_error", "assertion_error"},
    "function-before": {"value_error", "assertion_error"},
    "function-after": {"value_error", "assertion_error"},
    "function-wrap": {"value_error", "assertion_error"},
    # structure only: the errors come from what they hold
    "any": set(),
    "nullable": set(),
    "default": set(),
    "union": set(),
    "definitions": set(),
    "definition-ref": set(),
    "model-field": set(),
    "computed-field": set(),
    "lax-or-strict": set(),
    "json-or-python": set(),
    "chain": set(),
}
_BOUNDS = {
    "gt": "greater_than",
    "ge": "greater_than_equal",
    "lt": "less_than",
    "le": "less_than_equal",
    "multiple_of": "multiple_of",
    "pattern": "string_pattern_mismatch",
    "max_digits": "decimal_max_digits",
    "decimal_places": "decimal_max_places",
}


def _errors_of(node, found: set[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _errors_of(item, found)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    if isinstance(kind, str):
        found |= _ERRORS_BY_NODE.get(kind, {f"unknown node {kind}"})
        found |= {error for key, error in _BOUNDS.items() if node.get(key) is not None}
        if "max_digits" in node or "decimal_places" in node:
            found.add("decimal_whole_digits")
        if node.get("allow_inf_nan") is False:
            found.add("finite_number")
        if kind == "str":
            found |= {"string_too_short"} if node.get("min_length") else set()
            found |= {"string_too_long"} if node.get("max_length") else set()
        elif node.get("min_length"):
            found.add("too_short")
        if kind != "str" and node.get("max_length") is not None:
            found.add("too_long")
        if node.get("tz_constraint") is not None:
            found |= {"timezone_naive", "timezone_aware", "timezone_offset"}
        extra = node.get("extra_behavior") or (node.get("config") or {}).get(
            "extra_fields_behavior"
        )
        if extra == "forbid":
            found.add("extra_forbidden")
    for key, value in node.items():
        if key not in ("metadata", "serialization", "config", "function"):
            _errors_of(value, found)


def test_every_error_type_any_operation_can_give_is_worded():
    """Walks the request models of every operation of /api/v1/: each pydantic error type
    their schemas can give is worded in kefu/core/input_errors.py (a new kind of field
    needs its sentence there and in scripts/zh_api_errors.py)."""
    api._get_bound_routers()
    found: set[str] = set()
    operations = 0
    for _prefix, router in api._routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                operations += 1
                for model in operation.models:
                    _errors_of(model.__pydantic_core_schema__, found)
    assert operations > 100
    # The walk sees what the API really takes (so it is no empty check).
    assert {"missing", "int_parsing", "enum", "literal_error", "extra_forbidden"} <= found
    assert {"string_too_long", "greater_than_equal", "date_from_datetime_parsing"} <= found
    assert sorted(found - WORDED) == []
