from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallcenterConfig(AppConfig):
    name = "kefu.callcenter"
    label = "callcenter"
    verbose_name = _("Call centre")
