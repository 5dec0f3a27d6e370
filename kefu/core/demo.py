"""Demo organisation: a property-service company's customer service set-up, in Chinese.

One login per role of SPEC.md, named by the role code, all with the published
demo password; plus a team of agents so lists look like a working department.
Later apps add their demo data through :data:`DEMO_STEPS`.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from django.conf import settings
from django.db import transaction

from kefu.org.models import Department, Position, User
from kefu.org.permissions import SYSTEM
from kefu.org.roles import Role
from kefu.org.services import department_create, position_create, staff_create

# (code, name, parent code, positions: [(title, duties)])
DEPARTMENTS = [
    ("hq", "示例物业服务有限公司", None, []),
    (
        "gm-office",
        "总经理室",
        "hq",
        [("总经理", "接收月度服务监督报告和重大事项升级；对公司服务质量负总责。")],
    ),
    (
        "mgmt-office",
        "管理处",
        "hq",
        [("管理处主任", "审批方案，每月抽查值班记录，处理重大投诉，调配人员。")],
    ),
    (
        "cs",
        "客户服务部",
        "hq",
        [
            (
                "客服主管",
                "负责部门运作：制定计划、组织回访、处理投诉、维护客户信息库、培训与考核、每日签字确认值班记录。",
            ),
            ("客服专员", "接听来电和接待来访，执行首问负责制，记录并办结工单，按时回访。"),
            ("客户经理", "建立并维护客户档案，负责所辖客户的回访与关系维护。"),
            ("业务内勤", "办理客户资料变更等业务手续。"),
        ],
    ),
    (
        "callcenter",
        "呼叫中心",
        "cs",
        [
            ("客服班长", "带领本班坐席，保障接通率和服务水平。"),
            ("坐席", "7×24小时三班倒接听热线，一次办结，不能办结的填写工作联络单转交。"),
        ],
    ),
    (
        "control-room",
        "中控室",
        "mgmt-office",
        [("中控室值班员", "值班接听服务电话，转派各部门，填写值班记录，催缴费用。")],
    ),
    ("tech", "技术服务部", "hq", [("技术服务员", "按程序处理服务请求和投诉，每周五提交周报。")]),
    ("business", "业务部", "hq", [("业务主管", "监督服务质量，每月考核，撰写服务监督报告。")]),
    (
        "marketing",
        "市场部",
        "hq",
        [("营销策划", "收集客户信息，起草业务运作方案。"), ("信息收集员", "收集客户信息。")],
    ),
    ("office", "办公室", "hq", [("办公室主任", "仲裁跨部门争议，裁决具有约束力。")]),
    ("dispatch", "调度所", "hq", [("调度员", "接收事故报告，立即通知公司总值班及相关人员。")]),
    ("safety", "安全监察部", "hq", [("安监员", "巡查现场，记录隐患并跟踪整改。")]),
    ("audit-dept", "审计部", "hq", [("审计员", "查阅审计记录，不修改任何业务数据。")]),
    ("it", "信息技术部", "hq", [("系统管理员", "管理用户、角色和系统设置。")]),
    (
        "meeting-service",
        "会务服务中心",
        "office",
        [
            (
                "会议服务员",
                "接受会议预定，会前摆放座牌、鲜花，准备茶水；会中迎候、引导、续水；会后整理。",
            ),
            ("音控师", "会前提前1小时对音响、视频设备试机，会议期间坚守岗位，建立设备档案。"),
            ("会议区保洁员", "负责会议前后会议室及公共区域的清洁工作。"),
        ],
    ),
]

# username = role code; (role, full name, department code, position title)
ROLE_USERS = [
    (Role.GM, "赵国强", "gm-office", "总经理"),
    (Role.DIRECTOR, "钱立新", "mgmt-office", "管理处主任"),
    (Role.CS_SUPERVISOR, "孙丽华", "cs", "客服主管"),
    (Role.TEAM_LEAD, "李建军", "callcenter", "客服班长"),
    (Role.AGENT, "周小燕", "callcenter", "坐席"),
    (Role.DUTY_OPERATOR, "吴海涛", "control-room", "中控室值班员"),
    (Role.TECH_SERVICE, "郑志刚", "tech", "技术服务员"),
    (Role.BUSINESS_SUPERVISOR, "王秀英", "business", "业务主管"),
    (Role.CUSTOMER_MANAGER, "冯晓明", "cs", "客户经理"),
    (Role.OPERATOR, "陈静", "cs", "业务内勤"),
    (Role.COLLECTOR, "褚文博", "marketing", "信息收集员"),
    (Role.MARKETING, "卫佳怡", "marketing", "营销策划"),
    (Role.OFFICE, "蒋明辉", "office", "办公室主任"),
    (Role.DISPATCHER, "沈立伟", "dispatch", "调度员"),
    (Role.SAFETY_INSPECTOR, "韩振华", "safety", "安监员"),
    (Role.AUDITOR, "杨淑芬", "audit-dept", "审计员"),
    (Role.SYSADMIN, "朱宏宇", "it", "系统管理员"),
    (Role.MEETING_ATTENDANT, "林小雨", "meeting-service", "会议服务员"),
    (Role.AV_TECHNICIAN, "马骏", "meeting-service", "音控师"),
    (Role.CLEANER, "何桂英", "meeting-service", "会议区保洁员"),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆帅旭宁琳晨欣婷雪梅雯倩颖瑶佳怡嘉慧蕾"


def chinese_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def load_org(rng: random.Random) -> dict[str, Department]:
    departments: dict[str, Department] = {}
    for code, name, parent, positions in DEPARTMENTS:
        departments[code] = department_create(
            actor=SYSTEM, name=name, code=code, parent=departments.get(parent) if parent else None
        )
        for title, duties in positions:
            position_create(actor=SYSTEM, department=departments[code], title=title, duties=duties)
    for role, full_name, dept_code, title in ROLE_USERS:
        dept = departments[dept_code]
        staff_create(
            actor=SYSTEM,
            username=role.value,
            password=settings.DEMO_PASSWORD,
            full_name=full_name,
            department=dept,
            position=Position.objects.get(department=dept, title=title),
            roles=[role],
            email=f"{role.value}@kefu.example",
            validate=False,
        )
    seat = Position.objects.get(department=departments["callcenter"], title="坐席")
    lead = Position.objects.get(department=departments["callcenter"], title="客服班长")
    # The seed's staffing plan (R-CC-11): 1 supervisor, 2 team leads, 12 agents.
    staff_create(
        actor=SYSTEM,
        username="team_lead2",
        password=settings.DEMO_PASSWORD,
        full_name=chinese_name(rng),
        department=departments["callcenter"],
        position=lead,
        roles=[Role.TEAM_LEAD],
        validate=False,
    )
    for n in range(2, 13):
        staff_create(
            actor=SYSTEM,
            username=f"agent{n}",
            password=settings.DEMO_PASSWORD,
            full_name=chinese_name(rng),
            department=departments["callcenter"],
            position=seat,
            roles=[Role.AGENT],
            validate=False,
        )
    return departments


# Later apps append (name, function(rng)) here to add their demo data after the organisation.
DEMO_STEPS: list[tuple[str, Callable[[random.Random], object]]] = []


def _customers(rng: random.Random) -> None:
    from kefu.customers.demo import load_customers

    load_customers(rng)


DEMO_STEPS.append(("customers", _customers))


def _tickets(rng: random.Random) -> None:
    from kefu.tickets.demo import load_tickets

    load_tickets(rng)


DEMO_STEPS.append(("tickets", _tickets))


def _followups(rng: random.Random) -> None:
    from kefu.followups.demo import load_followups

    load_followups(rng)


DEMO_STEPS.append(("followups", _followups))


def _spans(rng: random.Random) -> None:
    from kefu.org.demo import load_spans

    load_spans(rng)


DEMO_STEPS.append(("spans", _spans))


def _plans(rng: random.Random) -> None:
    from kefu.plans.demo import load_plans

    load_plans(rng)


DEMO_STEPS.append(("plans", _plans))


def _calls(rng: random.Random) -> None:
    from kefu.callcenter.demo import load_calls

    load_calls(rng)


DEMO_STEPS.append(("calls", _calls))


def _meetings(rng: random.Random) -> None:
    from kefu.meetings.demo import load_meetings

    load_meetings(rng)


DEMO_STEPS.append(("meetings", _meetings))


def _supervision(rng: random.Random) -> None:
    from kefu.supervision.demo import load_supervision

    load_supervision(rng)


DEMO_STEPS.append(("supervision", _supervision))


def _reports(rng: random.Random) -> None:
    from kefu.reports.demo import load_reports

    load_reports(rng)


DEMO_STEPS.append(("reports", _reports))


def _incidents(rng: random.Random) -> None:
    from kefu.incidents.demo import load_incidents

    load_incidents(rng)


DEMO_STEPS.append(("incidents", _incidents))


@transaction.atomic
def load_demo(*, seed: int = 2026, steps: list[str] | None = None) -> list[str]:
    """Load the demo into an empty database; returns the names of the steps done.

    ``steps`` limits the steps after the organisation (None: all of them).
    """
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    # The demo's hundreds of notifications are not news to anyone: send no email for them.
    backend = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    try:
        load_org(rng)
        done = ["organisation"]
        for name, step in DEMO_STEPS:
            if steps is not None and name not in steps:
                continue
            step(rng)
            done.append(name)
    finally:
        settings.EMAIL_BACKEND = backend
    return done


def is_empty() -> bool:
    return not User.objects.exists() and not Department.objects.exists()
