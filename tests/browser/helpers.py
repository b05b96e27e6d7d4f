"""What browser tests do again and again, as a person would: find fields, register, read SMS."""
import re

from playwright.sync_api import expect

from tests.factories import make_id, picture

PASSWORD = "Browser2026ok"


def field(page, text):
    """The input labelled text (required labels start with a red *)."""
    return page.get_by_label(re.compile(r"^\*?%s$" % re.escape(text)))


def fill_register(page, username, mobile):
    field(page, "用户名").fill(username)
    field(page, "密码").fill(PASSWORD)
    field(page, "确认密码").fill(PASSWORD)
    field(page, "手机号码").fill(mobile)
    field(page, "电子邮箱").fill(f"{username}@example.com")


def register_and_login(page, username, mobile):
    """A fresh applicant account, logged in, on 系统首页."""
    page.goto("/register")
    fill_register(page, username, mobile)
    page.get_by_role("button", name="注册").click()
    expect(page.get_by_text("注册成功，请登录")).to_be_visible()
    field(page, "用户名").fill(username)
    field(page, "密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="系统首页")).to_be_visible()


def sms_code(page, mobile):
    """The newest code sent to a mobile, read off the demo outbox."""
    page.goto("/dev/outbox")
    row = page.locator("tbody tr", has_text=mobile).first
    return re.search(r"验证码为(\d{6})", row.inner_text()).group(1)


def verify_mobile(page, mobile):
    """信用认证 of the account's mobile in 个人中心."""
    page.goto("/me")
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_text("验证码已发送至")).to_be_visible()
    code = sms_code(page, mobile)
    page.goto("/me")
    field(page, "短信验证码").fill(code)
    page.get_by_role("button", name="认证").click()
    expect(page.get_by_text("手机号码信用认证成功")).to_be_visible()


def settled(page):
    """Wait until htmx has no request in flight and has wired up what it swapped in.

    New content is live only after htmx's settle step, so a person (or a test)
    acting in that instant would find the new fields inert.
    """
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")).to_have_count(0)


def upload(page, label, name, content):
    field(page, label).set_input_files(files=[{"name": name, "mimeType": "image/jpeg", "buffer": content}])


def confirm_choice(page, field_id, js):
    """After a choice that changes the form: htmx does it at once, without JS 【确定】 does."""
    if js:
        settled(page)
    else:
        page.locator(f"#field-{field_id}").get_by_role("button", name="确定").click()


def choose_lishui(page, js=True):
    """Province → city → county; each choice brings the next list."""
    field(page, "省（自治区、直辖市）").select_option(label="浙江省")
    confirm_choice(page, "province", js)
    field(page, "市（地区、州）").select_option(label="丽水市")
    confirm_choice(page, "city", js)
    field(page, "县（市、区）").select_option(label="莲都区")


def fill_leader(page, name, id_number, mobile):
    field(page, "负责人姓名").fill(name)
    field(page, "负责人证件号码").fill(id_number)
    field(page, "常住地址").fill("浙江省丽水市莲都区紫金街道中山街128号")
    field(page, "办公电话").fill("0578-2786359")
    field(page, "手机号码").fill(mobile)
    field(page, "电子邮箱").fill("leader@example.com")
    upload(page, "负责人证件正面", "front.jpg", picture())
    upload(page, "负责人证件背面", "back.jpg", picture(color=(20, 90, 200)))


def person_subject(page, name, seq, mobile, js=True):
    """新增主体 as a person, submitted; ends on the subject's page."""
    page.goto("/subject/new")
    page.get_by_label("个人", exact=True).check()
    confirm_choice(page, "nature", js)
    expect(field(page, "单位名称")).to_have_count(0)
    choose_lishui(page, js)
    fill_leader(page, name, make_id(seq=seq), mobile)
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_role("heading", name=re.compile(name))).to_be_visible()


def fill_basic(page, domain):
    field(page, "网站名称").fill("丽水山居旅游网")
    field(page, "网站主域名").fill(domain)
    field(page, "网站首页").fill("www." + domain)
    field(page, "其他域名").fill("www." + domain)
    field(page, "IP地址").fill("47.96.1.10")
    field(page, "域名注册服务商").fill("厦门易名科技股份有限公司")
    page.get_by_label("单位门户网站").check()
    page.get_by_label("中文简体").check()
    field(page, "ICP备案号").fill("浙ICP备12345678号-1")


def fill_person(page, prefix, name, seq, mobile):
    page.locator(f"#{prefix}-name").fill(name)
    page.locator(f"#{prefix}-id_number").fill(make_id(seq=seq))
    page.locator(f"#{prefix}-mobile").fill(mobile)
    page.locator(f"#{prefix}-office_phone").fill("0578-2786359")
    page.locator(f"#{prefix}-email").fill(f"{prefix}@example.com")


def people_and_notice(page, subject_leader, seq):
    """【网站负责人】 (owner from the subject, two others typed), then 【提示说明】 up to the review page."""
    expect(page.get_by_role("heading", name="网站负责人")).to_be_visible()
    settled(page)
    page.locator("#owner-same_as_subject").check()
    expect(page.locator("#owner-name")).to_have_value(subject_leader)
    settled(page)
    fill_person(page, "security", "钱学明", seq + 1, "1390579%04d" % (seq + 1))
    fill_person(page, "emergency", "孙志强", seq + 2, "1390579%04d" % (seq + 2))
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_role("heading", name="提示说明")).to_be_visible()
    settled(page)


def agree_and_submit(page):
    """【提示说明】: tick the notice, check the answers, 【提交】, and see it filed."""
    page.get_by_label("我已阅读信息网络安全保护方案").check()
    page.get_by_role("button", name="下一步：核对信息").click()
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("提交成功，请等待公安机关审核")).to_be_visible()
