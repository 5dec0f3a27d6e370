"""Which service tasks a booking needs and when each is due (R-MTG-2). Pure Python.

From the seed's meeting-service plan (会务及客服服务管理方案): before the meeting the
attendant places name cards and flowers and prepares tea, the cleaner cleans the
room, and the AV technician tests the audio and video equipment one hour before
the start (or as asked); during it the attendant greets, guides, pulls out chairs,
refills and sees people off while the AV technician stays at the sound desk; after
it the room is cleaned, the tea sets washed and disinfected, lights, audio and air
conditioning switched off and the doors and windows closed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Anchors: "prep" = start - preparation lead, "av" = start - AV lead, "start", "end",
# "after" = end + the after-meeting allowance.
ANCHORS = ("prep", "av", "start", "end", "after")


@dataclass(frozen=True)
class TaskSpec:
    kind: str
    phase: str
    duty: str
    anchor: str
    need: str | None = None  # the booking's need that calls for it; "av" = audio or video


ATTENDANT, AV, CLEANER = "meeting_attendant", "av_technician", "cleaner"

TASKS: tuple[TaskSpec, ...] = (
    TaskSpec("clean_before", "before", CLEANER, "prep"),
    TaskSpec("name_cards", "before", ATTENDANT, "prep", need="name_cards"),
    TaskSpec("flowers", "before", ATTENDANT, "prep", need="flowers"),
    TaskSpec("tea", "before", ATTENDANT, "prep", need="tea"),
    TaskSpec("av_test", "before", AV, "av", need="av"),
    TaskSpec("greeting", "during", ATTENDANT, "start"),
    TaskSpec("guiding", "during", ATTENDANT, "start"),
    TaskSpec("refills", "during", ATTENDANT, "end", need="tea"),
    TaskSpec("av_duty", "during", AV, "end", need="av"),
    TaskSpec("farewell", "during", ATTENDANT, "end"),
    TaskSpec("cleanup", "after", CLEANER, "after"),
    TaskSpec("tea_sets", "after", ATTENDANT, "after", need="tea"),
    TaskSpec("power_off", "after", ATTENDANT, "after"),
    TaskSpec("doors_windows", "after", ATTENDANT, "after"),
)


@dataclass(frozen=True)
class Leads:
    """Minutes: preparation before the start, AV test before the start, clean-up after the end."""

    preparation: int
    av_test: int
    after: int


def tasks_for(needs: dict[str, bool]) -> list[TaskSpec]:
    """The tasks a booking with these needs calls for, in the order they are done."""
    wanted = dict(needs)
    wanted["av"] = bool(needs.get("audio") or needs.get("video"))
    return [t for t in TASKS if t.need is None or wanted.get(t.need)]


def due_at(spec: TaskSpec, starts_at: dt.datetime, ends_at: dt.datetime, leads: Leads):
    """When ``spec`` is due for a meeting from ``starts_at`` to ``ends_at``."""
    if spec.anchor == "prep":
        return starts_at - dt.timedelta(minutes=leads.preparation)
    if spec.anchor == "av":
        return starts_at - dt.timedelta(minutes=leads.av_test)
    if spec.anchor == "start":
        return starts_at
    if spec.anchor == "end":
        return ends_at
    return ends_at + dt.timedelta(minutes=leads.after)
