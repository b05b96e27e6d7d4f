"""新办APP申请 and 新办小程序申请 in Chromium: an APP with its icon and screenshots uploaded inside
the step and a 小程序 filed, the bureau approves both, the public query finds them by package
name and AppID; a 小程序 without JavaScript; a refused screenshot count that keeps the draft."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import field, fill_person, person_subject, register_and_login, settled
from tests.browser.test_review_browser import log_in
from tests.factories import APP_FINGERPRINT, APP_PUBLIC_KEY, picture

pytestmark = pytest.mark.browser

RECORD_NUMBER = re.compile(r"浙公网安备 \d{14}号")
APP_INTRO = "提供丽水山居民宿预订、景点导览和旅游资讯查询服务的手机应用。"
MINIAPP_INTRO = "提供丽水山居民宿预订和景点导览服务的微信小程序。"


def pictures(tmp_path, prefix, count, fmt="JPEG", size=(360, 640)):
    """count real image files on disk, as a person would pick them."""
    paths = []
    for number in range(1, count + 1):
        path = tmp_path / f"{prefix}{number}.{'png' if fmt == 'PNG' else 'jpg'}"
        path.write_bytes(picture(fmt, size, color=(30 * number, 120, 200)))
        paths.append(path)
    return paths


def open_business(page, label, heading):
    """业务办理 → label, past 【开办主体】 to the basic step."""
    page.goto("/business")
    page.get_by_role("link", name=label, exact=True).click()
    expect(page.get_by_role("heading", name="开办主体")).to_be_visible()
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    settled(page)


def fill_app_basic(page, tmp_path, name, package, shots=3):
    """【APP基本信息】 with an icon, shots screenshots, 安卓 and its keys, one SDK and the rest."""
    field(page, "APP名称").fill(name)
    field(page, "APP图标").set_input_files(pictures(tmp_path, "icon", 1, "PNG", (64, 64)))
    field(page, "功能介绍").fill(APP_INTRO)
    field(page, "运行截图").set_input_files(pictures(tmp_path, "shot", shots))
    page.locator("#field-platforms").get_by_label("安卓", exact=True).check()
    settled(page)
    field(page, "安卓·包名").fill(package)
    field(page, "安卓·公钥").fill(APP_PUBLIC_KEY)
    field(page, "安卓·签名MD5值").fill(APP_FINGERPRINT)
    page.locator("#sdks-0-name").fill("个推推送SDK")
    page.locator("#sdks-0-vendor").fill("每日互动股份有限公司")
    page.locator("#sdks-0-purpose").fill("消息推送")
    field(page, "其他分发渠道").fill("华为应用市场\n小米应用商店")
    field(page, "APP使用的域名").fill("api." + package.split(".")[1] + ".cn")
    field(page, "服务器IP地址").fill("47.96.1.10")
    field(page, "网络接入服务商").fill("阿里云计算有限公司")
    field(page, "当前用户量").select_option("1万以下")
    page.locator("#field-languages").get_by_label("中文简体").check()
    field(page, "ICP备案号").fill("浙ICP备20018325号-12A")
    settled(page)


def next_step(page, button="下一步"):
    """Leave the field being typed in, let its check finish, then press the button.

    Leaving a field checks it over htmx (a POST to the step); a 【下一步】 in the same instant races
    that check, and the check, saving the draft as it read it, can undo the step's advance (see
    the report of this branch: the next step then answers 请按顺序填写). A person pauses; so does this.
    """
    page.evaluate("document.activeElement && document.activeElement.blur()")
    settled(page)
    page.get_by_role("button", name=button).click()


def notice_and_submit(page, js=True):
    """【提示说明】 → 核对信息 (【提交】 is the caller's)."""
    expect(page.get_by_role("heading", name="提示说明")).to_be_visible()
    settled(page)
    page.get_by_label("我已阅读信息网络安全保护方案").check()
    if js:
        next_step(page, "下一步：核对信息")
    else:
        page.get_by_role("button", name="下一步：核对信息").click()
    expect(page.get_by_role("heading", name=re.compile("请核对"))).to_be_visible()


def submit(page):
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("提交成功，请等待公安机关审核")).to_be_visible()


def open_review(officer, kind, name):
    """The demo officer (丽水 city bureau) opens the application from 审核工作台."""
    officer.goto("/review")
    officer.get_by_role("row", name=re.compile(f"{kind}.*{name}")).get_by_role("link", name="审核").click()


def approve(officer):
    officer.get_by_role("button", name="通过").click()
    expect(officer.get_by_text(re.compile(r"^已通过，公安备案号 浙公网安备 \d{14}号"))).to_be_visible()


def public_finds(public, key, name):
    """备案查询 by an APP's package name or a 小程序's AppID shows its 公安备案号."""
    public.goto("/query?q=" + key)
    row = public.get_by_role("row", name=re.compile(name))
    expect(row).to_contain_text(RECORD_NUMBER)
    expect(row).to_contain_text("丽水市公安局网络警察支队")
    return RECORD_NUMBER.search(row.inner_text()).group(0)


def test_app_and_miniapp_filed_approved_and_found_by_the_public(browser, base_url, tmp_path):
    contexts = [browser.new_context(base_url=base_url) for _ in range(3)]
    applicant, officer, public = (c.new_page() for c in contexts)
    for p in (applicant, officer, public):
        p.set_default_timeout(10000)
    register_and_login(applicant, "app_owner", "13912370001")
    person_subject(applicant, "林晓峰", 701, "13905797001")

    # 新办APP申请 from 业务办理, pictures uploaded inside the step.
    open_business(applicant, "新办APP申请", "APP基本信息")
    fill_app_basic(applicant, tmp_path, "丽水山居旅游", "com.lsshanju.lvyou")
    applicant.get_by_role("button", name="上传").first.click()
    settled(applicant)
    expect(applicant.locator("#field-icon").get_by_role("checkbox", name=re.compile("保留"))).to_have_count(1)
    kept = applicant.locator("#field-screenshots").get_by_role("checkbox", name=re.compile("保留"))
    expect(kept).to_have_count(3)
    for box in kept.all():
        expect(box).to_be_checked()
    thumbnails = applicant.locator("#field-screenshots img")
    expect(thumbnails).to_have_count(3)
    for thumbnail in thumbnails.all():   # each thumbnail is a real picture the browser could draw
        expect(thumbnail).to_have_js_property("complete", True)
        assert thumbnail.evaluate("img => img.naturalWidth") > 0
    # What was typed stays after the upload: the platform's keys, the SDK row.
    expect(field(applicant, "安卓·包名")).to_have_value("com.lsshanju.lvyou")
    expect(applicant.locator("#sdks-0-name")).to_have_value("个推推送SDK")
    applicant.get_by_role("button", name="添加一行").click()
    settled(applicant)
    expect(applicant.locator("#sdks-2-name")).to_be_visible()
    next_step(applicant)

    # 【APP负责人】: the owner from the subject, two others typed.
    expect(applicant.get_by_role("heading", name="APP负责人")).to_be_visible()
    settled(applicant)
    applicant.locator("#owner-same_as_subject").check()
    expect(applicant.locator("#owner-name")).to_have_value("林晓峰")
    settled(applicant)
    fill_person(applicant, "security", "钱学明", 702, "13905797002")
    fill_person(applicant, "emergency", "孙志强", 703, "13905797003")
    next_step(applicant)
    notice_and_submit(applicant)
    expect(applicant.get_by_text("com.lsshanju.lvyou")).to_be_visible()
    expect(applicant.get_by_text("3张图片")).to_be_visible()
    submit(applicant)

    # 新办小程序申请.
    open_business(applicant, "新办小程序申请", "小程序基本信息")
    applicant.get_by_label("微信", exact=True).check()
    settled(applicant)
    field(applicant, "小程序AppID").fill("wx5a6b7c8d9e0f1a2b")
    field(applicant, "小程序名称").fill("丽水山居导览")
    applicant.locator("#field-content_types").get_by_label("旅游出行").check()
    settled(applicant)
    applicant.get_by_label("以上都不涉及").check()
    settled(applicant)
    field(applicant, "小程序简介").fill(MINIAPP_INTRO)
    field(applicant, "ICP备案号").fill("浙ICP备20018325号-3X")
    next_step(applicant)
    expect(applicant.get_by_role("heading", name="小程序负责人")).to_be_visible()
    settled(applicant)
    applicant.locator("#owner-same_as_subject").check()
    expect(applicant.locator("#owner-name")).to_have_value("林晓峰")
    settled(applicant)
    next_step(applicant)
    notice_and_submit(applicant)
    expect(applicant.get_by_text("wx5a6b7c8d9e0f1a2b")).to_be_visible()
    submit(applicant)

    # The bureau of the subject (丽水, 莲都区) approves both; the first approval settles the subject too.
    log_in(officer, "officer", "Police2026pass")
    applicant.goto("/subjects")
    expect(applicant.get_by_role("row", name=re.compile("林晓峰"))).to_contain_text("待审核")
    open_review(officer, "新办APP", "丽水山居旅游")
    expect(officer.get_by_text("com.lsshanju.lvyou").first).to_be_visible()
    # The officer sees the icon and the three screenshots, served as images.
    shots = officer.get_by_role("img", name=re.compile(r"^图片\d$"))
    expect(shots).to_have_count(4)
    for src in [shot.get_attribute("src") for shot in shots.all()]:
        response = officer.request.get(src)
        assert response.ok and response.headers["content-type"].startswith("image/"), src
    approve(officer)
    open_review(officer, "新办小程序", "丽水山居导览")
    expect(officer.get_by_text("wx5a6b7c8d9e0f1a2b").first).to_be_visible()
    approve(officer)
    applicant.goto("/subjects")
    expect(applicant.get_by_role("row", name=re.compile("林晓峰"))).to_contain_text("有效")

    app_number = public_finds(public, "com.lsshanju.lvyou", "丽水山居旅游")
    mini_number = public_finds(public, "wx5a6b7c8d9e0f1a2b", "丽水山居导览")
    assert app_number != mini_number
    applicant.goto("/apps")
    expect(applicant.get_by_role("row", name=re.compile("丽水山居旅游"))).to_contain_text(app_number)
    applicant.goto("/miniapps")
    expect(applicant.get_by_role("row", name=re.compile("丽水山居导览"))).to_contain_text(mini_number)
    for context in contexts:
        context.close()


def test_miniapp_filed_with_javascript_disabled(browser, base_url):
    context = browser.new_context(java_script_enabled=False, base_url=base_url)
    page = context.new_page()
    page.set_default_timeout(10000)
    register_and_login(page, "mini_nojs", "13912370002")
    person_subject(page, "何静怡", 711, "13905797011", js=False)
    page.goto("/apply/miniapp")
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_role("heading", name="小程序基本信息")).to_be_visible()
    page.get_by_label("微信", exact=True).check()
    page.locator("#field-platform").get_by_role("button", name="确定").click()
    expect(page.get_by_label("微信", exact=True)).to_be_checked()
    field(page, "小程序AppID").fill("wx0f1e2d3c4b5a6978")
    field(page, "小程序名称").fill("丽水古堰画乡")
    page.locator("#field-content_types").get_by_label("旅游出行").check()
    page.get_by_label("以上都不涉及").check()
    field(page, "小程序简介").fill("太短的简介")
    field(page, "ICP备案号").fill("浙ICP备20018325号-5X")
    page.get_by_role("button", name="下一步").click()
    expect(page.locator("#field-intro .error")).to_contain_text("20至200")
    expect(field(page, "小程序AppID")).to_have_value("wx0f1e2d3c4b5a6978")
    field(page, "小程序简介").fill("提供古堰画乡景区导览、门票预约和写生基地介绍的微信小程序。")
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_role("heading", name="小程序负责人")).to_be_visible()
    page.locator("#owner-same_as_subject").check()
    page.locator("#field-owner-same_as_subject").get_by_role("button", name="确定").click()
    expect(page.locator("#owner-name")).to_have_value("何静怡")
    page.get_by_role("button", name="下一步").click()
    notice_and_submit(page, js=False)
    submit(page)
    page.goto("/applications")
    expect(page.get_by_role("row", name=re.compile("丽水古堰画乡"))).to_contain_text("待审核")
    context.close()


def test_two_screenshots_are_refused_and_the_draft_keeps_what_was_typed(page, tmp_path):
    register_and_login(page, "app_short", "13912370003")
    person_subject(page, "吕文斌", 721, "13905797021")
    open_business(page, "新办APP申请", "APP基本信息")
    fill_app_basic(page, tmp_path, "丽水山居摄影", "com.lssheying.photo", shots=2)
    next_step(page)
    settled(page)
    expect(page.locator("#field-screenshots .error")).to_contain_text("（3至5张，当前2张）")
    expect(page.get_by_role("heading", name="APP基本信息")).to_be_visible()
    # The draft kept the two pictures, the icon and everything typed: a reload shows them again.
    page.reload()
    expect(page.get_by_role("heading", name="APP基本信息")).to_be_visible()
    settled(page)
    expect(page.locator("#field-screenshots").get_by_role("checkbox", name=re.compile("保留"))).to_have_count(2)
    expect(page.locator("#field-icon").get_by_role("checkbox", name=re.compile("保留"))).to_have_count(1)
    expect(field(page, "APP名称")).to_have_value("丽水山居摄影")
    expect(field(page, "安卓·包名")).to_have_value("com.lssheying.photo")
    expect(field(page, "安卓·签名MD5值")).to_have_value(APP_FINGERPRINT)
    expect(page.locator("#sdks-0-vendor")).to_have_value("每日互动股份有限公司")
    # One more screenshot and the step goes through.
    field(page, "运行截图").set_input_files(pictures(tmp_path, "more", 1))
    next_step(page)
    expect(page.get_by_role("heading", name="APP负责人")).to_be_visible()
