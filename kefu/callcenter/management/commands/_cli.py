"""Shared by the call-centre commands: a domain error as one line naming the field."""

from __future__ import annotations

from django.core.management.base import CommandError

from kefu.errors import DomainError


def cli_error(exc: DomainError) -> CommandError:
    message = str(exc.message)
    if exc.errors and not message.startswith(exc.errors[0].field):
        message = f"{exc.errors[0].field}: {message}"
    return CommandError(message)
