"""APP and 小程序 filings through the pages: the wizards (pictures uploaded inside the step), the
refusals the issue lists, 我的APP/我的小程序 with 变更 and 注销, and what the bureau sees."""
import io
import re

import pytest

import models
from tests.conftest import make_user
from tests.factories import (APP_FINGERPRINT, APP_PUBLIC_KEY, make_bureau, make_service, make_subject, noisy_jpeg,
                             picture)
from tests.test_website_after import code_for
from tests.test_wizard import PEOPLE, person

APP = {
    "app_name": "丽水山居旅游", "intro": "提供丽水山居民宿预订、景点导览和旅游资讯查询服务的手机应用。",
    "platforms": ["android"], "platform_android_package": "com.lsly.lvyou",
    "platform_android_public_key": APP_PUBLIC_KEY, "platform_android_fingerprint": APP_FINGERPRINT,
    "sdks-0-name": "个推推送SDK", "sdks-0-vendor": "每日互动股份有限公司", "sdks-0-purpose": "消息推送",
    "sdks-1-name": "", "sdks-1-vendor": "", "sdks-1-purpose": "",
    "channels": "华为应用市场\n小米应用商店", "domains": "api.lsly.cn", "ips": "47.96.1.10",
    "access_provider": "阿里云计算有限公司", "user_count": "1万以下", "languages": ["中文简体"],
    "icp_number": "浙ICP备20018325号-12A",
}
MINIAPP = {"platform": "wechat", "appid": "wx1234567890abcdef", "miniapp_name": "丽水山居旅游",
           "content_types": ["旅游出行"], "pre_approvals": ["以上都不涉及"],
           "intro": "提供丽水山居民宿预订和景点导览服务的微信小程序。", "icp_number": "浙ICP备20018325号-3X"}


def files(icon=1, shots=3, icon_bytes=None):
    """The icon and screenshots as a browser posts them (file inputs named <field>_file)."""
    posted = [("icon_file", (io.BytesIO(icon_bytes or picture("PNG", (64, 64))), "icon.png"))] * icon
    posted += [("screenshots_file", (io.BytesIO(picture()), f"shot{n}.jpg")) for n in range(shots)]
    return posted


def post_step(client, url, data, uploads=()):
    """A step's form as the browser sends it: multipart, check box lists as repeated names."""
    body = {**data, "csrf_token": client.token()}
    body = {k: v for k, v in body.items()}
    multi = [(k, item) for k, v in body.items() for item in (v if isinstance(v, list) else [v])]
    return client.raw.post(url, data=_multidict(multi + list(uploads)), content_type="multipart/form-data")


def _multidict(pairs):
    from werkzeug.datastructures import MultiDict
    return MultiDict(pairs)


def start(client, flow):
    response = client.post(f"/apply/{flow}", {"action": "next"})
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    return response.headers["Location"].rsplit("/", 1)[0]


@pytest.fixture
def alice(client, app):
    user = make_user()
    make_subject(user, bureau=make_bureau())
    client.login("alice", "Secret2026x")
    return user


def file_app(client, data=APP, uploads=None):
    base = start(client, "app")
    response = post_step(client, f"{base}/basic", {**data, "action": "next"}, files() if uploads is None else uploads)
    assert response.status_code == 303, errors(response)
    assert client.post(f"{base}/people", {**PEOPLE, "action": "next"}).status_code == 303
    assert client.post(f"{base}/notice", {"agree": "y", "action": "next"}).status_code == 303
    return client.post(f"{base}/submit")


def errors(response):
    return re.findall(r'<p class="error"[^>]*>([^<]+)</p>', response.get_data(as_text=True))


# -- 新办APP申请 ------------------------------------------------------------------------------------

def test_an_app_is_filed_with_its_pictures_package_and_domain(client, alice):
    response = file_app(client)
    assert response.status_code == 303
    application = models.Application.get()
    service = models.Service.get()
    assert (application.kind, service.kind, service.name, service.status) == ("新办APP", "app", "丽水山居旅游", "待审核")
    filed = service.data
    assert filed["platforms"]["android"]["package"] == "com.lsly.lvyou" and filed["sdks"][0]["purpose"] == "消息推送"
    assert filed["channels"] == ["华为应用市场", "小米应用商店"] and filed["domains"] == ["api.lsly.cn"]
    pictures = models.Upload.select().join(models.FilingPicture).where(models.FilingPicture.application == application)
    assert sorted(p.purpose for p in pictures) == ["app_icon"] + ["app_screenshot"] * 3
    assert [(k.value, k.live) for k in models.ServiceKey.select()] == [("com.lsly.lvyou", False)]
    assert [(d.domain, d.live) for d in models.Domain.select()] == [("api.lsly.cn", False)]
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "APP基本信息" in detail and "4张图片" not in detail and "3张图片（编号" in detail and "com.lsly.lvyou" in detail


def test_pictures_uploaded_once_stay_with_the_draft_and_can_be_removed(client, alice):
    base = start(client, "app")
    page = post_step(client, f"{base}/basic", {"app_name": "丽水山居旅游", "action": "upload"}, files(shots=4))
    assert page.status_code == 200
    draft = models.Draft.get()
    raw = draft.data["steps"]["basic"]
    assert len(raw["icon"]) == 1 and len(raw["screenshots"]) == 4 and raw["app_name"] == ["丽水山居旅游"]
    # Unticking a screenshot's 保留 removes it; the others stay without being sent again.
    kept = raw["screenshots"][:3]
    response = post_step(client, f"{base}/basic", {**APP, "icon": raw["icon"], "screenshots": kept,
                                                   "action": "next"}, [])
    assert response.status_code == 303, errors(response)
    assert models.Draft.get().data["steps"]["basic"]["screenshots"] == kept


@pytest.mark.parametrize("change, uploads, field, message", [
    ({}, files(icon_bytes=noisy_jpeg((500, 500))), "icon", "不能超过100KB"),
    ({}, files(icon_bytes=b"GIF89a not really"), "icon", "JPG"),
    ({}, files(shots=2), "screenshots", "3至5张，当前2张"),
    ({}, files(shots=6), "screenshots", "最多5张"),
    ({"platform_android_package": "com.lsly lvyou"}, None, "package", "空格"),
    ({"platform_android_fingerprint": APP_FINGERPRINT.replace(":", "")[:31]}, None, "fingerprint", "32"),
    ({"icp_number": "浙ICP备20018325号-12"}, None, "icp_number", "A"),
    ({"platforms": []}, None, "platforms", "运行平台"),
    ({"sdks-1-name": "友盟统计"}, None, "sdks", "第2个SDK"),
    ({"domains": "", "ips": ""}, None, "ips", "至少一项"),
])
def test_bad_app_input_is_refused_beside_its_field(client, alice, change, uploads, field, message):
    base = start(client, "app")
    response = post_step(client, f"{base}/basic", {**APP, **change, "action": "next"},
                         files() if uploads is None else uploads)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in " ".join(errors(response)), errors(response)
    assert 'class="field invalid"' in html or "第2个SDK" in html
    assert not models.Application.select().exists() and models.Draft.select().count() == 1


def test_a_domain_another_subject_holds_is_refused_for_an_app(client, alice):
    other = make_subject(make_user("bob", mobile="13912340000"), bureau=models.Bureau.get(),
                         cert_number="91110000802100433B", name="丽水市别家科技有限公司")
    make_service(other, name="别家的网站", domains=("api.lsly.cn",), record_number="浙公网安备 33110002000099号")
    base = start(client, "app")
    response = post_step(client, f"{base}/basic", {**APP, "action": "next"}, files())
    assert "已备案" in " ".join(errors(response)) or "已有" in " ".join(errors(response)), errors(response)


# -- 新办小程序申请 --------------------------------------------------------------------------------

def file_miniapp(client, data=MINIAPP):
    base = start(client, "miniapp")
    response = client.post(f"{base}/basic", {**data, "action": "next"})
    assert response.status_code == 303, errors(response)
    assert client.post(f"{base}/people", {**person("owner"), "action": "next"}).status_code == 303
    assert client.post(f"{base}/notice", {"agree": "y", "action": "next"}).status_code == 303
    return client.post(f"{base}/submit")


def test_a_miniapp_is_filed_with_its_appid(client, alice):
    assert file_miniapp(client).status_code == 303
    service = models.Service.get()
    assert (service.kind, service.name, service.domain, service.interactive) == ("miniapp", "丽水山居旅游", "", False)
    assert service.data["platform"] == "微信" and service.data["pre_approvals"] == []
    assert [k.value for k in models.ServiceKey.select()] == ["wx1234567890abcdef"]


@pytest.mark.parametrize("change, message", [
    ({"appid": "tt1a2b3c4d5e6f7a8b"}, "抖音"),
    ({"icp_number": "浙ICP备20018325号-3"}, "X"),
    ({"content_types": ["资讯", "论坛/社区", "博客/微博", "短视频", "工具", "游戏"]}, "最多选择5项"),
    ({"pre_approvals": ["新闻", "以上都不涉及"]}, "不能同时勾选"),
    ({"pre_approvals": []}, "以上都不涉及"),
    ({"intro": "太短的简介"}, "20至200"),
])
def test_bad_miniapp_input_is_refused_beside_its_field(client, alice, change, message):
    base = start(client, "miniapp")
    response = client.post(f"{base}/basic", {**MINIAPP, **change, "action": "next"})
    assert response.status_code == 200 and message in " ".join(errors(response)), errors(response)


def test_an_interactive_content_type_makes_the_miniapp_interactive(client, alice):
    file_miniapp(client, {**MINIAPP, "content_types": ["电商购物"]})
    assert models.Service.get().interactive


def test_an_appid_filed_by_another_subject_is_refused(client, alice, officer, app):
    bob = make_user("bob", mobile="13912340000")
    other = make_subject(bob, bureau=models.Bureau.get(), cert_number="91110000802100433B", name="丽水市别家科技有限公司")
    service = make_service(other, name="别家的小程序", domains=(), kind=models.Service.MINIAPP,
                           record_number="浙公网安备 33110002000098号")
    models.ServiceKey.create(value="wx1234567890abcdef", kind="miniapp", service=service, live=True)
    base = start(client, "miniapp")
    response = client.post(f"{base}/basic", {**MINIAPP, "action": "next"})
    assert "已备案" in " ".join(errors(response)), errors(response)


# -- After filing: 我的APP / 我的小程序, 变更, 注销, and the bureau ------------------------------------

def test_my_apps_list_detail_change_and_cancel(applicant, filed_app):
    client = applicant.client
    listed = client.get("/apps").get_data(as_text=True)
    assert "我的APP" in listed and "com.lsly.lvyou" in listed and filed_app.record_number in listed
    detail = client.get(f"/apps/{filed_app.id}").get_data(as_text=True)
    assert "关于" in detail and filed_app.record_number in detail
    # 【变更】 opens the wizard with what is on record.
    response = client.post(f"/apps/{filed_app.id}/change")
    assert response.status_code == 303 and "/apply/app-change/" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "丽水山居旅游" in page and "保留" in page
    models.Draft.delete().execute()
    # 注销 with the APP负责人's SMS code.
    cancel = {"closed": "y", "leader_name": "张建国", "leader_mobile": "13905781234", "reason": "APP停止运营"}
    page = client.get(f"/apps/{filed_app.id}/cancel").get_data(as_text=True)
    assert "APP已停止运营" in page and "APP负责人姓名" in page
    client.post(f"/apps/{filed_app.id}/cancel", {**cancel, "action": "send_code"})
    response = client.post(f"/apps/{filed_app.id}/cancel", {**cancel, "code": code_for("13905781234"),
                                                            "action": "submit"})
    assert response.status_code == 303
    application = models.Application.get(models.Application.kind == "注销APP")
    assert application.service_id == filed_app.id and "site_check" not in application.data


def test_another_users_app_is_not_found(applicant, filed_app, client):
    make_user("mallory", mobile="13912349999")
    client.login("mallory", "Secret2026x")
    for url in (f"/apps/{filed_app.id}", f"/apps/{filed_app.id}/cancel"):
        assert client.get(url).status_code == 404
    assert client.post(f"/apps/{filed_app.id}/change").status_code == 404
    # Nor under another kind's pages.
    applicant.client.get("/")
    assert applicant.client.get(f"/miniapps/{filed_app.id}").status_code == 404


def test_the_reviewing_bureau_sees_the_app_pictures_and_no_one_else(app, applicant, officer, client):
    from tests.factories import app_steps
    from tests.conftest import file_through_flow
    from wizard.engine import FLOWS
    application = file_through_flow(app, FLOWS["新办APP"], applicant.subject, app_steps(applicant.user.id))
    icon = application.data["filed"]["icon"]
    page = officer.get(f"/review/{application.id}").get_data(as_text=True)
    assert f"/uploads/{icon}" in page
    # Still after 退回: the returned application's pictures stay visible to the bureau that decided it.
    application.decide(False, reviewer=officer.user.id, reason="图标不清晰")
    assert models.Upload.get_by_id(icon).visible_to(officer.user)
    stranger = make_user("cop2", mobile="13800009999", role=models.User.OFFICER,
                         bureau=make_bureau("330100", "杭州市公安局网警支队"))
    assert stranger and client.login("cop2", "Secret2026x").status_code in (200, 303)
    assert client.get(f"/uploads/{icon}").status_code == 404


def test_cancelling_the_subject_cancels_its_apps_and_miniapps(applicant, filed_app, filed_miniapp):
    models.Service.cancel_all(applicant.subject)
    assert {s.status for s in models.Service.select()} == {models.Service.CANCELLED}
    assert not models.ServiceKey.select().where(models.ServiceKey.live).exists()


def test_a_transferred_subject_takes_its_app_and_pictures_along(app, applicant, filed_app):
    receiver = make_user("bob", mobile="13912340000")
    subject = applicant.subject
    subject.start_transfer()
    subject.accept_transfer(receiver.id)
    assert models.Service.get_by_id(filed_app.id).owner_id == receiver.id
    pictures = models.Upload.select().join(models.FilingPicture).join(models.Application).where(models.Application.service == filed_app)
    assert pictures.count() == 4 and {p.owner_id for p in pictures} == {receiver.id}
    # The receiver's 【变更】 keeps the pictures on record: they are his now.
    from wizard.engine import FLOWS, rebuild
    flow = FLOWS["变更APP"]
    service = models.Service.get_by_id(filed_app.id)
    with app.test_request_context():
        state = flow.state(service.filing())
        basic = rebuild(flow.steps[1].form, state.raw("basic"), flow.context(models.Subject.get_by_id(subject.id),
                                                                           service))
        assert basic.validate(), basic.errors


def test_business_page_offers_every_business(applicant):
    page = applicant.client.get("/business").get_data(as_text=True)
    for label in ("新增主体", "新办网站申请", "新办APP申请", "新办小程序申请", "我的APP", "我的小程序", "网站认领"):
        assert label in page
    home = applicant.client.get("/home").get_data(as_text=True)
    assert "我的APP" in home and "我的小程序" in home


def test_two_subjects_asking_for_one_package_the_first_approval_wins(app, applicant, officer):
    from tests.conftest import file_through_flow
    from tests.factories import app_steps
    from wizard.engine import FLOWS, recheck
    bob = make_user("bob", mobile="13912340000")
    other = make_subject(bob, bureau=applicant.bureau, cert_number="91110000802100433B", name="丽水市别家科技有限公司")
    flow = FLOWS["新办APP"]
    mine = file_through_flow(app, flow, applicant.subject, app_steps(applicant.user.id))
    theirs = file_through_flow(app, flow, other, app_steps(bob.id, domain="api.bieji.cn", name="别家旅游"))
    # Both pending: each officer sees the other filing asking for the package.
    with app.test_request_context():
        assert any("包名/AppIDcom.lsly.lvyou另有APP“别家旅游”" in problem for problem in recheck(mine))
    mine.decide(True, reviewer=officer.user.id)
    with app.test_request_context():
        assert any("com.lsly.lvyou" in problem for problem in recheck(theirs))
    with pytest.raises(models.TransitionError, match="com.lsly.lvyou"):
        theirs.decide(True, reviewer=officer.user.id)
    assert models.Application.get_by_id(theirs.id).status == models.Application.PENDING


def test_a_post_cannot_grow_the_draft_beyond_the_fields_limits(client, alice):
    base = start(client, "app")
    rows = {f"sdks-{n}-name": "友盟统计" for n in range(40)}
    post_step(client, f"{base}/basic", {**APP, **rows, "sdks-x-name": "注入", "action": "upload"}, files(shots=9))
    raw = models.Draft.get().data["steps"]["basic"]
    assert len(raw["screenshots"]) == 5 and models.Upload.select().count() == 1 + 5
    assert max(int(name.split("-")[1]) for name in raw if name.startswith("sdks-")) == 29
    assert "sdks-x-name" not in raw


def test_a_subjects_apps_may_share_a_host_but_another_subject_may_not_use_it(app, applicant, officer):
    from tests.conftest import file_through_flow
    from tests.factories import app_steps
    from wizard.engine import FLOWS
    flow = FLOWS["新办APP"]
    first = file_through_flow(app, flow, applicant.subject, app_steps(applicant.user.id))
    first.decide(True, reviewer=officer.user.id)
    second = file_through_flow(app, flow, applicant.subject, app_steps(
        applicant.user.id, name="丽水山居民宿", platform_android_package=["com.lsly.minsu"]))
    second.decide(True, reviewer=officer.user.id)
    assert models.Domain.select().where(models.Domain.domain == "api.lsly.cn", models.Domain.live).count() == 2
    bob = make_user("bob", mobile="13912340000")
    other = make_subject(bob, bureau=applicant.bureau, cert_number="91110000802100433B", name="丽水市别家科技有限公司")
    with app.test_request_context():
        from forms.app import AppBasicForm
        from wizard.engine import rebuild
        from tests.factories import app_basic
        form = rebuild(AppBasicForm, app_basic(bob.id, package="com.bieji.app"), {"subject": other})
        assert not form.validate() and "api.lsly.cn" in form.domains.errors[0]


def test_a_change_that_replaces_a_screenshot_shows_in_the_before_and_after_table(app, applicant, filed_app):
    from tests.conftest import file_through_flow
    from tests.factories import app_pictures, app_steps
    from wizard.engine import FLOWS, changes_of
    steps = app_steps(applicant.user.id)
    steps["basic"]["icon"] = filed_app.filing()["steps"]["basic"]["icon"]
    steps["basic"]["screenshots"] = app_pictures(applicant.user.id)[1]
    application = file_through_flow(app, FLOWS["变更APP"], applicant.subject, steps, service=filed_app)
    with app.test_request_context():
        changed = {label for label, _, _ in changes_of(application)}
    assert "运行截图" in changed and "APP图标" not in changed


def test_a_post_too_big_to_read_tells_htmx_above_the_form(client, alice, app):
    base = start(client, "app")
    big = [("screenshots_file", (io.BytesIO(b"x" * app.config["MAX_CONTENT_LENGTH"]), "huge.jpg"))]
    response = client.raw.post(f"{base}/basic", data=_multidict([("csrf_token", client.token()), *big]),
                               content_type="multipart/form-data", headers={"HX-Request": "true"})
    assert response.status_code == 413
    assert response.get_data(as_text=True).strip() == '<p class="flash error">上传的文件超过了大小限制，请压缩后重新上传。</p>'
    page = client.get(f"{base}/basic").get_data(as_text=True)
    assert 'id="request-refused"' in page and '"code":"413","swap":true' in page
