"""Demo supervision data: six weeks of control-room duty log, signed by the supervisor except
the last few days; last month waiting for the director's sample; weekly reports of technical
service; a process walk-through with its fixes."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from kefu.org.models import User
from kefu.org.permissions import SYSTEM
from kefu.supervision import services
from kefu.supervision.services.dutylog import month_start
from kefu.supervision.weekly_figures import week_start_of

EVENTS = [
    ("业主来电报修：3栋2单元电梯异响", "已转工程部，约定今日16:00上门检修"),
    ("租户反映地下车库照明不足", "通知电工班次日更换灯管"),
    ("夜间巡查发现消防通道有杂物堆放", "已联系保洁清理，拍照留存"),
    ("业主投诉楼上装修噪音超时", "电话劝导装修方停工，次日回访业主"),
    ("协助催缴物业费：通知12户逾期业主", "已电话通知，3户承诺本周缴纳"),
    ("监控室报警：5栋水泵房水位过高", "通知值班工程师到场处理，排水完毕"),
    ("业主来电咨询停车卡办理", "告知所需材料及办理时间"),
    ("快递员反映门禁无法进入", "远程开门并登记，通知保安核实"),
    ("交接班：设备运行正常，无遗留事项", "按规定完成交接"),
    ("业主反映自来水发黄", "通知供水公司并在业主群发布说明"),
]


def _user(username: str):
    return User.objects.filter(username=username).first()


def load_supervision(rng: random.Random) -> None:
    now = timezone.now()
    today = timezone.localdate()
    operator = _user("duty_operator") or SYSTEM
    supervisor = _user("cs_supervisor") or SYSTEM
    tz = timezone.get_current_timezone()
    first = month_start(month_start(today) - dt.timedelta(days=1))
    day = first
    while day <= today:
        for hour in sorted(rng.sample([1, 3, 7, 9, 11, 14, 16, 19, 21, 23], rng.randint(3, 5))):
            when = dt.datetime.combine(day, dt.time(hour, rng.randint(0, 59)), tzinfo=tz)
            if when >= now:
                continue
            what, action = rng.choice(EVENTS)
            services.duty_log_entry_create(
                actor=operator,
                what=what,
                action=action,
                occurred_at=when,
                incident_ref=f"SG-{day:%Y%m}-{rng.randint(1, 99):03d}" if "报警" in what else "",
                now=when + dt.timedelta(minutes=rng.randint(1, 20)),
            )
        # The supervisor signs each morning; the last three days are still waiting.
        if day < today - dt.timedelta(days=3):
            services.duty_day_sign(
                actor=supervisor,
                day=day,
                note="已查阅，记录完整",
                now=dt.datetime.combine(day + dt.timedelta(days=1), dt.time(9, 30), tzinfo=tz),
            )
        day += dt.timedelta(days=1)

    # Weekly reports: last week's submitted, this week's drafted.
    this_week = week_start_of(today)
    last_week = this_week - dt.timedelta(days=7)
    services.weekly_reports_draft(
        actor=SYSTEM,
        week_start=last_week,
        now=dt.datetime.combine(last_week + dt.timedelta(days=4), dt.time(8), tzinfo=tz),
    )
    from kefu.supervision.models import WeeklyReport

    for report in WeeklyReport.objects.filter(week_start=last_week).select_related("person"):
        services.weekly_report_submit(
            actor=report.person,
            report=report,
            comments="本周处理报修及投诉均按程序完成；客户反映电梯维修响应较快，"
            "个别业主对停车位管理有意见，建议下周专项处理。",
            now=dt.datetime.combine(last_week + dt.timedelta(days=4), dt.time(14), tzinfo=tz),
        )
    services.weekly_reports_draft(actor=SYSTEM, week_start=this_week, now=now)

    # A walk-through of the repair process, seen from the customer's side.
    reviewer = _user("business_supervisor") or SYSTEM
    tech = _user("tech_service")
    agent = _user("agent")
    if tech is None or agent is None:
        return
    walk = services.walkthrough_create(
        actor=reviewer,
        process="业主报修受理与上门维修流程",
        kind="routine",
        perspective="customer",
        walked_on=today - dt.timedelta(days=10),
        summary="以业主身份拨打服务热线报修，跟踪至维修完成和回访。",
        findings=[
            "热线高峰时段等待超过60秒",
            "维修人员未提前电话确认上门时间",
            "维修完成后未主动告知业主处理结果",
        ],
        fixes=[
            {
                "action": "上门前30分钟电话确认，并在工单中记录",
                "assignee": tech,
                "due_on": today - dt.timedelta(days=2),
                "finding": 1,
            },
            {
                "action": "高峰时段增加一名坐席",
                "assignee": agent,
                "due_on": today + dt.timedelta(days=14),
                "finding": 0,
            },
        ],
        now=now,
    )
    fix = walk.fixes.get(assignee=agent)
    services.fix_transition(actor=agent, fix=fix, to="done", note="已调整排班表", now=now)
