"""How a signed-in session finds its user (issue 9: one query, not two)."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from kefu.org.models import User


class StaffBackend(ModelBackend):
    """Django's model backend, reading the user's department in the same query: nearly every
    page and API call scopes by it (R-SEC-1), so it would otherwise be a second query."""

    def get_user(self, user_id):
        user = User.objects.select_related("department").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
