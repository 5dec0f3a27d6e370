"""Reads of the customer archive that pages, the API, exports and other apps share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu import policy
from kefu.customers import search
from kefu.customers.masking import PERSONAL_FIELDS, mask
from kefu.customers.models import BlacklistEntry, Claim, Contract, ContractStatus, Credit, Customer
from kefu.errors import get_or_404
from kefu.org.permissions import allowed, check, scope_filter

ZERO = Decimal(0)
_MONEY = models.DecimalField(max_digits=16, decimal_places=2)


def customers_visible(user, code: str = "customer.view"):
    """Live (not merged) customers ``user`` may see under ``code`` (R-SEC-3 scoping)."""
    queryset = Customer.objects.filter(merged_into__isnull=True)
    return scope_filter(user, code, queryset).select_related("department", "manager")


def customer_get(
    user, pk, code: str = "customer.view", *, warning_figures: bool = False
) -> Customer:
    """One customer, or 404; a 403 naming the permission when outside the user's departments.
    ``warning_figures`` also reads its early-warning figures (R-CUS-6), once it may be seen."""
    customer = get_or_404(Customer.objects.select_related("department", "manager"), pk=pk)
    check(user, code, department=customer.department)
    if warning_figures:
        # Two aggregates after the check, not three subqueries in the customer's query:
        # building those cost the customer page 1.1 ms of CPU (issue 9's profile).
        figures = warning_figures_of(customer.pk)
        customer.recent_claims, customer.claims_paid, customer.contract_value = figures
    return customer


def customer_search(user, q: str | None, queryset=None):
    """R-CUS-9: customers matching any part of name, phone digits, company, address or ID.

    One gram index answers on each database (kefu/customers/search.py); newest
    first, at most ``search.SEARCH_LIMIT`` matches.
    """
    customers = customers_visible(user) if queryset is None else queryset
    found = search.matching_ids(q or "")
    if found is None:
        return customers.order_by("-pk") if q is None or not q.strip() else customers.none()
    if isinstance(found, tuple):
        # The query text travels as bound parameters; the SQL itself is constant.
        found = models.expressions.RawSQL(*found)  # noqa: S611
    return customers.filter(pk__in=found).order_by("-pk")


# ---------------------------------------------------------------- early warnings (R-CUS-6)


@dataclass(frozen=True)
class Warning:
    code: str
    message: str


def warning_flags(recent_claims: int, paid: Decimal, contract_value: Decimal) -> list[str]:
    """R-CUS-6: the early-warning flags from a customer's claim figures, by policy.

    ``frequent_claims``: at least N claims (policy, 3) within the last M months (12);
    ``high_loss_ratio``: paid claims ÷ live contract value above the policy (70%).
    Claims paid with no contract value behind them count as a high loss ratio.
    """
    flags = []
    if recent_claims >= policy.get("customers.frequent_claims_count"):
        flags.append("frequent_claims")
    limit = Decimal(policy.get("customers.high_loss_ratio_percent"))
    if paid > 0 and (contract_value <= 0 or paid * 100 / contract_value > limit):
        flags.append("high_loss_ratio")
    return flags


def _claims_since() -> dt.date:
    months = policy.get("customers.frequent_claims_months")
    today = timezone.localdate()
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    day = min(today.day, 28)
    return dt.date(year, month + 1, day)


def with_warning_figures(queryset):
    """Annotate recent_claims, claims_paid and contract_value (one subquery each, no N+1)."""
    since = _claims_since()
    claims = Claim.objects.filter(customer=models.OuterRef("pk")).order_by().values("customer")
    contracts = (
        Contract.objects.filter(customer=models.OuterRef("pk"))
        .exclude(status=ContractStatus.CANCELLED)
        .order_by()
        .values("customer")
    )
    return queryset.annotate(
        recent_claims=Coalesce(
            models.Subquery(
                claims.filter(claimed_on__gte=since).annotate(n=models.Count("pk")).values("n")
            ),
            0,
        ),
        claims_paid=Coalesce(
            models.Subquery(claims.annotate(s=models.Sum("amount_paid")).values("s")),
            models.Value(ZERO),
            output_field=_MONEY,
        ),
        contract_value=Coalesce(
            models.Subquery(contracts.annotate(s=models.Sum("amount")).values("s")),
            models.Value(ZERO),
            output_field=_MONEY,
        ),
    )


def warning_figures_of(customer_id: int) -> tuple[int, Decimal, Decimal]:
    """(recent claims, paid, live contract value) of one customer: R-CUS-6's figures."""
    claims = Claim.objects.filter(customer_id=customer_id).aggregate(
        recent=models.Count("pk", filter=models.Q(claimed_on__gte=_claims_since())),
        paid=models.Sum("amount_paid"),
    )
    value = (
        Contract.objects.filter(customer_id=customer_id)
        .exclude(status=ContractStatus.CANCELLED)
        .aggregate(s=models.Sum("amount"))["s"]
    )
    return claims["recent"], claims["paid"] or ZERO, value or ZERO


def warning_figures(customer_ids: list[int]) -> dict[int, tuple[int, Decimal, Decimal]]:
    """(recent claims, paid, live contract value) per customer id, in grouped queries."""
    since = _claims_since()
    out: dict[int, list] = {}
    ids = list(customer_ids)
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        claims = Claim.objects.filter(customer_id__in=chunk).values("customer")
        for pk, n in (
            claims.filter(claimed_on__gte=since)
            .annotate(n=models.Count("pk"))
            .values_list("customer", "n")
        ):
            out.setdefault(pk, [0, ZERO, ZERO])[0] = n
        for pk, paid in claims.annotate(s=models.Sum("amount_paid")).values_list("customer", "s"):
            out.setdefault(pk, [0, ZERO, ZERO])[1] = paid or ZERO
        for pk, value in (
            Contract.objects.filter(customer_id__in=chunk)
            .exclude(status=ContractStatus.CANCELLED)
            .values("customer")
            .annotate(s=models.Sum("amount"))
            .values_list("customer", "s")
        ):
            out.setdefault(pk, [0, ZERO, ZERO])[2] = value or ZERO
    return {pk: tuple(v) for pk, v in out.items()}


def _warning_messages(
    flags: list[str], recent: int, paid: Decimal, value: Decimal
) -> list[Warning]:
    out = []
    if "frequent_claims" in flags:
        out.append(
            Warning(
                "frequent_claims",
                _("Frequent claims: %(n)d claims in the last %(m)d months")
                % {"n": recent, "m": policy.get("customers.frequent_claims_months")},
            )
        )
    if "high_loss_ratio" in flags:
        ratio = _("no contract value") if value <= 0 else f"{paid * 100 / value:.0f}%"
        out.append(
            Warning(
                "high_loss_ratio",
                _("High loss ratio: paid %(p)s against %(v)s (%(r)s)")
                % {"p": paid, "v": value, "r": ratio},
            )
        )
    return out


def customer_warnings(customer) -> list[Warning]:
    """The early-warning flags of one customer, or of an annotated list row."""
    if hasattr(customer, "recent_claims"):
        recent, paid, value = customer.recent_claims, customer.claims_paid, customer.contract_value
    else:
        recent, paid, value = warning_figures_of(customer.pk)
    return _warning_messages(warning_flags(recent, paid, value), recent, paid, value)


def is_listed(entry: BlacklistEntry, today: dt.date) -> bool:
    """R-CUS-5: an entry keeps its customer on the blacklist until lifted or past its date."""
    return entry.lifted_at is None and (entry.until is None or entry.until >= today)


def active_blacklist(customer_ids) -> dict[int, BlacklistEntry]:
    today = timezone.localdate()
    entries = BlacklistEntry.objects.filter(
        customer_id__in=list(customer_ids), lifted_at__isnull=True
    ).filter(models.Q(until__isnull=True) | models.Q(until__gte=today))
    # Few customers are listed: their approvers are read only when there are entries (a
    # join on every page of search results cost 0.2 ms for nothing, issue 9).
    entries = list(entries)
    models.prefetch_related_objects(entries, "approved_by")
    return {e.customer_id: e for e in entries}


# ---------------------------------------------------------------- masking for display (R-SEC-1)


def personal_view(customer) -> dict[str, str]:
    """The personal fields as everyone sees them on screen, in lists, the API and exports:
    masked (R-SEC-1). The clear value is shown only through customer_reveal_field."""
    return {f: mask(f, getattr(customer, f)) for f in PERSONAL_FIELDS}


def can_reveal(user, customer) -> bool:
    if not allowed(user, "customer.reveal"):
        return False
    try:
        check(user, "customer.reveal", department=customer.department)
    except Exception:  # noqa: BLE001 - a refusal means "no"
        return False
    return True


# ---------------------------------------------------------------- quality lists (R-CUS-4)


@dataclass
class QualityLine:
    customer: Customer
    reasons: list[str]


def quality_lists(user, *, limit: int = 500) -> tuple[list[QualityLine], list[QualityLine]]:
    """R-CUS-4: the high-quality and the poor-quality customers, each with its reasons.

    High quality: value grade A (the key customers of R-CUS-3), no early warning,
    not blacklisted, credit not poor. Poor quality: unprofitable (claims paid at or
    above the contract value), low credit, high claims (either R-CUS-6 flag) or
    blacklisted. Computed on demand from the current data.
    """
    visible = scope_filter(
        user, "customer.report", Customer.objects.filter(merged_into__isnull=True)
    ).select_related("department", "manager")
    candidates = with_warning_figures(visible)
    listed_ids = BlacklistEntry.objects.filter(lifted_at__isnull=True).filter(
        models.Q(until__isnull=True) | models.Q(until__gte=timezone.localdate())
    )
    listed = active_blacklist(
        candidates.filter(pk__in=listed_ids.values("customer_id")).values_list("pk", flat=True)
    )
    high: list[QualityLine] = []
    for c in (
        candidates.filter(first_grade="A")
        .exclude(credit=Credit.POOR)
        .order_by("-contract_value")[: limit * 2]
    ):
        if c.pk in listed or warning_flags(c.recent_claims, c.claims_paid, c.contract_value):
            continue
        reasons = [
            _("key customer (value grade A), contract value %(v)s") % {"v": c.contract_value},
        ]
        if c.credit == Credit.GOOD:
            reasons.append(_("good credit"))
        reasons.append(_("no claim warnings"))
        high.append(QualityLine(c, reasons))
        if len(high) >= limit:
            break
    poor: list[QualityLine] = []
    risky = candidates.filter(
        models.Q(credit=Credit.POOR)
        | models.Q(pk__in=listed_ids.values("customer_id"))
        | models.Q(claims_paid__gt=0)
        | models.Q(recent_claims__gte=policy.get("customers.frequent_claims_count"))
    ).order_by("-claims_paid", "pk")
    for c in risky[: limit * 2]:
        reasons = []
        if c.claims_paid > 0 and c.claims_paid >= c.contract_value:
            reasons.append(
                _("unprofitable: claims paid %(p)s against contract value %(v)s")
                % {"p": c.claims_paid, "v": c.contract_value}
            )
        if c.credit == Credit.POOR:
            reasons.append(_("low credit"))
        reasons += [w.message for w in customer_warnings(c)]
        if c.pk in listed:
            reasons.append(
                _("blacklisted (entry #%(id)s: %(r)s)")
                % {"id": listed[c.pk].pk, "r": listed[c.pk].reason}
            )
        if reasons:
            poor.append(QualityLine(c, reasons))
        if len(poor) >= limit:
            break
    return high, poor


# ---------------------------------------------------------------- duplicates (R-CUS-11)


def customer_duplicates_of(user, customer: Customer) -> list[Customer]:
    """Other live customers with the same normalised phone or ID number (R-CUS-11)."""
    q = models.Q()
    for value in (customer.phone, customer.phone_alt):
        if value:
            q |= models.Q(phone=value) | models.Q(phone_alt=value)
    if customer.id_number:
        q |= models.Q(id_number=customer.id_number)
    if not q:
        return []
    return list(customers_visible(user).filter(q).exclude(pk=customer.pk).order_by("pk")[:50])


def duplicate_groups(user, *, limit: int = 200) -> list[dict]:
    """Groups of visible customers sharing a phone or an ID number, biggest first."""
    visible = customers_visible(user)
    groups = []
    for field in ("phone", "id_number"):
        values = (
            visible.exclude(**{field: ""})
            .values(field)
            .annotate(n=models.Count("pk"))
            .filter(n__gt=1)
            .order_by("-n")[:limit]
        )
        for row in values:
            members = list(visible.filter(**{field: row[field]}).order_by("pk")[:20])
            groups.append({"field": field, "value": mask(field, row[field]), "customers": members})
    return groups[:limit]
