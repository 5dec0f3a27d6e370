"""Seed the tiered review table (分级会审, R-PLN-2) with defaults the administrator can edit.

The seed sets the principle (by customer type and project amount; the largest to the
decision committee) but no figures; these are a starting point. Amounts in yuan.
"""

from decimal import Decimal

from django.db import migrations

SUPERVISOR, DIRECTOR, GM, COMMITTEE = "cs_supervisor", "director", "gm", "committee"
DEFAULTS = {
    # Potential and intended customers carry more risk: lower thresholds.
    "potential": [
        ("200000", [SUPERVISOR]),
        ("1000000", [SUPERVISOR, DIRECTOR]),
        ("5000000", [SUPERVISOR, DIRECTOR, GM]),
    ],
    "intended": [
        ("500000", [SUPERVISOR]),
        ("2000000", [SUPERVISOR, DIRECTOR]),
        ("10000000", [SUPERVISOR, DIRECTOR, GM]),
    ],
    "owner": [
        ("1000000", [SUPERVISOR]),
        ("5000000", [SUPERVISOR, DIRECTOR]),
        ("20000000", [SUPERVISOR, DIRECTOR, GM]),
    ],
}


def seed(apps, schema_editor):
    ApprovalThreshold = apps.get_model("plans", "ApprovalThreshold")
    for customer_class, rows in DEFAULTS.items():
        for up_to, chain in rows:
            ApprovalThreshold.objects.get_or_create(
                customer_class=customer_class, up_to=Decimal(up_to), defaults={"chain": chain}
            )


def unseed(apps, schema_editor):
    ApprovalThreshold = apps.get_model("plans", "ApprovalThreshold")
    for customer_class, rows in DEFAULTS.items():
        for up_to, chain in rows:
            ApprovalThreshold.objects.filter(
                customer_class=customer_class, up_to=Decimal(up_to), chain=chain
            ).delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_plans_and_reviews")]

    operations = [migrations.RunPython(seed, unseed)]
