"""R-CUS-10: import customers from xlsx/csv (validate every row, then write all at once),
and export a search result to xlsx/csv with the same masking as the screen (R-SEC-1)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.models import Action, AuditEntry
from kefu.audit.services import audit_record, snapshot
from kefu.customers import search
from kefu.customers.events import Kind as EventKind
from kefu.customers.masking import PERSONAL_FIELDS, mask
from kefu.customers.models import ClassChange, Customer, CustomerClass, TimelineEvent
from kefu.customers.services import clean_customer_fields
from kefu.errors import Conflict, DomainError, ValidationFailed
from kefu.org.permissions import check

# Column headers understood on import (Chinese first, English field names too) and used on export.
COLUMNS: list[tuple[str, str]] = [
    ("name", "姓名"),
    ("kind", "类型"),
    ("gender", "性别"),
    ("birth_date", "出生日期"),
    ("age", "年龄"),
    ("education", "学历"),
    ("occupation", "职业"),
    ("job_title", "职务"),
    ("company", "公司"),
    ("industry", "行业"),
    ("income_band", "收入"),
    ("family_structure", "家庭结构"),
    ("address", "地址"),
    ("phone", "电话"),
    ("phone_alt", "其他电话"),
    ("email", "邮箱"),
    ("id_number", "证件号码"),
    ("personality_notes", "性格"),
    ("interests", "兴趣"),
    ("purchase_attitude", "购买态度"),
    ("requirements", "需求"),
    ("visit_reactions", "来访反应"),
    ("tags", "标签"),
    ("purchase_intent", "购买意向"),
    ("source", "来源"),
    ("customer_class", "客户类别"),
    ("credit", "信用"),
]
HEADER_ALIASES = {
    **{zh: f for f, zh in COLUMNS},
    **{f: f for f, _zh in COLUMNS},
    "客户名称": "name",
    "名称": "name",
    "手机": "phone",
    "手机号": "phone",
    "联系电话": "phone",
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "统一社会信用代码": "id_number",
    "单位": "company",
    "工作单位": "company",
    "电子邮箱": "email",
    "收入水平": "income_band",
}
VALUE_ALIASES = {
    "kind": {
        "个人": "person",
        "单位": "organisation",
        "企业": "organisation",
        "公司": "organisation",
    },
    "gender": {"男": "male", "女": "female"},
    "education": {
        "小学": "primary",
        "初中": "secondary",
        "高中": "secondary",
        "中专": "secondary",
        "大专": "college",
        "本科": "bachelor",
        "硕士": "master",
        "博士": "doctorate",
    },
    "customer_class": {"潜在客户": "potential", "意向客户": "intended", "业主": "owner"},
    "credit": {"好": "good", "良好": "good", "一般": "normal", "差": "poor"},
}
MAX_ROWS = 1_000_000


@dataclass
class BadRow:
    row: int
    reason: str
    values: list


@dataclass
class ImportReport:
    headers: list[str]
    total: int = 0
    good: list[tuple[int, dict]] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)
    rows: list[list] = field(default_factory=list, repr=False)


def read_table(file_name: str, content: bytes) -> tuple[list[str], list[list]]:
    """The header row and data rows of an xlsx or csv file; anything else is refused."""
    name = (file_name or "").lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - any unreadable workbook is the same bad input
            raise ValidationFailed.on(
                "file", _("file: this is not a readable xlsx workbook.")
            ) from None
        rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        book.close()
    elif name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationFailed.on("file", _("file: the CSV is neither UTF-8 nor GB18030 text."))
        rows = [list(r) for r in csv.reader(io.StringIO(text))]
    else:
        raise ValidationFailed.on("file", _("file: only .xlsx and .csv files can be imported."))
    rows = [r for r in rows if any(v not in (None, "") for v in r)]
    if not rows:
        raise ValidationFailed.on("file", _("file: the file is empty."))
    headers = ["" if h is None else str(h).strip() for h in rows[0]]
    if "name" not in {HEADER_ALIASES.get(h) for h in headers}:
        raise ValidationFailed.on(
            "file",
            _("file: the first row must be a header row with at least a 姓名 (name) column."),
        )
    if len(rows) - 1 > MAX_ROWS:
        raise ValidationFailed.on(
            "file", _("file: at most %(n)d rows per import.") % {"n": MAX_ROWS}
        )
    return headers, rows[1:]


def _cell(value) -> str | None:
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def validate_rows(
    headers: list[str], rows: list[list], *, progress: Callable[[int, int], None] | None = None
) -> ImportReport:
    """Check every row as customer_create would, plus duplicates in the file and the archive."""
    mapping = [(i, HEADER_ALIASES.get(h)) for i, h in enumerate(headers)]
    unknown = [headers[i] for i, f in mapping if f is None and headers[i]]
    report = ImportReport(headers=headers, total=len(rows), rows=rows)
    seen: dict[str, int] = {}
    for n, raw in enumerate(rows, start=2):
        data = {}
        for i, f in mapping:
            if f is None or i >= len(raw):
                continue
            value = _cell(raw[i])
            if value is None or value == "":
                continue
            data[f] = VALUE_ALIASES.get(f, {}).get(value, value)
        try:
            if unknown:
                raise ValidationFailed.on(
                    "file", _("unknown columns: %(c)s") % {"c": ", ".join(unknown)}
                )
            if not data.get("name"):
                raise ValidationFailed.on("name", _("name is required."))
            clean = clean_customer_fields(data)
            if clean.get("customer_class") == CustomerClass.OWNER:
                raise ValidationFailed.on(
                    "customer_class", _("owners come from contracts; import as intended (R-CUS-2).")
                )
            for key in ("phone", "phone_alt", "id_number"):
                value = clean.get(key)
                if value and value in seen:
                    raise ValidationFailed.on(
                        key, _("%(f)s is the same as in row %(r)d.") % {"f": key, "r": seen[value]}
                    )
            for key in ("phone", "phone_alt", "id_number"):
                if clean.get(key):
                    seen[clean[key]] = n
            report.good.append((n, clean))
        except DomainError as exc:
            report.bad.append(BadRow(n, str(exc.message), raw))
        if progress and n % 1000 == 0:
            progress(n - 1, len(rows))
    _mark_archive_duplicates(report)
    return report


def _mark_archive_duplicates(report: ImportReport) -> None:
    keys = {}
    for n, clean in report.good:
        for f in ("phone", "phone_alt", "id_number"):
            if clean.get(f):
                keys.setdefault(clean[f], n)
    found: dict[str, int] = {}
    values = list(keys)
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        live = Customer.objects.filter(merged_into__isnull=True)
        for field_name in ("phone", "phone_alt", "id_number"):
            for pk, value in live.filter(**{f"{field_name}__in": chunk}).values_list(
                "pk", field_name
            ):
                found.setdefault(value, pk)
    if not found:
        return
    still_good = []
    for n, clean in report.good:
        clash = next(
            (clean[f] for f in ("phone", "phone_alt", "id_number") if clean.get(f) in found), None
        )
        if clash is None:
            still_good.append((n, clean))
        else:
            reason = _("duplicate of customer #%(id)s (same phone or ID, R-CUS-11)") % {
                "id": found[clash]
            }
            report.bad.append(BadRow(n, reason, report.rows[n - 2] if report.rows else []))
    report.good = still_good
    report.bad.sort(key=lambda b: b.row)


@transaction.atomic
def customers_import(
    *,
    actor,
    department,
    report: ImportReport,
    good_rows_only: bool = False,
    manager=None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """R-CUS-10: write the validated rows in one transaction; returns how many were created.

    Refused, writing nothing, when any row is bad unless ``good_rows_only``.
    """
    check(actor, "customer.import", department=department)
    check(actor, "customer.edit", department=department)
    if report.bad and not good_rows_only:
        raise ValidationFailed.on(
            "file",
            _(
                "%(n)d of %(t)d rows are bad; nothing was imported. "
                "Fix them, or import the good rows only."
            )
            % {"n": len(report.bad), "t": report.total},
        )
    now = timezone.now()
    actor_user = actor if getattr(actor, "pk", None) else None
    created = 0
    batch = 1000
    for start in range(0, len(report.good), batch):
        chunk = report.good[start : start + batch]
        customers = []
        for _n, clean in chunk:
            c = Customer(
                department=department, manager=manager, created_at=now, updated_at=now, **clean
            )
            c.search_text = search.customer_text(c)
            customers.append(c)
        Customer.objects.bulk_create(customers)
        search.index_customers([(c.pk, c.search_text) for c in customers], replace=False)
        ClassChange.objects.bulk_create(
            ClassChange(
                customer=c,
                to_class=c.customer_class,
                reason=_("imported"),
                actor=actor_user,
                at=now,
            )
            for c in customers
        )
        TimelineEvent.objects.bulk_create(
            TimelineEvent(
                customer=c,
                at=now,
                kind=EventKind.IMPORTED,
                summary=_("Customer imported"),
                actor=actor_user,
            )
            for c in customers
        )
        # One audit entry per created customer (R-SEC-2), written in bulk like the rows.
        AuditEntry.objects.bulk_create(
            AuditEntry(
                at=now,
                actor=actor_user,
                actor_name=actor.username if actor_user else "system",
                action=Action.CREATE,
                target_type="customers.customer",
                target_id=str(c.pk),
                target_repr=str(c)[:200],
                summary=_("imported"),
                after=snapshot(c),
            )
            for c in customers
        )
        created += len(customers)
        if progress:
            progress(created, len(report.good))
    return created


def bad_rows_xlsx(report: ImportReport) -> bytes:
    """The bad rows with their row number and reason, as an xlsx the user can fix and re-import."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Bad rows"))
    sheet.append([_("Row"), _("Reason"), *report.headers])
    for bad in report.bad:
        sheet.append([bad.row, bad.reason, *[_cell(v) for v in bad.values]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- export


def _export_row(c: Customer) -> list:
    personal = {f: mask(f, getattr(c, f)) for f in PERSONAL_FIELDS}
    row = [c.pk]
    for f, _zh in COLUMNS:
        if f in personal:
            row.append(personal[f])
        elif f in {"interests", "tags"}:
            row.append("，".join(getattr(c, f)))
        elif f in {"kind", "gender", "education", "customer_class", "credit"}:
            row.append(str(getattr(c, f"get_{f}_display")()) if getattr(c, f) else "")
        else:
            value = getattr(c, f)
            row.append("" if value is None else str(value))
    row += [
        c.first_grade,
        c.second_grade,
        c.department.name,
        c.manager.display_name if c.manager_id else "",
    ]
    return row


def customers_export(*, actor, queryset, fmt: str) -> tuple[bytes, str, str]:
    """Export customers (a search result) to xlsx or csv, masked as on screen (R-SEC-1, R-CUS-10).

    Returns (content, content type, file name); the export is recorded in the audit trail.
    """
    check(actor, "customer.export")
    if fmt not in {"xlsx", "csv"}:
        raise ValidationFailed.on("format", _("format must be xlsx or csv."))
    header = ["ID", *[zh for _f, zh in COLUMNS], "价值等级", "关系等级", "服务部门", "客户经理"]
    rows = (
        _export_row(c)
        for c in queryset.select_related("department", "manager").iterator(chunk_size=2000)
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        count = 0
        for row in rows:
            writer.writerow(row)
            count += 1
        content = out.getvalue().encode("utf-8-sig")
        kind = "text/csv; charset=utf-8"
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("客户")
        sheet.append(header)
        count = 0
        for row in rows:
            sheet.append(row)
            count += 1
        buffer = io.BytesIO()
        book.save(buffer)
        content = buffer.getvalue()
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    audit_record(
        actor=actor,
        action=Action.OTHER,
        target_type="customers.customer",
        summary=_("exported %(n)d customers (%(fmt)s, masked)") % {"n": count, "fmt": fmt},
    )
    return content, kind, f"customers-{stamp}.{fmt}"


def quality_xlsx(high: list[dict], poor: list[dict]) -> bytes:
    """R-CUS-4: the two quality lists, one sheet each, each line with its reasons."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, lines in ((_("High-quality customers"), high), (_("Poor-quality customers"), poor)):
        sheet = book.create_sheet(title[:31])
        sheet.append(["ID", "姓名", "价值等级", "服务部门", "原因"])
        for line in lines:
            sheet.append(
                [
                    line["id"],
                    line["name"],
                    line["grade"],
                    line["department"],
                    "；".join(line["reasons"]),
                ]
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def customer_import_run(job_id: int) -> None:
    """Run a page import in the worker: validate with progress, then write atomically.

    The job row is updated outside the write transaction so the page can poll it.
    """
    from kefu.customers.models import CustomerImport, ImportStatus

    job = CustomerImport.objects.select_related("created_by", "department").get(pk=job_id)
    CustomerImport.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, done=0)

    def progress(done: int, total: int) -> None:
        CustomerImport.objects.filter(pk=job.pk).update(done=done, total=total)

    try:
        headers, rows = read_table(job.file_name, bytes(job.content))
        CustomerImport.objects.filter(pk=job.pk).update(total=len(rows))
        report = validate_rows(headers, rows, progress=progress)
        bad = [
            {"row": b.row, "reason": b.reason, "values": [_cell(v) for v in b.values]}
            for b in report.bad
        ]
        if report.bad and not job.good_rows_only:
            CustomerImport.objects.filter(pk=job.pk).update(
                status=ImportStatus.INVALID, errors=bad, done=report.total, headers_json=headers
            )
            return
        created = customers_import(
            actor=job.created_by,
            department=job.department,
            report=report,
            good_rows_only=job.good_rows_only,
        )
        # The uploaded file holds personal data; once imported it is not kept (R-SEC-1).
        CustomerImport.objects.filter(pk=job.pk).update(
            status=ImportStatus.DONE,
            errors=bad,
            done=report.total,
            created_count=created,
            headers_json=headers,
            content=b"",
        )
    except DomainError as exc:
        CustomerImport.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, message=str(exc.message)
        )


@transaction.atomic
def customer_import_start(
    *, actor, department, file_name: str, content: bytes, good_rows_only: bool
):
    """Check the file's type and header now, then hand the rows to the worker (R-CUS-10)."""
    from kefu.customers.models import CustomerImport
    from kefu.customers.tasks import customer_import

    check(actor, "customer.import", department=department)
    read_table(file_name, content)
    job = CustomerImport.objects.create(
        created_by=actor,
        file_name=file_name[:200],
        content=content,
        good_rows_only=good_rows_only,
        department=department,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=job,
        summary=_("customer import of %(f)s started") % {"f": file_name},
    )
    transaction.on_commit(lambda: customer_import(job.pk))
    return job


def customer_import_retry_good_rows(*, actor, job):
    """After a report of bad rows, import the good rows only (the user asked for it)."""
    from kefu.customers.models import CustomerImport, ImportStatus
    from kefu.customers.tasks import customer_import

    check(actor, "customer.import", department=job.department)
    if job.status != ImportStatus.INVALID:
        raise Conflict(message=_("Only an import with bad rows can be retried."))
    CustomerImport.objects.filter(pk=job.pk).update(
        good_rows_only=True, status=ImportStatus.PENDING
    )
    customer_import(job.pk)
