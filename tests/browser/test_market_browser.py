"""新办服务商申请 and 新办应用市场申请 in Chromium: a 服务商 files, the bureau approves it without a
公安备案号, and a new website filing finds it with 【查询网络接入服务商】 and 【选择】 fills it; an
应用市场 files with its documents, is approved with a number, and the public query finds it."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import field, fill_person, settled
from tests.browser.test_app_browser import RECORD_NUMBER, next_step, notice_and_submit, open_review, submit
from tests.browser.test_review_browser import log_in
from tests.factories import pdf_document

pytestmark = pytest.mark.browser

# The demo applicant's subject: a unit (企业单位) in 莲都区 under the 丽水 bureau. A 服务商 is a unit,
# and its 全称 is the unit's name.
UNIT = "丽水市演示网络科技有限公司"
PDF = pdf_document()


def pdf(tmp_path, name):
    """A small valid PDF on disk, as a person would pick it."""
    path = tmp_path / name
    path.write_bytes(PDF)
    return path


def contexts_for(browser, base_url, count):
    contexts = [browser.new_context(base_url=base_url) for _ in range(count)]
    pages = [c.new_page() for c in contexts]
    for page in pages:
        page.set_default_timeout(10000)
    return contexts, pages


def open_business(page, label, heading):
    """业务办理 → label, a fresh draft if one is left over, past 【开办主体】 to the basic step."""
    page.goto("/business")
    page.get_by_role("link", name=label, exact=True).click()
    prompt = page.get_by_text("您有一条草稿，是否使用")
    subject_step = page.get_by_role("heading", name="开办主体")
    expect(prompt.or_(subject_step)).to_be_visible()
    if prompt.is_visible():
        page.get_by_role("link", name="否", exact=True).click()
    expect(subject_step).to_be_visible()
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    settled(page)


def upload_documents(page, field_id, paths):
    """Pick the files, 【上传】 inside the step, and see them kept (one ticked box each)."""
    page.locator(f"#{field_id}").set_input_files(paths)
    page.locator(f"#field-{field_id}").get_by_role("button", name="上传").click()
    settled(page)
    kept = page.locator(f"#field-{field_id}").get_by_role("checkbox", name=re.compile("保留"))
    expect(kept).to_have_count(len(paths))


def approve(officer, number):
    officer.get_by_role("button", name="通过").click()
    if number:
        expect(officer.get_by_text(re.compile(r"^已通过，公安备案号 浙公网安备 \d{14}号"))).to_be_visible()
    else:
        expect(officer.get_by_role("status")).to_have_text("已通过")   # the flash: no number follows


def test_provider_filed_approved_and_picked_in_a_website_filing(browser, base_url, tmp_path):
    contexts, (applicant, officer) = contexts_for(browser, base_url, 2)
    log_in(applicant, "demo", "Demo2026pass")

    # 【服务商基本信息】
    open_business(applicant, "新办服务商申请", "服务商基本信息")
    field(applicant, "服务商全称").fill(UNIT)
    applicant.locator("#field-provider_types").get_by_label("网络接入/IDC").check()
    field(applicant, "省（自治区、直辖市）").select_option(label="浙江省")
    settled(applicant)
    field(applicant, "市（地区、州）").select_option(label="丽水市")
    settled(applicant)
    field(applicant, "县（市、区）").select_option(label="莲都区")
    field(applicant, "增值电信业务经营许可证号").fill("浙B2-20080224")
    field(applicant, "经营范围").fill("互联网数据中心业务、互联网接入服务业务（浙江省）")
    applicant.locator("#field-service_regions").get_by_label("浙江省", exact=True).check()
    upload_documents(applicant, "documents", [pdf(tmp_path, "安全管理制度.pdf")])
    # What was typed stays after the upload.
    expect(field(applicant, "服务商全称")).to_have_value(UNIT)
    expect(field(applicant, "县（市、区）")).to_have_value("331102")
    next_step(applicant)

    # 【服务商负责人】
    expect(applicant.get_by_role("heading", name="服务商负责人")).to_be_visible()
    settled(applicant)
    applicant.locator("#owner-same_as_subject").check()
    expect(applicant.locator("#owner-name")).to_have_value("陈立新")
    settled(applicant)
    fill_person(applicant, "security", "钱学明", 801, "13905798001")
    next_step(applicant)
    notice_and_submit(applicant)
    expect(applicant.get_by_text("浙B2-20080224").first).to_be_visible()
    expect(applicant.get_by_text("1个文件")).to_be_visible()
    submit(applicant)

    # The bureau approves: no 公安备案号 for a 服务商, it enters the directory.
    log_in(officer, "officer", "Police2026pass")
    open_review(officer, "新办服务商", UNIT)
    expect(officer.get_by_text("浙B2-20080224").first).to_be_visible()
    approve(officer, number=False)
    applicant.goto("/providers")
    row = applicant.get_by_role("row", name=re.compile(UNIT))
    expect(row).to_contain_text("已备案")
    expect(row).not_to_contain_text(RECORD_NUMBER)

    # A new website filing finds it: region first, part of the name, a pause, 【选择】.
    open_business(applicant, "新办网站申请", "网站基本信息")
    field(applicant, "接入商所属地区").select_option(label="浙江省")
    settled(applicant)
    field(applicant, "接入商名称").press_sequentially("演示网络", delay=50)
    found = applicant.locator("#found-access")
    pick = found.get_by_role("row", name=re.compile(UNIT)).get_by_role("button", name="选择")
    expect(pick).to_be_visible()
    expect(found.get_by_role("row")).to_have_count(2)   # the heading and the one 服务商
    settled(applicant)
    pick.click()
    settled(applicant)
    expect(field(applicant, "网络接入服务商")).to_have_value(UNIT)
    for context in contexts:
        context.close()


def test_appstore_filed_approved_and_found_by_the_public(browser, base_url, tmp_path):
    contexts, (applicant, officer, public) = contexts_for(browser, base_url, 3)
    log_in(applicant, "demo", "Demo2026pass")

    # 【应用市场基本信息】
    open_business(applicant, "新办应用市场申请", "应用市场基本信息")
    field(applicant, "平台名称").fill("丽水演示应用商店")
    field(applicant, "平台域名").fill("apps.lsdemo-store.cn")
    field(applicant, "网络接入服务商").fill("阿里云计算有限公司")
    field(applicant, "服务资质（ICP经营许可证号）").fill("浙B2-20080224")
    applicant.locator("#field-categories").get_by_label("生活服务").check()
    field(applicant, "上架应用数量").fill("120")
    upload_documents(applicant, "review_rules", [pdf(tmp_path, "审核机制.pdf")])
    upload_documents(applicant, "agreement", [pdf(tmp_path, "服务协议.pdf")])
    expect(field(applicant, "平台域名")).to_have_value("apps.lsdemo-store.cn")
    expect(field(applicant, "上架应用数量")).to_have_value("120")
    next_step(applicant)

    # 【应用市场负责人】
    expect(applicant.get_by_role("heading", name="应用市场负责人")).to_be_visible()
    settled(applicant)
    applicant.locator("#owner-same_as_subject").check()
    expect(applicant.locator("#owner-name")).to_have_value("陈立新")
    settled(applicant)
    fill_person(applicant, "security", "钱学明", 811, "13905798011")
    fill_person(applicant, "emergency", "孙志强", 812, "13905798012")
    next_step(applicant)
    notice_and_submit(applicant)
    expect(applicant.get_by_text("apps.lsdemo-store.cn").first).to_be_visible()
    submit(applicant)

    log_in(officer, "officer", "Police2026pass")
    open_review(officer, "新办应用市场", "丽水演示应用商店")
    expect(officer.get_by_text("apps.lsdemo-store.cn").first).to_be_visible()
    approve(officer, number=True)

    public.goto("/query?q=apps.lsdemo-store.cn")
    row = public.get_by_role("row", name=re.compile("丽水演示应用商店"))
    expect(row).to_contain_text(RECORD_NUMBER)
    number = RECORD_NUMBER.search(row.inner_text()).group(0)
    applicant.goto("/appstores")
    expect(applicant.get_by_role("row", name=re.compile("丽水演示应用商店"))).to_contain_text(number)
    for context in contexts:
        context.close()
