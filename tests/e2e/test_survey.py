"""A satisfaction survey in a real browser (R-FUP-3).

The supervisor builds a survey and makes a personal link for a customer; the
customer, not signed in, answers through the link; the link then refuses a second
use; the supervisor sees the answer in the results with the trend chart.
"""

from __future__ import annotations

import re

from tests.e2e.conftest import nav_go, sign_in


def test_it_lets_a_customer_answer_through_the_link_and_the_supervisor_see_it(browser, page, live):
    sign_in(page, live, "cs_supervisor")
    nav_go(page, "/followups/surveys/")
    page.wait_for_load_state("networkidle")
    page.fill("#id_title", "浏览器测试问卷")
    page.fill("#id_questions", "pair: 维修人员上门的速度\nscale: 总体满意度")
    page.click("#new-survey button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert re.search(r"/followups/surveys/\d+/$", page.url)
    survey_url = page.url

    page.goto(live.url + "/customers/")
    first = page.locator("table.list tbody tr").first
    name = first.locator("a").first.inner_text()
    number = re.search(r"/customers/(\d+)/", first.locator("a").first.get_attribute("href"))[1]
    page.goto(survey_url)
    page.fill("#id_customers", number)
    page.click("#send button[type=submit]")
    page.wait_for_load_state("networkidle")
    link = page.locator("#survey-links a").first.get_attribute("href")
    assert "/followups/s/" in link

    customer = browser.new_context(locale="zh-CN")
    answer = customer.new_page()
    answer.goto(link)
    assert name in answer.locator("section.public").inner_text()
    radios = answer.locator("#survey-form input[type=radio]")
    # pair: expected 3, perceived 5; scale: 4
    answer.locator("input[name$=_expected][value='3']").check()
    answer.locator("input[name$=_perceived][value='5']").check()
    radios.locator("xpath=self::*[not(contains(@name,'_'))][@value='4']").check()
    answer.click("#survey-form button[type=submit]")
    answer.wait_for_load_state("networkidle")
    assert answer.locator("#thanks").is_visible()
    second = answer.goto(link)
    assert second.status == 410
    customer.close()

    page.goto(survey_url + "results/")
    assert name in page.locator("#responses").inner_text()
    assert "2.00" in page.locator("#results").inner_text()
    assert page.locator("#trend svg").count() == 1
