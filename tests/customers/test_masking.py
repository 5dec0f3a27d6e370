"""R-SEC-1: personal data is masked in pages, lists, exports and API answers."""

from __future__ import annotations

import pytest

from kefu.customers.masking import mask
from kefu.org.roles import Role
from tests.customers import factories as cf

pytestmark = pytest.mark.django_db


def test_it_masks_each_kind_of_personal_field():
    """R-SEC-1: one masking function for phone, ID, address, income and family."""
    assert mask("phone", "13812345678") == "138****5678"
    assert mask("id_number", "11010519850615001X") == "110" + "*" * 11 + "001X"
    assert mask("address", "北京市朝阳区建国路88号") == "北京市朝阳区****"
    assert mask("income_band", "20-30万") == "****"
    assert mask("family_structure", "已婚") == "****"
    assert mask("phone", "") == ""


def test_it_never_sends_clear_personal_data_in_api_answers(api):
    """R-SEC-1: API lists and details carry masked values only."""
    customer = cf.customer(
        phone="13812345678",
        address="北京市朝阳区建国路88号",
        income_band="20-30万",
        family_structure="三口之家",
        id_number=cf.id_number(),
    )
    client = api(Role.CS_SUPERVISOR)
    for body in (
        client.get("customers").json()["items"][0],
        client.get(f"customers/{customer.pk}").json(),
    ):
        text = str(body)
        for secret in ("13812345678", "建国路88号", "20-30万", "三口之家", customer.id_number):
            assert secret not in text


def test_it_masks_personal_data_on_the_customer_page(web):
    customer = cf.customer(phone="13812345678", address="北京市朝阳区建国路88号")
    page = web(Role.AGENT, department=customer.department).get(f"/customers/{customer.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "138****5678" in html
    assert "13812345678" not in html
    assert "建国路88号" not in html
