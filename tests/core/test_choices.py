"""Choice labels on pages and exports: the right language, every time (kefu/core/choices.py)."""

from __future__ import annotations

import pytest
from django.utils import translation

from kefu.customers.models import Customer
from kefu.tickets.models import Ticket
from tests.tickets import factories as tf

pytestmark = pytest.mark.django_db


def test_a_choice_shows_its_label_in_the_language_of_the_request():
    ticket = tf.ticket(kind="complaint")
    with translation.override("zh-hans"):
        assert (ticket.get_kind_display(), ticket.get_state_display()) == ("投诉", "待处理")
    with translation.override("en"):
        assert (ticket.get_kind_display(), ticket.get_state_display()) == ("complaint", "open")
    with translation.override("zh-hans"):
        assert ticket.get_kind_display() == "投诉"


def test_a_value_outside_the_choices_shows_as_it_is_stored():
    ticket = Ticket(kind="no-such-kind")
    assert ticket.get_kind_display() == "no-such-kind"
    customer = Customer(gender="")  # blank is a choice of its own: 未填写
    with translation.override("zh-hans"):
        assert customer.get_gender_display() == "未填写"


def test_every_generated_display_method_of_kefu_models_reads_the_kept_table():
    """The same answer as Django's own method, for every choice of every Kefu model."""
    from django.apps import apps
    from django.db.models import Model

    checked = 0
    for model in apps.get_models():
        if not model.__module__.startswith("kefu."):
            continue
        for field in model._meta.concrete_fields:
            if not field.choices or f"get_{field.name}_display" not in model.__dict__:
                continue
            for value, _label in field.flatchoices:
                row = model(**{field.attname: value})
                for language in ("zh-hans", "en"):
                    with translation.override(language):
                        ours = getattr(row, f"get_{field.name}_display")()
                        assert ours == Model._get_FIELD_display(row, field), (model, field)
                checked += 1
    assert checked > 100
