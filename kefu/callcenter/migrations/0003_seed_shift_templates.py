"""R-CC-7: the seed's three shifts as the first shift templates (08:00–20:00, 09:00–21:00,
20:00–08:00 the next day), with the codes the pure roster uses."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

SEED = (
    ("day", "白班", dt.time(8), dt.time(20)),
    ("middle", "中班", dt.time(9), dt.time(21)),
    ("night", "夜班", dt.time(20), dt.time(8)),
)


def seed(apps, schema_editor):
    ShiftTemplate = apps.get_model("callcenter", "ShiftTemplate")
    for code, name, start, end in SEED:
        ShiftTemplate.objects.get_or_create(
            code=code,
            defaults={"name": name, "start": start, "end": end, "paid_hours": Decimal("12")},
        )


def unseed(apps, schema_editor):
    ShiftTemplate = apps.get_model("callcenter", "ShiftTemplate")
    ShiftTemplate.objects.filter(code__in=[code for code, *_ in SEED]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("callcenter", "0002_shift_templates_leave_overrides"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
