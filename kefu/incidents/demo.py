"""Demo incidents: sites and inspections with hazards, a late safety incident under
investigation, a major fault being handled, and one just reported for the dispatcher."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from kefu.incidents import services
from kefu.incidents.models import Kind, Step
from kefu.org.models import Department, User


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def load_incidents(rng: random.Random) -> None:
    inspector, dispatcher = _user("safety_inspector"), _user("dispatcher")
    director, agent, tech = _user("director"), _user("agent"), _user("tech_service")
    manager = _user("business_supervisor")
    if not all((inspector, dispatcher, director, agent, tech, manager)):
        return
    now = timezone.now()
    tech_dept = Department.objects.filter(code="tech").first()
    sites = {
        name: services.site_create(actor=inspector, name=name, department=tech_dept)
        for name in ("3号楼配电房", "地下车库", "水泵房", "屋顶设备层")
    }
    visit = services.inspection_record(
        actor=inspector,
        site=sites["地下车库"],
        visited_at=now - dt.timedelta(days=6),
        route="车库入口—B2消防通道",
        hazards=["B2消防通道堆放杂物", "应急照明不亮"],
    )
    first = visit.hazards.order_by("pk").first()
    services.hazard_assign(
        actor=inspector,
        hazard=first,
        assignee=tech,
        deadline=timezone.localdate() + dt.timedelta(days=2),
    )
    services.inspection_record(
        actor=inspector,
        site=sites["水泵房"],
        visited_at=now - dt.timedelta(days=3),
        route="水泵房巡查",
        hazards=["2号水泵接地线松动"],
    )
    # A late incident at the pump room, whose hazard nobody assigned: the inspector is named.
    late = services.incident_report(
        actor=tech,
        kind=Kind.INCIDENT,
        occurred_at=now - dt.timedelta(hours=5),
        place="水泵房",
        site=sites["水泵房"],
        description="维修工检修2号水泵时触电",
        injured_count=1,
        injuries="右手轻度电击伤，已送医",
        first_actions="立即断电并送医",
        handling_plan="停用2号水泵，排查接地",
        shift_leader=tech,
        now=now - dt.timedelta(hours=4),
    )
    for step, person, name in (
        (Step.CHIEF, director, ""),
        (Step.DOCTOR, None, "医院值班医生"),
        (Step.SCENE, None, "公司值班员"),
    ):
        services.chain_step_done(
            actor=dispatcher,
            incident=late,
            step=step,
            person=person,
            contact_name=name,
            now=now - dt.timedelta(hours=4),
        )
    late.refresh_from_db()
    services.investigation_schedule(
        actor=director,
        incident=late,
        meeting_at=now + dt.timedelta(hours=rng.randint(2, 6)),
        meeting_place="公司三楼会议室",
    )
    # A major fault being handled by the business department.
    fault = services.incident_report(
        actor=agent,
        kind=Kind.MAJOR_FAULT,
        occurred_at=now - dt.timedelta(minutes=50),
        place="客户A项目机房",
        description="核心交换机宕机，全楼断网",
        first_actions="切换备用链路",
        handling_plan="厂家工程师到场更换板卡",
        now=now - dt.timedelta(minutes=40),
    )
    for step, person in (
        (Step.CHIEF, director),
        (Step.SCENE, None),
        (Step.SALES, None),
        (Step.MANAGER, manager),
    ):
        services.chain_step_done(
            actor=dispatcher,
            incident=fault,
            step=step,
            person=person,
            contact_name="" if person else "值班人员",
        )
    # Just reported: the dispatcher's chain is still open.
    services.incident_report(
        actor=agent,
        kind=Kind.INCIDENT,
        occurred_at=now - dt.timedelta(minutes=8),
        place="地下车库B2",
        site=sites["地下车库"],
        description="车辆剐蹭消防管道，少量漏水",
        first_actions="关闭阀门",
        handling_plan="通知维修班更换管段",
    )
