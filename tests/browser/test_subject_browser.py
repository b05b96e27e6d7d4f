"""开办主体 as a person does it in Chromium: a unit with pictures, drafts, the prompt, transfer."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (choose_lishui, confirm_choice, field, fill_leader, person_subject, register_and_login,
                                   settled, sms_code, upload, verify_mobile)
from tests.factories import USCC, make_id, picture

pytestmark = pytest.mark.browser


def test_unit_subject_with_pictures_draft_prompt_and_submit(page):
    register_and_login(page, "unit_owner", "13912350001")
    expect(page.get_by_text("您当前还无有效主体，请先申请主体")).to_be_visible()
    page.get_by_role("link", name="申请主体").click()
    expect(page.get_by_role("heading", name="新增主体")).to_be_visible()
    settled(page)  # a boosted page is live once htmx has settled it

    field(page, "单位性质").select_option("企业单位")
    settled(page)
    expect(field(page, "证件类型").locator("option")).to_have_count(2)
    field(page, "证件类型").select_option("统一社会信用代码")
    field(page, "单位名称").fill("丽水市云岭科技有限公司")
    field(page, "证件号码").fill("91330106673959654Q")
    field(page, "投资或主管单位").fill("张建国")
    # The wrong check digit is pointed out next to the field while typing.
    expect(page.locator("#field-cert_number .error")).to_contain_text("校验位")
    field(page, "证件号码").fill(USCC)
    field(page, "证件号码").press("Tab")
    expect(page.locator("#field-cert_number .error")).to_have_count(0)
    choose_lishui(page)
    field(page, "单位地址").fill("浙江省丽水市莲都区人民街607号")
    upload(page, "证件图片", "licence.jpg", picture())
    fill_leader(page, "张建国", make_id(seq=301), "13905780001")
    expect(page.get_by_text("已自动保存")).to_be_visible()

    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_role("heading", name="我的草稿")).to_be_visible()
    expect(page.get_by_role("cell", name="新增主体")).to_be_visible()

    page.reload()
    page.goto("/subject/new")
    expect(page.get_by_text("您有一条草稿，是否使用")).to_be_visible()
    page.get_by_role("link", name="是", exact=True).click()
    expect(field(page, "单位名称")).to_have_value("丽水市云岭科技有限公司")
    expect(field(page, "县（市、区）")).to_have_value("331102")
    expect(page.get_by_text("已上传：")).to_have_count(3)

    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_role("heading", name=re.compile("丽水市云岭科技有限公司"))).to_be_visible()
    expect(page.get_by_text("待审核", exact=True).first).to_be_visible()
    expect(page.get_by_text("公安机关不单独审核主体").first).to_be_visible()
    # The 负责人's ID number is masked on screen.
    expect(page.get_by_text(re.compile(r"^3311\*{10}"))).to_be_visible()
    page.goto("/drafts")
    expect(page.get_by_text("暂无草稿")).to_be_visible()


def test_person_subject_with_javascript_disabled(browser, base_url):
    context = browser.new_context(java_script_enabled=False, base_url=base_url)
    page = context.new_page()
    register_and_login(page, "nojs_person", "13912350002")
    page.goto("/subject/new")
    page.get_by_label("个人", exact=True).check()
    confirm_choice(page, "nature", js=False)
    expect(field(page, "单位名称")).to_have_count(0)
    choose_lishui(page, js=False)
    fill_leader(page, "李秀英", make_id(seq=302), "13905780002")
    field(page, "办公电话").fill("010-00000000")
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator("#field-leader_office_phone .error")).to_be_visible()
    expect(field(page, "负责人姓名")).to_have_value("李秀英")
    expect(page.get_by_text("已上传：")).to_have_count(2)
    field(page, "办公电话").fill("0578-2786359")
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_role("heading", name=re.compile("李秀英"))).to_be_visible()
    context.close()


def test_transfer_from_one_account_to_another(browser, base_url, live_db):
    sender_ctx = browser.new_context(base_url=base_url)
    receiver_ctx = browser.new_context(base_url=base_url)
    sender, receiver = sender_ctx.new_page(), receiver_ctx.new_page()
    for p in (sender, receiver):
        p.set_default_timeout(10000)

    register_and_login(sender, "transfer_from", "13912350003")
    person_subject(sender, "王建华", 303, "13905780003")
    # The bureau's review (a later part of the system) approves it.
    live_db.execute("UPDATE subject SET status='有效' WHERE name='王建华'")
    live_db.execute("UPDATE application SET status='已通过' WHERE subject_id IN "
                    "(SELECT id FROM subject WHERE name='王建华')")
    live_db.commit()

    sender.reload()
    sender.get_by_role("link", name="移交主体").click()
    field(sender, "负责人手机号码").fill("13905780003")
    sender.get_by_role("button", name="获取验证码").click()
    expect(sender.get_by_text("验证码已发送至 139****0003")).to_be_visible()
    code = sms_code(sender, "13905780003")
    sender.go_back()
    receiver_id = make_id(seq=404)
    field(sender, "负责人手机号码").fill("13905780003")
    field(sender, "接收人手机号码").fill("13912350004")
    field(sender, "接收人身份证号").fill(receiver_id)
    field(sender, "短信验证码").fill(code)
    sender.get_by_role("button", name="移交", exact=True).click()
    expect(sender.get_by_text("移交中", exact=True)).to_be_visible()
    expect(sender.get_by_role("button", name="撤回移交")).to_be_visible()

    register_and_login(receiver, "transfer_to", "13912350004")
    verify_mobile(receiver, "13912350004")
    receiver.goto("/home")
    receiver.get_by_role("link", name=re.compile("去接收")).click()
    receiver.get_by_role("row", name=re.compile("王建华")).get_by_role("link", name="接收").click()
    field(receiver, "本人身份证号").fill(make_id(seq=405))
    receiver.get_by_role("button", name="接收").click()
    expect(receiver.locator("#field-id_number .error")).to_contain_text("不一致")
    field(receiver, "本人身份证号").fill(receiver_id)
    receiver.get_by_role("button", name="接收").click()
    expect(receiver.get_by_text("接收成功")).to_be_visible()
    expect(receiver.get_by_role("heading", name=re.compile("王建华"))).to_be_visible()

    sender.goto("/subjects")
    expect(sender.get_by_text("您当前还无有效主体")).to_be_visible()
    sender_ctx.close()
    receiver_ctx.close()
