"""What a person sees: register, log in, see the home page, log out, in Chromium."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import field, fill_register, settled

pytestmark = pytest.mark.browser


def test_register_login_home_logout(page):
    page.goto("/")
    page.get_by_role("link", name="注册").first.click()
    expect(page.get_by_role("heading", name="用户注册")).to_be_visible()
    # A mistake first: the message appears next to the field, typing is kept.
    fill_register(page, "wangwu", "1391234")
    page.get_by_role("button", name="注册").click()
    # The inline check shows the message before the refused page arrives: wait for both.
    settled(page)
    expect(page.locator("#field-mobile .error")).to_contain_text("手机")
    expect(field(page, "用户名")).to_have_value("wangwu")
    fill_register(page, "wangwu", "13912340001")
    page.get_by_role("button", name="注册").click()
    expect(page.get_by_text("注册成功，请登录")).to_be_visible()
    field(page, "用户名").fill("wangwu")
    field(page, "密码").fill("Browser2026ok")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="系统首页")).to_be_visible()
    expect(page.get_by_text("尚未完成信用认证")).to_be_visible()
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_text("您已安全退出")).to_be_visible()
    page.goto("/home")
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_register_with_javascript_disabled(browser, base_url):
    context = browser.new_context(java_script_enabled=False, base_url=base_url)
    page = context.new_page()
    page.goto("/register")
    fill_register(page, "nojs_user", "13912340002")
    field(page, "电子邮箱").fill("not-an-email")
    page.get_by_role("button", name="注册").click()
    expect(page.locator("#field-email .error")).to_have_text("电子邮箱格式不正确")
    fill_register(page, "nojs_user", "13912340002")
    page.get_by_role("button", name="注册").click()
    expect(page.get_by_text("注册成功，请登录")).to_be_visible()
    field(page, "用户名").fill("nojs_user")
    field(page, "密码").fill("Browser2026ok")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="系统首页")).to_be_visible()
    context.close()


def test_demo_officer_can_log_in_and_read_outbox(page):
    page.goto("/login")
    field(page, "用户名").fill("officer")
    field(page, "密码").fill("Police2026pass")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("丽水市公安局网络警察支队")).to_be_visible()
    page.get_by_role("link", name="个人中心").click()
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_text("验证码已发送至 139****9000")).to_be_visible()
    page.get_by_role("link", name="短信发件箱").click()
    code = re.search(r"验证码为(\d{6})", page.locator("tbody tr").first.inner_text()).group(1)
    page.get_by_role("link", name="个人中心").click()
    field(page, "短信验证码").fill(code)
    page.get_by_role("button", name="认证").click()
    expect(page.get_by_text("手机号码信用认证成功")).to_be_visible()
    expect(page.get_by_text("已认证")).to_be_visible()
