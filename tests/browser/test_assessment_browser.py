"""安全评估 in Chromium, from the flag to the report on record: the demo applicant's filed 丽水演示旅游论坛
(data/demo.json: a website with 论坛/BBS, approved at seed time) owes a report. The applicant sees it
on 系统首页 and on the site's page, starts 【新办安全评估】 there and lands on 评估对象 with the site
chosen, fills every step (a third-party assessor without its name and a log kept 3 months are
refused next to their fields, keeping what was typed), checks 核对信息 and submits it 待审核. The
丽水 officer (the 地市级 bureau reports go to) finds it in 审核工作台 as 站名·功能名称, reads the
printable report with its measures, and approves it; the site is then 已评估 and owes nothing."""
import re

import pytest
from playwright.sync_api import expect

import assessments
from tests.browser.helpers import field, settled
from tests.browser.test_app_browser import next_step
from tests.browser.test_market_browser import contexts_for
from tests.browser.test_review_browser import log_in

pytestmark = pytest.mark.browser

SITE = "丽水演示旅游论坛"          # data/demo.json: the demo subject's filed website with 论坛/BBS
FEATURE = "游客交流论坛"
ASSESSOR = "浙江省网络安全测评中心有限公司"
CONCLUSION = "各项安全措施已落实，违法有害信息能够及时发现和处置，安全风险可控。"
OWING = "需提交安全评估报告"


def fill_situations(page, measures):
    """Each measure's 实际情况, in the words of its example."""
    for measure in measures:
        field(page, f"{measure.title}·实际情况").fill(measure.example)


def test_flagged_site_to_approved_report(browser, base_url):
    contexts, (applicant, officer) = contexts_for(browser, base_url, 2)

    # 系统首页 says the site owes a report; its page says so too and offers 【新办安全评估】.
    log_in(applicant, "demo", "Demo2026pass")
    card = applicant.locator("section.card").filter(has=applicant.get_by_role("heading", name=re.compile("^安全评估")))
    expect(card).to_contain_text("以下服务需提交安全评估报告")
    card.get_by_role("link", name=f"网站：{SITE}").click()
    expect(applicant.get_by_role("heading", name=re.compile(SITE))).to_be_visible()
    standing = applicant.locator("#assessment")
    expect(standing).to_contain_text(OWING)
    expect(standing).to_contain_text("上线或新增功能")
    standing.get_by_role("button", name="新办安全评估").click()

    # 【评估对象】: the site is already chosen.
    expect(applicant.get_by_role("heading", name="评估对象")).to_be_visible()
    settled(applicant)
    expect(applicant.get_by_label(re.compile(f"^网站：{SITE}（浙公网安备 \\d{{14}}号，{OWING}）$"))).to_be_checked()
    field(applicant, "功能名称").fill(FEATURE)
    field(applicant, "功能描述").fill("面向丽水游客的旅游论坛，注册用户可以发帖、回帖和上传游记照片。")
    field(applicant, "功能链接").fill("https://www.lsdemo-bbs.cn/")
    applicant.get_by_label("上线或新增功能").check()
    applicant.get_by_label("委托第三方评估").check()
    settled(applicant)
    # A third party without its name is refused next to the field; what was typed stays.
    next_step(applicant)
    expect(applicant.locator("#field-assessor_name .error")).to_have_text("委托第三方评估的，请填写第三方评估机构名称")
    expect(field(applicant, "功能名称")).to_have_value(FEATURE)
    expect(field(applicant, "功能链接")).to_have_value("https://www.lsdemo-bbs.cn/")
    expect(applicant.get_by_label("委托第三方评估")).to_be_checked()
    settled(applicant)
    field(applicant, "第三方评估机构名称").fill(ASSESSOR)
    next_step(applicant)

    # 【安全管理】
    expect(applicant.get_by_role("heading", name="安全管理")).to_be_visible()
    settled(applicant)
    field(applicant, "安全管理负责人姓名").fill("林晓燕")
    field(applicant, "安全管理负责人手机号码").fill("13800138001")
    field(applicant, "信息审核人员数量").fill("6")
    field(applicant, "信息审核人员姓名").fill("周志强\n吴丽娟")
    fill_situations(applicant, assessments.MEASURES[:3])
    next_step(applicant)

    # 【技术措施】: a log kept 3 months is refused (at least 6), the rest of the step stays.
    expect(applicant.get_by_role("heading", name="技术措施")).to_be_visible()
    settled(applicant)
    logs = applicant.locator("#field-log_items")
    for item in assessments.LOG_ITEMS:
        logs.get_by_label(item, exact=True).check()
    field(applicant, "日志留存时间（月）").fill("3")
    field(applicant, "投诉举报方式").fill("0578-2786359，jubao@lsdemo-bbs.cn")
    fill_situations(applicant, assessments.MEASURES[3:])
    next_step(applicant)
    expect(applicant.locator("#field-log_months .error")).to_have_text("日志留存时间不能少于6个月")
    expect(field(applicant, "日志留存时间（月）")).to_have_value("3")
    expect(field(applicant, "投诉举报方式")).to_have_value("0578-2786359，jubao@lsdemo-bbs.cn")
    expect(field(applicant, "配合监管执法的工作机制·实际情况")).to_have_value(assessments.MEASURES[-1].example)
    for item in assessments.LOG_ITEMS:
        expect(logs.get_by_label(item, exact=True)).to_be_checked()
    settled(applicant)
    field(applicant, "日志留存时间（月）").fill("6")
    next_step(applicant)

    # 【评估结论】 → 核对信息 → 【提交】: the application waits for the bureau.
    expect(applicant.get_by_role("heading", name="评估结论")).to_be_visible()
    settled(applicant)
    field(applicant, "评估结论").fill(CONCLUSION)
    applicant.get_by_label("本单位承诺以上内容真实，并对评估结论负责").check()
    next_step(applicant, "下一步：核对信息")
    expect(applicant.get_by_role("heading", name="新办安全评估：请核对填写的信息")).to_be_visible()
    expect(applicant.get_by_text(ASSESSOR)).to_be_visible()
    applicant.get_by_role("button", name="提交").click()
    expect(applicant.get_by_text("提交成功，请等待公安机关审核")).to_be_visible()
    expect(applicant.get_by_role("heading", name="新办安全评估申请 待审核")).to_be_visible()
    expect(applicant.get_by_text("丽水市公安局网络警察支队").first).to_be_visible()   # the 地市级 bureau

    # The 丽水 officer: 审核工作台 lists it as 站名·功能名称; the printable report carries the measures.
    log_in(officer, "officer", "Police2026pass")
    officer.get_by_role("link", name="审核工作台").click()
    row = officer.get_by_role("row", name=re.compile(f"新办安全评估.*{SITE}·{FEATURE}"))
    expect(row).to_contain_text("待审核")
    row.get_by_role("link", name="审核").click()
    expect(officer.get_by_role("heading", name=re.compile(f"^新办安全评估："))).to_be_visible()
    officer.get_by_role("link", name="查看和打印安全评估报告").click()
    expect(officer.get_by_role("heading", name="互联网信息服务安全评估报告")).to_be_visible()
    expect(officer.get_by_text(f"委托第三方评估（{ASSESSOR}）")).to_be_visible()
    expect(officer.get_by_text("论坛/BBS", exact=True)).to_be_visible()
    expect(officer.get_by_text("留存6个月", exact=False)).to_be_visible()
    for number, measure in enumerate(assessments.MEASURES, 1):
        expect(officer.get_by_role("heading", name=f"{number}. {measure.title}")).to_be_visible()
        expect(officer.get_by_text(measure.example, exact=True)).to_be_visible()
    officer.get_by_role("link", name="返回").click()
    expect(officer.get_by_role("heading", name=re.compile(f"^新办安全评估："))).to_be_visible()
    officer.get_by_role("button", name="通过").click()
    expect(officer.get_by_role("status")).to_have_text("已通过")

    # The applicant: the site is 已评估, the report says so, and nothing is owed any more.
    applicant.goto("/home")
    card.get_by_role("link", name="更多").click()
    expect(applicant.get_by_role("heading", name="我的安全评估")).to_be_visible()
    expect(applicant.get_by_role("heading", name=OWING)).to_have_count(0)
    expect(applicant.get_by_role("row", name=re.compile(f"{SITE}.*{FEATURE}"))).to_contain_text("已评估")
    applicant.goto("/websites")
    applicant.get_by_role("row", name=re.compile(SITE)).get_by_role("link", name="详情").click()
    expect(applicant.get_by_role("heading", name=re.compile(SITE))).to_be_visible()
    standing = applicant.locator("#assessment")
    expect(standing).to_contain_text(f"已评估：{FEATURE}")
    expect(applicant.get_by_text(OWING)).to_have_count(0)
    expect(standing.get_by_role("button", name="新办安全评估")).to_have_count(0)
    standing.get_by_role("link", name="查看报告").click()
    expect(applicant.get_by_role("heading", name="互联网信息服务安全评估报告")).to_be_visible()
    expect(applicant.get_by_text(re.compile(r"状态：已评估（.+审核通过）"))).to_be_visible()
    expect(applicant.get_by_text(CONCLUSION)).to_be_visible()
    applicant.goto("/home")
    expect(card).to_contain_text("暂无需提交的安全评估报告")
    for context in contexts:
        context.close()
