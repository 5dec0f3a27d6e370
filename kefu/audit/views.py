from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kefu.audit.models import Action
from kefu.audit.selectors import audit_entries
from kefu.core.forms import date_param


def _day(value: str) -> dt.datetime | None:
    day = date_param(value)
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _model(target_type: str):
    try:
        return apps.get_model(target_type) if "." in target_type else None
    except LookupError:
        return None


def _shown_value(field, value):
    """A recorded value as the reader knows it: a choice's label, a UTC ISO time in local
    time, a person or record by its name, nothing as "—", lists and tables as text;
    anything else as recorded."""
    if value is None or value == "":
        return "—"
    if field is not None and getattr(field, "many_to_one", False) and field.related_model:
        return _related_name(field.related_model, value)
    if isinstance(value, list | dict):
        return _as_text(value)
    if field is not None and getattr(field, "choices", None) and not isinstance(value, list):
        labels = {str(k): v for k, v in field.flatchoices}
        if str(value) in labels:
            return labels[str(value)]
    if isinstance(value, str) and len(value) >= 19 and value[4:5] == "-" and "T" in value:
        at = parse_datetime(value)
        if at is not None:
            if timezone.is_naive(at):
                at = timezone.make_aware(at, dt.UTC)
            return date_format(timezone.localtime(at), "Y-m-d H:i:s")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def _related_name(model, pk) -> str:
    """The record a recorded id points at, by its name ("郑志刚 (#12)"), or "#12" if gone."""
    try:
        found = model._default_manager.filter(pk=pk).first()
    except (TypeError, ValueError):
        found = None
    return f"{found} (#{pk})" if found is not None else f"#{pk}"


def _as_text(value) -> str:
    """A recorded list or table as a person reads it, not as a program prints it."""
    if isinstance(value, dict):
        return "；".join(f"{k}：{_as_text(v)}" for k, v in value.items()) or "—"
    if isinstance(value, list):
        return "、".join(_as_text(v) for v in value) or "—"
    return "—" if value is None else str(value)


def _extra(key: str, value):
    """Keys the services record that are no model field: (name for people, value)."""
    from kefu.org.roles import Role

    if key == "roles" and isinstance(value, list):
        labels = dict(Role.choices)
        return _("Roles"), "、".join(str(labels.get(v, v)) for v in value)
    if key == "which":
        return _("time limit"), value
    return key, value


def _fields(model, recorded: dict | None) -> list[tuple[str, object]]:
    """(field's name for people, value) pairs; a key that is no field stays as recorded."""
    out = []
    for key, value in (recorded or {}).items():
        field = None
        if model is not None:
            try:
                field = model._meta.get_field(key)
            except Exception:  # noqa: BLE001 - FieldDoesNotExist or a reverse relation
                field = None
        if field is None or not hasattr(field, "verbose_name"):
            name, shown = _extra(key, value)
            out.append((name, _as_text(shown) if isinstance(shown, list | dict) else shown))
            continue
        out.append((str(field.verbose_name), _shown_value(field, value)))
    return out


@login_required
def audit_list(request):
    """The audit trail for auditors: filter by record, user, action and day (R-SEC-2)."""
    g = request.GET
    since = _day(g.get("since", ""))
    until = _day(g.get("until", ""))
    entries = audit_entries(
        user=request.user,
        target_type=g.get("target_type") or None,
        target_id=g.get("target_id") or None,
        actor=g.get("actor") or None,
        action=g.get("action") or None,
        since=since,
        until=until + dt.timedelta(days=1) if until else None,
    )
    page = Paginator(entries, 50).get_page(g.get("page"))
    # Field lists for the template: a recorded field may itself be called "items" or
    # "keys", which a template's ``before.items`` would look up instead of the method.
    # Field names, choice values and times are shown as people read them; the record type
    # as the model's name.
    for entry in page:
        model = _model(entry.target_type)
        entry.target_label = str(model._meta.verbose_name) if model else entry.target_type
        entry.before_fields = _fields(model, entry.before)
        entry.after_fields = _fields(model, entry.after)
    return render(
        request,
        "audit/list.html",
        {"page": page, "filters": g, "actions": Action.choices},
    )
