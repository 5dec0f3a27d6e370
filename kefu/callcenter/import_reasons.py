"""Why a line of a call file was refused, in the reader's language (R-CC-2).

The readers in ``kefu.callcenter.importers`` stay free of Django and write their reasons in
English (``kefu import-calls`` prints them as they are). A page shows each reason through
:func:`reason_text`, which recognises the reasons those readers write and says them in the
active language; a reason it does not know is shown as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.translation import gettext as _

_VALUE = r"(?P<value>'.*'|\".*\"|\S+)"

_REASONS: list[tuple[re.Pattern, Callable[[dict], str]]] = [
    (
        re.compile(r"not valid CSV: (?P<detail>.+)"),
        lambda g: _("not valid CSV: %(detail)s") % {"detail": reason_text(g["detail"])},
    ),
    (re.compile(r"unclosed quote at end of file"), lambda g: _("unclosed quote at end of file")),
    (re.compile(r"unclosed quote"), lambda g: _("unclosed quote")),
    (
        re.compile(r"expected 18 or 21 columns \(Master\.csv\), found (?P<n>\d+)"),
        lambda g: _("expected 18 or 21 columns (Master.csv), found %(n)s") % g,
    ),
    (
        re.compile(r"billsec (?P<billsec>\d+) is greater than duration (?P<duration>\d+)"),
        lambda g: _("billsec %(billsec)s is greater than duration %(duration)s") % g,
    ),
    (
        re.compile(rf"unknown disposition {_VALUE}"),
        lambda g: _("unknown disposition %(value)s") % g,
    ),
    (
        re.compile(r"key \(the call id\) is empty"),
        lambda g: _("key (the call id) is empty"),
    ),
    (
        re.compile(r"(?P<what>disposition|direction) " + _VALUE + r" is not mapped .*"),
        lambda g: _("%(what)s %(value)s is not in the mapping; add it under [values]") % g,
    ),
    (re.compile(r"end_at is before enter_at"), lambda g: _("end_at is before enter_at")),
    (
        re.compile(r"has (?P<n>\d+) columns; (?P<name>\w+) is in column (?P<i>\d+)"),
        lambda g: _("only %(n)s columns; %(name)s is in column %(i)s") % g,
    ),
    (
        re.compile(r"time " + _VALUE + r" is not a Unix time"),
        lambda g: _("time %(value)s is not a Unix time") % g,
    ),
    (
        re.compile(r"wrong field count: (?P<n>\d+) .*"),
        lambda g: _("wrong field count: %(n)s (at least 5: time|callid|queue|agent|event)") % g,
    ),
    (
        re.compile(r"(?P<event>\w+) needs at least (?P<min>\d+) data fields, found (?P<n>\d+)"),
        lambda g: _("%(event)s needs at least %(min)s data fields, found %(n)s") % g,
    ),
    (
        re.compile(r"(?P<event>\w+): (?P<name>\w+) " + _VALUE + r" is not a whole number"),
        lambda g: _("%(event)s: %(name)s %(value)s is not a whole number") % g,
    ),
    (
        re.compile(r"(?P<name>\w+) " + _VALUE + r" is not a whole number"),
        lambda g: _("%(name)s %(value)s is not a whole number") % g,
    ),
    (
        re.compile(r"(?P<name>\w+) " + _VALUE + r" is not a number of seconds"),
        lambda g: _("%(name)s %(value)s is not a number of seconds") % g,
    ),
    (
        re.compile(r"(?P<name>\w+) " + _VALUE + r" is not a time like (?P<example>.+)"),
        lambda g: _("%(name)s %(value)s is not a time like %(example)s") % g,
    ),
    (
        re.compile(r"(?P<name>\w+) " + _VALUE + r" does not match (?P<format>.+)"),
        lambda g: _("%(name)s %(value)s does not match the time format %(format)s") % g,
    ),
    (
        re.compile(r"(?P<name>\w+) (?P<value>-\d+) is negative"),
        lambda g: _("%(name)s %(value)s is negative") % g,
    ),
    (re.compile(r"(?P<name>\w+) is empty"), lambda g: _("%(name)s is empty") % g),
]


def reason_text(reason: str) -> str:
    """``reason`` as a reader wrote it, said in the active language when it is known."""
    for pattern, say in _REASONS:
        match = pattern.fullmatch(reason)
        if match:
            return say(match.groupdict())
    return reason
