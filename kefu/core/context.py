from __future__ import annotations

from django.conf import settings

from kefu.core.navigation import nav_for
from kefu.core.notify import unread_count
from kefu.org.permissions import allowed


def shell(request) -> dict:
    """What base.html needs on every page: the navigation for this user's roles."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"site_name": settings.KEFU_SITE_NAME, "nav": []}
    return {
        "site_name": settings.KEFU_SITE_NAME,
        "nav": nav_for(user, request.path),
        "can_admin": allowed(user, "admin.access"),
        "unread": unread_count(user),
    }
