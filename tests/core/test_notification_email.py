"""The email beside an in-app notification: sent by the worker after the commit, so a mail
server that is slow or down never holds or fails the action that caused it."""

from __future__ import annotations

import socket

import pytest
from django.core import mail

from kefu.core.models import Notification
from kefu.core.notify import notify
from kefu.org.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db


def _member(email: str):
    user = factories.user(Role.AGENT)
    user.email = email
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def queued_jobs():
    """The job queue as it runs in production: jobs wait for the worker (not run inline)."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = False
    HUEY.flush()
    try:
        yield HUEY
    finally:
        HUEY.flush()
        HUEY.immediate = True


def test_the_notice_is_there_at_once_and_the_worker_sends_the_email_after_the_commit(
    django_capture_on_commit_callbacks, queued_jobs
):
    member = _member("zhou@kefu.example")
    with django_capture_on_commit_callbacks(execute=False) as pending:
        assert notify([member], "工单 GD1 已转交给您", url="/tickets/1/") == 1
    assert Notification.objects.filter(user=member).count() == 1
    assert queued_jobs.pending_count() == 0  # nothing is queued before the commit
    for callback in pending:
        callback()
    assert mail.outbox == []  # the request has not sent it: the worker will
    [job] = queued_jobs.pending()
    queued_jobs.execute(job)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["zhou@kefu.example"]
    assert "工单 GD1 已转交给您" in mail.outbox[0].subject and "/tickets/1/" in mail.outbox[0].body


def test_a_mail_server_that_is_down_leaves_the_notice_and_the_action_standing(
    settings, django_capture_on_commit_callbacks, caplog
):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    member = _member("li@kefu.example")
    with django_capture_on_commit_callbacks(execute=True):
        assert notify([member], "投诉 GD2 待回访", url="/tickets/2/") == 1
    assert Notification.objects.filter(user=member, text="投诉 GD2 待回访").exists()
    assert "notification_email" in caplog.text  # the worker logged it and will try again
