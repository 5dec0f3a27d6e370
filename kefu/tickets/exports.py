from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.sheets import download, xlsx_bytes


def _t(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def tickets_xlsx(tickets, *, filename: str):
    """A ticket list as the person sees it, one row per ticket (customer names only, no phones)."""
    header = [
        _("Ticket number"), _("Kind"), _("Channel"), _("State"), _("Subject"), _("Customer"),
        _("First responder"), _("Handler"), _("Department"), _("Recorded at"), _("Respond by"),
        _("Resolve by"), _("Resolved at first contact"), _("Repeat contacts"),
        _("Escalation level"),
    ]  # fmt: skip
    rows = (
        [
            t.number,
            t.get_kind_display(),
            t.get_channel_display(),
            t.get_state_display(),
            t.title,
            t.customer.name if t.customer else "",
            t.first_responder.display_name,
            t.owner.display_name if t.owner else "",
            t.department.name,
            _t(t.created_at),
            _t(t.response_due),
            _t(t.resolution_due),
            _("yes") if t.resolved_at_first_contact else _("no"),
            t.repeat_contacts,
            t.escalation_level,
        ]  # fmt: skip
        for t in tickets
    )
    return download(xlsx_bytes([(_("Tickets"), header, rows)]), filename)
