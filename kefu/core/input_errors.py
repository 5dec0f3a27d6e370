"""The API's input checks in the reader's language.

django-ninja validates path, query, form and body with pydantic, whose messages are English
("Input should be a valid integer", "Field required"). :func:`field_error` words each of
them again from the error's ``type`` and ``ctx`` (``max_length``, ``ge``, the choices
expected ...) the way Kefu's own 400s read: the field first, then what it takes
("title：最多 200 个字符。", "kind：只能是“咨询”（inquiry）或……"), Chinese by default and
English when the request asks for English (English msgids, Chinese in the project catalog).

A message Kefu's own validators raise (a ``ValueError`` whose text is already translated)
keeps its text; an error type not worded here keeps pydantic's English rather than failing.
:data:`WORDED` lists the types worded here; tests/core/test_api_input_errors.py checks it
covers every type any operation's schema can produce.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable
from functools import cache

from django.utils.translation import (
    get_language,
    gettext,
    gettext_noop,
    ngettext_lazy,
)

from kefu.core.wording import either, one_of
from kefu.errors import FieldError

# The field name when an error concerns the whole body, not one of its fields.
WHOLE_REQUEST = "request"

# Types whose sentence is one template taking ``field`` and the error's ``ctx`` values.
_PLAIN = {
    "missing": gettext_noop("%(field)s: this is required."),
    "extra_forbidden": gettext_noop("%(field)s: there is no such field; leave it out."),
    "model_type": gettext_noop("%(field)s: give an object ({…})."),
    "model_attributes_type": gettext_noop("%(field)s: give an object ({…})."),
    "dict_type": gettext_noop("%(field)s: give an object ({…})."),
    "mapping_type": gettext_noop("%(field)s: give an object ({…})."),
    "list_type": gettext_noop("%(field)s: give a list ([…])."),
    "tuple_type": gettext_noop("%(field)s: give a list ([…])."),
    "set_type": gettext_noop("%(field)s: give a list ([…])."),
    "frozen_set_type": gettext_noop("%(field)s: give a list ([…])."),
    "iterable_type": gettext_noop("%(field)s: give a list ([…])."),
    "set_item_not_hashable": gettext_noop("%(field)s: give a list of plain values."),
    "string_type": gettext_noop("%(field)s: give a text (a string)."),
    "string_unicode": gettext_noop("%(field)s: the text is not valid Unicode."),
    "string_pattern_mismatch": gettext_noop(
        "%(field)s: the text does not have the form expected (%(pattern)s)."
    ),
    "string_not_ascii": gettext_noop("%(field)s: use only ASCII letters, digits and signs."),
    "bool_type": gettext_noop("%(field)s: give true or false."),
    "bool_parsing": gettext_noop("%(field)s: give true or false."),
    "int_type": gettext_noop("%(field)s: give a whole number."),
    "int_parsing": gettext_noop("%(field)s: give a whole number."),
    "int_from_float": gettext_noop("%(field)s: give a whole number, without decimals."),
    "int_parsing_size": gettext_noop("%(field)s: the number is too large."),
    "float_type": gettext_noop("%(field)s: give a number."),
    "float_parsing": gettext_noop("%(field)s: give a number."),
    "finite_number": gettext_noop("%(field)s: give a finite number."),
    "decimal_type": gettext_noop("%(field)s: give a number such as 12.50."),
    "decimal_parsing": gettext_noop("%(field)s: give a number such as 12.50."),
    "greater_than": gettext_noop("%(field)s: must be greater than %(gt)s."),
    "greater_than_equal": gettext_noop("%(field)s: must be %(ge)s or more."),
    "less_than": gettext_noop("%(field)s: must be less than %(lt)s."),
    "less_than_equal": gettext_noop("%(field)s: must be %(le)s or less."),
    "multiple_of": gettext_noop("%(field)s: must be a multiple of %(multiple_of)s."),
    "date_type": gettext_noop("%(field)s: give a date as YYYY-MM-DD."),
    "date_parsing": gettext_noop("%(field)s: give a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": gettext_noop("%(field)s: give a date as YYYY-MM-DD."),
    "date_from_datetime_inexact": gettext_noop(
        "%(field)s: give a date as YYYY-MM-DD, without a time of day."
    ),
    "datetime_type": gettext_noop(
        "%(field)s: give a date and time as YYYY-MM-DDTHH:MM (seconds and an offset such as "
        "+08:00 may follow)."
    ),
    "datetime_parsing": gettext_noop(
        "%(field)s: give a date and time as YYYY-MM-DDTHH:MM (seconds and an offset such as "
        "+08:00 may follow)."
    ),
    "datetime_from_date_parsing": gettext_noop(
        "%(field)s: give a date and time as YYYY-MM-DDTHH:MM (seconds and an offset such as "
        "+08:00 may follow)."
    ),
    "datetime_object_invalid": gettext_noop(
        "%(field)s: give a date and time as YYYY-MM-DDTHH:MM (seconds and an offset such as "
        "+08:00 may follow)."
    ),
    "time_type": gettext_noop("%(field)s: give a time of day as HH:MM."),
    "time_parsing": gettext_noop("%(field)s: give a time of day as HH:MM."),
    "json_invalid": gettext_noop("%(field)s: this is not valid JSON."),
    "json_type": gettext_noop("%(field)s: this is not valid JSON."),
}


def _counted(template) -> Callable[[dict], str]:
    """A sentence from ``ngettext_lazy(singular, plural, key)``: the count is ``ctx[key]``."""

    def word(values: dict) -> str:
        return str(template % values)

    return word


def _at_least(empty: str, template) -> Callable[[dict], str]:
    """A minimum length: ``empty`` (a gettext_noop msgid) when one is the minimum, else the
    counted ``template`` (``ngettext_lazy(singular, plural, "min_length")``)."""
    counted = _counted(template)

    def word(values: dict) -> str:
        if int(values["min_length"]) == 1:
            return gettext(empty) % values
        return counted(values)

    return word


def _choices(values: dict) -> str:
    return gettext("%(field)s: must be %(choices)s.") % {
        "field": values["field"],
        "choices": choices_in_words(str(values["expected"])),
    }


# Types whose sentence depends on a count or needs more than a template.
_WORDED_BY: dict[str, Callable[[dict], str]] = {
    "string_too_short": _at_least(
        gettext_noop("%(field)s: this cannot be empty."),
        ngettext_lazy(
            "%(field)s: at least %(min_length)s character.",
            "%(field)s: at least %(min_length)s characters.",
            "min_length",
        ),
    ),
    "string_too_long": _counted(
        ngettext_lazy(
            "%(field)s: at most %(max_length)s character.",
            "%(field)s: at most %(max_length)s characters.",
            "max_length",
        )
    ),
    "too_short": _at_least(
        gettext_noop("%(field)s: give at least one item."),
        ngettext_lazy(
            "%(field)s: give at least %(min_length)s item.",
            "%(field)s: give at least %(min_length)s items.",
            "min_length",
        ),
    ),
    "too_long": _counted(
        ngettext_lazy(
            "%(field)s: at most %(max_length)s item.",
            "%(field)s: at most %(max_length)s items.",
            "max_length",
        )
    ),
    "decimal_max_digits": _counted(
        ngettext_lazy(
            "%(field)s: at most %(max_digits)s digit in all.",
            "%(field)s: at most %(max_digits)s digits in all.",
            "max_digits",
        )
    ),
    "decimal_max_places": _counted(
        ngettext_lazy(
            "%(field)s: at most %(decimal_places)s decimal place.",
            "%(field)s: at most %(decimal_places)s decimal places.",
            "decimal_places",
        )
    ),
    "decimal_whole_digits": _counted(
        ngettext_lazy(
            "%(field)s: at most %(whole_digits)s digit before the decimal point.",
            "%(field)s: at most %(whole_digits)s digits before the decimal point.",
            "whole_digits",
        )
    ),
    "enum": _choices,
    "literal_error": _choices,
}

# Messages of Kefu's own validators: their text is kept as it is, after the field's name.
_OWN_TEXT = {"value_error", "assertion_error"}

#: Every pydantic error type worded here (the others keep pydantic's English).
WORDED = frozenset(_PLAIN) | frozenset(_WORDED_BY) | _OWN_TEXT


def field_name(loc) -> str:
    """The field an error concerns, as the API names it ("title", "contacts.0.phone"):
    the location without where it came from (body, query, path ...)."""
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "payload")]
    return ".".join(parts) or WHOLE_REQUEST


def field_error(error: dict) -> FieldError:
    """One pydantic error (as django-ninja hands it on: ``type``, ``loc``, ``msg``, ``ctx``)
    as the field it concerns and a sentence in the request's language naming it."""
    field = field_name(list(error.get("loc") or ()))
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    english = str(error.get("msg", ""))
    if field == WHOLE_REQUEST and kind in ("missing", "model_type", "model_attributes_type"):
        return FieldError(field, body_not_object())
    try:
        if kind in _PLAIN:
            return FieldError(field, gettext(_PLAIN[kind]) % {**ctx, "field": field})
        if kind in _WORDED_BY:
            return FieldError(field, _WORDED_BY[kind]({**ctx, "field": field}))
    except (KeyError, TypeError, ValueError):
        pass  # a context pydantic did not give as documented: its own words below
    if kind in _OWN_TEXT and ctx.get("error"):
        text = str(ctx["error"])
    else:
        text = english
    if text.startswith(f"{field}:") or text.startswith(f"{field}："):
        return FieldError(field, text)
    return FieldError(field, gettext("%(field)s: %(message)s") % {"field": field, "message": text})


def join_sentences(messages: list[str]) -> str:
    """Several messages as one text: Chinese sentences follow each other, English ones
    are set apart by a space."""
    separator = "" if (get_language() or "").startswith("zh") else " "
    return separator.join(messages)


def body_not_object() -> str:
    """A body that is JSON, but a list, a text or a number where an object is expected."""
    return gettext("The request body must be a JSON object ({…}).")


def body_is_not_an_object(request, errors: list[dict]) -> bool:
    """True when the body is JSON but not an object (a list, a text, a number) and pydantic,
    reading attributes as django-ninja's schemas do, answered with every field missing."""
    from django.http.request import RawPostDataException

    body_errors = [e for e in errors if tuple(e.get("loc") or ("",))[0] == "body"]
    if not body_errors or any(e.get("type") != "missing" for e in body_errors):
        return False
    try:
        data = json.loads(request.body)
    except (ValueError, RawPostDataException):
        return False
    return not isinstance(data, dict)


def body_not_json(exc: BaseException | None) -> str:
    """A request body that is not JSON at all, saying where it goes wrong when known."""
    if isinstance(exc, json.JSONDecodeError):
        return gettext(
            "The request body is not valid JSON: it goes wrong at line %(line)s, column %(column)s."
        ) % {"line": exc.lineno, "column": exc.colno}
    if isinstance(exc, UnicodeDecodeError):
        return gettext("The request body is not valid JSON: it is not UTF-8 text.")
    return gettext("The request body is not valid JSON.")


# ---------------------------------------------------------------- the choices expected

# One value as pydantic writes it in ``expected``: a quoted text or a plain number.
_VALUE = re.compile(r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?""")


def _values(expected: str) -> list | None:
    """The values of pydantic's ``expected`` ("'a', 'b' or 'c'"), or None if it is
    written some other way."""
    tokens = _VALUE.findall(expected)
    if not tokens:
        return None
    written = tokens[0] if len(tokens) == 1 else f"{', '.join(tokens[:-1])} or {tokens[-1]}"
    if written != expected:
        return None
    try:
        return [ast.literal_eval(token) for token in tokens]
    except (ValueError, SyntaxError):
        return None


@cache
def _choice_classes() -> dict[frozenset, list[type]]:
    """Every Django choices class by its set of values (loaded once, after the apps)."""
    from django.db.models import Choices

    found: dict[frozenset, list[type]] = {}
    stack = list(Choices.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if len(cls):
            found.setdefault(frozenset(cls.values), []).append(cls)
    return found


def _labelled(values: list) -> tuple[list[tuple[str, str]], bool] | None:
    """``(code, label)`` for each value when one choices class of Kefu's models has exactly
    these values (or them but the empty text), or several that label them alike; and
    whether the empty text was left out."""
    kept = [value for value in values if value != ""]
    for wanted in (values, kept):
        classes = _choice_classes().get(frozenset(wanted)) or []
        labellings = {tuple((str(v), str(label)) for v, label in cls.choices) for cls in classes}
        if len(labellings) == 1:
            labels = dict(next(iter(labellings)))
            pairs = [(str(value) if value != "" else '""', labels[str(value)]) for value in wanted]
            return pairs, wanted is kept and len(kept) < len(values)
    return None


def choices_in_words(expected: str) -> str:
    """pydantic's ``expected`` as the reader's words: each choice's label with its code
    beside it where Kefu's models label these values (“咨询”（inquiry）或……), else the
    codes joined by 或 / "or"."""
    values = _values(expected)
    if values is None:
        return expected
    labelled = _labelled(values)
    if labelled is not None:
        pairs, empty_left_out = labelled
        text = one_of(pairs)
        if empty_left_out:
            text = gettext("%(choices)s, or left empty") % {"choices": text}
        return text
    return either(gettext("(empty)") if value == "" else value for value in values)
