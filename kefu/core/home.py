"""The panels of each person's home page, by permission: each app contributes one.

A panel is a template and a function that returns its context, or None when the
person has nothing to see there. Apps are imported lazily so core depends on none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module


@dataclass(frozen=True)
class Panel:
    template: str
    context: str  # "module:function" taking the request


PANELS: list[Panel] = [
    Panel("tickets/_home.html", "kefu.tickets.home:panel"),
    Panel("core/_home_followups.html", "kefu.followups.home:panel"),
    Panel("supervision/_home.html", "kefu.supervision.home:panel"),
    Panel("plans/_home.html", "kefu.plans.home:panel"),
    Panel("reports/_home.html", "kefu.reports.home:panel"),
    Panel("meetings/_home.html", "kefu.meetings.home:panel"),
    Panel("incidents/_home.html", "kefu.incidents.home:panel"),
]


def _load(path: str) -> Callable:
    module, name = path.split(":")
    return getattr(import_module(module), name)


def panels_for(request) -> list[dict]:
    shown = []
    for panel in PANELS:
        context = _load(panel.context)(request)
        if context is not None:
            shown.append({"template": panel.template, **context})
    return shown
