"""Helpers for page forms that call a service."""

from __future__ import annotations

from collections.abc import Callable

from django import forms

from kefu.errors import DomainError


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
                form.add_error(error.field, error.message)
                placed = True
        if not placed:
            form.add_error(None, exc.message)
        return None
