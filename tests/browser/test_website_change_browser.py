"""变更网站 in Chromium: a filed site is changed by its owner and the officer approves the change."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import agree_and_submit, field, fill_basic, people_and_notice, settled
from tests.browser.test_review_browser import log_in

pytestmark = pytest.mark.browser


def test_change_a_filed_site_from_applicant_to_approval(browser, base_url):
    applicant_ctx, officer_ctx = (browser.new_context(base_url=base_url) for _ in range(2))
    applicant, officer = applicant_ctx.new_page(), officer_ctx.new_page()
    for p in (applicant, officer):
        p.set_default_timeout(10000)

    # A non-interactive site, filed and approved at once (丽水 offers 即审即办).
    log_in(applicant, "demo", "Demo2026pass")
    applicant.goto("/apply/website?draft=new")
    applicant.get_by_role("button", name="下一步").click()
    settled(applicant)
    fill_basic(applicant, "lschange-demo.cn")
    field(applicant, "网站名称").fill("丽水变更演示网")
    field(applicant, "网络接入服务商").fill("阿里云计算有限公司")
    applicant.get_by_role("button", name="下一步").click()
    people_and_notice(applicant, "陈立新", 720)
    agree_and_submit(applicant)

    log_in(officer, "officer", "Police2026pass")
    officer.goto("/review")
    officer.get_by_role("row", name=re.compile("新办网站.*丽水变更演示网")).get_by_role("link", name="审核").click()
    officer.get_by_role("button", name="通过").click()
    expect(officer.get_by_text(re.compile(r"已通过，公安备案号"))).to_be_visible()

    # 我的网站 → 【变更】: the wizard opens with what is on record.
    applicant.goto("/websites")
    expect(applicant.get_by_role("heading", name="我的网站")).to_be_visible()
    row = applicant.get_by_role("row", name=re.compile("丽水变更演示网"))
    number = re.search(r"浙公网安备 \d{14}号", row.inner_text()).group(0)
    row.get_by_role("button", name="变更").click()
    expect(applicant.get_by_role("heading", name="网站基本信息")).to_be_visible()
    settled(applicant)
    expect(field(applicant, "网站主域名")).to_have_value("lschange-demo.cn")
    field(applicant, "网站名称").fill("丽水变更后演示网")
    applicant.get_by_role("button", name="下一步").click()
    expect(applicant.get_by_role("heading", name="网站负责人")).to_be_visible()
    expect(applicant.locator("#security-name")).to_have_value("钱学明")
    settled(applicant)
    applicant.get_by_role("button", name="下一步").click()
    expect(applicant.get_by_label("我已阅读信息网络安全保护方案")).to_be_checked()
    settled(applicant)
    applicant.get_by_role("button", name="下一步：核对信息").click()
    applicant.get_by_role("button", name="提交").click()
    expect(applicant.get_by_text("提交成功，请等待公安机关审核")).to_be_visible()
    expect(applicant.get_by_role("heading", name=re.compile("变更网站申请"))).to_be_visible()

    # Until approved the filed name stays; a second change is refused.
    applicant.goto("/websites")
    expect(applicant.get_by_role("row", name=re.compile("丽水变更演示网"))).to_contain_text("存在审核中的单据")

    officer.goto("/review")
    officer.get_by_role("row", name=re.compile("变更网站.*丽水变更演示网")).get_by_role("link", name="审核").click()
    comparison = officer.get_by_role("row", name=re.compile("网站名称"))
    expect(comparison.first).to_contain_text("丽水变更演示网")
    expect(comparison.first).to_contain_text("丽水变更后演示网")
    officer.get_by_role("button", name="通过").click()
    expect(officer.get_by_text(re.compile(r"^已通过，公安备案号"))).to_be_visible()

    applicant.goto("/websites")
    changed = applicant.get_by_role("row", name=re.compile("丽水变更后演示网"))
    expect(changed).to_contain_text(number)
    expect(changed).to_contain_text("已备案")
    for ctx in (applicant_ctx, officer_ctx):
        ctx.close()
