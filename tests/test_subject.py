"""开办主体 through the test client: new, drafts, uploads, change, cancel, transfer, switch."""
import io
import json
import os

import pytest

import models
from forms import rules
from tests.conftest import make_user
from tests.factories import (LISHUI_COUNTY, USCC, make_bureau, make_id, make_subject, noisy_jpeg,
                             person_form, picture, unit_form)


@pytest.fixture
def bureau(app):
    return make_bureau()


@pytest.fixture
def alice(client, bureau):
    user = make_user()
    client.login("alice", "Secret2026x")
    return user


def with_pictures(data, unit=True):
    files = {"id_photo_front": (io.BytesIO(picture()), "front.jpg"),
             "id_photo_back": (io.BytesIO(picture("PNG")), "back.png")}
    if unit:
        files["cert_photo"] = (io.BytesIO(picture()), "licence.jpg")
    return {**data, **files}


def submit_new(client, data, **kwargs):
    return client.post("/subject/new", {**data, "action": "submit"}, **kwargs)


def test_new_unit_subject_is_filed_with_its_application(client, alice, bureau):
    response = submit_new(client, with_pictures(unit_form()))
    assert response.status_code == 303
    subject = models.Subject.get()
    assert (subject.owner_id, subject.status, subject.bureau_id) == (alice.id, "待审核", bureau.id)
    assert subject.name == "丽水市云岭科技有限公司" and subject.cert_number == USCC
    assert subject.cert_photo and subject.id_photo_front and subject.id_photo_back
    application = models.Application.get()
    assert (application.kind, application.status, application.bureau_id) == ("新增主体", "待审核", bureau.id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "公安机关不单独审核主体" in page
    assert make_id() not in page and "3311**********123" + make_id()[-1] in page


def test_new_person_subject_takes_the_leader_as_name(client, alice):
    assert submit_new(client, with_pictures(person_form(), unit=False)).status_code == 303
    subject = models.Subject.get()
    assert (subject.nature, subject.name, subject.cert_type) == ("个人", "李秀英", "居民身份证")
    assert subject.cert_number == make_id(seq=456) and subject.cert_photo is None


@pytest.mark.parametrize("change, field, message", [
    ({"name": "云岭科技"}, "name", ""),
    ({"nature": "个人"}, "leader_id_number", ""),
    ({"cert_number": "91330106673959654Q"}, "cert_number", "校验位"),
    ({"leader_name": "王先生"}, "leader_name", ""),
    ({"leader_office_phone": "010-00000000"}, "leader_office_phone", ""),
    ({"address": "丽水市"}, "address", ""),
    ({"county": ""}, "county", "请依次选择"),
    ({"province": "110000", "city": "110100", "county": "110105"}, "county", "暂未在本平台受理"),
])
def test_bad_input_gets_a_field_message_and_writes_no_subject(client, alice, change, field, message):
    data = unit_form(**change)
    if change.get("nature") == "个人":
        data["leader_id_number"] = USCC
    response = submit_new(client, with_pictures(data))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'id="err-{field}"' in page and message in page
    assert models.Subject.select().count() == 0 and models.Application.select().count() == 0
    # What was typed is kept, in the page and in a draft.
    assert models.Draft.get().data["leader_email"] == "zhang@example.com"


@pytest.mark.parametrize("leader_name", ["王先生", "某某"])
def test_a_persons_refused_name_is_said_once(client, alice, leader_name):
    page = submit_new(client, with_pictures(person_form(leader_name=leader_name), unit=False)).get_data(as_text=True)
    assert page.count('id="err-leader_name"') == 1
    assert page.count("请填写真实全名") == 1
    inline = client.post("/validate/subject/leader_name", {"nature": "个人", "leader_name": leader_name},
                         headers={"HX-Request": "true"}).get_data(as_text=True)
    assert inline.count('id="err-leader_name"') == 1 and inline.count("请填写真实全名") == 1


def test_a_person_named_like_a_company_is_still_refused(client, alice):
    page = submit_new(client, with_pictures(person_form(leader_name="丽水云岭科技有限公司"), unit=False))
    page = page.get_data(as_text=True)
    assert page.count('id="err-leader_name"') == 1 and "个人主体请填写本人姓名" in page
    assert models.Subject.select().count() == 0


def test_a_unit_leader_may_hold_a_permit_stored_as_its_number_reads(client, alice):
    data = unit_form(leader_name="陳大文", leader_id_type="港澳居民来往内地通行证", leader_id_number="ｈ12345678")
    assert submit_new(client, with_pictures(data)).status_code == 303
    subject = models.Subject.get()
    assert (subject.leader_id_type, subject.leader_id_number) == ("港澳居民来往内地通行证", "H12345678")


@pytest.mark.parametrize("id_type, number, message", [
    ("港澳居民来往内地通行证", "12345678", "如 H12345678"),
    ("护照", "ABCDEFGH", "如中国护照 E12345678"),
    ("外国人永久居留身份证", "933840198506011237", "校验位"),
])
def test_a_leader_document_number_follows_its_format(client, alice, id_type, number, message):
    data = unit_form(leader_id_type=id_type, leader_id_number=number)
    page = submit_new(client, with_pictures(data)).get_data(as_text=True)
    assert page.count('id="err-leader_id_number"') == 1 and message in page
    assert models.Subject.select().count() == 0
    inline = client.post("/validate/subject/leader_id_number", data, headers={"HX-Request": "true"})
    assert message in inline.get_data(as_text=True)


@pytest.mark.parametrize("id_type, number, name", [
    ("护照", "E12345678", "John Smith"),
    ("外国人永久居留身份证", "933840198506011236", "Jean-Luc Picard"),
    ("台湾居民来往大陆通行证", "12345678", "林志明"),
])
def test_a_unit_leader_with_another_document_may_write_the_name_it_shows(client, alice, id_type, number, name):
    data = unit_form(leader_id_type=id_type, leader_id_number=number, leader_name=name)
    inline = client.post("/validate/subject/leader_name", data, headers={"HX-Request": "true"})
    assert 'class="error"' not in inline.get_data(as_text=True)
    assert submit_new(client, with_pictures(data)).status_code == 303
    assert models.Subject.get().leader_name == name


def test_a_latin_name_with_a_resident_id_is_refused_inline_and_on_submit(client, alice):
    data = unit_form(leader_name="John Smith")
    inline = client.post("/validate/subject/leader_name", data, headers={"HX-Request": "true"}).get_data(as_text=True)
    page = submit_new(client, with_pictures(data)).get_data(as_text=True)
    for html in (inline, page):
        assert html.count('id="err-leader_name"') == 1 and "姓名中不能包含英文字母" in html
    assert models.Subject.select().count() == 0


def test_a_person_subject_stays_resident_id_only(client, alice):
    data = person_form(leader_id_type="护照", leader_id_number="E12345678", leader_name="John Smith")
    page = submit_new(client, with_pictures(data, unit=False)).get_data(as_text=True)
    assert "个人的证件类型只能是：居民身份证" in page
    assert page.count('id="err-leader_name"') == 1 and "英文字母" in page
    assert models.Subject.select().count() == 0


@pytest.mark.parametrize("investor, message", [
    ("丽水市云岭科技有限公司", "法定代表人或单位最高负责人的姓名"),
    ("王先生", "称呼"),
])
def test_investor_is_the_legal_representatives_name(client, alice, investor, message):
    data = unit_form(investor=investor)
    page = submit_new(client, with_pictures(data)).get_data(as_text=True)
    inline = client.post("/validate/subject/investor", data, headers={"HX-Request": "true"}).get_data(as_text=True)
    for html in (page, inline):
        assert html.count('id="err-investor"') == 1 and message in html
    assert models.Subject.select().count() == 0


def test_demo_and_test_subjects_meet_the_name_rules():
    with open(os.path.join(os.path.dirname(models.__file__), "data", "demo.json"), encoding="utf-8") as f:
        subjects = json.load(f)["subjects"] + [unit_form()]
    for values in subjects:
        assert rules.check_investor(values["investor"]) is None, values["investor"]
        assert rules.check_unit_name(values["name"], values["unit_kind"]) is None, values["name"]
        assert rules.check_person_name(values["leader_name"], id_type=values["leader_id_type"]) is None


def test_the_investor_field_says_whose_name_it_wants(client, alice):
    page = client.get("/subject/new?fresh=1").get_data(as_text=True)
    assert "法定代表人或单位最高负责人的姓名" in page and "主管单位名称" not in page


def test_duplicate_certificate_is_refused(client, alice):
    make_subject(make_user("bob", mobile="13800001111"))
    response = submit_new(client, with_pictures(unit_form()))
    assert "已登记开办主体" in response.get_data(as_text=True)
    assert models.Subject.select().count() == 1


@pytest.mark.parametrize("content, name, message", [
    (noisy_jpeg(), "big.jpg", "不能超过512KB"),
    (b"MZ\x90\x00 this is not a picture" * 20, "virus.jpg", ""),
    (picture()[:60], "cut.jpg", ""),
])
def test_bad_uploads_are_refused_next_to_their_field(client, alice, content, name, message):
    data = with_pictures(unit_form())
    data["cert_photo"] = (io.BytesIO(content), name)
    page = submit_new(client, data).get_data(as_text=True)
    assert 'id="err-cert_photo"' in page and message in page
    assert models.Subject.select().count() == 0
    assert not models.Upload.select().where(models.Upload.purpose == "cert_photo").exists()


def test_pictures_survive_a_refused_submit(client, alice):
    page = submit_new(client, with_pictures(unit_form(leader_name="王先生"))).get_data(as_text=True)
    assert page.count("已上传") == 3
    kept = {u.purpose: str(u.id) for u in models.Upload.select()}
    data = unit_form(**{name + "_id": kept[name] for name in kept})
    assert submit_new(client, data).status_code == 303
    assert models.Subject.get().cert_photo_id == int(kept["cert_photo"])


def test_another_users_picture_cannot_be_borrowed_or_seen(client, alice, app):
    bob = make_user("bob", mobile="13800001111")
    foreign = models.Upload.store(bob, "cert_photo", picture(), "jpeg")
    data = with_pictures(unit_form())
    del data["cert_photo"]
    page = submit_new(client, {**data, "cert_photo_id": str(foreign.id)}).get_data(as_text=True)
    assert "请上传证件图片" in page
    assert client.get(f"/uploads/{foreign.id}").status_code == 404


def test_pictures_are_served_to_owner_and_reviewing_officer_only(client, alice, bureau):
    submit_new(client, with_pictures(unit_form()))
    upload_id = models.Subject.get().cert_photo_id
    response = client.get(f"/uploads/{upload_id}")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.headers["Cache-Control"] == "private, no-store"
    client.logout()
    make_user("cop", mobile="13800002222", role=models.User.OFFICER, bureau=bureau)
    client.login("cop", "Secret2026x")
    assert client.get(f"/uploads/{upload_id}").status_code == 200
    client.logout()
    other = make_bureau("652800", "塔里木公安局网安支队")
    make_user("cop2", mobile="13800003333", role=models.User.OFFICER, bureau=other)
    client.login("cop2", "Secret2026x")
    assert client.get(f"/uploads/{upload_id}").status_code == 404


def test_save_draft_keeps_incomplete_input_and_lists_it(client, alice):
    response = client.post("/subject/new", {"nature": "单位", "name": "半截", "action": "save_draft"})
    assert response.status_code == 303 and response.headers["Location"] == "/drafts"
    draft = models.Draft.get()
    assert draft.kind == "新增主体" and draft.data["name"] == "半截"
    page = client.get("/drafts").get_data(as_text=True)
    assert "新增主体" in page and f"/subject/new?draft={draft.id}" in page


def test_draft_prompt_yes_fills_no_starts_empty_and_keeps_it(client, alice):
    client.post("/subject/new", {"nature": "单位", "name": "草稿公司", "action": "save_draft"})
    draft = models.Draft.get()
    prompt = client.get("/subject/new").get_data(as_text=True)
    assert "您有一条草稿，是否使用" in prompt and "草稿公司" not in prompt
    assert 'value="草稿公司"' in client.get(f"/subject/new?draft={draft.id}").get_data(as_text=True)
    fresh = client.get("/subject/new?fresh=1").get_data(as_text=True)
    assert "草稿公司" not in fresh and 'name="draft_id" id="draft-id" value=""' in fresh
    assert models.Draft.select().count() == 1


def test_draft_is_restored_after_a_new_login(client, alice):
    client.post("/subject/new", {**unit_form(name="登录前公司"), "action": "autosave"},
                headers={"HX-Request": "true"})
    client.logout()
    client.login("alice", "Secret2026x")
    draft = models.Draft.get()
    assert 'value="登录前公司"' in client.get(f"/subject/new?draft={draft.id}").get_data(as_text=True)


def test_autosave_answers_a_small_fragment_and_reuses_its_draft(client, alice):
    first = client.post("/subject/new", {"name": "甲", "action": "autosave"}, headers={"HX-Request": "true"})
    body = first.get_data(as_text=True)
    assert "已自动保存" in body and len(first.get_data()) < 400 and "<html" not in body
    draft = models.Draft.get()
    client.post("/subject/new", {"name": "乙", "draft_id": draft.id, "action": "autosave"},
                headers={"HX-Request": "true"})
    assert models.Draft.select().count() == 1 and models.Draft.get().data["name"] == "乙"


def test_refresh_swaps_the_field_set_without_validating(client, alice):
    response = client.post("/subject/new", {"nature": "个人", "action": "refresh"}, headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert body.startswith('\n<form id="subject-form"') or body.lstrip().startswith('<form id="subject-form"')
    assert 'name="unit_kind"' not in body and 'name="leader_name"' in body and 'class="error"' not in body
    page = client.post("/subject/new", {"nature": "单位", "province": "330000", "action": "refresh"})
    assert ">丽水市</option>" in page.get_data(as_text=True)


def test_other_users_draft_is_404(client, alice):
    bob = make_user("bob", mobile="13800001111")
    foreign = models.Draft.save_for(bob, "新增主体", {"name": "别人的"})
    assert client.get(f"/subject/new?draft={foreign.id}").status_code == 404
    assert client.post("/subject/new", {"draft_id": foreign.id, "action": "autosave"}).status_code == 404
    assert client.post(f"/drafts/{foreign.id}/delete").status_code == 404
    assert models.Draft.get_by_id(foreign.id).data["name"] == "别人的"


@pytest.mark.parametrize("method, url", [
    ("get", "/subjects/{id}"), ("get", "/subjects/{id}/change"), ("post", "/subjects/{id}/change"),
    ("get", "/subjects/{id}/cancel"), ("post", "/subjects/{id}/cancel"),
    ("get", "/subjects/{id}/transfer"), ("post", "/subjects/{id}/transfer"),
    ("post", "/subjects/{id}/transfer/withdraw"),
])
def test_another_users_subject_is_404_everywhere(client, alice, method, url):
    foreign = make_subject(make_user("bob", mobile="13800001111"))
    response = getattr(client, method)(url.format(id=foreign.id))
    assert response.status_code == 404
    assert models.Subject.get_by_id(foreign.id).status == "有效"


def test_switch_refuses_another_users_subject(client, alice):
    foreign = make_subject(make_user("bob", mobile="13800001111"))
    assert client.post("/subjects/current", {"subject_id": foreign.id}).status_code == 404


def test_officer_cannot_use_applicant_pages(client, bureau):
    make_user("cop", mobile="13800002222", role=models.User.OFFICER, bureau=bureau)
    client.login("cop", "Secret2026x")
    assert client.get("/subject/new").status_code == 404


def test_switching_the_current_subject(client, alice):
    first = make_subject(alice, name="丽水市甲科技有限公司")
    second = make_subject(alice, name="丽水市乙科技有限公司", cert_number="91110000802100433B")
    home = client.get("/home").get_data(as_text=True)
    assert "当前主体" in home and 'selected>丽水市乙科技有限公司' in home
    response = client.post("/subjects/current", {"subject_id": first.id, "next": "/subjects"})
    assert response.headers["Location"] == "/subjects"
    assert 'selected>丽水市甲科技有限公司' in client.get("/home").get_data(as_text=True)
    assert second.id


# -- 变更主体 -----------------------------------------------------------------

def subject_form_values(subject, **changes):
    from forms.subject import SubjectForm
    values = SubjectForm.values_from_subject(subject)
    values.update(province="330000", city="331100", county=LISHUI_COUNTY)
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


def test_change_shows_before_and_after_then_files_on_confirm(client, alice, bureau, app):
    subject = make_subject(alice, bureau=bureau)
    photos = {n: models.Upload.store(alice, n, picture(), "jpeg")
              for n in ("cert_photo", "id_photo_front", "id_photo_back")}
    models.Subject.update({getattr(models.Subject, n): p.id for n, p in photos.items()}).execute()
    subject = models.Subject.get_by_id(subject.id)
    assert 'value="丽水市云岭科技有限公司"' in client.get(f"/subjects/{subject.id}/change").get_data(as_text=True)
    data = subject_form_values(subject, leader_office_phone="0578-2123456", action="submit")
    page = client.post(f"/subjects/{subject.id}/change", data).get_data(as_text=True)
    assert "0578-2786359" in page and "0578-2123456" in page and "确认" in page
    assert models.Subject.get_by_id(subject.id).status == "有效"
    response = client.post(f"/subjects/{subject.id}/change", {"action": "confirm"})
    assert response.status_code == 303
    subject = models.Subject.get_by_id(subject.id)
    assert subject.status == "变更中" and subject.leader_office_phone == "0578-2786359"
    application = models.Application.get(models.Application.kind == "变更主体")
    assert application.data["leader_office_phone"] == "0578-2123456"
    assert not models.Draft.select().exists()
    # A second change while one is pending is refused.
    again = client.get(f"/subjects/{subject.id}/change", follow_redirects=True).get_data(as_text=True)
    assert "存在审核中的单据" in again
    application.decide(approved=True)
    assert models.Subject.get_by_id(subject.id).leader_office_phone == "0578-2123456"


def test_change_without_any_difference_is_refused(client, alice, app):
    subject = make_subject(alice)
    for n in ("cert_photo", "id_photo_front", "id_photo_back"):
        setattr(subject, n, models.Upload.store(alice, n, picture(), "jpeg"))
    subject.save()
    page = client.post(f"/subjects/{subject.id}/change",
                       subject_form_values(subject, action="submit"), follow_redirects=True)
    assert "您没有修改任何信息" in page.get_data(as_text=True)
    assert not models.Application.select().exists()


def test_change_draft_prompt(client, alice):
    subject = make_subject(alice)
    client.post(f"/subjects/{subject.id}/change", {**subject_form_values(subject, name="改名中公司"),
                                                   "action": "save_draft"})
    assert "您有一条变更主体的草稿" in client.get(f"/subjects/{subject.id}/change").get_data(as_text=True)
    assert 'value="改名中公司"' in client.get(f"/subjects/{subject.id}/change?draft=use").get_data(as_text=True)
    assert 'value="丽水市云岭科技有限公司"' in client.get(f"/subjects/{subject.id}/change?draft=no").get_data(as_text=True)


@pytest.mark.parametrize("status", ["待审核", "注销中", "移交中", "已注销"])
def test_change_refused_unless_valid(client, alice, status):
    subject = make_subject(alice, status=status)
    response = client.get(f"/subjects/{subject.id}/change")
    assert response.status_code == 303
    assert models.Subject.get_by_id(subject.id).status == status


# -- 注销主体 -----------------------------------------------------------------

def outbox_code(mobile):
    import re
    message = models.OutboxMessage.select().where(models.OutboxMessage.mobile == mobile) \
        .order_by(models.OutboxMessage.id.desc()).first()
    return re.search(r"验证码为(\d{6})", message.body).group(1)


def test_cancel_needs_the_leaders_name_mobile_and_code(client, alice, bureau):
    subject = make_subject(alice, bureau=bureau)
    url = f"/subjects/{subject.id}/cancel"
    wrong = client.post(url, {"leader_mobile": "13900000000", "action": "send_code"}).get_data(as_text=True)
    assert "与该主体登记的负责人手机号码不一致" in wrong
    assert not models.OutboxMessage.select().exists()
    client.post(url, {"leader_mobile": "13905781234", "action": "send_code"})
    code = outbox_code("13905781234")
    bad = client.post(url, {"leader_name": "张建国", "leader_mobile": "13905781234", "code": "000000",
                            "reason": "网站已关闭", "action": "submit"}).get_data(as_text=True)
    assert "验证码错误" in bad and models.Subject.get_by_id(subject.id).status == "有效"
    response = client.post(url, {"leader_name": "张建国", "leader_mobile": "13905781234", "code": code,
                                 "reason": "网站已关闭", "action": "submit"})
    assert response.status_code == 303
    assert models.Subject.get_by_id(subject.id).status == "注销中"
    application = models.Application.get(models.Application.kind == "注销主体")
    assert application.data == {"reason": "网站已关闭"}


# -- 移交主体 / 接收主体 -------------------------------------------------------

def test_transfer_offer_withdraw_and_accept(client, app, alice, bureau):
    subject = make_subject(alice, bureau=bureau)
    url = f"/subjects/{subject.id}/transfer"
    client.post(url, {"leader_mobile": "13905781234", "action": "send_code"})
    receiver_id = make_id(seq=789)
    offer = {"leader_mobile": "13905781234", "receiver_mobile": "13600001111",
             "receiver_id_number": receiver_id, "code": outbox_code("13905781234"), "action": "submit"}
    assert client.post(url, offer).status_code == 303
    assert models.Subject.get_by_id(subject.id).status == "移交中"
    assert "接收主体" in models.OutboxMessage.select().where(models.OutboxMessage.mobile == "13600001111").get().body
    # Withdraw, then offer again.
    client.post(f"/subjects/{subject.id}/transfer/withdraw")
    assert models.Subject.get_by_id(subject.id).status == "有效"
    assert models.Transfer.get().status == "已撤回"
    models.SmsCode.delete().execute()  # skip the 60-second resend wait
    client.post(url, {"leader_mobile": "13905781234", "action": "send_code"})
    assert client.post(url, {**offer, "code": outbox_code("13905781234")}).status_code == 303
    website = models.Service.create(owner=alice, subject=subject, name="云岭科技官网", domain="yunling.cn")
    client.logout()

    carol = make_user("carol", mobile="13600001111")
    client.login("carol", "Secret2026x")
    assert "只有完成手机号码信用认证" in client.get("/subjects/incoming").get_data(as_text=True)
    open_offer = models.Transfer.get(models.Transfer.status == "待接收")
    assert client.get(f"/transfers/{open_offer.id}/accept").status_code == 404
    carol.mark_mobile_verified()
    assert "丽水市云岭科技有限公司" in client.get("/subjects/incoming").get_data(as_text=True)
    wrong = client.post(f"/transfers/{open_offer.id}/accept", {"id_number": make_id(seq=111)})
    assert "不一致" in wrong.get_data(as_text=True)
    assert models.Subject.get_by_id(subject.id).owner_id == alice.id
    assert client.post(f"/transfers/{open_offer.id}/accept", {"id_number": receiver_id}).status_code == 303
    subject = models.Subject.get_by_id(subject.id)
    assert (subject.owner_id, subject.status) == (carol.id, "有效")
    assert models.Service.get_by_id(website.id).owner_id == carol.id
    assert models.Notice.select().where(models.Notice.user == alice).exists()


def test_receiver_with_another_mobile_sees_nothing(client, alice):
    subject = make_subject(make_user("bob", mobile="13800001111"))
    offer = subject.offer_transfer("13600009999", make_id(seq=789))
    alice.mark_mobile_verified()
    assert client.get(f"/transfers/{offer.id}/accept").status_code == 404
    assert "暂无移交给您的主体" in client.get("/subjects/incoming").get_data(as_text=True)


def test_expired_session_autosave_gets_401_and_pages_go_to_login(client, bureau):
    response = client.post("/subject/new", {"name": "甲", "action": "autosave"}, headers={"HX-Request": "true"})
    assert response.status_code == 401 and "<form" not in response.get_data(as_text=True)
    page = client.get("/subject/new")
    assert page.status_code == 302 and "/login?next=" in page.headers["Location"]


def test_changing_the_id_type_judges_the_name_and_number_typed_under_it_again(client, alice):
    typed = unit_form(leader_name="John Smith", leader_id_type="居民身份证", leader_id_number="E12345678")
    first = client.post("/subject/new", {**typed, "action": "refresh"},
                        headers={"HX-Request": "true", "HX-Trigger-Name": "leader_id_type"}).get_data(as_text=True)
    assert 'id="err-leader_name"' in first and 'id="err-leader_id_number"' in first
    answer = client.post("/subject/new", {**typed, "leader_id_type": "护照", "action": "refresh"},
                         headers={"HX-Request": "true", "HX-Trigger-Name": "leader_id_type"}).get_data(as_text=True)
    assert 'id="err-leader_name"' not in answer and 'id="err-leader_id_number"' not in answer
    assert 'hx-select-oob="#field-leader_name,#field-leader_id_number"' in answer
    # Without JavaScript (no field named): the page comes back as typed, judged only on 提交.
    plain = client.post("/subject/new", {**typed, "action": "refresh"}).get_data(as_text=True)
    assert 'id="err-leader_name"' not in plain and 'value="John Smith"' in plain
