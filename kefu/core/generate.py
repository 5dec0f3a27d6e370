"""Realistic Chinese data at scale for benchmarks and load tests: ``kefu generate`` (issue 9).

:func:`generate` adds customers, tickets (with their history events, complaint callbacks and
satisfaction survey answers) and call records to a migrated database, by the database's own
bulk path: PostgreSQL ``COPY … FROM STDIN`` (psycopg 3 ``cursor.copy``), SQLite
``executemany`` in large transactions. It does not go through the services (that would take
days for millions of rows); instead every row is made consistent with the rules the services
enforce, so every page, report and KPI works on the result:

- customers: names drawn from the surname frequency list and common given names, residents of
  Hangzhou's districts, roads and estates, valid mobile numbers (13x/14x/15x/17x/18x/19x),
  resident IDs with their check digit, companies; indexed for search exactly as the services
  index them (R-CUS-9);
- tickets of every kind (R-TIC-1) with texts by kind, recorded by front-line staff and handled
  by the departments that handle that kind, with due times from the time limits table counted
  in business hours on the work calendar or around the clock (R-TIC-6, computed exactly as
  :func:`kefu.core.workcalendar.add_business_time` does), states reached through the allowed
  transitions (R-TIC-7: a closed complaint has its callback recorded; a resolved one awaits
  it with a planned callback task, R-FUP-2), first-contact resolutions, repeat contacts
  (R-TIC-4), breaches and escalation levels that follow from the times;
- calls arriving on a daily and weekly pattern (morning and afternoon peaks, weekdays busier
  than weekends and holidays), answered or abandoned, with wait times that grow in the peaks
  and talk times, from customers' numbers and unknown ones;
- satisfaction survey answers by phone for a share of closed tickets (R-FUP-3).

Speed (issue 9: a million customers, two million tickets and ten million calls in minutes):
each big table is loaded with its secondary indexes (and on PostgreSQL its foreign keys)
dropped and made again at the end, on PostgreSQL on a second connection while the next table
is generated; the hot loops draw with :class:`FastRandom`, build rows with one ``itemgetter``
and timestamps from cached strings, and work out the pinyin and grams of each distinct name
and company once (:class:`SearchText`). (Generating rows in a forked process while this one
writes was measured too: slower on this shared two-core machine, as the generating Python is
the bottleneck and pickling the rows costs more than the overlap saves.)

Times of day are local (``TIME_ZONE``); everything is reproducible from ``seed`` and ``end``.
Rows are appended: ids continue after the highest id, so the generator must be the only
writer while it runs. Where the work calendar lacks a year, due times there are counted on
the weekday rule (generated data only; the services refuse such a year instead).
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import json
import math
import os
import random
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from itertools import accumulate
from operator import itemgetter
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, models, transaction

# ---------------------------------------------------------------------------- reference data

# The commonest Chinese surnames with their share of the population in per mille (2020
# household registration figures, rounded): 王 and 李 about 7 % each, a long tail after.
SURNAMES = (
    "王71 李70 张67 刘54 陈45 杨31 黄22 赵20 吴20 周19 徐17 孙15 马15 朱14 胡13 郭12 何12 "
    "林11 高11 罗11 郑10 梁9 谢8 宋7 唐7 许6 韩6 邓6 冯6 曹6 彭6 曾5 肖5 田5 董5 潘5 袁5 蔡4 "
    "蒋4 余4 于4 杜4 叶4 程4 魏4 苏3 吕3 丁3 任3 卢3 姚3 沈3 钟3 姜3 崔3 谭3 陆3 范2 汪2 廖2 "
    "石2 金2 韦2 贾2 夏2 付2 方2 邹2 熊2 白2 孟2 秦2 邱2 侯2 江2 尹2 薛2 闫2 段2 雷2 龙2 黎2 "
    "史2 陶2 贺2 毛2 郝2 顾2 龚2 邵2 万1 覃1 武1 钱1 戴1 严1 莫1 孔1 向1 常1 汤1 康1 易1 "
    "乔1 赖1 文1 施1 洪1 牛1 樊1 葛1 邢1 安1 齐1 伍1 庞1 颜1 倪1 欧阳1 上官1 司马1"
)
SURNAME_LIST = [re.match(r"\D+", s).group() for s in SURNAMES.split()]
SURNAME_WEIGHTS = [int(re.search(r"\d+", s).group()) for s in SURNAMES.split()]
GIVEN_MALE = (
    "伟强磊军勇杰涛明超刚平辉鹏华飞斌宇浩凯健俊帆帅旭宁波林志国建文博晨阳峰鑫海东亮成龙杰睿轩皓"
)
GIVEN_FEMALE = (
    "芳娜敏静丽艳娟秀霞桂英玉萍红玲芬燕琳欣婷雪梅雯倩颖瑶佳怡嘉慧蕾洁琴云莉兰凤丹萱涵梓诗"
)

CITY = "杭州市"
# (district, region code of the district for resident IDs, roads)
DISTRICTS = [
    ("上城区", "330102", ["解放路", "延安路", "秋涛路", "江城路", "庆春东路", "钱江路"]),
    ("拱墅区", "330105", ["湖墅南路", "莫干山路", "上塘路", "大关路", "石祥路", "文晖路"]),
    ("西湖区", "330106", ["文三路", "天目山路", "古墩路", "西溪路", "教工路", "文一西路"]),
    ("滨江区", "330108", ["江南大道", "滨盛路", "江陵路", "长河路", "网商路", "丹枫路"]),
    ("萧山区", "330109", ["市心路", "金城路", "建设一路", "通惠路", "人民路", "北干路"]),
    ("余杭区", "330110", ["文一西路", "良睦路", "五常大道", "临平大道", "龙舟路", "仓前街"]),
    ("临平区", "330113", ["人民大道", "迎宾路", "星光街", "世纪大道", "藕花洲大街"]),
    ("钱塘区", "330114", ["学源街", "文泽路", "青六路", "义蓬路", "江东大道"]),
    ("富阳区", "330111", ["金桥路", "富春街道春秋路", "江滨西大道", "桂花路"]),
]
DISTRICT_WEIGHTS = [12, 14, 16, 12, 14, 16, 6, 5, 5]
# Birthplaces for resident IDs of people who moved to Hangzhou.
BIRTH_REGIONS = ["330102", "330106", "330110", "330302", "330402", "330602", "330702",
                 "340104", "320102", "360102", "410105", "510104", "420102", "350102"]  # fmt: skip
ESTATES = [
    "阳光花园", "锦绣华庭", "翠湖苑", "世纪名都", "金色家园", "御景湾", "碧水云天", "紫荆公寓",
    "绿城桂花园", "滨江金色海岸", "万科良渚文化村", "西溪诚园", "钱江新城公寓", "桃源小区",
    "和睦新村", "朝晖三区", "古荡新村", "蓝庭花园", "金地自在城", "融创河滨之城",
]  # fmt: skip
COMPANY_WORDS = ["华润", "中建", "万科", "恒信", "鼎盛", "瑞丰", "宏达", "安泰", "长城", "远洋",
                 "天成", "博远", "之江", "西子", "钱塘", "湖畔", "信达", "正泰", "新安", "海康"]  # fmt: skip
INDUSTRIES = [("置业", "房地产"), ("科技", "信息技术"), ("贸易", "批发零售"), ("物流", "交通运输"),
              ("医药", "医疗健康"), ("餐饮管理", "餐饮"), ("教育咨询", "教育"),
              ("建设工程", "建筑"), ("电子商务", "互联网")]  # fmt: skip
OCCUPATIONS = [("工程师", "项目经理"), ("教师", "教研组长"), ("医生", "主治医师"),
               ("会计", "财务主管"), ("公务员", "科员"), ("销售", "销售经理"), ("律师", "合伙人"),
               ("个体经营", "店主"), ("程序员", "技术总监"), ("退休", "")]  # fmt: skip
# Mobile number blocks of the three carriers (China Mobile, Unicom, Telecom).
MOBILE_PREFIXES = (
    "134 135 136 137 138 139 147 150 151 152 157 158 159 172 178 182 183 184 187 188 198 "
    "130 131 132 145 155 156 166 175 176 185 186 133 153 173 177 180 181 189 191 199"
).split()
INCOME = ["5万以下", "5-10万", "10-20万", "20-30万", "30-50万", "50万以上"]
FAMILY = ["单身", "已婚无子女", "三口之家", "四口之家", "三代同堂", "与父母同住"]
INTERESTS = ["高尔夫", "摄影", "旅游", "读书", "健身", "茶艺", "书法", "钓鱼", "烹饪", "音乐"]
TAGS = ["VIP", "老客户介绍", "团购", "投资客", "首次置业", "改善型", "关注学区", "价格敏感"]
EDUCATION = ["secondary", "college", "bachelor", "bachelor", "master", "doctorate", ""]
SOURCES = ["来电", "到访", "网站", "老客户介绍", "展会", "微信公众号"]

# Ticket texts by kind (R-TIC-1): (title, what the customer said).
TEXTS = {
    "inquiry": [
        "询问物业费缴纳方式", "咨询停车月卡办理流程", "询问小区停水通知时间", "咨询装修申报手续",
        "询问电动车充电桩安装条件", "咨询门禁卡补办", "询问快递代收规定", "咨询垃圾分类投放时间",
        "询问车位租赁价格", "咨询发票开具", "询问宠物登记要求", "咨询房屋出租备案",
    ],
    "service_request": [
        "厨房下水道堵塞，请上门疏通", "客厅灯具损坏需要更换", "门锁故障无法开门",
        "申请家庭保洁服务", "卫生间水龙头漏水", "空调外机支架松动请检查", "申请搬家时段使用电梯",
        "入户门猫眼损坏", "阳台晾衣架无法升降", "申请开通临时访客车位",
    ],
    "complaint": [
        "楼上装修噪音扰民，多次反映未处理", "维修人员上门爽约", "电梯长期故障无人维修",
        "保安态度恶劣", "小区门口垃圾没人清理，气味很臭", "停车位被外来车辆占用，保安不管",
        "夜间施工噪音太大影响休息", "物业费收费标准不透明", "热水器报修一周没人来修",
        "绿化带被破坏无人修复", "快递柜占用消防通道", "客服电话打不通",
    ],
    "fault": [
        "3号楼电梯困人", "地下车库照明全部熄灭", "单元门禁系统失灵", "二次供水水压不足",
        "小区路灯大面积不亮", "地下车库排水泵故障积水", "消防报警器误报", "单元楼道停电",
        "监控系统黑屏", "道闸无法抬杆",
    ],
    "demand": [
        "希望增设电动车充电桩", "建议延长会所开放时间", "需要增加快递柜", "希望增加儿童游乐设施",
        "希望开通业主专用班车", "需要增加非机动车停车棚",
    ],
    "suggestion": [
        "建议在儿童乐园加装遮阳棚", "建议垃圾分类点增加指示牌", "建议增加夜间巡逻频次",
        "建议小区公告同步到微信群", "建议绿化修剪避开午休时间",
    ],
}  # fmt: skip
DETAILS = [
    "，请尽快处理", "。已经多次反映", "，希望尽快解决", "，麻烦安排人员", "，谢谢", "",
    "，情况比较紧急", "，家里有老人", "，上周已经报过一次",
]  # fmt: skip
RESOLUTIONS = {
    "inquiry": ["已当场答复客户", "已告知办理流程", "已发送相关通知"],
    "service_request": ["已上门处理完毕", "已更换配件，客户确认", "已疏通，恢复正常"],
    "complaint": ["已约谈相关人员并整改", "已协调处理，客户认可", "已加强管理并向客户致歉"],
    "fault": ["故障已排除，设备恢复运行", "已抢修完毕", "已更换损坏部件"],
    "demand": ["已纳入明年改造计划", "已提交管理处研究", "已答复客户实施安排"],
    "suggestion": ["已采纳并落实", "已转相关部门参考", "感谢建议，已记录"],
}
KIND_WEIGHTS = {"inquiry": 30, "service_request": 25, "complaint": 12, "fault": 18, "demand": 8,
                "suggestion": 7}  # fmt: skip
# Median hours from recording to resolving, by kind (lognormal around it).
RESOLVE_HOURS = {"inquiry": 3, "service_request": 20, "complaint": 40, "fault": 5, "demand": 90,
                 "suggestion": 70}  # fmt: skip
FIRST_CONTACT_SHARE = {"inquiry": 0.75, "service_request": 0.1, "fault": 0.05, "demand": 0.15,
                       "suggestion": 0.3, "complaint": 0.0}  # fmt: skip
CHANNELS = (["phone"] * 62) + (["web"] * 14) + (["walk_in"] * 10) + (["store"] * 5) + (
    ["email"] * 5) + (["other"] * 4)  # fmt: skip
PRIORITIES = (["normal"] * 75) + (["high"] * 12) + (["low"] * 8) + (["urgent"] * 5)

# Relative calls (and contacts) per hour of the local day: quiet nights, a morning peak
# around 10:00 and an afternoon one around 15:00.
HOUR_WEIGHTS = [0.15, 0.1, 0.07, 0.06, 0.06, 0.1, 0.3, 0.9, 2.2, 3.6, 3.9, 3.1,
                1.9, 2.3, 3.3, 3.5, 2.9, 2.2, 1.6, 1.3, 1.0, 0.8, 0.5, 0.3]  # fmt: skip
# Relative volume by weekday (Monday first); days off on the work calendar count as Sunday.
WEEKDAY_WEIGHTS = [1.15, 1.05, 1.0, 1.0, 0.95, 0.6, 0.5]
QUEUES = [("service", 55), ("repairs", 25), ("complaints", 12), ("vip", 8)]
HOTLINE = ("96345", "客服热线")

DAY = 86400


# ---------------------------------------------------------------------------- helpers


@dataclass
class Result:
    """What one run added, and how long each table took."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    index_seconds: float = 0.0  # of the seconds, building indexes again after loading

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def mobile(n: int, salt: int = 0) -> str:
    """A valid mainland mobile number; distinct ``n`` (below 10⁸) give distinct numbers."""
    prefix = MOBILE_PREFIXES[(n * 7 + salt) % len(MOBILE_PREFIXES)]
    return f"{prefix}{(n * 2_654_435_761 + 19_283_746 + salt * 7_919) % 100_000_000:08d}"


def chinese_person_name(rng: random.Random, female: bool) -> str:
    surname = rng.choices(SURNAME_LIST, cum_weights=_SURNAME_CUM)[0]
    pool = GIVEN_FEMALE if female else GIVEN_MALE
    if rng.random() < 0.3:
        return surname + rng.choice(pool)
    return surname + rng.choice(pool) + rng.choice(pool)


_SURNAME_CUM = list(accumulate(SURNAME_WEIGHTS))
_DISTRICT_CUM = list(accumulate(DISTRICT_WEIGHTS))


class FastRandom(random.Random):
    """``random.Random`` whose integer draws scale one ``random()`` float instead of
    drawing bits until one fits: three to four times faster, which matters at tens of
    millions of draws, and as reproducible from the seed. (The bias for a range of ``n``
    is below n / 2⁵³: nothing here draws from more than 10⁸.)"""

    def _randbelow(self, n: int) -> int:
        return int(self.random() * n)

    def randrange(self, stop: int) -> int:  # type: ignore[override] - one argument only
        return int(self.random() * stop)

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]


class SearchText:
    """R-CUS-9: a customer's search text and its index tokens exactly as
    :mod:`kefu.customers.search` makes them, with the pinyin and the grams of names,
    companies and their spoken forms (which repeat across a million customers) worked out
    once each."""

    def __init__(self):
        from kefu.customers import search

        self._search_text, self._grams = search.search_text, search.grams
        self._spoken: dict[str, tuple[str, ...]] = {}
        self._tokens: dict[str, str] = {}

    def spoken(self, value: str) -> tuple[str, ...]:
        forms = self._spoken.get(value)
        if forms is None:
            from kefu.customers.pinyin import spoken_forms
            from kefu.customers.search import normalise

            forms = self._spoken[value] = tuple(spoken_forms(normalise(value)))
        return forms

    def text(self, searched: tuple[str, ...], spoken: tuple[str, ...]) -> str:
        """``search.search_text(searched, spoken)``."""
        base = self._search_text(searched)
        forms = [form for value in spoken for form in self.spoken(value)]
        return " ".join([base, *forms]) if base else " ".join(forms)

    def tokens(self, text: str) -> str:
        """``search.tokens_for(text)``."""
        out = []
        for part in text.split(" "):
            tokens = self._tokens.get(part)
            if tokens is None:
                tokens = " ".join(self._grams(part))
                if part.isalpha():  # names, companies, pinyin: they repeat (not addresses)
                    self._tokens[part] = tokens
            if tokens:
                out.append(tokens)
        return " ".join(out)


class Stamps:
    """Epoch seconds (UTC) to what the database takes for a ``DateTimeField``, fast.

    SQLite: Django's text ``YYYY-MM-DD HH:MM:SS`` in UTC; PostgreSQL: the same with ``+00``.
    """

    def __init__(self, vendor: str):
        self.suffix = "+00" if vendor == "postgresql" else ""
        self._days: dict[int, str] = {}  # day -> "YYYY-MM-DD "
        self._hms = [
            f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}{self.suffix}" for s in range(DAY)
        ]
        self.convert = self._converter()

    def _converter(self) -> Callable[[int | None], str | None]:
        """The conversion as a closure over local names: it runs millions of times."""
        days, hms = self._days, self._hms

        def convert(epoch: int | None) -> str | None:
            if epoch is None:
                return None
            day, second = divmod(epoch, DAY)
            try:
                return days[day] + hms[second]
            except KeyError:
                days[day] = f"{dt.date(1970, 1, 1) + dt.timedelta(days=day)} "
                return days[day] + hms[second]

        return convert

    def __call__(self, epoch: int | None) -> str | None:
        return self.convert(None if epoch is None else int(epoch))


class LocalTime:
    """Local calendar facts about epoch seconds (the zone has no daylight saving in China,
    but any zone works: offsets are looked up per day)."""

    def __init__(self, zone: ZoneInfo):
        self.zone = zone
        self._offsets: dict[int, int] = {}

    def offset(self, epoch: int) -> int:
        day = epoch // DAY
        off = self._offsets.get(day)
        if off is None:
            moment = dt.datetime.fromtimestamp(day * DAY, tz=self.zone)
            off = self._offsets[day] = int(moment.utcoffset().total_seconds())
        return off

    def date(self, epoch: int) -> dt.date:
        return dt.date(1970, 1, 1) + dt.timedelta(days=(epoch + self.offset(epoch)) // DAY)

    def midnight(self, day: dt.date) -> int:
        return int(dt.datetime.combine(day, dt.time.min, tzinfo=self.zone).timestamp())


class BusinessClock:
    """Due times in business hours on the work calendar, exactly as
    :func:`kefu.core.workcalendar.add_business_time` counts them (R-TIC-6), for many
    tickets at once: business seconds before each day are summed once, then each due time
    is a bisection."""

    def __init__(self, local: LocalTime, first: dt.date, last: dt.date):
        from kefu.core.calendar_services import business_hours, work_calendar
        from kefu.core.workcalendar import CalendarYearMissing

        self.local = local
        calendar = work_calendar()
        hours = business_hours()
        windows = [
            (s.hour * 3600 + s.minute * 60 + s.second, e.hour * 3600 + e.minute * 60 + e.second)
            for s, e in hours.windows
        ]
        self.first = first
        self.starts: list[int] = []  # epoch of each day's local midnight
        self.cum: list[int] = []  # business seconds before each day
        self.windows: list[list[tuple[int, int]]] = []
        total, day = 0, first
        while day <= last:
            try:
                working = calendar.is_workday(day)
            except CalendarYearMissing:
                working = day.weekday() < 5
            self.starts.append(local.midnight(day))
            self.cum.append(total)
            self.windows.append(windows if working else [])
            total += sum(e - s for s, e in windows) if working else 0
            day += dt.timedelta(days=1)
        self.starts.append(local.midnight(day))
        self.cum.append(total)

    def _index(self, epoch: int) -> int:
        i = bisect.bisect_right(self.starts, epoch) - 1
        if i < 0 or i >= len(self.windows):
            raise ValueError("time outside the business clock's span")
        return i

    def business(self, epoch: int) -> int:
        i = self._index(epoch)
        into = epoch - self.starts[i]
        done = self.cum[i]
        for s, e in self.windows[i]:
            if into <= s:
                break
            done += min(into, e) - s
        return done

    def add(self, epoch: int, minutes: int) -> int:
        target = self.business(epoch) + minutes * 60
        i = bisect.bisect_left(self.cum, target) - 1
        left = target - self.cum[i]
        for s, e in self.windows[i]:
            if left <= e - s:
                return max(self.starts[i] + s + left, epoch)
            left -= e - s
        raise ValueError("due time beyond the business clock's span")


def arrival_hours(
    local: LocalTime, start: int, end: int, count: int, holiday: Callable[[dt.date], bool]
) -> list[tuple[int, int, int]]:
    """``count`` arrivals between ``start`` and ``end`` (epoch seconds) spread over the hours
    by the daily and weekly pattern: [(hour start, seconds in the span, arrivals)], exact
    counts by largest remainder (so the pattern holds even for small counts)."""
    hours = []
    hour = start - (start + local.offset(start)) % 3600
    while hour < end:
        lo, hi = max(hour, start), min(hour + 3600, end)
        day = local.date(hour)
        weekday = 6 if holiday(day) else day.weekday()
        h = (hour + local.offset(hour)) % DAY // 3600
        weight = HOUR_WEIGHTS[h] * WEEKDAY_WEIGHTS[weekday] * (hi - lo) / 3600
        hours.append((lo, hi - lo, weight))
        hour += 3600
    total = sum(w for _, _, w in hours) or 1.0
    exact = [count * w / total for _, _, w in hours]
    counts = [int(x) for x in exact]
    short = count - sum(counts)
    by_remainder = sorted(range(len(hours)), key=lambda i: (counts[i] - exact[i], i))
    for i in by_remainder[:short]:
        counts[i] += 1
    return [(lo, span, n) for (lo, span, _), n in zip(hours, counts, strict=True) if n]


def arrivals(
    rng: random.Random, local: LocalTime, start: int, end: int, count: int, holiday
) -> Iterator[int]:
    """The arrival times themselves, in order."""
    return times_in(rng, arrival_hours(local, start, end, count, holiday))


def times_in(rng: random.Random, hours: list[tuple[int, int, int]]) -> Iterator[int]:
    """Arrival times in order, drawn within the hours of :func:`arrival_hours`."""
    for lo, span, n in hours:
        yield from sorted(lo + rng.randrange(span) for _ in range(n))


# ---------------------------------------------------------------------------- bulk writing

BULK_FROM = 50_000  # rows added from which a table's indexes and keys are made again after


class Table:
    """One model's table for bulk writing: its columns, and a template row holding each
    column's default as the database stores it, so rows need only name what differs."""

    def __init__(self, model: type[models.Model], stamps: Stamps):
        self.model = model
        self.name = model._meta.db_table
        self.fields = [f for f in model._meta.concrete_fields]
        self.columns = [f.column for f in self.fields]
        self.template = [self._default(f) for f in self.fields]
        self._pos = {f.attname: i for i, f in enumerate(self.fields)}
        self._pos.update({f.name: i for i, f in enumerate(self.fields)})

    @staticmethod
    def _default(f: models.Field):
        if f.has_default():
            value = f.get_default()
            if isinstance(f, models.JSONField):
                return json.dumps(value)
            if isinstance(f, models.DateTimeField):
                return None  # always given
            if isinstance(value, Decimal):
                return str(value)
            return value
        if f.null or f.primary_key:
            return None
        if f.blank and isinstance(f, models.CharField | models.TextField):
            return ""
        return None

    def maker(self, names: list[str]) -> Callable[..., tuple]:
        """A function of the values of ``names`` (positional) returning the full row: one
        ``itemgetter`` picks each column from the values followed by the template."""
        given = {self._pos[n]: i for i, n in enumerate(names)}
        if len(given) != len(names):
            raise ValueError("a column named twice")
        template = tuple(self.template)
        pick = itemgetter(
            *(given.get(p, len(names) + p) for p in range(len(template)))
        )  # fmt: skip
        width = len(names)

        def make(*values) -> tuple:
            if len(values) != width:
                raise TypeError(f"{width} values expected, {len(values)} given")
            return pick(values + template)

        return make


class Writer:
    """Writes rows into tables by the database's bulk path, a batch per transaction."""

    def __init__(self, *, progress: bool, batch: int = 50_000):
        self.vendor = connection.vendor
        self.progress = progress
        self.batch = batch
        self.index_seconds = 0.0
        self._pool: ThreadPoolExecutor | None = None
        self._pending: list[Future] = []
        if self.vendor == "sqlite":
            # Indexes of millions of rows are written at random places: a page cache that
            # holds them (256 MB, this connection only) makes the load several times faster.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -262144")

    def next_id(self, table: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {table}")  # noqa: S608 - our table names
            return (cursor.fetchone()[0] or 0) + 1

    def write(
        self,
        table: str,
        columns: list[str],
        rows: Iterable[tuple],
        *,
        total: int,
        desc: str,
        unit: str = "row",
    ) -> int:
        from tqdm import tqdm

        written = 0
        bar = tqdm(total=total, desc=desc, unit=unit, disable=not self.progress, smoothing=0.1)
        try:
            chunk: list[tuple] = []
            for row in rows:
                chunk.append(row)
                if len(chunk) >= self.batch:
                    self._flush(table, columns, chunk)
                    bar.update(len(chunk))
                    written += len(chunk)
                    chunk = []
            if chunk:
                self._flush(table, columns, chunk)
                bar.update(len(chunk))
                written += len(chunk)
        finally:
            bar.close()
        return written

    def _flush(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        with transaction.atomic():
            if self.vendor == "postgresql":
                with connection.cursor() as cursor:
                    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in columns)
                connection.ensure_connection()
                connection.connection.executemany(
                    f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608
                    rows,
                )

    def secondary_indexes(self, table: str) -> list[tuple[str, str]]:
        """(name, SQL that creates it) of each index of ``table`` that no constraint needs."""
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                # Not partial ones: PostgreSQL prints their condition in a form that, run
                # again, gives an equivalent index with a different definition (and only a
                # part of the rows goes into them anyway).
                cursor.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
                    "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
                    " AND i.indexdef NOT LIKE '%% WHERE %%' ORDER BY i.indexname",
                    [table],
                )
            else:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                    "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%%' ORDER BY name",
                    [table],
                )
            return [(name, sql) for name, sql in cursor.fetchall() if "UNIQUE" not in sql]

    def foreign_keys(self, table: str) -> list[tuple[str, str]]:
        """(name, definition) of each foreign key of ``table`` (PostgreSQL)."""
        if self.vendor != "postgresql":
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                [table],
            )
            return list(cursor.fetchall())

    @contextlib.contextmanager
    def bulk(self, table: str, adding: int, *, later: bool = False) -> Iterator[None]:
        """Load ``adding`` rows into ``table`` with its secondary indexes (and on PostgreSQL
        its foreign keys) dropped and made again at the end when that is cheaper (the rows
        added outnumber those there): one sort per index instead of millions of inserts at
        random places in it, and one join per foreign key instead of a lookup per row.

        ``later``: on PostgreSQL, outside a transaction, the indexes and keys are made on a
        second connection while the caller goes on generating the next table; :meth:`finish`
        waits for them. Nothing else may write ``table`` until then."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - our table names
            have = cursor.fetchone()[0]
        indexes, keys = [], []
        if adding >= max(have, BULK_FROM):
            indexes, keys = self.secondary_indexes(table), self.foreign_keys(table)
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            if keys and connection.in_atomic_block:
                # Rows written earlier in this transaction have their (deferred) key checks
                # pending, and a table with pending checks cannot be altered: check them now.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for name, _sql in indexes:
                cursor.execute(f"DROP INDEX {quote(name)}")
            for name, _definition in keys:
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        statements = [sql for _name, sql in indexes] + [
            f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
            for name, definition in keys
        ]
        background = (
            later and self.vendor == "postgresql" and not connection.in_atomic_block
        )  # fmt: skip
        try:
            yield
        finally:
            if statements and background:
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(1, thread_name_prefix="kefu-indexes")
                self._pending.append(self._pool.submit(self._make, statements, own=True))
            elif statements:
                self._make(statements)

    def _make(self, statements: list[str], *, own: bool = False) -> None:
        """Run index and key statements (``own``: on this thread's own connection, closed
        afterwards)."""
        started = time.perf_counter()
        try:
            with connection.cursor() as cursor:
                if self.vendor == "postgresql":
                    cursor.execute("SET maintenance_work_mem = '1GB'")
                for sql in statements:
                    cursor.execute(sql)
        finally:
            if own:
                connection.close()
            self.index_seconds += time.perf_counter() - started

    def wait(self) -> None:
        """Until the indexes and keys being made on the second connection are there."""
        pending, self._pending = self._pending, []
        for job in pending:
            job.result()
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def finish(self, tables: list[str]) -> None:
        """Sequences past the ids we wrote (PostgreSQL), fresh planner statistics, once the
        indexes being made are there."""
        self.wait()
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                for table in tables:
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                        f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                    )
                    cursor.execute(f"ANALYZE {table}")
            else:
                cursor.execute("ANALYZE")


# ---------------------------------------------------------------------------- the generator


@dataclass
class People:
    """Customers the generated contacts come from: ids, phones and creation times in the
    order they were created, so a contact only names a customer who existed then."""

    ids: list[int] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    created: list[int] = field(default_factory=list)
    departments: list[int] = field(default_factory=list)

    def sort(self) -> None:
        """In order of creation (customers loaded from the database may have been created
        after the generated ones' times)."""
        order = sorted(range(len(self.ids)), key=self.created.__getitem__)
        if order != list(range(len(order))):
            for name in ("ids", "phones", "created", "departments"):
                values = getattr(self, name)
                setattr(self, name, [values[i] for i in order])

    def before(self, epoch: int) -> int:
        """How many customers existed at ``epoch``."""
        return bisect.bisect_right(self.created, epoch)


class Generator:
    def __init__(self, *, seed: int, end: dt.datetime, days: int, progress: bool):
        self.seed = seed
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.local = LocalTime(self.zone)
        self.end = int(end.timestamp())
        self.start = self.end - days * DAY
        self.days = days
        self.writer = Writer(progress=progress)
        self.stamp = Stamps(self.writer.vendor)
        self.result = Result()
        self._calendar = None

    # ----------------------------------------------------------------- context

    def rng(self, part: int) -> FastRandom:
        return FastRandom(self.seed * 1009 + part)

    def holiday(self, day: dt.date) -> bool:
        if self._calendar is None:
            from kefu.core.calendar_services import work_calendar

            self._calendar = work_calendar()
        try:
            return not self._calendar.is_workday(day)
        except Exception:  # noqa: BLE001 - a year nobody entered: weekends only
            return day.weekday() >= 5

    def staff(self):
        from kefu.org.models import Department, User
        from kefu.org.roles import Role

        def with_roles(*roles) -> list[tuple[int, int]]:
            return list(
                User.objects.filter(
                    role_rows__role__in=[r.value for r in roles],
                    is_active=True,
                    department__isnull=False,
                )
                .order_by("pk")
                .distinct()
                .values_list("pk", "department_id")
            )

        front = with_roles(Role.AGENT, Role.TEAM_LEAD)
        desk = with_roles(Role.OPERATOR, Role.CUSTOMER_MANAGER, Role.DUTY_OPERATOR) or front
        if not front:
            raise ValueError("no agents: load the organisation first (kefu demo)")
        cs = Department.objects.filter(code="cs").values_list("pk", flat=True).first()
        return {
            "front": front,
            "desk": desk,
            "tech": with_roles(Role.TECH_SERVICE) or front,
            "complaints": with_roles(Role.CS_SUPERVISOR) or front,
            "marketing": with_roles(Role.MARKETING, Role.BUSINESS_SUPERVISOR) or front,
            "callbacks": with_roles(Role.CS_SUPERVISOR, Role.CUSTOMER_MANAGER) or front,
            "cs": cs or front[0][1],
        }

    def people(self) -> People:
        from kefu.customers.models import Customer

        people = People()
        rows = (
            Customer.objects.filter(merged_into__isnull=True)
            .order_by("created_at", "pk")
            .values_list("pk", "phone", "created_at", "department_id")
            .iterator(chunk_size=20_000)
        )
        for pk, phone, created, department in rows:
            people.ids.append(pk)
            people.phones.append(phone)
            people.created.append(int(created.timestamp()))
            people.departments.append(department)
        return people

    # ----------------------------------------------------------------- customers

    def customers(self, count: int, people: People, staff) -> None:
        """``count`` customers created over the three spans before ``end`` (two thirds
        before the contacts' span), indexed for search as the services index them."""
        from kefu.customers import search
        from kefu.customers.models import Customer
        from kefu.customers.validators import credit_code_with_check, resident_id_with_check

        if not count:
            return
        rng = self.rng(1)
        table = Table(Customer, self.stamp)
        names = ["id", "kind", "name", "gender", "birth_date", "age", "education",
                 "occupation", "job_title", "company", "industry", "income_band",
                 "family_structure", "address", "phone", "id_number", "interests", "tags",
                 "purchase_attitude", "purchase_intent", "source", "customer_class",
                 "first_grade", "credit", "manager_id", "department_id", "search_text",
                 "created_at", "updated_at"]  # fmt: skip
        make = table.maker(names)
        first_id = self.writer.next_id(table.name)
        ordinal0 = len(people.ids)
        since = self.start - 2 * self.days * DAY
        slot = (self.end - since) / count
        managers = [pk for pk, _ in staff["callbacks"]]
        department = staff["cs"]
        stamp = self.stamp.convert
        index: list[tuple[int, str]] = []
        today = self.local.date(self.end)
        searchable = SearchText()
        dumped: dict[tuple[str, ...], str] = {}

        def dumps(values: list[str]) -> str:
            key = tuple(values)
            text = dumped.get(key)
            if text is None:
                text = dumped[key] = json.dumps(values, ensure_ascii=False)
            return text

        def rows() -> Iterator[tuple]:
            for i in range(count):
                pk = first_id + i
                n = ordinal0 + i
                created = int(since + slot * (i + rng.random()))
                district, region, roads = rng.choices(DISTRICTS, cum_weights=_DISTRICT_CUM)[0]
                address = f"{CITY}{district}{rng.choice(roads)}{rng.randint(1, 999)}号"
                if rng.random() < 0.75:
                    address += (
                        f"{rng.choice(ESTATES)}{rng.randint(1, 30)}幢{rng.randint(1, 4)}单元"
                        f"{rng.randint(1, 33)}{rng.randint(1, 4):02d}室"
                    )
                phone = mobile(n, self.seed % 1000)
                word, (suffix, industry) = rng.choice(COMPANY_WORDS), rng.choice(INDUSTRIES)
                company = f"{CITY[:-1]}{word}{suffix}有限公司"
                grade = rng.choices(("", "A", "B", "C", "D"), weights=(40, 6, 12, 18, 24))[0]
                manager = rng.choice(managers) if grade in ("A", "B") and managers else None
                if rng.random() < 0.06:
                    code = f"91{region}{n % 1_000_000_000:09d}"
                    values = (
                        pk, "organisation", company, "", None, None, "", "", "", company,
                        industry, "", "", address, phone, credit_code_with_check(code), "[]",
                        dumps(rng.sample(TAGS, k=rng.randint(0, 2))),
                        "", rng.choice(["", "写字楼租赁", "员工宿舍", "商铺购买"]),
                        rng.choice(SOURCES), rng.choice(["potential", "intended", "owner"]),
                        grade, rng.choice(["", "good", "normal"]), manager, department,
                    )  # fmt: skip
                else:
                    female = rng.random() < 0.52
                    born = dt.date(rng.randint(1945, 2004), rng.randint(1, 12), rng.randint(1, 28))
                    sequence = rng.randrange(50) * 10 + (n % 5) * 2 + (0 if female else 1)
                    id_number = resident_id_with_check(
                        f"{region if rng.random() < 0.6 else rng.choice(BIRTH_REGIONS)}"
                        f"{born:%Y%m%d}{sequence:03d}"
                    )
                    occupation, title = rng.choice(OCCUPATIONS)
                    age = (
                        today.year - born.year - ((today.month, today.day) < (born.month, born.day))
                    )
                    values = (
                        pk, "person", chinese_person_name(rng, female),
                        "female" if female else "male", born.isoformat(), age,
                        rng.choice(EDUCATION), occupation, title,
                        company if occupation not in {"退休", "个体经营"} else "", "",
                        rng.choice(INCOME), rng.choice(FAMILY), address, phone, id_number,
                        dumps(rng.sample(INTERESTS, k=rng.randint(0, 3))),
                        dumps(rng.sample(TAGS, k=rng.randint(0, 2))),
                        rng.choice(["", "理性比较", "注重品牌", "价格敏感", "犹豫观望"]),
                        rng.choice(["", "三居室", "学区房", "改善型住房", "车位"]),
                        rng.choice(SOURCES), rng.choice(["potential", "intended", "owner", "owner"]),
                        grade, rng.choice(["", "", "good", "normal", "poor"]), manager, department,
                    )  # fmt: skip
                text = searchable.text(
                    (values[2], phone, "", values[9], address, values[15]),
                    (values[2], values[9]),  # SPOKEN_FIELDS: name, company (pinyin)
                )  # SEARCHED_FIELDS: name, phone, phone_alt, company, address, id_number
                index.append((pk, text))
                people.ids.append(pk)
                people.phones.append(phone)
                people.created.append(created)
                people.departments.append(department)
                yield make(*values, text, stamp(created), stamp(created))

        assert search.SEARCHED_FIELDS == (  # noqa: S101 - the text above follows this order
            "name", "phone", "phone_alt", "company", "address", "id_number",
        ) and search.SPOKEN_FIELDS == ("name", "company")  # fmt: skip
        started = time.perf_counter()
        with self.writer.bulk(table.name, count, later=True):
            written = self.writer.write(
                table.name, table.columns, rows(), total=count, desc="customers", unit="customer"
            )
        if self.writer.vendor == "postgresql":
            columns, search_rows = ["id", "text"], index
        else:
            columns = ["rowid", "grams"]
            search_rows = ((pk, searchable.tokens(text)) for pk, text in index)
        with self.writer.bulk(search.TABLE, count, later=True):
            self.writer.write(
                search.TABLE, columns, search_rows, total=len(index), desc="search index"
            )
        index.clear()
        self.result.counts["customers"] = written
        self.result.seconds["customers"] = round(time.perf_counter() - started, 2)

    # ----------------------------------------------------------------- tickets

    def tickets(self, count: int, people: People, staff) -> None:
        """``count`` tickets over the span, each consistent with the rules (module doc)."""
        from kefu.followups.models import FollowUp
        from kefu.followups.models import Kind as FollowUpKind
        from kefu.tickets.models import ComplaintCategory, Ticket, TicketEvent, TimeLimit
        from kefu.tickets.timelimits import FALLBACK

        if not count:
            return
        rng = self.rng(2)
        started = time.perf_counter()
        limits = {
            (kind, priority): {"response_minutes": r, "resolution_minutes": s, "clock": c}
            for kind, priority, r, s, c in TimeLimit.objects.values_list(
                "kind", "priority", "response_minutes", "resolution_minutes", "clock"
            )
        }
        clock = BusinessClock(
            self.local,
            self.local.date(self.start) - dt.timedelta(days=1),
            self.local.date(self.end) + dt.timedelta(days=400),
        )
        categories = list(
            ComplaintCategory.objects.filter(parent__isnull=False, is_active=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        from kefu import policy

        callback_days = int(policy.get("followups.complaint_callback_days"))
        tickets = Table(Ticket, self.stamp)
        events = Table(TicketEvent, self.stamp)
        followups = Table(FollowUp, self.stamp)
        ticket_names = [
            "id", "number", "kind", "channel", "priority", "is_major", "title", "description",
            "customer_id", "phone", "category_id", "first_responder_id", "owner_id",
            "department_id", "state", "paused_from", "resolution", "resolved_at_first_contact",
            "repeat_of_id", "clock", "response_due", "resolution_due", "responded_at",
            "paused_since", "response_breached", "resolution_breached", "escalation_level",
            "department_transfers", "callback_at", "callback_by_id", "callback_reached",
            "callback_satisfaction", "callback_note", "appointment_at", "appointment_kept_at",
            "appointment_missed", "created_at", "resolved_at", "closed_at", "version",
            "updated_at", "updated_by_id",
        ]  # fmt: skip
        make_ticket = tickets.maker(ticket_names)
        make_event = events.maker(
            ["id", "ticket_id", "at", "actor_id", "kind", "from_state", "to_state", "note", "data"]
        )
        make_followup = followups.maker(
            [
                "id",
                "kind",
                "customer_id",
                "ticket_id",
                "department_id",
                "owner_id",
                "due_on",
                "status",
                "reached",
                "satisfaction",
                "notes",
                "done_at",
                "done_by_id",
                "created_at",
            ]  # fmt: skip
        )
        first_id = self.writer.next_id(tickets.name)
        event_id = [self.writer.next_id(events.name)]
        followup_id = [self.writer.next_id(followups.name)]
        kinds = [k for k, w in KIND_WEIGHTS.items() for _ in range(w)]
        handlers = {
            "service_request": staff["tech"],
            "fault": staff["tech"],
            "complaint": staff["complaints"],
            "demand": staff["marketing"],
            "suggestion": staff["marketing"],
        }
        stamp, now, local = self.stamp.convert, self.end, self.local
        event_rows: list[tuple] = []
        followup_rows: list[tuple] = []
        survey_candidates: list[tuple] = []
        recent: list[tuple[int, int | None, str, int]] = []  # (id, customer, phone, created)

        def event(ticket_id, at, actor, kind, from_state="", to_state="", note="", data="{}"):
            event_rows.append(
                make_event(
                    event_id[0], ticket_id, stamp(at), actor, kind, from_state, to_state, note, data
                )  # fmt: skip
            )
            event_id[0] += 1

        def lognormal(median_seconds: float, sigma: float = 0.9) -> int:
            return int(median_seconds * math.exp(rng.gauss(0, sigma))) + 1

        hours = arrival_hours(local, self.start, self.end, count, self.holiday)

        def rows() -> Iterator[tuple[tuple, tuple, tuple, tuple | None]]:
            """Each ticket's row, its events, its callback task and whether a survey asks
            about it."""
            for i, created in enumerate(times_in(rng, hours)):
                pk = first_id + i
                kind = rng.choice(kinds)
                priority = rng.choice(PRIORITIES)
                channel = rng.choice(CHANNELS)
                title = rng.choice(TEXTS[kind])
                known = people.before(created)
                customer = phone = None
                repeat_of = None
                if recent and kind != "suggestion" and rng.random() < 0.04:
                    repeat_of, customer, phone, _at = rng.choice(recent)
                elif known and rng.random() < 0.93:
                    k = rng.randrange(known)
                    customer, phone = people.ids[k], people.phones[k]
                else:
                    phone = mobile(rng.randrange(100_000_000), 999)
                location = f"{rng.choice(ESTATES)}{rng.randint(1, 30)}幢{rng.randint(1, 4)}单元"
                description = f"{location}：{title}{rng.choice(DETAILS)}"
                person, person_dept = rng.choice(
                    staff["desk"] if channel in ("walk_in", "store") else staff["front"]
                )
                limit = limits.get((kind, priority), FALLBACK)
                always = limit["clock"] == "always"
                if always:
                    response_due = created + limit["response_minutes"] * 60
                    resolution_due = created + limit["resolution_minutes"] * 60
                else:
                    response_due = clock.add(created, limit["response_minutes"])
                    resolution_due = clock.add(created, limit["resolution_minutes"])
                owner, department, transfers = person, person_dept, 0
                first_contact = rng.random() < FIRST_CONTACT_SHARE[kind]
                if first_contact:
                    responded = resolved = created
                else:
                    pool = handlers.get(kind)
                    if pool:
                        owner, department = rng.choice(pool)
                        transfers = int(department != person_dept)
                    responded = created + lognormal(limit["response_minutes"] * 60 * 0.35)
                    resolved = created + lognormal(RESOLVE_HOURS[kind] * 3600)
                    if priority == "urgent":
                        resolved = created + (resolved - created) // 3
                if responded > now:
                    responded = None
                if resolved > now:
                    resolved = None
                closed = callback = None
                state = "open"
                paused_from = ""
                paused_since = None
                if resolved is not None:
                    close_at = resolved + (
                        0 if first_contact and kind != "complaint" else lognormal(20 * 3600, 0.8)
                    )
                    if kind == "complaint":
                        callback_at = resolved + lognormal(callback_days * 12 * 3600, 0.6)
                        if callback_at <= now and close_at <= now:
                            callback = callback_at
                            closed = max(close_at, callback_at)
                            state = "closed"
                        else:
                            state = "callback"
                    elif close_at <= now:
                        closed, state = close_at, "closed"
                    else:
                        state = "resolved"
                elif responded is not None:
                    progress = (now - created) / max(1, (resolution_due - created))
                    if kind == "complaint":
                        state = ("analysing", "assigned", "supervising", "tracking")[
                            min(3, int(progress * 2))
                        ]
                    else:
                        state = "in_progress"
                    if rng.random() < 0.05:
                        paused_from, state = state, "waiting"
                        paused_since = responded + (now - responded) // 2
                response_breached = (responded if responded is not None else now) > response_due
                resolution_breached = (resolved if resolved is not None else now) > resolution_due
                escalation = int(response_breached) + int(resolution_breached)
                appointment = kept = None
                missed = False
                if kind == "service_request" and not first_contact and rng.random() < 0.3:
                    day = local.date(created) + dt.timedelta(days=rng.randint(1, 3))
                    appointment = local.midnight(day) + rng.choice((10, 14, 16)) * 3600
                    if resolved is not None and resolved >= appointment:
                        kept = appointment + rng.randint(0, 1800)
                    elif resolved is None and appointment < now:
                        missed = True
                    elif resolved is not None and resolved < appointment:
                        appointment = None
                callback_by = satisfaction = None
                reached = None
                callback_note = ""
                resolution = rng.choice(RESOLUTIONS[kind]) if resolved is not None else ""
                # History: recorded, then each change the state implies (R-TIC-7).
                event(pk, created, person, "created", "", "open")
                version = 1
                last = created
                if resolved is not None:
                    to = "callback" if kind == "complaint" else "resolved"
                    event(pk, resolved, owner, "resolved", "open", to, resolution,
                          '{"first_contact": true}' if first_contact else "{}")  # fmt: skip
                    version, last = version + 1, resolved
                elif state != "open":
                    version, last = version + 1, responded
                if callback is not None:
                    callback_by = rng.choice(staff["callbacks"])[0]
                    satisfaction = rng.choices((1, 2, 3, 4, 5), weights=(3, 5, 17, 40, 35))[0]
                    reached = True
                    callback_note = (
                        "客户对处理结果表示认可" if satisfaction >= 3 else "客户仍不满意"
                    )
                    event(pk, callback, callback_by, "callback", "", "", callback_note)
                    version, last = version + 1, callback
                if closed is not None:
                    event(pk, closed, owner, "state", "callback" if kind == "complaint"
                          else "resolved", "closed")  # fmt: skip
                    version, last = version + 1, closed
                if kind == "complaint" and resolved is not None:
                    resolved_day = local.date(resolved)
                    followup_rows.append(
                        make_followup(
                            followup_id[0],
                            FollowUpKind.COMPLAINT_CALLBACK.value,
                            customer,
                            pk,
                            department,
                            rng.choice(staff["callbacks"])[0],
                            (resolved_day + dt.timedelta(days=callback_days)).isoformat(),
                            "done" if callback is not None else "planned",
                            reached,
                            satisfaction,
                            callback_note,
                            stamp(callback),
                            callback_by,
                            stamp(resolved),
                        )  # fmt: skip
                    )
                    followup_id[0] += 1
                surveyed = None
                if closed is not None and customer is not None and rng.random() < 0.04:
                    surveyed = (pk, customer, channel, kind, owner, closed)
                if customer is not None or phone:
                    recent.append((pk, customer, phone, created))
                    if len(recent) > 3000:
                        del recent[:1000]
                created_local = local.date(created)
                row = make_ticket(
                    pk, f"GD{created_local:%Y%m%d}{pk:06d}", kind, channel, priority,
                    kind in ("complaint", "fault") and rng.random() < 0.002, title, description,
                    customer, phone, rng.choice(categories) if kind == "complaint" and categories
                    else None, person, owner, department, state, paused_from, resolution,
                    first_contact, repeat_of, "always" if always else "business",
                    stamp(response_due), stamp(resolution_due), stamp(responded),
                    stamp(paused_since), response_breached, resolution_breached, escalation,
                    transfers, stamp(callback), callback_by, reached, satisfaction,
                    callback_note, stamp(appointment), stamp(kept), missed, stamp(created),
                    stamp(resolved), stamp(closed), version, stamp(last), owner,
                )  # fmt: skip
                yield row, tuple(event_rows), tuple(followup_rows), surveyed
                event_rows.clear()
                followup_rows.clear()

        written = 0
        from tqdm import tqdm

        loading = contextlib.ExitStack()
        for name in (tickets.name, events.name, followups.name):
            loading.enter_context(self.writer.bulk(name, count, later=True))
        try:
            bar = tqdm(total=count, desc="tickets", unit="ticket", disable=not self.writer.progress)
            chunk: list[tuple] = []
            chunk_events: list[tuple] = []
            chunk_followups: list[tuple] = []
            added_events = added_followups = 0
            for row, its_events, its_followups, surveyed in rows():
                chunk.append(row)
                chunk_events.extend(its_events)
                chunk_followups.extend(its_followups)
                if surveyed is not None:
                    survey_candidates.append(surveyed)
                if len(chunk) >= self.writer.batch:
                    added_events, added_followups = self._ticket_batch(
                        tickets, events, followups, chunk, chunk_events, chunk_followups,
                        added_events, added_followups,
                    )  # fmt: skip
                    written += len(chunk)
                    bar.update(len(chunk))
                    chunk = []
            if chunk:
                added_events, added_followups = self._ticket_batch(
                    tickets, events, followups, chunk, chunk_events, chunk_followups,
                    added_events, added_followups,
                )  # fmt: skip
                written += len(chunk)
                bar.update(len(chunk))
            bar.close()
            # R-TIC-4: the original of each repeat contact counts its repeats (one grouping
            # pass: it needs no index, so it runs before they are made again).
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {tickets.name} SET repeat_contacts = counted.n FROM "  # noqa: S608
                    f"(SELECT repeat_of_id, COUNT(*) AS n FROM {tickets.name} WHERE "
                    f"repeat_of_id IN (SELECT repeat_of_id FROM {tickets.name} WHERE id >= %s "
                    "AND repeat_of_id IS NOT NULL) GROUP BY repeat_of_id) AS counted "
                    f"WHERE {tickets.name}.id = counted.repeat_of_id",
                    [first_id],
                )
        finally:
            loading.close()
        self.result.counts["tickets"] = written
        self.result.counts["ticket_events"] = added_events
        self.result.counts["callback_tasks"] = added_followups
        self.result.seconds["tickets"] = round(time.perf_counter() - started, 2)
        self._surveys(survey_candidates)

    def _ticket_batch(self, tickets, events, followups, chunk, event_rows, followup_rows,
                      added_events, added_followups):  # fmt: skip
        writer = self.writer
        quiet = Writer(progress=False, batch=writer.batch * 4)
        writer._flush(tickets.name, tickets.columns, chunk)
        added_events += quiet.write(
            events.name, events.columns, event_rows, total=len(event_rows), desc="events"
        )
        added_followups += quiet.write(
            followups.name, followups.columns, followup_rows, total=len(followup_rows), desc=""
        )
        event_rows.clear()
        followup_rows.clear()
        return added_events, added_followups

    def _surveys(self, candidates: list[tuple]) -> None:
        """Phone survey answers for a share of closed tickets (R-FUP-3): gap, 1–5 mean and
        NPS kept on the response as the survey service keeps them."""
        from kefu.followups.models import Answer, Question, Survey, SurveyResponse

        if not candidates:
            return
        started = time.perf_counter()
        survey = (
            Survey.objects.filter(is_open=True, questions__isnull=False)
            .order_by("-pk")
            .distinct()
            .first()
        )
        if survey is None:
            from kefu.followups.demo import QUESTIONS
            from kefu.followups.surveys import survey_create
            from kefu.org.permissions import SYSTEM

            survey = survey_create(actor=SYSTEM, title="工单回访满意度调查", questions=QUESTIONS)
        questions = list(Question.objects.filter(survey=survey).order_by("position", "pk"))
        rng = self.rng(4)
        responses = Table(SurveyResponse, self.stamp)
        answers = Table(Answer, self.stamp)
        make_response = responses.maker(
            [
                "id",
                "survey_id",
                "customer_id",
                "ticket_id",
                "way",
                "channel",
                "ticket_kind",
                "department_id",
                "agent_id",
                "gap",
                "scale_mean",
                "nps",
                "answered_at",
            ]  # fmt: skip
        )
        make_answer = answers.maker(
            ["id", "response_id", "question_id", "value", "expected", "perceived", "text"]
        )
        response_id = self.writer.next_id(responses.name)
        answer_id = self.writer.next_id(answers.name)
        departments = self._customer_departments([c[1] for c in candidates])
        response_rows, answer_rows = [], []

        def mean(values):
            if not values:
                return None
            return str(
                (Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"), ROUND_HALF_UP)
            )

        for ticket, customer, channel, kind, agent, closed in candidates:
            gaps, scales, nps = [], [], None
            for q in questions:
                value = expected = perceived = None
                text = ""
                if q.kind == "pair":
                    expected = rng.randint(3, 5)
                    perceived = min(5, max(1, expected + rng.choice((-2, -1, -1, 0, 0, 0, 1))))
                    gaps.append(perceived - expected)
                elif q.kind == "scale":
                    value = rng.choices((1, 2, 3, 4, 5), weights=(2, 4, 15, 42, 37))[0]
                    scales.append(value)
                elif q.kind == "nps":
                    value = rng.choices(range(11), weights=(1, 1, 1, 1, 2, 3, 5, 10, 20, 28, 28))[0]
                    nps = value
                elif rng.random() < 0.2:
                    text = rng.choice(["希望加强夜间巡逻", "维修很及时", "客服态度很好", "停车难"])
                else:
                    continue
                answer_rows.append(
                    make_answer(answer_id, response_id, q.pk, value, expected, perceived, text)
                )
                answer_id += 1
            answered = closed + rng.randint(3600, 3 * DAY)
            response_rows.append(
                make_response(
                    response_id,
                    survey.pk,
                    customer,
                    ticket,
                    "phone",
                    channel,
                    kind,
                    departments[customer],
                    agent,
                    mean(gaps),
                    mean(scales),
                    nps,
                    self.stamp(min(answered, self.end)),
                )  # fmt: skip
            )
            response_id += 1
        quiet = Writer(progress=False, batch=self.writer.batch)
        self.result.counts["survey_responses"] = quiet.write(
            responses.name, responses.columns, response_rows, total=len(response_rows), desc=""
        )
        self.result.counts["survey_answers"] = quiet.write(
            answers.name, answers.columns, answer_rows, total=len(answer_rows), desc=""
        )
        self.result.seconds["surveys"] = round(time.perf_counter() - started, 2)

    def _customer_departments(self, ids: list[int]) -> dict[int, int]:
        from kefu.customers.models import Customer

        wanted = sorted(set(ids))
        found: dict[int, int] = {}
        for start in range(0, len(wanted), 5000):
            found.update(
                Customer.objects.filter(pk__in=wanted[start : start + 5000]).values_list(
                    "pk", "department_id"
                )
            )
        return found

    # ----------------------------------------------------------------- calls

    def calls(self, count: int, people: People, staff) -> None:
        """``count`` inbound calls on the daily and weekly pattern; waits grow and more
        callers give up in the peaks."""
        from kefu.callcenter.models import AgentExtension, CallRecord, Hotline, Queue

        if not count:
            return
        rng = self.rng(3)
        started = time.perf_counter()
        # The hotline belongs to the department whose agents answer it (its missed calls
        # count there).
        answering = Counter(dept for _, dept in staff["front"]).most_common(1)[0][0]
        defaults = {"name": HOTLINE[1]}
        if any(f.name == "department" for f in Hotline._meta.fields):
            defaults["department_id"] = answering
        hotline, _ = Hotline.objects.get_or_create(number=HOTLINE[0], defaults=defaults)
        queues = []
        for name, weight in QUEUES:
            queue, _ = Queue.objects.get_or_create(name=name, defaults={"hotline": hotline})
            queues.append((queue.pk, weight))
        queue_ids = [pk for pk, _ in queues]
        queue_cum = list(accumulate(w for _, w in queues))
        extensions = dict(AgentExtension.objects.values_list("user_id", "extension"))
        agents = [pk for pk, _ in staff["front"]]
        labels = {pk: extensions.get(pk, f"SIP/{8000 + pk}") for pk in agents}
        table = Table(CallRecord, self.stamp)
        make = table.maker(
            [
                "id",
                "key",
                "source",
                "direction",
                "caller",
                "callee",
                "hotline_id",
                "queue_id",
                "agent_id",
                "agent_label",
                "enter_at",
                "answer_at",
                "end_at",
                "wait_seconds",
                "talk_seconds",
                "disposition",
                "abandoned",
                "ring_no_answer",
                "customer_id",
                "created_at",
            ]  # fmt: skip
        )
        first_id = self.writer.next_id(table.name)
        mean_weight = sum(HOUR_WEIGHTS) / 24
        local, stamp = self.local, self.stamp.convert
        hotline_pk, number = hotline.pk, HOTLINE[0]

        hours = arrival_hours(local, self.start, self.end, count, self.holiday)

        def rows() -> Iterator[tuple]:
            # The hot loop of the largest table: names bound locally, one load per hour.
            rnd, gauss, exp, log = rng.random, rng.gauss, math.exp, math.log
            created, phones, ids = people.created, people.phones, people.ids
            bisect_right, bisect_left = bisect.bisect_right, bisect.bisect_left
            queue_total, n_agents = queue_cum[-1], len(agents)
            pk = first_id
            for lo, span, n in hours:
                hour = (lo + local.offset(lo)) % DAY // 3600
                load = HOUR_WEIGHTS[hour] / mean_weight
                mean_wait = 6 + 14 * load
                give_up = 0.3 + 0.2 * min(load, 2)
                ring_share = 0.05 * load
                for enter in sorted([lo + int(rnd() * span) for _ in range(n)]):
                    known = bisect_right(created, enter)
                    roll = rnd()
                    customer = None
                    if known and roll < 0.62:
                        k = int(rnd() * known)
                        caller, customer = phones[k], ids[k]
                    elif roll < 0.9:
                        caller = mobile(int(rnd() * 100_000_000), 777)
                    else:
                        caller = f"0571{int(rnd() * 100_000_000):08d}"
                    queue = queue_ids[bisect_left(queue_cum, rnd() * queue_total)]
                    patience = -log(1.0 - rnd()) * 60
                    wait = int(-log(1.0 - rnd()) * mean_wait)
                    entered = stamp(enter)
                    if wait > patience and rnd() < give_up:
                        wait = int(patience)
                        ended = stamp(enter + wait)
                        row = make(
                            pk, f"gen-{pk}", "cti" if rnd() < 0.7 else "queue_log", "in",
                            caller, number, hotline_pk, queue, None, "", entered, None, ended,
                            wait, None, "abandoned", True, 0, customer, ended,
                        )  # fmt: skip
                    else:
                        agent = agents[int(rnd() * n_agents)]
                        talk = int(150 * exp(gauss(0, 0.7))) + 10
                        ended = stamp(enter + wait + talk)
                        row = make(
                            pk, f"gen-{pk}", "cti" if rnd() < 0.7 else "queue_log", "in",
                            caller, number, hotline_pk, queue, agent, labels[agent], entered,
                            stamp(enter + wait), ended, wait, talk, "answered", False,
                            int(rnd() < ring_share), customer, ended,
                        )  # fmt: skip
                    pk += 1
                    yield row

        with self.writer.bulk(table.name, count, later=True):
            written = self.writer.write(
                table.name, table.columns, rows(), total=count, desc="calls", unit="call"
            )
        self.result.counts["calls"] = written
        self.result.seconds["calls"] = round(time.perf_counter() - started, 2)


def ensure_organisation(*, seed: int, full_demo: bool) -> bool:
    """Load the demo (or only its organisation) into an empty database; True when loaded."""
    from kefu.core.demo import is_empty, load_demo

    if not is_empty():
        return False
    from django.test.utils import override_settings

    hashers = settings.PASSWORD_HASHERS
    if os.environ.get("KEFU_GENERATE_FAST_PASSWORDS"):
        # Benchmarks' scratch databases: nobody signs in with a password there, and Argon2
        # (deliberately slow) would cost each run half a minute for the demo's logins.
        hashers = ["django.contrib.auth.hashers.MD5PasswordHasher", *hashers]
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend", PASSWORD_HASHERS=hashers
    ):
        load_demo(seed=seed, steps=None if full_demo else [])
    return True


def generate(
    *,
    customers: int = 0,
    tickets: int = 0,
    calls: int = 0,
    seed: int = 2026,
    days: int = 365,
    end: dt.datetime | None = None,
    progress: bool = True,
    demo: bool = True,
) -> Result:
    """Add ``customers``, ``tickets`` and ``calls`` spread over the ``days`` before ``end``
    (default: now) to a migrated database; an empty one first gets the demo (``demo``) or
    only its organisation. Returns the counts and seconds per table."""
    from django.utils import timezone

    if min(customers, tickets, calls) < 0 or days < 1:
        raise ValueError("counts must not be negative and days must be at least 1")
    ensure_organisation(seed=seed, full_demo=demo)
    end = end or timezone.now()
    gen = Generator(seed=seed, end=end, days=days, progress=progress)
    staff = gen.staff()
    people = gen.people()
    gen.customers(customers, people, staff)
    people.sort()
    if (tickets or calls) and not people.ids:
        raise ValueError("there are no customers to contact: generate some with --customers")
    gen.tickets(tickets, people, staff)
    gen.calls(calls, people, staff)
    from kefu.callcenter.models import CallRecord
    from kefu.customers.models import Customer
    from kefu.followups.models import Answer, FollowUp, SurveyResponse
    from kefu.tickets.models import Ticket, TicketEvent

    started = time.perf_counter()
    gen.writer.finish(
        [
            m._meta.db_table
            for m in (Customer, Ticket, TicketEvent, FollowUp, SurveyResponse, Answer, CallRecord)
        ]  # fmt: skip
    )
    gen.result.seconds["analyse"] = round(time.perf_counter() - started, 2)
    gen.result.index_seconds = round(gen.writer.index_seconds, 2)
    return gen.result
