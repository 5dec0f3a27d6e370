"""R-SEC-1: the one masking function, used by pages, lists, the API and exports."""

from __future__ import annotations

import re

# Personal data that is masked for whoever has not revealed it.
PERSONAL_FIELDS = ("phone", "phone_alt", "id_number", "address", "income_band", "family_structure")
_STARS = "****"


def mask(field: str, value) -> str:
    """R-SEC-1: ``value`` of personal field ``field`` as a person without reveal sees it.

    Phones keep the first 3 and last 4 digits (138****5678), ID numbers the first 3
    and last 4 characters, addresses their first 6 characters (the district); income
    and family show nothing.
    """
    text = "" if value is None else str(value)
    if not text:
        return ""
    if field in {"phone", "phone_alt"}:
        if len(text) <= 7:
            return text[:2] + _STARS
        return text[:3] + _STARS + text[-4:]
    if field == "id_number":
        return text[:3] + "*" * max(len(text) - 7, 4) + text[-4:]
    if field == "address":
        return text[:6] + _STARS
    return _STARS


# Personal numbers inside free text (log lines, error messages): a mainland mobile number
# (optionally +86, with spaces or dashes between its groups), a landline with its area
# code, and an 18- or 15-character resident ID number.
_MOBILE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?![0-9A-Za-z])")
_LANDLINE = re.compile(r"(?<![0-9A-Za-z])0\d{2,3}-\d{7,8}(?![0-9A-Za-z])")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[0-9Xx]|\d{15})(?![0-9A-Za-z])")


def mask_text(text: str) -> str:
    """R-SEC-1 for free text: every phone or ID number in ``text`` masked as by :func:`mask`.

    Used for log lines and for the messages of errors, which can echo what was typed.
    """
    if not text:
        return text
    text = _ID_NUMBER.sub(lambda m: mask("id_number", m.group()), text)
    text = _MOBILE.sub(lambda m: mask("phone", re.sub(r"\D", "", m.group())[-11:]), text)
    return _LANDLINE.sub(lambda m: mask("phone", m.group()), text)
