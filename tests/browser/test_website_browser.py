"""新办网站申请 in Chromium: four steps with lookup, autofill, a reload, review, submit, 撤销; and without JS."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (agree_and_submit, field, fill_basic, fill_person, people_and_notice, person_subject,
                                   register_and_login, settled)

pytestmark = pytest.mark.browser


def test_four_steps_with_lookup_autofill_reload_and_withdraw(page):
    register_and_login(page, "site_owner", "13912360001")
    person_subject(page, "赵丽华", 501, "13905790001")
    page.goto("/home")
    page.get_by_role("link", name="新办网站申请").first.click()
    expect(page.get_by_role("heading", name="开办主体")).to_be_visible()
    expect(page.get_by_text("赵丽华").first).to_be_visible()
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_role("heading", name="网站基本信息")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/basic$"))
    settled(page)

    fill_basic(page, "lsshanju.cn")
    # Active search: choosing the region and typing a name list the matches as you go.
    field(page, "接入商所属地区").select_option(label="浙江省")
    settled(page)
    field(page, "接入商名称").fill("阿里云")
    page.wait_for_timeout(700)  # the search waits for a pause in typing
    settled(page)
    page.get_by_role("row", name=re.compile("阿里云计算有限公司")).get_by_role("button", name="选择").click()
    expect(field(page, "网络接入服务商")).to_have_value("阿里云计算有限公司")
    settled(page)
    page.get_by_label("留言板").check()
    expect(page.get_by_text("属于交互式服务")).to_be_visible()
    settled(page)
    field(page, "网站名称").fill("丽水山居旅游网站")
    expect(page.get_by_text("已自动保存")).to_be_visible()

    # A reload in the middle loses nothing.
    page.reload()
    expect(field(page, "网站名称")).to_have_value("丽水山居旅游网站")
    expect(page.get_by_label("留言板")).to_be_checked()
    page.get_by_role("button", name="下一步").click()
    people_and_notice(page, "赵丽华", 500)
    page.get_by_role("button", name="下一步：核对信息").click()
    expect(page.get_by_text("请先阅读并勾选")).to_be_visible()
    settled(page)
    page.get_by_label("我已阅读信息网络安全保护方案").check()
    page.get_by_role("button", name="下一步：核对信息").click()

    expect(page.get_by_role("heading", name=re.compile("请核对"))).to_be_visible()
    expect(page.get_by_text("丽水山居旅游网站")).to_be_visible()
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("提交成功，请等待公安机关审核")).to_be_visible()
    expect(page.get_by_text("交互式（需面审或实地检查）")).to_be_visible()

    page.get_by_role("link", name="我的申请").click()
    row = page.get_by_role("row", name=re.compile("丽水山居旅游网站"))
    expect(row).to_contain_text("待审核")
    row.get_by_role("link", name="详情").click()
    page.get_by_role("button", name="撤销申请").click()
    expect(page.get_by_text("申请已撤销")).to_be_visible()
    page.get_by_role("link", name="我的草稿").click()
    expect(page.get_by_role("cell", name="新办网站")).to_be_visible()


def test_website_filing_with_javascript_disabled(browser, base_url):
    context = browser.new_context(java_script_enabled=False, base_url=base_url)
    page = context.new_page()
    page.set_default_timeout(10000)
    register_and_login(page, "site_nojs", "13912360002")
    person_subject(page, "周晓梅", 601, "13905790011", js=False)
    page.goto("/apply/website")
    page.get_by_role("button", name="下一步").click()
    fill_basic(page, "zxmblog.cn")
    field(page, "接入商所属地区").select_option(label="浙江省")
    field(page, "接入商名称").fill("电信")
    page.get_by_role("button", name="查询网络接入服务商").click()
    page.get_by_role("row", name=re.compile("中国电信股份有限公司丽水分公司")).get_by_role("button", name="选择").click()
    expect(field(page, "网络接入服务商")).to_have_value("中国电信股份有限公司丽水分公司")
    field(page, "IP地址").fill("10.0.0.1")
    page.get_by_role("button", name="下一步").click()
    expect(page.locator("#field-ips .error")).to_contain_text("10.0.0.1")
    field(page, "IP地址").fill("47.96.1.11")
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_role("heading", name="网站负责人")).to_be_visible()
    page.locator("#owner-same_as_subject").check()
    page.locator("#field-owner-same_as_subject").get_by_role("button", name="确定").click()
    expect(page.locator("#owner-name")).to_have_value("周晓梅")
    fill_person(page, "security", "吴振国", 602, "13905790012")
    fill_person(page, "emergency", "郑雅琴", 603, "13905790013")
    page.get_by_role("button", name="上一步").click()
    expect(field(page, "网站名称")).to_have_value("丽水山居旅游网")
    page.get_by_role("button", name="下一步").click()
    expect(page.locator("#security-name")).to_have_value("吴振国")
    page.get_by_role("button", name="下一步").click()
    agree_and_submit(page)
    page.goto("/applications")
    expect(page.get_by_role("row", name=re.compile("丽水山居旅游网"))).to_contain_text("待审核")
    context.close()


def new_person_at_basic(page, username, mobile, name, seq, domain):
    """A new account with a 个人 subject, at 【网站基本信息】 of 新办网站申请 with the usual answers."""
    register_and_login(page, username, mobile)
    person_subject(page, name, seq, "139057900%02d" % (seq % 100))
    page.goto("/apply/website")
    page.get_by_role("button", name="下一步").click()
    fill_basic(page, domain)


def test_new_user_files_a_site_whose_home_page_is_www_of_its_domain(page):
    """register → 新增主体 → 新办网站申请 with 网站首页 www.<domain> and no other domain → 我的申请."""
    new_person_at_basic(page, "walk_www", "13912360007", "冯立新", 611, "flxphoto.cn")
    field(page, "其他域名").fill("")
    field(page, "网络接入服务商").fill("中国电信股份有限公司丽水分公司")
    settled(page)
    expect(page.locator("#field-home_url .error")).to_have_count(0)
    page.get_by_role("button", name="下一步").click()
    people_and_notice(page, "冯立新", 612)
    agree_and_submit(page)
    page.get_by_role("link", name="我的申请").first.click()
    expect(page.get_by_role("row", name=re.compile("丽水山居旅游网"))).to_contain_text("待审核")


def test_a_field_keyword_in_the_name_asks_for_that_pre_approval_and_its_own_number(page):
    """丽水教育在线 needs 教育: ticking it brings its 文号 and 审批机关 fields, and the name's message goes."""
    new_person_at_basic(page, "walk_edu", "13912360008", "钱立群", 621, "lsjyzx.cn")
    field(page, "网站名称").fill("丽水教育在线")
    field(page, "网络接入服务商").fill("中国电信股份有限公司丽水分公司")
    settled(page)
    expect(page.locator("#field-site_name .error")).to_contain_text("须先取得“教育”前置审批")
    expect(field(page, "教育·审批文号")).to_have_count(0)
    page.locator("#field-pre_approvals").get_by_label("教育", exact=True).check()
    settled(page)
    expect(page.locator("#field-site_name .error")).to_have_count(0)
    field(page, "教育·审批文号").fill("浙教函〔2024〕12号")
    field(page, "教育·审批机关").fill("浙江省教育厅")
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_role("heading", name="网站负责人")).to_be_visible()
