"""Strings this app adds to shared modules (navigation, permission table, policy settings).

They are marked here too so that they are extracted into this app's own catalog
(kefu/callcenter/locale), which Django merges with the project's; the project catalog is then
not regenerated for them. Never imported: gettext_noop only marks.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

STRINGS = (
    gettext_noop("Call desk"),
    gettext_noop("Call statistics"),
    gettext_noop("Seats and roster"),
    gettext_noop("Call-centre settings"),
    gettext_noop("see calls and call-centre statistics"),
    gettext_noop("take calls at the agent desk (screen pop)"),
    gettext_noop("import call records from the telephone system"),
    gettext_noop("keep hotlines, extensions, the PBX link and the block list"),
    gettext_noop("forecast calls, size seats and build rosters"),
    gettext_noop("listen to call recordings"),
    gettext_noop("Short abandon: caller hung up within"),
    gettext_noop(
        "Service level denominator: all offered calls (offered), offered minus short "
        "abandons (no_short_abandons), or answered calls only (answered)"
    ),
    gettext_noop("N-second answer rate: answered within"),
    gettext_noop("First-contact resolution: no call from the number within ± days"),
    gettext_noop("Shrinkage (breaks, training, leave) added to required seats"),
    gettext_noop("Maximum agent occupancy when sizing seats"),
    gettext_noop("seconds"),
    gettext_noop("days"),
)
