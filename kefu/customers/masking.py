"""R-SEC-1: the one masking function, used by pages, lists, the API and exports."""

from __future__ import annotations

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
