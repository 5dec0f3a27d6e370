"""The monthly supervision report in a real browser (R-SUP-2, R-SUP-4).

The business supervisor opens last month's report (the demo builds it, as the worker does
on the first of the month), writes the commentary and issues it; the general manager reads
it, prints it to PDF with the browser's own print, and the PDF's pages are turned into PNG
images (var/screenshots/report-page-N.png) to look at: Chinese text and charts on A4.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.e2e.conftest import nav_go, sign_in


def _last_month() -> str:
    first = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date().replace(day=1)
    return (first - dt.timedelta(days=1)).strftime("%Y-%m")


def test_r_sup_2_the_supervisor_issues_the_report_and_the_gm_prints_it(browser, page, live):
    month = _last_month()
    sign_in(page, live, "business_supervisor")
    nav_go(page, "/reports/monthly/")
    page.wait_for_load_state("networkidle")
    page.click(f"#reports >> a[href='/reports/monthly/{month}/']")
    page.wait_for_load_state("networkidle")
    assert page.locator("#status").inner_text() == "草稿"
    assert page.locator("#report svg").count() >= 3  # charts drawn on the server
    page.fill("#comment-form textarea[name=commentary]", "本月服务平稳，接通率需继续提升。")
    page.click("#comment-form button[value=issue]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#status").inner_text() == "已签发"
    assert "报告自签发以来未被改动" in page.locator(".seal").inner_text()
    assert page.locator("#comment-form").count() == 0  # frozen: nothing left to change

    gm = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 860}).new_page()
    sign_in(gm, live, "gm")
    gm.goto(f"{live.url}/reports/monthly/{month}/")
    assert "本月服务平稳" in gm.locator("#commentary").inner_text()
    pdf = gm.pdf(format="A4", print_background=True)
    shots = Path(os.environ.get("KEFU_SCREENSHOTS", "var/screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    (shots / "report.pdf").write_bytes(pdf)
    pages = _png_pages(pdf, shots)
    assert 2 <= len(pages) <= 8  # an A4 report, not one endless page
    gm.context.close()


def _png_pages(pdf: bytes, shots: Path) -> list[Path]:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    out = []
    for n in range(len(document)):
        page = document[n]
        width, height = page.get_size()
        assert abs(width - 595) < 2 and abs(height - 842) < 2  # A4 in points
        path = shots / f"report-page-{n + 1}.png"
        page.render(scale=1.4).to_pil().save(path)
        text = page.get_textpage().get_text_range()
        if n == 0:
            assert "服务监督报告" in text and "接通率" in text
        out.append(path)
    return out


def test_r_sup_4_the_director_sees_the_call_centre_scorecards(browser, page, live):
    sign_in(page, live, "director")
    page.goto(f"{live.url}/reports/scorecard/?month={_last_month()}")
    page.select_option("#unit-form select[name=target]", label="呼叫中心")
    page.click("#unit-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    # The department is judged by the scheme of 客户服务部 above it (客服部综合考核).
    assert [h.split(" · ")[0] for h in page.locator(".scorecard h2").all_inner_texts()] == [
        "客服部综合考核"
    ]
    page.select_option("#unit-form select[name=target]", label="呼叫中心 · 坐席")
    page.click("#unit-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    # An agent's position adds the seat scheme, with its three indicators.
    cards = page.locator(".scorecard")
    assert cards.count() == 2
    assert "接通率" in cards.last.inner_text() and "一次办结率" in cards.last.inner_text()
