"""Edge cases found in review: redirects, leaks, races, repeats and odd input answered calmly."""
import pytest

import models
from tests.conftest import make_user
from tests.factories import USCC, make_bureau, make_id, make_subject
from tests.test_subject import submit_new, subject_form_values, with_pictures
from tests.factories import unit_form
from views.common import safe_next


@pytest.mark.parametrize("target", ["/\\evil.com", "//evil.com", "https://evil.com/", "/ok\r\nX: y"])
def test_safe_next_refuses_what_a_browser_reads_as_another_site(target):
    assert safe_next(target, "/home") == "/home"


def test_safe_next_keeps_local_paths():
    assert safe_next("/apply/website?draft=use", "/home") == "/apply/website?draft=use"


def test_anonymous_inline_check_does_not_tell_who_is_registered(client, app):
    make_subject(make_user(), nature="个人", cert_type="居民身份证", cert_number=make_id(seq=777))
    answer = client.post("/validate/subject/leader_id_number", {
        "nature": "个人", "leader_id_type": "居民身份证", "leader_id_number": make_id(seq=777)},
        headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "已登记" not in answer and 'class="error"' not in answer


@pytest.fixture
def alice(client, app):
    bureau = make_bureau()
    user = make_user()
    client.login("alice", "Secret2026x")
    user.bureau_for_tests = bureau
    return user


def test_change_to_a_person_masks_the_new_id_number(client, alice, app):
    subject = make_subject(alice, bureau=alice.bureau_for_tests)
    from tests.factories import picture
    for n in ("cert_photo", "id_photo_front", "id_photo_back"):
        setattr(subject, n, models.Upload.store(alice, n, picture(), "jpeg"))
    subject.save()
    data = subject_form_values(subject, nature="个人", action="submit")
    page = client.post(f"/subjects/{subject.id}/change", data).get_data(as_text=True)
    assert "确认" in page and make_id() not in page and "3311**********" in page


def test_transfer_hands_over_history_and_pictures(app):
    owner, receiver = make_user(), make_user("bob", mobile="13800001111")
    subject = make_subject(owner)
    picture_row = models.Upload.create(owner=owner, purpose="cert_photo", stored_name="x.jpg",
                                       content_type="image/jpeg", size=1, sha256="0")
    subject.cert_photo = picture_row
    subject.save()
    models.Application.create(owner=owner, subject=subject, kind="新增主体", status="已通过")
    subject.offer_transfer("13800001111", make_id(seq=5)).accept(receiver)
    assert models.Application.get().owner_id == receiver.id
    assert models.Upload.get_by_id(picture_row.id).owner_id == receiver.id


def test_withdrawn_new_subject_frees_its_certificate_and_returns_a_draft(client, alice):
    submit_new(client, with_pictures(unit_form()))
    application = models.Application.get()
    page = client.post(f"/applications/{application.id}/withdraw", follow_redirects=True).get_data(as_text=True)
    assert "已放回【我的草稿】" in page
    assert models.Subject.get().status == "已注销"
    draft = models.Draft.get(models.Draft.kind == "新增主体")
    assert draft.data["name"] == "丽水市云岭科技有限公司"
    assert submit_new(client, with_pictures(unit_form())).status_code == 303


def test_withdrawn_change_returns_its_draft(client, alice):
    subject = make_subject(alice)
    subject.request_change({"name": "新名称有限公司"}, {"name": "新名称有限公司"})
    application = models.Application.get()
    client.post(f"/applications/{application.id}/withdraw")
    assert models.Subject.get_by_id(subject.id).status == "有效"
    assert models.Draft.get(models.Draft.kind == "变更主体").data == {"name": "新名称有限公司"}


def test_withdrawn_cancellation_says_nothing_of_drafts(client, alice):
    subject = make_subject(alice)
    application = subject.request_cancel("不再运营")
    page = client.post(f"/applications/{application.id}/withdraw", follow_redirects=True).get_data(as_text=True)
    assert "申请已撤销" in page and "我的草稿】" not in page.split("申请已撤销")[1][:20]


def test_second_withdraw_and_second_accept_are_refused(app):
    owner, receiver = make_user(), make_user("bob", mobile="13800001111")
    subject = make_subject(owner)
    application = subject.request_cancel("x")
    stale = models.Application.get_by_id(application.id)
    application.withdraw()
    with pytest.raises(models.TransitionError):
        stale.withdraw()
    offer = subject.offer_transfer("13800001111", make_id(seq=5))
    stale_offer = models.Transfer.get_by_id(offer.id)
    offer.withdraw()
    with pytest.raises(models.TransitionError):
        stale_offer.accept(receiver)
    assert models.Subject.get_by_id(subject.id).owner_id == owner.id


def test_database_refuses_a_second_live_subject_with_one_certificate(app):
    owner = make_user()
    data = {k: v for k, v in unit_form().items() if k in models.Subject.DATA_FIELDS}
    data["region_code"] = "331102"
    models.Subject.file_new(owner, data, None)
    with pytest.raises(models.TransitionError, match="已登记"):
        models.Subject.file_new(owner, data, None)
    assert models.Subject.select().count() == 1 and models.Application.select().count() == 1


def test_asking_for_a_code_twice_answers_with_a_message(client, alice):
    subject = make_subject(alice)
    url = f"/subjects/{subject.id}/cancel"
    client.post(url, {"leader_mobile": "13905781234", "action": "send_code"})
    again = client.post(url, {"leader_mobile": "13905781234", "action": "send_code"})
    assert again.status_code == 200 and "过于频繁" in again.get_data(as_text=True)


def test_odd_lookup_actions_are_ignored(client, alice):
    make_subject(alice, bureau=alice.bureau_for_tests)
    client.post("/apply/website", {"action": "next"})
    draft = models.Draft.get()
    base = f"/apply/website/{draft.id}"
    for action in ("lookup_nothing", "pick_access:abc", "pick_nothing:1"):
        assert client.post(f"{base}/basic", {"action": action}).status_code == 200
    client.post(f"{base}/basic", {"action": "back"})
    assert client.post(f"{base}/subject", {"action": "lookup_access"}).status_code == 200


def test_inline_site_name_checks_against_the_drafts_subject(client, alice):
    person = make_subject(alice, nature="个人", unit_kind="", cert_type="居民身份证", cert_number=make_id(seq=9))
    client.post("/apply/website", {"action": "next"})
    draft = models.Draft.get()
    assert draft.subject_id == person.id
    # The header's 【当前主体】 moves to a company meanwhile: the draft still files for the person.
    company = make_subject(alice, cert_number="91110000802100433B")
    assert client.post("/subjects/current", {"subject_id": company.id}).status_code == 303
    step = f"/apply/website/{draft.id}/basic"
    answer = client.post(step, {"site_name": "云岭科技有限公司官网", "action": "check:site_name"},
                         headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "个人网站" in answer and 'id="field-site_name"' in answer
    page = client.post(step, {"site_name": "云岭科技有限公司官网", "action": "next"}).get_data(as_text=True)
    assert "个人网站" in page
    # The step's inline checks post to the step itself, naming the field.
    assert f'hx-post="{step}"' in client.get(step).get_data(as_text=True)
    assert client.post("/validate/website/site_name", {"site_name": "x"}).status_code == 404
