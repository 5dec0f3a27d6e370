"""Helpers for page forms that call a service."""

from __future__ import annotations

import re
from collections.abc import Callable

from django import forms

from kefu.errors import DomainError


class DateInput(forms.DateInput):
    """A browser date picker, filled as YYYY-MM-DD: the only text an <input type=date> takes.
    Left to the locale's format (1953/09/02 in Chinese) the picker showed empty, and saving
    an edit form wiped the stored date."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeLocalInput(forms.DateTimeInput):
    """A browser date-and-time picker, filled as YYYY-MM-DDTHH:MM (see DateInput)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def apply_service(form: forms.Form, call: Callable[[], object]) -> object | None:
    """Run a service for a valid form; put a DomainError onto the form instead of a 500.

    Returns the service's result, or None when it refused (the form then carries
    the message, on the field it names where the form has one).
    """
    try:
        return call()
    except DomainError as exc:
        placed = False
        for error in exc.errors:
            if error.field in form.fields:
                form.add_error(error.field, without_field_code(error.field, error.message))
                placed = True
        if not placed:
            form.add_error(None, exc.message)
        return None


def int_param(value, *, minimum: int = 1, maximum: int = 2**31 - 1) -> int | None:
    """A whole number from a query string or form field, or None: never a ValueError.

    ``str.isdigit`` accepts characters such as "²" that ``int`` refuses, so this
    checks with ``isdecimal`` and the bounds of the database's integer column.
    """
    text = str(value or "").strip()
    if not text.isdecimal() or not text.isascii():
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


def date_param(value, *, first_year: int = 2000, last_year: int = 2100):
    """A date from YYYY-MM-DD within a sane range of years, or None."""
    import datetime as dt

    try:
        day = dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None
    return day if first_year <= day.year <= last_year else None


def without_field_code(field: str, message: str) -> str:
    """A service's message names the field it is about for API clients ("phone: …",
    "birth_date（出生日期）：…"); on a page it stands under the field's own label, so the
    code in front is dropped ("… 不是有效的电话号码。")."""
    match = re.match(rf"{re.escape(field)}(?:（[^）]*）|\([^)]*\))?\s*[：:]\s*", message)
    return message[match.end() :] if match and message[match.end() :] else message
