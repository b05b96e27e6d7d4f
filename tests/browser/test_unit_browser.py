"""联网单位备案（IP登记） in Chromium: the demo applicant files its unit's connection through 业务办理;
the 丽水 bureau files a 有效 subject's IP登记 at once (即审即办), so it is 已备案 without a 公安备案号,
and its printable 备案表 shows the unit, its blocks and the bureau, masks the leader's ID number and
prints without the site's navigation. A private block is refused beside IP地址段 first."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import field, fill_person, settled
from tests.browser.test_app_browser import RECORD_NUMBER, next_step, notice_and_submit
from tests.browser.test_market_browser import open_business, pdf, upload_documents
from tests.browser.test_review_browser import log_in

pytestmark = pytest.mark.browser

UNIT = "丽水市演示网络科技有限公司"        # the demo applicant's 有效 unit subject (丽水 bureau)
LEADER_ID = "331102198003150277"            # its leader's full ID number: never printed in full
BUREAU = "丽水市公安局网络警察支队"
BLOCKS = ("115.231.20.0/24", "240e:1234:5600::/48")


def test_unit_filed_at_once_and_its_record_form_printed(page, tmp_path):
    log_in(page, "demo", "Demo2026pass")

    # 【联网信息】
    open_business(page, "联网单位备案（IP登记）", "联网信息")
    expect(field(page, "联网单位名称")).to_have_value(UNIT)   # pre-filled with the subject's name
    page.locator("#field-connection").get_by_label("专线", exact=True).check()
    field(page, "接入服务单位").fill("中国电信股份有限公司丽水分公司")
    field(page, "带宽（Mbps）").fill("200")
    field(page, "联网终端数量").fill("60")
    measures = page.locator("#field-measures")
    for measure in ("防病毒", "防火墙/入侵检测", "日志留存"):
        measures.get_by_label(measure, exact=True).check()
        settled(page)   # a tick refreshes 其他措施 and 日志留存天数
    field(page, "日志留存天数").fill("183")
    upload_documents(page, "documents", [pdf(tmp_path, "安全管理制度.pdf")])

    # A private block, typed first: refused beside IP地址段, and 【下一步】 stays on the step.
    ip_blocks = field(page, "IP地址段")
    ip_blocks.fill("10.0.0.0/8")
    next_step(page)
    expect(page.get_by_role("heading", name="联网信息")).to_be_visible()
    settled(page)
    error = page.locator("#field-ip_blocks .error")
    expect(error).to_contain_text("10.0.0.0/8")
    expect(error).to_contain_text("请只填写公网IP地址")
    expect(page.get_by_role("heading", name="安全负责人")).to_have_count(0)

    # The public blocks, one a line; what was typed before is still there.
    field(page, "IP地址段").fill("\n".join(BLOCKS))
    expect(field(page, "带宽（Mbps）")).to_have_value("200")
    expect(field(page, "日志留存天数")).to_have_value("183")
    expect(page.locator("#field-documents").get_by_role("checkbox", name=re.compile("保留"))).to_have_count(1)
    next_step(page)

    # 【安全负责人】: 网络安全负责人 from the subject, 网络管理员 typed.
    expect(page.get_by_role("heading", name="安全负责人")).to_be_visible()
    settled(page)
    page.locator("#owner-same_as_subject").check()
    expect(page.locator("#owner-name")).to_have_value("陈立新")
    settled(page)
    fill_person(page, "admin", "李秀英", 821, "13905798021")
    next_step(page)

    # 【提示说明】 → 核对信息 → 【提交】: filed on the spot.
    notice_and_submit(page)
    for block in BLOCKS:
        expect(page.get_by_text(block).first).to_be_visible()
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("heading", name=re.compile("申请"))).to_contain_text("已通过")
    expect(page.get_by_role("status").filter(has_text="提交成功，已即时备案")).to_be_visible()

    # 我的联网单位: 已备案, no 公安备案号.
    page.goto("/units")
    row = page.get_by_role("row", name=re.compile(UNIT))
    expect(row).to_contain_text("已备案")
    expect(row).to_contain_text(BLOCKS[0])
    expect(row).not_to_contain_text(RECORD_NUMBER)
    row.get_by_role("link", name="详情").click()
    page.get_by_role("link", name="打印备案表").click()

    # The 备案表.
    expect(page.get_by_role("heading", name="中华人民共和国计算机信息网络国际联网单位备案表")).to_be_visible()
    form = page.locator("table.paper").first
    for text in (UNIT, *BLOCKS, BUREAU):
        expect(form).to_contain_text(text)
    expect(page.locator("body")).not_to_contain_text(LEADER_ID)
    expect(page.get_by_role("button", name="打印")).to_be_visible()
    expect(page.locator("nav").first).to_be_visible()

    # Printed: the form alone, without the site's navigation or the 【打印】 button.
    page.emulate_media(media="print")
    expect(page.locator("nav").first).not_to_be_visible()
    expect(page.get_by_role("button", name="打印")).not_to_be_visible()
    expect(form).to_be_visible()
