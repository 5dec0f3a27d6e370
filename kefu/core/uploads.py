"""One check for every uploaded file: its size and what it really is (docs/reliability.md).

Each kind of upload has a largest size (settings.UPLOAD_MAX_MB, KEFU_UPLOAD_*_MB) and a
list of accepted types. The type is judged by the file's first bytes, not only by its
name: a program renamed to ``report.pdf`` is refused. A refusal is a
:class:`~kefu.errors.ValidationFailed` naming the field (400), or :class:`UploadTooLarge`
(413); pages show its message beside the field, the API sends it as a problem body.
"""

from __future__ import annotations

import codecs
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _

from kefu.errors import FieldError, ValidationFailed

ZIP = b"PK\x03\x04"  # xlsx and docx are zip files
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .doc
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF",),
    ".docx": (ZIP,),
    ".xlsx": (ZIP,),
    ".doc": (OLE,),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}
TEXT = "text"  # plain text: no NUL byte, UTF-8 or GB18030
# kind -> accepted name endings (empty: any name) and the type of the content.
KINDS: dict[str, tuple[tuple[str, ...], dict[str, str | tuple[bytes, ...]]]] = {
    "customer_import": ((".xlsx", ".csv"), {".xlsx": SIGNATURES[".xlsx"], ".csv": TEXT}),
    "call_import": ((), {"": TEXT}),
    "incident_report": (
        (".pdf", ".doc", ".docx", ".txt", ".jpg", ".jpeg", ".png", ".xlsx"),
        {**SIGNATURES, ".txt": TEXT},
    ),
}
HEAD_BYTES = 64 * 1024


class UploadTooLarge(ValidationFailed):
    status = 413
    code = "too-large"

    def title(self) -> str:
        return _("File too large")


def max_bytes(kind: str) -> int:
    return settings.UPLOAD_MAX_MB[kind] * 1024 * 1024


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            # Not final: the head may end in the middle of a character.
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return True
        except UnicodeDecodeError:
            continue
    return False


def _head(upload) -> bytes:
    if isinstance(upload, bytes | bytearray | memoryview):
        return bytes(upload[:HEAD_BYTES])
    position = upload.tell() if hasattr(upload, "tell") else 0
    head = upload.read(HEAD_BYTES)
    upload.seek(position)
    return head


def _size(upload) -> int:
    if isinstance(upload, bytes | bytearray | memoryview):
        return len(upload)
    return int(upload.size)


def check_upload(upload, kind: str, *, field: str = "file", name: str | None = None) -> None:
    """Refuse ``upload`` (an UploadedFile, or bytes with ``name``) when it is empty, larger
    than the kind allows, or not of an accepted type judged by name and first bytes."""
    endings, contents = KINDS[kind]
    name = name if name is not None else (getattr(upload, "name", "") or "")
    suffix = PurePath(name).suffix.lower()
    if endings and suffix not in endings:
        raise _refused(
            field, _("Only these files are accepted: %(t)s.") % {"t": ", ".join(endings)}
        )
    size = _size(upload)
    if size == 0:
        raise _refused(field, _("The file is empty."))
    limit = max_bytes(kind)
    if size > limit:
        message = _("The file is %(size)s MB; at most %(max)s MB is accepted.") % {
            "size": f"{size / 1024 / 1024:.1f}",
            "max": settings.UPLOAD_MAX_MB[kind],
        }
        raise UploadTooLarge(message=message, errors=[FieldError(field, message)])
    expected = contents.get(suffix, contents.get(""))
    head = _head(upload)
    fits = _is_text(head) if expected == TEXT else head.startswith(expected or ())
    if not fits:
        what = _("a text file") if expected == TEXT else suffix
        raise _refused(
            field,
            _("The content of %(name)s is not %(what)s; choose the right file.")
            % {"name": PurePath(name).name or _("the file"), "what": what},
        )


def _refused(field: str, message: str) -> ValidationFailed:
    return ValidationFailed.on(field, message)


def form_check(upload, kind: str) -> None:
    """:func:`check_upload` for a form's ``clean_<field>``: a refusal is a form error."""
    from django import forms

    try:
        check_upload(upload, kind)
    except ValidationFailed as exc:
        raise forms.ValidationError(exc.message) from None
