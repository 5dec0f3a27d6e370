"""R-CUS-1: customer records with every field group; phones and ID numbers checked."""

from __future__ import annotations

import datetime as dt

import pytest

from kefu.audit.models import AuditEntry
from kefu.customers import services
from kefu.customers.models import Customer, CustomerClass
from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.org.roles import Role
from tests import factories
from tests.customers import factories as cf

pytestmark = pytest.mark.django_db


def test_it_creates_a_person_with_every_field_group():
    """R-CUS-1: demographics, psychographics as tags and notes, purchase intent."""
    dept = factories.department()
    manager = factories.user(Role.CUSTOMER_MANAGER, department=dept)
    customer = services.customer_create(
        actor=manager,
        department=dept,
        manager=manager,
        name="王小明",
        gender="male",
        birth_date="1985-06-15",
        education="bachelor",
        occupation="工程师",
        job_title="项目经理",
        company="北京建工集团",
        income_band="20-30万",
        family_structure="已婚，一子",
        address="北京市朝阳区建国路88号",
        phone="138-1234-5678",
        email="wxm@example.com",
        personality_notes="性格稳重，重视细节",
        interests=["高尔夫", "摄影"],
        purchase_attitude="理性比较",
        requirements="南北通透，三居室",
        visit_reactions="对样板间满意",
        tags="VIP，老客户介绍",
        purchase_intent="二期三居室",
    )
    customer.refresh_from_db()
    assert customer.phone == "13812345678"
    assert customer.tags == ["VIP", "老客户介绍"]
    assert customer.interests == ["高尔夫", "摄影"]
    assert customer.birth_date == dt.date(1985, 6, 15)
    assert customer.customer_class == CustomerClass.POTENTIAL
    assert AuditEntry.objects.filter(
        target_type="customers.customer", target_id=str(customer.pk)
    ).exists()
    assert customer.timeline.filter(kind="customer_created").exists()


def test_it_creates_an_organisation_with_contacts():
    """R-CUS-1: organisations are customers too, with contacts."""
    org = cf.customer(kind="organisation", name="华润置地有限公司", phone="010-65123456")
    assert org.phone == "01065123456"
    contact = services.contact_create(
        actor=factories.user(Role.CS_SUPERVISOR),
        customer=org,
        name="李经理",
        phone="13900001111",
        is_primary=True,
    )
    assert contact.phone == "13900001111"
    assert list(org.contacts.all()) == [contact]


def test_it_refuses_an_invalid_phone_naming_the_field():
    with pytest.raises(ValidationFailed) as error:
        cf.customer(phone="12345")
    assert error.value.errors[0].field == "phone"
    assert "phone" in error.value.message
    assert not Customer.objects.exists()


def test_it_refuses_a_resident_id_with_a_wrong_check_digit():
    good = cf.id_number()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ValidationFailed) as error:
        cf.customer(id_number=bad)
    assert error.value.errors[0].field == "id_number"


def test_it_fills_birth_date_and_gender_from_the_resident_id():
    customer = cf.customer(id_number=cf.id_number(dt.date(1990, 2, 3)))
    assert customer.birth_date == dt.date(1990, 2, 3)
    assert customer.gender in {"male", "female"}


def test_it_refuses_a_birth_date_in_the_future():
    with pytest.raises(ValidationFailed) as error:
        cf.customer(birth_date=dt.date.today() + dt.timedelta(days=3))  # noqa: DTZ011
    assert error.value.errors[0].field == "birth_date"


def test_it_refuses_unknown_fields():
    with pytest.raises(ValidationFailed) as error:
        cf.customer(shoe_size="42")
    assert error.value.errors[0].field == "shoe_size"


def test_it_refuses_a_second_customer_with_the_same_phone():
    """R-CUS-11: duplicates are detected at entry."""
    first = cf.customer(phone="13811112222")
    with pytest.raises(Conflict) as error:
        cf.customer(phone="+86 138 1111 2222")
    assert f"#{first.pk}" in error.value.message


def test_it_refuses_an_agent_creating_customers():
    agent = factories.user(Role.AGENT)
    with pytest.raises(PermissionDenied):
        cf.customer(actor=agent)


def test_it_refuses_a_customer_manager_creating_for_another_department():
    own = factories.department()
    manager = factories.user(Role.CUSTOMER_MANAGER, department=own)
    with pytest.raises(PermissionDenied):
        cf.customer(actor=manager, department=factories.department())
