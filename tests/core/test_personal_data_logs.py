"""R-SEC-1 beyond pages and exports: phone and ID numbers are masked in log lines and in
the messages of errors, which can echo what was typed (issue 10, docs/reliability.md)."""

from __future__ import annotations

import io
import logging

import pytest

from kefu.core.security import PersonalDataFilter
from kefu.customers.masking import mask_text
from kefu.org.roles import Role
from tests import factories

PHONE = "13812345678"
ID_NUMBER = "11010519491231002X"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"caller {PHONE} rang", "caller 138****5678 rang"),
        ("+86 138 1234 5678", "138****5678"),
        ("138-1234-5678;", "138****5678;"),
        ("landline 010-87654321", "landline 010****4321"),
        (f"id={ID_NUMBER}", "id=110***********002X"),
        ("old id 110105491231002", "old id 110********1002"),
        # Not personal numbers: ticket numbers, dates, amounts, ids, longer digit runs.
        ("GD20261127000036", "GD20261127000036"),
        ("2026-11-27 09:30:00", "2026-11-27 09:30:00"),
        ("customer #1234567 paid 13800.50", "customer #1234567 paid 13800.50"),
        ("trace 1381234567890123456789", "trace 1381234567890123456789"),
    ],
)
def test_it_masks_phone_and_id_numbers_in_free_text(text, masked):
    assert mask_text(text) == masked


@pytest.fixture
def console():
    """The console handler the settings install, writing into a buffer for the test."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, PersonalDataFilter) for f in h.filters)
    )
    buffer = io.StringIO()
    old = handler.setStream(buffer)
    yield buffer
    handler.setStream(old)


def test_the_configured_log_handler_masks_messages_arguments_and_tracebacks(console):
    log = logging.getLogger("kefu.test")
    log.warning("callback to %s for %s failed", PHONE, ID_NUMBER)
    try:
        raise ValueError(f"no customer with phone {PHONE}")
    except ValueError:
        log.exception("lookup failed")
    text = console.getvalue()
    assert "138****5678" in text and "110***********002X" in text
    assert "no customer with phone 138****5678" in text  # the traceback's last line
    assert PHONE not in text and ID_NUMBER not in text


@pytest.mark.django_db
def test_a_request_for_an_address_with_a_phone_is_logged_masked(console, web):
    assert web(Role.AGENT).get(f"/tickets/{PHONE}/").status_code == 404
    text = console.getvalue()
    assert "Not Found" in text and "138****5678" in text
    assert PHONE not in text


@pytest.mark.django_db
def test_a_problem_body_that_echoes_input_carries_no_full_phone_or_id_number(api):
    dept = factories.department()
    client = api(Role.CS_SUPERVISOR, department=dept)
    bad_phone = "14012345678"  # shaped like a mobile number, but no such number exists
    response = client.post(
        "customers", {"name": "张伟", "department_id": dept.pk, "phone": bad_phone}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert bad_phone not in body
    assert "140****5678" in body
    bad_id = "110105194912310021"  # wrong check character
    response = client.post(
        "customers",
        {"name": "张伟", "department_id": dept.pk, "kind": "person", "id_number": bad_id},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert bad_id not in body and "110***********0021" in body


@pytest.mark.django_db
def test_an_error_page_that_echoes_input_carries_no_full_phone(web, rf):
    from kefu.errors import DomainErrorMiddleware, ValidationFailed

    request = rf.get("/customers/")
    request.user = factories.user(Role.AGENT)
    page = DomainErrorMiddleware(lambda r: None).process_exception(
        request, ValidationFailed(message=f"{PHONE} is not a customer of this department.")
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert "138****5678" in html and PHONE not in html


def test_the_workers_own_log_lines_are_masked_too():
    """R-SEC-1: Huey's consumer writes through its own handler, past the console's filter;
    the loggers themselves mask, so a failed task's arguments never show a full number."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)  # as the consumer adds its own
    log = logging.getLogger("huey")
    log.addHandler(handler)
    try:
        try:
            raise RuntimeError(f"callback to {PHONE} failed")
        except RuntimeError:
            log.exception("Unhandled exception in task %s for %s", "callback", ID_NUMBER)
    finally:
        log.removeHandler(handler)
    text = buffer.getvalue()
    assert "138****5678" in text and "110***********002X" in text
    assert PHONE not in text and ID_NUMBER not in text


@pytest.mark.django_db
def test_a_pages_passing_messages_carry_no_full_phone_or_id_number(rf):
    """R-SEC-1: a message shown once at the top of a page (a refusal echoing what was typed)
    is masked like an error page."""
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = factories.user(Role.AGENT)
    note = Message(constants.ERROR, f"{PHONE} ({ID_NUMBER}) is on the block list.")
    html = render_to_string("base.html", {"messages": [note]}, request=request)
    assert "138****5678" in html and "110***********002X" in html
    assert PHONE not in html and ID_NUMBER not in html
