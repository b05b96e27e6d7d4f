"""From filing to badge in Chromium: applicant files, officer schedules 面审 and approves, the public finds it."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import agree_and_submit, field, fill_basic, people_and_notice, settled

pytestmark = pytest.mark.browser


def log_in(page, username, password):
    page.goto("/login")
    field(page, "用户名").fill(username)
    field(page, "密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="系统首页")).to_be_visible()


def test_filing_to_interview_to_number_to_public_query(browser, base_url):
    applicant_ctx = browser.new_context(base_url=base_url)
    applicant_ctx.grant_permissions(["clipboard-read", "clipboard-write"])
    officer_ctx = browser.new_context(base_url=base_url)
    public_ctx = browser.new_context(base_url=base_url)
    applicant, officer, public = (c.new_page() for c in (applicant_ctx, officer_ctx, public_ctx))
    for p in (applicant, officer, public):
        p.set_default_timeout(10000)

    log_in(applicant, "demo", "Demo2026pass")
    applicant.goto("/apply/website?draft=new")
    applicant.get_by_role("button", name="下一步").click()
    expect(applicant.get_by_role("heading", name="网站基本信息")).to_be_visible()
    settled(applicant)
    fill_basic(applicant, "lsdemo-shop.cn")
    field(applicant, "网站名称").fill("丽水演示商城")
    field(applicant, "网络接入服务商").fill("阿里云计算有限公司")
    applicant.get_by_label("网络购物/商城").check()
    settled(applicant)
    applicant.get_by_role("button", name="下一步").click()
    people_and_notice(applicant, "陈立新", 700)
    agree_and_submit(applicant)

    log_in(officer, "officer", "Police2026pass")
    officer.get_by_role("link", name="审核工作台").click()
    officer.get_by_role("row", name=re.compile("丽水演示商城")).get_by_role("link", name="审核").click()
    expect(officer.get_by_text("交互式（需面审或实地检查）")).to_be_visible()
    officer.get_by_label("面审", exact=True).check()
    field(officer, "日期").fill("2099-01-05")
    field(officer, "时间").fill("上午10:00")
    field(officer, "地点").fill("丽水市行政服务中心三楼公安大厅2号窗口")
    officer.get_by_role("button", name="安排").click()
    expect(officer.get_by_text("已安排面审")).to_be_visible()
    officer.get_by_role("button", name="通过").click()
    expect(officer.get_by_text(re.compile(r"已通过，公安备案号 浙公网安备 331100020\d{5}号"))).to_be_visible()

    applicant.goto("/home")
    applicant.get_by_role("link", name="丽水演示商城").click()
    number = applicant.get_by_text(re.compile(r"^浙公网安备 \d{14}号$")).first.inner_text()
    settled(applicant)
    applicant.get_by_role("button", name="点击复制备案号HTML代码").click()
    expect(applicant.get_by_role("button", name="已复制")).to_be_visible()
    copied = applicant.evaluate("navigator.clipboard.readText()")
    assert number in copied and "/query?q=" in copied and "beian-badge.png" in copied

    public.goto("/query")
    public.get_by_label("类型").select_option("网站")
    public.get_by_label("备案号、名称、网站域名、APP包名或小程序AppID").fill(number)
    public.get_by_role("button", name="查询").click()
    expect(public.get_by_role("row", name=re.compile("丽水演示商城"))).to_contain_text("丽水市公安局网络警察支队")
    for ctx in (applicant_ctx, officer_ctx, public_ctx):
        ctx.close()
