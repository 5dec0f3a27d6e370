"""Importing call records (R-CC-2): parse, then bulk-write in batches; a file twice adds nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.models import Action
from kefu.audit.services import audit_record
from kefu.callcenter import importers
from kefu.callcenter.importers import ImportInputError
from kefu.callcenter.models import ImportJob, ImportStatus
from kefu.callcenter.services import import_pipeline, import_writer
from kefu.core.periods import zone as local_zone
from kefu.errors import ValidationFailed
from kefu.org.permissions import check

_IMPORT_COLUMNS = import_writer.IMPORT_COLUMNS  # the columns an import writes


def _check_request(fmt: str, mapping: str) -> None:
    if fmt not in importers.FORMATS:
        raise ValidationFailed.on(
            "format",
            _("Unknown format %(f)s; use one of %(all)s.")
            % {"f": fmt, "all": ", ".join(importers.FORMATS)},
        )
    if fmt == "csv":
        if not (mapping or "").strip():
            raise ValidationFailed.on("mapping", _("A CSV import needs a column mapping (TOML)."))
        try:
            importers.read_mapping(mapping)
        except ImportInputError as exc:
            raise ValidationFailed.on(exc.parameter, f"{exc.parameter}: {exc.message}") from None


def calls_import(
    *,
    actor,
    file_name: str,
    content: bytes | BinaryIO,
    fmt: str,
    mapping: str = "",
    progress: Callable[[int], None] | None = None,
    job: ImportJob | None = None,
) -> ImportJob:
    """R-CC-2: import one telephone-system file; each call once, bad lines reported.

    ``content`` is the file's bytes or a binary file object. The parser
    (:mod:`kefu.callcenter.importers`, pure; in a second process for a big file, see
    :mod:`~kefu.callcenter.services.import_pipeline`) hands over finished rows which are
    written in batches by the database's bulk path, keyed by their unique id: importing the
    same file twice, or one that overlaps an earlier one or the live events, adds nothing
    twice. A queue_log is read and written as a stream, so memory does not grow with the
    file. All batches are one transaction: a file is imported whole or not at all.
    """
    check(actor, "callcenter.import")
    _check_request(fmt, mapping)
    with transaction.atomic():
        try:
            summary, added = import_pipeline.run(fmt, content, mapping, local_zone(), progress)
        except ImportInputError as exc:
            raise ValidationFailed.on(exc.parameter, f"{exc.parameter}: {exc.message}") from None
        found = summary["found"]
        known = found - added
        bad = [{"line": line, "reason": reason} for line, reason in summary["bad"]]
        fields = {
            "lines": summary["lines"],
            "calls_found": found,
            "added": added,
            "already_known": known,
            "incomplete": summary["incomplete"],
            "duplicate_lines": summary["duplicate_lines"],
            "bad_lines": bad,
            "other_events": summary["other_events"],
            "status": ImportStatus.DONE,
            "content": b"",
            "finished_at": timezone.now(),
        }
        if job is None:
            job = ImportJob.objects.create(
                file_name=file_name[:200],
                format=fmt,
                mapping=mapping,
                created_by=actor if getattr(actor, "pk", None) else None,
                **fields,
            )
        else:
            for name, value in fields.items():
                setattr(job, name, value)
            job.save(update_fields=list(fields))
        audit_record(
            actor=actor,
            action=Action.CREATE,
            target=job,
            summary=_(
                "imported %(file)s: %(added)d calls added, %(known)d already known, "
                "%(bad)d bad lines"
            )
            % {"file": file_name, "added": added, "known": known, "bad": len(bad)},
        )
    return job


@transaction.atomic
def call_import_start(
    *, actor, file_name: str, content: bytes, fmt: str, mapping: str = ""
) -> ImportJob:
    """R-CC-2 from a page or the API: check the request now, import in the worker."""
    from kefu.callcenter.tasks import call_import

    check(actor, "callcenter.import")
    _check_request(fmt, mapping)
    if not content:
        raise ValidationFailed.on("file", _("The file is empty."))
    job = ImportJob.objects.create(
        file_name=file_name[:200],
        format=fmt,
        mapping=mapping,
        content=content,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=job,
        summary=_("call import of %(f)s started") % {"f": file_name},
    )
    transaction.on_commit(lambda: call_import(job.pk))
    return job


def call_import_run(job_id: int) -> None:
    """The worker's half of :func:`call_import_start`; a refusal marks the job failed."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportStatus.PENDING:
        return
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    actor = job.created_by
    if actor is None:
        from kefu.org.permissions import SYSTEM

        actor = SYSTEM

    def progress(lines: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(lines=lines)

    try:
        calls_import(
            actor=actor,
            file_name=job.file_name,
            content=bytes(job.content),
            fmt=job.format,
            mapping=job.mapping,
            progress=progress,
            job=job,
        )
    except ValidationFailed as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, message=str(exc.message), content=b""
        )
