from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "kefu.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from kefu.audit.signals import record_login, record_logout

        user_logged_in.connect(record_login, dispatch_uid="kefu-audit-login")
        user_logged_out.connect(record_logout, dispatch_uid="kefu-audit-logout")
