from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "kefu.meetings"
    label = "meetings"
    verbose_name = _("Meeting services")
