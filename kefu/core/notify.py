"""Telling people: an in-app notification now, an email after the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from kefu.core.models import Notification


def notify(users: Iterable, text: str, *, url: str = "", exclude=None) -> int:
    """Notify each distinct active user once; returns how many were told."""
    seen: set[int] = set()
    rows = []
    emails = []
    for user in users:
        if user is None or not getattr(user, "pk", None) or user.pk in seen:
            continue
        if exclude is not None and user.pk == getattr(exclude, "pk", None):
            continue
        if not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(Notification(user=user, text=str(text)[:300], url=url))
        if user.email:
            emails.append(user.email)
    Notification.objects.bulk_create(rows)
    if emails:
        subject = f"[客服 Kefu] {str(text)[:80]}"
        body = f"{text}\n\n{url}"
        # The worker sends it once the transaction commits: a slow or unreachable mail
        # server never holds the request that caused it (kefu/core/tasks.py retries it).
        from kefu.core.tasks import notification_email

        transaction.on_commit(lambda: notification_email(subject, body, emails))
    return len(rows)


def email_send(subject: str, body: str, emails: list[str]) -> None:
    """Send one notification email; an unreachable mail server raises for the job to retry."""
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, emails, fail_silently=False)


def unread_count(user) -> int:
    """The badge on every page (issue 9: plain SQL, read on every request)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM core_notification WHERE user_id = %s AND read_at IS NULL",
            [user.pk],
        )
        return cursor.fetchone()[0]


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark one's own notifications read (all of them when ``ids`` is None)."""
    from django.utils import timezone

    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
