"""Contracts and claims (R-CUS-7); signing and cancelling move the customer's class (R-CUS-2)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.customers import events
from kefu.customers.models import (
    Claim,
    Contract,
    ContractStatus,
    Customer,
    CustomerClass,
)
from kefu.customers.services._common import (
    _amount,
    _class_set,
    _contract_transition,
    _date,
    _has_live_contract,
    _user,
)
from kefu.customers.services.blacklist import ensure_not_blacklisted
from kefu.errors import Conflict, ValidationFailed
from kefu.org.permissions import check


@transaction.atomic
def contract_create(
    *,
    actor,
    customer: Customer,
    number: str,
    amount,
    signed_on,
    delivered_on=None,
    title: str = "",
) -> Contract:
    """R-CUS-7: record a contract; refused for a blacklisted customer (R-CUS-5).

    Signing makes the customer an owner (R-CUS-2), recorded in the class history.
    """
    check(actor, "customer.contract", department=customer.department)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.is_merged:
        raise Conflict(
            message=_("This customer was merged into #%(id)s.") % {"id": customer.merged_into_id}
        )
    ensure_not_blacklisted(customer, _("contract"))
    number = (number or "").strip()
    if not number:
        raise ValidationFailed.on("number", _("number: the contract number is required."))
    if len(number) > 50:
        raise ValidationFailed.on("number", _("number is longer than 50 characters."))
    amount = _amount("amount", amount)
    signed = _date("signed_on", signed_on)
    if signed is None:
        raise ValidationFailed.on("signed_on", _("signed_on: the signing date is required."))
    delivered = _date("delivered_on", delivered_on)
    if delivered is not None and delivered < signed:
        raise ValidationFailed.on(
            "delivered_on", _("delivered_on: delivery cannot be before signing.")
        )
    if Contract.objects.filter(number=number).exists():
        raise Conflict(message=_("Contract number %(n)s already exists.") % {"n": number})
    contract = Contract.objects.create(
        customer=customer,
        number=number,
        title=(title or "").strip()[:200],
        amount=amount,
        signed_on=signed,
        delivered_on=delivered,
        status=ContractStatus.DELIVERED if delivered else ContractStatus.SIGNED,
        created_by=_user(actor),
    )
    events.contract_signed(contract, actor=actor)
    if delivered:
        events.contract_delivered(contract, actor=actor)
    _class_set(
        customer,
        CustomerClass.OWNER,
        actor=actor,
        reason=_("contract %(n)s signed") % {"n": number},
        contract=contract,
    )
    audit_record(actor=actor, action=Action.CREATE, target=contract, after=snapshot(contract))
    return contract


@transaction.atomic
def contract_deliver(*, actor, contract: Contract, delivered_on) -> Contract:
    """R-CUS-7: record the delivery date, which drives callbacks (R-FUP-1)."""
    check(actor, "customer.contract", department=contract.customer.department)
    contract = Contract.objects.select_for_update().select_related("customer").get(pk=contract.pk)
    delivered = _date("delivered_on", delivered_on)
    if delivered is None:
        raise ValidationFailed.on("delivered_on", _("delivered_on: the delivery date is required."))
    if delivered < contract.signed_on:
        raise ValidationFailed.on(
            "delivered_on", _("delivered_on: delivery cannot be before signing.")
        )
    before = snapshot(contract)
    _contract_transition(contract, ContractStatus.DELIVERED)
    contract.delivered_on = delivered
    contract.save(update_fields=["status", "delivered_on"])
    events.contract_delivered(contract, actor=actor)
    audit_record(
        actor=actor, action=Action.UPDATE, target=contract, before=before, after=snapshot(contract)
    )
    return contract


@transaction.atomic
def contract_cancel(*, actor, contract: Contract, reason: str) -> Contract:
    """Cancel a contract; with no live contract left the owner goes back to intended (R-CUS-2)."""
    check(actor, "customer.contract", department=contract.customer.department)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.on("reason", _("reason: say why the contract is cancelled."))
    contract = Contract.objects.select_for_update().select_related("customer").get(pk=contract.pk)
    before = snapshot(contract)
    _contract_transition(contract, ContractStatus.CANCELLED)
    contract.cancelled_at = timezone.now()
    contract.cancel_reason = reason
    contract.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    events.contract_cancelled(contract, actor=actor)
    customer = contract.customer
    if customer.customer_class == CustomerClass.OWNER and not _has_live_contract(customer):
        _class_set(
            customer,
            CustomerClass.INTENDED,
            actor=actor,
            reason=_("contract %(n)s cancelled") % {"n": contract.number},
            contract=contract,
        )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=contract,
        before=before,
        after=snapshot(contract),
        reason=reason,
    )
    return contract


@transaction.atomic
def claim_create(
    *, actor, contract: Contract, claimed_on, amount_claimed, amount_paid=0, description: str = ""
) -> Claim:
    """Record a claim and the compensation paid against a contract (read by R-CUS-6)."""
    check(actor, "customer.contract", department=contract.customer.department)
    day = _date("claimed_on", claimed_on)
    if day is None:
        raise ValidationFailed.on("claimed_on", _("claimed_on: the date of the claim is required."))
    if day > timezone.localdate():
        raise ValidationFailed.on("claimed_on", _("claimed_on: the date is in the future."))
    claimed = _amount("amount_claimed", amount_claimed)
    paid = _amount("amount_paid", amount_paid or 0)
    claim = Claim.objects.create(
        customer=contract.customer,
        contract=contract,
        claimed_on=day,
        amount_claimed=claimed,
        amount_paid=paid,
        description=description or "",
        created_by=_user(actor),
    )
    events.claim_recorded(claim, actor=actor)
    audit_record(actor=actor, action=Action.CREATE, target=claim, after=snapshot(claim))
    return claim
