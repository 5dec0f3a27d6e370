"""Choice labels read from a table built once per field and language.

Django's ``get_<field>_display()`` rebuilds the field's whole choice table on each call, and
hashing the table's lazy labels translates every one of them: a queue page of 50 tickets
showing state, kind and priority translated about a thousand labels to show 150
(bench/README.md, the load profile). :func:`install` gives every Kefu model's generated
``get_<field>_display`` the same answer from a table kept per (field, language).
"""

from __future__ import annotations

from functools import lru_cache, partialmethod

from django.apps import apps
from django.db.models import Model
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language


@lru_cache(maxsize=4096)
def _labels(field, language: str | None) -> dict:
    return {make_hashable(value): force_str(label) for value, label in field.flatchoices}


def display(instance, field):
    """The label of ``instance``'s value of ``field``, as ``get_<field>_display()`` gives it."""
    value = getattr(instance, field.attname)
    labels = _labels(field, get_language())
    return force_str(labels.get(make_hashable(value), value), strings_only=True)


def _static(field) -> bool:
    """Choices fixed when the code loads (callable choices may change; they keep Django's)."""
    from django.utils.choices import CallableChoiceIterator

    return not isinstance(field.choices, CallableChoiceIterator)


def install(app_prefix: str = "kefu.") -> int:
    """Point the generated ``get_<field>_display`` of every model of Kefu's apps at
    :func:`display`; a method a model defines itself is left alone. Returns how many."""
    done = 0
    for model in apps.get_models():
        if not model.__module__.startswith(app_prefix):
            continue
        for field in model._meta.concrete_fields:
            name = f"get_{field.name}_display"
            method = model.__dict__.get(name)
            if (
                field.choices
                and isinstance(method, partialmethod)
                and method.func is Model._get_FIELD_display
                and _static(field)
            ):
                setattr(model, name, partialmethod(display, field=field))
                done += 1
    return done
