"""A new installation's time limits, complaint categories and fee schedule.

The seed sets no minutes for time limits, so these are Kefu's defaults; the supervisor
changes them on the ticket settings page. Faults count around the clock (the call
centre works 7×24, R-CC-6); everything else counts business hours on the work calendar.
"""

from decimal import Decimal

from django.db import migrations

DAY = 450  # one business day of the default hours 09:00-12:00, 13:30-18:00, in minutes

LIMITS = {
    # kind: {priority: (respond minutes, resolve minutes)}, clock
    "complaint": (
        {"low": (120, 5 * DAY), "normal": (60, 3 * DAY), "high": (30, DAY), "urgent": (15, 240)},
        "business",
    ),
    "fault": (
        {
            "low": (120, 72 * 60),
            "normal": (60, 24 * 60),
            "high": (30, 8 * 60),
            "urgent": (15, 4 * 60),
        },
        "always",
    ),
    "service_request": (
        {"low": (240, 5 * DAY), "normal": (120, 2 * DAY), "high": (60, DAY), "urgent": (30, 240)},
        "business",
    ),
    "inquiry": (
        {"low": (240, 2 * DAY), "normal": (120, DAY), "high": (60, 240), "urgent": (30, 120)},
        "business",
    ),
    "demand": (
        {
            "low": (480, 10 * DAY),
            "normal": (480, 10 * DAY),
            "high": (240, 5 * DAY),
            "urgent": (120, 2 * DAY),
        },
        "business",
    ),
    "suggestion": (
        {
            "low": (480, 10 * DAY),
            "normal": (480, 10 * DAY),
            "high": (240, 5 * DAY),
            "urgent": (120, 2 * DAY),
        },
        "business",
    ),
}

CATEGORIES = {
    "服务态度": ["接待不热情", "推诿扯皮", "承诺未兑现"],
    "维修质量": ["维修不及时", "返修", "上门爽约"],
    "收费问题": ["收费不合理", "费用争议"],
    "环境卫生": ["公共区域卫生", "垃圾清运"],
    "安全秩序": ["门禁管理", "车辆停放", "噪音扰民"],
    "设施设备": ["电梯故障", "供水供电", "公共照明"],
    "其他": [],
}

FEES = [
    ("drain", "疏通下水道", "次", "50.00"),
    ("lamp", "更换灯具", "个", "20.00"),
    ("lock", "开锁", "次", "80.00"),
    ("tap", "更换水龙头", "个", "30.00"),
    ("appliance-visit", "家电维修上门费", "次", "30.00"),
    ("cleaning", "家庭保洁", "小时", "40.00"),
]


def seed(apps, schema_editor):
    TimeLimit = apps.get_model("tickets", "TimeLimit")
    ComplaintCategory = apps.get_model("tickets", "ComplaintCategory")
    FeeItem = apps.get_model("tickets", "FeeItem")
    for kind, (by_priority, clock) in LIMITS.items():
        for priority, (respond, resolve) in by_priority.items():
            TimeLimit.objects.get_or_create(
                kind=kind,
                priority=priority,
                defaults={
                    "response_minutes": respond,
                    "resolution_minutes": resolve,
                    "clock": clock,
                },
            )
    for name, children in CATEGORIES.items():
        parent, _ = ComplaintCategory.objects.get_or_create(name=name, parent=None)
        for child in children:
            ComplaintCategory.objects.get_or_create(name=child, parent=parent)
    for code, name, unit, price in FEES:
        FeeItem.objects.get_or_create(
            code=code, defaults={"name": name, "unit": unit, "price": Decimal(price)}
        )


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
