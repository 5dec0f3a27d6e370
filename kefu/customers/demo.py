"""Realistic Chinese customers for the demo and the search benchmark.

:func:`fake_customer` makes one customer's fields (valid phones and resident IDs,
real city districts and roads, company names); :func:`load_customers` is the
demo step that creates a few hundred through the services, with contracts,
claims, contacts and a blacklist entry, so every page has something to show.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from kefu.customers.validators import credit_code_with_check, resident_id_with_check

CITIES = [
    # (city, region code of a district, district, roads)
    ("北京市", "110105", "朝阳区", ["建国路", "朝阳北路", "望京街", "酒仙桥路", "东三环中路"]),
    ("北京市", "110108", "海淀区", ["中关村大街", "学院路", "知春路", "西四环北路"]),
    ("上海市", "310115", "浦东新区", ["世纪大道", "陆家嘴环路", "张江路", "金桥路"]),
    ("上海市", "310104", "徐汇区", ["漕溪北路", "肇嘉浜路", "衡山路", "宜山路"]),
    ("广州市", "440106", "天河区", ["天河路", "体育西路", "珠江新城华夏路", "中山大道"]),
    ("深圳市", "440305", "南山区", ["科技园南路", "深南大道", "后海大道", "南海大道"]),
    ("杭州市", "330106", "西湖区", ["文三路", "天目山路", "古墩路", "西溪路"]),
    ("成都市", "510107", "武侯区", ["人民南路", "科华北路", "武侯大道", "天府大道"]),
    ("武汉市", "420106", "武昌区", ["中南路", "徐东大街", "友谊大道", "和平大道"]),
    ("南京市", "320106", "鼓楼区", ["中山北路", "汉中路", "湖南路", "草场门大街"]),
    ("西安市", "610113", "雁塔区", ["长安南路", "小寨东路", "科技路", "高新路"]),
    ("天津市", "120103", "河西区", ["友谊路", "解放南路", "黑牛城道", "围堤道"]),
]
ESTATES = [
    "阳光花园",
    "锦绣华庭",
    "翠湖苑",
    "世纪名都",
    "金色家园",
    "御景湾",
    "碧水云天",
    "紫荆公寓",
]
COMPANY_WORDS = [
    "华润",
    "中建",
    "万科",
    "恒信",
    "鼎盛",
    "瑞丰",
    "宏达",
    "安泰",
    "长城",
    "远洋",
    "天成",
    "博远",
]
INDUSTRIES = [
    ("置业", "房地产"),
    ("科技", "信息技术"),
    ("贸易", "批发零售"),
    ("物流", "交通运输"),
    ("医药", "医疗健康"),
    ("餐饮管理", "餐饮"),
    ("教育咨询", "教育"),
    ("建设工程", "建筑"),
]
OCCUPATIONS = [
    ("工程师", "项目经理"),
    ("教师", "教研组长"),
    ("医生", "主治医师"),
    ("会计", "财务主管"),
    ("公务员", "科员"),
    ("销售", "销售经理"),
    ("律师", "合伙人"),
    ("个体经营", "店主"),
    ("程序员", "技术总监"),
    ("退休", ""),
]
MOBILE_PREFIXES = (
    "130 131 132 135 136 137 138 139 150 151 152 157 158 159 176 177 180 181 186".split()
)
INCOME = ["5万以下", "5-10万", "10-20万", "20-30万", "30-50万", "50万以上"]
FAMILY = ["单身", "已婚无子女", "三口之家", "四口之家", "三代同堂", "与父母同住"]
INTERESTS = ["高尔夫", "摄影", "旅游", "读书", "健身", "茶艺", "书法", "钓鱼", "烹饪", "音乐"]
TAGS = ["VIP", "老客户介绍", "团购", "投资客", "首次置业", "改善型", "关注学区", "价格敏感"]
CLAIM_TEXTS = ["房屋渗水赔偿", "装修质量问题", "延期交付违约金"]
EDUCATION = ["secondary", "college", "bachelor", "bachelor", "master", "doctorate", ""]


def _name(rng: random.Random) -> str:
    from kefu.core.demo import chinese_name

    return chinese_name(rng)


def fake_customer(rng: random.Random, n: int) -> dict:
    """One customer's fields; ``n`` keeps phones and ID numbers unique across a run."""
    city, region, district, roads = rng.choice(CITIES)
    address = f"{city}{district}{rng.choice(roads)}{rng.randint(1, 999)}号"
    if rng.random() < 0.6:
        address += f"{rng.choice(ESTATES)}{rng.randint(1, 30)}栋{rng.randint(101, 3205)}室"
    # A bijection of n onto 8 digits: unique numbers that look random (odd, not a multiple of 5).
    phone = f"{rng.choice(MOBILE_PREFIXES)}{(n * 2_654_435_761 + 12_345_678) % 100_000_000:08d}"
    word, industry = rng.choice(COMPANY_WORDS), rng.choice(INDUSTRIES)
    company = f"{city[:-1]}{word}{industry[0]}有限公司"
    if rng.random() < 0.12:
        code = f"91{region}{n % 1_000_000_000:09d}"
        return {
            "kind": "organisation",
            "name": company,
            "company": company,
            "industry": industry[1],
            "address": address,
            "phone": phone,
            "id_number": credit_code_with_check(code),
            "tags": rng.sample(TAGS, k=rng.randint(0, 2)),
            "purchase_intent": rng.choice(["", "写字楼租赁", "员工宿舍", "商铺购买"]),
            "customer_class": rng.choice(["potential", "intended"]),
        }
    born = dt.date(rng.randint(1950, 2003), rng.randint(1, 12), rng.randint(1, 28))
    id_number = resident_id_with_check(f"{region}{born:%Y%m%d}{n % 1000:03d}")
    occupation, title = rng.choice(OCCUPATIONS)
    return {
        "kind": "person",
        "name": _name(rng),
        "birth_date": born,
        "gender": "male" if int(id_number[16]) % 2 else "female",
        "education": rng.choice(EDUCATION),
        "occupation": occupation,
        "job_title": title,
        "company": company if occupation not in {"退休", "个体经营"} else "",
        "income_band": rng.choice(INCOME),
        "family_structure": rng.choice(FAMILY),
        "address": address,
        "phone": phone,
        "id_number": id_number,
        "interests": rng.sample(INTERESTS, k=rng.randint(0, 3)),
        "tags": rng.sample(TAGS, k=rng.randint(0, 2)),
        "purchase_attitude": rng.choice(["", "理性比较", "注重品牌", "价格敏感", "犹豫观望"]),
        "purchase_intent": rng.choice(["", "三居室", "学区房", "改善型住房", "车位"]),
        "customer_class": rng.choice(["potential", "intended"]),
        "source": rng.choice(["来电", "到访", "网站", "老客户介绍", "展会"]),
    }


def load_customers(rng: random.Random, count: int = 300) -> None:
    """The demo step: customers of the customer service department with their business."""
    from django.utils import timezone

    from kefu.customers import services
    from kefu.org.models import Department, User
    from kefu.org.permissions import SYSTEM

    department = Department.objects.get(code="callcenter")
    managers = list(User.objects.filter(role_rows__role="customer_manager"))
    today = timezone.localdate()
    for n in range(count):
        fields = fake_customer(rng, 10_000 + n)
        customer = services.customer_create(
            actor=SYSTEM,
            department=department,
            manager=rng.choice(managers) if managers else None,
            **fields,
        )
        if fields["kind"] == "organisation":
            services.contact_create(
                actor=SYSTEM, customer=customer, name=_name(rng), job_title="行政主管",
                phone=f"186{(20_000 + n) % 100_000_000:08d}", is_primary=True,
            )  # fmt: skip
        if rng.random() < 0.45:
            for k in range(rng.choice((1, 1, 2))):
                signed = today - dt.timedelta(days=rng.randint(30, 900))
                delivered = signed + dt.timedelta(days=rng.randint(60, 400))
                amount = Decimal(rng.randint(20, 500) * 10_000)
                contract = services.contract_create(
                    actor=SYSTEM,
                    customer=customer,
                    number=f"HT{signed:%Y}-{n:04d}-{k}",
                    title=rng.choice(["商品房买卖合同", "物业服务合同", "车位租赁合同"]),
                    amount=amount,
                    signed_on=signed,
                    delivered_on=delivered if delivered <= today else None,
                )
                if rng.random() < 0.08:
                    for _i in range(rng.choice((1, 3, 4))):
                        services.claim_create(
                            actor=SYSTEM, contract=contract,
                            claimed_on=today - dt.timedelta(days=rng.randint(1, 300)),
                            amount_claimed=amount * Decimal("0.3"),
                            amount_paid=amount * Decimal(rng.choice(("0.1", "0.3", "0.5"))),
                            description=rng.choice(CLAIM_TEXTS),
                        )  # fmt: skip
        if n % 97 == 5:
            services.customer_blacklist(
                actor=SYSTEM, customer=customer, reason="恶意拖欠物业费且多次无理投诉"
            )
    # A first grading, approved, so grades and the quality lists have content (R-CUS-3, R-CUS-4).
    services.grading_approve(actor=SYSTEM, run=services.grading_propose(actor=SYSTEM))
