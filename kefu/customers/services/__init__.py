"""Every write to the customer archive: one function per business action.

Each checks the actor's permission and the customer's department first (R-SEC-3),
runs in one transaction, keeps the search index in step (R-CUS-9) and writes
the audit trail (R-SEC-2) and the customer's timeline (R-CUS-8).
The modules of this package group the actions; callers use
``kefu.customers.services.<name>``.
"""

from __future__ import annotations

from kefu.customers.services._common import CUSTOMER_FIELDS, clean_customer_fields
from kefu.customers.services.blacklist import (
    active_blacklist_entry,
    customer_blacklist,
    customer_blacklist_lift,
    ensure_not_blacklisted,
)
from kefu.customers.services.confidentiality import customer_reveal_field
from kefu.customers.services.contracts import (
    claim_create,
    contract_cancel,
    contract_create,
    contract_deliver,
)
from kefu.customers.services.grading import grading_approve, grading_propose
from kefu.customers.services.merge import customer_merge
from kefu.customers.services.quality import quality_list_store
from kefu.customers.services.records import contact_create, customer_create, customer_update

__all__ = [
    "CUSTOMER_FIELDS",
    "active_blacklist_entry",
    "claim_create",
    "clean_customer_fields",
    "contact_create",
    "contract_cancel",
    "contract_create",
    "contract_deliver",
    "customer_blacklist",
    "customer_blacklist_lift",
    "customer_create",
    "customer_merge",
    "customer_reveal_field",
    "customer_update",
    "ensure_not_blacklisted",
    "grading_approve",
    "grading_propose",
    "quality_list_store",
]
