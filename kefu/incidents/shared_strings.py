"""Strings this app adds to shared modules (navigation, permission table).

They are marked here too so that they are extracted into this app's own catalog
(kefu/incidents/locale), which Django merges with the project's. Never imported:
gettext_noop only marks.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

STRINGS = (
    gettext_noop("Report incident"),
    gettext_noop("Incidents"),
    gettext_noop("Sanctions to confirm"),
    gettext_noop("Sanction rule table"),
    gettext_noop("Inspections and hazards"),
    gettext_noop("report an incident or major fault"),
    gettext_noop("see every incident and major fault"),
    gettext_noop("work the incident notification chain"),
    gettext_noop("track the handling of a major fault to its closure"),
    gettext_noop("run incident investigations and name who answers for them"),
    gettext_noop("file an incident's written report and injury paperwork"),
    gettext_noop("see everyone's incident sanction record"),
    gettext_noop("confirm or drop proposed sanctions"),
    gettext_noop("edit the sanction rule table"),
    gettext_noop("see inspections and hazards"),
    gettext_noop("record inspections and hazards and assign their rectification"),
)
