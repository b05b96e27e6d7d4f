"""After filing, with JavaScript off: 网站认领 keeps the offline number, 注销网站 with an SMS code,
and the admin enters next year's holidays."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import agree_and_submit, field, fill_person, sms_code
from tests.browser.test_review_browser import log_in

pytestmark = pytest.mark.browser
OFFLINE_NUMBER = "浙公网安备 33110002000901号"   # data/demo.json: an offline filing of the demo subject


def test_claim_then_cancel_without_javascript(browser, base_url):
    applicant_ctx = browser.new_context(java_script_enabled=False, base_url=base_url)
    officer_ctx = browser.new_context(base_url=base_url)
    applicant, officer = applicant_ctx.new_page(), officer_ctx.new_page()
    for p in (applicant, officer):
        p.set_default_timeout(10000)
    log_in(applicant, "demo", "Demo2026pass")
    log_in(officer, "officer", "Police2026pass")

    applicant.goto("/websites/claims")
    row = applicant.get_by_role("row", name=re.compile("丽水演示旧网站"))
    expect(row).not_to_contain_text(OFFLINE_NUMBER)   # the bureau's record, until control is proven
    row.get_by_role("button", name="认领").click()
    # The offline filing lists a 负责人手机: a code sent there proves control before the claim opens.
    expect(applicant.get_by_role("heading", name="网站认领：验证负责人手机")).to_be_visible()
    applicant.get_by_role("button", name="获取验证码").click()
    expect(applicant.get_by_text("验证码已发送至 138****8000")).to_be_visible()
    verify_url = applicant.url
    code = sms_code(applicant, "13800138000")
    applicant.goto(verify_url)
    field(applicant, "短信验证码").fill(code)
    applicant.get_by_role("button", name="验证并认领").click()
    expect(applicant.get_by_role("heading", name="网站基本信息")).to_be_visible()
    expect(field(applicant, "网站主域名")).to_have_value("lsdemo-old.cn")
    expect(field(applicant, "网站名称")).to_have_value("丽水演示旧网站")
    field(applicant, "网站首页").fill("www.lsdemo-old.cn")
    field(applicant, "其他域名").fill("www.lsdemo-old.cn")
    field(applicant, "IP地址").fill("47.96.1.10")
    field(applicant, "网络接入服务商").fill("阿里云计算有限公司")
    field(applicant, "域名注册服务商").fill("厦门易名科技股份有限公司")
    applicant.get_by_label("单位门户网站").check()
    applicant.get_by_label("中文简体").check()
    field(applicant, "ICP备案号").fill("浙ICP备12345678号-1")
    applicant.get_by_role("button", name="下一步").click()
    expect(applicant.get_by_role("heading", name="网站负责人")).to_be_visible()
    fill_person(applicant, "owner", "陈立新", 801, "13800138000")
    fill_person(applicant, "security", "钱学明", 802, "13905790802")
    fill_person(applicant, "emergency", "孙志强", 803, "13905790803")
    applicant.get_by_role("button", name="下一步").click()
    agree_and_submit(applicant)

    officer.goto("/review")
    officer.get_by_role("row", name=re.compile("网站认领.*丽水演示旧网站")).get_by_role("link", name="审核").click()
    expect(officer.get_by_text(OFFLINE_NUMBER)).to_be_visible()   # 原公安备案号, as the bureau recorded it
    officer.get_by_role("button", name="通过").click()
    expect(officer.get_by_text(f"已通过，公安备案号 {OFFLINE_NUMBER}")).to_be_visible()

    # 注销网站: the 网站负责人 gets the code; the site is checked, then the bureau decides.
    applicant.goto("/websites")
    row = applicant.get_by_role("row", name=re.compile("丽水演示旧网站"))
    expect(row).to_contain_text(OFFLINE_NUMBER)
    row.get_by_role("link", name="注销").click()
    field(applicant, "网站负责人姓名").fill("陈立新")
    field(applicant, "网站负责人手机号码").fill("13800138000")
    applicant.get_by_role("button", name="获取验证码").click()
    expect(applicant.get_by_text("验证码已发送至 138****8000")).to_be_visible()
    cancel_url = applicant.url
    code = sms_code(applicant, "13800138000")
    applicant.goto(cancel_url)
    applicant.get_by_label("我确认网站已关闭，首页已无法访问").check()
    field(applicant, "网站负责人姓名").fill("陈立新")
    field(applicant, "网站负责人手机号码").fill("13800138000")
    field(applicant, "短信验证码").fill(code)
    field(applicant, "注销原因").fill("网站已停止运营")
    applicant.get_by_role("button", name="确认").click()
    expect(applicant.get_by_text("注销网站申请已提交，请等待公安机关审核")).to_be_visible()

    officer.goto("/review")
    officer.get_by_role("row", name=re.compile("注销网站.*丽水演示旧网站")).get_by_role("link", name="审核").click()
    expect(officer.get_by_text("网站已停止运营")).to_be_visible()
    officer.get_by_role("button", name="通过").click()
    # The flash, not a row of the subject's earlier applications (the demo APP and 小程序 are 已通过 too).
    expect(officer.get_by_role("status").filter(has_text=re.compile("^已通过"))).to_be_visible()

    applicant.goto("/query?q=lsdemo-old.cn")
    expect(applicant.get_by_role("row", name=re.compile("丽水演示旧网站"))).to_contain_text("已注销")
    for ctx in (applicant_ctx, officer_ctx):
        ctx.close()


def test_admin_enters_next_years_holidays_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False, base_url=base_url)
    page = context.new_page()
    page.set_default_timeout(10000)
    log_in(page, "admin", "Admin2026pass")
    page.get_by_role("link", name="系统管理").click()
    page.get_by_role("link", name="节假日").click()
    page.goto("/admin/holidays?year=2027")
    expect(page.get_by_text("尚未录入2027年法定节假日安排")).to_be_visible()
    field(page, "开始日期").fill("2027-10-01")
    field(page, "结束日期").fill("2027-10-07")
    page.get_by_label("放假").check()
    field(page, "节日名称").fill("国庆节")
    page.get_by_role("button", name="录入").click()
    expect(page.get_by_text("已录入 7 天：国庆节放假")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("2027-10-07.*国庆节"))).to_be_visible()
    # One holiday entered is not the year's schedule: it stays unknown until the admin says it is all in.
    expect(page.get_by_text("尚未确认该年安排已录入完整")).to_be_visible()
    page.get_by_role("button", name="确认该年安排已录入完整").click()
    expect(page.get_by_text("已确认2027年法定节假日安排已录入完整")).to_be_visible()
    expect(page.get_by_text("尚未确认该年安排已录入完整")).to_have_count(0)
    expect(page.get_by_role("button", name="撤销确认")).to_be_visible()
    context.close()
