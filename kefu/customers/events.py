"""The customer timeline (R-CUS-8): one function per kind of event, saleor style.

Services of this app and of later apps (tickets, calls, callbacks, surveys) call
these inside their transaction; nothing else writes TimelineEvent rows.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from kefu.customers.models import Customer, TimelineEvent


class Kind:
    CREATED = "customer_created"
    UPDATED = "customer_updated"
    CLASS_CHANGED = "class_changed"
    GRADE_CHANGED = "grade_changed"
    CONTACT_ADDED = "contact_added"
    CONTRACT_SIGNED = "contract_signed"
    CONTRACT_DELIVERED = "contract_delivered"
    CONTRACT_CANCELLED = "contract_cancelled"
    CLAIM_RECORDED = "claim_recorded"
    BLACKLISTED = "blacklisted"
    BLACKLIST_LIFTED = "blacklist_lifted"
    MERGED = "merged"
    IMPORTED = "imported"
    TICKET = "ticket"
    CALL = "call"
    CALLBACK = "callback"
    SURVEY = "survey"


def _add(
    customer: Customer | int, kind: str, summary: str, *, actor=None, link=None, url: str = ""
):
    return TimelineEvent.objects.create(
        customer_id=customer if isinstance(customer, int) else customer.pk,
        kind=kind,
        summary=str(summary)[:300],
        actor=actor if getattr(actor, "pk", None) else None,
        link_type=link._meta.label_lower if link is not None else "",
        link_id=str(link.pk) if link is not None else "",
        link_url=url,
    )


def customer_created(customer, *, actor, imported: bool = False):
    text = _("Customer imported") if imported else _("Customer record created")
    return _add(customer, Kind.IMPORTED if imported else Kind.CREATED, text, actor=actor)


def customer_updated(customer, *, actor, fields: list[str]):
    return _add(
        customer,
        Kind.UPDATED,
        _("Record changed: %(fields)s") % {"fields": ", ".join(fields)},
        actor=actor,
    )


def class_changed(customer, *, actor, old: str, new: str, reason: str, contract=None):
    from kefu.customers.models import CustomerClass

    summary = _("Class %(old)s → %(new)s: %(reason)s") % {
        "old": CustomerClass(old).label if old else "—",
        "new": CustomerClass(new).label,
        "reason": reason,
    }
    return _add(customer, Kind.CLASS_CHANGED, summary, actor=actor, link=contract)


def grade_changed(customer, *, actor, field: str, old: str, new: str):
    from kefu.customers.models import GradeChange

    label = _("Value grade") if field == "first_grade" else _("Relationship grade")
    summary = f"{label}: {GradeChange.label(field, old)} → {GradeChange.label(field, new)}"
    return _add(customer, Kind.GRADE_CHANGED, summary, actor=actor)


def contact_added(customer, contact, *, actor):
    return _add(
        customer,
        Kind.CONTACT_ADDED,
        _("Contact added: %(n)s") % {"n": contact.name},
        actor=actor,
        link=contact,
    )


def contract_signed(contract, *, actor):
    summary = _("Contract %(n)s signed, amount %(a)s") % {
        "n": contract.number,
        "a": contract.amount,
    }
    return _add(contract.customer, Kind.CONTRACT_SIGNED, summary, actor=actor, link=contract)


def contract_delivered(contract, *, actor):
    summary = _("Contract %(n)s delivered on %(d)s") % {
        "n": contract.number,
        "d": contract.delivered_on,
    }
    return _add(contract.customer, Kind.CONTRACT_DELIVERED, summary, actor=actor, link=contract)


def contract_cancelled(contract, *, actor):
    summary = _("Contract %(n)s cancelled: %(r)s") % {
        "n": contract.number,
        "r": contract.cancel_reason,
    }
    return _add(contract.customer, Kind.CONTRACT_CANCELLED, summary, actor=actor, link=contract)


def claim_recorded(claim, *, actor):
    summary = _("Claim on contract %(n)s: claimed %(c)s, paid %(p)s") % {
        "n": claim.contract.number,
        "c": claim.amount_claimed,
        "p": claim.amount_paid,
    }
    return _add(claim.customer, Kind.CLAIM_RECORDED, summary, actor=actor, link=claim)


def blacklisted(entry, *, actor):
    summary = _("Blacklisted (entry #%(id)s): %(r)s") % {"id": entry.pk, "r": entry.reason}
    return _add(entry.customer, Kind.BLACKLISTED, summary, actor=actor, link=entry)


def blacklist_lifted(entry, *, actor):
    summary = _("Blacklist entry #%(id)s lifted: %(r)s") % {"id": entry.pk, "r": entry.lift_reason}
    return _add(entry.customer, Kind.BLACKLIST_LIFTED, summary, actor=actor, link=entry)


def merged(survivor, duplicate, *, actor, moved: int):
    summary = _("Customer #%(id)s (%(name)s) merged into this record; %(n)d records moved") % {
        "id": duplicate.pk,
        "name": duplicate.name,
        "n": moved,
    }
    return _add(survivor, Kind.MERGED, summary, actor=actor, link=duplicate)


def linked_event(customer, *, kind: str, summary: str, actor=None, link=None, url: str = ""):
    """For later apps (tickets, calls, callbacks, surveys): add one line to the timeline.
    ``customer`` is the Customer or its id (a caller holding only the id need not read it)."""
    return _add(customer, kind, summary, actor=actor, link=link, url=url)
