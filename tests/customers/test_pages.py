"""Customer pages: list and search, the customer page, forms, reveal, blacklist, reports."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from kefu.audit.models import Action, AuditEntry
from kefu.customers.models import Customer
from kefu.org.roles import Role
from tests import factories
from tests.customers import factories as cf

pytestmark = pytest.mark.django_db


def test_it_lists_and_searches_customers_with_masked_phones(web):
    """R-CUS-9 on the page; R-SEC-1 masking in lists."""
    dept = factories.department()
    cf.customer(department=dept, name="王小明", phone="13812345678")
    cf.customer(department=dept, name="李四")
    page = web(Role.CS_SUPERVISOR).get("/customers/", {"q": "小明"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "王小明" in html and "李四" not in html
    assert "138****5678" in html and "13812345678" not in html


def test_it_shows_the_customers_link_only_to_roles_that_may_see_customers(web):
    assert "/customers/" in web(Role.AGENT).get("/").content.decode()
    assert "/customers/" not in web(Role.SYSADMIN).get("/").content.decode()


def test_it_refuses_the_list_to_a_role_without_customer_view(web):
    assert web(Role.SYSADMIN).get("/customers/").status_code == 403


def test_it_creates_a_customer_from_the_form(web):
    dept = factories.department()
    client = web(Role.CUSTOMER_MANAGER, department=dept)
    r = client.post(
        "/customers/new/",
        {
            "kind": "person",
            "name": "赵敏",
            "phone": "13711112222",
            "department": dept.pk,
            "customer_class": "potential",
            "tags": "VIP，团购",
        },
    )
    assert r.status_code == 302
    customer = Customer.objects.get(name="赵敏")
    assert customer.tags == ["VIP", "团购"]
    assert r["Location"] == f"/customers/{customer.pk}/"


def test_it_shows_a_bad_phone_on_the_form_without_saving(web):
    dept = factories.department()
    r = web(Role.CS_SUPERVISOR).post(
        "/customers/new/",
        {
            "kind": "person",
            "name": "赵敏",
            "phone": "12",
            "department": dept.pk,
            "customer_class": "potential",
        },
    )
    assert r.status_code == 200
    errors = re.findall(r'<p class="field-error" role="alert">(.*?)</p>', r.content.decode())
    # Under the field's own label, without the API's field code in front ("phone：…").
    assert any("12 不是有效的电话号码" in e and "phone" not in e for e in errors), errors
    assert not Customer.objects.exists()


def test_it_edits_a_customer_keeping_masked_fields_when_left_empty(web):
    customer = cf.customer(phone="13812345678")
    client = web(Role.CS_SUPERVISOR)
    page = client.get(f"/customers/{customer.pk}/edit/")
    assert "13812345678" not in page.content.decode()
    r = client.post(
        f"/customers/{customer.pk}/edit/",
        {
            "kind": "person",
            "name": customer.name,
            "occupation": "律师",
            "department": customer.department_id,
            "customer_class": "intended",
            "phone": "",
        },
    )
    assert r.status_code == 302
    customer.refresh_from_db()
    assert customer.occupation == "律师"
    assert customer.phone == "13812345678"
    assert customer.customer_class == "intended"


class _FormAsRendered(HTMLParser):
    """What a browser would send back from the page's main form, untouched: each input's
    value attribute (a date input takes only YYYY-MM-DD; any other text shows it empty and
    sends nothing), each textarea's text, each select's selected option."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "checkbox"):
            value = a.get("value") or ""
            if a.get("type") == "date" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                value = ""
            self.values[a["name"]] = value
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.values[self._textarea] = ""
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def test_r_cus_1_saving_the_edit_form_as_shown_keeps_the_birth_date(web):
    """Changing one field and saving must keep every other one. The birth date was filled
    in the Chinese locale's format (1953/09/02), which a date picker shows as empty, so every
    edit wiped it."""
    customer = cf.customer(name="姜怡", birth_date="1953-09-02")
    client = web(Role.CS_SUPERVISOR, department=customer.department)
    page = client.get(f"/customers/{customer.pk}/edit/").content.decode()
    form = _FormAsRendered()
    form.feed(page.split("<main", 1)[1])
    assert form.values["birth_date"] == "1953-09-02"
    form.values.pop("csrfmiddlewaretoken", None)
    form.values["industry"] = "贸易"
    r = client.post(f"/customers/{customer.pk}/edit/", form.values)
    assert r.status_code == 302
    customer.refresh_from_db()
    assert customer.industry == "贸易"
    assert customer.birth_date == dt.date(1953, 9, 2)


def _claims_of_90(contract, *, actor, on: str, n: int = 3) -> None:
    """``n`` claims of 90 paid in full: enough for both early warnings on a contract of 100."""
    from kefu.customers import services

    for _i in range(n):
        services.claim_create(
            actor=actor, contract=contract, claimed_on=on, amount_claimed="90", amount_paid="90"
        )


def test_it_shows_everything_on_the_customer_page(web):
    """R-CUS-8: contacts, contracts, warnings, blacklist state and timeline on one page."""
    customer = cf.customer(kind="organisation", name="华润物业")
    from kefu.customers import services
    from kefu.org.permissions import SYSTEM

    services.contact_create(actor=SYSTEM, customer=customer, name="刘主任", phone="13700001111")
    contract = cf.contract(customer, number="HT-PAGE-1", amount="100")
    _claims_of_90(contract, actor=SYSTEM, on="2026-01-05")
    services.customer_blacklist(actor=SYSTEM, customer=customer, reason="多次恶意索赔")
    html = (
        web(Role.AGENT, department=customer.department)
        .get(f"/customers/{customer.pk}/")
        .content.decode()
    )
    for text in ("刘主任", "137****1111", "HT-PAGE-1", "多次恶意索赔", "HT-PAGE-1"):
        assert text in html
    assert html.count('role="alert"') >= 3  # blacklist + two early warnings
    listed = html.split('class="card flag-card bad-card"', 1)[1].split("</div>", 1)[0]
    assert "系统" in listed and "system" not in listed  # approved by the system, in Chinese


def test_r_cus_8_the_page_shows_the_newest_timeline_lines_and_pages_the_older_ones(web):
    """R-CUS-8: a long history opens with its newest 20 lines; 更早的记录 brings the next 20 in
    place (htmx) or as a page of their own, down to the first line."""
    from kefu.customers import events

    customer = cf.customer(name="时间线客户")
    for i in range(1, 46):
        events.linked_event(customer, kind="note", summary=f"第{i:02d}条记录")
    client = web(Role.AGENT, department=customer.department)
    html = client.get(f"/customers/{customer.pk}/").content.decode()
    shown = [i for i in range(1, 47) if f"第{i:02d}条记录" in html]
    # The customer's own 'created' line is the oldest; the 20 newest are ours 26–45.
    assert shown == list(range(26, 46))
    more = f"/customers/{customer.pk}/timeline/?offset=20"
    assert f'hx-get="{more}"' in html and "更早的记录" in html

    part = client.get(more, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in part
    assert [i for i in range(1, 47) if f"第{i:02d}条记录" in part] == list(range(6, 26))
    assert f"/customers/{customer.pk}/timeline/?offset=40" in part

    last = client.get(f"/customers/{customer.pk}/timeline/?offset=40").content.decode()
    assert "时间线客户的客户动态" in last and "<html" in last
    assert [i for i in range(1, 47) if f"第{i:02d}条记录" in last] == list(range(1, 6))
    assert "更早的记录" not in last


def test_r_cus_8_the_timeline_pages_follow_the_customer_page_s_visibility(web):
    customer = cf.customer()
    other = factories.department()
    r = web(Role.AGENT, department=other).get(f"/customers/{customer.pk}/timeline/")
    assert r.status_code in (403, 404)
    client = web(Role.AGENT, department=customer.department)
    for offset in ("abc", "-5"):
        page = client.get(f"/customers/{customer.pk}/timeline/?offset={offset}")
        assert "建立客户档案" in page.content.decode(), offset  # the newest lines
    past = client.get(f"/customers/{customer.pk}/timeline/?offset={'9' * 30}")
    assert past.status_code == 200 and "没有更早的记录" in past.content.decode()


def test_it_reveals_a_field_on_the_page_with_a_reason(web):
    """R-SEC-1: the reveal button posts a reason; the value shows to this user and is recorded."""
    customer = cf.customer(phone="13812345678")
    client = web(Role.CS_SUPERVISOR)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert f'hx-post="/customers/{customer.pk}/reveal/"' in page
    r = client.post(
        f"/customers/{customer.pk}/reveal/",
        {"field": "phone", "reason": "回访核对"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200
    assert "13812345678" in r.content.decode()
    assert AuditEntry.objects.filter(action=Action.REVEAL, reason="回访核对").count() == 1
    r = client.post(f"/customers/{customer.pk}/reveal/", {"field": "phone", "reason": ""})
    assert r.status_code == 400
    assert "13812345678" not in r.content.decode()


def test_it_has_no_reveal_button_for_an_agent(web):
    customer = cf.customer(phone="13812345678")
    client = web(Role.AGENT, department=customer.department)
    assert 'name="reason"' not in client.get(f"/customers/{customer.pk}/").content.decode()
    r = client.post(f"/customers/{customer.pk}/reveal/", {"field": "phone", "reason": "看看"})
    assert r.status_code == 403
    assert "13812345678" not in r.content.decode()


def test_it_blacklists_from_the_page_and_refuses_a_contract_form(web):
    """R-CUS-5 on the pages: the contract form shows the refusal naming the entry."""
    customer = cf.customer()
    client = web(Role.CS_SUPERVISOR)
    r = client.post(f"/customers/{customer.pk}/blacklist/", {"reason": "拖欠费用", "until": ""})
    assert r.status_code == 302
    entry = customer.blacklist.get()
    r = client.post(
        f"/customers/{customer.pk}/contracts/new/",
        {"number": "HT-9", "amount": "10", "signed_on": "2026-01-01"},
    )
    assert r.status_code == 200
    assert f"#{entry.pk}" in r.content.decode()
    r = client.post(f"/customers/blacklist/{entry.pk}/lift/", {"reason": "已结清"})
    assert r.status_code == 302
    r = client.post(
        f"/customers/{customer.pk}/contracts/new/",
        {"number": "HT-9", "amount": "10", "signed_on": "2026-01-01"},
    )
    assert r.status_code == 302


def test_it_answers_404_for_an_unknown_customer_page(web):
    assert web(Role.CS_SUPERVISOR).get("/customers/999999/").status_code == 404


def test_it_shows_the_quality_lists_and_their_xlsx(web):
    """R-CUS-4 on screen and as xlsx."""
    cf.customer(name="差信用", credit="poor")
    client = web(Role.CS_SUPERVISOR)
    assert "差信用" in client.get("/customers/quality/").content.decode()
    r = client.get("/customers/quality/", {"format": "xlsx"})
    assert r.status_code == 200
    assert r.content[:2] == b"PK"


def test_it_runs_grading_from_the_page(web):
    customer = cf.customer()
    cf.contract(customer)
    client = web(Role.CS_SUPERVISOR)
    assert client.post("/customers/grading/", {"action": "propose"}).status_code == 302
    assert customer.name in client.get("/customers/grading/").content.decode()
    r = client.post("/customers/grading/", {"action": "approve", f"first_{customer.pk}": "B"})
    assert r.status_code == 302
    customer.refresh_from_db()
    assert customer.first_grade == "B"


def test_it_merges_a_duplicate_from_the_page(web):
    survivor = cf.customer(phone="13812345678")
    from kefu.customers import services
    from kefu.org.permissions import SYSTEM

    dup = services.customer_create(
        actor=SYSTEM,
        department=survivor.department,
        name="重复",
        phone="13812345678",
        allow_duplicate=True,
    )
    client = web(Role.CS_SUPERVISOR)
    assert f"#{dup.pk}" in client.get("/customers/duplicates/").content.decode()
    r = client.post(f"/customers/{survivor.pk}/merge/", {"duplicate": survivor.pk})
    assert r.status_code == 200  # refused on the form
    r = client.post(f"/customers/{survivor.pk}/merge/", {"duplicate": dup.pk, "reason": "同一人"})
    assert r.status_code == 302
    dup.refresh_from_db()
    assert dup.merged_into == survivor


def test_r_cus_8_the_customer_page_names_the_people_behind_its_history(web):
    """R-CUS-8, R-CUS-5, R-CUS-6: the blacklist history names who approved and who lifted each
    entry, the class history who changed the class, and the early warnings give the figures.
    The people are read only when there are such lines (issue 9), so they must still show."""
    from kefu.customers import services

    customer = cf.customer(name="许文强")
    dept = customer.department
    approver = factories.user(Role.CS_SUPERVISOR, department=dept, full_name="周主管")
    lifter = factories.user(Role.CS_SUPERVISOR, department=dept, full_name="吴经理")
    contract = services.contract_create(
        actor=approver, customer=customer, number="HT-NAMES-1", amount="100", signed_on="2026-01-02"
    )
    _claims_of_90(contract, actor=approver, on="2026-02-05")
    first = services.customer_blacklist(actor=approver, customer=customer, reason="恶意索赔")
    services.customer_blacklist_lift(actor=lifter, entry=first, reason="已结清")
    services.customer_blacklist(actor=lifter, customer=customer, reason="再次恶意索赔")

    html = web(Role.AGENT, department=dept).get(f"/customers/{customer.pk}/").content.decode()

    changes, blacklist = html.split("<h2>类别与等级变更记录</h2>", 1)[1].split("<h3>", 1)
    blacklist = blacklist.split("</ul>", 1)[0]
    assert "签订合同 HT-NAMES-1 · 周主管" in changes  # the signer changed the class
    entries = blacklist.split("<li>")[1:]
    assert len(entries) == 2
    newest, older = entries
    assert "再次恶意索赔" in newest and "吴经理" in newest and "解除" not in newest
    assert "恶意索赔" in older and "周主管" in older and "已结清" in older
    assert "270%" in html  # paid 270 against a live contract value of 100
    assert html.count('role="alert"') == 3  # the active entry and the two early warnings


def test_r_cus_8_a_customer_with_no_history_shows_none_and_no_warning(web):
    """The same page for a customer with no blacklist entry, class change or claim."""
    customer = cf.customer(name="林静")
    html = web(Role.AGENT, department=customer.department).get(f"/customers/{customer.pk}/")
    text = html.content.decode()
    assert html.status_code == 200
    assert 'role="alert"' not in text
    assert "林静" in text
    assert "从未列入黑名单。" in text


def test_r_cus_8_the_customer_page_lists_the_customer_s_tickets_calls_and_planned_callbacks(web):
    """R-CUS-8: everything about the customer on one page: their tickets, their calls (an
    imported call leaves no timeline line) and the callbacks still to come."""
    from tests.callcenter.factories import at, call
    from tests.reports.factories import followup
    from tests.tickets import factories as tf

    agent = tf.agent()
    customer = cf.customer(department=agent.department, name="余宇健")
    ticket = tf.ticket(actor=agent, customer=customer, kind="fault", title="水管漏水")
    call(enter_at=at("2026-03-02", "09:00"), customer=customer, agent=None, agent_label="Paty")
    planned = followup(department=agent.department, customer=customer, due_on=dt.date(2026, 12, 7))
    followup(
        department=agent.department, customer=customer, due_on=dt.date(2026, 10, 7), status="done"
    )
    supervisor = web(Role.CS_SUPERVISOR, department=agent.department)
    page = supervisor.get(f"/customers/{customer.pk}/").content.decode()
    tickets = page.split('id="customer-tickets"', 1)[1].split("</section>", 1)[0]
    assert ticket.number in tickets and "水管漏水" in tickets
    calls = page.split('id="customer-calls"', 1)[1].split("</section>", 1)[0]
    assert "2026-03-02 09:00" in calls and "Paty" in calls
    callbacks = page.split('id="customer-callbacks"', 1)[1].split("</section>", 1)[0]
    assert f"/followups/{planned.pk}/" in callbacks and "2026-12-07" in callbacks
    assert "2026-10-07" not in callbacks  # done: in the history, not among those to come
