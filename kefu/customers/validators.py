"""Phones and Chinese identity numbers: validate and normalise, or refuse naming the field.

Pure functions (phonenumbers, no database) so the import can check a million rows fast.
"""

from __future__ import annotations

import datetime as dt
import re

import phonenumbers
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.errors import ValidationFailed

DEFAULT_REGION = "CN"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalise_phone(value: str | None, *, field: str = "phone") -> str:
    """A phone as stored: CN numbers as their national digits (13812345678, 01012345678),
    other countries as E.164 (+85291234567). Blank stays blank; anything invalid is refused."""
    text = (value or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationFailed.on(
            field,
            _("%(field)s: %(value)s is not a valid phone number.")
            % {"field": field, "value": text},
        )
    if number.country_code == 86:
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        return re.sub(r"\D", "", national)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def resident_id_valid(value: str) -> bool:
    """An 18-character resident ID: region, a real birth date, sequence and the ISO 7064 check."""
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if born.year < 1900 or born > timezone.localdate():
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


def credit_code_valid(value: str) -> bool:
    """An 18-character unified social credit code (GB 32100-2015) with its check character."""
    if len(value) != 18 or any(c not in _USCC_CHARS for c in value):
        return False
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(value[:17], _USCC_WEIGHTS, strict=True))
    check = (31 - total % 31) % 31
    return _USCC_CHARS[check] == value[17]


def normalise_id_number(value: str | None, *, kind: str, field: str = "id_number") -> str:
    """A person's resident ID or an organisation's credit code, upper-cased and checked."""
    text = re.sub(r"\s", "", value or "").upper()
    if not text:
        return ""
    if kind == "organisation":
        if not credit_code_valid(text):
            raise ValidationFailed.on(
                field,
                _("%(field)s: %(value)s is not a valid unified social credit code.")
                % {"field": field, "value": text},
            )
        return text
    if not resident_id_valid(text):
        raise ValidationFailed.on(
            field,
            _("%(field)s: %(value)s is not a valid 18-character resident ID number.")
            % {"field": field, "value": text},
        )
    return text


def id_birth_date(id_number: str) -> dt.date:
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def id_gender(id_number: str) -> str:
    return "male" if int(id_number[16]) % 2 else "female"


def resident_id_with_check(first17: str) -> str:
    """The full ID for 17 digits (used by the demo and the benchmark generator)."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return first17 + _ID_CHECK[total % 11]


def credit_code_with_check(first17: str) -> str:
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return first17 + _USCC_CHARS[(31 - total % 31) % 31]
