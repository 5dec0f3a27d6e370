"""The standard KPI set of R-SUP-4, ready for schemes; an administrator may change them."""

from django.db import migrations

STANDARD = [
    ("answer_rate", "接通率", "result", "fixed", "answer_rate", True),
    ("service_level", "服务水平", "result", "fixed", "service_level", True),
    ("fcr", "一次办结率", "result", "variable", "fcr", True),
    ("repeat_contact_rate", "重复来电率", "process", "variable", "repeat_contact_rate", False),
    ("complaints_per_10k", "万户投诉量", "result", "fixed", "complaints_per_10k", False),
    ("time_limit_compliance", "时限达标率", "process", "fixed", "time_limit_compliance", True),
    ("callback_completion", "回访完成率", "process", "fixed", "callback_completion", True),
    ("satisfaction", "客户满意度", "result", "variable", "satisfaction", True),
]


def seed(apps, schema_editor):
    Indicator = apps.get_model("reports", "Indicator")
    for code, name, kind, variability, formula, higher in STANDARD:
        Indicator.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "variability": variability,
                "formula": formula,
                "params": {},
                "higher_is_better": higher,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_kpis_and_monthly_reports")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
