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
