from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kefu.core"
    label = "core"
    verbose_name = _("System")

    def ready(self) -> None:
        from kefu.core import access, choices, security  # noqa: F401 - register their system checks

        choices.install()
