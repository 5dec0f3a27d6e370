"""R-CUS-9: search by any part of name, phone digits, company, address or ID, in Chinese."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.customers import search, selectors, services
from kefu.org.permissions import SYSTEM
from kefu.org.roles import Role
from tests import factories
from tests.customers import factories as cf

pytestmark = pytest.mark.django_db


def _ids(user, q):
    return set(selectors.customer_search(user, q).values_list("pk", flat=True))


@pytest.fixture
def people():
    dept = factories.department()
    wang = cf.customer(
        department=dept,
        name="王小明",
        phone="13812345678",
        company="北京建工集团",
        address="北京市朝阳区建国路88号",
        id_number=cf.id_number(),
    )
    li = cf.customer(
        department=dept,
        name="李明华",
        phone="13987654321",
        company="上海浦东发展银行",
        address="上海市浦东新区世纪大道100号",
    )
    return wang, li, factories.user(Role.CS_SUPERVISOR)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("王", {"wang"}),
        ("小明", {"wang"}),
        ("王小明", {"wang"}),
        ("明", {"wang", "li"}),
        ("5678", {"wang"}),
        ("138 1234", {"wang"}),
        ("建工", {"wang"}),
        ("浦东发展", {"li"}),
        ("朝阳区建国路", {"wang"}),
        ("世纪大道100", {"li"}),
        ("赵", set()),
    ],
)
def test_it_finds_customers_by_any_part_of_name_phone_company_or_address(people, query, expected):
    """R-CUS-9: any part, one character or many, Chinese or digits."""
    wang, li, user = people
    by_name = {"wang": wang.pk, "li": li.pk}
    assert _ids(user, query) == {by_name[n] for n in expected}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("wxm", {"wang"}),  # the initials of 王小明
        ("WangXiaoming", {"wang"}),
        ("xiaoming", {"wang"}),
        ("lmh", {"li"}),
        ("pdfzyh", {"li"}),  # 浦东发展银行: 银行 is yinhang, so the bank is found by its initials
        ("shpdfzyh", {"li"}),
        ("bjjg", {"wang"}),
        ("ming", {"wang", "li"}),
        ("zxm", set()),
    ],
)
def test_it_finds_customers_by_the_pinyin_or_initials_of_name_and_company(people, query, expected):
    """R-CUS-9: agents type what they heard: the pinyin of a name or its initials."""
    wang, li, user = people
    by_name = {"wang": wang.pk, "li": li.pk}
    assert _ids(user, query) == {by_name[n] for n in expected}


def test_a_surname_with_two_readings_is_found_by_either_and_follows_a_rename(people):
    """R-CUS-9: 曾 is read zeng as a surname and ceng otherwise; both find the customer,
    and the index follows a change of name."""
    _wang, li, user = people
    zeng = cf.customer(department=li.department, name="曾小红", phone="13700001111")
    assert _ids(user, "zxh") == _ids(user, "cxh") == _ids(user, "zengxiaohong") == {zeng.pk}
    services.customer_update(actor=SYSTEM, customer=zeng, name="单田芳")
    assert _ids(user, "zxh") == set()
    assert _ids(user, "stf") == _ids(user, "shantianfang") == {zeng.pk}


def test_it_finds_customers_by_part_of_the_id_number(people):
    wang, _li, user = people
    assert _ids(user, wang.id_number[-6:]) == {wang.pk}
    assert _ids(user, wang.id_number.lower()) == {wang.pk}


def test_it_keeps_the_index_in_step_with_changes_and_merges(people):
    """R-CUS-9: the services keep the index in sync."""
    wang, li, user = people
    services.customer_update(actor=SYSTEM, customer=wang, name="王大明")
    assert _ids(user, "小明") == set()
    assert _ids(user, "大明") == {wang.pk}
    services.customer_merge(actor=SYSTEM, survivor=li, duplicate=wang)
    assert _ids(user, "大明") == set()


def test_it_searches_only_customers_the_user_may_see(people):
    wang, _li, _user = people
    outsider = factories.user(Role.AGENT, department=factories.department())
    assert _ids(outsider, "王") == set()


def test_it_searches_through_the_api(api, people):
    wang, _li, _user = people
    r = api(Role.CS_SUPERVISOR).get("customers", q="建国路")
    assert r.status_code == 200
    assert [c["id"] for c in r.json()["items"]] == [wang.pk]


def test_r_cus_9_the_api_counts_every_page_right_without_counting_a_short_one(api, people):
    """R-CUS-9: the total is right on every page; a page that comes back short already tells
    it, so that answer costs no count query (most searches end on their first page)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    wang, li, _user = people
    third = cf.customer(department=wang.department, name="王明远")
    client = api(Role.CS_SUPERVISOR)
    pages = [client.get("customers", q="明", page=n, page_size=2).json() for n in (1, 2, 3)]
    assert [p["count"] for p in pages] == [3, 3, 3]
    assert [[c["id"] for c in p["items"]] for p in pages] == [[third.pk, li.pk], [wang.pk], []]
    with CaptureQueriesContext(connection) as short:
        body = client.get("customers", q="建国路").json()
    assert body["count"] == 1 and [c["id"] for c in body["items"]] == [wang.pk]
    assert not [q for q in short.captured_queries if "__count" in q["sql"]]


def test_it_finds_nothing_for_punctuation_only():
    user = factories.user(Role.CS_SUPERVISOR)
    cf.customer()
    assert _ids(user, "--- !!") == set()


@settings(max_examples=40, deadline=None)
@given(
    text=st.text(alphabet="王李张明华小大北京市区路号0123456789", min_size=1, max_size=12),
    start=st.integers(min_value=0, max_value=11),
    length=st.integers(min_value=1, max_value=12),
)
def test_it_matches_every_substring_by_the_gram_scheme(text, start, length):
    """R-CUS-9: for any value, every substring's query matches its grams (pure check)."""
    q = text[start : start + length]
    if not q:
        return
    tokens = search.grams(text)
    expression = search.fts_query(q)
    if len(q) <= search.GRAM:
        assert any(t.startswith(q) for t in tokens), expression
    else:
        wanted = [q[i : i + search.GRAM] for i in range(len(q) - search.GRAM + 1)]
        joined = " " + " ".join(tokens) + " "
        assert " " + " ".join(wanted) + " " in joined


def test_it_caps_a_very_broad_search_and_says_so(web, monkeypatch):
    """R-CUS-9: a query matching more than the limit answers with the newest, and says so."""
    from kefu.customers import views

    monkeypatch.setattr(search, "SEARCH_LIMIT", 2)
    monkeypatch.setattr(views, "SEARCH_LIMIT", 2)
    dept = factories.department()
    made = [cf.customer(department=dept, name=f"王{n}号") for n in range(3)]
    user = factories.user(Role.CS_SUPERVISOR)
    assert _ids(user, "王") == {made[1].pk, made[2].pk}
    html = web(Role.CS_SUPERVISOR).get("/customers/", {"q": "王"}).content.decode()
    assert 'role="status"' in html


def test_it_answers_dense_and_selective_queries_by_their_own_paths(monkeypatch):
    """R-CUS-9 on PostgreSQL: a common query reads the newest rows, a rare one the GIN index."""
    if search.uses_fts():
        pytest.skip("the PostgreSQL search paths")
    monkeypatch.setattr(search, "_PROBE_ROWS", 2)
    dept = factories.department()
    li = cf.customer(department=dept, name="李雷", address="上海市浦东新区")
    wangs = [cf.customer(department=dept, name=f"王{n}明") for n in range(4)]
    user = factories.user(Role.CS_SUPERVISOR)
    assert _ids(user, "王") == {c.pk for c in wangs}  # dense: the probe found it everywhere
    assert _ids(user, "李雷") == {li.pk}  # selective: the index
    assert _ids(user, "浦东新区") == {li.pk}  # selective, longer than a gram
    assert _ids(user, "赵") == set()


def test_the_migration_makes_customers_recorded_before_pinyin_findable_by_it(people):
    """R-CUS-9: customers recorded before pinyin search get it from migration 0004."""
    import importlib

    from django.apps import apps

    from kefu.customers.models import Customer

    wang, li, user = people
    services.customer_merge(actor=SYSTEM, survivor=li, duplicate=wang)
    migration = importlib.import_module("kefu.customers.migrations.0004_pinyin_search")
    migration.backwards(apps, None)  # the text and index as written before pinyin
    assert _ids(user, "lmh") == set() and _ids(user, "李明华") == {li.pk}
    migration.forwards(apps, None)
    assert _ids(user, "lmh") == {li.pk}
    survivor = Customer.objects.get(pk=li.pk)
    assert survivor.search_text == search.customer_text(survivor)
    assert _ids(user, "wxm") == set()  # the merged customer stays out of the index
