from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **changes) -> str:
    """The current query string with some parameters replaced (for pagers and filters)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@register.filter
def masked_text(value) -> str:
    """R-SEC-1 for free text shown in passing (a page's messages, which can echo what was
    typed or found): every phone or ID number in it masked."""
    from kefu.customers.masking import mask_text

    return mask_text(str(value))


@register.filter
def masked_phone(value: str) -> str:
    """R-SEC-1: a phone number as a person without the reveal permission sees it."""
    from kefu.customers.masking import mask

    return mask("phone", value)


@register.filter
def may(user, permission: str) -> bool:
    """``{% if user|may:"ticket.create" %}``: the permission table, in a template."""
    from kefu.org.permissions import allowed

    return allowed(user, permission)


@register.filter
def minutes_span(value) -> str:
    """A number of minutes as days, hours and minutes ("3 天 1 小时 11 分钟"): a clock of
    several days read as 4431 minutes (R-INC-2's late report)."""
    from django.utils.translation import gettext as _

    try:
        minutes = int(value)
    except (TypeError, ValueError):
        return ""
    days, rest = divmod(abs(minutes), 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(_("%(n)d d") % {"n": days})
    if hours:
        parts.append(_("%(n)d h") % {"n": hours})
    if mins or not parts:
        parts.append(_("%(n)d min") % {"n": mins})
    return ("-" if minutes < 0 else "") + " ".join(parts)
