"""The seed's sanction table (R-INC-6) as the rows a new installation starts with.

The administrator edits them afterwards (page, API); reversing removes only rows
still exactly as the seed left them.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import migrations

# (severity, role, measure, fine yuan, risk deposit %, note): the seed's 安全目标 ①②④.
SEED_RULES = [
    ("fatal", "unit_head", "removal", 0, 100, "发生死亡事故：责任单位党政负责人免职或撤职"),
    ("fatal", "shift_leader", "removal", 0, 100, "发生死亡事故：跟班区队长免职或撤职"),
    ("fatal", "responsible", "dismissal", 0, 0, "发生死亡事故：责任者予以开除"),
    ("serious", "unit_head", "warning", 0, 100, "重伤或重大非人身事故：党政负责人警告或降级"),
    ("serious", "shift_leader", "demotion", 0, 100, "跟班区队长降级，一年内不予复级"),
    ("serious", "responsible", "dismissal", 0, 0, "重伤或重大非人身事故：责任者予以开除"),
    ("injury", "unit_head", "none", 0, 50, "单位工伤：扣发管理人员当月风险抵押金安全部分50%"),
    ("injury", "shift_leader", "none", 0, 50, "单位工伤：扣发管理人员当月风险抵押金安全部分50%"),
    ("violation", "unit_head", "none", 0, 50, "“三违”超标：扣发管理人员当月风险抵押金安全部分50%"),
    (
        "violation",
        "shift_leader",
        "none",
        0,
        50,
        "“三违”超标：扣发管理人员当月风险抵押金安全部分50%",
    ),
]


def load(apps, schema_editor):
    rule = apps.get_model("incidents", "SanctionRule")
    for severity, role, measure, fine, deposit, note in SEED_RULES:
        rule.objects.get_or_create(
            severity=severity,
            role=role,
            defaults={
                "measure": measure,
                "fine_yuan": Decimal(fine),
                "deposit_percent": deposit,
                "note": note,
            },
        )


def unload(apps, schema_editor):
    rule = apps.get_model("incidents", "SanctionRule")
    for severity, role, measure, fine, deposit, _note in SEED_RULES:
        rule.objects.filter(
            severity=severity, role=role, measure=measure, fine_yuan=fine, deposit_percent=deposit
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_incidents_sanctions_inspections")]

    operations = [migrations.RunPython(load, unload)]
